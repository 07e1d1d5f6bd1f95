//! Resolving the typed flags once into the settings the program reads.

use std::sync::Arc;

use super::args::{ColorWhen, InspectArgs, NetArgs, VerifyArgs};
use crate::config::{Environment, OutputMode, Settings};
use crate::error::Error;
use crate::jwe;
use crate::meaning::inspect::Checks;
use crate::meaning::time::{Clock, Zone};
use crate::net::http::{Http, HttpOptions};
use crate::verify::keys;
use crate::verify::signature::{self as verify, KeyVerifier};

impl Settings {
    pub fn resolve(args: &InspectArgs, env: &Environment) -> Result<Settings, Error> {
        let output = if args.json {
            OutputMode::Json
        } else if args.print_token {
            OutputMode::PrintToken
        } else if let Some(path) = &args.claim {
            if path.is_empty() {
                return Err(Error::usage(
                    "--claim needs a claim name or dot path, e.g. --claim realm_access.roles",
                ));
            }
            OutputMode::Claim(path.clone())
        } else {
            OutputMode::Human
        };
        let color = match args.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => env.stdout_terminal && !env.no_color,
        };
        let clock = match &args.now {
            Some(text) => Clock::parse(text).map_err(Error::Usage)?,
            None => Clock::system(),
        };
        let issuer = issuer_check(&args.verify)?;
        let verifier = resolve_verifier(&args.verify, &args.net)?;
        Ok(Settings {
            output,
            color,
            zone: if args.local { Zone::Local } else { Zone::Utc },
            checks: Checks {
                clock,
                leeway: i64::try_from(args.leeway).unwrap_or(i64::MAX),
                require_roles: args.require_roles.clone(),
                require_scopes: args.require_scopes.clone(),
                issuer,
                audience: args.verify.aud.clone(),
            },
            stdout_terminal: env.stdout_terminal,
            verifier: verifier.map(Arc::new),
        })
    }
}

/// The issuer tokens must name: `--iss`, or the `--discover` issuer.
fn issuer_check(args: &VerifyArgs) -> Result<Option<String>, Error> {
    match (&args.iss, &args.discover) {
        (Some(iss), Some(discover)) if iss != discover => Err(Error::usage(format!(
            "--iss {iss} and --discover {discover} disagree: discovery already requires iss to equal its issuer"
        ))),
        (Some(iss), _) => Ok(Some(iss.clone())),
        (None, discover) => Ok(discover.clone()),
    }
}

/// Load the key the user gave (one flag of the keysource group), once.
fn resolve_verifier(args: &VerifyArgs, net: &NetArgs) -> Result<Option<KeyVerifier>, Error> {
    let algs = verify::parse_algs(&args.algs).map_err(Error::Usage)?;
    // JWE decryption keys: the secret's bytes, the private keys among --key files.
    let mut decryption = Vec::new();
    let keys = if let Some(secret) = &args.secret {
        let bytes = secret.expose().as_bytes().to_vec();
        decryption.push(jwe::DecryptionKey::from_secret(bytes.clone()));
        keys::secret(bytes, "--secret", "the --secret".to_owned())?
    } else if let Some(path) = &args.secret_file {
        decryption.push(jwe::DecryptionKey::from_secret(keys::secret_file_bytes(
            path,
        )?));
        keys::secret_file(path)?
    } else if let Some(text) = &args.secret_base64 {
        decryption.push(jwe::DecryptionKey::from_secret(keys::secret_base64_bytes(
            text.expose(),
        )?));
        keys::secret_base64(text.expose())?
    } else if !args.key.is_empty() {
        let (set, private) = keys::key_files(&args.key)?;
        decryption = private;
        set
    } else if let Some(url) = &args.jwks_url {
        keys::fetch_jwks(&Http::new(&HttpOptions::from_args(net)?)?, url)?
    } else if let Some(issuer) = &args.discover {
        keys::discover(&Http::new(&HttpOptions::from_args(net)?)?, issuer)?
    } else {
        if !algs.is_empty() {
            return Err(Error::usage(
                "--alg restricts which algorithms verify: give a key too (--secret, --secret-file, --secret-base64, --key, --jwks-url or --discover)",
            ));
        }
        return Ok(None);
    };
    Ok(Some(
        KeyVerifier::new(keys, algs).with_decryption_keys(decryption),
    ))
}
