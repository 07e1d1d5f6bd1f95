//! Where text comes from (arguments, standard input, files) and the tokens in it.
//!
//! Text is read in fixed-size blocks and scanned as it streams, so a 256 MiB
//! log needs only a block of memory. A small input that is a JSON document is
//! parsed whole, so tokens in arrays and nested objects carry their key.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use memchr::memmem;
use serde_json::Value;

use super::find::{self, Candidate, Scanner};
use super::response::{self, Enclosing, JsonToken};
use crate::error::Error;

/// Bytes read per block.
pub const BLOCK: usize = 256 * 1024;
/// Bytes kept before the scan position, for the left boundary and the JSON key.
pub(super) const CONTEXT: usize = 512;
/// A JSON document larger than this is scanned as text instead of parsed.
pub const JSON_DOC_LIMIT: usize = 4 * 1024 * 1024;
/// The longest token accepted (a 10 MB claim fits).
pub const MAX_TOKEN_LEN: usize = 32 * 1024 * 1024;
/// The most read from one input (so `/dev/zero` or `/dev/urandom` ends).
pub const MAX_INPUT_BYTES: u64 = 4 << 30;
/// The most tokens taken from one input.
pub const MAX_TOKENS: u64 = 10_000_000;
/// Tokens in a JSON document not found verbatim in its text (JSON escapes)
/// before the search for them stops, keeping the search linear.
const MAX_SEARCH_MISSES: usize = 16;

/// The limits one input is read under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub input_bytes: u64,
    pub tokens: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            input_bytes: MAX_INPUT_BYTES,
            tokens: MAX_TOKENS,
        }
    }
}

/// One INPUT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Token text given as the Nth argument (1-based).
    Text {
        index: usize,
        text: String,
    },
    Stdin,
    File(PathBuf),
    /// Text already in memory (a login or refresh answer), named by `label` (its URL).
    Memory {
        label: String,
        text: String,
    },
}

impl Input {
    /// Classify the INPUT arguments: `-` is stdin, an existing path a file, anything else text.
    pub fn from_args(args: &[String]) -> Result<Vec<Input>, Error> {
        args.iter()
            .enumerate()
            .map(|(i, arg)| {
                if arg == "-" {
                    return Ok(Input::Stdin);
                }
                let path = Path::new(arg);
                // A long token is no path: skip the lookup (and ENAMETOOLONG).
                if arg.len() < 4096 && !arg.contains('\n') && path.exists() {
                    if path.is_dir() {
                        return Err(Error::usage(format!(
                            "{arg} is a directory; expected a token, a file, or - for standard input"
                        )));
                    }
                    return Ok(Input::File(path.to_path_buf()));
                }
                Ok(Input::Text { index: i + 1, text: arg.clone() })
            })
            .collect()
    }

    /// How the input is named in messages.
    pub fn describe(&self) -> String {
        match self {
            Input::Text { index, .. } => format!("argument {index}"),
            Input::Stdin => "stdin".to_owned(),
            Input::File(p) => p.display().to_string(),
            Input::Memory { label, .. } => label.clone(),
        }
    }
}

/// A token found in an input.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    /// `argument N`, `stdin`, or `<file>:<line>`.
    pub source: &'a str,
    pub field: Option<&'a str>,
    pub token: &'a str,
    /// A whole argument or JSON string value was this token with text glued
    /// to its end (`h.p.s.`, `h.p.s?`): the glued text. No server accepts
    /// such a value as a token.
    pub trailing: Option<&'a str>,
    /// Found in a JSON object that is a token response (it holds a token
    /// under one of `ACCESS_KEYS`).
    pub in_response: bool,
}

/// The keys under which a token response holds its access token.
pub const ACCESS_KEYS: &[&str] = &["access_token", "accessToken", "token"];

/// What reading one input saw, for the "no token" message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub bytes: u64,
    pub candidates: u64,
    /// The input is a JSON error answer (`{"error": ..., "error_description": ...}`):
    /// its error, quoted, for the message.
    pub error_answer: Option<String>,
}

/// How an input is read.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// `<file>:<line>` sources (a little extra work).
    pub want_lines: bool,
    /// Without line numbers, a large file is scanned on up to this many
    /// threads; None: as many as the machine has processors, asked only
    /// when such a file is read (the question costs a few system calls).
    pub threads: Option<usize>,
    /// A quick look at a token the scanning threads take: tokens it says
    /// no to are counted but not handed on (they would be reported as nothing).
    pub wanted: fn(&str) -> bool,
}

impl Reading {
    /// One thread, every token handed on; `want_lines` as given.
    pub fn simple(want_lines: bool) -> Self {
        Reading {
            want_lines,
            threads: Some(1),
            wanted: |_| true,
        }
    }
}

/// Read `input` and call `each` for every token in it, in order.
pub fn for_each_token(
    input: &Input,
    reading: &Reading,
    each: &mut dyn FnMut(Found) -> Result<(), Error>,
) -> Result<Stats, Error> {
    let want_lines = reading.want_lines;
    match input {
        Input::Text { index, text } => in_memory(&format!("argument {index}"), text, each),
        Input::Memory { label, text } => in_memory(label, text, each),
        Input::Stdin => for_each_token_read(&mut io::stdin().lock(), "stdin", each),
        Input::File(path) => {
            let name = path.display().to_string();
            let mut file = File::open(path).map_err(|e| Error::io(format!("reading {name}"), e))?;
            #[cfg(unix)]
            if !want_lines {
                if let Some(stats) = super::segments::for_each_token(&file, &name, reading, each)? {
                    return Ok(stats);
                }
            }
            let mut sink = Sink::new(Label::File(&name), want_lines, each);
            stream(&mut file, &mut sink).map_err(|e| e.context(&format!("reading {name}")))?;
            Ok(sink.stats)
        }
    }
}

/// Read a stream labelled `label` (as standard input is) and call `each` for every token in it.
pub fn for_each_token_read(
    reader: &mut dyn Read,
    label: &str,
    each: &mut dyn FnMut(Found) -> Result<(), Error>,
) -> Result<Stats, Error> {
    let mut sink = Sink::new(Label::Fixed(label), false, each);
    stream(reader, &mut sink).map_err(|e| e.context(&format!("reading {label}")))?;
    Ok(sink.stats)
}

/// Tokens in text held whole in memory, labelled `label`.
fn in_memory(
    label: &str,
    text: &str,
    each: &mut dyn FnMut(Found) -> Result<(), Error>,
) -> Result<Stats, Error> {
    let mut sink = Sink::new(Label::Fixed(label), false, each);
    sink.stats.bytes = text.len() as u64;
    sink.document(text.as_bytes())?;
    Ok(sink.stats)
}

pub(super) enum Label<'a> {
    Fixed(&'a str),
    File(&'a str),
}

/// Failures while streaming: reading, or the callback's own error.
pub(super) enum StreamError {
    Read(io::Error),
    Limit(String),
    Callback(Error),
}

impl StreamError {
    pub(super) fn context(self, what: &str) -> Error {
        match self {
            StreamError::Read(e) => Error::io(what, e),
            StreamError::Limit(m) => Error::Input(format!("{what}: {m}")),
            StreamError::Callback(e) => e,
        }
    }
}

impl From<Error> for StreamError {
    fn from(e: Error) -> Self {
        StreamError::Callback(e)
    }
}

/// Receives candidates, labels them and hands them on.
pub(super) struct Sink<'a, 'f> {
    label: Label<'a>,
    want_lines: bool,
    each: &'f mut dyn FnMut(Found) -> Result<(), Error>,
    pub(super) stats: Stats,
    /// The tokens being emitted come from a token response.
    in_response: bool,
    /// The tokens being emitted come from a JSON document walked whole
    /// (`in_response` says all); else from text, where a token's object is
    /// looked for when its key names a response's other token.
    in_json: bool,
    enclosing: Enclosing,
    /// Line counting: absolute offset reached and the line number there.
    line_pos: u64,
    line: u64,
    source_buf: String,
    pub(super) limits: Limits,
}

impl<'a, 'f> Sink<'a, 'f> {
    pub(super) fn new(
        label: Label<'a>,
        want_lines: bool,
        each: &'f mut dyn FnMut(Found) -> Result<(), Error>,
    ) -> Self {
        Sink {
            label,
            want_lines,
            each,
            stats: Stats::default(),
            in_response: false,
            in_json: false,
            enclosing: Enclosing::default(),
            line_pos: 0,
            line: 1,
            source_buf: String::new(),
            limits: Limits::default(),
        }
    }

    fn label_name(&self) -> &str {
        match self.label {
            Label::Fixed(s) | Label::File(s) => s,
        }
    }

    /// Hand on the token `c` found in `buf` (under JSON key `field`); `base` is
    /// buf's absolute offset.
    fn emit(
        &mut self,
        buf: &[u8],
        base: u64,
        c: &Candidate,
        field: Option<&str>,
        trailing: Option<&str>,
    ) -> Result<(), Error> {
        let start = c.start;
        self.stats.candidates += 1;
        if self.stats.candidates > self.limits.tokens {
            return Err(too_many_tokens(self.label_name(), self.limits.tokens));
        }
        if c.end - c.start > MAX_TOKEN_LEN {
            return Err(Error::Input(format!(
                "{}: {}",
                self.label_name(),
                too_long(base + start as u64)
            )));
        }
        let text = c.text(buf);
        // The scanner only accepts ASCII token bytes, so this cannot fail.
        let Ok(token) = std::str::from_utf8(&text) else {
            return Ok(());
        };
        let source: &str = match self.label {
            Label::Fixed(s) => s,
            Label::File(name) => {
                if self.want_lines {
                    let abs = base + start as u64;
                    if abs > self.line_pos {
                        let from = (self.line_pos - base) as usize;
                        self.line += memchr::memchr_iter(b'\n', &buf[from..start]).count() as u64;
                        self.line_pos = abs;
                    }
                    self.source_buf.clear();
                    self.source_buf.push_str(name);
                    self.source_buf.push(':');
                    self.source_buf
                        .push_str(itoa::Buffer::new().format(self.line));
                    &self.source_buf
                } else {
                    name
                }
            }
        };
        let in_response = self.in_response
            || (!self.in_json
                && field.is_some_and(response::names_a_sibling)
                && self
                    .enclosing
                    .in_response(buf, base, (c.start, c.end), token));
        (self.each)(Found {
            source,
            field,
            token,
            trailing,
            in_response,
        })
    }

    /// Keep line counting right when `buf[..n]` (at absolute `base`) is dropped.
    fn forget(&mut self, buf: &[u8], base: u64, n: usize) {
        if !self.want_lines {
            return;
        }
        let end = base + n as u64;
        if end > self.line_pos {
            let from = (self.line_pos - base) as usize;
            self.line += memchr::memchr_iter(b'\n', &buf[from..n]).count() as u64;
            self.line_pos = end;
        }
    }

    /// A whole input held in memory: a JSON document, else text.
    fn document(&mut self, text: &[u8]) -> Result<(), Error> {
        if looks_like_json(text) && text.len() <= JSON_DOC_LIMIT {
            if let Ok(value) = serde_json::from_slice::<Value>(text) {
                self.stats.error_answer = error_answer(&value);
                return self.json(text, &value);
            }
        }
        if let Some((start, end, glued_end)) = find::glued(text) {
            let c = Candidate {
                start,
                end,
                trailing: Some((end, glued_end)),
                ..Candidate::default()
            };
            return self.emit(text, 0, &c, None, c.trailing(text));
        }
        let scanner = Scanner::default();
        let mut result = Ok(());
        scanner.scan(text, 0, true, |c: Candidate| {
            if result.is_ok() {
                result = self.emit(text, 0, &c, c.field(text), c.trailing(text));
            }
        });
        result
    }

    /// Tokens among the string values of a parsed JSON document, labelled with their key.
    fn json(&mut self, text: &[u8], value: &Value) -> Result<(), Error> {
        let mut found: Vec<JsonToken> = Vec::new();
        response::collect_json(value, None, false, &mut found);
        let mut at = 0;
        let mut misses = 0;
        self.in_json = true;
        for (field, token, trailing, in_response) in found {
            let trailing = trailing.as_deref();
            self.in_response = in_response;
            // Locate it in the text for its line number (JSON escapes aside, it is there verbatim).
            let pos = if misses < MAX_SEARCH_MISSES {
                memmem::find(&text[at..], token.as_bytes()).map(|p| p + at)
            } else {
                None
            };
            misses += usize::from(pos.is_none());
            let c = |start| Candidate {
                start,
                end: start + token.len(),
                ..Candidate::default()
            };
            match pos {
                Some(p) => {
                    self.emit(text, 0, &c(p), field, trailing)?;
                    at = p + token.len();
                }
                None => self.emit(token.as_bytes(), 0, &c(0), field, trailing)?,
            }
        }
        self.in_response = false;
        self.in_json = false;
        Ok(())
    }
}

/// The error for an input holding more than `limit` tokens.
pub(super) fn too_many_tokens(label: &str, limit: u64) -> Error {
    Error::Input(format!(
        "{label}: more than {limit} tokens, the limit for one input; split it"
    ))
}

fn too_long(at: u64) -> String {
    format!(
        "a token longer than {} MiB at byte {at}, the token size limit",
        MAX_TOKEN_LEN >> 20
    )
}

fn looks_like_json(text: &[u8]) -> bool {
    matches!(
        text.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// `error "invalid_grant", error_description "Bad credentials"` for a JSON
/// error answer (an object with an `error` member), else None.
fn error_answer(value: &Value) -> Option<String> {
    let map = value.as_object()?;
    map.get("error")?;
    let parts: Vec<String> = ["error", "error_description", "message", "detail"]
        .iter()
        .filter_map(|k| {
            let v = map.get(*k)?;
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some(format!("{k} {}", crate::sanitize::quoted(&text)))
        })
        .collect();
    Some(parts.join(", "))
}

/// Where the first JSON value of a stream ends, found as its bytes arrive:
/// brackets counted outside strings, each byte looked at once.
#[derive(Default)]
struct FirstValue {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Bytes looked at so far.
    seen: usize,
}

impl FirstValue {
    /// The end of the first value in `buf` (which grows between calls), once complete.
    fn feed(&mut self, buf: &[u8]) -> Option<usize> {
        let mut i = self.seen;
        while i < buf.len() {
            let b = buf[i];
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                } else {
                    // A string's plain bytes, up to its next quote or
                    // backslash, in one SIMD search (JSON is mostly strings).
                    i = memchr::memchr2(b'"', b'\\', &buf[i..]).map_or(buf.len(), |n| i + n);
                    continue;
                }
                i += 1;
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.seen = i + 1;
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.seen = buf.len();
        None
    }
}

/// A read buffer whose spare room is zeroed once, not on every read.
pub(super) struct Block {
    data: Vec<u8>,
    len: usize,
}

impl Block {
    pub(super) fn new() -> Self {
        Block {
            data: vec![0; BLOCK],
            len: 0,
        }
    }

    pub(super) fn filled(&self) -> &[u8] {
        &self.data[..self.len]
    }

    /// One read of up to a block; Ok(0) at end of input.
    pub(super) fn read_from(&mut self, reader: &mut dyn Read) -> io::Result<usize> {
        if self.data.len() - self.len < BLOCK / 2 {
            let grown = (self.len + BLOCK).max(self.data.len() * 2);
            self.data.resize(grown, 0);
        }
        loop {
            match reader.read(&mut self.data[self.len..]) {
                Ok(n) => {
                    self.len += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Forget the first `n` bytes.
    fn consume(&mut self, n: usize) {
        self.data.copy_within(n..self.len, 0);
        self.len -= n;
    }
}

/// Stream a reader through the scanner in blocks.
pub(super) fn stream(reader: &mut dyn Read, sink: &mut Sink) -> Result<(), StreamError> {
    let mut block = Block::new();
    let mut eof;
    // Text is scanned as it arrives: a terminal or a quiet pipe (`tail -f`)
    // shows each line's tokens before more input comes. Input that opens
    // like JSON is read until its first value is complete (within
    // JSON_DOC_LIMIT); that value is parsed whole, so its tokens carry their
    // keys, and whatever follows (JSON Lines) is scanned as text.
    let mut first = FirstValue::default();
    let mut from = 0;
    loop {
        eof = block.read_from(reader).map_err(StreamError::Read)? == 0;
        let buf = block.filled();
        if eof {
            if looks_like_json(buf) {
                sink.stats.bytes = block.len as u64;
                return sink.document(buf).map_err(StreamError::Callback);
            }
            break;
        }
        match buf.iter().find(|b| !b.is_ascii_whitespace()) {
            None => continue,
            Some(b'{' | b'[') if block.len <= JSON_DOC_LIMIT => {
                if let Some(end) = first.feed(buf) {
                    sink.document(&buf[..end]).map_err(StreamError::Callback)?;
                    from = end;
                    break;
                }
            }
            Some(_) => break,
        }
    }
    scan_text(reader, sink, block, from, eof, 0)
}

/// Scan `block` from `from` on as text, and the rest of `reader` after it;
/// `base` is the offset in the input of the block's first byte (the bytes
/// before `from` are context: the left boundary, a JSON key).
pub(super) fn scan_text(
    reader: &mut dyn Read,
    sink: &mut Sink,
    mut block: Block,
    mut from: usize,
    mut eof: bool,
    mut base: u64,
) -> Result<(), StreamError> {
    let scanner = Scanner::default();
    loop {
        let buf = block.filled();
        let mut result = Ok(());
        let progress = scanner.scan(buf, from, eof, |c| {
            if result.is_ok() {
                result = sink.emit(buf, base, &c, c.field(buf), c.trailing(buf));
            }
        });
        result?;
        if eof {
            sink.stats.bytes = base + buf.len() as u64;
            return Ok(());
        }
        if buf.len() - progress.resume > MAX_TOKEN_LEN {
            return Err(StreamError::Limit(too_long(base + progress.resume as u64)));
        }
        if base + buf.len() as u64 >= sink.limits.input_bytes {
            return Err(StreamError::Limit(format!(
                "stopped after {} bytes, the input size limit ({} GiB); split the input",
                base + buf.len() as u64,
                sink.limits.input_bytes >> 30
            )));
        }
        // Drop what is scanned, keeping some context before the resume point.
        let drop = progress.resume.saturating_sub(CONTEXT);
        sink.forget(buf, base, drop);
        block.consume(drop);
        base += drop as u64;
        from = progress.resume - drop;
        // A long candidate is rescanned after each read: read at least as much
        // again as is pending first, so the rescans add up to linear time.
        let target = block.len + (block.len - from);
        loop {
            eof = block.read_from(reader).map_err(StreamError::Read)? == 0;
            if eof || block.len >= target || block.len - from < BLOCK / 2 {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens_in(reader: &mut dyn Read, want_lines: bool) -> Vec<(String, Option<String>, String)> {
        let mut out = Vec::new();
        let mut each = |f: Found| {
            out.push((
                f.source.to_owned(),
                f.field.map(str::to_owned),
                f.token.to_owned(),
            ));
            Ok(())
        };
        let mut sink = Sink::new(Label::File("log"), want_lines, &mut each);
        assert!(stream(reader, &mut sink).is_ok());
        out
    }

    const T: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    /// A reader that hands out a few bytes at a time, to split tokens across reads.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn line_numbers_across_blocks() {
        let mut text = String::new();
        for i in 0..3000 {
            if i % 1000 == 7 {
                text.push_str(&format!("line {i} Bearer {T}\n"));
            } else {
                text.push_str(&"ordinary log line with some words in it ".repeat(3));
                text.push('\n');
            }
        }
        let found = tokens_in(&mut text.as_bytes(), true);
        let sources: Vec<_> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(sources, ["log:8", "log:1008", "log:2008"]);
        let found = tokens_in(&mut Trickle(text.as_bytes(), 7), true);
        assert_eq!(found.len(), 3);
        assert_eq!(found[2].0, "log:2008");
    }

    /// Text glued to a token in a JSON string value of the JSON Lines after
    /// the first value is seen wherever the reads end (issue 13.5).
    #[test]
    fn glued_text_in_json_lines_is_seen_across_reads() {
        let text = format!(
            "{{\"a\":1}}\n{{\"access_token\":\"{T}?\"}}\n{{\"token\":\"{T}\"}}\n{{\"t\":\"{T}? no\"}}\n"
        );
        for step in [1, 2, 3, 5, 7, 64, text.len()] {
            let mut trailing = Vec::new();
            let mut each = |f: Found| {
                trailing.push(f.trailing.map(str::to_owned));
                Ok(())
            };
            let mut sink = Sink::new(Label::File("log"), true, &mut each);
            assert!(stream(&mut Trickle(text.as_bytes(), step), &mut sink).is_ok());
            assert_eq!(
                trailing,
                [Some("?".to_owned()), None, None],
                "reads of {step}"
            );
        }
    }

    #[test]
    fn json_document_labels_arrays_and_nesting() {
        let doc =
            format!("{{\"data\": {{\"tokens\": [\"{T}\", \"{T}\"]}}, \"h\": \"Bearer {T}\"}}");
        let found = tokens_in(&mut doc.as_bytes(), true);
        let fields: Vec<_> = found.iter().map(|f| f.1.as_deref().unwrap()).collect();
        assert_eq!(fields, ["tokens", "tokens", "h"]);
    }

    #[test]
    fn limits_stop_the_input_and_say_which() {
        let text = format!("{T}\n").repeat(5);
        let mut n = 0;
        let mut each = |_: Found| {
            n += 1;
            Ok(())
        };
        let mut sink = Sink::new(Label::Fixed("stdin"), false, &mut each);
        sink.limits.tokens = 3;
        let err = stream(&mut text.as_bytes(), &mut sink).err().unwrap();
        let msg = err.context("reading stdin").to_string();
        assert_eq!(
            msg,
            "stdin: more than 3 tokens, the limit for one input; split it"
        );
        assert_eq!(n, 3);

        let zeros = vec![0u8; 3 * BLOCK];
        let mut each = |_: Found| Ok(());
        let mut sink = Sink::new(Label::Fixed("stdin"), false, &mut each);
        sink.limits.input_bytes = BLOCK as u64;
        let err = stream(&mut zeros.as_slice(), &mut sink).err().unwrap();
        let msg = err.context("reading stdin").to_string();
        assert!(msg.contains("the input size limit"), "{msg}");
    }

    #[test]
    fn a_long_token_arriving_in_small_reads_is_whole() {
        let long = format!(
            "x {}.{}.c2ln y",
            "eyJ".repeat(400_000),
            "A".repeat(1_000_000)
        );
        let found = tokens_in(&mut Trickle(long.as_bytes(), 65536), false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2.len(), long.len() - 4);
    }

    #[test]
    fn json_lines_log_is_scanned_as_text() {
        let doc = format!("{{\"id_token\":\"{T}\"}}\n{{\"x\":1}}\n");
        let found = tokens_in(&mut doc.as_bytes(), false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.as_deref(), Some("id_token"));
        assert_eq!(found[0].0, "log");
    }

    /// The first value's end, one byte at a time: what `FirstValue::feed`
    /// must find however the bytes arrive.
    fn first_value_end(buf: &[u8]) -> Option<usize> {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        for (i, &b) in buf.iter().enumerate() {
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn first_value_is_found_across_reads(
            bytes in proptest::collection::vec(proptest::sample::select(b"{}[]\"\\ a:,".to_vec()), 0..200),
            cuts in proptest::collection::vec(0usize..200, 0..6),
        ) {
            let text: Vec<u8> = [b"{".as_slice(), &bytes].concat();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(text.len())).collect();
            cuts.sort_unstable();
            cuts.push(text.len());
            let mut first = FirstValue::default();
            let mut found = None;
            for cut in cuts {
                if let Some(end) = first.feed(&text[..cut]) {
                    found = Some(end);
                    break;
                }
            }
            proptest::prop_assert_eq!(found, first_value_end(&text));
        }
    }
}
