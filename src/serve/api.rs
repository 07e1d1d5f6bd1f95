//! The page's API: what the command line does, run by the same code. The
//! pasted text is inspected as standard input would be, with the pasted key
//! as the verification key, and the answer carries the `--json` lines, the
//! human report and the glossary notes for the page to show.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::guard::Refusal;
use crate::error::Error;

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

/// Run API call `name` on `body`: the status and the JSON answer.
pub fn call(name: &str, body: &[u8]) -> Result<(u16, Value), Refusal> {
    match name {
        "inspect" => {
            let request: InspectRequest = serde_json::from_slice(body).map_err(|e| {
                Refusal::Malformed(format!(
                    "the body must be JSON {{\"text\": ..., \"key\": ..., \"now\": ...}} ({e})"
                ))
            })?;
            Ok(match inspect(&request) {
                Ok(answer) => (200, answer),
                Err(e) => (422, json!({ "error": e.to_string() })),
            })
        }
        _ => Err(Refusal::NotFound),
    }
}

fn inspect(request: &InspectRequest) -> Result<Value, Error> {
    let key = request.key.trim();
    let (lines, exit_code) = crate::inspect_text_as(
        request.text.as_bytes(),
        "pasted text",
        &request.now,
        (!key.is_empty()).then_some(key),
        true,
    )?;
    let (report, _) = crate::inspect_text_as(
        request.text.as_bytes(),
        "pasted text",
        &request.now,
        (!key.is_empty()).then_some(key),
        false,
    )?;
    let mut tokens = Vec::new();
    for line in String::from_utf8_lossy(&lines).lines() {
        let Ok(Value::Object(mut token)) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let notes = json!({
            "header": notes(token.get("header"), crate::glossary::Part::Header),
            "claims": notes(token.get("payload"), crate::glossary::Part::Claims),
        });
        token.insert("notes".to_owned(), notes);
        tokens.push(Value::Object(token));
    }
    Ok(json!({
        "tokens": tokens,
        "report": String::from_utf8_lossy(&report),
        "exit_code": exit_code.code(),
    }))
}

/// The glossary's few words for each member of a header or payload.
fn notes(members: Option<&Value>, part: crate::glossary::Part) -> Value {
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
