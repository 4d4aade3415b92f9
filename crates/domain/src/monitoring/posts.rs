//! Measures over an account's posts, "as of" any date: zombie, update
//! frequency per ISO week, early warnings, and whether the data covers the
//! window at all. Days and weeks are China days (UTC+8) whatever the
//! server's zone. Measures read when a post was *published*, not when we
//! learned of it, so back-filled data changes the answer for a past date.

use super::coverage::Coverage;
use super::rules::MonitoringRules;
use crate::clock::{china, china_date};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    Original,
    Repost,
}

impl PostKind {
    pub const ALL: [PostKind; 2] = [PostKind::Original, PostKind::Repost];
    pub fn code(self) -> &'static str {
        match self {
            PostKind::Original => "original",
            PostKind::Repost => "repost",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PostKind::Original => "原创",
            PostKind::Repost => "转载",
        }
    }
    pub fn parse(s: &str) -> Option<PostKind> {
        PostKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// What a measure needs of one post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostFact {
    pub published_at: DateTime<Utc>,
    pub kind: PostKind,
}

/// The first moment of a China day, in UTC.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    china()
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The moment posts are counted up to for a window ending with day `d`,
/// seen at `now`: the end of `d`, or `now` while `d` is still running.
pub fn window_end(d: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let end = day_start(d + Days::new(1));
    end.min(now)
}

/// The delivery a window ending with day `d` needs to be covered: one at
/// or after its end; while `d` is still running, one made on `d` (a source
/// cannot have reported on the rest of a day that has not happened).
pub fn coverage_needed(d: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    let end = day_start(d + Days::new(1));
    if end <= now {
        end
    } else {
        day_start(d).min(now)
    }
}

fn counts(rules: &MonitoringRules, p: &PostFact) -> bool {
    rules.count_reposts || p.kind == PostKind::Original
}

/// The zombie verdict of one account as of day `d`, seen at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZombieVerdict {
    /// `Some(true)`: no post on any of the `zombie_days` days up to `d` and
    /// a source covered the window; `Some(false)`: a post in the window;
    /// `None`: no post, and no source covered the window (数据不足).
    pub zombie: Option<bool>,
    pub last_post_at: Option<DateTime<Utc>>,
    /// Calendar days from the last post's China day to `d`.
    pub days_since_update: Option<i64>,
    /// 即将成为僵尸号: not a zombie yet, but no post for
    /// `warn_zombie_days` days.
    pub warning: bool,
}

pub fn zombie(
    rules: &MonitoringRules,
    posts: &[PostFact],
    coverage: &Coverage,
    d: NaiveDate,
    now: DateTime<Utc>,
) -> ZombieVerdict {
    let end = window_end(d, now);
    let last = posts
        .iter()
        .filter(|p| counts(rules, p) && p.published_at < end)
        .map(|p| p.published_at)
        .max();
    let days_since = last.map(|t| (d - china_date(t)).num_days());
    let in_window = days_since.is_some_and(|n| n < i64::from(rules.zombie_days));
    let zombie = if in_window {
        Some(false)
    } else if coverage.covers(coverage_needed(d, now)) {
        Some(true)
    } else {
        None
    };
    let warning = in_window && days_since.is_some_and(|n| n >= i64::from(rules.warn_zombie_days));
    ZombieVerdict {
        zombie,
        last_post_at: last,
        days_since_update: days_since,
        warning,
    }
}

/// One complete ISO week (Monday–Sunday) of updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekCount {
    /// `2026-W10`.
    pub week: String,
    pub monday: NaiveDate,
    pub posts: u32,
    /// `Some(true)`: fewer posts than the minimum in a covered week;
    /// `None`: fewer posts, but no source covered the week (数据不足).
    pub below_min: Option<bool>,
}

/// Whether a complete week with `count` updates breaches the minimum:
/// `None` when it is short but no source covered it (数据不足).
pub fn week_breach(rules: &MonitoringRules, count: u32, covered: bool) -> Option<bool> {
    if count >= rules.weekly_min {
        Some(false)
    } else if covered {
        Some(true)
    } else {
        None
    }
}

/// The Monday of the ISO week holding `d`.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Days::new(u64::from(d.weekday().num_days_from_monday()))
}

pub fn week_label(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The `n` complete weeks before the week holding `d`, oldest first. The
/// week holding `d` is not judged until it ends.
pub fn weeks(
    rules: &MonitoringRules,
    posts: &[PostFact],
    coverage: &Coverage,
    d: NaiveDate,
    n: u32,
) -> Vec<WeekCount> {
    let this_monday = monday_of(d);
    let mut out = Vec::with_capacity(n as usize);
    for i in (1..=u64::from(n)).rev() {
        let monday = this_monday - Days::new(7 * i);
        let (from, to) = (day_start(monday), day_start(monday + Days::new(7)));
        let count = posts
            .iter()
            .filter(|p| counts(rules, p) && p.published_at >= from && p.published_at < to)
            .count() as u32;
        let below_min = week_breach(rules, count, coverage.covers(to));
        out.push(WeekCount {
            week: week_label(monday),
            monday,
            posts: count,
            below_min,
        });
    }
    out
}

/// 本周更新不足: in the week holding `d`, on or after the warning weekday,
/// fewer posts up to `now` than the weekly minimum.
pub fn week_short(
    rules: &MonitoringRules,
    posts: &[PostFact],
    d: NaiveDate,
    now: DateTime<Utc>,
) -> bool {
    if d.weekday().num_days_from_monday() < rules.warn_weekday.num_days_from_monday() {
        return false;
    }
    let from = day_start(monday_of(d));
    let end = window_end(d, now);
    let n = posts
        .iter()
        .filter(|p| counts(rules, p) && p.published_at >= from && p.published_at < end)
        .count() as u32;
    n < rules.weekly_min
}
