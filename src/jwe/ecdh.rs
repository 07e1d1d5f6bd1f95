//! ECDH-ES (RFC 7518 §4.6, RFC 8037 §3.2): the `epk`, the agreement and the
//! Concat KDF (NIST SP 800-56A §5.8.1, which aws-lc-rs has as the one-step
//! SSKDF with SHA-256).

use aws_lc_rs::agreement::{self, ParsedPublicKey, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::kdf::{get_sskdf_digest_algorithm, sskdf_digest, SskdfDigestAlgorithmId};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use super::JweError;

/// The curves ECDH-ES runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    X25519,
}

impl Curve {
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::X25519 => "X25519",
        }
    }

    pub fn from_name(name: &str) -> Option<Curve> {
        [Curve::P256, Curve::P384, Curve::P521, Curve::X25519]
            .into_iter()
            .find(|c| c.name() == name)
    }

    pub fn agreement(self) -> &'static agreement::Algorithm {
        match self {
            Curve::P256 => &agreement::ECDH_P256,
            Curve::P384 => &agreement::ECDH_P384,
            Curve::P521 => &agreement::ECDH_P521,
            Curve::X25519 => &agreement::X25519,
        }
    }

    /// Bytes of one coordinate (or of the X25519 key).
    pub fn coord_len(self) -> usize {
        match self {
            Curve::P256 | Curve::X25519 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    pub fn kty(self) -> &'static str {
        if self == Curve::X25519 {
            "OKP"
        } else {
            "EC"
        }
    }
}

/// A checked public point: on its curve (aws-lc-rs parses and validates it).
pub struct Point {
    pub curve: Curve,
    bytes: Vec<u8>,
}

fn coord(
    jwk: &Map<String, Value>,
    name: &str,
    len: usize,
    what: &str,
) -> Result<Vec<u8>, JweError> {
    let text = jwk
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| JweError::Header(format!("{what} has no \"{name}\"")))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| JweError::Header(format!("{what} \"{name}\" is not base64url")))?;
    if bytes.len() != len {
        return Err(JweError::Header(format!(
            "{what} \"{name}\" is {} bytes, the curve needs {len}",
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// The public key of a JWK (`epk`, or a recipient's): its curve, and the point
/// checked to be on it.
pub fn point_from_jwk(jwk: &Map<String, Value>, what: &str) -> Result<Point, JweError> {
    let crv = jwk
        .get("crv")
        .and_then(Value::as_str)
        .ok_or_else(|| JweError::Header(format!("{what} has no \"crv\"")))?;
    let curve = Curve::from_name(crv).ok_or_else(|| {
        JweError::Unsupported(format!(
            "{what} curve \"{}\" is not implemented (P-256, P-384, P-521, X25519)",
            crv.escape_default()
        ))
    })?;
    let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or("");
    if kty != curve.kty() {
        return Err(JweError::Header(format!(
            "{what} has kty \"{}\" but crv {} needs \"{}\"",
            kty.escape_default(),
            curve.name(),
            curve.kty()
        )));
    }
    let len = curve.coord_len();
    let bytes = if curve == Curve::X25519 {
        coord(jwk, "x", len, what)?
    } else {
        let mut b = vec![4u8];
        b.extend(coord(jwk, "x", len, what)?);
        b.extend(coord(jwk, "y", len, what)?);
        b
    };
    point(curve, &bytes, what)
}

/// Parse raw point bytes (uncompressed SEC1 for EC, 32 bytes for X25519).
pub fn point(curve: Curve, bytes: &[u8], what: &str) -> Result<Point, JweError> {
    ParsedPublicKey::try_from(UnparsedPublicKey::new(curve.agreement(), bytes)).map_err(|_| {
        JweError::Limit(format!(
            "{what} is not a point on {} (invalid-curve attack?)",
            curve.name()
        ))
    })?;
    Ok(Point {
        curve,
        bytes: bytes.to_vec(),
    })
}

/// Z, the shared secret. An X25519 point of small order gives an all-zero Z,
/// which aws-lc-rs refuses.
pub fn agree(private: &PrivateKey, public: &Point) -> Result<Vec<u8>, JweError> {
    let peer = UnparsedPublicKey::new(public.curve.agreement(), &public.bytes);
    agreement::agree(private, peer, (), |z| Ok(z.to_vec())).map_err(|()| {
        JweError::Limit(format!(
            "the epk is not a usable {} public key (a point of small order)",
            public.curve.name()
        ))
    })
}

/// The Concat KDF of RFC 7518 §4.6.2: `len` bytes from Z for `algorithm_id`.
pub fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    len: usize,
) -> Result<Vec<u8>, JweError> {
    let mut info = Vec::with_capacity(16 + algorithm_id.len() + apu.len() + apv.len());
    for part in [algorithm_id.as_bytes(), apu, apv] {
        info.extend_from_slice(&(part.len() as u32).to_be_bytes());
        info.extend_from_slice(part);
    }
    info.extend_from_slice(&((len * 8) as u32).to_be_bytes());
    let mut out = vec![0u8; len];
    let alg = get_sskdf_digest_algorithm(SskdfDigestAlgorithmId::Sha256)
        .ok_or(JweError::DecryptionFailed)?;
    sskdf_digest(alg, z, &info, &mut out).map_err(|_| JweError::DecryptionFailed)?;
    Ok(out)
}

/// The JWK of an ephemeral public key, for the `epk` member.
pub fn epk_jwk(curve: Curve, public: &[u8]) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("kty".to_owned(), Value::from(curve.kty()));
    m.insert("crv".to_owned(), Value::from(curve.name()));
    if curve == Curve::X25519 {
        m.insert("x".to_owned(), Value::from(URL_SAFE_NO_PAD.encode(public)));
    } else {
        let len = curve.coord_len();
        let xy = &public[1..];
        m.insert(
            "x".to_owned(),
            Value::from(URL_SAFE_NO_PAD.encode(&xy[..len])),
        );
        m.insert(
            "y".to_owned(),
            Value::from(URL_SAFE_NO_PAD.encode(&xy[len..])),
        );
    }
    m
}
