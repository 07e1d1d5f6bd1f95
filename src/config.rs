//! The plain data the rest of the program reads: resolved once from the
//! command line (`cli::resolve`), no clap types, no I/O.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::meaning::inspect::Checks;
use crate::meaning::time::Zone;
use crate::secret::Secret;
use crate::verify::signature::{Alg, KeyVerifier};

/// What goes to standard output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputMode {
    Human,
    Json,
    PrintToken,
    /// `--claim PATH`, repeatable: the values, tab-separated.
    Claim(Vec<String>),
}

/// Facts about the process environment, detected once (and injectable in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    pub stdout_terminal: bool,
    pub stdin_terminal: bool,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// Columns of the terminal standard output is, if it is one.
    pub width: Option<usize>,
}

impl Environment {
    pub fn detect() -> Environment {
        Environment {
            stdout_terminal: std::io::stdout().is_terminal(),
            stdin_terminal: std::io::stdin().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            width: terminal_size::terminal_size_of(std::io::stdout())
                .map(|(terminal_size::Width(w), _)| usize::from(w)),
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
    /// `--field KEY`: the JSON keys whose tokens are checked (`*`: all);
    /// None: a token response's access token (and every token not in one).
    pub fields: Option<Vec<String>>,
    /// `--brief`: the verdict and the summary rows only.
    pub brief: bool,
    /// Flush each token's output as soon as it is judged.
    pub line_buffered: bool,
    /// The terminal's width, when standard output is one: the human report wraps to it.
    pub width: Option<usize>,
}

/// TLS and timeout settings for every request (`--cacert`, `--insecure`, `--timeout`).
#[derive(Debug, Clone)]
pub struct NetOptions {
    pub cacert: Option<PathBuf>,
    pub insecure: bool,
    pub timeout: Duration,
}

/// Where the verification key comes from: one flag of the key source group.
/// Loaded (files read, JWKS fetched) in the app step, not while resolving.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `--secret`
    Secret(Secret),
    /// `--secret-file`
    SecretFile(PathBuf),
    /// `--secret-base64`
    SecretBase64(Secret),
    /// `--key` (repeatable): PEM, certificate, JWK or JWKS; private ones decrypt JWEs.
    KeyFiles(Vec<PathBuf>),
    /// `--jwks-url`
    JwksUrl(String, NetOptions),
    /// `--discover ISSUER`
    Discover(String, NetOptions),
}

/// The key to verify with, and the algorithms it may verify (`--alg`; empty: any).
#[derive(Debug, Clone)]
pub struct KeyRequest {
    pub source: KeySource,
    pub algs: Vec<Alg>,
}

/// The login protocols `login --provider` speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Immport,
    ImmportBatch,
    Itempath,
    Form,
    Json,
}

/// `jwtinspect login`, resolved.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    pub provider: Provider,
    /// `--url`; None: the provider's default.
    pub url: Option<String>,
    pub user: String,
    /// Read the password from standard input.
    pub password_stdin: bool,
    /// `--param KEY=VALUE`, as typed.
    pub params: Vec<String>,
    pub net: NetOptions,
}

/// `jwtinspect refresh`, resolved.
#[derive(Debug, Clone)]
pub struct RefreshRequest {
    pub url: String,
    /// The refresh token, a file holding it, or `-`; None: standard input.
    pub input: Option<String>,
    pub net: NetOptions,
}
