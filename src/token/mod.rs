//! A token's parts: split, base64url, JSON; tolerant for display, exact for
//! verification. No flags, no I/O.

pub(crate) mod decode;
pub(crate) mod header;
pub(crate) mod jsonparse;
