//! Signing keys, detected from what the file holds (never from its name):
//! PEM PKCS#8, PKCS#1 RSA or SEC1 EC private keys (DER as well), a private
//! JWK, a JWKS with `--kid`, or an HMAC secret.
//!
//! No message here ever quotes key bytes: a failure names the file, the
//! format and what was expected, nothing of the key itself.

use std::fmt;
use std::path::Path;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::EncodingKey;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::token::decode::{b64_segment, quote};
use crate::verify::keys::{self, der_element, Curve, Material as VerifyMaterial};
use crate::verify::signature::{Alg, Needs};

/// The smallest RSA modulus a token may be signed with (RFC 7518 §3.3, §3.5).
const MIN_RSA_BITS: usize = 2048;

/// Where the signing key comes from, as the user gave it.
#[derive(Clone, Default)]
pub enum KeySource {
    /// No key: only `edit --unsafe-none` goes without one.
    #[default]
    None,
    /// `--secret TEXT`.
    Secret(crate::secret::Secret),
    /// `--secret-file FILE`.
    SecretFile(std::path::PathBuf),
    /// `--secret-base64 TEXT`.
    SecretBase64(crate::secret::Secret),
    /// `--key FILE [--kid KID]`.
    File {
        path: std::path::PathBuf,
        kid: Option<String>,
    },
    /// A key pasted into the serve page: a private PEM, JWK or JWKS as
    /// `--key` reads them, else an HMAC secret as `--secret` takes it.
    Text(crate::secret::Secret),
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::None => f.write_str("None"),
            KeySource::Secret(_) | KeySource::SecretBase64(_) => f.write_str("Secret(***)"),
            KeySource::SecretFile(p) => write!(f, "SecretFile({})", p.display()),
            KeySource::File { path, kid } => write!(f, "File({}, kid {kid:?})", path.display()),
            KeySource::Text(_) => f.write_str("Text(***)"),
        }
    }
}

/// What a signing key is, parsed once. HMAC signs through jsonwebtoken; the
/// key pairs sign through its backend, aws-lc-rs, directly: jsonwebtoken's
/// signers parse the private key again for every signature, which made RS256
/// signing four times slower (benches/sign.rs).
enum Kind {
    Hmac(EncodingKey),
    Rsa { pair: RsaKeyPair, bits: usize },
    Ec { curve: Curve, pair: EcdsaKeyPair },
    Ed25519(Ed25519KeyPair),
}

/// A private key (or secret) ready to sign, with what its JWK said about it.
pub struct SigningKey {
    kind: Kind,
    /// The JWK `alg`: when present, the only algorithm the key may sign with.
    pub jwk_alg: Option<String>,
    /// Where the key came from ("--key k.pem", "kid \"a\" in keys.json").
    pub label: String,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, {})", self.describe(), self.label)
    }
}

impl SigningKey {
    fn new(kind: Kind, label: String) -> SigningKey {
        SigningKey {
            kind,
            jwk_alg: None,
            label,
        }
    }

    /// "an RSA 2048-bit private key", for messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Hmac(k) => format!("an HMAC secret of {} bytes", k.inner().len()),
            Kind::Rsa { bits, .. } => format!("an RSA {bits}-bit private key"),
            Kind::Ec { curve, .. } => format!("an EC {} private key", curve.name()),
            Kind::Ed25519(_) => "an Ed25519 private key".to_owned(),
        }
    }

    /// The key that verifies what this one signs (the secret itself for
    /// HMAC), for the inspection line of `sign --json`.
    pub fn verifying_material(&self) -> Result<VerifyMaterial, Error> {
        use aws_lc_rs::signature::KeyPair;
        use jsonwebtoken::DecodingKey;
        Ok(match &self.kind {
            Kind::Hmac(k) => VerifyMaterial::Hmac(DecodingKey::from_secret(k.inner())),
            Kind::Rsa { pair, bits } => {
                use aws_lc_rs::encoding::AsDer;
                // The same SubjectPublicKeyInfo form verification loads from a PEM.
                let der = aws_lc_rs::rsa::PublicKey::from_der(pair.public_key().as_ref())
                    .ok()
                    .and_then(|k| k.as_der().ok())
                    .ok_or_else(|| {
                        Error::Internal("re-encoding the RSA public key failed".to_owned())
                    })?;
                VerifyMaterial::Rsa {
                    key: DecodingKey::from_rsa_der(der.as_ref()),
                    bits: *bits,
                }
            }
            Kind::Ec { curve, pair } => VerifyMaterial::Ec {
                curve: *curve,
                key: DecodingKey::from_ec_der(pair.public_key().as_ref()),
            },
            Kind::Ed25519(pair) => {
                VerifyMaterial::Ed25519(DecodingKey::from_ed_der(pair.public_key().as_ref()))
            }
        })
    }

    /// The algorithm a key signs with when nothing else says (contract "sign and edit").
    pub fn default_alg(&self) -> Alg {
        match &self.kind {
            Kind::Hmac(_) => Alg::HS256,
            Kind::Rsa { .. } => Alg::RS256,
            Kind::Ec { curve, .. } => match curve {
                Curve::P256 => Alg::ES256,
                Curve::P384 => Alg::ES384,
                Curve::P521 => Alg::ES512,
                Curve::Secp256k1 => Alg::ES256K,
            },
            Kind::Ed25519(_) => Alg::EdDSA,
        }
    }

    /// Can this key sign with `alg`? Says why not.
    pub fn fits(&self, alg: Alg) -> Result<(), String> {
        let ok = match (&self.kind, alg.needs()) {
            (Kind::Hmac(k), Needs::Hmac) => {
                let min = hmac_min_len(alg);
                let len = k.inner().len();
                if len < min {
                    return Err(format!(
                        "{} needs a secret of at least {min} bytes (RFC 7518 §3.2: no shorter than the hash), \
                         and this secret is {len} bytes",
                        alg.name()
                    ));
                }
                true
            }
            (Kind::Rsa { .. }, Needs::Rsa) | (Kind::Ed25519(_), Needs::Ed25519) => true,
            (Kind::Ec { curve, .. }, Needs::Ec(c)) => *curve == c,
            _ => false,
        };
        if ok {
            return Ok(());
        }
        let needs = match alg.needs() {
            Needs::Hmac => "an HMAC secret (--secret, --secret-file, --secret-base64)".to_owned(),
            Needs::Rsa => "an RSA private key".to_owned(),
            Needs::Ec(c) => format!("an EC {} private key", c.name()),
            Needs::Ed25519 => "an Ed25519 private key".to_owned(),
        };
        Err(format!(
            "alg {} needs {needs}, and {} is {}",
            alg.name(),
            self.label,
            self.describe()
        ))
    }

    /// Sign `input` (`header.payload`) with `alg`, which `fits` has accepted:
    /// the base64url signature.
    pub fn sign(&self, alg: Alg, input: &[u8]) -> Result<String, Error> {
        let failed = |what: &dyn fmt::Display| {
            Error::usage(format!(
                "signing with {} ({}) failed: {what}",
                self.label,
                alg.name()
            ))
        };
        let rng = SystemRandom::new();
        let bytes = match (&self.kind, alg.needs()) {
            (Kind::Hmac(key), Needs::Hmac) => {
                let j = alg
                    .jsonwebtoken()
                    .ok_or_else(|| failed(&"no HMAC algorithm"))?;
                return jsonwebtoken::crypto::sign(input, key, j).map_err(|e| failed(&e));
            }
            (Kind::Rsa { pair, .. }, Needs::Rsa) => {
                let mut out = vec![0; pair.public_modulus_len()];
                pair.sign(rsa_padding(alg), &rng, input, &mut out)
                    .map_err(|e| failed(&e))?;
                out
            }
            (Kind::Ec { pair, .. }, Needs::Ec(_)) => pair
                .sign(&rng, input)
                .map_err(|e| failed(&e))?
                .as_ref()
                .to_vec(),
            (Kind::Ed25519(pair), Needs::Ed25519) => pair.sign(input).as_ref().to_vec(),
            _ => return Err(failed(&"the key does not fit the algorithm")),
        };
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// The RSA padding and hash of an RS*/PS* algorithm.
fn rsa_padding(alg: Alg) -> &'static dyn sig::RsaEncoding {
    match alg {
        Alg::RS384 => &sig::RSA_PKCS1_SHA384,
        Alg::RS512 => &sig::RSA_PKCS1_SHA512,
        Alg::PS256 => &sig::RSA_PSS_SHA256,
        Alg::PS384 => &sig::RSA_PSS_SHA384,
        Alg::PS512 => &sig::RSA_PSS_SHA512,
        _ => &sig::RSA_PKCS1_SHA256,
    }
}

/// RFC 7518 §3.2: an HMAC key at least as long as the hash.
fn hmac_min_len(alg: Alg) -> usize {
    match alg {
        Alg::HS384 => 48,
        Alg::HS512 => 64,
        _ => 32,
    }
}

/// The backend's fixed-size (R || S) signer on a curve.
fn ec_signing(curve: Curve) -> &'static sig::EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
        Curve::Secp256k1 => &sig::ECDSA_P256K1_SHA256_FIXED_SIGNING,
    }
}

// ----------------------------------------------------------------- loading

/// Load the key the user gave; None for `KeySource::None`.
pub fn load(source: &KeySource) -> Result<Option<SigningKey>, Error> {
    let hmac = |set: keys::KeySet| -> Result<Option<SigningKey>, Error> {
        let Some(key) = set.keys.into_iter().next() else {
            return Err(Error::usage("the secret is empty"));
        };
        let VerifyMaterial::Hmac(k) = key.material else {
            return Err(Error::usage("the secret is not an HMAC secret"));
        };
        let bytes = k
            .try_get_hmac_secret()
            .map_err(|_| Error::usage("the secret is not an HMAC secret"))?;
        Ok(Some(SigningKey::new(
            Kind::Hmac(EncodingKey::from_secret(bytes)),
            key.label,
        )))
    };
    match source {
        KeySource::None => Ok(None),
        KeySource::Secret(s) => hmac(keys::secret(
            s.expose().as_bytes().to_vec(),
            "--secret",
            "the --secret".to_owned(),
        )?),
        KeySource::SecretFile(path) => hmac(keys::secret_file(path)?),
        KeySource::SecretBase64(s) => hmac(keys::secret_base64(s.expose())?),
        KeySource::File { path, kid } => key_file(path, kid.as_deref()).map(Some),
        KeySource::Text(text) => {
            let text = text.expose();
            let start = text.trim_start();
            if start.starts_with('{') || start.starts_with("-----BEGIN ") {
                from_bytes(text.as_bytes(), "the pasted key", None)
                    .map(Some)
                    .map_err(|why| Error::usage(format!("the pasted key: {why}")))
            } else {
                hmac(keys::secret(
                    text.as_bytes().to_vec(),
                    "the pasted secret",
                    "the pasted secret".to_owned(),
                )?)
            }
        }
    }
}

/// `--key FILE [--kid KID]`: whatever private key the file holds.
pub fn key_file(path: &Path, kid: Option<&str>) -> Result<SigningKey, Error> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(format!("reading --key {shown}"), e))?;
    from_bytes(&bytes, &shown, kid).map_err(|why| Error::usage(format!("--key {shown}: {why}")))
}

/// Detect the format from the content and load the private key.
pub fn from_bytes(bytes: &[u8], shown: &str, kid: Option<&str>) -> Result<SigningKey, String> {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.starts_with('{') {
        return match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(map)) => json_key(&map, shown, kid),
            Ok(_) => Err("a JSON value that is not an object (a JWK or a JWKS)".to_owned()),
            // serde_json's syntax errors give a position, never the text.
            Err(e) => Err(format!("not valid JSON ({e})")),
        };
    }
    if kid.is_some() {
        return Err("--kid picks a key in a JWKS, and this file is not JSON".to_owned());
    }
    if trimmed.starts_with("-----BEGIN ") {
        return pem_key(bytes, shown);
    }
    if bytes.first() == Some(&0x30) {
        return der_key(bytes, shown).map_err(|why| format!("DER: {why}"));
    }
    Err(
        "not a private key: expected PEM (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or \
         EC PRIVATE KEY), DER, a private JWK or a JWKS (JSON)"
            .to_owned(),
    )
}

/// The one private key among the PEM blocks (EC PARAMETERS blocks are skipped).
fn pem_key(bytes: &[u8], shown: &str) -> Result<SigningKey, String> {
    let blocks = pem::parse_many(bytes).map_err(|e| format!("not valid PEM ({e})"))?;
    let mut found = Vec::new();
    let mut public = None;
    for block in &blocks {
        match block.tag() {
            "EC PARAMETERS" => {}
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => found.push(block),
            "ENCRYPTED PRIVATE KEY" => {
                return Err(format!(
                    "the private key is encrypted; decrypt it first: openssl pkey -in {shown} -out plain.pem"
                ))
            }
            tag @ ("PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE") => public = Some(tag),
            tag => {
                return Err(format!(
                    "a PEM \"{}\" block; expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY",
                    tag.escape_debug()
                ))
            }
        }
    }
    match (found.as_slice(), public) {
        ([one], _) => {
            let der = one.contents();
            let label = format!("--key {shown}");
            match one.tag() {
                "RSA PRIVATE KEY" => rsa_pkcs1(der, label),
                "EC PRIVATE KEY" => sec1(der, label),
                _ => pkcs8(der, label),
            }
            .map_err(|why| format!("{}: {why}", one.tag()))
        }
        ([], Some(tag)) => Err(public_key(tag)),
        ([], None) => Err("no PEM private key block".to_owned()),
        (many, _) => Err(format!("{} private keys; give a file with one", many.len())),
    }
}

fn public_key(what: &str) -> String {
    format!(
        "this is a public key ({what}); signing needs the private key (PRIVATE KEY, \
         RSA PRIVATE KEY, EC PRIVATE KEY, or a JWK with \"d\")"
    )
}

/// A DER private key: PKCS#8, PKCS#1 RSA or SEC1 EC.
fn der_key(der: &[u8], shown: &str) -> Result<SigningKey, String> {
    let label = format!("--key {shown}");
    if pkcs8_rsa(der).is_some() {
        return pkcs8(der, label);
    }
    if pkcs1_bits(der).is_some() {
        return rsa_pkcs1(der, label);
    }
    pkcs8(der, label.clone())
        .or_else(|_| sec1(der, label))
        .map_err(|_| {
            "not a PKCS#8, PKCS#1 RSA or SEC1 EC private key (a public key or certificate \
         cannot sign)"
                .to_owned()
        })
}

/// rsaEncryption (1.2.840.113549.1.1.1), the PKCS#8 algorithm of an RSA key.
const RSA_OID: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
];

/// A PKCS#8 PrivateKeyInfo (RFC 5208, RFC 5958) of any kind the tool signs with.
fn pkcs8(der: &[u8], label: String) -> Result<SigningKey, String> {
    if let Some(inner) = pkcs8_rsa(der) {
        return rsa_pkcs1(inner, label);
    }
    if let Ok(pair) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
        return ed25519(pair, label);
    }
    for curve in Curve::ALL {
        if let Ok(pair) = EcdsaKeyPair::from_pkcs8(ec_signing(curve), der) {
            return ec(curve, pair, label);
        }
    }
    Err("not an RSA, EC (P-256, P-384, P-521, secp256k1) or Ed25519 private key".to_owned())
}

/// The PKCS#1 RSAPrivateKey inside a PKCS#8 RSA key.
fn pkcs8_rsa(der: &[u8]) -> Option<&[u8]> {
    let info = der_element(der).filter(|e| e.tag == 0x30)?;
    let version = der_element(info.contents).filter(|e| e.tag == 0x02)?;
    let alg = der_element(version.rest).filter(|e| e.tag == 0x30)?;
    if !alg.contents.starts_with(RSA_OID) {
        return None;
    }
    let key = der_element(alg.rest).filter(|e| e.tag == 0x04)?;
    Some(key.contents)
}

/// The bits of the modulus of a PKCS#1 RSAPrivateKey (SEQUENCE { version, n, ... }).
fn pkcs1_bits(der: &[u8]) -> Option<usize> {
    let seq = der_element(der).filter(|e| e.tag == 0x30)?;
    let version = der_element(seq.contents).filter(|e| e.tag == 0x02)?;
    let n = der_element(version.rest).filter(|e| e.tag == 0x02)?;
    Some(bit_len(n.contents))
}

fn bit_len(n: &[u8]) -> usize {
    let start = n.iter().position(|&b| b != 0).unwrap_or(n.len());
    match n[start..].first() {
        Some(&top) => (n.len() - start) * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

fn too_small(bits: usize) -> String {
    format!(
        "an RSA key of {bits} bits is too small to sign with (RFC 7518 §3.3 requires \
         {MIN_RSA_BITS} bits or more)"
    )
}

/// A PKCS#1 RSAPrivateKey.
fn rsa_pkcs1(der: &[u8], label: String) -> Result<SigningKey, String> {
    let bits = pkcs1_bits(der).ok_or("not an RSA private key")?;
    if bits < MIN_RSA_BITS {
        return Err(too_small(bits));
    }
    let pair = RsaKeyPair::from_der(der)
        .map_err(|e| format!("not a usable RSA private key ({})", e.description_()))?;
    Ok(SigningKey::new(Kind::Rsa { pair, bits }, label))
}

/// A SEC1 ECPrivateKey (RFC 5915), the form `openssl ecparam -genkey` writes.
fn sec1(der: &[u8], label: String) -> Result<SigningKey, String> {
    for curve in Curve::ALL {
        if let Ok(pair) = EcdsaKeyPair::from_private_key_der(ec_signing(curve), der) {
            return ec(curve, pair, label);
        }
    }
    Err("not an EC private key on P-256, P-384, P-521 or secp256k1".to_owned())
}

fn ec(curve: Curve, pair: EcdsaKeyPair, label: String) -> Result<SigningKey, String> {
    Ok(SigningKey::new(Kind::Ec { curve, pair }, label))
}

fn ed25519(pair: Ed25519KeyPair, label: String) -> Result<SigningKey, String> {
    Ok(SigningKey::new(Kind::Ed25519(pair), label))
}

// -------------------------------------------------------------- JWK, JWKS

/// A private JWK, or the key of a JWKS picked by `--kid`.
fn json_key(
    map: &Map<String, Value>,
    shown: &str,
    kid: Option<&str>,
) -> Result<SigningKey, String> {
    if let Some(keys) = map.get("keys") {
        let Value::Array(items) = keys else {
            return Err("\"keys\" is not an array".to_owned());
        };
        let kid_of = |v: &Value| v.get("kid").and_then(Value::as_str).map(str::to_owned);
        let kids: Vec<String> = items.iter().filter_map(kid_of).collect();
        let listed = || {
            if kids.is_empty() {
                "its keys have no kid".to_owned()
            } else {
                let q: Vec<String> = kids.iter().map(|k| quote(k.as_bytes())).collect();
                format!("kids: {}", q.join(", "))
            }
        };
        let picked: Vec<&Value> = match kid {
            Some(want) => items
                .iter()
                .filter(|v| kid_of(v).as_deref() == Some(want))
                .collect(),
            None if items.len() == 1 => items.iter().collect(),
            None => {
                return Err(format!(
                    "a JWKS of {} keys: pick one with --kid ({})",
                    items.len(),
                    listed()
                ))
            }
        };
        let want = quote(kid.unwrap_or_default().as_bytes());
        return match picked.as_slice() {
            [Value::Object(one)] => {
                let label = match kid_of(&Value::Object(one.clone())) {
                    Some(k) => format!("kid {} in {shown}", quote(k.as_bytes())),
                    None => format!("the key in {shown}"),
                };
                jwk(one, label)
            }
            [_] => Err(format!("the key with kid {want} is not a JSON object")),
            [] => Err(format!(
                "the JWKS has no key with kid {want} ({})",
                listed()
            )),
            many => Err(format!(
                "the JWKS has {} keys with kid {want}; which one signs is ambiguous",
                many.len()
            )),
        };
    }
    if !map.contains_key("kty") {
        return Err("JSON without \"kty\" (a JWK) or \"keys\" (a JWKS)".to_owned());
    }
    if let Some(want) = kid {
        let have = map.get("kid").and_then(Value::as_str);
        if have != Some(want) {
            return Err(format!(
                "--kid {} does not match the JWK's kid ({})",
                quote(want.as_bytes()),
                have.map_or("none".to_owned(), |h| quote(h.as_bytes()))
            ));
        }
    }
    jwk(map, format!("--key {shown}"))
}

/// One private JWK (RFC 7517, RFC 7518 §6, RFC 8037).
fn jwk(map: &Map<String, Value>, label: String) -> Result<SigningKey, String> {
    let text = |name: &str| -> Result<Option<&str>, String> {
        match map.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("\"{name}\" is not a string")),
        }
    };
    let bytes = |name: &str| -> Result<Vec<u8>, String> {
        match map.get(name) {
            Some(Value::String(s)) => b64_segment(s)
                .map(|(b, _)| b)
                .map_err(|_| format!("\"{name}\" is not base64url")),
            Some(_) => Err(format!("\"{name}\" is not a string")),
            None => Err(format!("no \"{name}\" member")),
        }
    };
    if let Some(usage) = text("use")? {
        if usage != "sig" {
            return Err(format!(
                "the JWK is for {} (use), not for signatures",
                quote(usage.as_bytes())
            ));
        }
    }
    if let Some(ops) = map.get("key_ops") {
        let signs = ops
            .as_array()
            .is_some_and(|ops| ops.iter().any(|o| o.as_str() == Some("sign")));
        if !signs {
            return Err("the JWK's key_ops do not include \"sign\"".to_owned());
        }
    }
    let kty = text("kty")?.ok_or("no \"kty\" member")?;
    let private = if kty == "oct" { "k" } else { "d" };
    if !map.contains_key(private) {
        return Err(public_key(&format!(
            "a JWK of kty {} without \"d\"",
            quote(kty.as_bytes())
        )));
    }
    let mut key = match kty {
        "oct" => {
            let k = bytes("k")?;
            if k.is_empty() {
                return Err("the oct JWK's \"k\" is empty".to_owned());
            }
            SigningKey::new(Kind::Hmac(EncodingKey::from_secret(&k)), label)
        }
        "RSA" => {
            let n = bytes("n")?;
            let bits = bit_len(&n);
            if bits < MIN_RSA_BITS {
                return Err(too_small(bits));
            }
            let strip = |b: Vec<u8>| {
                let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
                b[start..].to_vec()
            };
            let parts = KeyPairComponents {
                public_key: PublicKeyComponents {
                    n: strip(n),
                    e: strip(bytes("e")?),
                },
                d: bytes("d")?,
                p: bytes("p")?,
                q: bytes("q")?,
                dP: bytes("dp")?,
                dQ: bytes("dq")?,
                qInv: bytes("qi")?,
            };
            let pair = RsaKeyPair::from_components(&parts)
                .map_err(|e| format!("not a consistent RSA private key ({})", e.description_()))?;
            SigningKey::new(Kind::Rsa { pair, bits }, label)
        }
        "EC" => {
            let crv = text("crv")?.ok_or("no \"crv\" member")?;
            let curve = Curve::ALL
                .into_iter()
                .find(|c| c.name() == crv)
                .ok_or_else(|| {
                    format!(
                        "curve {} is not supported (P-256, P-384, P-521, secp256k1)",
                        quote(crv.as_bytes())
                    )
                })?;
            let (x, y) = (bytes("x")?, bytes("y")?);
            let mut point = vec![4];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let pair = EcdsaKeyPair::from_private_key_and_public_key(
                ec_signing(curve),
                &bytes("d")?,
                &point,
            )
            .map_err(|e| {
                format!(
                    "not a consistent {} private key ({})",
                    curve.name(),
                    e.description_()
                )
            })?;
            ec(curve, pair, label)?
        }
        "OKP" => {
            let crv = text("crv")?.ok_or("no \"crv\" member")?;
            if crv != "Ed25519" {
                return Err(format!(
                    "OKP curve {} cannot sign (Ed25519 can)",
                    quote(crv.as_bytes())
                ));
            }
            let pair = Ed25519KeyPair::from_seed_and_public_key(&bytes("d")?, &bytes("x")?)
                .map_err(|e| format!("not a consistent Ed25519 key ({})", e.description_()))?;
            ed25519(pair, label)?
        }
        other => {
            return Err(format!(
                "kty {} is not supported (oct, RSA, EC, OKP)",
                quote(other.as_bytes())
            ))
        }
    };
    key.jwk_alg = text("alg")?.map(str::to_owned);
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_len_ignores_leading_zero_bytes() {
        assert_eq!(bit_len(&[0, 0x80, 0]), 16);
        assert_eq!(bit_len(&[0x01]), 1);
        assert_eq!(bit_len(&[0, 0]), 0);
    }

    #[test]
    fn junk_is_no_key_and_never_panics() {
        for junk in [
            &b""[..],
            b"0",
            b"\x30\x03\x30\x01\x00",
            b"hello",
            b"{",
            b"[1]",
        ] {
            assert!(from_bytes(junk, "x", None).is_err());
        }
    }

    #[test]
    fn generated_keys_of_every_kind_load_and_pick_their_alg() {
        let rng = SystemRandom::new();
        for (curve, alg) in [
            (Curve::P256, Alg::ES256),
            (Curve::P384, Alg::ES384),
            (Curve::P521, Alg::ES512),
            (Curve::Secp256k1, Alg::ES256K),
        ] {
            let doc = EcdsaKeyPair::generate_pkcs8(ec_signing(curve), &rng).unwrap();
            let key = from_bytes(doc.as_ref(), "k.der", None).unwrap();
            assert_eq!(key.default_alg(), alg);
            assert!(key.fits(alg).is_ok());
            assert!(key.fits(Alg::RS256).is_err());
        }
        let doc = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let key = from_bytes(doc.as_ref(), "k.der", None).unwrap();
        assert_eq!(key.default_alg(), Alg::EdDSA);
        assert!(key.fits(Alg::Ed25519).is_ok());
    }

    #[test]
    fn a_public_jwk_is_refused_as_a_public_key() {
        let jwk =
            br#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let why = from_bytes(jwk, "k.json", None).unwrap_err();
        assert!(why.contains("public key"), "{why}");
    }

    #[test]
    fn short_hmac_secrets_are_refused_with_the_minimum() {
        let key = SigningKey::new(Kind::Hmac(EncodingKey::from_secret(&[7; 40])), "s".into());
        assert!(key.fits(Alg::HS256).is_ok());
        let why = key.fits(Alg::HS384).unwrap_err();
        assert!(
            why.contains("at least 48 bytes") && why.contains("40 bytes"),
            "{why}"
        );
    }
}
