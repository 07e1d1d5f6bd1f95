//! The plain data the rest of the program reads: resolved once from the
//! command line (`cli::resolve`), no clap types, no I/O.

use std::io::IsTerminal;
use std::sync::Arc;

use crate::meaning::inspect::Checks;
use crate::meaning::time::Zone;
use crate::verify::signature::KeyVerifier;

/// What goes to standard output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputMode {
    Human,
    Json,
    PrintToken,
    Claim(String),
}

/// Facts about the process environment, detected once (and injectable in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    pub stdout_terminal: bool,
    pub stdin_terminal: bool,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
}

impl Environment {
    pub fn detect() -> Environment {
        Environment {
            stdout_terminal: std::io::stdout().is_terminal(),
            stdin_terminal: std::io::stdin().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }
}

/// The resolved settings for one run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub output: OutputMode,
    pub color: bool,
    pub zone: Zone,
    pub checks: Checks,
    /// Standard output is a terminal: raw claim text is escaped even in `--claim`.
    pub stdout_terminal: bool,
    /// The user's keys, loaded (and fetched) once; None when no key was given.
    pub verifier: Option<Arc<KeyVerifier>>,
}
