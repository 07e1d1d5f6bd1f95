//! Signing rate through jwtinspect's signer (the key loaded once, as `sign`
//! does; jsonwebtoken or aws-lc-rs called), next to the backend alone on the
//! same key and `openssl speed` on the same machine: one thread each, in
//! signatures per CPU second (as `openssl speed` counts them), so that other
//! work on the machine does not skew the comparison.
//!
//! Run: `cargo bench --bench sign` (optionally `-- SECONDS`, default 2 per row;
//! `-- SECONDS noopenssl` skips `openssl speed`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256,
};
use jwtinspect::{signing_key_file, Alg};

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/keys")
        .join(name)
}

fn der(name: &str) -> Vec<u8> {
    pem::parse(std::fs::read(testdata(name)).expect("test key"))
        .expect("PEM")
        .into_contents()
}

/// Nanoseconds this thread has run on a CPU (Linux), so that a busy machine
/// does not count against us: `openssl speed` too counts CPU time.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Calls of `f` per CPU second (per second of wall time where the CPU time
/// cannot be read), over about `secs` seconds.
fn rate(secs: f64, mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let cpu_start = cpu_ns();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..20 {
            f();
        }
        n += 20;
    }
    let spent = match (cpu_start, cpu_ns()) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 / 1e9,
        _ => start.elapsed().as_secs_f64(),
    };
    n as f64 / spent
}

/// Signatures per second that `openssl speed -seconds N WHAT` reports.
fn openssl_sign_rate(what: &str, secs: f64) -> Option<f64> {
    let out = Command::new("openssl")
        .args([
            "speed",
            "-seconds",
            &format!("{}", secs.ceil() as u64),
            what,
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // The summary table: "rsa 2048 bits 0.000640s 0.000019s 1562.5 52631.6"
    // (sign/s is the first rate); "256 bits ecdsa (nistp256) 0.0000s 0.0001s 38000 12000";
    // "253 bits EdDSA (Ed25519) 0.0000s 0.0001s 25000 9000".
    let line = text.lines().rev().find(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("bits") && (l.contains("rsa") || l.contains("ecdsa") || l.contains("eddsa"))
    })?;
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter(|w| !w.ends_with('s'))
        .filter_map(|w| w.parse().ok())
        .collect();
    numbers.iter().rev().nth(1).copied()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secs: f64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(2.0);
    let openssl = !args.iter().any(|a| a == "noopenssl");
    let input = b"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaCIsImV4cCI6NDEwMjQ0NDgwMH0";
    let rng = SystemRandom::new();
    println!(
        "{:<8} {:>14} {:>14} {:>14}",
        "alg", "jwtinspect/s", "aws-lc-rs/s", "openssl/s"
    );
    let rows: [(Alg, &str, &str); 8] = [
        (Alg::RS256, "rsa-private.pem", "rsa2048"),
        (Alg::PS256, "rsa-private.pem", ""),
        (Alg::ES256, "ec-256-private.pem", "ecdsap256"),
        (Alg::ES384, "ec-384-private.pem", ""),
        (Alg::ES512, "ec-521-private.pem", "ecdsap521"),
        (Alg::ES256K, "secp256k1-sec1.pem", ""),
        (Alg::EdDSA, "ed25519-private.pem", "ed25519"),
        (Alg::HS256, "", ""),
    ];
    let dir = std::env::temp_dir().join(format!("jwtinspect-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (alg, file, speed) in rows {
        let path = if file.is_empty() {
            let p = dir.join("oct.json");
            let k = "YmVuY2gtc2VjcmV0LW9mLXRoaXJ0eS10d28tYnl0ZXMtb3ItbW9yZQ";
            std::fs::write(&p, format!(r#"{{"kty":"oct","k":"{k}"}}"#)).expect("write");
            p
        } else {
            testdata(file)
        };
        let key = signing_key_file(&path, None).expect("key");
        key.fits(alg).expect("fits");
        let ours = rate(secs, || {
            key.sign(alg, input).expect("sign");
        });
        let backend = match alg {
            Alg::RS256 => {
                let pair = RsaKeyPair::from_pkcs8(&der(file)).expect("RSA");
                let mut sig = vec![0; pair.public_modulus_len()];
                Some(rate(secs, || {
                    pair.sign(&RSA_PKCS1_SHA256, &rng, input, &mut sig)
                        .expect("sign");
                }))
            }
            Alg::ES256 => {
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der(file))
                    .expect("EC");
                Some(rate(secs, || {
                    pair.sign(&rng, input).expect("sign");
                }))
            }
            Alg::EdDSA => {
                let pair = Ed25519KeyPair::from_pkcs8(&der(file)).expect("Ed25519");
                Some(rate(secs, || {
                    assert_eq!(pair.sign(input).as_ref().len(), 64);
                }))
            }
            _ => None,
        };
        let theirs = if openssl && !speed.is_empty() {
            openssl_sign_rate(speed, secs)
        } else {
            None
        };
        let shown = |r: Option<f64>| r.map_or_else(|| "-".to_owned(), |r| format!("{r:.0}"));
        println!(
            "{:<8} {ours:>14.0} {:>14} {:>14}",
            alg.name(),
            shown(backend),
            shown(theirs)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
