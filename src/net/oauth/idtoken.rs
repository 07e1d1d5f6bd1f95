//! The id_token check (OpenID Connect Core §3.1.3.7): signature by the
//! issuer's keys, `iss`, `aud` containing the client id, `nonce`, `exp`.

use serde_json::Value;

use crate::meaning::inspect::Verifier;
use crate::sanitize;
use crate::token::decode;

/// What is wrong with an id_token; empty when it passes.
pub fn problems(
    token: &str,
    verifier: &dyn Verifier,
    issuer: &str,
    client_id: &str,
    nonce: Option<&str>,
    now: i64,
) -> Vec<String> {
    let mut out = Vec::new();
    let decoded = decode::decode(token);
    let verification = verifier.verify(token, &decoded);
    if !verification.verified {
        out.push(format!(
            "its signature does not verify with the issuer's keys ({})",
            verification.detail
        ));
    }
    let Ok(payload) = &decoded.payload else {
        out.push("its payload does not decode".to_owned());
        return out;
    };
    let text = |k: &str| payload.get(k).and_then(Value::as_str);
    match text("iss") {
        Some(iss) if iss == issuer => {}
        Some(iss) => out.push(format!(
            "iss is {}, not the issuer {}",
            sanitize::escape(iss),
            sanitize::escape(issuer)
        )),
        None => out.push("it has no iss".to_owned()),
    }
    let audience: Vec<&str> = match payload.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audience.contains(&client_id) {
        out.push(format!(
            "aud [{}] does not contain the client id {}",
            sanitize::escape(&audience.join(", ")),
            sanitize::escape(client_id)
        ));
    }
    if let Some(sent) = nonce {
        match text("nonce") {
            Some(n) if n == sent => {}
            Some(_) => out.push(
                "its nonce is not the one this login sent (a replayed or substituted id_token)"
                    .to_owned(),
            ),
            None => out.push("it carries no nonce, though this login sent one".to_owned()),
        }
    }
    match payload.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp > now => {}
        Some(_) => out.push("it has expired".to_owned()),
        None => out.push("it has no exp".to_owned()),
    }
    out
}
