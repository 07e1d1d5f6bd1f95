//! Forgiving input and usage errors that help (contract: "Commands",
//! "INPUT", "Time", "Checks", "Usage errors", "Output modes").
mod support;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use support::{json_lines, jwtinspect, stderr_of, stdout_of, token};

const SECRET: &str = "usage-test-secret-of-32-bytes-or-more";
const NOW: i64 = 1_700_000_000;
const NOW_ARG: &str = "1700000000";

fn hs256(claims: &Value) -> String {
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).expect("sign HS256")
}

fn admin_token() -> String {
    hs256(&json!({
        "sub": "jane", "exp": NOW + 300, "iat": NOW,
        "iss": "https://sso.example.com/realms/acme/",
        "aud": "Orders-API",
        "authorities": ["ROLE_USER", "ROLE_ADMIN"], "scope": "read:orders",
        "realm_access": {"roles": ["admin", "viewer"]}
    }))
}

fn run(args: &[&str]) -> std::process::Output {
    jwtinspect().args(args).output().expect("runs")
}

fn usage_error(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "", "{args:?}");
    stderr_of(&out)
}

// ------------------------------------------------------------- clap's message

#[test]
fn a_missing_argument_is_named_with_the_subcommands_help() {
    let err = usage_error(&["login", "-u", "me"]);
    assert!(err.contains("--provider <PROVIDER>"), "{err}");
    assert!(err.contains("jwtinspect login --help"), "{err}");
}

#[test]
fn a_bad_value_lists_the_possible_values() {
    let err = usage_error(&["login", "--provider", "immprt", "-u", "me"]);
    assert!(err.contains("immport") && err.contains("itempath"), "{err}");
    assert!(
        err.contains("did you mean") || err.contains("similar"),
        "{err}"
    );
}

#[test]
fn a_misspelt_flag_gets_a_suggestion() {
    let err = usage_error(&["--jsn", "x"]);
    assert!(err.contains("--json"), "{err}");
    assert!(err.contains("jwtinspect --help"), "{err}");
}

#[test]
fn clap_error_text_is_escaped() {
    let err = usage_error(&["--leeway", "1\u{202e}x\r\u{9b}31m"]);
    for raw in ['\u{202e}', '\r', '\u{9b}'] {
        assert!(!err.contains(raw), "raw {raw:?} reached stderr: {err:?}");
    }
    assert!(
        err.contains("\\u{202E}") || err.contains("\\u{202e}"),
        "{err}"
    );
}

// ----------------------------------------------------- Bearer, decode, verify

#[test]
fn bearer_as_its_own_argument_belongs_to_the_token() {
    let t = admin_token();
    let out = run(&["--json", "--now", NOW_ARG, "Bearer", &t]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(json_lines(&out).len(), 1);
    assert_eq!(stderr_of(&out), "");
    let out = run(&["--print-token", "--now", NOW_ARG, "bearer", &t]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[test]
fn decode_and_verify_are_names_of_the_default_command() {
    let t = admin_token();
    let out = run(&["decode", "--json", "--now", NOW_ARG, &t]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(json_lines(&out).len(), 1);
    let out = run(&["verify", "--json", "--now", NOW_ARG, "--secret", SECRET, &t]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(json_lines(&out)[0]["signature"]["verified"], true);
    let err = usage_error(&["verify", "--now", NOW_ARG, &t]);
    assert!(err.contains("--secret") && err.contains("--key"), "{err}");
}

// -------------------------------------------------- a failed login piped in

#[test]
fn a_json_error_answer_is_quoted() {
    let out = jwtinspect()
        .write_stdin(r#"{"error":"invalid_grant","error_description":"Bad credentials"}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("invalid_grant") && err.contains("Bad credentials"),
        "{err}"
    );
}

// ------------------------------------------------------------ --alg, --now

#[test]
fn alg_names_are_case_insensitive() {
    let t = admin_token();
    let out = run(&[
        "--json", "--now", NOW_ARG, "--secret", SECRET, "--alg", "hs256", &t,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(json_lines(&out)[0]["signature"]["verified"], true);
}

fn expires_in(now: &[&str], t: &str) -> (i64, String) {
    let out = jwtinspect()
        .arg("--json")
        .args(now)
        .arg(t)
        .output()
        .unwrap();
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{now:?}: {}", stderr_of(&out));
    (
        lines[0]["summary"]["expires_in"].as_i64().unwrap(),
        stderr_of(&out),
    )
}

#[test]
fn now_takes_a_date_relative_times_and_milliseconds() {
    // exp is 2026-12-03T00:10:00Z
    let exp = 1_796_256_600;
    let t = hs256(&json!({"sub": "x", "exp": exp}));
    assert_eq!(expires_in(&["--now", "2026-12-03"], &t).0, 600);
    let (left, note) = expires_in(&["--now", "1796256000000"], &t);
    assert_eq!(left, 600);
    assert!(note.contains("milliseconds"), "stderr says so: {note}");
    // relative: against the clock, so compare two readings
    let now = expires_in(&["--now", "+0m"], &t).0;
    let later = expires_in(&["--now", "+5m"], &t).0;
    assert!((now - later - 300).abs() <= 2, "{now} {later}");
    let earlier = expires_in(&["--now", "-2h"], &t).0;
    assert!((earlier - now - 7200).abs() <= 2, "{now} {earlier}");
    let earlier = expires_in(&["--now=-1d"], &t).0;
    assert!((earlier - now - 86400).abs() <= 2, "{now} {earlier}");
}

#[test]
fn a_bad_now_says_which_forms_work() {
    let err = usage_error(&["--now", "yesterday", "x"]);
    assert!(err.contains("2026-12-03") && err.contains("+5m"), "{err}");
}

#[test]
fn leeway_takes_durations() {
    let t = hs256(&json!({"sub": "x", "exp": NOW - 3000}));
    for (leeway, code) in [
        ("1h", 0),
        ("90s", 1),
        ("5m", 1),
        ("3600", 0),
        ("51m", 0),
        ("50m", 1),
    ] {
        let out = run(&["--json", "--now", NOW_ARG, "--leeway", leeway, &t]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "--leeway {leeway}: {}",
            stderr_of(&out)
        );
    }
    let err = usage_error(&["--leeway", "soon", &t]);
    assert!(err.contains("90s"), "{err}");
}

// --------------------------------------------------------- helpful checks

fn finding(out: &std::process::Output, code: &str) -> String {
    let lines = json_lines(out);
    lines[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {code} in {}", lines[0]["findings"]))
}

#[test]
fn a_missing_role_with_another_prefix_asks_did_you_mean() {
    let t = admin_token();
    let out = run(&["--json", "--now", NOW_ARG, "--require-role", "ADMIN", &t]);
    assert_eq!(out.status.code(), Some(1));
    assert!(finding(&out, "missing-role").contains("did you mean ROLE_ADMIN?"));
    let out = run(&[
        "--json",
        "--now",
        NOW_ARG,
        "--require-scope",
        "READ:ORDERS",
        &t,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(finding(&out, "missing-scope").contains("did you mean read:orders?"));
}

#[test]
fn an_issuer_that_differs_by_a_slash_says_so_once() {
    let t = admin_token();
    let out = run(&[
        "--json",
        "--now",
        NOW_ARG,
        "--iss",
        "https://sso.example.com/realms/acme",
        &t,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let msg = finding(&out, "iss-mismatch");
    assert!(msg.contains("trailing slash"), "{msg}");
    assert!(!msg.contains(r#"\""#), "no double quoting: {msg}");
    assert_eq!(
        msg.matches("https://sso.example.com/realms/acme").count(),
        2,
        "{msg}"
    );
    let out = run(&["--json", "--now", NOW_ARG, "--aud", "orders-api", &t]);
    assert!(finding(&out, "aud-mismatch").contains("case"));
}

// ------------------------------------------------------------------ --claim

#[test]
fn claims_are_repeatable_and_tab_separated() {
    let t = admin_token();
    let out = run(&[
        "--now",
        NOW_ARG,
        "--claim",
        "sub",
        "--claim",
        ".header.alg",
        "--claim",
        "authorities[1]",
        "--claim",
        ".summary.roles",
        "--claim",
        "realm_access.roles.0",
        &t,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "jane\tHS256\tROLE_ADMIN\t[\"ROLE_USER\",\"ROLE_ADMIN\",\"admin\",\"viewer\"]\tadmin\n"
    );
}

#[test]
fn a_missing_claim_path_is_exit_1() {
    let t = admin_token();
    let out = run(&[
        "--now",
        NOW_ARG,
        "--claim",
        "sub",
        "--claim",
        ".header.kid",
        &t,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains(".header.kid"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn a_claim_with_control_characters_prints_as_a_json_string() {
    let t = token(
        r#"{"alg":"HS256"}"#,
        r#"{"note":"line one\nline two\u001b[31m","exp":1700000300}"#,
    );
    let out = run(&["--now", NOW_ARG, "--claim", "note", &t]);
    assert_eq!(
        stdout_of(&out),
        "\"line one\\nline two\\u001b[31m\"\n",
        "one line per token"
    );
}

// ------------------------------------------------------------------ smaller

#[test]
fn explain_takes_several_names() {
    let out = run(&["--explain", "exp", "iat"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("exp") && text.contains("iat"), "{text}");
}

#[test]
fn short_help_is_one_screen() {
    let out = run(&["-h"]);
    let lines = stdout_of(&out).lines().count();
    assert!(
        lines <= 52,
        "-h is {lines} lines (it was 56, before decode, verify, sign, edit and serve; 48 \
         before the contract's four OAuth commands token, logout, introspect, userinfo)"
    );
}

// -------------------------------------------------------- --line-buffered

#[test]
fn line_buffered_answers_each_line_while_the_pipe_stays_open() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    let t = admin_token();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("jwtinspect"))
        .args(["--json", "--line-buffered", "--now", NOW_ARG])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if send.send(line.unwrap_or_default()).is_err() {
                return;
            }
        }
    });
    for n in 1..=2 {
        writeln!(stdin, "log line {n} Authorization: Bearer {t}").unwrap();
        stdin.flush().unwrap();
        let line = lines
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no answer to line {n} while the pipe is open"));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["summary"]["subject"], "jane");
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    reader.join().unwrap();
}

#[test]
fn man_synopsis_names_option_values() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/jwtinspect.1"))
        .expect("doc/jwtinspect.1");
    for (flag, value) in [("claim", "PATH"), ("now", "TIME"), ("leeway", "DURATION")] {
        let want = format!("[\\fB\\-\\-{flag}\\fR \\fI{value}\\fR]");
        assert!(page.contains(&want), "SYNOPSIS lacks {want}");
    }
}

#[test]
fn dash_on_a_terminal_says_what_it_waits_for() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    // script(1) gives the run a terminal; the token and Ctrl-D are typed into it.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: script(1) is not installed");
        return;
    }
    let t = admin_token();
    let bin = assert_cmd::cargo::cargo_bin("jwtinspect");
    let line = format!("{} --color never --brief --now {NOW_ARG} -", bin.display());
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script runs");
    let mut stdin = child.stdin.take().unwrap();
    write!(stdin, "{t}\n\u{4}").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text = stdout_of(&out).replace('\r', "");
    assert!(
        text.contains("jwtinspect: reading a token from the terminal"),
        "{text}"
    );
    assert!(text.contains("OK · token 1 · stdin"), "{text}");
}
