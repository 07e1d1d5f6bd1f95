//! The command line, as typed: clap derive structs and nothing else.
//! Every flag is declared once, with its help beside it. `config.rs`
//! resolves these into the settings the rest of the program reads.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::secret::Secret;

/// `-h` stays short; this line points at the long help.
const MORE: &str = "Examples and exit codes: jwtinspect --help";

const LOGIN_MORE: &str = "Examples: jwtinspect login --help";
const REFRESH_MORE: &str = "Examples: jwtinspect refresh --help";
const COMPLETIONS_MORE: &str = "Examples: jwtinspect completions --help";

const EXAMPLES: &str = "\
Examples:
  Inspect a token, a saved login response, a log or a curl -v dump:
    jwtinspect eyJhbGciOi...
    jwtinspect login.json
    kubectl logs my-api | jwtinspect
  ImmPort: log in and check a role (exit 1 if the token lacks it), instead of curl | fgrep | sed:
    curl -s -X POST https://www.immport.org/auth/token -d username=me -d password=... \\
      | jwtinspect --require-role ROLE_ADMIN
  Scripting: JSON Lines, one object per token; claims (tab-separated); the bare token;
  the verdict and summary only (a login response's access token is the one checked):
    jwtinspect --json login.json | jq -r .summary.expires_at
    jwtinspect --claim authorities login.json
    jwtinspect --claim sub --claim .header.alg --claim 'roles[0]' login.json
    jwtinspect --claim 'realm_access.roles[0]' \"$token\"
    token=$(jwtinspect --print-token login.json) || exit 1
    jwtinspect --brief --field '*' login.json
  Verify the signature with the issuer's published keys, or a key file:
    jwtinspect --jwks-url https://issuer.example/.well-known/jwks.json \"$token\"
    jwtinspect --discover https://issuer.example --aud my-api \"$token\"
    jwtinspect --key public.pem --alg RS256 \"$token\"
  What does a claim mean?
    jwtinspect --explain
    jwtinspect --explain azp
  Log in or refresh, then inspect (see jwtinspect login --help, refresh --help):
    jwtinspect login --provider immport -u me --require-role ROLE_USER
    jwtinspect refresh --url https://host/api/users/refresh login.json

Exit codes: 0 all tokens fine, 1 a check failed (expired, signature, role...),
2 usage error or no token found, 3 login/refresh/network failure.";

const LOGIN_EXAMPLES: &str = "\
Examples:
  ImmPort Data Query API (the password is prompted for, without echo):
    jwtinspect login --provider immport -u me
  ImmPort: fail unless the token carries a role, and keep it for curl:
    token=$(jwtinspect login --provider immport -u me --require-role ROLE_USER --print-token) || exit 1
    curl -H \"Authorization: bearer $token\" https://immport-upload.niaid.nih.gov:8443/data/...
  ImmPort Batch Updater API (the answer carries `token`):
    jwtinspect login --provider immport-batch -u me
  ItemPath: access and refresh tokens, password from a secret store:
    pass show itempath | jwtinspect login --provider itempath \\
      --url https://host/api/users/login -u username1 --password-stdin
  Any OAuth password grant:
    jwtinspect login --provider form --url https://idp.example/oauth/token -u me \\
      --param grant_type=password --param client_id=cli

The password comes from --password-stdin, else JWTINSPECT_PASSWORD, else a prompt.
It is never taken from the command line.";

const REFRESH_EXAMPLES: &str = "\
Examples:
  ItemPath: a new access token, from the refresh token in a saved login response:
    jwtinspect refresh --url https://host/api/users/refresh login.json
  ... straight into a variable for curl:
    token=$(jwtinspect refresh --url https://host/api/users/refresh --print-token login.json) || exit 1
  ItemPath application token (does not expire; users of type \"application\"):
    jwtinspect refresh --url https://host/api/users/application-token login.json
  The refresh token itself, from standard input:
    printf %s \"$refresh_token\" | jwtinspect refresh --url https://host/api/users/refresh -";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  bash:        jwtinspect completions bash > ~/.local/share/bash-completion/completions/jwtinspect
  zsh:         jwtinspect completions zsh > ~/.zfunc/_jwtinspect   (with fpath+=~/.zfunc in ~/.zshrc)
  fish:        jwtinspect completions fish > ~/.config/fish/completions/jwtinspect.fish
  elvish:      jwtinspect completions elvish >> ~/.config/elvish/rc.elv
  PowerShell:  jwtinspect completions powershell >> $PROFILE";

/// Inspect and debug JSON Web Tokens, locally.
///
/// Finds every JWT in its input (bare tokens, login responses, Authorization
/// headers, cookies, logs, curl -v dumps) and reports who it is for, its roles
/// and scopes, when it expires, and what is wrong with it. Decoding never
/// touches the network.
#[derive(Debug, Parser)]
#[command(
    name = "jwtinspect",
    version,
    args_conflicts_with_subcommands = true,
    after_help = MORE,
    after_long_help = EXAMPLES,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub inspect: InspectArgs,

    /// Token text, `-` for standard input, or a file; with none, standard input is read.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Explain claim and header names: all, or just NAMEs (e.g. azp cnf).
    #[arg(
        long,
        value_name = "NAME",
        num_args = 0..,
        conflicts_with = "inputs"
    )]
    pub explain: Option<Vec<String>>,
}

/// The subcommands' arguments are built only when one is used (`defer`):
/// a plain inspection, the common case and the one run in shell loops, then
/// starts without building login's and refresh's dozens of options.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Log in, then inspect the returned tokens.
    #[command(after_help = LOGIN_MORE, after_long_help = LOGIN_EXAMPLES)]
    Login(LoginArgs),
    /// Trade a refresh token for new tokens, then inspect them.
    #[command(after_help = REFRESH_MORE, after_long_help = REFRESH_EXAMPLES)]
    Refresh(RefreshArgs),
    /// Inspect, as with no command (`jwtinspect decode TOKEN`).
    #[command(after_help = MORE)]
    Decode(DecodeArgs),
    /// Inspect, requiring a key (--secret*, --key, --jwks-url, --discover).
    #[command(after_help = MORE)]
    Verify(DecodeArgs),
    /// Make a signed token from claims (or from a `jwtinspect --json` line).
    #[command(after_help = super::sign::SIGN_MORE, after_long_help = super::sign::SIGN_EXAMPLES)]
    Sign(super::sign::SignArgs),
    /// Change a token's claims or header, then re-sign it.
    #[command(after_help = super::sign::EDIT_MORE, after_long_help = super::sign::EDIT_EXAMPLES)]
    Edit(super::sign::EditArgs),
    /// Print a valid access token of a saved profile (cached, refreshed or renewed).
    #[command(after_help = super::oauth::TOKEN_MORE, after_long_help = super::oauth::TOKEN_EXAMPLES)]
    Token(super::oauth::TokenArgs),
    /// Forget (and revoke) a profile's tokens.
    Logout(super::oauth::LogoutArgs),
    /// Ask the issuer whether a token is active (RFC 7662).
    Introspect(super::oauth::IntrospectArgs),
    /// The issuer's userinfo for an access token.
    Userinfo(super::oauth::UserinfoArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_MORE, after_long_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The local web debugger: a page on 127.0.0.1 that inspects what you paste.
    #[command(after_help = super::serve::SERVE_MORE, after_long_help = super::serve::SERVE_EXAMPLES)]
    Serve(super::serve::ServeArgs),
}

// `decode` and `verify`: the default command by name.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    #[command(flatten)]
    pub inspect: InspectArgs,

    /// Token text, `-` for standard input, or a file; with none, standard input is read.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

// Options shared by inspect, login and refresh. (Plain comments on the
// flattened structs here: a doc comment would become the about of the
// deferred login and refresh subcommands.)
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// JSON Lines: one object per token, nothing else on stdout.
    #[arg(long, help_heading = "Output", conflicts_with_all = ["print_token", "claim"])]
    pub json: bool,

    /// Print only the tokens found, one per line (login/refresh: the access token).
    #[arg(long, help_heading = "Output", conflicts_with = "claim")]
    pub print_token: bool,

    /// Print only this value, one line per token (repeatable: tab-separated).
    ///
    /// PATH is a dot path into the claims (realm_access.roles, roles.0 or roles[0]) or, with a
    /// leading dot, into the token's --json object (.header.alg, .summary.roles,
    /// .signature.verified). Strings print raw (as JSON strings when they hold control
    /// characters), other values as compact JSON; a missing value is exit 1.
    #[arg(long, value_name = "PATH", help_heading = "Output")]
    pub claim: Vec<String>,

    /// Per token only the verdict and the summary (no claims, no info findings).
    #[arg(long, help_heading = "Output", conflicts_with_all = ["json", "print_token", "claim"])]
    pub brief: bool,

    /// Write each token's output as soon as it is judged (the default on a terminal).
    #[arg(hide_short_help = true, long, help_heading = "Output")]
    pub line_buffered: bool,

    /// When to use colour (NO_COLOR is honoured unless `always`).
    #[arg(hide_short_help = true, long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto, help_heading = "Output")]
    pub color: ColorWhen,

    /// Judge exp/nbf/iat as of TIME (2026-12-03, +5m, -2h, unix seconds, RFC 3339).
    ///
    /// TIME is RFC 3339, a date (midnight UTC), unix seconds (13 digits or more are taken as
    /// milliseconds, and stderr says so), or relative to the clock (+5m, -2h, +1d).
    #[arg(
        long,
        value_name = "TIME",
        allow_hyphen_values = true,
        help_heading = "Time"
    )]
    pub now: Option<String>,

    /// Clock-skew allowance for the expiry / not-before judgement: seconds or 90s, 5m, 1h.
    #[arg(hide_short_help = true,
        long,
        value_name = "DURATION",
        default_value = "0",
        value_parser = leeway,
        help_heading = "Time"
    )]
    pub leeway: u64,

    /// Show times in the local time zone instead of UTC.
    #[arg(hide_short_help = true, long, help_heading = "Time")]
    pub local: bool,

    /// Fail (exit 1) unless the token carries this role (repeatable).
    #[arg(long = "require-role", value_name = "ROLE", help_heading = "Checks")]
    pub require_roles: Vec<String>,

    /// Fail (exit 1) unless the token carries this scope (repeatable).
    #[arg(long = "require-scope", value_name = "SCOPE", help_heading = "Checks")]
    pub require_scopes: Vec<String>,

    /// Check the tokens under this JSON key (repeatable; '*': every token) instead of a
    /// token response's access token.
    #[arg(
        hide_short_help = true,
        long = "field",
        value_name = "KEY",
        help_heading = "Checks"
    )]
    pub fields: Vec<String>,

    #[command(flatten)]
    pub verify: VerifyArgs,

    #[command(flatten)]
    pub net: NetArgs,
}

// Signature and claim verification.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("keysource").multiple(false)))]
pub struct VerifyArgs {
    /// Verify with this HMAC secret.
    #[arg(
        long,
        value_name = "TEXT",
        help_heading = "Verification",
        group = "keysource",
        allow_hyphen_values = true
    )]
    pub secret: Option<Secret>,

    /// Verify with the HMAC secret in FILE (raw bytes; exactly one trailing newline is stripped).
    #[arg(
        hide_short_help = true,
        long,
        value_name = "FILE",
        help_heading = "Verification",
        group = "keysource"
    )]
    pub secret_file: Option<PathBuf>,

    /// Verify with an HMAC secret given in base64 or base64url.
    #[arg(
        hide_short_help = true,
        long,
        value_name = "TEXT",
        help_heading = "Verification",
        group = "keysource",
        allow_hyphen_values = true
    )]
    pub secret_base64: Option<Secret>,

    /// Verify with a key FILE: PEM key or certificate, JWK, JWKS (picked by kid).
    ///
    /// A private key (PEM PKCS#8/PKCS#1/SEC1, JWK, JWKS) decrypts a JWE. Repeatable: each
    /// key is used for what it fits (one to decrypt, one to verify the inner signature).
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Verification",
        group = "keysource",
        action = clap::ArgAction::Append
    )]
    pub key: Vec<PathBuf>,

    /// Verify with the JWKS at URL (fetched once; keys picked by kid).
    #[arg(
        long,
        value_name = "URL",
        help_heading = "Verification",
        group = "keysource"
    )]
    pub jwks_url: Option<String>,

    /// OpenID discovery: use ISSUER's jwks_uri and require iss = ISSUER.
    #[arg(
        long,
        value_name = "ISSUER",
        help_heading = "Verification",
        group = "keysource"
    )]
    pub discover: Option<String>,

    /// Accept only this algorithm (repeatable); alg none never verifies.
    #[arg(long = "alg", value_name = "ALG", help_heading = "Verification")]
    pub algs: Vec<String>,

    /// Require the iss claim to equal ISSUER.
    #[arg(long, value_name = "ISSUER", help_heading = "Verification")]
    pub iss: Option<String>,

    /// Require the aud claim to contain AUDIENCE.
    #[arg(long, value_name = "AUDIENCE", help_heading = "Verification")]
    pub aud: Option<String>,
}

// HTTPS settings for login, refresh and key downloads.
#[derive(Debug, Clone, Args)]
pub struct NetArgs {
    /// Also trust the CA certificate(s) in this PEM file.
    #[arg(
        hide_short_help = true,
        long,
        value_name = "FILE",
        help_heading = "Network"
    )]
    pub cacert: Option<PathBuf>,

    /// Do not verify TLS certificates (says so on stderr).
    #[arg(hide_short_help = true, long, help_heading = "Network")]
    pub insecure: bool,

    /// Give up on a request after this many seconds.
    #[arg(
        hide_short_help = true,
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        help_heading = "Network"
    )]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Provider {
    /// ImmPort Data Query API: form POST, `access_token` in the answer.
    Immport,
    /// ImmPort Batch Updater API: form POST, `token` in the answer.
    ImmportBatch,
    /// ItemPath: JSON POST to /api/users/login, `accessToken` + `refreshToken`.
    Itempath,
    /// Any form POST (--param adds fields).
    Form,
    /// Any JSON POST (--param adds fields).
    Json,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Which login protocol to speak (or --issuer for OAuth / OpenID Connect).
    #[arg(long, value_enum, required_unless_present = "issuer")]
    pub provider: Option<Provider>,

    /// Login endpoint (default for immport: https://www.immport.org/auth/token).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// User name.
    #[arg(
        short = 'u',
        long = "user",
        value_name = "USER",
        required_unless_present = "issuer"
    )]
    pub user: Option<String>,

    /// Read the password from standard input (else JWTINSPECT_PASSWORD, else a prompt).
    #[arg(long)]
    pub password_stdin: bool,

    /// Extra request field KEY=VALUE (repeatable), e.g. grant_type=password.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,

    #[command(flatten)]
    pub oauth: Box<super::oauth::OAuthLoginArgs>,

    #[command(flatten)]
    pub inspect: InspectArgs,
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Refresh endpoint (ItemPath: https://host/api/users/refresh or /api/users/application-token).
    #[arg(long, value_name = "URL")]
    pub url: String,

    /// The refresh token, a login response holding it, a file, or `-` for stdin.
    #[arg(value_name = "TOKEN")]
    pub input: Option<String>,

    #[command(flatten)]
    pub inspect: InspectArgs,
}

/// `--leeway`: seconds, or a number with a unit (`90s`, `5m`, `1h`).
fn leeway(text: &str) -> Result<u64, String> {
    crate::meaning::time::parse_duration(text)
        .ok_or_else(|| "expected seconds or a duration: 90, 90s, 5m, 1h, 2d".to_owned())
}
