//! What a collector sends, checked item by item: each raw item becomes a
//! clean input or a rejection with a stable code, and a clean input is
//! compared with what is stored to decide created, updated or unchanged.
//! Pure: the store only persists what these functions decided.

use super::posts::PostKind;
use crate::clock::china_date;
use crate::ids::AccountId;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Most items one call or one file batch may hold.
pub const MAX_ITEMS: usize = 5000;
/// Longest id, title, URL or source a platform gives.
pub const MAX_SHORT: usize = 1000;
/// Longest post or message text (a long article with markup stripped).
pub const MAX_TEXT: usize = 200_000;

/// How a collector names an account it does not know our id of.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountHandle {
    pub platform: String,
    pub handle: String,
}

/// The account an item is for, before it is resolved in the caller's scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccountRef {
    Id(AccountId),
    Handle { platform: String, handle: String },
}

/// A post as a collector sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPost {
    pub account_id: Option<i64>,
    pub account: Option<AccountHandle>,
    pub platform_post_id: Option<String>,
    pub published_at: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub url: Option<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    /// The collector saw the post removed from the platform.
    #[serde(default)]
    pub deleted: bool,
}

/// A message from the public as a collector sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMessage {
    pub account_id: Option<i64>,
    pub account: Option<AccountHandle>,
    pub platform_message_id: Option<String>,
    pub received_at: Option<String>,
    pub text: Option<String>,
    pub channel: Option<String>,
    pub replied_at: Option<String>,
    pub reply_text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Comment,
    Private,
    Board,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Comment, Channel::Private, Channel::Board];
    pub fn code(self) -> &'static str {
        match self {
            Channel::Comment => "comment",
            Channel::Private => "private",
            Channel::Board => "board",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Channel::Comment => "评论",
            Channel::Private => "私信",
            Channel::Board => "留言板",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Why one item was refused; the code is stable for API users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemError {
    pub code: &'static str,
    pub message: String,
}

impl ItemError {
    pub fn new(code: &'static str, message: impl Into<String>) -> ItemError {
        ItemError {
            code,
            message: message.into(),
        }
    }
}

/// A post ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostInput {
    pub account: AccountRef,
    pub platform_post_id: String,
    pub published_at: DateTime<Utc>,
    pub title: String,
    pub text: String,
    pub url: String,
    pub kind: PostKind,
    pub source: String,
    pub deleted: bool,
}

/// A message ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageInput {
    pub account: AccountRef,
    pub platform_message_id: String,
    pub received_at: DateTime<Utc>,
    pub text: String,
    pub channel: Channel,
    pub replied_at: Option<DateTime<Utc>>,
    pub reply_text: String,
}

fn account_ref(id: Option<i64>, handle: &Option<AccountHandle>) -> Result<AccountRef, ItemError> {
    match (id, handle) {
        (Some(_), Some(_)) => Err(ItemError::new(
            "ambiguous_account",
            "account_id 与 account 只能给出一个",
        )),
        (Some(id), None) => Ok(AccountRef::Id(AccountId(id))),
        (None, Some(h)) if !h.platform.trim().is_empty() && !h.handle.trim().is_empty() => {
            no_nul(&h.handle, "account.handle")?;
            short(&h.handle, "account.handle")?;
            Ok(AccountRef::Handle {
                platform: h.platform.trim().to_string(),
                handle: h.handle.trim().to_string(),
            })
        }
        (None, Some(_)) => Err(ItemError::new(
            "missing_account",
            "account 须同时给出 platform 与 handle",
        )),
        (None, None) => Err(ItemError::new(
            "missing_account",
            "缺少 account_id（或 account）",
        )),
    }
}

fn required_id(v: &Option<String>, name: &str) -> Result<String, ItemError> {
    let v = v.as_deref().map(str::trim).unwrap_or_default();
    if v.is_empty() {
        return Err(ItemError::new("missing_field", format!("缺少 {name}")));
    }
    short(v, name)
}

fn no_nul(v: &str, name: &str) -> Result<(), ItemError> {
    if v.contains('\0') {
        return Err(ItemError::new(
            "invalid_char",
            format!("{name} 含有不允许的控制字符"),
        ));
    }
    Ok(())
}

fn short(v: &str, name: &str) -> Result<String, ItemError> {
    no_nul(v, name)?;
    if v.chars().count() > MAX_SHORT {
        return Err(ItemError::new(
            "field_too_long",
            format!("{name} 不能超过{MAX_SHORT}个字符"),
        ));
    }
    Ok(v.to_string())
}

fn optional(v: &Option<String>, name: &str) -> Result<String, ItemError> {
    short(v.as_deref().map(str::trim).unwrap_or_default(), name)
}

fn text(v: &Option<String>, name: &str) -> Result<String, ItemError> {
    let t = v.as_deref().unwrap_or_default();
    no_nul(t, name)?;
    if t.chars().count() > MAX_TEXT {
        return Err(ItemError::new(
            "text_too_long",
            format!("{name} 不能超过{MAX_TEXT}个字符"),
        ));
    }
    Ok(t.to_string())
}

/// An RFC 3339 time, refused when more than a day after `now` (a clock
/// error at the collector, not a fact).
pub fn parse_time(v: &str, name: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, ItemError> {
    let t = DateTime::parse_from_rfc3339(v.trim())
        .map_err(|_| {
            ItemError::new(
                "invalid_time",
                format!("{name} 须为 RFC 3339 时间，如 2026-03-02T09:30:00+08:00"),
            )
        })?
        .with_timezone(&Utc);
    if t > now + Duration::days(1) {
        return Err(ItemError::new(
            "time_in_future",
            format!("{name} 晚于当前时间超过一天"),
        ));
    }
    Ok(t)
}

fn required_time(
    v: &Option<String>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ItemError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Err(ItemError::new("missing_field", format!("缺少 {name}"))),
        Some(t) => parse_time(t, name, now),
    }
}

pub fn parse_post(raw: &RawPost, now: DateTime<Utc>) -> Result<PostInput, ItemError> {
    let account = account_ref(raw.account_id, &raw.account)?;
    let platform_post_id = required_id(&raw.platform_post_id, "platform_post_id")?;
    let published_at = required_time(&raw.published_at, "published_at", now)?;
    let title = optional(&raw.title, "title")?;
    let text = text(&raw.text, "text")?;
    if title.is_empty() && text.trim().is_empty() {
        return Err(ItemError::new("empty_post", "标题和正文不能都为空"));
    }
    let kind = match raw.kind.as_deref().map(str::trim) {
        None | Some("") => return Err(ItemError::new("missing_field", "缺少 kind")),
        Some(k) => PostKind::parse(k)
            .ok_or_else(|| ItemError::new("invalid_kind", "kind 只能为 original 或 repost"))?,
    };
    Ok(PostInput {
        account,
        platform_post_id,
        published_at,
        title,
        text,
        url: optional(&raw.url, "url")?,
        kind,
        source: optional(&raw.source, "source")?,
        deleted: raw.deleted,
    })
}

pub fn parse_message(raw: &RawMessage, now: DateTime<Utc>) -> Result<MessageInput, ItemError> {
    let account = account_ref(raw.account_id, &raw.account)?;
    let platform_message_id = required_id(&raw.platform_message_id, "platform_message_id")?;
    let received_at = required_time(&raw.received_at, "received_at", now)?;
    let text = text(&raw.text, "text")?;
    if text.trim().is_empty() {
        return Err(ItemError::new("empty_message", "留言内容不能为空"));
    }
    let channel = match raw.channel.as_deref().map(str::trim) {
        None | Some("") => return Err(ItemError::new("missing_field", "缺少 channel")),
        Some(c) => Channel::parse(c).ok_or_else(|| {
            ItemError::new(
                "invalid_channel",
                "channel 只能为 comment、private 或 board",
            )
        })?,
    };
    let replied_at = match raw.replied_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(parse_time(t, "replied_at", now)?),
    };
    let reply_text = self::text(&raw.reply_text, "reply_text")?;
    match replied_at {
        Some(r) if r < received_at => {
            return Err(ItemError::new(
                "reply_before_received",
                "replied_at 早于 received_at",
            ));
        }
        None if !reply_text.trim().is_empty() => {
            return Err(ItemError::new(
                "missing_field",
                "给出 reply_text 时须同时给出 replied_at",
            ));
        }
        _ => {}
    }
    Ok(MessageInput {
        account,
        platform_message_id,
        received_at,
        text,
        channel,
        replied_at,
        reply_text,
    })
}

/// A post as stored, the part an update compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPost {
    pub published_at: DateTime<Utc>,
    pub title: String,
    pub text: String,
    pub url: String,
    pub kind: PostKind,
    pub source: String,
    pub deleted: bool,
}

/// A message as stored, the part an update compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub received_at: DateTime<Utc>,
    pub text: String,
    pub channel: Channel,
    pub replied_at: Option<DateTime<Utc>>,
    pub reply_text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Created,
    Updated,
    Unchanged,
    Rejected,
}

impl ItemStatus {
    pub fn code(self) -> &'static str {
        match self {
            ItemStatus::Created => "created",
            ItemStatus::Updated => "updated",
            ItemStatus::Unchanged => "unchanged",
            ItemStatus::Rejected => "rejected",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::Created => "新增",
            ItemStatus::Updated => "已更新",
            ItemStatus::Unchanged => "无变化",
            ItemStatus::Rejected => "已拒绝",
        }
    }
}

/// What a change to a stored post was, for its revision record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostChange {
    Edited,
    Deleted,
    Restored,
}

impl PostChange {
    pub fn code(self) -> &'static str {
        match self {
            PostChange::Edited => "edited",
            PostChange::Deleted => "deleted",
            PostChange::Restored => "restored",
        }
    }
    pub fn parse(s: &str) -> Option<PostChange> {
        [
            PostChange::Edited,
            PostChange::Deleted,
            PostChange::Restored,
        ]
        .into_iter()
        .find(|c| c.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            PostChange::Edited => "内容修改",
            PostChange::Deleted => "已删除",
            PostChange::Restored => "已恢复",
        }
    }
}

/// Whether a post is new, changed (and how) or the same as stored. A
/// deletion is sticky: a later batch that omits `deleted` on a post that
/// is gone does not bring it back unless its content differs.
pub fn decide_post(
    stored: Option<&StoredPost>,
    input: &PostInput,
) -> (ItemStatus, Option<PostChange>) {
    let Some(s) = stored else {
        return (ItemStatus::Created, None);
    };
    let same_content = s.published_at == input.published_at
        && s.title == input.title
        && s.text == input.text
        && s.url == input.url
        && s.kind == input.kind
        && s.source == input.source;
    match (s.deleted, input.deleted, same_content) {
        (false, true, _) => (ItemStatus::Updated, Some(PostChange::Deleted)),
        (_, _, true) => (ItemStatus::Unchanged, None),
        (true, false, false) => (ItemStatus::Updated, Some(PostChange::Restored)),
        (_, _, false) => (ItemStatus::Updated, Some(PostChange::Edited)),
    }
}

pub fn decide_message(stored: Option<&StoredMessage>, input: &MessageInput) -> ItemStatus {
    match stored {
        None => ItemStatus::Created,
        Some(s)
            if s.received_at == input.received_at
                && s.text == input.text
                && s.channel == input.channel
                && s.replied_at == input.replied_at
                && s.reply_text == input.reply_text =>
        {
            ItemStatus::Unchanged
        }
        Some(_) => ItemStatus::Updated,
    }
}

/// The China day a post counts on.
pub fn post_day(p: &PostInput) -> NaiveDate {
    china_date(p.published_at)
}
