//! Orchestration: the command chosen on the command line, run from inputs
//! through the tokens found and inspected to the report.

mod keys;
mod oauth;
pub(crate) mod pipeline;
pub(crate) mod reporter;
mod sign;

use std::io::{self, Write};

use crate::cli::{self, Cli, Command, InspectArgs};
use crate::config::{Environment, OutputMode, Settings};
use crate::error::{self, Error, Exit};
use crate::messages;
use crate::net::login;
use crate::report;
use crate::sanitize;
use crate::scan::input::Input;
use crate::serve;
use pipeline::Pipeline;
use reporter::{each_input, Sequential};

/// Run a parsed command line; the exit code says how the tokens fared.
pub fn run(cli: Cli) -> Result<Exit, Error> {
    let env = Environment::detect();
    if let Some(name) = &cli.explain {
        return explain(name);
    }
    match cli.command {
        None => inspect_command(&cli.inspect, &cli.inputs, &env),
        Some(Command::Decode(args)) => inspect_command(&args.inspect, &args.inputs, &env),
        Some(Command::Verify(args)) => {
            let v = &args.inspect.verify;
            let keyed = v.secret.is_some()
                || v.secret_file.is_some()
                || v.secret_base64.is_some()
                || !v.key.is_empty()
                || v.jwks_url.is_some()
                || v.discover.is_some();
            if !keyed {
                return Err(Error::usage(
                    "verify needs a key: give --secret, --secret-file, --secret-base64, --key, --jwks-url or --discover (or use decode)",
                ));
            }
            inspect_command(&args.inspect, &args.inputs, &env)
        }
        Some(Command::Completions { shell }) => {
            cli::man::completions(shell, &mut io::stdout().lock()).map_err(error::write_err)?;
            Ok(Exit::Ok)
        }
        Some(Command::Serve(args)) => {
            let options = serve::Options {
                port: args.port.unwrap_or(0),
                open: args.open,
                base: args.base_settings()?,
                inspect: inspect_into_memory,
            };
            serve::run(&options)
        }
        Some(Command::Sign(args)) => sign::run(&args.spec(), args.make.json),
        Some(Command::Edit(args)) => sign::run(&args.spec(), args.make.json),
        Some(Command::Login(args)) => {
            let settings = Settings::resolve(&args.inspect, &env)?;
            let key = args.inspect.key_request()?;
            let oauth_spec = args.oauth_spec()?;
            let settings = keys::load(settings, key)?;
            if let Some(spec) = oauth_spec {
                return oauth::login(spec, settings);
            }
            let request = args.request()?;
            let answer = login::login(&request, &env)?;
            if let Some(name) = &args.oauth.profile {
                oauth::save_provider(name, &request, &answer)?;
            }
            report_answer(&answer, settings)
        }
        Some(Command::Token(args)) => oauth::token(&args.profile, args.min_valid),
        Some(Command::Logout(args)) => oauth::logout(&args.profile),
        Some(Command::Introspect(args)) => {
            let settings = Settings::resolve(&args.inspect, &env)?;
            let key = args.inspect.key_request()?;
            let spec = args.spec()?;
            oauth::introspect(spec, keys::load(settings, key)?)
        }
        Some(Command::Userinfo(args)) => oauth::userinfo(args.spec()?, args.json),
        Some(Command::Refresh(args)) => {
            let settings = Settings::resolve(&args.inspect, &env)?;
            let key = args.inspect.key_request()?;
            let request = args.request()?;
            let settings = keys::load(settings, key)?;
            let answer = login::refresh(&request, &env)?;
            report_answer(&answer, settings)
        }
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
    args: &InspectArgs,
    inputs: &[String],
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
    let settings = Settings::resolve(args, env)?;
    let settings = keys::load(settings, args.key_request()?)?;
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
