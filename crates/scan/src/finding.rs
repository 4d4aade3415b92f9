//! What the scanner reports.

use serde::Serialize;

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

/// One finding in the original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// For `pii`: `id_card`, `mobile`, `landline`, `bank_card`, `email`,
    /// `passport`; for `attribution`: `missing_source` or
    /// `unapproved_source`.
    pub subkind: Option<&'static str>,
    /// The lexicon entry or detector that fired.
    pub rule: String,
    pub category: String,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub matched: String,
    pub suggestion: Option<String>,
}

/// Converts byte spans to char spans for a batch of findings.
pub(crate) fn fill_char_offsets(text: &str, findings: &mut [Finding]) {
    if findings.is_empty() {
        return;
    }
    // Byte offset -> char index for every char boundary.
    let mut map = vec![0usize; text.len() + 1];
    let mut ci = 0;
    for (bi, _) in text.char_indices() {
        map[bi] = ci;
        ci += 1;
    }
    map[text.len()] = ci;
    for f in findings {
        f.char_start = map[f.start];
        f.char_end = map[f.end];
        f.matched = text[f.start..f.end].to_string();
    }
}
