//! Strict where it matters (issue 13): the signature is checked on the exact
//! text of the token, keys are used only as RFC 7517/7518 allow, glued text
//! is not a token, and the scanner finds tokens in every shape the contract
//! names (whitespace-led headers, JWE with an empty tag, keys of JSON
//! objects, cookies inside JSON strings, quoted and indented wrapping).
//! Invisible format characters are escaped and flagged; big integers keep
//! their digits. Every token is minted here; every run passes --now.

mod support;

use base64::Engine;
use jsonwebtoken::crypto;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{json, Value};
use support::{b64url, json_lines, jwtinspect, stderr_of, stdout_of};

const NOW_ARG: &str = "1800000000";
/// A secret long enough for HS512 (64 bytes and more).
const SECRET: &str = "a secret of sixty-four bytes or more, long enough for HS512 too!!";

fn alg_of(name: &str) -> Algorithm {
    name.parse().expect("an alg jsonwebtoken knows")
}

/// `header.payload` of these exact JSON texts, signed with `secret`.
fn hmac_token_text(alg: &str, header: &str, payload: &str, secret: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(payload.as_bytes())
    );
    let sig = crypto::sign(
        input.as_bytes(),
        &EncodingKey::from_secret(secret),
        alg_of(alg),
    )
    .expect("sign");
    format!("{input}.{sig}")
}

fn hs256(payload: &Value) -> String {
    hmac_token_text(
        "HS256",
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &payload.to_string(),
        SECRET.as_bytes(),
    )
}

fn claims() -> Value {
    json!({"sub": "alice", "exp": 1_900_000_000})
}

fn run(args: &[&str]) -> std::process::Output {
    jwtinspect()
        .args(["--now", NOW_ARG])
        .args(args)
        .output()
        .expect("run jwtinspect")
}

fn context(out: &std::process::Output) -> String {
    format!("stdout: {}\nstderr: {}", stdout_of(out), stderr_of(out))
}

/// The one JSON line of a run over one token.
#[track_caller]
fn one(out: &std::process::Output) -> Value {
    let lines = json_lines(out);
    assert_eq!(lines.len(), 1, "{}", context(out));
    lines[0].clone()
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

fn finding(line: &Value, code: &str) -> Option<Value> {
    line["findings"]
        .as_array()?
        .iter()
        .find(|x| x["code"] == code)
        .cloned()
}

fn message(line: &Value, code: &str) -> String {
    finding(line, code)
        .and_then(|f| f["message"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

// ------------------------------------------------------ 13.1 exact signature

/// The signature segment re-spelt in a non-canonical way must never verify;
/// the finding says which way it is not canonical.
#[test]
fn a_non_canonical_signature_segment_never_verifies() {
    // A token whose signature holds `-` or `_`, so the standard alphabet differs.
    let token = (0..)
        .map(|n| hs256(&json!({"sub": "alice", "n": n, "exp": 1_900_000_000})))
        .find(|t| {
            let sig = t.rsplit('.').next().unwrap_or("");
            sig.contains('-') || sig.contains('_')
        })
        .expect("some signature has - or _");
    let good = one(&run(&["--json", "--secret", SECRET, &token]));
    assert_eq!(good["signature"]["verified"], json!(true), "{good}");

    let (input, sig) = token.rsplit_once('.').expect("three parts");
    let standard = sig.replace('-', "+").replace('_', "/");
    // 32 bytes are 43 characters: the last one carries 2 unused low bits.
    let last = sig.as_bytes()[sig.len() - 1];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let value = alphabet.iter().position(|&c| c == last).expect("base64url");
    let bumped = alphabet[value ^ 1] as char;
    let trailing = format!("{}{bumped}", &sig[..sig.len() - 1]);
    for (bad, why) in [
        (format!("{input}.{sig}="), "padding"),
        (format!("{input}.{standard}"), "+ or /"),
        (format!("{input}.{trailing}"), "trailing bits"),
    ] {
        let out = run(&["--json", "--secret", SECRET, &bad]);
        let line = one(&out);
        assert_eq!(line["signature"]["verified"], json!(false), "{why}: {line}");
        let msg = message(&line, "signature-invalid");
        assert!(msg.contains("canonical"), "{why}: {msg}");
        assert!(msg.contains(why), "{why}: {msg}");
        assert_eq!(out.status.code(), Some(1), "{why}: {}", context(&out));
    }
}

/// Header and payload are still read leniently, with a warning.
#[test]
fn a_padded_payload_decodes_with_a_non_canonical_warning() {
    let header = b64url(br#"{"alg":"HS256"}"#);
    let mut payload = b64url(br#"{"sub":"alice1"}"#);
    assert_ne!(payload.len() % 4, 0);
    while payload.len() % 4 != 0 {
        payload.push('=');
    }
    let input = format!("{header}.{payload}");
    let sig = crypto::sign(
        input.as_bytes(),
        &EncodingKey::from_secret(SECRET.as_bytes()),
        Algorithm::HS256,
    )
    .expect("sign");
    let line = one(&run(&["--json", &format!("{input}.{sig}")]));
    assert_eq!(line["payload"]["sub"], "alice1", "{line}");
    let f = finding(&line, "non-canonical-base64").expect("a non-canonical-base64 finding");
    assert_eq!(f["severity"], "warning", "{line}");
}

// ------------------------------------------------------------- 13.2 key_ops

#[test]
fn a_jwk_whose_key_ops_lack_verify_does_not_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = hs256(&claims());
    let k = b64url(SECRET.as_bytes());
    for (ops, ok) in [
        (json!(["encrypt"]), false),
        (json!(["sign"]), false),
        (json!(["sign", "verify"]), true),
    ] {
        let jwk = json!({"kty": "oct", "k": k, "key_ops": ops});
        let path = write(dir.path(), "k.json", &jwk.to_string());
        let out = run(&["--json", "--key", &path, &token]);
        let line = one(&out);
        assert_eq!(line["signature"]["verified"], json!(ok), "{ops}: {line}");
        if !ok {
            assert!(
                message(&line, "signature-invalid").contains("key_ops"),
                "{line}"
            );
        }
    }
}

// ----------------------------------------------------------- 13.3 weak keys

#[test]
fn an_hmac_key_shorter_than_the_hash_is_a_weak_key_error() {
    for (alg, len) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        for (secret_len, weak) in [(len - 1, true), (len, false)] {
            let secret = &SECRET[..secret_len];
            let token = hmac_token_text(
                alg,
                &format!(r#"{{"alg":"{alg}"}}"#),
                r#"{"sub":"alice"}"#,
                secret.as_bytes(),
            );
            let out = run(&["--json", "--secret", secret, &token]);
            let line = one(&out);
            let what = format!("{alg} with {secret_len} bytes: {line}");
            assert_eq!(line["signature"]["verified"], json!(!weak), "{what}");
            if weak {
                let f = finding(&line, "weak-key").unwrap_or_else(|| panic!("{what}"));
                assert_eq!(f["severity"], "error", "{what}");
                let msg = f["message"].as_str().unwrap_or("");
                assert!(msg.contains("matches"), "{what}");
                assert!(msg.contains("too short"), "{what}");
                assert!(msg.contains(&format!("{len}")), "{what}");
                assert_eq!(out.status.code(), Some(1), "{what}");
            } else {
                assert!(finding(&line, "weak-key").is_none(), "{what}");
                assert_eq!(out.status.code(), Some(0), "{what}");
            }
        }
    }
}

// ------------------------------------------------------- 13.4 ambiguous keys

fn oct(kid: Option<&str>, secret: &str) -> Value {
    let mut k = json!({"kty": "oct", "k": b64url(secret.as_bytes())});
    if let Some(kid) = kid {
        k["kid"] = json!(kid);
    }
    k
}

fn with_kid(kid: &str, payload: &Value) -> String {
    hmac_token_text(
        "HS256",
        &json!({"alg": "HS256", "kid": kid}).to_string(),
        &payload.to_string(),
        SECRET.as_bytes(),
    )
}

#[test]
fn duplicate_kids_give_an_ambiguous_key_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let other = "another secret that is at least thirty-two bytes long";
    let rsa: Value = serde_json::from_str(
        &std::fs::read_to_string(support::testdata("rfc/rfc7515-a3-es256.pub.json"))
            .expect("test JWK"),
    )
    .expect("JWK");
    let mut ec = rsa.clone();
    ec["kid"] = json!("a");
    let token = with_kid("a", &claims());
    for keys in [
        vec![oct(Some("a"), other), oct(Some("a"), SECRET)],
        vec![ec, oct(Some("a"), SECRET)],
    ] {
        let path = write(
            dir.path(),
            "jwks.json",
            &json!({ "keys": keys }).to_string(),
        );
        let line = one(&run(&["--json", "--key", &path, &token]));
        let f = finding(&line, "ambiguous-key").expect("an ambiguous-key finding");
        assert_eq!(f["severity"], "warning", "{line}");
        assert!(
            f["message"].as_str().unwrap_or("").contains("\"a\""),
            "{line}"
        );
    }
    // One key per kid: no warning.
    let path = write(
        dir.path(),
        "jwks.json",
        &json!({"keys": [oct(Some("a"), SECRET), oct(Some("b"), other)]}).to_string(),
    );
    let line = one(&run(&["--json", "--key", &path, &token]));
    assert!(finding(&line, "ambiguous-key").is_none(), "{line}");
    assert_eq!(line["signature"]["verified"], json!(true), "{line}");
}

/// Without a kid, a big JWKS is not tried key by key: past the stated bound
/// an ambiguous-key error asks for a kid or one key. Keys that cannot fit
/// the alg do not count.
#[test]
fn a_token_without_kid_tries_a_bounded_number_of_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = hs256(&claims());
    let ec: Value = serde_json::from_str(
        &std::fs::read_to_string(support::testdata("rfc/rfc7515-a3-es256.pub.json"))
            .expect("test JWK"),
    )
    .expect("JWK");
    // Many keys of another type, and the right one: tried and verified.
    let mut keys: Vec<Value> = (0..200).map(|_| ec.clone()).collect();
    keys.push(oct(None, SECRET));
    let path = write(
        dir.path(),
        "jwks.json",
        &json!({ "keys": keys }).to_string(),
    );
    let line = one(&run(&["--json", "--key", &path, &token]));
    assert_eq!(line["signature"]["verified"], json!(true), "{line}");

    // Many HMAC keys that all fit: an error, whatever key is among them.
    let mut keys: Vec<Value> = (0..100)
        .map(|i| oct(None, &format!("{SECRET} number {i}")))
        .collect();
    keys.push(oct(None, SECRET));
    let path = write(
        dir.path(),
        "jwks.json",
        &json!({ "keys": keys }).to_string(),
    );
    let out = run(&["--json", "--key", &path, &token]);
    let line = one(&out);
    assert_eq!(line["signature"]["verified"], json!(false), "{line}");
    let f = finding(&line, "ambiguous-key").expect("an ambiguous-key error");
    assert_eq!(f["severity"], "error", "{line}");
    let msg = f["message"].as_str().unwrap_or("");
    assert!(msg.contains("kid"), "{msg}");
    assert!(msg.contains("101"), "{msg}");
    assert_eq!(out.status.code(), Some(1));
}

// ------------------------------------------------------- 13.5 trailing text

#[test]
fn text_glued_to_a_whole_argument_is_a_trailing_text_error() {
    let token = hs256(&claims());
    for glued in [
        format!("{token}."),
        format!("{token}?"),
        format!("{token}.foo"),
    ] {
        let out = run(&["--json", "--secret", SECRET, &glued]);
        let line = one(&out);
        let f =
            finding(&line, "trailing-text").unwrap_or_else(|| panic!("trailing-text for {glued}"));
        assert_eq!(f["severity"], "error", "{line}");
        assert_ne!(line["signature"]["verified"], json!(true), "{line}");
        assert_eq!(out.status.code(), Some(1), "{}", context(&out));
    }
    // The same as a JSON string value.
    let doc = json!({ "access_token": format!("{token}.") }).to_string();
    let line = one(&run(&["--json", "--secret", SECRET, &doc]));
    assert!(finding(&line, "trailing-text").is_some(), "{line}");
    assert_ne!(line["signature"]["verified"], json!(true), "{line}");
    // In free text, a full stop after a token is punctuation.
    for text in [
        format!("the token is {token}. Done"),
        format!("Bearer {token}."),
    ] {
        let out = run(&["--json", "--secret", SECRET, &text]);
        let line = one(&out);
        assert!(finding(&line, "trailing-text").is_none(), "{line}");
        assert_eq!(line["signature"]["verified"], json!(true), "{line}");
        assert_eq!(out.status.code(), Some(0), "{}", context(&out));
    }
}

#[test]
fn text_glued_inside_streamed_json_lines_is_a_trailing_text_error() {
    let token = hs256(&claims());
    // The first value of a stream is parsed whole; the JSON Lines after it
    // are scanned as text: a string value there is as whole as in the first.
    let mut input = format!("{}\n", json!({ "access_token": token }));
    for glued in ["?", ".", ".foo", "!", ","] {
        input.push_str(&format!(
            "{}\n",
            json!({ "access_token": format!("{token}{glued}") })
        ));
    }
    // Free text inside a string stays free text: punctuation, then words.
    input.push_str(&format!(
        "{}\n",
        json!({ "msg": format!("see {token}? ok") })
    ));
    input.push_str(&format!(
        "{}\n",
        json!({ "access_token": format!("{token}? ok") })
    ));
    let out = jwtinspect()
        .args(["--now", NOW_ARG, "--json", "--secret", SECRET])
        .write_stdin(input)
        .output()
        .expect("run jwtinspect");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 8, "{}", context(&out));
    let glued: Vec<bool> = lines
        .iter()
        .map(|l| finding(l, "trailing-text").is_some())
        .collect();
    assert_eq!(
        glued,
        [false, true, true, true, true, true, false, false],
        "{}",
        context(&out)
    );
    for line in &lines[1..6] {
        assert_ne!(line["signature"]["verified"], json!(true), "{line}");
    }
    assert_eq!(lines[6]["signature"]["verified"], json!(true));
    assert_eq!(out.status.code(), Some(1), "{}", context(&out));
}

// ------------------------------------------- 13.6 / 12.9 whitespace headers

#[test]
fn headers_whose_json_starts_with_whitespace_are_found() {
    for header in [
        "{ \"alg\":\"HS256\"}",
        "{\n\"alg\":\"HS256\"}",
        "{\r\n\"alg\":\"HS256\"}",
        "{\t\"alg\":\"HS256\"}",
        "{\"1\":1,\"alg\":\"HS256\"}",
    ] {
        let token = hmac_token_text("HS256", header, r#"{"sub":"alice"}"#, SECRET.as_bytes());
        assert!(!token.starts_with("eyJ"), "{token}");
        for text in [
            token.clone(),
            format!("Authorization: Bearer {token}"),
            format!("log line: token={token} status=200"),
        ] {
            let out = run(&["--json", "--secret", SECRET, &text]);
            let line = one(&out);
            assert_eq!(line["token"], json!(token), "{header:?} in {text:?}");
            assert_eq!(line["signature"]["verified"], json!(true), "{line}");
        }
    }
}

// ----------------------------------------------- 13.7 JWE with an empty tag

#[test]
fn a_five_part_jwe_with_an_empty_last_segment_keeps_five_parts() {
    let jwe = format!(
        "{}.{}.{}.{}.",
        b64url(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
        b64url(b"encrypted key bytes"),
        b64url(b"iv-iv-iv-iv"),
        b64url(b"ciphertext")
    );
    for text in [jwe.clone(), format!("Bearer {jwe}")] {
        let line = one(&run(&["--json", &text]));
        assert_eq!(line["token"], json!(jwe), "{line}");
        let c = codes(&line);
        assert!(c.iter().all(|c| c != "malformed-token"), "{line}");
        assert!(
            c.iter()
                .any(|c| c == "encrypted-token" || c == "decryption-failed"),
            "{line}"
        );
    }
}

// --------------------------------------------- 13.18 invisible characters

#[test]
fn every_format_character_and_hangul_filler_is_escaped_and_flagged() {
    for c in [
        '\u{ad}',
        '\u{600}',
        '\u{6dd}',
        '\u{180e}',
        '\u{206a}',
        '\u{206f}',
        '\u{fff9}',
        '\u{fffb}',
        '\u{110bd}',
        '\u{13430}',
        '\u{1bca0}',
        '\u{1bca3}',
        '\u{1d173}',
        '\u{1d17a}',
        '\u{e0001}',
        '\u{3164}',
        '\u{115f}',
        '\u{1160}',
        '\u{ffa0}',
    ] {
        let role = format!("ROLE_ADMIN{c}");
        let token = hs256(&json!({"sub": "alice", "roles": [role]}));
        let escaped = format!("\\u{{{:x}}}", c as u32);
        // The human report: escaped, never raw.
        let out = run(&["--color", "never", &token]);
        let text = stdout_of(&out);
        assert!(!text.contains(c), "U+{:04X} raw in {text}", c as u32);
        assert!(
            text.contains(&escaped),
            "U+{:04X} not escaped: {text}",
            c as u32
        );
        // JSON: flagged.
        let line = one(&run(&["--json", &token]));
        assert!(
            finding(&line, "control-characters").is_some(),
            "U+{:04X}: {line}",
            c as u32
        );
    }
}

// --------------------------------------------------- 13.21 big integers

#[test]
fn integers_beyond_64_bits_keep_their_digits_in_json() {
    let big = "123456789012345678901234567890";
    let neg = "-98765432109876543210987654321";
    let payload = format!(r#"{{"sub":"alice","n":{big},"m":{neg},"f":1.5,"e":1e400}}"#);
    let token = hmac_token_text("HS256", r#"{"alg":"HS256"}"#, &payload, SECRET.as_bytes());
    let out = run(&["--json", &token]);
    let raw = stdout_of(&out);
    assert!(raw.contains(&format!("\"n\":{big}")), "{raw}");
    assert!(raw.contains(&format!("\"m\":{neg}")), "{raw}");
    let line = one(&out);
    assert_eq!(line["payload"]["f"], json!(1.5), "{line}");
}

// ----------------------------------------------- 13.23 a token as a JSON key

#[test]
fn a_token_used_as_a_json_object_key_is_found() {
    let token = hs256(&claims());
    let doc = json!({ "sessions": { token.clone(): {"user": "alice"} } }).to_string();
    let line = one(&run(&["--json", &doc]));
    assert_eq!(line["token"], json!(token), "{line}");
}

// ----------------------------------------- 12.6 free text in JSON strings

#[test]
fn free_text_rules_apply_inside_json_string_values() {
    let token = hs256(&claims());
    let cookie = format!("sid={token}; Path=/; HttpOnly");
    // A JSON document parsed whole, and the same lines as a JSON Lines log.
    let doc = json!({"headers": {"set-cookie": cookie}}).to_string();
    let log = format!("{doc}\n{}\n", json!({"x": 1}));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "app.log", &log);
    for args in [vec!["--json", doc.as_str()], vec!["--json", file.as_str()]] {
        let line = one(&run(&args));
        assert_eq!(line["token"], json!(token), "{line}");
        assert_eq!(line["field"], json!("set-cookie"), "{line}");
    }
}

// ---------------------------------------- 12.7 indented and quoted wrapping

#[test]
fn wrapped_tokens_join_across_indented_and_quoted_lines() {
    let token = hs256(&json!({
        "sub": "alice", "exp": 1_900_000_000, "name": "Alice Liddell",
        "roles": ["reader", "writer"], "email": "alice@example.test"
    }));
    let lines: Vec<&str> = token
        .as_bytes()
        .chunks(40)
        .map(|c| std::str::from_utf8(c).expect("ASCII"))
        .collect();
    for prefix in ["    ", "\t", "> ", ">> ", "> > "] {
        let mut text = String::from("The token was:\n");
        for l in &lines {
            text.push_str(prefix);
            text.push_str(l);
            text.push('\n');
        }
        text.push_str(prefix);
        text.push_str("thanks\n");
        let out = run(&["--json", "--secret", SECRET, &text]);
        let line = one(&out);
        assert_eq!(line["token"], json!(token), "{prefix:?}: {line}");
        assert_eq!(line["signature"]["verified"], json!(true), "{prefix:?}");
    }
}

#[test]
fn standard_base64_of_the_secret_still_matches_after_strictness() {
    // --secret-base64 stays lenient: only the token's signature is exact.
    let token = hs256(&claims());
    let b64 = base64::engine::general_purpose::STANDARD.encode(SECRET);
    let line = one(&run(&["--json", "--secret-base64", &b64, &token]));
    assert_eq!(line["signature"]["verified"], json!(true), "{line}");
}
