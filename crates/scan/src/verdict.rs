//! What a reader of a scan needs: Chinese names of the rules and kinds,
//! overlapping findings of one kind shown once, and the verdict on the
//! whole text. Codes stay in the API; these are for pages and reports.

use crate::finding::{Finding, Kind, Rule, Severity};

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Lexicon => "词库词条",
            Kind::Correction => "错误表述",
            Kind::Pii => "个人信息",
            Kind::Advert => "商业广告",
            Kind::Link => "外部链接",
            Kind::SecretMarker => "密级标志",
            Kind::Attribution => "转载来源",
        }
    }
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Block => "禁止",
            Severity::Review => "需复核",
            Severity::Notice => "提示",
        }
    }
}

/// The Chinese name of a detector rule code; `None` for a code this
/// version does not know (a lexicon term is its own name).
pub fn detector_label(code: &str) -> Option<&'static str> {
    Some(match code {
        "id_card" => "身份证号",
        "mobile" => "手机号码",
        "landline" => "固定电话",
        "bank_card" => "银行卡号",
        "email" => "电子邮箱",
        "passport" => "护照号码",
        "external_link" => "外部链接",
        "classification_star" => "密级标志（★）",
        "price_with_call_to_buy" => "广告（价格+购买引导）",
        "missing_source" => "转载未注明来源",
        "unapproved_source" => "来源不在规定稿源单位内",
        "declared_source" => "声明来源不在规定稿源单位内",
        _ => return None,
    })
}

impl Rule {
    /// The rule as a reader should see it: the lexicon term for lexicon
    /// and correction rules, the Chinese name of a detector otherwise.
    pub fn label(&self) -> &str {
        match self.kind() {
            Kind::Lexicon | Kind::Correction => self.name(),
            _ => detector_label(self.name()).unwrap_or("其他规则"),
        }
    }
}

/// Findings with overlapping findings of the same kind shown once: the
/// longer span stays (限时特价 over 特价). Findings of different kinds
/// all stay. Input in text order; output in text order.
pub fn merge_overlaps<'a>(findings: &[Finding<'a>]) -> Vec<Finding<'a>> {
    let mut out: Vec<Finding<'a>> = Vec::with_capacity(findings.len());
    for f in findings {
        let overlapping = out
            .iter()
            .position(|g| g.kind == f.kind && g.start < f.end && f.start < g.end);
        match overlapping {
            Some(i) => {
                let g = &out[i];
                let longer = (f.end - f.start) > (g.end - g.start);
                let stronger = f.severity > g.severity;
                if longer || stronger {
                    out[i] = *f;
                }
            }
            None => out.push(*f),
        }
    }
    out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    out
}

/// The verdict on a text: can it go out as it is?
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 可发布: nothing found, or notices only.
    Publishable,
    /// 需审核确认: something a reviewer must confirm, nothing forbidden.
    NeedsReview,
    /// 需修改后发布: something that must not be published.
    NeedsChanges,
}

impl Verdict {
    pub fn of(findings: &[Finding<'_>]) -> Verdict {
        match findings.iter().map(|f| f.severity).max() {
            Some(Severity::Block) => Verdict::NeedsChanges,
            Some(Severity::Review) => Verdict::NeedsReview,
            _ => Verdict::Publishable,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Publishable => "publishable",
            Verdict::NeedsReview => "needs_review",
            Verdict::NeedsChanges => "needs_changes",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Publishable => "可发布",
            Verdict::NeedsReview => "需审核确认",
            Verdict::NeedsChanges => "需修改后发布",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::parse_lexicon;
    use crate::{ScanOptions, Scanner, ScannerConfig};

    fn scanner(lex: &str) -> Scanner {
        Scanner::new(
            parse_lexicon(lex, "t").expect("lexicon"),
            false,
            ScannerConfig::default(),
        )
        .expect("scanner")
    }

    #[test]
    fn every_detector_code_has_a_chinese_name() {
        for code in crate::pii::SUBKINDS {
            assert!(detector_label(code).is_some(), "{code}");
        }
        let rules = crate::rules::DetectorRules::new();
        for r in [
            &rules.external_link,
            &rules.classification_star,
            &rules.priced_offer,
            &rules.missing_source,
            &rules.unapproved_source,
            &rules.declared_source,
        ] {
            assert!(detector_label(r.name()).is_some(), "{}", r.name());
            assert!(!r.label().is_ascii(), "{}", r.label());
        }
    }

    #[test]
    fn overlapping_findings_of_one_kind_are_shown_once() {
        let s = scanner("限时特价\tadvert\treview\n特价\tadvert\treview\n");
        let text = "本店限时特价，欢迎选购";
        let found = s.scan(text, &ScanOptions::default());
        assert!(found.len() >= 2, "{found:?}");
        let merged = merge_overlaps(&found);
        let shown: Vec<&str> = merged.iter().map(|f| f.matched).collect();
        assert_eq!(shown, vec!["限时特价"], "{found:?}");
    }

    #[test]
    fn the_verdict_follows_the_worst_finding() {
        let s = scanner("特价\tadvert\treview\n");
        assert_eq!(
            Verdict::of(&s.scan("通知", &ScanOptions::default())),
            Verdict::Publishable
        );
        assert_eq!(
            Verdict::of(&s.scan("特价", &ScanOptions::default())),
            Verdict::NeedsReview
        );
        assert_eq!(
            Verdict::of(&s.scan("手机13812345678", &ScanOptions::default())),
            Verdict::NeedsChanges
        );
    }
}
