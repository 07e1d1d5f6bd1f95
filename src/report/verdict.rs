//! The verdict of a token (`OK` / `FAILED: codes`) and the closing tally of a run.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::error::Exit;
use crate::meaning::findings::{Finding, Severity};
use crate::meaning::inspect::Inspection;
use crate::sanitize;

/// The exit code an inspection earns: a failed check of a checked token is 1.
pub fn exit_code(i: &Inspection) -> Exit {
    if i.checked && i.failed() {
        Exit::CheckFailed
    } else {
        Exit::Ok
    }
}

/// `OK`, or `FAILED: ` and the codes of the errors, in order, each once
/// (`FAILED: expired, missing-role (ROLE_ADMIN)`).
pub fn text(i: &Inspection) -> String {
    if !i.failed() {
        return "OK".to_owned();
    }
    format!("FAILED: {}", error_codes(&i.findings))
}

/// The error codes of `findings`, each once, with what they are about.
pub fn error_codes(findings: &[Finding]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        let item = match &f.about {
            Some(about) => format!("{} ({})", f.code, sanitize::escape(about)),
            None => f.code.to_owned(),
        };
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen.join(", ")
}

/// The stderr line for a checked token that failed, else None.
pub fn failure_line(i: &Inspection) -> Option<String> {
    if !(i.checked && i.failed()) {
        return None;
    }
    let mut at = i.source.to_owned();
    if let Some(field) = i.field {
        let _ = write!(at, " · {field}");
    }
    Some(format!("{at}: {}", text(i)))
}

/// What a run's tokens came to, for the closing line.
#[derive(Debug, Default)]
pub struct Tally {
    tokens: u64,
    ok: u64,
    failed: u64,
    unchecked: u64,
    /// Error codes of the failed (checked) tokens, each counted once a token.
    codes: BTreeMap<&'static str, u64>,
    /// Info findings shown once: (code, message) → how many tokens had it.
    infos: Vec<(&'static str, String, u64)>,
}

impl Tally {
    pub fn add(&mut self, i: &Inspection) {
        self.tokens += 1;
        if !i.checked {
            self.unchecked += 1;
        } else if i.failed() {
            self.failed += 1;
            let mut seen = Vec::new();
            for f in i.findings.iter().filter(|f| f.severity == Severity::Error) {
                if !seen.contains(&f.code) {
                    seen.push(f.code);
                    *self.codes.entry(f.code).or_default() += 1;
                }
            }
        } else {
            self.ok += 1;
        }
    }

    /// Count an info finding; true the first time it is seen (show it then).
    pub fn first_info(&mut self, f: &Finding) -> bool {
        match self
            .infos
            .iter_mut()
            .find(|(code, message, _)| *code == f.code && *message == f.message)
        {
            Some(seen) => {
                seen.2 += 1;
                false
            }
            None => {
                self.infos.push((f.code, f.message.clone(), 1));
                true
            }
        }
    }

    /// `7 tokens: 5 ok, 2 failed (expired 2) · info shown once: signature-unverified ×7`;
    /// None for a run of one token.
    pub fn line(&self) -> Option<String> {
        if self.tokens < 2 {
            return None;
        }
        let mut parts = Vec::new();
        if self.ok > 0 || self.failed == 0 {
            parts.push(format!("{} ok", self.ok));
        }
        if self.failed > 0 {
            let codes: Vec<String> = self.codes.iter().map(|(c, n)| format!("{c} {n}")).collect();
            parts.push(format!("{} failed ({})", self.failed, codes.join(", ")));
        }
        if self.unchecked > 0 {
            parts.push(format!("{} not checked", self.unchecked));
        }
        let mut line = format!("{} tokens: {}", self.tokens, parts.join(", "));
        let repeated: Vec<String> = self
            .infos
            .iter()
            .filter(|(_, _, n)| *n > 1)
            .map(|(code, _, n)| format!("{code} ×{n}"))
            .collect();
        if !repeated.is_empty() {
            let _ = write!(line, " · info shown once: {}", repeated.join(", "));
        }
        Some(line)
    }
}
