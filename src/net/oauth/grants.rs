//! The grants: what each sends to the token endpoint. The interactive two
//! (authorization code, device code) live in `interactive`.

use std::time::Duration;

use crate::error::Error;
use crate::net::http::Http;
use crate::secret::Secret;

use super::client::{Client, Outcome};
use super::discovery::Issuer;
use super::interactive;
use super::TokenSet;
use crate::config::{Browser, Grant};

pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// Everything one OAuth login needs.
#[derive(Debug)]
pub struct Login {
    pub issuer: Issuer,
    pub client: Client,
    pub grant: Grant,
    pub scopes: Vec<String>,
    pub audience: Option<String>,
    pub resources: Vec<String>,
    /// `--param KEY=VALUE`: extra fields of the token request.
    pub params: Vec<(String, Secret)>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub refresh_token: Option<Secret>,
    pub subject_token: Option<Secret>,
    pub redirect_port: Option<u16>,
    pub browser: Browser,
    /// The whole wait of an interactive grant.
    pub wait: Duration,
}

impl Login {
    /// The scopes to ask for: `openid` added for the interactive grants when the issuer lists it.
    fn scope(&self) -> Option<String> {
        let mut scopes = self.scopes.clone();
        if self.grant.interactive()
            && self.issuer.scopes_supported.iter().any(|s| s == "openid")
            && !scopes.iter().any(|s| s == "openid")
        {
            scopes.insert(0, "openid".to_owned());
        }
        (!scopes.is_empty()).then(|| scopes.join(" "))
    }

    /// scope, audience and resource fields, as asked.
    fn target(&self) -> Vec<(String, Secret)> {
        let mut out = Vec::new();
        if let Some(scope) = self.scope() {
            out.push(("scope".to_owned(), Secret::new(scope)));
        }
        if let Some(aud) = &self.audience {
            out.push(("audience".to_owned(), Secret::new(aud.clone())));
        }
        for r in &self.resources {
            out.push(("resource".to_owned(), Secret::new(r.clone())));
        }
        out
    }
}

/// Run the login's grant; the token endpoint's answer.
pub fn run(http: &Http, login: &Login) -> Result<TokenSet, Error> {
    let field = |k: &str, v: &str| (k.to_owned(), Secret::new(v));
    let mut fields = match login.grant {
        Grant::AuthorizationCode => return interactive::authorization_code(http, login),
        Grant::DeviceCode => return interactive::device_code(http, login),
        Grant::ClientCredentials => vec![field("grant_type", "client_credentials")],
        Grant::Password => {
            let Some(user) = &login.username else {
                return Err(Error::usage("--grant password needs -u USER"));
            };
            let Some(password) = &login.password else {
                return Err(Error::usage(
                    "--grant password needs the password: --password-stdin or JWTINSPECT_PASSWORD",
                ));
            };
            vec![
                field("grant_type", "password"),
                field("username", user),
                ("password".to_owned(), password.clone()),
            ]
        }
        Grant::RefreshToken => {
            let Some(token) = &login.refresh_token else {
                return Err(Error::usage(
                    "--grant refresh_token needs the refresh token: --param refresh_token=... or a --profile that holds one",
                ));
            };
            vec![
                field("grant_type", "refresh_token"),
                ("refresh_token".to_owned(), token.clone()),
            ]
        }
        Grant::TokenExchange => {
            let Some(subject) = &login.subject_token else {
                return Err(Error::usage(
                    "--grant token_exchange needs --subject-token TOKEN (the token to exchange)",
                ));
            };
            vec![
                field("grant_type", TOKEN_EXCHANGE),
                ("subject_token".to_owned(), subject.clone()),
                field("subject_token_type", ACCESS_TOKEN_TYPE),
            ]
        }
    };
    fields.extend(login.target());
    fields.extend(login.params.iter().cloned());
    token_request(http, login, fields)
}

/// One POST to the token endpoint; a refusal is exit 3 with the issuer's words.
pub fn token_request(
    http: &Http,
    login: &Login,
    fields: Vec<(String, Secret)>,
) -> Result<TokenSet, Error> {
    let endpoint = &login.issuer.token_endpoint;
    match login.client.post(http, endpoint, endpoint, fields)? {
        Outcome::Ok { label, body } => tokens(&label, &body),
        Outcome::Refused(r) => Err(Error::Network(r.message)),
    }
}

/// A token answer, which must hold an access token. A token with a
/// character outside visible ASCII (RFC 6749 A.12, A.17: `1*VSCHAR`) is
/// refused: it would reach a terminal or an HTTP header raw (`--print-token`,
/// `jwtinspect token`).
pub fn tokens(label: &str, body: &str) -> Result<TokenSet, Error> {
    let set = TokenSet::from_answer(label, body).ok_or_else(|| {
        Error::Network(format!(
            "{label}: the answer holds no access_token: {}",
            crate::net::login::excerpt(body)
        ))
    })?;
    let fields = [
        ("access_token", Some(set.access_token.as_str())),
        ("id_token", set.id_token.as_deref()),
        (
            "refresh_token",
            set.refresh_token.as_ref().map(|s| s.expose()),
        ),
    ];
    for (field, token) in fields {
        if token.is_some_and(|t| !super::is_token_text(t)) {
            return Err(Error::Network(format!(
                "{label}: the answer's {field} holds a character no token may hold (RFC 6749: visible ASCII only): not used"
            )));
        }
    }
    Ok(set)
}
