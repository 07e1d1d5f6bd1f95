//! Verification keys, exactly as the user gave them: HMAC secrets, PEM public
//! keys and certificates, JWK and JWKS files, a JWKS URL, OpenID discovery.
//! Keys never come from the token itself (`jku`, `x5u`, `jwk`, `x5c`).
//!
//! Every key is classified once, when it is loaded: its kind (HMAC, RSA, EC
//! curve, Ed25519) decides which algorithms it may verify, so a public key
//! can never be used as an HMAC secret (the RS256→HS256 confusion attack).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{self as sig, ParsedPublicKey};
use jsonwebtoken::DecodingKey;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::jwe::DecryptionKey;
use crate::token::decode::{b64_segment, quote};

/// The curves of ES256, ES384, ES512 (NIST) and ES256K (secp256k1, RFC 8812).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

impl Curve {
    pub const ALL: [Curve; 4] = [Curve::P256, Curve::P384, Curve::P521, Curve::Secp256k1];

    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }

    /// Bytes in one coordinate (and in each of R and S of a signature).
    pub fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
            Curve::Secp256k1 => 32,
        }
    }

    /// The backend's verifier for fixed-size (R || S) signatures on this curve.
    pub fn verification(self) -> &'static sig::EcdsaVerificationAlgorithm {
        match self {
            Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED,
            Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED,
            Curve::Secp256k1 => &sig::ECDSA_P256K1_SHA256_FIXED,
        }
    }

    fn from_name(name: &str) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// What a key is, and the bytes the backend verifies with.
#[derive(Clone)]
pub enum Material {
    /// An HMAC secret (`--secret*`, a JWK of kty `oct`).
    Hmac(DecodingKey),
    /// An RSA public key (SubjectPublicKeyInfo DER or n/e).
    Rsa { key: DecodingKey, bits: usize },
    /// An EC public key (SubjectPublicKeyInfo DER or an uncompressed point).
    Ec { curve: Curve, key: DecodingKey },
    /// An Ed25519 public key (SubjectPublicKeyInfo DER or the raw 32 bytes).
    Ed25519(DecodingKey),
}

impl Material {
    /// "an RSA 2048-bit public key", for messages.
    pub fn describe(&self) -> String {
        match self {
            Material::Hmac(_) => "an HMAC secret".to_owned(),
            Material::Rsa { bits, .. } => format!("an RSA {bits}-bit public key"),
            Material::Ec { curve, .. } => format!("an EC {} public key", curve.name()),
            Material::Ed25519(_) => "an Ed25519 public key".to_owned(),
        }
    }
}

impl fmt::Debug for Material {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// One usable key and what the user should read about it.
#[derive(Debug, Clone)]
pub struct Key {
    pub material: Material,
    /// The JWK `kid`.
    pub kid: Option<String>,
    /// The JWK `alg`: when present, the only algorithm the key may verify.
    pub alg: Option<String>,
    /// The JWK `use` (`sig` or `enc`).
    pub usage: Option<String>,
    /// The JWK `key_ops` (RFC 7517 §4.3): when present, it must list `verify`.
    pub ops: Option<Vec<String>>,
    /// Where the key came from, as the report names it ("keys.pem", "kid \"a\" in https://...").
    pub label: String,
    /// The public key as the backend parses it, once per algorithm.
    pub prepared: Prepared,
}

/// How many algorithms one key may verify: RS256 ... PS512 for an RSA key.
pub const PREPARED_SLOTS: usize = 6;

/// A key's public half parsed by the backend, one slot per algorithm it
/// verifies, each made on first use and then kept. Verifying many tokens
/// with one key then parses it once, not once a token: the parse (and, for
/// RSA, its Montgomery set-up) was about 9% of each RS256 verification.
/// A key the backend refuses is remembered as None.
#[derive(Clone, Default)]
pub struct Prepared([OnceLock<Option<ParsedPublicKey>>; PREPARED_SLOTS]);

impl Prepared {
    /// The key parsed for `slot`, by `parse` the first time.
    pub fn get_or_parse(
        &self,
        slot: usize,
        parse: impl FnOnce() -> Option<ParsedPublicKey>,
    ) -> Option<&ParsedPublicKey> {
        self.0.get(slot)?.get_or_init(parse).as_ref()
    }
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parsed = self.0.iter().filter(|s| s.get().is_some()).count();
        write!(f, "Prepared({parsed} parsed)")
    }
}

/// A key in a JWKS that cannot be used, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub kid: Option<String>,
    pub why: String,
}

/// The keys of one run: from one flag, loaded (and fetched) once.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    pub keys: Vec<Key>,
    pub skipped: Vec<Skipped>,
    /// Where the set came from (a file, a URL), for messages.
    pub origin: String,
    /// The key source itself failed a check (a discovery document for
    /// another issuer): nothing verifies, for this reason.
    pub refused: Option<String>,
}

impl KeySet {
    fn single(key: Key, origin: String) -> KeySet {
        KeySet {
            keys: vec![key],
            origin,
            ..KeySet::default()
        }
    }

    /// The kids in the set, usable or not (for "no key with kid X" messages).
    pub fn kids(&self) -> Vec<&str> {
        let usable = self.keys.iter().filter_map(|k| k.kid.as_deref());
        let skipped = self.skipped.iter().filter_map(|s| s.kid.as_deref());
        usable.chain(skipped).collect()
    }
}

// ----------------------------------------------------------------- secrets

/// An HMAC secret given with `flag`. A public key, certificate or JWK is
/// refused: HMAC with public bytes as the secret is the RS256→HS256 attack.
pub fn secret(bytes: Vec<u8>, flag: &str, label: String) -> Result<KeySet, Error> {
    if bytes.is_empty() {
        return Err(Error::usage(format!(
            "{flag}: the secret is empty; an HMAC secret needs at least one byte"
        )));
    }
    if let Some(what) = looks_like_a_key(&bytes) {
        return Err(Error::usage(format!(
            "{flag}: this is {what}, not an HMAC secret; refusing to use a key as an HMAC secret \
             (that is the RS256→HS256 key-confusion attack): give public keys, certificates, \
             JWKs and JWKS with --key FILE"
        )));
    }
    let key = Key {
        material: Material::Hmac(DecodingKey::from_secret(&bytes)),
        kid: None,
        alg: None,
        usage: None,
        ops: None,
        label: label.clone(),
        prepared: Prepared::default(),
    };
    Ok(KeySet::single(key, label))
}

/// Is this secret really a key in disguise? Says what it is.
fn looks_like_a_key(bytes: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim();
    if trimmed.contains("-----BEGIN ") {
        return Some("a PEM key or certificate");
    }
    if trimmed.starts_with('{') {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(trimmed) {
            if map.contains_key("kty") {
                return Some("a JWK");
            }
            if map.contains_key("keys") {
                return Some("a JWKS");
            }
        }
    }
    if classify_spki(bytes).is_ok() || certificate_spki(bytes).is_some() {
        return Some("a DER public key or certificate");
    }
    None
}

/// `--secret-file`: raw bytes, less exactly one trailing newline (`\n` or `\r\n`).
pub fn secret_file(path: &Path) -> Result<KeySet, Error> {
    let bytes = secret_file_bytes(path)?;
    secret(
        bytes,
        &format!("--secret-file {}", path.display()),
        format!("the secret in {}", path.display()),
    )
}

/// The bytes of a `--secret-file` (also a JWE key or PBES2 password).
pub fn secret_file_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    let mut bytes = std::fs::read(path)
        .map_err(|e| Error::io(format!("reading --secret-file {}", path.display()), e))?;
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    Ok(bytes)
}

/// `--secret-base64`: standard or url alphabet, padded or not.
pub fn secret_base64(text: &str) -> Result<KeySet, Error> {
    secret(
        secret_base64_bytes(text)?,
        "--secret-base64",
        "the --secret-base64 secret".to_owned(),
    )
}

/// The bytes of a `--secret-base64` (also a JWE key or PBES2 password).
pub fn secret_base64_bytes(text: &str) -> Result<Vec<u8>, Error> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = if compact.is_empty() {
        Vec::new()
    } else {
        b64_segment(&compact)
            .map_err(|e| {
                Error::usage(format!(
                    "--secret-base64: not base64 or base64url ({})",
                    e.message
                ))
            })?
            .0
    };
    Ok(bytes)
}

// ------------------------------------------------------------- key files

/// Every `--key FILE`: the verification keys of all of them in one set, and
/// the private keys that decrypt a JWE. A file that only decrypts (a private
/// PEM) is not a usage error: it is a skipped key, so a JWS checked with it
/// fails saying why; a file that does neither is a usage error.
pub fn key_files(paths: &[PathBuf]) -> Result<(KeySet, Vec<DecryptionKey>), Error> {
    let mut set = KeySet::default();
    let mut decryption = Vec::new();
    let mut origins = Vec::new();
    for path in paths {
        let private = std::fs::read(path)
            .ok()
            .and_then(|bytes| DecryptionKey::parse(&bytes).ok())
            .unwrap_or_default();
        match key_file(path) {
            Ok(one) => {
                set.keys.extend(one.keys);
                set.skipped.extend(one.skipped);
                origins.push(one.origin);
            }
            // A private key decrypts; it still says why it cannot verify.
            Err(e) if !private.is_empty() => {
                set.skipped.push(Skipped {
                    kid: None,
                    why: format!("{e} (it is used to decrypt JWEs)"),
                });
                origins.push(path.display().to_string());
            }
            Err(e) => return Err(e),
        }
        decryption.extend(private);
    }
    set.origin = origins.join(", ");
    Ok((set, decryption))
}

/// `--key FILE`: PEM public key(s) or certificate(s), a JWK, or a JWKS.
pub fn key_file(path: &Path) -> Result<KeySet, Error> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(format!("reading --key {shown}"), e))?;
    key_bytes(&bytes, &shown).map_err(|why| Error::usage(format!("--key {shown}: {why}")))
}

/// A key given as bytes (a `--key` file, a key pasted into the serve page),
/// named `shown`: the usable keys, or why there are none.
pub(crate) fn key_bytes(bytes: &[u8], shown: &str) -> Result<KeySet, String> {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start();
    let set =
        if trimmed.starts_with("-----BEGIN ") {
            pem_keys(bytes, shown)
        } else if trimmed.starts_with('{') {
            match serde_json::from_str::<Value>(trimmed) {
                Ok(Value::Object(map)) => json_keys(&map, shown),
                Ok(_) => Err("a JSON value that is not an object".to_owned()),
                Err(e) => Err(format!("not valid JSON ({e})")),
            }
        } else {
            Err("not a PEM public key or certificate (-----BEGIN PUBLIC KEY-----), a JWK or a JWKS \
             (JSON); for an HMAC secret use --secret-file"
            .to_owned())
        }?;
    if set.keys.is_empty() {
        let why: Vec<String> = set.skipped.iter().map(skipped_text).collect();
        return Err(format!(
            "no usable key{}",
            if why.is_empty() {
                " (the JWKS is empty)".to_owned()
            } else {
                format!(": {}", why.join("; "))
            }
        ));
    }
    Ok(set)
}

pub fn skipped_text(s: &Skipped) -> String {
    match &s.kid {
        Some(kid) => format!("kid {}: {}", quote(kid.as_bytes()), s.why),
        None => s.why.clone(),
    }
}

/// Every PEM block of a file: public keys and certificates; private keys are refused.
fn pem_keys(bytes: &[u8], shown: &str) -> Result<KeySet, String> {
    let blocks = pem::parse_many(bytes).map_err(|e| format!("not valid PEM ({e})"))?;
    let n = blocks.len();
    let mut keys = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let what = if n > 1 {
            format!("PEM block {} ({})", i + 1, block.tag())
        } else {
            block.tag().to_owned()
        };
        let der = block.contents();
        let material = match block.tag() {
            "PUBLIC KEY" => classify_spki(der),
            "RSA PUBLIC KEY" => rsa_from_der(der),
            "CERTIFICATE" => certificate_spki(der)
                .ok_or_else(|| "not a readable X.509 certificate".to_owned())
                .and_then(classify_spki),
            tag if tag.contains("PRIVATE KEY") => Err(format!(
                "a private key ({tag}); verifying needs only the public key: \
                 openssl pkey -in {shown} -pubout -out public.pem"
            )),
            tag => Err(format!(
                "a PEM \"{tag}\" block; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE"
            )),
        }
        .map_err(|why| format!("{what}: {why}"))?;
        let label = if n > 1 {
            format!("{shown} (PEM block {})", i + 1)
        } else {
            shown.to_owned()
        };
        keys.push(Key {
            material,
            kid: None,
            alg: None,
            usage: None,
            ops: None,
            label,
            prepared: Prepared::default(),
        });
    }
    Ok(KeySet {
        keys,
        origin: shown.to_owned(),
        ..KeySet::default()
    })
}

/// A JWK (`kty`) or a JWKS (`keys`).
fn json_keys(map: &Map<String, Value>, origin: &str) -> Result<KeySet, String> {
    if let Some(keys) = map.get("keys") {
        return jwks(keys, origin);
    }
    if map.contains_key("kty") {
        let key = jwk(map, origin.to_owned())?;
        return Ok(KeySet::single(key, origin.to_owned()));
    }
    Err("JSON without \"kty\" (a JWK) or \"keys\" (a JWKS)".to_owned())
}

/// The keys of a JWKS; unusable keys are kept aside with the reason.
pub fn jwks(keys: &Value, origin: &str) -> Result<KeySet, String> {
    let Value::Array(items) = keys else {
        return Err("\"keys\" is not an array".to_owned());
    };
    let mut set = KeySet {
        origin: origin.to_owned(),
        ..KeySet::default()
    };
    for (i, item) in items.iter().enumerate() {
        let Value::Object(map) = item else {
            set.skipped.push(Skipped {
                kid: None,
                why: format!("key {} is not a JSON object", i + 1),
            });
            continue;
        };
        let kid = map.get("kid").and_then(Value::as_str).map(str::to_owned);
        let label = match &kid {
            Some(k) => format!("kid {} in {origin}", quote(k.as_bytes())),
            None => format!("key {} in {origin}", i + 1),
        };
        match jwk(map, label) {
            Ok(key) => set.keys.push(key),
            Err(why) => set.skipped.push(Skipped { kid, why }),
        }
    }
    Ok(set)
}

/// One JWK (RFC 7517/7518, RFC 8037 for OKP). Private members are ignored.
fn jwk(map: &Map<String, Value>, label: String) -> Result<Key, String> {
    let text = |name: &str| -> Result<Option<String>, String> {
        match map.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("\"{name}\" is not a string")),
        }
    };
    let bytes = |name: &str| -> Result<Vec<u8>, String> {
        match map.get(name) {
            Some(Value::String(s)) => b64_segment(s)
                .map(|(b, _)| b)
                .map_err(|e| format!("\"{name}\" is not base64url ({})", e.message)),
            Some(_) => Err(format!("\"{name}\" is not a string")),
            None => Err(format!("no \"{name}\" member")),
        }
    };
    let kty = text("kty")?.ok_or("no \"kty\" member")?;
    let material = match kty.as_str() {
        "oct" => Material::Hmac(DecodingKey::from_secret(&bytes("k")?)),
        "RSA" => {
            let n = bytes("n")?;
            let e = bytes("e")?;
            let n = strip_leading_zeros(&n);
            let e = strip_leading_zeros(&e);
            if n.is_empty() || e.is_empty() {
                return Err("RSA modulus or exponent is zero".to_owned());
            }
            sig::RsaPublicKeyComponents { n, e }
                .to_parsed_public_key(&sig::RSA_PKCS1_2048_8192_SHA256)
                .map_err(|e| format!("not a valid RSA public key ({e})"))?;
            Material::Rsa {
                key: DecodingKey::from_rsa_raw_components(n, e),
                bits: bit_len(n),
            }
        }
        "EC" => {
            let crv = text("crv")?.ok_or("no \"crv\" member")?;
            let curve = Curve::from_name(&crv).ok_or_else(|| {
                format!(
                    "curve {} is not supported (P-256, P-384, P-521, secp256k1)",
                    quote(crv.as_bytes())
                )
            })?;
            let (x, y) = (bytes("x")?, bytes("y")?);
            let len = curve.coordinate_len();
            if x.len() != len || y.len() != len {
                return Err(format!(
                    "{} coordinates must be {len} bytes each (x is {}, y is {})",
                    curve.name(),
                    x.len(),
                    y.len()
                ));
            }
            let mut point = Vec::with_capacity(1 + 2 * len);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            ParsedPublicKey::new(curve.verification(), &point)
                .map_err(|_| format!("(x, y) is not a point on {}", curve.name()))?;
            Material::Ec {
                curve,
                key: DecodingKey::from_ec_der(&point),
            }
        }
        "OKP" => {
            let crv = text("crv")?.ok_or("no \"crv\" member")?;
            if crv != "Ed25519" {
                return Err(format!(
                    "OKP curve {} is not supported for signatures (Ed25519 is)",
                    quote(crv.as_bytes())
                ));
            }
            let x = bytes("x")?;
            ParsedPublicKey::new(&sig::ED25519, &x)
                .map_err(|_| format!("not an Ed25519 public key ({} bytes)", x.len()))?;
            Material::Ed25519(DecodingKey::from_ed_der(&x))
        }
        other => {
            return Err(format!(
                "kty {} is not supported (oct, RSA, EC, OKP)",
                quote(other.as_bytes())
            ))
        }
    };
    let ops = match map.get("key_ops") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<String>>>()
                .ok_or("\"key_ops\" is not an array of strings")?,
        ),
        Some(_) => return Err("\"key_ops\" is not an array".to_owned()),
    };
    Ok(Key {
        material,
        kid: text("kid")?,
        alg: text("alg")?,
        usage: text("use")?,
        ops,
        label,
        prepared: Prepared::default(),
    })
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[start..]
}

fn bit_len(n: &[u8]) -> usize {
    match n.first() {
        Some(&top) => n.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

/// What a DER SubjectPublicKeyInfo holds: RSA, EC on a NIST curve, or Ed25519.
fn classify_spki(der: &[u8]) -> Result<Material, String> {
    if ParsedPublicKey::new(&sig::ED25519, der).is_ok() && der.len() != 32 {
        return Ok(Material::Ed25519(DecodingKey::from_ed_der(der)));
    }
    for curve in Curve::ALL {
        if ParsedPublicKey::new(curve.verification(), der).is_ok() && der.first() == Some(&0x30) {
            return Ok(Material::Ec {
                curve,
                key: DecodingKey::from_ec_der(der),
            });
        }
    }
    rsa_from_der(der).map_err(|_| {
        "not a supported public key (RSA, EC P-256/P-384/P-521/secp256k1, Ed25519)".to_owned()
    })
}

/// An RSA public key from PKCS#1 or SubjectPublicKeyInfo DER.
fn rsa_from_der(der: &[u8]) -> Result<Material, String> {
    let key = aws_lc_rs::rsa::PublicKey::from_der(der)
        .map_err(|e| format!("not an RSA public key ({e})"))?;
    let spki = key
        .as_der()
        .map_err(|_| "cannot re-encode the RSA public key".to_owned())?;
    Ok(Material::Rsa {
        key: DecodingKey::from_rsa_der(spki.as_ref()),
        bits: bit_len(strip_leading_zeros(
            key.modulus().big_endian_without_leading_zero(),
        )),
    })
}

/// One DER element (tag, length, contents) and what follows it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Der<'a> {
    pub tag: u8,
    /// The whole element, tag and length included.
    pub all: &'a [u8],
    pub contents: &'a [u8],
    pub rest: &'a [u8],
}

/// Read one DER element; None when it is truncated or uses an indefinite length.
pub(crate) fn der_element(input: &[u8]) -> Option<Der<'_>> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = input.len() - rest.len();
    Some(Der {
        tag,
        all: &input[..header + len],
        contents: &rest[..len],
        rest: &rest[len..],
    })
}

/// The SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 §4.1).
fn certificate_spki(der: &[u8]) -> Option<&[u8]> {
    const SEQUENCE: u8 = 0x30;
    let cert = der_element(der).filter(|e| e.tag == SEQUENCE)?;
    let tbs = der_element(cert.contents).filter(|e| e.tag == SEQUENCE)?;
    let mut rest = tbs.contents;
    let first = der_element(rest)?;
    if first.tag == 0xa0 {
        rest = first.rest; // [0] version
    }
    // serialNumber, signature, issuer, validity, subject
    for expected in [0x02, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE] {
        rest = der_element(rest).filter(|e| e.tag == expected)?.rest;
    }
    let spki = der_element(rest).filter(|e| e.tag == SEQUENCE)?;
    Some(spki.all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_element_rejects_truncation_and_indefinite_lengths() {
        assert!(der_element(&[0x30]).is_none());
        assert!(der_element(&[0x30, 0x80, 0, 0]).is_none());
        assert!(der_element(&[0x30, 0x05, 1, 2]).is_none());
        assert!(der_element(&[0x30, 0x82, 0x01]).is_none());
        let e = der_element(&[0x02, 0x01, 0x07, 0xff]).unwrap();
        assert_eq!(
            e,
            Der {
                tag: 2,
                all: &[2, 1, 7],
                contents: &[7],
                rest: &[0xff]
            }
        );
    }

    #[test]
    fn certificate_spki_never_panics_on_junk() {
        for junk in [
            &b""[..],
            b"0",
            b"\x30\x03\x30\x01\x00",
            b"\x30\x84\xff\xff\xff\xff",
        ] {
            assert!(certificate_spki(junk).is_none());
        }
    }

    #[test]
    fn secrets_that_are_keys_are_refused() {
        let pem = b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n";
        assert!(secret(pem.to_vec(), "--secret", "x".into()).is_err());
        let jwk = br#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#;
        assert!(secret(jwk.to_vec(), "--secret", "x".into()).is_err());
        assert!(secret(b"hunter2".to_vec(), "--secret", "x".into()).is_ok());
        assert!(secret(Vec::new(), "--secret", "x".into()).is_err());
    }
}
