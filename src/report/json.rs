//! The `--json` schema of the contract: one object per token, one line each.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::findings::Finding;
use crate::inspect::Inspection;
use crate::time;

#[derive(Serialize)]
struct Line<'a> {
    source: &'a str,
    field: Option<&'a str>,
    token: &'a str,
    header: Option<&'a Map<String, Value>>,
    payload: Option<&'a Map<String, Value>>,
    signature: Signature<'a>,
    summary: Summary<'a>,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Signature<'a> {
    alg: Option<&'a str>,
    bytes: Option<usize>,
    verified: Option<bool>,
}

#[derive(Serialize)]
struct Summary<'a> {
    username: Option<&'a str>,
    username_claim: Option<&'a str>,
    roles: &'a [String],
    scopes: &'a [String],
    token_type: Option<&'a str>,
    issuer: Option<&'a str>,
    client: Option<&'a str>,
    audience: &'a [String],
    subject: Option<&'a str>,
    id: Option<&'a str>,
    issued_at: Option<String>,
    not_before: Option<String>,
    expires_at: Option<String>,
    expires_in: Option<i64>,
    lifetime: Option<i64>,
    status: &'a str,
}

/// Write one inspection as a JSON line.
pub fn write<W: Write>(out: &mut W, i: &Inspection) -> io::Result<()> {
    let s = &i.summary;
    let line = Line {
        source: i.source,
        field: i.field,
        token: i.token,
        header: i.header(),
        payload: i.payload(),
        signature: Signature {
            alg: i.decoded.alg(),
            bytes: i.decoded.signature_len,
            verified: i.verification.as_ref().map(|v| v.verified),
        },
        summary: Summary {
            username: s.username.as_deref(),
            username_claim: s.username_claim,
            roles: &s.roles,
            scopes: &s.scopes,
            token_type: s.token_type.as_deref(),
            issuer: s.issuer.as_deref(),
            client: s.client.as_deref(),
            audience: &s.audience,
            subject: s.subject.as_deref(),
            id: s.id.as_deref(),
            issued_at: i.times.issued_at.and_then(time::rfc3339),
            not_before: i.times.not_before.and_then(time::rfc3339),
            expires_at: i.times.expires_at.and_then(time::rfc3339),
            expires_in: i.expires_in,
            lifetime: i.lifetime,
            status: i.status.as_str(),
        },
        findings: &i.findings,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, SafeFormatter);
    line.serialize(&mut ser).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Compact JSON that also escapes DEL, C1 controls, bidi and zero-width
/// characters as `\uXXXX` (serde_json escapes only C0), so JSON Lines shown
/// on a terminal cannot drive it either. The data is unchanged.
struct SafeFormatter;

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if fragment.is_ascii() && !fragment.contains('\u{7f}') {
            return w.write_all(fragment.as_bytes());
        }
        let mut last = 0;
        for (idx, c) in fragment.char_indices() {
            if crate::sanitize::is_hostile(c) {
                w.write_all(&fragment.as_bytes()[last..idx])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{:04x}", u)?;
                }
                last = idx + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[last..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_formatter_escapes_c1_and_bidi_but_keeps_text() {
        let v = serde_json::json!({"k": "a\u{202e}b\u{9b}c é \u{1b}"});
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeFormatter);
        v.serialize(&mut ser).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, r#"{"k":"a\u202eb\u009bc é \u001b"}"#);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
