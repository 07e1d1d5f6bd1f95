//! Reports: the output modes, one owner each. Nothing upstream prints.

pub mod human;
pub mod json;

use std::io::Write;

use crate::claims;
use crate::config::{OutputMode, Settings};
use crate::error::{write_err, Error, ExitCode};
use crate::glossary::Explained;
use crate::inspect::Inspection;
use crate::sanitize;

/// Writes each inspection in the chosen mode and says what exit code it earns.
pub struct Printer<W: Write> {
    out: W,
    settings: Settings,
    count: usize,
    /// Flush after every token (interactive output).
    flush_each: bool,
    /// Claim names the human report has explained so far.
    explained: Explained,
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
        }
    }

    /// Report one token; returns its exit code.
    pub fn print(&mut self, i: &Inspection) -> Result<ExitCode, Error> {
        self.count += 1;
        let mut code = if i.failed() {
            ExitCode::CheckFailed
        } else {
            ExitCode::Ok
        };
        match &self.settings.output {
            OutputMode::Json => json::write(&mut self.out, i).map_err(write_err)?,
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
                        code = ExitCode::CheckFailed;
                        eprintln!(
                            "jwtinspect: {}: no claim {}",
                            sanitize::escape(i.source),
                            sanitize::escape(path)
                        );
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
