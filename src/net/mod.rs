//! The network: the HTTP client, login and refresh, JWKS and discovery
//! downloads. Nothing here prints a report.

pub(crate) mod http;
pub(crate) mod jwks;
pub(crate) mod login;
pub(crate) mod oauth;
