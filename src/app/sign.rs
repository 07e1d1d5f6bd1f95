//! `jwtinspect sign` and `edit`: make the token, then print it (or its
//! inspection line) and the notes for standard error.

use std::io::{self, Write};

use crate::error::{self, Error, Exit};
use crate::meaning::inspect::{self, Checks};
use crate::meaning::time::Clock;
use crate::messages;
use crate::report;
use crate::sign::{self, Spec};
use crate::token::decode;
use crate::verify::keys::{Key, KeySet};
use crate::verify::signature::KeyVerifier;

/// Make the token `spec` asks for; `json` prints its `--json` inspection line.
pub(crate) fn run(spec: &Spec, json: bool) -> Result<Exit, Error> {
    let made = sign::make(spec)?;
    for note in &made.notes {
        messages::warning(note);
    }
    let mut out = io::stdout().lock();
    if json {
        let checks = Checks {
            clock: Clock { now: made.now },
            leeway: 0,
            require_roles: Vec::new(),
            require_scopes: Vec::new(),
            issuer: None,
            audience: None,
        };
        // `signature.verified` is true/false when a key was given: the key
        // that signed is given, so the new token is checked with it.
        let verifier = made.verifying.clone().map(|material| {
            let key = Key {
                material,
                kid: None,
                alg: None,
                usage: None,
                ops: None,
                label: "the signing key".to_owned(),
                prepared: Default::default(),
            };
            let keys = KeySet {
                keys: vec![key],
                origin: "the signing key".to_owned(),
                ..KeySet::default()
            };
            KeyVerifier::new(keys, Vec::new())
        });
        let decoded = decode::decode(&made.token);
        let inspection = inspect::inspect_decoded(
            "sign",
            None,
            &made.token,
            decoded,
            &checks,
            verifier.as_ref().map(|v| v as &dyn inspect::Verifier),
        );
        let mut line = Vec::with_capacity(2048);
        report::json::write_line(&mut line, &inspection);
        out.write_all(&line).map_err(error::write_err)?;
    } else {
        writeln!(out, "{}", made.token).map_err(error::write_err)?;
    }
    out.flush().map_err(error::write_err)?;
    Ok(Exit::Ok)
}
