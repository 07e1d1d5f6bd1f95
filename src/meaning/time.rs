//! One clock (`--now` or the system clock), NumericDate parsing, the
//! expiry judgement, and relative wording a person reads at a glance.

use chrono::{DateTime, Local, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// "Now", fixed once per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: i64,
}

impl Clock {
    pub fn system() -> Clock {
        Clock {
            now: Utc::now().timestamp(),
        }
    }

    /// Parse `--now` against the system clock (any note is dropped).
    pub fn parse(text: &str) -> Result<Clock, String> {
        Clock::parse_at(text, Clock::system().now).map(|(clock, _)| clock)
    }

    /// Parse `--now` (the contract's "Time" forms), relative forms counted
    /// from `system`. The note, when there is one, is for standard error.
    pub fn parse_at(text: &str, system: i64) -> Result<(Clock, Option<String>), String> {
        parse_time(text, "--now", system, "now").map(|(now, note)| (Clock { now }, note))
    }
}

/// A time given to `flag` in the contract's "Time" forms: RFC 3339, a date
/// (midnight UTC), unix seconds (13 digits or more: milliseconds, with a
/// note for standard error), or relative to `base` (`+15m`, `-2h`, `+1d`,
/// `+1h30m`), which messages call `base_name`. One parser serves `--now`
/// and `sign`'s `--exp`, `--nbf` and `--iat`.
pub fn parse_time(
    text: &str,
    flag: &str,
    base: i64,
    base_name: &str,
) -> Result<(i64, Option<String>), String> {
    let t = text.trim();
    // The relative example fits the flag: a clock moved by minutes, an expiry set ahead.
    let ahead = if flag == "--now" { "+5m" } else { "+15m" };
    let bad = || {
        format!(
            "invalid {flag} '{text}': expected RFC 3339 (2026-12-03T12:00:00Z), a date (2026-12-03), unix seconds (1796256000) or a time relative to {base_name} ({ahead}, -2h, +1d)"
        )
    };
    let in_range = |secs: i64| DateTime::from_timestamp(secs, 0).is_some();
    if let Some(rest) = t.strip_prefix('+').or_else(|| t.strip_prefix('-')) {
        let secs = parse_duration(rest).ok_or_else(bad)?;
        let secs = i64::try_from(secs).map_err(|_| bad())?;
        let at = if t.starts_with('-') {
            base.checked_sub(secs)
        } else {
            base.checked_add(secs)
        };
        return match at {
            Some(at) if in_range(at) => Ok((at, None)),
            _ => Err(bad()),
        };
    }
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t.parse().map_err(|_| bad())?;
        if t.len() >= 13 {
            let at = n / 1000;
            let note = format!(
                "{flag} {t} has 13 digits or more: taken as milliseconds ({})",
                rfc3339(at).unwrap_or_default()
            );
            return Ok((at, Some(note)));
        }
        return if in_range(n) {
            Ok((n, None))
        } else {
            Err(bad())
        };
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok((d.timestamp(), None));
    }
    if let Ok(day) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        if let Some(midnight) = day.and_hms_opt(0, 0, 0) {
            return Ok((midnight.and_utc().timestamp(), None));
        }
    }
    Err(bad())
}

/// A duration: seconds (`90`), a number with a unit (`90s`, `5m`, `1h`,
/// `2d`, `1w`), or several (`1h30m`); a bare number counts seconds.
pub fn parse_duration(text: &str) -> Option<u64> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let scale = match rest[..unit].trim() {
            "" | "s" | "sec" | "secs" => 1,
            "m" | "min" | "mins" => 60,
            "h" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            "w" | "week" | "weeks" => 604_800,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(scale)?)?;
        rest = &rest[unit..];
    }
    Some(total)
}

/// How times are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Utc,
    Local,
}

impl Zone {
    /// A human timestamp: `2021-06-10 19:05:43 UTC` or local with its offset.
    pub fn format(self, secs: i64) -> String {
        let Some(t) = DateTime::from_timestamp(secs, 0) else {
            return format!("{secs} (out of range)");
        };
        match self {
            Zone::Utc => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            Zone::Local => t
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
        }
    }
}

/// RFC 3339 UTC (`2021-06-10T19:05:43Z`), the form of the JSON output.
pub fn rfc3339(secs: i64) -> Option<String> {
    Rfc3339::new(secs).map(|t| t.as_str().to_owned())
}

/// An RFC 3339 UTC timestamp formatted on the stack: what chrono's
/// `to_rfc3339_opts(SecondsFormat::Secs, true)` writes, without the
/// allocations (years 0 to 9999 by direct arithmetic, chrono beyond).
pub struct Rfc3339 {
    text: [u8; 32],
    len: usize,
}

impl Rfc3339 {
    /// None when the time is outside chrono's range of dates.
    pub fn new(secs: i64) -> Option<Rfc3339> {
        const YEAR_0: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
        const YEAR_10000: i64 = 253_402_300_800; // 10000-01-01T00:00:00Z
        let mut t = Rfc3339 {
            text: [0; 32],
            len: 0,
        };
        if !(YEAR_0..YEAR_10000).contains(&secs) {
            let s = DateTime::from_timestamp(secs, 0)?.to_rfc3339_opts(SecondsFormat::Secs, true);
            let n = s.len().min(t.text.len());
            t.text[..n].copy_from_slice(&s.as_bytes()[..n]);
            t.len = n;
            return Some(t);
        }
        let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        let fields = [
            (year, 4),
            (month, 2),
            (day, 2),
            (day_secs / 3600, 2),
            (day_secs % 3600 / 60, 2),
            (day_secs % 60, 2),
        ];
        let mut at = 0;
        for ((mut value, width), sep) in fields.into_iter().zip(*b"--T::Z") {
            for k in (0..width).rev() {
                t.text[at + k] = b'0' + (value % 10) as u8;
                value /= 10;
            }
            t.text[at + width] = sep;
            at += width + 1;
        }
        t.len = at;
        Some(t)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text[..self.len]).unwrap_or_default()
    }
}

/// (year, month, day) of a count of days since 1970-01-01, proleptic
/// Gregorian (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The time claims of a token, parsed. A claim that is present but not a
/// NumericDate is listed in `invalid` with the reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Times {
    pub issued_at: Option<i64>,
    pub not_before: Option<i64>,
    pub expires_at: Option<i64>,
    pub invalid: Vec<(&'static str, String)>,
}

impl Times {
    pub fn from_claims(claims: &Map<String, Value>) -> Times {
        let mut t = Times::default();
        for (name, slot) in [
            ("iat", &mut t.issued_at),
            ("nbf", &mut t.not_before),
            ("exp", &mut t.expires_at),
        ] {
            match claims.get(name).map(|v| judged_second(name, v)) {
                None => {}
                Some(Ok(secs)) => *slot = Some(secs),
                Some(Err(why)) => t.invalid.push((name, why)),
            }
        }
        t
    }

    /// Seconds from now to `exp`, negative once past.
    pub fn expires_in(&self, clock: Clock) -> Option<i64> {
        self.expires_at.map(|e| e - clock.now)
    }

    /// `exp − iat`, else `exp − nbf`.
    pub fn lifetime(&self) -> Option<i64> {
        let exp = self.expires_at?;
        self.issued_at.or(self.not_before).map(|start| exp - start)
    }

    /// RFC 7519: expired once now ≥ exp + leeway.
    pub fn is_expired(&self, clock: Clock, leeway: i64) -> bool {
        self.expires_at
            .is_some_and(|e| clock.now >= e.saturating_add(leeway))
    }

    /// Not yet valid while now < nbf − leeway.
    pub fn is_not_yet_valid(&self, clock: Clock, leeway: i64) -> bool {
        self.not_before
            .is_some_and(|n| clock.now < n.saturating_sub(leeway))
    }
}

/// The second a time claim is judged from, and shown at: its NumericDate,
/// except that RFC 7519 NumericDates may be fractional and exp 100.5 has not
/// passed at 100, so a fractional `exp` or `nbf` counts from the second after.
pub fn judged_second(name: &str, v: &Value) -> Result<i64, String> {
    let secs = numeric_date(v)?;
    Ok(if matches!(name, "exp" | "nbf") && is_fraction(v) {
        secs.saturating_add(1)
    } else {
        secs
    })
}

/// A number with a fractional part (`100.5`, not `100` or `100.0`).
fn is_fraction(v: &Value) -> bool {
    v.as_f64().is_some_and(|f| f.fract() != 0.0) && v.as_i64().is_none()
}

/// A NumericDate: seconds since the epoch, integer or fractional, within the
/// range a calendar date can show.
pub fn numeric_date(v: &Value) -> Result<i64, String> {
    let secs = match v {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Some(i),
            (None, Some(f)) if f.is_finite() && f.abs() < 1e15 => Some(f.floor() as i64),
            _ => None,
        },
        Value::String(s) => {
            return Err(format!(
                "is a string ({}), not a NumericDate (a number of seconds since 1970)",
                crate::sanitize::quoted(s)
            ))
        }
        Value::Null => return Err("is null, not a NumericDate".into()),
        Value::Bool(_) => return Err("is a boolean, not a NumericDate".into()),
        Value::Array(_) => return Err("is an array, not a NumericDate".into()),
        Value::Object(_) => return Err("is an object, not a NumericDate".into()),
    };
    match secs {
        Some(s) if DateTime::from_timestamp(s, 0).is_some() => Ok(s),
        _ => Err(format!("{v} is out of the range of dates")),
    }
}

/// A duration as a person says it: `42s`, `14m 32s`, `3h 12m`, `2d 5h`,
/// `23 days`, `5 months`, `3 years`.
pub fn duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let plural = |n: u64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    // Two units, the second left out when it is zero: "15m", "14m 32s".
    let pair = |big: u64, big_unit: &str, small: u64, small_unit: &str| {
        if small == 0 {
            format!("{big}{big_unit}")
        } else {
            format!("{big}{big_unit} {small}{small_unit}")
        }
    };
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => pair(s / 60, "m", s % 60, "s"),
        3600..=86_399 => pair(s / 3600, "h", s % 3600 / 60, "m"),
        86_400..=604_799 => pair(s / 86_400, "d", s % 86_400 / 3600, "h"),
        604_800..=5_183_999 => plural(s / 86_400, "day"),
        5_184_000..=31_535_999 => plural(s / 2_592_000, "month"),
        _ => plural(s / 31_536_000, "year"),
    }
}

/// `in 14m 32s`, `5 years ago`, or `just now` (an `exp` equal to now has
/// passed, RFC 7519 §4.1.4: "in 0s" read as if it had not).
pub fn relative(delta: i64) -> String {
    if delta == 0 {
        "just now".to_owned()
    } else if delta > 0 {
        format!("in {}", duration(delta))
    } else {
        format!("{} ago", duration(delta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc3339_matches_chrono_everywhere() {
        let chrono = |secs: i64| {
            DateTime::from_timestamp(secs, 0).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        };
        let mut secs: i64 = -62_167_219_200 - 86_400;
        let mut step: i64 = 1;
        while secs < 253_402_300_800 + 86_400 {
            assert_eq!(rfc3339(secs), chrono(secs), "{secs}");
            secs += step;
            step = (step * 7 + 13) % 9_999_991;
        }
        for secs in [
            0,
            -1,
            951_782_400, // 2000-02-29
            4_107_542_399,
            i64::MIN,
            i64::MAX,
            -62_167_219_201,
            253_402_300_800,
            8_210_266_876_799,
            8_210_266_876_800,
        ] {
            assert_eq!(rfc3339(secs), chrono(secs), "{secs}");
        }
    }

    #[test]
    fn now_parses_every_form() {
        let at = |t: &str| Clock::parse_at(t, 1_000_000).map(|(c, note)| (c.now, note.is_some()));
        assert_eq!(at("1631406200"), Ok((1631406200, false)));
        assert_eq!(at("2021-09-12T00:23:20Z"), Ok((1631406200, false)));
        assert_eq!(at("2021-09-12T02:23:20+02:00"), Ok((1631406200, false)));
        assert_eq!(at("2026-12-03"), Ok((1_796_256_000, false)));
        assert_eq!(at("1796256000123"), Ok((1_796_256_000, true)));
        assert_eq!(at("+5m"), Ok((1_000_300, false)));
        assert_eq!(at("-2h"), Ok((992_800, false)));
        assert_eq!(at("+1d"), Ok((1_086_400, false)));
        assert!(at("yesterday").unwrap_err().contains("RFC 3339"));
        assert!(at("+5x").is_err());
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("5m"), Some(300));
        assert_eq!(parse_duration("1h"), Some(3600));
        assert_eq!(parse_duration("2d"), Some(172_800));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("99999999999999999999d"), None);
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("1w"), Some(604_800));
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration("m"), None);
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(900), "15m");
        assert_eq!(duration(7200), "2h");
        assert_eq!(duration(872), "14m 32s");
        assert_eq!(duration(-11_520), "3h 12m");
        assert_eq!(duration(190_800), "2d 5h");
        assert_eq!(duration(30 * 86_400), "30 days");
        assert_eq!(duration(150 * 86_400), "5 months");
        assert_eq!(duration(365 * 86_400), "1 year");
        assert_eq!(duration(-171_234_567), "5 years");
        assert_eq!(relative(-171_234_567), "5 years ago");
        assert_eq!(relative(872), "in 14m 32s");
        assert_eq!(relative(0), "just now");
        assert_eq!(relative(-1), "1s ago");
        assert_eq!(duration(i64::MIN), "292471208677 years");
    }

    #[test]
    fn expiry_follows_rfc7519_with_leeway() {
        let t = Times {
            expires_at: Some(100),
            not_before: Some(50),
            ..Times::default()
        };
        assert!(!t.is_expired(Clock { now: 99 }, 0));
        assert!(t.is_expired(Clock { now: 100 }, 0));
        assert!(!t.is_expired(Clock { now: 100 }, 1));
        assert!(t.is_not_yet_valid(Clock { now: 49 }, 0));
        assert!(!t.is_not_yet_valid(Clock { now: 49 }, 1));
    }

    #[test]
    fn numeric_dates_of_every_shape() {
        assert_eq!(numeric_date(&json!(1631407081)), Ok(1631407081));
        assert_eq!(numeric_date(&json!(1631407081.9)), Ok(1631407081));
        assert_eq!(numeric_date(&json!(-5)), Ok(-5));
        assert!(numeric_date(&json!("1631407081"))
            .unwrap_err()
            .contains("string"));
        assert!(numeric_date(&json!(1e30)).unwrap_err().contains("range"));
        assert!(numeric_date(&json!(i64::MAX))
            .unwrap_err()
            .contains("range"));
        assert!(numeric_date(&json!(u64::MAX)).is_err());
        assert!(numeric_date(&json!(null)).is_err());
        assert!(numeric_date(&json!([1])).is_err());
    }

    const BASE: i64 = 1_796_299_200; // 2026-12-03T12:00:00Z

    fn exp(text: &str) -> Result<i64, String> {
        parse_time(text, "--exp", BASE, "--now").map(|(t, _)| t)
    }

    #[test]
    fn every_time_form_of_the_contract() {
        assert_eq!(exp("+15m"), Ok(BASE + 900));
        assert_eq!(exp("-2h"), Ok(BASE - 7200));
        assert_eq!(exp("+1d"), Ok(BASE + 86_400));
        assert_eq!(exp("+1h30m"), Ok(BASE + 5400));
        assert_eq!(exp("+90"), Ok(BASE + 90));
        assert_eq!(exp("1700000000"), Ok(1_700_000_000));
        assert_eq!(exp("2026-12-03T12:00:00Z"), Ok(BASE));
        assert_eq!(exp("2026-12-03T13:00:00+01:00"), Ok(BASE));
        assert_eq!(exp("2026-12-03"), Ok(BASE - 12 * 3600));
    }

    #[test]
    fn milliseconds_are_taken_and_said_for_the_flag_given() {
        let (t, note) = parse_time("1700000000123", "--iat", BASE, "--now").unwrap();
        assert_eq!(t, 1_700_000_000);
        let note = note.expect("a note for stderr");
        assert!(
            note.starts_with("--iat ") && note.contains("milliseconds"),
            "{note}"
        );
    }

    #[test]
    fn junk_times_are_refused_naming_the_flag_and_the_forms() {
        for junk in [
            "",
            "soon",
            "+",
            "+5x",
            "15m",
            "2026-13-01",
            "+99999999999999999999d",
        ] {
            let why = exp(junk).unwrap_err();
            assert!(
                why.starts_with("invalid --exp") && why.contains("relative to --now (+15m"),
                "{why}"
            );
        }
    }
}
