//! Every command in README.md runs, against testdata/, and exits as the README
//! says. The rules, so the README stays honest:
//!
//! - Each line of a ```sh block is a command (a trailing `\` continues it; a
//!   line that is only a comment is prose). The lines of one block run in one
//!   bash session (`set -o pipefail`), in a scratch directory holding `testdata`
//!   and `doc`, with HOME there too and the built `jwtinspect` first on PATH.
//! - A trailing comment saying `exit N` gives the expected exit code; without
//!   one it is 0. A comment saying `needs-network` skips the line (a real server
//!   or the internet). `cargo run --release --` runs the built binary; other
//!   `cargo` lines (`cargo test`, `cargo install`) are this test suite's own
//!   business: `cargo install --path .` is exercised by the ignored test below.
//!   A line whose helper tool (jq, man, python3) is not installed is skipped
//!   and listed, not failed.
//! - A ```text block that starts with `$ COMMAND` is a sample: COMMAND's
//!   standard output must be exactly the rest of the block.
//! - Other blocks (```powershell) have their `jwtinspect ...` invocation run.

use std::path::{Path, PathBuf};
use std::process::Command;

const README: &str = include_str!("../README.md");

struct Block {
    lang: String,
    /// README line number of the first line inside the fence.
    first_line: usize,
    lines: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (fence, open.take()) {
            (Some(lang), None) => {
                open = Some(Block {
                    lang: lang.trim().to_owned(),
                    first_line: n + 2,
                    lines: Vec::new(),
                })
            }
            (Some(_), Some(block)) => out.push(block),
            (None, Some(mut block)) => {
                block.lines.push(line.to_owned());
                open = Some(block);
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README.md has an unclosed code fence");
    out
}

/// One command line of a README block.
#[derive(Debug)]
struct Example {
    line: usize,
    command: String,
    comment: String,
}

impl Example {
    fn needs_network(&self) -> bool {
        self.comment.contains("needs-network")
    }

    /// `exit N` in the comment, else 0.
    fn expected_exit(&self) -> i32 {
        let words: Vec<&str> = self.comment.split_whitespace().collect();
        words
            .windows(2)
            .find(|w| w[0] == "exit")
            .and_then(|w| w[1].trim_end_matches([',', '.', ';', ')']).parse().ok())
            .unwrap_or(0)
    }

    /// The program the line runs, after any VAR=value assignments.
    fn program(&self) -> &str {
        self.command
            .split_whitespace()
            .find(|w| !w.contains('='))
            .unwrap_or("")
    }
}

/// Split a shell line into command and trailing comment: a `#` outside quotes
/// that starts a word.
fn split_comment(line: &str) -> (&str, &str) {
    let (mut single, mut double, mut prev) = (false, false, ' ');
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev.is_whitespace() => {
                return (line[..i].trim_end(), line[i + 1..].trim());
            }
            _ => {}
        }
        prev = c;
    }
    (line.trim_end(), "")
}

fn examples(block: &Block) -> Vec<Example> {
    let mut out = Vec::new();
    let mut pending = String::new();
    let mut start = 0;
    for (i, raw) in block.lines.iter().enumerate() {
        if pending.is_empty() {
            start = block.first_line + i;
        }
        if let Some(head) = raw.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        pending.push_str(raw);
        let line = std::mem::take(&mut pending);
        let (command, comment) = split_comment(line.trim());
        if command.is_empty() {
            continue;
        }
        out.push(Example {
            line: start,
            command: command.to_owned(),
            comment: comment.to_owned(),
        });
    }
    out
}

/// A scratch directory with the README's view of the repository.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["testdata", "doc"] {
        std::os::unix::fs::symlink(root.join(name), dir.path().join(name)).unwrap();
    }
    std::fs::create_dir(dir.path().join("home")).unwrap();
    dir
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_jwtinspect"))
        .parent()
        .unwrap()
        .to_owned()
}

fn bash(dir: &Path, script: &str) -> std::process::Output {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir.join("home"))
        .env_remove("NO_COLOR")
        .env_remove("JWTINSPECT_PASSWORD")
        .output()
        .expect("bash runs")
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Run a block's runnable lines in one bash session; check each exit code.
fn run_block(examples: &[Example], skipped: &mut Vec<String>) -> Vec<String> {
    let runnable: Vec<(&Example, String)> = examples
        .iter()
        .filter_map(|ex| {
            if ex.needs_network() {
                skipped.push(format!("line {}: {}", ex.line, ex.command));
                return None;
            }
            if let Some(args) = ex.command.strip_prefix("cargo run --release --") {
                return Some((ex, format!("jwtinspect{args}")));
            }
            (ex.program() != "cargo").then(|| (ex, ex.command.clone()))
        })
        .collect();
    if runnable.is_empty() {
        return Vec::new();
    }
    let dir = sandbox();
    let mut script = String::from("set -o pipefail\n");
    for (i, (_, command)) in runnable.iter().enumerate() {
        script.push_str(&format!(
            "echo {} >&2\n{command}\necho \"__readme_rc__ {i} $?\"\n",
            shell_quote(&format!("--- line {i}"))
        ));
    }
    let out = bash(dir.path(), &script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let codes: Vec<i32> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("__readme_rc__ "))
        .filter_map(|l| l.split_once(' ')?.1.parse().ok())
        .collect();
    let mut failures = Vec::new();
    for (i, (ex, command)) in runnable.iter().enumerate() {
        let got = codes.get(i).copied();
        let missing_helper = ["jq", "man", "python3"]
            .iter()
            .any(|tool| stderr.contains(&format!("{tool}: command not found")));
        if got == Some(127) && missing_helper {
            // A helper tool this machine lacks: say so, don't fail.
            skipped.push(format!(
                "line {}: {command} (a tool is not installed)",
                ex.line
            ));
            continue;
        }
        if got != Some(ex.expected_exit()) {
            failures.push(format!(
                "README.md line {}: `{command}` exited {got:?}, the README says {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
                ex.line,
                ex.expected_exit()
            ));
        }
    }
    if stderr.contains("internal error") {
        failures.push(format!("a README command panicked:\n{stderr}"));
    }
    failures
}

#[test]
fn every_readme_command_exits_as_documented() {
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut ran = 0;
    for block in blocks(README) {
        let all = examples(&block);
        let examples: Vec<Example> = match block.lang.as_str() {
            "sh" | "bash" | "shell" => all,
            // Other shells' lines: run just the jwtinspect invocation.
            "powershell" | "elvish" | "fish" | "zsh" => all
                .into_iter()
                .filter_map(|mut ex| {
                    let at = ex.command.find("jwtinspect ")?;
                    let end = ex.command[at..]
                        .find(['>', '|', ')', ';'])
                        .map_or(ex.command.len(), |e| at + e);
                    ex.command = format!("{} >/dev/null", ex.command[at..end].trim_end());
                    Some(ex)
                })
                .collect(),
            _ => continue,
        };
        ran += examples
            .iter()
            .filter(|e| !e.needs_network() && e.program() != "cargo")
            .count();
        failures.extend(run_block(&examples, &mut skipped));
    }
    eprintln!(
        "ran {ran} README commands; skipped:\n  {}",
        skipped.join("\n  ")
    );
    assert!(
        ran >= 20,
        "only {ran} README commands found: is the parser broken?"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn readme_samples_match_the_real_output() {
    let mut samples = 0;
    for block in blocks(README).iter().filter(|b| b.lang == "text") {
        let Some(command) = block.lines.first().and_then(|l| l.strip_prefix("$ ")) else {
            continue;
        };
        samples += 1;
        let dir = sandbox();
        let out = bash(dir.path(), command);
        let got = String::from_utf8_lossy(&out.stdout);
        let want = block.lines[1..].join("\n") + "\n";
        assert!(
            got == want,
            "README.md line {}: the sample for `{command}` differs from the real output; \
             paste this in its place:\n{got}",
            block.first_line
        );
    }
    assert!(samples >= 1, "the README has no output sample");
}

#[test]
fn comments_give_exit_codes() {
    let ex = |comment: &str| Example {
        line: 1,
        command: "jwtinspect x".into(),
        comment: comment.into(),
    };
    assert_eq!(ex("inspect it (expired: exit 1)").expected_exit(), 1);
    assert_eq!(ex("exit 2").expected_exit(), 2);
    assert_eq!(ex("both tokens").expected_exit(), 0);
    assert!(ex("before; needs-network").needs_network());
    assert_eq!(
        split_comment(r#"jq -r '.a # b' "c#d" # exit 1"#),
        (r#"jq -r '.a # b' "c#d""#, "exit 1")
    );
    assert_eq!(
        split_comment("echo `x` | sed 's/#//'"),
        ("echo `x` | sed 's/#//'", "")
    );
}

/// `cargo install --path .`, as the README says; slow (a release build), so
/// run on demand: `cargo test --test readme -- --ignored`.
#[test]
#[ignore]
fn cargo_install_puts_a_working_binary_in_place() {
    let root = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO"))
        .args([
            "install",
            "--locked",
            "--path",
            env!("CARGO_MANIFEST_DIR"),
            "--root",
        ])
        .arg(root.path())
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new(root.path().join("bin/jwtinspect"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("jwtinspect {}\n", env!("CARGO_PKG_VERSION"))
    );
}
