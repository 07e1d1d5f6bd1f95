//! OpenID discovery (OpenID Connect Discovery 1.0 §4): the issuer's
//! endpoints, from a document whose `issuer` must equal the URL given.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::net::http::Http;
use crate::net::jwks;
use crate::sanitize;
use crate::verify::signature::KeyVerifier;

/// An issuer's endpoints, as its discovery document names them.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub issuer: String,
    pub token_endpoint: String,
    pub authorization_endpoint: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
}

impl Issuer {
    /// Fetch ISSUER's discovery document; its `issuer` must equal `issuer` exactly.
    pub fn discover(http: &Http, issuer: &str) -> Result<Issuer, Error> {
        let url = jwks::discovery_url(issuer);
        let resp = http.get(&url)?;
        let fail = |why: String| Error::Network(format!("OpenID discovery: {url}: {why}"));
        if !resp.is_success() {
            return Err(fail(format!(
                "HTTP {}; is {} an OpenID issuer?",
                resp.status,
                sanitize::escape(issuer)
            )));
        }
        let doc: Map<String, Value> = serde_json::from_slice(&resp.body)
            .map_err(|e| fail(format!("not a JSON object ({e})")))?;
        let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
        match text("issuer") {
            Some(named) if named == issuer => {}
            Some(named) => {
                let hint = if named.trim_end_matches('/') == issuer.trim_end_matches('/') {
                    " (they differ only in a trailing slash: give --issuer exactly as the document names it)"
                } else {
                    ""
                };
                return Err(fail(format!(
                    "the document is for issuer {}, not {}; issuers must match exactly{hint}",
                    sanitize::escape(&named),
                    sanitize::escape(issuer)
                )));
            }
            None => return Err(fail("the document names no issuer".to_owned())),
        }
        let Some(token_endpoint) = text("token_endpoint") else {
            return Err(fail("the document has no token_endpoint".to_owned()));
        };
        Ok(Issuer {
            issuer: issuer.to_owned(),
            token_endpoint,
            authorization_endpoint: text("authorization_endpoint"),
            device_authorization_endpoint: text("device_authorization_endpoint"),
            jwks_uri: text("jwks_uri"),
            userinfo_endpoint: text("userinfo_endpoint"),
            introspection_endpoint: text("introspection_endpoint"),
            revocation_endpoint: text("revocation_endpoint"),
            scopes_supported: doc
                .get("scopes_supported")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// An endpoint the document must name for what is asked.
    pub fn endpoint<'a>(&self, value: &'a Option<String>, name: &str) -> Result<&'a str, Error> {
        value.as_deref().ok_or_else(|| {
            Error::Network(format!(
                "{}: its discovery document names no {name}",
                sanitize::escape(&self.issuer)
            ))
        })
    }

    /// A verifier with the issuer's published keys.
    pub fn verifier(&self, http: &Http) -> Result<KeyVerifier, Error> {
        let jwks_uri = self.endpoint(&self.jwks_uri, "jwks_uri")?;
        Ok(KeyVerifier::new(
            jwks::fetch_jwks(http, jwks_uri)?,
            Vec::new(),
        ))
    }
}
