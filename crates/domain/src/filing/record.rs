//! A workflow as it is stored and shown: one definition, used by the
//! store's row mapping, the rules and the API's JSON.

use super::model::{FilingKind, State, TargetStatus};
use crate::ids::{AccountId, FilingId, OrgId, UserId};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filing {
    pub id: FilingId,
    pub kind: FilingKind,
    pub state: State,
    pub host_org_id: OrgId,
    pub host_org_name: String,
    #[serde(skip)]
    pub host_org_path: String,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub survivor_account_id: Option<AccountId>,
    pub applicant_id: UserId,
    pub applicant_name: String,
    pub title: String,
    /// What the application carries: the planned account (openings), the
    /// reason (closures), the fields before and after (changes).
    pub data: serde_json::Value,
    pub approved_on: Option<NaiveDate>,
    pub event_on: Option<NaiveDate>,
    pub announced_on: Option<NaiveDate>,
    pub announce_text: String,
    pub announce_workdays: u32,
    pub filing_due: Option<NaiveDate>,
    /// The day the filing deadline counts from (kept so a deadline waiting
    /// for next year's calendar can be computed once it is loaded).
    pub due_from: Option<NaiveDate>,
    pub filed_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Filing {
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.filing_due
    }

    /// Whether the filing is still to be submitted (the deadline runs).
    pub fn filing_pending(&self) -> bool {
        self.state.filing_pending() && self.filing_due.is_some()
    }

    /// The year whose statutory calendar the deadline waits for: the
    /// filing is due but its date cannot be computed yet (待定).
    pub fn deadline_waits_for(&self, cal: &crate::calendar::Calendar) -> Option<i32> {
        if !self.state.filing_pending() || self.filing_due.is_some() {
            return None;
        }
        self.due_from
            .and_then(|from| super::model::missing_calendar_year(cal, from))
    }

    /// Overdue on `today`: the deadline has passed with the filing still to
    /// be submitted. The store's overdue filter is this rule in SQL.
    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        self.filing_pending() && self.filing_due.is_some_and(|d| d < today)
    }
}

/// One receiving org of a filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingTarget {
    pub org_id: OrgId,
    pub org_name: String,
    pub status: TargetStatus,
    pub acted_by: String,
    pub acted_at: Option<i64>,
    pub reason: String,
}

/// One handling record of a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub at: i64,
    pub username: String,
    pub action: String,
    pub from_state: State,
    pub to_state: State,
    pub opinion: String,
}
