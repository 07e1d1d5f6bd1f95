//! Content encryption (RFC 7518 §5): AES-CBC with HMAC-SHA-2 (§5.2) and
//! AES-GCM (§5.3). The tag is checked before any byte is decrypted.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    self, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey,
    UnboundCipherKey,
};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;

use super::{random, Enc, JweError};

/// What content encryption made.
pub(super) struct Sealed {
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub tag: Vec<u8>,
}

enum Kind {
    Gcm(&'static aead::Algorithm),
    Cbc {
        aes: &'static cipher::Algorithm,
        mac: hmac::Algorithm,
        half: usize,
    },
}

fn kind(enc: Enc) -> Kind {
    match enc {
        Enc::A128Gcm => Kind::Gcm(&aead::AES_128_GCM),
        Enc::A192Gcm => Kind::Gcm(&aead::AES_192_GCM),
        Enc::A256Gcm => Kind::Gcm(&aead::AES_256_GCM),
        Enc::A128CbcHs256 => Kind::Cbc {
            aes: &cipher::AES_128,
            mac: hmac::HMAC_SHA256,
            half: 16,
        },
        Enc::A192CbcHs384 => Kind::Cbc {
            aes: &cipher::AES_192,
            mac: hmac::HMAC_SHA384,
            half: 24,
        },
        Enc::A256CbcHs512 => Kind::Cbc {
            aes: &cipher::AES_256,
            mac: hmac::HMAC_SHA512,
            half: 32,
        },
    }
}

/// The CBC-HMAC tag: HMAC(MAC_KEY, AAD || IV || C || AL) cut to half the
/// CEK length (RFC 7518 §5.2.2.1).
fn cbc_tag(
    mac: hmac::Algorithm,
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    c: &[u8],
    len: usize,
) -> Vec<u8> {
    let key = hmac::Key::new(mac, mac_key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(aad);
    ctx.update(iv);
    ctx.update(c);
    let al = (aad.len() as u64).wrapping_mul(8);
    ctx.update(&al.to_be_bytes());
    ctx.sign().as_ref()[..len].to_vec()
}

/// Decrypt; every fault is `DecryptionFailed`.
pub(super) fn decrypt(
    enc: Enc,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, JweError> {
    const FAIL: JweError = JweError::DecryptionFailed;
    if cek.len() != enc.key_len() {
        return Err(FAIL);
    }
    match kind(enc) {
        Kind::Gcm(alg) => {
            let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| FAIL)?;
            if tag.len() != alg.tag_len() {
                return Err(FAIL);
            }
            let key = LessSafeKey::new(UnboundKey::new(alg, cek).map_err(|_| FAIL)?);
            let mut buf = ciphertext.to_vec();
            key.open_in_place_separate_tag(nonce, Aad::from(aad), tag, &mut buf)
                .map_err(|_| FAIL)?;
            Ok(buf)
        }
        Kind::Cbc { aes, mac, half } => {
            let (mac_key, enc_key) = cek.split_at(half);
            let iv: [u8; 16] = iv.try_into().map_err(|_| FAIL)?;
            if tag.len() != half {
                return Err(FAIL);
            }
            let expected = cbc_tag(mac, mac_key, aad, &iv, ciphertext, half);
            verify_slices_are_equal(&expected, tag).map_err(|_| FAIL)?;
            let key = PaddedBlockDecryptingKey::cbc_pkcs7(
                UnboundCipherKey::new(aes, enc_key).map_err(|_| FAIL)?,
            )
            .map_err(|_| FAIL)?;
            let mut buf = ciphertext.to_vec();
            let len = key
                .decrypt(&mut buf, DecryptionContext::Iv128(FixedLength::from(iv)))
                .map_err(|_| FAIL)?
                .len();
            buf.truncate(len);
            Ok(buf)
        }
    }
}

/// Encrypt with a fresh IV.
pub(super) fn encrypt(
    enc: Enc,
    cek: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Sealed, JweError> {
    let fail = |what: &str| JweError::Encrypt(format!("{enc}: {what}"));
    match kind(enc) {
        Kind::Gcm(alg) => {
            let iv = random(12)?;
            let nonce = Nonce::try_assume_unique_for_key(&iv).map_err(|_| fail("nonce"))?;
            let key = LessSafeKey::new(UnboundKey::new(alg, cek).map_err(|_| fail("key"))?);
            let mut buf = plaintext.to_vec();
            let tag = key
                .seal_in_place_separate_tag(nonce, Aad::from(aad), &mut buf)
                .map_err(|_| fail("seal"))?;
            Ok(Sealed {
                iv,
                ciphertext: buf,
                tag: tag.as_ref().to_vec(),
            })
        }
        Kind::Cbc { aes, mac, half } => {
            let (mac_key, enc_key) = cek.split_at(half);
            let iv: [u8; 16] = random(16)?.try_into().map_err(|_| fail("iv"))?;
            let key = PaddedBlockEncryptingKey::cbc_pkcs7(
                UnboundCipherKey::new(aes, enc_key).map_err(|_| fail("key"))?,
            )
            .map_err(|_| fail("key"))?;
            let mut buf = plaintext.to_vec();
            key.less_safe_encrypt(&mut buf, EncryptionContext::Iv128(FixedLength::from(iv)))
                .map_err(|_| fail("encrypt"))?;
            let tag = cbc_tag(mac, mac_key, aad, &iv, &buf, half);
            Ok(Sealed {
                iv: iv.to_vec(),
                ciphertext: buf,
                tag,
            })
        }
    }
}
