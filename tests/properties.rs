//! Properties over generated input: nothing panics, decoding inverts
//! encoding, and the finder finds every token embedded in random text.
//! Case counts stay modest: this runs with the normal test suite.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
mod support;

use jwtinspect::{scan_all, OutputMode, Scanner, Settings};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn settings(output: OutputMode) -> Settings {
    support::library_settings(output, 1_714_564_800, 0)
}

/// The whole flow, both reports; returns the human report.
fn inspect_all(bytes: &[u8]) -> String {
    let mut json = Vec::new();
    let _ = jwtinspect::inspect_bytes(bytes, settings(OutputMode::Json), &mut json);
    for line in String::from_utf8(json).expect("JSON is UTF-8").lines() {
        serde_json::from_str::<Value>(line).expect("each JSON line parses");
    }
    let mut human = Vec::new();
    let _ = jwtinspect::inspect_bytes(bytes, settings(OutputMode::Human), &mut human);
    String::from_utf8(human).expect("the report is UTF-8")
}

/// JSON values as tokens carry them: no floats that do not round-trip exactly.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1_000_000i32..1_000_000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((any::<String>(), json_value()), 0..8)
        .prop_map(|members| members.into_iter().collect())
}

fn b64(v: &Map<String, Value>) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).expect("serialises"))
}

/// A token minted from a generated header and payload. In free text a token
/// is known by its header's `eyJ`: `{"` and a first name starting with a
/// letter (as `alg`, `typ`, `kid` do), so the header starts with `alg`.
fn token() -> impl Strategy<Value = String> {
    (
        any::<String>(),
        json_object(),
        json_object(),
        "[A-Za-z0-9_-]{0,40}",
    )
        .prop_map(|(alg, rest, p, sig)| {
            let mut h = Map::new();
            h.insert("alg".to_owned(), Value::String(alg));
            h.extend(rest.into_iter().filter(|(k, _)| k != "alg"));
            format!("{}.{}.{sig}", b64(&h), b64(&p))
        })
}

/// Text between tokens: anything at all.
fn filler() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ a-zA-Z0-9:=,;\n\"{}]{0,60}"]
}

/// Characters that end a token (none of base64url, `+`, `/`, `=`, `.`).
fn separator() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        ' ', '\n', '\t', ',', ';', '"', '\'', '<', '>', '(', ')', '&', '?', '\u{0}', 'é',
    ])
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_string_never_panics(s in any::<String>()) {
        let _ = jwtinspect::decode(&s);
        let _ = scan_all(s.as_bytes());
        inspect_all(s.as_bytes());
    }

    #[test]
    fn any_bytes_never_panic_and_never_reach_the_terminal_raw(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let report = inspect_all(&bytes);
        prop_assert!(!report.chars().any(|c| jwtinspect::is_hostile(c) && c != '\n'));
    }

    #[test]
    fn token_shaped_strings_never_panic(s in "(eyJ[A-Za-z0-9_=+/-]{0,30}[.]?){1,6}") {
        inspect_all(s.as_bytes());
    }

    #[test]
    fn decode_inverts_encode(header in json_object(), payload in json_object()) {
        let tok = format!("{}.{}.c2ln", b64(&header), b64(&payload));
        let d = jwtinspect::decode(&tok);
        let (h, p) = (d.header.expect("header decodes"), d.payload.expect("payload decodes"));
        // Compared as text: values and member order both.
        prop_assert_eq!(serde_json::to_string(&h).unwrap(), serde_json::to_string(&header).unwrap());
        prop_assert_eq!(serde_json::to_string(&p).unwrap(), serde_json::to_string(&payload).unwrap());
        prop_assert!(d.duplicates.is_empty());
        inspect_all(tok.as_bytes());
    }

    #[test]
    fn the_finder_finds_every_embedded_token(
        parts in prop::collection::vec((filler(), separator(), token(), separator()), 1..6),
        tail in filler(),
    ) {
        let mut text = String::new();
        for (fill, before, tok, after) in &parts {
            text.push_str(fill);
            text.push(*before);
            text.push_str(tok);
            text.push(*after);
        }
        text.push_str(&tail);
        let found: Vec<String> = scan_all(text.as_bytes())
            .iter()
            .map(|c| String::from_utf8(c.text(text.as_bytes()).into_owned()).unwrap())
            .collect();
        // Every token, in order (the filler may hold token-like strings of its own).
        let mut rest = found.iter();
        for (_, _, tok, _) in &parts {
            prop_assert!(rest.any(|f| f == tok), "{} not found in {:?}", tok, found);
        }
    }

    #[test]
    fn streaming_in_two_pieces_finds_the_same(text in "[ a-z\n.\"]{0,20}(eyJ[a-zA-Z0-9]{1,20}[.]eyJ[a-z0-9]{0,20}[.][a-z]{0,9}[ \n.]){0,4}[ a-z\n]{0,20}", cut in any::<prop::sample::Index>()) {
        let bytes = text.as_bytes();
        let whole: Vec<_> = scan_all(bytes).into_iter().map(|c| (c.start, c.end)).collect();
        let cut = cut.index(bytes.len() + 1);
        let s = Scanner::default();
        let mut pieces = Vec::new();
        let p = s.scan(&bytes[..cut], 0, false, |c| pieces.push((c.start, c.end)));
        s.scan(bytes, p.resume, true, |c| pieces.push((c.start, c.end)));
        prop_assert_eq!(whole, pieces);
    }

    #[test]
    fn a_token_response_inside_text_is_judged_as_the_document(tree in response_tree(), pretty in any::<bool>()) {
        // The same JSON object, given alone (a document, walked whole) and
        // inside text (found from each token outwards): every token gets the
        // same key and the same checked/unchecked.
        let mut n = 0;
        let value = tree.build(&mut n);
        let json = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            value.to_string()
        };
        let alone = fields_and_checked(json.as_bytes());
        let in_text = fields_and_checked(format!("< HTTP/1.1 200 OK\n{json}\n* done\n").as_bytes());
        prop_assert_eq!(&alone, &in_text, "{}", json);
        prop_assert_eq!(alone.len(), n);
    }
}

/// `(field, checked)` of each token of `--json` over `bytes`.
fn fields_and_checked(bytes: &[u8]) -> Vec<(Option<String>, bool)> {
    let mut json = Vec::new();
    let _ = jwtinspect::inspect_bytes(bytes, settings(OutputMode::Json), &mut json);
    String::from_utf8(json)
        .expect("UTF-8")
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a JSON line");
            (v["field"].as_str().map(str::to_owned), v["checked"] == true)
        })
        .collect()
}

/// A JSON object as login answers nest them: tokens under the names a
/// response uses, other members, and objects inside.
#[derive(Debug, Clone)]
enum Tree {
    Token(&'static str),
    Number(&'static str),
    Object(&'static str, Vec<Tree>),
}

impl Tree {
    /// The object, each token distinct (a counter in its payload); `n`
    /// counts the tokens.
    fn build(&self, n: &mut usize) -> Value {
        let mut map = Map::new();
        if let Tree::Object(_, members) = self {
            for member in members {
                let (Tree::Token(name) | Tree::Number(name) | Tree::Object(name, _)) = member;
                if map.contains_key(*name) {
                    // One member of a name (JSON allows more, but then the
                    // document keeps only the last).
                    continue;
                }
                let (name, value) = match member {
                    Tree::Token(name) => {
                        *n += 1;
                        let payload = format!(r#"{{"sub":"u{n}","exp":1714568400}}"#);
                        let token = format!(
                            "eyJhbGciOiJIUzI1NiJ9.{}.c2lnbmF0dXJl",
                            URL_SAFE_NO_PAD.encode(payload)
                        );
                        (*name, Value::String(token))
                    }
                    Tree::Number(name) => (*name, Value::from(300)),
                    Tree::Object(name, _) => (*name, member.build(n)),
                };
                map.insert(name.to_owned(), value);
            }
        }
        Value::Object(map)
    }
}

fn response_tree() -> impl Strategy<Value = Tree> {
    let token_names = prop::sample::select(vec![
        "access_token",
        "accessToken",
        "token",
        "refresh_token",
        "refreshToken",
        "id_token",
    ]);
    let leaf = prop_oneof![
        token_names.prop_map(Tree::Token),
        prop::sample::select(vec!["expires_in", "n"]).prop_map(Tree::Number),
    ];
    let object_names = prop::sample::select(vec!["data", "tokens", "meta"]);
    let tree = leaf.prop_recursive(3, 24, 5, move |inner| {
        (object_names.clone(), prop::collection::vec(inner, 0..5))
            .prop_map(|(name, members)| Tree::Object(name, members))
    });
    prop::collection::vec(tree, 1..6).prop_map(|members| Tree::Object("", members))
}
