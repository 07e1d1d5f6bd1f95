//! Escaping text that came from a token before a terminal sees it.
//!
//! A claim is attacker-controlled text. Printed raw, `\x1b]52;...` writes the
//! clipboard, `\x1b]8;;url` makes a link, `\r` overwrites the line, and bidi
//! overrides reorder what the reader sees. Every such character is shown as a
//! visible escape (`\u{1b}`), the way `ls` quotes hostile file names.

use std::borrow::Cow;

/// True for characters that must never reach a terminal raw.
#[inline]
pub fn is_hostile(c: char) -> bool {
    // Below U+0600 (ASCII, Latin, Greek, Cyrillic, Armenian, Hebrew: most
    // claims' text) only controls and the soft hyphen are: two compares
    // instead of the whole list (tests: `the_quick_path_agrees_everywhere`).
    match u32::from(c) {
        u @ 0..=0x5ff => u < 0x20 || (0x7f..=0x9f).contains(&u) || u == 0xad,
        _ => listed(c),
    }
}

/// The full list behind `is_hostile`.
fn listed(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'          // C0 controls, including ESC, CR, BS, LF, TAB
        | '\u{7f}'..='\u{9f}'       // DEL and C1 controls (CSI = U+009B)
        | '\u{2028}' | '\u{2029}'   // line / paragraph separator
        // Unicode's Cf (format) category, all of it (Unicode 15.1):
        // invisible, yet they change what a reader sees or compares.
        | '\u{ad}'                  // soft hyphen
        | '\u{600}'..='\u{605}'     // Arabic number signs
        | '\u{61c}'                 // Arabic letter mark
        | '\u{6dd}' | '\u{70f}'     // end of ayah, Syriac abbreviation mark
        | '\u{890}'..='\u{891}' | '\u{8e2}'
        | '\u{180e}'                // Mongolian vowel separator
        | '\u{200b}'..='\u{200f}'   // zero-width space/joiners, LRM, RLM
        | '\u{202a}'..='\u{202e}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
        | '\u{2066}'..='\u{206f}'   // bidi isolates, deprecated format characters
        | '\u{feff}'                // zero-width no-break space (BOM)
        | '\u{fff9}'..='\u{fffb}'   // interlinear annotation
        | '\u{110bd}' | '\u{110cd}' // Kaithi number signs
        | '\u{13430}'..='\u{1343f}' // Egyptian hieroglyph format controls
        | '\u{1bca0}'..='\u{1bca3}' // shorthand format controls
        | '\u{1d173}'..='\u{1d17a}' // musical symbol format controls
        | '\u{e0001}' | '\u{e0020}'..='\u{e007f}' // language tag, tag characters
        | '\u{e0000}' | '\u{e0002}'..='\u{e001f}' // unassigned, in the tag block
        // Hangul fillers: blank letters that pass for nothing at all.
        | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}'
    )
}

/// True when `s` holds a character that `escape` would rewrite, other than
/// the ordinary tab and newline: the trigger for the `control-characters` finding.
pub fn has_controls(s: &str) -> bool {
    // Printable ASCII, tab and newline are the rule: one branch-free pass
    // (it vectorises) settles them; anything else is looked at char by char.
    let plain = s.bytes().fold(true, |plain, b| {
        plain & matches!(b, b' '..=b'~' | b'\t' | b'\n')
    });
    !plain && s.chars().any(|c| is_hostile(c) && c != '\t' && c != '\n')
}

/// `s` with every hostile character replaced by a visible escape; borrowed when clean.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hostile(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// How many characters of hostile text a message quotes by default.
pub const QUOTE_LIMIT: usize = 80;

/// The first `limit` characters of `text`, and whether anything was cut.
pub fn cut(text: &str, limit: usize) -> (&str, bool) {
    match text.char_indices().nth(limit) {
        Some((i, _)) => (&text[..i], true),
        None => (text, false),
    }
}

/// `text` for a one-line message, the one way every excerpt is quoted:
/// escaped, at most `limit` characters, then `…`, in double quotes.
pub fn quote(text: &str, limit: usize) -> String {
    let (head, cut) = cut(text, limit);
    let more = if cut { "…" } else { "" };
    format!("\"{}{more}\"", escape(head).replace('"', "\\\""))
}

/// `quote` at the usual length, `QUOTE_LIMIT`.
pub fn quoted(text: &str) -> String {
    quote(text, QUOTE_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_path_agrees_everywhere() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(is_hostile(c), listed(c), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(escape("campjo ROLE_ADMIN é"), Cow::Borrowed(_)));
    }

    #[test]
    fn osc52_clipboard_write_is_escaped() {
        let s = "\u{1b}]52;c;ZXZpbA==\u{7}";
        assert_eq!(escape(s), "\\u{1b}]52;c;ZXZpbA==\\u{7}");
        assert!(has_controls(s));
    }

    #[test]
    fn osc8_link_is_escaped() {
        let s = "\u{1b}]8;;https://evil\u{1b}\\click\u{1b}]8;;\u{1b}\\";
        assert!(!escape(s).contains('\u{1b}'));
    }

    #[test]
    fn carriage_return_overwrite_is_escaped() {
        assert_eq!(escape("user\rROLE_ADMIN"), "user\\rROLE_ADMIN");
    }

    #[test]
    fn bidi_override_and_csi_are_escaped() {
        assert_eq!(escape("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(escape("a\u{9b}31m"), "a\\u{9b}31m");
        assert_eq!(escape("x\u{2066}y\u{2069}"), "x\\u{2066}y\\u{2069}");
        assert_eq!(escape("tag\u{e0041}"), "tag\\u{e0041}");
    }

    #[test]
    fn quoted_is_short_escaped_and_one_line() {
        assert_eq!(quoted("a\"b\u{1b}"), "\"a\\\"b\\u{1b}\"");
        let long = quoted(&"é\n".repeat(100));
        assert!(long.ends_with("…\""));
        assert!(!long.contains('\n'));
    }

    #[test]
    fn newline_is_escaped_but_not_a_finding() {
        assert_eq!(escape("a\nb"), "a\\nb");
        assert!(!has_controls("a\nb\tc"));
    }

    #[test]
    fn quote_cuts_at_its_limit_and_escapes_quotes() {
        assert_eq!(quote("abc", 3), "\"abc\"");
        assert_eq!(quote("abcd", 3), "\"abc…\"");
        assert_eq!(quote("é\u{202e}\"x", 2), "\"é\\u{202e}…\"");
        assert_eq!(quote("say \"hi\"", 20), "\"say \\\"hi\\\"\"");
        assert_eq!(cut("héllo", 2), ("hé", true));
        assert_eq!(cut("hé", 2), ("hé", false));
    }
}
