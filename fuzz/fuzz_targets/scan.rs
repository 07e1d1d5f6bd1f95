//! The scanner's fast path against its reference, on arbitrary bytes: the
//! JSON value quotes found from 64-byte masks (SSE2, with a few bits of
//! arithmetic per quote) must give the very candidates that looking at
//! every colon's value gives (`scan_all_reference`, the code before it).
//! The input is used as it is, and again with its bytes mapped onto the
//! characters the scanner cares about (quotes, colons, dots, whitespace,
//! `eyJ`, base64url), where random bytes rarely land.

#![no_main]

use jwtinspect::{scan_all, scan_all_reference};
use libfuzzer_sys::fuzz_target;

const DENSE: &[u8; 16] = b"\":. \n\tey.JwAa0-\"";

fuzz_target!(|data: &[u8]| {
    assert_eq!(scan_all(data), scan_all_reference(data));
    let dense: Vec<u8> = data.iter().map(|&b| DENSE[usize::from(b & 15)]).collect();
    assert_eq!(scan_all(&dense), scan_all_reference(&dense));
});
