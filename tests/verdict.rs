//! The verdict first, never silent, the right token checked (contract: "The
//! verdict", "Which tokens are checked", "Output modes").
mod support;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use support::{json_lines, jwtinspect, stderr_of, stdout_of, token};

const SECRET: &str = "verdict-test-secret-of-32-bytes-or-more";
const NOW: i64 = 1_700_000_000;
const NOW_ARG: &str = "1700000000";
/// When every token of testdata/keycloak-response.json is valid.
const KEYCLOAK_NOW: &str = "1700000100";

fn hs256(claims: &Value) -> String {
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).expect("sign HS256")
}

/// A valid Spring-style token carrying ROLE_USER and ROLE_ADMIN.
fn admin_token() -> String {
    hs256(&json!({
        "sub": "jane", "user_name": "jane", "exp": NOW + 273, "iat": NOW - 27,
        "authorities": ["ROLE_USER", "ROLE_ADMIN"], "scope": ["read"]
    }))
}

fn expired_token() -> String {
    hs256(&json!({"sub": "old", "exp": NOW - 60, "iat": NOW - 3660}))
}

fn run(args: &[&str]) -> std::process::Output {
    jwtinspect()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("runs")
}

fn codes(token: &Value) -> Vec<String> {
    token["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

// ------------------------------------------------------------ the verdict line

#[test]
fn a_wrong_key_opens_with_failed_and_nothing_says_valid() {
    let t = admin_token();
    let out = run(&[
        "--now",
        NOW_ARG,
        "--secret",
        "another-secret-of-32-bytes-or-more!!",
        &t,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("FAILED: signature-invalid"),
        "the report must open with the verdict: {text}"
    );
    assert!(
        !text.contains("valid,"),
        "a failed token is never called valid: {text}"
    );
    assert!(!text.contains(", verified:"), "{text}");
}

#[test]
fn a_failed_token_has_no_green_in_colour() {
    let t = admin_token();
    let out = jwtinspect()
        .args([
            "--color",
            "always",
            "--now",
            NOW_ARG,
            "--require-role",
            "ROLE_AUDITOR",
            &t,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(
        text.contains("FAILED: missing-role (ROLE_AUDITOR)"),
        "{text}"
    );
    // green is SGR 32 (alone or after bold: `1;32`)
    assert!(
        !text.contains("\x1b[32m") && !text.contains(";32m"),
        "green on a failed token: {text:?}"
    );
}

#[test]
fn a_good_token_opens_with_ok() {
    let t = admin_token();
    let out = run(&[
        "--now",
        NOW_ARG,
        "--secret",
        SECRET,
        "--require-role",
        "ROLE_ADMIN",
        &t,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.starts_with("OK · token 1 · argument 1\n"), "{text}");
    assert_eq!(stderr_of(&out), "", "exit 0 says nothing on stderr");
}

#[test]
fn several_failures_are_listed_with_the_missing_names() {
    let t = expired_token();
    let out = run(&[
        "--now",
        NOW_ARG,
        "--require-role",
        "ROLE_ADMIN",
        "--require-scope",
        "write",
        &t,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let first = stdout_of(&out)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        first,
        "FAILED: expired, missing-role (ROLE_ADMIN), missing-scope (write) · token 1 · argument 1"
    );
}

#[test]
fn the_readme_seed_is_failed_not_valid() {
    let out = run(&[
        "--now",
        "2021-06-10T19:05:00Z",
        "testdata/immport-login.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    assert!(
        text.starts_with("FAILED: header-invalid · token 1 · "),
        "{text}"
    );
    assert!(!text.contains("valid, expires"), "{text}");
}

// ------------------------------------------------------------- --json ok/checked

#[test]
fn json_has_ok_and_checked_beside_the_findings() {
    let good = admin_token();
    let bad = expired_token();
    let out = run(&["--json", "--now", NOW_ARG, &good, &bad]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[0]["checked"], true);
    assert_eq!(lines[1]["ok"], false);
    assert_eq!(lines[1]["checked"], true);
    // the schema's order: source, field, ok, checked, token
    let keys: Vec<_> = lines[0]
        .as_object()
        .unwrap()
        .keys()
        .take(5)
        .cloned()
        .collect();
    assert_eq!(keys, ["source", "field", "ok", "checked", "token"]);
}

// --------------------------------------------------------- never silent on stderr

#[test]
fn print_token_of_a_failing_token_says_why_on_stderr() {
    let t = admin_token();
    let out = run(&[
        "--print-token",
        "--now",
        NOW_ARG,
        "--require-role",
        "ROLE_AUDITOR",
        &t,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_of(&out).trim(), t);
    assert_eq!(
        stderr_of(&out),
        "jwtinspect: argument 1: FAILED: missing-role (ROLE_AUDITOR)\n"
    );
}

#[test]
fn every_mode_names_each_failing_token_on_stderr() {
    let good = admin_token();
    let bad = expired_token();
    for mode in [
        &["--json"][..],
        &["--claim", "sub"],
        &["--print-token"],
        &[],
    ] {
        let out = jwtinspect()
            .args(mode)
            .args(["--now", NOW_ARG, &good, &bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{mode:?}");
        assert_eq!(
            stderr_of(&out),
            "jwtinspect: argument 2: FAILED: expired\n",
            "{mode:?}"
        );
    }
}

// -------------------------------------------------------- the checked token

#[test]
fn a_token_response_checks_its_access_token_only() {
    let file = "testdata/keycloak-response.json";
    let out = run(&[
        "--json",
        "--now",
        KEYCLOAK_NOW,
        "--require-role",
        "admin",
        file,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    let fields: Vec<_> = lines.iter().map(|l| l["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["access_token", "refresh_token", "id_token"]);
    let checked: Vec<_> = lines
        .iter()
        .map(|l| l["checked"].as_bool().unwrap())
        .collect();
    assert_eq!(checked, [true, false, false]);
    // the run's checks are not applied to the others
    assert!(!codes(&lines[1]).contains(&"missing-role".to_owned()));
    assert_eq!(stderr_of(&out), "");
}

#[test]
fn a_token_response_with_the_wrong_key_for_its_refresh_token_passes() {
    // The refresh token is signed with another (HS512) key, as Keycloak's are.
    let key = EncodingKey::from_secret(
        b"a-realm-refresh-secret-of-sixty-four-bytes-for-hs512-0123456789",
    );
    let refresh = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &json!({"sub": "jane", "typ": "Refresh", "exp": NOW + 1800}),
        &key,
    )
    .expect("sign HS512");
    let response = json!({"access_token": admin_token(), "refresh_token": refresh}).to_string();
    let out = run(&["--json", "--now", NOW_ARG, "--secret", SECRET, &response]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["signature"]["verified"], true);
    assert_eq!(lines[1]["checked"], false);
    assert_eq!(
        lines[1]["signature"]["verified"],
        Value::Null,
        "not checked: no key applied"
    );
    // Checked, it fails: the key is not its key.
    let out = run(&[
        "--json", "--now", NOW_ARG, "--secret", SECRET, "--field", "*", &response,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out)[1]["signature"]["verified"], false);
}

#[test]
fn an_unchecked_token_says_so_and_cannot_fail_the_run() {
    let file = "testdata/keycloak-response.json";
    // at 1700000500 the access and id tokens are expired, the refresh token is not
    let out = run(&["--now", "1700000500", file]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    let verdicts: Vec<_> = text
        .lines()
        .filter(|l| l.starts_with("OK") || l.starts_with("FAILED"))
        .collect();
    assert_eq!(verdicts.len(), 3, "{text}");
    assert!(
        verdicts[0].starts_with("FAILED: expired · token 1"),
        "{text}"
    );
    assert!(
        verdicts[1].starts_with("OK (not checked) · token 2"),
        "{text}"
    );
    assert!(
        verdicts[2].starts_with("FAILED: expired (not checked) · token 3"),
        "{text}"
    );
    assert_eq!(
        stderr_of(&out).lines().count(),
        1,
        "only the checked token is named: {}",
        stderr_of(&out)
    );
}

#[test]
fn field_chooses_which_tokens_are_checked() {
    let file = "testdata/keycloak-response.json";
    let out = run(&["--json", "--now", KEYCLOAK_NOW, "--field", "id_token", file]);
    let checked: Vec<_> = json_lines(&out)
        .iter()
        .map(|l| l["checked"].as_bool().unwrap())
        .collect();
    assert_eq!(checked, [false, false, true]);
    let out = run(&[
        "--json",
        "--now",
        KEYCLOAK_NOW,
        "--field",
        "*",
        "--require-role",
        "admin",
        file,
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the refresh and id tokens carry no role"
    );
    let checked: Vec<_> = json_lines(&out)
        .iter()
        .map(|l| l["checked"].as_bool().unwrap())
        .collect();
    assert_eq!(checked, [true, true, true]);
    let out = run(&[
        "--print-token",
        "--now",
        KEYCLOAK_NOW,
        "--field",
        "refresh_token",
        "--field",
        "id_token",
        file,
    ]);
    assert_eq!(stdout_of(&out).lines().count(), 2);
}

#[test]
fn print_token_of_a_login_response_is_one_line() {
    let out = run(&[
        "--print-token",
        "--now",
        "1631406200",
        "testdata/itempath-login.json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJmcmVzaCI6ZmFsc2UsImlhdCI6MTYzMTQwNjE4MSwianRpIjoiMmE1"));
}

/// `(field, checked)` of each token `--json` reports for `input` on stdin,
/// and the exit code.
fn fields_checked(input: &str, extra: &[&str]) -> (Vec<(String, bool)>, Option<i32>) {
    let out = jwtinspect()
        .args(["--json", "--now", NOW_ARG])
        .args(extra)
        .write_stdin(input)
        .output()
        .expect("runs");
    let seen = json_lines(&out)
        .iter()
        .map(|l| {
            let field = l["field"].as_str().unwrap_or("-").to_owned();
            (field, l["checked"].as_bool().expect("checked"))
        })
        .collect();
    (seen, out.status.code())
}

fn pairs(list: &[(&str, bool)]) -> Vec<(String, bool)> {
    list.iter().map(|(f, c)| ((*f).to_owned(), *c)).collect()
}

#[test]
fn token_responses_inside_text_are_token_responses() {
    // A login answer in a JSON Lines log, or as the body of a `curl -v`
    // dump, is judged as when given alone: its expired refresh token is
    // shown unchecked and cannot fail the run; every line alike (the first
    // line of a stream is parsed as a document, the others are text).
    let (access, refresh) = (admin_token(), expired_token());
    let answer = json!({"access_token": access, "expires_in": 300, "refresh_token": refresh});
    let jsonl = format!("{answer}\n{answer}\n{{\"ts\":1,\"body\":{answer}}}\n");
    let (seen, code) = fields_checked(&jsonl, &[]);
    let one = [("access_token", true), ("refresh_token", false)];
    assert_eq!(seen, pairs(&[one, one, one].concat()));
    assert_eq!(code, Some(0));

    let pretty = serde_json::to_string_pretty(&answer).unwrap();
    let dump = format!(
        "> GET /api HTTP/1.1\n> Authorization: Bearer {access}\n>\n< HTTP/1.1 200 OK\n\
         < Content-Type: application/json\n<\n{pretty}\n* Connection #0 left intact\n"
    );
    let (seen, code) = fields_checked(&dump, &[]);
    assert_eq!(
        seen,
        pairs(&[
            ("-", true),
            ("access_token", true),
            ("refresh_token", false)
        ])
    );
    assert_eq!(code, Some(0));
    let out = jwtinspect()
        .args(["--print-token", "--now", NOW_ARG])
        .write_stdin(dump)
        .output()
        .expect("runs");
    assert_eq!(stdout_of(&out), format!("{access}\n{access}\n"));
}

#[test]
fn the_object_around_a_token_in_text_decides_as_in_a_document() {
    let (access, refresh) = (admin_token(), expired_token());
    let line = |v: Value| format!("log: {v}\n");
    // The access token after the refresh token; the refresh token one level
    // down in the response; a sibling object closed before it.
    let cases = [
        json!({"refresh_token": refresh, "access_token": access}),
        json!({"accessToken": access, "tokens": {"refreshToken": refresh}}),
        json!({"access_token": access, "meta": {"a": {"b": 1}}, "id_token": refresh}),
    ];
    for case in cases {
        let (seen, code) = fields_checked(&line(case.clone()), &[]);
        assert!(
            seen.iter().all(|(f, c)| *c == f.starts_with("access")),
            "{case}: {seen:?}"
        );
        assert_eq!(code, Some(0), "{case}");
    }
    // No access token in the object: its refresh token is checked (and expired).
    let (seen, code) = fields_checked(&line(json!({"refresh_token": refresh})), &[]);
    assert_eq!(seen, pairs(&[("refresh_token", true)]));
    assert_eq!(code, Some(1));
    // Two objects on a line: the response's refresh token is not the other's.
    let two = format!(
        "{} {}\n",
        json!({"access_token": access}),
        json!({"refresh_token": refresh})
    );
    let (seen, code) = fields_checked(&two, &[]);
    assert_eq!(
        seen,
        pairs(&[("access_token", true), ("refresh_token", true)])
    );
    assert_eq!(code, Some(1));
    // --field still decides.
    let (seen, _) = fields_checked(
        &line(json!({"access_token": access, "refresh_token": refresh})),
        &["--field", "refresh_token"],
    );
    assert_eq!(
        seen,
        pairs(&[("access_token", false), ("refresh_token", true)])
    );
}

#[test]
fn many_unclosed_objects_around_tokens_cost_no_more_than_linear_time() {
    // Every token under refresh_token inside braces that never close: each
    // search fails; the parse budget keeps the whole run linear. (A
    // regression would show as this test taking minutes, not as a panic.)
    let refresh = expired_token();
    let text: String = (0..3000)
        .map(|_| format!("{{\"a\":{{\"b\":{{\"refresh_token\":\"{refresh}\"\n"))
        .collect();
    let (seen, code) = fields_checked(&text, &[]);
    assert_eq!(seen.len(), 3000);
    assert!(seen.iter().all(|(_, c)| *c));
    assert_eq!(code, Some(1));
}

#[test]
fn tokens_outside_json_are_always_checked() {
    let bad = expired_token();
    let out = run(&["--json", "--now", NOW_ARG, "--field", "id_token", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out)[0]["checked"], true);
}

// --------------------------------------------------- tally and repeated notes

#[test]
fn the_readme_seven_tokens_end_with_a_tally_and_one_unverified_note() {
    let out = run(&[
        "--now",
        "1631406200",
        "testdata/curl-verbose.txt",
        "testdata/app.log",
    ]);
    let text = stdout_of(&out);
    assert_eq!(
        text.matches("signature-unverified").count(),
        2,
        "once in full, once counted: {text}"
    );
    insta::assert_snapshot!(
        "seven_tokens_verdicts_and_tally",
        verdict_lines_and_tally(&text)
    );
}

/// The verdict lines and what follows the last token.
fn verdict_lines_and_tally(text: &str) -> String {
    text.lines()
        .filter(|l| l.starts_with("OK") || l.starts_with("FAILED") || l.contains(" tokens: "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn one_token_has_no_tally() {
    let out = run(&["--now", NOW_ARG, &admin_token()]);
    assert!(!stdout_of(&out).contains(" tokens: "));
}

#[test]
fn keycloak_response_report() {
    let out = run(&["--now", KEYCLOAK_NOW, "testdata/keycloak-response.json"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("keycloak_response_human", stdout_of(&out));
}

// ------------------------------------------------------------------- --brief

#[test]
fn brief_is_the_verdict_and_the_summary() {
    let out = run(&[
        "--brief",
        "--now",
        KEYCLOAK_NOW,
        "testdata/keycloak-response.json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert!(text.starts_with("OK · token 1"), "{text}");
    for absent in [
        "claims",
        "header\n",
        "signature-unverified",
        "hmac-shared-secret",
    ] {
        assert!(!text.contains(absent), "--brief shows no {absent}: {text}");
    }
    for present in [
        "  user ",
        "  roles ",
        "  scopes ",
        "  expires ",
        "  signature ",
    ] {
        assert!(text.contains(present), "--brief shows {present}: {text}");
    }
    insta::assert_snapshot!("keycloak_response_brief", text);
}

// ----------------------------------------------------------- nested objects

#[test]
fn nested_objects_show_one_member_a_line() {
    let out = run(&["--now", KEYCLOAK_NOW, "testdata/providers/keycloak.jwt"]);
    let text = stdout_of(&out);
    assert!(
        !text.contains(r#"{"orders-api":{"roles""#),
        "resource_access must not be one long JSON line: {text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("orders-api") && l.contains("order-reader")),
        "{text}"
    );
}

// ------------------------------------------------------- a closed pipe (13.24)

#[test]
fn a_closed_pipe_still_reports_the_exit_code_of_the_tokens_judged() {
    use std::process::{Command, Stdio};
    let bad = expired_token();
    let many: Vec<String> = (0..20_000).map(|_| bad.clone()).collect();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), many.join("\n")).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("jwtinspect"))
        .args(["--print-token", "--now", NOW_ARG])
        .arg(file.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // `| head -1`: read one line, then close the pipe
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "expired tokens were judged: exit 1");
}

// ----------------------------------------------- fractional NumericDate (13.20)

#[test]
fn fractional_exp_is_compared_as_a_number() {
    let t = token(r#"{"alg":"HS256"}"#, r#"{"sub":"x","exp":100.5}"#);
    let out = run(&["--json", "--now", "100", &t]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "exp 100.5 at 100 is not expired: {}",
        stdout_of(&out)
    );
    let out = run(&["--json", "--now", "101", &t]);
    assert_eq!(out.status.code(), Some(1));
    let t = token(r#"{"alg":"HS256"}"#, r#"{"sub":"x","exp":200,"nbf":100.5}"#);
    let out = run(&["--json", "--now", "100", &t]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "nbf 100.5 at 100: not yet valid"
    );
}

// ------------------------------------------------------ a terminal's width

/// The report of `jwtinspect --color never ARGS` on a terminal of `cols`
/// columns (script(1) gives it one); None when script(1) is missing.
fn on_a_terminal(cols: usize, args: &str) -> Option<String> {
    use std::process::Command;
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: script(1) is not installed");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("jwtinspect");
    let line = format!(
        "stty rows 50 cols {cols}; {} --color never {args}",
        bin.display()
    );
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("script runs");
    Some(stdout_of(&out).replace('\r', ""))
}

#[test]
fn on_a_terminal_the_report_wraps_to_its_width() {
    let args = format!("--now {KEYCLOAK_NOW} testdata/keycloak-response.json");
    let Some(text) = on_a_terminal(80, &args) else {
        return;
    };
    assert!(text.starts_with("OK · token 1"), "{text}");
    for l in text.lines() {
        assert!(l.chars().count() <= 80, "wider than the terminal: {l:?}");
    }
    // The roles continue under the value column, not at the margin.
    assert!(
        text.contains("\n  roles      default-roles-acme, offline_access, uma_authorization, admin,\n             orders-api:order-reader"),
        "{text}"
    );
    // Piped, the same report is not wrapped.
    let piped = stdout_of(&run(&[
        "--now",
        KEYCLOAK_NOW,
        "testdata/keycloak-response.json",
    ]));
    assert!(piped.lines().any(|l| l.chars().count() > 80));
}

#[test]
fn wide_characters_wrap_by_the_columns_they_take() {
    use unicode_width::UnicodeWidthStr;
    // A name of 24 CJK characters takes 48 columns, not 24.
    let token = hs256(&json!({
        "sub": "yamada", "exp": NOW + 300, "name": "山田太郎".repeat(6),
        "groups": ["営業部", "開発部", "人事部", "総務部", "経理部", "広報部", "法務部", "情報部"]
    }));
    let Some(text) = on_a_terminal(50, &format!("--now {NOW_ARG} {token}")) else {
        return;
    };
    assert!(text.contains("山田太郎"), "{text}");
    for l in text.lines() {
        assert!(l.width() <= 50, "{} columns: {l:?}", l.width());
    }
}
