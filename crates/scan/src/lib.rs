//! The compliance scanner (articles 11, 12, 14, 15, 17 and 20 of the
//! measures): lexicon terms robust to evasion, wrong expressions with
//! their corrections, personal data (with masking), advertising, links,
//! secret markings and unattributed reposts. Pure and synchronous: no I/O.
//!
//! Every finding points into the ORIGINAL text: `start`/`end` are UTF-8
//! byte offsets, `char_start`/`char_end` Unicode scalar offsets.

pub mod attribution;
pub mod automaton;
mod bytes;
pub mod finding;
pub mod lexicon;
pub mod links;
pub mod mask;
pub mod normalize;
mod pattern;
pub mod pii;
mod prices;
mod rules;
pub mod scanner;
mod secret;
pub mod shared;
pub mod verdict;

pub use finding::{Finding, Kind, Rule, Severity, line_col};
pub use lexicon::{Entry, LexiconError, parse_lexicon};
pub use mask::mask;
pub use scanner::{MAX_TEXT_BYTES, ScanOptions, Scanner, ScannerConfig, Tally};
pub use shared::SharedScanner;
pub use verdict::{Verdict, detector_label, merge_overlaps};
