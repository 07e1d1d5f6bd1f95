//! Errors and exit codes: one enum, one line each, mapped to the contract's exit codes.

use std::fmt;
use std::io;

/// The contract's exit codes, named (`Exit`, apart from `std::process::ExitCode`
/// that `main` hands back). `merge` keeps the most serious of two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Every token decoded and passed every check.
    Ok = 0,
    /// A token decoded but failed a check (expired, signature, role, ...).
    CheckFailed = 1,
    /// Usage error, or no decodable token in the input.
    Usage = 2,
    /// Login, refresh or a key download failed.
    Network = 3,
    /// A bug in jwtinspect, as a panic exits: not the user's input.
    Internal = 101,
}

impl Exit {
    pub fn merge(self, other: Exit) -> Exit {
        self.max(other)
    }

    pub fn code(self) -> u8 {
        self as u8
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
    /// A bug in jwtinspect (exit 101, as a panic): the message asks for a report.
    Internal(String),
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

    pub fn exit_code(&self) -> Exit {
        match self {
            Error::Usage(_) | Error::Input(_) | Error::Io { .. } => Exit::Usage,
            Error::Network(_) => Exit::Network,
            Error::Internal(_) => Exit::Internal,
            Error::BrokenPipe => Exit::Ok,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Input(m) | Error::Network(m) => f.write_str(m),
            Error::Internal(m) => write!(f, "internal error: {m}; please report it"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bug_is_not_reported_as_bad_input() {
        let e = Error::Internal("a worker thread stopped".into());
        assert_eq!(e.exit_code(), Exit::Internal);
        assert_eq!(e.exit_code().code(), 101);
        assert_eq!(
            e.to_string(),
            "internal error: a worker thread stopped; please report it"
        );
        // The most serious code wins when tokens fared differently.
        assert_eq!(Exit::Usage.merge(Exit::Internal), Exit::Internal);
    }
}
