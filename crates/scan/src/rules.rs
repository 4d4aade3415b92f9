//! Lexicon entries as the scanner keeps them to make findings: 32 bytes a
//! rule (the term, and indices of its category and suggestion), so a post
//! with hundreds of findings reads half a cache line per finding instead
//! of an 80-byte entry with three strings.

use crate::finding::{Kind, Severity};
use crate::lexicon::Entry;
use std::collections::HashMap;

/// Suggestion index of a rule without one.
const NONE: u32 = u32::MAX;

pub(crate) struct Rule {
    pub term: Box<str>,
    category: u32,
    suggestion: u32,
    pub kind: Kind,
    pub severity: Severity,
}

pub(crate) struct Rules {
    rules: Vec<Rule>,
    categories: Vec<Box<str>>,
    suggestions: Vec<Box<str>>,
}

impl Rules {
    /// The rules of `entries`, in the same order.
    pub fn new(entries: Vec<Entry>) -> Rules {
        let mut categories: Vec<Box<str>> = Vec::new();
        let mut category_ids: HashMap<String, u32> = HashMap::new();
        let mut suggestions: Vec<Box<str>> = Vec::new();
        let rules = entries
            .into_iter()
            .map(|e| {
                let next = categories.len() as u32;
                let category = *category_ids.entry(e.category).or_insert_with_key(|c| {
                    categories.push(c.as_str().into());
                    next
                });
                let suggestion = match e.suggestion {
                    None => NONE,
                    Some(s) => {
                        suggestions.push(s.into());
                        suggestions.len() as u32 - 1
                    }
                };
                Rule {
                    term: e.term.into(),
                    category,
                    suggestion,
                    kind: e.kind,
                    severity: e.severity,
                }
            })
            .collect();
        Rules {
            rules,
            categories,
            suggestions,
        }
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Rules `first..first + count`.
    #[inline(always)]
    pub fn range(&self, first: u32, count: u32) -> &[Rule] {
        &self.rules[first as usize..(first + count) as usize]
    }

    #[inline(always)]
    pub fn category(&self, r: &Rule) -> &str {
        &self.categories[r.category as usize]
    }

    #[inline(always)]
    pub fn suggestion(&self, r: &Rule) -> Option<&str> {
        (r.suggestion != NONE).then(|| &*self.suggestions[r.suggestion as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::Rules;
    use crate::lexicon::parse_lexicon;

    #[test]
    fn keeps_terms_categories_and_suggestions() {
        let r = Rules::new(
            parse_lexicon("甲\ta\tblock\n乙\tb\treview\t丙\n丁\ta\tnotice\n", "t")
                .unwrap_or_default(),
        );
        assert_eq!(r.len(), 3);
        let v: Vec<_> = r
            .range(0, 3)
            .iter()
            .map(|x| (&*x.term, r.category(x), r.suggestion(x)))
            .collect();
        assert_eq!(
            v,
            [
                ("甲", "a", None),
                ("乙", "b", Some("丙")),
                ("丁", "a", None)
            ]
        );
        assert!(std::mem::size_of::<super::Rule>() <= 32);
    }
}
