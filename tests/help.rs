//! `--help` teaches by example, per command; `-h` stays one screen; `--version` prints the version.

mod support;

use support::succeeds;

/// Each command's examples: present in `--help`, absent from `-h`.
fn assert_examples(command: &[&str], examples: &[&str]) {
    let long = succeeds(&[command, &["--help"]].concat());
    let short = succeeds(&[command, &["-h"]].concat());
    for example in examples {
        assert!(
            long.contains(example),
            "{command:?} --help lacks the example {example:?}:\n{long}"
        );
        assert!(
            !short.contains(example),
            "{command:?} -h should stay short but shows {example:?}"
        );
    }
    assert!(long.contains("Examples:") && !short.contains("Examples:\n"));
    assert!(
        short.contains("--help"),
        "-h should point at --help for the examples"
    );
}

#[test]
fn inspect_help_has_examples() {
    assert_examples(
        &[],
        &[
            "curl -s -X POST https://www.immport.org/auth/token",
            "| jwtinspect --require-role ROLE_ADMIN",
            "jwtinspect --json login.json | jq",
            "jwtinspect --claim authorities login.json",
            "token=$(jwtinspect --print-token login.json) || exit 1",
            "jwtinspect --jwks-url https://issuer.example/.well-known/jwks.json",
            "jwtinspect --explain azp",
            "Exit codes: 0",
        ],
    );
}

#[test]
fn login_help_has_immport_and_itempath_examples() {
    assert_examples(
        &["login"],
        &[
            "jwtinspect login --provider immport -u me",
            "--require-role ROLE_USER --print-token",
            "jwtinspect login --provider immport-batch -u me",
            "jwtinspect login --provider itempath",
            "--url https://host/api/users/login -u username1 --password-stdin",
            "never taken from the command line",
        ],
    );
}

#[test]
fn refresh_help_has_itempath_examples() {
    assert_examples(
        &["refresh"],
        &[
            "jwtinspect refresh --url https://host/api/users/refresh login.json",
            "--print-token login.json",
            "jwtinspect refresh --url https://host/api/users/application-token login.json",
        ],
    );
}

#[test]
fn completions_help_has_install_lines() {
    assert_examples(
        &["completions"],
        &[
            "jwtinspect completions bash >",
            "jwtinspect completions zsh >",
            "jwtinspect completions fish >",
            "jwtinspect completions elvish >>",
            "jwtinspect completions powershell >> $PROFILE",
        ],
    );
}

#[test]
fn short_help_fits_a_screen() {
    let short = succeeds(&["-h"]);
    // 52: 48 plus the contract's four OAuth commands (token, logout, introspect, userinfo).
    assert!(short.lines().count() <= 52, "{short}");
}

#[test]
fn version_prints_the_crate_version() {
    let out = succeeds(&["--version"]);
    assert_eq!(out, format!("jwtinspect {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(succeeds(&["-V"]), out);
}
