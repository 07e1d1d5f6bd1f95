//! The human report: the answers first (who, roles, scopes, expiry, status),
//! then the full header and claims, then the findings. Every string that came
//! from the token is escaped before it is written.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};
use serde_json::{Map, Value};

use crate::config::Settings;
use crate::meaning::findings::Severity;
use crate::meaning::glossary::{Explained, Part};
use crate::meaning::inspect::{Inspection, JweLayer, Status};
use crate::meaning::time::{self, Zone};
use crate::report::verdict::{self, Tally};
use crate::report::wrap::{self, columns};
use crate::sanitize::{self, escape};

/// Claim values longer than this are cut in the human report (not in --json).
const VALUE_LIMIT: usize = 2000;
/// Summary values (user, roles, issuer, ...) longer than this are cut.
const SUMMARY_LIMIT: usize = 200;
/// Claims shown as times.
const TIME_CLAIMS: &[&str] = &["exp", "nbf", "iat", "auth_time", "updated_at"];

struct Paint {
    on: bool,
}

impl Paint {
    fn apply(&self, text: &str, f: fn(&str) -> ColoredString) -> String {
        if self.on {
            f(text).to_string()
        } else {
            text.to_owned()
        }
    }
    fn label(&self, t: &str) -> String {
        self.apply(t, |s| s.bold())
    }
    fn dim(&self, t: &str) -> String {
        self.apply(t, |s| s.dimmed())
    }
    fn key(&self, t: &str) -> String {
        self.apply(t, |s| s.cyan())
    }
    fn status(&self, status: Status, failed: bool, t: &str) -> String {
        match status {
            Status::Valid if failed => t.to_owned(),
            Status::Valid => self.apply(t, |s| s.green().bold()),
            Status::NoExpiry => self.apply(t, |s| s.yellow().bold()),
            _ => self.apply(t, |s| s.red().bold()),
        }
    }
    fn severity(&self, sev: Severity) -> String {
        let t = format!("{:<7}", sev.as_str());
        match sev {
            Severity::Error => self.apply(&t, |s| s.red().bold()),
            Severity::Warning => self.apply(&t, |s| s.yellow()),
            Severity::Info => self.apply(&t, |s| s.blue()),
        }
    }
}

/// Lines of the report, wrapped to the terminal's width when there is one.
struct Lines<'w, W: Write> {
    out: &'w mut W,
    width: Option<usize>,
}

impl<W: Write> Lines<'_, W> {
    /// One line; continuation lines (when it wraps) start `indent` columns in.
    fn line(&mut self, text: &str, indent: usize) -> io::Result<()> {
        match self.width {
            Some(width) => writeln!(self.out, "{}", wrap::wrap(text, indent, width)),
            None => writeln!(self.out, "{text}"),
        }
    }
}

/// Write the report for token number `n`: its verdict first, then the
/// summary, header members and claims (with a few words from the glossary
/// beside names the run has not explained yet), then the findings. An info
/// finding the run has shown already is counted in `tally`, not repeated.
pub fn write<W: Write>(
    out: &mut W,
    i: &Inspection,
    settings: &Settings,
    n: usize,
    explained: &mut Explained,
    tally: &mut Tally,
) -> io::Result<()> {
    let p = Paint { on: settings.color };
    let zone = settings.zone;
    let now = settings.checks.clock.now;
    let failed = i.failed();
    let mut out = Lines {
        out,
        width: settings.width,
    };

    let verdict_text = verdict::text(i);
    let mut verdict = match (failed, i.checked) {
        (true, _) => p.apply(&verdict_text, |s| s.red().bold()),
        (false, true) => p.apply(&verdict_text, |s| s.green().bold()),
        (false, false) => p.label(&verdict_text),
    };
    if !i.checked {
        verdict.push_str(&p.dim(" (not checked)"));
    }
    let mut title = format!("token {n} · {}", escape(i.source));
    if let Some(field) = i.field {
        title.push_str(&format!(" · {}", escape(field)));
    }
    out.line(&format!("{verdict} · {}", p.label(&title)), 2)?;

    let s = &i.summary;
    let brief = settings.brief;
    let row = |out: &mut Lines<W>, name: &str, value: &str| {
        out.line(
            &format!("  {}{}", p.label(&format!("{name:<11}")), value),
            13,
        )
    };
    if !brief {
        let status_text = status_line(i, now);
        row(
            &mut out,
            "status",
            &p.status(i.status, failed, &status_text),
        )?;
    }
    let user = match (&s.username, s.username_claim) {
        (Some(u), Some(c)) => format!("{}  {}", shown(u), p.dim(&format!("({c})"))),
        _ => p.dim("-"),
    };
    row(&mut out, "user", &user)?;
    row(&mut out, "roles", &list(&p, &s.roles, ", "))?;
    row(&mut out, "scopes", &list(&p, &s.scopes, " "))?;
    if !brief {
        row(&mut out, "type", &opt(&p, s.token_type.as_deref()))?;
        row(&mut out, "client", &opt(&p, s.client.as_deref()))?;
        row(&mut out, "issuer", &opt(&p, s.issuer.as_deref()))?;
        if !s.audience.is_empty() {
            row(&mut out, "audience", &list(&p, &s.audience, ", "))?;
        }
        if let Some(sub) = s.subject.as_deref() {
            if s.username.as_deref() != Some(sub) {
                row(&mut out, "subject", &shown(sub))?;
            }
        }
    }
    let t = &i.times;
    if !brief {
        row(&mut out, "issued", &when(&p, zone, t.issued_at, now, None))?;
        if t.not_before.is_some() {
            row(
                &mut out,
                "not before",
                &when(&p, zone, t.not_before, now, None),
            )?;
        }
    }
    let no_exp = if t.invalid.iter().any(|(name, _)| *name == "exp") {
        "invalid (see findings)"
    } else {
        "never"
    };
    row(
        &mut out,
        "expires",
        &when(&p, zone, t.expires_at, now, Some(no_exp)),
    )?;
    if let (Some(l), false) = (i.lifetime, brief) {
        row(&mut out, "lifetime", &time::duration(l))?;
    }
    if let Some(layer) = &i.jwe {
        row(&mut out, "encrypted", &jwe_line(&p, layer))?;
    }
    row(&mut out, "signature", &signature_line(&p, i, failed))?;

    if !brief {
        if let Some(h) = i.header() {
            out.line(&p.label("header"), 2)?;
            members(&mut out, &p, h, zone, now, |k| {
                explained.first(Part::Header, k)
            })?;
        }
        if let Some(c) = i.payload() {
            out.line(&p.label("claims"), 2)?;
            members(&mut out, &p, c, zone, now, |k| {
                explained.first(Part::Claims, k)
            })?;
        }
    }
    let mut shown_findings: Vec<_> = i
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info || (!brief && tally.first_info(f)))
        .collect();
    if !shown_findings.is_empty() {
        out.line(&p.label("findings"), 2)?;
        shown_findings.sort_by_key(|f| f.severity);
        for f in shown_findings {
            out.line(
                &format!(
                    "  {} {}  {}",
                    p.severity(f.severity),
                    p.key(f.code),
                    escape(&f.message)
                ),
                10,
            )?;
        }
    }
    Ok(())
}

/// The time status; "valid" only for a token that passed.
fn status_line(i: &Inspection, now: i64) -> String {
    let valid = if i.failed() { "" } else { "valid, " };
    match (i.status, i.times.expires_at, i.times.not_before) {
        (Status::Expired, Some(exp), _) => format!("EXPIRED {}", time::relative(exp - now)),
        (Status::NotYetValid, _, Some(nbf)) => {
            format!("NOT YET VALID (valid {})", time::relative(nbf - now))
        }
        (Status::Valid, Some(exp), _) => format!("{valid}expires {}", time::relative(exp - now)),
        (Status::NoExpiry, ..) => format!("{valid}never expires"),
        (Status::Malformed, ..) => "MALFORMED".to_owned(),
        (status, ..) => status.as_str().to_owned(),
    }
}

/// A JWE's outer layer: its algorithms and whether it was decrypted.
fn jwe_line(p: &Paint, layer: &JweLayer) -> String {
    let member = |name: &str| {
        layer
            .header
            .as_ref()
            .and_then(|h| h.get(name))
            .and_then(|v| v.as_str())
            .map_or_else(|| "?".to_owned(), |a| escape(a).into_owned())
    };
    let state = if layer.decrypted {
        match layer.inner {
            Some(_) => "decrypted; below, the nested token".to_owned(),
            None => "decrypted; below, its plaintext".to_owned(),
        }
    } else if layer.findings.is_empty() {
        p.dim("not decrypted (no decryption key given)")
    } else {
        p.apply("NOT decrypted (see findings)", |s| s.red().bold())
    };
    format!("JWE {} + {}, {state}", member("alg"), member("enc"))
}

fn signature_line(p: &Paint, i: &Inspection, failed: bool) -> String {
    let alg = i
        .decoded
        .alg()
        .map_or_else(|| "no alg".to_owned(), |a| escape(a).into_owned());
    let bytes = i
        .decoded
        .signature_len
        .map(|b| format!(", {b} bytes"))
        .unwrap_or_default();
    let state = match &i.verification {
        None if !i.checked => p.dim("not checked (not the token the run checks; see --field)"),
        None if i
            .jwe
            .as_ref()
            .is_some_and(|l| l.decrypted && l.inner.is_none()) =>
        {
            p.dim("none (the decrypted plaintext is not a signed token)")
        }
        None if i.jwe.as_ref().is_some_and(|l| !l.findings.is_empty()) => {
            p.dim("none (a JWE is encrypted, not signed)")
        }
        None => p.dim("not verified (no key given)"),
        // Green only on a token that passed: nothing of a failed token looks like success.
        Some(v) if v.verified && !failed => {
            p.apply(&format!("verified: {}", escape(&v.detail)), |s| s.green())
        }
        Some(v) if v.verified => format!("signature matches: {}", escape(&v.detail)),
        Some(v) => p.apply(&format!("NOT verified: {}", escape(&v.detail)), |s| {
            s.red().bold()
        }),
    };
    format!("{alg}{bytes}, {state}")
}

/// A summary value, escaped and cut at `SUMMARY_LIMIT` characters.
fn shown(s: &str) -> String {
    match sanitize::cut(s, SUMMARY_LIMIT) {
        (head, true) => format!("{}… ({} bytes in all)", escape(head), s.len()),
        (_, false) => escape(s).into_owned(),
    }
}

fn opt(p: &Paint, v: Option<&str>) -> String {
    v.map_or_else(|| p.dim("-"), shown)
}

fn list(p: &Paint, items: &[String], sep: &str) -> String {
    if items.is_empty() {
        return p.dim("-");
    }
    let joined: Vec<_> = items.iter().map(|s| shown(s)).collect();
    joined.join(sep)
}

/// `2021-06-10 19:05:43 UTC (5 years ago)`.
fn when(p: &Paint, zone: Zone, at: Option<i64>, now: i64, absent: Option<&str>) -> String {
    match at {
        Some(t) => format!(
            "{}  {}",
            zone.format(t),
            p.dim(&format!("({})", time::relative(t - now)))
        ),
        None => p.dim(absent.unwrap_or("-")),
    }
}

fn members<W: Write>(
    out: &mut Lines<W>,
    p: &Paint,
    map: &Map<String, Value>,
    zone: Zone,
    now: i64,
    mut gloss: impl FnMut(&str) -> Option<&'static str>,
) -> io::Result<()> {
    let width = key_width(map);
    for (k, v) in map {
        let key = escape(k);
        let pad = width.saturating_sub(columns(&key));
        // At the second the verdict judges it from: the summary's time.
        let note = match (TIME_CLAIMS.contains(&k.as_str()), time::judged_second(k, v)) {
            (true, Ok(t)) => format!(
                "  {}",
                p.dim(&format!("{} ({})", zone.format(t), time::relative(t - now)))
            ),
            _ => String::new(),
        };
        let meaning =
            gloss(k).map_or_else(String::new, |m| format!("  {}", p.dim(&format!("# {m}"))));
        let indent = 2 + width + 2;
        match v {
            // A nested object: one member a line, under its name.
            Value::Object(inner) if !inner.is_empty() => {
                out.line(&format!("  {}{}", p.key(&key), meaning), indent)?;
                let inner_width = key_width(inner);
                for (k2, v2) in inner {
                    let key2 = escape(k2);
                    let pad2 = inner_width.saturating_sub(columns(&key2));
                    out.line(
                        &format!(
                            "    {}{}  {}",
                            p.key(&key2),
                            " ".repeat(pad2),
                            value_text(v2)
                        ),
                        4 + inner_width + 2,
                    )?;
                }
            }
            _ => out.line(
                &format!(
                    "  {}{}  {}{}{}",
                    p.key(&key),
                    " ".repeat(pad),
                    value_text(v),
                    note,
                    meaning
                ),
                indent,
            )?,
        }
    }
    Ok(())
}

/// The column the values of `map` start at: its longest name, up to 24.
fn key_width(map: &Map<String, Value>) -> usize {
    map.keys()
        .map(|k| columns(&escape(k)))
        .max()
        .unwrap_or(0)
        .min(24)
}

/// A value as compact JSON, escaped, cut at `VALUE_LIMIT` bytes.
fn value_text(v: &Value) -> String {
    let mut text = escape(&v.to_string()).into_owned();
    if text.len() > VALUE_LIMIT {
        let cut = (0..=VALUE_LIMIT)
            .rev()
            .find(|&c| text.is_char_boundary(c))
            .unwrap_or(0);
        text = format!("{}… ({} bytes in all)", &text[..cut], text.len());
    }
    text
}
