//! Wrapping report lines to the terminal's width, at spaces, with
//! continuation lines indented under the value. Colour escapes take no room.

use unicode_width::UnicodeWidthChar;

/// The columns `s` takes on a terminal: SGR escapes (`\x1b[...m`) take none,
/// other characters their width (East Asian wide ones two, combining marks
/// none; the report's text is escaped, so no controls).
pub fn columns(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, c) => n += c.width().unwrap_or(0),
        }
    }
    n
}

/// `line` broken into lines of at most `width` columns; continuation lines
/// start with `indent` spaces. Breaks at spaces; a word longer than the room
/// is cut. A line that fits is returned as it is.
pub fn wrap(line: &str, indent: usize, width: usize) -> String {
    if columns(line) <= width || width <= indent + 10 {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 32);
    let mut used = 0;
    let mut first = true;
    let newline = |out: &mut String, used: &mut usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent));
        *used = indent;
    };
    for word in line.split(' ') {
        let w = columns(word);
        if !first {
            // A word too long for any line is cut where it stands.
            if used + 1 + w <= width || (w > width - indent && used + 1 < width) {
                out.push(' ');
                used += 1;
            } else {
                newline(&mut out, &mut used);
            }
        }
        first = false;
        if used + w <= width {
            out.push_str(word);
            used += w;
            continue;
        }
        // Longer than the room: cut it, keeping escapes whole (and a wide
        // character whole: it moves to the next line when one column is left).
        let mut in_escape = false;
        for c in word.chars() {
            let cols = match (in_escape, c) {
                (false, '\x1b') => {
                    in_escape = true;
                    0
                }
                (true, 'm') => {
                    in_escape = false;
                    0
                }
                (true, _) => 0,
                (false, c) => c.width().unwrap_or(0),
            };
            if cols > 0 && used + cols > width {
                newline(&mut out, &mut used);
            }
            out.push(c);
            used += cols;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_stay() {
        assert_eq!(wrap("  a b c", 4, 80), "  a b c");
    }

    #[test]
    fn long_lines_break_at_spaces_under_the_value() {
        let line = "  roles      alpha, beta, gamma, delta, epsilon";
        let wrapped = wrap(line, 13, 30);
        for l in wrapped.lines() {
            assert!(columns(l) <= 30, "{l:?}");
        }
        assert_eq!(
            wrapped,
            "  roles      alpha, beta,\n             gamma, delta,\n             epsilon"
        );
    }

    #[test]
    fn a_word_longer_than_any_line_starts_where_it_stands() {
        let line = format!("  account  {}", "y".repeat(60));
        let wrapped = wrap(&line, 11, 40);
        assert!(wrapped.starts_with("  account  yyyy"), "{wrapped}");
        for l in wrapped.lines() {
            assert!(columns(l) <= 40, "{l:?}");
        }
    }

    #[test]
    fn long_words_are_cut_and_colour_takes_no_room() {
        let word = format!("\x1b[2m{}\x1b[0m", "x".repeat(50));
        assert_eq!(columns(&word), 50);
        let wrapped = wrap(&format!("  k  {word}"), 5, 30);
        for l in wrapped.lines() {
            assert!(columns(l) <= 30, "{l:?}");
        }
        assert_eq!(wrapped.matches('x').count(), 50);
    }

    proptest::proptest! {
        #[test]
        fn wrapped_lines_fit_and_keep_every_character(
            words in proptest::collection::vec("[a-z山田é\u{301}\u{1F600}]{0,14}", 0..24),
            indent in 0usize..24,
            width in 0usize..90,
        ) {
            let line = words.join(" ");
            let wrapped = wrap(&line, indent, width);
            if width > indent + 10 {
                for l in wrapped.lines() {
                    proptest::prop_assert!(columns(l) <= width, "{} > {}: {:?}", columns(l), width, l);
                }
            }
            let visible = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            proptest::prop_assert_eq!(visible(&wrapped), visible(&line));
        }
    }

    #[test]
    fn wide_characters_take_two_columns_and_are_never_split() {
        // A name in CJK: 2 columns a character; a combining accent: none.
        assert_eq!(columns("山田太郎"), 8);
        assert_eq!(columns("e\u{301}"), 1);
        let line = format!("  name       \"{}\"", "山田".repeat(20));
        let wrapped = wrap(&line, 13, 30);
        assert!(wrapped.lines().count() > 1, "{wrapped}");
        for l in wrapped.lines() {
            assert!(columns(l) <= 30, "{} columns: {l:?}", columns(l));
        }
        assert_eq!(wrapped.matches('山').count(), 20);
        let words = format!("  name       {}", ["山田太郎"; 10].join(" "));
        for l in wrap(&words, 13, 30).lines() {
            assert!(columns(l) <= 30, "{l:?}");
        }
    }
}
