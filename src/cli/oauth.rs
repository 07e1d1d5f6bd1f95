//! OAuth 2.0 / OpenID Connect flags: the `login --issuer` additions and the
//! `token`, `logout`, `introspect` and `userinfo` subcommands, as typed, and
//! their conversion into the plain settings `net::oauth` reads.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::config::NetOptions;
use crate::config::{AskSpec, Browser, ClientAuth, ClientSpec, Grant, LoginSpec, INTERACTIVE_WAIT};
use crate::error::Error;
use crate::secret::Secret;

use super::args::{InspectArgs, LoginArgs, NetArgs};

pub const TOKEN_MORE: &str = "Examples: jwtinspect token --help";
pub const TOKEN_EXAMPLES: &str = "\
Examples:
  A bearer token for curl, refreshed or renewed only when needed:
    curl -H \"Authorization: Bearer $(jwtinspect token work)\" https://api.example/items
  At least ten minutes left, or a new one:
    jwtinspect token work --min-valid 10m

The profile is made by `jwtinspect login ... --profile NAME`. Without a valid cached
token, the refresh token is used; then, for client_credentials or a password login,
the grant runs again with JWTINSPECT_CLIENT_SECRET / JWTINSPECT_PASSWORD from the
environment; else exit 3 names the login to run.";

const HEADING: &str = "OAuth / OpenID Connect";
const TIMEOUT_DEFAULT: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum GrantArg {
    AuthorizationCode,
    DeviceCode,
    ClientCredentials,
    RefreshToken,
    Password,
    TokenExchange,
}

impl GrantArg {
    fn grant(self) -> Grant {
        match self {
            GrantArg::AuthorizationCode => Grant::AuthorizationCode,
            GrantArg::DeviceCode => Grant::DeviceCode,
            GrantArg::ClientCredentials => Grant::ClientCredentials,
            GrantArg::RefreshToken => Grant::RefreshToken,
            GrantArg::Password => Grant::Password,
            GrantArg::TokenExchange => Grant::TokenExchange,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum ClientAuthArg {
    Basic,
    Post,
    PrivateKeyJwt,
    None,
}

impl ClientAuthArg {
    fn auth(self) -> ClientAuth {
        match self {
            ClientAuthArg::Basic => ClientAuth::Basic,
            ClientAuthArg::Post => ClientAuth::Post,
            ClientAuthArg::PrivateKeyJwt => ClientAuth::PrivateKeyJwt,
            ClientAuthArg::None => ClientAuth::None,
        }
    }
}

// How the client authenticates (login, introspect).
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// The OAuth client id.
    #[arg(long, value_name = "ID", help_heading = HEADING)]
    pub client_id: Option<String>,

    /// Read the client secret from standard input (else JWTINSPECT_CLIENT_SECRET).
    #[arg(long, help_heading = HEADING)]
    pub client_secret_stdin: bool,

    /// Client authentication (default: basic with a secret, private_key_jwt with a key, else none).
    #[arg(long, value_enum, value_name = "METHOD", help_heading = HEADING)]
    pub client_auth: Option<ClientAuthArg>,

    /// The client's private key for private_key_jwt (PEM or JWK).
    #[arg(long, value_name = "FILE", help_heading = HEADING)]
    pub client_key: Option<PathBuf>,
}

impl ClientArgs {
    fn spec(&self) -> ClientSpec {
        ClientSpec {
            id: self.client_id.clone().unwrap_or_default(),
            auth: self.client_auth.map(ClientAuthArg::auth),
            key: self.client_key.clone(),
            secret_stdin: self.client_secret_stdin,
        }
    }
}

// The `login --issuer` flags (flattened into login's).
#[derive(Debug, Clone, Args)]
pub struct OAuthLoginArgs {
    /// OpenID issuer: discovery gives the endpoints (its issuer must equal URL).
    #[arg(long, value_name = "URL", help_heading = HEADING, conflicts_with = "provider", requires = "client_id")]
    pub issuer: Option<String>,

    #[command(flatten)]
    pub client: ClientArgs,

    /// The grant (default authorization_code).
    #[arg(long, value_enum, value_name = "GRANT", help_heading = HEADING, requires = "issuer")]
    pub grant: Option<GrantArg>,

    /// A scope to ask for (repeatable; openid is added for the interactive grants).
    #[arg(long = "scope", value_name = "SCOPE", help_heading = HEADING)]
    pub scopes: Vec<String>,

    /// The audience to ask for.
    #[arg(long, value_name = "AUD", help_heading = HEADING)]
    pub audience: Option<String>,

    /// A resource indicator (RFC 8707, repeatable).
    #[arg(long = "resource", value_name = "URI", help_heading = HEADING)]
    pub resources: Vec<String>,

    /// The loopback port of the redirect (default: a free one).
    #[arg(long, value_name = "N", help_heading = HEADING)]
    pub redirect_port: Option<u16>,

    /// Print the authorization URL on stderr instead of opening a browser.
    #[arg(long, help_heading = HEADING, conflicts_with = "browser_command")]
    pub no_browser: bool,

    /// Open the authorization URL with CMD (the URL is its one argument).
    #[arg(long, value_name = "CMD", help_heading = HEADING)]
    pub browser_command: Option<String>,

    /// The token to exchange (token_exchange).
    #[arg(long, value_name = "TOKEN", help_heading = HEADING, allow_hyphen_values = true)]
    pub subject_token: Option<Secret>,

    /// Save the settings and cache the tokens under NAME (see jwtinspect token).
    #[arg(long, value_name = "NAME", help_heading = HEADING)]
    pub profile: Option<String>,
}

/// A positional opaque token: random base64url may start with `-` (hence
/// `allow_hyphen_values`), but what looks like a long option (`--jsno`) is a
/// mistyped flag, not a token.
fn opaque_token(text: &str) -> Result<String, String> {
    let name = text
        .strip_prefix("--")
        .map(|r| r.split('=').next().unwrap_or(r));
    match name {
        Some(n)
            if n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') =>
        {
            Err(
                "this is no option of this command; give a token that looks like one on stdin (`-`)"
                    .into(),
            )
        }
        _ => Ok(text.to_owned()),
    }
}

/// The whole wait of an interactive grant: `--timeout` when given, else 300 s.
fn wait(net: &NetArgs) -> Duration {
    if net.timeout == TIMEOUT_DEFAULT {
        INTERACTIVE_WAIT
    } else {
        Duration::from_secs(net.timeout)
    }
}

impl LoginArgs {
    /// `login --issuer`: the plain settings, or None for a provider login.
    pub fn oauth_spec(&self) -> Result<Option<LoginSpec>, Error> {
        let o = &self.oauth;
        let Some(issuer) = &o.issuer else {
            return Ok(None);
        };
        if self.url.is_some() {
            return Err(Error::usage(
                "--url is for --provider logins; with --issuer the endpoints come from discovery",
            ));
        }
        let browser = match (&o.browser_command, o.no_browser) {
            (Some(cmd), _) => Browser::Command(cmd.clone()),
            (None, true) => Browser::Print,
            (None, false) => Browser::System,
        };
        Ok(Some(LoginSpec {
            issuer: issuer.clone(),
            client: o.client.spec(),
            grant: o
                .grant
                .map(GrantArg::grant)
                .unwrap_or(Grant::AuthorizationCode),
            scopes: o
                .scopes
                .iter()
                .flat_map(|s| s.split_whitespace())
                .map(str::to_owned)
                .collect(),
            audience: o.audience.clone(),
            resources: o.resources.clone(),
            params: self.params.clone(),
            redirect_port: o.redirect_port,
            browser,
            subject_token: o.subject_token.clone(),
            user: self.user.clone(),
            password_stdin: self.password_stdin,
            profile: o.profile.clone(),
            http: http_options(&self.inspect.net)?,
            wait: wait(&self.inspect.net),
        }))
    }
}

fn http_options(net: &NetArgs) -> Result<NetOptions, Error> {
    super::resolve::net_options(net)
}

/// `--min-valid`: seconds, or a duration (`90s`, `10m`, `1h`, `1d`).
fn duration_secs(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: i64 = num
        .parse()
        .map_err(|_| format!("'{text}': expected seconds or a duration like 90s, 10m, 1h"))?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(format!("'{text}': the unit must be s, m, h or d")),
    };
    n.checked_mul(unit)
        .ok_or_else(|| format!("'{text}': too long"))
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The profile (made by `jwtinspect login ... --profile NAME`).
    #[arg(value_name = "PROFILE")]
    pub profile: String,

    /// Renew unless the token stays valid this long (seconds or 90s, 10m, 1h).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = duration_secs)]
    pub min_valid: i64,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The profile whose cached tokens are removed (and revoked at the issuer).
    #[arg(value_name = "PROFILE")]
    pub profile: String,
}

#[derive(Debug, Args)]
pub struct IntrospectArgs {
    /// The issuer (discovery gives its introspection endpoint).
    #[arg(long, value_name = "URL")]
    pub issuer: String,

    #[command(flatten)]
    pub client: ClientArgs,

    /// The token to ask about, or `-` for standard input.
    #[arg(value_name = "TOKEN", allow_hyphen_values = true, value_parser = opaque_token)]
    pub token: String,

    #[command(flatten)]
    pub inspect: InspectArgs,
}

#[derive(Debug, Args)]
pub struct UserinfoArgs {
    /// The issuer (discovery gives its userinfo endpoint).
    #[arg(long, value_name = "URL")]
    pub issuer: String,

    /// The access token, or `-` for standard input.
    #[arg(value_name = "TOKEN", allow_hyphen_values = true, value_parser = opaque_token)]
    pub token: String,

    /// Print the answer as one line of JSON.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub net: NetArgs,
}

impl IntrospectArgs {
    pub fn spec(&self) -> Result<AskSpec, Error> {
        if self.client.client_id.is_none() {
            return Err(Error::usage(
                "introspect needs --client-id (the issuer only answers its clients)",
            ));
        }
        Ok(AskSpec {
            issuer: self.issuer.clone(),
            client: Some(self.client.spec()),
            token: self.token.clone(),
            http: http_options(&self.inspect.net)?,
        })
    }
}

impl UserinfoArgs {
    pub fn spec(&self) -> Result<AskSpec, Error> {
        Ok(AskSpec {
            issuer: self.issuer.clone(),
            client: None,
            token: self.token.clone(),
            http: http_options(&self.net)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_valid_takes_seconds_and_units() {
        assert_eq!(duration_secs("90"), Ok(90));
        assert_eq!(duration_secs("90s"), Ok(90));
        assert_eq!(duration_secs("10m"), Ok(600));
        assert_eq!(duration_secs("1h"), Ok(3600));
        assert!(duration_secs("5x").is_err());
        assert!(duration_secs("m").is_err());
    }

    #[test]
    fn opaque_tokens_may_start_with_a_dash_but_options_are_not_tokens() {
        for token in ["-2Xo_opaque", "-", "--Xq9_aB", "-v", "abc--def"] {
            assert_eq!(opaque_token(token).as_deref(), Ok(token));
        }
        for option in ["--jsno", "--client-secret=x", "--", "--a-b-2"] {
            assert!(opaque_token(option).is_err(), "{option}");
        }
    }
}
