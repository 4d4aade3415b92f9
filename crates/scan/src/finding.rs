//! What the scanner reports.

pub use crate::rules::Rule;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::borrow::Cow;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
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

/// One finding in the original text: 48 bytes that refer to the rule
/// that fired and to the scanned text, so scanning allocates nothing per
/// finding. Offsets are `u32`: a text scanned at once is under 4 GiB.
///
/// Serialized (JSON) with every field spelled out: `kind`, `subkind`,
/// `rule`, `category`, `severity`, `start`, `end`, `char_start`,
/// `char_end`, `matched`, `suggestion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding<'a> {
    /// The lexicon entry or detector rule that fired.
    pub rule: &'a Rule,
    /// The original text of the span.
    pub matched: &'a str,
    /// UTF-8 byte offsets in the original text.
    pub start: u32,
    pub end: u32,
    /// Unicode scalar offsets in the original text.
    pub char_start: u32,
    pub char_end: u32,
    /// The rule's kind and severity, kept here for sorting and counting.
    pub kind: Kind,
    pub severity: Severity,
}

impl<'a> Finding<'a> {
    pub(crate) fn new(rule: &'a Rule, start: usize, end: usize) -> Finding<'a> {
        Finding {
            rule,
            matched: "",
            start: start as u32,
            end: end as u32,
            char_start: 0,
            char_end: 0,
            kind: rule.kind(),
            severity: rule.severity(),
        }
    }

    /// For `pii`: `id_card`, `mobile`, `landline`, `bank_card`, `email`,
    /// `passport`; for `attribution`: `missing_source` or
    /// `unapproved_source`.
    pub fn subkind(&self) -> Option<&'static str> {
        self.rule.subkind()
    }

    /// The byte span, for slicing the scanned text.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The correct form (a lexicon correction) or the masked form
    /// (personal data not disclosed on purpose).
    pub fn suggestion(&self) -> Option<Cow<'a, str>> {
        if self.rule.masks() {
            let subkind = self.rule.subkind().unwrap_or_default();
            Some(Cow::Owned(crate::mask::mask_item(subkind, self.matched)))
        } else {
            self.rule.suggestion().map(Cow::Borrowed)
        }
    }
}

impl Serialize for Finding<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Finding", 11)?;
        m.serialize_field("kind", &self.kind)?;
        m.serialize_field("subkind", &self.subkind())?;
        m.serialize_field("rule", self.rule.name())?;
        m.serialize_field("category", self.rule.category())?;
        m.serialize_field("severity", &self.severity)?;
        m.serialize_field("start", &self.start)?;
        m.serialize_field("end", &self.end)?;
        m.serialize_field("char_start", &self.char_start)?;
        m.serialize_field("char_end", &self.char_end)?;
        m.serialize_field("matched", self.matched)?;
        m.serialize_field("suggestion", &self.suggestion())?;
        m.end()
    }
}

/// Fills `matched` and the char offsets of findings sorted by `start`, in
/// one walk over the text.
pub(crate) fn fill_char_offsets<'a>(text: &'a str, findings: &mut [Finding<'a>]) {
    let (mut byte, mut chars) = (0usize, 0usize);
    for f in findings {
        let (start, end) = (f.start as usize, f.end as usize);
        chars += text[byte..start].chars().count();
        byte = start;
        f.matched = &text[start..end];
        f.char_start = chars as u32;
        f.char_end = (chars + f.matched.chars().count()) as u32;
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
