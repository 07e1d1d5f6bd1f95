//! Fuzz the whole flow on arbitrary bytes: token finder, decoder, summary,
//! times, findings, and both reports (written into a Vec).
//!
//! An input whose first byte is odd is read as raw JSON parts separated by
//! 0xFF (never in UTF-8 text); each part is base64url-encoded and the parts
//! are joined with dots into a token, so the fuzzer reaches the JSON parser,
//! the claims table and the risk findings without having to invent base64.
//! Any other input goes in as it is. Whatever comes in, nothing may panic,
//! the human report holds no raw control character, and every JSON line parses.

#![no_main]

use std::borrow::Cow;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jwtinspect::config::{OutputMode, Settings};
use jwtinspect::inspect::Checks;
use jwtinspect::sanitize::is_hostile;
use jwtinspect::time::{Clock, Zone};
use libfuzzer_sys::fuzz_target;

/// Clocks to judge by: the epoch, a date in 2023, the last second of 9999.
const NOWS: [i64; 3] = [0, 1_700_000_000, 253_402_300_799];

fn settings(output: OutputMode, now: i64) -> Settings {
    Settings {
        output,
        color: false,
        zone: Zone::Utc,
        checks: Checks {
            clock: Clock { now },
            leeway: 60,
            require_roles: vec!["admin".into()],
            require_scopes: Vec::new(),
        },
        stdout_terminal: false,
    }
}

/// `a 0xFF b 0xFF c` → `Bearer b64(a).b64(b).b64(c) end`.
fn mint(parts: &[u8]) -> Vec<u8> {
    let encoded: Vec<String> = parts
        .split(|&b| b == 0xff)
        .map(|p| URL_SAFE_NO_PAD.encode(p))
        .collect();
    format!("Bearer {} end", encoded.join(".")).into_bytes()
}

fuzz_target!(|data: &[u8]| {
    let (text, now): (Cow<[u8]>, i64) = match data.split_first() {
        Some((&mode, rest)) if mode & 1 == 1 => {
            (Cow::Owned(mint(rest)), NOWS[usize::from(mode >> 1) % 3])
        }
        _ => (Cow::Borrowed(data), NOWS[1]),
    };

    let mut human = Vec::new();
    let _ = jwtinspect::inspect_bytes(&text, settings(OutputMode::Human, now), &mut human);
    let human = std::str::from_utf8(&human).expect("the human report is UTF-8");
    assert!(
        !human.chars().any(|c| is_hostile(c) && c != '\n'),
        "raw control character in the human report: {human:?}"
    );

    let mut json = Vec::new();
    let _ = jwtinspect::inspect_bytes(&text, settings(OutputMode::Json, now), &mut json);
    let json = std::str::from_utf8(&json).expect("JSON Lines are UTF-8");
    for line in json.lines() {
        assert!(
            !line.chars().any(is_hostile),
            "raw control character in JSON: {line:?}"
        );
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(v.is_object());
    }
});
