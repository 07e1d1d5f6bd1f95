//! Resolving the typed flags once into the settings the program reads.

use std::io::IsTerminal;

use crate::cli::{ColorWhen, InspectArgs};
use crate::error::Error;
use crate::inspect::Checks;
use crate::time::{Clock, Zone};

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
}

impl Settings {
    pub fn resolve(args: &InspectArgs, env: &Environment) -> Result<Settings, Error> {
        let output = if args.json {
            OutputMode::Json
        } else if args.print_token {
            OutputMode::PrintToken
        } else if let Some(path) = &args.claim {
            if path.is_empty() {
                return Err(Error::usage(
                    "--claim needs a claim name or dot path, e.g. --claim realm_access.roles",
                ));
            }
            OutputMode::Claim(path.clone())
        } else {
            OutputMode::Human
        };
        let color = match args.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => env.stdout_terminal && !env.no_color,
        };
        let clock = match &args.now {
            Some(text) => Clock::parse(text).map_err(Error::Usage)?,
            None => Clock::system(),
        };
        Ok(Settings {
            output,
            color,
            zone: if args.local { Zone::Local } else { Zone::Utc },
            checks: Checks {
                clock,
                leeway: i64::try_from(args.leeway).unwrap_or(i64::MAX),
                require_roles: args.require_roles.clone(),
                require_scopes: args.require_scopes.clone(),
            },
            stdout_terminal: env.stdout_terminal,
        })
    }
}
