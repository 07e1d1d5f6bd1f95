//! What one run does: the command line resolved into plain data
//! (`Cli::into_task`, in cli/), which `app::run` carries out.

use crate::config::{AskSpec, KeyRequest, LoginRequest, LoginSpec, RefreshRequest, Settings};
use crate::sign::Spec;

/// One run's work.
#[derive(Debug)]
pub enum Task {
    /// `--explain [NAME]...`: the claim glossary, all or the names given.
    Explain(Vec<String>),
    /// Bytes ready to print (a completion script).
    Print(Vec<u8>),
    /// Inspect the inputs (token text, files, `-`): plain, `decode` or `verify`.
    Inspect {
        inputs: Vec<String>,
        settings: Settings,
        key: Option<KeyRequest>,
    },
    /// `serve`: the local web page.
    Serve {
        port: u16,
        open: bool,
        base: Settings,
    },
    /// `sign` and `edit`.
    Sign { spec: Spec, json: bool },
    /// `login`: a provider's password login, or an OAuth / OIDC grant.
    Login {
        settings: Settings,
        key: Option<KeyRequest>,
        how: LoginHow,
    },
    /// `refresh`.
    Refresh {
        settings: Settings,
        key: Option<KeyRequest>,
        request: RefreshRequest,
    },
    /// `token NAME`: a valid access token of a saved profile.
    Token { profile: String, min_valid: i64 },
    /// `logout NAME`.
    Logout { profile: String },
    /// `introspect` (RFC 7662).
    Introspect {
        settings: Settings,
        key: Option<KeyRequest>,
        spec: AskSpec,
    },
    /// `userinfo`.
    Userinfo { spec: AskSpec, json: bool },
}

/// How `login` gets its tokens.
#[derive(Debug)]
pub enum LoginHow {
    /// `--issuer`: an OAuth 2.0 / OpenID Connect grant.
    OAuth(LoginSpec),
    /// `--provider`: ImmPort, ItemPath or a generic form/JSON login,
    /// saved as `--profile NAME` when given.
    Provider {
        request: LoginRequest,
        profile: Option<String>,
    },
}
