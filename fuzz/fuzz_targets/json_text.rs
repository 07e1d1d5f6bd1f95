//! The `--json` writer's strings and numbers against serde_json's own writer.
//!
//! `report::json` writes its lines by hand: clean text is copied in one
//! piece, and only from the first byte that needs care (found eight bytes
//! at a time) does it go character by character. The reference is serde_json
//! with the SafeFormatter the writer promises to match (C0, DEL, C1, bidi,
//! zero-width and the rest `is_hostile` names as `\uXXXX`): any input text,
//! as a value and as a key, and any input that is JSON, must come out byte
//! for byte the same. And claims whose text the decoder keeps to copy
//! through (`Parsed::is_compact`) must be that text exactly.
#![no_main]

use std::io::{self, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jwtinspect::is_hostile;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde_json::{json, Value};

struct SafeFormatter;

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut last = 0;
        for (idx, c) in fragment.char_indices() {
            if is_hostile(c) {
                w.write_all(&fragment.as_bytes()[last..idx])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{:04x}", u)?;
                }
                last = idx + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[last..])
    }
}

fn by_serde(v: &Value) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeFormatter);
    v.serialize(&mut ser).expect("a Value serializes");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let v = json!({ text.as_ref(): [text.as_ref(), {"k": text.as_ref()}] });
    let ours = jwtinspect::json_compact(&v);
    assert_eq!(ours, by_serde(&v), "text {text:?}");
    assert!(
        !ours.chars().any(is_hostile),
        "raw control character: {ours:?}"
    );
    assert_eq!(serde_json::from_str::<Value>(&ours).ok(), Some(v));
    if let Ok(parsed) = serde_json::from_slice::<Value>(data) {
        assert_eq!(
            jwtinspect::json_compact(&parsed),
            by_serde(&parsed),
            "JSON {text:?}"
        );
    }
    // The input as a token's claims: when the decoder keeps their text to
    // copy through, it is the input, and what the writer makes of the claims.
    let token = format!("eyJhbGciOiJub25lIn0.{}.", URL_SAFE_NO_PAD.encode(data));
    let decoded = jwtinspect::decode(&token);
    if let Some(kept) = &decoded.payload_text {
        assert_eq!(kept.as_bytes(), data);
        let claims = decoded.payload.clone().expect("kept text is of an object");
        assert_eq!(
            &jwtinspect::json_compact(&Value::Object(claims)),
            kept,
            "claims {text:?}"
        );
    }
});
