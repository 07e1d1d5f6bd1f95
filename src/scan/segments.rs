//! A large regular file scanned on several threads.
//!
//! The file is cut into segments at line ends that no token can run across:
//! the line's last byte (a `\r` aside) is no token byte, so no token ends
//! there and none goes on, wrapped, into the next line; a JSON string value
//! never holds a line break. Each segment is scanned as the one-thread
//! stream scans it, with the bytes before it as context (the left boundary
//! of a token, the JSON key before it), so it finds what the one-thread
//! scan finds there. Worker `w` scans segments `w`, `w + n`, `w + 2n`, ...;
//! the reading thread hands their tokens on in file order, and reports
//! errors where the one-thread scan would have met them. Each worker runs
//! at most `QUEUE` batches ahead, so memory stays bounded whatever the
//! file's size.
//!
//! A file without such line ends (one token per line, one long line) is one
//! segment: scanned on one thread as before.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::sync::mpsc::{self, Receiver, SyncSender};

use super::batch::Batch;
use super::find;
use super::input::{
    self, Block, Found, Label, Limits, Reading, Sink, Stats, CONTEXT, JSON_DOC_LIMIT,
};
use crate::error::Error;

/// The size a segment is cut at (then moved to the next safe line end).
const SEGMENT: u64 = 8 << 20;
/// A safe line end is looked for this far past a cut; none there, and the
/// segment goes on to the next cut.
const REACH: usize = 64 * 1024;
/// Batches a worker may have waiting for the reading thread.
const QUEUE: usize = 4;

// The first segment must hold the whole first-value look of `stream`.
const _: () = assert!(SEGMENT as usize > JSON_DOC_LIMIT + input::BLOCK);

/// What a worker tells the reading thread, per segment in order.
enum Message {
    Tokens(Batch),
    /// The segment is scanned: what it saw, or why it stopped.
    End(Result<Stats, Error>),
}

/// Scan `file` on `threads` workers and call `each` for every token in file
/// order; None (nothing read) when the file is not worth cutting: small,
/// not a regular file, or without safe line ends.
pub(super) fn for_each_token(
    file: &File,
    name: &str,
    reading: &Reading,
    each: &mut dyn FnMut(Found) -> Result<(), Error>,
) -> Result<Option<Stats>, Error> {
    in_segments(file, name, reading, SEGMENT, Limits::default(), each)
}

/// `for_each_token` with segments cut at `segment` bytes (small in the
/// tests: then the text must not open like JSON, the first segment being
/// too short for `stream`'s look at a first JSON value).
fn in_segments(
    file: &File,
    name: &str,
    reading: &Reading,
    segment: u64,
    limits: Limits,
    each: &mut dyn FnMut(Found) -> Result<(), Error>,
) -> Result<Option<Stats>, Error> {
    let context = |e| Error::io(format!("reading {name}"), e);
    let meta = file.metadata().map_err(context)?;
    let size = meta.len();
    if !meta.is_file() || size < 2 * segment || size >= limits.input_bytes {
        return Ok(None);
    }
    let threads = reading
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads < 2 {
        return Ok(None);
    }
    let starts = cuts(file, size, segment).map_err(context)?;
    if starts.len() < 2 {
        return Ok(None);
    }
    let workers = threads.min(starts.len());
    std::thread::scope(|scope| {
        let mut queues = Vec::with_capacity(workers);
        for w in 0..workers {
            let (send, receive) = mpsc::sync_channel(QUEUE);
            queues.push(receive);
            let starts = &starts;
            scope.spawn(move || {
                for seg in (w..starts.len()).step_by(workers) {
                    let end = starts.get(seg + 1).copied();
                    let stats = scan_segment(file, name, starts[seg], end, reading.wanted, &send);
                    if send.send(Message::End(stats)).is_err() {
                        return;
                    }
                }
            });
        }
        // Returning drops the queues: a worker still scanning stops at its next batch.
        hand_on(&queues, starts.len(), name, limits, each).map(Some)
    })
}

/// The tokens of every segment in file order, from the workers' queues.
fn hand_on(
    queues: &[Receiver<Message>],
    segments: usize,
    name: &str,
    limits: Limits,
    each: &mut dyn FnMut(Found) -> Result<(), Error>,
) -> Result<Stats, Error> {
    let mut stats = Stats::default();
    let mut count = 0u64;
    for seg in 0..segments {
        loop {
            let message = queues[seg % queues.len()]
                .recv()
                .map_err(|_| Error::Internal(format!("a thread scanning {name} stopped")))?;
            match message {
                Message::Tokens(batch) => {
                    // Counted in file order, the passed-over ones too, so
                    // the limit stops at the token the one-thread scan stops at.
                    let mut counted = |n: u64| {
                        count += n;
                        match count > limits.tokens {
                            true => Err(input::too_many_tokens(name, limits.tokens)),
                            false => Ok(()),
                        }
                    };
                    for (skipped, found) in batch.counted() {
                        counted(skipped)?;
                        counted(1)?;
                        each(found)?;
                    }
                    counted(batch.skipped_after())?;
                }
                Message::End(Ok(seen)) => {
                    stats.bytes = seen.bytes;
                    stats.candidates += seen.candidates;
                    if seg == 0 {
                        stats.error_answer = seen.error_answer;
                    }
                    break;
                }
                Message::End(Err(e)) => return Err(e),
            }
        }
    }
    Ok(stats)
}

/// Where the segments start: 0, then the first safe line end at or after
/// each multiple of SEGMENT (within REACH of it).
fn cuts(file: &File, size: u64, segment: u64) -> io::Result<Vec<u64>> {
    let mut starts = vec![0];
    let mut buf = vec![0; REACH];
    let mut at = segment;
    while at + segment / 2 < size {
        // Two bytes before the cut: the line end may be right at it.
        let from = at - 2;
        let n = read_fully_at(file, &mut buf, from)?;
        if let Some(cut) = safe_line_end(&buf[..n]).map(|p| from + p as u64) {
            if cut < size {
                starts.push(cut);
            }
        }
        // A cut found past the next one (no safe line end for a while) is the next one's too.
        at = (at + segment).max(starts[starts.len() - 1] + 1);
    }
    Ok(starts)
}

/// The first offset `p >= 2` just after a line end no token can run
/// across: the line's last byte (a `\r` aside) is no token byte, or, for a
/// line seen whole, `ends_no_token` says so of its trailing token bytes.
fn safe_line_end(buf: &[u8]) -> Option<usize> {
    let mut line_start = None;
    for nl in memchr::memchr_iter(b'\n', buf) {
        let start = line_start.replace(nl + 1);
        if nl == 0 {
            continue;
        }
        let end = if buf[nl - 1] == b'\r' { nl - 1 } else { nl };
        let Some(last) = end.checked_sub(1) else {
            continue;
        };
        if !find::is_token_byte(buf[last]) || start.is_some_and(|s| ends_no_token(&buf[s..end])) {
            return Some(nl + 1);
        }
    }
    None
}

/// Can no token run on past the end of `line` (whose last byte is a token
/// byte)? A token wraps onto the next line only from a run of token bytes
/// that ends the line and either starts a token (a header opening at the
/// run's start, or after a byte that is not base64url: `?t=eyJ...`) or is
/// itself a continuation line (indentation or `>` quoting, then token
/// bytes only). A log line ending in a word or a number (`port 22 ssh2`)
/// is neither.
fn ends_no_token(line: &[u8]) -> bool {
    let run = line
        .iter()
        .rposition(|&b| !find::is_token_byte(b))
        .map_or(0, |i| i + 1);
    if line[..run]
        .iter()
        .all(|&b| matches!(b, b' ' | b'\t' | b'>'))
    {
        return false;
    }
    !(run..line.len()).any(|p| {
        find::starts_with_anchor(&line[p..]) && (p == run || !find::is_b64url_byte(line[p - 1]))
    })
}

fn read_fully_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read_at(&mut buf[n..], offset + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The bytes of a file from `pos` to `end` (to its end when None).
struct Part<'f> {
    file: &'f File,
    pos: u64,
    end: Option<u64>,
}

impl Read for Part<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = match self.end {
            Some(end) => buf.len().min(end.saturating_sub(self.pos) as usize),
            None => buf.len(),
        };
        let n = self.file.read_at(&mut buf[..room], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Scan one segment, sending its tokens in batches.
fn scan_segment(
    file: &File,
    name: &str,
    start: u64,
    end: Option<u64>,
    wanted: fn(&str) -> bool,
    send: &SyncSender<Message>,
) -> Result<Stats, Error> {
    let mut batch = Batch::default();
    let mut each = |found: Found| {
        if !wanted(found.token) {
            batch.skip();
            return Ok(());
        }
        batch.push(&found);
        if batch.is_full() {
            send.send(Message::Tokens(std::mem::take(&mut batch)))
                .map_err(|_| Error::BrokenPipe)?;
        }
        Ok(())
    };
    let mut sink = Sink::new(Label::Fixed(name), false, &mut each);
    // The reading thread counts the tokens against the limit, in file order.
    sink.limits.tokens = u64::MAX;
    let context = start.min(CONTEXT as u64);
    let mut part = Part {
        file,
        pos: start - context,
        end,
    };
    let scanned = if start == 0 {
        input::stream(&mut part, &mut sink)
    } else {
        let mut block = Block::new();
        let mut eof = false;
        let mut read = || -> io::Result<()> {
            while !eof && (block.filled().len() as u64) <= context {
                eof = block.read_from(&mut part)? == 0;
            }
            Ok(())
        };
        match read() {
            Ok(()) => input::scan_text(
                &mut part,
                &mut sink,
                block,
                context as usize,
                eof,
                start - context,
            ),
            Err(e) => Err(input::StreamError::Read(e)),
        }
    };
    let stats = std::mem::take(&mut sink.stats);
    drop(sink);
    scanned.map_err(|e| e.context(&format!("reading {name}")))?;
    if !batch.is_empty() {
        send.send(Message::Tokens(batch))
            .map_err(|_| Error::BrokenPipe)?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    const T: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    const DAMAGED: &str = "Example-OiJSUzI1NiJ9.eyJleHAiOjF9.PC9v";

    /// Text pieces whose tokens depend on what stands around them: a cut
    /// between or inside them must not change what is found.
    fn piece(kind: u8, n: usize) -> String {
        let wrapped = |width: usize, prefix: &str| {
            let lines: Vec<String> = T
                .as_bytes()
                .chunks(width.max(16))
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            format!("{}\n", lines.join(&format!("\n{prefix}")))
        };
        match kind % 19 {
            0 => format!("{T}\n"),
            1 => format!("Authorization: Bearer {T}\r\n"),
            2 => format!("{{\"a\":\"{T}\",\"ua\":\"curl/7.88.{n}\"}}\n"),
            3 => format!("\"access_token\" : \"{DAMAGED}\",\n"),
            4 => format!("\"k\":\n   \"{DAMAGED}\"\n"),
            5 => wrapped(16 + n % 20, ""),
            6 => wrapped(20 + n % 9, "> "),
            7 => format!("abc.def{n}\n"),
            8 => format!("{{\"t\":\"{T}.\"}} \"set-cookie\": \"sid={T}; Path=/\"\n"),
            9 => format!("x{T} ey ew eyJ e\n"),
            10 => "\r\n\n  \n".to_owned(),
            11 => format!("{}\n", "q".repeat(n % 300)),
            12 => format!("GET /a?access_token={T}&x={n} 200 \"-\" rt=\"0.{n}\"\n"),
            13 => T[..n % T.len()].to_owned(),
            // A token wrapped from after `=`, its continuation indented.
            16 => format!("GET /a?t={}\n  {}\n", &T[..20], &T[20..]),
            // Lines ending in a word or a number, a header opening inside a run.
            17 => format!("sshd[{n}]: port 22 ssh{n}\nx ab{}\n", &T[..18 + n % 5]),
            18 => format!("t={}\n", &T[..16 + n % 30]),
            14 => format!(
                "\"v\":\"{}.{}.{}\"\n",
                "A".repeat(n % 12),
                n,
                "b".repeat(n % 5)
            ),
            _ => format!("{T}.{T}\n"),
        }
    }

    fn text_of(pieces: &[(u8, usize)]) -> Vec<u8> {
        // Never opening like JSON: the small segments of these tests are
        // shorter than the first segment `stream` needs for that.
        let mut text = String::from("log:\n");
        for &(kind, n) in pieces {
            text.push_str(&piece(kind, n));
        }
        text.into_bytes()
    }

    fn describe(found: Found) -> String {
        format!(
            "{}|{:?}|{:?}|{}",
            found.token, found.field, found.trailing, found.in_response
        )
    }

    /// What the one-thread stream hands on, and the error it stops with.
    fn one_thread(text: &[u8], limits: Limits) -> (Vec<String>, Result<Stats, String>) {
        let mut seen = Vec::new();
        let mut each = |found: Found| {
            seen.push(describe(found));
            Ok(())
        };
        let mut sink = Sink::new(Label::Fixed("f"), false, &mut each);
        sink.limits = limits;
        let result = input::stream(&mut &text[..], &mut sink);
        let stats = std::mem::take(&mut sink.stats);
        drop(sink);
        let result = result
            .map(|()| stats)
            .map_err(|e| e.context("reading f").to_string());
        (seen, result)
    }

    fn in_parallel(
        text: &[u8],
        segment: u64,
        threads: usize,
        wanted: fn(&str) -> bool,
        limits: Limits,
    ) -> (Vec<String>, Result<Stats, String>, usize) {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(text).unwrap();
        let reading = Reading {
            want_lines: false,
            threads: Some(threads),
            wanted,
        };
        let segments = cuts(&file, text.len() as u64, segment).unwrap().len();
        let mut seen = Vec::new();
        let result = in_segments(&file, "f", &reading, segment, limits, &mut |found| {
            seen.push(describe(found));
            Ok(())
        });
        let result = match result {
            Ok(Some(stats)) => Ok(stats),
            Ok(None) => Err("not cut".to_owned()),
            Err(e) => Err(e.to_string()),
        };
        (seen, result, segments)
    }

    fn starts_with_e(token: &str) -> bool {
        token.starts_with('e')
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Cut anywhere, scanned on two or three threads, the tokens, their
        /// order, the counts and the limit's stop are the one-thread scan's.
        #[test]
        fn segments_find_what_one_thread_finds(
            pieces in proptest::collection::vec((0u8..19, 0usize..400), 1..120),
            segment in 64u64..2048,
            threads in 2usize..4,
            filter in any::<bool>(),
            limit in proptest::option::of(0u64..40),
        ) {
            let text = text_of(&pieces);
            let limits = Limits { tokens: limit.unwrap_or(u64::MAX), ..Limits::default() };
            let (want, want_result) = one_thread(&text, limits);
            let wanted: fn(&str) -> bool = if filter { starts_with_e } else { |_| true };
            let (got, got_result, _) = in_parallel(&text, segment, threads, wanted, limits);
            let want: Vec<String> = want
                .into_iter()
                .filter(|t| !filter || t.starts_with('e'))
                .collect();
            match (&want_result, &got_result) {
                (_, Err(m)) if m == "not cut" => {}
                _ => {
                    prop_assert_eq!(&got, &want);
                    prop_assert_eq!(got_result, want_result);
                }
            }
        }
    }

    #[test]
    fn a_log_is_cut_into_many_segments_and_read_whole() {
        let pieces: Vec<(u8, usize)> = (0..3000).map(|i| ((i * 7 % 16) as u8, i)).collect();
        let text = text_of(&pieces);
        let (want, want_result) = one_thread(&text, Limits::default());
        let (got, got_result, segments) = in_parallel(&text, 4096, 2, |_| true, Limits::default());
        assert!(segments > 40, "{segments} segments");
        assert!(want.len() > 1000);
        assert_eq!(got, want);
        assert_eq!(got_result.unwrap(), want_result.unwrap());
    }

    #[test]
    fn lines_ending_in_token_bytes_are_never_cut() {
        // One token per line: no safe line end, so no second segment.
        let text = format!("{T}\n").repeat(2000);
        let (_, result, segments) =
            in_parallel(text.as_bytes(), 1024, 2, |_| true, Limits::default());
        assert_eq!(segments, 1);
        assert_eq!(result.unwrap_err(), "not cut");
        assert_eq!(safe_line_end(b"ab\r\n"), None);
        assert_eq!(safe_line_end(b"ab\"\r\nx"), Some(5));
        assert_eq!(safe_line_end(b"\n\nx"), Some(2));
        // Seen whole, a line ending in a word is safe; a token or a
        // continuation line at its end is not.
        assert_eq!(safe_line_end(b"ab\nport 22 ssh2\nx"), Some(16));
        assert_eq!(
            safe_line_end(b"ab\nGET ?t=eyJhbGciOiJIUzI1NiJ9\n  .eyJ\nx"),
            None
        );
        assert_eq!(safe_line_end(b"ab\nx abeyJhbGciOiJIUzI1NiJ9\ny"), Some(28));
        assert_eq!(safe_line_end(b"ab\n  > Zm9vYmFy\nx"), None);
    }
}
