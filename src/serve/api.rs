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
use crate::jwe::DecryptionKey;
use crate::meaning::glossary::Part;
use crate::meaning::time::Clock;
use crate::scan::input::Input;
use crate::secret::Secret;
use crate::sign::{self, KeySource, Spec, Start};
use crate::verify::keys::{self, KeySet, Skipped};
use crate::verify::signature::KeyVerifier;

/// How the pasted input is named in the report (`source` in JSON).
const LABEL: &str = "pasted text";
/// How a pasted key or secret is named in messages.
const PASTED_KEY: &str = "the pasted key";
const PASTED_SECRET: &str = "the pasted secret";

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

/// `POST /api/sign` body: what `jwtinspect sign` / `edit` take.
#[derive(Deserialize)]
struct SignRequest {
    /// Claims (a JSON object or a `--json` line), or a token to edit.
    #[serde(default)]
    claims: String,
    /// A private PEM, JWK or JWKS, or an HMAC secret.
    key: String,
    /// `--alg`; empty: from the key.
    #[serde(default)]
    alg: String,
    /// `--exp`; empty: as the claims say.
    #[serde(default)]
    exp: String,
    /// `--now`; empty: the clock.
    #[serde(default)]
    now: String,
}

/// The settings of a plain run and the CLI's inspection.
pub struct Api {
    base: Settings,
    inspect: Inspect,
}

impl Api {
    pub fn new(mut base: Settings, inspect: Inspect) -> Api {
        // Pasted tokens are never logged: their verdicts go to the page only,
        // not as `FAILED` lines on the server's standard error.
        base.failure_lines = false;
        Api { base, inspect }
    }

    /// Run API call `name` on `body`: the status and the JSON answer.
    pub fn call(&self, name: &str, body: &[u8]) -> Result<(u16, Value), Refusal> {
        let answer = match name {
            "inspect" => {
                let r: InspectRequest = parse(body, r#"{"text": ..., "key": ..., "now": ...}"#)?;
                let clock = clock(&r.now);
                clock.and_then(|clock| self.inspect(&r.text, &r.key, clock))
            }
            "sign" => {
                let r: SignRequest = parse(body, r#"{"claims": ..., "key": ..., "alg": ...}"#)?;
                self.sign(&r)
            }
            _ => return Err(Refusal::NotFound),
        };
        Ok(match answer {
            Ok(answer) => (200, answer),
            // The CLI's own message: what was wrong, never the key.
            Err(e) => (422, json!({ "error": e.to_string() })),
        })
    }

    /// Make the token as `sign` (claims) or `edit` (a token) would, and
    /// inspect it as of the time it was made.
    fn sign(&self, r: &SignRequest) -> Result<Value, Error> {
        let text = r.claims.trim();
        let edit = !(text.is_empty() || text.starts_with('{'));
        let key = r.key.trim_end_matches(['\r', '\n']);
        let some = |t: &str| (!t.trim().is_empty()).then(|| t.trim().to_owned());
        let spec = Spec {
            alg: some(&r.alg),
            exp: some(&r.exp),
            now: some(&r.now),
            ..Spec::new(
                Start::Text {
                    text: text.to_owned(),
                    edit,
                },
                KeySource::Text(Secret::new(key)),
            )
        };
        let made = sign::make(&spec)?;
        let mut answer = self.inspect(&made.token, "", Some(Clock { now: made.now }))?;
        answer["signed"] = json!(made.token);
        answer["notes"] = json!(made.notes);
        Ok(answer)
    }

    /// Inspect `text` as one input, verifying with the pasted `key`, as of
    /// `clock` (None: the clock).
    fn inspect(&self, text: &str, key: &str, clock: Option<Clock>) -> Result<Value, Error> {
        let mut settings = self.base.clone();
        settings.color = false;
        if let Some(clock) = clock {
            settings.checks.clock = clock;
        }
        let key = key.trim_end_matches(['\r', '\n']);
        if !key.trim().is_empty() {
            settings.verifier = Some(Arc::new(pasted_key(key)?));
        }
        let input = [Input::Memory {
            label: LABEL.to_owned(),
            text: text.to_owned(),
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
        let verdicts = verdicts(&report);
        let tokens: Vec<Value> = lines
            .lines()
            .enumerate()
            .filter_map(|(n, line)| match serde_json::from_str(line) {
                Ok(Value::Object(mut token)) => {
                    if let Some(v) = verdicts.get(n) {
                        token.insert("verdict".to_owned(), Value::from(v.as_str()));
                    }
                    let notes = json!({
                        "header": notes(token.get("header"), Part::Header),
                        "claims": notes(token.get("payload"), Part::Claims),
                        "jwe": notes(token.get("jwe").and_then(|j| j.get("header")), Part::Header),
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

/// Each token's verdict, in the human report's words: the text before
/// ` · token N · ` on the line that opens token N (`FAILED: expired,
/// missing-role (ROLE_ADMIN)`), without the `(not checked)` note.
fn verdicts(report: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in report.lines() {
        let mark = format!(" · token {} · ", out.len() + 1);
        if let Some((verdict, _)) = line.split_once(&mark) {
            out.push(verdict.trim_end_matches(" (not checked)").to_owned());
        }
    }
    out
}

/// The request body as JSON of shape `shape`.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8], shape: &str) -> Result<T, Refusal> {
    serde_json::from_slice(body)
        .map_err(|e| Refusal::Malformed(format!("the body must be JSON {shape} ({e})")))
}

/// `--now` from the page: empty is the clock.
fn clock(now: &str) -> Result<Option<Clock>, Error> {
    let now = now.trim();
    if now.is_empty() {
        return Ok(None);
    }
    Clock::parse(now).map(Some).map_err(Error::Usage)
}

/// A pasted key, as `--key` or `--secret` would give it: PEM, JWK or JWKS
/// verify (and the private ones among them decrypt JWEs), anything else is
/// an HMAC secret (which also decrypts `dir`/`A*KW`/PBES2 JWEs).
fn pasted_key(text: &str) -> Result<KeyVerifier, Error> {
    let bytes = text.as_bytes();
    let start = text.trim_start();
    if !(start.starts_with("-----BEGIN ") || start.starts_with('{')) {
        let set = keys::secret(bytes.to_vec(), PASTED_SECRET, PASTED_SECRET.to_owned())?;
        let decrypt = vec![DecryptionKey::from_secret(bytes.to_vec())];
        return Ok(KeyVerifier::new(set, Vec::new()).with_decryption_keys(decrypt));
    }
    let private = DecryptionKey::parse(bytes).unwrap_or_default();
    let set = match keys::key_bytes(bytes, PASTED_KEY) {
        Ok(set) => set,
        // A private key decrypts; it still says why it cannot verify.
        Err(why) if !private.is_empty() => KeySet {
            skipped: vec![Skipped {
                kid: None,
                why: format!("{PASTED_KEY}: {why} (it is used to decrypt JWEs)"),
            }],
            origin: PASTED_KEY.to_owned(),
            ..KeySet::default()
        },
        Err(why) => return Err(Error::usage(format!("{PASTED_KEY}: {why}"))),
    };
    Ok(KeyVerifier::new(set, Vec::new()).with_decryption_keys(private))
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
