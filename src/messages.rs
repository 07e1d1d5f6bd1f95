//! The one writer of standard error: errors and warnings, one line each,
//! `jwtinspect: ` first, escaped as a whole (messages quote input).

use crate::sanitize;

/// `jwtinspect: TEXT` on standard error.
pub fn error(text: &str) {
    eprintln!("jwtinspect: {}", sanitize::escape(text));
}

/// `jwtinspect: TEXT` on standard error for each of `texts`, in one write:
/// a bulk `--json` run reports tens of thousands of failed checks, and
/// `eprintln!` makes two or three system calls of each (stderr is unbuffered).
pub fn errors(texts: &[String]) {
    if texts.is_empty() {
        return;
    }
    let mut out = String::new();
    for text in texts {
        out.push_str("jwtinspect: ");
        out.push_str(&sanitize::escape(text));
        out.push('\n');
    }
    // As eprintln! would, but a closed standard error is no reason to stop.
    #[cfg(not(test))]
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), out.as_bytes());
    // Unit tests: through the harness's captured output, not thousands of
    // lines into every `cargo test` log.
    #[cfg(test)]
    eprint!("{out}");
}

/// `jwtinspect: TEXT` on standard error: news that is neither error nor
/// warning (the address `serve` listens on).
pub fn note(text: &str) {
    eprintln!("jwtinspect: {}", sanitize::escape(text));
}

/// Keep a child process (a browser being opened) off our standard error:
/// its chatter is not ours to print.
pub fn quiet(command: &mut std::process::Command) -> &mut std::process::Command {
    command.stderr(std::process::Stdio::null())
}

/// `jwtinspect: warning: TEXT` on standard error.
pub fn warning(text: &str) {
    eprintln!("jwtinspect: warning: {}", sanitize::escape(text));
}

/// A usage error as clap words it, every line escaped (it quotes what was
/// typed), the first after `jwtinspect: `.
pub fn usage(text: &str) {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("invalid arguments");
    let mut out = format!("jwtinspect: {}\n", sanitize::escape(first));
    for line in lines {
        out.push_str(&sanitize::escape(line));
        out.push('\n');
    }
    eprint!("{out}");
}
