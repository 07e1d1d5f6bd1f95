//! Signature verification with the user's keys: the jsonwebtoken crate for
//! the algorithms it has, its backend (aws-lc-rs) directly for ES512 and ES256K.
//!
//! The tool's tolerant decoder has already read the header; jsonwebtoken only
//! ever sees the signing input, the signature and a key whose kind fits the
//! algorithm, so unknown header members or algorithms cannot confuse it and
//! the answer never depends on `exp` (time is judged separately).

use aws_lc_rs::signature::ParsedPublicKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::crypto;
use jsonwebtoken::DecodingKeyKind;
use serde_json::{Map, Value};

use crate::jwe;
use crate::meaning::findings::Finding;
use crate::meaning::inspect::{Verification, Verifier};
use crate::token;
use crate::token::decode::{self, quote, Decoded, Form};
use crate::token::header::{Crit, CritError, B64};
use crate::verify::keys::{self, Curve, Key, KeySet, Material};

/// The algorithms that can verify (RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    /// ECDSA on secp256k1 with SHA-256 (RFC 8812 §3.2).
    ES256K,
    EdDSA,
    /// The fully-specified name of EdDSA with Ed25519 (RFC 9864).
    Ed25519,
}

/// What kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    Hmac,
    Rsa,
    Ec(Curve),
    Ed25519,
}

impl Alg {
    pub const ALL: [Alg; 15] = [
        Alg::HS256,
        Alg::HS384,
        Alg::HS512,
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
        Alg::ES256,
        Alg::ES384,
        Alg::ES512,
        Alg::ES256K,
        Alg::EdDSA,
        Alg::Ed25519,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::HS384 => "HS384",
            Alg::HS512 => "HS512",
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::ES512 => "ES512",
            Alg::ES256K => "ES256K",
            Alg::EdDSA => "EdDSA",
            Alg::Ed25519 => "Ed25519",
        }
    }

    /// The exact, case-sensitive JWA name (RFC 7515 §4.1.1: alg is case-sensitive).
    pub fn parse(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.name() == name)
    }

    /// "HS256, HS384, ...", for messages.
    pub fn names() -> String {
        let names: Vec<_> = Alg::ALL.iter().map(|a| a.name()).collect();
        names.join(", ")
    }

    pub(crate) fn needs(self) -> Needs {
        match self {
            Alg::HS256 | Alg::HS384 | Alg::HS512 => Needs::Hmac,
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => {
                Needs::Rsa
            }
            Alg::ES256 => Needs::Ec(Curve::P256),
            Alg::ES384 => Needs::Ec(Curve::P384),
            Alg::ES512 => Needs::Ec(Curve::P521),
            Alg::ES256K => Needs::Ec(Curve::Secp256k1),
            Alg::EdDSA | Alg::Ed25519 => Needs::Ed25519,
        }
    }

    /// jsonwebtoken's name for it; None where jsonwebtoken lacks it (ES512, ES256K).
    pub(crate) fn jsonwebtoken(self) -> Option<jsonwebtoken::Algorithm> {
        use jsonwebtoken::Algorithm as J;
        Some(match self {
            Alg::HS256 => J::HS256,
            Alg::HS384 => J::HS384,
            Alg::HS512 => J::HS512,
            Alg::RS256 => J::RS256,
            Alg::RS384 => J::RS384,
            Alg::RS512 => J::RS512,
            Alg::PS256 => J::PS256,
            Alg::PS384 => J::PS384,
            Alg::PS512 => J::PS512,
            Alg::ES256 => J::ES256,
            Alg::ES384 => J::ES384,
            Alg::ES512 | Alg::ES256K => return None,
            Alg::EdDSA | Alg::Ed25519 => J::EdDSA,
        })
    }
}

impl Needs {
    fn describe(self) -> String {
        match self {
            Needs::Hmac => "an HMAC secret".to_owned(),
            Needs::Rsa => "an RSA public key".to_owned(),
            Needs::Ec(c) => format!("an EC {} public key", c.name()),
            Needs::Ed25519 => "an Ed25519 public key".to_owned(),
        }
    }
}

/// The smallest RSA modulus accepted (RFC 7518 §3.3, §3.5).
const MIN_RSA_BITS: usize = 2048;

/// How many kids or keys a message lists before "…".
const LIST_LIMIT: usize = 8;

/// The most keys one token is tried with. A token without a `kid` facing a
/// JWKS of thousands of keys would otherwise try every one (5,000 EC keys,
/// 100 tokens: 42 s); past this many keys that fit its alg, it is an
/// `ambiguous-key` error asking for a kid or a single key.
pub const MAX_CANDIDATES: usize = 16;

/// Verifies tokens with one resolved key set.
#[derive(Debug, Clone)]
pub struct KeyVerifier {
    keys: KeySet,
    /// `--alg`: when not empty, the only algorithms accepted.
    algs: Vec<Alg>,
    /// Keys that decrypt a JWE (private `--key` files, `--secret*` bytes).
    decryption: Vec<jwe::DecryptionKey>,
}

impl KeyVerifier {
    pub fn new(keys: KeySet, algs: Vec<Alg>) -> KeyVerifier {
        KeyVerifier {
            keys,
            algs,
            decryption: Vec::new(),
        }
    }

    /// The same verifier, also decrypting JWEs with `keys`.
    pub fn with_decryption_keys(mut self, keys: Vec<jwe::DecryptionKey>) -> KeyVerifier {
        self.decryption = keys;
        self
    }

    /// The verdict on one token: the label of the key that verified it and
    /// any warnings about the key set, or why not.
    fn check(&self, token: &str, decoded: &Decoded) -> Result<(String, Vec<Finding>), Failure> {
        if let Some(why) = &self.keys.refused {
            return Err(Failure::new("the key source was refused", why.clone()));
        }
        match decoded.form {
            Form::Jws => {}
            Form::Jwe => {
                return Err(Failure::new(
                    "a JWE is encrypted, not signed",
                    "a 5-part JWE is encrypted, not signed: there is no signature to verify",
                ))
            }
            Form::Other(n) => {
                return Err(Failure::new(
                    "not a 3-part JWS",
                    format!("{n} segments: only a 3-part JWS has a signature to verify"),
                ))
            }
        }
        let Ok(header) = &decoded.header else {
            return Err(Failure::new(
                "the header does not decode",
                "the header does not decode, so the algorithm is unknown: nothing can be verified",
            ));
        };
        let alg = self.algorithm(header)?;
        extensions(header)?;
        let (signing_input, signature) = split_signature(token)?;
        let (candidates, warnings) = self.candidates(header, alg)?;
        signature_shape(alg, &signature)?;
        let mut tried = Vec::new();
        let mut weak = None;
        for key in candidates {
            if verify_with(alg, key, signing_input, &signature) {
                match weak_hmac(alg, key) {
                    None => return Ok((key.label.clone(), warnings)),
                    Some(f) => weak = weak.or(Some(f)),
                }
            }
            tried.push(key);
        }
        if let Some(f) = weak {
            return Err(f);
        }
        Err(match tried.as_slice() {
            [one] => Failure::new(
                format!("signature does not match {}", one.label),
                format!(
                    "the {} signature does not match {} ({}): the token was altered or signed with another key",
                    alg.name(),
                    one.label,
                    one.material.describe()
                ),
            ),
            many => Failure::new(
                format!("signature matches none of {} keys", many.len()),
                format!(
                    "the {} signature matches none of the {} keys in {} that fit it ({}): the token was altered or signed with another key",
                    alg.name(),
                    many.len(),
                    self.keys.origin,
                    listed(many.iter().map(|k| k.label.clone()))
                ),
            ),
        })
    }

    /// The token's `alg`, if it is one that verifies and `--alg` accepts it.
    fn algorithm(&self, header: &Map<String, Value>) -> Result<Alg, Failure> {
        let name = match header.get("alg") {
            Some(Value::String(s)) => s,
            Some(_) => {
                return Err(Failure::new(
                    "alg is not a string",
                    "the header's alg is not a string: nothing can be verified",
                ))
            }
            None => {
                return Err(Failure::new(
                    "no alg",
                    "the header has no alg: nothing can be verified",
                ))
            }
        };
        if token::header::is_alg_none(name) {
            return Err(Failure::new(
                "alg none is unsigned",
                format!(
                    "alg {} means the token is unsigned: it never verifies, whatever the key",
                    quote(name.as_bytes())
                ),
            ));
        }
        let Some(alg) = Alg::parse(name) else {
            return Err(Failure::new(
                "unsupported alg",
                format!(
                    "alg {} is not one jwtinspect verifies ({})",
                    quote(name.as_bytes()),
                    Alg::names()
                ),
            ));
        };
        if !self.algs.is_empty() && !self.algs.contains(&alg) {
            let allowed: Vec<_> = self.algs.iter().map(|a| a.name()).collect();
            return Err(Failure::new(
                "alg not accepted",
                format!(
                    "alg {} is not accepted (--alg {})",
                    alg.name(),
                    allowed.join(", --alg ")
                ),
            ));
        }
        Ok(alg)
    }

    /// The user's keys that may verify this token: matching kid, fitting
    /// alg, at most `MAX_CANDIDATES`; an `ambiguous-key` warning when the
    /// token's kid names several keys.
    fn candidates(
        &self,
        header: &Map<String, Value>,
        alg: Alg,
    ) -> Result<(Vec<&Key>, Vec<Finding>), Failure> {
        let set = &self.keys;
        if set.keys.is_empty() {
            let why: Vec<String> = set.skipped.iter().map(keys::skipped_text).collect();
            return Err(Failure::new(
                "no usable key",
                if why.is_empty() {
                    format!("{} holds no key", set.origin)
                } else {
                    format!("{} holds no usable key: {}", set.origin, why.join("; "))
                },
            ));
        }
        let kid = match header.get("kid") {
            Some(Value::String(k)) => Some(k.as_str()),
            _ => None,
        };
        let by_kid: Vec<&Key> = set
            .keys
            .iter()
            .filter(|k| match (kid, k.kid.as_deref()) {
                (Some(want), Some(have)) => want == have,
                _ => true,
            })
            .collect();
        if by_kid.is_empty() {
            // Only a kid can rule out every key of a non-empty set.
            let want = quote(kid.unwrap_or_default().as_bytes());
            if let Some(s) = set.skipped.iter().find(|s| s.kid.as_deref() == kid) {
                return Err(Failure::new(
                    "the key with this kid is unusable",
                    format!(
                        "the key with kid {want} in {} cannot be used: {}",
                        set.origin, s.why
                    ),
                ));
            }
            let kids = set.kids();
            return Err(Failure::new(
                "no key with this kid",
                if kids.is_empty() {
                    format!("no key with kid {want} in {}", set.origin)
                } else {
                    format!(
                        "no key with kid {want} in {} (kids: {})",
                        set.origin,
                        listed(kids.iter().map(|k| quote(k.as_bytes())))
                    )
                },
            ));
        }
        let mut misfits: Vec<(&Key, String)> = Vec::new();
        let mut fitting: Vec<&Key> = Vec::new();
        for key in by_kid {
            match fits(key, alg) {
                Ok(()) => fitting.push(key),
                Err(why) => misfits.push((key, why)),
            }
        }
        if fitting.len() > MAX_CANDIDATES {
            return Err(Failure::coded(
                "ambiguous-key",
                "too many keys to try",
                format!(
                    "{} keys in {} fit alg {} and the token {}: jwtinspect tries at most {MAX_CANDIDATES}; give the token a kid that names its key, or pass the one key with --key",
                    fitting.len(),
                    set.origin,
                    alg.name(),
                    match kid {
                        Some(k) => format!("names kid {} on all of them", quote(k.as_bytes())),
                        None => "has no kid".to_owned(),
                    }
                ),
            ));
        }
        if !fitting.is_empty() {
            return Ok((fitting, ambiguity(set, kid)));
        }
        let confusion = alg.needs() == Needs::Hmac
            && misfits
                .iter()
                .any(|(k, _)| !matches!(k.material, Material::Hmac(_)));
        let attack = if confusion {
            ": a public key is never used as an HMAC secret (that is the RS256→HS256 key-confusion attack)"
        } else {
            ""
        };
        Err(match misfits.as_slice() {
            [(key, why)] => Failure::new(
                "the key does not fit the alg",
                format!("{}: {why}{attack}", key.label),
            ),
            many => Failure::new(
                "no key fits the alg",
                format!(
                    "no key in {} fits alg {} ({}){attack}",
                    set.origin,
                    alg.name(),
                    listed(many.iter().map(|(k, why)| format!("{}: {why}", k.label)))
                ),
            ),
        })
    }
}

/// An `ambiguous-key` warning when `kid` names more than one key in the set
/// (duplicate kids, or one kid on keys of different types): which key the
/// issuer meant is unclear, and each is tried.
fn ambiguity(set: &KeySet, kid: Option<&str>) -> Vec<Finding> {
    let Some(kid) = kid else {
        return Vec::new();
    };
    let same: Vec<&Key> = set
        .keys
        .iter()
        .filter(|k| k.kid.as_deref() == Some(kid))
        .collect();
    if same.len() < 2 {
        return Vec::new();
    }
    let mut kinds: Vec<String> = same.iter().map(|k| k.material.describe()).collect();
    kinds.dedup();
    let what = if kinds.len() > 1 {
        format!("keys of different types ({})", kinds.join(", "))
    } else {
        format!("{} keys", same.len())
    };
    vec![Finding::warning(
        "ambiguous-key",
        format!(
            "kid {} names {what} in {}: a kid should name one key; each is tried",
            quote(kid.as_bytes()),
            set.origin
        ),
    )]
}

/// An HMAC key that verified but is shorter than the hash: RFC 7518 §3.2
/// says such a key MUST NOT be used, so the match does not count.
fn weak_hmac(alg: Alg, key: &Key) -> Option<Failure> {
    let Material::Hmac(k) = &key.material else {
        return None;
    };
    let needed = match alg {
        Alg::HS256 => 32,
        Alg::HS384 => 48,
        Alg::HS512 => 64,
        _ => return None,
    };
    let len = k.as_bytes().len();
    (len < needed).then(|| {
        Failure::coded(
            "weak-key",
            "the key is too short",
            format!(
                "the {} signature matches {}, but the key is too short: {len} bytes, and RFC 7518 §3.2 requires at least {needed} for {} (a key shorter than the hash can be guessed); it does not count as verified",
                alg.name(),
                key.label,
                alg.name()
            ),
        )
    })
}

/// Does this key suit this algorithm? Says why not.
fn fits(key: &Key, alg: Alg) -> Result<(), String> {
    if let Some(ops) = &key.ops {
        if !ops.iter().any(|op| op == "verify") {
            return Err(format!(
                "the key's key_ops ({}) do not include verify",
                listed(ops.iter().map(|op| quote(op.as_bytes())))
            ));
        }
    }
    if let Some(usage) = &key.usage {
        if usage != "sig" {
            return Err(format!(
                "the key is for {} (use), not for signatures",
                quote(usage.as_bytes())
            ));
        }
    }
    if let Some(key_alg) = &key.alg {
        if key_alg != alg.name() {
            return Err(format!(
                "the key is for alg {}, the token says {}",
                quote(key_alg.as_bytes()),
                alg.name()
            ));
        }
    }
    if let Material::Rsa { bits, .. } = key.material {
        if bits < MIN_RSA_BITS {
            return Err(format!(
                "an RSA key of {bits} bits is too small to trust (RFC 7518 §3.3 requires {MIN_RSA_BITS} or more)"
            ));
        }
    }
    let ok = match (&key.material, alg.needs()) {
        (Material::Hmac(_), Needs::Hmac) => true,
        (Material::Rsa { .. }, Needs::Rsa) => true,
        (Material::Ec { curve, .. }, Needs::Ec(c)) => *curve == c,
        (Material::Ed25519(_), Needs::Ed25519) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "alg {} needs {}, and this is {}",
            alg.name(),
            alg.needs().describe(),
            key.material.describe()
        ))
    }
}

/// `b64` (RFC 7797) and `crit` (RFC 7515 §4.1.11): jwtinspect implements no
/// header extension, so a token that makes one critical does not verify.
fn extensions(header: &Map<String, Value>) -> Result<(), Failure> {
    match token::header::b64(header) {
        B64::Encoded => {}
        B64::Unencoded => {
            return Err(Failure::new(
                "b64: false has no place in a JWT",
                "b64: false (RFC 7797 unencoded payload) has no place in a JWT (RFC 7797 §7): the signature is not checked",
            ))
        }
        B64::NotBoolean => {
            return Err(Failure::new(
                "b64 is not a boolean",
                "the header's b64 (RFC 7797) is not a boolean: the signature is not checked",
            ))
        }
    }
    let shown = |names: &[&str]| listed(names.iter().map(|n| quote(n.as_bytes())));
    match token::header::crit(header) {
        Crit::Understood => Ok(()),
        Crit::Invalid(CritError::NotAList(_) | CritError::Empty | CritError::NotAString) => {
            Err(Failure::new(
                "crit is malformed",
                "crit must be a non-empty array of header parameter names (RFC 7515 §4.1.11): the token is invalid",
            ))
        }
        Crit::Invalid(CritError::Registered(names)) => Err(Failure::new(
            "crit lists a standard parameter",
            format!(
                "crit ({}) lists a standard header parameter, which RFC 7515 §4.1.11 forbids: the token is invalid",
                shown(&names)
            ),
        )),
        Crit::Invalid(CritError::Absent(names)) => Err(Failure::new(
            "crit names a missing parameter",
            format!(
                "crit names {}, which is not in the header (RFC 7515 §4.1.11): the token is invalid",
                shown(&names)
            ),
        )),
        Crit::Invalid(CritError::Twice(name)) => Err(Failure::new(
            "crit lists a name twice",
            format!(
                "crit lists {} twice (RFC 7515 §4.1.11): the token is invalid",
                quote(name.as_bytes())
            ),
        )),
        Crit::Unsupported(names) => Err(Failure::new(
            "crit names an extension jwtinspect does not implement",
            format!(
                "crit names {}, which jwtinspect does not implement: RFC 7515 §4.1.11 requires such a token to be rejected",
                shown(&names)
            ),
        )),
    }
}

/// The signing input (`header.payload`, as found) and the decoded signature.
fn split_signature(token: &str) -> Result<(&[u8], Vec<u8>), Failure> {
    let Some((input, sig)) = token.rsplit_once('.') else {
        return Err(Failure::new("no signature", "the token has no signature"));
    };
    if sig.is_empty() {
        return Err(Failure::new(
            "empty signature",
            "the signature segment is empty: the token is unsigned",
        ));
    }
    if let Some(why) = decode::non_canonical_signature(sig) {
        return Err(Failure::new(
            "the signature is not canonical base64url",
            format!(
                "the signature segment is not canonical base64url: {why}; servers compare the exact text and refuse it, so it never verifies"
            ),
        ));
    }
    match decode::b64_segment(sig) {
        Ok((bytes, _)) => Ok((input.as_bytes(), bytes)),
        Err(e) => Err(Failure::new(
            "the signature is not base64url",
            format!("the signature is not base64url ({})", e.message),
        )),
    }
}

/// Reject signatures whose shape cannot be right, with a message that says why.
fn signature_shape(alg: Alg, signature: &[u8]) -> Result<(), Failure> {
    let expected = match alg.needs() {
        Needs::Ec(curve) => 2 * curve.coordinate_len(),
        Needs::Ed25519 => 64,
        Needs::Hmac | Needs::Rsa => return Ok(()),
    };
    if signature.len() != expected {
        let der = if matches!(alg.needs(), Needs::Ec(_)) && signature.first() == Some(&0x30) {
            " (it looks DER-encoded; JWS wants R || S, RFC 7518 §3.4)"
        } else {
            ""
        };
        return Err(Failure::new(
            "the signature has the wrong length",
            format!(
                "an {} signature is {expected} bytes, this one is {}{der}",
                alg.name(),
                signature.len()
            ),
        ));
    }
    if matches!(alg.needs(), Needs::Ec(_)) {
        let (r, s) = signature.split_at(expected / 2);
        if r.iter().all(|&b| b == 0) || s.iter().all(|&b| b == 0) {
            return Err(Failure::new(
                "ECDSA r or s is zero",
                format!(
                    "the {} signature has r = 0 or s = 0, which is never valid (the CVE-2022-21449 \"psychic signature\" forgery)",
                    alg.name()
                ),
            ));
        }
    }
    Ok(())
}

/// One key, one signature: a public key through the backend's key parsed
/// once (`prepared`); HMAC, and a key the backend would not parse, as
/// before: jsonwebtoken where it can, aws-lc-rs for ES512 and ES256K.
fn verify_with(alg: Alg, key: &Key, input: &[u8], signature: &[u8]) -> bool {
    if let Some(parsed) = prepared(alg, key) {
        return parsed.verify_sig(input, signature).is_ok();
    }
    let decoding = match &key.material {
        Material::Hmac(k) | Material::Rsa { key: k, .. } | Material::Ed25519(k) => k,
        Material::Ec { key: k, .. } => k,
    };
    match (alg.jsonwebtoken(), &key.material) {
        (Some(j), _) => {
            let sig = URL_SAFE_NO_PAD.encode(signature);
            crypto::verify(&sig, input, decoding, j).unwrap_or(false)
        }
        (None, Material::Ec { curve, key }) => {
            use aws_lc_rs::signature::VerificationAlgorithm;
            curve
                .verification()
                .verify_sig(key.as_bytes(), input, signature)
                .is_ok()
        }
        (None, _) => false,
    }
}

/// `key` parsed once for `alg` and kept in it, with the very verification
/// algorithm jsonwebtoken (or, for ES512 and ES256K, `verify_with`) picks,
/// so a token verifies exactly when it did with the key parsed on every
/// call. None for HMAC, a key that does not fit `alg`, or a key the backend
/// refuses to parse (the per-call path then answers, as it always did).
fn prepared(alg: Alg, key: &Key) -> Option<&ParsedPublicKey> {
    use aws_lc_rs::signature as s;
    // RSA keys: the parameters (and slot) per algorithm, as jsonwebtoken's
    // aws_lc verifiers have them.
    let rsa: Option<(&'static s::RsaParameters, usize)> = match alg {
        Alg::RS256 => Some((&s::RSA_PKCS1_2048_8192_SHA256, 0)),
        Alg::RS384 => Some((&s::RSA_PKCS1_2048_8192_SHA384, 1)),
        Alg::RS512 => Some((&s::RSA_PKCS1_2048_8192_SHA512, 2)),
        Alg::PS256 => Some((&s::RSA_PSS_2048_8192_SHA256, 3)),
        Alg::PS384 => Some((&s::RSA_PSS_2048_8192_SHA384, 4)),
        Alg::PS512 => Some((&s::RSA_PSS_2048_8192_SHA512, 5)),
        _ => None,
    };
    let (decoding, algorithm, slot): (_, &'static dyn s::VerificationAlgorithm, usize) =
        match (&key.material, rsa) {
            (Material::Rsa { key, .. }, Some((params, slot))) => (key, params, slot),
            (Material::Ec { key, curve }, None) => match alg {
                Alg::ES256 => (key, &s::ECDSA_P256_SHA256_FIXED, 0),
                Alg::ES384 => (key, &s::ECDSA_P384_SHA384_FIXED, 1),
                // What `verify_with` did for these: the key's own curve.
                Alg::ES512 => (key, curve.verification(), 2),
                Alg::ES256K => (key, curve.verification(), 3),
                _ => return None,
            },
            (Material::Ed25519(key), None) if matches!(alg, Alg::EdDSA | Alg::Ed25519) => {
                (key, &s::ED25519, 0)
            }
            _ => return None,
        };
    key.prepared.get_or_parse(slot, || match decoding.kind() {
        DecodingKeyKind::SecretOrDer(bytes) => ParsedPublicKey::new(algorithm, bytes).ok(),
        DecodingKeyKind::RsaModulusExponent { n, e } => {
            let (params, _) = rsa?;
            s::RsaPublicKeyComponents { n, e }
                .to_parsed_public_key(params)
                .ok()
        }
    })
}

/// "a, b, c" or "a, b, … (12 in all)".
fn listed(items: impl Iterator<Item = String>) -> String {
    let all: Vec<String> = items.collect();
    if all.len() <= LIST_LIMIT {
        all.join(", ")
    } else {
        format!("{}, … ({} in all)", all[..LIST_LIMIT].join(", "), all.len())
    }
}

/// Why a token did not verify: a few words for the signature line, a
/// sentence for the finding.
#[derive(Debug)]
struct Failure {
    /// The finding's code: `signature-invalid` unless the key is at fault.
    code: &'static str,
    short: String,
    long: String,
}

impl Failure {
    fn new(short: impl Into<String>, long: impl Into<String>) -> Failure {
        Failure::coded("signature-invalid", short, long)
    }

    fn coded(code: &'static str, short: impl Into<String>, long: impl Into<String>) -> Failure {
        Failure {
            code,
            short: short.into(),
            long: long.into(),
        }
    }
}

impl Verifier for KeyVerifier {
    fn decrypt(&self, token: &str) -> Option<Result<jwe::Decrypted, jwe::JweError>> {
        (!self.decryption.is_empty()).then(|| jwe::decrypt(token, &self.decryption))
    }

    fn verify(&self, token: &str, decoded: &Decoded) -> Verification {
        match self.check(token, decoded) {
            Ok((label, findings)) => Verification {
                verified: true,
                detail: label,
                findings,
            },
            Err(f) => Verification {
                verified: false,
                detail: f.short,
                findings: vec![Finding::error(f.code, f.long)],
            },
        }
    }
}

/// Parse `--alg` values: exact JWA names; `none` is refused outright.
pub fn parse_algs(names: &[String]) -> Result<Vec<Alg>, String> {
    names
        .iter()
        .map(|n| {
            if token::header::is_alg_none(n) {
                Err("--alg none: alg none never verifies; it cannot be accepted".to_owned())
            } else {
                Alg::parse(n).ok_or_else(|| {
                    format!(
                        "--alg {}: not an algorithm jwtinspect verifies ({})",
                        quote(n.as_bytes()),
                        Alg::names()
                    )
                })
            }
        })
        .collect()
}
