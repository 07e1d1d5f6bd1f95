//! `jwtinspect sign` and `jwtinspect edit`, driven through the binary: every
//! algorithm with every key form it has signs a token that jwtinspect itself
//! and an independent implementation (jsonwebtoken; aws-lc-rs for ES512 and
//! ES256K) accept, and a tampered copy neither does; bad input is one line,
//! exit 2, and never shows key material.

mod support;

use std::path::Path;

use aws_lc_rs::encoding::{AsBigEndian, AsDer};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, KeyPair};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{json, Value};
use support::{jwtinspect, stderr_of, stdout_of, testdata};

/// 2026-12-03T12:00:00Z: every time in these tests counts from here.
const NOW: &str = "1796299200";
const SECRET: &str = "a-test-secret-of-sixty-four-bytes-for-hs512-signing-0123456789ab";

fn key_path(name: &str) -> String {
    testdata(&format!("keys/{name}")).display().to_string()
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.display().to_string()
}

fn run(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut cmd = jwtinspect();
    cmd.args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    cmd.output().unwrap()
}

/// `jwtinspect sign ARGS`, which must succeed: the token it printed.
fn sign(args: &[&str]) -> String {
    let out = run(&[&["sign"], args].concat(), None);
    assert!(
        out.status.success(),
        "sign {args:?} failed: {}",
        stderr_of(&out)
    );
    let text = stdout_of(&out);
    assert!(
        text.ends_with('\n') && text.lines().count() == 1,
        "{text:?}"
    );
    text.trim_end().to_owned()
}

fn part(token: &str, i: usize) -> Value {
    let seg = token.split('.').nth(i).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(seg).unwrap()).unwrap()
}

/// The token with one claim changed and the signature kept.
fn tamper(token: &str) -> String {
    let mut parts: Vec<&str> = token.split('.').collect();
    let mut claims = part(token, 1);
    claims["sub"] = json!("mallory");
    let forged = URL_SAFE_NO_PAD.encode(claims.to_string());
    parts[1] = &forged;
    parts.join(".")
}

/// jwtinspect's own verdict on the signature: (verified, exit code).
fn self_check(key_args: &[&str], token: &str) -> (Value, i32) {
    let args = [&["--json", "--now", NOW], key_args, &[token]].concat();
    let out = run(&args, None);
    let line: Value = serde_json::from_str(stdout_of(&out).trim()).unwrap_or_else(|e| {
        panic!("{e}: {} {}", stdout_of(&out), stderr_of(&out));
    });
    (
        line["signature"]["verified"].clone(),
        out.status.code().unwrap(),
    )
}

/// How a test checks a signature without jwtinspect.
enum Independent {
    Jwt(DecodingKey, Algorithm),
    /// aws-lc-rs directly: the algorithm and the public key (SPKI DER or point).
    Backend(&'static sig::EcdsaVerificationAlgorithm, Vec<u8>),
}

impl Independent {
    fn accepts(&self, token: &str) -> bool {
        let (input, signature) = token.rsplit_once('.').unwrap();
        match self {
            Independent::Jwt(key, alg) => {
                jsonwebtoken::crypto::verify(signature, input.as_bytes(), key, *alg)
                    .unwrap_or(false)
            }
            Independent::Backend(alg, public) => {
                let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
                sig::UnparsedPublicKey::new(*alg, public)
                    .verify(input.as_bytes(), &signature)
                    .is_ok()
            }
        }
    }
}

/// Sign with `key_args` and `alg`, then: the header names alg, jwtinspect
/// verifies it with `public_args`, the independent check accepts it, and a
/// tampered copy fails both.
fn round(what: &str, alg: &str, key_args: &[&str], public_args: &[&str], other: &Independent) {
    let token = sign(&[key_args, &["--alg", alg, "--sub", "alice", "--now", NOW]].concat());
    assert_eq!(part(&token, 0)["alg"], json!(alg), "{what}");
    assert_eq!(part(&token, 1)["sub"], json!("alice"), "{what}");
    assert_eq!(
        self_check(public_args, &token),
        (json!(true), 0),
        "{what} {alg}: jwtinspect does not verify {token}"
    );
    assert!(
        other.accepts(&token),
        "{what} {alg}: independent check fails"
    );
    let forged = tamper(&token);
    assert_eq!(
        self_check(public_args, &forged),
        (json!(false), 1),
        "{what} {alg}: tampered copy verifies"
    );
    assert!(
        !other.accepts(&forged),
        "{what} {alg}: tampered copy accepted"
    );
}

fn jwk_file(dir: &Path, name: &str, jwk: &Value) -> String {
    write(dir, name, jwk.to_string())
}

/// A JWKS holding `jwk` under kid "b" between two other keys.
fn jwks_file(dir: &Path, name: &str, jwk: &Value) -> String {
    let mut picked = jwk.clone();
    picked["kid"] = json!("b");
    let other = json!({"kty": "oct", "kid": "a", "k": URL_SAFE_NO_PAD.encode([1u8; 64])});
    let last = json!({"kty": "oct", "kid": "c", "k": URL_SAFE_NO_PAD.encode([2u8; 64])});
    write(
        dir,
        name,
        json!({"keys": [other, picked, last]}).to_string(),
    )
}

fn pem(tag: &str, der: &[u8]) -> String {
    pem::encode(&pem::Pem::new(tag, der.to_vec()))
}

#[test]
fn hmac_algorithms_with_every_secret_form() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "secret.txt", format!("{SECRET}\n"));
    let b64 = STANDARD.encode(SECRET);
    let oct = json!({"kty": "oct", "k": URL_SAFE_NO_PAD.encode(SECRET)});
    let jwk = jwk_file(dir.path(), "oct.json", &oct);
    let jwks = jwks_file(dir.path(), "jwks.json", &oct);
    let forms: [(&str, Vec<&str>); 5] = [
        ("--secret", vec!["--secret", SECRET]),
        ("--secret-file", vec!["--secret-file", &file]),
        ("--secret-base64", vec!["--secret-base64", &b64]),
        ("oct JWK", vec!["--key", &jwk]),
        ("JWKS + kid", vec!["--key", &jwks, "--kid", "b"]),
    ];
    for (alg, j) in [
        ("HS256", Algorithm::HS256),
        ("HS384", Algorithm::HS384),
        ("HS512", Algorithm::HS512),
    ] {
        let other = Independent::Jwt(DecodingKey::from_secret(SECRET.as_bytes()), j);
        for (what, args) in &forms {
            round(what, alg, args, &["--secret", SECRET], &other);
        }
    }
}

#[test]
fn rsa_algorithms_with_every_key_form() {
    let dir = tempfile::tempdir().unwrap();
    let pkcs8 = key_path("rsa-private.pem");
    let pkcs1 = key_path("rsa-private-pkcs1.pem");
    let der = write(
        dir.path(),
        "rsa.der",
        pem::parse(std::fs::read(&pkcs8).unwrap())
            .unwrap()
            .contents(),
    );
    let public = key_path("rsa-public.pem");
    let pem_key = DecodingKey::from_rsa_pem(&std::fs::read(&public).unwrap()).unwrap();
    // RFC 7515 A.2's private JWK (with its CRT members), and its public half.
    let rfc_jwk = key_path("../rfc/rfc7515-a2-rs256.key.json");
    let rfc_public = key_path("../rfc/rfc7515-a2-rs256.pub.json");
    let rfc: Value = serde_json::from_slice(&std::fs::read(&rfc_jwk).unwrap()).unwrap();
    let rfc_key =
        DecodingKey::from_rsa_components(rfc["n"].as_str().unwrap(), rfc["e"].as_str().unwrap())
            .unwrap();
    let jwks = jwks_file(dir.path(), "jwks.json", &rfc);
    for (alg, j) in [
        ("RS256", Algorithm::RS256),
        ("RS384", Algorithm::RS384),
        ("RS512", Algorithm::RS512),
        ("PS256", Algorithm::PS256),
        ("PS384", Algorithm::PS384),
        ("PS512", Algorithm::PS512),
    ] {
        let other = Independent::Jwt(pem_key.clone(), j);
        for (what, file) in [
            ("PKCS#8 PEM", &pkcs8),
            ("PKCS#1 PEM", &pkcs1),
            ("DER", &der),
        ] {
            round(what, alg, &["--key", file], &["--key", &public], &other);
        }
        let other = Independent::Jwt(rfc_key.clone(), j);
        round(
            "JWK",
            alg,
            &["--key", &rfc_jwk],
            &["--key", &rfc_public],
            &other,
        );
        let args = ["--key", jwks.as_str(), "--kid", "b"];
        round("JWKS + kid", alg, &args, &["--key", &rfc_public], &other);
    }
}

/// A generated EC key in every form: PKCS#8 PEM, SEC1 PEM, private JWK; and
/// its public key as PEM (for jwtinspect) and SPKI DER (for the backend).
struct EcForms {
    pkcs8: String,
    sec1: String,
    jwk: Value,
    public_pem: String,
    spki: Vec<u8>,
}

fn ec_forms(
    dir: &Path,
    name: &str,
    alg: &'static sig::EcdsaSigningAlgorithm,
    crv: &str,
) -> EcForms {
    let doc = EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new()).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(alg, doc.as_ref()).unwrap();
    let sec1 =
        AsDer::<aws_lc_rs::encoding::EcPrivateKeyRfc5915Der>::as_der(&pair.private_key()).unwrap();
    let d = AsBigEndian::<aws_lc_rs::encoding::EcPrivateKeyBin>::as_be_bytes(&pair.private_key())
        .unwrap();
    let point = pair.public_key().as_ref().to_vec();
    let n = (point.len() - 1) / 2;
    let spki = AsDer::<aws_lc_rs::encoding::PublicKeyX509Der>::as_der(pair.public_key())
        .unwrap()
        .as_ref()
        .to_vec();
    EcForms {
        pkcs8: write(
            dir,
            &format!("{name}-pkcs8.pem"),
            pem("PRIVATE KEY", doc.as_ref()),
        ),
        sec1: write(
            dir,
            &format!("{name}-sec1.pem"),
            pem("EC PRIVATE KEY", sec1.as_ref()),
        ),
        jwk: json!({
            "kty": "EC", "crv": crv,
            "x": URL_SAFE_NO_PAD.encode(&point[1..=n]),
            "y": URL_SAFE_NO_PAD.encode(&point[n + 1..]),
            "d": URL_SAFE_NO_PAD.encode(d.as_ref()),
        }),
        public_pem: write(dir, &format!("{name}-public.pem"), pem("PUBLIC KEY", &spki)),
        spki,
    }
}

#[test]
fn ecdsa_algorithms_with_every_key_form() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for (alg, signing, verifying, crv, jwt) in [
        (
            "ES256",
            &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
            &sig::ECDSA_P256_SHA256_FIXED,
            "P-256",
            Some(Algorithm::ES256),
        ),
        (
            "ES384",
            &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
            &sig::ECDSA_P384_SHA384_FIXED,
            "P-384",
            Some(Algorithm::ES384),
        ),
        (
            "ES512",
            &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
            &sig::ECDSA_P521_SHA512_FIXED,
            "P-521",
            None,
        ),
        (
            "ES256K",
            &sig::ECDSA_P256K1_SHA256_FIXED_SIGNING,
            &sig::ECDSA_P256K1_SHA256_FIXED,
            "secp256k1",
            None,
        ),
    ] {
        let f = ec_forms(p, alg, signing, crv);
        let other = match jwt {
            Some(j) => Independent::Jwt(
                DecodingKey::from_ec_pem(&std::fs::read(&f.public_pem).unwrap()).unwrap(),
                j,
            ),
            None => Independent::Backend(verifying, f.spki.clone()),
        };
        let jwk = jwk_file(p, &format!("{alg}.json"), &f.jwk);
        let jwks = jwks_file(p, &format!("{alg}-jwks.json"), &f.jwk);
        let public = ["--key", f.public_pem.as_str()];
        round("PKCS#8 PEM", alg, &["--key", &f.pkcs8], &public, &other);
        round("SEC1 PEM", alg, &["--key", &f.sec1], &public, &other);
        round("JWK", alg, &["--key", &jwk], &public, &other);
        round(
            "JWKS + kid",
            alg,
            &["--key", &jwks, "--kid", "b"],
            &public,
            &other,
        );
    }
    // OpenSSL's own files: `openssl ecparam -genkey` (EC PARAMETERS block first) and secp256k1.
    let other = Independent::Jwt(
        DecodingKey::from_ec_pem(&std::fs::read(key_path("ec-256-sec1-public.pem")).unwrap())
            .unwrap(),
        Algorithm::ES256,
    );
    let public = key_path("ec-256-sec1-public.pem");
    let args = ["--key", &key_path("ec-256-sec1.pem")].map(String::from);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    round(
        "openssl ecparam -genkey",
        "ES256",
        &args,
        &["--key", &public],
        &other,
    );
    let k1_public = pem::parse(std::fs::read(key_path("secp256k1-public.pem")).unwrap()).unwrap();
    let other = Independent::Backend(
        &sig::ECDSA_P256K1_SHA256_FIXED,
        k1_public.contents().to_vec(),
    );
    let k1 = key_path("secp256k1-sec1.pem");
    let public = key_path("secp256k1-public.pem");
    round(
        "openssl secp256k1",
        "ES256K",
        &["--key", &k1],
        &["--key", &public],
        &other,
    );
}

#[test]
fn eddsa_with_every_key_form() {
    let dir = tempfile::tempdir().unwrap();
    let pkcs8 = key_path("ed25519-private.pem");
    let public = key_path("ed25519-public.pem");
    let other = Independent::Jwt(
        DecodingKey::from_ed_pem(&std::fs::read(&public).unwrap()).unwrap(),
        Algorithm::EdDSA,
    );
    for alg in ["EdDSA", "Ed25519"] {
        round(
            "PKCS#8 PEM",
            alg,
            &["--key", &pkcs8],
            &["--key", &public],
            &other,
        );
    }
    let rfc_jwk = key_path("../rfc/rfc8037-a4-eddsa.key.json");
    let rfc_public = key_path("../rfc/rfc8037-a4-eddsa.pub.json");
    let rfc: Value = serde_json::from_slice(&std::fs::read(&rfc_jwk).unwrap()).unwrap();
    let other = Independent::Jwt(
        DecodingKey::from_ed_components(rfc["x"].as_str().unwrap()).unwrap(),
        Algorithm::EdDSA,
    );
    let jwks = jwks_file(dir.path(), "jwks.json", &rfc);
    round(
        "JWK",
        "EdDSA",
        &["--key", &rfc_jwk],
        &["--key", &rfc_public],
        &other,
    );
    let args = ["--key", jwks.as_str(), "--kid", "b"];
    round(
        "JWKS + kid",
        "EdDSA",
        &args,
        &["--key", &rfc_public],
        &other,
    );
}

#[test]
fn the_algorithm_defaults_to_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (key_path("rsa-private.pem"), "RS256"),
        (key_path("ec-256-private.pem"), "ES256"),
        (key_path("ec-384-private.pem"), "ES384"),
        (key_path("ec-521-private.pem"), "ES512"),
        (key_path("secp256k1-sec1.pem"), "ES256K"),
        (key_path("ed25519-private.pem"), "EdDSA"),
    ];
    for (file, alg) in &cases {
        let token = sign(&["--key", file]);
        assert_eq!(part(&token, 0), json!({"alg": alg, "typ": "JWT"}), "{file}");
    }
    let token = sign(&["--secret", SECRET]);
    assert_eq!(part(&token, 0)["alg"], json!("HS256"));
    // A JWK's alg wins over the key's default.
    let mut rfc: Value = serde_json::from_slice(
        &std::fs::read(key_path("../rfc/rfc7515-a2-rs256.key.json")).unwrap(),
    )
    .unwrap();
    rfc["alg"] = json!("PS384");
    let jwk = jwk_file(dir.path(), "ps384.json", &rfc);
    assert_eq!(part(&sign(&["--key", &jwk]), 0)["alg"], json!("PS384"));
    // --alg is case-insensitive.
    let token = sign(&["--key", &key_path("rsa-private.pem"), "--alg", "ps512"]);
    assert_eq!(part(&token, 0)["alg"], json!("PS512"));
}

#[test]
fn plain_claims_get_typ_and_iat_and_the_shorthands_in_order() {
    let token = sign(&[
        r#"{"z":1,"a":{"b":2}}"#,
        "--secret",
        SECRET,
        "--now",
        NOW,
        "--iss",
        "https://issuer.example",
        "--sub",
        "alice",
        "--aud",
        "api",
        "--aud",
        "web",
        "--jti",
        "id-1",
        "--nbf",
        "-1m",
        "--exp",
        "+15m",
        "--header",
        "kid=k1",
        "--set",
        "a.c=[1,\"x\"]",
        "--set",
        "admin=true",
        "--set",
        "name=Alice",
        "--unset",
        "z",
    ]);
    let now: i64 = NOW.parse().unwrap();
    assert_eq!(
        part(&token, 0).to_string(),
        r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#
    );
    assert_eq!(
        part(&token, 1).to_string(),
        json!({
            "a": {"b": 2, "c": [1, "x"]},
            "iss": "https://issuer.example", "sub": "alice", "aud": ["api", "web"],
            "jti": "id-1", "iat": now, "nbf": now - 60, "exp": now + 900,
            "admin": true, "name": "Alice"
        })
        .to_string()
    );
    // --no-iat: nothing but what was asked; a single --aud is a string.
    let token = sign(&["--secret", SECRET, "--no-iat", "--aud", "api"]);
    assert_eq!(part(&token, 1).to_string(), r#"{"aud":"api"}"#);
    // Without CLAIMS: {} plus iat.
    let token = sign(&["--secret", SECRET, "--now", "2026-12-03"]);
    assert_eq!(part(&token, 1).to_string(), r#"{"iat":1796256000}"#);
}

#[test]
fn times_take_every_contract_form() {
    let now: i64 = NOW.parse().unwrap();
    for (exp, want) in [
        ("+15m", now + 900),
        ("+1d", now + 86_400),
        ("-2h", now - 7200),
        ("2026-12-04", now + 12 * 3600),
        ("2026-12-03T12:30:00Z", now + 1800),
        ("1800000000", 1_800_000_000),
    ] {
        let token = sign(&["--secret", SECRET, "--now", NOW, "--exp", exp]);
        assert_eq!(part(&token, 1)["exp"], json!(want), "--exp {exp}");
    }
    // Milliseconds are taken as such, and stderr says so.
    let out = run(
        &["sign", "--secret", SECRET, "--iat", "1800000000123"],
        None,
    );
    assert!(out.status.success());
    assert_eq!(part(stdout_of(&out).trim(), 1)["iat"], json!(1_800_000_000));
    assert!(
        stderr_of(&out).contains("milliseconds"),
        "{}",
        stderr_of(&out)
    );
    // --now=-2h and --now -2h both count from the clock.
    let token = sign(&["--secret", SECRET, "--now", "-2h", "--exp", "+2h"]);
    let exp = part(&token, 1)["exp"].as_i64().unwrap();
    let iat = part(&token, 1)["iat"].as_i64().unwrap();
    assert_eq!(exp - iat, 7200);
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (exp - clock).abs() < 60,
        "exp {exp} is not about the clock {clock}"
    );
}

#[test]
fn json_output_is_the_inspect_line_of_the_new_token() {
    let out = run(
        &[
            "sign", "--secret", SECRET, "--now", NOW, "--sub", "alice", "--exp", "+15m", "--json",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    assert_eq!(text.lines().count(), 1);
    let line: Value = serde_json::from_str(&text).unwrap();
    let token = line["token"].as_str().unwrap();
    assert_eq!(line["header"], part(token, 0));
    assert_eq!(line["payload"], part(token, 1));
    assert_eq!(line["summary"]["expires_in"], json!(900));
    assert_eq!(line["summary"]["status"], json!("valid"));
    // A key was given (the one that signed): the signature is checked with it.
    assert_eq!(line["signature"]["verified"], json!(true), "{line}");
    assert_eq!(line["ok"], json!(true), "{line}");
    // The same token as the plain output (HS256 is deterministic).
    let plain = sign(&[
        "--secret", SECRET, "--now", NOW, "--sub", "alice", "--exp", "+15m",
    ]);
    assert_eq!(token, plain);
}

#[test]
fn json_output_verifies_the_new_token_with_the_public_half_of_every_key_kind() {
    for (key, alg) in [
        ("rsa-private.pem", "RS256"),
        ("rsa-private-pkcs1.pem", "PS384"),
        ("ec-256-sec1.pem", "ES256"),
        ("ec-384-private.pem", "ES384"),
        ("ec-521-private.pem", "ES512"),
        ("secp256k1-sec1.pem", "ES256K"),
        ("ed25519-private.pem", "EdDSA"),
    ] {
        let out = run(
            &[
                "sign",
                "--key",
                &key_path(key),
                "--alg",
                alg,
                "--now",
                NOW,
                "--json",
            ],
            None,
        );
        assert!(out.status.success(), "{key}: {}", stderr_of(&out));
        let line: Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
        assert_eq!(line["signature"]["alg"], json!(alg), "{key}: {line}");
        assert_eq!(line["signature"]["verified"], json!(true), "{key}: {line}");
        // ... and the same token checked on its own with the public key agrees.
        let token = line["token"].as_str().unwrap();
        let public = match key {
            "rsa-private-pkcs1.pem" => "rsa-public.pem".to_owned(),
            "secp256k1-sec1.pem" => "secp256k1-public.pem".to_owned(),
            "ec-256-sec1.pem" => "ec-256-sec1-public.pem".to_owned(),
            _ => key.replace("-private", "-public"),
        };
        let (verified, code) = self_check(&["--key", &key_path(&public)], token);
        assert_eq!((verified, code), (json!(true), 0), "{key} with {public}");
    }
}

/// `jwtinspect --json TOKEN | jwtinspect sign KEY -`
fn resign(token: &str, key_args: &[&str]) -> String {
    let line = stdout_of(&run(&["--json", token], None));
    let out = run(&[&["sign"], key_args, &["-"]].concat(), Some(&line));
    assert!(out.status.success(), "{}", stderr_of(&out));
    stdout_of(&out).trim_end().to_owned()
}

#[test]
fn a_json_line_re_signs_to_the_same_token() {
    let rsa = key_path("rsa-private.pem");
    let ed = key_path("ed25519-private.pem");
    for key in [
        vec!["--secret", SECRET],
        vec!["--key", rsa.as_str()],
        vec!["--key", ed.as_str()],
    ] {
        let claims = r#"{"zeta":1,"alpha":{"y":[1,2,{"q":null}],"x":"é\u2028"},"mid":1.5}"#;
        let token = sign(
            &[
                &[claims, "--exp", "+1h", "--header", "kid=k"],
                key.as_slice(),
            ]
            .concat(),
        );
        assert_eq!(resign(&token, &key), token, "{key:?}");
    }
}

#[test]
fn rfc_vectors_re_sign_byte_for_byte() {
    // Their JSON has spaces and CRLFs that compact JSON would lose: the
    // unchanged segments keep their bytes. (RFC 8037's payload is text, not claims.)
    for (jwt, key) in [
        ("rfc7515-a1-hs256.jwt", "rfc7515-a1-hs256.key.json"),
        ("rfc7515-a2-rs256.jwt", "rfc7515-a2-rs256.key.json"),
    ] {
        let token = std::fs::read_to_string(testdata(&format!("rfc/{jwt}"))).unwrap();
        let token = token.trim();
        let key = key_path(&format!("../rfc/{key}"));
        assert_eq!(resign(token, &["--key", &key]), token, "{jwt}");
    }
}

#[test]
fn edit_keeps_order_and_changes_only_what_was_asked() {
    let original = sign(&[
        r#"{"sub":"alice","roles":["user"],"tenant":"a","exp":1800000000}"#,
        "--secret",
        SECRET,
        "--no-iat",
        "--header",
        "kid=k1",
    ]);
    let out = run(
        &[
            "edit",
            &original,
            "--secret",
            SECRET,
            "--set",
            "roles.1=admin",
            "--exp",
            "1900000000",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    let edited = stdout_of(&out).trim_end().to_owned();
    let o: Vec<&str> = original.split('.').collect();
    let e: Vec<&str> = edited.split('.').collect();
    assert_eq!(e[0], o[0], "the header is untouched, byte for byte");
    assert_eq!(
        part(&edited, 1).to_string(),
        r#"{"sub":"alice","roles":["user","admin"],"tenant":"a","exp":1900000000}"#
    );
    assert_eq!(self_check(&["--secret", SECRET], &edited).0, json!(true));
    // Only the header changed: the payload keeps its bytes.
    let out = run(
        &[
            "edit",
            &original,
            "--secret",
            SECRET,
            "--header",
            "typ=at+jwt",
        ],
        None,
    );
    let edited = stdout_of(&out).trim_end().to_owned();
    assert_eq!(edited.split('.').nth(1), Some(o[1]));
    assert_eq!(
        part(&edited, 0).to_string(),
        r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#.replace("JWT", "at+jwt")
    );
    // Nothing is added to an edited token that was not asked for (no iat).
    let out = run(&["edit", &original, "--secret", SECRET], None);
    assert_eq!(stdout_of(&out).trim_end(), original);
}

#[test]
fn edit_keeps_the_tokens_alg_when_the_key_fits_it() {
    let rsa = key_path("rsa-private.pem");
    let token = sign(&["--key", &rsa, "--alg", "PS384", "--sub", "a"]);
    let out = run(&["edit", &token, "--key", &rsa, "--sub", "b"], None);
    let edited = stdout_of(&out).trim_end().to_owned();
    assert_eq!(part(&edited, 0)["alg"], json!("PS384"));
    assert_eq!(
        self_check(&["--key", &key_path("rsa-public.pem")], &edited).0,
        json!(true)
    );
    // A key of another kind signs with its own alg.
    let out = run(&["edit", &token, "--secret", SECRET], None);
    assert_eq!(part(stdout_of(&out).trim_end(), 0)["alg"], json!("HS256"));
}

#[test]
fn edit_refuses_without_a_key_unless_unsafe_none() {
    let token = sign(&["--secret", SECRET, "--sub", "alice"]);
    let out = run(&["edit", &token, "--set", "admin=true"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("needs a key") && err.contains("--unsafe-none"),
        "{err}"
    );
    assert!(stdout_of(&out).is_empty());

    let out = run(
        &["edit", &token, "--unsafe-none", "--set", "admin=true"],
        None,
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    let none = stdout_of(&out).trim_end().to_owned();
    assert!(none.ends_with('.'), "empty signature: {none}");
    assert_eq!(part(&none, 0)["alg"], json!("none"));
    assert_eq!(part(&none, 1)["admin"], json!(true));
    assert!(stderr_of(&out).contains("warning"), "{}", stderr_of(&out));
    // jwtinspect itself says what it is.
    let line: Value =
        serde_json::from_str(stdout_of(&run(&["--json", &none], None)).trim()).unwrap();
    let codes: Vec<&str> = line["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"alg-none"), "{codes:?}");
    // --unsafe-none takes no key.
    let out = run(&["edit", &token, "--unsafe-none", "--secret", SECRET], None);
    assert_eq!(out.status.code(), Some(2));
}

/// A failing case: exit 2, one line on stderr containing `why`, nothing on
/// stdout, and no line of the key material anywhere.
fn refused(args: &[&str], stdin: Option<&str>, why: &str, secrets: &[String]) {
    let out = run(args, stdin);
    let (so, se) = (stdout_of(&out), stderr_of(&out));
    assert_eq!(out.status.code(), Some(2), "{args:?}: {se}");
    assert!(so.is_empty(), "{args:?}: stdout {so}");
    // One line, or clap's whole message for a usage error clap finds (contract "Usage errors").
    assert!(se.starts_with("jwtinspect: "), "{args:?}: {se}");
    assert!(
        se.lines().count() == 1 || se.trim_end().ends_with("--help'."),
        "{args:?}: {se}"
    );
    assert!(se.contains(why), "{args:?}: expected {why:?} in {se}");
    for s in secrets {
        assert!(
            !so.contains(s.as_str()) && !se.contains(s.as_str()),
            "{args:?} leaks {s}"
        );
    }
}

/// The lines of a PEM file between its BEGIN and END lines.
fn pem_lines(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 8)
        .map(str::to_owned)
        .collect()
}

#[test]
fn bad_input_is_a_usage_error_that_never_shows_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let rsa = key_path("rsa-private.pem");
    let rsa_lines = pem_lines(&rsa);
    let small = key_path("rsa1024-private.pem");
    let rfc: Value = serde_json::from_slice(
        &std::fs::read(key_path("../rfc/rfc7515-a2-rs256.key.json")).unwrap(),
    )
    .unwrap();
    let jwk_secrets: Vec<String> = ["d", "p", "q", "dp", "dq", "qi"]
        .iter()
        .map(|m| rfc[m].as_str().unwrap()[..40].to_owned())
        .collect();
    let jwks = jwks_file(dir.path(), "jwks.json", &rfc);
    let mut enc = rfc.clone();
    enc["use"] = json!("enc");
    let enc = jwk_file(dir.path(), "enc.json", &enc);
    let two = write(
        dir.path(),
        "two.pem",
        std::fs::read_to_string(&rsa).unwrap()
            + &std::fs::read_to_string(key_path("rsa2-private.pem")).unwrap(),
    );
    let short = "only-twenty-bytes-xx".to_owned();
    let short_file = write(dir.path(), "short.txt", &short);

    refused(
        &["sign", "--key", &key_path("rsa-public.pem")],
        None,
        "signing needs the private key",
        &[],
    );
    refused(
        &["sign", "--key", &key_path("rsa-cert.pem")],
        None,
        "public key (CERTIFICATE)",
        &[],
    );
    refused(
        &[
            "sign",
            "--key",
            &key_path("../rfc/rfc7515-a2-rs256.pub.json"),
        ],
        None,
        "public key",
        &[],
    );
    refused(
        &["sign", "--key", &small],
        None,
        "1024 bits",
        &pem_lines(&small),
    );
    refused(
        &["sign", "--key", &rsa, "--alg", "ES256"],
        None,
        "alg ES256 needs an EC P-256",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "--alg", "HS256"],
        None,
        "needs an HMAC secret",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "--alg", "none"],
        None,
        "--unsafe-none",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "--alg", "XS999"],
        None,
        "not an algorithm",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "[1,2]"],
        None,
        "must be a JSON object",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "-"],
        Some("\"text\""),
        "must be a JSON object",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "{\"a\":"],
        None,
        "not valid JSON",
        &rsa_lines,
    );
    refused(&["sign", "--key", &two], None, "2 private keys", &rsa_lines);
    refused(
        &["sign", "--key", &jwks, "--kid", "nope"],
        None,
        "no key with kid \"nope\"",
        &jwk_secrets,
    );
    refused(
        &["sign", "--key", &jwks],
        None,
        "pick one with --kid",
        &jwk_secrets,
    );
    refused(
        &["sign", "--key", &enc],
        None,
        "not for signatures",
        &jwk_secrets,
    );
    refused(
        &["sign", "--secret", &short],
        None,
        "at least 32 bytes",
        std::slice::from_ref(&short),
    );
    refused(
        &["sign", "--secret-file", &short_file],
        None,
        "at least 32 bytes",
        std::slice::from_ref(&short),
    );
    refused(
        &[
            "sign", "--secret", SECRET, "--alg", "HS512", "--secret", "x",
        ],
        None,
        "cannot be used multiple times",
        &[SECRET.to_owned()],
    );
    let hs384 = SECRET[..40].to_owned();
    refused(
        &["sign", "--secret", &hs384, "--alg", "HS384"],
        None,
        "at least 48 bytes",
        std::slice::from_ref(&hs384),
    );
    refused(
        &[
            "sign",
            &format!(
                "--secret={}",
                std::fs::read_to_string(key_path("rsa-public.pem")).unwrap()
            ),
        ],
        None,
        "key-confusion",
        &[],
    );
    refused(
        &["sign", "--key", &rsa, "--set", "novalue"],
        None,
        "NAME=VALUE",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "--unset", "nope"],
        None,
        "no such member",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "--exp", "soon"],
        None,
        "+15m",
        &rsa_lines,
    );
    refused(
        &["sign", "--key", &rsa, "--header", "alg=HS256"],
        None,
        "--alg",
        &rsa_lines,
    );
    refused(&["sign"], None, "sign needs a key", &[]);
    refused(
        &["edit", "not-a-token", "--key", &rsa],
        None,
        "3",
        &rsa_lines,
    );
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;

    /// Any JSON value a claim may hold, nested a few levels.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-1.0e9..1.0e9f64).prop_map(Value::from),
            any::<String>().prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                members(inner).prop_map(Value::Object),
            ]
        })
    }

    /// An object whose members come in the order generated (not sorted).
    fn members(
        inner: impl Strategy<Value = Value>,
    ) -> impl Strategy<Value = serde_json::Map<String, Value>> {
        prop::collection::vec((any::<String>(), inner), 0..6)
            .prop_map(|pairs| pairs.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// sign, then --json, then sign again: byte-identical for the deterministic algorithms.
        #[test]
        fn sign_json_sign_is_byte_identical(claims in members(value())) {
            let text = Value::Object(claims.clone()).to_string();
            let rsa = key_path("rsa-private.pem");
            let ed = key_path("ed25519-private.pem");
            for key in [vec!["--secret", SECRET], vec!["--key", &rsa], vec!["--key", &ed]] {
                let token = sign(&[&[text.as_str(), "--now", NOW], key.as_slice()].concat());
                // The claims keep their order; iat is appended unless they had one.
                let got = part(&token, 1);
                let got_keys: Vec<&String> = got.as_object().unwrap().keys().collect();
                let want_keys: Vec<&String> = claims.keys().collect();
                prop_assert_eq!(&got_keys[..want_keys.len()], &want_keys[..]);
                prop_assert_eq!(resign(&token, &key), token);
            }
        }
    }
}

#[test]
fn encrypt_to_nests_the_signed_token_in_a_jwe() {
    use jwtinspect::jwe::{self, DecryptionKey};
    let rsa_public =
        DecodingKey::from_rsa_pem(&std::fs::read(key_path("rsa-public.pem")).unwrap()).unwrap();
    for (recipient, private, key_alg, enc, want_alg, want_enc) in [
        (
            "rsa2-public.pem",
            "rsa2-private.pem",
            None,
            None,
            "RSA-OAEP-256",
            "A256GCM",
        ),
        (
            "ec-256-public.pem",
            "ec-256-private.pem",
            None,
            Some("A128CBC-HS256"),
            "ECDH-ES+A256KW",
            "A128CBC-HS256",
        ),
        (
            "ec-384-public.pem",
            "ec-384-private.pem",
            Some("ECDH-ES"),
            None,
            "ECDH-ES",
            "A256GCM",
        ),
    ] {
        let mut args = vec![
            "--key".to_owned(),
            key_path("rsa-private.pem"),
            "--sub".to_owned(),
            "alice".to_owned(),
            "--encrypt-to".to_owned(),
            key_path(recipient),
        ];
        for (flag, v) in [("--key-alg", key_alg), ("--enc", enc)] {
            if let Some(v) = v {
                args.extend([flag.to_owned(), v.to_owned()]);
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let jwe_token = sign(&args);
        assert_eq!(jwe_token.split('.').count(), 5, "{recipient}: {jwe_token}");
        let header = part(&jwe_token, 0);
        assert_eq!(header["alg"], json!(want_alg), "{recipient}");
        assert_eq!(header["enc"], json!(want_enc), "{recipient}");
        assert_eq!(header["cty"], json!("JWT"), "{recipient}");
        // The recipient's private key opens it; inside is the signed token.
        let keys = DecryptionKey::parse(&std::fs::read(key_path(private)).unwrap()).unwrap();
        let inner = jwe::decrypt(&jwe_token, &keys).unwrap().plaintext;
        let inner = String::from_utf8(inner).unwrap();
        assert_eq!(part(&inner, 1)["sub"], json!("alice"));
        let other = Independent::Jwt(rsa_public.clone(), Algorithm::RS256);
        assert!(
            other.accepts(&inner),
            "{recipient}: inner token does not verify"
        );
        // jwtinspect itself opens it with the recipient's key and verifies the inner token.
        let out = run(
            &[
                "--json",
                "--key",
                &key_path(private),
                "--key",
                &key_path("rsa-public.pem"),
                &jwe_token,
            ],
            None,
        );
        let line: Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
        assert_eq!(line["jwe"]["decrypted"], json!(true), "{recipient}: {line}");
        assert_eq!(line["payload"]["sub"], json!("alice"));
        assert_eq!(
            line["signature"]["verified"],
            json!(true),
            "{recipient}: {line}"
        );
    }
    // The recipient key must fit the key management algorithm.
    refused(
        &[
            "sign",
            "--secret",
            SECRET,
            "--encrypt-to",
            &key_path("ec-256-public.pem"),
            "--key-alg",
            "RSA-OAEP",
        ],
        None,
        "needs an RSA key",
        &[SECRET.to_owned()],
    );
    refused(
        &[
            "sign",
            "--secret",
            SECRET,
            "--encrypt-to",
            &key_path("ec-256-public.pem"),
            "--enc",
            "A1GCM",
        ],
        None,
        "not a JWE content encryption algorithm",
        &[SECRET.to_owned()],
    );
}

#[test]
fn secrets_may_start_with_a_dash() {
    // `--secret -x…` is a secret, not a flag, for sign and for verification alike.
    let text = "-a-secret-that-starts-with-a-dash-0123456789";
    let bytes: Vec<u8> = (0..40u8).map(|i| 0xf8 ^ i.wrapping_mul(7)).collect();
    let b64 = URL_SAFE_NO_PAD.encode(&bytes);
    assert!(b64.starts_with('-'), "{b64}");
    let mut other = bytes.clone();
    other[39] ^= 1;
    let other = URL_SAFE_NO_PAD.encode(&other);
    let cases = [
        ("--secret", text, format!("{text}A")),
        ("--secret-base64", b64.as_str(), other),
    ];
    for (flag, secret, wrong) in cases {
        let token = sign(&[
            "--alg", "HS256", "--sub", "alice", "--now", NOW, flag, secret,
        ]);
        let out = run(&[&token, "--now", NOW, "--json", flag, secret], None);
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", stderr_of(&out));
        let report: Value = serde_json::from_str(stdout_of(&out).trim()).unwrap();
        assert_eq!(report["signature"]["verified"], true, "{flag}: {report}");
        let wrong = run(&[&token, "--now", NOW, flag, &wrong], None);
        assert_eq!(
            wrong.status.code(),
            Some(1),
            "{flag}: {}",
            stderr_of(&wrong)
        );
    }
}
