//! The app step that loads the key the user named: files read, JWKS and
//! discovery fetched, once per run, before the first token is judged.

use std::sync::Arc;

use crate::config::{KeyRequest, KeySource, Settings};
use crate::error::Error;
use crate::jwe;
use crate::net::http::Http;
use crate::net::jwks;
use crate::verify::keys;
use crate::verify::signature::KeyVerifier;

/// `settings` with the requested key loaded into its verifier.
pub(crate) fn load(mut settings: Settings, request: Option<KeyRequest>) -> Result<Settings, Error> {
    let Some(request) = request else {
        return Ok(settings);
    };
    // JWE decryption keys: the secret's bytes (a key, or a PBES2 password),
    // the private keys among the --key files.
    let mut decryption = Vec::new();
    let keys = match &request.source {
        KeySource::Secret(secret) => {
            let bytes = secret.expose().as_bytes().to_vec();
            decryption.push(jwe::DecryptionKey::from_secret(bytes.clone()));
            keys::secret(bytes, "--secret", "the --secret".to_owned())?
        }
        KeySource::SecretFile(path) => {
            let bytes = keys::secret_file_bytes(path)?;
            decryption.push(jwe::DecryptionKey::from_secret(bytes));
            keys::secret_file(path)?
        }
        KeySource::SecretBase64(text) => {
            let bytes = keys::secret_base64_bytes(text.expose())?;
            decryption.push(jwe::DecryptionKey::from_secret(bytes));
            keys::secret_base64(text.expose())?
        }
        KeySource::KeyFiles(paths) => {
            let (set, private) = keys::key_files(paths)?;
            decryption = private;
            set
        }
        KeySource::JwksUrl(url, net) => jwks::fetch_jwks(&Http::new(net)?, url)?,
        KeySource::Discover(issuer, net) => jwks::discover(&Http::new(net)?, issuer)?,
    };
    settings.verifier = Some(Arc::new(
        KeyVerifier::new(keys, request.algs).with_decryption_keys(decryption),
    ));
    Ok(settings)
}
