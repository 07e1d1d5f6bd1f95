//! Keys for JWE: private keys that decrypt (PEM PKCS#8/PKCS#1/SEC1, private
//! JWK, JWKS, secret bytes or a password) and recipient keys that encrypt
//! (public or private PEM/JWK, a symmetric JWK or secret). Debug output never
//! shows key material.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::agreement::{self, PrivateKey};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    self, KeyPairComponents, KeySize, PrivateDecryptingKey, PublicEncryptingKey,
    PublicKeyComponents,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use super::ecdh::{self, Curve};
use super::manage::Plan;
use super::{Alg, Enc, Header, JweError};

/// Why key text was not taken as a JWE key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// A public key (or certificate) where a private key is needed.
    Public,
    /// A key that cannot decrypt or encrypt (Ed25519, a JWK with `use: sig`).
    NotForEncryption(String),
    /// Not a key this module reads, and why.
    Invalid(String),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Public => f.write_str("a public key cannot decrypt; a private key is needed"),
            KeyError::NotForEncryption(m) | KeyError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for KeyError {}

/// What a JWK says about its own use.
#[derive(Clone, Debug, Default)]
struct Meta {
    kid: Option<String>,
    alg: Option<String>,
    use_: Option<String>,
    key_ops: Option<Vec<String>>,
}

impl Meta {
    fn from_jwk(jwk: &Map<String, Value>) -> Meta {
        let s = |n: &str| jwk.get(n).and_then(Value::as_str).map(str::to_owned);
        Meta {
            kid: s("kid"),
            alg: s("alg"),
            use_: s("use"),
            key_ops: jwk.get("key_ops").and_then(Value::as_array).map(|ops| {
                ops.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            }),
        }
    }

    fn name(&self) -> String {
        match &self.kid {
            Some(k) => format!("key \"{}\"", k.escape_default()),
            None => "the key".to_owned(),
        }
    }

    /// RFC 7517 §4.2–4.4 and the contract: a JWK's own limits.
    fn allows(&self, alg: Alg, enc: Enc, ops: &[&str]) -> Result<(), String> {
        if let Some(u) = self.use_.as_deref().filter(|u| *u != "enc") {
            return Err(format!(
                "{} has use \"{}\", not \"enc\"",
                self.name(),
                u.escape_default()
            ));
        }
        if let Some(key_ops) = &self.key_ops {
            if !key_ops.iter().any(|o| ops.contains(&o.as_str())) {
                return Err(format!(
                    "{} has key_ops without {}",
                    self.name(),
                    ops.join("/")
                ));
            }
        }
        if let Some(a) = &self.alg {
            let fits = a == alg.name() || (alg == Alg::Dir && a == enc.name());
            if !fits {
                return Err(format!(
                    "{} is for alg \"{}\", the token is {alg}{}",
                    self.name(),
                    a.escape_default(),
                    if alg == Alg::Dir {
                        format!(" with enc {enc}")
                    } else {
                        String::new()
                    }
                ));
            }
        }
        Ok(())
    }
}

#[derive(Clone)]
pub(super) enum Private {
    Rsa(PrivateDecryptingKey),
    Ec(Curve, Arc<PrivateKey>),
    Secret(Vec<u8>),
}

/// A key that decrypts JWEs.
#[derive(Clone)]
pub struct DecryptionKey {
    private: Private,
    meta: Meta,
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecryptionKey({}, ***)", self.describe())
    }
}

fn b64(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, KeyError> {
    let text = jwk
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| KeyError::Invalid(format!("the JWK has no \"{name}\"")))?;
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| KeyError::Invalid(format!("the JWK's \"{name}\" is not base64url")))
}

const X25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x6e];
const ED_OIDS: [&[u8]; 2] = [
    &[0x06, 0x03, 0x2b, 0x65, 0x70],
    &[0x06, 0x03, 0x2b, 0x65, 0x71],
];

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn curve_of_der(der: &[u8]) -> Option<Curve> {
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
    const P521: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23];
    if contains(der, X25519_OID) {
        return Some(Curve::X25519);
    }
    [
        (P256, Curve::P256),
        (P384, Curve::P384),
        (P521, Curve::P521),
    ]
    .into_iter()
    .find(|(oid, _)| contains(der, oid))
    .map(|(_, c)| c)
}

fn pem_blocks(text: &[u8]) -> Result<Vec<pem::Pem>, KeyError> {
    let blocks = pem::parse_many(text)
        .map_err(|e| KeyError::Invalid(format!("not a readable PEM file ({e})")))?;
    if blocks.is_empty() {
        return Err(KeyError::Invalid("no PEM block found".to_owned()));
    }
    Ok(blocks)
}

fn is_pem(bytes: &[u8]) -> bool {
    contains(bytes, b"-----BEGIN ")
}

fn parse_json(bytes: &[u8]) -> Result<Map<String, Value>, KeyError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(KeyError::Invalid(
            "JSON that is not a JWK object".to_owned(),
        )),
        Err(_) => Err(KeyError::Invalid(
            "neither PEM nor a JWK/JWKS (JSON)".to_owned(),
        )),
    }
}

impl DecryptionKey {
    /// Secret bytes: the key for `dir`, `A*KW`, `A*GCMKW`; the password for `PBES2-*`.
    pub fn from_secret(bytes: impl Into<Vec<u8>>) -> DecryptionKey {
        DecryptionKey {
            private: Private::Secret(bytes.into()),
            meta: Meta::default(),
        }
    }

    /// A new RSA key (tests and benches).
    pub fn generate_rsa(bits: usize) -> Result<DecryptionKey, KeyError> {
        let size = match bits {
            2048 => KeySize::Rsa2048,
            3072 => KeySize::Rsa3072,
            4096 => KeySize::Rsa4096,
            _ => {
                return Err(KeyError::Invalid(format!(
                    "RSA keys of {bits} bits are not made here"
                )))
            }
        };
        let key = PrivateDecryptingKey::generate(size)
            .map_err(|_| KeyError::Invalid("RSA key generation failed".to_owned()))?;
        Ok(DecryptionKey {
            private: Private::Rsa(key),
            meta: Meta::default(),
        })
    }

    /// A new EC or X25519 key: `curve` is `P-256`, `P-384`, `P-521` or `X25519`.
    pub fn generate_ec(curve: &str) -> Result<DecryptionKey, KeyError> {
        let curve = Curve::from_name(curve)
            .ok_or_else(|| KeyError::Invalid(format!("unknown curve {curve}")))?;
        let key = PrivateKey::generate(curve.agreement())
            .map_err(|_| KeyError::Invalid("EC key generation failed".to_owned()))?;
        Ok(DecryptionKey {
            private: Private::Ec(curve, Arc::new(key)),
            meta: Meta::default(),
        })
    }

    /// The key with this `kid`.
    pub fn with_kid(mut self, kid: &str) -> DecryptionKey {
        self.meta.kid = Some(kid.to_owned());
        self
    }

    pub fn kid(&self) -> Option<&str> {
        self.meta.kid.as_deref()
    }

    /// The private keys in a key file: PEM (PKCS#8, PKCS#1 RSA, SEC1 EC), a
    /// private JWK, or a JWKS (its private keys; public ones are skipped).
    /// A file holding only public keys is [`KeyError::Public`].
    pub fn parse(bytes: &[u8]) -> Result<Vec<DecryptionKey>, KeyError> {
        if is_pem(bytes) {
            return pem_blocks(bytes)?
                .iter()
                .map(Self::from_pem_block)
                .collect::<Result<Vec<_>, _>>();
        }
        let json = parse_json(bytes)?;
        if let Some(keys) = json.get("keys") {
            let keys = keys
                .as_array()
                .ok_or_else(|| KeyError::Invalid("the JWKS \"keys\" is not an array".to_owned()))?;
            let mut found = Vec::new();
            for k in keys {
                if let Value::Object(jwk) = k {
                    match Self::from_jwk(jwk) {
                        Ok(key) => found.push(key),
                        Err(KeyError::Public | KeyError::NotForEncryption(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            if found.is_empty() {
                return Err(KeyError::Public);
            }
            return Ok(found);
        }
        Ok(vec![Self::from_jwk(&json)?])
    }

    fn from_pem_block(block: &pem::Pem) -> Result<DecryptionKey, KeyError> {
        let der = block.contents();
        let rejected = |what: &str| KeyError::Invalid(format!("the {what} PEM key was rejected"));
        let private = match block.tag() {
            "RSA PRIVATE KEY" => {
                let pair = rsa::KeyPair::from_der(der).map_err(|_| rejected("RSA"))?;
                let pkcs8 = pair.as_der().map_err(|_| rejected("RSA"))?;
                Private::Rsa(
                    PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref())
                        .map_err(|_| rejected("RSA"))?,
                )
            }
            "EC PRIVATE KEY" => {
                let curve = curve_of_der(der).ok_or_else(|| {
                    KeyError::Invalid(
                        "an EC key on a curve other than P-256, P-384, P-521".to_owned(),
                    )
                })?;
                Private::Ec(
                    curve,
                    Arc::new(
                        PrivateKey::from_private_key_der(curve.agreement(), der)
                            .map_err(|_| rejected("EC"))?,
                    ),
                )
            }
            "PRIVATE KEY" => {
                if let Ok(k) = PrivateDecryptingKey::from_pkcs8(der) {
                    Private::Rsa(k)
                } else if ED_OIDS.iter().any(|oid| contains(der, oid)) {
                    return Err(KeyError::NotForEncryption(
                        "an Ed25519/Ed448 key signs; it cannot decrypt (X25519 can)".to_owned(),
                    ));
                } else {
                    match curve_of_der(der) {
                        Some(Curve::X25519) => {
                            // PKCS#8 of X25519: the 32-byte key is an OCTET
                            // STRING inside the privateKey OCTET STRING.
                            let at = der
                                .windows(4)
                                .position(|w| w == [0x04, 0x22, 0x04, 0x20])
                                .ok_or_else(|| rejected("X25519"))?;
                            let d = der.get(at + 4..at + 36).ok_or_else(|| rejected("X25519"))?;
                            Private::Ec(
                                Curve::X25519,
                                Arc::new(
                                    PrivateKey::from_private_key(&agreement::X25519, d)
                                        .map_err(|_| rejected("X25519"))?,
                                ),
                            )
                        }
                        Some(curve) => Private::Ec(
                            curve,
                            Arc::new(
                                PrivateKey::from_private_key_der(curve.agreement(), der)
                                    .map_err(|_| rejected("EC"))?,
                            ),
                        ),
                        None => {
                            return Err(KeyError::Invalid(
                                "a PKCS#8 key that is not RSA, EC (P-256/384/521) or X25519"
                                    .to_owned(),
                            ))
                        }
                    }
                }
            }
            "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => return Err(KeyError::Public),
            "ENCRYPTED PRIVATE KEY" => {
                return Err(KeyError::Invalid(
                    "an encrypted PEM key: decrypt it first (openssl pkey -in FILE)".to_owned(),
                ))
            }
            other => {
                return Err(KeyError::Invalid(format!(
                    "a PEM \"{}\" block is not a key",
                    other.escape_default()
                )))
            }
        };
        Ok(DecryptionKey {
            private,
            meta: Meta::default(),
        })
    }

    /// A private JWK; a public one is [`KeyError::Public`].
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<DecryptionKey, KeyError> {
        let meta = Meta::from_jwk(jwk);
        let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or("");
        let private = match kty {
            "oct" => Private::Secret(b64(jwk, "k")?),
            _ if !jwk.contains_key("d") => return Err(KeyError::Public),
            "RSA" => {
                let need = ["p", "q", "dp", "dq", "qi"];
                if need.iter().any(|n| !jwk.contains_key(*n)) {
                    return Err(KeyError::Invalid(
                        "an RSA JWK needs p, q, dp, dq and qi besides d".to_owned(),
                    ));
                }
                let comps = KeyPairComponents {
                    public_key: PublicKeyComponents {
                        n: b64(jwk, "n")?,
                        e: b64(jwk, "e")?,
                    },
                    d: b64(jwk, "d")?,
                    p: b64(jwk, "p")?,
                    q: b64(jwk, "q")?,
                    dP: b64(jwk, "dp")?,
                    dQ: b64(jwk, "dq")?,
                    qInv: b64(jwk, "qi")?,
                };
                let bad = || {
                    KeyError::Invalid("the RSA JWK was rejected (inconsistent values?)".to_owned())
                };
                let pair = rsa::KeyPair::from_components(&comps).map_err(|_| bad())?;
                let pkcs8 = pair.as_der().map_err(|_| bad())?;
                Private::Rsa(PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref()).map_err(|_| bad())?)
            }
            "EC" | "OKP" => {
                let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or("");
                let curve = match Curve::from_name(crv) {
                    Some(c) if c.kty() == kty => c,
                    _ if kty == "OKP" => {
                        return Err(KeyError::NotForEncryption(format!(
                            "an OKP key on {} cannot decrypt (X25519 can)",
                            crv.escape_default()
                        )))
                    }
                    _ => {
                        return Err(KeyError::Invalid(format!(
                            "EC curve \"{}\" is not P-256, P-384 or P-521",
                            crv.escape_default()
                        )))
                    }
                };
                let mut d = b64(jwk, "d")?;
                let len = curve.coord_len();
                if d.len() < len && curve != Curve::X25519 {
                    let mut padded = vec![0u8; len - d.len()];
                    padded.extend(d);
                    d = padded;
                }
                Private::Ec(
                    curve,
                    Arc::new(PrivateKey::from_private_key(curve.agreement(), &d).map_err(
                        |_| {
                            KeyError::Invalid(format!(
                                "the {} JWK's \"d\" was rejected",
                                curve.name()
                            ))
                        },
                    )?),
                )
            }
            other => {
                return Err(KeyError::Invalid(format!(
                    "JWK kty \"{}\" is not RSA, EC, OKP or oct",
                    other.escape_default()
                )))
            }
        };
        Ok(DecryptionKey { private, meta })
    }

    pub(super) fn private(&self) -> &Private {
        &self.private
    }

    /// What kind of key it is, for messages ("an RSA 2048-bit key").
    pub fn describe(&self) -> String {
        match &self.private {
            Private::Rsa(k) => format!("an RSA {}-bit key", k.key_size_bits()),
            Private::Ec(c, _) => format!("an {} {} key", c.kty(), c.name()),
            Private::Secret(s) => format!("a {}-byte secret", s.len()),
        }
    }

    /// Whether this key may be tried on a token with this header; else why not.
    pub(super) fn fits(&self, header: &Header<'_>, plan: &Plan) -> Result<(), String> {
        let (alg, enc) = (header.alg, header.enc);
        self.meta.allows(
            alg,
            enc,
            &["decrypt", "unwrapKey", "deriveKey", "deriveBits"],
        )?;
        if let (Some(t), Some(k)) = (header.kid, &self.meta.kid) {
            if t != k {
                return Err(format!(
                    "{} is not the token's kid \"{}\"",
                    self.meta.name(),
                    t.escape_default()
                ));
            }
        }
        type_fits(alg, enc, &self.describe(), self.kind(), plan.epk_curve())
    }

    fn kind(&self) -> Kind {
        match &self.private {
            Private::Rsa(_) => Kind::Rsa,
            Private::Ec(c, _) => Kind::Ec(*c),
            Private::Secret(s) => Kind::Secret(s.len()),
        }
    }

    /// The public half, to encrypt to this key.
    pub fn recipient(&self) -> RecipientKey {
        let public = match &self.private {
            Private::Rsa(k) => Public::Rsa(k.public_key()),
            Private::Ec(c, k) => Public::Ec(
                *c,
                k.compute_public_key()
                    .map(|p| p.as_ref().to_vec())
                    .unwrap_or_default(),
            ),
            Private::Secret(s) => Public::Secret(s.clone()),
        };
        RecipientKey {
            public,
            meta: self.meta.clone(),
        }
    }

    /// The private key as PKCS#8 PEM (RSA, P-256/384/521; tests write key files with it).
    pub fn to_pkcs8_pem(&self) -> Option<String> {
        let der = match &self.private {
            Private::Rsa(k) => k.as_der().ok()?.as_ref().to_vec(),
            Private::Ec(c, k) if *c != Curve::X25519 => {
                AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(k.as_ref())
                    .ok()?
                    .as_ref()
                    .to_vec()
            }
            _ => return None,
        };
        Some(pem::encode(&pem::Pem::new("PRIVATE KEY", der)))
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Rsa,
    Ec(Curve),
    Secret(usize),
}

/// Whether a key of `kind` serves `alg`/`enc`; else a message saying why not.
fn type_fits(
    alg: Alg,
    enc: Enc,
    described: &str,
    kind: Kind,
    epk: Option<Curve>,
) -> Result<(), String> {
    let unfit = || {
        Err(format!(
            "{alg} needs {}; {described} was given",
            alg.needs()
        ))
    };
    match (alg, kind) {
        (
            Alg::RsaOaep | Alg::RsaOaep256 | Alg::RsaOaep384 | Alg::RsaOaep512 | Alg::Rsa1_5,
            Kind::Rsa,
        ) => Ok(()),
        (Alg::EcdhEs | Alg::EcdhEsA128Kw | Alg::EcdhEsA192Kw | Alg::EcdhEsA256Kw, Kind::Ec(c)) => {
            match epk {
                Some(e) if e != c => Err(format!(
                    "the token's epk is on {}, {described} is on {}",
                    e.name(),
                    c.name()
                )),
                _ => Ok(()),
            }
        }
        (
            Alg::Pbes2Hs256A128Kw | Alg::Pbes2Hs384A192Kw | Alg::Pbes2Hs512A256Kw,
            Kind::Secret(_),
        ) => Ok(()),
        (Alg::Dir, Kind::Secret(len)) => {
            if len == enc.key_len() {
                Ok(())
            } else {
                Err(format!(
                    "dir with {enc} needs a {}-byte key; {described} was given",
                    enc.key_len()
                ))
            }
        }
        (_, Kind::Secret(len)) => match alg.kw_len() {
            Some(need) if need == len => Ok(()),
            Some(need) => Err(format!(
                "{alg} needs a {need}-byte key; {described} was given"
            )),
            None => unfit(),
        },
        _ => unfit(),
    }
}

pub(super) enum Public {
    Rsa(PublicEncryptingKey),
    /// The point: uncompressed SEC1 for EC, 32 bytes for X25519.
    Ec(Curve, Vec<u8>),
    Secret(Vec<u8>),
}

/// A key to encrypt to.
pub struct RecipientKey {
    public: Public,
    meta: Meta,
}

impl fmt::Debug for RecipientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecipientKey({})", self.describe())
    }
}

impl RecipientKey {
    /// A symmetric key (A*KW, A*GCMKW, dir) or a password (PBES2).
    pub fn from_secret(bytes: impl Into<Vec<u8>>) -> RecipientKey {
        RecipientKey {
            public: Public::Secret(bytes.into()),
            meta: Meta::default(),
        }
    }

    /// A key file: a public or private PEM (SPKI, PKCS#1, PKCS#8, SEC1), a JWK
    /// of any kty (public members are enough), or a JWKS with one usable key
    /// (or the one whose `kid` is `kid`).
    pub fn parse(bytes: &[u8], kid: Option<&str>) -> Result<RecipientKey, KeyError> {
        if is_pem(bytes) {
            let blocks = pem_blocks(bytes)?;
            let block = &blocks[0];
            return match block.tag() {
                "PUBLIC KEY" => Self::from_spki(block.contents()),
                "RSA PUBLIC KEY" => {
                    let k = rsa::PublicKey::from_der(block.contents())
                        .map_err(|_| KeyError::Invalid("the RSA public key was rejected".to_owned()))?;
                    Self::rsa_from_x509(k.as_der().map_err(|_| KeyError::Invalid("RSA".to_owned()))?.as_ref())
                }
                "CERTIFICATE" => Err(KeyError::Invalid(
                    "a certificate: give its public key instead (openssl x509 -pubkey -noout -in FILE)".to_owned(),
                )),
                _ => Ok(DecryptionKey::from_pem_block(block)?.recipient()),
            };
        }
        let json = parse_json(bytes)?;
        if let Some(keys) = json.get("keys").and_then(Value::as_array) {
            let mut usable = keys
                .iter()
                .filter_map(Value::as_object)
                .filter(|k| {
                    kid.is_none_or(|want| k.get("kid").and_then(Value::as_str) == Some(want))
                })
                .filter_map(|k| Self::from_jwk(k).ok())
                .filter(|k| k.meta.use_.as_deref().is_none_or(|u| u == "enc"));
            let first = usable.next().ok_or_else(|| {
                KeyError::Invalid(match kid {
                    Some(k) => format!(
                        "the JWKS has no encryption key with kid \"{}\"",
                        k.escape_default()
                    ),
                    None => "the JWKS has no encryption key".to_owned(),
                })
            })?;
            if kid.is_none() && usable.next().is_some() {
                return Err(KeyError::Invalid(
                    "the JWKS has several encryption keys: pick one by kid".to_owned(),
                ));
            }
            return Ok(first);
        }
        Self::from_jwk(&json)
    }

    fn rsa_from_x509(der: &[u8]) -> Result<RecipientKey, KeyError> {
        Ok(RecipientKey {
            public: Public::Rsa(
                PublicEncryptingKey::from_der(der)
                    .map_err(|_| KeyError::Invalid("the RSA public key was rejected".to_owned()))?,
            ),
            meta: Meta::default(),
        })
    }

    fn from_spki(der: &[u8]) -> Result<RecipientKey, KeyError> {
        if let Ok(k) = Self::rsa_from_x509(der) {
            return Ok(k);
        }
        if ED_OIDS.iter().any(|oid| contains(der, oid)) {
            return Err(KeyError::NotForEncryption(
                "an Ed25519/Ed448 key verifies signatures; it cannot be encrypted to (X25519 can)"
                    .to_owned(),
            ));
        }
        let curve = curve_of_der(der).ok_or_else(|| {
            KeyError::Invalid(
                "a public key that is not RSA, EC (P-256/384/521) or X25519".to_owned(),
            )
        })?;
        // The BIT STRING holding the point ends the SPKI.
        let len = if curve == Curve::X25519 {
            32
        } else {
            2 * curve.coord_len() + 1
        };
        let point = der
            .get(der.len().saturating_sub(len)..)
            .filter(|_| der.len() > len)
            .ok_or_else(|| KeyError::Invalid("a truncated public key".to_owned()))?;
        ecdh::point(curve, point, "the public key")
            .map_err(|e| KeyError::Invalid(e.to_string()))?;
        Ok(RecipientKey {
            public: Public::Ec(curve, point.to_vec()),
            meta: Meta::default(),
        })
    }

    /// A JWK (private members are ignored).
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<RecipientKey, KeyError> {
        let meta = Meta::from_jwk(jwk);
        let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or("");
        let public = match kty {
            "oct" => Public::Secret(b64(jwk, "k")?),
            "RSA" => {
                let comps = PublicKeyComponents {
                    n: b64(jwk, "n")?,
                    e: b64(jwk, "e")?,
                };
                let der = comps
                    .as_der()
                    .map_err(|_| KeyError::Invalid("the RSA JWK was rejected".to_owned()))?;
                return Ok(RecipientKey {
                    meta,
                    ..Self::rsa_from_x509(der.as_ref())?
                });
            }
            "EC" | "OKP" => {
                let point = ecdh::point_from_jwk(jwk, "the JWK")
                    .map_err(|e| KeyError::Invalid(e.to_string()))?;
                let bytes = if point.curve == Curve::X25519 {
                    b64(jwk, "x")?
                } else {
                    let mut b = vec![4u8];
                    b.extend(b64(jwk, "x")?);
                    b.extend(b64(jwk, "y")?);
                    b
                };
                Public::Ec(point.curve, bytes)
            }
            other => {
                return Err(KeyError::Invalid(format!(
                    "JWK kty \"{}\" is not RSA, EC, OKP or oct",
                    other.escape_default()
                )))
            }
        };
        Ok(RecipientKey { public, meta })
    }

    pub(super) fn public(&self) -> &Public {
        &self.public
    }

    pub fn kid(&self) -> Option<&str> {
        self.meta.kid.as_deref()
    }

    pub fn describe(&self) -> String {
        match &self.public {
            Public::Rsa(k) => format!("an RSA {}-bit key", k.key_size_bits()),
            Public::Ec(c, _) => format!("an {} {} key", c.kty(), c.name()),
            Public::Secret(s) => format!("a {}-byte secret", s.len()),
        }
    }

    /// The contract's default `alg` for this key (a JWK's own `alg` first).
    pub fn default_alg(&self) -> Alg {
        if let Some(a) = self.meta.alg.as_deref().and_then(Alg::from_name) {
            if !a.decrypt_only() {
                return a;
            }
        }
        match self.public {
            Public::Rsa(_) => Alg::RsaOaep256,
            Public::Ec(..) => Alg::EcdhEsA256Kw,
            Public::Secret(_) => Alg::A256Kw,
        }
    }

    /// Whether `alg`/`enc` can be used with this key; else a clear error.
    pub fn fits(&self, alg: Alg, enc: Enc) -> Result<(), JweError> {
        self.meta
            .allows(alg, enc, &["encrypt", "wrapKey", "deriveKey", "deriveBits"])
            .map_err(JweError::Encrypt)?;
        let kind = match &self.public {
            Public::Rsa(_) => Kind::Rsa,
            Public::Ec(c, _) => Kind::Ec(*c),
            Public::Secret(s) => Kind::Secret(s.len()),
        };
        type_fits(alg, enc, &self.describe(), kind, None).map_err(JweError::Encrypt)
    }
}
