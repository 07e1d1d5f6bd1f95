//! Verifying signatures and claims: every key form with every algorithm, the
//! published RFC vectors, the known attacks, and keys fetched from a JWKS URL
//! or by OpenID discovery from a server started by the test.
//!
//! Tokens are minted here with jsonwebtoken (aws-lc-rs for ES512) from the
//! test keys in testdata/keys; every test passes --now.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING,
    ECDSA_P384_SHA384_FIXED_SIGNING, ECDSA_P521_SHA512_FIXED_SIGNING,
};
use base64::Engine;
use jsonwebtoken::{AlgorithmFamily, EncodingKey};
use serde_json::{json, Value};
use support::server::{Reply, Request, Server};
use support::{b64url, json_lines, jwtinspect, stderr_of, stdout_of, testdata};

/// The judging time of every test: 2027-01-15T08:00:00Z.
const NOW: i64 = 1_800_000_000;
const NOW_ARG: &str = "1800000000";
/// Long enough for HS512 (RFC 7518 §3.2: at least the hash's 64 bytes).
const SECRET: &[u8] = b"correct horse battery staple, and more words: long enough for HS512";
const ISSUER: &str = "https://issuer.test";

// ------------------------------------------------------------ minting

fn key_bytes(name: &str) -> Vec<u8> {
    std::fs::read(testdata(&format!("keys/{name}"))).expect("test key")
}

fn key_path(name: &str) -> String {
    testdata(&format!("keys/{name}")).display().to_string()
}

fn pem_der(name: &str) -> Vec<u8> {
    pem::parse(key_bytes(name)).expect("PEM").into_contents()
}

/// Who signs a test token.
#[derive(Debug, Clone, Copy)]
enum Signer {
    Secret(&'static [u8]),
    /// A private key PEM under testdata/keys.
    Private(&'static str),
}

fn sign(alg: &str, input: &str, signer: Signer) -> Vec<u8> {
    if alg == "ES512" {
        let Signer::Private(name) = signer else {
            panic!("ES512 needs a private key")
        };
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P521_SHA512_FIXED_SIGNING, &pem_der(name))
            .expect("P-521 key");
        let sig = pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .expect("sign");
        return sig.as_ref().to_vec();
    }
    let jalg: jsonwebtoken::Algorithm = alg.parse().expect("alg jsonwebtoken knows");
    let key = match signer {
        Signer::Secret(s) => EncodingKey::from_secret(s),
        Signer::Private(name) => {
            let pem = key_bytes(name);
            match jalg.family() {
                AlgorithmFamily::Rsa => EncodingKey::from_rsa_pem(&pem),
                AlgorithmFamily::Ec => EncodingKey::from_ec_pem(&pem),
                AlgorithmFamily::Ed => EncodingKey::from_ed_pem(&pem),
                AlgorithmFamily::Hmac => EncodingKey::from_ed_pem(b"not for HMAC"),
            }
            .expect("private key")
        }
    };
    let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &key, jalg).expect("sign");
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sig)
        .expect("base64url")
}

/// `base64url(header) . base64url(payload)`, exactly as given.
fn signing_input(header: &Value, payload: &Value) -> String {
    format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes())
    )
}

/// A compact JWS of exactly this header and payload.
fn jws(header: &Value, payload: &Value, signer: Signer) -> String {
    let alg = header["alg"].as_str().expect("alg");
    let input = signing_input(header, payload);
    let sig = sign(alg, &input, signer);
    format!("{input}.{}", b64url(&sig))
}

fn claims() -> Value {
    json!({"sub": "alice", "iss": ISSUER, "aud": ["api", "web"], "iat": NOW - 60, "exp": NOW + 3600})
}

fn token(alg: &str, kid: Option<&str>, signer: Signer) -> String {
    let mut header = json!({"alg": alg, "typ": "JWT"});
    if let Some(kid) = kid {
        header["kid"] = json!(kid);
    }
    jws(&header, &claims(), signer)
}

/// The same token with one claim changed and the old signature kept.
fn tamper(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .expect("payload");
    let mut text = String::from_utf8(payload).expect("utf-8");
    text = if text.contains("alice") {
        text.replace("alice", "admin")
    } else {
        format!("{text} ")
    };
    format!("{}.{}.{}", parts[0], b64url(text.as_bytes()), parts[2])
}

// ------------------------------------------------------------ JWKs

fn public_jwk(name: &str) -> Value {
    let der = |f: &str| pem_der(&format!("{f}-private.pem"));
    match name {
        "rsa" | "rsa2" => {
            let pair = RsaKeyPair::from_pkcs8(&der(name)).expect("RSA key");
            let public = pair.public_key();
            json!({
                "kty": "RSA",
                "n": b64url(public.modulus().big_endian_without_leading_zero()),
                "e": b64url(public.exponent().big_endian_without_leading_zero()),
            })
        }
        "ec-256" | "ec-384" | "ec-521" => {
            let (alg, crv) = match name {
                "ec-256" => (&ECDSA_P256_SHA256_FIXED_SIGNING, "P-256"),
                "ec-384" => (&ECDSA_P384_SHA384_FIXED_SIGNING, "P-384"),
                _ => (&ECDSA_P521_SHA512_FIXED_SIGNING, "P-521"),
            };
            let pair = EcdsaKeyPair::from_pkcs8(alg, &der(name)).expect("EC key");
            let point = pair.public_key().as_ref();
            let half = (point.len() - 1) / 2;
            json!({
                "kty": "EC", "crv": crv,
                "x": b64url(&point[1..1 + half]), "y": b64url(&point[1 + half..]),
            })
        }
        "ed25519" => {
            let pair = Ed25519KeyPair::from_pkcs8(&der(name)).expect("Ed25519 key");
            json!({"kty": "OKP", "crv": "Ed25519", "x": b64url(pair.public_key().as_ref())})
        }
        "oct" => json!({"kty": "oct", "k": b64url(SECRET)}),
        other => panic!("no test key {other}"),
    }
}

fn with_kid(mut jwk: Value, kid: &str) -> Value {
    jwk["kid"] = json!(kid);
    jwk
}

/// Every test key, each with a kid (`rsa-2` first, so picking by kid matters).
fn all_keys_jwks() -> Value {
    json!({"keys": [
        with_kid(public_jwk("rsa2"), "rsa-2"),
        with_kid(public_jwk("rsa"), "rsa-1"),
        with_kid(public_jwk("ec-256"), "ec-256"),
        with_kid(public_jwk("ec-384"), "ec-384"),
        with_kid(public_jwk("ec-521"), "ec-521"),
        with_kid(public_jwk("ed25519"), "ed"),
        with_kid(public_jwk("oct"), "hmac"),
    ]})
}

/// The same keys without kids: a key is chosen by what fits the alg.
fn all_keys_jwks_without_kids() -> Value {
    let mut set = all_keys_jwks();
    for key in set["keys"].as_array_mut().expect("keys") {
        key.as_object_mut().expect("object").remove("kid");
    }
    set
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, contents).expect("write test file");
    path.display().to_string()
}

// ------------------------------------------------------------ running

fn run(args: &[String]) -> std::process::Output {
    jwtinspect()
        .args(["--now", NOW_ARG])
        .args(args)
        .output()
        .expect("run jwtinspect")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn verified(line: &Value) -> &Value {
    &line["signature"]["verified"]
}

fn codes(line: &Value) -> Vec<String> {
    line["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|x| x["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn message(line: &Value, code: &str) -> String {
    line["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["code"] == code))
        .and_then(|x| x["message"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// The good token verifies (no error at all); a tampered copy does not.
#[track_caller]
fn assert_verifies(what: &str, key_args: &[String], good: &str) {
    let mut args = strings(&["--json"]);
    args.extend_from_slice(key_args);
    args.push(good.to_owned());
    args.push(tamper(good));
    let out = run(&args);
    let context = format!(
        "{what}\nstdout: {}\nstderr: {}",
        stdout_of(&out),
        stderr_of(&out)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{context}");
    assert_eq!(verified(&lines[0]), &json!(true), "{context}");
    assert!(
        lines[0]["findings"]
            .as_array()
            .is_some_and(|f| f.iter().all(|x| x["severity"] != "error")),
        "{context}"
    );
    assert_eq!(verified(&lines[1]), &json!(false), "{context}");
    assert!(
        codes(&lines[1]).contains(&"signature-invalid".to_owned()),
        "{context}"
    );
    assert_eq!(out.status.code(), Some(1), "{context}");
}

/// One token, one verdict: (verified, the signature-invalid message, exit code).
#[track_caller]
fn verdict(key_args: &[String], token: &str) -> (Value, String, Option<i32>, Value) {
    let mut args = strings(&["--json"]);
    args.extend_from_slice(key_args);
    args.push(token.to_owned());
    let out = run(&args);
    let lines = json_lines(&out);
    assert_eq!(
        lines.len(),
        1,
        "stdout: {}\nstderr: {}",
        stdout_of(&out),
        stderr_of(&out)
    );
    let line = lines[0].clone();
    (
        verified(&line).clone(),
        message(&line, "signature-invalid"),
        out.status.code(),
        line,
    )
}

/// The token does not verify, for a reason the message gives; exit 1.
#[track_caller]
fn refused(key_args: &[String], token: &str, why_contains: &str) -> Value {
    let (v, why, code, line) = verdict(key_args, token);
    assert_eq!(v, json!(false), "{key_args:?}: {why}");
    assert!(why.contains(why_contains), "{why}");
    assert_eq!(code, Some(1), "{why}");
    line
}

fn key_arg(path: &str) -> Vec<String> {
    strings(&["--key", path])
}

// ------------------------------------------------------------ every key form × algorithm

#[test]
fn hmac_algorithms_with_every_secret_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = String::from_utf8(SECRET.to_vec()).expect("text");
    let mut file = SECRET.to_vec();
    file.push(b'\n');
    let secret_file = write(dir.path(), "secret.txt", &file);
    let oct = write(dir.path(), "oct.json", public_jwk("oct").to_string());
    let jwks = write(dir.path(), "jwks.json", all_keys_jwks().to_string());
    let b64 = base64::engine::general_purpose::STANDARD.encode(SECRET);
    let b64url_secret = b64url(SECRET);
    for alg in ["HS256", "HS384", "HS512"] {
        let plain = token(alg, None, Signer::Secret(SECRET));
        let forms = [
            ("--secret", strings(&["--secret", &secret])),
            ("--secret-file", strings(&["--secret-file", &secret_file])),
            (
                "--secret-base64 standard",
                strings(&["--secret-base64", &b64]),
            ),
            (
                "--secret-base64 url",
                strings(&["--secret-base64", &b64url_secret]),
            ),
            ("--key oct JWK", key_arg(&oct)),
        ];
        for (what, args) in forms {
            assert_verifies(&format!("{alg} {what}"), &args, &plain);
        }
        let with_kid = token(alg, Some("hmac"), Signer::Secret(SECRET));
        assert_verifies(&format!("{alg} JWKS by kid"), &key_arg(&jwks), &with_kid);
    }
}

#[test]
fn rsa_algorithms_with_every_key_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jwk = write(dir.path(), "rsa.json", public_jwk("rsa").to_string());
    let jwks = write(dir.path(), "jwks.json", all_keys_jwks().to_string());
    let forms = [
        ("PEM public key", key_arg(&key_path("rsa-public.pem"))),
        ("PKCS#1 PEM", key_arg(&key_path("rsa-public-pkcs1.pem"))),
        ("X.509 certificate", key_arg(&key_path("rsa-cert.pem"))),
        ("JWK", key_arg(&jwk)),
    ];
    for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] {
        let plain = token(alg, None, Signer::Private("rsa-private.pem"));
        for (what, args) in &forms {
            assert_verifies(&format!("{alg} {what}"), args, &plain);
        }
        let with_kid = token(alg, Some("rsa-1"), Signer::Private("rsa-private.pem"));
        assert_verifies(&format!("{alg} JWKS by kid"), &key_arg(&jwks), &with_kid);
    }
}

#[test]
fn ec_and_eddsa_algorithms_with_every_key_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jwks = write(dir.path(), "jwks.json", all_keys_jwks().to_string());
    let cases = [
        ("ES256", "ec-256", "ec-256", Some("ec-256-cert.pem")),
        ("ES384", "ec-384", "ec-384", None),
        ("ES512", "ec-521", "ec-521", None),
        ("EdDSA", "ed25519", "ed", None),
    ];
    for (alg, name, kid, cert) in cases {
        let private: &'static str = Box::leak(format!("{name}-private.pem").into_boxed_str());
        let plain = token(alg, None, Signer::Private(private));
        let jwk = write(
            dir.path(),
            &format!("{name}.json"),
            public_jwk(name).to_string(),
        );
        assert_verifies(
            &format!("{alg} PEM"),
            &key_arg(&key_path(&format!("{name}-public.pem"))),
            &plain,
        );
        assert_verifies(&format!("{alg} JWK"), &key_arg(&jwk), &plain);
        if let Some(cert) = cert {
            assert_verifies(
                &format!("{alg} certificate"),
                &key_arg(&key_path(cert)),
                &plain,
            );
        }
        let with_kid = token(alg, Some(kid), Signer::Private(private));
        assert_verifies(&format!("{alg} JWKS by kid"), &key_arg(&jwks), &with_kid);
    }
}

#[test]
fn a_pem_file_with_several_blocks_offers_each_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut both = key_bytes("rsa2-public.pem");
    both.extend(key_bytes("rsa-cert.pem"));
    let chain = write(dir.path(), "chain.pem", &both);
    let good = token("RS256", None, Signer::Private("rsa-private.pem"));
    assert_verifies("two PEM blocks", &key_arg(&chain), &good);
    let out = run(&strings(&["--key", &chain, &good]));
    assert!(
        stdout_of(&out).contains(&format!("verified: {chain} (PEM block 2)")),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn without_a_kid_every_key_that_fits_the_alg_is_tried() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jwks = write(
        dir.path(),
        "nokids.json",
        all_keys_jwks_without_kids().to_string(),
    );
    let cases: [(&str, Signer); 7] = [
        ("HS256", Signer::Secret(SECRET)),
        ("RS256", Signer::Private("rsa-private.pem")),
        ("PS512", Signer::Private("rsa-private.pem")),
        ("ES256", Signer::Private("ec-256-private.pem")),
        ("ES384", Signer::Private("ec-384-private.pem")),
        ("ES512", Signer::Private("ec-521-private.pem")),
        ("EdDSA", Signer::Private("ed25519-private.pem")),
    ];
    for (alg, signer) in cases {
        assert_verifies(
            &format!("{alg} JWKS without kids"),
            &key_arg(&jwks),
            &token(alg, None, signer),
        );
    }
}

#[test]
fn the_fully_specified_ed25519_alg_verifies_with_an_ed25519_key() {
    // RFC 9864 names EdDSA over Ed25519 "Ed25519".
    let header = json!({"alg": "Ed25519"});
    let input = signing_input(&header, &claims());
    let sig = sign("EdDSA", &input, Signer::Private("ed25519-private.pem"));
    let good = format!("{input}.{}", b64url(&sig));
    assert_verifies("Ed25519", &key_arg(&key_path("ed25519-public.pem")), &good);
}

#[test]
fn a_good_token_exits_0_and_the_report_names_the_key() {
    let good = token("RS256", None, Signer::Private("rsa-private.pem"));
    let pem = key_path("rsa-public.pem");
    let out = run(&strings(&["--key", &pem, &good]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    let text = stdout_of(&out);
    assert!(
        text.contains(&format!("RS256, 256 bytes, verified: {pem}")),
        "{text}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let jwks = write(dir.path(), "jwks.json", all_keys_jwks().to_string());
    let good = token(
        "ES256",
        Some("ec-256"),
        Signer::Private("ec-256-private.pem"),
    );
    let out = run(&strings(&["--key", &jwks, &good]));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout_of(&out).contains(&format!("verified: kid \"ec-256\" in {jwks}")),
        "{}",
        stdout_of(&out)
    );

    let rsa = token("RS256", None, Signer::Private("rsa-private.pem"));
    let out = run(&strings(&["--key", &pem, &tamper(&rsa)]));
    assert!(
        stdout_of(&out).contains(&format!("NOT verified: signature does not match {pem}")),
        "{}",
        stdout_of(&out)
    );
    let out = run(&strings(&["--key", &pem, &tamper(&good)]));
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("NOT verified: the key does not fit the alg"),
        "{text}"
    );
    assert!(
        text.contains("signature-invalid  ") && text.contains("alg ES256 needs an EC P-256"),
        "{text}"
    );
}

#[test]
fn the_secret_file_loses_exactly_one_trailing_newline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = token(
        "HS256",
        None,
        Signer::Secret(b"s3cret-of-thirty-two-bytes-or-more"),
    );
    for (contents, ok) in [
        (&b"s3cret-of-thirty-two-bytes-or-more"[..], true),
        (b"s3cret-of-thirty-two-bytes-or-more\n", true),
        (b"s3cret-of-thirty-two-bytes-or-more\r\n", true),
        (b"s3cret-of-thirty-two-bytes-or-more\n\n", false),
        (b"s3cret-of-thirty-two-bytes-or-more ", false),
    ] {
        let file = write(dir.path(), "secret", contents);
        let (v, why, _, _) = verdict(&strings(&["--secret-file", &file]), &good);
        assert_eq!(v, json!(ok), "{contents:?}: {why}");
    }
}

#[test]
fn secret_base64_takes_both_alphabets_with_or_without_padding() {
    // 49 bytes: more than HS384's 48, and a length that base64 pads.
    static BINARY: [[u8; 7]; 7] = [[0xfb, 0xff, 0xbf, 0x00, 0x3e, 0x3f, 0xfe]; 7];
    let binary: &'static [u8] = BINARY.as_flattened();
    let good = token("HS384", None, Signer::Secret(binary));
    let std = base64::engine::general_purpose::STANDARD.encode(binary);
    assert!(std.contains('+') && std.contains('/') && std.ends_with('='));
    let url = base64::engine::general_purpose::URL_SAFE.encode(binary);
    for text in [
        std.clone(),
        std.trim_end_matches('=').to_owned(),
        url.clone(),
        url.trim_end_matches('=').to_owned(),
    ] {
        let (v, why, code, _) = verdict(&[format!("--secret-base64={text}")], &good);
        assert_eq!((v, code), (json!(true), Some(0)), "{text}: {why}");
    }
    let out = run(&strings(&["--secret-base64", "not base64!", &good]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--secret-base64"));
}

// ------------------------------------------------------------ RFC vectors

/// (vector, key file, verifies)
const RFC_VECTORS: &[(&str, &str)] = &[
    ("rfc7515-a1-hs256", "key"),
    ("rfc7515-a2-rs256", "pub"),
    ("rfc7515-a3-es256", "pub"),
    ("rfc7515-a4-es512", "pub"),
    ("rfc7519-3.1-hs256", "key"),
    ("rfc7520-4.1-rs256", "pub"),
    ("rfc7520-4.2-ps384", "pub"),
    ("rfc7520-4.3-es512", "pub"),
    ("rfc7520-4.4-hs256", "key"),
    ("rfc8037-a4-eddsa", "pub"),
];

fn rfc(name: &str) -> String {
    let text = std::fs::read_to_string(testdata(&format!("rfc/{name}"))).expect("RFC vector");
    text.trim().to_owned()
}

/// Change one character in the middle of segment `seg`.
fn flip(token: &str, seg: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let s = &mut parts[seg];
    let mid = s.len() / 2;
    let c = s.as_bytes()[mid];
    let new = if c == b'A' { "B" } else { "A" };
    s.replace_range(mid..mid + 1, new);
    parts.join(".")
}

#[test]
fn rfc_vectors_verify_and_tampered_copies_do_not() {
    // RFC 7515 A.1's exp is 2011-03-22T18:43:00Z: judge before it.
    for (name, key) in RFC_VECTORS {
        let jwt = rfc(&format!("{name}.jwt"));
        for key in [key, &"key"] {
            let key = testdata(&format!("rfc/{name}.{key}.json"))
                .display()
                .to_string();
            let args = strings(&["--json", "--now", "2011-03-22T18:00:00Z", "--key", &key]);
            let mut all = args.clone();
            all.extend([jwt.clone(), flip(&jwt, 1), flip(&jwt, 2)]);
            let out = jwtinspect().args(&all).output().expect("run");
            let lines = json_lines(&out);
            let got: Vec<&Value> = lines.iter().map(verified).collect();
            assert_eq!(
                got,
                [&json!(true), &json!(false), &json!(false)],
                "{name} with {key}: {}",
                stdout_of(&out)
            );
            let plain_text = lines[0]["payload"].is_null();
            if plain_text {
                // RFC 7515 allows any payload bytes: verified, yet not a JWT.
                assert_eq!(lines[0]["summary"]["status"], "malformed");
                assert!(codes(&lines[0]).contains(&"payload-invalid".to_owned()));
            } else {
                assert_eq!(lines[0]["summary"]["status"], "valid", "{name}");
            }
            assert!(!codes(&lines[0]).contains(&"signature-invalid".to_owned()));
        }
    }
}

#[test]
fn rfc_7515_a5_unsecured_jws_never_verifies() {
    let jwt = rfc("rfc7515-a5-none.jwt");
    for key in ["rfc7515-a1-hs256.key.json", "rfc7515-a2-rs256.pub.json"] {
        let key = testdata(&format!("rfc/{key}")).display().to_string();
        let line = refused(&key_arg(&key), &jwt, "never verifies");
        assert!(codes(&line).contains(&"alg-none".to_owned()));
    }
}

// ------------------------------------------------------------ attacks

#[test]
fn alg_none_never_verifies_in_any_spelling_with_any_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jwks = write(dir.path(), "jwks.json", all_keys_jwks().to_string());
    let secret = String::from_utf8(SECRET.to_vec()).expect("text");
    let keys = [
        strings(&["--secret", &secret]),
        key_arg(&key_path("rsa-public.pem")),
        key_arg(&jwks),
    ];
    for spelling in ["none", "None", "NONE", "nOnE"] {
        let header = json!({"alg": spelling, "typ": "JWT"});
        let input = signing_input(&header, &claims());
        // Unsigned, and with an HMAC that would match the secret.
        let mac = sign("HS256", &input, Signer::Secret(SECRET));
        for t in [format!("{input}."), format!("{input}.{}", b64url(&mac))] {
            for key in &keys {
                refused(key, &t, "never verifies");
            }
        }
    }
}

#[test]
fn a_public_key_is_never_an_hmac_secret() {
    // The RS256→HS256 confusion: HS256 with the PEM bytes as the HMAC key.
    let pem = key_bytes("rsa-public.pem");
    let pem_static: &'static [u8] = Box::leak(pem.clone().into_boxed_slice());
    let forged = token("HS256", None, Signer::Secret(pem_static));

    for key in [
        "rsa-public.pem",
        "rsa-public-pkcs1.pem",
        "rsa-cert.pem",
        "ec-256-public.pem",
    ] {
        let line = refused(&key_arg(&key_path(key)), &forged, "RS256→HS256");
        let why = message(&line, "signature-invalid");
        assert!(why.contains("alg HS256 needs an HMAC secret"), "{why}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let jwk = write(dir.path(), "rsa.json", public_jwk("rsa").to_string());
    refused(&key_arg(&jwk), &forged, "RS256→HS256");

    // Given as a secret, a key is refused outright (usage error).
    let pem_text = String::from_utf8(pem.clone()).expect("PEM text");
    let pem_b64 = base64::engine::general_purpose::STANDARD.encode(&pem);
    let jwk_text = public_jwk("rsa").to_string();
    let der_file = write(dir.path(), "rsa.der", pem_der("rsa-public.pem"));
    for args in [
        strings(&["--secret-file", &key_path("rsa-public.pem")]),
        strings(&["--secret-file", &der_file]),
        vec![format!("--secret={pem_text}")],
        strings(&["--secret-base64", &pem_b64]),
        strings(&["--secret", &jwk_text]),
    ] {
        let mut all = args.clone();
        all.push(forged.clone());
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr_of(&out);
        assert!(
            err.contains("refusing to use a key as an HMAC secret"),
            "{err}"
        );
        assert!(err.contains("--key FILE"), "{err}");
        assert!(!err.contains("MIIB"), "the key is not echoed: {err}");
    }
}

#[test]
fn an_ecdsa_signature_of_zeros_never_verifies() {
    // CVE-2022-21449: r = s = 0 passed some ECDSA verifiers.
    for (alg, len, key) in [
        ("ES256", 64, "ec-256-public.pem"),
        ("ES384", 96, "ec-384-public.pem"),
        ("ES512", 132, "ec-521-public.pem"),
    ] {
        let good = token(
            alg,
            None,
            Signer::Private(Box::leak(key.replace("public", "private").into_boxed_str())),
        );
        let input = good.rsplit_once('.').expect("dots").0;
        let zeros = format!("{input}.{}", b64url(&vec![0u8; len]));
        refused(&key_arg(&key_path(key)), &zeros, "CVE-2022-21449");
        // A DER-encoded signature (SEQUENCE { r, s }) is not the JWS form.
        let der = format!(
            "{input}.{}",
            b64url(&[&[0x30, 0x44][..], &[1; 68]].concat())
        );
        refused(&key_arg(&key_path(key)), &der, "looks DER-encoded");

        // r = 0 with the real s, and the real r with s = 0.
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(good.rsplit_once('.').expect("dots").1)
            .expect("sig");
        for zero_half in [0..len / 2, len / 2..len] {
            let mut s = sig.clone();
            s[zero_half].fill(0);
            let (v, _, _, _) =
                verdict(&key_arg(&key_path(key)), &format!("{input}.{}", b64url(&s)));
            assert_eq!(v, json!(false), "{alg}");
        }
    }
}

#[test]
fn a_wrong_kid_fails_and_lists_the_kids_there_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jwks = write(dir.path(), "jwks.json", all_keys_jwks().to_string());
    let t = token("RS256", Some("rsa-9"), Signer::Private("rsa-private.pem"));
    let line = refused(&key_arg(&jwks), &t, "no key with kid \"rsa-9\"");
    let why = message(&line, "signature-invalid");
    assert!(why.contains("\"rsa-2\", \"rsa-1\", \"ec-256\""), "{why}");

    // The right kid on a key of another kind is no help either.
    let t = token("RS256", Some("ec-256"), Signer::Private("rsa-private.pem"));
    refused(&key_arg(&jwks), &t, "alg RS256 needs an RSA public key");

    // A kid naming the other RSA key: that key is tried, and does not match.
    let t = token("RS256", Some("rsa-2"), Signer::Private("rsa-private.pem"));
    refused(&key_arg(&jwks), &t, "does not match kid \"rsa-2\"");
}

#[test]
fn keys_embedded_in_the_token_are_never_used() {
    // The attacker signs with rsa2 and embeds rsa2's public key as `jwk`.
    let mut header = json!({"alg": "RS256", "jwk": public_jwk("rsa2")});
    let forged = jws(&header, &claims(), Signer::Private("rsa2-private.pem"));
    let user_key = key_arg(&key_path("rsa-public.pem"));
    refused(&user_key, &forged, "does not match");
    // The same header on a token signed by the user's key verifies with it.
    header["jwk"] = public_jwk("rsa");
    let honest = jws(&header, &claims(), Signer::Private("rsa-private.pem"));
    assert_eq!(verdict(&user_key, &honest).0, json!(true));

    // `jku` / `x5u` point at a server holding the attacker's key: never fetched.
    let attacker_jwks = json!({"keys": [public_jwk("rsa2")]});
    let server = Server::http(move |_| Reply::json(200, &attacker_jwks));
    let header = json!({
        "alg": "RS256",
        "jku": server.url("/jwks.json"),
        "x5u": server.url("/cert.pem"),
    });
    let forged = jws(&header, &claims(), Signer::Private("rsa2-private.pem"));
    assert_eq!(verdict(&user_key, &forged).0, json!(false));
    let honest = jws(&header, &claims(), Signer::Private("rsa-private.pem"));
    assert_eq!(verdict(&user_key, &honest).0, json!(true));
    assert!(server.requests().is_empty(), "jku/x5u were fetched");

    // `x5c` carries a certificate for the attacker's own EC key.
    let attacker = rcgen::KeyPair::generate().expect("EC key");
    let cert = rcgen::CertificateParams::new(vec!["attacker".to_owned()])
        .expect("params")
        .self_signed(&attacker)
        .expect("cert");
    let header = json!({
        "alg": "ES256",
        "x5c": [base64::engine::general_purpose::STANDARD.encode(cert.der())],
    });
    let input = signing_input(&header, &claims());
    let key = EncodingKey::from_ec_der(&attacker.serialize_der());
    let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::ES256)
        .expect("sign");
    let forged = format!("{input}.{sig}");
    refused(
        &key_arg(&key_path("ec-256-public.pem")),
        &forged,
        "does not match",
    );
}

#[test]
fn an_unknown_crit_parameter_fails_verification() {
    let key = key_arg(&key_path("rsa-public.pem"));
    let cases = [
        (
            json!({"alg": "RS256", "crit": ["http://example.invalid/UNDEFINED"], "http://example.invalid/UNDEFINED": true}),
            "does not implement",
        ),
        (
            json!({"alg": "RS256", "crit": ["exp"], "exp": NOW + 60}),
            "does not implement",
        ),
        (
            json!({"alg": "RS256", "crit": ["alg"]}),
            "standard header parameter",
        ),
        (json!({"alg": "RS256", "crit": []}), "non-empty array"),
        (
            json!({"alg": "RS256", "crit": "x", "x": 1}),
            "non-empty array",
        ),
        (json!({"alg": "RS256", "crit": ["x"]}), "not in the header"),
    ];
    for (header, expect) in cases {
        let t = jws(&header, &claims(), Signer::Private("rsa-private.pem"));
        let line = refused(&key, &t, expect);
        assert!(message(&line, "signature-invalid").contains("4.1.11"));
    }
    // b64: true is the default, so a crit naming it is understood.
    let t = jws(
        &json!({"alg": "RS256", "b64": true, "crit": ["b64"]}),
        &claims(),
        Signer::Private("rsa-private.pem"),
    );
    assert_eq!(verdict(&key, &t).0, json!(true));
}

/// The findings and the verifier judge `crit` by one rule set: a name listed
/// twice is invalid for both (the verifier used to call such a token verified).
#[test]
fn a_crit_name_listed_twice_fails_verification_as_its_finding_says() {
    let key = key_arg(&key_path("rsa-public.pem"));
    let t = jws(
        &json!({"alg": "RS256", "b64": true, "crit": ["b64", "b64"]}),
        &claims(),
        Signer::Private("rsa-private.pem"),
    );
    let line = refused(&key, &t, "twice");
    assert!(codes(&line).contains(&"crit-invalid".to_owned()), "{line}");
}

#[test]
fn b64_false_has_no_place_in_a_jwt() {
    let key = key_arg(&key_path("rsa-public.pem"));
    for header in [
        json!({"alg": "RS256", "b64": false, "crit": ["b64"]}),
        json!({"alg": "RS256", "b64": false}),
    ] {
        // Signed the usual way, so a verifier that ignored b64 would say yes.
        let t = jws(&header, &claims(), Signer::Private("rsa-private.pem"));
        refused(&key, &t, "RFC 7797 §7");
    }
}

#[test]
fn alg_restricts_the_accepted_algorithms() {
    let pem = key_path("rsa-public.pem");
    let t = token("RS256", None, Signer::Private("rsa-private.pem"));
    refused(
        &strings(&["--key", &pem, "--alg", "PS256", "--alg", "ES256"]),
        &t,
        "alg RS256 is not accepted (--alg PS256, --alg ES256)",
    );
    let (v, _, code, _) = verdict(
        &strings(&["--key", &pem, "--alg", "PS256", "--alg", "RS256"]),
        &t,
    );
    assert_eq!((v, code), (json!(true), Some(0)));

    for (bad, expect) in [
        ("none", "never verifies"),
        ("NONE", "never verifies"),
        ("HS1", "not an algorithm"),
    ] {
        let out = run(&strings(&["--key", &pem, "--alg", bad, &t]));
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr_of(&out).contains(expect), "{}", stderr_of(&out));
    }
    let out = run(&strings(&["--alg", "RS256", &t]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("give a key too"));
}

#[test]
fn the_key_must_fit_the_alg_and_the_jwk_may_narrow_it() {
    let t384 = token("ES384", None, Signer::Private("ec-384-private.pem"));
    refused(
        &key_arg(&key_path("ec-256-public.pem")),
        &t384,
        "alg ES384 needs an EC P-384 public key, and this is an EC P-256 public key",
    );
    let t = token("RS256", None, Signer::Private("rsa-private.pem"));
    let secret = String::from_utf8(SECRET.to_vec()).expect("text");
    refused(
        &strings(&["--secret", &secret]),
        &t,
        "needs an RSA public key, and this is an HMAC secret",
    );

    refused(
        &key_arg(&key_path("rsa1024-public.pem")),
        &t,
        "an RSA key of 1024 bits is too small",
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let mut jwk = public_jwk("rsa");
    jwk["alg"] = json!("PS256");
    let only_ps256 = write(dir.path(), "ps256.json", jwk.to_string());
    refused(&key_arg(&only_ps256), &t, "the key is for alg \"PS256\"");
    let mut jwk = public_jwk("rsa");
    jwk["use"] = json!("enc");
    let enc = write(dir.path(), "enc.json", jwk.to_string());
    refused(&key_arg(&enc), &t, "not for signatures");
}

#[test]
fn unusable_keys_files_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = token("RS256", None, Signer::Private("rsa-private.pem"));
    let garbage = write(dir.path(), "garbage.txt", "hello");
    let bad_jwks = write(
        dir.path(),
        "bad.json",
        json!({"keys": [{"kty": "EC", "crv": "P-192", "x": "AA", "y": "AA", "kid": "k1"}]})
            .to_string(),
    );
    // A private key decrypts JWEs (contract, JWE): not a usage error, but it
    // does not verify, and says why.
    let out = run(&strings(&[
        "--json",
        "--key",
        &key_path("rsa-private.pem"),
        &t,
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_of(&out).contains("verifying needs only the public key"));
    let cases = [
        (garbage, "not a PEM public key"),
        (
            bad_jwks,
            "no usable key: kid \"k1\": curve \"P-192\" is not supported",
        ),
        (
            dir.path().join("missing.pem").display().to_string(),
            "reading --key",
        ),
    ];
    for (file, expect) in cases {
        let out = run(&strings(&["--key", &file, &t]));
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(stderr_of(&out).contains(expect), "{}", stderr_of(&out));
    }
}

#[test]
fn a_jwe_or_a_damaged_token_does_not_verify() {
    let pem = key_arg(&key_path("rsa-public.pem"));
    let jwe = format!(
        "{}.a.b.c.d",
        b64url(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#)
    );
    refused(&pem, &jwe, "encrypted, not signed");
    let t = token("RS256", None, Signer::Private("rsa-private.pem"));
    let unsigned = format!("{}.", t.rsplit_once('.').expect("dots").0);
    refused(&pem, &unsigned, "signature segment is empty");
    refused(&pem, &flip(&t, 0), "header does not decode");
}

// ------------------------------------------------------------ claims

#[test]
fn signature_and_time_are_separate_facts() {
    let mut c = claims();
    c["exp"] = json!(NOW - 10);
    let t = jws(
        &json!({"alg": "ES256"}),
        &c,
        Signer::Private("ec-256-private.pem"),
    );
    let (v, _, code, line) = verdict(&key_arg(&key_path("ec-256-public.pem")), &t);
    assert_eq!(v, json!(true));
    assert_eq!(line["summary"]["status"], "expired");
    assert!(codes(&line).contains(&"expired".to_owned()));
    assert_eq!(code, Some(1));
    // With leeway it is not expired, and still verified.
    let out = run(&strings(&[
        "--json",
        "--leeway",
        "30",
        "--key",
        &key_path("ec-256-public.pem"),
        &t,
    ]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(verified(&json_lines(&out)[0]), &json!(true));
}

#[test]
fn iss_and_aud_must_match() {
    let t = token("HS256", None, Signer::Secret(SECRET));
    let secret = String::from_utf8(SECRET.to_vec()).expect("text");
    let check = |extra: &[&str]| {
        let mut args = strings(&["--secret", &secret]);
        args.extend(strings(extra));
        verdict(&args, &t)
    };
    assert_eq!(check(&["--iss", ISSUER, "--aud", "web"]).2, Some(0));
    let (v, _, code, line) = check(&["--iss", "https://other.test"]);
    assert_eq!((v, code), (json!(true), Some(1)));
    assert!(message(&line, "iss-mismatch").contains("expected https://other.test"));
    let (_, _, code, line) = check(&["--aud", "admin"]);
    assert_eq!(code, Some(1));
    assert!(message(&line, "aud-mismatch").contains("expected it to contain admin"));

    // A string aud, and claim checks without any key.
    let c = json!({"iss": ISSUER, "aud": "api", "exp": NOW + 60});
    let t = jws(&json!({"alg": "HS256"}), &c, Signer::Secret(SECRET));
    let out = run(&strings(&["--json", "--aud", "api", "--iss", ISSUER, &t]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    let out = run(&strings(&["--json", "--aud", "ap", &t]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(verified(&json_lines(&out)[0]), &Value::Null);
}

// ------------------------------------------------------------ JWKS URL and discovery

/// A server answering the JWKS at /jwks.json and, for any path ending in
/// /.well-known/openid-configuration, the document `doc(base)`.
fn idp(tls: bool, doc: impl Fn(&str) -> Value + Send + Sync + 'static) -> Server {
    let base = Arc::new(OnceLock::<String>::new());
    let seen = Arc::clone(&base);
    let jwks = all_keys_jwks();
    let handler = move |req: &Request| {
        let base = seen.get().cloned().unwrap_or_default();
        match req.path.as_str() {
            "/jwks.json" => Reply::json(200, &jwks),
            "/not-json" => Reply::raw(200, "text/html", "<html>login</html>"),
            "/odd-jwks.json" => Reply::json(
                200,
                &json!({"keys": [
                    {"kty": "EC", "crv": "P-192", "x": "AA", "y": "AA", "kid": "k1"},
                    {"kty": "RSA", "use": "sig"},
                ]}),
            ),
            p if p.ends_with("/.well-known/openid-configuration") => Reply::json(200, &doc(&base)),
            _ => Reply::raw(404, "text/plain", "not found"),
        }
    };
    let server = if tls {
        Server::https(handler)
    } else {
        Server::http(handler)
    };
    base.set(server.base.clone()).expect("base once");
    server
}

fn standard_doc(base: &str) -> Value {
    json!({"issuer": format!("{base}/realms/test"), "jwks_uri": format!("{base}/jwks.json")})
}

fn issued_by(iss: &str, alg: &str, kid: &str, signer: Signer) -> String {
    let mut c = claims();
    c["iss"] = json!(iss);
    jws(&json!({"alg": alg, "kid": kid}), &c, signer)
}

/// RS256 with the kid "rsa-1" key, for issuer `iss`.
fn rsa1_issued_by(iss: &str) -> String {
    issued_by(iss, "RS256", "rsa-1", Signer::Private("rsa-private.pem"))
}

fn closed_port_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}{path}")
}

#[test]
fn jwks_url_is_fetched_once_and_picks_keys_by_kid() {
    let server = idp(false, standard_doc);
    let url = server.url("/jwks.json");
    let tokens = [
        token("RS256", Some("rsa-1"), Signer::Private("rsa-private.pem")),
        token("PS384", Some("rsa-2"), Signer::Private("rsa2-private.pem")),
        token(
            "ES256",
            Some("ec-256"),
            Signer::Private("ec-256-private.pem"),
        ),
        token(
            "ES512",
            Some("ec-521"),
            Signer::Private("ec-521-private.pem"),
        ),
        token("EdDSA", Some("ed"), Signer::Private("ed25519-private.pem")),
    ];
    let mut args = strings(&["--json", "--jwks-url", &url]);
    args.extend(tokens.iter().cloned());
    args.push(tamper(&tokens[0]));
    let out = run(&args);
    let got: Vec<Value> = json_lines(&out)
        .iter()
        .map(|l| verified(l).clone())
        .collect();
    assert_eq!(
        got,
        [true, true, true, true, true, false].map(Value::Bool),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(server.requests().len(), 1, "the JWKS is fetched once");

    let out = run(&strings(&["--jwks-url", &url, &tokens[2]]));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout_of(&out).contains(&format!("verified: kid \"ec-256\" in {url}")),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn jwks_url_over_https_needs_a_trusted_ca() {
    let server = idp(true, standard_doc);
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = server.ca_file(dir.path()).display().to_string();
    let url = server.url("/jwks.json");
    let t = token(
        "ES384",
        Some("ec-384"),
        Signer::Private("ec-384-private.pem"),
    );
    let (v, _, code, _) = verdict(&strings(&["--jwks-url", &url, "--cacert", &ca]), &t);
    assert_eq!((v, code), (json!(true), Some(0)));

    let out = run(&strings(&["--jwks-url", &url, &t]));
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert!(stdout_of(&out).is_empty());
    assert!(
        stderr_of(&out).contains("fetching the JWKS"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn jwks_url_failures_exit_3() {
    let server = idp(false, standard_doc);
    let t = token("RS256", Some("rsa-1"), Signer::Private("rsa-private.pem"));
    for (url, expect) in [
        (closed_port_url("/jwks.json"), "could not connect"),
        (server.url("/missing.json"), "HTTP 404"),
        (server.url("/not-json"), "did not answer JSON"),
        (
            server.url("/realms/test/.well-known/openid-configuration"),
            "not a JWKS",
        ),
    ] {
        let out = run(&strings(&["--jwks-url", &url, &t]));
        assert_eq!(out.status.code(), Some(3), "{url}: {}", stderr_of(&out));
        assert!(stderr_of(&out).contains(expect), "{}", stderr_of(&out));
    }
}

#[test]
fn a_fetched_jwks_without_usable_keys_verifies_nothing() {
    let server = idp(false, standard_doc);
    let t = token("ES256", Some("k1"), Signer::Private("ec-256-private.pem"));
    let url = server.url("/odd-jwks.json");
    refused(
        &strings(&["--jwks-url", &url]),
        &t,
        "holds no usable key: kid \"k1\": curve \"P-192\" is not supported (P-256, P-384, P-521, secp256k1); no \"n\" member",
    );
}

#[test]
fn discovery_finds_the_keys_and_requires_the_issuer() {
    for tls in [false, true] {
        let server = idp(tls, standard_doc);
        let dir = tempfile::tempdir().expect("tempdir");
        let mut net = Vec::new();
        if tls {
            net = strings(&[
                "--cacert",
                &server.ca_file(dir.path()).display().to_string(),
            ]);
        }
        let issuer = server.url("/realms/test");
        let mut args = strings(&["--json", "--discover", &issuer]);
        args.extend(net.clone());
        let good = rsa1_issued_by(&issuer);
        let other_iss = issued_by(
            "https://elsewhere.test",
            "ES256",
            "ec-256",
            Signer::Private("ec-256-private.pem"),
        );
        let mut all = args.clone();
        all.extend([good.clone(), other_iss]);
        let out = run(&all);
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 2, "{}", stderr_of(&out));
        assert_eq!(verified(&lines[0]), &json!(true));
        assert!(lines[0]["findings"]
            .as_array()
            .is_some_and(|f| f.iter().all(|x| x["severity"] != "error")));
        // Signed by the issuer's key, but for another issuer: iss-mismatch.
        assert_eq!(verified(&lines[1]), &json!(true));
        assert!(message(&lines[1], "iss-mismatch").contains(&issuer));
        assert_eq!(out.status.code(), Some(1));
        let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
        assert_eq!(
            paths,
            [
                "/realms/test/.well-known/openid-configuration",
                "/jwks.json"
            ],
            "fetched once each"
        );

        let mut human = strings(&["--discover", &issuer]);
        human.extend(net);
        human.push(good);
        let out = run(&human);
        assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
        assert!(stdout_of(&out).contains(&format!(
            "verified: kid \"rsa-1\" in {} (issuer {issuer})",
            server.url("/jwks.json")
        )));
    }
}

#[test]
fn discovery_of_another_issuer_refuses_its_keys() {
    let server = idp(
        false,
        |base| json!({"issuer": "https://evil.test", "jwks_uri": format!("{base}/jwks.json")}),
    );
    let issuer = server.url("/realms/test");
    let t = rsa1_issued_by(&issuer);
    refused(
        &strings(&["--discover", &issuer]),
        &t,
        "is for issuer \"https://evil.test\"",
    );
    assert_eq!(server.requests().len(), 1, "the JWKS is not fetched");
}

#[test]
fn discovery_issuers_match_exactly_trailing_slash_included() {
    // Given with a slash, the issuer without one: one slash in the URL, and no match.
    let server = idp(false, standard_doc);
    let issuer = server.url("/realms/test");
    let t = rsa1_issued_by(&issuer);
    refused(
        &strings(&["--discover", &format!("{issuer}/")]),
        &t,
        "trailing slash included",
    );
    assert_eq!(
        server.requests()[0].path,
        "/realms/test/.well-known/openid-configuration"
    );

    // An issuer that itself ends in a slash works when given exactly.
    let server = idp(
        false,
        |base| json!({"issuer": format!("{base}/realms/test/"), "jwks_uri": format!("{base}/jwks.json")}),
    );
    let issuer = server.url("/realms/test/");
    let t = issued_by(
        &issuer,
        "ES512",
        "ec-521",
        Signer::Private("ec-521-private.pem"),
    );
    let (v, _, code, _) = verdict(&strings(&["--discover", &issuer]), &t);
    assert_eq!((v, code), (json!(true), Some(0)));
}

#[test]
fn discovery_failures_exit_3_and_downgrades_are_refused() {
    let t = rsa1_issued_by(ISSUER);
    let out = run(&strings(&[
        "--discover",
        &closed_port_url("/realms/test"),
        &t,
    ]));
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr_of(&out).contains("fetching the OpenID configuration"));

    let server = Server::http(|_| Reply::raw(404, "text/plain", "not found"));
    let out = run(&strings(&["--discover", &server.base, &t]));
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr_of(&out).contains("HTTP 404"), "{}", stderr_of(&out));
    let server = idp(
        false,
        |base| json!({"issuer": format!("{base}/realms/test")}),
    );
    let out = run(&strings(&["--discover", &server.url("/realms/test"), &t]));
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr_of(&out).contains("no jwks_uri"),
        "{}",
        stderr_of(&out)
    );

    // An https issuer whose keys would come over plain http.
    let server = idp(
        true,
        |base| json!({"issuer": format!("{base}/realms/test"), "jwks_uri": "http://127.0.0.1:9/jwks.json"}),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = server.ca_file(dir.path()).display().to_string();
    let issuer = server.url("/realms/test");
    let t = rsa1_issued_by(&issuer);
    refused(
        &strings(&["--discover", &issuer, "--cacert", &ca]),
        &t,
        "not https",
    );

    let out = run(&strings(&[
        "--discover",
        ISSUER,
        "--iss",
        "https://b.test",
        &t,
    ]));
    assert_eq!(out.status.code(), Some(2));
}
