//! One decision per action on a workflow that exists.

use super::{
    ActCtx, ActInput, ClosedAccount, Effects, Route, TargetEffect, effects, forbidden, gate,
    missing, parse_past_date,
};
use crate::account::{AccountDraft, AccountStatus};
use crate::error::RuleError;
use crate::filing::model::{
    Action, FilingError, FilingKind, TargetStatus, deadline, earliest_deregistration,
};
use crate::filing::record::{Filing, FilingTarget};
use crate::filing::routing::{filing_targets, receiving_orgs};
use crate::ids::OrgId;
use serde::Deserialize;

/// 批准: the unit agrees; an opening's filing is due five working days on.
pub fn decide_approve(
    ctx: &ActCtx<'_>,
    w: &Filing,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let mut opinion = gate(ctx, w, targets, Action::Approve, input)?;
    if !ctx.warnings.is_empty() {
        let reason = input.override_reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(RuleError::invalid(
                "override_reason_required",
                format!(
                    "该申请有台账检查提示（{}），同意前请说明理由（不超过500字）",
                    ctx.warnings
                        .iter()
                        .map(|k| k.label())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ));
        }
        // The step carries the reason with the opinion, for the record.
        let sep = if opinion.is_empty() { "" } else { "；" };
        opinion = format!("{opinion}{sep}对台账检查提示的说明：{reason}");
    }
    let mut e = effects(w, Action::Approve, opinion, true)?;
    e.update.approved_on = Some(ctx.today);
    if matches!(w.kind, FilingKind::Open | FilingKind::PersonalOpen) {
        e.update.deadline = Some(deadline(ctx.cal, ctx.today)?);
    }
    Ok(e)
}

/// 不予批准: ends the application; a reason is required.
pub fn decide_reject(
    ctx: &ActCtx<'_>,
    w: &Filing,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::Reject, input)?;
    effects(w, Action::Reject, opinion, true)
}

/// 撤回: the applicant takes back an application nobody has acted on yet
/// (still 待审批); it ends there.
pub fn decide_withdraw(
    ctx: &ActCtx<'_>,
    w: &Filing,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::Withdraw, input)?;
    effects(w, Action::Withdraw, opinion, true)
}

/// The planned account an opening application carries.
pub fn planned_account(w: &Filing) -> Result<AccountDraft, RuleError> {
    serde_json::from_value::<PlannedAccount>(w.data["account"].clone())
        .map(PlannedAccount::into_draft)
        .map_err(|_| RuleError::conflict("workflow_data", "申请中的账号信息无法读取"))
}

/// 登记开通: the account now exists on its platform and enters the registry.
pub fn decide_open_account(
    ctx: &ActCtx<'_>,
    w: &Filing,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::OpenAccount, input)?;
    let mut draft = planned_account(w)?;
    draft.handle = input.handle.clone();
    draft.home_url = input.home_url.clone();
    draft.certification_subject = input.certification_subject.clone();
    if input.handle.trim().is_empty() {
        return Err(missing("请填写平台账号ID"));
    }
    // An opened account always has its date: the day of 开通 unless given.
    draft.opened_on = parse_past_date(&input.opened_on, ctx.today, "开通日期")?.to_string();
    draft.status = AccountStatus::Active.code().into();
    let account = draft.parse(ctx.today)?;
    let mut e = effects(w, Action::OpenAccount, opinion, true)?;
    e.create_account = Some(account);
    Ok(e)
}

/// 发布公告: a closure or merger is announced before deregistration.
pub fn decide_announce(
    ctx: &ActCtx<'_>,
    w: &Filing,
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
    w: &Filing,
    targets: &[FilingTarget],
    input: &ActInput,
) -> Result<Effects, RuleError> {
    let opinion = gate(ctx, w, targets, Action::Deregister, input)?;
    let on = parse_past_date(&input.date, ctx.today, "注销日期")?;
    let announced = w
        .announced_on
        .ok_or_else(|| RuleError::from(FilingError::Illegal("尚未公告，不能注销".into())))?;
    let earliest = earliest_deregistration(ctx.cal, announced, w.announce_workdays)?;
    if on < earliest {
        return Err(FilingError::TooEarly(earliest).into());
    }
    let mut e = effects(w, Action::Deregister, opinion, true)?;
    e.update.event_on = Some(on);
    e.update.deadline = Some(deadline(ctx.cal, on)?);
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
    w: &Filing,
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
    e.attachments = super::super::attachment::check_uploads(&input.attachments)?;
    Ok(e)
}

/// 接收备案 / 退回备案: the actor answers for each of their receiving orgs
/// that still has the filing pending. The workflow is accepted when the
/// last receiver accepts; a return gives a fresh deadline.
pub fn decide_answer_filing(
    ctx: &ActCtx<'_>,
    w: &Filing,
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
        e.update.deadline = Some(deadline(ctx.cal, ctx.today)?);
    }
    Ok(e)
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
