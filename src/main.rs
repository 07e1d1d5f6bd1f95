//! The jwtinspect binary: parse, resolve, run, print an error once, exit with its code.

use std::process::ExitCode;

use clap::Parser;
use jwtinspect::{messages, Cli, Environment, Exit};

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
