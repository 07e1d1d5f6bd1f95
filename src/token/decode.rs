//! Splitting a compact token and decoding its segments, tolerantly.
//!
//! Decoding never needs to know the algorithm: `none`, `ES512`, `ES256K` or an
//! unknown `alg` all decode. A segment that does not decode is reported as a
//! problem while the other segments are still decoded. Member order is kept
//! (serde_json `preserve_order`).

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{DecodeSliceError, Engine};
use serde_json::{Map, Value};

use crate::sanitize;
use crate::token::jsonparse::{self, Duplicate, ParseError};

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);

/// Header parameters RFC 7515 §4.1 and RFC 7516 §4.1 define: never allowed in `crit`.
pub const REGISTERED_HEADERS: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip",
];

/// The shape of a compact serialization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// header.payload.signature (RFC 7515).
    Jws,
    /// header.encrypted_key.iv.ciphertext.tag (RFC 7516): the claims are encrypted.
    Jwe,
    /// Any other number of segments.
    Other(usize),
}

/// A JOSE header or claims set: a JSON object, or why not.
pub type Part = Result<Map<String, Value>, PartError>;

/// Why a segment is not a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct PartError {
    pub message: String,
}

impl PartError {
    fn new(message: impl Into<String>) -> Self {
        PartError {
            message: message.into(),
        }
    }
}

/// A token split and decoded as far as it goes.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub form: Form,
    pub header: Part,
    pub payload: Part,
    /// Decoded signature length in bytes, when there is a decodable signature segment.
    pub signature_len: Option<usize>,
    /// The token uses `=` padding or the standard (`+` `/`) alphabet: tolerated, not canonical.
    pub non_canonical: bool,
    /// Member names that occur twice in one object (header paths start with `header.`).
    pub duplicates: Vec<Duplicate>,
    /// The payload's JSON text, when it is exactly what the `--json` line
    /// writes for `payload` (`jsonparse::Parsed::is_compact`): copied through, not
    /// written again member by member. None for any other payload.
    pub payload_text: Option<String>,
}

impl Decoded {
    /// The header's `alg`, when it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.as_ref().ok()?.get("alg")?.as_str()
    }

    /// True when the header or the payload decoded to a JSON object.
    pub fn is_reportable(&self) -> bool {
        self.header.is_ok() || self.payload.is_ok()
    }
}

/// base64url-decode one segment, accepting `=` padding and the standard alphabet.
/// Returns the bytes and whether the segment was non-canonical.
pub fn b64_segment(seg: &str) -> Result<(Vec<u8>, bool), PartError> {
    let (engine, non_canonical) = engine_for(seg)?;
    match engine.decode(seg) {
        Ok(bytes) => Ok((bytes, non_canonical)),
        Err(e) => Err(not_base64(e)),
    }
}

/// The engine for a segment (URL-safe, or standard when it has `+` or `/`),
/// and whether the segment is non-canonical (padded or standard alphabet).
fn engine_for(seg: &str) -> Result<(&'static GeneralPurpose, bool), PartError> {
    if seg.is_empty() {
        return Err(PartError::new("empty segment"));
    }
    let padded = seg.ends_with('=');
    let standard = memchr::memchr2(b'+', b'/', seg.as_bytes()).is_some();
    let engine = if standard { &STANDARD } else { &URL_SAFE };
    Ok((
        engine,
        padded || standard || trailing_bits_set(seg.as_bytes()),
    ))
}

/// True when the last character of a segment carries bits that encode no
/// byte and are not zero: `...Q` where canonical base64url has `...Q` only
/// if those bits are clear. Another spelling of the same bytes.
fn trailing_bits_set(seg: &[u8]) -> bool {
    let body = seg
        .strip_suffix(b"==")
        .or_else(|| seg.strip_suffix(b"="))
        .unwrap_or(seg);
    let Some(&last) = body.last() else {
        return false;
    };
    let value = match URL_SAFE_VALUES[usize::from(last)] {
        0xff => STANDARD_VALUES[usize::from(last)],
        v => v,
    };
    let unused = match body.len() % 4 {
        2 => 0b1111,
        3 => 0b11,
        _ => 0,
    };
    value != 0xff && value & unused != 0
}

/// Why a signature segment is not canonical base64url (RFC 7515 §2: no
/// padding, the URL-safe alphabet, unused bits zero), or None when it is.
/// Verification compares signatures on the token's exact text: another
/// spelling of the same bytes is a different token, which servers refuse.
pub fn non_canonical_signature(seg: &str) -> Option<&'static str> {
    let bytes = seg.as_bytes();
    if memchr::memchr(b'=', bytes).is_some() {
        Some("it has = padding, which base64url in a JWS never has")
    } else if memchr::memchr2(b'+', b'/', bytes).is_some() {
        Some("it uses + or / (the standard base64 alphabet), not base64url's - and _")
    } else if trailing_bits_set(bytes) {
        Some("its last character has non-zero trailing bits (a second spelling of the same bytes)")
    } else {
        None
    }
}

fn not_base64(e: base64::DecodeError) -> PartError {
    PartError::new(format!("not base64url: {e}"))
}

thread_local! {
    /// Where segments are decoded, reused from token to token.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The header segments decoded last, and what they gave.
    static HEADERS: std::cell::RefCell<Vec<CachedHeader>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A header segment and what decoding it noticed.
type CachedHeader = (String, Part, Notes);
/// Header segments remembered: a dump from a few issuers repeats a few headers.
const HEADERS_KEPT: usize = 4;
/// Longer header segments are not remembered.
const HEADER_KEPT_LEN: usize = 1024;

/// `decode_part` for a header segment, through a small cache: tokens from one
/// issuer share their header, and a copy of the decoded map costs less than
/// base64 and JSON again.
fn decode_header(seg: &str, notes: &mut Notes) -> Part {
    let hit = HEADERS.with(|cache| {
        let cache = cache.try_borrow().ok()?;
        let (_, part, seen) = cache.iter().find(|(s, ..)| s == seg)?;
        Some((part.clone(), seen.non_canonical, seen.duplicates.clone()))
    });
    if let Some((part, non_canonical, duplicates)) = hit {
        notes.non_canonical |= non_canonical;
        notes.duplicates.extend(duplicates);
        return part;
    }
    let mut seen = Notes::default();
    let part = decode_part(seg, "header", &mut seen);
    notes.non_canonical |= seen.non_canonical;
    notes.duplicates.extend(seen.duplicates.iter().cloned());
    if seg.len() <= HEADER_KEPT_LEN {
        HEADERS.with(|cache| {
            if let Ok(mut cache) = cache.try_borrow_mut() {
                if cache.len() == HEADERS_KEPT {
                    drop(cache.remove(0));
                }
                cache.push((seg.to_owned(), part.clone(), seen));
            }
        });
    }
    part
}

/// `b64_segment` that lends the bytes to `f` instead of returning them: the
/// decoder's buffer is reused, so a token costs no allocation here.
fn with_b64_segment<R>(seg: &str, f: impl FnOnce(&[u8], bool) -> R) -> Result<R, PartError> {
    let (engine, non_canonical) = engine_for(seg)?;
    let room = seg.len().div_ceil(4) * 3;
    SCRATCH.with(|scratch| {
        let Ok(mut buf) = scratch.try_borrow_mut() else {
            // Only reentrant use could find it taken: decode afresh.
            return b64_segment(seg).map(|(bytes, nc)| f(&bytes, nc));
        };
        if buf.len() < room + 2 {
            buf.resize(room + 2, 0);
        }
        let values = if std::ptr::eq(engine, &STANDARD) {
            &STANDARD_VALUES
        } else {
            &URL_SAFE_VALUES
        };
        let decoded = match decode_plain(seg.as_bytes(), values, &mut buf) {
            Some(n) => Ok(n),
            None => engine.decode_slice(seg, &mut buf[..room]),
        };
        let result = match decoded {
            Ok(n) => Ok(f(&buf[..n], non_canonical)),
            Err(DecodeSliceError::DecodeError(e)) => Err(not_base64(e)),
            Err(DecodeSliceError::OutputSliceTooSmall) => {
                drop(buf);
                return b64_segment(seg).map(|(bytes, nc)| f(&bytes, nc));
            }
        };
        // A big token's buffer is not kept: each worker thread has one, and
        // memory should follow the largest token, not the number of workers.
        if buf.len() > SCRATCH_KEPT {
            *buf = Vec::new();
        }
        result
    })
}

/// The decode buffer kept between tokens, at most (bytes).
const SCRATCH_KEPT: usize = 64 * 1024;

/// The 6-bit value of each base64 character; 0xff for any other byte
/// (`=` included).
const fn sextets(alphabet: &[u8; 64]) -> [u8; 256] {
    let mut t = [0xff; 256];
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
}
const URL_SAFE_VALUES: [u8; 256] =
    sextets(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
const STANDARD_VALUES: [u8; 256] =
    sextets(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

/// Decode a segment of alphabet characters without padding into `out`
/// (room for `len / 4 * 3 + 5` bytes), leftover bits ignored as the LENIENT
/// engines do; eight characters to six bytes a step. None for anything else
/// (padding, a stray byte, a length base64 cannot have): the base64 crate
/// then decides, and words the error.
fn decode_plain(seg: &[u8], values: &[u8; 256], out: &mut [u8]) -> Option<usize> {
    if seg.len() % 4 == 1 {
        return None;
    }
    let mut stray = 0u8;
    let mut n = 0;
    let mut chunks = seg.chunks_exact(8);
    for chunk in &mut chunks {
        let word = chunk.iter().fold(0u64, |w, &c| {
            let v = values[usize::from(c)];
            stray |= v;
            w << 6 | u64::from(v)
        });
        out.get_mut(n..n + 8)?
            .copy_from_slice(&(word << 16).to_be_bytes());
        n += 6;
    }
    let tail = chunks.remainder();
    let bits = tail.iter().fold(0u64, |w, &c| {
        let v = values[usize::from(c)];
        stray |= v;
        w << 6 | u64::from(v)
    });
    let word = bits.checked_shl(64 - 6 * tail.len() as u32).unwrap_or(0);
    let extra = tail.len() * 6 / 8;
    out.get_mut(n..n + 8)?.copy_from_slice(&word.to_be_bytes());
    (stray & 0x80 == 0).then_some(n + extra)
}

/// Parse decoded bytes as a JSON object, noting duplicate members under `root`.
fn json_object(bytes: &[u8], root: &str, duplicates: &mut Vec<Duplicate>) -> Part {
    json_object_as(bytes, root, duplicates, None)
}

/// `json_object`, also telling, when asked, whether `bytes` are the object's
/// compact JSON exactly (`Parsed::is_compact`).
fn json_object_as(
    bytes: &[u8],
    root: &str,
    duplicates: &mut Vec<Duplicate>,
    compact: Option<&mut bool>,
) -> Part {
    match jsonparse::parse(bytes, root) {
        Ok(parsed) => {
            if let Some(compact) = compact {
                *compact = parsed.is_compact(bytes);
            }
            json_object_of(parsed, duplicates)
        }
        Err(e) => Err(parse_error(bytes, e)),
    }
}

/// The parsed value as a header or claims set: an object, or why not.
fn json_object_of(parsed: jsonparse::Parsed, duplicates: &mut Vec<Duplicate>) -> Part {
    match parsed.value {
        Value::Object(map) => {
            duplicates.extend(parsed.duplicates);
            Ok(map)
        }
        other => Err(PartError::new(format!(
            "a JSON {}, not an object",
            json_kind(&other)
        ))),
    }
}

/// Why `bytes` are no JSON value, for the message.
fn parse_error(bytes: &[u8], e: ParseError) -> PartError {
    match e {
        ParseError::TooDeep => PartError::new(format!(
            "JSON nested deeper than {} levels, the nesting limit for a header or claims set",
            jsonparse::MAX_DEPTH
        )),
        ParseError::TooMany => PartError::new(format!(
            "JSON of more than {} values, the limit for a header or claims set (real tokens hold a few dozen)",
            jsonparse::MAX_VALUES
        )),
        ParseError::Json(e) => match std::str::from_utf8(bytes) {
            Ok(_) => PartError::new(format!("not JSON ({e}): {}", quote(bytes))),
            Err(_) => PartError::new(format!(
                "decodes to {} bytes of binary data, not JSON text",
                bytes.len()
            )),
        },
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The start of some bytes as escaped text in quotes, for messages.
pub fn quote(bytes: &[u8]) -> String {
    // Enough bytes for QUOTE_LIMIT characters of any width, and one more.
    let head = &bytes[..bytes.len().min(4 * sanitize::QUOTE_LIMIT + 4)];
    sanitize::quoted(&String::from_utf8_lossy(head))
}

/// What decoding the segments has noticed so far.
#[derive(Default)]
struct Notes {
    non_canonical: bool,
    duplicates: Vec<Duplicate>,
    /// The claims' text, kept by `decode_payload` (see `Decoded::payload_text`).
    payload_text: Option<String>,
}

fn decode_part(seg: &str, root: &str, notes: &mut Notes) -> Part {
    decode_part_with(seg, root, notes, false)
}

/// `decode_part` for the claims, also keeping their text when it is written back verbatim.
fn decode_payload(seg: &str, notes: &mut Notes) -> Part {
    decode_part_with(seg, "", notes, true)
}

fn decode_part_with(seg: &str, root: &str, notes: &mut Notes, keep_text: bool) -> Part {
    let part = with_b64_segment(seg, |bytes, nc| {
        notes.non_canonical |= nc;
        let mut compact = false;
        let asked = keep_text.then_some(&mut compact);
        let part = json_object_as(bytes, root, &mut notes.duplicates, asked);
        if compact && part.is_ok() {
            // Printable ASCII (`Parsed::is_compact`): always UTF-8.
            notes.payload_text = std::str::from_utf8(bytes).ok().map(str::to_owned);
        }
        part
    })
    .and_then(|part| part);
    part.map_err(|mut e| {
        // A JSON object's base64url always starts with "eyJ" ({"): say so when it doesn't.
        let not_json = !e.message.starts_with("a JSON");
        if not_json && !seg.starts_with("eyJ") && !seg.starts_with("ewo") && !seg.starts_with("eyA")
        {
            let head: String = seg.chars().take(8).collect();
            e.message.push_str(&format!(
                " (a JSON object's base64url starts with eyJ; this segment starts with {})",
                quote(head.as_bytes())
            ));
        }
        e
    })
}

/// A decrypted JWE plaintext read as claims, by the rule for JWS payloads:
/// a JSON object, or why not (quoting the text).
pub fn claims(bytes: &[u8]) -> Part {
    json_object(bytes, "", &mut Vec::new())
}

/// Whether `seg` can decode to a JSON object at all: past JSON whitespace
/// its first decoded byte must be `{`, and the next one past whitespace `"`
/// or `}`. A look at its first characters, so a candidate that is no token
/// (`curl/7.79.1` in a log's user agent field, `api.example.io`: "ex"
/// decodes to a `{`) is passed over without a decode, a parse and their
/// error messages. Never false for a segment `decode_part` accepts: on a
/// byte the base64 alphabets lack it says true and leaves the decoder to judge.
pub fn may_hold_object(seg: &str) -> bool {
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut opened = false;
    for &c in seg.as_bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return true,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = (acc >> bits) as u8;
            acc &= (1 << bits) - 1;
            match (opened, byte) {
                (_, b' ' | b'\t' | b'\n' | b'\r') => {}
                (false, b'{') => opened = true,
                (true, b'"' | b'}') => return true,
                _ => return false,
            }
        }
    }
    true
}

/// Whether the token's header or payload segment may decode to a JSON
/// object: when neither can, `decode(token).is_reportable()` is false.
///
/// The segments are not cut out: `may_hold_object` decides within a
/// segment's first few characters, and says true on reaching a dot as on
/// reaching a segment's end, so a segment and the rest of the token from
/// its start get the same answer.
pub fn may_be_reportable(token: &str) -> bool {
    may_hold_object(token)
        || memchr::memchr(b'.', token.as_bytes())
            .is_none_or(|dot| may_hold_object(&token[dot + 1..]))
}

/// Decode a compact token. Never fails: problems are recorded per segment.
pub fn decode(token: &str) -> Decoded {
    // Only the first three segments are read: a token of a million dots is no million slices.
    let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
    let ends = [(); 3].map(|()| dots.next());
    let count = ends.iter().flatten().count() + dots.count() + 1;
    let mut segments = [""; 3];
    let mut start = Some(0);
    for (slot, end) in segments.iter_mut().zip(ends) {
        let Some(from) = start else { break };
        *slot = &token[from..end.unwrap_or(token.len())];
        start = end.map(|e| e + 1);
    }
    let form = match count {
        3 => Form::Jws,
        5 => Form::Jwe,
        n => Form::Other(n),
    };
    let mut notes = Notes::default();
    let header = decode_header(segments[0], &mut notes);
    let (payload, signature_len) = match form {
        Form::Jwe => (
            Err(PartError::new(
                "encrypted (JWE): the claims cannot be read without the decryption key",
            )),
            None,
        ),
        Form::Jws => {
            let payload = decode_payload(segments[1], &mut notes);
            let sig = match segments[2] {
                "" => Some(0),
                s => with_b64_segment(s, |b, _| b.len()).ok(),
            };
            (payload, sig)
        }
        Form::Other(1) => (Err(PartError::new("missing")), None),
        Form::Other(_) => (decode_payload(segments[1], &mut notes), None),
    };
    Decoded {
        form,
        header,
        payload,
        signature_len,
        non_canonical: notes.non_canonical,
        duplicates: notes.duplicates,
        payload_text: notes.payload_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn the_plain_decoder_agrees_with_the_base64_crate() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.!";
        let mut state = 7u64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (state >> 33) as usize % 40;
            let seg: String = (0..len)
                .map(|k| {
                    let r = state.rotate_left(k as u32 * 7) >> 40;
                    // Mostly alphabet characters, now and then another byte.
                    let pick = if r % 17 == 0 {
                        r as usize % alphabet.len()
                    } else {
                        r as usize % 64
                    };
                    alphabet[pick] as char
                })
                .collect();
            let via_crate = b64_segment(&seg).map(|(bytes, _)| bytes);
            let via_scratch = with_b64_segment(&seg, |bytes, _| bytes.to_vec());
            assert_eq!(via_scratch, via_crate, "{seg:?}");
        }
    }

    #[test]
    fn decodes_without_knowing_the_alg() {
        for alg in ["none", "ES512", "ES256K", "XYZ999"] {
            let t = format!(
                "{}.{}.c2ln",
                b64(&format!(r#"{{"alg":"{alg}"}}"#)),
                b64(r#"{"sub":"x"}"#)
            );
            let d = decode(&t);
            assert_eq!(d.alg(), Some(alg));
            assert_eq!(d.payload.unwrap()["sub"], "x");
            assert_eq!(d.signature_len, Some(3));
        }
    }

    #[test]
    fn keeps_member_order() {
        let t = format!(
            "{}.{}.",
            b64(r#"{"typ":"JWT","alg":"none"}"#),
            b64(r#"{"z":1,"a":2,"m":3}"#)
        );
        let d = decode(&t);
        let keys: Vec<_> = d.payload.unwrap().keys().cloned().collect();
        assert_eq!(keys, ["z", "a", "m"]);
        let hkeys: Vec<_> = d.header.unwrap().keys().cloned().collect();
        assert_eq!(hkeys, ["typ", "alg"]);
    }

    #[test]
    fn a_bad_header_still_gives_the_payload() {
        let t = format!(
            "Example-OiJSUzI1NiJ9.{}.c2ln",
            b64(r#"{"user_name":"campjo"}"#)
        );
        let d = decode(&t);
        assert!(d.header.is_err());
        assert!(d.is_reportable());
        assert_eq!(d.payload.unwrap()["user_name"], "campjo");
    }

    #[test]
    fn plain_text_payload_is_quoted() {
        let t = format!(
            "{}.{}.",
            b64(r#"{"alg":"HS256"}"#),
            b64("It\u{1b}s a dangerous business")
        );
        let err = decode(&t).payload.unwrap_err();
        assert!(err.message.starts_with("not JSON"), "{}", err.message);
        assert!(
            err.message.contains("\\u{1b}s a dangerous"),
            "{}",
            err.message
        );
    }

    #[test]
    fn array_payload_is_not_an_object() {
        let t = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64("[1,2]"));
        assert_eq!(
            decode(&t).payload.unwrap_err().message,
            "a JSON array, not an object"
        );
    }

    #[test]
    fn padding_and_standard_alphabet_are_tolerated() {
        let d = decode("eyJhbGciOiJub25lIn0=.eyJzdWIiOiI/Pz4ifQ==.");
        assert!(d.non_canonical);
        assert_eq!(d.payload.unwrap()["sub"], "??>");
        let d = decode("eyJhbGciOiJub25lIn0.eyJzdWIiOiI_Pz4ifQ.");
        assert!(!d.non_canonical);
    }

    #[test]
    fn jwe_has_a_header_and_no_payload() {
        let t = format!("{}.a.b.c.d", b64(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#));
        let d = decode(&t);
        assert_eq!(d.form, Form::Jwe);
        assert!(d.header.is_ok());
        assert!(d.payload.unwrap_err().message.contains("encrypted"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let t = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(&deep));
        let err = decode(&t).payload.unwrap_err().message;
        assert!(err.contains("deeper than 64 levels"), "{err}");
    }

    #[test]
    fn segments_are_counted_not_collected() {
        let d = decode(&format!(
            "{}.{}",
            b64(r#"{"alg":"none"}"#),
            ".".repeat(100_000)
        ));
        assert_eq!(d.form, Form::Other(100_002));
        assert!(d.header.is_ok());
        assert!(decode("eyJhbGciOiJub25lIn0").payload.is_err());
    }

    #[test]
    fn duplicate_members_are_noted() {
        let t = format!(
            "{}.{}.",
            b64(r#"{"alg":"RS256","alg":"none"}"#),
            b64(r#"{"exp":1,"exp":2}"#)
        );
        let d = decode(&t);
        let paths: Vec<_> = d.duplicates.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["header.alg", "exp"]);
        assert_eq!(d.alg(), Some("none"));
        assert_eq!(d.payload.unwrap()["exp"], 2);
    }

    /// JSON-ish bytes: whitespace, braces and brackets, quotes, letters.
    fn jsonish() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let byte = prop_oneof![
            Just(b' '),
            Just(b'\t'),
            Just(b'\n'),
            Just(b'\r'),
            Just(b'{'),
            Just(b'}'),
            Just(b'['),
            Just(b'"'),
            Just(b':'),
            Just(b'a'),
            any::<u8>(),
        ];
        proptest::collection::vec(byte, 0..24)
    }

    /// JSON objects as encoders write them, with JSON whitespace anywhere
    /// it may stand: the decoder accepts every one.
    fn object_text() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let ws = || "[ \t\n\r]{0,3}";
        (ws(), ws(), "[a-z\"\\\\]{0,4}", ws(), ws(), 0u8..3, ws()).prop_map(
            |(a, b, key, c, d, kind, e)| {
                let key = serde_json::to_string(&key).unwrap();
                match kind {
                    0 => format!("{a}{{{b}}}{e}"),
                    1 => format!("{a}{{{b}{key}{c}:{d}1{e}}}"),
                    _ => format!("{a}{{{b}{key}{c}:{d}{{}},{key}:[]}}{e}"),
                }
                .into_bytes()
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The quick look never turns away a segment the decoder accepts,
        /// whatever the alphabet, padding or damage.
        #[test]
        fn may_hold_object_never_refuses_an_object(
            bytes in proptest::prop_oneof![jsonish(), object_text()],
            engine in 0usize..3,
            damage in proptest::option::of((0usize..40, "[-_+/=.!a]")),
        ) {
            use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
            let mut seg = match engine {
                0 => URL_SAFE_NO_PAD.encode(&bytes),
                1 => STANDARD.encode(&bytes),
                _ => URL_SAFE.encode(&bytes),
            };
            if let Some((at, with)) = &damage {
                let at = *at;
                if at < seg.len() {
                    seg.replace_range(at..at + 1, with);
                }
            }
            let accepted = decode_part(&seg, "", &mut Notes::default()).is_ok();
            proptest::prop_assert!(!accepted || may_hold_object(&seg), "{seg}");
            // And it does turn away what cannot start an object.
            let first = bytes.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
            if damage.is_none() && first.is_some_and(|&b| b != b'{') {
                proptest::prop_assert!(!may_hold_object(&seg), "{seg}");
            }
        }
    }

    proptest::proptest! {
        /// The quick look over the whole token answers as over its segments.
        #[test]
        fn may_be_reportable_is_the_segments_look(token in "[a-zA-Z0-9_+/=. -]{0,12}") {
            let mut segments = token.splitn(3, '.');
            let header = segments.next().unwrap_or("");
            let payload = segments.next().unwrap_or("");
            let by_segments = may_hold_object(header) || may_hold_object(payload);
            proptest::prop_assert_eq!(may_be_reportable(&token), by_segments);
        }
    }

    #[test]
    fn user_agents_and_versions_are_not_reportable() {
        for text in ["curl/7.79.1", "python-requests/2.26.0", "10.20.30"] {
            assert!(!may_be_reportable(text), "{text}");
            assert!(!decode(text).is_reportable(), "{text}");
        }
        let token = format!("{}.{}.c2ln", b64(r#"{"alg":"HS256"}"#), b64("[1]"));
        assert!(may_be_reportable(&token));
        let token = format!("Zm9v.{}.c2ln", b64(r#" {"sub":"x"}"#));
        assert!(may_be_reportable(&token));
        assert!(decode(&token).is_reportable());
    }
}
