//! Content checking: the compliance scanner over the API and the draft
//! check page.

pub mod api;
pub mod pages;

/// Longest text accepted by one scan (characters).
pub const MAX_SCAN_CHARS: usize = 200_000;
