//! Orchestration: the command chosen on the command line, run from inputs
//! through the tokens found and inspected to the report.

mod keys;
mod oauth;
pub(crate) mod pipeline;
pub(crate) mod reporter;
mod sign;
pub(crate) mod task;

use std::io::{self, Write};

use crate::config::{Environment, KeyRequest, OutputMode, Settings};
use crate::error::{self, Error, Exit};
use crate::messages;
use crate::net::login;
use crate::report;
use crate::sanitize;
use crate::scan::input::Input;
use crate::serve;
use pipeline::Pipeline;
use reporter::{each_input, Sequential};
use task::{LoginHow, Task};

/// Run one task; the exit code says how the tokens fared.
pub fn run(task: Task, env: &Environment) -> Result<Exit, Error> {
    match task {
        Task::Explain(names) => explain(&names),
        Task::Print(bytes) => {
            let mut out = io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(error::write_err)?;
            Ok(Exit::Ok)
        }
        Task::Inspect {
            inputs,
            settings,
            key,
        } => inspect_command(&inputs, settings, key, env),
        Task::Serve { port, open, base } => serve::run(&serve::Options {
            port,
            open,
            base,
            inspect: inspect_into_memory,
        }),
        Task::Sign { spec, json } => sign::run(&spec, json),
        Task::Login { settings, key, how } => {
            let settings = keys::load(settings, key)?;
            match how {
                LoginHow::OAuth(spec) => oauth::login(spec, settings),
                LoginHow::Provider { request, profile } => {
                    let answer = login::login(&request, env)?;
                    if let Some(name) = &profile {
                        oauth::save_provider(name, &request, &answer)?;
                    }
                    report_answer(&answer, settings)
                }
            }
        }
        Task::Refresh {
            settings,
            key,
            request,
        } => {
            let settings = keys::load(settings, key)?;
            let answer = login::refresh(&request, env)?;
            report_answer(&answer, settings)
        }
        Task::Token { profile, min_valid } => oauth::token(&profile, min_valid),
        Task::Logout { profile } => oauth::logout(&profile),
        Task::Introspect {
            settings,
            key,
            spec,
        } => oauth::introspect(spec, keys::load(settings, key)?),
        Task::Userinfo { spec, json } => oauth::userinfo(spec, json),
    }
}

/// Report a login or refresh answer as `jwtinspect` reports any input;
/// `--print-token` prints only its access token.
fn report_answer(answer: &login::Answer, settings: Settings) -> Result<Exit, Error> {
    let input = if settings.output == OutputMode::PrintToken {
        answer.access_input()
    } else {
        answer.input()
    };
    report(&[input], settings)
}

/// `jwtinspect --explain [NAME]...`: the claim glossary, or the entries of the names given.
fn explain(names: &[String]) -> Result<Exit, Error> {
    let mut out = io::stdout().lock();
    let mut missing = Vec::new();
    if names.is_empty() {
        report::glossary::write(&mut out, None).map_err(error::write_err)?;
    }
    for name in names {
        if !report::glossary::write(&mut out, Some(name)).map_err(error::write_err)? {
            missing.push(format!("\"{}\"", sanitize::escape(name)));
        }
    }
    out.flush().map_err(error::write_err)?;
    match missing.len() {
        0 => Ok(Exit::Ok),
        _ => Err(Error::usage(format!(
            "no glossary entry for {}; jwtinspect --explain lists them all",
            missing.join(", ")
        ))),
    }
}

/// `jwtinspect [OPTIONS] [INPUT]...`
fn inspect_command(
    inputs: &[String],
    settings: Settings,
    key: Option<KeyRequest>,
    env: &Environment,
) -> Result<Exit, Error> {
    let inputs = bearer_joined(inputs);
    let inputs = if inputs.is_empty() {
        if env.stdin_terminal {
            return Err(Error::usage(
                "no token given: pass a token, a file, or - (or pipe text on standard input); see --help",
            ));
        }
        vec![Input::Stdin]
    } else {
        Input::from_args(&inputs)?
    };
    if env.stdin_terminal && inputs.contains(&Input::Stdin) {
        messages::note("reading a token from the terminal: paste it, then press Enter and Ctrl-D");
    }
    // After the inputs: a usage error should not wait for a JWKS download.
    let settings = keys::load(settings, key)?;
    report(&inputs, settings)
}

/// An argument `Bearer` (any case) directly before another is part of that
/// argument's token text (`jwtinspect Bearer $T`, unquoted), not a file name.
fn bearer_joined(args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut args = args.iter().peekable();
    while let Some(arg) = args.next() {
        match args.peek() {
            Some(next) if arg.eq_ignore_ascii_case("bearer") => {
                out.push(format!("{arg} {next}"));
                args.next();
            }
            _ => out.push(arg.clone()),
        }
    }
    out
}

/// Inspect `inputs` onto standard output.
pub(crate) fn report(inputs: &[Input], settings: Settings) -> Result<Exit, Error> {
    colored::control::set_override(settings.color);
    // Not locked here: with --json on workers, a writer thread of its own
    // writes (each write locks stdout, a few times a megabyte).
    let stdout = io::stdout();
    if pipeline::workers(&settings).is_some() {
        widen_pipe(&stdout);
    }
    let out = io::BufWriter::with_capacity(64 * 1024, stdout);
    inspect_inputs(inputs, settings, out)
}

/// When standard output is a pipe, ask for a 1 MiB pipe buffer (Linux
/// gives 64 KiB): a batch's lines (about 230 KB) then go in one write
/// without blocking, and the reader takes them in a few large reads instead
/// of waking the writer sixteen times. Not a pipe, or not allowed
/// (`/proc/sys/fs/pipe-max-size`): nothing changes.
fn widen_pipe(stdout: &io::Stdout) {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::pipe::fcntl_setpipe_size(stdout, 1 << 20);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = stdout;
}

/// `inspect_inputs` into memory: what the serve page's API runs.
fn inspect_into_memory(
    inputs: &[Input],
    settings: Settings,
    out: &mut Vec<u8>,
) -> Result<Exit, Error> {
    inspect_inputs(inputs, settings, out)
}

/// Inspect every token in `inputs`, writing the report to `out`.
pub fn inspect_inputs<W: Write + Send>(
    inputs: &[Input],
    settings: Settings,
    out: W,
) -> Result<Exit, Error> {
    match pipeline::workers(&settings) {
        Some(n) => std::thread::scope(|scope| {
            each_input(
                inputs,
                &settings.output.clone(),
                Pipeline::new(scope, settings, out, n),
            )
        }),
        None => each_input(
            inputs,
            &settings.output.clone(),
            Sequential::new(settings, out),
        ),
    }
}
