//! The time forms of `--now`, `--exp`, `--nbf` and `--iat` (contract "Time"):
//! RFC 3339, a date (midnight UTC), unix seconds (13 digits or more:
//! milliseconds), or relative (`+15m`, `-2h`, `+1d`, `+1h30m`).

use chrono::{DateTime, NaiveDate};

/// A time given as `text` to `flag`, relative forms counted from `now`.
/// `notes` collects what the user should read on stderr (milliseconds taken).
pub fn parse(text: &str, flag: &str, now: i64, notes: &mut Vec<String>) -> Result<i64, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "{flag} {}: expected RFC 3339 (2026-12-03T12:00:00Z), a date (2026-12-03), unix \
             seconds (1796299200) or a time relative to {} (+15m, -2h, +1d)",
            t.escape_debug(),
            if flag == "--now" {
                "the clock"
            } else {
                "--now"
            }
        )
    };
    if let Some(rest) = t.strip_prefix('+').or_else(|| t.strip_prefix('-')) {
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            let secs = duration(rest).ok_or_else(bad)?;
            let signed = if t.starts_with('-') { -secs } else { secs };
            return now.checked_add(signed).ok_or_else(bad);
        }
    }
    if is_digits(t) {
        let value: i64 = t.parse().map_err(|_| bad())?;
        if t.len() >= 13 {
            notes.push(format!(
                "{flag} {t}: 13 digits or more, taken as milliseconds ({})",
                value / 1000
            ));
            return Ok(value / 1000);
        }
        return Ok(value);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.timestamp());
    }
    if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        if let Some(midnight) = day.and_hms_opt(0, 0, 0) {
            return Ok(midnight.and_utc().timestamp());
        }
    }
    Err(bad())
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `15m`, `90s`, `1h30m`, `2d`, `1w`: seconds.
pub fn duration(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut number: Option<i64> = None;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(i64::from(d))?,
            );
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    match number {
        // A bare trailing number counts seconds: `+90` is ninety seconds.
        Some(n) => total.checked_add(n),
        None => Some(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_299_200; // 2026-12-03T12:00:00Z

    fn p(text: &str) -> Result<i64, String> {
        parse(text, "--exp", NOW, &mut Vec::new())
    }

    #[test]
    fn every_contract_form() {
        assert_eq!(p("+15m"), Ok(NOW + 900));
        assert_eq!(p("-2h"), Ok(NOW - 7200));
        assert_eq!(p("+1d"), Ok(NOW + 86_400));
        assert_eq!(p("+1h30m"), Ok(NOW + 5400));
        assert_eq!(p("+90"), Ok(NOW + 90));
        assert_eq!(p("1700000000"), Ok(1_700_000_000));
        assert_eq!(p("2026-12-03T12:00:00Z"), Ok(NOW));
        assert_eq!(p("2026-12-03T13:00:00+01:00"), Ok(NOW));
        assert_eq!(p("2026-12-03"), Ok(NOW - 12 * 3600));
    }

    #[test]
    fn milliseconds_are_taken_and_said() {
        let mut notes = Vec::new();
        assert_eq!(
            parse("1700000000123", "--iat", NOW, &mut notes),
            Ok(1_700_000_000)
        );
        assert!(notes[0].contains("milliseconds"), "{notes:?}");
    }

    #[test]
    fn junk_is_refused_with_the_forms() {
        for junk in [
            "",
            "soon",
            "+",
            "+5x",
            "15m",
            "2026-13-01",
            "+99999999999999999999d",
        ] {
            let why = p(junk).unwrap_err();
            assert!(why.contains("+15m") && why.starts_with("--exp"), "{why}");
        }
    }
}
