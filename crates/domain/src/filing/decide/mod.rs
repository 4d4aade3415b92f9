//! Decisions on workflows: one pure function per action. Each takes the
//! workflow as it stands, the actor and the raw input, and returns either
//! the rule it breaks or the effects to apply. The store applies effects
//! in one transaction and decides nothing; the application layer loads
//! the facts, calls the decision and hands the effects to the store.
//!
//! Checks run in a fixed order, so a request that is wrong in several ways
//! always gets the same answer: the state first, then the actor's right,
//! then the opinion, then the action's own input.

use super::model::{
    Action, FilingError, FilingKind, State, TargetStatus, next_state, possible_actions,
};
use super::record::{Filing, FilingTarget};
use super::routing::{RouteNode, receiving_orgs};
use crate::account::AccountInput;
use crate::auth::Principal;
use crate::calendar::Calendar;
use crate::error::RuleError;
use crate::ids::{AccountId, OrgId};
use chrono::NaiveDate;
use serde::Deserialize;

/// Extra input an action may carry, as it arrives from a form or the API.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActInput {
    pub opinion: String,
    /// OpenAccount: platform handle, home URL, certification subject, date opened.
    pub handle: String,
    pub home_url: String,
    pub certification_subject: String,
    pub opened_on: String,
    /// Announce: the announcement text.
    pub announce_text: String,
    /// Announce or Deregister: the date (default: today).
    pub date: String,
    /// Approve over registry warnings: why the unit agrees anyway.
    pub override_reason: String,
    /// SubmitFiling: files sent with the filing (after a return, the
    /// documents the receiver asked for). Not part of the JSON body: the
    /// API carries them base64-encoded and the page as multipart parts.
    #[serde(skip)]
    pub attachments: Vec<super::attachment::Upload>,
}

/// A change of an account's operators, responsible person or name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChangeInput {
    pub name: String,
    pub responsible_person: String,
    pub operators: String,
    pub vendor_name: String,
    pub changed_on: String,
    pub note: String,
}

/// What an action needs to know besides the workflow.
#[derive(Debug, Clone, Copy)]
pub struct ActCtx<'a> {
    pub actor: &'a Principal,
    /// The actor's date (China time).
    pub today: NaiveDate,
    pub cal: &'a Calendar,
    /// The configured announcement period before deregistration.
    pub announce_workdays: u32,
    /// Registry checks of the account the filing concerns (articles 7
    /// and 8); approving over any of them needs a stated reason.
    pub warnings: &'a [crate::checks::WarningKind],
}

/// The route of a filing: the host's org chain (root first) and the
/// publicity center. Only submitting a filing reads it.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub chain: Vec<RouteNode>,
    pub publicity_center: Option<OrgId>,
}

/// A change to the workflow's receivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetEffect {
    /// No longer on the route (a designation moved) and not yet accepted.
    Remove(OrgId),
    /// Sent again: back to pending with the reason cleared.
    Resend(OrgId),
    /// A new receiver, pending.
    Add(OrgId),
    /// The receiver's answer to a pending filing.
    Answer {
        org: OrgId,
        status: TargetStatus,
        reason: String,
    },
}

/// The account a deregistration closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedAccount {
    pub account: AccountId,
    pub merged_into: Option<AccountId>,
    pub kind: FilingKind,
}

/// Column updates of the workflow row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilingUpdate {
    pub approved_on: Option<NaiveDate>,
    /// A new filing deadline (its start and, when computable, its date).
    pub deadline: Option<super::model::Deadline>,
    /// Date, text and period of the announcement.
    pub announced: Option<(NaiveDate, String, u32)>,
    pub event_on: Option<NaiveDate>,
    /// Stamp `filed_at` with the transaction's moment.
    pub filed: bool,
    /// Stamp `finished_at` with the transaction's moment.
    pub finished: bool,
}

/// Everything one action changes. `create_account` becomes the workflow's
/// account; the step and the audit entry are written from `action`,
/// `from`, `to` and `opinion`.
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    pub action: Action,
    pub from: State,
    pub to: State,
    pub opinion: String,
    pub update: FilingUpdate,
    pub create_account: Option<AccountInput>,
    pub close_account: Option<ClosedAccount>,
    pub targets: Vec<TargetEffect>,
    /// Files kept with the filing, written with the step.
    pub attachments: Vec<super::attachment::Attachment>,
}

/// A workflow to start.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFiling {
    pub kind: FilingKind,
    pub state: State,
    pub host: OrgId,
    pub account: Option<AccountId>,
    pub survivor: Option<AccountId>,
    pub title: String,
    pub data: serde_json::Value,
    pub event_on: Option<NaiveDate>,
    pub deadline: Option<super::model::Deadline>,
}

pub(crate) fn forbidden() -> RuleError {
    RuleError::forbidden("您无权对该申请执行此操作")
}

pub(crate) fn missing(m: &str) -> RuleError {
    FilingError::Missing(m.into()).into()
}

/// Whether one of the actor's receiving orgs still has this filing pending.
fn pending_at_actor(p: &Principal, w: &Filing, targets: &[FilingTarget]) -> bool {
    if w.state != State::Filed {
        return false;
    }
    let receiving = receiving_orgs(p);
    targets
        .iter()
        .any(|t| t.status == TargetStatus::Pending && receiving.contains(&t.org_id))
}

/// For an answer to a filing: the answer the actor's receiving orgs gave
/// already, when none of them has it pending any more.
fn answered_by_actor(
    p: &Principal,
    action: Action,
    targets: &[FilingTarget],
) -> Option<TargetStatus> {
    if !matches!(action, Action::AcceptFiling | Action::ReturnFiling) {
        return None;
    }
    let receiving = receiving_orgs(p);
    let mine: Vec<&FilingTarget> = targets
        .iter()
        .filter(|t| receiving.contains(&t.org_id))
        .collect();
    if mine.iter().any(|t| t.status == TargetStatus::Pending) {
        return None;
    }
    mine.first().map(|t| t.status)
}

/// The actions `p` may take on `w` now, given its filing targets.
pub fn allowed_actions(p: &Principal, w: &Filing, targets: &[FilingTarget]) -> Vec<Action> {
    let pending_here = pending_at_actor(p, w, targets);
    possible_actions(w.kind, w.state)
        .into_iter()
        .filter(|a| match a {
            Action::AcceptFiling | Action::ReturnFiling => {
                pending_here && w.applicant_id != p.user_id
            }
            Action::Approve | Action::Reject => {
                w.applicant_id != p.user_id
                    && p.allows_org(a.permission(), w.host_org_id, &w.host_org_path)
            }
            // Only the applicant takes back their own application.
            Action::Withdraw => w.applicant_id == p.user_id,
            _ => p.allows_org(a.permission(), w.host_org_id, &w.host_org_path),
        })
        .collect()
}

/// A date field: empty means today; never in the future.
pub fn parse_past_date(s: &str, today: NaiveDate, label: &str) -> Result<NaiveDate, RuleError> {
    match s.trim() {
        "" => Ok(today),
        v => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) if d > today => Err(RuleError::invalid(
                "date_in_future",
                format!("{label}不能晚于今天"),
            )),
            Ok(d) => Ok(d),
            Err(_) => Err(RuleError::invalid(
                "invalid_date",
                format!("{label}格式应为 YYYY-MM-DD"),
            )),
        },
    }
}

/// The common gate of every action: the state allows it, the actor may
/// take it, and the opinion is present where needed and not too long.
pub(crate) fn gate(
    ctx: &ActCtx<'_>,
    w: &Filing,
    targets: &[FilingTarget],
    action: Action,
    input: &ActInput,
) -> Result<String, RuleError> {
    if !allowed_actions(ctx.actor, w, targets).contains(&action) {
        // Say why: a receiver's answer given already, then a wrong state,
        // then a missing right.
        if let Some(done) = answered_by_actor(ctx.actor, action, targets) {
            return Err(RuleError::conflict(
                "filing_already_answered",
                format!(
                    "本单位已{}该备案，无需重复操作",
                    done.label().trim_start_matches('已')
                ),
            ));
        }
        next_state(w.kind, w.state, action, true)?;
        if matches!(
            action,
            Action::Approve | Action::Reject | Action::AcceptFiling | Action::ReturnFiling
        ) && w.applicant_id == ctx.actor.user_id
        {
            return Err(FilingError::OwnRequest.into());
        }
        return Err(forbidden());
    }
    let opinion = input.opinion.trim();
    if action.needs_opinion() && opinion.is_empty() {
        return Err(missing("请填写意见或退回理由"));
    }
    if opinion.chars().count() > 1000 {
        return Err(missing("意见不能超过1000字"));
    }
    Ok(opinion.to_string())
}

fn effects(
    w: &Filing,
    action: Action,
    opinion: String,
    last_target: bool,
) -> Result<Effects, RuleError> {
    let to = next_state(w.kind, w.state, action, last_target)?;
    Ok(Effects {
        action,
        from: w.state,
        to,
        opinion,
        update: FilingUpdate {
            finished: to.is_final(),
            ..Default::default()
        },
        create_account: None,
        close_account: None,
        targets: Vec::new(),
        attachments: Vec::new(),
    })
}

/// The decision for `action`, whichever it is.
pub fn decide(
    ctx: &ActCtx<'_>,
    w: &Filing,
    targets: &[FilingTarget],
    route: &Route,
    action: Action,
    input: &ActInput,
) -> Result<Effects, RuleError> {
    if action != Action::SubmitFiling && input.attachments.iter().any(|u| !u.bytes.is_empty()) {
        return Err(RuleError::invalid(
            "attachments_not_allowed",
            "附件只能随报送备案一并上传",
        ));
    }
    match action {
        Action::Approve => decide_approve(ctx, w, targets, input),
        Action::Reject => decide_reject(ctx, w, targets, input),
        Action::OpenAccount => decide_open_account(ctx, w, targets, input),
        Action::Announce => decide_announce(ctx, w, targets, input),
        Action::Deregister => decide_deregister(ctx, w, targets, input),
        Action::SubmitFiling => decide_submit_filing(ctx, w, targets, route, input),
        Action::AcceptFiling | Action::ReturnFiling => {
            decide_answer_filing(ctx, w, targets, action, input)
        }
        Action::Withdraw => decide_withdraw(ctx, w, targets, input),
    }
}

/// Whether deciding `action` reads the filing route.
pub fn needs_route(action: Action) -> bool {
    action == Action::SubmitFiling
}

mod actions;
mod apply;

pub use actions::*;
pub use apply::*;

#[cfg(test)]
mod tests;
