//! Where the JSON string values that may hold a token open, found from
//! their quotes: one pass classifies each 64 bytes into bit masks of
//! quotes, dots, colons and bytes above a space (SSE2 compares on x86_64),
//! and only a value whose text could be a token (at least `MIN_QUOTED_LEN`
//! bytes to its closing quote, two or four dots) is handed to the scanner.
//! A JSON Lines log has a dozen values a line (`"level":"info"`), and
//! nearly all are passed over with a few bit operations instead of a
//! search for their closing quote.

use super::find::{KEY_LOOKBACK, MIN_QUOTED_LEN};

/// The value quotes of a buffer, in order, from the masks of one 64-byte
/// block at a time.
pub(super) struct ValueQuotes {
    /// The block being visited starts here.
    block: usize,
    /// Its quotes not visited yet that follow a colon or whitespace and
    /// have no other quote within MIN_QUOTED_LEN bytes after them: bit i
    /// is `buf[block + i]`. Only these can open a value that may be a token.
    pending: u64,
    /// All its quotes (a value's closing quote is among them) and its dots.
    quotes: u64,
    dots: u64,
    /// Its colons, and its bytes above a space (never whitespace).
    colons: u64,
    high: u64,
}

impl ValueQuotes {
    pub(super) fn new(buf: &[u8], from: usize) -> Self {
        let mut values = ValueQuotes {
            block: from,
            pending: 0,
            quotes: 0,
            dots: 0,
            colons: 0,
            high: 0,
        };
        values.load(buf, from, None);
        values
    }

    /// Load the block at `at`; `lead_before` says whether the byte before it
    /// is a colon or up to a space, when the caller knows (None: looked up).
    #[inline]
    fn load(&mut self, buf: &[u8], at: usize, lead_before: Option<bool>) {
        let m = classify(buf, at);
        // Only a quote after a colon or whitespace can open a value.
        let mut after_lead = (m.colons | !m.high) << 1;
        let lead_before = lead_before
            .unwrap_or_else(|| at > 0 && buf.get(at - 1).is_some_and(|&b| b == b':' || b <= b' '));
        if lead_before {
            after_lead |= 1;
        }
        // A quote with another within MIN_QUOTED_LEN bytes after it opens
        // no token (its value is shorter): passed over here, all at once.
        let t1 = m.quotes >> 1;
        let t2 = t1 | t1 >> 1;
        let t4 = t2 | t2 >> 2;
        let near = t4 | t4 >> 4 | t2 >> 8;
        const _: () = assert!(MIN_QUOTED_LEN == 10, "`near` spans 10 bytes");
        *self = ValueQuotes {
            block: at,
            pending: m.quotes & after_lead & !near,
            quotes: m.quotes,
            dots: m.dots,
            colons: m.colons,
            high: m.high,
        };
    }

    /// Does the quote at bit `i` of the block open a value (`opens_value`)?
    /// Told by the masks when a byte above a space precedes it in the block.
    #[inline]
    fn opens_value(&self, buf: &[u8], i: u32) -> bool {
        let q = self.block + i as usize;
        let before = self.high & ((1u64 << i) - 1);
        if before == 0 {
            // Whitespace (or nothing) back to the block's start.
            return opens_value(buf, q);
        }
        // The last byte above a space before the quote: unless it is a colon,
        // whatever stops the walk back over whitespace is no colon.
        let j = 63 - before.leading_zeros();
        self.colons & (1u64 << j) != 0
            && buf[self.block + j as usize + 1..q]
                .iter()
                .all(u8::is_ascii_whitespace)
    }

    /// May the value opening at bit `i` of the block be a token?
    #[inline]
    fn may_hold_token(&self, buf: &[u8], i: u32) -> bool {
        // Bits above i; none when i is 63.
        let above = !((2u64 << i).wrapping_sub(1));
        let closing = self.quotes & above;
        if closing == 0 {
            let dots = few_bits(self.dots & above);
            return may_hold_token_from(buf, self.block + 64, self.block + i as usize + 1, dots);
        }
        let c = closing.trailing_zeros();
        let len = (c - i - 1) as usize;
        let dots = few_bits(self.dots & above & ((1u64 << c) - 1));
        len >= MIN_QUOTED_LEN && (dots == 2 || dots == 4)
    }
}

impl super::find::Values<'_> for ValueQuotes {
    /// The first quote at or after `pos` that opens a JSON string value
    /// (the first byte other than whitespace after a colon, within
    /// KEY_LOOKBACK of it) whose text may be a token.
    fn next(&mut self, buf: &[u8], pos: usize) -> Option<usize> {
        if pos >= self.block + 64 {
            self.load(buf, pos, None);
        } else if pos > self.block {
            self.pending &= !0u64 << (pos - self.block);
        }
        loop {
            while self.pending == 0 {
                if self.block + 64 >= buf.len() {
                    return None;
                }
                // The block is whole (64 bytes): its last byte's bits are real.
                let lead_before = (self.colons | !self.high) >> 63 == 1;
                self.load(buf, self.block + 64, Some(lead_before));
            }
            let i = self.pending.trailing_zeros();
            self.pending &= self.pending - 1;
            let q = self.block + i as usize;
            if self.opens_value(buf, i) && self.may_hold_token(buf, i) {
                return Some(q);
            }
        }
    }
}

/// Is the quote at `q` the first byte other than whitespace after a colon
/// less than KEY_LOOKBACK before it?
fn opens_value(buf: &[u8], q: usize) -> bool {
    let lo = q.saturating_sub(KEY_LOOKBACK - 1);
    for &b in buf[lo..q].iter().rev() {
        match b {
            b':' => return true,
            b if b.is_ascii_whitespace() => {}
            _ => return false,
        }
    }
    false
}

/// `may_hold_token` for a value running past its block: `start` is its
/// first byte, `dots` those seen before `at`, where the search goes on.
/// When the buffer ends first, true unless the dots already rule a token
/// out (the scanner then decides, or waits for more input).
fn may_hold_token_from(buf: &[u8], mut at: usize, start: usize, mut dots: u32) -> bool {
    loop {
        if dots > 4 {
            return false;
        }
        if at >= buf.len() {
            return true;
        }
        let m = classify(buf, at);
        if m.quotes != 0 {
            let n = m.quotes.trailing_zeros();
            dots += few_bits(m.dots & ((1u64 << n) - 1));
            let len = at + n as usize - start;
            return len >= MIN_QUOTED_LEN && (dots == 2 || dots == 4);
        }
        dots += few_bits(m.dots);
        at += 64;
    }
}

/// The number of bits set in `mask`, counted up to 5 (the dots of a
/// token-shaped value are 2 or 4): a bit cleared a step, so a value with
/// no dot costs one test. (`count_ones` is no single instruction on the
/// x86_64 baseline, which lacks POPCNT.)
#[inline]
fn few_bits(mut mask: u64) -> u32 {
    let mut n = 0;
    while mask != 0 && n < 5 {
        mask &= mask - 1;
        n += 1;
    }
    n
}

/// What 64 bytes hold, bit i standing for byte i.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Masks {
    quotes: u64,
    dots: u64,
    colons: u64,
    /// Bytes above a space: never whitespace.
    high: u64,
}

/// The masks of the 64 bytes from `at` (fewer at the end of `buf`; bits
/// past it are clear).
#[inline]
fn classify(buf: &[u8], at: usize) -> Masks {
    let rest = buf.get(at..).unwrap_or_default();
    match <&[u8; 64]>::try_from(rest.get(..64).unwrap_or(rest)) {
        Ok(block) => classify64(block),
        Err(_) => classify_bytes(rest),
    }
}

/// One byte at a time: the tail of a buffer, and the reference for `classify64`.
fn classify_bytes(bytes: &[u8]) -> Masks {
    let mut m = Masks {
        quotes: 0,
        dots: 0,
        colons: 0,
        high: 0,
    };
    for (i, &b) in bytes.iter().take(64).enumerate() {
        m.quotes |= u64::from(b == b'"') << i;
        m.dots |= u64::from(b == b'.') << i;
        m.colons |= u64::from(b == b':') << i;
        m.high |= u64::from(b > b' ') << i;
    }
    m
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn classify64(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let mut m = Masks {
        quotes: 0,
        dots: 0,
        colons: 0,
        high: 0,
    };
    for (i, part) in block.chunks_exact(16).enumerate() {
        // SAFETY: the intrinsics are SSE2 instructions, which this build
        // targets (the cfg above: SSE2 is the x86_64 baseline), so they
        // exist on the processor. The one memory access is the load:
        // `part` is 16 bytes of `block` (chunks_exact), and
        // `_mm_loadu_si128` reads exactly 16 bytes from its pointer with no
        // alignment requirement. Checked against `classify_bytes` by the
        // tests below and through the scanner by the `scan` fuzz target.
        let (q, d, c, low) = unsafe {
            let v = _mm_loadu_si128(part.as_ptr().cast::<__m128i>());
            let space = _mm_set1_epi8(b' ' as i8);
            let eq = |c: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8)));
            (
                eq(b'"'),
                eq(b'.'),
                eq(b':'),
                // b <= ' ' (unsigned): min(b, ' ') == b.
                _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, space), v)),
            )
        };
        // movemask sets the low 16 bits only.
        m.quotes |= u64::from(q as u16) << (16 * i);
        m.dots |= u64::from(d as u16) << (16 * i);
        m.colons |= u64::from(c as u16) << (16 * i);
        m.high |= u64::from(!low as u16) << (16 * i);
    }
    m
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn classify64(block: &[u8; 64]) -> Masks {
    classify_bytes(block)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn classify_is_the_byte_loop(
            bytes in proptest::collection::vec(proptest::sample::select(b"\".a:\0 !\t\xff\x7f\"".to_vec()), 0..200),
            at in 0usize..210,
        ) {
            let rest = bytes.get(at..).unwrap_or_default();
            proptest::prop_assert_eq!(classify(&bytes, at), classify_bytes(rest));
        }
    }

    /// Every value length around MIN_QUOTED_LEN, with 2, 3 and 4 dots, at
    /// every offset across a block boundary: found exactly when it may be
    /// a token (10 bytes or more, two or four dots), and the same with the
    /// colon followed by a space.
    #[test]
    fn value_length_and_dots_at_every_offset() {
        for len in 8..=16 {
            for dots in 2..=4 {
                let mut value = vec![b'a'; len];
                for d in 0..dots {
                    value[1 + 2 * d] = b'.';
                }
                for lead in [&b":"[..], b": "] {
                    for offset in 0..70 {
                        let mut text = vec![b'x'; offset];
                        text.extend_from_slice(b"\"k\"");
                        text.extend_from_slice(lead);
                        let q = text.len();
                        text.push(b'"');
                        text.extend_from_slice(&value);
                        text.extend_from_slice(b"\" tail");
                        let mut values = ValueQuotes::new(&text, 0);
                        let found = super::super::find::Values::next(&mut values, &text, 0);
                        let want = (len >= MIN_QUOTED_LEN && dots != 3).then_some(q);
                        assert_eq!(found, want, "len {len}, dots {dots}, offset {offset}");
                    }
                }
            }
        }
    }

    #[test]
    fn values_that_cannot_be_tokens_are_passed_over() {
        let line = br#"{"level":"info","ua":"curl/7.88.1","t":"Example-OiJSUzI1NiJ9.eyJleHAiOjF9.PC9v","ip":"1.2.3.4.5.6"} : "#;
        let mut values = ValueQuotes::new(line, 0);
        let found: Vec<usize> =
            std::iter::from_fn(|| super::super::find::Values::next(&mut values, line, 0)).collect();
        let texts: Vec<&str> = found
            .iter()
            .map(|&q| std::str::from_utf8(&line[q + 1..q + 12]).unwrap())
            .collect();
        // curl/7.88.1 is ten bytes with two dots: the scanner's to judge.
        assert_eq!(texts, ["curl/7.88.1", "Example-OiJ"]);
    }
}
