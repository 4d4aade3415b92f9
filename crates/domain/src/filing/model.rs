//! The workflows' kinds, states and actions, and the one transition
//! table between them; deadlines counted in working days.

use crate::auth::Permission;
use crate::calendar::{Calendar, CalendarError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingKind {
    /// 开设
    Open,
    /// 公务人员以职务身份开设
    PersonalOpen,
    /// 变更（运营管理者、名称、负责人）
    Change,
    /// 关停/注销
    Close,
    /// 整合
    Merge,
    /// 存量账号登记: an account that existed before the platform, entered
    /// into the registry and filed like a change.
    Backfill,
}

impl FilingKind {
    pub const ALL: [FilingKind; 6] = [
        FilingKind::Open,
        FilingKind::PersonalOpen,
        FilingKind::Change,
        FilingKind::Close,
        FilingKind::Merge,
        FilingKind::Backfill,
    ];
    pub fn code(self) -> &'static str {
        match self {
            FilingKind::Open => "open",
            FilingKind::PersonalOpen => "personal_open",
            FilingKind::Change => "change",
            FilingKind::Close => "close",
            FilingKind::Merge => "merge",
            FilingKind::Backfill => "backfill",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            FilingKind::Open => "开设",
            FilingKind::PersonalOpen => "职务账号开设",
            FilingKind::Change => "变更",
            FilingKind::Close => "关停注销",
            FilingKind::Merge => "整合",
            FilingKind::Backfill => "存量账号登记",
        }
    }
    pub fn parse(s: &str) -> Option<FilingKind> {
        FilingKind::ALL.into_iter().find(|k| k.code() == s.trim())
    }
    fn opens(self) -> bool {
        matches!(self, FilingKind::Open | FilingKind::PersonalOpen)
    }
    fn closes(self) -> bool {
        matches!(self, FilingKind::Close | FilingKind::Merge)
    }
    /// Kinds recorded at once and only filed: no approval comes first.
    pub fn records(self) -> bool {
        matches!(self, FilingKind::Change | FilingKind::Backfill)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 已申请，待审批（单位同意）
    Applied,
    /// 已批准
    Approved,
    /// 未批准（终态）
    Rejected,
    /// 账号已开通
    Opened,
    /// 已公告
    Announced,
    /// 已在平台注销
    Deregistered,
    /// 变更已登记
    Recorded,
    /// 已报备案，待接收
    Filed,
    /// 备案被退回
    Returned,
    /// 备案已接收（终态）
    Accepted,
    /// 申请人已撤回（终态）
    Withdrawn,
}

impl State {
    pub const ALL: [State; 11] = [
        State::Applied,
        State::Approved,
        State::Rejected,
        State::Opened,
        State::Announced,
        State::Deregistered,
        State::Recorded,
        State::Filed,
        State::Returned,
        State::Accepted,
        State::Withdrawn,
    ];
    pub fn code(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Approved => "approved",
            State::Rejected => "rejected",
            State::Opened => "opened",
            State::Announced => "announced",
            State::Deregistered => "deregistered",
            State::Recorded => "recorded",
            State::Filed => "filed",
            State::Returned => "returned",
            State::Accepted => "accepted",
            State::Withdrawn => "withdrawn",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            State::Applied => "待审批",
            State::Approved => "已批准",
            State::Rejected => "未批准",
            State::Opened => "已开通待备案",
            State::Announced => "已公告",
            State::Deregistered => "已注销待备案",
            State::Recorded => "已登记待备案",
            State::Filed => "备案待接收",
            State::Returned => "备案被退回",
            State::Accepted => "已备案",
            State::Withdrawn => "已撤回",
        }
    }
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|k| k.code() == s.trim())
    }
    /// States no action leads out of.
    pub const FINAL: [State; 3] = [State::Rejected, State::Accepted, State::Withdrawn];

    /// States in which the filing is still to be submitted, so its deadline
    /// runs (reminders, the overdue list and 我的待办 all read this list).
    pub const FILING_PENDING: [State; 6] = [
        State::Approved,
        State::Opened,
        State::Announced,
        State::Deregistered,
        State::Recorded,
        State::Returned,
    ];

    pub fn is_final(self) -> bool {
        State::FINAL.contains(&self)
    }

    pub fn filing_pending(self) -> bool {
        State::FILING_PENDING.contains(&self)
    }
}

/// Where a filing stands with one receiving org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// 待接收
    Pending,
    /// 已接收
    Accepted,
    /// 已退回
    Returned,
}

impl TargetStatus {
    pub const ALL: [TargetStatus; 3] = [
        TargetStatus::Pending,
        TargetStatus::Accepted,
        TargetStatus::Returned,
    ];
    pub fn code(self) -> &'static str {
        match self {
            TargetStatus::Pending => "pending",
            TargetStatus::Accepted => "accepted",
            TargetStatus::Returned => "returned",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            TargetStatus::Pending => "待接收",
            TargetStatus::Accepted => "已接收",
            TargetStatus::Returned => "已退回",
        }
    }
    pub fn parse(s: &str) -> Option<TargetStatus> {
        TargetStatus::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Approve,
    Reject,
    OpenAccount,
    Announce,
    Deregister,
    SubmitFiling,
    AcceptFiling,
    ReturnFiling,
    /// 撤回: the applicant takes back an application nobody has acted on.
    Withdraw,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Approve,
        Action::Reject,
        Action::OpenAccount,
        Action::Announce,
        Action::Deregister,
        Action::SubmitFiling,
        Action::AcceptFiling,
        Action::ReturnFiling,
        Action::Withdraw,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::OpenAccount => "open_account",
            Action::Announce => "announce",
            Action::Deregister => "deregister",
            Action::SubmitFiling => "submit_filing",
            Action::AcceptFiling => "accept_filing",
            Action::ReturnFiling => "return_filing",
            Action::Withdraw => "withdraw",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Action::Approve => "批准",
            Action::Reject => "不予批准",
            Action::OpenAccount => "登记开通",
            Action::Announce => "发布公告",
            Action::Deregister => "确认注销",
            Action::SubmitFiling => "报送备案",
            Action::AcceptFiling => "接收备案",
            Action::ReturnFiling => "退回备案",
            Action::Withdraw => "撤回申请",
        }
    }
    /// What a step of this action achieved, for handling records.
    pub fn result_label(self) -> &'static str {
        match self {
            Action::Approve => "已批准",
            Action::Reject => "未批准",
            Action::OpenAccount => "账号已开通",
            Action::Announce => "已发布公告",
            Action::Deregister => "已在平台注销",
            Action::SubmitFiling => "备案已报送",
            Action::AcceptFiling => "备案已接收",
            Action::ReturnFiling => "备案被退回",
            Action::Withdraw => "已撤回",
        }
    }
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|k| k.code() == s.trim())
    }
    /// The permission an actor needs for this action.
    pub fn permission(self) -> Permission {
        match self {
            Action::Approve | Action::Reject => Permission::ApprovalApprove,
            Action::OpenAccount
            | Action::Announce
            | Action::Deregister
            | Action::SubmitFiling
            | Action::Withdraw => Permission::FilingSubmit,
            Action::AcceptFiling | Action::ReturnFiling => Permission::FilingReceive,
        }
    }
    /// Whether the action needs a written opinion or reason.
    pub fn needs_opinion(self) -> bool {
        matches!(self, Action::Reject | Action::ReturnFiling)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilingError {
    /// The action is not possible in this state (code, Chinese message).
    Illegal(String),
    /// The actor applied and may not approve or receive their own request.
    OwnRequest,
    /// Something the action needs is missing or wrong.
    Missing(String),
    /// The announcement period has not ended.
    TooEarly(NaiveDate),
    Calendar(CalendarError),
}

impl std::fmt::Display for FilingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FilingError::Illegal(m) | FilingError::Missing(m) => f.write_str(m),
            FilingError::OwnRequest => f.write_str("不能审批或接收本人提交的申请"),
            FilingError::TooEarly(d) => write!(f, "公告期未满，{d} 起方可注销"),
            FilingError::Calendar(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FilingError {}

impl From<FilingError> for crate::error::RuleError {
    fn from(e: FilingError) -> Self {
        let code = e.code();
        let message = e.to_string();
        match e {
            FilingError::Missing(_) | FilingError::Calendar(_) => {
                crate::error::RuleError::Invalid { code, message }
            }
            FilingError::Illegal(_) | FilingError::OwnRequest | FilingError::TooEarly(_) => {
                crate::error::RuleError::Conflict { code, message }
            }
        }
    }
}

impl FilingError {
    pub fn code(&self) -> &'static str {
        match self {
            FilingError::Illegal(_) => "illegal_transition",
            FilingError::OwnRequest => "own_request",
            FilingError::Missing(_) => "missing_field",
            FilingError::TooEarly(_) => "announcement_period",
            FilingError::Calendar(CalendarError::NoData(_)) => "calendar_year_missing",
            FilingError::Calendar(_) => "invalid_calendar",
        }
    }
}

/// The state an action leads to, or why it is not allowed. Filing accept
/// leads to `Accepted` only when `last_target` (every other target has
/// already accepted); otherwise the workflow stays `Filed`.
pub fn next_state(
    kind: FilingKind,
    state: State,
    action: Action,
    last_target: bool,
) -> Result<State, FilingError> {
    use Action as A;
    use State as S;
    let to = match (state, action) {
        (S::Applied, A::Approve) if !kind.records() => S::Approved,
        (S::Applied, A::Reject) if !kind.records() => S::Rejected,
        (S::Approved, A::OpenAccount) if kind.opens() => S::Opened,
        (S::Approved, A::Announce) if kind.closes() => S::Announced,
        (S::Announced, A::Deregister) if kind.closes() => S::Deregistered,
        (S::Opened | S::Returned, A::SubmitFiling) if kind.opens() => S::Filed,
        (S::Recorded | S::Returned, A::SubmitFiling) if kind.records() => S::Filed,
        (S::Deregistered | S::Returned, A::SubmitFiling) if kind.closes() => S::Filed,
        (S::Filed, A::AcceptFiling) => {
            if last_target {
                S::Accepted
            } else {
                S::Filed
            }
        }
        (S::Filed, A::ReturnFiling) => S::Returned,
        (S::Applied, A::Withdraw) => S::Withdrawn,
        _ => {
            return Err(FilingError::Illegal(format!(
                "当前状态为“{}”，不能执行“{}”",
                state.label(),
                action.label()
            )));
        }
    };
    Ok(to)
}

/// The first state of a new workflow.
pub fn initial_state(kind: FilingKind) -> State {
    match kind {
        k if k.records() => State::Recorded,
        _ => State::Applied,
    }
}

/// The actions possible from a state, for showing buttons.
pub fn possible_actions(kind: FilingKind, state: State) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| next_state(kind, state, *a, true).is_ok())
        .collect()
}

/// Working days within which the filing is due (articles 5 and 9).
pub const FILING_WORKDAYS: u32 = 5;

/// The filing deadline: `FILING_WORKDAYS` working days after the event that
/// starts the clock (approval for openings, the change itself, the
/// deregistration for closures).
pub fn filing_due(cal: &Calendar, event: NaiveDate, days: u32) -> Result<NaiveDate, FilingError> {
    cal.add_workdays(event, days).map_err(FilingError::Calendar)
}

/// A filing deadline: the day it counts from, and the day it falls on when
/// the statutory calendar covers it. `due` is `None` (shown as 待定) while
/// a year the count runs into has no calendar; it is filled in when that
/// year is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub from: NaiveDate,
    pub due: Option<NaiveDate>,
}

/// The deadline `FILING_WORKDAYS` working days from `from`, pending when
/// the calendar lacks a year (never an error for that reason).
pub fn deadline(cal: &Calendar, from: NaiveDate) -> Result<Deadline, FilingError> {
    match filing_due(cal, from, FILING_WORKDAYS) {
        Ok(d) => Ok(Deadline { from, due: Some(d) }),
        Err(FilingError::Calendar(CalendarError::NoData(_))) => Ok(Deadline { from, due: None }),
        Err(e) => Err(e),
    }
}

/// The year whose calendar a deadline counted from `from` waits for, if any.
pub fn missing_calendar_year(cal: &Calendar, from: NaiveDate) -> Option<i32> {
    match cal.add_workdays(from, FILING_WORKDAYS) {
        Err(CalendarError::NoData(y)) => Some(y),
        _ => None,
    }
}

/// Earliest deregistration date after an announcement with a period of
/// `period` working days (0: the same day).
pub fn earliest_deregistration(
    cal: &Calendar,
    announced: NaiveDate,
    period: u32,
) -> Result<NaiveDate, FilingError> {
    cal.add_workdays(announced, period)
        .map_err(FilingError::Calendar)
}

/// How urgent an item with a deadline is, today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    /// Due within two working days.
    DueSoon,
    Overdue,
}

impl Urgency {
    pub fn class(self) -> &'static str {
        match self {
            Urgency::Normal => "",
            Urgency::DueSoon => "due-soon",
            Urgency::Overdue => "overdue",
        }
    }
}

/// Overdue once the due day has ended; due soon when at most two working
/// days remain. A year without calendar data counts as normal.
pub fn urgency(cal: &Calendar, today: NaiveDate, due: NaiveDate) -> Urgency {
    if today > due {
        return Urgency::Overdue;
    }
    match cal.add_workdays(today, 2) {
        Ok(soon) if due <= soon => Urgency::DueSoon,
        _ => Urgency::Normal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn opening_path() {
        let k = FilingKind::Open;
        let mut s = initial_state(k);
        for a in [
            Action::Approve,
            Action::OpenAccount,
            Action::SubmitFiling,
            Action::ReturnFiling,
            Action::SubmitFiling,
        ] {
            s = next_state(k, s, a, true).unwrap();
        }
        assert_eq!(s, State::Filed);
        assert_eq!(
            next_state(k, s, Action::AcceptFiling, false).unwrap(),
            State::Filed
        );
        assert_eq!(
            next_state(k, s, Action::AcceptFiling, true).unwrap(),
            State::Accepted
        );
    }

    #[test]
    fn illegal_moves() {
        assert!(next_state(FilingKind::Open, State::Applied, Action::SubmitFiling, true).is_err());
        assert!(
            next_state(FilingKind::Close, State::Approved, Action::Deregister, true).is_err(),
            "no skipping the announcement"
        );
        assert!(
            next_state(
                FilingKind::Close,
                State::Approved,
                Action::OpenAccount,
                true
            )
            .is_err()
        );
        assert!(next_state(FilingKind::Change, State::Recorded, Action::Approve, true).is_err());
        for a in Action::ALL {
            assert!(next_state(FilingKind::Open, State::Accepted, a, true).is_err());
            assert!(next_state(FilingKind::Open, State::Rejected, a, true).is_err());
        }
    }

    #[test]
    fn deadlines() {
        let cal = Calendar::builtin();
        assert_eq!(
            filing_due(&cal, d("2025-09-26"), 5).unwrap(),
            d("2025-10-10")
        );
        assert_eq!(
            earliest_deregistration(&cal, d("2025-09-26"), 0).unwrap(),
            d("2025-09-26")
        );
        assert_eq!(
            urgency(&cal, d("2025-10-10"), d("2025-10-09")),
            Urgency::Overdue
        );
        assert_eq!(
            urgency(&cal, d("2025-09-29"), d("2025-10-10")),
            Urgency::Normal
        );
        // Over the holiday only two working days (10-09, 10-10) remain.
        assert_eq!(
            urgency(&cal, d("2025-09-30"), d("2025-10-10")),
            Urgency::DueSoon
        );
        assert_eq!(
            urgency(&cal, d("2025-10-10"), d("2025-10-10")),
            Urgency::DueSoon
        );
    }
}
