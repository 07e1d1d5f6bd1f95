//! What a decoded token says: the claims table, the clock, findings and
//! risks, the glossary, and `inspect` that puts them together. No flags,
//! no I/O, no screen.

pub(crate) mod claims;
pub(crate) mod findings;
pub(crate) mod glossary;
pub(crate) mod inspect;
pub(crate) mod risks;
pub(crate) mod time;
