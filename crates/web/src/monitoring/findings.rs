//! Stored findings of a post, shown on the lists: the text split into
//! plain and marked pieces from the byte spans the scanner recorded on
//! arrival, and one line per finding naming its kind and rule.

use govmedia_scan::finding::{Kind, Severity};
use govmedia_scan::verdict::detector_label;
use serde_json::Value;

/// A piece of text: (text, severity code or "" when plain, tooltip).
pub type Segment = (String, &'static str, String);

fn kind_of(code: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| k.code() == code)
}

/// The reader's name of one stored finding: 个人信息：手机号码.
pub fn describe(f: &Value) -> String {
    let kind = f["kind"].as_str().and_then(kind_of);
    let rule = f["rule"].as_str().unwrap_or_default();
    let rule = match kind {
        Some(Kind::Lexicon | Kind::Correction) => rule.to_string(),
        _ => detector_label(rule).unwrap_or("其他规则").to_string(),
    };
    format!("{}：{}", kind.map(Kind::label).unwrap_or("其他"), rule)
}

fn severity(f: &Value) -> Option<Severity> {
    f["severity"].as_str().and_then(Severity::parse)
}

/// Splits `text` at the spans of `findings` (a JSON array, sorted by
/// start). A span that overlaps an earlier one, or that does not fall on
/// character boundaries of this text (the text changed since the scan),
/// is left unmarked.
pub fn segments(text: &str, findings: &Value) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 0;
    for f in findings.as_array().into_iter().flatten() {
        let (Some(start), Some(end), Some(sev)) = (
            f["start"].as_u64().map(|v| v as usize),
            f["end"].as_u64().map(|v| v as usize),
            severity(f),
        ) else {
            continue;
        };
        if start < at
            || end <= start
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push((text[at..start].to_string(), "", String::new()));
        out.push((text[start..end].to_string(), sev.code(), describe(f)));
        at = end;
    }
    out.push((text[at..].to_string(), "", String::new()));
    out.retain(|s| !s.0.is_empty());
    out
}

/// One line per finding of title and text, the most severe first:
/// (severity code, severity label, description, matched text).
pub fn list(findings: &Value) -> Vec<(&'static str, &'static str, String, String)> {
    let mut v: Vec<_> = ["title", "text"]
        .iter()
        .flat_map(|k| findings[*k].as_array().into_iter().flatten())
        .filter_map(|f| {
            let s = severity(f)?;
            Some((
                s,
                describe(f),
                f["matched"].as_str().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.0));
    v.into_iter()
        .map(|(s, d, m)| (s.code(), s.label(), d, m))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marks_spans_and_skips_stale_ones() {
        let text = "请拨打13800138000咨询";
        let start = "请拨打".len();
        let end = start + 11;
        let f = json!([
            {"kind": "pii", "rule": "mobile", "severity": "review", "start": start, "end": end, "matched": "13800138000"},
            // Overlapping, then cutting a character in two: both unmarked.
            {"kind": "pii", "rule": "mobile", "severity": "review", "start": start + 2, "end": end},
            {"kind": "advert", "rule": "x", "severity": "block", "start": end + 1, "end": end + 2}
        ]);
        let s = segments(text, &f);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0], ("请拨打".to_string(), "", String::new()));
        assert_eq!(s[1].0, "13800138000");
        assert_eq!(s[1].1, "review");
        assert_eq!(s[1].2, "个人信息：手机号码");
        assert_eq!(s[2].0, "咨询");
    }

    #[test]
    fn lists_the_most_severe_first() {
        let f = json!({"title": [{"kind": "lexicon", "rule": "某词", "severity": "review", "matched": "某词"}],
            "text": [{"kind": "advert", "rule": "price_with_call_to_buy", "severity": "block", "matched": "仅需9元"}]});
        let l = list(&f);
        assert_eq!(l[0].0, "block");
        assert_eq!(l[0].2, "商业广告：广告（价格+购买引导）");
        assert_eq!(l[1].2, "词库词条：某词");
        assert!(list(&json!({})).is_empty());
    }
}
