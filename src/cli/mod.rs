//! The command line: clap structs (`args`), their resolution into the
//! settings the rest reads (`resolve`), and the man page and completions
//! generated from the same definition (`man`).

mod args;
pub(crate) mod man;
pub(crate) mod oauth;
mod resolve;
mod serve;
pub(crate) mod sign;

pub use args::*;
