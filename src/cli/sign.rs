//! `jwtinspect sign` and `jwtinspect edit`: the flags, as typed.

use std::path::PathBuf;

use clap::Args;

use crate::secret::Secret;
use crate::sign::{Encrypt, KeySource, Spec, Start};

pub const SIGN_MORE: &str = "Examples: jwtinspect sign --help";
pub const EDIT_MORE: &str = "Examples: jwtinspect edit --help";

pub const SIGN_EXAMPLES: &str = "\
Examples:
  An HS256 test token for an API that checks identity and type (ItemPath-style):
    jwtinspect sign --secret-file secret.txt --sub 42 --set identity=username1 \\
      --set type=access --exp +15m
  An RS256 token with Spring authorities (ImmPort-style), from a private PEM key:
    jwtinspect sign --key private.pem --set user_name=campjo \\
      --set 'authorities=[\"ROLE_USER\"]' --set client_id=immport-auth-token-client --exp +1h
  Claims from a file or standard input; a JWKS key picked by kid:
    jwtinspect sign claims.json --key jwks.json --kid 2024-01
  A nested JWT: signed, then encrypted to a recipient's public key (cty: JWT):
    jwtinspect sign --key private.pem --sub alice --encrypt-to recipient-public.pem
  Re-sign a token from its --json line (byte for byte the same for HS*, RS*, EdDSA):
    jwtinspect --json \"$token\" | jwtinspect sign --key private.pem -

Keys: --key FILE holds a private key as PEM (PKCS#8, PKCS#1 RSA, SEC1 EC) or DER, a
private JWK, or a JWKS (with --kid); the format is read from the content. The algorithm is
--alg, else the JWK's alg, else the key's (RSA RS256, P-256 ES256, P-384 ES384, P-521 ES512,
secp256k1 ES256K, Ed25519 EdDSA, a secret HS256).
Times (--exp, --nbf, --iat, --now): RFC 3339, a date, unix seconds, or relative (+15m, -2h, +1d).";

pub const EDIT_EXAMPLES: &str = "\
Examples:
  Extend a token by an hour and re-sign it with the same secret:
    jwtinspect edit \"$token\" --secret-file secret.txt --exp +1h
  Drop a role, add a claim, keep everything else where it was:
    jwtinspect edit \"$token\" --key private.pem --unset roles --set tenant=acme
  An alg none copy, to check that your API rejects it (with a warning):
    jwtinspect edit \"$token\" --unsafe-none";

/// `jwtinspect sign [CLAIMS] [OPTIONS]`
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The claims: a JSON object (text, a file, or - for stdin) or one `jwtinspect --json`
    /// line, whose header and payload are used as they are. Default: {}.
    #[arg(value_name = "CLAIMS")]
    pub claims: Option<String>,

    #[command(flatten)]
    pub make: MakeArgs,
}

/// `jwtinspect edit TOKEN [OPTIONS]`
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The token to change: token text, a file, or - for stdin.
    #[arg(value_name = "TOKEN")]
    pub token: String,

    /// Write an unsigned `alg: none` token (empty signature), to test that servers reject
    /// it; warns on stderr.
    #[arg(long, conflicts_with_all = ["key", "secret", "secret_file", "secret_base64", "alg"])]
    pub unsafe_none: bool,

    #[command(flatten)]
    pub make: MakeArgs,
}

// The options sign and edit share. (A plain comment: a doc comment would
// become the about of the subcommands.)
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("signkey").multiple(false)))]
pub struct MakeArgs {
    /// Sign with the private key in FILE: PEM (PKCS#8, PKCS#1, SEC1), DER, a JWK or a JWKS.
    #[arg(long, value_name = "FILE", help_heading = "Key", group = "signkey")]
    pub key: Option<PathBuf>,

    /// The key of the --key JWKS with this kid.
    #[arg(long, value_name = "KID", help_heading = "Key", requires = "key")]
    pub kid: Option<String>,

    /// Sign with this HMAC secret.
    #[arg(
        long,
        value_name = "TEXT",
        help_heading = "Key",
        group = "signkey",
        allow_hyphen_values = true
    )]
    pub secret: Option<Secret>,

    /// Sign with the HMAC secret in FILE (raw bytes; one trailing newline is stripped).
    #[arg(long, value_name = "FILE", help_heading = "Key", group = "signkey")]
    pub secret_file: Option<PathBuf>,

    /// Sign with an HMAC secret given in base64 or base64url.
    #[arg(
        long,
        value_name = "TEXT",
        help_heading = "Key",
        group = "signkey",
        allow_hyphen_values = true
    )]
    pub secret_base64: Option<Secret>,

    /// The algorithm (default: the JWK's alg, else the token's when the key fits, else the key's).
    #[arg(long, value_name = "ALG", help_heading = "Key")]
    pub alg: Option<String>,

    /// Set a header member (VALUE is JSON if it parses, else a string; repeatable).
    #[arg(long = "header", value_name = "NAME=VALUE", help_heading = "Claims")]
    pub headers: Vec<String>,

    /// Set a claim at a dot path (VALUE is JSON if it parses, else a string; repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", help_heading = "Claims")]
    pub sets: Vec<String>,

    /// Remove a claim at a dot path (repeatable).
    #[arg(long = "unset", value_name = "PATH", help_heading = "Claims")]
    pub unsets: Vec<String>,

    /// The iss claim.
    #[arg(long, value_name = "ISS", help_heading = "Claims")]
    pub iss: Option<String>,

    /// The sub claim.
    #[arg(long, value_name = "SUB", help_heading = "Claims")]
    pub sub: Option<String>,

    /// An audience (repeatable: several make aud an array).
    #[arg(long, value_name = "AUD", help_heading = "Claims")]
    pub aud: Vec<String>,

    /// The jti claim.
    #[arg(long, value_name = "ID", help_heading = "Claims")]
    pub jti: Option<String>,

    /// Expiry: RFC 3339, a date, unix seconds, or relative to --now (+15m, +1d).
    #[arg(
        long,
        value_name = "T",
        help_heading = "Claims",
        allow_hyphen_values = true
    )]
    pub exp: Option<String>,

    /// Not before (same forms as --exp).
    #[arg(
        long,
        value_name = "T",
        help_heading = "Claims",
        allow_hyphen_values = true
    )]
    pub nbf: Option<String>,

    /// Issued at (same forms as --exp; default: now, for plain claims).
    #[arg(
        long,
        value_name = "T",
        help_heading = "Claims",
        allow_hyphen_values = true,
        conflicts_with = "no_iat"
    )]
    pub iat: Option<String>,

    /// Do not add iat.
    #[arg(long, help_heading = "Claims")]
    pub no_iat: bool,

    /// Wrap the signed token in a JWE for the public key in FILE (RSA, EC, X25519 PEM or
    /// JWK, or a symmetric JWK), with `cty: JWT`.
    #[arg(long, value_name = "FILE", help_heading = "Encryption")]
    pub encrypt_to: Option<PathBuf>,

    /// JWE key management (default RSA-OAEP-256 for RSA, ECDH-ES+A256KW for EC/OKP, A256KW
    /// for a symmetric key).
    #[arg(
        long,
        value_name = "ALG",
        help_heading = "Encryption",
        requires = "encrypt_to"
    )]
    pub key_alg: Option<String>,

    /// JWE content encryption (default A256GCM).
    #[arg(
        long,
        value_name = "ENC",
        help_heading = "Encryption",
        requires = "encrypt_to"
    )]
    pub enc: Option<String>,

    /// Count relative times from TIME instead of the clock (same forms as --exp).
    #[arg(
        long,
        value_name = "TIME",
        help_heading = "Time",
        allow_hyphen_values = true
    )]
    pub now: Option<String>,

    /// Print the new token's inspection (one JSON line) instead of the bare token.
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

impl SignArgs {
    /// The resolved flags.
    pub fn spec(&self) -> Spec {
        self.make.spec(Start::Claims(self.claims.clone()), false)
    }
}

impl EditArgs {
    /// The resolved flags.
    pub fn spec(&self) -> Spec {
        self.make
            .spec(Start::Token(self.token.clone()), self.unsafe_none)
    }
}

impl MakeArgs {
    fn spec(&self, start: Start, unsafe_none: bool) -> Spec {
        let key = if let Some(path) = &self.key {
            KeySource::File {
                path: path.clone(),
                kid: self.kid.clone(),
            }
        } else if let Some(s) = &self.secret {
            KeySource::Secret(s.clone())
        } else if let Some(path) = &self.secret_file {
            KeySource::SecretFile(path.clone())
        } else if let Some(s) = &self.secret_base64 {
            KeySource::SecretBase64(s.clone())
        } else {
            KeySource::None
        };
        Spec {
            alg: self.alg.clone(),
            headers: self.headers.clone(),
            sets: self.sets.clone(),
            unsets: self.unsets.clone(),
            iss: self.iss.clone(),
            sub: self.sub.clone(),
            aud: self.aud.clone(),
            jti: self.jti.clone(),
            exp: self.exp.clone(),
            nbf: self.nbf.clone(),
            iat: self.iat.clone(),
            no_iat: self.no_iat,
            now: self.now.clone(),
            unsafe_none,
            encrypt: self.encrypt_to.as_ref().map(|to| Encrypt {
                to: to.clone(),
                key_alg: self.key_alg.clone(),
                enc: self.enc.clone(),
            }),
            ..Spec::new(start, key)
        }
    }
}
