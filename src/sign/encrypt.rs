//! `--encrypt-to FILE [--key-alg ALG] [--enc ENC]`: the signed token wrapped
//! in a JWE for the recipient's key (a nested JWT, `cty: JWT`; RFC 7519 §5.2).

use std::path::PathBuf;

use serde_json::Value;

use crate::error::Error;
use crate::jwe::{self, EncryptOptions, RecipientKey};

/// Where and how to encrypt, as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encrypt {
    pub to: PathBuf,
    /// `--key-alg` (default: RSA-OAEP-256 for RSA, ECDH-ES+A256KW for EC/OKP, A256KW for oct).
    pub key_alg: Option<String>,
    /// `--enc` (default A256GCM).
    pub enc: Option<String>,
}

/// The recipient's key and the options, checked before anything is signed.
pub struct Recipient {
    key: RecipientKey,
    options: EncryptOptions,
    shown: String,
}

impl Encrypt {
    pub fn load(&self) -> Result<Recipient, Error> {
        let shown = self.to.display().to_string();
        let bytes = std::fs::read(&self.to)
            .map_err(|e| Error::io(format!("reading --encrypt-to {shown}"), e))?;
        let key = RecipientKey::parse(&bytes, None)
            .map_err(|e| Error::usage(format!("--encrypt-to {shown}: {e}")))?;
        let mut options = EncryptOptions::for_key(&key);
        if let Some(name) = &self.key_alg {
            options.alg = jwe::Alg::from_name(name).ok_or_else(|| {
                let all: Vec<&str> = jwe::Alg::ALL.iter().map(|a| a.name()).collect();
                Error::usage(format!(
                    "--key-alg {}: not a JWE key management algorithm ({})",
                    name.escape_debug(),
                    all.join(", ")
                ))
            })?;
        }
        if let Some(name) = &self.enc {
            options.enc = jwe::Enc::from_name(name).ok_or_else(|| {
                let all: Vec<&str> = jwe::Enc::ALL.iter().map(|e| e.name()).collect();
                Error::usage(format!(
                    "--enc {}: not a JWE content encryption algorithm ({})",
                    name.escape_debug(),
                    all.join(", ")
                ))
            })?;
        }
        options.extra.insert("cty".to_owned(), Value::from("JWT"));
        Ok(Recipient {
            key,
            options,
            shown,
        })
    }
}

impl Recipient {
    /// The compact JWE holding `token`.
    pub fn encrypt(&self, token: &str) -> Result<String, Error> {
        jwe::encrypt(token.as_bytes(), &self.key, &self.options)
            .map_err(|e| Error::usage(format!("--encrypt-to {}: {e}", self.shown)))
    }
}
