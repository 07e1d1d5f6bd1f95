//! The layout's boundaries, read from the source: every `crate::` path a
//! file names is an edge from its folder to another. The flow runs one way
//! (cli → app → scan → token → meaning / verify → report; net on the side),
//! and these tests fail when an edit makes it run back.
//!
//! Test code (`#[cfg(test)]` to the end of a file) and comments are not read.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// One source file of the library or the binary.
struct Source {
    /// Path under `src/`, with `/`: `meaning/risks.rs`.
    path: String,
    /// The code, without comments and without its test module.
    code: String,
    /// Every `crate::` path it names, as segments: `["meaning", "time", "Clock"]`.
    uses: Vec<Vec<String>>,
}

impl Source {
    /// The top-level part the file belongs to: `meaning`, `config`, `main`.
    fn part(&self) -> &str {
        let first = self.path.split('/').next().unwrap_or("");
        first.strip_suffix(".rs").unwrap_or(first)
    }

    /// The parts of the crate it reaches (first segment of each `crate::` path).
    fn reaches(&self) -> BTreeSet<String> {
        self.uses
            .iter()
            .filter_map(|p| p.first().cloned())
            .collect()
    }

    /// True when it names `crate::a::b...` starting with `prefix` (`["verify", "keys"]`).
    fn names(&self, prefix: &[&str]) -> bool {
        self.uses
            .iter()
            .any(|p| p.len() >= prefix.len() && p.iter().zip(prefix).all(|(a, b)| a == b))
    }

    /// True when the code holds `needle` (outside comments and tests).
    fn mentions(&self, needle: &str) -> bool {
        self.code.contains(needle)
    }
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut out: Vec<Source> = files
        .into_iter()
        .map(|file| {
            let text = fs::read_to_string(&file).expect("reading a source file");
            let path = file
                .strip_prefix(&root)
                .expect("under src/")
                .to_string_lossy()
                .replace('\\', "/");
            let code = strip(&text);
            let uses = crate_paths(&code);
            Source { path, code, uses }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(out.len() > 20, "src/ should hold the crate's files");
    out
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("reading src/").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The code without `//` comments and without what follows `#[cfg(test)]`.
fn strip(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    text.lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string ("https://...") keeps its line.
            Some(i) if line[..i].matches('"').count() % 2 == 0 => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::...` path in `code`, groups (`crate::a::{b, c::d}`) expanded.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        // `jwtinspect_crate::` or `foocrate::` are other names.
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let (tree, _) = use_tree(rest);
        paths.extend(tree);
    }
    paths
}

/// Parse one path or group at the start of `s`: the paths it names, and the rest.
fn use_tree(s: &str) -> (Vec<Vec<String>>, &str) {
    let s = s.trim_start();
    if let Some(inner) = s.strip_prefix('{') {
        let mut paths = Vec::new();
        let mut rest = inner;
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('}') {
                return (paths, after);
            }
            if let Some(after) = rest.strip_prefix(',') {
                rest = after;
                continue;
            }
            let (sub, after) = use_tree(rest);
            if after.len() == rest.len() {
                // Not a path (a stray character): stop rather than loop.
                return (paths, after);
            }
            paths.extend(sub);
            rest = after;
        }
    }
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    if end == 0 {
        return (Vec::new(), s);
    }
    let ident = s[..end].to_owned();
    let rest = &s[end..];
    if let Some(after) = rest.strip_prefix("::") {
        let (subs, rest) = use_tree(after);
        if subs.is_empty() {
            return (vec![vec![ident]], rest);
        }
        let paths = subs
            .into_iter()
            .map(|mut p| {
                if p.first().is_some_and(|s| s == "self") {
                    p.remove(0);
                }
                p.insert(0, ident.clone());
                p
            })
            .collect();
        return (paths, rest);
    }
    (vec![vec![ident]], rest)
}

/// Files that break `rule`, as `path: what`.
fn breaches(rule: impl Fn(&Source) -> Option<String>) -> Vec<String> {
    sources()
        .iter()
        .filter_map(|s| rule(s).map(|what| format!("{}: {what}", s.path)))
        .collect()
}

/// Boundary leaks the layout inherited and that are still to be mended,
/// one `path: what` each. Listed here, they do not fail the tests; one that
/// is mended must leave the list (a stale entry fails too).
const KNOWN_LEAKS: &[&str] = &[];

fn check(rule_name: &str, found: Vec<String>) {
    let (known, new): (Vec<_>, Vec<_>) = found
        .into_iter()
        .partition(|b| KNOWN_LEAKS.contains(&b.as_str()));
    assert!(
        new.is_empty(),
        "{rule_name}: the layout's boundary is broken:\n  {}",
        new.join("\n  ")
    );
    let _ = known;
}

fn rule_clap_stays_in_cli(s: &Source) -> Option<String> {
    if matches!(s.part(), "cli" | "main" | "lib") {
        return None;
    }
    if s.mentions("clap") {
        return Some("names clap".into());
    }
    s.names(&["cli"]).then(|| "reaches cli".into())
}

#[test]
fn clap_and_the_cli_structs_stay_in_cli_and_main() {
    check(
        "clap only in cli/ and main.rs",
        breaches(rule_clap_stays_in_cli),
    );
}

#[test]
fn reqwest_stays_in_net() {
    check(
        "reqwest only in net/",
        breaches(|s| (s.part() != "net" && s.mentions("reqwest")).then(|| "names reqwest".into())),
    );
}

/// What `token/` and `meaning/` may not name: I/O, the screen, the process.
const IO: &[&str] = &[
    "std::io",
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "stdin",
    "stdout",
    "stderr",
    "print!",
    "println!",
    "eprint",
    "File::",
];

fn rule_no_io(s: &Source) -> Option<String> {
    if !matches!(s.part(), "token" | "meaning") {
        return None;
    }
    if let Some(word) = IO.iter().find(|w| s.mentions(w)) {
        return Some(format!("names {word}"));
    }
    ["cli", "app", "net", "report", "messages"]
        .iter()
        .find(|p| s.names(&[p]))
        .map(|p| format!("reaches {p}"))
}

#[test]
fn token_and_meaning_do_no_io_and_write_no_stderr() {
    check("no I/O in token/ and meaning/", breaches(rule_no_io));
}

fn rule_report_apart_from_net(s: &Source) -> Option<String> {
    match s.part() {
        "report" if s.names(&["net"]) => Some("reaches net".into()),
        "report" if s.names(&["verify", "keys"]) => Some("reaches verify::keys".into()),
        "net" if s.names(&["report"]) => Some("reaches report".into()),
        _ => None,
    }
}

#[test]
fn report_and_net_never_reach_each_other_nor_key_loading() {
    check(
        "report/ apart from net/ and key loading",
        breaches(rule_report_apart_from_net),
    );
}

/// Resolving the flags is plain data work: keys are loaded, and JWKS
/// downloaded, in the app step.
fn rule_resolution_without_io(s: &Source) -> Option<String> {
    if s.part() != "cli" {
        return None;
    }
    if s.names(&["net"]) {
        return Some("reaches net".into());
    }
    s.names(&["verify", "keys"])
        .then(|| "reaches verify::keys".into())
}

#[test]
fn resolving_the_flags_loads_no_key_and_fetches_nothing() {
    check(
        "cli/ resolves without I/O",
        breaches(rule_resolution_without_io),
    );
}

#[test]
fn process_exit_only_in_main() {
    check(
        "process::exit only in main.rs",
        breaches(|s| {
            (s.path != "main.rs" && s.mentions("process::exit")).then(|| "exits the process".into())
        }),
    );
}

#[test]
fn only_messages_writes_to_stderr() {
    check(
        "stderr only through messages.rs",
        breaches(|s| {
            let writes = ["eprint", "stderr"].iter().find(|w| s.mentions(w));
            match writes {
                Some(w) if s.path != "messages.rs" => Some(format!("names {w}")),
                _ => None,
            }
        }),
    );
}

/// The flow, one rank a stage: a part may reach its own and lower ranks only.
/// `net` and `report` share a rank: neither reaches the other.
const RANKS: &[(&str, u8)] = &[
    ("error", 0),
    ("sanitize", 0),
    ("secret", 0),
    ("messages", 0),
    ("jwe", 0),
    ("scan", 1),
    ("token", 2),
    ("meaning", 3),
    ("verify", 4),
    ("config", 5),
    ("sign", 5),
    ("net", 6),
    ("report", 6),
    ("serve", 7),
    ("app", 8),
    ("cli", 9),
];

fn rank(part: &str) -> Option<u8> {
    RANKS.iter().find(|(p, _)| *p == part).map(|&(_, r)| r)
}

fn rule_one_way(s: &Source) -> Option<String> {
    let own = rank(s.part())?;
    let back: Vec<String> = s
        .reaches()
        .into_iter()
        .filter(|p| p != s.part())
        .filter(|p| rank(p).is_none_or(|r| r > own || (r == own && own > 0)))
        .map(|p| format!("reaches {p}"))
        .collect();
    // One leak a line, so that KNOWN_LEAKS can name each.
    (!back.is_empty()).then(|| back.join(", "))
}

#[test]
fn the_flow_runs_one_way() {
    let mut found = Vec::new();
    for s in sources() {
        if let Some(what) = rule_one_way(&s) {
            found.extend(what.split(", ").map(|w| format!("{}: {w}", s.path)));
        }
    }
    check("the flow runs one way", found);
}

#[test]
fn every_part_has_a_rank() {
    let unranked: Vec<_> = sources()
        .iter()
        .filter(|s| !matches!(s.part(), "main" | "lib") && rank(s.part()).is_none())
        .map(|s| s.path.clone())
        .collect();
    assert!(
        unranked.is_empty(),
        "give these a place in RANKS (tests/architecture.rs): {unranked:?}"
    );
}

/// A mended leak leaves KNOWN_LEAKS, so the list only shrinks.
#[test]
fn known_leaks_are_still_there() {
    let mut all = Vec::new();
    all.extend(breaches(rule_clap_stays_in_cli));
    all.extend(breaches(rule_no_io));
    all.extend(breaches(rule_report_apart_from_net));
    all.extend(breaches(rule_resolution_without_io));
    for s in sources() {
        if let Some(what) = rule_one_way(&s) {
            all.extend(what.split(", ").map(|w| format!("{}: {w}", s.path)));
        }
    }
    let stale: Vec<_> = KNOWN_LEAKS
        .iter()
        .filter(|k| !all.iter().any(|a| a == *k))
        .collect();
    assert!(
        stale.is_empty(),
        "mended: remove from KNOWN_LEAKS: {stale:?}"
    );
}

#[test]
fn the_reader_expands_groups() {
    let code = "use crate::meaning::{claims, time::{self, Clock}};\nlet x = crate::net::http::get;";
    let paths: Vec<String> = crate_paths(code).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        paths,
        [
            "meaning::claims",
            "meaning::time",
            "meaning::time::Clock",
            "net::http::get"
        ]
    );
}
