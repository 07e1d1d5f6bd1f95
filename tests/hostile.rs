//! Hostile input: whatever arrives on stdin, in arguments or files, the run
//! ends with exit 0, 1 or 2, a clear one-line error when it fails, and no raw
//! control byte on stdout or stderr. Every token is minted here; the clock is
//! always `--now`.

mod support;

use serde_json::Value;
use support::{b64url, json_lines, jwtinspect, stderr_of, stdout_of, token};

/// 2024-05-01T12:00:00Z.
const NOW: &str = "1714564800";
const HOUR_LATER: i64 = 1_714_564_800 + 3600;
const HEADER: &str = r#"{"alg":"RS256","typ":"JWT"}"#;

/// Characters that must never reach a terminal raw: C0 (but newline), DEL, C1, bidi controls.
fn is_raw_control(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Neither stream holds a raw control character (as text or as a lone byte).
fn assert_clean(out: &std::process::Output) {
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        if let Some(c) = text.chars().find(|&c| is_raw_control(c)) {
            panic!("raw {c:?} on {name}: {text:?}");
        }
        assert!(!bytes.contains(&0x1b), "raw ESC byte on {name}");
    }
}

/// Run with `args` (and `--now`), feeding `stdin`; check the exit code and cleanliness.
fn run(args: &[&str], stdin: impl Into<Vec<u8>>, code: i32) -> std::process::Output {
    let out = run_any(args, stdin);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout_of(&out),
        stderr_of(&out)
    );
    out
}

/// Run where any of the exit codes 0, 1, 2 will do; still clean, never a crash.
fn run_any(args: &[&str], stdin: impl Into<Vec<u8>>) -> std::process::Output {
    let out = jwtinspect()
        .arg("--now")
        .arg(NOW)
        .args(args)
        .write_stdin(stdin.into())
        .output()
        .expect("runs");
    let err = stderr_of(&out);
    assert!(matches!(out.status.code(), Some(0..=2)), "{err}");
    assert!(!err.contains("internal error"), "{err}");
    assert_clean(&out);
    out
}

/// The single line of stderr, which names the tool.
fn one_line_error(out: &std::process::Output) -> String {
    let err = stderr_of(out);
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(err.starts_with("jwtinspect: "), "{err}");
    err
}

/// `--json` for one token given on stdin: the object and its finding codes.
fn inspect_json(tok: &str, code: i32) -> (Value, Vec<String>) {
    let out = run(&["--json"], tok, code);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{}", stdout_of(&out));
    let codes = codes(&lines[0]);
    (lines[0].clone(), codes)
}

fn codes(line: &Value) -> Vec<String> {
    line["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

fn finding<'a>(line: &'a Value, code: &str) -> &'a Value {
    line["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == code))
        .unwrap_or_else(|| panic!("no {code} finding in {line}"))
}

fn valid_payload() -> String {
    format!(r#"{{"sub":"alice","iat":1714564800,"exp":{HOUR_LATER}}}"#)
}

/// Deterministic pseudo-random bytes (xorshift64).
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn empty_input_is_exit_2_with_one_line() {
    let out = run(&[], "", 2);
    let err = one_line_error(&out);
    assert!(err.contains("read 0 bytes, no JWT found"), "{err}");
    assert!(err.contains("a JWT looks like eyJ"), "{err}");
}

#[test]
fn prose_is_exit_2() {
    let out = run(
        &[],
        "It was a bright cold day in April, and the clocks were striking thirteen.\n",
        2,
    );
    one_line_error(&out);
}

#[test]
fn a_dot_b_dot_c_is_exit_2() {
    let out = run(&["a.b.c"], "", 2);
    let err = one_line_error(&out);
    assert!(
        err.contains("\"a.b.c\" is not an existing file and holds no JWT"),
        "{err}"
    );
}

#[test]
fn truncated_tokens_fail_cleanly() {
    let tok = token(HEADER, &valid_payload());
    let dot = tok.find('.').unwrap();
    // Only the header, no dot: no token.
    one_line_error(&run(&[], &tok[..dot], 2));
    // header.payload-cut: reported, malformed.
    let (_, c) = inspect_json(&tok[..dot + 12], 1);
    assert!(c.contains(&"malformed-token".to_owned()), "{c:?}");
    // Cut inside the signature: still decodes; 2 segments without it.
    let (v, _) = inspect_json(&tok[..tok.len() - 3], 0);
    assert_eq!(v["payload"]["sub"], "alice");
    // Every cut point: never a panic, never an unexpected code.
    for cut in (1..tok.len()).step_by(7) {
        run_any(&["-"], &tok[..cut]);
    }
}

#[test]
fn payload_that_is_not_json_is_quoted_and_exit_1() {
    let tok = format!(
        "{}.{}.c2ln",
        b64url(HEADER.as_bytes()),
        b64url(b"Hello, \x1b[31mworld")
    );
    let (v, c) = inspect_json(&tok, 1);
    assert_eq!(v["payload"], Value::Null);
    assert_eq!(v["summary"]["status"], "malformed");
    assert!(c.contains(&"payload-invalid".to_owned()));
    let msg = finding(&v, "payload-invalid")["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(msg.contains("\\u{1b}[31mworld"), "{msg}");
}

#[test]
fn payload_that_is_an_array_is_exit_1() {
    let tok = token(HEADER, "[1,2,3]");
    let (v, _) = inspect_json(&tok, 1);
    let msg = finding(&v, "payload-invalid")["message"].as_str().unwrap();
    assert_eq!(msg, "payload: a JSON array, not an object");
}

#[test]
fn nesting_100000_deep_names_the_limit() {
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    // In the payload: the header is still reported.
    let (v, _) = inspect_json(&token(HEADER, &deep), 1);
    assert_eq!(v["header"]["alg"], "RS256");
    let msg = finding(&v, "payload-invalid")["message"].as_str().unwrap();
    assert!(
        msg.contains("nested deeper than 64 levels, the nesting limit"),
        "{msg}"
    );
    // In the header: the payload is still reported.
    let (v, _) = inspect_json(&token(&deep, &valid_payload()), 1);
    assert_eq!(v["payload"]["sub"], "alice");
    let msg = finding(&v, "header-invalid")["message"].as_str().unwrap();
    assert!(msg.contains("nested deeper than 64 levels"), "{msg}");
    // Objects, not arrays.
    let objects = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    let (v, _) = inspect_json(&token(HEADER, &objects), 1);
    assert!(finding(&v, "payload-invalid")["message"]
        .as_str()
        .unwrap()
        .contains("64 levels"));
    // The human report too, and a JSON document wrapping it.
    run(&[], token(HEADER, &deep), 1);
    run(
        &[],
        format!("{{\"access_token\":\"{}\"}}", token(HEADER, &deep)),
        1,
    );
}

#[test]
fn a_10_mb_claim_is_kept_whole_in_json_and_cut_for_people() {
    let blob = "x".repeat(10_000_000);
    let payload = format!(r#"{{"sub":"{blob}","iat":1714564800,"exp":{HOUR_LATER}}}"#);
    let tok = token(HEADER, &payload);
    let (v, c) = inspect_json(&tok, 0);
    assert_eq!(v["payload"]["sub"].as_str().unwrap().len(), 10_000_000);
    assert!(c.contains(&"large-token".to_owned()), "{c:?}");
    let out = run(&[], tok, 0);
    let text = stdout_of(&out);
    assert!(text.len() < 20_000, "human report of {} bytes", text.len());
    assert!(text.contains("bytes in all"));
}

#[test]
fn nul_and_invalid_utf8_around_and_inside_tokens() {
    let tok = token(HEADER, &valid_payload());
    let mut input = b"\x00\xff\xfe garbage \x00".to_vec();
    input.extend_from_slice(tok.as_bytes());
    input.extend_from_slice(b"\x00\xc3\x28\xff");
    // A token with a NUL in its middle: two halves, neither a token.
    input.extend_from_slice(&tok.as_bytes()[..20]);
    input.push(0);
    input.extend_from_slice(&tok.as_bytes()[20..]);
    input.extend_from_slice(b"\xff\n");
    let out = run(&["--json"], input.clone(), 1);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["token"], tok);
    assert_eq!(lines[0]["summary"]["status"], "valid");
    // The second half starts at the payload's eyJ: a 2-segment fragment, reported as malformed.
    assert_eq!(lines.len(), 2);
    assert!(codes(&lines[1]).contains(&"malformed-token".to_owned()));
    run(&[], input, 1);
    // NUL and invalid UTF-8 inside the decoded claims.
    let tok = format!(
        "{}.{}.c2ln",
        b64url(HEADER.as_bytes()),
        b64url(b"{\"sub\":\"a\\u0000b\",\"x\":\"\xff\xfe\"}")
    );
    let (v, _) = inspect_json(&tok, 1);
    let msg = finding(&v, "payload-invalid")["message"].as_str().unwrap();
    assert!(msg.contains("binary data"), "{msg}");
    let (v, c) = inspect_json(&token(HEADER, r#"{"sub":"a\u0000b","exp":1714568400}"#), 0);
    assert_eq!(v["payload"]["sub"], "a\u{0}b");
    assert!(c.contains(&"control-characters".to_owned()));
}

#[test]
fn invalid_utf8_argument_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let out = jwtinspect()
        .arg(std::ffi::OsStr::from_bytes(b"eyJ\xff\x1b[2J.x.y"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_clean(&out);
    // clap's whole message (contract "Usage errors"), then the pointer to the help.
    let err = stderr_of(&out);
    assert!(err.starts_with("jwtinspect: invalid UTF-8"), "{err}");
    assert!(
        err.trim_end().ends_with("see 'jwtinspect --help'."),
        "{err}"
    );
}

#[test]
fn hostile_argument_is_escaped_in_the_error() {
    let out = run(&["\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}gnp.exe"], "", 2);
    let err = one_line_error(&out);
    assert!(
        err.contains("\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{202e}gnp.exe"),
        "{err}"
    );
}

#[test]
fn a_megabyte_of_dots_is_exit_2() {
    let out = run(&[], ".".repeat(1 << 20), 2);
    let err = one_line_error(&out);
    assert!(err.contains("read 1048576 bytes, no JWT found"), "{err}");
    // Dots between token anchors: one huge many-segment candidate.
    let out = run(&["--json"], "eyJ.".repeat(1 << 18), 2);
    one_line_error(&out);
}

#[test]
fn a_megabyte_of_random_bytes_never_panics() {
    for seed in [1, 42, 0x9e37_79b9_7f4a_7c15] {
        let bytes = noise(1 << 20, seed);
        for args in [&[][..], &["--json"][..]] {
            run_any(args, bytes.clone());
        }
    }
    // Random bytes with real tokens sprinkled in: every token is found.
    let tok = token(HEADER, &valid_payload());
    let mut input = Vec::new();
    for seed in 1..=50u64 {
        input.extend(noise(2000, seed).into_iter().map(|b| {
            if b.is_ascii_alphanumeric() {
                b' '
            } else {
                b
            }
        }));
        input.push(b' ');
        input.extend_from_slice(tok.as_bytes());
        input.push(b' ');
    }
    let out = run(&["--print-token"], input, 0);
    assert_eq!(stdout_of(&out).lines().filter(|l| *l == tok).count(), 50);
}

#[test]
fn terminal_escapes_in_values_keys_and_header_are_shown_escaped() {
    let hostile = [
        ("ansi", "\\u001b[31mRED\\u001b[0m"),
        (
            "osc8",
            "\\u001b]8;;https://evil.example\\u0007click\\u001b]8;;\\u0007",
        ),
        ("osc52", "\\u001b]52;c;ZXZpbA==\\u0007"),
        ("cr", "ROLE_USER\\rROLE_ADMIN"),
        ("bs", "admin\\b\\b\\b\\b\\buser"),
        ("c1", "\\u009b31m"),
        (
            "bidi",
            "\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069",
        ),
    ];
    let members: Vec<String> = hostile
        .iter()
        .map(|(k, v)| format!(r#""{k}":"{v}""#))
        .collect();
    let payload = format!(
        r#"{{"preferred_username":"\u001b[2Jroot","roles":["\u202eadmin"],"k\u001b]0;title\u0007ey":1,{},"exp":{HOUR_LATER}}}"#,
        members.join(",")
    );
    let header = r#"{"alg":"RS256","typ":"JWT\u001b[5m","kid":"\u202ekid"}"#;
    let tok = token(header, &payload);
    let out = run(&[], tok.as_str(), 0);
    let text = stdout_of(&out);
    // Summary rows escape raw text; the claims list shows JSON (whose escapes are visible too).
    for shown in [
        "\\u{1b}[2Jroot",
        "\\u{202e}admin",
        "\\u001b]8;;https://evil.example\\u0007click",
        "ROLE_USER\\rROLE_ADMIN",
        "\\u{9b}31m",
        "\\u{202a}\\u{202b}\\u{202c}\\u{202d}\\u{202e}\\u{2066}\\u{2067}\\u{2068}\\u{2069}",
        "k\\u{1b}]0;title\\u{7}ey",
    ] {
        assert!(text.contains(shown), "{shown} not shown in\n{text}");
    }
    assert!(text.contains("control-characters"));
    let (v, _) = inspect_json(&tok, 0);
    let msg = finding(&v, "control-characters")["message"]
        .as_str()
        .unwrap();
    for name in [
        "header.typ",
        "header.kid",
        "preferred_username",
        "roles",
        "k\\u{1b}]0;title\\u{7}ey",
        "osc8",
        "bidi",
    ] {
        assert!(msg.contains(name), "{name} not in {msg}");
    }
    // JSON keeps the data exact (escaped as JSON).
    assert_eq!(v["payload"]["cr"], "ROLE_USER\rROLE_ADMIN");
    // With colour forced the report is coloured, but token text is still escaped.
    let out = jwtinspect()
        .args(["--now", NOW, "--color", "always"])
        .arg(&tok)
        .output()
        .unwrap();
    let text = stdout_of(&out);
    assert!(!text.contains("\u{1b}[2J") && !text.contains("\u{1b}]") && !text.contains('\r'));
}

#[test]
fn exp_of_every_wrong_shape() {
    for (exp, code, finding_code) in [
        (r#""1714568400""#, 1, Some("claim-invalid")),
        ("1714568400.75", 0, None),
        ("-5", 1, Some("expired")),
        ("1e30", 1, Some("claim-invalid")),
        ("9223372036854775807", 1, Some("claim-invalid")),
        ("-9223372036854775808", 1, Some("claim-invalid")),
        ("18446744073709551615", 1, Some("claim-invalid")),
        ("null", 1, Some("claim-invalid")),
        ("true", 1, Some("claim-invalid")),
        ("[1714568400]", 1, Some("claim-invalid")),
        ("{}", 1, Some("claim-invalid")),
    ] {
        let tok = token(HEADER, &format!(r#"{{"sub":"a","exp":{exp}}}"#));
        let (v, c) = inspect_json(&tok, code);
        if let Some(f) = finding_code {
            assert!(c.contains(&f.to_owned()), "exp {exp}: {c:?}");
        }
        if code == 1 && finding_code == Some("claim-invalid") {
            assert_eq!(v["summary"]["status"], "malformed", "exp {exp}");
            let msg = finding(&v, "claim-invalid")["message"].as_str().unwrap();
            assert!(msg.starts_with("exp "), "{msg}");
        }
        run(&[], tok, code);
    }
}

#[test]
fn duplicate_keys_say_which_value_is_used() {
    let tok = token(
        r#"{"alg":"RS256","alg":"none"}"#,
        r#"{"sub":"alice","role":"user","role":"admin","exp":1,"exp":1714568400}"#,
    );
    let (v, c) = inspect_json(&tok, 0);
    assert_eq!(v["payload"]["role"], "admin");
    assert_eq!(v["header"]["alg"], "none");
    assert!(c.contains(&"alg-none".to_owned()));
    let f = finding(&v, "duplicate-claims");
    assert_eq!(f["severity"], "warning");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains(r#""header.alg" (2 times; the last, "none", is used)"#),
        "{msg}"
    );
    assert!(
        msg.contains(r#""role" (2 times; the last, "admin", is used)"#),
        "{msg}"
    );
    assert!(
        msg.contains(r#""exp" (2 times; the last, 1714568400, is used)"#),
        "{msg}"
    );
    // Member order stays the token's own.
    let keys: Vec<_> = v["payload"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["sub", "role", "exp"]);
}

#[test]
fn exp_before_iat() {
    let tok = token(
        HEADER,
        &format!(r#"{{"iat":{HOUR_LATER},"exp":1714564900}}"#),
    );
    let (v, _) = inspect_json(&tok, 0);
    let f = finding(&v, "exp-before-iat");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("expired before it was issued"));
}

#[test]
fn padded_and_standard_alphabet_base64_decode() {
    use base64::Engine;
    let std = base64::engine::general_purpose::STANDARD;
    // "??>x" encodes with '/' in the standard alphabet, and this payload with "==" padding.
    let payload = format!(r#"{{"sub":"??>x","exp":{HOUR_LATER}}}"#);
    let tok = format!("{}.{}.c2ln", std.encode(HEADER), std.encode(payload));
    assert!(tok.contains("==.") && tok.contains('/'), "{tok}");
    let (v, _) = inspect_json(&tok, 0);
    assert_eq!(v["payload"]["sub"], "??>x");
    run(&[], tok, 0);
}

#[test]
fn two_or_four_segments_are_malformed() {
    let tok = token(HEADER, &valid_payload());
    let two = tok.rsplit_once('.').unwrap().0.to_owned();
    let four = format!("{tok}.c2ln");
    for t in [two, four] {
        let (v, c) = inspect_json(&t, 1);
        assert!(c.contains(&"malformed-token".to_owned()), "{c:?}");
        assert_eq!(v["payload"]["sub"], "alice");
    }
}

#[test]
fn five_part_jwe_is_named_not_decoded() {
    let tok = format!(
        "{}.a2V5.aXY.Y2lwaGVy.dGFn",
        b64url(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)
    );
    // encrypted-token is an info finding (contract, JWE): without a key the
    // header is all there is, and nothing failed.
    let (v, c) = inspect_json(&tok, 0);
    assert!(c.contains(&"encrypted-token".to_owned()), "{c:?}");
    assert_eq!(v["header"]["enc"], "A256GCM");
    assert_eq!(v["payload"], Value::Null);
    run(&[], tok, 0);
}

#[test]
fn unicode_keys_are_kept_and_shown() {
    let payload = format!(r#"{{"ключ":"значение","🔑":"✓","e\u0301":"é","exp":{HOUR_LATER}}}"#);
    let tok = token(HEADER, &payload);
    let (v, c) = inspect_json(&tok, 0);
    assert_eq!(v["payload"]["ключ"], "значение");
    assert!(!c.contains(&"control-characters".to_owned()));
    let out = run(&[], tok, 0);
    let text = stdout_of(&out);
    assert!(
        text.contains("ключ") && text.contains("🔑") && text.contains("\"✓\""),
        "{text}"
    );
}

#[test]
fn wrapped_lines_are_joined() {
    let tok = token(HEADER, &valid_payload());
    let lines: Vec<&str> = tok
        .as_bytes()
        .chunks(40)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    for sep in ["\n", "\r\n"] {
        let text = format!("Here is the token:\n{}\nThanks!\n", lines.join(sep));
        let out = run(&["--json"], text.clone(), 0);
        let v = json_lines(&out);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0]["token"], tok.as_str());
        assert_eq!(v[0]["payload"]["sub"], "alice");
        let out = run(&["--print-token"], text, 0);
        assert_eq!(stdout_of(&out), format!("{tok}\n"));
    }
    // A complete token at the end of a line keeps the next line out.
    let out = run(
        &["--print-token"],
        format!("{tok}\nabcdefghijklmnopqrstuvwxyz\n"),
        0,
    );
    assert_eq!(stdout_of(&out), format!("{tok}\n"));
}

#[test]
fn two_thousand_tokens_in_one_input() {
    let mut input = String::new();
    for n in 0..2000 {
        let payload = format!(r#"{{"sub":"user{n}","exp":{HOUR_LATER}}}"#);
        input.push_str(&format!(
            "line {n} Authorization: Bearer {}\n",
            token(HEADER, &payload)
        ));
    }
    let out = run(&["--json"], input.clone(), 0);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2000);
    assert_eq!(lines[1999]["payload"]["sub"], "user1999");
    assert_eq!(lines[1999]["source"], "stdin");
    let out = run(&[], input, 0);
    assert!(stdout_of(&out).contains("token 2000 · stdin"));
}

#[test]
fn fifty_thousand_roles_duplicates_and_crit_names_stay_fast() {
    // Each of these was quadratic once: minutes for a 2 MB token.
    let n = 50_000;
    let roles: Vec<String> = (0..n).map(|i| format!("\"r{i}\"")).collect();
    let dups: String = (0..n).map(|i| format!(r#""d{i}":1,"d{i}":2,"#)).collect();
    let controls: String = (0..n).map(|i| format!(r#""c{i}\u001b":1,"#)).collect();
    let payload = format!(
        r#"{{{dups}{controls}"roles":[{}],"scope":"{}","exp":{HOUR_LATER}}}"#,
        roles.join(","),
        roles.join(" ").replace('"', "")
    );
    let names: String = (0..n).map(|i| format!(r#","x{i}":1"#)).collect();
    let header = format!(
        r#"{{"alg":"RS256","crit":[{}]{names}}}"#,
        roles.join(",").replace('r', "x")
    );
    let started = std::time::Instant::now();
    let (v, _) = inspect_json(&token(&header, &payload), 0);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(v["summary"]["roles"].as_array().unwrap().len(), n);
    for (code, tail) in [
        ("duplicate-claims", "and 49995 more"),
        ("crit-unsupported", "and 49995 more"),
        ("control-characters", "and 49988 more"),
    ] {
        let msg = finding(&v, code)["message"].as_str().unwrap();
        assert!(msg.contains(tail) && msg.len() < 2000, "{code}: {msg}");
    }
}

#[test]
fn a_token_over_the_size_limit_names_the_limit() {
    // Ending the input: the whole token is read, then refused.
    let mut input = b"x eyJ".to_vec();
    input.resize(33 << 20, b'A');
    input.extend_from_slice(b".eyJ9.x");
    let out = run(&[], input.clone(), 2);
    let err = one_line_error(&out);
    assert!(err.contains("a token longer than 32 MiB"), "{err}");
    // Going on: refused once the limit is passed.
    input.extend_from_slice(&[b'A'; 1 << 20]);
    let out = run(&[], input, 2);
    let err = one_line_error(&out);
    assert!(err.contains("a token longer than 32 MiB"), "{err}");
    assert!(err.contains("the token size limit"), "{err}");
}

#[test]
fn alg_none_in_any_case() {
    for alg in ["none", "None", "NONE", "nOnE"] {
        let tok = format!(
            "{}.{}.",
            b64url(format!(r#"{{"alg":"{alg}"}}"#).as_bytes()),
            b64url(valid_payload().as_bytes())
        );
        let (v, _) = inspect_json(&tok, 0);
        let f = finding(&v, "alg-none");
        assert!(f["message"].as_str().unwrap().contains("unsigned"), "{alg}");
    }
}

#[test]
fn security_findings_each_with_severity_and_a_message() {
    let p = valid_payload();
    let cases: Vec<(String, String, &str, &str)> = vec![
        (
            r#"{"alg":"RS256","jku":"https://attacker.example/jwks.json"}"#.into(),
            p.clone(),
            "key-url-header",
            "warning",
        ),
        (
            r#"{"alg":"RS256","x5u":"https://attacker.example/cert.pem"}"#.into(),
            p.clone(),
            "key-url-header",
            "warning",
        ),
        (
            r#"{"alg":"RS256","jwk":{"kty":"oct","k":"AA"}}"#.into(),
            p.clone(),
            "embedded-key-header",
            "warning",
        ),
        (
            r#"{"alg":"RS256","x5c":["MIIB"]}"#.into(),
            p.clone(),
            "embedded-key-header",
            "warning",
        ),
        (
            r#"{"alg":"HS256","kid":"../../../../../dev/null"}"#.into(),
            p.clone(),
            "suspicious-kid",
            "warning",
        ),
        (
            r#"{"alg":"HS256","kid":"x' UNION SELECT 'key"}"#.into(),
            p.clone(),
            "suspicious-kid",
            "warning",
        ),
        (
            r#"{"alg":"HS256","kid":"k|curl evil;$(id)`id`"}"#.into(),
            p.clone(),
            "suspicious-kid",
            "warning",
        ),
        (
            r#"{"alg":"RS256","crit":["http://example.com/ext"],"http://example.com/ext":true}"#
                .into(),
            p.clone(),
            "crit-unsupported",
            "warning",
        ),
        (
            r#"{"alg":"RS256","crit":["exp"]}"#.into(),
            p.clone(),
            "crit-invalid",
            "error",
        ),
        (
            r#"{"alg":"RS256","crit":"b64","b64":false}"#.into(),
            p.clone(),
            "crit-invalid",
            "error",
        ),
        (
            r#"{"alg":"RS256","b64":false,"crit":["b64"]}"#.into(),
            p.clone(),
            "b64-false",
            "warning",
        ),
        (
            HEADER.into(),
            r#"{"exp":1714568400000}"#.into(),
            "timestamp-milliseconds",
            "warning",
        ),
        (
            HEADER.into(),
            r#"{"iat":1714564800,"exp":1777636800}"#.into(),
            "long-lifetime",
            "warning",
        ),
        (
            HEADER.into(),
            format!(r#"{{"iat":{},"exp":{}}}"#, HOUR_LATER, HOUR_LATER + 60),
            "iat-in-future",
            "warning",
        ),
        (
            r#"{"alg":"HS384"}"#.into(),
            p.clone(),
            "hmac-shared-secret",
            "info",
        ),
        (
            HEADER.into(),
            format!(r#"{{"exp":{HOUR_LATER},"pad":"{}"}}"#, "x".repeat(8192)),
            "large-token",
            "warning",
        ),
    ];
    for (header, payload, code, severity) in cases {
        let tok = token(&header, &payload);
        let exit = if severity == "error" { 1 } else { 0 };
        let (v, _) = inspect_json(&tok, exit);
        let f = finding(&v, code);
        assert_eq!(f["severity"], severity, "{code}");
        assert!(f["message"].as_str().unwrap().len() > 40, "{code}: {f}");
        let out = run(&[], tok, exit);
        assert!(
            stdout_of(&out).contains(code),
            "{code} not in the human report"
        );
    }
    // Key headers: never fetched, and said so.
    let (v, _) = inspect_json(
        &token(r#"{"alg":"RS256","jku":"https://a.example/k"}"#, &p),
        0,
    );
    assert!(finding(&v, "key-url-header")["message"]
        .as_str()
        .unwrap()
        .contains("never fetches"));
    // Lifetimes within a year and iat within the leeway are quiet.
    let tok = token(
        HEADER,
        &format!(r#"{{"iat":{},"exp":{}}}"#, 1_714_564_830, HOUR_LATER),
    );
    let out = run(&["--json", "--leeway", "60"], tok, 0);
    let c = codes(&json_lines(&out)[0]);
    assert!(
        !c.iter()
            .any(|c| c == "iat-in-future" || c == "long-lifetime"),
        "{c:?}"
    );
}

#[test]
fn any_key_before_a_token_in_text() {
    // Keys of any text in front of a token, in text (not a JSON document):
    // the search for a token response looks at the key's last bytes, which
    // may fall inside a character (the inspect fuzz target's crash).
    let tok = support::token(r#"{"alg":"HS256"}"#, &valid_payload());
    for key in [
        "ҜҜҜ",
        "éééé",
        "QҜ͊n",
        "x\u{1F600}",
        "Ҝ_token",
        "\u{202e}token",
    ] {
        let text = format!("> GET /api\n> \"{key}\": \"{tok}\"; x=1\n");
        let out = run(&["--json"], text, 0);
        assert_eq!(stdout_of(&out).lines().count(), 1, "{key}");
    }
}

#[test]
fn fuzz_regressions_replay_cleanly() {
    // Inputs on which a fuzz target once crashed (testdata/fuzz-regressions,
    // as the README's fuzzing section says), fed through the binary as
    // standard input, in both report forms: exit 0-2, no internal error,
    // no raw control character.
    let dir = support::testdata("fuzz-regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("testdata/fuzz-regressions") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("readable");
        run_any(&["--json"], bytes.clone());
        run_any(&[], bytes);
        replayed += 1;
    }
    assert!(replayed > 0, "no regression inputs in {}", dir.display());
}
