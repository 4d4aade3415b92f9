use super::ingest::*;
use super::posts::PostKind;
use crate::ids::AccountId;
use chrono::{DateTime, Utc};

fn now() -> DateTime<Utc> {
    "2026-03-10T04:00:00Z".parse().unwrap()
}

fn raw() -> RawPost {
    RawPost {
        account_id: Some(7),
        platform_post_id: Some("wx-1".into()),
        published_at: Some("2026-03-09T09:30:00+08:00".into()),
        text: Some("关于社保卡的通知".into()),
        kind: Some("original".into()),
        ..Default::default()
    }
}

fn code(r: Result<PostInput, ItemError>) -> &'static str {
    r.unwrap_err().code
}

#[test]
fn a_good_post_parses_in_utc() {
    let p = parse_post(&raw(), now()).unwrap();
    assert_eq!(p.account, AccountRef::Id(AccountId(7)));
    assert_eq!(p.published_at.to_rfc3339(), "2026-03-09T01:30:00+00:00");
    assert_eq!(p.kind, PostKind::Original);
    assert_eq!(post_day(&p).to_string(), "2026-03-09");
}

#[test]
fn bad_posts_are_refused_with_their_reason() {
    let mut r = raw();
    r.published_at = Some("2026-03-09 09:30".into());
    assert_eq!(code(parse_post(&r, now())), "invalid_time");
    r.published_at = Some("2026-03-11T04:00:01Z".into());
    assert_eq!(code(parse_post(&r, now())), "time_in_future");
    // Exactly one day ahead is still accepted (clock skew).
    r.published_at = Some("2026-03-11T04:00:00Z".into());
    assert!(parse_post(&r, now()).is_ok());
    let mut r = raw();
    r.text = Some("  ".into());
    assert_eq!(code(parse_post(&r, now())), "empty_post");
    r.title = Some("标题".into());
    assert!(parse_post(&r, now()).is_ok());
    let mut r = raw();
    r.kind = Some("story".into());
    assert_eq!(code(parse_post(&r, now())), "invalid_kind");
    r.kind = None;
    assert_eq!(code(parse_post(&r, now())), "missing_field");
    let mut r = raw();
    r.account_id = None;
    assert_eq!(code(parse_post(&r, now())), "missing_account");
    r.account = Some(AccountHandle {
        platform: "weibo".into(),
        handle: "jxhrss".into(),
    });
    assert!(parse_post(&r, now()).is_ok());
    r.account_id = Some(7);
    assert_eq!(code(parse_post(&r, now())), "ambiguous_account");
    let mut r = raw();
    r.platform_post_id = Some(" ".into());
    assert_eq!(code(parse_post(&r, now())), "missing_field");
    r.platform_post_id = Some("x".repeat(MAX_SHORT + 1));
    assert_eq!(code(parse_post(&r, now())), "field_too_long");
    let mut r = raw();
    r.text = Some("字".repeat(MAX_TEXT + 1));
    assert_eq!(code(parse_post(&r, now())), "text_too_long");
}

#[test]
fn messages_check_reply_times() {
    let m = RawMessage {
        account_id: Some(7),
        platform_message_id: Some("m1".into()),
        received_at: Some("2026-03-09T10:00:00+08:00".into()),
        text: Some("请问如何办理社保卡？".into()),
        channel: Some("comment".into()),
        ..Default::default()
    };
    let ok = parse_message(&m, now()).unwrap();
    assert_eq!((ok.channel, ok.replied_at), (Channel::Comment, None));
    let mut early = m.clone();
    early.replied_at = Some("2026-03-09T09:00:00+08:00".into());
    assert_eq!(
        parse_message(&early, now()).unwrap_err().code,
        "reply_before_received"
    );
    let mut text_only = m.clone();
    text_only.reply_text = Some("您好，请到窗口办理。".into());
    assert_eq!(
        parse_message(&text_only, now()).unwrap_err().code,
        "missing_field"
    );
    let mut chan = m.clone();
    chan.channel = Some("email".into());
    assert_eq!(
        parse_message(&chan, now()).unwrap_err().code,
        "invalid_channel"
    );
    let mut replied = m;
    replied.replied_at = Some("2026-03-10T10:00:00+08:00".into());
    replied.reply_text = Some("您好，请到窗口办理。".into());
    let r = parse_message(&replied, now()).unwrap();
    let stored = StoredMessage {
        received_at: r.received_at,
        text: r.text.clone(),
        channel: r.channel,
        replied_at: None,
        reply_text: String::new(),
    };
    assert_eq!(decide_message(Some(&stored), &r), ItemStatus::Updated);
    assert_eq!(decide_message(None, &r), ItemStatus::Created);
    let same = StoredMessage {
        replied_at: r.replied_at,
        reply_text: r.reply_text.clone(),
        ..stored
    };
    assert_eq!(decide_message(Some(&same), &r), ItemStatus::Unchanged);
}

#[test]
fn post_changes_are_classified() {
    let p = parse_post(&raw(), now()).unwrap();
    let stored = StoredPost {
        published_at: p.published_at,
        title: p.title.clone(),
        text: p.text.clone(),
        url: p.url.clone(),
        kind: p.kind,
        source: p.source.clone(),
        deleted: false,
    };
    assert_eq!(decide_post(None, &p), (ItemStatus::Created, None));
    assert_eq!(
        decide_post(Some(&stored), &p),
        (ItemStatus::Unchanged, None)
    );
    let mut edited = p.clone();
    edited.text.push_str("（更正）");
    assert_eq!(
        decide_post(Some(&stored), &edited),
        (ItemStatus::Updated, Some(PostChange::Edited))
    );
    let mut gone = p.clone();
    gone.deleted = true;
    assert_eq!(
        decide_post(Some(&stored), &gone),
        (ItemStatus::Updated, Some(PostChange::Deleted))
    );
    let deleted = StoredPost {
        deleted: true,
        ..stored
    };
    // A later batch that still lists the old content does not undelete it.
    assert_eq!(
        decide_post(Some(&deleted), &p),
        (ItemStatus::Unchanged, None)
    );
    assert_eq!(
        decide_post(Some(&deleted), &edited),
        (ItemStatus::Updated, Some(PostChange::Restored))
    );
}

#[test]
fn control_characters_are_refused_before_they_reach_the_database() {
    let mut r = raw();
    r.text = Some("a\0b".into());
    assert_eq!(code(parse_post(&r, now())), "invalid_char");
    let mut r = raw();
    r.account_id = None;
    r.account = Some(AccountHandle {
        platform: "weibo".into(),
        handle: "x\0".into(),
    });
    assert_eq!(code(parse_post(&r, now())), "invalid_char");
}
