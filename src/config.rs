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
    /// Each failed checked token's one-line reason goes to standard error
    /// (`jwtinspect: SOURCE: FAILED: ...`): the command line's way. The web
    /// page and other library callers read the verdicts from the report.
    pub failure_lines: bool,
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

// ------------------------------------------------ OAuth 2.0 / OpenID Connect

/// The grant types `login --grant` speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    AuthorizationCode,
    DeviceCode,
    ClientCredentials,
    RefreshToken,
    Password,
    TokenExchange,
}

impl Grant {
    pub fn name(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorization_code",
            Grant::DeviceCode => "device_code",
            Grant::ClientCredentials => "client_credentials",
            Grant::RefreshToken => "refresh_token",
            Grant::Password => "password",
            Grant::TokenExchange => "token_exchange",
        }
    }

    pub fn parse(name: &str) -> Option<Grant> {
        [
            Grant::AuthorizationCode,
            Grant::DeviceCode,
            Grant::ClientCredentials,
            Grant::RefreshToken,
            Grant::Password,
            Grant::TokenExchange,
        ]
        .into_iter()
        .find(|g| g.name() == name)
    }

    /// A person must act (a browser, a code to type): never re-run unattended.
    pub fn interactive(self) -> bool {
        matches!(self, Grant::AuthorizationCode | Grant::DeviceCode)
    }
}

/// How long the interactive grants wait for the user by default.
pub const INTERACTIVE_WAIT: Duration = Duration::from_secs(300);

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with the id and secret.
    Basic,
    /// `client_secret_post`: id and secret in the form.
    Post,
    /// A public client: only `client_id` in the form.
    None,
    /// RFC 7523: a JWT signed with the client's private key.
    PrivateKeyJwt,
}

impl ClientAuth {
    pub fn name(self) -> &'static str {
        match self {
            ClientAuth::Basic => "basic",
            ClientAuth::Post => "post",
            ClientAuth::None => "none",
            ClientAuth::PrivateKeyJwt => "private_key_jwt",
        }
    }

    pub fn parse(name: &str) -> Option<ClientAuth> {
        [
            ClientAuth::Basic,
            ClientAuth::Post,
            ClientAuth::None,
            ClientAuth::PrivateKeyJwt,
        ]
        .into_iter()
        .find(|a| a.name() == name)
    }
}

/// How the authorization URL reaches the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Browser {
    /// The system's browser (xdg-open, open, start).
    System,
    /// `--browser-command CMD`: run with the URL as its one argument.
    Command(String),
    /// `--no-browser`: print the URL on stderr.
    Print,
}

/// Who the client is and how it proves it, as given.
#[derive(Debug, Clone, Default)]
pub struct ClientSpec {
    pub id: String,
    pub auth: Option<ClientAuth>,
    pub key: Option<PathBuf>,
    /// `--client-secret-stdin`: else `JWTINSPECT_CLIENT_SECRET`.
    pub secret_stdin: bool,
}

/// `login --issuer ...` as given.
#[derive(Debug, Clone)]
pub struct LoginSpec {
    pub issuer: String,
    pub client: ClientSpec,
    pub grant: Grant,
    pub scopes: Vec<String>,
    pub audience: Option<String>,
    pub resources: Vec<String>,
    /// `--param KEY=VALUE`, unparsed.
    pub params: Vec<String>,
    pub redirect_port: Option<u16>,
    pub browser: Browser,
    pub subject_token: Option<Secret>,
    pub user: Option<String>,
    pub password_stdin: bool,
    pub profile: Option<String>,
    pub http: NetOptions,
    pub wait: Duration,
}

/// What `introspect` and `userinfo` need.
#[derive(Debug)]
pub struct AskSpec {
    pub issuer: String,
    pub client: Option<ClientSpec>,
    /// The token text, or `-` for standard input.
    pub token: String,
    pub http: NetOptions,
}
