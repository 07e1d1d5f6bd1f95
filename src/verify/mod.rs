//! Keys (secret, PEM, certificate, JWK, JWKS) and signature checks.

pub(crate) mod keys;
pub(crate) mod signature;
