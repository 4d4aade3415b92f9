//! The rules a finding refers to: one per lexicon entry, and one per
//! detector outcome (each personal-data kind with and without masking,
//! external links, secret stars, priced offers, repost sources). A finding
//! holds a reference to its rule instead of copies of the rule's name,
//! category and suggestion, so a post with hundreds of findings writes a
//! 48-byte record for each.

use crate::finding::{Kind, Severity};
use crate::lexicon::Entry;
use crate::pii::SUBKINDS;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The lexicon term, or the detector rule's code.
    name: Box<str>,
    category: Arc<str>,
    suggestion: Option<Box<str>>,
    subkind: Option<&'static str>,
    kind: Kind,
    severity: Severity,
    /// Findings of this rule suggest the masked form of what they match.
    masks: bool,
}

impl Rule {
    fn new(name: &str, category: Arc<str>, kind: Kind, severity: Severity) -> Rule {
        Rule {
            name: name.into(),
            category,
            suggestion: None,
            subkind: None,
            kind,
            severity,
            masks: false,
        }
    }

    /// The lexicon entry's term, or the detector rule's code (`mobile`,
    /// `external_link`, …).
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn category(&self) -> &str {
        &self.category
    }
    /// The lexicon entry's correct form, if it has one.
    pub fn suggestion(&self) -> Option<&str> {
        self.suggestion.as_deref()
    }
    /// For `pii`: `id_card`, `mobile`, …; for `attribution`:
    /// `missing_source` or `unapproved_source`.
    pub fn subkind(&self) -> Option<&'static str> {
        self.subkind
    }
    pub fn kind(&self) -> Kind {
        self.kind
    }
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// Whether findings of this rule suggest their masked form.
    pub fn masks(&self) -> bool {
        self.masks
    }
}

/// The lexicon's rules, in the order of the entries they were made from.
pub(crate) struct Rules {
    rules: Vec<Rule>,
}

impl Rules {
    pub fn new(entries: Vec<Entry>) -> Rules {
        let mut categories: HashMap<String, Arc<str>> = HashMap::new();
        let rules = entries
            .into_iter()
            .map(|e| {
                let category = categories
                    .entry(e.category)
                    .or_insert_with_key(|c| c.as_str().into())
                    .clone();
                Rule {
                    suggestion: e.suggestion.map(Into::into),
                    ..Rule::new(&e.term, category, e.kind, e.severity)
                }
            })
            .collect();
        Rules { rules }
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Rules `first..first + count`.
    #[inline(always)]
    pub fn range(&self, first: u32, count: u32) -> &[Rule] {
        &self.rules[first as usize..(first + count) as usize]
    }

    /// Rule `i`, without reading it.
    #[inline(always)]
    pub fn get(&self, i: u32) -> &Rule {
        &self.rules[i as usize]
    }
}

/// The detectors' rules.
pub(crate) struct DetectorRules {
    /// By [`SUBKINDS`]: reported as `block` with a masked suggestion.
    pii: Vec<Rule>,
    /// By [`SUBKINDS`]: disclosed on purpose (惩戒公示/强制性信息披露),
    /// reported as `notice` without masking.
    pii_disclosed: Vec<Rule>,
    pub external_link: Rule,
    pub classification_star: Rule,
    pub priced_offer: Rule,
    pub missing_source: Rule,
    pub unapproved_source: Rule,
    pub declared_source: Rule,
}

impl DetectorRules {
    pub fn new() -> DetectorRules {
        let personal: Arc<str> = "personal_data".into();
        let pii = |disclosed: bool| -> Vec<Rule> {
            SUBKINDS
                .iter()
                .map(|&s| Rule {
                    subkind: Some(s),
                    masks: !disclosed,
                    ..Rule::new(
                        s,
                        personal.clone(),
                        Kind::Pii,
                        if disclosed {
                            Severity::Notice
                        } else {
                            Severity::Block
                        },
                    )
                })
                .collect()
        };
        let repost: Arc<str> = "repost".into();
        let attribution = |name: &str, subkind: &'static str| Rule {
            subkind: Some(subkind),
            ..Rule::new(name, repost.clone(), Kind::Attribution, Severity::Review)
        };
        DetectorRules {
            pii: pii(false),
            pii_disclosed: pii(true),
            external_link: Rule::new("external_link", "link".into(), Kind::Link, Severity::Review),
            classification_star: Rule::new(
                "classification_star",
                "secret".into(),
                Kind::SecretMarker,
                Severity::Block,
            ),
            priced_offer: Rule::new(
                "price_with_call_to_buy",
                "advert".into(),
                Kind::Advert,
                Severity::Review,
            ),
            missing_source: attribution("missing_source", "missing_source"),
            unapproved_source: attribution("unapproved_source", "unapproved_source"),
            declared_source: attribution("declared_source", "unapproved_source"),
        }
    }

    /// The rule of personal data of `subkind` (one of [`SUBKINDS`]; the
    /// detector's tests check it reports no other).
    pub fn pii(&self, subkind: &str, disclosed: bool) -> &Rule {
        let i = SUBKINDS.iter().position(|&s| s == subkind);
        debug_assert!(i.is_some(), "personal data kind {subkind} not in SUBKINDS");
        let i = i.unwrap_or(0);
        if disclosed {
            &self.pii_disclosed[i]
        } else {
            &self.pii[i]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DetectorRules, Rules};
    use crate::finding::{Kind, Severity};
    use crate::lexicon::parse_lexicon;
    use crate::pii::SUBKINDS;

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
            .map(|x| (x.name(), x.category(), x.suggestion(), x.severity()))
            .collect();
        assert_eq!(
            v,
            [
                ("甲", "a", None, Severity::Block),
                ("乙", "b", Some("丙"), Severity::Review),
                ("丁", "a", None, Severity::Notice)
            ]
        );
        assert!(std::ptr::eq(r.get(1), &r.range(0, 3)[1]));
    }

    #[test]
    fn every_personal_data_kind_has_a_masking_and_a_disclosed_rule() {
        let d = DetectorRules::new();
        for s in SUBKINDS {
            let masked = d.pii(s, false);
            let disclosed = d.pii(s, true);
            assert_eq!((masked.name(), masked.subkind()), (s, Some(s)));
            assert_eq!(
                (masked.kind(), masked.severity()),
                (Kind::Pii, Severity::Block)
            );
            assert!(masked.masks());
            assert_eq!(disclosed.severity(), Severity::Notice);
            assert!(!disclosed.masks());
        }
    }
}
