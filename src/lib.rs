//! jwtinspect: inspect and debug JSON Web Tokens, locally.
//!
//! The flow runs one way, one folder a stage: `cli` (flags → `config`) →
//! `app` (orchestration) → `scan` (where text comes from, tokens in it) →
//! `token` (decoding) → `meaning` (claims, time, findings) and `verify`
//! (keys, signatures) → `report` (printers). `net` serves login and key
//! downloads; `serve` is the local web page, whose API runs the same
//! inspection; `messages` is the one writer of standard error.
//! `tests/architecture.rs` holds these boundaries.

mod app;
mod cli;
mod config;
mod error;
/// JSON Web Encryption: self-contained (it reaches no other module); public
/// for the benches and for callers that decrypt or encrypt on their own.
pub mod jwe;
mod meaning;
pub mod messages;
mod net;
mod report;
mod sanitize;
mod scan;
mod secret;
mod serve;
mod sign;
mod token;
mod verify;

// The surface: what `main.rs`, the tests, the fuzz target and the benches use.
pub use app::pipeline::json_bytes_parallel;
pub use app::reporter::inspect_bytes;
pub use app::run;
pub use app::task::{LoginHow, Task};
pub use cli::man::man_page;
pub use cli::Cli;
pub use config::{Environment, OutputMode, Settings};
pub use error::{Error, Exit};
pub use meaning::inspect::{Checks, Verifier};
pub use meaning::time::{Clock, Zone};
pub use report::json::compact as json_compact;
pub use sanitize::is_hostile;
pub use scan::find::{scan_all, scan_all_reference, Scanner};
pub use scan::input::{for_each_token_read, Found};
pub use sign::key::{key_file as signing_key_file, KeySource, SigningKey};
pub use token::decode::decode;
pub use verify::keys::{jwks, key_file, secret};
pub use verify::signature::{Alg, KeyVerifier};
