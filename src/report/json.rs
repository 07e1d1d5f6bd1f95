//! The `--json` schema of the contract: one object per token, one line each.
//!
//! The line is written by hand into a reused buffer: the schema's keys are
//! literals, clean strings (the rule in tokens) are copied in one piece after
//! one branch-free check, and only a string holding a byte that needs care
//! goes character by character. The bytes are exactly what serde_json with
//! `SafeFormatter` writes (the `reference` module below, compared in tests):
//! compact JSON that escapes, beyond serde_json's C0 controls, DEL, C1
//! controls, bidi and zero-width characters as `\uXXXX`, so JSON Lines shown
//! on a terminal cannot drive it either. The data is unchanged.

use serde_json::{Map, Number, Value};

use crate::meaning::findings::Finding;
use crate::meaning::inspect::Inspection;
use crate::meaning::time;
use crate::sanitize;

/// Append one inspection, as a JSON line ending in a newline, to `out`.
pub fn write_line(out: &mut Vec<u8>, i: &Inspection) {
    let s = &i.summary;
    let signature = [
        ("alg", Field::OptStr(i.decoded.alg())),
        (
            "bytes",
            Field::Int(i.decoded.signature_len.map(|n| n as i64)),
        ),
        (
            "verified",
            Field::Bool(i.verification.as_ref().map(|v| v.verified)),
        ),
    ];
    let summary = [
        ("username", Field::OptStr(s.username.as_deref())),
        ("username_claim", Field::OptStr(s.username_claim)),
        ("roles", Field::Strings(&s.roles)),
        ("scopes", Field::Strings(&s.scopes)),
        ("token_type", Field::OptStr(s.token_type.as_deref())),
        ("issuer", Field::OptStr(s.issuer.as_deref())),
        ("client", Field::OptStr(s.client.as_deref())),
        ("audience", Field::Strings(&s.audience)),
        ("subject", Field::OptStr(s.subject.as_deref())),
        ("id", Field::OptStr(s.id.as_deref())),
        ("issued_at", Field::Time(i.times.issued_at)),
        ("not_before", Field::Time(i.times.not_before)),
        ("expires_at", Field::Time(i.times.expires_at)),
        ("expires_in", Field::Int(i.expires_in)),
        ("lifetime", Field::Int(i.lifetime)),
        ("status", Field::OptStr(Some(i.status.as_str()))),
    ];
    let jwe = i.jwe.as_ref().map(|l| {
        [
            ("header", Field::Object(l.header.as_ref())),
            ("decrypted", Field::Bool(Some(l.decrypted))),
        ]
    });
    let head = [
        ("source", Field::OptStr(Some(i.source))),
        ("field", Field::OptStr(i.field)),
        ("ok", Field::Bool(Some(!i.failed()))),
        ("checked", Field::Bool(Some(i.checked))),
        ("token", Field::OptStr(Some(i.token))),
    ];
    // A JWE's outer layer, after the token it describes.
    let jwe = jwe.as_ref().map(|members| ("jwe", Field::Fields(members)));
    let tail = [
        ("header", Field::Object(i.header())),
        (
            "payload",
            match &i.decoded.payload_text {
                Some(text) => Field::Verbatim(text),
                None => Field::Object(i.payload()),
            },
        ),
        ("signature", Field::Fields(&signature)),
        ("summary", Field::Fields(&summary)),
        ("findings", Field::Findings(&i.findings)),
    ];
    let members = head.iter().chain(jwe.iter()).chain(tail.iter());
    object_of(out, members.map(|(n, f)| (*n, f)), name, field);
    out.push(b'\n');
}

/// A JSON value, compact, escaped as the `--json` lines are.
pub fn compact(v: &Value) -> String {
    let mut out = Vec::new();
    value(&mut out, v);
    String::from_utf8(out).unwrap_or_default()
}

/// A member's value in the schema.
enum Field<'a> {
    OptStr(Option<&'a str>),
    Int(Option<i64>),
    Bool(Option<bool>),
    /// An RFC 3339 UTC time.
    Time(Option<i64>),
    Strings(&'a [String]),
    Object(Option<&'a Map<String, Value>>),
    Fields(&'a [(&'static str, Field<'a>)]),
    Findings(&'a [Finding]),
    /// JSON text that is already exactly what `Object` would write
    /// (`jsonparse::Parsed::is_compact`).
    Verbatim(&'a str),
}

/// `{"name":value,...}`
fn fields(out: &mut Vec<u8>, members: &[(&str, Field)]) {
    object_of(out, members.iter().map(|(name, f)| (*name, f)), name, field);
}

/// One of the schema's own member names: plain ASCII, written as it is.
fn name(out: &mut Vec<u8>, name: &str) {
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.push(b'"');
}

fn field(out: &mut Vec<u8>, field: &Field) {
    match field {
        Field::OptStr(s) => opt_string(out, *s),
        Field::Int(n) => opt_int(out, *n),
        Field::Bool(None) => out.extend_from_slice(b"null"),
        Field::Bool(Some(b)) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Field::Time(secs) => opt_time(out, *secs),
        Field::Strings(items) => array(out, *items, |out, s| string(out, s)),
        Field::Object(None) => out.extend_from_slice(b"null"),
        Field::Object(Some(map)) => object(out, map),
        Field::Fields(members) => fields(out, members),
        Field::Verbatim(text) => out.extend_from_slice(text.as_bytes()),
        Field::Findings(findings) => array(out, *findings, |out, f| {
            let members = [
                ("severity", Field::OptStr(Some(f.severity.as_str()))),
                ("code", Field::OptStr(Some(f.code))),
                ("message", Field::OptStr(Some(&f.message))),
            ];
            fields(out, &members)
        }),
    }
}

/// `{"key":value,...}`, each key written by `key`, each value by `each`.
fn object_of<'k, T>(
    out: &mut Vec<u8>,
    members: impl IntoIterator<Item = (&'k str, T)>,
    key: fn(&mut Vec<u8>, &str),
    mut each: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'{');
    for (n, (k, v)) in members.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        key(out, k);
        out.push(b':');
        each(out, v);
    }
    out.push(b'}');
}

fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn opt_int(out: &mut Vec<u8>, n: Option<i64>) {
    match n {
        Some(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
}

/// An RFC 3339 UTC time, or null when the date is out of range.
fn opt_time(out: &mut Vec<u8>, secs: Option<i64>) {
    match secs.and_then(time::Rfc3339::new) {
        Some(t) => {
            out.push(b'"');
            out.extend_from_slice(t.as_str().as_bytes());
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// `[a,b,...]`, each item written by `each`.
fn array<T>(
    out: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'[');
    for (n, item) in items.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

fn object(out: &mut Vec<u8>, map: &Map<String, Value>) {
    object_of(out, map.iter().map(|(k, v)| (k.as_str(), v)), string, value);
}

fn value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => number(out, n),
        Value::String(s) => string(out, s),
        Value::Array(items) => array(out, items, value),
        Value::Object(map) => object(out, map),
    }
}

/// A number's text as the token held it. With `arbitrary_precision` a
/// `Number` is that text (serde_json's scanner lower-cases `E` and writes an
/// exponent's `+`), and serde_json serializes it verbatim: so does this,
/// without parsing it again (`-0` stays `-0`, 2^64 keeps its digits).
fn number(out: &mut Vec<u8>, n: &Number) {
    out.extend_from_slice(n.as_str().as_bytes());
}

/// A mask of the bytes of `w` (little-endian: the first byte is the lowest)
/// that serde_json escapes (C0, `"`, `\\`) or that may begin a character
/// SafeFormatter escapes (DEL, any non-ASCII byte), in their high bits. Eight
/// bytes at a time (SWAR): a borrow or carry only runs upwards, so the lowest
/// bit set is exactly the first such byte (bits above it may be stray).
fn care(w: u64) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero_at = |x: u64| x.wrapping_sub(ONES) & !x;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    let del_or_above = w.wrapping_add(ONES) | w;
    let quote = zero_at(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_at(w ^ (ONES * u64::from(b'\\')));
    (below_space | del_or_above | quote | backslash) & HIGH
}

/// The index of the first byte of `bytes` that `care` names, if any.
fn first_care(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let hit = care(u64::from_le_bytes(w));
        if hit != 0 {
            return Some(at + hit.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    // The tail (fewer than eight bytes), padded with spaces.
    let rest = chunks.remainder();
    let mut w = [b' '; 8];
    w[..rest.len()].copy_from_slice(rest);
    let hit = care(u64::from_le_bytes(w));
    (hit != 0).then(|| at + hit.trailing_zeros() as usize / 8)
}

/// A JSON string. Clean text is the rule: one check, then one copy.
fn string(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    match first_care(s.as_bytes()) {
        Some(at) => escaped(out, s, at),
        None => out.extend_from_slice(s.as_bytes()),
    }
    out.push(b'"');
}

/// serde_json's escapes (`\"` `\\` `\b` `\f` `\n` `\r` `\t`, other C0 as
/// `\u00XX`), and SafeFormatter's `\uXXXX` (UTF-16 units) for the other
/// characters `sanitize::is_hostile` names. `at` is the first byte that needs
/// care; the text between such bytes is copied in one piece.
fn escaped(out: &mut Vec<u8>, s: &str, mut at: usize) {
    let bytes = s.as_bytes();
    let mut run = 0;
    // `at` is always a character boundary: it moves by whole characters, or
    // over bytes `care` passes (printable ASCII) to a byte it names, and a
    // UTF-8 continuation byte is only ever reached after its lead byte.
    while let Some(c) = s.get(at..).and_then(|rest| rest.chars().next()) {
        let next = at + c.len_utf8();
        let short: Option<&[u8]> = match c {
            '"' => Some(b"\\\""),
            '\\' => Some(b"\\\\"),
            '\u{8}' => Some(b"\\b"),
            '\u{c}' => Some(b"\\f"),
            '\n' => Some(b"\\n"),
            '\r' => Some(b"\\r"),
            '\t' => Some(b"\\t"),
            c if sanitize::is_hostile(c) => Some(b""),
            _ => None,
        };
        if let Some(short) = short {
            out.extend_from_slice(&bytes[run..at]);
            run = next;
            if short.is_empty() {
                for unit in c.encode_utf16(&mut [0u16; 2]) {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(b"\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(HEX[usize::from(*unit >> shift & 0xf)]);
                    }
                }
            } else {
                out.extend_from_slice(short);
            }
        }
        match first_care(&bytes[next..]) {
            Some(n) => at = next + n,
            None => break,
        }
    }
    out.extend_from_slice(&bytes[run..]);
}

/// The schema as serde structs written with serde_json and SafeFormatter: the
/// reference the hand-written line must match byte for byte.
#[cfg(test)]
mod reference {
    use std::io::{self, Write};

    use serde::Serialize;
    use serde_json::{Map, Value};

    use crate::meaning::findings::Finding;
    use crate::meaning::inspect::Inspection;
    use crate::meaning::time;

    #[derive(Serialize)]
    struct Line<'a> {
        source: &'a str,
        field: Option<&'a str>,
        ok: bool,
        checked: bool,
        token: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        jwe: Option<Jwe<'a>>,
        header: Option<&'a Map<String, Value>>,
        payload: Option<&'a Map<String, Value>>,
        signature: Signature<'a>,
        summary: Summary<'a>,
        findings: &'a [Finding],
    }

    #[derive(Serialize)]
    struct Jwe<'a> {
        header: Option<&'a Map<String, Value>>,
        decrypted: bool,
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

    /// Write one inspection as a JSON line, the serde way.
    pub fn write<W: Write>(out: &mut W, i: &Inspection) -> io::Result<()> {
        let s = &i.summary;
        let line = Line {
            source: i.source,
            field: i.field,
            ok: !i.failed(),
            checked: i.checked,
            token: i.token,
            jwe: i.jwe.as_ref().map(|l| Jwe {
                header: l.header.as_ref(),
                decrypted: l.decrypted,
            }),
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
    pub(super) struct SafeFormatter;

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meaning::inspect::{self, Checks};
    use crate::meaning::time::Clock;
    use crate::token::decode;
    use base64::Engine;
    use serde::Serialize;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn escapes_c1_and_bidi_but_keeps_text() {
        let v = serde_json::json!({"k": "a\u{202e}b\u{9b}c é \u{1b}\u{7f}\u{e0041}\"\\\u{8}\u{c}\n\r\t\u{1}"});
        let mut out = Vec::new();
        value(&mut out, &v);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            r#"{"k":"a\u202eb\u009bc é \u001b\u007f\udb40\udc41\"\\\b\f\n\r\t\u0001"}"#
        );
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
        let mut serde = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut serde, reference::SafeFormatter);
        v.serialize(&mut ser).unwrap();
        assert_eq!(String::from_utf8(serde).unwrap(), text);
    }

    #[test]
    fn first_care_finds_the_first_byte_that_needs_it() {
        for b in 0..=255u8 {
            let care = !(0x20..0x7f).contains(&b) || b == b'"' || b == b'\\';
            for len in [1, 7, 8, 9, 17] {
                for at in 0..len {
                    let mut text = vec![b'a'; len];
                    text[at] = b;
                    assert_eq!(
                        first_care(&text),
                        care.then_some(at),
                        "{b:#x} at {at} of {len}"
                    );
                    // Another byte that needs care after it changes nothing;
                    // one before it is the answer.
                    for (other, want) in [(at + 1, at), (at.wrapping_sub(1), at.wrapping_sub(1))] {
                        if other < len {
                            text[other] = 0xff;
                            let want = if care || other < at {
                                Some(want)
                            } else {
                                Some(other)
                            };
                            assert_eq!(
                                first_care(&text),
                                want,
                                "{b:#x} at {at} of {len}, 0xff at {other}"
                            );
                            text[other] = b'a';
                        }
                    }
                }
            }
        }
        assert_eq!(first_care(b""), None);
    }

    /// Every string is written exactly as serde_json with SafeFormatter writes it.
    fn by_serde(s: &str) -> String {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, reference::SafeFormatter);
        s.serialize(&mut ser).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Any JSON value: strings from a set that has what the writer escapes
    /// (quote, backslash, controls, non-ASCII) and what it does not; numbers
    /// of every form serde_json keeps (exponents, -0, past 64 bits).
    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let text = "[a-z0-9 ,:{}\\[\\]\"\\\\/\u{1}\u{7f}é]{0,6}";
        let number = prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            Just("-0".to_owned()),
            Just("18446744073709551617".to_owned()),
            (any::<i32>(), 0u32..1000).prop_map(|(i, f)| format!("{i}.{f}")),
            (any::<i16>(), any::<i8>()).prop_map(|(m, e)| format!("{m}e{e}")),
            (any::<i16>(), any::<i8>()).prop_map(|(m, e)| format!("{m}.5E+{}", e.unsigned_abs())),
        ]
        .prop_map(|n| serde_json::from_str::<Value>(&n).unwrap());
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            number,
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((text, inner), 0..6)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Claims whose text the decoder keeps for copying through
        /// (`Parsed::is_compact`) are exactly what the writer makes of them,
        /// whatever the text's layout; and serde_json's own compact text of
        /// plain values is kept, so the fast path is taken.
        #[test]
        fn compact_claims_are_what_the_writer_writes(
            value in any_json(),
            layout in 0..3,
        ) {
            let object = Value::Object([("v".to_owned(), value)].into_iter().collect());
            let text = match layout {
                0 => serde_json::to_string(&object).unwrap(),
                1 => serde_json::to_string_pretty(&object).unwrap(),
                _ => serde_json::to_string(&object).unwrap().replace(",\"", ", \""),
            };
            let parsed = crate::token::jsonparse::parse(text.as_bytes(), "").unwrap();
            let compact_text = parsed.is_compact(text.as_bytes());
            let written = compact(&parsed.value);
            if compact_text {
                proptest::prop_assert_eq!(&written, &text);
            }
            let plain = text.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'\\')
                && !text.contains('e') && !text.contains('E');
            if layout == 0 && plain {
                proptest::prop_assert!(compact_text, "{}", text);
            }
        }

        #[test]
        fn strings_match_serde(s in "(\\PC|[\\x00-\\x1f\\x7f-\\u{a0}\"\\\\\u{ad}\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2028}\u{feff}\u{e0041}é日😀]){0,40}") {
            let mut fast = Vec::new();
            string(&mut fast, &s);
            proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), by_serde(&s));
        }
    }

    /// A verifier with a fixed answer.
    struct Fixed(bool);

    impl inspect::Verifier for Fixed {
        fn verify(&self, _: &str, _: &decode::Decoded) -> inspect::Verification {
            inspect::Verification {
                verified: self.0,
                detail: "key \"k\"".into(),
                findings: vec![],
            }
        }
    }

    #[test]
    fn the_line_matches_serde_byte_for_byte() {
        let checks = Checks {
            clock: Clock { now: 1_631_406_200 },
            leeway: 0,
            require_roles: vec!["ROLE_ADMIN".into()],
            require_scopes: vec![],
            issuer: Some("https://issuer".into()),
            audience: Some("a".into()),
        };
        let payloads = [
            r#"{"user_name":"campjo","scope":["browse"],"exp":1623351943,"authorities":["ROLE_USER"],"jti":"5f1d","client_id":"c"}"#,
            r#"{"sub":"e\u202evil \u001b]52;c;x\u0007","iat":1631406100.5,"nbf":-5,"exp":18446744073709551615,"aud":["a","b"],"n":-0.0,"z":-0,"e":1E2,"big":18446744073709551617,"neg":-9223372036854775809,"f":1e300,"x":[null,true,false,{"":{}}],"é":"ü 日本"}"#,
            r#"{"exp":"soon","iat":253402300800,"iss":7}"#,
            "[1,2]",
        ];
        for (n, payload) in payloads.iter().enumerate() {
            let token = format!(
                "{}.{}.c2ln",
                b64(r#"{"alg":"HS256","typ":"JWT"}"#),
                b64(payload)
            );
            let field = (n % 2 == 0).then_some("access_token");
            let verifier = Fixed(n % 3 == 1);
            let i = inspect::inspect_decoded(
                "f:\u{1b}1",
                field,
                &token,
                decode::decode(&token),
                &checks,
                (n % 3 != 0).then_some(&verifier as &dyn inspect::Verifier),
            );
            let mut fast = Vec::new();
            write_line(&mut fast, &i);
            let mut serde = Vec::new();
            reference::write(&mut serde, &i).unwrap();
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(serde).unwrap()
            );
        }
    }
}
