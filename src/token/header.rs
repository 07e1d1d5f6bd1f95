//! The header's own rules, judged once here for both the findings and the
//! signature check: `alg: none` (unsigned), `b64` (RFC 7797) and `crit`
//! (RFC 7515 §4.1.11). Each caller words the verdict its own way.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::token::decode::REGISTERED_HEADERS;

/// True when `alg` names the unsigned algorithm, in any case (`none`, `None`).
pub(crate) fn is_alg_none(alg: &str) -> bool {
    alg.eq_ignore_ascii_case("none")
}

/// What the header's `b64` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum B64 {
    /// Absent or `true`: the payload is base64url, as in every JWT.
    Encoded,
    /// `false`: the payload is signed unencoded, which has no place in a JWT.
    Unencoded,
    /// Neither `true` nor `false`.
    NotBoolean,
}

pub(crate) fn b64(header: &Map<String, Value>) -> B64 {
    match header.get("b64") {
        None | Some(Value::Bool(true)) => B64::Encoded,
        Some(Value::Bool(false)) => B64::Unencoded,
        Some(_) => B64::NotBoolean,
    }
}

/// What the header's `crit` says.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Crit<'a> {
    /// No `crit`, or only names jwtinspect understands (`b64`).
    Understood,
    /// Extensions jwtinspect does not implement: a verifier must reject the token.
    Unsupported(Vec<&'a str>),
    /// A `crit` that RFC 7515 §4.1.11 makes invalid.
    Invalid(CritError<'a>),
}

/// Why a `crit` is invalid, in the order the rules are checked.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CritError<'a> {
    /// Not a list at all.
    NotAList(&'a Value),
    /// An empty list.
    Empty,
    /// A member that is not a string.
    NotAString,
    /// Standard header names, which must not be listed.
    Registered(Vec<&'a str>),
    /// Names the header does not have.
    Absent(Vec<&'a str>),
    /// A name listed twice.
    Twice(&'a str),
}

pub(crate) fn crit(header: &Map<String, Value>) -> Crit<'_> {
    let Some(value) = header.get("crit") else {
        return Crit::Understood;
    };
    let names: Vec<&str> = match value {
        Value::Array(items) if items.is_empty() => return Crit::Invalid(CritError::Empty),
        Value::Array(items) => match items.iter().map(Value::as_str).collect() {
            Some(names) => names,
            None => return Crit::Invalid(CritError::NotAString),
        },
        other => return Crit::Invalid(CritError::NotAList(other)),
    };
    let registered: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| REGISTERED_HEADERS.contains(n))
        .collect();
    if !registered.is_empty() {
        return Crit::Invalid(CritError::Registered(registered));
    }
    let absent: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !header.contains_key(*n))
        .collect();
    if !absent.is_empty() {
        return Crit::Invalid(CritError::Absent(absent));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = names.iter().find(|n| !seen.insert(**n)) {
        return Crit::Invalid(CritError::Twice(twice));
    }
    // `b64` is understood: what its value means is `b64`'s business.
    let unknown: Vec<&str> = names.into_iter().filter(|n| *n != "b64").collect();
    if unknown.is_empty() {
        Crit::Understood
    } else {
        Crit::Unsupported(unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).expect("a test header")
    }

    #[test]
    fn crit_rules_in_order() {
        let h = header(r#"{"alg":"RS256","crit":["b64","x"],"b64":true,"x":1}"#);
        assert_eq!(crit(&h), Crit::Unsupported(vec!["x"]));
        let h = header(r#"{"alg":"RS256","crit":["b64"],"b64":false}"#);
        assert_eq!(crit(&h), Crit::Understood);
        assert_eq!(b64(&h), B64::Unencoded);
        let h = header(r#"{"crit":["b64","b64"],"b64":true}"#);
        assert_eq!(crit(&h), Crit::Invalid(CritError::Twice("b64")));
        let h = header(r#"{"crit":["exp","y"]}"#);
        assert_eq!(crit(&h), Crit::Invalid(CritError::Absent(vec!["exp", "y"])));
        let h = header(r#"{"crit":["alg","y"],"y":1}"#);
        assert_eq!(crit(&h), Crit::Invalid(CritError::Registered(vec!["alg"])));
        assert_eq!(
            crit(&header(r#"{"crit":[]}"#)),
            Crit::Invalid(CritError::Empty)
        );
        assert_eq!(
            crit(&header(r#"{"crit":[1]}"#)),
            Crit::Invalid(CritError::NotAString)
        );
        assert_eq!(b64(&header(r#"{"b64":"no"}"#)), B64::NotBoolean);
        assert!(is_alg_none("nOnE") && !is_alg_none("HS256"));
    }
}
