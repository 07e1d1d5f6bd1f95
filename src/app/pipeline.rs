//! JSON Lines for many tokens on worker threads, written in input order.
//!
//! Decoding, inspecting and formatting a token is independent of every other
//! token in `--json` mode, and it is nearly all of the work on a dump of
//! tokens (the parse of the claims alone is over half). So the thread that
//! reads and scans the input hands tokens over in batches to one worker per
//! processor; each worker formats a whole batch into one buffer, and the
//! reading thread writes the buffers in the order the batches were made. At
//! most `IN_FLIGHT_PER_WORKER` batches per worker wait at any time, so memory
//! stays bounded however long the input. The human report keeps its own
//! order-dependent state (numbering, the glossary) and stays on one thread.

use std::collections::VecDeque;
use std::io::Write;
use std::ops::Range;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::app::reporter::{Judge, Reporter};
use crate::config::{OutputMode, Settings};
use crate::error::{write_err, Error, Exit};
use crate::messages;
use crate::report::{json, verdict};
use crate::scan::input::Found;

/// A batch is handed over at this many tokens...
const BATCH_TOKENS: usize = 128;
/// ... or at this much text, whichever comes first.
const BATCH_BYTES: usize = 256 * 1024;
/// A token this long is handed over alone, with no other batch in flight,
/// so peak memory follows the largest token, not the number of workers.
const BIG_TOKEN: usize = 1024 * 1024;
/// Batches queued or being worked on, per worker.
const IN_FLIGHT_PER_WORKER: usize = 2;

/// How many workers to use for `settings`: None to stay on one thread (not
/// JSON, output to a terminal that wants each line at once, or one processor).
pub fn workers(settings: &Settings) -> Option<usize> {
    if settings.output != OutputMode::Json || settings.line_buffered {
        return None;
    }
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    (n > 1).then_some(n)
}

/// Tokens as found, their texts end to end in one String.
#[derive(Default)]
struct Batch {
    text: String,
    items: Vec<Item>,
}

struct Item {
    source: Range<usize>,
    field: Option<Range<usize>>,
    token: Range<usize>,
    in_response: bool,
    trailing: Option<Range<usize>>,
}

impl Batch {
    fn push(&mut self, found: &Found) {
        let mut add = |s: &str| {
            let start = self.text.len();
            self.text.push_str(s);
            start..self.text.len()
        };
        let item = Item {
            source: add(found.source),
            field: found.field.map(&mut add),
            token: add(found.token),
            in_response: found.in_response,
            trailing: found.trailing.map(&mut add),
        };
        self.items.push(item);
    }

    fn is_full(&self) -> bool {
        self.items.len() >= BATCH_TOKENS || self.text.len() >= BATCH_BYTES
    }
}

/// A batch reported: its JSON lines, and how its tokens fared. The batch
/// comes back too, to be filled again (buffers are reused, not reallocated).
struct Done {
    batch: Batch,
    lines: Vec<u8>,
    code: Exit,
    reported: u64,
    /// The stderr line of each checked token that failed.
    failures: Vec<String>,
}

struct Job {
    batch: Batch,
    /// An empty buffer for the lines.
    lines: Vec<u8>,
    done: SyncSender<Done>,
}

/// Inspect and format every token of a batch, as `Printer` does in JSON mode.
fn work(job: Job, judge: &Judge) -> Done {
    let mut done = Done {
        lines: job.lines,
        code: Exit::Ok,
        reported: 0,
        failures: Vec::new(),
        batch: Batch::default(),
    };
    let batch = &job.batch;
    let text = &batch.text;
    for item in &batch.items {
        let field = item.field.clone().map(|r| &text[r]);
        let found = Found {
            source: &text[item.source.clone()],
            field,
            token: &text[item.token.clone()],
            in_response: item.in_response,
            trailing: item.trailing.clone().map(|r| &text[r]),
        };
        if let Some(i) = judge.inspect(found) {
            json::write_line(&mut done.lines, &i);
            done.code = done.code.merge(verdict::exit_code(&i));
            done.failures.extend(verdict::failure_line(&i));
            done.reported += 1;
        }
    }
    done.batch = job.batch;
    done
}

/// The `--json` reporter on worker threads.
pub struct Pipeline<W: Write> {
    out: W,
    jobs: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<()>>,
    /// Batches handed over, oldest first: their lines are written in this order.
    pending: VecDeque<Receiver<Done>>,
    in_flight: usize,
    batch: Batch,
    /// Buffers back from the workers, for the next batches.
    spare: Vec<(Batch, Vec<u8>)>,
    code: Exit,
    reported: u64,
}

impl<W: Write> Pipeline<W> {
    pub fn new(settings: Settings, out: W, workers: usize) -> Self {
        let (jobs, queue) = mpsc::sync_channel::<Job>(workers);
        let queue = Arc::new(Mutex::new(queue));
        let judge = Judge::new(&settings);
        let handles = (0..workers)
            .map(|_| {
                let queue = Arc::clone(&queue);
                let judge = judge.clone();
                std::thread::spawn(move || loop {
                    // The lock is held only to take a job, not to do it.
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let reply = job.done.clone();
                    // The reader may have stopped (an error): nobody to tell.
                    let _ = reply.send(work(job, &judge));
                })
            })
            .collect();
        Pipeline {
            out,
            jobs: Some(jobs),
            workers: handles,
            pending: VecDeque::new(),
            in_flight: workers * IN_FLIGHT_PER_WORKER,
            batch: Batch::default(),
            spare: Vec::new(),
            code: Exit::Ok,
            reported: 0,
        }
    }

    /// Hand the current batch to the workers.
    fn submit(&mut self) -> Result<(), Error> {
        if self.batch.items.is_empty() {
            return Ok(());
        }
        while self.pending.len() >= self.in_flight {
            self.write_oldest()?;
        }
        let (done, receive) = mpsc::sync_channel(1);
        let (next, lines) = self.spare.pop().unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, next);
        let job = Job { batch, lines, done };
        let sent = self.jobs.as_ref().map(|jobs| jobs.send(job));
        if let Some(Err(_)) = sent {
            return Err(self.worker_died());
        }
        self.pending.push_back(receive);
        Ok(())
    }

    /// Write every batch handed over, in order.
    fn drain(&mut self) -> Result<(), Error> {
        while !self.pending.is_empty() {
            self.write_oldest()?;
        }
        Ok(())
    }

    /// Wait for the oldest batch and write its lines.
    fn write_oldest(&mut self) -> Result<(), Error> {
        let Some(receive) = self.pending.pop_front() else {
            return Ok(());
        };
        let Ok(mut done) = receive.recv() else {
            return Err(self.worker_died());
        };
        // Judged, whether or not the lines can still be written.
        self.code = self.code.merge(done.code);
        for line in done.failures.drain(..) {
            messages::error(&line);
        }
        self.out.write_all(&done.lines).map_err(write_err)?;
        self.reported += done.reported;
        done.lines.clear();
        done.batch.text.clear();
        done.batch.items.clear();
        self.spare.push((done.batch, done.lines));
        Ok(())
    }

    /// A worker ended without answering: it panicked (its hook has said so).
    /// Carry the panic on here, as the one-thread report would.
    fn worker_died(&mut self) -> Error {
        self.jobs = None;
        for handle in self.workers.drain(..) {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Error::Input("internal error: a worker thread stopped; please report it".into())
    }
}

impl<W: Write> Reporter for Pipeline<W> {
    fn token(&mut self, found: Found) -> Result<(), Error> {
        if found.token.len() >= BIG_TOKEN {
            // A big token is worked on alone: whatever the number of workers,
            // one big token's decoding and report are in memory at a time.
            self.submit()?;
            self.drain()?;
            self.batch.push(&found);
            self.submit()?;
            return self.drain();
        }
        self.batch.push(&found);
        if self.batch.is_full() {
            self.submit()?;
        }
        Ok(())
    }

    fn end_input(&mut self) -> Result<u64, Error> {
        self.submit()?;
        while !self.pending.is_empty() {
            self.write_oldest()?;
        }
        Ok(std::mem::take(&mut self.reported))
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.end_input()?;
        self.out.flush().map_err(write_err)
    }

    fn code(&self) -> Exit {
        self.code
    }
}

impl<W: Write> Drop for Pipeline<W> {
    fn drop(&mut self) {
        // No more jobs: each worker ends after the one it is on.
        self.jobs = None;
        self.pending.clear();
        for handle in self.workers.drain(..) {
            let _ = handle.join();
        }
    }
}

/// `--json` over `bytes` (read as standard input is) on `workers` threads:
/// the parallel path without a process, for the fuzz target, which holds it
/// to what one thread writes.
pub fn json_bytes_parallel<W: Write>(
    bytes: &[u8],
    settings: Settings,
    out: W,
    workers: usize,
) -> Result<Exit, Error> {
    let mut p = Pipeline::new(settings, out, workers);
    crate::scan::input::for_each_token_read(&mut &bytes[..], "stdin", &mut |f| p.token(f))?;
    p.end_input()?;
    p.finish()?;
    Ok(p.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::reporter::{each_input, Sequential};
    use crate::meaning::inspect::Checks;
    use crate::meaning::time::{Clock, Zone};
    use crate::scan::input::Input;
    use base64::Engine;

    fn settings() -> Settings {
        Settings {
            output: OutputMode::Json,
            color: false,
            zone: Zone::Utc,
            checks: Checks {
                clock: Clock { now: 1_631_406_200 },
                leeway: 0,
                require_roles: vec!["admin".into()],
                require_scopes: vec![],
                issuer: None,
                audience: None,
            },
            stdout_terminal: false,
            verifier: None,
            fields: None,
            brief: false,
            line_buffered: false,
            width: None,
        }
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }

    /// Lines with tokens of every fate, and lines without: more than a few batches.
    fn inputs() -> Vec<Input> {
        let header = b64(r#"{"alg":"HS256"}"#);
        let text: String = (0..1000)
            .map(|i| {
                let claims = format!(
                    r#"{{"sub":"u{i}","exp":{},"roles":["admin"]}}"#,
                    1_631_400_000 + i * 13
                );
                match i % 7 {
                    0 => format!("line {i} without a token\n"),
                    1 => format!("Bearer {header}.bm90IGpzb24.c2ln\n"),
                    2 => "Bearer Zm9v.YmFy.c2ln\n".to_owned(),
                    _ => format!("{{\"access_token\": \"{header}.{}.c2ln\"}}\n", b64(&claims)),
                }
            })
            .collect();
        vec![
            Input::Text {
                index: 1,
                text: text.clone(),
            },
            Input::Text {
                index: 2,
                text: "no token here".into(),
            },
            Input::Text { index: 3, text },
        ]
    }

    fn report(reporter: impl Reporter) -> String {
        match each_input(&inputs(), &OutputMode::Json, reporter) {
            Ok(code) => format!("exit {code:?}"),
            Err(e) => format!("error {e}"),
        }
    }

    /// A big token is worked on with nothing else in flight, however many
    /// workers there are: memory follows the largest token (item 13.16).
    #[test]
    fn a_big_token_is_never_in_flight_beside_another() {
        let header = b64(r#"{"alg":"HS256"}"#);
        let big = format!(
            "{header}.{}.c2ln",
            b64(&format!(r#"{{"s":"{}"}}"#, "x".repeat(BIG_TOKEN)))
        );
        let small = format!("{header}.{}.c2ln", b64(r#"{"sub":"a"}"#));
        for workers in [1, 2, 4] {
            let mut out = Vec::new();
            let mut p = Pipeline::new(settings(), &mut out, workers);
            let mut left_in_flight = Vec::new();
            for token in [&small, &big, &small, &big, &big] {
                let found = Found {
                    source: "stdin",
                    field: None,
                    token,
                    trailing: None,
                    in_response: false,
                };
                p.token(found).unwrap();
                if token.len() >= BIG_TOKEN {
                    left_in_flight.push(p.pending.len());
                }
            }
            assert!(p.finish().is_ok());
            assert_eq!(left_in_flight, [0, 0, 0], "{workers} workers");
        }
    }

    #[test]
    fn workers_write_what_one_thread_writes() {
        let mut one = Vec::new();
        let one_code = report(Sequential::new(settings(), &mut one));
        assert!(one.len() > 100_000);
        for workers in [1, 2, 3] {
            let mut many = Vec::new();
            let code = report(Pipeline::new(settings(), &mut many, workers));
            assert_eq!(code, one_code);
            assert!(many == one, "{workers} workers");
        }
    }
}
