//! What the scanner reports.

use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Notice,
    Review,
    Block,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim() {
            "notice" => Some(Severity::Notice),
            "review" => Some(Severity::Review),
            "block" => Some(Severity::Block),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Severity::Notice => "notice",
            Severity::Review => "review",
            Severity::Block => "block",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Lexicon,
    Correction,
    Pii,
    Advert,
    Link,
    SecretMarker,
    Attribution,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Lexicon,
        Kind::Correction,
        Kind::Pii,
        Kind::Advert,
        Kind::Link,
        Kind::SecretMarker,
        Kind::Attribution,
    ];

    /// Position in [`Kind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn code(self) -> &'static str {
        match self {
            Kind::Lexicon => "lexicon",
            Kind::Correction => "correction",
            Kind::Pii => "pii",
            Kind::Advert => "advert",
            Kind::Link => "link",
            Kind::SecretMarker => "secret_marker",
            Kind::Attribution => "attribution",
        }
    }
}

/// One finding in the original text. It borrows the scanner's rule names
/// and the scanned text, so scanning allocates nothing per finding except
/// masking suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding<'a> {
    pub kind: Kind,
    /// For `pii`: `id_card`, `mobile`, `landline`, `bank_card`, `email`,
    /// `passport`; for `attribution`: `missing_source` or
    /// `unapproved_source`.
    pub subkind: Option<&'static str>,
    /// The lexicon entry or detector that fired.
    pub rule: &'a str,
    pub category: &'a str,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub matched: &'a str,
    pub suggestion: Option<Cow<'a, str>>,
}

/// Fills `matched` and the char offsets of findings sorted by `start`, in
/// one walk over the text.
pub(crate) fn fill_char_offsets<'a>(text: &'a str, findings: &mut [Finding<'a>]) {
    let (mut byte, mut chars) = (0usize, 0usize);
    for f in findings {
        chars += text[byte..f.start].chars().count();
        byte = f.start;
        f.char_start = chars;
        f.matched = &text[f.start..f.end];
        f.char_end = chars + f.matched.chars().count();
    }
}

/// Line and column (1-based, in characters) of a byte offset, for showing
/// a finding to a person.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_col_counts_characters() {
        assert_eq!(super::line_col("甲乙\n丙丁", 0), (1, 1));
        assert_eq!(super::line_col("甲乙\n丙丁", "甲乙\n丙".len()), (2, 2));
    }
}
