//! jwtinspect: inspect and debug JSON Web Tokens, locally.
//!
//! The flow runs one way: input (where text comes from) → scan (tokens in the
//! text) → decode → claims/time/findings (inspect) → report.

pub mod claims;
pub mod cli;
pub mod config;
pub mod decode;
pub mod error;
pub mod findings;
pub mod glossary;
pub mod http;
pub mod input;
pub mod inspect;
pub mod jsonparse;
pub mod jwe;
pub mod keys;
pub mod login;
pub mod pipeline;
pub mod report;
pub mod risks;
pub mod sanitize;
pub mod scan;
pub mod secret;
pub mod time;
pub mod verify;

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::{Cli, Command, InspectArgs};
use crate::config::{Environment, OutputMode, Settings};
use crate::error::{Error, ExitCode};
use crate::input::Input;
use crate::pipeline::Pipeline;
use crate::report::Printer;

/// Run a parsed command line; the exit code says how the tokens fared.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    let env = Environment::detect();
    if let Some(name) = &cli.explain {
        return explain(name.as_deref());
    }
    match cli.command {
        None => inspect_command(&cli.inspect, &cli.inputs, &env),
        Some(Command::Completions { shell }) => {
            let mut cmd = Cli::command();
            let mut out = io::stdout().lock();
            clap_complete::generate(shell, &mut cmd, "jwtinspect", &mut out);
            out.flush().map_err(error::write_err)?;
            Ok(ExitCode::Ok)
        }
        Some(Command::Login(args)) => {
            let settings = Settings::resolve(&args.inspect, &env)?;
            let answer = login::login(&args, &env)?;
            report_answer(&answer, settings)
        }
        Some(Command::Refresh(args)) => {
            let settings = Settings::resolve(&args.inspect, &env)?;
            let answer = login::refresh(&args, &env)?;
            report_answer(&answer, settings)
        }
    }
}

/// Report a login or refresh answer as `jwtinspect` reports any input;
/// `--print-token` prints only its access token.
fn report_answer(answer: &login::Answer, settings: Settings) -> Result<ExitCode, Error> {
    let input = if settings.output == OutputMode::PrintToken {
        answer.access_input()
    } else {
        answer.input()
    };
    report(&[input], settings)
}

/// `jwtinspect --explain [NAME]`: the claim glossary, or one name's entries.
fn explain(name: Option<&str>) -> Result<ExitCode, Error> {
    let mut out = io::stdout().lock();
    let found = glossary::write(&mut out, name).map_err(error::write_err)?;
    out.flush().map_err(error::write_err)?;
    match name {
        Some(n) if !found => Err(Error::usage(format!(
            "no glossary entry for \"{}\"; jwtinspect --explain lists them all",
            sanitize::escape(n)
        ))),
        _ => Ok(ExitCode::Ok),
    }
}

/// `jwtinspect [OPTIONS] [INPUT]...`
fn inspect_command(
    args: &InspectArgs,
    inputs: &[String],
    env: &Environment,
) -> Result<ExitCode, Error> {
    let inputs = if inputs.is_empty() {
        if env.stdin_terminal {
            return Err(Error::usage(
                "no token given: pass a token, a file, or - (or pipe text on standard input); see --help",
            ));
        }
        vec![Input::Stdin]
    } else {
        Input::from_args(inputs)?
    };
    // After the inputs: a usage error should not wait for a JWKS download.
    let settings = Settings::resolve(args, env)?;
    report(&inputs, settings)
}

/// Inspect `inputs` onto standard output.
fn report(inputs: &[Input], settings: Settings) -> Result<ExitCode, Error> {
    colored::control::set_override(settings.color);
    let stdout = io::stdout();
    let out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    inspect_inputs(inputs, settings, out)
}

/// Inspect every token in `inputs`, writing the report to `out`.
pub fn inspect_inputs<W: Write>(
    inputs: &[Input],
    settings: Settings,
    out: W,
) -> Result<ExitCode, Error> {
    match pipeline::workers(&settings) {
        Some(n) => each_input(
            inputs,
            &settings.output.clone(),
            Pipeline::new(settings, out, n),
        ),
        None => each_input(
            inputs,
            &settings.output.clone(),
            Sequential::new(settings, out),
        ),
    }
}

/// Where the tokens found go: inspected and reported, in the order found.
pub trait Reporter {
    fn token(&mut self, found: input::Found) -> Result<(), Error>;
    /// The input is read: how many of its tokens were reported.
    fn end_input(&mut self) -> Result<u64, Error>;
    /// Every input is read: the exit code the tokens earned.
    fn finish(self) -> Result<ExitCode, Error>;
}

/// One token after another through the `Printer`.
pub(crate) struct Sequential<W: Write> {
    printer: Printer<W>,
    checks: inspect::Checks,
    verifier: Option<std::sync::Arc<verify::KeyVerifier>>,
    code: ExitCode,
    reported: u64,
}

impl<W: Write> Sequential<W> {
    pub(crate) fn new(settings: Settings, out: W) -> Self {
        Sequential {
            checks: settings.checks.clone(),
            verifier: settings.verifier.clone(),
            printer: Printer::new(out, settings),
            code: ExitCode::Ok,
            reported: 0,
        }
    }
}

impl<W: Write> Reporter for Sequential<W> {
    fn token(&mut self, found: input::Found) -> Result<(), Error> {
        let verifier = self
            .verifier
            .as_deref()
            .map(|v| v as &dyn inspect::Verifier);
        if let Some(inspection) = inspect::inspect_found(found, &self.checks, verifier) {
            self.code = self.code.merge(self.printer.print(&inspection)?);
            self.reported += 1;
        }
        Ok(())
    }

    fn end_input(&mut self) -> Result<u64, Error> {
        Ok(std::mem::take(&mut self.reported))
    }

    fn finish(self) -> Result<ExitCode, Error> {
        self.printer.finish()?;
        Ok(self.code)
    }
}

pub(crate) fn each_input(
    inputs: &[Input],
    output: &OutputMode,
    mut reporter: impl Reporter,
) -> Result<ExitCode, Error> {
    let want_lines = matches!(output, OutputMode::Human | OutputMode::Json);
    let mut empty_inputs = Vec::new();
    for input in inputs {
        let stats = input::for_each_token(input, want_lines, &mut |found| reporter.token(found))?;
        if reporter.end_input()? == 0 {
            empty_inputs.push(no_token_message(input, stats));
        }
    }
    let code = reporter.finish()?;
    match empty_inputs.len() {
        0 => Ok(code),
        n if n == inputs.len() => Err(Error::Input(empty_inputs.join("; "))),
        _ => {
            for m in &empty_inputs {
                eprintln!("jwtinspect: {}", sanitize::escape(m));
            }
            Ok(code.merge(ExitCode::Usage))
        }
    }
}

/// Inspect every token in `bytes` as if they came on standard input, writing
/// the report to `out`: the whole flow without a process (the fuzz target's entry).
pub fn inspect_bytes<W: Write>(
    bytes: &[u8],
    settings: Settings,
    out: W,
) -> Result<ExitCode, Error> {
    let mut reporter = Sequential::new(settings, out);
    let stats = input::for_each_token_read(&mut &bytes[..], "stdin", &mut |f| reporter.token(f))?;
    let reported = reporter.end_input()?;
    let code = reporter.finish()?;
    if reported == 0 {
        return Err(Error::Input(no_token_message(&Input::Stdin, stats)));
    }
    Ok(code)
}

fn no_token_message(input: &Input, stats: input::Stats) -> String {
    let what = if stats.candidates == 0 {
        "no JWT found".to_owned()
    } else {
        format!(
            "{} token-like string(s) found, but neither header nor payload decodes as base64url JSON",
            stats.candidates
        )
    };
    let what = match input {
        Input::Text { text, .. } if stats.candidates == 0 => {
            let head: String = text.chars().take(40).collect();
            let more = if text.chars().count() > 40 { "…" } else { "" };
            format!(
                "\"{}{more}\" is not an existing file and holds no JWT",
                sanitize::escape(&head)
            )
        }
        _ => what,
    };
    format!(
        "{}: read {} bytes, {what}; a JWT looks like eyJhbGciOi...xxxxx.eyJzdWIiOi...yyyyy.zzzzz (three base64url segments joined by dots)",
        input.describe(),
        stats.bytes
    )
}
