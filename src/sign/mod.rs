//! Making and editing tokens: `jwtinspect sign` and `jwtinspect edit`
//! (contract "sign and edit").
//!
//! The flow: read the starting point (claims, a `--json` line or a token),
//! apply the user's changes in a fixed order, pick the algorithm the key
//! allows, sign. Nothing here prints: the caller writes the token (or its
//! inspection) and the notes for stderr.

pub(crate) mod draft;
pub(crate) mod encrypt;
pub(crate) mod key;

use std::io::Read;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::verify::signature::{Alg, Needs};

pub use draft::Draft;
pub use encrypt::Encrypt;
pub use key::{KeySource, SigningKey};

/// Where the token starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// `sign [CLAIMS]`: the argument as given (JSON text, a file, or `-`); None is `{}`.
    Claims(Option<String>),
    /// `edit TOKEN`: the argument as given (token text, a file, or `-`).
    Token(String),
    /// Text already in memory (the serve page): claims, or with `edit` a
    /// token; never a file name or `-`.
    Text { text: String, edit: bool },
}

/// The resolved flags of `sign` and `edit`.
#[derive(Debug, Clone)]
pub struct Spec {
    pub start: Start,
    pub key: KeySource,
    /// `--alg`.
    pub alg: Option<String>,
    /// `--header NAME=VALUE`, in order.
    pub headers: Vec<String>,
    /// `--set PATH=VALUE`, in order.
    pub sets: Vec<String>,
    /// `--unset PATH`, in order.
    pub unsets: Vec<String>,
    pub iss: Option<String>,
    pub sub: Option<String>,
    pub aud: Vec<String>,
    pub jti: Option<String>,
    pub exp: Option<String>,
    pub nbf: Option<String>,
    pub iat: Option<String>,
    pub no_iat: bool,
    /// `--now`: relative times count from it.
    pub now: Option<String>,
    /// `edit --unsafe-none`: an unsigned `alg: none` token.
    pub unsafe_none: bool,
    /// `--encrypt-to`: wrap the signed token in a JWE.
    pub encrypt: Option<Encrypt>,
}

impl Spec {
    /// A spec that changes nothing (tests and benches fill in the rest).
    pub fn new(start: Start, key: KeySource) -> Spec {
        Spec {
            start,
            key,
            alg: None,
            headers: Vec::new(),
            sets: Vec::new(),
            unsets: Vec::new(),
            iss: None,
            sub: None,
            aud: Vec::new(),
            jti: None,
            exp: None,
            nbf: None,
            iat: None,
            no_iat: false,
            now: None,
            unsafe_none: false,
            encrypt: None,
        }
    }
}

/// A token made, and what the user should read on stderr.
#[derive(Debug, Clone)]
pub struct Made {
    pub token: String,
    /// What verifies the signature (None: `alg: none`, or encrypted with `--encrypt-to`).
    pub verifying: Option<crate::verify::keys::Material>,
    /// The "now" relative times were counted from (for the `--json` inspection).
    pub now: i64,
    pub notes: Vec<String>,
}

/// Make the token `spec` asks for.
pub fn make(spec: &Spec) -> Result<Made, Error> {
    let mut notes = Vec::new();
    let clock = chrono::Utc::now().timestamp();
    let now = match &spec.now {
        Some(t) => at(t, "--now", clock, "the clock", &mut notes).map_err(Error::Usage)?,
        None => clock,
    };
    let command = match spec.start {
        Start::Claims(_) | Start::Text { edit: false, .. } => "sign",
        Start::Token(_) | Start::Text { edit: true, .. } => "edit",
    };
    // Every flag is checked before anything is read from standard input.
    let key = key::load(&spec.key)?;
    let key = match (key, spec.unsafe_none) {
        (Some(_), true) => {
            return Err(Error::usage(
                "--unsafe-none makes an unsigned token: give no key with it",
            ))
        }
        (None, false) => {
            return Err(Error::usage(format!(
                "{command} needs a key to sign with: --key FILE (a private PEM key, JWK or \
                 JWKS with --kid), --secret TEXT, --secret-file FILE or --secret-base64 TEXT{}",
                if command == "edit" {
                    "; or --unsafe-none for an unsigned alg none token"
                } else {
                    ""
                }
            )))
        }
        (key, _) => key,
    };
    let recipient = spec.encrypt.as_ref().map(Encrypt::load).transpose()?;
    let mut draft = match &spec.start {
        Start::Claims(None) => Draft::plain(Map::new()),
        Start::Claims(Some(arg)) => {
            Draft::from_claims(&read_arg(arg, "CLAIMS")?).map_err(Error::Usage)?
        }
        Start::Token(arg) => {
            let text = read_arg(arg, "TOKEN")?;
            Draft::from_token(bare_token(&text)).map_err(Error::Usage)?
        }
        Start::Text { text, edit: false } if text.trim().is_empty() => Draft::plain(Map::new()),
        Start::Text { text, edit: false } => Draft::from_claims(text).map_err(Error::Usage)?,
        Start::Text { text, edit: true } => {
            Draft::from_token(bare_token(text)).map_err(Error::Usage)?
        }
    };
    let alg = match &key {
        Some(key) => Some(choose_alg(spec, key, &draft).map_err(Error::Usage)?),
        None => None,
    };
    apply(spec, &mut draft, alg, now, &mut notes).map_err(Error::Usage)?;
    let (header, payload) = draft.encode();
    let input = format!("{header}.{payload}");
    let signature = match (&key, alg) {
        (Some(key), Some(alg)) => key.sign(alg, input.as_bytes())?,
        _ => {
            notes.push(
                "an alg none token is unsigned and proves nothing; make it only to \
                 test that servers reject it"
                    .to_owned(),
            );
            String::new()
        }
    };
    let token = format!("{input}.{signature}");
    let (token, verifying) = match (&recipient, &key) {
        (Some(r), _) => (r.encrypt(&token)?, None),
        (None, Some(key)) => (token, Some(key.verifying_material()?)),
        (None, None) => (token, None),
    };
    Ok(Made {
        token,
        verifying,
        now,
        notes,
    })
}

/// The algorithm: `--alg`, else the JWK's `alg`, else the token's own `alg`
/// when the key can sign with it (so `edit` keeps PS384 a PS384), else the key's.
fn choose_alg(spec: &Spec, key: &SigningKey, draft: &Draft) -> Result<Alg, String> {
    let named = |name: &str, source: &str| -> Result<Alg, String> {
        if name.eq_ignore_ascii_case("none") {
            return Err(format!(
                "{source} none: an alg none token is unsigned; make one with \
                 jwtinspect edit TOKEN --unsafe-none"
            ));
        }
        Alg::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                format!(
                    "{source} {}: not an algorithm jwtinspect signs with ({})",
                    name.escape_debug(),
                    Alg::names()
                )
            })
    };
    let jwk = match &key.jwk_alg {
        Some(name) => Some(named(name, &format!("{}: the JWK's alg", key.label))?),
        None => None,
    };
    let alg = match (&spec.alg, jwk) {
        (Some(name), jwk) => {
            let alg = named(name, "--alg")?;
            if let Some(j) = jwk.filter(|&j| j != alg) {
                return Err(format!(
                    "--alg {}: {} is a JWK for alg {} only",
                    alg.name(),
                    key.label,
                    j.name()
                ));
            }
            alg
        }
        (None, Some(jwk)) => jwk,
        (None, None) => {
            let own = draft
                .header
                .get("alg")
                .and_then(Value::as_str)
                .and_then(Alg::parse)
                .filter(|&a| {
                    key.fits(a).is_ok()
                        || (a.needs() == Needs::Hmac && key.default_alg().needs() == Needs::Hmac)
                });
            own.unwrap_or_else(|| key.default_alg())
        }
    };
    key.fits(alg)?;
    Ok(alg)
}

/// The changes, in a fixed order: alg (and `typ` for plain claims), `--header`,
/// the shorthands (default `iat` among them), `--set`, `--unset`.
fn apply(
    spec: &Spec,
    draft: &mut Draft,
    alg: Option<Alg>,
    now: i64,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let alg_name = alg.map_or("none", Alg::name);
    if draft.plain {
        draft.header.insert("alg".into(), alg_name.into());
        draft.header.insert("typ".into(), "JWT".into());
    } else {
        draft.header.insert("alg".into(), alg_name.into());
    }
    for text in &spec.headers {
        let (name, value) = draft::assignment(text, "--header")?;
        if name == "alg" {
            return Err(
                "--header alg=...: the alg is chosen with --alg (and must fit the key)".to_owned(),
            );
        }
        draft
            .header
            .insert(name.to_owned(), draft::json_or_string(value));
    }
    let claims = &mut draft.payload;
    for (name, value) in [("iss", &spec.iss), ("sub", &spec.sub)] {
        if let Some(v) = value {
            claims.insert(name.into(), Value::String(v.clone()));
        }
    }
    match spec.aud.as_slice() {
        [] => {}
        [one] => {
            claims.insert("aud".into(), Value::String(one.clone()));
        }
        many => {
            let all = many.iter().cloned().map(Value::String).collect();
            claims.insert("aud".into(), Value::Array(all));
        }
    }
    if let Some(jti) = &spec.jti {
        claims.insert("jti".into(), Value::String(jti.clone()));
    }
    let iat = match &spec.iat {
        Some(t) => Some(at(t, "--iat", now, "--now", notes)?),
        None if draft.plain && !spec.no_iat && !claims.contains_key("iat") => Some(now),
        None => None,
    };
    for (name, value) in [
        ("iat", iat.map(Ok)),
        (
            "nbf",
            spec.nbf
                .as_ref()
                .map(|t| at(t, "--nbf", now, "--now", notes)),
        ),
        (
            "exp",
            spec.exp
                .as_ref()
                .map(|t| at(t, "--exp", now, "--now", notes)),
        ),
    ] {
        if let Some(v) = value {
            claims.insert(name.into(), v?.into());
        }
    }
    for text in &spec.sets {
        let (path, value) = draft::assignment(text, "--set")?;
        draft::set(claims, path, draft::json_or_string(value))?;
    }
    for path in &spec.unsets {
        draft::unset(claims, path, "--unset")?;
    }
    Ok(())
}

/// A token argument as given: `Bearer ` and surrounding white space dropped.
fn bare_token(text: &str) -> &str {
    let t = text.trim();
    match t.split_once(char::is_whitespace) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => t,
    }
}

/// An argument that is text, `-` (standard input) or the path of an existing file.
fn read_arg(arg: &str, what: &str) -> Result<String, Error> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::io(format!("reading {what} from standard input"), e))?;
        return Ok(text);
    }
    let path = std::path::Path::new(arg);
    if !arg.trim_start().starts_with('{') && path.is_file() {
        return std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("reading {what} {}", path.display()), e));
    }
    Ok(arg.to_owned())
}

/// A time given to `flag` (the contract's "Time" forms), relative forms
/// counted from `base` (`base_name` in messages); a note goes to `notes`.
fn at(
    text: &str,
    flag: &str,
    base: i64,
    base_name: &str,
    notes: &mut Vec<String>,
) -> Result<i64, String> {
    let (secs, note) = crate::meaning::time::parse_time(text, flag, base, base_name)?;
    notes.extend(note);
    Ok(secs)
}
