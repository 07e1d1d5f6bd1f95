//! Errors and exit codes: one enum, one line each, mapped to the contract's exit codes.

use std::fmt;
use std::io;

/// The contract's exit codes, named. `merge` keeps the most serious of two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    /// Every token decoded and passed every check.
    Ok = 0,
    /// A token decoded but failed a check (expired, signature, role, ...).
    CheckFailed = 1,
    /// Usage error, or no decodable token in the input.
    Usage = 2,
    /// Login, refresh or a key download failed.
    Network = 3,
}

impl ExitCode {
    pub fn merge(self, other: ExitCode) -> ExitCode {
        self.max(other)
    }

    pub fn code(self) -> i32 {
        self as i32
    }
}

/// Everything that stops a run. `Display` is the one line `main` prints.
#[derive(Debug)]
pub enum Error {
    /// Bad flags or flag values (exit 2).
    Usage(String),
    /// Input that holds nothing usable (exit 2).
    Input(String),
    /// Reading or writing failed; `context` names what was being done (exit 2).
    Io { context: String, source: io::Error },
    /// Network, TLS, HTTP or provider failure (exit 3).
    Network(String),
    /// The reader of our output went away (`| head -1`): a normal end.
    BrokenPipe,
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::BrokenPipe {
            return Error::BrokenPipe;
        }
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) | Error::Input(_) | Error::Io { .. } => ExitCode::Usage,
            Error::Network(_) => ExitCode::Network,
            Error::BrokenPipe => ExitCode::Ok,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Input(m) | Error::Network(m) => f.write_str(m),
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::BrokenPipe => f.write_str("output closed"),
        }
    }
}

impl std::error::Error for Error {}

/// Writing the report: a closed pipe is a normal end, anything else an error.
pub fn write_err(e: io::Error) -> Error {
    Error::io("writing output", e)
}
