//! JSON Web Encryption (RFC 7516, algorithms of RFC 7518 and RFC 8037): the
//! compact serialization, decrypted and made.
//!
//! Self-contained: it uses no other module of the crate; the inspect flow and
//! `sign --encrypt-to` call it. The crypto is aws-lc-rs; only the JOSE glue
//! (header members, Concat KDF input, the CBC-HMAC composition, RFC 3394 over
//! AES-192) is written here.
//!
//! Security rules, each with a test:
//! - whatever fails once the key is chosen (key unwrap, tag, padding, a
//!   tampered header, IV or ciphertext) is the one [`JweError::DecryptionFailed`];
//!   `RSA1_5` goes on with a random content key when the unwrap fails
//!   (RFC 7516 §11.5), so no step answers differently;
//! - the tag is checked before anything is decrypted or inflated; the AAD is
//!   the protected header segment exactly as it is in the token;
//! - an `epk` off its curve, a low-order X25519 point or an `epk` on another
//!   curve than the key is refused; so is `p2c` above [`MAX_P2C`], before any
//!   work; inflating stops at [`MAX_PLAINTEXT`].

mod content;
mod ecdh;
mod keys;
mod kw;
mod manage;
mod zip;

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

pub use keys::{DecryptionKey, KeyError, RecipientKey};

/// The highest PBES2 iteration count a token may ask for.
pub const MAX_P2C: u64 = 1_000_000;
/// The largest plaintext after `zip: DEF` is inflated.
pub const MAX_PLAINTEXT: usize = 16 * 1024 * 1024;

/// The key-management algorithms (`alg`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alg {
    RsaOaep,
    RsaOaep256,
    RsaOaep384,
    RsaOaep512,
    Rsa1_5,
    A128Kw,
    A192Kw,
    A256Kw,
    A128GcmKw,
    A192GcmKw,
    A256GcmKw,
    Dir,
    EcdhEs,
    EcdhEsA128Kw,
    EcdhEsA192Kw,
    EcdhEsA256Kw,
    Pbes2Hs256A128Kw,
    Pbes2Hs384A192Kw,
    Pbes2Hs512A256Kw,
}

impl Alg {
    /// Every `alg`, in the contract's order.
    pub const ALL: [Alg; 19] = [
        Alg::RsaOaep,
        Alg::RsaOaep256,
        Alg::RsaOaep384,
        Alg::RsaOaep512,
        Alg::Rsa1_5,
        Alg::A128Kw,
        Alg::A192Kw,
        Alg::A256Kw,
        Alg::A128GcmKw,
        Alg::A192GcmKw,
        Alg::A256GcmKw,
        Alg::Dir,
        Alg::EcdhEs,
        Alg::EcdhEsA128Kw,
        Alg::EcdhEsA192Kw,
        Alg::EcdhEsA256Kw,
        Alg::Pbes2Hs256A128Kw,
        Alg::Pbes2Hs384A192Kw,
        Alg::Pbes2Hs512A256Kw,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Alg::RsaOaep => "RSA-OAEP",
            Alg::RsaOaep256 => "RSA-OAEP-256",
            Alg::RsaOaep384 => "RSA-OAEP-384",
            Alg::RsaOaep512 => "RSA-OAEP-512",
            Alg::Rsa1_5 => "RSA1_5",
            Alg::A128Kw => "A128KW",
            Alg::A192Kw => "A192KW",
            Alg::A256Kw => "A256KW",
            Alg::A128GcmKw => "A128GCMKW",
            Alg::A192GcmKw => "A192GCMKW",
            Alg::A256GcmKw => "A256GCMKW",
            Alg::Dir => "dir",
            Alg::EcdhEs => "ECDH-ES",
            Alg::EcdhEsA128Kw => "ECDH-ES+A128KW",
            Alg::EcdhEsA192Kw => "ECDH-ES+A192KW",
            Alg::EcdhEsA256Kw => "ECDH-ES+A256KW",
            Alg::Pbes2Hs256A128Kw => "PBES2-HS256+A128KW",
            Alg::Pbes2Hs384A192Kw => "PBES2-HS384+A192KW",
            Alg::Pbes2Hs512A256Kw => "PBES2-HS512+A256KW",
        }
    }

    /// The `alg` named `name` (exact, as RFC 7518 spells it; `--key-alg`
    /// callers may also pass any case).
    pub fn from_name(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.name() == name).or_else(|| {
            Alg::ALL
                .into_iter()
                .find(|a| a.name().eq_ignore_ascii_case(name))
        })
    }

    /// The key it needs, for messages: "an RSA key", "a 16-byte key", ...
    fn needs(self) -> String {
        match self {
            Alg::RsaOaep | Alg::RsaOaep256 | Alg::RsaOaep384 | Alg::RsaOaep512 | Alg::Rsa1_5 => {
                "an RSA key".to_owned()
            }
            Alg::EcdhEs | Alg::EcdhEsA128Kw | Alg::EcdhEsA192Kw | Alg::EcdhEsA256Kw => {
                "an EC (P-256, P-384, P-521) or X25519 key".to_owned()
            }
            Alg::Pbes2Hs256A128Kw | Alg::Pbes2Hs384A192Kw | Alg::Pbes2Hs512A256Kw => {
                "a password (--secret)".to_owned()
            }
            Alg::Dir => "a symmetric key as long as the enc's key".to_owned(),
            _ => format!("a {}-byte symmetric key", self.kw_len().unwrap_or(0)),
        }
    }

    /// The AES key-wrap key length in bytes of a `*KW` algorithm.
    fn kw_len(self) -> Option<usize> {
        match self {
            Alg::A128Kw | Alg::A128GcmKw | Alg::EcdhEsA128Kw | Alg::Pbes2Hs256A128Kw => Some(16),
            Alg::A192Kw | Alg::A192GcmKw | Alg::EcdhEsA192Kw | Alg::Pbes2Hs384A192Kw => Some(24),
            Alg::A256Kw | Alg::A256GcmKw | Alg::EcdhEsA256Kw | Alg::Pbes2Hs512A256Kw => Some(32),
            _ => None,
        }
    }

    /// Whether it can only be used to decrypt (RSA1_5: RFC 8725 §3.2).
    pub fn decrypt_only(self) -> bool {
        self == Alg::Rsa1_5
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The content-encryption algorithms (`enc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Enc {
    A128CbcHs256,
    A192CbcHs384,
    A256CbcHs512,
    A128Gcm,
    A192Gcm,
    A256Gcm,
}

impl Enc {
    /// Every `enc`, in the contract's order.
    pub const ALL: [Enc; 6] = [
        Enc::A128CbcHs256,
        Enc::A192CbcHs384,
        Enc::A256CbcHs512,
        Enc::A128Gcm,
        Enc::A192Gcm,
        Enc::A256Gcm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Enc::A128CbcHs256 => "A128CBC-HS256",
            Enc::A192CbcHs384 => "A192CBC-HS384",
            Enc::A256CbcHs512 => "A256CBC-HS512",
            Enc::A128Gcm => "A128GCM",
            Enc::A192Gcm => "A192GCM",
            Enc::A256Gcm => "A256GCM",
        }
    }

    pub fn from_name(name: &str) -> Option<Enc> {
        Enc::ALL.into_iter().find(|e| e.name() == name).or_else(|| {
            Enc::ALL
                .into_iter()
                .find(|e| e.name().eq_ignore_ascii_case(name))
        })
    }

    /// The content key (CEK) length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Enc::A128Gcm => 16,
            Enc::A192Gcm => 24,
            Enc::A256Gcm | Enc::A128CbcHs256 => 32,
            Enc::A192CbcHs384 => 48,
            Enc::A256CbcHs512 => 64,
        }
    }
}

impl fmt::Display for Enc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something worth telling about a token that did decrypt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// The token uses RSA1_5 (RSAES-PKCS1-v1_5), which RFC 8725 §3.2 advises against.
    Rsa1_5,
}

impl Warning {
    /// The finding code.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::Rsa1_5 => "rsa1_5",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Warning::Rsa1_5 => {
                "key management RSA1_5 (RSAES-PKCS1-v1_5) is open to padding-oracle attacks (RFC 8725 §3.2); use RSA-OAEP-256"
            }
        }
    }
}

/// A decrypted JWE.
#[derive(Debug)]
pub struct Decrypted {
    /// The protected header, members in the token's order.
    pub protected_header: Map<String, Value>,
    /// The plaintext, inflated when the header says `zip: DEF`.
    pub plaintext: Vec<u8>,
    pub warnings: Vec<Warning>,
    /// Which of the keys given decrypted it (an index into the slice).
    pub key_index: usize,
}

/// Why a JWE was not decrypted or made. The messages never hold key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JweError {
    /// Not five dot-separated segments.
    NotCompact(usize),
    /// The protected header segment is not base64url of a JSON object, or a
    /// member the algorithms need is missing or malformed.
    Header(String),
    /// An `alg`, `enc`, `zip` or `crit` this tool does not implement.
    Unsupported(String),
    /// A limit of the contract: `p2c`, the inflated size, the `epk` point.
    Limit(String),
    /// None of the keys given can be used for this token, and why.
    NoFittingKey(String),
    /// The one answer for every failure after a key was chosen.
    DecryptionFailed,
    /// Encryption: the key or options do not fit.
    Encrypt(String),
}

impl JweError {
    /// The finding code for the inspect report.
    /// Every failure to decrypt is `decryption-failed`; the message tells a
    /// limit or an unfit key apart from the one message of a failed decryption.
    pub fn code(&self) -> &'static str {
        match self {
            JweError::Encrypt(_) => "encryption-failed",
            _ => "decryption-failed",
        }
    }
}

impl fmt::Display for JweError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JweError::NotCompact(n) => write!(
                f,
                "a compact JWE has five dot-separated segments, this has {n}"
            ),
            JweError::Header(m) => write!(f, "JWE header: {m}"),
            JweError::Unsupported(m) => write!(f, "JWE: {m}"),
            JweError::Limit(m) => write!(f, "JWE refused: {m}"),
            JweError::NoFittingKey(m) => write!(f, "JWE not decrypted: {m}"),
            JweError::DecryptionFailed => f.write_str(
                "decryption failed: the key does not decrypt this token, or the token was altered",
            ),
            JweError::Encrypt(m) => write!(f, "JWE encryption: {m}"),
        }
    }
}

impl std::error::Error for JweError {}

/// The five segments of a compact JWE, borrowed from the token text.
struct Parts<'a> {
    header_b64: &'a str,
    encrypted_key: &'a str,
    iv: &'a str,
    ciphertext: &'a str,
    tag: &'a str,
}

fn split(compact: &str) -> Result<Parts<'_>, JweError> {
    let compact = compact.trim();
    let segs: Vec<&str> = compact.split('.').collect();
    match segs[..] {
        [header_b64, encrypted_key, iv, ciphertext, tag] => Ok(Parts {
            header_b64,
            encrypted_key,
            iv,
            ciphertext,
            tag,
        }),
        _ => Err(JweError::NotCompact(segs.len())),
    }
}

/// Decode a base64url segment after the header: any fault is the one failure.
fn segment(text: &str) -> Result<Vec<u8>, JweError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| JweError::DecryptionFailed)
}

/// The protected header of a compact JWE, members in the token's order
/// (what is shown when no key is given).
pub fn protected_header(compact: &str) -> Result<Map<String, Value>, JweError> {
    let parts = split(compact)?;
    parse_header(parts.header_b64)
}

fn parse_header(b64: &str) -> Result<Map<String, Value>, JweError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| JweError::Header("the first segment is not base64url".to_owned()))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(JweError::Header("not a JSON object".to_owned())),
        Err(e) => Err(JweError::Header(format!("not JSON ({e})"))),
    }
}

/// The header members that decide how to decrypt, checked before any work.
pub(crate) struct Header<'h> {
    pub alg: Alg,
    pub enc: Enc,
    pub kid: Option<&'h str>,
    pub map: &'h Map<String, Value>,
}

fn header_str<'h>(map: &'h Map<String, Value>, name: &str) -> Result<Option<&'h str>, JweError> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(JweError::Header(format!("\"{name}\" is not a string"))),
    }
}

fn read_header(map: &Map<String, Value>) -> Result<Header<'_>, JweError> {
    let alg_name =
        header_str(map, "alg")?.ok_or_else(|| JweError::Header("no \"alg\" member".to_owned()))?;
    let enc_name =
        header_str(map, "enc")?.ok_or_else(|| JweError::Header("no \"enc\" member".to_owned()))?;
    let alg = Alg::ALL
        .into_iter()
        .find(|a| a.name() == alg_name)
        .ok_or_else(|| {
            JweError::Unsupported(format!(
                "key management \"{}\" is not implemented",
                alg_name.escape_default()
            ))
        })?;
    let enc = Enc::ALL
        .into_iter()
        .find(|e| e.name() == enc_name)
        .ok_or_else(|| {
            JweError::Unsupported(format!(
                "content encryption \"{}\" is not implemented",
                enc_name.escape_default()
            ))
        })?;
    match header_str(map, "zip")? {
        None | Some("DEF") => {}
        Some(other) => {
            return Err(JweError::Unsupported(format!(
                "compression \"{}\" is not implemented (only DEF)",
                other.escape_default()
            )))
        }
    }
    if let Some(crit) = map.get("crit") {
        let names = crit.as_array().filter(|a| !a.is_empty()).ok_or_else(|| {
            JweError::Header("\"crit\" must be a non-empty array of names".to_owned())
        })?;
        let listed: Vec<String> = names
            .iter()
            .map(|n| n.as_str().unwrap_or("?").escape_default().to_string())
            .collect();
        return Err(JweError::Unsupported(format!(
            "\"crit\" names {} which jwtinspect does not implement (RFC 7516 §4.1.13)",
            listed.join(", ")
        )));
    }
    Ok(Header {
        alg,
        enc,
        kid: header_str(map, "kid")?,
        map,
    })
}

/// Decrypt a compact JWE with the first of `keys` that fits it.
///
/// A key fits when its type fits `alg` (and, for ECDH-ES, its curve the
/// `epk`), a JWK's `alg` names the token's (for `dir`: its `alg` or `enc`), a
/// JWK's `use`/`key_ops` allow decryption, and, when both carry a `kid`, the
/// two are equal. Every fitting key is tried; when none decrypts the answer is
/// [`JweError::DecryptionFailed`] whatever went wrong.
pub fn decrypt(compact: &str, keys: &[DecryptionKey]) -> Result<Decrypted, JweError> {
    let parts = split(compact)?;
    let map = parse_header(parts.header_b64)?;
    let header = read_header(&map)?;
    // Limits and the epk are checked on the header alone, before any key work.
    let plan = manage::plan(&header)?;

    let mut reasons = Vec::new();
    let mut fitting = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        match key.fits(&header, &plan) {
            Ok(()) => fitting.push(i),
            Err(why) => reasons.push(why),
        }
    }
    if fitting.is_empty() {
        return Err(JweError::NoFittingKey(if reasons.is_empty() {
            format!(
                "{} needs {}; no key was given",
                header.alg,
                header.alg.needs()
            )
        } else {
            reasons.join("; ")
        }));
    }

    let encrypted_key = segment(parts.encrypted_key)?;
    let iv = segment(parts.iv)?;
    let ciphertext = segment(parts.ciphertext)?;
    let tag = segment(parts.tag)?;
    let aad = parts.header_b64.as_bytes();

    let mut last = JweError::DecryptionFailed;
    for i in fitting {
        let cek = match manage::unwrap_cek(&header, &plan, &keys[i], &encrypted_key) {
            Ok(cek) => cek,
            Err(e) => {
                last = e;
                continue;
            }
        };
        match content::decrypt(header.enc, &cek, &iv, aad, &ciphertext, &tag) {
            Ok(plaintext) => {
                let plaintext = match header_str(&map, "zip")? {
                    Some("DEF") => zip::inflate(&plaintext, MAX_PLAINTEXT)?,
                    _ => plaintext,
                };
                let mut warnings = Vec::new();
                if header.alg == Alg::Rsa1_5 {
                    warnings.push(Warning::Rsa1_5);
                }
                return Ok(Decrypted {
                    protected_header: map.clone(),
                    plaintext,
                    warnings,
                    key_index: i,
                });
            }
            Err(e) => last = e,
        }
    }
    // Only limits may differ from the one failure (an epk found bad while
    // agreeing, say); anything else is the same message.
    Err(match last {
        JweError::Limit(m) => JweError::Limit(m),
        _ => JweError::DecryptionFailed,
    })
}

/// What to make: the algorithms and the header members beside them.
#[derive(Clone, Debug)]
pub struct EncryptOptions {
    pub alg: Alg,
    pub enc: Enc,
    /// Deflate the plaintext first and say `zip: DEF`.
    pub zip: bool,
    /// More protected-header members (`cty`, `typ`, ...), after `alg`, `enc`
    /// and `kid`; members the algorithm sets itself (`epk`, `p2s`, ...) win.
    pub extra: Map<String, Value>,
    /// The PBES2 iteration count.
    pub p2c: u32,
}

impl EncryptOptions {
    /// The contract's defaults for a key: RSA-OAEP-256 for RSA, ECDH-ES+A256KW
    /// for EC/OKP, A256KW for a symmetric key; A256GCM.
    pub fn for_key(key: &RecipientKey) -> EncryptOptions {
        EncryptOptions {
            alg: key.default_alg(),
            enc: Enc::A256Gcm,
            zip: false,
            extra: Map::new(),
            p2c: 600_000,
        }
    }
}

/// Encrypt `plaintext` for `key` into a compact JWE.
pub fn encrypt(
    plaintext: &[u8],
    key: &RecipientKey,
    options: &EncryptOptions,
) -> Result<String, JweError> {
    let (alg, enc) = (options.alg, options.enc);
    if alg.decrypt_only() {
        return Err(JweError::Encrypt(format!(
            "{alg} is decrypt-only here (RFC 8725 §3.2); use RSA-OAEP-256"
        )));
    }
    key.fits(alg, enc)?;
    if options.p2c == 0 || u64::from(options.p2c) > MAX_P2C {
        return Err(JweError::Encrypt(format!(
            "p2c must be between 1 and {MAX_P2C}"
        )));
    }
    let mut header = Map::new();
    header.insert("alg".to_owned(), Value::from(alg.name()));
    header.insert("enc".to_owned(), Value::from(enc.name()));
    if options.zip {
        header.insert("zip".to_owned(), Value::from("DEF"));
    }
    if let Some(kid) = key.kid() {
        header.insert("kid".to_owned(), Value::from(kid));
    }
    for (k, v) in &options.extra {
        if !matches!(k.as_str(), "alg" | "enc" | "zip") {
            header.insert(k.clone(), v.clone());
        }
    }
    let (cek, encrypted_key) = manage::wrap_new_cek(alg, enc, key, options.p2c, &mut header)?;
    let header_b64 = URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&header).map_err(|e| JweError::Encrypt(e.to_string()))?);
    let deflated;
    let body = if options.zip {
        deflated = zip::deflate(plaintext);
        &deflated[..]
    } else {
        plaintext
    };
    let sealed = content::encrypt(enc, &cek, header_b64.as_bytes(), body)?;
    Ok(format!(
        "{header_b64}.{}.{}.{}.{}",
        URL_SAFE_NO_PAD.encode(encrypted_key),
        URL_SAFE_NO_PAD.encode(sealed.iv),
        URL_SAFE_NO_PAD.encode(sealed.ciphertext),
        URL_SAFE_NO_PAD.encode(sealed.tag)
    ))
}

/// Fresh random bytes.
fn random(len: usize) -> Result<Vec<u8>, JweError> {
    let mut v = vec![0u8; len];
    aws_lc_rs::rand::fill(&mut v).map_err(|_| JweError::Encrypt("no randomness".to_owned()))?;
    Ok(v)
}

#[cfg(test)]
mod tests;
