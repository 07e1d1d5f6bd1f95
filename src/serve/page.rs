//! The page: one document, its script, its style and its icon, built into
//! the binary and served from this origin only (no CDN, font or analytics).

pub const HTML: &str = include_str!("page/index.html");
pub const JS: &str = include_str!("page/page.js");
pub const CSS: &str = include_str!("page/page.css");
pub const ICON: &str = include_str!("page/icon.svg");
