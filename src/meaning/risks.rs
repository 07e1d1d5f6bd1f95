//! What an attacker could do with a token, or what will go wrong with it,
//! read from its header, its claims and its size: each risk a finding with a
//! stable code and a message that says what to do.
//!
//! Every text quoted from the token goes through `sanitize::quoted` (escaped, cut short).

use serde_json::{Map, Value};

use crate::meaning::claims::Claims;
use crate::meaning::findings::{self, Finding};
use crate::meaning::time::{self, Clock, Times};
use crate::sanitize::{self, quoted};
use crate::token;
use crate::token::decode::Decoded;
use crate::token::header::{Crit, CritError, B64};

/// A token longer than this is flagged: many servers reject request headers over 8 KiB.
pub const LARGE_TOKEN: usize = 8 * 1024;
/// A lifetime (`exp` − `iat`) longer than a year is flagged.
pub const LONG_LIFETIME: i64 = 365 * 86_400;
/// A NumericDate from this value up looks like milliseconds: as seconds it is past the year 5000.
pub const MILLIS_FROM: f64 = 1e11;
/// ... and below this one (as milliseconds, the year 5138).
const MILLIS_TO: f64 = 1e14;
/// Names listed in one message; the rest are counted.
const NAMES_SHOWN: usize = 5;

/// What a run judges the token against.
#[derive(Debug, Clone, Copy)]
pub struct Judge {
    pub clock: Clock,
    pub leeway: i64,
}

/// The risk findings for one token, appended to `out`.
pub fn assess(token: &str, decoded: &Decoded, times: &Times, judge: Judge, out: &mut Vec<Finding>) {
    if let Ok(map) = &decoded.header {
        // Most of the names asked for are absent: Claims turns them away unhashed.
        let header = Claims::new(map);
        key_headers(header, out);
        kid(header, out);
        crit(map, out);
        b64(map, out);
        hmac(header, out);
    }
    duplicates(decoded, out);
    if let Ok(claims) = &decoded.payload {
        let in_millis = milliseconds(claims, out);
        timestamps(times, &in_millis, judge, out);
    }
    size(token, out);
}

/// `jku`/`x5u` point at keys, `jwk`/`x5c` carry one: the token's author picks the key.
fn key_headers(header: Claims, out: &mut Vec<Finding>) {
    for name in ["jku", "x5u"] {
        if let Some(v) = header.get(name) {
            out.push(Finding::warning(
                "key-url-header",
                format!(
                    "header {name} names a key URL {}: jwtinspect never fetches or trusts keys named by the token, \
                     and no verifier should (whoever made the token can host the key); verify with a key you choose \
                     (--key, --jwks-url, --discover)",
                    quoted(&text(v))
                ),
            ));
        }
    }
    for name in ["jwk", "x5c"] {
        if header.contains_key(name) {
            out.push(Finding::warning(
                "embedded-key-header",
                format!(
                    "header {name} carries its own key: jwtinspect never trusts keys from the token, and a verifier \
                     that does accepts anything its author signs; verify with a key you choose (--key, --jwks-url, --discover)"
                ),
            ));
        }
    }
}

/// A JSON value as text for a message: strings raw, the rest as JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `kid` that reads as a path, SQL or shell: servers that look keys up by it can be steered.
fn kid(header: Claims, out: &mut Vec<Finding>) {
    let Some(v) = header.get("kid") else { return };
    let Value::String(kid) = v else {
        out.push(Finding::warning(
            "suspicious-kid",
            format!(
                "kid is not a string but {}: a key id is a string (RFC 7515 §4.1.4); a server that passes it on \
                 unchecked may misbehave",
                quoted(&v.to_string())
            ),
        ));
        return;
    };
    let mut why = Vec::new();
    if kid.contains("../") || kid.contains("..\\") {
        why.push("path traversal (../)");
    }
    if kid.starts_with('/') || kid.starts_with('\\') || kid.get(1..3) == Some(":\\") {
        why.push("an absolute file path");
    }
    if kid.contains('\0') {
        why.push("a NUL byte");
    }
    if kid.contains(['\'', '"']) {
        why.push("SQL quoting (' \")");
    }
    if kid.contains([';', '|', '`', '<', '>']) || ["$(", "${", "&&"].iter().any(|m| kid.contains(m))
    {
        why.push("shell metacharacters (; | ` < > $( ${ &&)");
    }
    if why.is_empty() {
        return;
    }
    out.push(Finding::warning(
        "suspicious-kid",
        format!(
            "kid {} contains {}: a server that finds keys by kid in files, SQL or a shell can be tricked into \
             using a key the attacker knows; keys must be looked up by exact match in a fixed set",
            quoted(kid),
            why.join(", ")
        ),
    ));
}

/// `crit` (RFC 7515 §4.1.11): the extensions a verifier must understand, or reject the token.
fn crit(header: &Map<String, Value>, out: &mut Vec<Finding>) {
    let quote_all =
        |names: &[&str]| findings::some_of(names.iter().map(|n| quoted(n)), NAMES_SHOWN);
    let why = match token::header::crit(header) {
        Crit::Understood => return,
        Crit::Unsupported(unknown) => {
            return out.push(Finding::warning(
                "crit-unsupported",
                format!(
                    "header crit requires the extension(s) {}: a verifier that does not implement them must reject the \
                     token, and jwtinspect implements none of them, so signature verification fails",
                    quote_all(&unknown)
                ),
            ))
        }
        Crit::Invalid(CritError::NotAList(other)) => format!(
            "is {}, not a list of header names",
            quoted(&other.to_string())
        ),
        Crit::Invalid(CritError::Empty) => "is an empty list".into(),
        Crit::Invalid(CritError::NotAString) => "holds a member that is not a string".into(),
        Crit::Invalid(CritError::Registered(names)) => format!(
            "lists standard header names ({}), which it must not",
            quote_all(&names)
        ),
        Crit::Invalid(CritError::Absent(names)) => format!(
            "lists names the header does not have ({})",
            quote_all(&names)
        ),
        Crit::Invalid(CritError::Twice(_)) => "lists a name twice".into(),
    };
    out.push(Finding::error(
        "crit-invalid",
        format!("header crit {why}; RFC 7515 §4.1.11 makes such a token invalid"),
    ));
}

/// `b64: false` (RFC 7797): the payload is signed unencoded, which JWT libraries do not do.
fn b64(header: &Map<String, Value>, out: &mut Vec<Finding>) {
    if token::header::b64(header) == B64::Unencoded {
        out.push(Finding::warning(
            "b64-false",
            "header b64 is false (RFC 7797 unencoded payload), which has no place in a JWT (RFC 7797 §7): \
             the signature covers the raw payload, so JWT verifiers, jwtinspect included, reject it",
        ));
    }
}

/// HS256/384/512: one shared secret both signs and verifies.
fn hmac(header: Claims, out: &mut Vec<Finding>) {
    let Some(alg) = header.get("alg").and_then(Value::as_str) else {
        return;
    };
    if alg.starts_with("HS") {
        out.push(Finding::info(
            "hmac-shared-secret",
            format!(
                "{}: HMAC with a shared secret, so anyone who can verify this token can also forge one; \
                 prefer RS256, ES256 or EdDSA where verifiers are not all trusted",
                quoted(alg)
            ),
        ));
    }
}

fn duplicates(decoded: &Decoded, out: &mut Vec<Finding>) {
    if decoded.duplicates.is_empty() {
        return;
    }
    let named = decoded.duplicates.iter().map(|d| {
        format!(
            "{} ({} times; the last, {}, is used)",
            quoted(&d.path),
            d.count,
            sanitize::escape(&d.kept)
        )
    });
    out.push(Finding::warning(
        "duplicate-claims",
        format!(
            "duplicate member names: {}; other parsers may take the first value or reject the token, so it can \
             mean different things to different servers",
            findings::some_of(named, NAMES_SHOWN)
        ),
    ));
}

/// `exp`/`iat`/`nbf` 1000× too large: milliseconds where seconds belong. Returns the names flagged.
fn milliseconds(claims: &Map<String, Value>, out: &mut Vec<Finding>) -> Vec<&'static str> {
    let mut flagged = Vec::new();
    for (name, effect) in [
        ("exp", "it effectively never expires"),
        ("nbf", "it never becomes valid"),
        ("iat", "it was issued in the far future"),
    ] {
        let Some(v) = claims.get(name).and_then(Value::as_f64) else {
            continue;
        };
        if !(MILLIS_FROM..MILLIS_TO).contains(&v) {
            continue;
        }
        let as_millis = time::rfc3339((v / 1000.0) as i64).unwrap_or_default();
        out.push(Finding::warning(
            "timestamp-milliseconds",
            format!(
                "{name} is {v}, 1000× too large: it looks like milliseconds ({as_millis}); a NumericDate counts \
                 seconds, so to a verifier {effect}; the issuer should divide by 1000"
            ),
        ));
        flagged.push(name);
    }
    flagged
}

/// Lifetimes and the order of `iat` and `exp`, judged against the clock.
fn timestamps(t: &Times, in_millis: &[&str], judge: Judge, out: &mut Vec<Finding>) {
    let when = |secs: i64| time::rfc3339(secs).unwrap_or_default();
    if let (Some(iat), Some(exp)) = (t.issued_at, t.expires_at) {
        if exp < iat {
            out.push(Finding::warning(
                "exp-before-iat",
                format!(
                    "exp ({}) is {} before iat ({}): the token expired before it was issued; the issuer's clock or code is wrong",
                    when(exp),
                    time::duration(iat - exp),
                    when(iat)
                ),
            ));
        }
    }
    match t.lifetime() {
        Some(life) if life > LONG_LIFETIME && !in_millis.contains(&"exp") => {
            let from = if t.issued_at.is_some() { "iat" } else { "nbf" };
            out.push(Finding::warning(
                "long-lifetime",
                format!(
                    "lifetime {} (exp − {from}), more than a year: a leaked token stays usable that long; \
                     access tokens usually live minutes or hours, renewed with a refresh token",
                    time::duration(life)
                ),
            ));
        }
        _ => {}
    }
    if let Some(iat) = t.issued_at {
        let now = judge.clock.now;
        if iat > now.saturating_add(judge.leeway) && !in_millis.contains(&"iat") {
            out.push(Finding::warning(
                "iat-in-future",
                format!(
                    "issued {} ({}), after now ({}): the issuer's clock is ahead, or the token was made up; \
                     --leeway allows for clock skew",
                    time::relative(iat - now),
                    when(iat),
                    when(now)
                ),
            ));
        }
    }
}

fn size(token: &str, out: &mut Vec<Finding>) {
    if token.len() > LARGE_TOKEN {
        out.push(Finding::warning(
            "large-token",
            format!(
                "the token is {} bytes, over {} KiB: many servers and proxies reject request headers that large \
                 (nginx, Apache, load balancers), so it may be refused before it is checked",
                token.len(),
                LARGE_TOKEN / 1024
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meaning::findings::Severity;
    use crate::token::decode::decode;
    use base64::Engine;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }

    /// Codes of the risk findings for a token made of this header and payload, at time 1e9.
    fn codes(header: &str, payload: &str) -> Vec<(&'static str, Severity, String)> {
        let token = format!("{}.{}.c2ln", b64(header), b64(payload));
        let d = decode(&token);
        let times = Times::from_claims(d.payload.as_ref().unwrap_or(&Map::new()));
        let judge = Judge {
            clock: Clock { now: 1_000_000_000 },
            leeway: 0,
        };
        let mut out = Vec::new();
        assess(&token, &d, &times, judge, &mut out);
        out.into_iter()
            .map(|f| (f.code, f.severity, f.message))
            .collect()
    }

    fn only(header: &str, payload: &str) -> Vec<&'static str> {
        codes(header, payload).into_iter().map(|c| c.0).collect()
    }

    #[test]
    fn a_plain_token_has_no_risks() {
        assert!(only(
            r#"{"alg":"RS256","kid":"2024-key_1.pem"}"#,
            r#"{"iat":999999000,"exp":999999900}"#
        )
        .is_empty());
    }

    #[test]
    fn key_headers() {
        assert_eq!(
            only(
                r#"{"alg":"RS256","jku":"https://evil/k","x5u":"u","jwk":{},"x5c":[]}"#,
                "{}"
            ),
            [
                "key-url-header",
                "key-url-header",
                "embedded-key-header",
                "embedded-key-header"
            ]
        );
        let c = codes(r#"{"alg":"RS256","jku":"https://evil/\u001b[2J"}"#, "{}");
        assert!(c[0].2.contains("\"https://evil/\\u{1b}[2J\""), "{}", c[0].2);
        assert!(c[0].2.contains("never fetches"));
    }

    #[test]
    fn suspicious_kids() {
        for kid in [
            "../../../../dev/null",
            "/dev/null",
            "x' OR '1'='1",
            "k; rm -rf /",
            "k|id",
            "$(id)",
            "`id`",
            "a\\u0000b",
            "C:\\\\keys\\\\a",
        ] {
            let c = codes(&format!(r#"{{"alg":"HS256","kid":"{kid}"}}"#), "{}");
            assert_eq!(c[0].0, "suspicious-kid", "{kid}");
            assert_eq!(c[0].1, Severity::Warning);
        }
        let c = codes(r#"{"alg":"RS256","kid":{"a":1}}"#, "{}");
        assert_eq!(c[0].0, "suspicious-kid");
        assert!(only(r#"{"alg":"RS256","kid":"a1b2-c3_d4.e5=="}"#, "{}").is_empty());
    }

    #[test]
    fn crit_members() {
        assert_eq!(
            only(r#"{"alg":"RS256","crit":["exp"],"exp":1}"#, "{}"),
            ["crit-unsupported"]
        );
        for bad in [
            r#""crit":"exp","exp":1"#,
            r#""crit":[]"#,
            r#""crit":[1]"#,
            r#""crit":["alg"]"#,
            r#""crit":["missing"]"#,
            r#""crit":["a","a"],"a":1"#,
        ] {
            let c = codes(&format!(r#"{{"alg":"RS256",{bad}}}"#), "{}");
            assert_eq!((c[0].0, c[0].1), ("crit-invalid", Severity::Error), "{bad}");
        }
    }

    #[test]
    fn b64_false_and_hmac() {
        assert_eq!(
            only(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#, "{}"),
            ["b64-false", "hmac-shared-secret"]
        );
        assert!(only(r#"{"alg":"RS256","b64":true,"crit":["b64"]}"#, "{}").is_empty());
        assert_eq!(
            only(
                r#"{"alg":"RS256","b64":true,"crit":["b64","x"],"x":1}"#,
                "{}"
            ),
            ["crit-unsupported"]
        );
        assert_eq!(codes(r#"{"alg":"HS512"}"#, "{}")[0].1, Severity::Info);
    }

    #[test]
    fn duplicates_say_which_value_is_used() {
        let c = codes(r#"{"alg":"RS256"}"#, r#"{"role":"user","role":"admin"}"#);
        assert_eq!(c[0].0, "duplicate-claims");
        assert!(
            c[0].2
                .contains(r#""role" (2 times; the last, "admin", is used)"#),
            "{}",
            c[0].2
        );
        let many: String = (0..20).map(|i| format!(r#""k{i}":1,"k{i}":2,"#)).collect();
        let c = codes(r#"{"alg":"RS256"}"#, &format!("{{{many}\"z\":0}}"));
        assert!(c[0].2.contains(", and 15 more;"), "{}", c[0].2);
        let names: String = (0..9).map(|i| format!(r#","e{i}":1"#)).collect();
        let list: Vec<String> = (0..9).map(|i| format!(r#""e{i}""#)).collect();
        let header = format!(r#"{{"alg":"RS256","crit":[{}]{names}}}"#, list.join(","));
        let c = codes(&header, "{}");
        assert!(c[0].2.contains(r#""e4", and 4 more:"#), "{}", c[0].2);
    }

    #[test]
    fn milliseconds_lifetime_and_order() {
        let c = codes(
            r#"{"alg":"RS256"}"#,
            r#"{"iat":999999000,"exp":1718000000000}"#,
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, "timestamp-milliseconds");
        assert!(c[0].2.contains("2024-06-10T06:13:20Z"), "{}", c[0].2);
        assert_eq!(
            only(
                r#"{"alg":"RS256"}"#,
                r#"{"iat":999999000,"exp":1100000000}"#
            ),
            ["long-lifetime"]
        );
        assert_eq!(
            only(r#"{"alg":"RS256"}"#, r#"{"iat":999999000,"exp":999998000}"#),
            ["exp-before-iat"]
        );
        assert_eq!(
            only(r#"{"alg":"RS256"}"#, r#"{"iat":1000003600}"#),
            ["iat-in-future"]
        );
        assert!(only(r#"{"alg":"RS256"}"#, r#"{"iat":1000000000}"#).is_empty());
    }

    #[test]
    fn large_tokens() {
        let big = format!(r#"{{"blob":"{}"}}"#, "x".repeat(LARGE_TOKEN));
        let c = codes(r#"{"alg":"RS256"}"#, &big);
        assert_eq!(c[0].0, "large-token");
        assert!(c[0].2.contains("over 8 KiB"));
    }
}
