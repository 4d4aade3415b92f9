use super::*;
use crate::calendar::Calendar;
use crate::clock::china;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A moment in China time.
fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    china()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("valid time")
        .with_timezone(&Utc)
}

fn post(t: DateTime<Utc>) -> PostFact {
    PostFact {
        published_at: t,
        kind: PostKind::Original,
    }
}

/// Coverage by a source that delivered long after everything measured.
fn covered() -> Coverage {
    Coverage {
        last_delivery: Some(at(2030, 1, 1, 0)),
    }
}

fn rules() -> MonitoringRules {
    MonitoringRules::default()
}

// ---- zombie ----

#[test]
fn a_post_on_d_minus_13_keeps_an_account_alive() {
    let d = day(2026, 11, 20);
    let v = zombie(
        &rules(),
        &[post(at(2026, 11, 7, 9))],
        &covered(),
        d,
        at(2026, 11, 21, 0),
    );
    assert_eq!(v.zombie, Some(false));
    assert_eq!(v.days_since_update, Some(13));
}

#[test]
fn a_last_post_on_d_minus_14_makes_a_zombie() {
    let d = day(2026, 11, 20);
    let v = zombie(
        &rules(),
        &[post(at(2026, 11, 6, 23))],
        &covered(),
        d,
        at(2026, 11, 21, 0),
    );
    assert_eq!(v.zombie, Some(true));
    assert_eq!(v.days_since_update, Some(14));
}

#[test]
fn days_are_china_days_not_utc_days() {
    // 2026-11-07 00:30 in China is still 11-06 in UTC: it is on D−13.
    let d = day(2026, 11, 20);
    let v = zombie(
        &rules(),
        &[post(at(2026, 11, 7, 0) + chrono::TimeDelta::minutes(30))],
        &covered(),
        d,
        at(2026, 11, 21, 0),
    );
    assert_eq!(v.zombie, Some(false));
}

#[test]
fn a_post_after_d_does_not_count_for_d() {
    let d = day(2026, 11, 20);
    let v = zombie(
        &rules(),
        &[post(at(2026, 11, 21, 8))],
        &covered(),
        d,
        at(2026, 11, 25, 0),
    );
    assert_eq!(v.zombie, Some(true));
    assert_eq!(v.last_post_at, None);
}

#[test]
fn no_post_and_no_coverage_is_unknown_not_a_weak_false() {
    let d = day(2026, 11, 20);
    // The only feed broke before the window ended: nothing delivered since.
    let broken = Coverage {
        last_delivery: Some(at(2026, 11, 1, 10)),
    };
    let v = zombie(&rules(), &[], &broken, d, at(2026, 11, 21, 0));
    assert_eq!(v.zombie, None);
    let never = Coverage::default();
    assert_eq!(
        zombie(&rules(), &[], &never, d, at(2026, 11, 21, 0)).zombie,
        None
    );
}

#[test]
fn back_filled_history_covers_a_past_window() {
    let d = day(2026, 6, 30);
    // Delivered in November, about June: June is covered.
    let late = Coverage {
        last_delivery: Some(at(2026, 11, 20, 10)),
    };
    assert_eq!(
        zombie(&rules(), &[], &late, d, at(2026, 11, 20, 12)).zombie,
        Some(true)
    );
}

#[test]
fn today_is_covered_by_a_delivery_earlier_today() {
    let d = day(2026, 11, 20);
    let now = at(2026, 11, 20, 15);
    let fed = Coverage {
        last_delivery: Some(at(2026, 11, 20, 14)),
    };
    assert_eq!(zombie(&rules(), &[], &fed, d, now).zombie, Some(true));
    let stale = Coverage {
        last_delivery: Some(at(2026, 11, 19, 14)),
    };
    assert_eq!(zombie(&rules(), &[], &stale, d, now).zombie, None);
}

#[test]
fn zombie_days_and_reposts_are_rules() {
    let d = day(2026, 11, 20);
    let now = at(2026, 11, 21, 0);
    let weekly = MonitoringRules {
        zombie_days: 7,
        ..rules()
    };
    let p = [post(at(2026, 11, 12, 9))]; // D−8
    assert_eq!(zombie(&rules(), &p, &covered(), d, now).zombie, Some(false));
    assert_eq!(zombie(&weekly, &p, &covered(), d, now).zombie, Some(true));
    let repost = [PostFact {
        published_at: at(2026, 11, 19, 9),
        kind: PostKind::Repost,
    }];
    let originals_only = MonitoringRules {
        count_reposts: false,
        ..rules()
    };
    assert_eq!(
        zombie(&rules(), &repost, &covered(), d, now).zombie,
        Some(false)
    );
    assert_eq!(
        zombie(&originals_only, &repost, &covered(), d, now).zombie,
        Some(true)
    );
}

#[test]
fn the_early_warning_comes_before_the_breach() {
    let d = day(2026, 11, 20);
    let now = at(2026, 11, 21, 0);
    let nine = zombie(&rules(), &[post(at(2026, 11, 11, 9))], &covered(), d, now);
    assert!(!nine.warning);
    let ten = zombie(&rules(), &[post(at(2026, 11, 10, 9))], &covered(), d, now);
    assert!(ten.warning);
    assert_eq!(ten.zombie, Some(false));
    let fourteen = zombie(&rules(), &[post(at(2026, 11, 6, 9))], &covered(), d, now);
    assert!(!fourteen.warning, "a zombie is a breach, not a warning");
}

// ---- weeks ----

#[test]
fn a_week_with_one_post_is_below_the_minimum_and_two_is_not() {
    // 2026-11-09 is a Monday; D is in the week after next.
    let d = day(2026, 11, 25);
    let p = [
        post(at(2026, 11, 9, 9)),
        post(at(2026, 11, 16, 9)),
        post(at(2026, 11, 22, 23)), // Sunday night, China time
    ];
    let w = weeks(&rules(), &p, &covered(), d, 3);
    assert_eq!(
        w.iter()
            .map(|w| (w.week.as_str(), w.posts, w.below_min))
            .collect::<Vec<_>>(),
        vec![
            ("2026-W45", 0, Some(true)),
            ("2026-W46", 1, Some(true)),
            ("2026-W47", 2, Some(false)),
        ]
    );
}

#[test]
fn the_current_week_is_not_judged() {
    let d = day(2026, 11, 25); // a Wednesday of W48
    let w = weeks(&rules(), &[], &covered(), d, 26);
    assert_eq!(w.len(), 26);
    assert_eq!(w.last().map(|w| w.week.as_str()), Some("2026-W47"));
    assert!(w.iter().all(|w| w.monday < monotonic_monday(d)));
}

fn monotonic_monday(d: NaiveDate) -> NaiveDate {
    posts::monday_of(d)
}

#[test]
fn an_uncovered_quiet_week_is_unknown() {
    let d = day(2026, 11, 25);
    let cov = Coverage {
        last_delivery: Some(at(2026, 11, 18, 10)), // inside W47
    };
    let w = weeks(&rules(), &[], &cov, d, 2);
    assert_eq!(w[0].below_min, Some(true)); // W46 ended before the delivery
    assert_eq!(w[1].below_min, None); // W47 did not
}

#[test]
fn iso_weeks_cross_the_year() {
    assert_eq!(posts::week_label(day(2026, 12, 28)), "2026-W53");
    assert_eq!(posts::week_label(day(2027, 1, 4)), "2027-W01");
}

#[test]
fn the_weekly_warning_starts_on_the_configured_weekday() {
    let p = [post(at(2026, 11, 23, 9))]; // Monday of W48: one post
    let wed = day(2026, 11, 25);
    let thu = day(2026, 11, 26);
    assert!(!week_short(&rules(), &p, wed, at(2026, 11, 25, 12)));
    assert!(week_short(&rules(), &p, thu, at(2026, 11, 26, 12)));
    let two = [post(at(2026, 11, 23, 9)), post(at(2026, 11, 24, 9))];
    assert!(!week_short(&rules(), &two, thu, at(2026, 11, 26, 12)));
}

// ---- replies ----

fn msg(received: DateTime<Utc>, replied: Option<DateTime<Utc>>, text: &str) -> MessageFact {
    MessageFact {
        received_at: received,
        replied_at: replied,
        reply_text: text.into(),
    }
}

const GOOD: &str = "您好，您反映的问题已转相关处室办理，请保持电话畅通。";

#[test]
fn a_reply_on_the_deadline_day_is_on_time_and_the_day_after_is_late() {
    let cal = Calendar::builtin();
    // Received Monday 2026-11-16; five working days later: Monday 11-23.
    let r = at(2026, 11, 16, 10);
    assert_eq!(reply_due(&cal, &rules(), r), Ok(day(2026, 11, 23)));
    let on_time = msg(r, Some(at(2026, 11, 23, 23)), GOOD);
    let late = msg(r, Some(at(2026, 11, 24, 8)), GOOD);
    let d = day(2026, 11, 30);
    assert_eq!(
        reply_state(&cal, &rules(), &on_time, d),
        Ok(ReplyState::OnTime)
    );
    assert_eq!(reply_state(&cal, &rules(), &late, d), Ok(ReplyState::Late));
}

#[test]
fn a_deadline_skips_the_national_day_holiday() {
    let cal = Calendar::builtin();
    // Received Wednesday 09-30: 10-01..07 off, 10-08, 10-09, 10-10 (an
    // adjusted working Saturday), 10-12, 10-13.
    assert_eq!(
        reply_due(&cal, &rules(), at(2026, 9, 30, 16)),
        Ok(day(2026, 10, 13))
    );
}

#[test]
fn an_adjusted_working_sunday_counts() {
    let cal = Calendar::builtin();
    // Received Friday 09-18: Sunday 09-20 is a working day, so 20, 21, 22,
    // 23, 24 — not the 25th (which is a holiday anyway).
    assert_eq!(
        reply_due(&cal, &rules(), at(2026, 9, 18, 16)),
        Ok(day(2026, 9, 24))
    );
}

#[test]
fn unanswered_messages_as_of_d() {
    let cal = Calendar::builtin();
    let r = at(2026, 11, 16, 10); // due 11-23
    let open = msg(r, None, "");
    assert_eq!(
        reply_state(&cal, &rules(), &open, day(2026, 11, 19)),
        Ok(ReplyState::Waiting)
    );
    // 11-20 (Fri): the next working day is 11-23, the due day.
    assert_eq!(
        reply_state(&cal, &rules(), &open, day(2026, 11, 20)),
        Ok(ReplyState::DueSoon)
    );
    assert_eq!(
        reply_state(&cal, &rules(), &open, day(2026, 11, 23)),
        Ok(ReplyState::DueSoon)
    );
    assert_eq!(
        reply_state(&cal, &rules(), &open, day(2026, 11, 24)),
        Ok(ReplyState::Overdue)
    );
    // Replied later: as of a day before the reply it was still unanswered.
    let later = msg(r, Some(at(2026, 11, 26, 9)), GOOD);
    assert_eq!(
        reply_state(&cal, &rules(), &later, day(2026, 11, 24)),
        Ok(ReplyState::Overdue)
    );
    assert_eq!(
        reply_state(&cal, &rules(), &later, day(2026, 11, 26)),
        Ok(ReplyState::Late)
    );
}

#[test]
fn reply_stats_count_rates_percentiles_and_template_replies() {
    let cal = Calendar::builtin();
    let mon = at(2026, 11, 16, 10);
    let ms = vec![
        msg(mon, Some(at(2026, 11, 17, 10)), GOOD), // 1 working day
        msg(mon, Some(at(2026, 11, 18, 10)), GOOD), // 2
        msg(mon, Some(at(2026, 11, 19, 10)), GOOD), // 3
        msg(mon, Some(at(2026, 11, 20, 10)), GOOD), // 4: GOOD used 4 times > 3
        msg(mon, Some(at(2026, 11, 25, 10)), "已收到"), // 7: late and short
        msg(mon, None, ""),                         // overdue as of 11-30
    ];
    let s = reply_stats(&cal, &rules(), &ms, day(2026, 11, 30)).expect("2026 calendar");
    assert_eq!(s.received, 6);
    assert_eq!(s.replied, 5);
    assert_eq!(s.on_time, 4);
    assert_eq!(s.overdue, 1);
    assert_eq!(s.median_reply_workdays, Some(3.0));
    assert_eq!(s.p90_reply_workdays, Some(7.0));
    assert_eq!(s.low_quality, 5);
}

#[test]
fn a_missing_calendar_year_is_an_error_not_a_guess() {
    let cal = Calendar::default();
    assert!(reply_due(&cal, &rules(), at(2026, 11, 16, 10)).is_err());
}

// ---- rules ----

#[test]
fn a_stricter_rule_on_a_city_applies_to_its_counties_not_its_siblings() {
    let city = RuleOverride {
        zombie_days: Some(7),
        weekly_min: Some(3),
        ..Default::default()
    };
    let county = RuleOverride {
        weekly_min: Some(4),
        ..Default::default()
    };
    let o = vec![("/1/4/".to_string(), city), ("/1/4/9/".to_string(), county)];
    let d = MonitoringRules::default();
    let c = resolve(&d, &o, "/1/4/9/");
    assert_eq!((c.rules.zombie_days, c.rules.weekly_min), (7, 4));
    assert_eq!(c.from, vec!["/1/4/", "/1/4/9/"]);
    let own = resolve(&d, &o, "/1/4/");
    assert_eq!((own.rules.zombie_days, own.rules.weekly_min), (7, 3));
    let sibling = resolve(&d, &o, "/1/5/");
    assert_eq!(sibling.rules, d);
    assert!(sibling.from.is_empty());
    // A path that merely starts with the same digits is not a descendant.
    assert_eq!(resolve(&d, &o, "/1/40/").rules, d);
}

#[test]
fn overrides_refuse_impossible_values() {
    let bad = RuleOverride {
        zombie_days: Some(0),
        ..Default::default()
    };
    assert!(bad.validate().is_err());
    assert!(RuleOverride::default().validate().is_ok());
}
