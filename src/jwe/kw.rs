//! AES Key Wrap (RFC 3394, RFC 7518 §4.4) and AES-GCM key wrap (§4.7).
//!
//! aws-lc-rs wraps with AES-128 and AES-256; A192KW is RFC 3394 written here
//! over aws-lc-rs's AES-192 block cipher (ECB of one block), and checked
//! against RFC 3394's own AES-192 vectors and against aws-lc-rs for 128/256.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, AES_192_GCM, AES_256_GCM};
use aws_lc_rs::cipher::{self, DecryptingKey, DecryptionContext, EncryptingKey, UnboundCipherKey};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::error::Unspecified;
use aws_lc_rs::key_wrap::{AesKek, KeyWrap, AES_128, AES_256};

const DEFAULT_IV: [u8; 8] = [0xA6; 8];

/// Wrap `key` (a multiple of 8 bytes, at least 16) with `kek` (16, 24 or 32 bytes).
pub(super) fn wrap(kek: &[u8], key: &[u8]) -> Result<Vec<u8>, Unspecified> {
    if key.len() < 16 || key.len() % 8 != 0 {
        return Err(Unspecified);
    }
    let mut out = vec![0u8; key.len() + 8];
    let len = match kek.len() {
        16 => AesKek::new(&AES_128, kek)?.wrap(key, &mut out)?.len(),
        32 => AesKek::new(&AES_256, kek)?.wrap(key, &mut out)?.len(),
        24 => return rfc3394_wrap(&cipher::AES_192, kek, key),
        _ => return Err(Unspecified),
    };
    out.truncate(len);
    Ok(out)
}

/// Unwrap; a wrong key or altered input fails the integrity check.
pub(super) fn unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Vec<u8>, Unspecified> {
    if wrapped.len() < 24 || wrapped.len() % 8 != 0 {
        return Err(Unspecified);
    }
    let mut out = vec![0u8; wrapped.len()];
    let len = match kek.len() {
        16 => AesKek::new(&AES_128, kek)?.unwrap(wrapped, &mut out)?.len(),
        32 => AesKek::new(&AES_256, kek)?.unwrap(wrapped, &mut out)?.len(),
        24 => return rfc3394_unwrap(&cipher::AES_192, kek, wrapped),
        _ => return Err(Unspecified),
    };
    out.truncate(len);
    Ok(out)
}

/// RFC 3394 §2.2.1, the index-based form.
pub(super) fn rfc3394_wrap(
    aes: &'static cipher::Algorithm,
    kek: &[u8],
    key: &[u8],
) -> Result<Vec<u8>, Unspecified> {
    let enc = EncryptingKey::ecb(UnboundCipherKey::new(aes, kek)?)?;
    let n = key.len() / 8;
    let mut a = DEFAULT_IV;
    let mut r: Vec<[u8; 8]> = key
        .chunks_exact(8)
        .map(|c| c.try_into().unwrap_or([0; 8]))
        .collect();
    for j in 0..6u64 {
        for (i, ri) in r.iter_mut().enumerate() {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&a);
            b[8..].copy_from_slice(ri);
            enc.encrypt(&mut b)?;
            let t = (n as u64) * j + (i as u64 + 1);
            a.copy_from_slice(&b[..8]);
            for (x, y) in a.iter_mut().zip(t.to_be_bytes()) {
                *x ^= y;
            }
            ri.copy_from_slice(&b[8..]);
        }
    }
    let mut out = a.to_vec();
    for ri in r {
        out.extend_from_slice(&ri);
    }
    Ok(out)
}

/// RFC 3394 §2.2.2, with the §2.2.3 integrity check in constant time.
pub(super) fn rfc3394_unwrap(
    aes: &'static cipher::Algorithm,
    kek: &[u8],
    wrapped: &[u8],
) -> Result<Vec<u8>, Unspecified> {
    let dec = DecryptingKey::ecb(UnboundCipherKey::new(aes, kek)?)?;
    let n = wrapped.len() / 8 - 1;
    let mut a: [u8; 8] = wrapped[..8].try_into().map_err(|_| Unspecified)?;
    let mut r: Vec<[u8; 8]> = wrapped[8..]
        .chunks_exact(8)
        .map(|c| c.try_into().unwrap_or([0; 8]))
        .collect();
    for j in (0..6u64).rev() {
        for i in (0..n).rev() {
            let t = (n as u64) * j + (i as u64 + 1);
            let mut b = [0u8; 16];
            for (k, y) in t.to_be_bytes().into_iter().enumerate() {
                b[k] = a[k] ^ y;
            }
            b[8..].copy_from_slice(&r[i]);
            dec.decrypt(&mut b, DecryptionContext::None)?;
            a.copy_from_slice(&b[..8]);
            r[i].copy_from_slice(&b[8..]);
        }
    }
    verify_slices_are_equal(&a, &DEFAULT_IV)?;
    Ok(r.concat())
}

fn gcm(kek: &[u8]) -> Result<LessSafeKey, Unspecified> {
    let alg = match kek.len() {
        16 => &AES_128_GCM,
        24 => &AES_192_GCM,
        32 => &AES_256_GCM,
        _ => return Err(Unspecified),
    };
    Ok(LessSafeKey::new(UnboundKey::new(alg, kek)?))
}

/// AES-GCM key wrap: the CEK encrypted with an empty AAD; `(wrapped, tag)`.
pub(super) fn gcm_wrap(
    kek: &[u8],
    iv: &[u8],
    cek: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Unspecified> {
    let mut buf = cek.to_vec();
    let tag = gcm(kek)?.seal_in_place_separate_tag(
        Nonce::try_assume_unique_for_key(iv)?,
        Aad::empty(),
        &mut buf,
    )?;
    Ok((buf, tag.as_ref().to_vec()))
}

pub(super) fn gcm_unwrap(
    kek: &[u8],
    iv: &[u8],
    tag: &[u8],
    wrapped: &[u8],
) -> Result<Vec<u8>, Unspecified> {
    if tag.len() != 16 {
        return Err(Unspecified);
    }
    let mut buf = wrapped.to_vec();
    gcm(kek)?.open_in_place_separate_tag(
        Nonce::try_assume_unique_for_key(iv)?,
        Aad::empty(),
        tag,
        &mut buf,
    )?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 3394 §4.2 and §4.4: the AES-192 KEK vectors.
    #[test]
    fn a192kw_matches_rfc3394_section_4_vectors() {
        let kek = hex("000102030405060708090A0B0C0D0E0F1011121314151617");
        let cases = [
            (
                "00112233445566778899AABBCCDDEEFF",
                "96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D",
            ),
            (
                "00112233445566778899AABBCCDDEEFF0001020304050607",
                "031D33264E15D332 68F24EC260743EDC E1C6C7DDEE725A93 6BA814915C6762D2",
            ),
        ];
        for (key, wrapped) in cases {
            assert_eq!(wrap(&kek, &hex(key)).unwrap(), hex(wrapped), "wrap {key}");
            assert_eq!(
                unwrap(&kek, &hex(wrapped)).unwrap(),
                hex(key),
                "unwrap {key}"
            );
        }
        // §4.5, a 256-bit KEK (the aws-lc-rs path) for comparison.
        let kek = hex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
        let key = hex("00112233445566778899AABBCCDDEEFF0001020304050607");
        let wrapped = hex("A8F9BC1612C68B3F F6E6F4FBE30E71E4 769C8B80A32CB895 8CD5D17D6B254DA1");
        assert_eq!(wrap(&kek, &key).unwrap(), wrapped);
    }

    /// The hand-written RFC 3394 agrees with aws-lc-rs's where both exist.
    #[test]
    fn rfc3394_by_hand_agrees_with_aws_lc_for_aes_128_and_256() {
        for (aes, kek_len) in [(&cipher::AES_128, 16), (&cipher::AES_256, 32)] {
            let kek: Vec<u8> = (0..kek_len as u8).collect();
            for key_len in [16usize, 24, 32, 64] {
                let key: Vec<u8> = (0..key_len as u8).map(|b| b.wrapping_mul(7)).collect();
                let by_hand = rfc3394_wrap(aes, &kek, &key).unwrap();
                assert_eq!(by_hand, wrap(&kek, &key).unwrap());
                assert_eq!(rfc3394_unwrap(aes, &kek, &by_hand).unwrap(), key);
            }
        }
    }

    #[test]
    fn unwrap_refuses_an_altered_or_wrongly_keyed_input() {
        for kek_len in [16usize, 24, 32] {
            let kek = vec![3u8; kek_len];
            let wrapped = wrap(&kek, &[9u8; 32]).unwrap();
            let mut altered = wrapped.clone();
            altered[10] ^= 1;
            assert!(unwrap(&kek, &altered).is_err(), "altered, kek {kek_len}");
            assert!(
                unwrap(&vec![4u8; kek_len], &wrapped).is_err(),
                "other kek {kek_len}"
            );
        }
    }
}
