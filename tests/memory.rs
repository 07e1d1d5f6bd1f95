//! Peak memory on big tokens (issue 13.16), counted by this test binary's
//! allocator: bytes, not time. A big token of tiny members (`[1,1,1,...]`)
//! took about 40 times its size (a serde_json `Value` costs a hundred bytes
//! whatever its text), and the decode buffer stayed on every worker thread.
//! Now a header or claims set holds at most `MAX_VALUES` values, so peak
//! memory is a small multiple of the largest token plus that bounded tree,
//! whatever the number of workers.
//!
//! One `#[test]`: the allocator counts every thread of the process, so no
//! other test may run beside the measurement.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jwtinspect::{OutputMode, Settings};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as both buffers at once, as a moving realloc holds them.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes allocated at the peak of `f`, above what was live when it began.
fn peak_of(f: impl FnOnce()) -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - base
}

fn settings(output: OutputMode) -> Settings {
    support::library_settings(output, 0, 60)
}

/// A token of about `n` bytes whose claims are `{"sub":"a","l":[...]}`,
/// the list made of `item` repeated.
fn token(n: usize, item: &str) -> String {
    let count = (n * 3 / 4) / (item.len() + 1);
    let items = vec![item; count].join(",");
    let claims = format!(r#"{{"sub":"a","l":[{items}]}}"#);
    format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims)
    )
}

/// Peak memory per byte of the largest token: its text where it was read,
/// the copy handed to a worker, the decoded bytes, the JSON line.
const PER_TOKEN_BYTE: usize = 8;
/// What a claims set at the value limit may take: a tree of `MAX_VALUES`
/// tiny values (about 60 MB counted here), with room to spare.
const TREE_AT_LIMIT: usize = 80 << 20;

/// The most a run on tokens of `len` bytes at most may take at its peak.
fn bound(len: usize, tree: bool) -> usize {
    PER_TOKEN_BYTE * len + if tree { TREE_AT_LIMIT } else { 0 }
}

#[test]
fn peak_memory_follows_the_largest_token_not_its_members_or_the_workers() {
    // Tiny members: far past the value limit, refused, never built.
    let tiny = token(4 << 20, "1");
    // Long members: under the limit, decoded in full.
    let long = token(2 << 20, &format!("\"{}\"", "x".repeat(1000)));
    for (name, big, tree) in [
        ("tiny members", &tiny, true),
        ("long members", &long, false),
    ] {
        let input = format!("{big}\n");
        for mode in [OutputMode::Json, OutputMode::PrintToken, OutputMode::Human] {
            let label = format!("{name}, {mode:?}");
            let mut out = Vec::with_capacity(3 * big.len());
            let peak = peak_of(|| {
                let _ = jwtinspect::inspect_bytes(input.as_bytes(), settings(mode), &mut out);
            });
            assert!(!out.is_empty(), "{label}: the token is reported");
            eprintln!(
                "{label}: peak {:.1}x the token",
                peak as f64 / big.len() as f64
            );
            assert!(
                peak <= bound(big.len(), tree),
                "{label}: {peak} bytes at the peak for a {}-byte token",
                big.len()
            );
        }
        // Four copies on 1, 2 and 8 workers: still one token's worth.
        let four = input.repeat(4);
        for workers in [1, 2, 8] {
            let mut out = Vec::with_capacity(12 * big.len());
            let peak = peak_of(|| {
                let _ = jwtinspect::json_bytes_parallel(
                    four.as_bytes(),
                    settings(OutputMode::Json),
                    &mut out,
                    workers,
                );
            });
            assert!(
                out.len() >= 4 * big.len(),
                "{name}: the tokens are reported"
            );
            eprintln!(
                "{name}, {workers} workers: peak {:.1}x one token",
                peak as f64 / big.len() as f64
            );
            assert!(
                peak <= bound(big.len(), tree),
                "{name}, {workers} workers: {peak} bytes at the peak for four {}-byte tokens",
                big.len()
            );
        }
    }
    // Big tokens between runs of small ones: each big token's buffers are
    // let go once it is written, not kept for the batches after it (one
    // kept buffer per batch in flight grew with the number of workers).
    let small = token(200, "1");
    let mut mixed = String::new();
    for _ in 0..6 {
        mixed.push_str(&format!("{long}\n"));
        for _ in 0..300 {
            mixed.push_str(&format!("{small}\n"));
        }
    }
    for workers in [2, 8] {
        let mut out = Vec::with_capacity(14 * long.len());
        let peak = peak_of(|| {
            let _ = jwtinspect::json_bytes_parallel(
                mixed.as_bytes(),
                settings(OutputMode::Json),
                &mut out,
                workers,
            );
        });
        eprintln!(
            "mixed, {workers} workers: peak {:.1}x the big token",
            peak as f64 / long.len() as f64
        );
        assert!(
            peak <= bound(long.len(), false),
            "big and small tokens, {workers} workers: {peak} bytes at the peak for {}-byte tokens",
            long.len()
        );
    }
}
