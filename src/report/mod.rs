//! Reports: the output modes, one owner each. Nothing upstream prints.

pub(crate) mod glossary;
pub(crate) mod human;
pub(crate) mod json;

use std::io::Write;

use crate::config::{OutputMode, Settings};
use crate::error::{write_err, Error, Exit};
use crate::meaning::claims;
use crate::meaning::glossary::Explained;
use crate::meaning::inspect::Inspection;
use crate::messages;
use crate::sanitize;

/// The exit code an inspection earns: a failed check is 1.
pub fn verdict(i: &Inspection) -> Exit {
    if i.failed() {
        Exit::CheckFailed
    } else {
        Exit::Ok
    }
}

/// Writes each inspection in the chosen mode and says what exit code it earns.
pub struct Printer<W: Write> {
    out: W,
    settings: Settings,
    count: usize,
    /// Flush after every token (interactive output).
    flush_each: bool,
    /// Claim names the human report has explained so far.
    explained: Explained,
    /// The JSON line being written, reused from token to token.
    line: Vec<u8>,
}

impl<W: Write> Printer<W> {
    pub fn new(out: W, settings: Settings) -> Self {
        let flush_each = settings.stdout_terminal;
        Printer {
            out,
            settings,
            count: 0,
            flush_each,
            explained: Explained::default(),
            line: Vec::new(),
        }
    }

    /// Report one token; returns its exit code.
    pub fn print(&mut self, i: &Inspection) -> Result<Exit, Error> {
        self.count += 1;
        let mut code = verdict(i);
        match &self.settings.output {
            OutputMode::Json => {
                self.line.clear();
                json::write_line(&mut self.line, i);
                self.out.write_all(&self.line).map_err(write_err)?;
            }
            OutputMode::PrintToken => writeln!(self.out, "{}", i.token).map_err(write_err)?,
            OutputMode::Claim(path) => {
                let value = i.payload().and_then(|p| claims::claim_at(p, path));
                match value {
                    Some(v) => {
                        let text = match v {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        let text = if self.settings.stdout_terminal {
                            sanitize::escape(&text).into_owned()
                        } else {
                            text
                        };
                        writeln!(self.out, "{text}").map_err(write_err)?;
                    }
                    None => {
                        code = Exit::CheckFailed;
                        messages::error(&format!("{}: no claim {path}", i.source));
                    }
                }
            }
            OutputMode::Human => {
                if self.count > 1 {
                    writeln!(self.out).map_err(write_err)?;
                }
                human::write(
                    &mut self.out,
                    i,
                    &self.settings,
                    self.count,
                    &mut self.explained,
                )
                .map_err(write_err)?;
            }
        }
        if self.flush_each {
            self.out.flush().map_err(write_err)?;
        }
        Ok(code)
    }

    pub fn finish(mut self) -> Result<(), Error> {
        self.out.flush().map_err(write_err)
    }
}
