//! Lexicon files: one entry a line, `term<TAB>category<TAB>severity<TAB>suggestion`
//! (later fields optional; `#` starts a comment, `\#` is a literal `#`). Entries with a suggestion
//! are corrections; category `advert` entries are advertising and category
//! `secret` entries secret markings; the rest are plain lexicon terms.

use crate::finding::{Kind, Severity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub term: String,
    pub category: String,
    pub severity: Severity,
    pub suggestion: Option<String>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    pub source: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} 第 {} 行：{}", self.source, self.line, self.message)
    }
}

impl std::error::Error for LexiconError {}

/// Built-in lexicons: secret markings, advertising phrases and a starter
/// set of wrong expressions. No political term list is shipped; departments
/// load their own.
pub const DEFAULT_LEXICONS: &[(&str, &str)] = &[
    (
        "secret-markers.tsv",
        include_str!("../data/secret-markers.tsv"),
    ),
    ("advertising.tsv", include_str!("../data/advertising.tsv")),
    ("corrections.tsv", include_str!("../data/corrections.tsv")),
];

/// The line without its comment; `\#` stands for a literal `#`.
fn strip_comment(line: &str) -> std::borrow::Cow<'_, str> {
    let b = line.as_bytes();
    let cut = (0..b.len())
        .find(|&i| b[i] == b'#' && (i == 0 || b[i - 1] != b'\\'))
        .unwrap_or(b.len());
    let content = &line[..cut];
    if content.contains("\\#") {
        content.replace("\\#", "#").into()
    } else {
        content.into()
    }
}

/// Parses one lexicon file; `source` names it in errors.
pub fn parse_lexicon(text: &str, source: &str) -> Result<Vec<Entry>, LexiconError> {
    let mut out = Vec::new();
    let folder = crate::normalize::Folder::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let content = strip_comment(line);
        if content.trim().is_empty() {
            continue;
        }
        let err = |message: String| LexiconError {
            source: source.to_string(),
            line: i + 1,
            message,
        };
        let fields: Vec<&str> = content.split('\t').map(str::trim).collect();
        if fields.len() > 4 {
            return Err(err("字段过多（最多4列：词条、类别、级别、建议）".into()));
        }
        let term = fields[0];
        if term.is_empty() {
            return Err(err("词条为空".into()));
        }
        if term.chars().count() > 100 {
            return Err(err("词条超过100个字符".into()));
        }
        if !term.chars().any(|c| folder.get(c).is_some()) {
            return Err(err(format!("词条“{term}”只含标点或空白")));
        }
        let category = fields
            .get(1)
            .copied()
            .filter(|c| !c.is_empty())
            .unwrap_or("default");
        let severity = match fields.get(2).copied().filter(|s| !s.is_empty()) {
            None => Severity::Review,
            Some(s) => Severity::parse(s)
                .ok_or_else(|| err(format!("级别“{s}”无效，应为 block、review 或 notice")))?,
        };
        let suggestion = fields
            .get(3)
            .copied()
            .filter(|s| !s.is_empty())
            .map(String::from);
        let kind = if suggestion.is_some() {
            Kind::Correction
        } else if category == "advert" {
            Kind::Advert
        } else if category == "secret" {
            Kind::SecretMarker
        } else {
            Kind::Lexicon
        };
        out.push(Entry {
            term: term.to_string(),
            category: category.to_string(),
            severity,
            suggestion,
            kind,
        });
    }
    Ok(out)
}

/// The built-in entries.
pub fn default_entries() -> Vec<Entry> {
    DEFAULT_LEXICONS
        .iter()
        .flat_map(|(name, text)| parse_lexicon(text, name).unwrap_or_default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_comments() {
        let e = parse_lexicon(
            "# c\n\n坏词\tpolitics\tblock\n常鸣\twording\treview\t长鸣\n加微信\tadvert\n",
            "t",
        )
        .unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].kind, Kind::Lexicon);
        assert_eq!(e[0].severity, Severity::Block);
        assert_eq!(e[1].kind, Kind::Correction);
        assert_eq!(e[2].kind, Kind::Advert);
        assert_eq!(e[2].severity, Severity::Review);
    }

    #[test]
    fn reports_line_numbers() {
        let e = parse_lexicon("好\n坏\tx\tfatal\n", "my.tsv").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("my.tsv 第 2 行"));
        assert!(parse_lexicon("***\n", "x").is_err());
    }

    #[test]
    fn escaped_hash_is_part_of_the_term() {
        let e = parse_lexicon("C\\#语言\tskill # a comment\n#只是注释\n", "t").unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].term, "C#语言");
        assert_eq!(e[0].category, "skill");
    }

    #[test]
    fn defaults_parse() {
        for (name, text) in DEFAULT_LEXICONS {
            parse_lexicon(text, name).unwrap();
        }
        assert!(default_entries().len() > 40);
    }
}
