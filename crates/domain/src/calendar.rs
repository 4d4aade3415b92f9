//! The statutory working-day calendar (工作日 / 调休). Public holidays are
//! off; some weekends are adjusted working days. Data comes from the State
//! Council's annual notices, shipped for 2007–2026 in `data/holidays/` and
//! updatable at run time (an administrator loads next year's notice). A
//! date in a year without data is an error, never a weekend-only guess.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One year's notice in the common `{year, days:[{date, name, isOffDay}]}`
/// shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearFile {
    pub year: i32,
    #[serde(default)]
    pub papers: Vec<String>,
    pub days: Vec<DayEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayEntry {
    pub name: String,
    pub date: String,
    #[serde(rename = "isOffDay")]
    pub is_off_day: bool,
}

/// A day that differs from the Monday–Friday pattern, or belongs to a
/// holiday period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecialDay {
    pub name: String,
    pub off: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// No calendar data for this year.
    NoData(i32),
    /// The loaded notice is not valid; the message is Chinese.
    Invalid(String),
    /// A working-day count out of the accepted range.
    OutOfRange,
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CalendarError::NoData(y) => write!(f, "{y}年的法定节假日安排尚未录入，无法计算工作日"),
            CalendarError::Invalid(m) => f.write_str(m),
            CalendarError::OutOfRange => f.write_str("工作日天数须在0至3650之间"),
        }
    }
}

impl std::error::Error for CalendarError {}

/// Largest number of working days one computation may add.
pub const MAX_WORKDAYS: u32 = 3650;

const BUILTIN: &[&str] = &[
    include_str!("../data/holidays/2007.json"),
    include_str!("../data/holidays/2008.json"),
    include_str!("../data/holidays/2009.json"),
    include_str!("../data/holidays/2010.json"),
    include_str!("../data/holidays/2011.json"),
    include_str!("../data/holidays/2012.json"),
    include_str!("../data/holidays/2013.json"),
    include_str!("../data/holidays/2014.json"),
    include_str!("../data/holidays/2015.json"),
    include_str!("../data/holidays/2016.json"),
    include_str!("../data/holidays/2017.json"),
    include_str!("../data/holidays/2018.json"),
    include_str!("../data/holidays/2019.json"),
    include_str!("../data/holidays/2020.json"),
    include_str!("../data/holidays/2021.json"),
    include_str!("../data/holidays/2022.json"),
    include_str!("../data/holidays/2023.json"),
    include_str!("../data/holidays/2024.json"),
    include_str!("../data/holidays/2025.json"),
    include_str!("../data/holidays/2026.json"),
];

/// The calendar: for each year with data, its special days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, BTreeMap<NaiveDate, SpecialDay>>,
}

impl YearFile {
    /// Parses and validates one notice: the year is plausible, every date
    /// is valid, unique and inside that year, every name is given, and an
    /// adjusted working day falls on a weekend.
    pub fn parse(json: &str) -> Result<YearFile, CalendarError> {
        let f: YearFile = serde_json::from_str(json)
            .map_err(|e| CalendarError::Invalid(format!("节假日数据格式不正确：{e}")))?;
        f.validate()?;
        Ok(f)
    }

    pub fn validate(&self) -> Result<BTreeMap<NaiveDate, SpecialDay>, CalendarError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(CalendarError::Invalid(format!("年份{}不合理", self.year)));
        }
        let mut out = BTreeMap::new();
        for d in &self.days {
            let date = NaiveDate::parse_from_str(d.date.trim(), "%Y-%m-%d").map_err(|_| {
                CalendarError::Invalid(format!("日期“{}”格式应为 YYYY-MM-DD", d.date))
            })?;
            if date.year() != self.year {
                return Err(CalendarError::Invalid(format!(
                    "日期{date}不属于{}年",
                    self.year
                )));
            }
            let name = d.name.trim();
            if name.is_empty() || name.chars().count() > 30 {
                return Err(CalendarError::Invalid(format!(
                    "日期{date}缺少节日名称（或名称过长）"
                )));
            }
            if !d.is_off_day && !is_weekend(date) {
                return Err(CalendarError::Invalid(format!(
                    "{date}是工作日，不能标为调休上班"
                )));
            }
            let day = SpecialDay {
                name: name.to_string(),
                off: d.is_off_day,
            };
            if out.insert(date, day).is_some() {
                return Err(CalendarError::Invalid(format!("日期{date}重复")));
            }
        }
        Ok(out)
    }
}

/// The year whose calendar is due and missing on `today`: this year's
/// always, next year's from 1 November (the State Council publishes the
/// next year's holidays in the autumn; deadlines late in December count
/// into it).
pub fn year_missing(cal: &Calendar, today: NaiveDate) -> Option<i32> {
    let y = today.year();
    if !cal.has_year(y) {
        Some(y)
    } else if today.month() >= 11 && !cal.has_year(y + 1) {
        Some(y + 1)
    } else {
        None
    }
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// The calendar shipped with the program (2007–2026).
    pub fn builtin() -> Calendar {
        let mut c = Calendar::default();
        for json in BUILTIN {
            // The shipped files are checked by a test; a bad one is skipped
            // rather than taking the server down.
            if let Ok(f) = YearFile::parse(json) {
                let _ = c.set_year(&f);
            }
        }
        c
    }

    /// Replaces one year's data.
    pub fn set_year(&mut self, f: &YearFile) -> Result<(), CalendarError> {
        let days = f.validate()?;
        self.years.insert(f.year, days);
        Ok(())
    }

    /// Years that have data.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The special days of a year, if it has data.
    pub fn special_days(&self, year: i32) -> Option<&BTreeMap<NaiveDate, SpecialDay>> {
        self.years.get(&year)
    }

    /// The holiday or adjusted-working-day entry of a date, if any.
    pub fn special(&self, d: NaiveDate) -> Result<Option<&SpecialDay>, CalendarError> {
        let days = self
            .years
            .get(&d.year())
            .ok_or(CalendarError::NoData(d.year()))?;
        Ok(days.get(&d))
    }

    pub fn is_workday(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        Ok(match self.special(d)? {
            Some(s) => !s.off,
            None => !is_weekend(d),
        })
    }

    /// "Within `n` working days after `d`": the `n`-th working day strictly
    /// after `d` (`d` itself is never counted, whatever it is). For `n` = 0
    /// the answer is `d`.
    pub fn add_workdays(&self, d: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n > MAX_WORKDAYS {
            return Err(CalendarError::OutOfRange);
        }
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().ok_or(CalendarError::OutOfRange)?;
            if self.is_workday(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Working days strictly after `from` up to and including `to` (0 when
    /// `to` is not after `from`). `add_workdays(from, n) = to` implies
    /// `workdays_between(from, to) = n`.
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
        let mut n = 0u32;
        let mut day = from;
        while day < to {
            day = day.succ_opt().ok_or(CalendarError::OutOfRange)?;
            if self.is_workday(day)? {
                n += 1;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
