//! The one writer of standard error: errors and warnings, one line each,
//! `jwtinspect: ` first, escaped as a whole (messages quote input).

use crate::sanitize;

/// `jwtinspect: TEXT` on standard error.
pub fn error(text: &str) {
    eprintln!("jwtinspect: {}", sanitize::escape(text));
}

/// `jwtinspect: warning: TEXT` on standard error.
pub fn warning(text: &str) {
    eprintln!("jwtinspect: warning: {}", sanitize::escape(text));
}
