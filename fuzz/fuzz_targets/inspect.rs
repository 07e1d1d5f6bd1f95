//! Fuzz the whole flow on arbitrary bytes: token finder, decoder, summary,
//! times, findings, signature verification with a user's key (none, an HMAC
//! secret, or an EC public JWK), and both reports (written into a Vec).
//!
//! The first byte also picks the clock and the key. An input whose first
//! byte is odd is read as raw JSON parts separated by
//! 0xFF (never in UTF-8 text); each part is base64url-encoded and the parts
//! are joined with dots into a token, so the fuzzer reaches the JSON parser,
//! the claims table and the risk findings without having to invent base64.
//! Any other input goes in as it is. Whatever comes in, nothing may panic,
//! the human report holds no raw control character, and every JSON line parses.

#![no_main]

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jwtinspect::{is_hostile, Checks, Clock, KeyVerifier, OutputMode, Settings, Zone};
use libfuzzer_sys::fuzz_target;

/// Clocks to judge by: the epoch, a date in 2023, the last second of 9999.
const NOWS: [i64; 3] = [0, 1_700_000_000, 253_402_300_799];

/// The keys a user might give: none, `--secret`, or a JWK (RFC 7515 A.3's P-256 key).
fn verifiers() -> &'static [Option<Arc<KeyVerifier>>; 3] {
    static KEYS: OnceLock<[Option<Arc<KeyVerifier>>; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        let secret =
            jwtinspect::secret(b"secret".to_vec(), "--secret", "the --secret".into())
                .expect("a secret");
        let jwk: serde_json::Value =
            serde_json::from_str(include_str!("../../testdata/rfc/rfc7515-a3-es256.pub.json"))
                .expect("JWK JSON");
        let set = serde_json::Value::Array(vec![jwk]);
        let ec = jwtinspect::jwks(&set, "the JWK").expect("a JWK set");
        [
            None,
            Some(Arc::new(KeyVerifier::new(secret, Vec::new()))),
            Some(Arc::new(KeyVerifier::new(ec, Vec::new()))),
        ]
    })
}

fn settings(output: OutputMode, now: i64, key: usize) -> Settings {
    Settings {
        output,
        color: false,
        zone: Zone::Utc,
        checks: Checks {
            clock: Clock { now },
            leeway: 60,
            require_roles: vec!["admin".into()],
            require_scopes: Vec::new(),
            issuer: Some("https://issuer.example".into()),
            audience: None,
        },
        stdout_terminal: false,
        verifier: verifiers()[key].clone(),
        fields: None,
        brief: false,
        line_buffered: false,
        width: None,
        failure_lines: false,
    }
}

/// `a 0xFF b 0xFF c` → `Bearer b64(a).b64(b).b64(c) end`.
fn mint(parts: &[u8]) -> Vec<u8> {
    let encoded: Vec<String> = parts
        .split(|&b| b == 0xff)
        .map(|p| URL_SAFE_NO_PAD.encode(p))
        .collect();
    // The input's last byte (when there is one) picks a frame: free
    // text, a whole value with text glued on (trailing-text), a JSON
    // string value (cookies inside JSON, glued text there too), or token
    // responses inside text (the search for a token's object).
    let token = encoded.join(".");
    match parts.last().map(|b| b % 5) {
        Some(1) => format!("{token}.foo").into_bytes(),
        Some(2) => format!("{{\"access_token\": \"{token}?\"}}").into_bytes(),
        Some(3) => format!("{{\"c\": \"sid={token}; Path=/\"}}").into_bytes(),
        Some(4) => format!(
            "log {{\"access_token\": \"{token}\", \"data\": {{\"refresh_token\": \"{token}\"}}}} }} \
             {{\"list\": [{{}}, {{\"a\": \"{{\"}}], \"id_token\": \"{token}\""
        )
        .into_bytes(),
        _ => format!("Bearer {token} end").into_bytes(),
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks: minted or raw (bit 0), the clock, the key.
    let mode = usize::from(data.first().copied().unwrap_or(0));
    let (now, key) = (NOWS[(mode >> 1) % 3], (mode >> 3) % 3);
    let text: Cow<[u8]> = if mode & 1 == 1 {
        Cow::Owned(mint(&data[1..]))
    } else {
        Cow::Borrowed(data)
    };

    let mut human = Vec::new();
    let _ = jwtinspect::inspect_bytes(&text, settings(OutputMode::Human, now, key), &mut human);
    let human = std::str::from_utf8(&human).expect("the human report is UTF-8");
    assert!(
        !human.chars().any(|c| is_hostile(c) && c != '\n'),
        "raw control character in the human report: {human:?}"
    );

    let mut json = Vec::new();
    let _ = jwtinspect::inspect_bytes(&text, settings(OutputMode::Json, now, key), &mut json);
    let json = std::str::from_utf8(&json).expect("JSON Lines are UTF-8");
    for line in json.lines() {
        assert!(
            !line.chars().any(is_hostile),
            "raw control character in JSON: {line:?}"
        );
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(v.is_object());
    }

    // The parallel --json path writes exactly what one thread writes.
    let mut parallel = Vec::new();
    let _ = jwtinspect::json_bytes_parallel(
        &text,
        settings(OutputMode::Json, now, key),
        &mut parallel,
        2,
    );
    assert!(
        parallel == json.as_bytes(),
        "the parallel --json path differs from one thread"
    );
});
