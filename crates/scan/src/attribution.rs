//! Repost attribution (articles 15 and 17): a repost must state its source
//! (来源：…/转自…/转载自…), and the source must be an approved one.

/// The default approved sources: Party and government outlets and the
/// ministry's and province's own channels. Configurable by the caller.
pub const DEFAULT_APPROVED_SOURCES: &[&str] = &[
    "新华社",
    "新华网",
    "人民日报",
    "人民网",
    "中国政府网",
    "中华人民共和国中央人民政府",
    "央视新闻",
    "中央广播电视总台",
    "光明日报",
    "经济日报",
    "求是",
    "中国新闻网",
    "中新网",
    "人力资源社会保障部",
    "人力资源和社会保障部",
    "人社部",
    "中国劳动保障报",
    "江西省人民政府",
    "江西日报",
    "江西新闻",
    "大江网",
    "江西省人力资源和社会保障厅",
    "江西人社",
];

/// Markers that name a source on their own, and markers that need a colon
/// after them (so that "收入来源" in prose is not a source statement).
const MARKERS: &[(&str, bool)] = &[
    ("转载自", false),
    ("转自", false),
    ("来源于", false),
    ("来源", true),
    ("稿源", true),
    ("出处", true),
];

/// The first source statement: (byte span of the source name, name).
pub fn source_statement(text: &str) -> Option<(usize, usize, String)> {
    let mut best: Option<(usize, &str)> = None;
    for (m, colon) in MARKERS {
        let found = text.match_indices(m).map(|(p, _)| p).find(|p| {
            !colon
                || text[p + m.len()..]
                    .trim_start_matches([' ', '\u{3000}'])
                    .starts_with([':', '：'])
        });
        if let Some(p) = found
            && best.is_none_or(|(bp, _)| p < bp)
        {
            best = Some((p, m));
        }
    }
    let (p, m) = best?;
    let mut start = p + m.len();
    let rest = &text[start..];
    let trimmed = rest.trim_start_matches([':', '：', ' ', '\u{3000}', '|', '丨']);
    start += rest.len() - trimmed.len();
    let name_len: usize = trimmed
        .char_indices()
        .find(|(_, c)| {
            matches!(
                c,
                '\n' | '\r'
                    | '。'
                    | '，'
                    | ','
                    | '；'
                    | ';'
                    | ' '
                    | '　'
                    | '）'
                    | ')'
                    | '】'
                    | '|'
                    | '丨'
            )
        })
        .map(|(i, _)| i)
        .unwrap_or(trimmed.len());
    let name = trimmed[..name_len].trim();
    if name.is_empty() {
        return None;
    }
    Some((start, start + name_len, name.to_string()))
}

/// Whether `name` is (or names, e.g. "新华社客户端") an approved source.
pub fn approved(name: &str, approved: &[String]) -> bool {
    let n = name.trim();
    approved
        .iter()
        .any(|a| !a.is_empty() && (n == a || n.starts_with(a.as_str()) || n.contains(a.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_source() {
        let t = "正文……\n来源：新华社\n编辑：张三";
        let (s, e, n) = source_statement(t).unwrap();
        assert_eq!(n, "新华社");
        assert_eq!(&t[s..e], "新华社");
        assert_eq!(
            source_statement("转载自 人民日报客户端。").map(|x| x.2),
            Some("人民日报客户端".into())
        );
        assert!(source_statement("没有出处说明").is_none());
        assert!(source_statement("增加收入来源").is_none());
    }

    #[test]
    fn approval() {
        let list: Vec<String> = DEFAULT_APPROVED_SOURCES
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(approved("新华社客户端", &list));
        assert!(!approved("某某自媒体", &list));
    }
}
