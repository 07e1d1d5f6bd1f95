//! The fast paths print exactly what the straightforward code printed.
//!
//! `testdata/bench-sample.jwt` (written by `benches/gen.py sample`) holds
//! varied tokens and edge cases. The test spreads its lines through a few
//! megabytes of ordinary log lines, so tokens and line counting cross the read
//! blocks, and compares every output mode with the `bench-sample.expected*`
//! files. Those were produced by the code as it stood before the performance
//! work; when the output changes on purpose, rewrite them with
//! `JWTINSPECT_BLESS=1 cargo test --test perf_equivalence` and review the diff.

mod support;

use std::path::Path;

use support::{jwtinspect, testdata};

const NOW: &str = "2021-09-12T00:23:20Z";
const LOG: &str = "bench-sample.log";

/// A small deterministic generator (64-bit LCG), so the input never changes.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// One ordinary log line: quotes, colons, dotted values, base64 JSON without dots.
fn filler(rng: &mut Lcg) -> String {
    let n = rng.next(1_000_000);
    match rng.next(8) {
        0 | 1 => format!(
            "10.0.{}.{} - - [12/Sep/2021:00:{:02}:{:02} +0000] \"GET /api/items/{n} HTTP/1.1\" 200 {} \"-\" \"curl/7.79.1\"",
            n % 256, n % 251, n % 60, n % 59, n % 9000
        ),
        2 => format!(
            "{{\"ts\":\"2021-09-12T00:00:{:02}Z\",\"level\":\"info\",\"version\":\"1.2.{n}\",\"host\":\"api.v2.example.com\",\"id\":\"aaaa.bbbb.cccc{n}\"}}",
            n % 60
        ),
        3 => format!("2021-09-12T00:00:00Z DEBUG cursor=eyJwYWdlIjo{n}fQ next=eyJ{n}"),
        4 => "x".repeat(n as usize % 5000),
        5 => String::new(),
        _ => format!("2021-09-12T00:00:00Z INFO request {n} done: ok, \"quoted\" words, a: \"b\""),
    }
}

/// The sample's lines spread through filler; a few MiB in all.
fn padded_input() -> String {
    let sample = std::fs::read_to_string(testdata("bench-sample.jwt")).expect("sample");
    let mut rng = Lcg(42);
    let mut out = String::new();
    for line in sample.lines() {
        for _ in 0..rng.next(80) {
            out.push_str(&filler(&mut rng));
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&filler(&mut rng));
    out
}

/// Compare with (or, blessing, write) `testdata/<name>`.
fn check(name: &str, actual: &[u8]) {
    let path = testdata(name);
    if std::env::var_os("JWTINSPECT_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write expected output");
        return;
    }
    let expected = std::fs::read(&path).expect("expected output");
    if expected != actual {
        let (e, a) = (
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual),
        );
        let first = e
            .lines()
            .zip(a.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(e.lines().count().min(a.lines().count()));
        panic!(
            "{name}: output differs at line {}\nexpected: {}\nactual:   {}",
            first + 1,
            e.lines().nth(first).unwrap_or("<end>"),
            a.lines().nth(first).unwrap_or("<end>")
        );
    }
}

/// stdout of a run; its stderr must be one `FAILED` line per failed checked token.
fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Vec<u8> {
    run_with_stderr(dir, args, stdin).0
}

fn run_with_stderr(dir: &Path, args: &[&str], stdin: Option<&str>) -> (Vec<u8>, String) {
    let mut cmd = jwtinspect();
    cmd.current_dir(dir).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_owned());
    }
    let out = cmd.output().expect("run jwtinspect");
    // Expired tokens in the sample: exit 1, and stderr names each failed token.
    assert_eq!(out.status.code(), Some(1), "{args:?}");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr
            .lines()
            .all(|l| l.starts_with("jwtinspect: ") && l.contains(": FAILED: ")),
        "{stderr}"
    );
    (out.stdout, stderr)
}

/// The parsed JSON lines of an output.
fn parsed(json: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(json)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn every_output_mode_matches_the_reference() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = padded_input();
    assert!(
        input.len() > 2 << 20,
        "the input must span several read blocks"
    );
    std::fs::write(dir.path().join(LOG), &input).expect("write input");

    let (json, json_err) = run_with_stderr(dir.path(), &["--json", "--now", NOW, LOG], None);
    check("bench-sample.expected.jsonl", &json);
    let lines = parsed(&json);
    // `ok` is the absence of an error finding; a failed checked token has its stderr line.
    for v in &lines {
        let has_error = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["severity"] == "error");
        assert_eq!(v["ok"], serde_json::Value::Bool(!has_error), "{v}");
    }
    let failed = lines
        .iter()
        .filter(|v| v["checked"] == true && v["ok"] == false)
        .count();
    assert!(failed > 0);
    assert_eq!(json_err.lines().count(), failed, "{json_err}");

    let (human, human_err) =
        run_with_stderr(dir.path(), &["--color", "never", "--now", NOW, LOG], None);
    check("bench-sample.expected.txt", &human);
    assert_eq!(human_err, json_err, "the same tokens fail in every mode");

    // --print-token: the token field of each checked JSON line, in order.
    let tokens = run_in(dir.path(), &["--print-token", "--now", NOW, LOG], None);
    let from_json: String = lines
        .iter()
        .filter(|v| v["checked"] == true)
        .map(|v| format!("{}\n", v["token"].as_str().expect("token")))
        .collect();
    assert_eq!(String::from_utf8_lossy(&tokens), from_json);

    // Standard input: the same lines, each labelled `stdin`.
    let stdin = run_in(dir.path(), &["--json", "--now", NOW], Some(&input));
    let relabelled: String = String::from_utf8_lossy(&json)
        .lines()
        .map(|l| {
            let rest = l.split_once("\",").expect("source first").1;
            format!("{{\"source\":\"stdin\",{rest}\n")
        })
        .collect();
    assert_eq!(String::from_utf8_lossy(&stdin), relabelled);
}

#[test]
fn arguments_match_the_reference() {
    let sample = std::fs::read_to_string(testdata("bench-sample.jwt")).expect("sample");
    let lines: Vec<&str> = sample.lines().collect();
    // A bare token, a log line, a Bearer header, a damaged header in JSON, a login response.
    let first = |prefix: &str| {
        *lines
            .iter()
            .find(|l| l.starts_with(prefix) || l.contains(&format!(" {prefix}")))
            .expect("sample line")
    };
    let picks = [
        lines[0],
        first("DEBUG http:"),
        first("Authorization: Bearer"),
        first("{\"status\" : 200, \"access_token\" : \"Example-"),
        first("{\"login\":true"),
    ];
    let mut args = vec!["--json", "--now", NOW];
    args.extend(picks);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &args, None);
    check("bench-sample.expected-args.jsonl", &out);
    // The login response's refresh token is reported, not checked.
    let checked: Vec<_> = parsed(&out).iter().map(|v| v["checked"].clone()).collect();
    assert_eq!(
        checked.iter().filter(|c| **c == false).count(),
        1,
        "{checked:?}"
    );
}

/// Keys parsed once and kept (the bulk `--key` path) judge every token as
/// the key parsed on every call did: every key form (SPKI, PKCS#1, a
/// certificate, JWK members), every signing algorithm, and broken
/// signatures (altered payload, non-canonical base64url, cut short, another
/// key, another alg, ECDSA r = 0 and DER). The reference was written by the
/// build before keys were kept (`testdata/make_verify_sample.py` made the tokens).
#[test]
fn verification_matches_the_reference() {
    let keys = [
        "keys/rsa-public.pem",
        "keys/rsa-public-pkcs1.pem",
        "keys/rsa-cert.pem",
        "keys/rsa2-public.pem",
        "keys/rsa1024-public.pem",
        "keys/ec-256-public.pem",
        "keys/ec-256-cert.pem",
        "keys/ec-384-public.pem",
        "keys/ec-521-public.pem",
        "keys/ed25519-public.pem",
        "keys/secp256k1-public.pem",
        "verify-sample.jwks.json",
    ];
    let mut all = String::new();
    // What verification decides, of each line: the source, `signature`,
    // `findings` and `ok`; the human report's signature lines; stderr.
    let mut run = |args: &[&str]| {
        let out = jwtinspect()
            .current_dir(testdata(""))
            .args(args)
            .output()
            .expect("run jwtinspect");
        all += &format!(
            "$ jwtinspect {}: exit {:?}\n",
            args.join(" "),
            out.status.code()
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        for line in stdout.lines() {
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(v) => {
                    let kept = [&v["source"], &v["signature"], &v["findings"], &v["ok"]];
                    all += &serde_json::to_string(&kept).expect("JSON");
                    all.push('\n');
                }
                Err(_) if line.to_lowercase().contains("signature") => {
                    all += line;
                    all.push('\n');
                }
                Err(_) => {}
            }
        }
        all += &String::from_utf8_lossy(&out.stderr);
    };
    for key in keys {
        run(&["--json", "--now", NOW, "--key", key, "verify-sample.jwt"]);
    }
    run(&[
        "--color",
        "never",
        "--now",
        NOW,
        "--key",
        "verify-sample.jwks.json",
        "verify-sample.jwt",
    ]);
    check("verify-sample.expected.txt", all.as_bytes());
}

/// A file of over 16 MiB is cut into segments scanned on every processor
/// (`--print-token`, `--claim`): what it prints, on stdout and stderr, is what
/// the one-thread scan of the same text on standard input prints.
#[test]
fn a_large_file_scanned_in_segments_matches_one_thread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let one = padded_input();
    let copies = (17 << 20) / one.len() + 1;
    // Opening like JSON Lines, as a structured log does: the first line is parsed whole.
    let input = format!(
        "{{\"msg\":\"start\",\"t\":\"{}\"}}\n{}",
        "eyJ",
        one.repeat(copies)
    );
    std::fs::write(dir.path().join(LOG), &input).expect("write input");
    for args in [
        &["--print-token", "--now", NOW][..],
        &["--claim", "sub", "--claim", "exp", "--now", NOW][..],
    ] {
        let run = |args: &[&str], stdin: Option<&str>| {
            let mut cmd = jwtinspect();
            cmd.current_dir(dir.path()).args(args);
            if let Some(s) = stdin {
                cmd.write_stdin(s.to_owned());
            }
            let out = cmd.output().expect("run jwtinspect");
            assert_eq!(out.status.code(), Some(1), "{args:?}: expired tokens");
            (
                out.stdout,
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let (file_out, file_err) = run(&[args, &[LOG]].concat(), None);
        let (stdin_out, stdin_err) = run(args, Some(&input));
        assert!(file_out.len() > 10_000, "{args:?}");
        assert!(
            file_out == stdin_out,
            "{args:?}: stdout differs between the file and standard input"
        );
        let relabelled = stdin_err.replace("jwtinspect: stdin", &format!("jwtinspect: {LOG}"));
        assert!(file_err.lines().count() > 100, "{args:?}");
        assert!(
            file_err == relabelled,
            "{args:?}: stderr differs between the file and standard input"
        );
    }
}
