//! What lets a store count a province's measures without moving every
//! account and message out of the database, while the rules stay here:
//!
//! - [`Leniency`]: bounds over every rule set in use, so an account that
//!   posted recently enough (or often enough in a week) is certainly fine
//!   under all of them and needs no judging; the store returns only the
//!   others, which [`super::zombie`] and [`super::posts::week_breach`]
//!   judge as usual.
//! - [`ReplyCuts`]: the reply deadline is monotone in the day a message
//!   was received (a later message is never due earlier), so "overdue as
//!   of D" and "due within a working day" are ranges of receipt times, and
//!   the deadline of each receipt day of a period is a short step
//!   function. A store counts with these; [`ReplyCuts`] is computed from
//!   the statutory calendar, the same [`super::reply_due`] the per-message
//!   measure uses.

use super::posts::day_start;
use super::rules::MonitoringRules;
use crate::calendar::{Calendar, CalendarError};
use chrono::{DateTime, Days, NaiveDate, Utc};

/// Bounds over a set of rule sets: an account inside them is fine under
/// every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leniency {
    /// A counted post on one of the `recent_days` days up to D: neither a
    /// zombie nor 即将成为僵尸号 under any of the rules.
    pub recent_days: u32,
    /// Whether only originals may count (some rule set leaves reposts out).
    pub originals_only: bool,
    /// A complete week with at least this many counted posts is not a
    /// breach under any of the rules.
    pub weekly_min: u32,
}

impl Leniency {
    /// The bounds of the rule sets (the defaults' when there are none).
    pub fn of<'a>(rules: impl IntoIterator<Item = &'a MonitoringRules>) -> Leniency {
        let mut it = rules.into_iter().peekable();
        let fallback = MonitoringRules::default();
        if it.peek().is_none() {
            return Leniency::of([&fallback]);
        }
        let mut l = Leniency {
            recent_days: u32::MAX,
            originals_only: false,
            weekly_min: 0,
        };
        for r in it {
            l.recent_days = l.recent_days.min(r.zombie_days.min(r.warn_zombie_days));
            l.originals_only |= !r.count_reposts;
            l.weekly_min = l.weekly_min.max(r.weekly_min);
        }
        l
    }

    /// The first China day whose posts make an account fine as of `d`
    /// (`None`: no day does, every account is judged).
    pub fn recent_from(&self, d: NaiveDate) -> Option<NaiveDate> {
        let back = self.recent_days.checked_sub(1)?;
        d.checked_sub_days(Days::new(u64::from(back)))
    }
}

/// Receipt-time cuts of one reply rule (N working days) as of day D.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyCuts {
    /// A message received before this moment and unanswered as of D is
    /// overdue (its due day is before D).
    pub overdue_before: DateTime<Utc>,
    /// One received from `overdue_before` up to this moment and unanswered
    /// is 即将超期 (due today or on the next working day).
    pub due_soon_before: DateTime<Utc>,
    /// The deadlines of the receipt days of a period as steps: a message
    /// received before `steps[i].0` (and not before the previous step) is
    /// answered on time when replied before `steps[i].1`. The last step
    /// covers the end of the period.
    pub steps: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// How far back a receipt day is searched for a cut: the deadline is at
/// most this many days after receipt (60 working days is the rule's
/// ceiling; the longest holidays add under a month).
const MAX_SPAN_DAYS: u64 = 200;

/// The latest receipt day whose due day is on or before `limit`.
fn last_due_by(
    cal: &Calendar,
    workdays: u32,
    limit: NaiveDate,
) -> Result<NaiveDate, CalendarError> {
    let mut r = limit.pred_opt().ok_or(CalendarError::OutOfRange)?;
    for _ in 0..MAX_SPAN_DAYS {
        if cal.add_workdays(r, workdays)? <= limit {
            return Ok(r);
        }
        r = r.pred_opt().ok_or(CalendarError::OutOfRange)?;
    }
    Err(CalendarError::OutOfRange)
}

impl ReplyCuts {
    /// The cuts of the rule as of `d` for the receipt days `from..=to`
    /// (`to` is at most `d`). An error (a year without calendar data)
    /// means the caller judges message by message instead.
    pub fn new(
        cal: &Calendar,
        rules: &MonitoringRules,
        d: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ReplyCuts, CalendarError> {
        let n = rules.reply_workdays;
        let yesterday = d.pred_opt().ok_or(CalendarError::OutOfRange)?;
        let overdue_last = last_due_by(cal, n, yesterday)?;
        let soon_last = last_due_by(cal, n, cal.add_workdays(d, 1)?)?;
        let mut steps: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        let mut day = from;
        while day <= to {
            let next = day.succ_opt().ok_or(CalendarError::OutOfRange)?;
            let due_end = day_start(
                cal.add_workdays(day, n)?
                    .succ_opt()
                    .ok_or(CalendarError::OutOfRange)?,
            );
            match steps.last_mut() {
                Some(last) if last.1 == due_end => last.0 = day_start(next),
                _ => steps.push((day_start(next), due_end)),
            }
            day = next;
        }
        Ok(ReplyCuts {
            overdue_before: day_start(overdue_last + Days::new(1)),
            due_soon_before: day_start(soon_last + Days::new(1)),
            steps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::replies::{MessageFact, ReplyState, reply_state};
    use super::*;
    use crate::calendar::Calendar;
    use chrono::TimeDelta;
    use proptest::prelude::*;

    fn cal() -> Calendar {
        Calendar::builtin()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn leniency_takes_the_strictest_of_every_rule_set() {
        let a = MonitoringRules::default();
        let b = MonitoringRules {
            zombie_days: 7,
            weekly_min: 3,
            count_reposts: false,
            ..Default::default()
        };
        let l = Leniency::of([&a, &b]);
        assert_eq!(
            l,
            Leniency {
                recent_days: 7,
                originals_only: true,
                weekly_min: 3
            }
        );
        assert_eq!(Leniency::of([]), Leniency::of([&a]));
        assert_eq!(Leniency::of([&a]).recent_days, 10);
        assert_eq!(
            Leniency::of([&a]).recent_from(day("2026-10-20")),
            Some(day("2026-10-11"))
        );
    }

    /// Every message's state from the cuts equals its state from
    /// [`reply_state`], across the National Day holiday and adjusted
    /// working days, for receipt days around D and replies on either side
    /// of the deadline.
    fn check_cuts(workdays: u32, d: NaiveDate) {
        let c = cal();
        let rules = MonitoringRules {
            reply_workdays: workdays,
            ..Default::default()
        };
        let from = d - Days::new(60);
        let cuts = ReplyCuts::new(&c, &rules, d, from, d).unwrap();
        let mut r = from;
        while r <= d {
            for hour in [0i64, 13, 23] {
                let received = day_start(r) + TimeDelta::hours(hour);
                for reply_days in [None, Some(0u64), Some(3), Some(6), Some(12), Some(30)] {
                    let m = MessageFact {
                        received_at: received,
                        replied_at: reply_days.map(|k| received + TimeDelta::days(k as i64)),
                        reply_text: String::new(),
                    };
                    let want = reply_state(&c, &rules, &m, d).unwrap();
                    let cut = day_start(d + Days::new(1));
                    let replied = m.replied_at.filter(|t| *t < cut);
                    let step = cuts
                        .steps
                        .iter()
                        .find(|s| received < s.0)
                        .map(|s| s.1)
                        .unwrap();
                    let got = match replied {
                        Some(t) if t < step => ReplyState::OnTime,
                        Some(_) => ReplyState::Late,
                        None if received < cuts.overdue_before => ReplyState::Overdue,
                        None if received < cuts.due_soon_before => ReplyState::DueSoon,
                        None => ReplyState::Waiting,
                    };
                    assert_eq!(got, want, "N={workdays} D={d} received {received} {m:?}");
                }
            }
            r = r + Days::new(1);
        }
    }

    #[test]
    fn cuts_agree_with_the_per_message_state_around_national_day() {
        for d in [
            "2026-10-01",
            "2026-10-08",
            "2026-10-09",
            "2026-10-12",
            "2026-09-30",
        ] {
            check_cuts(5, day(d));
            check_cuts(1, day(d));
        }
    }

    #[test]
    fn steps_merge_receipt_days_with_the_same_deadline() {
        let c = cal();
        let rules = MonitoringRules::default();
        let cuts = ReplyCuts::new(
            &c,
            &rules,
            day("2026-03-20"),
            day("2026-03-02"),
            day("2026-03-15"),
        )
        .unwrap();
        // Friday 3-6, Saturday 3-7 and Sunday 3-8 are all due on Friday
        // 3-13 (the fifth working day after each): one step holds them.
        let six = cuts
            .steps
            .iter()
            .position(|s| s.0 > day_start(day("2026-03-06")))
            .unwrap();
        assert_eq!(cuts.steps[six].0, day_start(day("2026-03-09")));
        assert!(cuts.steps.len() < 15);
        assert_eq!(cuts.steps.last().unwrap().0, day_start(day("2026-03-16")));
    }

    proptest! {
        #[test]
        fn cuts_agree_with_the_per_message_state(
            workdays in 1u32..12,
            offset in 0u64..640,
        ) {
            check_cuts(workdays, day("2025-02-01") + Days::new(offset));
        }
    }
}
