//! Reports: the output modes, one owner each. Nothing upstream prints.

pub(crate) mod claim;
pub(crate) mod glossary;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod verdict;
pub(crate) mod wrap;

use std::io::Write;

use crate::config::{OutputMode, Settings};
use crate::error::{write_err, Error, Exit};
use crate::meaning::glossary::Explained;
use crate::meaning::inspect::Inspection;
use crate::messages;
use verdict::Tally;

/// Writes each inspection in the chosen mode and keeps the exit code the
/// tokens earn. Whenever a checked token fails, standard error says so in one
/// line, whatever the mode, so a script's `$(...)` never fails silently.
pub struct Printer<W: Write> {
    out: W,
    settings: Settings,
    count: usize,
    /// Flush after every token (`--line-buffered`, or a terminal).
    flush_each: bool,
    /// Claim names the human report has explained so far.
    explained: Explained,
    /// The JSON line being written, reused from token to token.
    line: Vec<u8>,
    /// What the human report's closing line says.
    tally: Tally,
    /// The exit code of the tokens judged so far.
    code: Exit,
    /// Standard error's lines not yet written.
    complaints: Pending,
}

/// Standard error's lines, written together (one system call, not three a
/// line) once `PENDING_LINES` wait, at the latest when the report ends; at
/// once when each token's report is flushed.
struct Pending {
    lines: Vec<String>,
    each: bool,
    /// Off: the lines are dropped (`Settings::failure_lines`).
    enabled: bool,
}

const PENDING_LINES: usize = 64;

impl Pending {
    fn push(&mut self, line: String) {
        if !self.enabled {
            return;
        }
        self.lines.push(line);
        if self.each || self.lines.len() >= PENDING_LINES {
            self.write();
        }
    }

    fn write(&mut self) {
        messages::errors(&self.lines);
        self.lines.clear();
    }
}

impl<W: Write> Printer<W> {
    pub fn new(out: W, settings: Settings) -> Self {
        let flush_each = settings.line_buffered;
        let enabled = settings.failure_lines;
        Printer {
            out,
            settings,
            count: 0,
            flush_each,
            explained: Explained::default(),
            line: Vec::new(),
            tally: Tally::default(),
            code: Exit::Ok,
            complaints: Pending {
                lines: Vec::new(),
                each: flush_each,
                enabled,
            },
        }
    }

    /// The exit code of the tokens judged so far (also when writing stopped).
    pub fn code(&self) -> Exit {
        self.code
    }

    /// Report one token.
    pub fn print(&mut self, i: &Inspection) -> Result<(), Error> {
        self.count += 1;
        // Judged before anything is written: a closed pipe does not undo it.
        self.code = self.code.merge(verdict::exit_code(i));
        if let Some(line) = verdict::failure_line(i) {
            self.complaints.push(line);
        }
        match &self.settings.output {
            OutputMode::Json => {
                self.line.clear();
                json::write_line(&mut self.line, i);
                self.out.write_all(&self.line).map_err(write_err)?;
            }
            OutputMode::PrintToken if i.checked => {
                writeln!(self.out, "{}", i.token).map_err(write_err)?
            }
            OutputMode::Claim(paths) if i.checked => {
                let mut values = Vec::with_capacity(paths.len());
                for path in paths {
                    match claim::lookup(i, path) {
                        Some(v) => values.push(claim::text(&v)),
                        None => {
                            self.code = self.code.merge(Exit::CheckFailed);
                            self.complaints
                                .push(format!("{}: no claim {path}", i.source));
                            values.push(String::new());
                        }
                    }
                }
                // Strings with control characters print as JSON strings: no
                // raw control reaches the terminal, and a token stays one line.
                // A token with none of the values prints no line at all.
                if values.iter().any(|v| !v.is_empty()) {
                    writeln!(self.out, "{}", values.join("\t")).map_err(write_err)?;
                }
            }
            OutputMode::PrintToken | OutputMode::Claim(_) => {}
            OutputMode::Human => {
                self.tally.add(i);
                if self.count > 1 {
                    writeln!(self.out).map_err(write_err)?;
                }
                human::write(
                    &mut self.out,
                    i,
                    &self.settings,
                    self.count,
                    &mut self.explained,
                    &mut self.tally,
                )
                .map_err(write_err)?;
            }
        }
        if self.flush_each {
            self.out.flush().map_err(write_err)?;
        }
        Ok(())
    }

    /// The closing tally (human report, more than one token), then flush.
    pub fn finish(&mut self) -> Result<(), Error> {
        if self.settings.output == OutputMode::Human {
            if let Some(line) = self.tally.line() {
                let line = match self.settings.width {
                    Some(width) => wrap::wrap(&line, 2, width),
                    None => line,
                };
                writeln!(self.out, "\n{line}").map_err(write_err)?;
            }
        }
        self.complaints.write();
        self.out.flush().map_err(write_err)
    }
}

impl<W: Write> Drop for Printer<W> {
    /// A report cut short (a closed pipe, an input error) still says which
    /// tokens failed, before the error that ended it.
    fn drop(&mut self) {
        self.complaints.write();
    }
}
