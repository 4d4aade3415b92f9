//! Where "now" comes from. Rules and queries take the moment as a
//! parameter; the edges (server, jobs, CLI) ask a [`Clock`] for it once per
//! request, transaction or job run. [`SystemClock::now`] is the only place
//! in the code base that reads the system time, so every measure can be
//! computed as of any moment and tests move time instead of sleeping.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current moment.
pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> DateTime<Utc>;

    /// The current date in China (UTC+8), whatever the server's zone.
    fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

/// The clock the application shares.
pub type SharedClock = Arc<dyn Clock>;

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until it is set or advanced (tests, `--now`).
#[derive(Debug)]
pub struct FixedClock {
    millis: AtomicI64,
}

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> FixedClock {
        FixedClock {
            millis: AtomicI64::new(at.timestamp_millis()),
        }
    }

    /// Noon in China on `date`.
    pub fn at_china_noon(date: NaiveDate) -> FixedClock {
        let noon = date
            .and_hms_opt(12, 0, 0)
            .and_then(|t| china().from_local_datetime(&t).single())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        FixedClock::new(noon)
    }

    pub fn set(&self, at: DateTime<Utc>) {
        self.millis.store(at.timestamp_millis(), Ordering::SeqCst);
    }

    pub fn advance(&self, by: chrono::TimeDelta) {
        self.millis
            .fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.millis.load(Ordering::SeqCst)).unwrap_or_default()
    }
}

/// China Standard Time (UTC+8, no daylight saving).
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// The date in China at a moment.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::at_china_noon(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(c.now().to_rfc3339(), "2026-10-01T04:00:00+00:00");
        assert_eq!(c.now(), c.now());
        c.advance(chrono::TimeDelta::hours(13));
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 10, 2).unwrap());
    }

    #[test]
    fn china_date_is_utc_plus_eight() {
        let late_utc = DateTime::parse_from_rfc3339("2026-12-31T16:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            china_date(late_utc),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }
}
