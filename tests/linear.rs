//! Hostile input in bounded time and memory (issue 13, items 14–17), as far
//! as a test can tell without a clock: standard input shows each token as
//! its line arrives (item 17). The work counts of items 14 and 15 are unit
//! tests beside the code they count; the time and memory tables come from
//! benches/linear.py.

mod support;

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

use support::b64url;

fn token(sub: &str) -> String {
    format!(
        "{}.{}.c2ln",
        b64url(br#"{"alg":"HS256"}"#),
        b64url(format!(r#"{{"sub":"{sub}"}}"#).as_bytes())
    )
}

/// A reader like a terminal or a quiet pipe: each read returns one line;
/// every read notes how many tokens had been handed on before it.
struct Lines {
    lines: Vec<Vec<u8>>,
    seen: Rc<Cell<usize>>,
    /// Tokens handed on before each read.
    before_read: Vec<usize>,
}

impl Read for Lines {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.before_read.push(self.seen.get());
        if self.lines.is_empty() {
            return Ok(0);
        }
        let line = self.lines.remove(0);
        out[..line.len()].copy_from_slice(&line);
        Ok(line.len())
    }
}

/// Feed `lines` one read each; returns the tokens seen before each read.
fn reads(lines: &[String]) -> (Vec<usize>, Vec<String>) {
    let seen = Rc::new(Cell::new(0));
    let mut reader = Lines {
        lines: lines.iter().map(|l| l.clone().into_bytes()).collect(),
        seen: Rc::clone(&seen),
        before_read: Vec::new(),
    };
    let mut found = Vec::new();
    let counter = Rc::clone(&seen);
    jwtinspect::for_each_token_read(&mut reader, "stdin", &mut |f| {
        found.push(f.token.to_owned());
        counter.set(counter.get() + 1);
        Ok(())
    })
    .expect("reads");
    (reader.before_read, found)
}

#[test]
fn each_line_of_standard_input_is_scanned_before_the_next_is_read() {
    let (a, b) = (token("a"), token("b"));
    // Plain text lines, and JSON lines (a log of JSON objects).
    for lines in [
        vec![format!("Bearer {a}\n"), format!("Bearer {b}\n")],
        vec![
            format!("{{\"access_token\":\"{a}\"}}\n"),
            format!("{{\"access_token\":\"{b}\"}}\n"),
        ],
    ] {
        let (before, found) = reads(&lines);
        assert_eq!(found, [a.clone(), b.clone()], "{lines:?}");
        // The first read gives line one; the second read must come after its token.
        assert!(before.len() >= 3, "{before:?}");
        assert_eq!(before[1], 1, "{lines:?}: token 1 waited for more input");
        assert_eq!(before[2], 2, "{lines:?}: token 2 waited for more input");
    }
}

#[test]
fn a_json_document_arriving_in_pieces_is_still_one_document() {
    let a = token("a");
    let doc = format!("{{\n  \"data\": {{\n    \"tokens\": [\"{a}\"]\n  }}\n}}\n");
    let pieces: Vec<String> = doc.lines().map(|l| format!("{l}\n")).collect();
    let seen = Rc::new(Cell::new(0));
    let mut reader = Lines {
        lines: pieces.iter().map(|l| l.clone().into_bytes()).collect(),
        seen: Rc::clone(&seen),
        before_read: Vec::new(),
    };
    let mut fields = Vec::new();
    jwtinspect::for_each_token_read(&mut reader, "stdin", &mut |f| {
        fields.push(f.field.map(str::to_owned));
        Ok(())
    })
    .expect("reads");
    assert_eq!(fields, [Some("tokens".to_owned())]);
}
