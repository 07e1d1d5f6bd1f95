//! Tokens found, held for another thread: their texts end to end in one
//! String, so a batch of a hundred tokens is two allocations, reused.

use std::ops::Range;

use super::input::Found;

/// A batch is full at this many tokens...
const BATCH_TOKENS: usize = 128;
/// ... or at this much text, whichever comes first.
pub const BATCH_BYTES: usize = 256 * 1024;

/// Tokens as found, in order, owning their text.
#[derive(Default)]
pub struct Batch {
    text: String,
    items: Vec<Item>,
    /// Tokens passed over (`skip`) since the last one pushed.
    skipped: u64,
}

struct Item {
    source: Range<usize>,
    field: Option<Range<usize>>,
    token: Range<usize>,
    in_response: bool,
    trailing: Option<Range<usize>>,
    /// Tokens passed over just before this one.
    skipped_before: u64,
}

impl Batch {
    pub fn push(&mut self, found: &Found) {
        let mut add = |s: &str| {
            let start = self.text.len();
            self.text.push_str(s);
            start..self.text.len()
        };
        let item = Item {
            source: add(found.source),
            field: found.field.map(&mut add),
            token: add(found.token),
            in_response: found.in_response,
            trailing: found.trailing.map(&mut add),
            skipped_before: std::mem::take(&mut self.skipped),
        };
        self.items.push(item);
    }

    /// Count a token found and passed over, in its place among the others.
    pub fn skip(&mut self) {
        self.skipped += 1;
    }

    pub fn is_full(&self) -> bool {
        self.items.len() >= BATCH_TOKENS || self.text.len() >= BATCH_BYTES
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.skipped == 0
    }

    /// The tokens, in the order pushed.
    pub fn iter(&self) -> impl Iterator<Item = Found<'_>> {
        self.counted().map(|(_, found)| found)
    }

    /// The tokens in the order pushed, each with the number of tokens
    /// passed over just before it; `skipped_after` gives the rest.
    pub fn counted(&self) -> impl Iterator<Item = (u64, Found<'_>)> {
        let text = &self.text;
        self.items.iter().map(move |item| {
            let found = Found {
                source: &text[item.source.clone()],
                field: item.field.clone().map(|r| &text[r]),
                token: &text[item.token.clone()],
                in_response: item.in_response,
                trailing: item.trailing.clone().map(|r| &text[r]),
            };
            (item.skipped_before, found)
        })
    }

    /// Tokens passed over after the last one pushed.
    pub fn skipped_after(&self) -> u64 {
        self.skipped
    }

    /// Empty it for reuse; a buffer grown past `keep` bytes (a big token's)
    /// is let go rather than kept.
    pub fn clear(&mut self, keep: usize) {
        self.text.clear();
        self.items.clear();
        self.skipped = 0;
        if self.text.capacity() > keep {
            self.text = String::new();
        }
    }
}
