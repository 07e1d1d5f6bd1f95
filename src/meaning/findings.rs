//! What is wrong or risky about a token, as data: severity, code, message.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding. `code` is stable (scripts match on it); `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// What the finding is about, for the verdict line (`missing-role (ROLE_ADMIN)`).
    #[serde(skip)]
    pub about: Option<String>,
}

impl Finding {
    /// The same finding, about `name`.
    pub fn about(mut self, name: &str) -> Self {
        self.about = Some(name.to_owned());
        self
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            code,
            message: message.into(),
            about: None,
        }
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            code,
            message: message.into(),
            about: None,
        }
    }
    pub fn info(code: &'static str, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Info,
            code,
            message: message.into(),
            about: None,
        }
    }
}

/// `a, b, c and 7 more`: the first `shown` items, then how many are left.
/// A hostile token can hold a million names; a message lists a few.
pub fn some_of(items: impl ExactSizeIterator<Item = String>, shown: usize) -> String {
    let more = items.len().saturating_sub(shown);
    let mut text: Vec<String> = items.take(shown).collect();
    if more > 0 {
        text.push(format!("and {more} more"));
    }
    text.join(", ")
}

/// Names (escaped) of the members whose key or text holds terminal controls.
pub fn control_character_members(part: &Map<String, Value>, prefix: &str, out: &mut Vec<String>) {
    for (key, value) in part {
        if sanitize::has_controls(key) || value_has_controls(value) {
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            out.push(sanitize::escape(&name).into_owned());
        }
    }
}

fn value_has_controls(v: &Value) -> bool {
    match v {
        Value::String(s) => sanitize::has_controls(s),
        Value::Array(items) => items.iter().any(value_has_controls),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| sanitize::has_controls(k) || value_has_controls(v)),
        _ => false,
    }
}

/// True when any finding is an error: the token failed a check.
pub fn any_error(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}
