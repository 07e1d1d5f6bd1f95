//! Test support shared by the integration tests: a real HTTP(S) server on
//! 127.0.0.1 started inside the test, recording what it received, and
//! helpers to run the binary and mint tokens. Never the internet.
#![allow(dead_code)]

pub mod oidc;
pub mod server;

use std::path::PathBuf;

use base64::Engine;

/// The built binary, ready for arguments.
pub fn jwtinspect() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("jwtinspect").expect("binary built");
    cmd.env_remove("NO_COLOR").env_remove("JWTINSPECT_PASSWORD");
    cmd
}

/// A file under testdata/.
pub fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

pub fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An unsigned-looking token from raw header and payload JSON text, with a fake signature.
pub fn token(header: &str, payload: &str) -> String {
    format!(
        "{}.{}.{}",
        b64url(header.as_bytes()),
        b64url(payload.as_bytes()),
        b64url(b"not-a-real-signature")
    )
}

/// stdout of a finished command as text.
pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parse JSON Lines output.
pub fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    stdout_of(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// stdout of a run with these arguments that must succeed.
pub fn succeeds(args: &[&str]) -> String {
    stdout_of(jwtinspect().args(args).assert().success().get_output())
}

/// Settings for driving the library directly (no terminal, no colour, UTC,
/// no key, no required roles): the report in `output`, judged at `now`
/// with `leeway` seconds.
pub fn library_settings(
    output: jwtinspect::OutputMode,
    now: i64,
    leeway: i64,
) -> jwtinspect::Settings {
    jwtinspect::Settings {
        output,
        color: false,
        zone: jwtinspect::Zone::Utc,
        checks: jwtinspect::Checks {
            clock: jwtinspect::Clock { now },
            leeway,
            require_roles: Vec::new(),
            require_scopes: Vec::new(),
            issuer: None,
            audience: None,
        },
        stdout_terminal: false,
        verifier: None,
        fields: None,
        brief: false,
        line_buffered: false,
        width: None,
        // The verdicts are in the report; none on the test log's stderr.
        failure_lines: false,
    }
}
