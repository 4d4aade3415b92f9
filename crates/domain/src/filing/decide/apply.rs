//! Decisions that start a workflow: applications to open or close an
//! account, and a recorded change.

use super::{ChangeInput, NewFiling, forbidden, parse_past_date};
use crate::account::{AccountDraft, AccountInput, AccountRecord, AccountStatus};
use crate::auth::{Permission, Principal, Role};
use crate::calendar::Calendar;
use crate::error::RuleError;
use crate::filing::model::{FilingKind, deadline, initial_state};
use crate::ids::OrgId;
use crate::text::quoted;
use chrono::NaiveDate;

/// 申请开设: an application to open an account (or an official-capacity
/// personal account). `host` is the host org if it lies in the actor's
/// filing scope.
pub fn decide_apply_open(
    kind: FilingKind,
    input: &AccountInput,
    host: Option<OrgId>,
) -> Result<NewFiling, RuleError> {
    if !matches!(kind, FilingKind::Open | FilingKind::PersonalOpen) {
        return Err(RuleError::invalid("invalid_kind", "申请类型无效"));
    }
    let host = host.ok_or_else(|| {
        RuleError::conflict(
            "host_org_out_of_scope",
            "主办单位不存在或不在您的管辖范围内",
        )
    })?;
    if kind == FilingKind::PersonalOpen && input.owner_name.trim().is_empty() {
        return Err(RuleError::invalid(
            "owner_required",
            "职务账号须填写开设人姓名",
        ));
    }
    Ok(NewFiling {
        kind,
        state: initial_state(kind),
        host,
        account: None,
        survivor: None,
        title: format!(
            "{}{}{}",
            kind.label(),
            input.platform.label(),
            quoted(&input.name)
        ),
        data: serde_json::json!({"account": input}),
        event_on: None,
        deadline: None,
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
    kind: FilingKind,
    account: &AccountRecord,
    reason: &str,
    survivor: Option<Option<&AccountRecord>>,
) -> Result<NewFiling, RuleError> {
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
        FilingKind::Close => None,
        FilingKind::Merge => {
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
    Ok(NewFiling {
        kind,
        state: initial_state(kind),
        host: account.host_org_id,
        account: Some(account.id),
        survivor,
        title: format!(
            "{}{}{}{}",
            if ordered { "责令" } else { "" },
            kind.label(),
            account.platform.label(),
            quoted(&account.name)
        ),
        data: serde_json::json!({"reason": reason.trim(), "ordered_by_center": ordered}),
        event_on: None,
        deadline: None,
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
) -> Result<(AccountInput, NewFiling), RuleError> {
    if !p.allows_org(
        Permission::FilingSubmit,
        account.host_org_id,
        &account.host_org_path,
    ) {
        return Err(forbidden());
    }
    let changed_on = parse_past_date(&c.changed_on, today, "变更日期")?;
    let due = deadline(cal, changed_on)?;
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
    let workflow = NewFiling {
        kind: FilingKind::Change,
        state: initial_state(FilingKind::Change),
        host: a.host_org_id,
        account: Some(a.id),
        survivor: None,
        title: format!("变更{}{}", a.platform.label(), quoted(&a.name)),
        data: serde_json::json!({"changed": changed, "note": c.note.trim(),
            "before": {"name": a.name, "responsible_person": a.responsible_person, "operators": a.operators, "vendor_name": a.vendor_name},
            "after": {"name": input.name, "responsible_person": input.responsible_person, "operators": input.operators, "vendor_name": input.vendor_name}}),
        event_on: Some(changed_on),
        deadline: Some(due),
    };
    Ok((input, workflow))
}
