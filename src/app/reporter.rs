//! Where the tokens found go: the `Reporter` a pipeline feeds, the
//! one-thread reporter, and the loop over the inputs.

use std::io::Write;
use std::sync::Arc;

use crate::config::{OutputMode, Settings};
use crate::error::{Error, Exit};
use crate::meaning::inspect::{self, Inspection};
use crate::messages;
use crate::report::Printer;
use crate::sanitize;
use crate::scan::input::{self, Input};
use crate::verify::signature::KeyVerifier;

/// Where the tokens found go: inspected and reported, in the order found.
pub trait Reporter {
    fn token(&mut self, found: input::Found) -> Result<(), Error>;
    /// The input is read: how many of its tokens were reported.
    fn end_input(&mut self) -> Result<u64, Error>;
    /// Every input is read: write what is left.
    fn finish(&mut self) -> Result<(), Error>;
    /// The exit code the tokens written so far earned.
    fn code(&self) -> Exit;
}

/// How a token found is inspected: a checked token with the run's checks
/// (keys, `--require-*`, `--iss`/`--aud`), the other tokens of a token
/// response with only their own (time, decoding, risks).
#[derive(Clone)]
pub(crate) struct Judge {
    checks: inspect::Checks,
    /// The checks of a token that is not checked: the clock only.
    own: inspect::Checks,
    verifier: Option<Arc<KeyVerifier>>,
    /// `--field`: the JSON keys whose tokens are checked (`*`: all).
    fields: Option<Vec<String>>,
}

impl Judge {
    pub(crate) fn new(settings: &Settings) -> Self {
        let checks = settings.checks.clone();
        let own = inspect::Checks {
            require_roles: Vec::new(),
            require_scopes: Vec::new(),
            issuer: None,
            audience: None,
            ..checks.clone()
        };
        Judge {
            checks,
            own,
            verifier: settings.verifier.clone(),
            fields: settings.fields.clone(),
        }
    }

    /// Whether the run's checks apply to a token found under JSON key
    /// `field`, `in_response` when that JSON object is a token response.
    fn is_checked(&self, field: Option<&str>, in_response: bool) -> bool {
        match (&self.fields, field) {
            (_, None) => true,
            (Some(keys), Some(field)) => keys.iter().any(|k| k == "*" || k == field),
            (None, Some(field)) => !in_response || input::ACCESS_KEYS.contains(&field),
        }
    }

    /// Decode and inspect a token found; None when nothing of it decodes.
    pub(crate) fn inspect<'a>(&self, found: input::Found<'a>) -> Option<Inspection<'a>> {
        let checked = self.is_checked(found.field, found.in_response);
        let mut i = if checked {
            let verifier = self
                .verifier
                .as_deref()
                .map(|v| v as &dyn inspect::Verifier);
            inspect::inspect_found(found, &self.checks, verifier)?
        } else {
            inspect::inspect_found(found, &self.own, None)?
        };
        i.checked = checked;
        if !checked && self.verifier.is_some() {
            for f in i
                .findings
                .iter_mut()
                .filter(|f| f.code == "signature-unverified")
            {
                f.message = "signature not verified: the key applies to the checked token (--field chooses)".to_owned();
            }
        }
        Some(i)
    }
}

/// One token after another through the `Printer`.
pub(crate) struct Sequential<W: Write> {
    printer: Printer<W>,
    judge: Judge,
    reported: u64,
}

impl<W: Write> Sequential<W> {
    pub(crate) fn new(settings: Settings, out: W) -> Self {
        Sequential {
            judge: Judge::new(&settings),
            printer: Printer::new(out, settings),
            reported: 0,
        }
    }
}

impl<W: Write> Reporter for Sequential<W> {
    fn token(&mut self, found: input::Found) -> Result<(), Error> {
        if let Some(inspection) = self.judge.inspect(found) {
            self.reported += 1;
            self.printer.print(&inspection)?;
        }
        Ok(())
    }

    fn end_input(&mut self) -> Result<u64, Error> {
        Ok(std::mem::take(&mut self.reported))
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.printer.finish()
    }

    fn code(&self) -> Exit {
        self.printer.code()
    }
}

pub(crate) fn each_input(
    inputs: &[Input],
    output: &OutputMode,
    mut reporter: impl Reporter,
) -> Result<Exit, Error> {
    match read_all(inputs, output, &mut reporter) {
        // The reader of our output went away (`| head -1`): a quiet end, and
        // the exit code still says how the tokens judged so far fared.
        Err(Error::BrokenPipe) => Ok(reporter.code()),
        other => other,
    }
}

fn read_all(
    inputs: &[Input],
    output: &OutputMode,
    reporter: &mut impl Reporter,
) -> Result<Exit, Error> {
    let reading = input::Reading {
        want_lines: matches!(output, OutputMode::Human | OutputMode::Json),
        // Without line numbers a large file is scanned on every processor.
        threads: None,
        wanted: inspect::worth_inspecting,
    };
    let mut empty_inputs = Vec::new();
    for input in inputs {
        let stats = input::for_each_token(input, &reading, &mut |found| reporter.token(found))?;
        if reporter.end_input()? == 0 {
            empty_inputs.push(no_token_message(input, stats));
        }
    }
    reporter.finish()?;
    let code = reporter.code();
    match empty_inputs.len() {
        0 => Ok(code),
        n if n == inputs.len() => Err(Error::Input(empty_inputs.join("; "))),
        _ => {
            for m in &empty_inputs {
                messages::error(m);
            }
            Ok(code.merge(Exit::Usage))
        }
    }
}

/// Inspect every token in `bytes` as if they came on standard input, writing
/// the report to `out`: the whole flow without a process (the fuzz target's entry).
pub fn inspect_bytes<W: Write>(bytes: &[u8], settings: Settings, out: W) -> Result<Exit, Error> {
    let mut reporter = Sequential::new(settings, out);
    let stats = input::for_each_token_read(&mut &bytes[..], "stdin", &mut |f| reporter.token(f))?;
    let reported = reporter.end_input()?;
    reporter.finish()?;
    let code = reporter.code();
    if reported == 0 {
        return Err(Error::Input(no_token_message(&Input::Stdin, stats)));
    }
    Ok(code)
}

fn no_token_message(input: &Input, stats: input::Stats) -> String {
    if let (Some(answer), 0) = (&stats.error_answer, stats.candidates) {
        return format!(
            "{}: an error answer, no token in it: {answer}",
            input.describe()
        );
    }
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
