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
    Action, FILING_WORKDAYS, State, TargetStatus, WorkflowError, WorkflowKind,
    earliest_deregistration, filing_due, initial_state, next_state, possible_actions,
};
use super::record::{FilingTarget, Workflow};
use super::routing::{RouteNode, filing_targets, receiving_orgs};
use crate::account::{AccountDraft, AccountInput, AccountRecord, AccountStatus};
use crate::auth::{Permission, Principal, Role};
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
    pub kind: WorkflowKind,
}

/// Column updates of the workflow row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkflowUpdate {
    pub approved_on: Option<NaiveDate>,
    pub filing_due: Option<NaiveDate>,
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
    pub update: WorkflowUpdate,
    pub create_account: Option<AccountInput>,
    pub close_account: Option<ClosedAccount>,
    pub targets: Vec<TargetEffect>,
}

/// A workflow to start.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWorkflow {
    pub kind: WorkflowKind,
    pub state: State,
    pub host: OrgId,
    pub account: Option<AccountId>,
    pub survivor: Option<AccountId>,
    pub title: String,
    pub data: serde_json::Value,
    pub event_on: Option<NaiveDate>,
    pub filing_due: Option<NaiveDate>,
}

fn forbidden() -> RuleError {
    RuleError::forbidden("您无权对该申请执行此操作")
}

fn missing(m: &str) -> RuleError {
    WorkflowError::Missing(m.into()).into()
}

/// Whether one of the actor's receiving orgs still has this filing pending.
fn pending_at_actor(p: &Principal, w: &Workflow, targets: &[FilingTarget]) -> bool {
    if w.state != State::Filed {
        return false;
    }
    let receiving = receiving_orgs(p);
    targets
        .iter()
        .any(|t| t.status == TargetStatus::Pending && receiving.contains(&t.org_id))
}

/// The actions `p` may take on `w` now, given its filing targets.
pub fn allowed_actions(p: &Principal, w: &Workflow, targets: &[FilingTarget]) -> Vec<Action> {
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
fn gate(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    action: Action,
    input: &ActInput,
) -> Result<String, RuleError> {
    if !allowed_actions(ctx.actor, w, targets).contains(&action) {
        // Say why: a wrong state first, then a missing right.
        next_state(w.kind, w.state, action, true)?;
        if matches!(
            action,
            Action::Approve | Action::Reject | Action::AcceptFiling | Action::ReturnFiling
        ) && w.applicant_id == ctx.actor.user_id
        {
            return Err(WorkflowError::OwnRequest.into());
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
    w: &Workflow,
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
        update: WorkflowUpdate {
            finished: to.is_final(),
            ..Default::default()
        },
        create_account: None,
        close_account: None,
        targets: Vec::new(),
    })
}

/// 批准: the unit agrees; an opening's filing is due five working days on.
pub fn decide_approve(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::Approve, input)?;
    let mut e = effects(w, Action::Approve, opinion, true)?;
    e.update.approved_on = Some(ctx.today);
    if matches!(w.kind, WorkflowKind::Open | WorkflowKind::PersonalOpen) {
        e.update.filing_due = Some(filing_due(ctx.cal, ctx.today, FILING_WORKDAYS)?);
    }
    Ok(e)
}

/// 不予批准: ends the application; a reason is required.
pub fn decide_reject(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::Reject, input)?;
    effects(w, Action::Reject, opinion, true)
}

/// The planned account an opening application carries.
fn planned_account(w: &Workflow) -> Result<AccountDraft, RuleError> {
    serde_json::from_value::<PlannedAccount>(w.data["account"].clone())
        .map(PlannedAccount::into_draft)
        .map_err(|_| RuleError::conflict("workflow_data", "申请中的账号信息无法读取"))
}

/// 登记开通: the account now exists on its platform and enters the registry.
pub fn decide_open_account(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::OpenAccount, input)?;
    let mut draft = planned_account(w)?;
    draft.handle = input.handle.clone();
    draft.home_url = input.home_url.clone();
    draft.certification_subject = input.certification_subject.clone();
    draft.opened_on = input.opened_on.clone();
    draft.status = AccountStatus::Active.code().into();
    if input.handle.trim().is_empty() {
        return Err(missing("请填写平台账号ID"));
    }
    let account = draft.parse(ctx.today)?;
    let mut e = effects(w, Action::OpenAccount, opinion, true)?;
    e.create_account = Some(account);
    Ok(e)
}

/// 发布公告: a closure or merger is announced before deregistration.
pub fn decide_announce(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::Announce, input)?;
    let text = input.announce_text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(missing("请填写不超过2000字的公告内容"));
    }
    let on = parse_past_date(&input.date, ctx.today, "公告日期")?;
    if w.approved_on.is_some_and(|a| on < a) {
        return Err(missing("公告日期不能早于批准日期"));
    }
    let mut e = effects(w, Action::Announce, opinion, true)?;
    e.update.announced = Some((on, text.to_string(), ctx.announce_workdays));
    Ok(e)
}

/// 确认注销: after the announcement period the account is closed in the
/// registry and the filing is due five working days on.
pub fn decide_deregister(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::Deregister, input)?;
    let on = parse_past_date(&input.date, ctx.today, "注销日期")?;
    let announced = w
        .announced_on
        .ok_or_else(|| RuleError::from(WorkflowError::Illegal("尚未公告，不能注销".into())))?;
    let earliest = earliest_deregistration(ctx.cal, announced, w.announce_workdays)?;
    if on < earliest {
        return Err(WorkflowError::TooEarly(earliest).into());
    }
    let mut e = effects(w, Action::Deregister, opinion, true)?;
    e.update.event_on = Some(on);
    e.update.filing_due = Some(filing_due(ctx.cal, on, FILING_WORKDAYS)?);
    e.close_account = w.account_id.map(|account| ClosedAccount {
        account,
        merged_into: w.survivor_account_id,
        kind: w.kind,
    });
    Ok(e)
}

/// 报送备案: the filing goes to every receiver on the route that has not
/// accepted it yet; receivers no longer on the route are dropped.
pub fn decide_submit_filing(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    route: &Route,
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::SubmitFiling, input)?;
    let to = filing_targets(&route.chain, route.publicity_center);
    if to.is_empty() {
        return Err(RuleError::conflict(
            "no_filing_target",
            "未找到该单位的宣传主管部门，请先在组织机构中指定",
        ));
    }
    let mut e = effects(w, Action::SubmitFiling, opinion, true)?;
    for t in targets {
        if !to.contains(&t.org_id) && t.status != TargetStatus::Accepted {
            e.targets.push(TargetEffect::Remove(t.org_id));
        }
    }
    for org in to {
        match targets.iter().find(|t| t.org_id == org) {
            Some(t) if t.status == TargetStatus::Accepted => {}
            Some(_) => e.targets.push(TargetEffect::Resend(org)),
            None => e.targets.push(TargetEffect::Add(org)),
        }
    }
    e.update.filed = true;
    Ok(e)
}

/// 接收备案 / 退回备案: the actor answers for each of their receiving orgs
/// that still has the filing pending. The workflow is accepted when the
/// last receiver accepts; a return gives a fresh deadline.
pub fn decide_answer_filing(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    action: Action,
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let status = match action {
        Action::AcceptFiling => TargetStatus::Accepted,
        Action::ReturnFiling => TargetStatus::Returned,
        _ => return Err(forbidden()),
    };
    let opinion = gate(ctx, w, targets, action, input)?;
    let receiving = receiving_orgs(ctx.actor);
    let answered: Vec<OrgId> = targets
        .iter()
        .filter(|t| t.status == TargetStatus::Pending && receiving.contains(&t.org_id))
        .map(|t| t.org_id)
        .collect();
    if answered.is_empty() {
        return Err(forbidden());
    }
    let last_target = status == TargetStatus::Accepted
        && targets
            .iter()
            .all(|t| t.status == TargetStatus::Accepted || answered.contains(&t.org_id));
    let mut e = effects(w, action, opinion.clone(), last_target)?;
    e.targets = answered
        .into_iter()
        .map(|org| TargetEffect::Answer {
            org,
            status,
            reason: opinion.clone(),
        })
        .collect();
    if action == Action::ReturnFiling {
        // The corrected filing is due within the same number of working
        // days after the return.
        e.update.filing_due = Some(filing_due(ctx.cal, ctx.today, FILING_WORKDAYS)?);
    }
    Ok(e)
}

/// The decision for `action`, whichever it is.
pub fn decide(
    ctx: &ActCtx<'_>,
    w: &Workflow,
    targets: &[FilingTarget],
    route: &Route,
    action: Action,
    input: &ActInput,
) -> Result<Effects, RuleError> {
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
    }
}

/// Whether deciding `action` reads the filing route.
pub fn needs_route(action: Action) -> bool {
    action == Action::SubmitFiling
}

/// 申请开设: an application to open an account (or an official-capacity
/// personal account). `host` is the host org if it lies in the actor's
/// filing scope.
pub fn decide_apply_open(
    kind: WorkflowKind,
    input: &AccountInput,
    host: Option<OrgId>,
) -> Result<NewWorkflow, RuleError> {
    if !matches!(kind, WorkflowKind::Open | WorkflowKind::PersonalOpen) {
        return Err(RuleError::invalid("invalid_kind", "申请类型无效"));
    }
    let host = host.ok_or_else(|| {
        RuleError::conflict(
            "host_org_out_of_scope",
            "主办单位不存在或不在您的管辖范围内",
        )
    })?;
    if kind == WorkflowKind::PersonalOpen && input.owner_name.trim().is_empty() {
        return Err(RuleError::invalid(
            "owner_required",
            "职务账号须填写开设人姓名",
        ));
    }
    Ok(NewWorkflow {
        kind,
        state: initial_state(kind),
        host,
        account: None,
        survivor: None,
        title: format!("{}{}“{}”", kind.label(), input.platform.label(), input.name),
        data: serde_json::json!({"account": input}),
        event_on: None,
        filing_due: None,
    })
}

/// How an actor may apply to close an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureRight {
    /// The host's own staff apply (article 9).
    Own,
    /// The publicity center orders the closure of an account it inspects
    /// (a sanction under article 10).
    OrderedByCenter,
}

impl ClosureRight {
    /// The permission whose scope bounds the accounts this right reaches
    /// (the account closed and the one a merger keeps).
    pub fn permission(self) -> Permission {
        match self {
            ClosureRight::Own => Permission::FilingSubmit,
            ClosureRight::OrderedByCenter => Permission::InspectionRun,
        }
    }
}

/// The one statement of who may start a closure or merger of an account
/// hosted at `org`: pages (to show the button), the API and the decision
/// all ask this.
pub fn closure_right(p: &Principal, org: OrgId, org_path: &str) -> Option<ClosureRight> {
    if p.allows_org(Permission::FilingSubmit, org, org_path) {
        Some(ClosureRight::Own)
    } else if p.has_role(Role::CenterAdmin)
        && p.allows_org(Permission::InspectionRun, org, org_path)
    {
        Some(ClosureRight::OrderedByCenter)
    } else {
        None
    }
}

/// Whether the actor may start closures at all (before any account is
/// named): staff who file, or the publicity center.
pub fn may_apply_closures(p: &Principal) -> bool {
    !matches!(
        p.scope(Permission::FilingSubmit),
        crate::auth::Scope::Denied
    ) || p.has_role(Role::CenterAdmin)
}

/// 申请关停/整合. `survivor` is the account kept by a merger, if the
/// caller named one and it exists. An account out of the actor's reach is
/// reported as not found.
pub fn decide_apply_close(
    p: &Principal,
    kind: WorkflowKind,
    account: &AccountRecord,
    reason: &str,
    survivor: Option<Option<&AccountRecord>>,
) -> Result<NewWorkflow, RuleError> {
    let right =
        closure_right(p, account.host_org_id, &account.host_org_path).ok_or(RuleError::NotFound)?;
    let reach =
        |a: &AccountRecord| p.allows_org(right.permission(), a.host_org_id, &a.host_org_path);
    if account.status == AccountStatus::Closed {
        return Err(RuleError::conflict("account_closed", "该账号已关停"));
    }
    if reason.trim().is_empty() || reason.chars().count() > 500 {
        return Err(RuleError::invalid(
            "reason_required",
            "请填写不超过500字的关停或整合理由",
        ));
    }
    let survivor = match kind {
        WorkflowKind::Close => None,
        WorkflowKind::Merge => {
            let named = survivor
                .ok_or_else(|| RuleError::invalid("survivor_required", "整合须选择保留的账号"))?;
            let s = named.filter(|s| reach(s)).ok_or_else(|| {
                RuleError::invalid("survivor_required", "保留的账号不存在或不在您的管辖范围内")
            })?;
            if s.id == account.id || s.status == AccountStatus::Closed {
                return Err(RuleError::invalid(
                    "survivor_invalid",
                    "保留的账号须为另一个未关停的账号",
                ));
            }
            Some(s.id)
        }
        _ => return Err(RuleError::invalid("invalid_kind", "申请类型无效")),
    };
    let ordered = right == ClosureRight::OrderedByCenter;
    Ok(NewWorkflow {
        kind,
        state: initial_state(kind),
        host: account.host_org_id,
        account: Some(account.id),
        survivor,
        title: format!(
            "{}{}{}“{}”",
            if ordered { "责令" } else { "" },
            kind.label(),
            account.platform.label(),
            account.name
        ),
        data: serde_json::json!({"reason": reason.trim(), "ordered_by_center": ordered}),
        event_on: None,
        filing_due: None,
    })
}

/// 登记变更: the registry takes the new values at once and the filing is
/// due five working days after the change.
pub fn decide_record_change(
    p: &Principal,
    account: &AccountRecord,
    c: &ChangeInput,
    today: NaiveDate,
    cal: &Calendar,
) -> Result<(AccountInput, NewWorkflow), RuleError> {
    if !p.allows_org(
        Permission::FilingSubmit,
        account.host_org_id,
        &account.host_org_path,
    ) {
        return Err(forbidden());
    }
    let changed_on = parse_past_date(&c.changed_on, today, "变更日期")?;
    let due = filing_due(cal, changed_on, FILING_WORKDAYS)?;
    let pick = |new: &str, old: &str| {
        if new.trim().is_empty() {
            old.to_string()
        } else {
            new.trim().to_string()
        }
    };
    let a = account;
    let draft = AccountDraft {
        name: pick(&c.name, &a.name),
        responsible_person: pick(&c.responsible_person, &a.responsible_person),
        operators: pick(&c.operators, &a.operators),
        vendor_operated: a.vendor_operated || !c.vendor_name.trim().is_empty(),
        vendor_name: pick(&c.vendor_name, &a.vendor_name),
        ..a.draft()
    };
    let input = draft.parse(today)?;
    let changed: Vec<&str> = [
        ("name", input.name != a.name),
        (
            "responsible_person",
            input.responsible_person != a.responsible_person,
        ),
        ("operators", input.operators != a.operators),
        ("vendor_name", input.vendor_name != a.vendor_name),
    ]
    .into_iter()
    .filter(|(_, c)| *c)
    .map(|(f, _)| f)
    .collect();
    if changed.is_empty() {
        return Err(RuleError::invalid(
            "nothing_changed",
            "没有填写任何变更内容",
        ));
    }
    let workflow = NewWorkflow {
        kind: WorkflowKind::Change,
        state: initial_state(WorkflowKind::Change),
        host: a.host_org_id,
        account: Some(a.id),
        survivor: None,
        title: format!("变更{}“{}”", a.platform.label(), a.name),
        data: serde_json::json!({"changed": changed, "note": c.note.trim(),
            "before": {"name": a.name, "responsible_person": a.responsible_person, "operators": a.operators, "vendor_name": a.vendor_name},
            "after": {"name": input.name, "responsible_person": input.responsible_person, "operators": input.operators, "vendor_name": input.vendor_name}}),
        event_on: Some(changed_on),
        filing_due: Some(due),
    };
    Ok((input, workflow))
}

/// The planned account as an opening application stores it (the JSON of
/// an `AccountInput`).
#[derive(Debug, Deserialize)]
struct PlannedAccount {
    platform: String,
    name: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    home_url: String,
    host_org_id: i64,
    responsible_person: String,
    #[serde(default)]
    operators: String,
    #[serde(default)]
    vendor_operated: bool,
    #[serde(default)]
    vendor_name: String,
    #[serde(default)]
    certification_subject: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    opened_on: Option<String>,
    #[serde(default)]
    personal_official: bool,
    #[serde(default)]
    owner_name: String,
}

impl PlannedAccount {
    fn into_draft(self) -> AccountDraft {
        AccountDraft {
            platform: self.platform,
            name: self.name,
            handle: self.handle,
            home_url: self.home_url,
            host_org_id: self.host_org_id.to_string(),
            responsible_person: self.responsible_person,
            operators: self.operators,
            vendor_operated: self.vendor_operated,
            vendor_name: self.vendor_name,
            certification_subject: self.certification_subject,
            purpose: self.purpose,
            opened_on: self.opened_on.unwrap_or_default(),
            status: String::new(),
            personal_official: self.personal_official,
            owner_name: self.owner_name,
        }
    }
}

#[cfg(test)]
mod tests;
