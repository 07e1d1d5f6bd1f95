//! One token in, one inspection out: decode → summary → times → findings.
//! Nothing here prints; the report modules read the result.

use serde_json::{Map, Value};

use crate::jwe;
use crate::meaning::claims::{self, Summary};
use crate::meaning::findings::{self, Finding};
use crate::meaning::risks::{self, Judge};
use crate::meaning::time::{self, Clock, Times};
use crate::scan::input::Found;
use crate::token;
use crate::token::decode::{self, Decoded, Form};

/// What a run checks every token against.
#[derive(Debug, Clone)]
pub struct Checks {
    pub clock: Clock,
    pub leeway: i64,
    pub require_roles: Vec<String>,
    pub require_scopes: Vec<String>,
    /// `--iss` (or the `--discover` issuer): the iss claim must equal it.
    pub issuer: Option<String>,
    /// `--aud`: the aud claim (string or array) must contain it.
    pub audience: Option<String>,
}

/// The result of checking a signature, supplied by the verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub verified: bool,
    /// Which key verified it, or why it did not.
    pub detail: String,
    /// Findings the verifier adds (signature-invalid, ...).
    pub findings: Vec<Finding>,
}

/// Something that can verify a token's signature (keys given by the user).
pub trait Verifier {
    fn verify(&self, token: &str, decoded: &Decoded) -> Verification;

    /// Decrypt a JWE with the user's decryption keys; None when none was given.
    fn decrypt(&self, _token: &str) -> Option<Result<jwe::Decrypted, jwe::JweError>> {
        None
    }
}

/// The outer layer of a JWE (RFC 7516).
#[derive(Debug, Clone)]
pub struct JweLayer {
    /// The protected header, as the token has it.
    pub header: Option<Map<String, Value>>,
    pub decrypted: bool,
    /// The compact JWS the plaintext holds (a nested JWT), which the
    /// inspection's `decoded` then describes.
    pub inner: Option<String>,
    /// What decryption found: `decryption-failed`, an `rsa1_5` warning.
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Valid,
    Expired,
    NotYetValid,
    NoExpiry,
    Malformed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Expired => "expired",
            Status::NotYetValid => "not_yet_valid",
            Status::NoExpiry => "no_expiry",
            Status::Malformed => "malformed",
        }
    }
}

/// Everything known about one token.
#[derive(Debug, Clone)]
pub struct Inspection<'a> {
    pub source: &'a str,
    pub field: Option<&'a str>,
    pub token: &'a str,
    pub decoded: Decoded,
    pub summary: Summary,
    pub times: Times,
    pub expires_in: Option<i64>,
    pub lifetime: Option<i64>,
    pub status: Status,
    pub verification: Option<Verification>,
    pub findings: Vec<Finding>,
    /// Whether the run's checks (keys, `--require-*`, `--iss`/`--aud`) were
    /// applied: false for the other tokens of a token response.
    pub checked: bool,
    /// Set for a five-part token: its outer layer, decrypted or not.
    pub jwe: Option<JweLayer>,
}

impl Inspection<'_> {
    /// The token text the checks read: the nested JWS of a decrypted JWE,
    /// else the token itself.
    pub fn subject(&self) -> &str {
        self.jwe
            .as_ref()
            .and_then(|l| l.inner.as_deref())
            .unwrap_or(self.token)
    }

    fn decrypted(&self) -> bool {
        self.jwe.as_ref().is_some_and(|l| l.decrypted)
    }

    pub fn failed(&self) -> bool {
        findings::any_error(&self.findings)
    }

    pub fn header(&self) -> Option<&Map<String, Value>> {
        self.decoded.header.as_ref().ok()
    }

    pub fn payload(&self) -> Option<&Map<String, Value>> {
        self.decoded.payload.as_ref().ok()
    }
}

/// A quick look at a token's first characters: false when `inspect_found`
/// would report nothing of it (neither header nor payload can be a JSON object).
pub fn worth_inspecting(token: &str) -> bool {
    decode::may_be_reportable(token)
}

/// Decode and inspect a token found in an input; None when neither its
/// header nor its payload decodes (such a token is not reported).
pub fn inspect_found<'a>(
    found: Found<'a>,
    checks: &Checks,
    verifier: Option<&dyn Verifier>,
) -> Option<Inspection<'a>> {
    if !worth_inspecting(found.token) {
        return None;
    }
    let decoded = decode::decode(found.token);
    if !decoded.is_reportable() {
        return None;
    }
    let mut inspection = if decoded.form == Form::Jwe {
        inspect_jwe(found, decoded, checks, verifier)
    } else {
        inspect_decoded(
            found.source,
            found.field,
            found.token,
            decoded,
            checks,
            verifier,
        )
    };
    if let Some(glued) = found.trailing {
        glued_text(&mut inspection, glued);
    }
    Some(inspection)
}

/// The token was a whole value with text glued to its end: that value is no
/// token a server accepts, so the signature does not count as verified.
fn glued_text(i: &mut Inspection, glued: &str) {
    if let Some(v) = &mut i.verification {
        if v.verified {
            v.verified = false;
            v.detail = "text glued to the token".to_owned();
        }
    }
    i.findings.insert(
        0,
        Finding::error(
            "trailing-text",
            format!(
                "{} is glued to the token's end: the value as given is not a valid token (no server would accept it), so its signature does not count as verified",
                decode::quote(glued.as_bytes())
            ),
        ),
    );
}

/// A five-part token: decrypted when a decryption key was given. A nested
/// JWS is then inspected as the token (header, payload, signature, summary),
/// a JSON plaintext is the payload, other plaintext a `payload-invalid`.
fn inspect_jwe<'a>(
    found: Found<'a>,
    decoded: Decoded,
    checks: &Checks,
    verifier: Option<&dyn Verifier>,
) -> Inspection<'a> {
    let mut layer = JweLayer {
        header: decoded.header.as_ref().ok().cloned(),
        decrypted: false,
        inner: None,
        findings: Vec::new(),
    };
    let decoded = match verifier.and_then(|v| v.decrypt(found.token)) {
        None => decoded,
        Some(Err(e)) => {
            layer.findings.push(Finding::error(
                e.code(),
                crate::sanitize::escape(&e.to_string()).into_owned(),
            ));
            decoded
        }
        Some(Ok(plain)) => {
            layer.decrypted = true;
            layer.header = Some(plain.protected_header.clone());
            for w in &plain.warnings {
                layer.findings.push(Finding::warning(w.code(), w.message()));
            }
            plaintext_view(&plain, &mut layer)
        }
    };
    inspect_with(
        found.source,
        found.field,
        found.token,
        Some(layer),
        decoded,
        checks,
        verifier,
    )
}

/// What a decrypted plaintext is: a nested JWS (`cty: JWT`, or its shape),
/// a claims set, or neither.
fn plaintext_view(plain: &jwe::Decrypted, layer: &mut JweLayer) -> Decoded {
    let text = std::str::from_utf8(&plain.plaintext).map(str::trim).ok();
    let cty_jwt = plain
        .protected_header
        .get("cty")
        .and_then(Value::as_str)
        .is_some_and(|c| {
            c.eq_ignore_ascii_case("JWT") || c.eq_ignore_ascii_case("application/jwt")
        });
    if let Some(text) = text {
        let shape = text.split('.').count() == 3
            && text.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=' | b'+' | b'/')
            });
        if cty_jwt || shape {
            let inner = decode::decode(text);
            if inner.form == Form::Jws && inner.is_reportable() {
                layer.inner = Some(text.to_owned());
                return inner;
            }
        }
    }
    Decoded {
        form: Form::Jwe,
        header: Ok(plain.protected_header.clone()),
        payload: decode::claims(&plain.plaintext),
        signature_len: None,
        non_canonical: false,
        duplicates: Vec::new(),
        payload_text: None,
    }
}

/// Inspect a token that is already decoded.
pub fn inspect_decoded<'a>(
    source: &'a str,
    field: Option<&'a str>,
    token: &'a str,
    decoded: Decoded,
    checks: &Checks,
    verifier: Option<&dyn Verifier>,
) -> Inspection<'a> {
    inspect_with(source, field, token, None, decoded, checks, verifier)
}

fn inspect_with<'a>(
    source: &'a str,
    field: Option<&'a str>,
    token: &'a str,
    jwe: Option<JweLayer>,
    decoded: Decoded,
    checks: &Checks,
    verifier: Option<&dyn Verifier>,
) -> Inspection<'a> {
    let empty = Map::new();
    let payload = decoded.payload.as_ref().unwrap_or(&empty);
    let summary = claims::summarise(decoded.header.as_ref().ok(), payload);
    let times = Times::from_claims(payload);
    // A decrypted plaintext that is not a JWS has no signature to check, and
    // a JWE that failed to decrypt has its decryption-failed finding.
    let unsigned = jwe
        .as_ref()
        .is_some_and(|l| l.inner.is_none() && (l.decrypted || !l.findings.is_empty()));
    let subject = jwe
        .as_ref()
        .and_then(|l| l.inner.as_deref())
        .unwrap_or(token);
    let verification = verifier
        .filter(|_| !unsigned)
        .map(|v| v.verify(subject, &decoded));
    let mut inspection = Inspection {
        source,
        field,
        token,
        expires_in: times.expires_in(checks.clock),
        lifetime: times.lifetime(),
        status: Status::Valid,
        summary,
        times,
        decoded,
        verification,
        findings: Vec::new(),
        checked: true,
        jwe,
    };
    inspection.status = status(&inspection, checks);
    inspection.findings = assess(&inspection, checks);
    inspection
}

fn status(i: &Inspection, checks: &Checks) -> Status {
    if i.decoded.payload.is_err() || !i.times.invalid.is_empty() {
        Status::Malformed
    } else if i.times.is_expired(checks.clock, checks.leeway) {
        Status::Expired
    } else if i.times.is_not_yet_valid(checks.clock, checks.leeway) {
        Status::NotYetValid
    } else if i.times.expires_at.is_none() {
        Status::NoExpiry
    } else {
        Status::Valid
    }
}

/// The findings for an inspection, in reading order.
fn assess(i: &Inspection, checks: &Checks) -> Vec<Finding> {
    let mut out = Vec::new();
    structure(i, &mut out);
    algorithm(i, &mut out);
    timing(i, checks, &mut out);
    let judge = Judge {
        clock: checks.clock,
        leeway: checks.leeway,
    };
    risks::assess(i.subject(), &i.decoded, &i.times, judge, &mut out);
    signature(i, &mut out);
    issuer_audience(i, checks, &mut out);
    requirements(i, checks, &mut out);
    controls(i, &mut out);
    out
}

fn structure(i: &Inspection, out: &mut Vec<Finding>) {
    if let Some(layer) = &i.jwe {
        out.extend(layer.findings.iter().cloned());
    }
    match i.decoded.form {
        Form::Jws => {}
        Form::Jwe if i.jwe.as_ref().is_some_and(|l| l.decrypted || !l.findings.is_empty()) => {}
        // Info, as the contract says: the header is all there is to show.
        Form::Jwe => out.push(Finding::info(
            "encrypted-token",
            "a 5-part JWE: the header is readable, the claims are encrypted and need the recipient's key",
        )),
        Form::Other(n) => out.push(Finding::error(
            "malformed-token",
            format!("{n} dot-separated segments; a JWS has 3 (header.payload.signature): truncated or joined?"),
        )),
    }
    if i.decoded.non_canonical {
        out.push(Finding::warning(
            "non-canonical-base64",
            "the header or payload is not canonical base64url (= padding, + or /, or non-zero trailing bits): decoded anyway for display, but servers that decode strictly refuse the token",
        ));
    }
    if let Err(e) = &i.decoded.header {
        out.push(Finding::error(
            "header-invalid",
            format!("header: {}", e.message),
        ));
    }
    if i.decoded.form != Form::Jwe || i.decrypted() {
        if let Err(e) = &i.decoded.payload {
            out.push(Finding::error(
                "payload-invalid",
                format!("payload: {}", e.message),
            ));
        }
    }
}

fn algorithm(i: &Inspection, out: &mut Vec<Finding>) {
    let Some(header) = i.header() else { return };
    match header.get("alg") {
        Some(Value::String(alg)) if token::header::is_alg_none(alg) => out.push(Finding::warning(
            "alg-none",
            format!(
                "alg is \"{}\": the token is unsigned, anyone can forge it; never accept it",
                crate::sanitize::escape(alg)
            ),
        )),
        Some(Value::String(_)) => {}
        Some(_) => out.push(Finding::error(
            "header-invalid",
            "header: alg is not a string",
        )),
        None if i.decoded.form == Form::Jws => {
            out.push(Finding::error("header-invalid", "header: no alg member"))
        }
        None => {}
    }
}

fn timing(i: &Inspection, checks: &Checks, out: &mut Vec<Finding>) {
    let now = checks.clock.now;
    for (name, why) in &i.times.invalid {
        out.push(Finding::error("claim-invalid", format!("{name} {why}")));
    }
    let when = |secs: i64| time::rfc3339(secs).unwrap_or_default();
    match (i.status, i.times.expires_at) {
        (Status::Expired, Some(exp)) => out.push(Finding::error(
            "expired",
            format!("expired {} ({})", time::relative(exp - now), when(exp)),
        )),
        (Status::NotYetValid, _) => {
            if let Some(nbf) = i.times.not_before {
                out.push(Finding::error(
                    "not-yet-valid",
                    format!(
                        "not valid until {} ({})",
                        when(nbf),
                        time::relative(nbf - now)
                    ),
                ));
            }
        }
        _ => {}
    }
    if i.decoded.payload.is_ok() && i.times.expires_at.is_none() && i.times.invalid.is_empty() {
        out.push(Finding::warning(
            "no-expiry",
            "no exp claim: this token never expires; if it leaks it stays usable until the key changes",
        ));
    }
}

fn signature(i: &Inspection, out: &mut Vec<Finding>) {
    match &i.verification {
        Some(v) => out.extend(v.findings.iter().cloned()),
        None if i.decoded.form == Form::Jws => out.push(Finding::info(
            "signature-unverified",
            "signature not verified: no key given (--secret, --key, --jwks-url, --discover)",
        )),
        None => {}
    }
}

fn requirements(i: &Inspection, checks: &Checks, out: &mut Vec<Finding>) {
    let s = &i.summary;
    for role in &checks.require_roles {
        if !s.has_role(role) {
            let hint = did_you_mean(role, s.roles.iter())
                .map(|r| format!("; did you mean {}?", crate::sanitize::escape(r)))
                .unwrap_or_default();
            out.push(
                Finding::error(
                    "missing-role",
                    format!(
                        "required role {role} is missing (roles: {}){hint}",
                        list_or_none(&s.roles)
                    ),
                )
                .about(role),
            );
        }
    }
    for scope in &checks.require_scopes {
        if !s.has_scope(scope) {
            let hint = did_you_mean(scope, s.scopes.iter())
                .map(|r| format!("; did you mean {}?", crate::sanitize::escape(r)))
                .unwrap_or_default();
            out.push(
                Finding::error(
                    "missing-scope",
                    format!(
                        "required scope {scope} is missing (scopes: {}){hint}",
                        list_or_none(&s.scopes)
                    ),
                )
                .about(scope),
            );
        }
    }
}

/// A name the token has that differs from `want` only in case or in a
/// prefix (`ADMIN` vs `ROLE_ADMIN`, `read` vs `api:read`): the likely slip.
fn did_you_mean<'a>(want: &str, have: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let want = want.to_lowercase();
    let prefixed = |long: &str, short: &str| {
        long.len() > short.len()
            && long.ends_with(short)
            && long[..long.len() - short.len()].ends_with(['_', ':', '-', '.', '/'])
    };
    let mut have = have;
    have.find(|h| {
        let h = h.to_lowercase();
        h == want || prefixed(&h, &want) || prefixed(&want, &h)
    })
}

/// What differs between a claim and the value asked for, when it is small.
fn difference(got: &str, want: &str) -> &'static str {
    if got.trim_end_matches('/') == want.trim_end_matches('/') {
        " (they differ only by a trailing slash)"
    } else if got.eq_ignore_ascii_case(want) {
        " (they differ only in case)"
    } else {
        ""
    }
}

/// `--iss` and `--aud`, judged on the claims exactly as the token has them.
fn issuer_audience(i: &Inspection, checks: &Checks, out: &mut Vec<Finding>) {
    let Some(payload) = i.payload() else {
        if checks.issuer.is_some() {
            out.push(Finding::error(
                "iss-mismatch",
                "the payload does not decode, so iss cannot be checked",
            ));
        }
        if checks.audience.is_some() {
            out.push(Finding::error(
                "aud-mismatch",
                "the payload does not decode, so aud cannot be checked",
            ));
        }
        return;
    };
    // Values shown once each, escaped, without quotes of their own.
    let text = |v: &Value| match v {
        Value::String(s) => crate::sanitize::escape(s).into_owned(),
        other => crate::sanitize::escape(&other.to_string()).into_owned(),
    };
    if let Some(want) = &checks.issuer {
        let shown_want = crate::sanitize::escape(want);
        match payload.get("iss") {
            Some(Value::String(iss)) if iss == want => {}
            Some(other) => {
                let hint = other.as_str().map_or("", |got| difference(got, want));
                out.push(Finding::error(
                    "iss-mismatch",
                    format!("iss is {}, expected {shown_want}{hint}", text(other)),
                ))
            }
            None => out.push(Finding::error(
                "iss-mismatch",
                format!("no iss claim; expected {shown_want}"),
            )),
        }
    }
    if let Some(want) = &checks.audience {
        let found = match payload.get("aud") {
            Some(Value::String(aud)) => aud == want,
            Some(Value::Array(items)) => items.iter().any(|a| a.as_str() == Some(want)),
            _ => false,
        };
        if !found {
            let (why, hint) = match payload.get("aud") {
                Some(aud) => {
                    let near = match aud {
                        Value::String(a) => difference(a, want),
                        Value::Array(items) => items
                            .iter()
                            .filter_map(Value::as_str)
                            .map(|a| difference(a, want))
                            .find(|d| !d.is_empty())
                            .unwrap_or(""),
                        _ => "",
                    };
                    (format!("aud is {}", text(aud)), near)
                }
                None => ("no aud claim".to_owned(), ""),
            };
            out.push(Finding::error(
                "aud-mismatch",
                format!(
                    "{why}; expected it to contain {}{hint}",
                    crate::sanitize::escape(want)
                ),
            ));
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        crate::sanitize::escape(&items.join(" ")).into_owned()
    }
}

fn controls(i: &Inspection, out: &mut Vec<Finding>) {
    let mut members = Vec::new();
    if let Some(h) = i.header() {
        findings::control_character_members(h, "header", &mut members);
    }
    // A payload written back verbatim is printable ASCII with no escape:
    // no member of it can hold a control character.
    if let (Some(p), None) = (i.payload(), &i.decoded.payload_text) {
        findings::control_character_members(p, "", &mut members);
    }
    if !members.is_empty() {
        out.push(Finding::warning(
            "control-characters",
            format!(
                "terminal control or bidi characters in {} (shown escaped); the token may try to spoof what you see",
                findings::some_of(members.into_iter(), 12)
            ),
        ));
    }
}
