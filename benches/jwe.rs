//! JWE decryption: the time of an RSA1_5 token whose key unwraps against one
//! whose unwrap fails (RFC 7516 §11.5: the failure goes on with a random key,
//! so both should take the same time), and decrypt throughput for
//! RSA-OAEP-256+A256GCM and ECDH-ES+A256KW+A256GCM.
//!
//! Run: `cargo bench --bench jwe` (optionally `-- SECONDS`, default 2 per row).

use std::path::Path;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jwtinspect::jwe::{self, Alg, DecryptionKey, Enc, EncryptOptions, JweError};

/// Mean nanoseconds per call of `f`, over about `secs` seconds.
fn ns_per_call(secs: f64, mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..20 {
            f();
        }
        n += 20;
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

fn rfc(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/rfc/jwe")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The token with its encrypted key replaced by `ek`.
fn with_encrypted_key(token: &str, ek: &[u8]) -> String {
    let mut segs: Vec<String> = token.split('.').map(str::to_owned).collect();
    segs[1] = URL_SAFE_NO_PAD.encode(ek);
    segs.join(".")
}

fn main() {
    let secs: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2.0);

    // RSA1_5: RFC 7516 A.2 (2048-bit key, A128CBC-HS256).
    let stem = "rfc7516-a2-rsa1_5-a128cbc-hs256";
    let token = String::from_utf8(rfc(&format!("{stem}.jwe"))).expect("utf-8");
    let token = token.trim();
    let keys = DecryptionKey::parse(&rfc(&format!("{stem}.key.json"))).expect("key");
    assert!(jwe::decrypt(token, &keys).is_ok());
    // Bad padding: an encrypted key of random bytes (below n: first byte 0).
    let mut junk = vec![0x5au8; 256];
    junk[0] = 0;
    let bad_padding = with_encrypted_key(token, &junk);
    // Good padding, wrong length: a 16-byte key where A128CBC-HS256 needs 32.
    let recipient = keys[0].recipient();
    let short_cek = {
        let ek = pkcs1_encrypt(&keys[0], &[7u8; 16]);
        with_encrypted_key(token, &ek)
    };
    println!("RSA1_5 decrypt (RFC 7516 A.2, RSA-2048, A128CBC-HS256), {recipient:?}");
    // Interleaved rounds, the best of each: the machine's other load
    // touches all three alike.
    let (mut ok, mut pad, mut len) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..5 {
        ok = ok.min(ns_per_call(secs / 5.0, || {
            assert!(jwe::decrypt(token, &keys).is_ok())
        }));
        pad = pad.min(ns_per_call(secs / 5.0, || {
            assert_eq!(
                jwe::decrypt(&bad_padding, &keys).unwrap_err(),
                JweError::DecryptionFailed
            )
        }));
        len = len.min(ns_per_call(secs / 5.0, || {
            assert_eq!(
                jwe::decrypt(&short_cek, &keys).unwrap_err(),
                JweError::DecryptionFailed
            )
        }));
    }
    println!("  unwrap succeeds           {:>9.1} µs", ok / 1000.0);
    println!(
        "  bad padding               {:>9.1} µs ({:+.1}%)",
        pad / 1000.0,
        (pad / ok - 1.0) * 100.0
    );
    println!(
        "  good padding, wrong size  {:>9.1} µs ({:+.1}%)",
        len / 1000.0,
        (len / ok - 1.0) * 100.0
    );

    // The backend alone, on the same two encrypted keys: where the gap is.
    let (raw_ok, raw_bad) = backend_pkcs1(secs, &keys[0], token, &bad_padding);
    println!(
        "  aws-lc-rs PKCS#1 v1.5 decrypt alone: {:.1} µs ok, {:.1} µs bad padding ({:+.1}%)",
        raw_ok / 1000.0,
        raw_bad / 1000.0,
        (raw_bad / raw_ok - 1.0) * 100.0
    );

    // Throughput for a typical nested-JWT-sized plaintext (1 KiB).
    let plaintext = vec![b'x'; 1024];
    println!("decrypt throughput, 1 KiB plaintext");
    for (label, key, alg) in [
        (
            "RSA-OAEP-256 + A256GCM (RSA-2048)",
            DecryptionKey::generate_rsa(2048).expect("rsa"),
            Alg::RsaOaep256,
        ),
        (
            "ECDH-ES+A256KW + A256GCM (P-256)",
            DecryptionKey::generate_ec("P-256").expect("ec"),
            Alg::EcdhEsA256Kw,
        ),
        (
            "ECDH-ES+A256KW + A256GCM (X25519)",
            DecryptionKey::generate_ec("X25519").expect("x25519"),
            Alg::EcdhEsA256Kw,
        ),
    ] {
        let mut opts = EncryptOptions::for_key(&key.recipient());
        opts.alg = alg;
        opts.enc = Enc::A256Gcm;
        let token = jwe::encrypt(&plaintext, &key.recipient(), &opts).expect("encrypt");
        let keys = [key];
        let ns = ns_per_call(secs, || assert!(jwe::decrypt(&token, &keys).is_ok()));
        println!(
            "  {label:<36} {:>9.0} tokens/s ({:.1} µs each)",
            1e9 / ns,
            ns / 1000.0
        );
    }
}

/// Nanoseconds per aws-lc-rs PKCS#1 v1.5 decryption of the encrypted key of
/// `good` and of `bad` (best of interleaved rounds).
fn backend_pkcs1(secs: f64, key: &DecryptionKey, good: &str, bad: &str) -> (f64, f64) {
    use aws_lc_rs::rsa::{Pkcs1PrivateDecryptingKey, PrivateDecryptingKey};
    let der = pem::parse(key.to_pkcs8_pem().expect("pem"))
        .expect("pem")
        .into_contents();
    let private =
        Pkcs1PrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(&der).expect("pkcs8"))
            .expect("pkcs1");
    let ek = |t: &str| {
        URL_SAFE_NO_PAD
            .decode(t.split('.').nth(1).expect("ek"))
            .expect("b64")
    };
    let (good, bad) = (ek(good), ek(bad));
    let mut out = vec![0u8; 256];
    let (mut ok, mut fail) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        ok = ok.min(ns_per_call(secs / 5.0, || {
            assert!(private.decrypt(&good, &mut out).is_ok())
        }));
        fail = fail.min(ns_per_call(secs / 5.0, || {
            assert!(private.decrypt(&bad, &mut out).is_err())
        }));
    }
    (ok, fail)
}

/// RSAES-PKCS1-v1_5 of `cek` to the key (the tool itself never encrypts RSA1_5).
fn pkcs1_encrypt(key: &DecryptionKey, cek: &[u8]) -> Vec<u8> {
    use aws_lc_rs::rsa::{Pkcs1PublicEncryptingKey, PrivateDecryptingKey};
    let der = pem::parse(key.to_pkcs8_pem().expect("pem"))
        .expect("pem")
        .into_contents();
    let private = PrivateDecryptingKey::from_pkcs8(&der).expect("pkcs8");
    let public = Pkcs1PublicEncryptingKey::new(private.public_key()).expect("public");
    let mut out = vec![0u8; public.ciphertext_size()];
    public.encrypt(cek, &mut out).expect("encrypt").to_vec()
}
