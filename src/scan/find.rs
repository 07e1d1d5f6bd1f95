//! Finding tokens inside arbitrary text.
//!
//! Two anchors:
//! * `eyJ` (base64url of `{"`), or `eyI`/`eyL` (`{"` before a digit or a
//!   non-ASCII letter), `eyA` (`{ `), `ewo` (`{\n`), `ew0` (`{\r`), `ewk`
//!   (`{\t`): a token's header segment, wherever it stands: bare, after
//!   `Bearer `, in a cookie, a URL, a log line;
//! * a JSON string value (`"key" : "..."`) made of three or five dot-separated
//!   base64url segments, so a token whose header is damaged (the ImmPort seed's
//!   `Example-...`) is still found through its key.
//!
//! The scanner works on a buffer that may be one block of a stream: a candidate
//! that runs into the end of the buffer is left for the next call.
//!
//! Speed: logs are full of quotes, and stopping at every one costs more than
//! the rest of the scan. A JSON value's opening quote always follows a colon
//! and optional whitespace, so the second anchor is found through those
//! colons instead: one SIMD pass for `:` (memchr's iterator) and a look at
//! the byte after each, so lines dense in quotes and `=` (nginx's
//! `key="value"` fields) cost no more than plain text.

use memchr::memmem;

/// The key a token stood under, looked for at most this far back.
pub(super) const KEY_LOOKBACK: usize = 256;
/// A JSON-value token with a damaged header must be at least this long.
pub(super) const MIN_QUOTED_LEN: usize = 10;

/// A wrapped token's lines (all but its last) are at least this long.
const MIN_WRAP: usize = 16;

/// A token found in a buffer: `buf[start..end]`, with the JSON key it came
/// from at `buf[key.0..key.1]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Candidate {
    pub start: usize,
    pub end: usize,
    pub key: Option<(usize, usize)>,
    /// The token is wrapped over lines: drop the line breaks (and the
    /// indentation or `> ` quoting of its continuation lines) in `buf[start..end]`.
    pub wrapped: bool,
    /// A whole value (argument, JSON string) whose token has text glued to
    /// its end: that text is `buf[trailing.0..trailing.1]`.
    pub trailing: Option<(usize, usize)>,
}

impl Candidate {
    /// The token text: `buf[start..end]`, line breaks dropped when wrapped.
    pub fn text<'b>(&self, buf: &'b [u8]) -> std::borrow::Cow<'b, [u8]> {
        let raw = &buf[self.start..self.end];
        if self.wrapped {
            raw.iter().copied().filter(|&b| is_token_byte(b)).collect()
        } else {
            raw.into()
        }
    }

    /// The text glued to the token's end, when the token was a whole value.
    pub fn trailing<'b>(&self, buf: &'b [u8]) -> Option<&'b str> {
        let (from, to) = self.trailing?;
        std::str::from_utf8(&buf[from..to]).ok()
    }
}

/// Does `b` start with the base64url of a JSON object's first two bytes:
/// `{"` (`eyJ`, `eyI`, `eyL`) or `{` and whitespace (`eyA`, `ewo`, `ew0`, `ewk`)?
pub fn starts_with_anchor(b: &[u8]) -> bool {
    matches!(
        b,
        [b'e', b'y', b'J' | b'I' | b'L' | b'A', ..] | [b'e', b'w', b'o' | b'0' | b'k', ..]
    )
}

#[cfg(test)]
thread_local! {
    /// Bytes the line-wrap logic of `token_end` has looked at: the work
    /// count of the linear-time test.
    static WRAP_WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Candidate {
    /// The JSON key the token came from, read from the buffer it was found in.
    pub fn field<'b>(&self, buf: &'b [u8]) -> Option<&'b str> {
        let (from, to) = self.key?;
        std::str::from_utf8(&buf[from..to]).ok()
    }
}

/// Byte classes, one table lookup per byte in the loops over token text.
const B64URL: u8 = 1;
const SEGMENT: u8 = 2;
const DOT: u8 = 4;
const CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' {
            t[b] = B64URL | SEGMENT;
        } else if c == b'+' || c == b'/' || c == b'=' {
            t[b] = SEGMENT;
        } else if c == b'.' {
            t[b] = DOT;
        }
        b += 1;
    }
    t
};

#[inline]
pub fn is_b64url_byte(b: u8) -> bool {
    CLASSES[b as usize] & B64URL != 0
}

#[inline]
pub fn is_token_byte(b: u8) -> bool {
    CLASSES[b as usize] & (SEGMENT | DOT) != 0
}

/// 1 for a token byte (segment byte or dot), else 0.
const TOKEN_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (CLASSES[b] & (SEGMENT | DOT) != 0) as u8;
        b += 1;
    }
    t
};

/// The end of the run of token bytes starting at `from`. Eight bytes are
/// looked up per step, without a branch per byte, while all are token bytes
/// (the rule inside a token); the last step goes byte by byte.
#[inline]
fn token_run_end(buf: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(chunk) = buf.get(at..at + 8) {
        if chunk
            .iter()
            .fold(1, |all, &b| all & TOKEN_BYTES[usize::from(b)])
            == 0
        {
            break;
        }
        at += 8;
    }
    buf[at..]
        .iter()
        .position(|&b| !is_token_byte(b))
        .map_or(buf.len(), |n| at + n)
}

/// The scanner: holds the prepared substring searchers (`ey`, `ew`; the
/// third byte of an anchor is checked on each hit).
pub struct Scanner {
    ey: memmem::Finder<'static>,
    ew: memmem::Finder<'static>,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner {
            ey: memmem::Finder::new(b"ey"),
            ew: memmem::Finder::new(b"ew"),
        }
    }
}

/// Where the next call must resume: bytes before `resume` are fully scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub resume: usize,
}

impl Scanner {
    /// Report every candidate in `buf[from..]` through `emit`, in order.
    /// `eof` is true when nothing follows `buf`. Bytes before `from` are only
    /// read as context (the left boundary, the JSON key).
    pub fn scan(
        &self,
        buf: &[u8],
        from: usize,
        eof: bool,
        emit: impl FnMut(Candidate),
    ) -> Progress {
        let from = from.min(buf.len());
        let values = super::values::ValueQuotes::new(buf, from);
        self.scan_with(buf, from, eof, values, emit)
    }

    fn scan_with<'b>(
        &self,
        buf: &'b [u8],
        from: usize,
        eof: bool,
        mut values: impl Values<'b>,
        mut emit: impl FnMut(Candidate),
    ) -> Progress {
        let len = buf.len();
        let mut pos = from.min(len);
        let mut next_ey = self.find_anchor(&self.ey, buf, pos);
        let mut next_ew = self.find_anchor(&self.ew, buf, pos);
        let mut next_eyj = min_some(next_ey, next_ew);
        let mut next_quote = values.next(buf, pos);
        loop {
            let (at, is_quote) = match (next_eyj, next_quote) {
                (None, None) => break,
                (Some(e), Some(q)) if q < e => (q, true),
                (Some(e), _) => (e, false),
                (None, Some(q)) => (q, true),
            };
            let outcome = if is_quote {
                quoted_candidate(buf, at, eof)
            } else {
                anchored_candidate(buf, at, eof)
            };
            match outcome {
                Outcome::Pending => return Progress { resume: at },
                Outcome::Found(c) => {
                    pos = c.end;
                    emit(c);
                }
                Outcome::Skip(next) => pos = next.max(at + 1),
            }
            if next_ey.is_some_and(|e| e < pos) {
                next_ey = self.find_anchor(&self.ey, buf, pos);
            }
            if next_ew.is_some_and(|e| e < pos) {
                next_ew = self.find_anchor(&self.ew, buf, pos);
            }
            next_eyj = min_some(next_ey, next_ew);
            if next_quote.is_some_and(|q| q < pos) {
                next_quote = values.next(buf, pos);
            }
        }
        // An anchor may straddle the end of the buffer ("e" | "yJ", or a colon
        // and its whitespace): the colons are looked for again from
        // KEY_LOOKBACK before the resume point.
        let resume = if eof {
            len
        } else {
            pos.max(len.saturating_sub(2))
        };
        Progress { resume }
    }

    /// The next anchor at or after `from` among the hits of `finder` (`ey`
    /// or `ew`): hits whose third byte makes no anchor are passed over.
    fn find_anchor(&self, finder: &memmem::Finder, buf: &[u8], from: usize) -> Option<usize> {
        let mut at = from;
        loop {
            let hit = at + finder.find(&buf[at..])?;
            match buf.get(hit + 2) {
                // "e" "y" at the very end: the anchor may straddle the buffer.
                None => return Some(hit),
                Some(_) if starts_with_anchor(&buf[hit..]) => return Some(hit),
                Some(_) => at = hit + 1,
            }
        }
    }
}

fn min_some(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The opening quotes of the JSON string values the scanner looks at, in
/// order: each is the first non-whitespace byte after a colon, within
/// KEY_LOOKBACK of it (exactly the quotes `json_key_before` can accept).
/// A finder may pass over a value that cannot be a token: the scanner
/// would pass over it too.
pub(super) trait Values<'b> {
    /// The first such quote at or after `pos` (`pos` never goes back).
    fn next(&mut self, buf: &'b [u8], pos: usize) -> Option<usize>;
}

/// Every value quote, from the colons (one memchr iterator): the scanner's
/// reference, against which the fast `values::ValueQuotes` is checked.
struct ColonQuotes<'b> {
    colons: memchr::Memchr<'b>,
    /// The offset in the buffer where `colons` started.
    base: usize,
}

impl<'b> ColonQuotes<'b> {
    /// Colons up to KEY_LOOKBACK before `from` still count: their value's
    /// quote may lie at or after `from`.
    fn new(buf: &'b [u8], from: usize) -> Self {
        let base = from.saturating_sub(KEY_LOOKBACK);
        ColonQuotes {
            colons: memchr::memchr_iter(b':', &buf[base..]),
            base,
        }
    }
}

impl<'b> Values<'b> for ColonQuotes<'b> {
    fn next(&mut self, buf: &'b [u8], pos: usize) -> Option<usize> {
        for i in self.colons.by_ref() {
            let colon = self.base + i;
            let limit = buf.len().min(colon + KEY_LOOKBACK);
            let mut q = colon + 1;
            while q < limit && buf[q].is_ascii_whitespace() {
                q += 1;
            }
            if q < limit && q >= pos && buf[q] == b'"' {
                return Some(q);
            }
        }
        None
    }
}

enum Outcome {
    Found(Candidate),
    /// Not a token; carry on scanning from this offset.
    Skip(usize),
    /// The candidate runs into the end of the buffer: need more input.
    Pending,
}

/// A candidate starting at an `eyJ` anchor.
fn anchored_candidate(buf: &[u8], at: usize, eof: bool) -> Outcome {
    // "ey" at the end of one read, and no anchor once the next arrived.
    if buf.len() > at + 2 && !starts_with_anchor(&buf[at..]) {
        return Outcome::Skip(at + 1);
    }
    // Inside a longer base64url run (e.g. "xeyJ"), it is not a token start.
    if at > 0 && is_b64url_byte(buf[at - 1]) {
        let end = token_run_end(buf, at);
        return if end == buf.len() && !eof {
            Outcome::Pending
        } else {
            Outcome::Skip(end)
        };
    }
    let (end, wrapped) = match token_end(buf, at, eof) {
        Some(found) => found,
        None => return Outcome::Pending,
    };
    if end - at < 3 {
        // "ey" at the end of the input: no anchor.
        return Outcome::Skip(end);
    }
    let run_end = end;
    let end = trim_trailing_dots(&buf[at..end]) + at;
    if memchr::memchr(b'.', &buf[at..end]).is_none() {
        return Outcome::Skip(end);
    }
    let value_key = json_key_before(buf, at);
    // A whole JSON string value with text glued to the token's end
    // (`"h.p.s."`, `"h.p.s?"`, `"h.p.s.foo"`): the value is no token. The
    // closing quote is looked for a bounded way past the run; when the read
    // ends first, more input decides (the answer never depends on where a
    // read ended).
    let close = match value_key.filter(|_| !wrapped) {
        Some(_) => match closing_quote(buf, run_end) {
            Closing::At(q) => Some(q),
            Closing::NotHere => None,
            Closing::Unknown if eof => None,
            Closing::Unknown => return Outcome::Pending,
        },
        None => None,
    };
    let whole = close.and_then(|q| glued(&buf[at..q]));
    let (end, trailing) = match whole {
        Some((_, len, glued_end)) => (at + len, Some((at + len, at + glued_end))),
        None => (end, None),
    };
    Outcome::Found(Candidate {
        start: at,
        end,
        key: value_key.or_else(|| enclosing_json_key(buf, at)),
        wrapped,
        trailing,
    })
}

/// Text glued to a token in a JSON string value is looked for this far past it.
const GLUED_LOOKAHEAD: usize = 256;

/// Where the JSON string value a token's run ends in closes.
enum Closing {
    /// Its closing quote is at this index.
    At(usize),
    /// Not within reach, or not as a whole value: whitespace, an escape or
    /// a line break comes first (then it is free text inside the string).
    NotHere,
    /// The buffer ends first.
    Unknown,
}

/// The closing quote of the JSON string value whose token run ends at `from`,
/// when only glued text (no whitespace, escape or line break) comes before it.
fn closing_quote(buf: &[u8], from: usize) -> Closing {
    let reach = buf.len().min(from + GLUED_LOOKAHEAD);
    for (i, &b) in buf.iter().enumerate().take(reach).skip(from) {
        match b {
            b'"' => return Closing::At(i),
            b'\\' => return Closing::NotHere,
            b if b.is_ascii_whitespace() || b.is_ascii_control() => return Closing::NotHere,
            _ => {}
        }
    }
    if reach == from + GLUED_LOOKAHEAD {
        Closing::NotHere
    } else {
        Closing::Unknown
    }
}

/// The key of the JSON string value a token stands inside, after other
/// text (`"set-cookie": "sid=eyJ...; Path=/"`): the free-text rules apply
/// inside JSON strings, and the token is labelled with the value's key.
fn enclosing_json_key(buf: &[u8], at: usize) -> Option<(usize, usize)> {
    let lo = at.saturating_sub(KEY_LOOKBACK);
    let quote = lo + memchr::memrchr(b'"', &buf[lo..at])?;
    // A JSON string never holds a raw line break.
    if memchr::memchr2(b'\n', b'\r', &buf[quote..at]).is_some() {
        return None;
    }
    json_key_before(buf, quote + 1)
}

/// A whole value (an argument, a JSON string value) that is a token with
/// text glued to its end: `h.p.s.`, `h.p.s?`, `h.p.s.foo`. Returns the
/// token's start and end (leading whitespace aside) and the end of the
/// glued text; None when the value is a token as it stands, or no token, or
/// holds whitespace (then it is free text, where a full stop after a token
/// is punctuation).
pub fn glued(value: &[u8]) -> Option<(usize, usize, usize)> {
    let lead = value.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let value = value.trim_ascii();
    if !starts_with_anchor(value) || value.iter().any(u8::is_ascii_whitespace) {
        return None;
    }
    let run = token_run_end(value, 0);
    let run_bytes = &value[..run];
    let dots: Vec<usize> = memchr::memchr_iter(b'.', run_bytes).take(5).collect();
    let len = match dots.len() {
        0 | 1 => return None,
        // A JWE, its last segment possibly empty: five parts.
        4 => run,
        2 => run,
        _ => dots[2],
    };
    (len < value.len()).then_some((lead, lead + len, lead + value.len()))
}

/// Where the token starting at `at` ends, and whether it is wrapped over
/// lines; None when more input is needed to tell.
///
/// A token cut into lines (mail, a narrow terminal, `fold`) goes on at the
/// start of the next line while it has fewer than the three segments of a
/// JWS; after that only while its lines keep the width of the lines before,
/// so a complete token at the end of a line never swallows the next line.
fn token_end(buf: &[u8], at: usize, eof: bool) -> Option<(usize, bool)> {
    let starts_line = at == 0 || buf[at - 1] == b'\n';
    let mut line_start = at;
    let mut end = token_run_end(buf, at);
    let mut wrapped = false;
    let mut width = None;
    let mut dots = 0;
    loop {
        if end == buf.len() {
            return (eof).then_some((end, wrapped));
        }
        if !matches!(buf[end], b'\n' | b'\r') {
            return Some((end, wrapped));
        }
        let line = end - line_start;
        let full_width = match width {
            Some(w) => line == w,
            None => {
                if wrapped || starts_line {
                    width = Some(line);
                }
                false
            }
        };
        // Each line's dots are counted once: a token of many short lines
        // without dots (`base64 file.json`) costs linear time.
        dots += memchr::memchr_iter(b'.', &buf[line_start..end]).count();
        #[cfg(test)]
        WRAP_WORK.with(|w| w.set(w.get() + (end - line_start)));
        let go_on = if dots < 2 {
            line >= MIN_WRAP
        } else {
            wrapped && full_width
        };
        // Decided before looking further, so a token ending a line is not
        // held back waiting for the next one (`tail -f`).
        if !go_on {
            return Some((end, wrapped));
        }
        let next = match (buf[end], buf.get(end + 1)) {
            (b'\n', _) => end + 1,
            (b'\r', Some(b'\n')) => end + 2,
            (b'\r', None) if !eof => return None,
            _ => return Some((end, wrapped)),
        };
        if next == buf.len() {
            return eof.then_some((end, wrapped));
        }
        // Continuation lines may be indented or quoted (`> `, `>> `, `> > `).
        let prefix = buf[next..]
            .iter()
            .take(KEY_LOOKBACK)
            .take_while(|&&b| matches!(b, b' ' | b'\t' | b'>'))
            .count();
        let next = next + prefix;
        if next == buf.len() {
            return eof.then_some((end, wrapped));
        }
        let rest = &buf[next..];
        // A line that starts a token of its own is not a continuation (unless a segment just ended).
        let new_token = starts_with_anchor(rest) && buf[end - 1] != b'.';
        if new_token || !rest.first().is_some_and(|&b| is_token_byte(b)) {
            return Some((end, wrapped));
        }
        wrapped = true;
        line_start = next;
        end = token_run_end(buf, next);
    }
}

/// A candidate that is a whole JSON string value: `"key" : "<token>"`.
fn quoted_candidate(buf: &[u8], quote: usize, eof: bool) -> Outcome {
    let start = quote + 1;
    // One walk over the value's token bytes, eight at a time: most values
    // end within a few (`"info"`), or at a byte no token holds (a space, a
    // colon). The walk stops at the closing quote at the latest, and each
    // value quote starts its own, so the scan stays linear.
    let end = token_run_end(buf, start);
    if end == buf.len() && !eof {
        return Outcome::Pending;
    }
    let body = &buf[start..end];
    let closed = buf.get(end) == Some(&b'"');
    if !closed || starts_with_anchor(body) || !quoted_token_shape(body) {
        // Not ours; an `eyJ` inside is found by the other anchor.
        return Outcome::Skip(start);
    }
    match json_key_before(buf, start) {
        Some(key) => Outcome::Found(Candidate {
            start,
            end,
            key: Some(key),
            ..Candidate::default()
        }),
        None => Outcome::Skip(start),
    }
}

/// Three or five dot-separated segments, the first two non-empty. One pass
/// over the bytes: every JSON string value of a log line comes here.
fn quoted_token_shape(body: &[u8]) -> bool {
    if body.len() < MIN_QUOTED_LEN || body[0] == b'.' {
        return false;
    }
    let mut dots = 0;
    let mut last_dot = 0;
    for (i, &b) in body.iter().enumerate() {
        if b == b'.' {
            // The second segment (between the first two dots) must not be empty.
            if dots == 1 && i == last_dot + 1 {
                return false;
            }
            dots += 1;
            last_dot = i;
        }
    }
    dots == 2 || dots == 4
}

/// Length of `tok` without trailing dots past the third segment:
/// `h.p.s.` (a sentence's full stop) becomes `h.p.s`; `h.p.` (alg none) stays.
fn trim_trailing_dots(tok: &[u8]) -> usize {
    let mut len = tok.len();
    if tok.last() != Some(&b'.') {
        return len;
    }
    let mut dots = memchr::memchr_iter(b'.', tok).count();
    while dots > 2 && len > 0 && tok[len - 1] == b'.' {
        // `h.k.iv.ct.`: a JWE whose last segment (the tag) is empty.
        if dots == 4 && len >= 2 && tok[len - 2] != b'.' {
            break;
        }
        len -= 1;
        dots -= 1;
    }
    len
}

/// Where the JSON key of a string value starting at `start` (just after its
/// opening quote) lies: `"access_token" : "` before it gives the offsets of
/// `access_token`.
pub fn json_key_before(buf: &[u8], start: usize) -> Option<(usize, usize)> {
    let lo = start.saturating_sub(KEY_LOOKBACK);
    let mut i = start;
    // The opening quote of the value.
    i = i.checked_sub(1)?;
    if buf[i] != b'"' || i < lo {
        return None;
    }
    i = skip_ws_back(buf, i, lo)?;
    if buf[i - 1] != b':' {
        return None;
    }
    i = skip_ws_back(buf, i - 1, lo)?;
    if buf[i - 1] != b'"' {
        return None;
    }
    let key_end = i - 1;
    let key_start = memchr::memrchr(b'"', &buf[lo..key_end])? + lo + 1;
    if key_start > 0 && buf[key_start - 1] == b'\\' {
        return None;
    }
    let key = &buf[key_start..key_end];
    if std::str::from_utf8(key).is_err() || key.contains(&b'\\') {
        return None;
    }
    Some((key_start, key_end))
}

/// Index just after the last non-whitespace byte before `i` (at least `lo + 1`).
fn skip_ws_back(buf: &[u8], mut i: usize, lo: usize) -> Option<usize> {
    while i > lo && buf[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    (i > lo).then_some(i)
}

/// Is this whole string (a JSON string value) a token? Used for parsed JSON documents.
pub fn is_whole_token(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.iter().all(|&c| is_token_byte(c)) {
        return false;
    }
    if starts_with_anchor(b) {
        return b.contains(&b'.') && trim_trailing_dots(b) == b.len();
    }
    quoted_token_shape(b)
}

/// Every candidate in a complete text (no streaming), as `(start, end, field)`.
pub fn scan_all(text: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    Scanner::default().scan(text, 0, true, |c| out.push(c));
    out
}

/// `scan_all` with every value quote looked at (`ColonQuotes`): the
/// reference the fast path must agree with (tests, the `scan` fuzz target).
#[doc(hidden)]
pub fn scan_all_reference(text: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    let values = ColonQuotes::new(text, 0);
    Scanner::default().scan_with(text, 0, true, values, |c| out.push(c));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    fn found(text: &str) -> Vec<(String, Option<String>)> {
        scan_all(text.as_bytes())
            .into_iter()
            .map(|c| {
                let field = c.field(text.as_bytes()).map(str::to_owned);
                (text[c.start..c.end].to_string(), field)
            })
            .collect()
    }

    #[test]
    fn bare_bearer_cookie_and_log() {
        for text in [
            T.to_string(),
            format!("Authorization: Bearer {T}\r\n"),
            format!("authorization: bearer {T}"),
            format!("Cookie: a=1; session={T}; theme=dark"),
            format!("2024-01-01 INFO GET /api?access_token={T}&x=1 200"),
            format!("Here it is: {T}."),
        ] {
            assert_eq!(found(&text), vec![(T.to_string(), None)], "{text}");
        }
    }

    #[test]
    fn json_keys_label_tokens() {
        let text = format!("{{\"status\" : 200,\n\"access_token\" : \"{T}\", \"b\":\"{T}\"}}");
        let f = found(&text);
        assert_eq!(f[0].1.as_deref(), Some("access_token"));
        assert_eq!(f[1].1.as_deref(), Some("b"));
    }

    #[test]
    fn damaged_header_found_through_its_key() {
        let text = "\"access_token\" : \"Example-OiJSUzI1NiJ9.eyJleHAiOjF9.PC9v\"";
        let f = found(text);
        assert_eq!(
            f,
            vec![(
                "Example-OiJSUzI1NiJ9.eyJleHAiOjF9.PC9v".into(),
                Some("access_token".into())
            )]
        );
    }

    #[test]
    fn version_strings_and_hosts_need_a_key_and_shape() {
        assert!(found("\"1.2.3\" \"www.example.com\"").is_empty());
        assert!(found("xeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln").is_empty());
        assert!(found("eyJhbGciOiJIUzI1NiJ9 alone").is_empty());
    }

    #[test]
    fn alg_none_keeps_its_trailing_dot() {
        assert_eq!(
            found("x eyJhbGciOiJub25lIn0.eyJzIjoxfQ. y")[0].0,
            "eyJhbGciOiJub25lIn0.eyJzIjoxfQ."
        );
    }

    /// The candidates of `text` streamed in two reads, the first ending at `cut`.
    fn scan_cut(text: &str, cut: usize) -> Vec<Candidate> {
        let s = Scanner::default();
        let mut got = Vec::new();
        let p = s.scan(&text.as_bytes()[..cut], 0, false, |c| got.push(c));
        s.scan(text.as_bytes(), p.resume, true, |c| got.push(c));
        got
    }

    #[test]
    fn streaming_resumes_on_a_split_token() {
        let text = format!("aaaa Bearer {T} bbb {T}");
        for cut in 0..text.len() {
            let got = scan_cut(&text, cut);
            assert_eq!(got.len(), 2, "cut at {cut}");
            assert!(got.iter().all(|c| &text[c.start..c.end] == T));
        }
    }

    /// The tokens in `text` as the sink sees them (wrapped ones joined).
    fn texts(text: &str) -> Vec<String> {
        scan_all(text.as_bytes())
            .iter()
            .map(|c| String::from_utf8(c.text(text.as_bytes()).into_owned()).unwrap())
            .collect()
    }

    const LONG: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTcxNDU2NDgwMH0.c2lnbmF0dXJlc2lnbmF0dXJl";

    fn wrap(tok: &str, width: usize, sep: &str) -> String {
        let lines: Vec<&str> = tok
            .as_bytes()
            .chunks(width)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        lines.join(sep)
    }

    #[test]
    fn wrapped_tokens_are_joined() {
        for width in [16, 20, 33, 40, 64, 76] {
            for sep in ["\n", "\r\n"] {
                let text = format!("{}\nnext line\n{T}\n", wrap(LONG, width, sep));
                assert_eq!(texts(&text), [LONG, T], "width {width} {sep:?}");
            }
        }
        // Streaming: cut anywhere, the joined token is the same.
        let text = format!("x\n{}\n", wrap(LONG, 20, "\r\n"));
        for cut in 0..text.len() {
            let got = scan_cut(&text, cut);
            assert_eq!(got.len(), 1, "cut at {cut}");
            assert_eq!(
                got[0].text(text.as_bytes()),
                LONG.as_bytes(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_token_ending_a_line_is_not_held_back() {
        let text = format!("Bearer {T}\n");
        let mut got = Vec::new();
        Scanner::default().scan(text.as_bytes(), 0, false, |c| got.push(c));
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn complete_tokens_do_not_swallow_the_next_line() {
        assert_eq!(texts(&format!("{T}\nnext\n")), [T]);
        assert_eq!(
            texts(&format!("Bearer {LONG}\nabcdefghijklmnopqrstuvwxyz\n")),
            [LONG]
        );
        // A lone header at the end of a line, a token on the next.
        assert_eq!(texts(&format!("h: eyJhbGciOiJIUzI1NiJ9\n{T}")), [T]);
        // A short fragment is not a wrapped line.
        assert!(texts("eyJhbGc\nxyz.abc").is_empty());
    }

    #[test]
    fn value_quotes_after_any_whitespace_and_across_cuts() {
        let d = "Example-OiJSUzI1NiJ9.eyJleHAiOjF9.PC9v";
        let text = format!(
            "a: b \"x\" {{\"k1\":\"{d}\", \"k2\" :\n\t \"{d}\", \"k3\":\r\n\"{d}\", \"k4\":\x0c\"{d}\"}} \"{d}\" {T}"
        );
        let whole = found(&text);
        let keys: Vec<_> = whole.iter().map(|f| f.1.as_deref()).collect();
        // Outside a key-value pair only the `eyJ` anchor applies: the damaged
        // token's payload onwards, then T.
        assert_eq!(
            keys,
            [Some("k1"), Some("k2"), Some("k3"), Some("k4"), None, None]
        );
        for cut in 0..text.len() {
            let got = scan_cut(&text, cut);
            let spans: Vec<_> = got.iter().map(|c| &text[c.start..c.end]).collect();
            let want: Vec<_> = whole.iter().map(|f| f.0.as_str()).collect();
            assert_eq!(spans, want, "cut at {cut}");
        }
    }

    #[test]
    fn whole_token_strings() {
        assert!(is_whole_token(T));
        assert!(is_whole_token("Example-OiJSUzI1NiJ9.eyJleHAiOjF9.PC9v"));
        assert!(!is_whole_token("Bearer x.y.z"));
        assert!(!is_whole_token("1.2.3"));
    }

    /// The value quotes as round 1 found them: one memmem searcher per
    /// colon-and-lead pair, merged. The oracle for `ValueQuotes`.
    fn value_quotes_by_leads(buf: &[u8], from: usize) -> Vec<usize> {
        const LEADS: [&[u8]; 6] = [b":\"", b": ", b":\t", b":\n", b":\r", b":\x0c"];
        let start = from.saturating_sub(KEY_LOOKBACK);
        let mut colons: Vec<usize> = LEADS
            .iter()
            .flat_map(|lead| memmem::find_iter(&buf[start..], lead).map(|i| i + start))
            .collect();
        colons.sort_unstable();
        colons
            .into_iter()
            .filter_map(|colon| {
                let limit = buf.len().min(colon + KEY_LOOKBACK);
                let q = buf[colon + 1..limit]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|n| colon + 1 + n)?;
                (q >= from && buf[q] == b'"').then_some(q)
            })
            .collect()
    }

    /// Round 1's shape test, the oracle for the one-pass `quoted_token_shape`.
    fn shape_by_split(body: &[u8]) -> bool {
        if body.len() < MIN_QUOTED_LEN {
            return false;
        }
        let mut segments = body.split(|&b| b == b'.');
        let count = memchr::memchr_iter(b'.', body).count() + 1;
        let first_two_nonempty = segments.next().is_some_and(|s| !s.is_empty())
            && segments.next().is_some_and(|s| !s.is_empty());
        (count == 3 || count == 5) && first_two_nonempty
    }

    /// Text dense in what the anchors look at: colons, quotes, whitespace, dots, `eyJ`.
    fn dense_text() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(&b":"[..]),
            Just(&b"\""[..]),
            Just(&b" "[..]),
            Just(&b"\t"[..]),
            Just(&b"\r\n"[..]),
            Just(&b"."[..]),
            Just(&b"="[..]),
            Just(&b"eyJ"[..]),
            Just(&b"ab"[..]),
            Just(&b"Zm9v"[..]),
            Just(&b"\"k\":\""[..]),
            Just(&b"\"access_token\" : \""[..]),
            Just(&b"Example-OiJSUzI1NiJ9.eyJleHAiOjF9.PC9v\""[..]),
            Just(&b"Ex-Oi.a.b.cd.e\""[..]),
            Just(T.as_bytes()),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(600))]

        #[test]
        fn value_quotes_are_the_lead_searchers_quotes(text in dense_text(), from in 0usize..400) {
            let from = from.min(text.len());
            let mut values = ColonQuotes::new(&text, from);
            let mut got = Vec::new();
            while let Some(q) = values.next(&text, from) {
                got.push(q);
            }
            proptest::prop_assert_eq!(got, value_quotes_by_leads(&text, from));
        }

        /// The fast finder gives the value quotes whose text, up to the next
        /// quote, has the length and dots of a token (or no next quote).
        #[test]
        fn fast_value_quotes_are_the_plausible_ones(
            text in dense_text(),
            from in 0usize..400,
            steps in proptest::collection::vec(0usize..50, 0..8),
        ) {
            let from = from.min(text.len());
            let plausible: Vec<usize> = value_quotes_by_leads(&text, from)
                .into_iter()
                .filter(|&q| match memchr::memchr(b'"', &text[q + 1..]) {
                    // Unclosed: the scanner decides (or waits), unless the dots rule a token out.
                    None => memchr::memchr_iter(b'.', &text[q + 1..]).count() <= 4,
                    Some(n) => {
                        let dots = memchr::memchr_iter(b'.', &text[q + 1..q + 1 + n]).count();
                        n >= MIN_QUOTED_LEN && (dots == 2 || dots == 4)
                    }
                })
                .collect();
            // Asked from positions that move on as the scanner's do: each
            // answer is the first plausible quote at or after the position.
            let mut values = super::super::values::ValueQuotes::new(&text, from);
            let mut pos = from;
            let mut steps = steps.into_iter();
            loop {
                let want = plausible.iter().copied().find(|&q| q >= pos);
                let got = values.next(&text, pos);
                proptest::prop_assert_eq!(got, want, "from {}", pos);
                let Some(q) = got else { break };
                pos = q + 1 + steps.next().unwrap_or(0);
            }
        }

        /// The scanner with the fast finder finds what it finds looking at every value.
        #[test]
        fn fast_scan_is_the_reference_scan(text in dense_text()) {
            proptest::prop_assert_eq!(scan_all(&text), scan_all_reference(&text));
        }

        #[test]
        fn fast_scan_is_the_reference_scan_on_any_bytes(
            text in proptest::collection::vec(proptest::sample::select(b"\":. \t\n\re.yJwA=-_a0\x01\\".to_vec()), 0..600),
        ) {
            proptest::prop_assert_eq!(scan_all(&text), scan_all_reference(&text));
        }

        #[test]
        fn shape_in_one_pass_is_the_split_shape(body in "[a-c.]{0,16}") {
            proptest::prop_assert_eq!(
                quoted_token_shape(body.as_bytes()),
                shape_by_split(body.as_bytes())
            );
        }

        #[test]
        fn streaming_finds_what_one_buffer_finds(text in dense_text(), cut in 0usize..2000) {
            let text = String::from_utf8(text).unwrap();
            let cut = cut.min(text.len());
            let whole: Vec<_> = scan_all(text.as_bytes());
            proptest::prop_assert_eq!(scan_cut(&text, cut), whole);
        }
    }
}

#[cfg(test)]
mod linear {
    use super::*;

    /// `base64 file.json`: lines of base64, the first starting with `eyJ`, no dot.
    fn wrapped_base64(lines: usize, width: usize) -> Vec<u8> {
        let body = b"QWxpY2Ugd2FzIGJlZ2lubmluZyB0byBnZXQgdmVyeSB0aXJlZA";
        let mut all: Vec<u8> = b"eyJyb3dzIjogW3si".to_vec();
        all.extend(body.iter().copied().cycle().take(lines * width - all.len()));
        let mut text = Vec::new();
        for line in all.chunks(width) {
            text.extend_from_slice(line);
            text.push(b'\n');
        }
        text
    }

    /// The wrap logic looks at each byte a bounded number of times: counted,
    /// not timed. Counting the dots from the token's start on every line (the
    /// old way) looked at lines²/2 lines' worth of bytes: 80 million here.
    #[test]
    fn wrapped_base64_without_dots_is_scanned_in_linear_work() {
        for width in [76, 16] {
            let text = wrapped_base64(8_000, width);
            WRAP_WORK.with(|w| w.set(0));
            assert!(scan_all(&text).is_empty());
            let work = WRAP_WORK.with(|w| w.get());
            assert!(
                work <= 2 * text.len(),
                "width {width}: {work} bytes looked at for {} bytes of input",
                text.len()
            );
        }
    }
}
