//! The statutory calendar: loading a year, and the
//! deadlines that were waiting for it (待定 until the year is known).

use crate::filings::fill_waiting_deadlines;
use govmedia_domain::calendar::YearFile;
use govmedia_store::orgs::Actor;
use govmedia_store::{Store, StoreResult};

/// Stores a year's notice; deadlines that waited for it get their dates.
/// Returns how many deadlines were set.
pub async fn load_year(store: &Store, actor: &Actor, f: &YearFile) -> StoreResult<usize> {
    store.calendar_load_year(actor, f).await?;
    fill_waiting_deadlines(store, &*store.calendar().await?).await
}

/// What is missing from the calendar as of `today`: the year due (this
/// year, or next year from 1 November) and the years 待定 deadlines wait
/// for, with how many each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarGaps {
    pub due: Option<i32>,
    pub awaited: Vec<(i32, usize)>,
}

impl CalendarGaps {
    pub fn is_empty(&self) -> bool {
        self.due.is_none() && self.awaited.is_empty()
    }

    /// The years to load, oldest first.
    pub fn years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.awaited.iter().map(|a| a.0).chain(self.due).collect();
        y.sort_unstable();
        y.dedup();
        y
    }

    /// How many deadlines are 待定.
    pub fn waiting(&self) -> usize {
        self.awaited.iter().map(|a| a.1).sum()
    }
}

pub async fn gaps(store: &Store, today: chrono::NaiveDate) -> StoreResult<CalendarGaps> {
    let cal = store.calendar().await?;
    Ok(CalendarGaps {
        due: govmedia_domain::calendar::year_missing(&cal, today),
        awaited: crate::filings::years_awaited(store, &cal).await?,
    })
}
