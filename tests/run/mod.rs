//! Running the real binary from a test, the way a user would.
// Each test crate uses its own share of these helpers.
#![allow(dead_code)]

use assert_cmd::Command;

/// The binary, ready for arguments.
pub fn jwtinspect() -> Command {
    Command::cargo_bin("jwtinspect").expect("the jwtinspect binary is built")
}

/// Standard output of a run that must succeed.
pub fn stdout_of(args: &[&str]) -> String {
    let out = jwtinspect()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("output is UTF-8")
}
