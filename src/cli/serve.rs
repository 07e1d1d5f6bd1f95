//! `jwtinspect serve`: its flags, and what the server starts from.

use clap::{Args, Parser};

use super::args::Cli;
use crate::config::{Environment, Settings};
use crate::error::Error;

pub(crate) const SERVE_MORE: &str = "Examples: jwtinspect serve --help";

pub(crate) const SERVE_EXAMPLES: &str = "\
Examples:
  Start it and open the printed address (it carries this run's key):
    jwtinspect serve
  On a fixed port, opened in the browser at once:
    jwtinspect serve --port 8765 --open
  Open it with a token already inspected: append &token=... to the address
    http://127.0.0.1:8765/#k=KEY&token=eyJhbGciOi...

The page and its API answer on 127.0.0.1 only, to requests whose Host is
127.0.0.1:PORT or localhost:PORT; nothing pasted is logged or written to disk.
Ctrl-C (or SIGTERM) stops it.";

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Listen on this port of 127.0.0.1 (default: a free one).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,

    /// Open the address in a browser: $BROWSER, else xdg-open (open on macOS).
    #[arg(long)]
    pub open: bool,
}

impl ServeArgs {
    /// The settings every page request starts from: those of a plain
    /// `jwtinspect` run with no flags (the page supplies key and time).
    pub fn base_settings(&self) -> Result<Settings, Error> {
        let plain = Cli::try_parse_from(["jwtinspect"])
            .map_err(|e| Error::usage(format!("serve: default settings: {e}")))?;
        let env = Environment {
            stdout_terminal: false,
            stdin_terminal: false,
            no_color: true,
            width: None,
        };
        Settings::resolve(&plain.inspect, &env)
    }
}
