//! The client: who asks (client id), how it proves it (RFC 6749 §2.3,
//! RFC 7523 `private_key_jwt`), and the one POST every endpoint takes.
//! A refusal quotes the issuer's `error` and `error_description`, with every
//! secret of the request blanked out first.

use std::path::Path;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};

use crate::config::ClientAuth;
use crate::error::Error;
use crate::net::http::{self, Body, Http, Response};
use crate::net::login::excerpt;
use crate::secret::Secret;
use crate::sign::key::{self, SigningKey};
use crate::verify::signature::Alg;

/// A private key that signs client assertions (any private key form `sign` reads).
#[derive(Debug)]
pub struct ClientKey {
    key: SigningKey,
    alg: Alg,
}

impl ClientKey {
    /// `--client-key FILE`: a private PEM (PKCS#8, PKCS#1, SEC1) or JWK; the
    /// algorithm is the JWK's `alg`, else the key's own (RS256, ES256, ...).
    pub fn load(path: &Path) -> Result<ClientKey, Error> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("reading --client-key {shown}"), e))?;
        let key = key::from_bytes(&bytes, &shown, None)
            .map_err(|why| Error::usage(format!("--client-key {shown}: {why}")))?;
        let alg = match key.jwk_alg.as_deref().and_then(Alg::parse) {
            Some(alg) => alg,
            None => key.default_alg(),
        };
        if alg.name().starts_with("HS") {
            return Err(Error::usage(format!(
                "--client-key {shown}: an HMAC secret; private_key_jwt needs the client's private key"
            )));
        }
        key.fits(alg)
            .map_err(|why| Error::usage(format!("--client-key {shown}: {why}")))?;
        Ok(ClientKey { key, alg })
    }

    /// An RFC 7523 client assertion: iss = sub = client id, aud the token
    /// endpoint, a fresh jti, valid for five minutes.
    fn assertion(&self, client_id: &str, audience: &str) -> Result<Secret, Error> {
        let now = super::unix_now();
        let header = json!({"alg": self.alg.name(), "typ": "JWT"});
        let claims = json!({
            "iss": client_id,
            "sub": client_id,
            "aud": audience,
            "jti": super::random_text(16)?,
            "iat": now,
            "exp": now + 300,
        });
        let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let input = format!("{}.{}", b64(&header), b64(&claims));
        let signature = self.key.sign(self.alg, input.as_bytes())?;
        Ok(Secret::new(format!("{input}.{signature}")))
    }
}

/// The OAuth client.
#[derive(Debug)]
pub struct Client {
    pub id: String,
    pub auth: ClientAuth,
    pub secret: Option<Secret>,
    pub key: Option<ClientKey>,
}

/// Form fields and an `Authorization` header value that authenticate a client.
type Credentials = (Vec<(String, Secret)>, Option<Secret>);

/// Request fields whose values are blanked out of anything a server answers.
const SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "password",
    "refresh_token",
    "code",
    "code_verifier",
    "device_code",
    "subject_token",
    "token",
];

/// What an endpoint answered: JSON, or the error it named.
#[derive(Debug)]
pub enum Outcome {
    Ok { label: String, body: String },
    Refused(Refusal),
}

/// An OAuth error answer (RFC 6749 §5.2).
#[derive(Debug, Clone)]
pub struct Refusal {
    pub error: String,
    /// The whole message, secrets blanked, ready for an exit-3 line.
    pub message: String,
}

impl Client {
    /// The form fields and header that authenticate this client at `endpoint`.
    fn credentials(&self, token_endpoint: &str) -> Result<Credentials, Error> {
        let id = || ("client_id".to_owned(), Secret::new(self.id.clone()));
        match self.auth {
            ClientAuth::None => Ok((vec![id()], None)),
            ClientAuth::Basic => {
                let secret = self.secret()?;
                // RFC 6749 §2.3.1: both parts form-urlencoded before joining.
                let pair = format!("{}:{}", form_encode(&self.id), form_encode(secret.expose()));
                let header = format!("Basic {}", STANDARD.encode(pair));
                Ok((Vec::new(), Some(Secret::new(header))))
            }
            ClientAuth::Post => Ok((
                vec![id(), ("client_secret".to_owned(), self.secret()?.clone())],
                None,
            )),
            ClientAuth::PrivateKeyJwt => {
                let Some(key) = &self.key else {
                    return Err(Error::usage(
                        "--client-auth private_key_jwt needs --client-key FILE (the client's private key)",
                    ));
                };
                Ok((
                    vec![
                        id(),
                        (
                            "client_assertion_type".to_owned(),
                            Secret::new("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                        ),
                        (
                            "client_assertion".to_owned(),
                            key.assertion(&self.id, token_endpoint)?,
                        ),
                    ],
                    None,
                ))
            }
        }
    }

    fn secret(&self) -> Result<&Secret, Error> {
        self.secret.as_ref().ok_or_else(|| {
            Error::usage(format!(
                "--client-auth {} needs the client secret: pipe it with --client-secret-stdin \
                 or set JWTINSPECT_CLIENT_SECRET (never on the command line)",
                self.auth.name()
            ))
        })
    }

    /// POST `fields` to `url`, authenticated as this client (assertions
    /// addressed to `token_endpoint`). An OAuth error answer is a `Refusal`.
    pub fn post(
        &self,
        http: &Http,
        url: &str,
        token_endpoint: &str,
        fields: Vec<(String, Secret)>,
    ) -> Result<Outcome, Error> {
        let (mut form, header) = self.credentials(token_endpoint)?;
        form.extend(fields);
        let mut secrets: Vec<Secret> = form
            .iter()
            .filter(|(k, _)| SECRET_FIELDS.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
            .collect();
        secrets.extend(self.secret.clone());
        let response = http.post_authorized(url, &Body::Form(form), header.as_ref())?;
        judge(url, &response, &secrets)
    }
}

/// Read an endpoint's answer: 2xx JSON is the answer, an `error` member a refusal.
pub fn judge(url: &str, response: &Response, secrets: &[Secret]) -> Result<Outcome, Error> {
    let shown = http::display_url(url);
    let text = redact(&String::from_utf8_lossy(&response.body), secrets);
    let json: Option<Value> = serde_json::from_str(&text).ok();
    let error = json
        .as_ref()
        .and_then(|j| j.get("error"))
        .and_then(Value::as_str);
    if let Some(error) = error.filter(|_| !response.is_success()) {
        let description = json
            .as_ref()
            .and_then(|j| j.get("error_description"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut message = format!(
            "{shown}: the issuer refused (HTTP {}): {}",
            response.status,
            excerpt(error)
        );
        if let Some(d) = &description {
            message.push_str(&format!(": {}", excerpt(d)));
        }
        return Ok(Outcome::Refused(Refusal {
            error: error.to_owned(),
            message,
        }));
    }
    if !response.is_success() {
        return Err(Error::Network(format!(
            "{shown}: HTTP {}: {}",
            response.status,
            excerpt(&text)
        )));
    }
    // Revocation (RFC 7009 §2.2) answers 200 with an empty body.
    if json.is_none() && !text.trim().is_empty() {
        return Err(Error::Network(format!(
            "{shown}: the answer is not JSON: {}",
            excerpt(&text)
        )));
    }
    Ok(Outcome::Ok {
        label: http::display_url(&response.url),
        body: text,
    })
}

/// `text` with every non-trivial secret replaced by `***`.
pub fn redact(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_owned();
    for s in secrets {
        if s.expose().len() >= 4 {
            out = out.replace(s.expose(), "***");
        }
    }
    out
}

/// application/x-www-form-urlencoded encoding of one value.
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_encoded_first() {
        assert_eq!(form_encode("a b:c/é"), "a+b%3Ac%2F%C3%A9");
    }

    #[test]
    fn secrets_are_blanked_out_of_server_text() {
        let s = [Secret::new("hunter22"), Secret::new("ab")];
        assert_eq!(redact("bad hunter22 ab", &s), "bad *** ab");
    }
}
