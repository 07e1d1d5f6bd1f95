//! `--claim PATH` (repeatable): the values a script asks for, one line per token.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::meaning::claims;
use crate::meaning::inspect::Inspection;
use crate::report::json;
use crate::sanitize;

/// The value at `path`: a dot path into the payload (`realm_access.roles`,
/// `roles.0`, `roles[0]`), or, starting with a dot, into the token's `--json`
/// object (`.header.alg`, `.summary.roles`, `.signature.verified`).
pub fn lookup(i: &Inspection, path: &str) -> Option<Value> {
    let path = brackets_to_dots(path);
    match path.strip_prefix('.') {
        Some(rest) => {
            let mut line = Vec::new();
            json::write_line(&mut line, i);
            let whole: Map<String, Value> = serde_json::from_slice(&line).ok()?;
            claims::claim_at(&whole, rest).cloned()
        }
        None => claims::claim_at(i.payload()?, &path).cloned(),
    }
}

/// `roles[0].name` → `roles.0.name`.
fn brackets_to_dots(path: &str) -> Cow<'_, str> {
    if !path.contains('[') {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| c + open) else {
            break;
        };
        let index = &rest[open + 1..close];
        if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&rest[..=close]);
        } else {
            out.push_str(&rest[..open]);
            out.push('.');
            out.push_str(index);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// How a value prints: a string raw, unless it holds a control character
/// (then as a JSON string, so one token stays one line); anything else as
/// compact JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) if !s.chars().any(sanitize::is_hostile) => s.clone(),
        other => json::compact(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_index_arrays() {
        assert_eq!(brackets_to_dots("roles[0]"), "roles.0");
        assert_eq!(brackets_to_dots("a[12].b[3]"), "a.12.b.3");
        assert_eq!(brackets_to_dots("odd[x]"), "odd[x]");
        assert_eq!(brackets_to_dots("open["), "open[");
    }

    #[test]
    fn strings_with_controls_print_as_json() {
        assert_eq!(text(&Value::from("plain")), "plain");
        assert_eq!(text(&Value::from("a\nb")), "\"a\\nb\"");
        assert_eq!(text(&serde_json::json!(["x", 1])), "[\"x\",1]");
    }
}
