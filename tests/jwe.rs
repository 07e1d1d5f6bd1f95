//! JWE through the binary: five-part tokens decrypted with `--key` or
//! `--secret*`, nested JWTs inspected as the inner token with the outer
//! header under `jwe`, JSON and other plaintexts, and the failures.
//! Tokens are encrypted in the test with the library's `jwe::encrypt` and
//! keys made in the test; RFC vectors come from testdata/rfc/jwe.

mod support;

use std::path::{Path, PathBuf};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use jwtinspect::jwe::{self, DecryptionKey, EncryptOptions};
use serde_json::{json, Map, Value};
use support::{json_lines, jwtinspect, stderr_of, testdata};

const NOW_ARG: &str = "1800000000";

fn claims() -> Value {
    json!({"sub": "alice", "iss": "https://issuer.example", "exp": 1_900_000_000u64, "scope": "read write"})
}

/// A JWS over `claims()`, HS256 with `secret`.
fn hs256(secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

/// A JWS over `claims()`, RS256 with testdata/keys/rsa-private.pem.
fn rs256() -> String {
    let pem = std::fs::read(testdata("keys/rsa-private.pem")).unwrap();
    jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims(),
        &EncodingKey::from_rsa_pem(&pem).unwrap(),
    )
    .unwrap()
}

fn encrypt_to(key: &DecryptionKey, plaintext: &[u8], cty: Option<&str>) -> String {
    let recipient = key.recipient();
    let mut options = EncryptOptions::for_key(&recipient);
    if let Some(cty) = cty {
        options.extra.insert("cty".to_owned(), json!(cty));
    }
    jwe::encrypt(plaintext, &recipient, &options).unwrap()
}

/// Write the key's private PEM into `dir`.
fn pem_file(dir: &Path, name: &str, key: &DecryptionKey) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, key.to_pkcs8_pem().unwrap()).unwrap();
    path
}

/// `jwtinspect --json --now ... ARGS TOKEN`: the JSON line and the exit code.
fn inspect(args: &[&str], token: &str) -> (Value, i32, String) {
    let out = jwtinspect()
        .args(["--json", "--now", NOW_ARG])
        .args(args)
        .arg(token)
        .output()
        .unwrap();
    let mut lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{}", stderr_of(&out));
    (lines.remove(0), out.status.code().unwrap(), stderr_of(&out))
}

fn codes(line: &Value) -> Vec<String> {
    line["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn finding<'a>(line: &'a Value, code: &str) -> &'a str {
    line["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {line}"))
}

#[test]
fn a_nested_jwt_is_inspected_as_the_inner_token_with_the_outer_header_under_jwe() {
    let dir = tempfile::tempdir().unwrap();
    let key = DecryptionKey::generate_rsa(2048).unwrap();
    let inner = hs256(b"an inner secret that is thirty-two+ bytes");
    let token = encrypt_to(&key, inner.as_bytes(), Some("JWT"));
    let pem = pem_file(dir.path(), "rsa.pem", &key);
    let (line, code, _) = inspect(&["--key", pem.to_str().unwrap()], &token);
    assert_eq!(line["token"], token, "the token as found");
    assert_eq!(line["jwe"]["decrypted"], true);
    assert_eq!(line["jwe"]["header"]["alg"], "RSA-OAEP-256");
    assert_eq!(line["jwe"]["header"]["enc"], "A256GCM");
    assert_eq!(line["jwe"]["header"]["cty"], "JWT");
    assert_eq!(line["header"]["alg"], "HS256", "the inner header");
    assert_eq!(line["payload"]["sub"], "alice");
    assert_eq!(line["summary"]["scopes"], json!(["read", "write"]));
    assert_eq!(line["summary"]["status"], "valid");
    // Only a private key was given: it decrypts, but cannot verify the inner
    // signature, and says so.
    assert_eq!(line["signature"]["verified"], false);
    assert!(finding(&line, "signature-invalid").contains("verifying needs only the public key"));
    assert!(!codes(&line).contains(&"encrypted-token".to_owned()));
    assert_eq!(code, 1, "{line}");
}

#[test]
fn one_secret_decrypts_an_a256kw_jwe_and_verifies_its_inner_hs256_token() {
    let secret = "a shared secret of 32 bytes!!!!!";
    assert_eq!(secret.len(), 32);
    let key = DecryptionKey::from_secret(secret.as_bytes().to_vec());
    let token = encrypt_to(&key, hs256(secret.as_bytes()).as_bytes(), Some("JWT"));
    let (line, code, _) = inspect(&["--secret", secret], &token);
    assert_eq!(line["jwe"]["header"]["alg"], "A256KW");
    assert_eq!(line["header"]["alg"], "HS256");
    assert_eq!(line["signature"]["verified"], true, "{line}");
    assert_eq!(code, 0);
}

#[test]
fn a_nested_jwt_without_cty_is_recognised_by_its_shape() {
    let dir = tempfile::tempdir().unwrap();
    let key = DecryptionKey::generate_ec("P-256").unwrap();
    let token = encrypt_to(&key, rs256().as_bytes(), None);
    let pem = pem_file(dir.path(), "ec.pem", &key);
    let (line, _, _) = inspect(&["--key", pem.to_str().unwrap()], &token);
    assert_eq!(line["jwe"]["header"]["alg"], "ECDH-ES+A256KW");
    assert!(line["jwe"]["header"]["epk"].is_object());
    assert_eq!(line["header"]["alg"], "RS256");
}

#[test]
fn key_is_repeatable_one_decrypts_the_other_verifies_the_inner_signature() {
    let dir = tempfile::tempdir().unwrap();
    let key = DecryptionKey::generate_ec("P-384").unwrap();
    let token = encrypt_to(&key, rs256().as_bytes(), Some("JWT"));
    let pem = pem_file(dir.path(), "ec.pem", &key);
    let public = testdata("keys/rsa-public.pem");
    let args = [
        "--key",
        pem.to_str().unwrap(),
        "--key",
        public.to_str().unwrap(),
    ];
    let (line, code, _) = inspect(&args, &token);
    assert_eq!(line["jwe"]["decrypted"], true);
    assert_eq!(line["signature"]["verified"], true, "{line}");
    assert_eq!(code, 0, "{line}");
    // The order does not matter; another verification key fails the inner signature.
    let other = testdata("keys/rsa2-public.pem");
    let args = [
        "--key",
        other.to_str().unwrap(),
        "--key",
        pem.to_str().unwrap(),
    ];
    let (line, code, _) = inspect(&args, &token);
    assert_eq!(line["jwe"]["decrypted"], true);
    assert_eq!(line["signature"]["verified"], false);
    assert!(codes(&line).contains(&"signature-invalid".to_owned()));
    assert_eq!(code, 1);
}

#[test]
fn a_json_plaintext_is_the_payload() {
    let dir = tempfile::tempdir().unwrap();
    let key = DecryptionKey::generate_ec("P-521").unwrap();
    let token = encrypt_to(&key, claims().to_string().as_bytes(), None);
    let pem = pem_file(dir.path(), "ec.pem", &key);
    let (line, code, _) = inspect(&["--key", pem.to_str().unwrap()], &token);
    assert_eq!(line["jwe"]["decrypted"], true);
    assert_eq!(line["payload"], claims());
    assert_eq!(
        line["header"]["alg"], "ECDH-ES+A256KW",
        "the JWE header is the header"
    );
    assert_eq!(line["signature"]["verified"], Value::Null);
    assert_eq!(line["summary"]["username"], "alice");
    assert_eq!(code, 0, "{line}");
}

#[test]
fn other_plaintext_gives_a_null_payload_and_payload_invalid_quoting_it() {
    // RFC 7520 §5.6: dir + A128GCM, a text plaintext; the key as --secret-base64.
    let token = std::fs::read_to_string(testdata("rfc/jwe/rfc7520-5.6-dir-a128gcm.jwe")).unwrap();
    let (line, code, _) = inspect(&["--secret-base64", "XctOhJAkA-pD9Lh7ZgW_2A"], token.trim());
    assert_eq!(line["jwe"]["decrypted"], true);
    assert_eq!(line["payload"], Value::Null);
    assert_eq!(line["summary"]["status"], "malformed");
    assert!(
        finding(&line, "payload-invalid").contains("You can trust us to stick with you"),
        "{line}"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_pbes2_token_decrypts_with_the_password_as_secret() {
    let stem = "rfc/jwe/rfc7520-5.3-pbes2-hs512-a256kw-a128cbc-hs256";
    let token = std::fs::read_to_string(testdata(&format!("{stem}.jwe"))).unwrap();
    let password = std::fs::read_to_string(testdata(&format!("{stem}.password"))).unwrap();
    let (line, _, _) = inspect(&["--secret", &password], token.trim());
    assert_eq!(line["jwe"]["decrypted"], true);
    assert_eq!(line["jwe"]["header"]["p2c"], 8192);
    assert!(line["payload"]["keys"].is_array(), "{line}");
}

#[test]
fn rsa1_5_decrypts_with_a_warning() {
    let stem = "rfc/jwe/rfc7516-a2-rsa1_5-a128cbc-hs256";
    let token = std::fs::read_to_string(testdata(&format!("{stem}.jwe"))).unwrap();
    let key = testdata(&format!("{stem}.key.json"));
    let (line, _, _) = inspect(&["--key", key.to_str().unwrap()], token.trim());
    assert_eq!(line["jwe"]["decrypted"], true);
    assert!(finding(&line, "rsa1_5").contains("RSA-OAEP-256"));
    assert!(finding(&line, "payload-invalid").contains("Live long and prosper."));
}

#[test]
fn any_failure_to_decrypt_is_one_decryption_failed_message() {
    let dir = tempfile::tempdir().unwrap();
    let key = DecryptionKey::generate_ec("P-256").unwrap();
    let other = DecryptionKey::generate_ec("P-256").unwrap();
    let token = encrypt_to(&key, rs256().as_bytes(), Some("JWT"));
    let right = pem_file(dir.path(), "right.pem", &key);
    let wrong = pem_file(dir.path(), "wrong.pem", &other);
    let mut segs: Vec<String> = token.split('.').map(str::to_owned).collect();
    // Flip a bit of the decoded tag: always another tag (setting its first
    // character to `A` left one tag in 64 as it was, and the test flaky).
    let mut tag = support_b64_decode(&segs[4]);
    tag[0] ^= 1;
    segs[4] = support::b64url(&tag);
    let bad_tag = segs.join(".");
    assert_ne!(bad_tag, token);
    let mut messages = Vec::new();
    for (key, token) in [(&wrong, &token), (&right, &bad_tag)] {
        let (line, code, stderr) = inspect(&["--key", key.to_str().unwrap()], token);
        assert_eq!(line["jwe"]["decrypted"], false);
        assert_eq!(line["jwe"]["header"]["alg"], "ECDH-ES+A256KW");
        assert_eq!(line["payload"], Value::Null);
        assert!(!codes(&line).contains(&"encrypted-token".to_owned()));
        // Only the decryption failure: no signature-invalid for the JWE itself.
        assert!(!codes(&line).contains(&"signature-invalid".to_owned()));
        assert_eq!(line["signature"]["verified"], Value::Null);
        assert_eq!(code, 1);
        assert!(!stderr.contains("panicked"), "{stderr}");
        messages.push(finding(&line, "decryption-failed").to_owned());
    }
    assert_eq!(messages[0], messages[1]);
    assert_eq!(
        messages[0],
        "decryption failed: the key does not decrypt this token, or the token was altered"
    );
}

#[test]
fn without_a_key_the_header_is_shown_with_encrypted_token() {
    let key = DecryptionKey::generate_ec("P-256").unwrap();
    let token = encrypt_to(&key, b"{}", Some("JWT"));
    let (line, _, _) = inspect(&[], &token);
    assert_eq!(line["jwe"]["decrypted"], false);
    assert_eq!(line["jwe"]["header"]["cty"], "JWT");
    assert_eq!(line["header"]["enc"], "A256GCM");
    assert!(codes(&line).contains(&"encrypted-token".to_owned()));
}

#[test]
fn a_key_that_does_not_fit_and_the_limits_are_named() {
    // dir with a key of the wrong length.
    let token = std::fs::read_to_string(testdata("rfc/jwe/rfc7520-5.6-dir-a128gcm.jwe")).unwrap();
    let (line, _, _) = inspect(&["--secret-base64", &"A".repeat(43)], token.trim());
    assert_eq!(
        finding(&line, "decryption-failed"),
        "JWE not decrypted: dir with A128GCM needs a 16-byte key; a 32-byte secret was given"
    );
    // p2c above the limit: refused from the header.
    let stem = "rfc/jwe/rfc7520-5.3-pbes2-hs512-a256kw-a128cbc-hs256";
    let token = std::fs::read_to_string(testdata(&format!("{stem}.jwe"))).unwrap();
    let mut segs: Vec<String> = token.trim().split('.').map(str::to_owned).collect();
    let mut header: Map<String, Value> =
        serde_json::from_slice(&support_b64_decode(&segs[0])).unwrap();
    header.insert("p2c".to_owned(), json!(50_000_000));
    segs[0] = support::b64url(&serde_json::to_vec(&header).unwrap());
    let (line, _, _) = inspect(&["--secret", "whatever"], &segs.join("."));
    assert!(
        finding(&line, "decryption-failed").contains("p2c 50000000 is above the limit"),
        "{line}"
    );
}

#[test]
fn a_jwks_key_is_picked_by_the_tokens_kid() {
    let dir = tempfile::tempdir().unwrap();
    let stem = "rfc/jwe/rfc7520-5.8-a128kw-a128gcm";
    let token = std::fs::read_to_string(testdata(&format!("{stem}.jwe"))).unwrap();
    let jwk: Value =
        serde_json::from_slice(&std::fs::read(testdata(&format!("{stem}.key.json"))).unwrap())
            .unwrap();
    let jwks =
        json!({"keys": [{"kty": "oct", "kid": "decoy", "k": "AAAAAAAAAAAAAAAAAAAAAA"}, jwk]});
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, jwks.to_string()).unwrap();
    let (line, _, _) = inspect(&["--key", path.to_str().unwrap()], token.trim());
    assert_eq!(line["jwe"]["decrypted"], true, "{line}");
    assert!(finding(&line, "payload-invalid").contains("You can trust us"));
}

fn support_b64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

#[test]
fn the_human_report_names_the_jwe_layer() {
    let stem = "rfc/jwe/rfc7516-a2-rsa1_5-a128cbc-hs256";
    let token = std::fs::read_to_string(testdata(&format!("{stem}.jwe"))).unwrap();
    let key = testdata(&format!("{stem}.key.json"));
    let out = jwtinspect()
        .args([
            "--color",
            "never",
            "--now",
            NOW_ARG,
            "--key",
            key.to_str().unwrap(),
        ])
        .arg(token.trim())
        .output()
        .unwrap();
    let text = support::stdout_of(&out);
    assert!(
        text.contains("encrypted  JWE RSA1_5 + A128CBC-HS256, decrypted; below, its plaintext"),
        "{text}"
    );
    assert!(
        text.contains("none (the decrypted plaintext is not a signed token)"),
        "{text}"
    );
    let out = jwtinspect()
        .args(["--color", "never", "--now", NOW_ARG])
        .arg(token.trim())
        .output()
        .unwrap();
    let text = support::stdout_of(&out);
    assert!(
        text.contains("not decrypted (no decryption key given)"),
        "{text}"
    );
}
