//! The spreadsheet exports of the platforms' back-ends (WeChat 已发表内容 /
//! 图文分析, Weibo, Douyin; CSV or XLSX) turned into ingest items: a column
//! mapping by header name (guessed from the headers, remembered per
//! platform), times in China time in the forms those exports write, and a
//! stable id for rows that carry none, so importing the same export twice
//! changes nothing. Pure: reading the file and storing the items happen
//! at the edges.

use super::ingest::{ItemError, RawMessage, RawPost};
use super::posts::PostKind;
use crate::clock::china;
use crate::ids::AccountId;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Posts,
    Messages,
}

impl ImportKind {
    pub const ALL: [ImportKind; 2] = [ImportKind::Posts, ImportKind::Messages];
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Posts => "posts",
            ImportKind::Messages => "messages",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ImportKind::Posts => "发布内容",
            ImportKind::Messages => "留言评论",
        }
    }
    pub fn parse(s: &str) -> Option<ImportKind> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    /// The fields an export of this kind can fill, in form order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            ImportKind::Posts => &[
                Field::PublishedAt,
                Field::Title,
                Field::Text,
                Field::Url,
                Field::PlatformPostId,
                Field::Kind,
                Field::Source,
            ],
            ImportKind::Messages => &[
                Field::ReceivedAt,
                Field::Text,
                Field::PlatformMessageId,
                Field::Channel,
                Field::RepliedAt,
                Field::ReplyText,
            ],
        }
    }
}

/// A field of an ingest item a column can be mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    PlatformPostId,
    PublishedAt,
    Title,
    Text,
    Url,
    Kind,
    Source,
    PlatformMessageId,
    ReceivedAt,
    Channel,
    RepliedAt,
    ReplyText,
}

impl Field {
    pub fn code(self) -> &'static str {
        match self {
            Field::PlatformPostId => "platform_post_id",
            Field::PublishedAt => "published_at",
            Field::Title => "title",
            Field::Text => "text",
            Field::Url => "url",
            Field::Kind => "kind",
            Field::Source => "source",
            Field::PlatformMessageId => "platform_message_id",
            Field::ReceivedAt => "received_at",
            Field::Channel => "channel",
            Field::RepliedAt => "replied_at",
            Field::ReplyText => "reply_text",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Field::PlatformPostId => "平台内容编号",
            Field::PublishedAt => "发布时间",
            Field::Title => "标题",
            Field::Text => "正文",
            Field::Url => "链接",
            Field::Kind => "原创/转载",
            Field::Source => "转载来源",
            Field::PlatformMessageId => "平台留言编号",
            Field::ReceivedAt => "留言时间",
            Field::Channel => "渠道",
            Field::RepliedAt => "回复时间",
            Field::ReplyText => "回复内容",
        }
    }
    pub fn parse(s: &str) -> Option<Field> {
        [ImportKind::Posts, ImportKind::Messages]
            .iter()
            .flat_map(|k| k.fields())
            .copied()
            .find(|f| f.code() == s)
    }
    /// Header names the platforms' exports use for this field, most
    /// specific first (compared without spaces and brackets).
    fn synonyms(self, kind: ImportKind) -> &'static [&'static str] {
        match (self, kind) {
            (Field::PlatformPostId, _) => &[
                "内容id", "文章id", "图文id", "微博id", "作品id", "视频id", "msgid", "mid", "id",
            ],
            (Field::PublishedAt, _) => &[
                "发表时间",
                "发布时间",
                "发文时间",
                "群发时间",
                "发送时间",
                "创建时间",
                "时间",
                "日期",
            ],
            (Field::Title, _) => &[
                "文章标题",
                "内容标题",
                "作品标题",
                "视频标题",
                "作品名称",
                "标题",
            ],
            (Field::Text, ImportKind::Posts) => &[
                "正文",
                "微博正文",
                "微博内容",
                "博文内容",
                "作品描述",
                "内容",
                "描述",
                "摘要",
            ],
            (Field::Text, ImportKind::Messages) => &[
                "留言内容",
                "评论内容",
                "私信内容",
                "提问内容",
                "问题",
                "内容",
            ],
            (Field::Url, _) => &[
                "原文链接",
                "文章链接",
                "微博链接",
                "作品链接",
                "视频链接",
                "链接",
                "网址",
                "url",
            ],
            (Field::Kind, _) => &["是否原创", "原创", "内容类型", "发文类型", "类型"],
            (Field::Source, _) => &["转载来源", "原文来源", "来源"],
            (Field::PlatformMessageId, _) => &["留言id", "评论id", "消息id", "私信id", "id"],
            (Field::ReceivedAt, _) => &[
                "留言时间",
                "评论时间",
                "提问时间",
                "收到时间",
                "接收时间",
                "时间",
            ],
            (Field::Channel, _) => &["渠道", "留言渠道", "来源渠道", "类型"],
            (Field::RepliedAt, _) => &["回复时间", "答复时间"],
            (Field::ReplyText, _) => &["回复内容", "答复内容", "回复", "答复"],
        }
    }
}

/// Which column (by its header text) fills which field.
pub type Mapping = BTreeMap<Field, String>;

/// What a row takes when the export has no column for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowDefaults {
    pub kind: PostKind,
    pub channel: super::ingest::Channel,
}

impl Default for RowDefaults {
    fn default() -> Self {
        RowDefaults {
            kind: PostKind::Original,
            channel: super::ingest::Channel::Comment,
        }
    }
}

fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !"()（）[]【】:：*".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The mapping for a set of headers: the remembered columns that are
/// present, then for each unmapped field the first header that is one of
/// its names, then one that contains one (a header is used once).
pub fn guess(kind: ImportKind, headers: &[String], remembered: Option<&Mapping>) -> Mapping {
    let mut m = Mapping::new();
    let mut used: Vec<&str> = Vec::new();
    for f in kind.fields() {
        if let Some(h) = remembered.and_then(|r| r.get(f))
            && headers.iter().any(|x| x == h)
        {
            m.insert(*f, h.clone());
            used.push(h);
        }
    }
    for exact in [true, false] {
        for f in kind.fields() {
            if m.contains_key(f) {
                continue;
            }
            let hit = f.synonyms(kind).iter().find_map(|s| {
                headers.iter().find(|h| {
                    let n = norm(h);
                    !used.contains(&h.as_str())
                        && if exact {
                            n == *s
                        } else {
                            s.chars().count() > 1 && n.contains(s)
                        }
                })
            });
            if let Some(h) = hit {
                m.insert(*f, h.clone());
                used.push(h);
            }
        }
    }
    m
}

/// A mapping must name the time, and the title or text (posts) or the
/// text (messages), and only columns the file has.
pub fn check_mapping(kind: ImportKind, m: &Mapping, headers: &[String]) -> Result<(), ItemError> {
    if let Some((f, h)) = m.iter().find(|(_, h)| !headers.contains(h)) {
        return Err(ItemError::new(
            "unknown_column",
            format!("文件中没有“{h}”列（{}）", f.label()),
        ));
    }
    if let Some(f) = m.keys().find(|f| !kind.fields().contains(f)) {
        return Err(ItemError::new(
            "invalid_mapping",
            format!("{}不属于{}", f.label(), kind.label()),
        ));
    }
    let need: &[&[Field]] = match kind {
        ImportKind::Posts => &[&[Field::PublishedAt], &[Field::Title, Field::Text]],
        ImportKind::Messages => &[&[Field::ReceivedAt], &[Field::Text]],
    };
    for any in need {
        if !any.iter().any(|f| m.contains_key(f)) {
            let names: Vec<&str> = any.iter().map(|f| f.label()).collect();
            return Err(ItemError::new(
                "mapping_incomplete",
                format!("请指定“{}”对应的列", names.join("”或“")),
            ));
        }
    }
    Ok(())
}

/// A time as the exports write it, in China time unless it names its
/// offset: `2026-03-05 10:21[:00]`, `2026/3/5 10:21`, `2026年3月5日 10:21`,
/// a date alone (the day's start), RFC 3339, or Unix seconds or
/// milliseconds.
pub fn local_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        return match s.len() {
            10 => DateTime::from_timestamp(n, 0),
            13 => DateTime::from_timestamp_millis(n),
            _ => None,
        };
    }
    const TIMES: [&str; 9] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y年%m月%d日 %H:%M:%S",
        "%Y年%m月%d日 %H:%M",
        "%Y年%m月%d日%H:%M",
    ];
    const DATES: [&str; 3] = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"];
    let naive = TIMES
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            DATES
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    china()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

fn kind_word(s: &str) -> Option<PostKind> {
    match norm(s).as_str() {
        "原创" | "是" | "original" | "原创内容" => Some(PostKind::Original),
        "转载" | "转发" | "分享" | "否" | "非原创" | "repost" => Some(PostKind::Repost),
        _ => None,
    }
}

fn channel_word(s: &str) -> Option<super::ingest::Channel> {
    use super::ingest::Channel;
    match norm(s).as_str() {
        "评论" | "留言" | "comment" | "文章留言" => Some(Channel::Comment),
        "私信" | "消息" | "私信消息" | "private" => Some(Channel::Private),
        "留言板" | "留言板留言" | "网上留言" | "board" => Some(Channel::Board),
        _ => None,
    }
}

/// A sheet as read from the file: the first non-empty row is the header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Each data row with its 1-based row (or line) number in the file.
    pub rows: Vec<(u32, Vec<String>)>,
}

impl Table {
    /// Splits off the header row; a blank header reads 第N列 and a repeated
    /// one gets a number, so every column has a name of its own.
    pub fn from_rows(mut rows: Vec<(u32, Vec<String>)>) -> Table {
        if rows.is_empty() {
            return Table::default();
        }
        let (_, head) = rows.remove(0);
        let width = rows
            .iter()
            .map(|(_, c)| c.len())
            .chain([head.len()])
            .max()
            .unwrap_or(0);
        let mut headers: Vec<String> = Vec::with_capacity(width);
        for i in 0..width {
            let h = head.get(i).map(|h| h.trim()).unwrap_or("");
            let base = if h.is_empty() {
                format!("第{}列", i + 1)
            } else {
                h.to_string()
            };
            let mut name = base.clone();
            let mut n = 2;
            while headers.contains(&name) {
                name = format!("{base}（{n}）");
                n += 1;
            }
            headers.push(name);
        }
        Table { headers, rows }
    }
}

/// One row of the sheet under its headers.
pub struct Row<'a> {
    pub headers: &'a [String],
    pub cells: &'a [String],
}

impl Row<'_> {
    fn get(&self, m: &Mapping, f: Field) -> Option<&str> {
        let h = m.get(&f)?;
        let i = self.headers.iter().position(|x| x == h)?;
        Some(self.cells.get(i).map(String::as_str).unwrap_or("").trim()).filter(|v| !v.is_empty())
    }

    fn time(&self, m: &Mapping, f: Field) -> Result<Option<String>, ItemError> {
        match self.get(m, f) {
            None => Ok(None),
            Some(v) => local_time(v).map(|t| Some(t.to_rfc3339())).ok_or_else(|| {
                ItemError::new(
                    "invalid_time",
                    format!(
                        "“{}”列的“{v}”不是可识别的时间（如 2026-03-05 10:21 或 2026/3/5 10:21，按北京时间）",
                        m[&f]
                    ),
                )
            }),
        }
    }
}

/// A stable id for a row without one: from its link, else its time and
/// text, so the same export imported twice names the same items.
fn derived_id(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let hex: String = d.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("import:{hex}")
}

/// The post a row describes, for the ingest to check and store.
pub fn post_row(
    account: AccountId,
    m: &Mapping,
    row: &Row<'_>,
    d: RowDefaults,
) -> Result<RawPost, ItemError> {
    let published_at = row.time(m, Field::PublishedAt)?;
    let title = row.get(m, Field::Title).map(str::to_string);
    let text = row.get(m, Field::Text).map(str::to_string);
    let url = row.get(m, Field::Url).map(str::to_string);
    let kind = match row.get(m, Field::Kind) {
        None => d.kind,
        Some(v) => kind_word(v).ok_or_else(|| {
            ItemError::new(
                "invalid_kind",
                format!("“{v}”不是原创或转载（可填 原创、转载、转发、是、否）"),
            )
        })?,
    };
    let id = match row.get(m, Field::PlatformPostId) {
        Some(v) => v.to_string(),
        None => match &url {
            Some(u) => derived_id(&[u]),
            None => derived_id(&[
                published_at.as_deref().unwrap_or(""),
                title.as_deref().unwrap_or(""),
                text.as_deref().unwrap_or(""),
            ]),
        },
    };
    Ok(RawPost {
        account_id: Some(account.0),
        account: None,
        platform_post_id: Some(id),
        published_at,
        title,
        text: Some(text.unwrap_or_default()),
        url,
        kind: Some(kind.code().to_string()),
        source: row.get(m, Field::Source).map(str::to_string),
        deleted: false,
    })
}

/// The message a row describes.
pub fn message_row(
    account: AccountId,
    m: &Mapping,
    row: &Row<'_>,
    d: RowDefaults,
) -> Result<RawMessage, ItemError> {
    let received_at = row.time(m, Field::ReceivedAt)?;
    let text = row.get(m, Field::Text).map(str::to_string);
    let channel = match row.get(m, Field::Channel) {
        None => d.channel,
        Some(v) => channel_word(v).ok_or_else(|| {
            ItemError::new(
                "invalid_channel",
                format!("“{v}”不是可识别的渠道（可填 评论、私信、留言板）"),
            )
        })?,
    };
    let id = match row.get(m, Field::PlatformMessageId) {
        Some(v) => v.to_string(),
        None => derived_id(&[
            received_at.as_deref().unwrap_or(""),
            text.as_deref().unwrap_or(""),
        ]),
    };
    Ok(RawMessage {
        account_id: Some(account.0),
        account: None,
        platform_message_id: Some(id),
        received_at,
        text,
        channel: Some(channel.code().to_string()),
        replied_at: row.time(m, Field::RepliedAt)?,
        reply_text: row.get(m, Field::ReplyText).map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::ingest::{Channel, parse_message, parse_post};

    fn hs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_column_gets_a_name_of_its_own() {
        let t = Table::from_rows(vec![
            (1, hs(&["标题", "", "标题"])),
            (2, hs(&["a", "b", "c", "d"])),
        ]);
        assert_eq!(t.headers, hs(&["标题", "第2列", "标题（2）", "第4列"]));
        assert_eq!(t.rows.len(), 1);
        assert_eq!(Table::from_rows(vec![]), Table::default());
    }

    #[test]
    fn guesses_wechat_headers_and_prefers_what_was_remembered() {
        let h = hs(&["内容标题", "发表时间", "阅读人数", "原文链接", "是否原创"]);
        let m = guess(ImportKind::Posts, &h, None);
        assert_eq!(m[&Field::Title], "内容标题");
        assert_eq!(m[&Field::PublishedAt], "发表时间");
        assert_eq!(m[&Field::Url], "原文链接");
        assert_eq!(m[&Field::Kind], "是否原创");
        assert!(!m.contains_key(&Field::Text));
        let mut r = Mapping::new();
        r.insert(Field::Text, "阅读人数".into());
        r.insert(Field::Source, "不存在的列".into());
        let m = guess(ImportKind::Posts, &h, Some(&r));
        assert_eq!(m[&Field::Text], "阅读人数");
        assert!(!m.contains_key(&Field::Source));
        assert!(check_mapping(ImportKind::Posts, &m, &h).is_ok());
    }

    #[test]
    fn a_header_is_used_once_and_contains_matches_come_last() {
        let h = hs(&["时间", "微博正文（全文）", "回复时间"]);
        let m = guess(ImportKind::Messages, &h, None);
        assert_eq!(m[&Field::ReceivedAt], "时间");
        assert_eq!(m[&Field::RepliedAt], "回复时间");
        let p = guess(ImportKind::Posts, &h, None);
        assert_eq!(p[&Field::Text], "微博正文（全文）");
        assert_eq!(p[&Field::PublishedAt], "时间");
    }

    #[test]
    fn a_mapping_needs_the_time_and_some_text_and_real_columns() {
        let h = hs(&["标题", "时间"]);
        let mut m = Mapping::new();
        m.insert(Field::Title, "标题".into());
        assert_eq!(
            check_mapping(ImportKind::Posts, &m, &h).unwrap_err().code,
            "mapping_incomplete"
        );
        m.insert(Field::PublishedAt, "日期".into());
        assert_eq!(
            check_mapping(ImportKind::Posts, &m, &h).unwrap_err().code,
            "unknown_column"
        );
        m.insert(Field::PublishedAt, "时间".into());
        assert!(check_mapping(ImportKind::Posts, &m, &h).is_ok());
        assert_eq!(
            check_mapping(ImportKind::Messages, &m, &h)
                .unwrap_err()
                .code,
            "invalid_mapping"
        );
    }

    #[test]
    fn reads_the_time_forms_of_the_exports_in_china_time() {
        let want = "2026-03-05T02:21:00+00:00";
        for s in [
            "2026-03-05 10:21",
            "2026-03-05 10:21:00",
            "2026/3/5 10:21",
            "2026年3月5日 10:21",
            "2026-03-05T10:21:00+08:00",
            "1772677260",
            "1772677260000",
        ] {
            assert_eq!(
                local_time(s).map(|t| t.to_rfc3339()).as_deref(),
                Some(want),
                "{s}"
            );
        }
        assert_eq!(
            local_time("2026-03-05").map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-04T16:00:00+00:00")
        );
        for bad in ["", "昨天", "2026-13-01", "12345", "2026-02-30 10:00"] {
            assert!(local_time(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_row_becomes_a_post_the_ingest_accepts_with_a_stable_id() {
        let h = hs(&["标题", "发表时间", "链接", "类型"]);
        let m = guess(ImportKind::Posts, &h, None);
        let now = Utc::now();
        let cells = hs(&[
            "社保卡换发通知",
            "2026/3/5 10:21",
            "https://mp.example/a",
            "转载",
        ]);
        let row = Row {
            headers: &h,
            cells: &cells,
        };
        let raw = post_row(AccountId(7), &m, &row, RowDefaults::default()).unwrap();
        let p = parse_post(&raw, now).unwrap();
        assert_eq!(p.kind, PostKind::Repost);
        assert_eq!(p.title, "社保卡换发通知");
        let again = post_row(AccountId(7), &m, &row, RowDefaults::default()).unwrap();
        assert_eq!(again.platform_post_id, raw.platform_post_id);
        assert!(raw.platform_post_id.unwrap().starts_with("import:"));
        let other = hs(&[
            "社保卡换发通知",
            "2026/3/5 10:21",
            "https://mp.example/b",
            "",
        ]);
        let o = post_row(
            AccountId(7),
            &m,
            &Row {
                headers: &h,
                cells: &other,
            },
            RowDefaults::default(),
        )
        .unwrap();
        assert_ne!(o.platform_post_id, again.platform_post_id);
        assert_eq!(o.kind.as_deref(), Some("original"));
    }

    #[test]
    fn bad_cells_are_named_with_their_column() {
        let h = hs(&["标题", "发表时间", "类型"]);
        let m = guess(ImportKind::Posts, &h, None);
        let cells = hs(&["通知", "上周三", ""]);
        let e = post_row(
            AccountId(1),
            &m,
            &Row {
                headers: &h,
                cells: &cells,
            },
            RowDefaults::default(),
        )
        .unwrap_err();
        assert_eq!(e.code, "invalid_time");
        assert!(e.message.contains("发表时间"));
        let cells = hs(&["通知", "2026-03-05", "翻译"]);
        let e = post_row(
            AccountId(1),
            &m,
            &Row {
                headers: &h,
                cells: &cells,
            },
            RowDefaults::default(),
        )
        .unwrap_err();
        assert_eq!(e.code, "invalid_kind");
        // A missing time is left for the ingest to name.
        let cells = hs(&["通知", "", ""]);
        let raw = post_row(
            AccountId(1),
            &m,
            &Row {
                headers: &h,
                cells: &cells,
            },
            RowDefaults::default(),
        )
        .unwrap();
        assert_eq!(
            parse_post(&raw, Utc::now()).unwrap_err().code,
            "missing_field"
        );
    }

    #[test]
    fn a_row_becomes_a_message_with_its_reply() {
        let h = hs(&["留言时间", "留言内容", "回复时间", "回复内容", "渠道"]);
        let m = guess(ImportKind::Messages, &h, None);
        let cells = hs(&[
            "2026-03-05 09:00",
            "怎么办社保卡",
            "2026-03-06 10:00",
            "请到窗口办理",
            "私信",
        ]);
        let raw = message_row(
            AccountId(3),
            &m,
            &Row {
                headers: &h,
                cells: &cells,
            },
            RowDefaults::default(),
        )
        .unwrap();
        let msg = parse_message(&raw, Utc::now()).unwrap();
        assert_eq!(msg.channel, Channel::Private);
        assert!(msg.replied_at.is_some());
    }
}
