//! JSON Lines for many tokens on worker threads, written in input order.
//!
//! Decoding, inspecting and formatting a token is independent of every other
//! token in `--json` mode, and it is nearly all of the work on a dump of
//! tokens (the parse of the claims alone is over half). So the thread that
//! reads and scans the input hands tokens over in batches to one worker per
//! processor; each worker formats a whole batch into one buffer, and a writer
//! thread writes the buffers in the order the batches were made, so the
//! reading thread never waits on the output (through a pipe it used to: each
//! ~230 KB write blocked it until the reader had drained the pipe four
//! times, and the workers ran dry meanwhile). At most `IN_FLIGHT_PER_WORKER`
//! batches per worker wait at any time, so memory stays bounded however long
//! the input. The human report keeps its own
//! order-dependent state (numbering, the glossary) and stays on one thread.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::{JoinHandle, Scope, ScopedJoinHandle};

use crate::app::reporter::{Judge, Reporter};
use crate::config::{OutputMode, Settings};
use crate::error::{write_err, Error, Exit};
use crate::messages;
use crate::report::{json, verdict};
use crate::scan::batch::{Batch, BATCH_BYTES};
use crate::scan::input::Found;

/// A token this long is handed over alone, with no other batch in flight,
/// so peak memory follows the largest token, not the number of workers.
const BIG_TOKEN: usize = 1024 * 1024;
/// A buffer back from the writer is reused up to this size (a batch's text
/// or lines; a batch is cut at BATCH_BYTES), else dropped.
const SPARE_KEPT: usize = 4 * BATCH_BYTES;
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
    for found in job.batch.iter() {
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

/// What the reading thread tells the writer, in input order.
enum ToWriter {
    /// A batch handed to the workers: its lines come on this channel.
    Batch(Receiver<Done>),
    /// The input is read: answer with how many of its tokens were reported.
    EndInput(SyncSender<u64>),
    /// Answer once every batch handed over before this is written.
    Drained(SyncSender<()>),
}

/// What the writer thread shares with the reading thread.
struct Written {
    /// The exit code of the tokens judged so far (also when writing stopped).
    code: Mutex<Exit>,
    /// Batches handed over and not yet written.
    unwritten: AtomicUsize,
}

/// The writer thread: each batch's lines in the order the batches were
/// made, then the buffers back to the reading thread. It is the only thread
/// that blocks on the output, so a pipe that is slow to drain (or a reader
/// that only gets a processor now and then) holds up neither the scan nor
/// the workers until `in_flight` batches wait.
fn write_in_order<W: Write>(
    mut out: W,
    order: Receiver<ToWriter>,
    spare: mpsc::Sender<(Batch, Vec<u8>)>,
    written: &Written,
    failure_lines: bool,
) -> Result<(), Error> {
    let mut reported = 0;
    for message in order {
        match message {
            ToWriter::Batch(receive) => {
                let Ok(mut done) = receive.recv() else {
                    return Err(Error::Internal("a worker thread stopped".into()));
                };
                // Judged, whether or not the lines can still be written.
                if let Ok(mut code) = written.code.lock() {
                    *code = code.merge(done.code);
                }
                if failure_lines {
                    messages::errors(&done.failures);
                }
                done.failures.clear();
                out.write_all(&done.lines).map_err(write_err)?;
                reported += done.reported;
                written.unwritten.fetch_sub(1, Ordering::AcqRel);
                done.lines.clear();
                // A big token's buffers are let go, not kept for the next
                // batches: kept, each batch in flight could come to hold one.
                if done.lines.capacity() > SPARE_KEPT {
                    done.lines = Vec::new();
                }
                done.batch.clear(SPARE_KEPT);
                // The reading thread may have stopped (an error): no matter.
                let _ = spare.send((done.batch, done.lines));
            }
            ToWriter::EndInput(reply) => {
                let _ = reply.send(std::mem::take(&mut reported));
            }
            ToWriter::Drained(reply) => {
                let _ = reply.send(());
            }
        }
    }
    out.flush().map_err(write_err)
}

/// The `--json` reporter on worker threads, with a writer thread of its own
/// (scoped: `out` need only outlive the scope).
pub struct Pipeline<'scope> {
    jobs: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<()>>,
    /// Batches in input order, to the writer; at most `in_flight` wait.
    order: Option<SyncSender<ToWriter>>,
    writer: Option<ScopedJoinHandle<'scope, Result<(), Error>>>,
    written: Arc<Written>,
    batch: Batch,
    /// Buffers back from the writer, for the next batches.
    spare: Receiver<(Batch, Vec<u8>)>,
}

impl<'scope> Pipeline<'scope> {
    pub fn new<'env, W: Write + Send + 'scope>(
        scope: &'scope Scope<'scope, 'env>,
        settings: Settings,
        out: W,
        workers: usize,
    ) -> Self {
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
        let (order, to_write) = mpsc::sync_channel(workers * IN_FLIGHT_PER_WORKER);
        let (give_back, spare) = mpsc::channel();
        let written = Arc::new(Written {
            code: Mutex::new(Exit::Ok),
            unwritten: AtomicUsize::new(0),
        });
        let shared = Arc::clone(&written);
        let failure_lines = settings.failure_lines;
        let writer =
            scope.spawn(move || write_in_order(out, to_write, give_back, &shared, failure_lines));
        Pipeline {
            jobs: Some(jobs),
            workers: handles,
            order: Some(order),
            writer: Some(writer),
            written,
            batch: Batch::default(),
            spare,
        }
    }

    /// Hand the current batch to the workers, and its place in line to the writer.
    fn submit(&mut self) -> Result<(), Error> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let (done, receive) = mpsc::sync_channel(1);
        // The writer gives buffers back as it goes; a new one only when none is back yet.
        let (next, lines) = self.spare.try_recv().unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, next);
        let job = Job { batch, lines, done };
        self.written.unwritten.fetch_add(1, Ordering::AcqRel);
        let sent = self.jobs.as_ref().map(|jobs| jobs.send(job));
        if let Some(Err(_)) = sent {
            return Err(self.stopped());
        }
        self.tell_writer(ToWriter::Batch(receive))
    }

    /// Wait until every batch handed over is written.
    fn drain(&mut self) -> Result<(), Error> {
        let (reply, drained) = mpsc::sync_channel(1);
        self.tell_writer(ToWriter::Drained(reply))?;
        match drained.recv() {
            Ok(()) => Ok(()),
            Err(_) => Err(self.stopped()),
        }
    }

    fn tell_writer(&mut self, message: ToWriter) -> Result<(), Error> {
        match self.order.as_ref().map(|order| order.send(message)) {
            Some(Ok(())) => Ok(()),
            _ => Err(self.stopped()),
        }
    }

    /// A worker or the writer ended early: a worker panicked (its hook has
    /// said so; the panic is carried on here, as the one-thread report
    /// would), or the writer met an error (returned).
    fn stopped(&mut self) -> Error {
        self.jobs = None;
        self.order = None;
        for handle in self.workers.drain(..) {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        match self.writer.take().map(ScopedJoinHandle::join) {
            Some(Ok(Err(e))) => e,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            _ => Error::Internal("a worker thread stopped".into()),
        }
    }
}

impl Reporter for Pipeline<'_> {
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
        let (reply, count) = mpsc::sync_channel(1);
        self.tell_writer(ToWriter::EndInput(reply))?;
        match count.recv() {
            Ok(n) => Ok(n),
            Err(_) => Err(self.stopped()),
        }
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.end_input()?;
        self.order = None;
        match self.writer.take().map(ScopedJoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Err(Error::Internal("the writer thread stopped".into())),
        }
    }

    fn code(&self) -> Exit {
        self.written
            .code
            .lock()
            .map_or(Exit::Internal, |code| *code)
    }
}

impl Drop for Pipeline<'_> {
    fn drop(&mut self) {
        // No more jobs or batches: each worker ends after the one it is on,
        // the writer after the batches it was given (the scope joins it).
        self.jobs = None;
        self.order = None;
        for handle in self.workers.drain(..) {
            let _ = handle.join();
        }
    }
}

/// `--json` over `bytes` (read as standard input is) on `workers` threads:
/// the parallel path without a process, for the fuzz target, which holds it
/// to what one thread writes.
pub fn json_bytes_parallel<W: Write + Send>(
    bytes: &[u8],
    settings: Settings,
    out: W,
    workers: usize,
) -> Result<Exit, Error> {
    std::thread::scope(|scope| {
        let mut p = Pipeline::new(scope, settings, out, workers);
        crate::scan::input::for_each_token_read(&mut &bytes[..], "stdin", &mut |f| p.token(f))?;
        p.end_input()?;
        p.finish()?;
        Ok(p.code())
    })
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
            failure_lines: false,
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
            let mut left_in_flight = Vec::new();
            std::thread::scope(|s| {
                let mut p = Pipeline::new(s, settings(), &mut out, workers);
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
                        left_in_flight.push(p.written.unwritten.load(Ordering::Acquire));
                    }
                }
                assert!(p.finish().is_ok());
            });
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
            let code =
                std::thread::scope(|s| report(Pipeline::new(s, settings(), &mut many, workers)));
            assert_eq!(code, one_code);
            assert!(many == one, "{workers} workers");
        }
    }

    /// Output that takes `room` bytes, then fails as a closed pipe does.
    struct Closing {
        room: usize,
    }

    impl Write for Closing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A reader that goes away (`| head`) ends the run quietly, with the
    /// exit code of the tokens judged so far, and no thread left waiting.
    #[test]
    fn a_closed_output_ends_the_run_as_one_thread_does() {
        let mut one = Vec::new();
        let _ = report(Sequential::new(settings(), &mut one));
        for room in [0, 1000, one.len() / 2] {
            for workers in [1, 2] {
                let got = std::thread::scope(|s| {
                    report(Pipeline::new(s, settings(), Closing { room }, workers))
                });
                let want = report(Sequential::new(settings(), Closing { room }));
                assert_eq!(got, want, "room {room}, {workers} workers");
            }
        }
    }
}
