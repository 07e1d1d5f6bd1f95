//! `jwtinspect completions SHELL`: every shell gets a script that knows every
//! subcommand and the flags people reach for.

mod support;

use support::{jwtinspect, succeeds};

const SUBCOMMANDS: &[&str] = &["login", "refresh", "completions"];
const FLAGS: &[&str] = &[
    "json",
    "print-token",
    "claim",
    "color",
    "now",
    "require-role",
    "require-scope",
    "secret",
    "key",
    "jwks-url",
    "discover",
    "explain",
    "provider",
    "password-stdin",
    "param",
    "url",
    "cacert",
];

fn assert_mentions_everything(shell: &str) {
    let text = succeeds(&["completions", shell]);
    for word in SUBCOMMANDS.iter().chain(FLAGS) {
        assert!(
            text.contains(word),
            "{shell} completions do not mention {word}"
        );
    }
}

#[test]
fn bash_knows_every_subcommand_and_flag() {
    assert_mentions_everything("bash");
}

#[test]
fn zsh_knows_every_subcommand_and_flag() {
    assert_mentions_everything("zsh");
}

#[test]
fn fish_knows_every_subcommand_and_flag() {
    assert_mentions_everything("fish");
}

#[test]
fn elvish_and_powershell_scripts_are_generated() {
    for shell in ["elvish", "powershell"] {
        let text = succeeds(&["completions", shell]);
        assert!(
            text.contains("login") && text.contains("refresh"),
            "{shell}"
        );
    }
}

/// Load the bash script the way a user does and ask it to complete.
#[test]
fn bash_completes_subcommands_and_provider_names() {
    let bin = assert_cmd::cargo::cargo_bin("jwtinspect");
    let session = format!(
        r#"source <('{bin}' completions bash) || exit 9
COMP_WORDS=(jwtinspect logi); COMP_CWORD=1
_jwtinspect jwtinspect logi jwtinspect; echo "${{COMPREPLY[*]}}"
COMP_WORDS=(jwtinspect login --provider ""); COMP_CWORD=3
_jwtinspect jwtinspect "" --provider; echo "${{COMPREPLY[*]}}""#,
        bin = bin.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &session])
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, ["login", "immport immport-batch itempath form json"]);
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    jwtinspect().args(["completions", "tcsh"]).assert().code(2);
}
