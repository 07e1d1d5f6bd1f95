//! The header and claims of the token being made, member order kept:
//! existing members stay where they are, new ones are appended
//! (serde_json's `preserve_order`). A segment whose JSON is unchanged keeps
//! its original bytes, so a token read back from `--json` or edited
//! elsewhere signs to the same text.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use crate::token::decode::{self, Form};

/// A token in the making.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    /// The base64url header and payload segments this draft was read from.
    original: Option<(String, String)>,
    /// Made from a plain claims object: `typ` and `iat` may be added.
    pub plain: bool,
}

/// What the input was, for messages.
const JSON_LINE: &str = "the jwtinspect --json line";

impl Draft {
    /// A plain claims object: the header is `{"alg": ..., "typ": "JWT"}`.
    pub fn plain(payload: Map<String, Value>) -> Draft {
        Draft {
            header: Map::new(),
            payload,
            original: None,
            plain: true,
        }
    }

    /// CLAIMS: a JSON object, or one `jwtinspect --json` line (its header and payload).
    pub fn from_claims(text: &str) -> Result<Draft, String> {
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        let first = match values.next() {
            None => return Err("CLAIMS is empty; expected a JSON object".to_owned()),
            Some(Err(e)) => return Err(format!("CLAIMS is not valid JSON ({e})")),
            Some(Ok(v)) => v,
        };
        if values.next().is_some() {
            return Err(
                "CLAIMS holds more than one JSON value; sign takes one object (or one --json line)"
                    .to_owned(),
            );
        }
        let Value::Object(map) = first else {
            return Err(format!(
                "CLAIMS must be a JSON object, not {}",
                kind(&first)
            ));
        };
        if !is_json_line(&map) {
            return Ok(Draft::plain(map));
        }
        let part = |name: &str| match map.get(name) {
            Some(Value::Object(m)) => Ok(m.clone()),
            Some(other) => Err(format!(
                "{JSON_LINE}'s {name} is {} (its token's {name} did not decode): nothing to sign",
                kind(other)
            )),
            None => Err(format!("{JSON_LINE} has no {name}")),
        };
        let (header, payload) = (part("header")?, part("payload")?);
        let original = map
            .get("token")
            .and_then(Value::as_str)
            .filter(|_| map.get("jwe").is_none_or(Value::is_null))
            .and_then(segments);
        Ok(Draft {
            header,
            payload,
            original,
            plain: false,
        })
    }

    /// `edit TOKEN`: the token's own header and claims.
    pub fn from_token(token: &str) -> Result<Draft, String> {
        let decoded = decode::decode(token);
        match decoded.form {
            Form::Jws => {}
            Form::Jwe => {
                return Err(
                    "TOKEN is a JWE (5 parts): edit changes signed tokens (3 parts)".to_owned(),
                )
            }
            Form::Other(n) => {
                return Err(format!(
                    "TOKEN has {n} dot-separated parts; a signed token (JWS) has 3"
                ))
            }
        }
        let header = decoded
            .header
            .map_err(|e| format!("TOKEN's header does not decode ({})", e.message))?;
        let payload = decoded.payload.map_err(|e| {
            format!(
                "TOKEN's payload is not a JSON object ({}); edit changes JSON claims",
                e.message
            )
        })?;
        Ok(Draft {
            header,
            payload,
            original: segments(token),
            plain: false,
        })
    }

    /// The base64url header and payload: the original text where the JSON is
    /// unchanged and was canonical base64url, else compact JSON.
    pub fn encode(&self) -> (String, String) {
        let (h, p) = match &self.original {
            Some((h, p)) => (Some(h.as_str()), Some(p.as_str())),
            None => (None, None),
        };
        (segment(&self.header, h), segment(&self.payload, p))
    }
}

/// Does this object look like a line of `jwtinspect --json`?
fn is_json_line(map: &Map<String, Value>) -> bool {
    map.contains_key("header")
        && map.contains_key("payload")
        && map.get("token").is_some_and(Value::is_string)
}

/// The header and payload segments of a 3-part token.
fn segments(token: &str) -> Option<(String, String)> {
    let mut parts = token.split('.');
    let (h, p, _s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((h.to_owned(), p.to_owned()))
}

fn segment(value: &Map<String, Value>, original: Option<&str>) -> String {
    let json = Value::Object(value.clone()).to_string();
    if let Some(orig) = original {
        // The strict engine refuses padding, `+`, `/` and stray bits: only canonical text is kept.
        let same = URL_SAFE_NO_PAD
            .decode(orig)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .is_some_and(|v| serde_json::to_string(&v).is_ok_and(|text| text == json));
        if same {
            return orig.to_owned();
        }
    }
    URL_SAFE_NO_PAD.encode(json)
}

/// "an array", "a string", ... for messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `--set`'s and `--header`'s VALUE: JSON if it parses as JSON, else the text.
pub fn json_or_string(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// `NAME=VALUE` (split at the first `=`).
pub fn assignment<'a>(text: &'a str, flag: &str) -> Result<(&'a str, &'a str), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name, value)),
        _ => Err(format!(
            "{flag} {}: expected NAME=VALUE (e.g. {flag} roles='[\"admin\"]')",
            text.escape_debug()
        )),
    }
}

/// One step of a claim path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// `realm_access.roles`, `roles.0`, `roles[0]`, `"https://example.com/roles"`:
/// a double-quoted step is one member name, dots and all.
fn path(text: &str, flag: &str) -> Result<Vec<Step>, String> {
    let bad = |why: &str| format!("{flag} {}: {why}", text.escape_debug());
    let mut steps = Vec::new();
    let mut rest = text;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').ok_or_else(|| bad("unclosed \""))?;
            steps.push(Step::Key(quoted[..end].to_owned()));
            rest = &quoted[end + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 && !rest.starts_with('[') {
                return Err(bad("empty name in the path"));
            }
            if end > 0 {
                steps.push(Step::Key(rest[..end].to_owned()));
            }
            rest = &rest[end..];
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']').ok_or_else(|| bad("unclosed ["))?;
            let index = inner[..end]
                .parse()
                .map_err(|_| bad("[...] takes an array index"))?;
            steps.push(Step::Index(index));
            rest = &inner[end + 1..];
        }
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None if rest.is_empty() => break,
            None => return Err(bad("expected . or [ after a name")),
        }
    }
    match steps.first() {
        Some(Step::Key(_)) => Ok(steps),
        _ => Err(bad("a path starts with a claim name")),
    }
}

/// The steps of `text` in `map`: a top-level member of exactly that name
/// wins over reading it as a path.
fn steps_in(map: &Map<String, Value>, text: &str, flag: &str) -> Result<Vec<Step>, String> {
    if map.contains_key(text) {
        return Ok(vec![Step::Key(text.to_owned())]);
    }
    path(text, flag)
}

/// An array index given as a step (`roles.0` names an index when roles is an array).
fn index(step: &Step) -> Option<usize> {
    match step {
        Step::Index(i) => Some(*i),
        Step::Key(k) => k.parse().ok(),
    }
}

/// `--set PATH=VALUE`: set a claim, creating objects on the way.
pub fn set(map: &mut Map<String, Value>, text: &str, value: Value) -> Result<(), String> {
    let steps = steps_in(map, text, "--set")?;
    let mut root = Value::Object(std::mem::take(map));
    let result = set_steps(&mut root, &steps, value, text);
    if let Value::Object(m) = root {
        *map = m;
    }
    result
}

fn set_steps(root: &mut Value, steps: &[Step], value: Value, text: &str) -> Result<(), String> {
    let mut cur = root;
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        let blocked = |v: &Value| {
            format!(
                "--set {}: {} is {}, which has no members",
                text.escape_debug(),
                shown(&steps[..i]),
                kind(v)
            )
        };
        cur = match cur {
            Value::Object(m) => {
                let Step::Key(k) = step else {
                    return Err(blocked(&Value::Object(Map::new())));
                };
                if last {
                    m.insert(k.clone(), value);
                    return Ok(());
                }
                m.entry(k.clone())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            Value::Array(a) => {
                let Some(at) = index(step).filter(|&at| at <= a.len()) else {
                    return Err(format!(
                        "--set {}: {} is an array of {} items; an index goes up to {}",
                        text.escape_debug(),
                        shown(&steps[..i]),
                        a.len(),
                        a.len()
                    ));
                };
                if at == a.len() {
                    a.push(if last {
                        value.clone()
                    } else {
                        Value::Object(Map::new())
                    });
                } else if last {
                    a[at] = value.clone();
                }
                if last {
                    return Ok(());
                }
                &mut a[at]
            }
            other => return Err(blocked(other)),
        };
    }
    Ok(())
}

/// `--unset PATH`: remove a claim; the others keep their places.
pub fn unset(map: &mut Map<String, Value>, text: &str, flag: &str) -> Result<(), String> {
    let steps = steps_in(map, text, flag)?;
    let missing = || format!("{flag} {}: no such member", text.escape_debug());
    let Some((last, parents)) = steps.split_last() else {
        return Err(missing());
    };
    let mut root = Value::Object(std::mem::take(map));
    let found = match walk(&mut root, parents) {
        Some(Value::Object(m)) => match last {
            Step::Key(k) => m.shift_remove(k).is_some(),
            Step::Index(_) => false,
        },
        Some(Value::Array(a)) => match index(last).filter(|&i| i < a.len()) {
            Some(i) => {
                a.remove(i);
                true
            }
            None => false,
        },
        _ => false,
    };
    if let Value::Object(m) = root {
        *map = m;
    }
    if found {
        Ok(())
    } else {
        Err(missing())
    }
}

/// The value at `steps` under `cur`, if there is one.
fn walk<'a>(cur: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    let Some((first, rest)) = steps.split_first() else {
        return Some(cur);
    };
    let next = match cur {
        Value::Object(m) => match first {
            Step::Key(k) => m.get_mut(k),
            Step::Index(_) => None,
        },
        Value::Array(a) => index(first).and_then(|i| a.get_mut(i)),
        _ => None,
    }?;
    walk(next, rest)
}

/// The steps as a user would write them, for messages.
fn shown(steps: &[Step]) -> String {
    let parts: Vec<String> = steps
        .iter()
        .map(|s| match s {
            Step::Key(k) => k.escape_debug().to_string(),
            Step::Index(i) => i.to_string(),
        })
        .collect();
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn keys(m: &Map<String, Value>) -> Vec<&str> {
        m.keys().map(String::as_str).collect()
    }

    #[test]
    fn set_keeps_places_and_appends_new_members() {
        let mut m = obj(json!({"z": 1, "a": {"x": 1}, "m": [1, 2]}));
        set(&mut m, "z", json!(2)).unwrap();
        set(&mut m, "a.y", json!(true)).unwrap();
        set(&mut m, "m[1]", json!(5)).unwrap();
        set(&mut m, "m.2", json!(6)).unwrap();
        set(&mut m, "new.deep", json!("v")).unwrap();
        set(&mut m, "\"https://example.com/roles\"", json!(["r"])).unwrap();
        assert_eq!(
            keys(&m),
            ["z", "a", "m", "new", "https://example.com/roles"]
        );
        assert_eq!(
            Value::Object(m).to_string(),
            r#"{"z":2,"a":{"x":1,"y":true},"m":[1,5,6],"new":{"deep":"v"},"https://example.com/roles":["r"]}"#
        );
    }

    #[test]
    fn set_refuses_what_cannot_hold_members() {
        let mut m = obj(json!({"s": "text", "m": [1]}));
        assert!(set(&mut m, "s.x", json!(1))
            .unwrap_err()
            .contains("s is a string"));
        assert!(set(&mut m, "m[5]", json!(1))
            .unwrap_err()
            .contains("array of 1"));
        assert!(set(&mut m, "a..b", json!(1)).is_err());
        assert!(set(&mut m, "[0]", json!(1)).is_err());
    }

    #[test]
    fn unset_keeps_the_others_in_order_and_refuses_what_is_missing() {
        let mut m = obj(json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1, 2, 3], "f": 4}));
        unset(&mut m, "a", "--unset").unwrap();
        unset(&mut m, "b.c", "--unset").unwrap();
        unset(&mut m, "e[0]", "--unset").unwrap();
        assert_eq!(
            Value::Object(m.clone()).to_string(),
            r#"{"b":{"d":3},"e":[2,3],"f":4}"#
        );
        assert!(unset(&mut m, "nope", "--unset")
            .unwrap_err()
            .contains("no such member"));
        assert!(unset(&mut m, "b.nope.x", "--unset").is_err());
        assert_eq!(keys(&m), ["b", "e", "f"]);
    }

    #[test]
    fn a_member_named_with_dots_is_taken_whole() {
        let mut m = obj(json!({"https://example.com/roles": ["a"]}));
        unset(&mut m, "https://example.com/roles", "--unset").unwrap();
        assert!(m.is_empty());
    }

    #[test]
    fn values_are_json_when_they_parse() {
        assert_eq!(json_or_string("true"), json!(true));
        assert_eq!(json_or_string("42"), json!(42));
        assert_eq!(json_or_string("[\"a\"]"), json!(["a"]));
        assert_eq!(json_or_string("007"), json!("007"));
        assert_eq!(json_or_string("alice"), json!("alice"));
        assert_eq!(json_or_string(""), json!(""));
    }

    #[test]
    fn claims_are_an_object_or_a_json_line() {
        assert!(Draft::from_claims("[1]")
            .unwrap_err()
            .contains("not an array"));
        assert!(Draft::from_claims("").is_err());
        assert!(Draft::from_claims("{} {}").is_err());
        let d = Draft::from_claims(r#"{"sub":"a","header":1}"#).unwrap();
        assert!(d.plain);
        let line = r#"{"token":"x","header":{"alg":"HS256"},"payload":{"b":1,"a":2}}"#;
        let d = Draft::from_claims(line).unwrap();
        assert!(!d.plain);
        assert_eq!(keys(&d.payload), ["b", "a"]);
        let null = r#"{"token":"x","header":{"alg":"HS256"},"payload":null}"#;
        assert!(Draft::from_claims(null)
            .unwrap_err()
            .contains("payload is null"));
    }

    #[test]
    fn unchanged_segments_keep_their_bytes() {
        // RFC 7515 A.1: spaces and CRLF in the JSON, which compact JSON would lose.
        let token = std::fs::read_to_string("testdata/rfc/rfc7515-a1-hs256.jwt").unwrap();
        let token = token.trim();
        let mut d = Draft::from_token(token).unwrap();
        let (h, p) = d.encode();
        assert!(token.starts_with(&format!("{h}.{p}.")));
        set(&mut d.payload, "iss", json!("other")).unwrap();
        let (h2, p2) = d.encode();
        assert_eq!(h2, h);
        assert_ne!(p2, p);
    }
}
