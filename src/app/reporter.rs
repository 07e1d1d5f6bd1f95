//! Where the tokens found go: the `Reporter` a pipeline feeds, the
//! one-thread reporter, and the loop over the inputs.

use std::io::Write;

use crate::config::{OutputMode, Settings};
use crate::error::{Error, Exit};
use crate::meaning::inspect;
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
    /// Every input is read: the exit code the tokens earned.
    fn finish(self) -> Result<Exit, Error>;
}

/// One token after another through the `Printer`.
pub(crate) struct Sequential<W: Write> {
    printer: Printer<W>,
    checks: inspect::Checks,
    verifier: Option<std::sync::Arc<KeyVerifier>>,
    code: Exit,
    reported: u64,
}

impl<W: Write> Sequential<W> {
    pub(crate) fn new(settings: Settings, out: W) -> Self {
        Sequential {
            checks: settings.checks.clone(),
            verifier: settings.verifier.clone(),
            printer: Printer::new(out, settings),
            code: Exit::Ok,
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

    fn finish(self) -> Result<Exit, Error> {
        self.printer.finish()?;
        Ok(self.code)
    }
}

pub(crate) fn each_input(
    inputs: &[Input],
    output: &OutputMode,
    mut reporter: impl Reporter,
) -> Result<Exit, Error> {
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
        Input::Text { text, .. } if stats.candidates == 0 => format!(
            "{} is not an existing file and holds no JWT",
            sanitize::quote(text, 40)
        ),
        _ => what,
    };
    format!(
        "{}: read {} bytes, {what}; a JWT looks like eyJhbGciOi...xxxxx.eyJzdWIiOi...yyyyy.zzzzz (three base64url segments joined by dots)",
        input.describe(),
        stats.bytes
    )
}
