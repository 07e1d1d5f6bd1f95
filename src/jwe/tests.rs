//! JWE against the published vectors (RFC 7516 Appendix A, RFC 7520 §5,
//! RFC 7518 Appendix C, RFC 8037 Appendix A.6, the JOSE cookbook's X25519
//! example), each also tampered; round trips for every alg × enc; the limits.

use std::path::PathBuf;
use std::sync::OnceLock;

use aws_lc_rs::rsa::Pkcs1PublicEncryptingKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::keys::Public;
use super::*;

fn rfc_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/rfc/jwe")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(rfc_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The vector `stem`: its token, its key(s) and its plaintext.
fn vector(stem: &str) -> (String, Vec<DecryptionKey>, Vec<u8>) {
    let token = String::from_utf8(read(&format!("{stem}.jwe"))).unwrap();
    let keys = if rfc_dir().join(format!("{stem}.password")).exists() {
        vec![DecryptionKey::from_secret(read(&format!(
            "{stem}.password"
        )))]
    } else {
        DecryptionKey::parse(&read(&format!("{stem}.key.json"))).unwrap()
    };
    (
        token.trim().to_owned(),
        keys,
        read(&format!("{stem}.plaintext")),
    )
}

const VECTORS: [&str; 13] = [
    "rfc7516-a1-rsa-oaep-a256gcm",
    "rfc7516-a2-rsa1_5-a128cbc-hs256",
    "rfc7516-a3-a128kw-a128cbc-hs256",
    "rfc7520-5.1-rsa1_5-a128cbc-hs256",
    "rfc7520-5.2-rsa-oaep-a256gcm",
    "rfc7520-5.3-pbes2-hs512-a256kw-a128cbc-hs256",
    "rfc7520-5.4-ecdh-es-a128kw-a128gcm",
    "rfc7520-5.5-ecdh-es-a128cbc-hs256",
    "rfc7520-5.6-dir-a128gcm",
    "rfc7520-5.7-a256gcmkw-a128cbc-hs256",
    "rfc7520-5.8-a128kw-a128gcm",
    "rfc7520-5.9-zip-a128kw-a128gcm",
    "cookbook-x25519-ecdh-es-a128gcm",
];

fn segments(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

/// Flip one bit of the decoded segment `i`.
fn flip(token: &str, i: usize) -> String {
    let mut segs = segments(token);
    let mut bytes = URL_SAFE_NO_PAD.decode(&segs[i]).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    segs[i] = URL_SAFE_NO_PAD.encode(bytes);
    segs.join(".")
}

/// The token with its protected header re-encoded after `change`.
fn with_header(token: &str, change: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut segs = segments(token);
    let mut map = protected_header(token).unwrap();
    change(&mut map);
    segs[0] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&map).unwrap());
    segs.join(".")
}

#[test]
fn every_rfc_vector_decrypts_to_its_plaintext() {
    for stem in VECTORS {
        let (token, keys, plaintext) = vector(stem);
        let got = decrypt(&token, &keys).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert_eq!(got.plaintext, plaintext, "{stem}");
        let rsa1_5 = got.protected_header["alg"] == "RSA1_5";
        assert_eq!(got.warnings == [Warning::Rsa1_5], rsa1_5, "{stem}");
        // The header is given back in the token's own member order.
        let first = got.protected_header.keys().next().unwrap();
        assert_eq!(first, "alg", "{stem}");
    }
}

#[test]
fn every_tampered_rfc_vector_fails_with_the_one_message() {
    let one = JweError::DecryptionFailed.to_string();
    for stem in VECTORS {
        let (token, keys, _) = vector(stem);
        let mut tampered = vec![
            (
                "header",
                with_header(&token, |m| {
                    m.insert("x-tampered".to_owned(), json!(true));
                }),
            ),
            ("iv", flip(&token, 2)),
            ("ciphertext", flip(&token, 3)),
            ("tag", flip(&token, 4)),
        ];
        if !segments(&token)[1].is_empty() {
            tampered.push(("encrypted key", flip(&token, 1)));
        }
        // An IV of another length, and a truncated tag.
        let mut segs = segments(&token);
        segs[2].push_str("AA");
        tampered.push(("iv length", segs.join(".")));
        let mut segs = segments(&token);
        segs[4].truncate(10);
        tampered.push(("tag length", segs.join(".")));
        for (what, t) in tampered {
            let err = decrypt(&t, &keys).expect_err(&format!("{stem}: altered {what} decrypted"));
            assert_eq!(err, JweError::DecryptionFailed, "{stem}: altered {what}");
            assert_eq!(err.to_string(), one, "{stem}: altered {what}");
        }
    }
}

#[test]
fn a_wrong_key_of_the_right_kind_fails_with_the_one_message() {
    let (token, _, _) = vector("rfc7520-5.8-a128kw-a128gcm");
    let err = decrypt(&token, &[DecryptionKey::from_secret(vec![1u8; 16])]).unwrap_err();
    assert_eq!(err, JweError::DecryptionFailed);
    // RSA1_5 with another RSA key: the unwrap "succeeds" with a random key.
    let (token, _, _) = vector("rfc7516-a2-rsa1_5-a128cbc-hs256");
    let (_, other, _) = vector("rfc7516-a1-rsa-oaep-a256gcm");
    assert_eq!(
        decrypt(&token, &other).unwrap_err(),
        JweError::DecryptionFailed
    );
    // PBES2 with another password.
    let (token, _, _) = vector("rfc7520-5.3-pbes2-hs512-a256kw-a128cbc-hs256");
    let err = decrypt(
        &token,
        &[DecryptionKey::from_secret(b"not the password".to_vec())],
    );
    assert_eq!(err.unwrap_err(), JweError::DecryptionFailed);
}

/// RFC 8037 Appendix A.6 gives the X25519 keys (RFC 7748 §6.1) and Z.
#[test]
fn x25519_agreement_matches_rfc8037_appendix_a6() {
    let v: Value = serde_json::from_slice(&read("rfc8037-a6-x25519.json")).unwrap();
    let hex = |k: &str| -> Vec<u8> {
        let s = v[k].as_str().unwrap();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    };
    let x25519 = |d: Vec<u8>| {
        let jwk = json!({"kty": "OKP", "crv": "X25519", "d": URL_SAFE_NO_PAD.encode(d)});
        DecryptionKey::from_jwk(jwk.as_object().unwrap()).unwrap()
    };
    let bob = x25519(hex("bob_private_hex"));
    let eph = x25519(hex("ephemeral_private_hex"));
    let public_b64 = |k: &DecryptionKey| match k.recipient().public() {
        Public::Ec(_, p) => URL_SAFE_NO_PAD.encode(p),
        _ => unreachable!(),
    };
    assert_eq!(public_b64(&bob), v["bob_public"]);
    assert_eq!(public_b64(&eph), v["epk"]);
    let epk = ecdh::point_from_jwk(
        json!({"kty": "OKP", "crv": "X25519", "x": v["epk"]})
            .as_object()
            .unwrap(),
        "epk",
    )
    .unwrap();
    let Private::Ec(_, bob_private) = bob.private() else {
        unreachable!()
    };
    assert_eq!(ecdh::agree(bob_private, &epk).unwrap(), hex("z_hex"));
}

use super::keys::Private;

/// RFC 7518 Appendix C: ECDH-ES on P-256 with apu "Alice", apv "Bob" derives
/// the A128GCM key VqqN6vgjbSBcIijNcacQGg.
#[test]
fn concat_kdf_matches_rfc7518_appendix_c() {
    let bob = DecryptionKey::from_jwk(
        json!({"kty":"EC","crv":"P-256",
            "x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
            "y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
            "d":"VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"})
        .as_object()
        .unwrap(),
    )
    .unwrap();
    let alice_epk = json!({"kty":"EC","crv":"P-256",
        "x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
        "y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"});
    let epk = ecdh::point_from_jwk(alice_epk.as_object().unwrap(), "epk").unwrap();
    let Private::Ec(_, bob_private) = bob.private() else {
        unreachable!()
    };
    let z = ecdh::agree(bob_private, &epk).unwrap();
    let key = ecdh::concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16).unwrap();
    assert_eq!(URL_SAFE_NO_PAD.encode(key), "VqqN6vgjbSBcIijNcacQGg");
}

/// Keys made once per test run, one per kind.
struct TestKeys {
    rsa: DecryptionKey,
    ec: Vec<DecryptionKey>,
}

fn test_keys() -> &'static TestKeys {
    static KEYS: OnceLock<TestKeys> = OnceLock::new();
    KEYS.get_or_init(|| TestKeys {
        rsa: DecryptionKey::generate_rsa(2048).unwrap(),
        ec: ["P-256", "P-384", "P-521", "X25519"]
            .into_iter()
            .map(|c| DecryptionKey::generate_ec(c).unwrap())
            .collect(),
    })
}

/// A decryption key for `alg`/`enc` (EC keys: the `curve`-th curve).
fn key_for(alg: Alg, enc: Enc, curve: usize) -> DecryptionKey {
    match alg {
        Alg::RsaOaep | Alg::RsaOaep256 | Alg::RsaOaep384 | Alg::RsaOaep512 | Alg::Rsa1_5 => {
            clone_key(&test_keys().rsa)
        }
        Alg::EcdhEs | Alg::EcdhEsA128Kw | Alg::EcdhEsA192Kw | Alg::EcdhEsA256Kw => {
            clone_key(&test_keys().ec[curve])
        }
        Alg::Pbes2Hs256A128Kw | Alg::Pbes2Hs384A192Kw | Alg::Pbes2Hs512A256Kw => {
            DecryptionKey::from_secret(b"correct horse battery staple".to_vec())
        }
        Alg::Dir => DecryptionKey::from_secret(vec![0x5a; enc.key_len()]),
        _ => DecryptionKey::from_secret(vec![0x3c; alg.kw_len().unwrap()]),
    }
}

fn clone_key(k: &DecryptionKey) -> DecryptionKey {
    k.clone()
}

fn options(alg: Alg, enc: Enc, zip: bool) -> EncryptOptions {
    EncryptOptions {
        alg,
        enc,
        zip,
        extra: Map::new(),
        p2c: 1000,
    }
}

/// An RSA1_5 token, made by hand: the tool only decrypts RSA1_5.
fn rsa1_5_token(key: &DecryptionKey, enc: Enc, plaintext: &[u8]) -> String {
    let Private::Rsa(rsa) = key.private() else {
        unreachable!()
    };
    let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"RSA1_5","enc":"{enc}"}}"#));
    let cek = random(enc.key_len()).unwrap();
    let public = Pkcs1PublicEncryptingKey::new(rsa.public_key()).unwrap();
    let mut ek = vec![0u8; public.ciphertext_size()];
    let ek = public.encrypt(&cek, &mut ek).unwrap().to_vec();
    let sealed = content::encrypt(enc, &cek, header.as_bytes(), plaintext).unwrap();
    [
        header,
        URL_SAFE_NO_PAD.encode(ek),
        URL_SAFE_NO_PAD.encode(sealed.iv),
        URL_SAFE_NO_PAD.encode(sealed.ciphertext),
        URL_SAFE_NO_PAD.encode(sealed.tag),
    ]
    .join(".")
}

fn round_trip(alg: Alg, enc: Enc, curve: usize, zip: bool, plaintext: &[u8]) -> Result<(), String> {
    let key = key_for(alg, enc, curve);
    let token = if alg == Alg::Rsa1_5 {
        rsa1_5_token(&key, enc, plaintext)
    } else {
        encrypt(plaintext, &key.recipient(), &options(alg, enc, zip))
            .map_err(|e| format!("{alg} {enc}: encrypt: {e}"))?
    };
    let got = decrypt(&token, &[key]).map_err(|e| format!("{alg} {enc}: decrypt: {e}"))?;
    if got.plaintext != plaintext {
        return Err(format!("{alg} {enc}: plaintext differs"));
    }
    if got.protected_header["alg"] != alg.name() || got.protected_header["enc"] != enc.name() {
        return Err(format!("{alg} {enc}: header {:?}", got.protected_header));
    }
    Ok(())
}

#[test]
fn every_alg_and_enc_round_trips_with_keys_made_here() {
    let mut done = 0;
    for alg in Alg::ALL {
        for enc in Enc::ALL {
            let curves = if alg.name().starts_with("ECDH") {
                0..4
            } else {
                0..1
            };
            for curve in curves {
                round_trip(alg, enc, curve, false, b"{\"sub\":\"round trip\"}").unwrap();
                done += 1;
            }
        }
    }
    // 15 non-ECDH algs × 6 encs + 4 ECDH algs × 4 curves × 6 encs.
    assert_eq!(done, 15 * 6 + 4 * 4 * 6);
}

#[test]
fn zip_def_round_trips_and_is_said_in_the_header() {
    let text = "compress me ".repeat(500);
    let key = key_for(Alg::A128Kw, Enc::A128Gcm, 0);
    let token = encrypt(
        text.as_bytes(),
        &key.recipient(),
        &options(Alg::A128Kw, Enc::A128Gcm, true),
    )
    .unwrap();
    assert!(token.len() < text.len() / 2, "deflated: {}", token.len());
    let got = decrypt(&token, &[key]).unwrap();
    assert_eq!(got.protected_header["zip"], "DEF");
    assert_eq!(got.plaintext, text.as_bytes());
}

#[test]
fn encrypt_puts_kid_and_extra_members_in_the_header() {
    let key = DecryptionKey::from_secret(vec![9u8; 32]).with_kid("k-1");
    let mut opts = options(Alg::A256Kw, Enc::A256Gcm, false);
    opts.extra.insert("cty".to_owned(), json!("JWT"));
    let token = encrypt(b"x", &key.recipient(), &opts).unwrap();
    let header = protected_header(&token).unwrap();
    let names: Vec<&str> = header.keys().map(String::as_str).collect();
    assert_eq!(names, ["alg", "enc", "kid", "cty"]);
}

#[test]
fn encrypt_refuses_rsa1_5_and_algorithms_that_do_not_fit_the_key() {
    let rsa = test_keys().rsa.recipient();
    let err = encrypt(b"x", &rsa, &options(Alg::Rsa1_5, Enc::A128Gcm, false)).unwrap_err();
    assert!(err.to_string().contains("decrypt-only"), "{err}");
    let err = encrypt(b"x", &rsa, &options(Alg::A128Kw, Enc::A128Gcm, false)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE encryption: A128KW needs a 16-byte symmetric key; an RSA 2048-bit key was given"
    );
    let secret = RecipientKey::from_secret(vec![1u8; 16]);
    let err = encrypt(b"x", &secret, &options(Alg::Dir, Enc::A256Gcm, false)).unwrap_err();
    assert!(
        err.to_string()
            .contains("dir with A256GCM needs a 32-byte key; a 16-byte secret"),
        "{err}"
    );
}

#[test]
fn defaults_follow_the_key() {
    assert_eq!(test_keys().rsa.recipient().default_alg(), Alg::RsaOaep256);
    assert_eq!(
        test_keys().ec[0].recipient().default_alg(),
        Alg::EcdhEsA256Kw
    );
    assert_eq!(
        test_keys().ec[3].recipient().default_alg(),
        Alg::EcdhEsA256Kw
    );
    assert_eq!(
        RecipientKey::from_secret(vec![0; 32]).default_alg(),
        Alg::A256Kw
    );
    let opts = EncryptOptions::for_key(&test_keys().rsa.recipient());
    assert_eq!((opts.alg, opts.enc), (Alg::RsaOaep256, Enc::A256Gcm));
}

// ---- limits and refusals ----

fn pbes2_token(p2c: u64) -> String {
    let (token, _, _) = vector("rfc7520-5.3-pbes2-hs512-a256kw-a128cbc-hs256");
    with_header(&token, |m| {
        m.insert("p2c".to_owned(), json!(p2c));
    })
}

#[test]
fn p2c_above_a_million_is_refused_before_any_key_is_tried() {
    // No key at all: the count is judged on the header alone.
    let err = decrypt(&pbes2_token(1_000_001), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE refused: p2c 1000001 is above the limit of 1,000,000 PBES2 iterations"
    );
    let err = decrypt(
        &pbes2_token(u64::MAX),
        &[DecryptionKey::from_secret(b"pw".to_vec())],
    );
    assert!(matches!(err, Err(JweError::Limit(_))), "{err:?}");
    // At the limit the header is accepted (the wrong password then fails as usual).
    let map = protected_header(&pbes2_token(1_000_000)).unwrap();
    assert!(manage::plan(&read_header(&map).unwrap()).is_ok());
}

#[test]
fn an_inflated_plaintext_above_16_mib_is_refused() {
    let key = key_for(Alg::A128Kw, Enc::A128Gcm, 0);
    let bomb = vec![0u8; MAX_PLAINTEXT + 1];
    let token = encrypt(
        &bomb,
        &key.recipient(),
        &options(Alg::A128Kw, Enc::A128Gcm, true),
    )
    .unwrap();
    assert!(
        token.len() < 64 * 1024,
        "the bomb is small: {}",
        token.len()
    );
    let err = decrypt(&token, &[key]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE refused: the inflated plaintext (zip: DEF) is larger than 16 MiB"
    );
}

#[test]
fn the_tag_is_checked_before_inflating() {
    let key = key_for(Alg::A128Kw, Enc::A128Gcm, 0);
    let token = encrypt(
        &vec![0u8; MAX_PLAINTEXT + 1],
        &key.recipient(),
        &options(Alg::A128Kw, Enc::A128Gcm, true),
    )
    .unwrap();
    // An altered bomb is the one failure, not the size limit: nothing was inflated.
    assert_eq!(
        decrypt(&flip(&token, 3), &[key]).unwrap_err(),
        JweError::DecryptionFailed
    );
}

#[test]
fn an_epk_off_its_curve_or_the_identity_is_refused() {
    let (token, keys, _) = vector("rfc7520-5.4-ecdh-es-a128kw-a128gcm");
    let off_curve = with_header(&token, |m| {
        let y = m["epk"]["y"].as_str().unwrap().to_owned();
        let mut y = URL_SAFE_NO_PAD.decode(y).unwrap();
        y[47] ^= 1;
        m["epk"]["y"] = json!(URL_SAFE_NO_PAD.encode(y));
    });
    let err = decrypt(&off_curve, &keys).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE refused: the epk is not a point on P-384 (invalid-curve attack?)"
    );
    let zero = URL_SAFE_NO_PAD.encode([0u8; 48]);
    let identity = with_header(&token, |m| {
        m["epk"]["x"] = json!(zero);
        m["epk"]["y"] = json!(zero);
    });
    assert!(matches!(decrypt(&identity, &keys), Err(JweError::Limit(_))));
}

#[test]
fn an_x25519_epk_of_small_order_is_refused() {
    let (token, keys, _) = vector("cookbook-x25519-ecdh-es-a128gcm");
    let zero = with_header(&token, |m| {
        m["epk"]["x"] = json!(URL_SAFE_NO_PAD.encode([0u8; 32]));
    });
    let err = decrypt(&zero, &keys).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE refused: the epk is not a usable X25519 public key (a point of small order)"
    );
}

#[test]
fn an_epk_on_another_curve_than_the_key_is_refused() {
    let (token, _, _) = vector("rfc7520-5.4-ecdh-es-a128kw-a128gcm");
    let p256 = clone_key(&test_keys().ec[0]);
    let err = decrypt(&token, &[p256]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE not decrypted: the token's epk is on P-384, an EC P-256 key is on P-256"
    );
}

#[test]
fn an_alg_that_does_not_fit_the_key_is_a_clear_error() {
    let (token, _, _) = vector("rfc7520-5.8-a128kw-a128gcm");
    let err = decrypt(&token, &[clone_key(&test_keys().rsa)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE not decrypted: A128KW needs a 16-byte symmetric key; an RSA 2048-bit key was given"
    );
    let err = decrypt(&token, &[DecryptionKey::from_secret(vec![0; 32])]).unwrap_err();
    assert!(
        err.to_string()
            .contains("A128KW needs a 16-byte key; a 32-byte secret"),
        "{err}"
    );
    let (token, _, _) = vector("rfc7516-a1-rsa-oaep-a256gcm");
    let err = decrypt(&token, &[DecryptionKey::from_secret(b"secret".to_vec())]).unwrap_err();
    assert!(
        err.to_string()
            .contains("RSA-OAEP needs an RSA key; a 6-byte secret"),
        "{err}"
    );
}

#[test]
fn dir_with_a_key_of_the_wrong_length_is_a_clear_error() {
    let (token, _, _) = vector("rfc7520-5.6-dir-a128gcm");
    let err = decrypt(&token, &[DecryptionKey::from_secret(vec![7; 32])]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE not decrypted: dir with A128GCM needs a 16-byte key; a 32-byte secret was given"
    );
}

#[test]
fn a_jwk_alg_must_name_the_tokens_alg_or_for_dir_its_enc() {
    // RFC 7520 §5.6's key says alg A128GCM: for dir that is the enc, so it fits.
    let (token, keys, _) = vector("rfc7520-5.6-dir-a128gcm");
    assert!(decrypt(&token, &keys).is_ok());
    let (token, _, _) = vector("rfc7520-5.8-a128kw-a128gcm");
    let wrong = json!({"kty":"oct","kid":"81b20965-8332-43d9-a468-82160ad91ac8","alg":"A128GCMKW","k":"GZy6sIZ6wl9NJOKB-jnmVQ"});
    let err = decrypt(
        &token,
        &DecryptionKey::parse(wrong.to_string().as_bytes()).unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE not decrypted: key \"81b20965-8332-43d9-a468-82160ad91ac8\" is for alg \"A128GCMKW\", the token is A128KW"
    );
    let sig = json!({"kty":"oct","use":"sig","k":"GZy6sIZ6wl9NJOKB-jnmVQ"});
    let err = decrypt(
        &token,
        &DecryptionKey::parse(sig.to_string().as_bytes()).unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("has use \"sig\""), "{err}");
}

#[test]
fn a_jwks_key_is_picked_by_kid() {
    let (token, keys, plaintext) = vector("rfc7520-5.8-a128kw-a128gcm");
    let jwk: Value = serde_json::from_slice(&read("rfc7520-5.8-a128kw-a128gcm.key.json")).unwrap();
    let jwks = json!({"keys": [
        {"kty":"oct","kid":"other","k":"AAAAAAAAAAAAAAAAAAAAAA"},
        jwk,
        {"kty":"RSA","kid":"public-only","n":"sXch","e":"AQAB"},
    ]});
    let parsed = DecryptionKey::parse(jwks.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.len(), 2, "the public key is skipped");
    let got = decrypt(&token, &parsed).unwrap();
    assert_eq!((got.plaintext, got.key_index), (plaintext, 1));
    drop(keys);
}

#[test]
fn a_public_key_is_not_a_decryption_key() {
    let public = json!({"kty":"EC","crv":"P-256","x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ","y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck"});
    assert_eq!(
        DecryptionKey::parse(public.to_string().as_bytes()).unwrap_err(),
        KeyError::Public
    );
    let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";
    assert_eq!(
        DecryptionKey::parse(pem.as_bytes()).unwrap_err(),
        KeyError::Public
    );
}

#[test]
fn pem_keys_of_every_form_decrypt() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/keys");
    for (private, public, alg) in [
        ("rsa-private.pem", "rsa-public.pem", Alg::RsaOaep256),
        ("rsa-private.pem", "rsa-public-pkcs1.pem", Alg::RsaOaep),
        ("ec-256-private.pem", "ec-256-public.pem", Alg::EcdhEsA128Kw),
        ("ec-384-private.pem", "ec-384-public.pem", Alg::EcdhEs),
        ("ec-521-private.pem", "ec-521-public.pem", Alg::EcdhEsA256Kw),
    ] {
        let keys = DecryptionKey::parse(&std::fs::read(dir.join(private)).unwrap()).unwrap();
        let to = RecipientKey::parse(&std::fs::read(dir.join(public)).unwrap(), None).unwrap();
        let token = encrypt(b"pem", &to, &options(alg, Enc::A256Gcm, false)).unwrap();
        assert_eq!(
            decrypt(&token, &keys).unwrap().plaintext,
            b"pem",
            "{private}"
        );
    }
    let ed = std::fs::read(dir.join("ed25519-private.pem")).unwrap();
    assert!(matches!(
        DecryptionKey::parse(&ed),
        Err(KeyError::NotForEncryption(_))
    ));
}

#[test]
fn unsupported_members_are_named() {
    let (token, keys, _) = vector("rfc7520-5.8-a128kw-a128gcm");
    let crit = with_header(&token, |m| {
        m.insert("crit".to_owned(), json!(["exp"]));
    });
    assert_eq!(
        decrypt(&crit, &keys).unwrap_err().to_string(),
        "JWE: \"crit\" names exp which jwtinspect does not implement (RFC 7516 §4.1.13)"
    );
    let zip = with_header(&token, |m| {
        m.insert("zip".to_owned(), json!("GZIP"));
    });
    assert!(matches!(
        decrypt(&zip, &keys),
        Err(JweError::Unsupported(_))
    ));
    let alg = with_header(&token, |m| {
        m.insert("alg".to_owned(), json!("A512KW"));
    });
    assert!(matches!(
        decrypt(&alg, &keys),
        Err(JweError::Unsupported(_))
    ));
    assert_eq!(
        decrypt("a.b.c", &keys).unwrap_err(),
        JweError::NotCompact(3)
    );
}

#[test]
fn debug_output_shows_no_key_material() {
    let key = DecryptionKey::from_secret(b"hunter2-secret".to_vec());
    let shown = format!("{key:?} {:?}", key.recipient());
    assert!(!shown.contains("hunter2"), "{shown}");
    assert_eq!(
        shown,
        "DecryptionKey(a 14-byte secret, ***) RecipientKey(a 14-byte secret)"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// decrypt(encrypt(x)) == x for random plaintexts, each through every
    /// alg × enc pair (ECDH-ES on a random curve, zip on or off).
    #[test]
    fn decrypt_inverts_encrypt_for_every_pair(
        plaintext in proptest::collection::vec(any::<u8>(), 0..600),
        curve in 0..4usize,
        zip in any::<bool>(),
    ) {
        for alg in Alg::ALL {
            for enc in Enc::ALL {
                prop_assert_eq!(round_trip(alg, enc, curve, zip, &plaintext), Ok(()));
            }
        }
    }
}

/// 174 tokens made by another implementation (joserfc, Python): every alg ×
/// enc it has (all but RSA-OAEP-384/-512), ECDH-ES on all four curves.
#[test]
fn every_joserfc_token_decrypts() {
    let v: Value = serde_json::from_slice(&read("joserfc-interop.json")).unwrap();
    let plaintext = v["plaintext"].as_str().unwrap().as_bytes();
    let vectors = v["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 174);
    let mut pairs = std::collections::HashSet::new();
    for t in vectors {
        let what = format!("{} {} {}", t["alg"], t["enc"], t["key"]);
        let key = DecryptionKey::from_jwk(t["jwk"].as_object().unwrap()).unwrap();
        let got =
            decrypt(t["token"].as_str().unwrap(), &[key]).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(got.plaintext, plaintext, "{what}");
        pairs.insert((t["alg"].to_string(), t["enc"].to_string()));
    }
    assert_eq!(pairs.len(), 17 * 6);
}
