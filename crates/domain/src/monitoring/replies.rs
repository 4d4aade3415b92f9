//! Replies to the public (article 16; article 10's 政民互动回应不及时): a
//! message received on China day R is due by the end of the N-th working
//! day after R on the statutory calendar (the same rule as filings).

use super::rules::MonitoringRules;
use crate::calendar::{Calendar, CalendarError};
use crate::clock::china_date;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// What a measure needs of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFact {
    pub received_at: DateTime<Utc>,
    pub replied_at: Option<DateTime<Utc>>,
    pub reply_text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyState {
    /// Replied on or before the due day.
    OnTime,
    /// Replied after the due day.
    Late,
    /// Not replied as of the day, due day not passed, more than one working
    /// day left.
    Waiting,
    /// 即将超期: not replied, the due day is today or the next working day.
    DueSoon,
    /// Not replied and the due day has passed.
    Overdue,
}

impl ReplyState {
    pub fn label(self) -> &'static str {
        match self {
            ReplyState::OnTime => "按时回复",
            ReplyState::Late => "超期回复",
            ReplyState::Waiting => "待回复",
            ReplyState::DueSoon => "即将超期",
            ReplyState::Overdue => "超期未回复",
        }
    }
}

pub fn reply_due(
    cal: &Calendar,
    rules: &MonitoringRules,
    received_at: DateTime<Utc>,
) -> Result<NaiveDate, CalendarError> {
    cal.add_workdays(china_date(received_at), rules.reply_workdays)
}

/// The state of a message as of China day `d`: a reply given after `d`
/// does not count yet.
pub fn reply_state(
    cal: &Calendar,
    rules: &MonitoringRules,
    m: &MessageFact,
    d: NaiveDate,
) -> Result<ReplyState, CalendarError> {
    let due = reply_due(cal, rules, m.received_at)?;
    match m.replied_at.map(china_date).filter(|r| *r <= d) {
        Some(r) if r <= due => Ok(ReplyState::OnTime),
        Some(_) => Ok(ReplyState::Late),
        None if d > due => Ok(ReplyState::Overdue),
        None if cal.add_workdays(d, 1)? >= due => Ok(ReplyState::DueSoon),
        None => Ok(ReplyState::Waiting),
    }
}

/// Replies of one account over the messages of a period, as of day `d`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplyStats {
    pub received: u32,
    pub replied: u32,
    pub on_time: u32,
    /// Unanswered past the due day, as of `d`.
    pub overdue: u32,
    pub due_soon: u32,
    pub median_reply_workdays: Option<f64>,
    pub p90_reply_workdays: Option<f64>,
    /// Replies shorter than the minimum, or one text used more often than
    /// allowed (template replies).
    pub low_quality: u32,
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u32], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    Some(f64::from(sorted[rank.clamp(1, sorted.len()) - 1]))
}

/// Whether a reply is low quality: too short, or a text that appears more
/// than `max_same_reply` times among `counts`.
pub fn low_quality(rules: &MonitoringRules, text: &str, counts: &HashMap<String, u32>) -> bool {
    let t = text.trim();
    (t.chars().count() as u32) < rules.min_reply_chars
        || counts.get(t).copied().unwrap_or(0) > rules.max_same_reply
}

pub fn reply_counts<'a>(texts: impl Iterator<Item = &'a str>) -> HashMap<String, u32> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for t in texts {
        *counts.entry(t.trim().to_string()).or_default() += 1;
    }
    counts
}

pub fn reply_stats(
    cal: &Calendar,
    rules: &MonitoringRules,
    messages: &[MessageFact],
    d: NaiveDate,
) -> Result<ReplyStats, CalendarError> {
    let mut s = ReplyStats::default();
    let mut times = Vec::new();
    let replied: Vec<&MessageFact> = messages
        .iter()
        .filter(|m| m.replied_at.is_some_and(|r| china_date(r) <= d))
        .collect();
    let counts = reply_counts(replied.iter().map(|m| m.reply_text.as_str()));
    for m in messages {
        s.received += 1;
        match reply_state(cal, rules, m, d)? {
            ReplyState::OnTime => s.on_time += 1,
            ReplyState::Overdue => s.overdue += 1,
            ReplyState::DueSoon => s.due_soon += 1,
            ReplyState::Late | ReplyState::Waiting => {}
        }
    }
    for m in &replied {
        s.replied += 1;
        if let Some(r) = m.replied_at {
            times.push(cal.workdays_between(china_date(m.received_at), china_date(r))?);
        }
        if low_quality(rules, &m.reply_text, &counts) {
            s.low_quality += 1;
        }
    }
    times.sort_unstable();
    s.median_reply_workdays = percentile(&times, 0.5);
    s.p90_reply_workdays = percentile(&times, 0.9);
    Ok(s)
}
