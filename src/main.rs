//! The jwtinspect binary: parse, resolve, run, print an error once, exit with its code.

use std::process::ExitCode;

use clap::Parser;
use jwtinspect::{messages, Cli, Environment, Exit};

fn main() -> ExitCode {
    return_big_buffers();
    // A bug must not dump a backtrace on a user: one line, then exit 101.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        messages::error(&format!("internal error{at}; please report it"));
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    let env = Environment::detect();
    match cli
        .into_task(&env)
        .and_then(|task| jwtinspect::run(task, &env))
    {
        Ok(code) => ExitCode::from(code.code()),
        Err(jwtinspect::Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            // Messages quote input: `messages` escapes whatever the message.
            messages::error(&e.to_string());
            ExitCode::from(e.exit_code().code())
        }
    }
}

/// Memory that a big token took is given back once it is freed. glibc's
/// malloc serves a block over its mmap threshold with its own mapping and
/// unmaps it on free, but then raises the threshold to that block's size (up
/// to 32 MiB), so the next big buffers come from the heap, which it keeps:
/// four 16 MB tokens then peaked at 163 MiB instead of 95 MiB
/// (benches/linear.py L16s). A fixed threshold turns that raise off; blocks
/// up to 1 MiB (the `--json` batches' buffers) still come from the heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_big_buffers() {
    // SAFETY: mallopt only sets a malloc parameter; it is called before any
    // other thread exists, and a refusal (return 0) leaves glibc's default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_big_buffers() {}

/// Help and version print as clap renders them; a usage error keeps clap's
/// whole message (what is missing, the possible values, "did you mean") and
/// points at the help of the subcommand in use.
fn clap_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    let help = match subcommand_in_use() {
        Some(name) => format!("jwtinspect {name} --help"),
        None => "jwtinspect --help".to_owned(),
    };
    let mut text = String::new();
    for line in rendered.trim_end().lines() {
        if line.starts_with("For more information, try") {
            continue;
        }
        text.push_str(line.strip_prefix("error: ").unwrap_or(line));
        text.push('\n');
    }
    text.push_str(&format!("For more information, see '{help}'."));
    messages::usage(&text);
    ExitCode::from(Exit::Usage.code())
}

/// The subcommand named on the command line, if any: the first argument that
/// is one of their names.
fn subcommand_in_use() -> Option<String> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    std::env::args_os()
        .skip(1)
        .filter_map(|a| a.to_str().map(str::to_owned))
        .find(|a| !a.starts_with('-') && names.iter().any(|n| n == a))
}
