//! The jwtinspect binary: parse, run, print an error once, exit with its code.

use std::process::ExitCode;

use clap::Parser;
use jwtinspect::{messages, Cli, Exit};

fn main() -> ExitCode {
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
    match jwtinspect::run(cli) {
        Ok(code) => ExitCode::from(code.code()),
        Err(jwtinspect::Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            // Messages quote input: `messages` escapes whatever the message.
            messages::error(&e.to_string());
            ExitCode::from(e.exit_code().code())
        }
    }
}

/// Help and version print as clap renders them; a usage error becomes one line.
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
    let first = rendered.lines().next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    messages::error(&format!("{first}; see 'jwtinspect --help'"));
    ExitCode::from(Exit::Usage.code())
}
