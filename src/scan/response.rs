//! Token responses: a JSON object holding a token under an access key
//! (`access_token`, `accessToken`, `token`). Its access token is the one a
//! run checks; its other tokens (`refresh_token`, `id_token`, ...) are shown
//! unchecked. A JSON document is walked whole (`collect_json`); a login
//! answer inside text (the body of a `curl -v` dump, a JSON Lines log) is
//! found from the token outwards (`Enclosing`).

use std::borrow::Cow;

use serde_json::Value;

use super::find;
use super::input::ACCESS_KEYS;

/// A token in a JSON document: the key it stood under, the token, and the
/// text glued to its end when the string value was the token and more.
/// ... and whether it is in a token response.
pub(super) type JsonToken<'v> = (Option<&'v str>, Cow<'v, str>, Option<Cow<'v, str>>, bool);

/// Walk a JSON value; strings holding tokens are collected with the nearest
/// key. Object keys are strings too: a token used as a key is collected
/// under its object's key.
pub(super) fn collect_json<'v>(
    value: &'v Value,
    key: Option<&'v str>,
    in_response: bool,
    out: &mut Vec<JsonToken<'v>>,
) {
    match value {
        Value::String(s) => collect_string(s, key, in_response, out),
        Value::Array(items) => items
            .iter()
            .for_each(|v| collect_json(v, key, in_response, out)),
        Value::Object(map) => {
            let response = in_response || is_token_response(map);
            map.iter().for_each(|(k, v)| {
                collect_string(k, key, response, out);
                collect_json(v, Some(k), response, out);
            })
        }
        _ => {}
    }
}

/// A JSON object holding a token under `access_token`, `accessToken` or `token`.
fn is_token_response(map: &serde_json::Map<String, Value>) -> bool {
    ACCESS_KEYS.iter().any(|k| {
        map.get(*k).and_then(Value::as_str).is_some_and(|s| {
            find::is_whole_token(s)
                || find::glued(s.as_bytes()).is_some()
                || !find::scan_all(s.as_bytes()).is_empty()
        })
    })
}

/// The tokens in one JSON string: the whole string, the whole string with
/// text glued on, or tokens in it as in free text.
fn collect_string<'v>(
    s: &'v str,
    key: Option<&'v str>,
    in_response: bool,
    out: &mut Vec<JsonToken<'v>>,
) {
    if find::is_whole_token(s) {
        out.push((key, Cow::Borrowed(s), None, in_response));
    } else if let Some((start, end, glued_end)) = find::glued(s.as_bytes()) {
        // Token bytes are ASCII: these are char boundaries.
        let token = s.get(start..end).map(Cow::Borrowed);
        let glued = s.get(end..glued_end).map(Cow::Borrowed);
        if let Some(token) = token {
            out.push((key, token, glued, in_response));
        }
    } else {
        for c in find::scan_all(s.as_bytes()) {
            // Token bytes are ASCII: this is lossless.
            let text = match c.text(s.as_bytes()) {
                Cow::Borrowed(b) => String::from_utf8_lossy(b),
                Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(&b).into_owned()),
            };
            out.push((key, text, None, in_response));
        }
    }
}

/// Is `field` a name a token response gives its other tokens
/// (`refresh_token`, `id_token`, `refreshToken`, ...)? Only these send the
/// search for their object: keys like `Authorization` stand in every line
/// of a log, and no token response names its tokens so.
pub(super) fn names_a_sibling(field: &str) -> bool {
    // Bytes, not a str slice: the name may be any text, and its fifth
    // byte from the end need not start a character.
    let name = field.as_bytes();
    let ends_in_token = name.len() > 5 && name[name.len() - 5..].eq_ignore_ascii_case(b"token");
    ends_in_token && !ACCESS_KEYS.contains(&field)
}

/// How far before a token its object may open.
const LOOKBACK: usize = 64 * 1024;
/// How far past its opening brace an object is read.
const WINDOW: usize = 64 * 1024;
/// Opening braces tried per token, innermost first: the objects the token
/// may be in, as many levels as real answers nest and some to spare.
const TRIES: usize = 8;
/// Bytes these searches may look at, walking back to braces and parsing
/// forward (to where each parse ended or failed), past which they stop (a
/// token is then taken as outside any response): 16 MiB and eight times
/// the input read so far, so that hostile input (braces, closed or never
/// closed, around many tokens) costs linear time.
const BUDGET_BASE: u64 = 16 << 20;
const BUDGET_PER_BYTE: u64 = 8;

/// The objects around tokens found in text, one search per object: the
/// last one found is kept, and a token inside it is judged without a parse.
#[derive(Default)]
pub(super) struct Enclosing {
    /// The last object found around a token.
    last: Option<Object>,
    /// Bytes looked at so far (BUDGET_BASE).
    spent: u64,
}

/// A JSON object in the input: its absolute span, and its tokens with
/// whether each is in a token response.
struct Object {
    from: u64,
    to: u64,
    tokens: Vec<(String, bool)>,
}

impl Object {
    fn holds(&self, from: u64, to: u64) -> bool {
        self.from <= from && to <= self.to
    }

    /// Whether `token` is among the tokens in a token response.
    fn in_response(&self, token: &str) -> bool {
        self.tokens
            .iter()
            .any(|(t, response)| *response && t == token)
    }
}

impl Enclosing {
    /// Is the token `buf[start..end]` (`base` is buf's absolute offset;
    /// `token` its text) inside a JSON object of `buf` that makes it a
    /// token response's other token? False when no such object is found
    /// within LOOKBACK before it and the bytes read so far.
    pub(super) fn in_response(
        &mut self,
        buf: &[u8],
        base: u64,
        (start, end): (usize, usize),
        token: &str,
    ) -> bool {
        let (abs_start, abs_end) = (base + start as u64, base + end as u64);
        if let Some(last) = self.last.as_ref().filter(|o| o.holds(abs_start, abs_end)) {
            return last.in_response(token);
        }
        let lo = start.saturating_sub(LOOKBACK);
        let budget = BUDGET_BASE + BUDGET_PER_BYTE * (base + buf.len() as u64);
        let before = &buf[lo..start];
        // The backward scan counts against the budget too, byte for byte.
        let mut scanned = before.len();
        let mut braces = unclosed_braces(before);
        let mut innermost = None;
        for _ in 0..TRIES {
            if self.spent > budget {
                break;
            }
            let Some(at) = braces.next() else {
                self.spent += scanned as u64;
                break;
            };
            self.spent += (scanned - at) as u64;
            scanned = at;
            let open = lo + at;
            let Some((value, close)) = self.parse_at(buf, open) else {
                continue;
            };
            if close < end {
                // A closed object before the token: not around it.
                continue;
            }
            let mut found = Vec::new();
            collect_json(&value, None, false, &mut found);
            let object = Object {
                from: base + open as u64,
                to: base + close as u64,
                tokens: found
                    .into_iter()
                    .map(|(_, t, _, response)| (t.into_owned(), response))
                    .collect(),
            };
            if object.in_response(token) {
                self.last = Some(object);
                return true;
            }
            // An outer object may still be the response.
            innermost.get_or_insert(object);
        }
        if innermost.is_some() {
            self.last = innermost;
        }
        false
    }

    /// The JSON value that opens at `buf[open]` (read at most WINDOW bytes
    /// far) and where it ends; the bytes read count against the budget.
    fn parse_at(&mut self, buf: &[u8], open: usize) -> Option<(Value, usize)> {
        let text = &buf[open..buf.len().min(open + WINDOW)];
        let mut values = serde_json::Deserializer::from_slice(text).into_iter::<Value>();
        match values.next()? {
            Ok(value) => {
                let read = values.byte_offset();
                self.spent += read as u64;
                Some((value, open + read))
            }
            Err(e) => {
                self.spent += parsed_to(text, &e) as u64;
                None
            }
        }
    }
}

/// The opening braces of `text` that no later `}` closes, last first: the
/// objects a token right after `text` may be in. Braces are paired without
/// regard to strings (read backwards, a string's bounds are not known), so
/// a brace inside a string can mislead: each one is confirmed by a parse.
fn unclosed_braces(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut depth = 0usize;
    memchr::memrchr2_iter(b'{', b'}', text).filter(move |&at| {
        if text[at] == b'}' {
            depth += 1;
            false
        } else if depth > 0 {
            depth -= 1;
            false
        } else {
            true
        }
    })
}

/// How far into `text` the parse that failed with `e` read: the byte of
/// its line and column (the whole text when they are past it).
fn parsed_to(text: &[u8], e: &serde_json::Error) -> usize {
    let line_start = match e.line() {
        0 | 1 => 0,
        n => memchr::memchr_iter(b'\n', text)
            .nth(n - 2)
            .map_or(text.len(), |nl| nl + 1),
    };
    (line_start + e.column()).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
    const R: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyIn0.c2ln";

    fn span(buf: &str, token: &str, nth: usize) -> (usize, usize) {
        let start = buf.match_indices(token).nth(nth).expect("present").0;
        (start, start + token.len())
    }

    #[test]
    fn the_names_of_a_responses_other_tokens() {
        for yes in [
            "refresh_token",
            "refreshToken",
            "id_token",
            "ID_TOKEN",
            "idToken",
        ] {
            assert!(names_a_sibling(yes), "{yes}");
        }
        for no in [
            "access_token",
            "accessToken",
            "token",
            "Authorization",
            "tokens",
            "jwt",
        ] {
            assert!(!names_a_sibling(no), "{no}");
        }
        // Any text: a multi-byte character across the last five bytes
        // (found by the inspect fuzz target: it panicked slicing there).
        for text in ["QҜ͊n", "ҜҜҜ", "éééé", "x\u{1F600}"] {
            assert!(!names_a_sibling(text), "{text}");
        }
        assert!(names_a_sibling("Ҝ_token"));
    }

    #[test]
    fn the_object_around_the_token_is_read_once() {
        let buf = format!(
            "< HTTP/1.1 200\n{{\"access_token\":\"{A}\",\"refresh_token\":\"{R}\",\"id_token\":\"{R}\"}}\n{{\"refresh_token\":\"{R}\"}}\n"
        );
        let mut around = Enclosing::default();
        // Absolute offsets: the buffer may start anywhere in the input.
        assert!(around.in_response(buf.as_bytes(), 5000, span(&buf, R, 0), R));
        let spent = around.spent;
        assert!(spent > 0);
        assert!(around.in_response(buf.as_bytes(), 5000, span(&buf, R, 1), R));
        assert_eq!(
            around.spent, spent,
            "the second token of the object: no parse"
        );
        // The next line's object holds no access token.
        assert!(!around.in_response(buf.as_bytes(), 5000, span(&buf, R, 2), R));
        assert!(around.spent > spent);
    }

    #[test]
    fn closed_objects_before_the_token_cost_no_try() {
        // Twenty closed objects between the response's brace and the token:
        // only the braces still open there are tried.
        let closed = r#"{"a":{"b":1}},"#.repeat(20);
        let buf = format!(
            "{{\"access_token\":\"{A}\",\"list\":[{closed}{{}}],\"data\":{{\"refresh_token\":\"{R}\"}}}}"
        );
        let mut around = Enclosing::default();
        assert!(around.in_response(buf.as_bytes(), 0, span(&buf, R, 0), R));
        let opens: Vec<usize> = unclosed_braces(&buf.as_bytes()[..span(&buf, R, 0).0]).collect();
        assert_eq!(opens, [buf.find("{\"refresh").unwrap(), 0]);
    }

    #[test]
    fn the_backward_scan_is_counted_against_the_budget() {
        // Closing braces before every token: each search walks back over
        // all of them (no brace is left open), and those bytes are counted.
        let n = 20;
        let braces = 60_000;
        let buf = format!(
            "{}{}",
            "}".repeat(braces),
            format!("\"refresh_token\":\"{R}\" ").repeat(n)
        );
        let starts: Vec<usize> = buf.match_indices(R).map(|(at, _)| at).collect();
        let mut around = Enclosing::default();
        for start in starts {
            assert!(!around.in_response(buf.as_bytes(), 0, (start, start + R.len()), R));
        }
        assert!(around.spent >= (n * braces) as u64, "{}", around.spent);
    }

    #[test]
    fn an_object_not_closed_in_the_window_is_no_response() {
        let buf = format!("{{\"access_token\":\"{A}\",\"refresh_token\":\"{R}\",\"more\":");
        let mut around = Enclosing::default();
        assert!(!around.in_response(buf.as_bytes(), 0, span(&buf, R, 0), R));
    }

    #[test]
    fn a_failed_parse_counts_the_bytes_up_to_its_error() {
        let text = b"{\"a\": 1,\n \"b\": [1,\n  2 x";
        let e = serde_json::from_slice::<Value>(text).unwrap_err();
        assert_eq!((e.line(), e.column()), (3, 5));
        assert_eq!(parsed_to(text, &e), text.len());
        let short = b"{\"a\" 1}";
        let e = serde_json::from_slice::<Value>(short).unwrap_err();
        assert_eq!(parsed_to(short, &e), 6);
    }

    #[test]
    fn braces_that_never_close_cost_linear_work() {
        let line = format!("{{\"a\":{{\"b\":{{\"refresh_token\":\"{R}\" ");
        let n = 5000;
        let buf = line.repeat(n);
        let mut around = Enclosing::default();
        let starts: Vec<usize> = buf.match_indices(R).map(|(at, _)| at).collect();
        assert_eq!(starts.len(), n);
        for start in starts {
            let token = (start, start + R.len());
            assert!(!around.in_response(buf.as_bytes(), 0, token, R));
        }
        // A failed parse is counted up to its error: the work stays within
        // the budget (plus the one window read when it ran out).
        let budget = BUDGET_BASE + BUDGET_PER_BYTE * buf.len() as u64;
        assert!(around.spent <= budget + WINDOW as u64, "{}", around.spent);
    }
}
