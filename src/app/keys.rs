//! The app step that loads the key the user named: files read, JWKS and
//! discovery fetched, once per run, before the first token is judged.

use std::sync::Arc;

use crate::config::{KeyRequest, KeySource, Settings};
use crate::error::Error;
use crate::net::http::Http;
use crate::net::jwks;
use crate::verify::keys;
use crate::verify::signature::KeyVerifier;

/// `settings` with the requested key loaded into its verifier.
pub(crate) fn load(mut settings: Settings, request: Option<KeyRequest>) -> Result<Settings, Error> {
    let Some(request) = request else {
        return Ok(settings);
    };
    let keys = match &request.source {
        KeySource::Secret(secret) => keys::secret(
            secret.expose().as_bytes().to_vec(),
            "--secret",
            "the --secret".to_owned(),
        )?,
        KeySource::SecretFile(path) => keys::secret_file(path)?,
        KeySource::SecretBase64(text) => keys::secret_base64(text.expose())?,
        KeySource::KeyFile(path) => keys::key_file(path)?,
        KeySource::JwksUrl(url, net) => jwks::fetch_jwks(&Http::new(net)?, url)?,
        KeySource::Discover(issuer, net) => jwks::discover(&Http::new(net)?, issuer)?,
    };
    settings.verifier = Some(Arc::new(KeyVerifier::new(keys, request.algs)));
    Ok(settings)
}
