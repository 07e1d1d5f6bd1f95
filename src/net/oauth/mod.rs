//! OAuth 2.0 and OpenID Connect: discovery, every standard grant, client
//! authentication, id_token verification, saved profiles and the token cache.
//! Nothing here prints a report: the answers go back to the app as text for
//! the inspection pipeline. Secrets (client secret, password, refresh token,
//! authorization code) stay inside `Secret` and are blanked out of anything
//! a server writes back before it is quoted.

pub mod client;
pub mod discovery;
pub mod grants;
pub mod helper;
pub mod idtoken;
pub mod interactive;
pub mod profile;
pub mod session;

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// A token endpoint's successful answer.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// Where it came from (the token endpoint): the report's `source`.
    pub label: String,
    /// The answer's body as received.
    pub body: String,
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<crate::secret::Secret>,
    /// `expires_in` of the answer, in seconds.
    pub expires_in: Option<i64>,
    /// The nonce sent with an interactive grant, which the id_token must carry.
    pub nonce: Option<String>,
}

impl TokenSet {
    /// Read a token endpoint's JSON answer.
    pub fn from_answer(label: &str, body: &str) -> Option<TokenSet> {
        let value: Value = serde_json::from_str(body).ok()?;
        let text = |k: &str| {
            value
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Some(TokenSet {
            label: label.to_owned(),
            body: body.trim().to_owned(),
            access_token: text("access_token")?,
            id_token: text("id_token"),
            refresh_token: text("refresh_token").map(crate::secret::Secret::new),
            expires_in: value.get("expires_in").and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            }),
            nonce: None,
        })
    }
}

/// Text a token may be (RFC 6749 A.12 and A.17: `1*VSCHAR`, %x20-7E).
pub fn is_token_text(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// Seconds since the epoch, now.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Random bytes as base64url text (state, nonce, PKCE verifier, jti).
pub fn random_text(bytes: usize) -> Result<String, crate::error::Error> {
    use aws_lc_rs::rand::{SecureRandom, SystemRandom};
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buf).map_err(|_| {
        crate::error::Error::Network("the system random number generator failed".to_owned())
    })?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// A line for the user on stderr (prompts, progress): never a token or secret.
pub fn say(text: &str) {
    crate::messages::note(text);
}

/// A warning on stderr.
pub fn warn(text: &str) {
    crate::messages::warning(text);
}
