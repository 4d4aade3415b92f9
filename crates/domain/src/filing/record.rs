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

/// A sample filing for unit tests elsewhere in the domain.
#[cfg(test)]
pub(crate) fn sample_filing(kind: super::model::FilingKind, state: super::model::State) -> Filing {
    use super::model::FilingKind;
    Filing {
        id: crate::ids::FilingId(1),
        kind,
        state,
        host_org_id: crate::ids::OrgId(5),
        host_org_name: "南昌市人力资源和社会保障局".into(),
        host_org_path: "/1/5/".into(),
        account_id: (kind != FilingKind::Open).then_some(crate::ids::AccountId(7)),
        account_name: None,
        survivor_account_id: None,
        applicant_id: crate::ids::UserId(10),
        applicant_name: "编辑".into(),
        title: "开设微博“南昌人社”".into(),
        data: serde_json::json!({"account": {"platform": "weibo", "name": "南昌人社", "host_org_id": 5, "responsible_person": "王磊"}}),
        approved_on: None,
        event_on: None,
        announced_on: None,
        announce_text: String::new(),
        announce_workdays: 0,
        filing_due: None,
        due_from: None,
        filed_at: None,
        finished_at: None,
        version: 1,
        created_at: 0,
        updated_at: 0,
    }
}
