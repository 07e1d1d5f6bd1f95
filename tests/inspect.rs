//! Core inspection, driven through the real binary: what a user sees.
mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use predicates::prelude::*;
use support::{json_lines, jwtinspect, stderr_of, stdout_of, testdata, token};

const HS: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// An ItemPath-like access token issued at 1631406181, 15 minutes.
fn access_token() -> String {
    token(
        HS,
        r#"{"fresh":false,"iat":1631406181,"jti":"2a55","type":"access","identity":"mgordon","nbf":1631406181,"exp":1631407081}"#,
    )
}

#[test]
fn seed_immport_response_on_stdin() {
    let out = jwtinspect()
        .args(["--json", "--now", "2026-01-01T00:00:00Z"])
        .pipe_stdin(testdata("immport-login.json"))
        .unwrap()
        .assert()
        .code(1)
        .get_output()
        .clone();
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let t = &lines[0];
    assert_eq!(t["source"], "stdin");
    assert_eq!(t["field"], "access_token");
    assert!(t["token"].as_str().unwrap().starts_with("Example-"));
    assert_eq!(t["header"], serde_json::Value::Null);
    assert_eq!(t["payload"]["user_name"], "campjo");
    let s = &t["summary"];
    assert_eq!(s["username"], "campjo");
    assert_eq!(s["username_claim"], "user_name");
    assert_eq!(s["roles"].as_array().unwrap().len(), 7);
    assert_eq!(s["roles"][2], "ROLE_ADMIN");
    assert_eq!(s["scopes"], serde_json::json!(["browse", "download"]));
    assert_eq!(s["client"], "immport-auth-token-client");
    assert_eq!(s["token_type"], "access");
    assert_eq!(s["expires_at"], "2021-06-10T19:05:43Z");
    assert_eq!(s["status"], "expired");
    let codes: Vec<_> = t["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"header-invalid") && codes.contains(&"expired"),
        "{codes:?}"
    );
}

#[test]
fn seed_itempath_login_two_tokens_labelled() {
    let out = jwtinspect()
        .args(["--json", "--now", "1631406200"])
        .arg(testdata("itempath-login.json"))
        .assert()
        .success()
        .get_output()
        .clone();
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    let (a, r) = (&lines[0], &lines[1]);
    assert_eq!(a["field"], "accessToken");
    assert_eq!(r["field"], "refreshToken");
    assert!(
        a["source"]
            .as_str()
            .unwrap()
            .ends_with("itempath-login.json:3"),
        "{}",
        a["source"]
    );
    assert_eq!(a["summary"]["token_type"], "access");
    assert_eq!(r["summary"]["token_type"], "refresh");
    assert_eq!(a["summary"]["lifetime"], 900);
    assert_eq!(r["summary"]["lifetime"], 30 * 86400);
    assert_eq!(a["summary"]["expires_in"], 881);
    assert_eq!(a["summary"]["username"], "mgordon");
    assert_eq!(a["summary"]["status"], "valid");
}

#[test]
fn seed_application_token_never_expires() {
    let out = jwtinspect()
        .args(["--json", "--now", "1631406600"])
        .arg(testdata("itempath-application-token.json"))
        .assert()
        .success()
        .get_output()
        .clone();
    let t = &json_lines(&out)[0];
    assert_eq!(t["field"], "token");
    assert_eq!(t["summary"]["status"], "no_expiry");
    assert_eq!(t["summary"]["expires_at"], serde_json::Value::Null);
    assert_eq!(t["summary"]["expires_in"], serde_json::Value::Null);
    let f = &t["findings"][0];
    assert_eq!(
        (f["severity"].as_str(), f["code"].as_str()),
        (Some("warning"), Some("no-expiry"))
    );
}

#[test]
fn every_provider_sample_normalises_as_expected() {
    let dir = testdata("providers");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".jwt") else {
            continue;
        };
        let expected: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join(format!("{stem}.expected.json"))).unwrap(),
        )
        .unwrap();
        let out = jwtinspect()
            .args(["--json", "--now", "1700000100"])
            .arg(&path)
            .output()
            .unwrap();
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 1, "{stem}: {}", stderr_of(&out));
        let summary = &lines[0]["summary"];
        for (key, want) in expected.as_object().unwrap() {
            assert_eq!(&summary[key], want, "{stem}: summary.{key}");
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} provider samples");
}

#[test]
fn tokens_found_in_headers_cookies_dumps_and_nested_json() {
    let t = access_token();
    let cases = [
        (format!("Authorization: Bearer {t}\n"), None),
        (format!("authorization: BEARER {t}\n"), None),
        (format!("Cookie: theme=dark; session={t}; lang=en\n"), None),
        (format!("*   Trying 127.0.0.1:443...\n> GET /api HTTP/1.1\r\n> Authorization: Bearer {t}\r\n< HTTP/1.1 200 OK\r\n"), None),
        (format!("{{\"data\": {{\"auth\": [{{\"id_token\": \"{t}\"}}]}}}}"), Some("id_token")),
        (format!("2021-09-12T00:23:05Z INFO request token={t} user=mgordon"), None),
    ];
    for (input, field) in cases {
        let out = jwtinspect()
            .args(["--json", "--now", "1631406200"])
            .write_stdin(input.clone())
            .output()
            .unwrap();
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 1, "input: {input}");
        assert_eq!(lines[0]["token"], t.as_str());
        assert_eq!(lines[0]["field"].as_str(), field, "input: {input}");
    }
}

#[test]
fn sample_files_from_the_field() {
    for (file, count) in [
        ("bearer-header.txt", 1),
        // The Bearer header, the cookie and the access token of the JSON body;
        // the body's refreshToken is the response's other token: left out.
        ("curl-verbose.txt", 3),
        ("app.log", 3),
    ] {
        let out = jwtinspect()
            .args(["--print-token", "--now", "1631406200"])
            .arg(testdata(file))
            .output()
            .unwrap();
        let tokens = stdout_of(&out);
        assert_eq!(tokens.lines().count(), count, "{file}: {tokens}");
        assert!(tokens.lines().all(|l| l.starts_with("eyJ")), "{file}");
    }
}

#[test]
fn many_inputs_keep_their_order_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.txt");
    std::fs::write(&file, format!("first line\nBearer {}\n", access_token())).unwrap();
    let out = jwtinspect()
        .args(["--json", "--now", "1631406200"])
        .arg(access_token())
        .arg(&file)
        .arg("-")
        .write_stdin(access_token())
        .output()
        .unwrap();
    let sources: Vec<String> = json_lines(&out)
        .iter()
        .map(|l| l["source"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sources,
        [
            "argument 1".to_owned(),
            format!("{}:2", file.display()),
            "stdin".to_owned()
        ]
    );
}

#[test]
fn print_token_gives_bare_tokens() {
    // A login response: its access token only (the checked one).
    jwtinspect()
        .args(["--print-token", "--now", "1631406200"])
        .arg(testdata("itempath-login.json"))
        .assert()
        .success()
        .stdout(predicate::function(|s: &str| {
            s.lines().count() == 1 && s.lines().all(|l| l.split('.').count() == 3)
        }));
    // --field '*': every token.
    jwtinspect()
        .args(["--print-token", "--field", "*", "--now", "1631406200"])
        .arg(testdata("itempath-login.json"))
        .assert()
        .success()
        .stdout(predicate::function(|s: &str| {
            s.lines().count() == 2 && s.lines().all(|l| l.split('.').count() == 3)
        }));
}

#[test]
fn claim_prints_strings_raw_and_others_as_json() {
    let t = token(
        HS,
        r#"{"realm_access":{"roles":["admin","user"]},"preferred_username":"alice","exp":2000000000,"https://example.com/roles":["r"]}"#,
    );
    jwtinspect()
        .args(["--claim", "preferred_username", "--now", "0", &t])
        .assert()
        .success()
        .stdout("alice\n");
    jwtinspect()
        .args(["--claim", "realm_access.roles", "--now", "0", &t])
        .assert()
        .success()
        .stdout("[\"admin\",\"user\"]\n");
    jwtinspect()
        .args(["--claim", "https://example.com/roles", "--now", "0", &t])
        .assert()
        .success()
        .stdout("[\"r\"]\n");
    jwtinspect()
        .args(["--claim", "exp", "--now", "0", &t])
        .assert()
        .success()
        .stdout("2000000000\n");
    jwtinspect()
        .args(["--claim", "realm_access.nope", "--now", "0", &t])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("no claim realm_access.nope"));
}

#[test]
fn role_and_scope_requirements() {
    let t = token(
        HS,
        r#"{"user_name":"campjo","authorities":["ROLE_USER","ROLE_ADMIN"],"scope":["browse","download"],"exp":2000000000}"#,
    );
    jwtinspect()
        .args([
            "--require-role",
            "ROLE_ADMIN",
            "--require-scope",
            "download",
            "--now",
            "0",
            &t,
        ])
        .assert()
        .success();
    let out = jwtinspect()
        .args(["--json", "--require-role", "ROLE_CURATOR", "--now", "0", &t])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let f = &json_lines(&out)[0]["findings"];
    assert!(f
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "missing-role"
            && f["message"].as_str().unwrap().contains("ROLE_CURATOR")));
    jwtinspect()
        .args([
            "--require-scope",
            "upload",
            "--now",
            "0",
            "--color",
            "never",
            &t,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("missing-scope"));
}

#[test]
fn now_and_leeway_follow_rfc7519() {
    let t = token(HS, r#"{"sub":"x","nbf":1000,"exp":2000}"#);
    let status = |args: &[&str]| {
        let out = jwtinspect()
            .arg("--json")
            .args(args)
            .arg(&t)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            json_lines(&out)[0]["summary"]["status"]
                .as_str()
                .unwrap()
                .to_owned(),
        )
    };
    assert_eq!(status(&["--now", "1999"]), (0, "valid".into()));
    assert_eq!(status(&["--now", "2000"]), (1, "expired".into()));
    assert_eq!(
        status(&["--now", "2000", "--leeway", "1"]),
        (0, "valid".into())
    );
    assert_eq!(status(&["--now", "999"]), (1, "not_yet_valid".into()));
    assert_eq!(
        status(&["--now", "990", "--leeway", "10"]),
        (0, "valid".into())
    );
    assert_eq!(
        status(&["--now", "1970-01-01T00:33:19Z"]),
        (0, "valid".into())
    );
    let out = jwtinspect()
        .args(["--json", "--now", "1999", &t])
        .output()
        .unwrap();
    let s = &json_lines(&out)[0]["summary"];
    assert_eq!(
        (s["expires_in"].as_i64(), s["lifetime"].as_i64()),
        (Some(1), Some(1000))
    );
}

/// At the second of `exp` the token has expired (RFC 7519 §4.1.4): the report
/// says "just now", not "in 0s", which read as if it were still valid.
#[test]
fn a_token_expiring_this_second_has_expired_just_now() {
    let t = token(HS, r#"{"sub":"x","nbf":2000,"exp":2000}"#);
    let out = jwtinspect()
        .args(["--now", "2000", "--color", "never", &t])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout_of(&out);
    for want in [
        "EXPIRED just now",
        "expired just now (1970-01-01T00:33:20Z)",
        "1970-01-01 00:33:20 UTC  (just now)",
    ] {
        assert!(text.contains(want), "{want:?} in:\n{text}");
    }
    assert!(!text.contains("in 0s"), "{text}");
}

/// A fractional exp is judged from the second after it (exp 2000.5 has not
/// passed at 2000): the claims list shows it at that second, as the summary
/// does, instead of a second earlier and "in 0s" beside a valid verdict.
#[test]
fn a_fractional_exp_shows_the_second_it_is_judged_from() {
    let t = token(HS, r#"{"sub":"x","exp":2000.5}"#);
    let out = jwtinspect()
        .args(["--now", "2000", "--color", "never", &t])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout_of(&out);
    assert!(
        text.contains("expires    1970-01-01 00:33:21 UTC  (in 1s)"),
        "{text}"
    );
    assert!(
        text.contains("exp  2000.5  1970-01-01 00:33:21 UTC (in 1s)"),
        "{text}"
    );
}

#[test]
fn local_times_use_the_zone() {
    let t = token(HS, r#"{"sub":"x","exp":1623351943}"#);
    jwtinspect()
        .env("TZ", "America/New_York")
        .args(["--local", "--color", "never", "--now", "1623351000", &t])
        .assert()
        .stdout(predicate::str::contains("2021-06-10 15:05:43 -04:00"));
    jwtinspect()
        .args(["--color", "never", "--now", "1623351000", &t])
        .assert()
        .stdout(
            predicate::str::contains("2021-06-10 19:05:43 UTC")
                .and(predicate::str::contains("in 15m 43s")),
        );
}

#[test]
fn usage_errors_exit_2_and_point_at_the_help() {
    let out = jwtinspect()
        .args(["--now", "yesterday", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr_of(&out).lines().count(), 1, "{}", stderr_of(&out));
    // clap's own errors keep its whole message, then point at the help.
    for args in [
        vec!["--json", "--print-token", "x"],
        vec!["--color", "sometimes", "x"],
        vec!["--bogus"],
    ] {
        let out = jwtinspect().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr_of(&out);
        assert!(err.starts_with("jwtinspect: "), "{err}");
        assert!(
            err.trim_end().ends_with("see 'jwtinspect --help'."),
            "{args:?}: {err}"
        );
    }
    jwtinspect()
        .args(["--now", "yesterday", "x"])
        .assert()
        .stderr(predicate::str::contains("RFC 3339"));
}

#[test]
fn input_without_a_token_is_exit_2_and_says_what_a_token_looks_like() {
    let out = jwtinspect()
        .write_stdin("hello, no tokens here\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("stdin: read 22 bytes, no JWT found") && err.contains("eyJ"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    jwtinspect()
        .arg("not-a-file.txt")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an existing file"));
    jwtinspect()
        .arg("testdata")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}

#[test]
fn no_color_and_color_always() {
    let t = access_token();
    let plain = jwtinspect()
        .args(["--now", "1631406200", &t])
        .output()
        .unwrap();
    assert!(
        !plain.stdout.contains(&0x1b),
        "no colour when not a terminal"
    );
    let forced = jwtinspect()
        .args(["--color", "always", "--now", "1631406200", &t])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        forced.stdout.contains(&0x1b),
        "--color always overrides NO_COLOR"
    );
    let never = jwtinspect()
        .args(["--color", "never", "--now", "1631406200", &t])
        .output()
        .unwrap();
    assert_eq!(never.stdout, plain.stdout);
}

#[test]
fn hostile_claims_are_escaped_in_the_human_report() {
    let t = token(
        HS,
        "{\"user_name\":\"evil\\u001b]52;c;aGk=\\u0007\\rROLE_ADMIN\",\"x\\u202e\":\"a\\u009b31m\",\"exp\":2000000000}",
    );
    let out = jwtinspect()
        .args(["--color", "never", "--now", "0", &t])
        .output()
        .unwrap();
    let text = stdout_of(&out);
    for bad in ['\u{1b}', '\r', '\u{7}', '\u{202e}', '\u{9b}'] {
        assert!(!text.contains(bad), "raw {:?} in output", bad);
    }
    assert!(
        text.contains("evil\\u{1b}]52;c;aGk=\\u{7}\\rROLE_ADMIN"),
        "{text}"
    );
    assert!(text.contains("control-characters"));
    let json = jwtinspect()
        .args(["--json", "--now", "0", &t])
        .output()
        .unwrap();
    assert!(!stdout_of(&json).contains('\u{202e}') && !json.stdout.contains(&0x1b));
    assert_eq!(
        json_lines(&json)[0]["payload"]["x\u{202e}"],
        "a\u{9b}31m",
        "JSON keeps the data"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let many: String = (0..3000).map(|_| format!("{}\n", access_token())).collect();
    let bin = assert_cmd::cargo::cargo_bin("jwtinspect");
    let mut child = Command::new(bin)
        .args(["--now", "1631406200", "--color", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(many.as_bytes());
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains(" · token 1 · "), "{first}");
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(stderr_of(&out), "", "no message for a closed pipe");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn human_report_snapshot_itempath() {
    let out = jwtinspect()
        .args(["--color", "never", "--now", "1631406200"])
        .arg(testdata("itempath-login.json"))
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "itempath_login_human",
        stdout_of(&out).replace(env!("CARGO_MANIFEST_DIR"), ".")
    );
}

#[test]
fn human_report_snapshot_immport_seed() {
    let out = jwtinspect()
        .args(["--color", "never", "--now", "2026-01-01T00:00:00Z"])
        .pipe_stdin(testdata("immport-login.json"))
        .unwrap()
        .output()
        .unwrap();
    insta::assert_snapshot!("immport_seed_human", stdout_of(&out));
}

#[test]
fn human_report_snapshot_in_colour() {
    let out = jwtinspect()
        .args(["--color", "always", "--now", "1631406200", &access_token()])
        .output()
        .unwrap();
    insta::assert_snapshot!(
        "itempath_access_colour",
        stdout_of(&out).replace('\u{1b}', "<ESC>")
    );
}

#[test]
fn an_exp_that_is_not_a_number_is_malformed_not_endless() {
    let t = token(HS, r#"{"sub":"x","exp":"1631407081"}"#);
    let out = jwtinspect()
        .args(["--color", "never", "--now", "0", &t])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let text = stdout_of(&out);
    assert!(
        text.contains("invalid (see findings)") && !text.contains("never"),
        "{text}"
    );
    assert!(
        text.contains("claim-invalid") && text.contains("exp is a string"),
        "{text}"
    );
    let out = jwtinspect()
        .args(["--json", "--now", "0", &t])
        .output()
        .unwrap();
    assert_eq!(json_lines(&out)[0]["summary"]["status"], "malformed");
}
