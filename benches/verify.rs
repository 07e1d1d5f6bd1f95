//! Signature verification rate through jwtinspect's verifier (key chosen,
//! signature decoded, jsonwebtoken / aws-lc-rs called), next to the backend
//! alone on the same key, to compare with `openssl speed rsa2048 ecdsap256`.
//!
//! Run: `cargo bench --bench verify` (optionally `-- SECONDS`, default 2 per row).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, ParsedPublicKey, VerificationAlgorithm, ECDSA_P256_SHA256_FIXED,
    ECDSA_P521_SHA512_FIXED, ECDSA_P521_SHA512_FIXED_SIGNING, ED25519, RSA_PKCS1_2048_8192_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey};
use jwtinspect::{decode, key_file, secret, KeyVerifier, Verifier};

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/keys")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(testdata(name)).expect("test key")
}

/// A token signed by `private` (PEM under testdata/keys).
fn mint(alg: &str, private: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
    let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"bench","exp":4102444800}"#);
    let input = format!("{header}.{payload}");
    let sig = if alg == "ES512" {
        let der = pem::parse(read(private)).expect("PEM").into_contents();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P521_SHA512_FIXED_SIGNING, &der).expect("key");
        let sig = pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .expect("sign");
        URL_SAFE_NO_PAD.encode(sig.as_ref())
    } else {
        let a: Algorithm = alg.parse().expect("alg");
        let pem = read(private);
        let key = match alg {
            "HS256" => EncodingKey::from_secret(b"bench secret"),
            a if a.starts_with("ES") => EncodingKey::from_ec_pem(&pem).expect("EC"),
            "EdDSA" => EncodingKey::from_ed_pem(&pem).expect("Ed25519"),
            _ => EncodingKey::from_rsa_pem(&pem).expect("RSA"),
        };
        jsonwebtoken::crypto::sign(input.as_bytes(), &key, a).expect("sign")
    };
    format!("{input}.{sig}")
}

/// Calls of `f` per second, over about `secs` seconds.
fn rate(secs: f64, mut f: impl FnMut()) -> f64 {
    for _ in 0..50 {
        f();
    }
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..50 {
            f();
        }
        n += 50;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let secs: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2.0);
    println!("{:<8} {:>16} {:>16}", "alg", "jwtinspect/s", "aws-lc-rs/s");
    let rows: [(&str, &str, &str, Option<&'static dyn VerificationAlgorithm>); 7] = [
        (
            "RS256",
            "rsa-private.pem",
            "rsa-public.pem",
            Some(&RSA_PKCS1_2048_8192_SHA256),
        ),
        ("PS256", "rsa-private.pem", "rsa-public.pem", None),
        (
            "ES256",
            "ec-256-private.pem",
            "ec-256-public.pem",
            Some(&ECDSA_P256_SHA256_FIXED),
        ),
        ("ES384", "ec-384-private.pem", "ec-384-public.pem", None),
        (
            "ES512",
            "ec-521-private.pem",
            "ec-521-public.pem",
            Some(&ECDSA_P521_SHA512_FIXED),
        ),
        (
            "EdDSA",
            "ed25519-private.pem",
            "ed25519-public.pem",
            Some(&ED25519),
        ),
        ("HS256", "rsa-private.pem", "", None),
    ];
    for (alg, private, public, raw) in rows {
        let token = mint(alg, private);
        let keys = if public.is_empty() {
            secret(b"bench secret".to_vec(), "--secret", "bench".into())
        } else {
            key_file(&testdata(public))
        }
        .expect("key");
        let verifier = KeyVerifier::new(keys, Vec::new());
        let decoded = decode(&token);
        assert!(verifier.verify(&token, &decoded).verified, "{alg}");
        let ours = rate(secs, || {
            assert!(verifier.verify(&token, &decoded).verified);
        });
        let backend = raw.map(|algorithm| {
            let spki = pem::parse(read(public)).expect("PEM").into_contents();
            let key = ParsedPublicKey::new(algorithm, spki).expect("key");
            let (input, sig) = token.rsplit_once('.').expect("dots");
            let sig = URL_SAFE_NO_PAD.decode(sig).expect("sig");
            rate(secs, || {
                assert!(key.verify_sig(input.as_bytes(), &sig).is_ok());
            })
        });
        let backend = backend.map_or_else(|| "-".to_owned(), |r| format!("{r:.0}"));
        println!("{alg:<8} {ours:>16.0} {backend:>16}");
    }
}
