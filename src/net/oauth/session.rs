//! From the plain settings of a command to a ready login: the HTTP client,
//! the issuer's endpoints, the client with its credentials. Secrets are read
//! here, from standard input or the environment, never from arguments.

use std::io::{BufRead, IsTerminal};

use serde_json::Value;

use crate::config::{ClientAuth, ClientSpec, Grant, LoginSpec};
use crate::error::Error;
use crate::net::http::Http;
use crate::sanitize;
use crate::secret::Secret;

use super::client::{Client, ClientKey, Outcome};
use super::discovery::Issuer;
use super::grants::Login;
use super::profile::Profile;

/// The environment variable holding the client secret.
pub const SECRET_ENV: &str = "JWTINSPECT_CLIENT_SECRET";
/// The environment variable holding a password.
pub const PASSWORD_ENV: &str = "JWTINSPECT_PASSWORD";

/// A login ready to run.
pub struct Session {
    pub http: Http,
    pub login: Login,
}

impl Session {
    /// Discover the issuer, read the credentials, build the client.
    pub fn start(spec: &LoginSpec) -> Result<Session, Error> {
        let mut params = Vec::new();
        let mut refresh_token = None;
        for p in &spec.params {
            let Some((key, value)) = p.split_once('=').filter(|(k, _)| !k.is_empty()) else {
                return Err(Error::usage(format!(
                    "--param '{}': expected KEY=VALUE, e.g. --param prompt=consent",
                    sanitize::escape(p)
                )));
            };
            match key {
                "client_secret" | "password" | "client_assertion" => {
                    return Err(Error::usage(format!(
                        "--param {key}=...: secrets never go on the command line; \
                         use --client-secret-stdin / {SECRET_ENV} or --password-stdin / {PASSWORD_ENV}"
                    )))
                }
                "refresh_token" if spec.grant == Grant::RefreshToken => {
                    refresh_token = Some(Secret::new(value));
                }
                _ => params.push((key.to_owned(), Secret::new(value))),
            }
        }
        if spec.password_stdin && spec.client.secret_stdin {
            return Err(Error::usage(
                "--password-stdin and --client-secret-stdin both read standard input: \
                 give one of them through the environment instead",
            ));
        }
        let password = match spec.grant {
            Grant::Password => Some(password(spec.password_stdin, spec.user.as_deref())?),
            _ => None,
        };
        let http = Http::new(&spec.http)?;
        let issuer = Issuer::discover(&http, &spec.issuer)?;
        let client = client(&spec.client)?;
        Ok(Session {
            http,
            login: Login {
                issuer,
                client,
                grant: spec.grant,
                scopes: spec.scopes.clone(),
                audience: spec.audience.clone(),
                resources: spec.resources.clone(),
                params,
                username: spec.user.clone(),
                password,
                refresh_token,
                subject_token: spec.subject_token.clone(),
                redirect_port: spec.redirect_port,
                browser: spec.browser.clone(),
                wait: spec.wait,
            },
        })
    }

    /// The settings a profile keeps of this login: nothing secret.
    pub fn profile(&self, spec: &LoginSpec) -> Profile {
        let login = &self.login;
        Profile {
            kind: "oidc".to_owned(),
            issuer: Some(login.issuer.issuer.clone()),
            client_id: Some(login.client.id.clone()),
            client_auth: Some(login.client.auth.name().to_owned()),
            client_key: spec
                .client
                .key
                .as_ref()
                .map(|k| std::fs::canonicalize(k).unwrap_or_else(|_| k.clone())),
            grant: Some(login.grant.name().to_owned()),
            scopes: login.scopes.clone(),
            audience: login.audience.clone(),
            resources: login.resources.clone(),
            user: login.username.clone(),
            cacert: spec.http.cacert.clone(),
            url: None,
        }
    }
}

/// The client: its secret from stdin or the environment when its
/// authentication needs one; `basic` is the default when a secret is given,
/// `private_key_jwt` when a key is.
pub fn client(spec: &ClientSpec) -> Result<Client, Error> {
    if spec.id.is_empty() {
        return Err(Error::usage("--client-id is empty; give the client's id"));
    }
    let secret = if spec.secret_stdin {
        Some(first_line(
            std::io::stdin().lock(),
            "--client-secret-stdin",
        )?)
    } else {
        env_secret(SECRET_ENV)?
    };
    let auth = match (spec.auth, &secret, &spec.key) {
        (Some(a), _, _) => a,
        (None, _, Some(_)) => ClientAuth::PrivateKeyJwt,
        (None, Some(_), None) => ClientAuth::Basic,
        (None, None, None) => ClientAuth::None,
    };
    let key = match (&spec.key, auth) {
        (Some(path), ClientAuth::PrivateKeyJwt) => Some(ClientKey::load(path)?),
        (Some(_), other) => {
            return Err(Error::usage(format!(
                "--client-key is for --client-auth private_key_jwt, not {}",
                other.name()
            )))
        }
        (None, _) => None,
    };
    let client = Client {
        id: spec.id.clone(),
        auth,
        secret: matches!(auth, ClientAuth::Basic | ClientAuth::Post)
            .then_some(secret)
            .flatten(),
        key,
    };
    Ok(client)
}

/// A non-empty environment variable as a secret.
pub fn env_secret(name: &str) -> Result<Option<Secret>, Error> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(Some(Secret::new(v))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Error::usage(format!("{name} is not valid UTF-8")))
        }
        _ => Ok(None),
    }
}

/// The password of the password grant: stdin, the environment, or a prompt.
fn password(from_stdin: bool, user: Option<&str>) -> Result<Secret, Error> {
    if user.is_none_or(str::is_empty) {
        return Err(Error::usage("--grant password needs -u USER"));
    }
    if from_stdin {
        return first_line(std::io::stdin().lock(), "--password-stdin");
    }
    if let Some(p) = env_secret(PASSWORD_ENV)? {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::usage(format!(
            "no password: pipe it with --password-stdin, set {PASSWORD_ENV}, or run in a terminal to be prompted"
        )));
    }
    let typed = rpassword::prompt_password(format!(
        "Password for {}: ",
        sanitize::escape(user.unwrap_or(""))
    ))
    .map_err(|e| Error::io("reading the password from the terminal", e))?;
    if typed.is_empty() {
        return Err(Error::usage("no password typed"));
    }
    Ok(Secret::new(typed))
}

/// The first line of `reader`, without its line ending; an empty one is an error.
pub fn first_line(reader: impl BufRead, flag: &str) -> Result<Secret, Error> {
    let mut line = String::new();
    reader
        .take(64 * 1024)
        .read_line(&mut line)
        .map_err(|e| Error::io(format!("{flag}: reading standard input"), e))?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        return Err(Error::usage(format!(
            "{flag}: standard input held nothing (an empty first line)"
        )));
    }
    Ok(Secret::new(line))
}

/// RFC 7009: ask the issuer to revoke `token`; whether it has a revocation endpoint.
pub fn revoke(
    http: &Http,
    issuer: &Issuer,
    client: &Client,
    token: &Secret,
    hint: &str,
) -> Result<bool, Error> {
    let Some(endpoint) = &issuer.revocation_endpoint else {
        return Ok(false);
    };
    let fields = vec![
        ("token".to_owned(), token.clone()),
        ("token_type_hint".to_owned(), Secret::new(hint)),
    ];
    match client.post(http, endpoint, &issuer.token_endpoint, fields)? {
        Outcome::Ok { .. } => Ok(true),
        Outcome::Refused(r) => Err(Error::Network(r.message)),
    }
}

/// RFC 7662: the issuer's answer about `token`.
pub fn introspect(
    http: &Http,
    issuer: &Issuer,
    client: &Client,
    token: &Secret,
) -> Result<Value, Error> {
    let endpoint = issuer.endpoint(&issuer.introspection_endpoint, "introspection_endpoint")?;
    let fields = vec![("token".to_owned(), token.clone())];
    match client.post(http, endpoint, &issuer.token_endpoint, fields)? {
        Outcome::Ok { body, .. } => serde_json::from_str(&body)
            .map_err(|e| Error::Network(format!("{endpoint}: the answer is not JSON ({e})"))),
        Outcome::Refused(r) => Err(Error::Network(r.message)),
    }
}

/// The issuer's userinfo for an access token: the answer's text.
pub fn userinfo(http: &Http, issuer: &Issuer, token: &Secret) -> Result<String, Error> {
    let endpoint = issuer.endpoint(&issuer.userinfo_endpoint, "userinfo_endpoint")?;
    let resp = http.get_bearer(endpoint, token)?;
    let text = super::client::redact(
        &String::from_utf8_lossy(&resp.body),
        std::slice::from_ref(token),
    );
    if !resp.is_success() {
        let said = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| {
                let e = v.get("error")?.as_str()?.to_owned();
                let d = v.get("error_description").and_then(Value::as_str);
                Some(match d {
                    Some(d) => format!(
                        "{}: {}",
                        crate::net::login::excerpt(&e),
                        crate::net::login::excerpt(d)
                    ),
                    None => crate::net::login::excerpt(&e),
                })
            })
            .unwrap_or_else(|| crate::net::login::excerpt(&text));
        return Err(Error::Network(format!(
            "{endpoint}: the issuer refused the token (HTTP {}): {said}",
            resp.status
        )));
    }
    Ok(text)
}
