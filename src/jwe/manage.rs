//! Key management (RFC 7518 §4): how the content key (CEK) is carried.

use std::num::NonZeroU32;

use aws_lc_rs::agreement::PrivateKey;
use aws_lc_rs::pbkdf2;
use aws_lc_rs::rsa::{
    OaepAlgorithm, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, Pkcs1PrivateDecryptingKey,
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use super::ecdh::{self, Point};
use super::keys::{Private, Public};
use super::{kw, random, Alg, DecryptionKey, Enc, Header, JweError, RecipientKey, MAX_P2C};

/// What the header says beyond `alg`/`enc`, checked before any key is used.
pub(super) enum Plan {
    Plain,
    Ecdh {
        epk: Point,
        apu: Vec<u8>,
        apv: Vec<u8>,
    },
    Pbes2 {
        salt: Vec<u8>,
        p2c: NonZeroU32,
    },
    GcmKw {
        iv: Vec<u8>,
        tag: Vec<u8>,
    },
}

impl Plan {
    /// The curve of the `epk`, for ECDH-ES.
    pub fn epk_curve(&self) -> Option<ecdh::Curve> {
        match self {
            Plan::Ecdh { epk, .. } => Some(epk.curve),
            _ => None,
        }
    }
}

fn b64_member(map: &Map<String, Value>, name: &str) -> Result<Option<Vec<u8>>, JweError> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => URL_SAFE_NO_PAD
            .decode(s)
            .map(Some)
            .map_err(|_| JweError::Header(format!("\"{name}\" is not base64url"))),
        Some(_) => Err(JweError::Header(format!("\"{name}\" is not a string"))),
    }
}

fn required(map: &Map<String, Value>, name: &str, alg: Alg) -> Result<Vec<u8>, JweError> {
    b64_member(map, name)?
        .ok_or_else(|| JweError::Header(format!("{alg} needs a \"{name}\" member")))
}

pub(super) fn plan(header: &Header<'_>) -> Result<Plan, JweError> {
    let map = header.map;
    Ok(match header.alg {
        Alg::EcdhEs | Alg::EcdhEsA128Kw | Alg::EcdhEsA192Kw | Alg::EcdhEsA256Kw => {
            let epk = match map.get("epk") {
                Some(Value::Object(jwk)) => ecdh::point_from_jwk(jwk, "the epk")?,
                Some(_) => return Err(JweError::Header("\"epk\" is not a JWK object".to_owned())),
                None => {
                    return Err(JweError::Header(format!(
                        "{} needs an \"epk\" member",
                        header.alg
                    )))
                }
            };
            Plan::Ecdh {
                epk,
                apu: b64_member(map, "apu")?.unwrap_or_default(),
                apv: b64_member(map, "apv")?.unwrap_or_default(),
            }
        }
        Alg::Pbes2Hs256A128Kw | Alg::Pbes2Hs384A192Kw | Alg::Pbes2Hs512A256Kw => {
            // The count first: a token must not buy minutes of CPU.
            let p2c = match map.get("p2c") {
                Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
                    JweError::Header("\"p2c\" is not a positive integer".to_owned())
                })?,
                Some(_) => return Err(JweError::Header("\"p2c\" is not a number".to_owned())),
                None => {
                    return Err(JweError::Header(format!(
                        "{} needs a \"p2c\" member",
                        header.alg
                    )))
                }
            };
            if p2c > MAX_P2C {
                return Err(JweError::Limit(format!(
                    "p2c {p2c} is above the limit of 1,000,000 PBES2 iterations"
                )));
            }
            let p2c = u32::try_from(p2c)
                .ok()
                .and_then(NonZeroU32::new)
                .ok_or_else(|| JweError::Header("\"p2c\" is 0".to_owned()))?;
            let p2s = required(map, "p2s", header.alg)?;
            let mut salt = header.alg.name().as_bytes().to_vec();
            salt.push(0);
            salt.extend(p2s);
            Plan::Pbes2 { salt, p2c }
        }
        Alg::A128GcmKw | Alg::A192GcmKw | Alg::A256GcmKw => Plan::GcmKw {
            iv: required(map, "iv", header.alg)?,
            tag: required(map, "tag", header.alg)?,
        },
        _ => Plan::Plain,
    })
}

fn oaep(alg: Alg) -> Option<&'static OaepAlgorithm> {
    match alg {
        Alg::RsaOaep => Some(&OAEP_SHA1_MGF1SHA1),
        Alg::RsaOaep256 => Some(&OAEP_SHA256_MGF1SHA256),
        Alg::RsaOaep384 => Some(&OAEP_SHA384_MGF1SHA384),
        Alg::RsaOaep512 => Some(&OAEP_SHA512_MGF1SHA512),
        _ => None,
    }
}

fn pbkdf2_alg(alg: Alg) -> pbkdf2::Algorithm {
    match alg {
        Alg::Pbes2Hs256A128Kw => pbkdf2::PBKDF2_HMAC_SHA256,
        Alg::Pbes2Hs384A192Kw => pbkdf2::PBKDF2_HMAC_SHA384,
        _ => pbkdf2::PBKDF2_HMAC_SHA512,
    }
}

fn pbes2_kek(alg: Alg, p2c: NonZeroU32, salt: &[u8], password: &[u8]) -> Vec<u8> {
    let mut kek = vec![0u8; alg.kw_len().unwrap_or(32)];
    pbkdf2::derive(pbkdf2_alg(alg), p2c, salt, password, &mut kek);
    kek
}

/// The ECDH-ES key: the CEK itself for `ECDH-ES`, else the key-wrap key.
fn ecdh_key(alg: Alg, enc: Enc, z: &[u8], apu: &[u8], apv: &[u8]) -> Result<Vec<u8>, JweError> {
    match alg.kw_len() {
        Some(len) => ecdh::concat_kdf(z, alg.name(), apu, apv, len),
        None => ecdh::concat_kdf(z, enc.name(), apu, apv, enc.key_len()),
    }
}

/// Recover the CEK. Every failure is `DecryptionFailed` (but an X25519 epk of
/// small order, a limit); RSA1_5 never fails here (RFC 7516 §11.5).
pub(super) fn unwrap_cek(
    header: &Header<'_>,
    plan: &Plan,
    key: &DecryptionKey,
    encrypted_key: &[u8],
) -> Result<Vec<u8>, JweError> {
    const FAIL: JweError = JweError::DecryptionFailed;
    let (alg, enc) = (header.alg, header.enc);
    let cek = match (alg, key.private(), plan) {
        (Alg::Rsa1_5, Private::Rsa(rsa), _) => {
            // Draw the stand-in key first, so both paths do the same work.
            let stand_in = random(enc.key_len()).map_err(|_| FAIL)?;
            let mut out = vec![0u8; rsa.key_size_bytes()];
            let unwrapped = Pkcs1PrivateDecryptingKey::new(rsa.clone())
                .ok()
                .and_then(|k| k.decrypt(encrypted_key, &mut out).ok().map(|p| p.to_vec()));
            match unwrapped {
                Some(cek) if cek.len() == enc.key_len() => cek,
                _ => stand_in,
            }
        }
        (_, Private::Rsa(rsa), _) => {
            let oaep = oaep(alg).ok_or(FAIL)?;
            let k = OaepPrivateDecryptingKey::new(rsa.clone()).map_err(|_| FAIL)?;
            let mut out = vec![0u8; rsa.key_size_bytes()];
            k.decrypt(oaep, encrypted_key, &mut out, None)
                .map_err(|_| FAIL)?
                .to_vec()
        }
        (Alg::Dir, Private::Secret(k), _) => {
            if !encrypted_key.is_empty() {
                return Err(FAIL);
            }
            k.clone()
        }
        (_, Private::Secret(k), Plan::GcmKw { iv, tag }) => {
            kw::gcm_unwrap(k, iv, tag, encrypted_key).map_err(|_| FAIL)?
        }
        (_, Private::Secret(password), Plan::Pbes2 { salt, p2c }) => {
            let kek = pbes2_kek(alg, *p2c, salt, password);
            kw::unwrap(&kek, encrypted_key).map_err(|_| FAIL)?
        }
        (_, Private::Secret(k), Plan::Plain) => kw::unwrap(k, encrypted_key).map_err(|_| FAIL)?,
        (_, Private::Ec(_, private), Plan::Ecdh { epk, apu, apv }) => {
            let z = ecdh::agree(private, epk)?;
            let derived = ecdh_key(alg, enc, &z, apu, apv)?;
            if alg == Alg::EcdhEs {
                if !encrypted_key.is_empty() {
                    return Err(FAIL);
                }
                derived
            } else {
                kw::unwrap(&derived, encrypted_key).map_err(|_| FAIL)?
            }
        }
        _ => return Err(FAIL),
    };
    if cek.len() != enc.key_len() {
        return Err(FAIL);
    }
    Ok(cek)
}

/// A fresh CEK and what carries it; algorithm members go into `header`.
pub(super) fn wrap_new_cek(
    alg: Alg,
    enc: Enc,
    key: &RecipientKey,
    p2c: u32,
    header: &mut Map<String, Value>,
) -> Result<(Vec<u8>, Vec<u8>), JweError> {
    let fail = |what: &str| JweError::Encrypt(format!("{alg}: {what}"));
    if alg == Alg::Dir {
        return match key.public() {
            Public::Secret(k) => Ok((k.clone(), Vec::new())),
            _ => Err(fail("needs a symmetric key")),
        };
    }
    if let Public::Ec(curve, point) = key.public() {
        let eph = PrivateKey::generate(curve.agreement()).map_err(|_| fail("key generation"))?;
        let eph_public = eph
            .compute_public_key()
            .map_err(|_| fail("key generation"))?;
        let recipient = ecdh::point(*curve, point, "the recipient key")?;
        let z = ecdh::agree(&eph, &recipient)?;
        let derived = ecdh_key(alg, enc, &z, &[], &[])?;
        header.insert(
            "epk".to_owned(),
            Value::Object(ecdh::epk_jwk(*curve, eph_public.as_ref())),
        );
        if alg == Alg::EcdhEs {
            return Ok((derived, Vec::new()));
        }
        let cek = random(enc.key_len())?;
        let wrapped = kw::wrap(&derived, &cek).map_err(|_| fail("key wrap"))?;
        return Ok((cek, wrapped));
    }
    let cek = random(enc.key_len())?;
    let wrapped = match (key.public(), alg) {
        (Public::Rsa(rsa), _) => {
            let oaep = oaep(alg).ok_or_else(|| fail("not an RSA-OAEP algorithm"))?;
            let k = OaepPublicEncryptingKey::new(rsa.clone()).map_err(|_| fail("RSA key"))?;
            let mut out = vec![0u8; k.ciphertext_size()];
            k.encrypt(oaep, &cek, &mut out, None)
                .map_err(|_| fail("RSA-OAEP encryption"))?
                .to_vec()
        }
        (Public::Secret(k), Alg::A128GcmKw | Alg::A192GcmKw | Alg::A256GcmKw) => {
            let iv = random(12)?;
            let (wrapped, tag) = kw::gcm_wrap(k, &iv, &cek).map_err(|_| fail("key wrap"))?;
            header.insert("iv".to_owned(), Value::from(URL_SAFE_NO_PAD.encode(iv)));
            header.insert("tag".to_owned(), Value::from(URL_SAFE_NO_PAD.encode(tag)));
            wrapped
        }
        (
            Public::Secret(password),
            Alg::Pbes2Hs256A128Kw | Alg::Pbes2Hs384A192Kw | Alg::Pbes2Hs512A256Kw,
        ) => {
            let p2s = random(16)?;
            let p2c = NonZeroU32::new(p2c).ok_or_else(|| fail("p2c must be positive"))?;
            let mut salt = alg.name().as_bytes().to_vec();
            salt.push(0);
            salt.extend_from_slice(&p2s);
            header.insert("p2s".to_owned(), Value::from(URL_SAFE_NO_PAD.encode(p2s)));
            header.insert("p2c".to_owned(), Value::from(p2c.get()));
            let kek = pbes2_kek(alg, p2c, &salt, password);
            kw::wrap(&kek, &cek).map_err(|_| fail("key wrap"))?
        }
        (Public::Secret(k), _) => kw::wrap(k, &cek).map_err(|_| fail("key wrap"))?,
        (Public::Ec(..), _) => return Err(fail("needs an EC key")),
    };
    Ok((cek, wrapped))
}
