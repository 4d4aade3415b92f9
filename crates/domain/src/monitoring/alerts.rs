//! Alerts: each cause of a breach (a zombie streak, a breached week, an
//! overdue message, a post with a block finding) has a key of its own, so
//! an alert opens once per cause, closes when the cause is gone, and
//! reopens if the same cause comes back. Pure: the job lists the causes,
//! [`plan`] says what to open and what to close.

use crate::ids::AccountId;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Zombie,
    FrequencyBreach,
    OverdueMessage,
    BlockedPost,
    /// A feed failed enough polls in a row to count as broken.
    FeedBroken,
}

impl AlertKind {
    pub const ALL: [AlertKind; 5] = [
        AlertKind::Zombie,
        AlertKind::FrequencyBreach,
        AlertKind::OverdueMessage,
        AlertKind::BlockedPost,
        AlertKind::FeedBroken,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AlertKind::Zombie => "zombie",
            AlertKind::FrequencyBreach => "frequency_breach",
            AlertKind::OverdueMessage => "overdue_message",
            AlertKind::BlockedPost => "blocked_post",
            AlertKind::FeedBroken => "feed_broken",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::Zombie => "僵尸号",
            AlertKind::FrequencyBreach => "更新频率不达标",
            AlertKind::OverdueMessage => "留言超期未回复",
            AlertKind::BlockedPost => "发布内容含禁止项",
            AlertKind::FeedBroken => "订阅源中断",
        }
    }
    pub fn parse(s: &str) -> Option<AlertKind> {
        AlertKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// One current cause of an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub kind: AlertKind,
    pub account: AccountId,
    pub key: String,
    pub message: String,
}

/// A zombie streak is named by the account and its last post's day (or
/// `none`): posting ends it, a later silence is a new streak.
pub fn zombie(account: AccountId, last_post_day: Option<NaiveDate>, days: Option<i64>) -> Cause {
    let since = last_post_day
        .map(|d| d.to_string())
        .unwrap_or_else(|| "none".into());
    Cause {
        kind: AlertKind::Zombie,
        account,
        key: format!("zombie:{}:{since}", account.0),
        message: match days {
            Some(n) => format!("已连续 {n} 天未更新（最近发布 {since}）"),
            None => "从未发布内容".into(),
        },
    }
}

pub fn frequency(account: AccountId, week: &str, posts: u32, min: u32) -> Cause {
    Cause {
        kind: AlertKind::FrequencyBreach,
        account,
        key: format!("frequency:{}:{week}", account.0),
        message: format!("{week} 周更新 {posts} 次，少于每周 {min} 次"),
    }
}

pub fn overdue(account: AccountId, message_id: i64, due: NaiveDate) -> Cause {
    Cause {
        kind: AlertKind::OverdueMessage,
        account,
        key: format!("overdue:{message_id}"),
        message: format!("公众留言应于 {due} 前回复，至今未回复"),
    }
}

pub fn blocked(account: AccountId, post_id: i64, title: &str) -> Cause {
    Cause {
        kind: AlertKind::BlockedPost,
        account,
        key: format!("blocked:{post_id}"),
        message: format!("已发布内容{}含禁止发布的内容", crate::text::quoted(title)),
    }
}

/// A broken feed is named by the feed: it clears when a poll succeeds,
/// and the same key reopens if the feed breaks again.
pub fn feed_broken(account: AccountId, feed_id: i64, failures: u32, error: &str) -> Cause {
    Cause {
        kind: AlertKind::FeedBroken,
        account,
        key: format!("feed:{feed_id}"),
        message: format!("订阅源连续 {failures} 次采集失败：{error}"),
    }
}

/// What to open (causes with no open alert) and what to close (open
/// alerts whose cause is gone), given every current cause.
pub fn plan<'a>(open: &HashSet<String>, causes: &'a [Cause]) -> (Vec<&'a Cause>, Vec<String>) {
    let current: HashSet<&str> = causes.iter().map(|c| c.key.as_str()).collect();
    let mut seen = HashSet::new();
    let to_open = causes
        .iter()
        .filter(|c| !open.contains(&c.key) && seen.insert(c.key.as_str()))
        .collect();
    let mut to_close: Vec<String> = open
        .iter()
        .filter(|k| !current.contains(k.as_str()))
        .cloned()
        .collect();
    to_close.sort();
    (to_open, to_close)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn opening_and_closing_are_idempotent() {
        let a = AccountId(7);
        let causes = vec![
            zombie(a, Some(d("2026-03-01")), Some(20)),
            overdue(a, 9, d("2026-03-10")),
            overdue(a, 9, d("2026-03-10")),
        ];
        let (open, close) = plan(&HashSet::new(), &causes);
        assert_eq!(open.len(), 2, "one alert per cause");
        assert!(close.is_empty());
        let now_open: HashSet<String> = open.iter().map(|c| c.key.clone()).collect();
        let (again, close) = plan(&now_open, &causes);
        assert!(
            again.is_empty() && close.is_empty(),
            "a second run changes nothing"
        );
        // The message is answered: its alert closes, the zombie stays.
        let (o, close) = plan(&now_open, &causes[..1]);
        assert!(o.is_empty());
        assert_eq!(close, vec!["overdue:9".to_string()]);
    }

    #[test]
    fn a_new_silence_is_a_new_streak() {
        let a = AccountId(7);
        let first = zombie(a, Some(d("2026-03-01")), Some(20));
        let later = zombie(a, Some(d("2026-05-01")), Some(15));
        assert_ne!(first.key, later.key);
        assert_eq!(zombie(a, None, None).key, "zombie:7:none");
    }
}
