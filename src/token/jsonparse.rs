//! JSON for a token's header and claims: serde_json's `Value`, plus what
//! serde_json would hide.
//!
//! serde_json (with `preserve_order`) keeps the last of two members with the
//! same name and says nothing. RFC 7519 §4 allows that, but parsers differ
//! (some take the first, some reject the token), so a duplicate is a way to
//! make one token mean two things. This visitor builds the same `Value`,
//! notes every duplicate member (where, how often, which value is kept) and
//! stops at a named nesting limit. Nothing extra is done unless a duplicate
//! is actually found: the decoder is a hot path.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use crate::sanitize;

/// The deepest nesting of arrays and objects accepted in a header or claims set.
/// Real tokens nest a few levels; serde_json's own guard is 128.
pub const MAX_DEPTH: usize = 64;
/// The most JSON values (members' values, array items, the root) accepted in
/// a header or claims set. A `Value` costs one to two hundred bytes however
/// short its text (`1,` is two), so without a limit a big token of tiny
/// members took 40-60 times its size in memory (issue 13.16); at the limit
/// the tree stays within about 60 MB. Real tokens hold a few dozen values;
/// tests/hostile.rs decodes one of 200,000.
pub const MAX_VALUES: usize = 250_000;
/// How much of a kept duplicate value is remembered for the message.
const KEPT_LIMIT: usize = 60;

/// A member name that occurs more than once in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Dot path of the member (`exp`, `realm_access.roles`, `header.alg`).
    pub path: String,
    /// How many times the name occurs.
    pub count: usize,
    /// The value that is used (the last one), as compact JSON, cut short.
    pub kept: String,
}

/// A parsed segment and the duplicates found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    pub duplicates: Vec<Duplicate>,
    /// The length of `value` written as compact JSON with every string as it
    /// decoded (no escape added), when no number had an exponent (serde_json
    /// rewrites `1E5` as `1e+5`): see `is_compact`.
    pub compact_len: Option<usize>,
}

impl Parsed {
    /// True when `text` (what was parsed) is exactly the compact JSON the
    /// `--json` writer makes of the value, so it can be copied through. The
    /// text is at least `compact_len` long, and longer by each byte of
    /// whitespace between tokens and by each escape (`\\/` is 2 bytes for
    /// 1); so when no number had an exponent and no member was dropped as a
    /// duplicate, a text of exactly `compact_len` bytes is the compact JSON
    /// of the value, string for string. Printable ASCII besides: the writer
    /// escapes nothing in it (no control, DEL or bidi character).
    pub fn is_compact(&self, text: &[u8]) -> bool {
        self.duplicates.is_empty()
            && self.compact_len == Some(text.len())
            && text
                .iter()
                .fold(true, |ok, &b| ok & matches!(b, b' '..=b'~'))
    }
}

/// Why a segment is not JSON.
#[derive(Debug)]
pub enum ParseError {
    /// Arrays and objects nested deeper than `MAX_DEPTH`.
    TooDeep,
    /// More than `MAX_VALUES` values.
    TooMany,
    /// Not JSON text.
    Json(serde_json::Error),
}

/// Parse `bytes` as one JSON value. Duplicate paths start with `root` (`header`) when given.
pub fn parse(bytes: &[u8], root: &str) -> Result<Parsed, ParseError> {
    let mut state = State::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let path = if root.is_empty() {
        Path::Root
    } else {
        Path::Key(&Path::Root, root)
    };
    let node = Node {
        state: &mut state,
        path: &path,
        depth: 1,
    };
    let value = node.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match value {
        Ok(value) => Ok(Parsed {
            value,
            duplicates: state.duplicates,
            compact_len: (!state.not_compact).then_some(state.written),
        }),
        Err(_) if state.too_deep => Err(ParseError::TooDeep),
        Err(_) if state.too_many => Err(ParseError::TooMany),
        Err(e) => Err(ParseError::Json(e)),
    }
}

#[derive(Default)]
struct State {
    duplicates: Vec<Duplicate>,
    too_deep: bool,
    /// Values begun so far.
    values: usize,
    too_many: bool,
    /// Bytes of the value so far as compact JSON, strings unescaped.
    written: usize,
    /// A number with an exponent, or one not from serde_json's text: its
    /// written form may differ from the input's.
    not_compact: bool,
}

/// Where a value sits, as a chain of borrowed names: built for free, rendered only for a duplicate.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (parent, part): (&Path, &dyn fmt::Display) = match self {
            Path::Root => return Ok(()),
            Path::Key(p, k) => (p, k),
            Path::Index(p, i) => (p, i),
        };
        match parent {
            Path::Root => write!(f, "{part}"),
            _ => write!(f, "{parent}.{part}"),
        }
    }
}

/// The key under which serde_json (arbitrary_precision) passes a number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// How much of a duplicate's path is shown: a path of 64 levels of long
/// keys is cut, so noting a duplicate costs the same whatever the nesting.
const PATH_LIMIT: usize = 200;

#[cfg(test)]
thread_local! {
    /// Bytes rendered for duplicate paths and kept values: the work count
    /// of the linear-time test.
    static RENDERED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `path` as dot-separated text, at most PATH_LIMIT bytes (then `…`).
/// Cost: the depth plus PATH_LIMIT, whatever the keys' lengths.
fn render_path(path: &Path, last: &str) -> String {
    let mut chain: Vec<&Path> = Vec::new();
    let mut at = path;
    while let Path::Key(parent, _) | Path::Index(parent, _) = at {
        chain.push(at);
        at = parent;
    }
    let mut out = String::new();
    let mut room = true;
    for p in chain.iter().rev() {
        room = room
            && match p {
                Path::Key(_, k) => push_part(&mut out, k),
                Path::Index(_, i) => push_part(&mut out, &i.to_string()),
                Path::Root => true,
            };
    }
    if room {
        push_part(&mut out, last);
    }
    #[cfg(test)]
    RENDERED.with(|r| r.set(r.get() + out.len()));
    out
}

/// Append `.part` to a path, within PATH_LIMIT; false once it is full.
fn push_part(out: &mut String, part: &str) -> bool {
    if !out.is_empty() {
        out.push('.');
    }
    let room = PATH_LIMIT.saturating_sub(out.len());
    let (head, cut) = sanitize::cut(part, room);
    out.push_str(head);
    if cut || out.len() >= PATH_LIMIT {
        out.push('…');
        return false;
    }
    true
}

/// A writer that keeps the first `limit` bytes and then refuses more.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.limit - self.bytes.len();
        if room == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        let n = room.min(buf.len());
        self.bytes.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The start of `value` as compact JSON, cut at KEPT_LIMIT characters:
/// only that much of it is ever rendered.
fn kept_text(value: &Value) -> String {
    let mut w = Capped {
        bytes: Vec::new(),
        limit: 4 * KEPT_LIMIT + 4,
    };
    // A full writer is the expected way this stops.
    let _ = serde_json::to_writer(&mut w, value);
    #[cfg(test)]
    RENDERED.with(|r| r.set(r.get() + w.bytes.len()));
    let text = String::from_utf8_lossy(&w.bytes);
    match sanitize::cut(&text, KEPT_LIMIT) {
        (head, true) => format!("{head}…"),
        (head, false) if w.bytes.len() == w.limit => format!("{head}…"),
        (head, false) => head.to_owned(),
    }
}

/// Builds one `Value` at `path`, `depth` levels down.
struct Node<'s, 'p> {
    state: &'s mut State,
    path: &'p Path<'p>,
    depth: usize,
}

impl Node<'_, '_> {
    fn check_depth<E: de::Error>(&mut self) -> Result<(), E> {
        if self.depth > MAX_DEPTH {
            self.state.too_deep = true;
            return Err(E::custom(format_args!(
                "nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        // Counted before it is read: past the limit nothing more is built.
        self.state.values += 1;
        if self.state.values > MAX_VALUES {
            self.state.too_many = true;
            return Err(de::Error::custom(format_args!(
                "more than {MAX_VALUES} values"
            )));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        self.state.written += if v { 4 } else { 5 };
        Ok(Value::Bool(v))
    }

    // serde_json (arbitrary_precision) hands over an integer that fits 64
    // bits as one; its JSON text has no other form (no `+`, no leading zero),
    // so it is written back as it came. Other numbers come as text (`visit_map`).
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        self.state.written += itoa::Buffer::new().format(v).len();
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        self.state.written += itoa::Buffer::new().format(v).len();
        Ok(Value::Number(v.into()))
    }

    // Not from serde_json's text (it passes no float): no compact form known.
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        self.state.not_compact = true;
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        self.state.written += v.len() + 2;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        self.state.written += v.len() + 2;
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        self.state.written += 4;
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        self.state.written += 4;
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        self.check_depth()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            let path = Path::Index(self.path, items.len());
            let child = Node {
                state: &mut *self.state,
                path: &path,
                depth: self.depth + 1,
            };
            match seq.next_element_seed(child)? {
                Some(v) => items.push(v),
                None => {
                    // `[` `]` and a comma between items.
                    self.state.written += 2 + items.len().saturating_sub(1);
                    return Ok(Value::Array(items));
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        self.check_depth()?;
        let mut object = Map::new();
        // Duplicate names of this object and where each is noted: the path
        // is rendered once per name, the kept value once at the end.
        let mut dups: Option<HashMap<String, usize>> = None;
        while let Some(key) = map.next_key::<String>()? {
            // serde_json's arbitrary_precision hands a number over as a map
            // of one private key: its text, kept exactly (an integer beyond
            // 64 bits keeps its digits).
            if key == NUMBER_TOKEN && object.is_empty() {
                let text: String = map.next_value()?;
                self.state.written += text.len();
                self.state.not_compact |= text.contains('e');
                return text
                    .parse::<Number>()
                    .map(Value::Number)
                    .map_err(de::Error::custom);
            }
            // `"key":` and a comma before every member but the first.
            self.state.written += key.len() + 3 + usize::from(!object.is_empty());
            let path = Path::Key(self.path, &key);
            let child = Node {
                state: &mut *self.state,
                path: &path,
                depth: self.depth + 1,
            };
            let value = map.next_value_seed(child)?;
            match object.entry(key) {
                Entry::Vacant(e) => {
                    e.insert(value);
                }
                Entry::Occupied(mut e) => {
                    let seen = dups.get_or_insert_with(HashMap::new);
                    match seen.get(e.key()) {
                        Some(&i) => self.state.duplicates[i].count += 1,
                        None => {
                            seen.insert(e.key().clone(), self.state.duplicates.len());
                            self.state.duplicates.push(Duplicate {
                                path: render_path(self.path, e.key()),
                                count: 2,
                                kept: String::new(),
                            });
                        }
                    }
                    e.insert(value);
                }
            }
        }
        self.state.written += 2;
        for (name, i) in dups.into_iter().flatten() {
            if let Some(v) = object.get(&name) {
                self.state.duplicates[i].kept = kept_text(v);
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_value_as_serde_json() {
        let text =
            r#"{"z":1,"a":[1.5,-2,true,null,"s\u00e9"],"o":{"k":{}},"big":18446744073709551615}"#;
        let parsed = parse(text.as_bytes(), "").unwrap();
        let plain: Value = serde_json::from_str(text).unwrap();
        assert_eq!(parsed.value, plain);
        assert!(parsed.duplicates.is_empty());
        let keys: Vec<_> = parsed.value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "a", "o", "big"]);
    }

    #[test]
    fn duplicates_are_named_with_the_kept_value() {
        let text = r#"{"exp":1,"sub":"a","exp":2,"r":{"roles":["x"],"roles":["admin"]},"exp":3}"#;
        let parsed = parse(text.as_bytes(), "").unwrap();
        assert_eq!(parsed.value["exp"], json!(3));
        assert_eq!(
            parsed.duplicates,
            [
                Duplicate {
                    path: "exp".into(),
                    count: 3,
                    kept: "3".into()
                },
                Duplicate {
                    path: "r.roles".into(),
                    count: 2,
                    kept: r#"["admin"]"#.into()
                },
            ]
        );
        let header = parse(br#"{"alg":"RS256","alg":"none"}"#, "header").unwrap();
        assert_eq!(header.duplicates[0].path, "header.alg");
        assert_eq!(header.duplicates[0].kept, r#""none""#);
    }

    #[test]
    fn duplicates_inside_arrays_carry_the_index() {
        let parsed = parse(br#"{"l":[{"a":1,"a":2}]}"#, "").unwrap();
        assert_eq!(parsed.duplicates[0].path, "l.0.a");
    }

    #[test]
    fn depth_limit_is_named() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes(), "").is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(matches!(
            parse(deep.as_bytes(), ""),
            Err(ParseError::TooDeep)
        ));
        let deeper = "{\"a\":".repeat(100_000);
        assert!(matches!(
            parse(deeper.as_bytes(), ""),
            Err(ParseError::TooDeep)
        ));
    }

    #[test]
    fn more_values_than_the_limit_is_an_error() {
        // The root array and MAX_VALUES - 1 items: at the limit.
        let at = format!("[{}]", vec!["1"; MAX_VALUES - 1].join(","));
        assert!(parse(at.as_bytes(), "").is_ok());
        let past = format!("{{\"l\":[{}]}}", vec!["1"; MAX_VALUES].join(","));
        assert!(matches!(
            parse(past.as_bytes(), ""),
            Err(ParseError::TooMany)
        ));
    }

    #[test]
    fn trailing_text_is_an_error() {
        assert!(matches!(parse(b"{} x", ""), Err(ParseError::Json(_))));
    }

    #[test]
    fn long_kept_values_are_cut() {
        let text = format!(r#"{{"a":1,"a":"{}"}}"#, "é".repeat(100));
        let d = &parse(text.as_bytes(), "").unwrap().duplicates[0];
        assert_eq!(d.kept.chars().count(), KEPT_LIMIT + 1);
        assert!(d.kept.ends_with('…'));
    }
}

#[cfg(test)]
mod linear {
    use super::*;

    /// 60 levels of 200-character keys, then `dups` duplicate members.
    fn nested(dups: usize) -> String {
        let key = "k".repeat(200);
        let members = vec![r#""dup":1"#; dups].join(",");
        format!(
            "{}{{{members}}}{}",
            format!("{{\"{key}\":").repeat(60),
            "}".repeat(60)
        )
    }

    /// Noting duplicates renders a bounded amount per duplicate name, not the
    /// whole path per occurrence (12 KB each before: quadratic): counted,
    /// not timed.
    #[test]
    fn deeply_nested_duplicates_are_noted_in_linear_work() {
        for dups in [1_000, 4_000] {
            let text = nested(dups);
            RENDERED.with(|r| r.set(0));
            let parsed = parse(text.as_bytes(), "").unwrap();
            let work = RENDERED.with(|r| r.get());
            assert_eq!(parsed.duplicates.len(), 1);
            assert_eq!(parsed.duplicates[0].count, dups);
            assert!(parsed.duplicates[0].path.ends_with('…'));
            assert!(
                work <= 2 * PATH_LIMIT,
                "{dups} duplicates: {work} bytes rendered"
            );
        }
    }

    #[test]
    fn compact_text_is_told_from_everything_the_writer_would_change() {
        let compact = |text: &str| {
            parse(text.as_bytes(), "")
                .unwrap()
                .is_compact(text.as_bytes())
        };
        for text in [
            r#"{"sub":"Ana Kowalski","exp":1629286368,"n":-5,"z":-0,"f":1.50,"big":18446744073709551617}"#,
            r#"{"a":[],"b":{},"c":[null,true,false,{"d":[1,[2]]}],"":"","e":"2e5 {x: [1, true]}"}"#,
            r#"{"s":"~!#$%^&*()_+`-=[]{}|;':,./<>?"}"#,
        ] {
            assert!(compact(text), "{text}");
        }
        for text in [
            r#" {"a":1}"#,
            r#"{"a":1} "#,
            r#"{"a": 1}"#,
            r#"{"a":1 ,"b":2}"#,
            "{\"a\":1}\n",
            "{\n\"a\":1}",
            r#"{"a":"\u0041"}"#,
            r#"{"a":"\/"}"#,
            r#"{"a\"b":1}"#,
            r#"{"a":"é"}"#,
            "{\"a\":\"\u{7f}\"}",
            r#"{"a":1e5}"#,
            r#"{"a":1E5}"#,
            r#"{"a":1.5e-3}"#,
            r#"{"a":1e+5}"#,
            r#"{"a":1,"a":1}"#,
            r#"{"$serde_json::private::Number":"12"}"#,
        ] {
            assert!(!compact(text), "{text}");
        }
    }
}
