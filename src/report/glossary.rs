//! `jwtinspect --explain`: the claim glossary as a table.

use std::io::{self, Write};

use crate::meaning::glossary::{lookup, Entry, Part};

/// Write the glossary (`name`: only that name's entries). Returns false when
/// `name` has no entry, having written nothing.
pub fn write<W: Write>(out: &mut W, name: Option<&str>) -> io::Result<bool> {
    let entries: Vec<(Part, &Entry)> = match name {
        Some(n) => lookup(n),
        None => Part::ALL
            .iter()
            .flat_map(|&part| part.entries().iter().map(move |e| (part, e)))
            .collect(),
    };
    if entries.is_empty() {
        return Ok(false);
    }
    let name_width = entries.iter().map(|(_, e)| e.name.len()).max().unwrap_or(0);
    let meaning_width = entries
        .iter()
        .map(|(_, e)| e.meaning.chars().count())
        .max()
        .unwrap_or(0);
    let mut current = None;
    for (part, entry) in entries {
        if current != Some(part) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", part.title())?;
            current = Some(part);
        }
        writeln!(
            out,
            "  {:<name_width$}  {:<meaning_width$}  {}",
            entry.name, entry.meaning, entry.source
        )?;
    }
    Ok(true)
}
