//! Where text comes from (arguments, standard input, files) and finding
//! the tokens inside it.

pub(crate) mod batch;
pub(crate) mod find;
pub(crate) mod input;
mod response;
#[cfg(unix)]
mod segments;
mod values;
