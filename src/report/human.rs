//! The human report: the answers first (who, roles, scopes, expiry, status),
//! then the full header and claims, then the findings. Every string that came
//! from the token is escaped before it is written.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};
use serde_json::{Map, Value};

use crate::config::Settings;
use crate::meaning::findings::Severity;
use crate::meaning::glossary::{Explained, Part};
use crate::meaning::inspect::{Inspection, Status};
use crate::meaning::time::{self, Zone};
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
    fn status(&self, status: Status, t: &str) -> String {
        match status {
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

/// Write the report for token number `n`; header members and claims the run
/// has not explained yet get a few words from the glossary beside them.
pub fn write<W: Write>(
    out: &mut W,
    i: &Inspection,
    settings: &Settings,
    n: usize,
    explained: &mut Explained,
) -> io::Result<()> {
    let p = Paint { on: settings.color };
    let zone = settings.zone;
    let now = settings.checks.clock.now;

    let mut title = format!("token {n} · {}", escape(i.source));
    if let Some(field) = i.field {
        title.push_str(&format!(" · {}", escape(field)));
    }
    writeln!(out, "{}", p.label(&title))?;

    let s = &i.summary;
    let row = |out: &mut W, name: &str, value: &str| {
        writeln!(out, "  {}{}", p.label(&format!("{name:<11}")), value)
    };
    let status_text = status_line(i, now);
    row(out, "status", &p.status(i.status, &status_text))?;
    let user = match (&s.username, s.username_claim) {
        (Some(u), Some(c)) => format!("{}  {}", shown(u), p.dim(&format!("({c})"))),
        _ => p.dim("-"),
    };
    row(out, "user", &user)?;
    row(out, "roles", &list(&p, &s.roles, ", "))?;
    row(out, "scopes", &list(&p, &s.scopes, " "))?;
    row(out, "type", &opt(&p, s.token_type.as_deref()))?;
    row(out, "client", &opt(&p, s.client.as_deref()))?;
    row(out, "issuer", &opt(&p, s.issuer.as_deref()))?;
    if !s.audience.is_empty() {
        row(out, "audience", &list(&p, &s.audience, ", "))?;
    }
    if let Some(sub) = s.subject.as_deref() {
        if s.username.as_deref() != Some(sub) {
            row(out, "subject", &shown(sub))?;
        }
    }
    let t = &i.times;
    row(out, "issued", &when(&p, zone, t.issued_at, now, None))?;
    if t.not_before.is_some() {
        row(out, "not before", &when(&p, zone, t.not_before, now, None))?;
    }
    let no_exp = if t.invalid.iter().any(|(name, _)| *name == "exp") {
        "invalid (see findings)"
    } else {
        "never"
    };
    row(
        out,
        "expires",
        &when(&p, zone, t.expires_at, now, Some(no_exp)),
    )?;
    if let Some(l) = i.lifetime {
        row(out, "lifetime", &time::duration(l))?;
    }
    row(out, "signature", &signature_line(&p, i))?;

    if let Some(h) = i.header() {
        writeln!(out, "{}", p.label("header"))?;
        members(out, &p, h, zone, now, |k| explained.first(Part::Header, k))?;
    }
    if let Some(c) = i.payload() {
        writeln!(out, "{}", p.label("claims"))?;
        members(out, &p, c, zone, now, |k| explained.first(Part::Claims, k))?;
    }
    if !i.findings.is_empty() {
        writeln!(out, "{}", p.label("findings"))?;
        let mut sorted: Vec<_> = i.findings.iter().collect();
        sorted.sort_by_key(|f| f.severity);
        for f in sorted {
            writeln!(
                out,
                "  {} {}  {}",
                p.severity(f.severity),
                p.key(f.code),
                escape(&f.message)
            )?;
        }
    }
    Ok(())
}

fn status_line(i: &Inspection, now: i64) -> String {
    match (i.status, i.times.expires_at, i.times.not_before) {
        (Status::Expired, Some(exp), _) => format!("EXPIRED {}", time::relative(exp - now)),
        (Status::NotYetValid, _, Some(nbf)) => {
            format!("NOT YET VALID (valid {})", time::relative(nbf - now))
        }
        (Status::Valid, Some(exp), _) => format!("valid, expires {}", time::relative(exp - now)),
        (Status::NoExpiry, ..) => "valid, never expires".to_owned(),
        (Status::Malformed, ..) => "MALFORMED".to_owned(),
        (status, ..) => status.as_str().to_owned(),
    }
}

fn signature_line(p: &Paint, i: &Inspection) -> String {
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
        None => p.dim("not verified (no key given)"),
        Some(v) if v.verified => {
            p.apply(&format!("verified: {}", escape(&v.detail)), |s| s.green())
        }
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
    out: &mut W,
    p: &Paint,
    map: &Map<String, Value>,
    zone: Zone,
    now: i64,
    mut gloss: impl FnMut(&str) -> Option<&'static str>,
) -> io::Result<()> {
    let width = map
        .keys()
        .map(|k| escape(k).chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    for (k, v) in map {
        let key = escape(k);
        let pad = width.saturating_sub(key.chars().count());
        let mut text = escape(&v.to_string()).into_owned();
        if text.len() > VALUE_LIMIT {
            let cut = (0..=VALUE_LIMIT)
                .rev()
                .find(|&c| text.is_char_boundary(c))
                .unwrap_or(0);
            text = format!("{}… ({} bytes in all)", &text[..cut], text.len());
        }
        let note = match (TIME_CLAIMS.contains(&k.as_str()), time::numeric_date(v)) {
            (true, Ok(t)) => format!(
                "  {}",
                p.dim(&format!("{} ({})", zone.format(t), time::relative(t - now)))
            ),
            _ => String::new(),
        };
        let meaning =
            gloss(k).map_or_else(String::new, |m| format!("  {}", p.dim(&format!("# {m}"))));
        writeln!(
            out,
            "  {}{}  {}{}{}",
            p.key(&key),
            " ".repeat(pad),
            text,
            note,
            meaning
        )?;
    }
    Ok(())
}
