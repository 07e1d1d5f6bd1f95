//! The page's API: what the command line does, run by the same code. The
//! pasted text is one input, as a file or standard input would be; the pasted
//! key is the verification key, as `--key` or `--secret` would give it; the
//! answer carries the `--json` lines, the human report (no colour) and the
//! glossary notes for the page to show.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::guard::Refusal;
use super::Inspect;
use crate::config::{OutputMode, Settings};
use crate::error::{Error, Exit};
use crate::meaning::glossary::Part;
use crate::meaning::time::Clock;
use crate::scan::input::Input;
use crate::verify::keys;
use crate::verify::signature::KeyVerifier;

/// How the pasted input is named in the report (`source` in JSON).
const LABEL: &str = "pasted text";

/// `POST /api/inspect` body.
#[derive(Deserialize)]
struct InspectRequest {
    /// Anything the CLI takes: a token, a login answer, a Bearer line.
    text: String,
    /// A secret, PEM, JWK or JWKS; empty for none.
    #[serde(default)]
    key: String,
    /// `--now` (any of its forms); empty for the clock.
    #[serde(default)]
    now: String,
}

/// The settings of a plain run and the CLI's inspection.
pub struct Api {
    base: Settings,
    inspect: Inspect,
}

impl Api {
    pub fn new(base: Settings, inspect: Inspect) -> Api {
        Api { base, inspect }
    }

    /// Run API call `name` on `body`: the status and the JSON answer.
    pub fn call(&self, name: &str, body: &[u8]) -> Result<(u16, Value), Refusal> {
        match name {
            "inspect" => {
                let request: InspectRequest = serde_json::from_slice(body).map_err(|e| {
                    Refusal::Malformed(format!(
                        "the body must be JSON {{\"text\": ..., \"key\": ..., \"now\": ...}} ({e})"
                    ))
                })?;
                Ok(match self.inspect(&request) {
                    Ok(answer) => (200, answer),
                    // The CLI's own message: what was wrong, never the key.
                    Err(e) => (422, json!({ "error": e.to_string() })),
                })
            }
            _ => Err(Refusal::NotFound),
        }
    }

    fn inspect(&self, request: &InspectRequest) -> Result<Value, Error> {
        let mut settings = self.base.clone();
        settings.color = false;
        let now = request.now.trim();
        if !now.is_empty() {
            settings.checks.clock = Clock::parse(now).map_err(Error::Usage)?;
        }
        let key = request.key.trim_end_matches(['\r', '\n']);
        if !key.trim().is_empty() {
            settings.verifier = Some(Arc::new(KeyVerifier::new(pasted_key(key)?, Vec::new())));
        }
        let input = [Input::Memory {
            label: LABEL.to_owned(),
            text: request.text.clone(),
        }];
        let run = |output: OutputMode| -> Result<(String, Exit), Error> {
            let mut settings = settings.clone();
            settings.output = output;
            let mut out = Vec::new();
            let code = (self.inspect)(&input, settings, &mut out)?;
            Ok((String::from_utf8_lossy(&out).into_owned(), code))
        };
        let (lines, exit_code) = run(OutputMode::Json)?;
        let (report, _) = run(OutputMode::Human)?;
        let tokens: Vec<Value> = lines
            .lines()
            .filter_map(|line| match serde_json::from_str(line) {
                Ok(Value::Object(mut token)) => {
                    let notes = json!({
                        "header": notes(token.get("header"), Part::Header),
                        "claims": notes(token.get("payload"), Part::Claims),
                    });
                    token.insert("notes".to_owned(), notes);
                    Some(Value::Object(token))
                }
                _ => None,
            })
            .collect();
        Ok(json!({
            "tokens": tokens,
            "report": report,
            "exit_code": exit_code.code(),
        }))
    }
}

/// A pasted key: PEM, JWK or JWKS as `--key` reads them, else an HMAC
/// secret as `--secret` takes it.
fn pasted_key(text: &str) -> Result<keys::KeySet, Error> {
    let start = text.trim_start();
    if start.starts_with("-----BEGIN ") || start.starts_with('{') {
        keys::key_bytes(text.as_bytes(), "the pasted key")
            .map_err(|why| Error::usage(format!("the pasted key: {why}")))
    } else {
        keys::secret(
            text.as_bytes().to_vec(),
            "the pasted secret",
            "the pasted secret".to_owned(),
        )
    }
}

/// The glossary's few words for each member of a header or payload.
fn notes(members: Option<&Value>, part: Part) -> Value {
    let mut out = Map::new();
    if let Some(Value::Object(map)) = members {
        for name in map.keys() {
            if let Some((_, entry)) = part.find(name) {
                out.insert(name.clone(), Value::from(entry.meaning));
            }
        }
    }
    Value::Object(out)
}
