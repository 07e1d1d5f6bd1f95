//! `--jwks-url` and `--discover`: key sets fetched from the issuer, once.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::net::http::Http;
use crate::token::decode::quote;
use crate::verify::keys::{jwks, KeySet};

/// GET a JSON object; anything short of one is a failed download (exit 3).
fn get_object(http: &Http, url: &str, what: &str) -> Result<Map<String, Value>, Error> {
    let resp = http.get(url).map_err(|e| match e {
        Error::Network(m) => Error::Network(format!("fetching {what}: {m}")),
        other => other,
    })?;
    if !resp.is_success() {
        return Err(Error::Network(format!(
            "fetching {what}: {url} answered HTTP {}",
            resp.status
        )));
    }
    match serde_json::from_slice::<Value>(&resp.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::Network(format!(
            "fetching {what}: {url} answered JSON that is not an object"
        ))),
        Err(e) => Err(Error::Network(format!(
            "fetching {what}: {url} did not answer JSON ({e}): {}",
            quote(&resp.body)
        ))),
    }
}

/// `--jwks-url URL`: fetched once.
pub(crate) fn fetch_jwks(http: &Http, url: &str) -> Result<KeySet, Error> {
    let map = get_object(http, url, "the JWKS")?;
    let Some(keys) = map.get("keys") else {
        return Err(Error::Network(format!(
            "fetching the JWKS: {url} answered JSON without \"keys\"; not a JWKS"
        )));
    };
    jwks(keys, url).map_err(|why| Error::Network(format!("fetching the JWKS: {url}: {why}")))
}

/// Where OpenID discovery looks for ISSUER's configuration
/// (OpenID Connect Discovery 1.0 §4: a trailing `/` is removed before appending).
pub(crate) fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// `--discover ISSUER`: its configuration must name ISSUER exactly; its
/// `jwks_uri` gives the keys. A document for another issuer refuses the keys.
pub(crate) fn discover(http: &Http, issuer: &str) -> Result<KeySet, Error> {
    let url = discovery_url(issuer);
    let doc = get_object(http, &url, "the OpenID configuration")?;
    let refuse = |why: String| KeySet {
        origin: url.clone(),
        refused: Some(why),
        ..KeySet::default()
    };
    match doc.get("issuer") {
        Some(Value::String(s)) if s == issuer => {}
        Some(Value::String(s)) => {
            return Ok(refuse(format!(
                "the OpenID configuration at {url} is for issuer {}, not {} as given to \
                 --discover (issuers must match exactly, trailing slash included): its keys are \
                 not used",
                quote(s.as_bytes()),
                quote(issuer.as_bytes())
            )))
        }
        _ => {
            return Ok(refuse(format!(
                "the OpenID configuration at {url} names no issuer: its keys are not used"
            )))
        }
    }
    let Some(Value::String(jwks_uri)) = doc.get("jwks_uri") else {
        return Err(Error::Network(format!(
            "fetching the OpenID configuration: {url} has no jwks_uri"
        )));
    };
    // The server's document is at fault when its jwks_uri is no absolute
    // http(s) URL (a file, a relative path): a download failure, exit 3.
    // Schemes are case-insensitive (`HTTPS://` is https).
    let scheme = reqwest::Url::parse(jwks_uri)
        .ok()
        .map(|u| u.scheme().to_owned())
        .filter(|s| s == "https" || s == "http");
    let Some(scheme) = scheme else {
        return Err(Error::Network(format!(
            "fetching the OpenID configuration: {url} gives jwks_uri {}, which is not an absolute https URL",
            quote(jwks_uri.as_bytes())
        )));
    };
    let issuer_https = reqwest::Url::parse(issuer).is_ok_and(|u| u.scheme() == "https");
    if issuer_https && scheme != "https" {
        return Ok(refuse(format!(
            "the OpenID configuration at {url} gives jwks_uri {}, which is not https: \
             keys for an https issuer are not fetched without TLS",
            quote(jwks_uri.as_bytes())
        )));
    }
    let mut set = fetch_jwks(http, jwks_uri)?;
    set.origin = format!("{jwks_uri} (issuer {issuer})");
    for key in &mut set.keys {
        key.label = format!("{} (issuer {issuer})", key.label);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_url_drops_one_or_more_trailing_slashes() {
        assert_eq!(
            discovery_url("https://idp.example/realms/x/"),
            "https://idp.example/realms/x/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_url("https://idp.example"),
            "https://idp.example/.well-known/openid-configuration"
        );
    }
}
