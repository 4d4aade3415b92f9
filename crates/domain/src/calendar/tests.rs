//! Calendar tests: every holiday period of every notice 2007–2026 (first
//! and last off day, adjusted working days), transcribed from the State
//! Council notices independently of the data files, plus the deadline rule.

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `year name first..last worked,worked` per line. Dates without a year
/// are in the notice's year; a full date may fall in the previous year.
const PERIODS: &str = "
2007 元旦 01-01..01-03
2007 春节 02-18..02-24 02-17,02-25
2007 劳动节 05-01..05-07 04-28,04-29
2007 国庆节 10-01..10-07 09-29,09-30
2008 元旦 2007-12-30..01-01 2007-12-29
2008 春节 02-06..02-12 02-02,02-03
2008 清明节 04-04..04-06
2008 劳动节 05-01..05-03 05-04
2008 端午节 06-07..06-09
2008 中秋节 09-13..09-15
2008 国庆节 09-29..10-05 09-27,09-28
2009 元旦 01-01..01-03 01-04
2009 春节 01-25..01-31 01-24,02-01
2009 清明节 04-04..04-06
2009 劳动节 05-01..05-03
2009 端午节 05-28..05-30 05-31
2009 国庆节 10-01..10-08 09-27,10-10
2010 元旦 01-01..01-03
2010 春节 02-13..02-19 02-20,02-21
2010 清明节 04-03..04-05
2010 劳动节 05-01..05-03
2010 端午节 06-14..06-16 06-12,06-13
2010 中秋节 09-22..09-24 09-19,09-25
2010 国庆节 10-01..10-07 09-26,10-09
2011 元旦 01-01..01-03
2011 春节 02-02..02-08 01-30,02-12
2011 清明节 04-03..04-05 04-02
2011 劳动节 04-30..05-02
2011 端午节 06-04..06-06
2011 中秋节 09-10..09-12
2011 国庆节 10-01..10-07 10-08,10-09
2012 元旦 01-01..01-03 2011-12-31
2012 春节 01-22..01-28 01-21,01-29
2012 清明节 04-02..04-04 03-31,04-01
2012 劳动节 04-29..05-01 04-28
2012 端午节 06-22..06-24
2012 国庆节 09-30..10-07 09-29
2013 元旦 01-01..01-03 01-05,01-06
2013 春节 02-09..02-15 02-16,02-17
2013 清明节 04-04..04-06 04-07
2013 劳动节 04-29..05-01 04-27,04-28
2013 端午节 06-10..06-12 06-08,06-09
2013 中秋节 09-19..09-21 09-22
2013 国庆节 10-01..10-07 09-29,10-12
2014 元旦 01-01..01-01
2014 春节 01-31..02-06 01-26,02-08
2014 清明节 04-05..04-07
2014 劳动节 05-01..05-03 05-04
2014 端午节 05-31..06-02
2014 中秋节 09-06..09-08
2014 国庆节 10-01..10-07 09-28,10-11
2015 元旦 01-01..01-03 01-04
2015 春节 02-18..02-24 02-15,02-28
2015 清明节 04-04..04-06
2015 劳动节 05-01..05-03
2015 端午节 06-20..06-22
2015 纪念日 09-03..09-05 09-06
2015 中秋节 09-26..09-27
2015 国庆节 10-01..10-07 10-10
2016 元旦 01-01..01-03
2016 春节 02-07..02-13 02-06,02-14
2016 清明节 04-02..04-04
2016 劳动节 04-30..05-02
2016 端午节 06-09..06-11 06-12
2016 中秋节 09-15..09-17 09-18
2016 国庆节 10-01..10-07 10-08,10-09
2017 元旦 2016-12-31..01-02
2017 春节 01-27..02-02 01-22,02-04
2017 清明节 04-02..04-04 04-01
2017 劳动节 04-29..05-01
2017 端午节 05-28..05-30 05-27
2017 国庆节 10-01..10-08 09-30
2018 元旦 2017-12-30..01-01
2018 春节 02-15..02-21 02-11,02-24
2018 清明节 04-05..04-07 04-08
2018 劳动节 04-29..05-01 04-28
2018 端午节 06-16..06-18
2018 中秋节 09-22..09-24
2018 国庆节 10-01..10-07 09-29,09-30
2019 元旦 2018-12-30..01-01 2018-12-29
2019 春节 02-04..02-10 02-02,02-03
2019 清明节 04-05..04-07
2019 劳动节 05-01..05-04 04-28,05-05
2019 端午节 06-07..06-09
2019 中秋节 09-13..09-15
2019 国庆节 10-01..10-07 09-29,10-12
2020 元旦 01-01..01-01
2020 春节 01-24..02-02 01-19
2020 清明节 04-04..04-06
2020 劳动节 05-01..05-05 04-26,05-09
2020 端午节 06-25..06-27 06-28
2020 国庆节 10-01..10-08 09-27,10-10
2021 元旦 01-01..01-03
2021 春节 02-11..02-17 02-07,02-20
2021 清明节 04-03..04-05
2021 劳动节 05-01..05-05 04-25,05-08
2021 端午节 06-12..06-14
2021 中秋节 09-19..09-21 09-18
2021 国庆节 10-01..10-07 09-26,10-09
2022 元旦 01-01..01-03
2022 春节 01-31..02-06 01-29,01-30
2022 清明节 04-03..04-05 04-02
2022 劳动节 04-30..05-04 04-24,05-07
2022 端午节 06-03..06-05
2022 中秋节 09-10..09-12
2022 国庆节 10-01..10-07 10-08,10-09
2023 元旦 2022-12-31..01-02
2023 春节 01-21..01-27 01-28,01-29
2023 清明节 04-05..04-05
2023 劳动节 04-29..05-03 04-23,05-06
2023 端午节 06-22..06-24 06-25
2023 国庆节 09-29..10-06 10-07,10-08
2024 元旦 2023-12-30..01-01
2024 春节 02-10..02-17 02-04,02-18
2024 清明节 04-04..04-06 04-07
2024 劳动节 05-01..05-05 04-28,05-11
2024 端午节 06-08..06-10
2024 中秋节 09-15..09-17 09-14
2024 国庆节 10-01..10-07 09-29,10-12
2025 元旦 01-01..01-01
2025 春节 01-28..02-04 01-26,02-08
2025 清明节 04-04..04-06
2025 劳动节 05-01..05-05 04-27
2025 端午节 05-31..06-02
2025 国庆节 10-01..10-08 09-28,10-11
2026 元旦 01-01..01-03 01-04
2026 春节 02-15..02-23 02-14,02-28
2026 清明节 04-04..04-06
2026 劳动节 05-01..05-05 05-09
2026 端午节 06-19..06-21
2026 中秋节 09-25..09-27
2026 国庆节 10-01..10-07 09-20,10-10
";

struct Period {
    label: String,
    first: NaiveDate,
    last: NaiveDate,
    worked: Vec<NaiveDate>,
}

fn full(year: &str, s: &str) -> NaiveDate {
    if s.len() == 10 {
        d(s)
    } else {
        d(&format!("{year}-{s}"))
    }
}

fn periods() -> Vec<Period> {
    PERIODS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            let (first, last) = parts[2].split_once("..").unwrap();
            Period {
                label: format!("{} {}", parts[0], parts[1]),
                first: full(parts[0], first),
                last: full(parts[0], last),
                worked: parts
                    .get(3)
                    .map(|w| w.split(',').map(|x| full(parts[0], x)).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

#[test]
fn every_holiday_period_of_every_year() {
    let c = Calendar::builtin();
    let ps = periods();
    assert_eq!(ps.len(), 132);
    for p in &ps {
        let mut day = p.first;
        while day <= p.last {
            assert_eq!(
                c.is_workday(day),
                Ok(false),
                "{}: {day} should be off",
                p.label
            );
            assert!(
                c.special(day).unwrap().is_some(),
                "{}: {day} should be named",
                p.label
            );
            day = day.succ_opt().unwrap();
        }
        for w in &p.worked {
            assert_eq!(
                c.is_workday(*w),
                Ok(true),
                "{}: {w} is an adjusted working day",
                p.label
            );
        }
        // A deadline of one working day from the eve of a holiday lands
        // after the holiday.
        let eve = p.first.pred_opt().unwrap();
        let due = c.add_workdays(eve, 1).unwrap();
        assert!(
            due > p.last || p.worked.contains(&due),
            "{}: due {due}",
            p.label
        );
    }
}

#[test]
fn data_files_hold_nothing_beyond_the_notices() {
    // Every off day in the data belongs to a period above, and every
    // adjusted working day is listed: the files and the table agree.
    let c = Calendar::builtin();
    let ps = periods();
    for year in c.years() {
        for (date, s) in c.special_days(year).unwrap() {
            if s.off {
                assert!(
                    ps.iter().any(|p| p.first <= *date && *date <= p.last),
                    "{date} {} off but in no period",
                    s.name
                );
            } else {
                assert!(
                    ps.iter().any(|p| p.worked.contains(date)),
                    "{date} {} worked but in no period",
                    s.name
                );
            }
        }
    }
    // The 2006 make-up days of 2007's 元旦 are outside the data (2006 has none).
    assert_eq!(c.years(), (2007..=2026).collect::<Vec<_>>());
}

#[test]
fn known_deadlines() {
    let c = Calendar::builtin();
    // The issue's example: Friday before National Day 2025.
    assert_eq!(c.add_workdays(d("2025-09-26"), 5), Ok(d("2025-10-10")));
    assert_eq!(c.is_workday(d("2025-09-28")), Ok(true));
    assert_eq!(c.is_workday(d("2025-10-08")), Ok(false));
    // D itself never counts, even when it is a working day.
    assert_eq!(c.add_workdays(d("2025-11-03"), 1), Ok(d("2025-11-04")));
    // From a Saturday: the next Monday is the first working day.
    assert_eq!(c.add_workdays(d("2025-11-01"), 1), Ok(d("2025-11-03")));
    assert_eq!(c.add_workdays(d("2025-11-03"), 0), Ok(d("2025-11-03")));
    // Across the year boundary: 2023-12-29 (Fri) + 1 skips the 元旦 2024 break.
    assert_eq!(c.add_workdays(d("2023-12-29"), 1), Ok(d("2024-01-02")));
    // 2020's extended Spring Festival.
    assert_eq!(c.add_workdays(d("2020-01-23"), 1), Ok(d("2020-02-03")));
    // 2015's 70th anniversary days off, with Sunday 09-06 worked.
    assert_eq!(c.add_workdays(d("2015-09-02"), 1), Ok(d("2015-09-06")));
}

#[test]
fn a_year_without_data_is_an_error() {
    let c = Calendar::builtin();
    assert_eq!(
        c.is_workday(d("2027-03-01")),
        Err(CalendarError::NoData(2027))
    );
    assert_eq!(
        c.is_workday(d("2006-06-01")),
        Err(CalendarError::NoData(2006))
    );
    // A deadline that runs into a year without data is an error too.
    assert_eq!(
        c.add_workdays(d("2026-12-25"), 10),
        Err(CalendarError::NoData(2027))
    );
    assert_eq!(
        c.add_workdays(d("2026-01-05"), MAX_WORKDAYS + 1),
        Err(CalendarError::OutOfRange)
    );
}

#[test]
fn loading_a_notice_validates_it() {
    let mut c = Calendar::builtin();
    let ok =
        r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#;
    c.set_year(&YearFile::parse(ok).unwrap()).unwrap();
    assert_eq!(c.is_workday(d("2027-01-01")), Ok(false));
    assert_eq!(c.is_workday(d("2027-01-04")), Ok(true));
    for bad in [
        r#"{"year": 2027, "days": [{"name": "元旦", "date": "2028-01-01", "isOffDay": true}]}"#,
        r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-02-30", "isOffDay": true}]}"#,
        r#"{"year": 2027, "days": [{"name": "", "date": "2027-01-01", "isOffDay": true}]}"#,
        r#"{"year": 2027, "days": [{"name": "x", "date": "2027-01-05", "isOffDay": false}]}"#,
        r#"{"year": 2027, "days": [{"name": "x", "date": "2027-01-01", "isOffDay": true}, {"name": "x", "date": "2027-01-01", "isOffDay": true}]}"#,
        r#"{"year": 2027, "days": [], "extra": 1}"#,
        r#"{"year": 1900, "days": []}"#,
        "not json",
    ] {
        assert!(YearFile::parse(bad).is_err(), "{bad}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn date() -> impl Strategy<Value = NaiveDate> {
        (0i64..(19 * 365)).prop_map(|n| d("2007-01-01") + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn result_is_a_later_working_day(start in date(), n in 1u32..40) {
            let c = Calendar::builtin();
            if let Ok(due) = c.add_workdays(start, n) {
                prop_assert!(due > start);
                prop_assert_eq!(c.is_workday(due), Ok(true));
                prop_assert_eq!(c.workdays_between(start, due), Ok(n));
            }
        }

        #[test]
        fn adding_composes_from_a_working_day(start in date(), n in 0u32..30, m in 0u32..30) {
            let c = Calendar::builtin();
            prop_assume!(c.is_workday(start) == Ok(true));
            if let (Ok(a), Ok(b)) = (c.add_workdays(start, n).and_then(|x| c.add_workdays(x, m)), c.add_workdays(start, n + m)) {
                prop_assert_eq!(a, b);
            }
        }

        #[test]
        fn monotonic_in_the_start(start in date(), n in 1u32..30) {
            let c = Calendar::builtin();
            let next = start.succ_opt().unwrap();
            if let (Ok(a), Ok(b)) = (c.add_workdays(start, n), c.add_workdays(next, n)) {
                prop_assert!(a <= b);
            }
        }
    }
}

#[test]
fn next_years_calendar_is_asked_for_from_november() {
    let cal = Calendar::builtin();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(year_missing(&cal, d("2026-10-31")), None);
    assert_eq!(year_missing(&cal, d("2026-11-01")), Some(2027));
    assert_eq!(
        year_missing(&cal, d("2027-01-04")),
        Some(2027),
        "this year, always"
    );
}
