//! Registry integrity (articles 5, 8 and 9): how an account may enter the
//! registry outside an application, what an edit may change, and one
//! active account per platform account ID.
//!
//! New accounts come only through 申请开设. Direct registration is the
//! back-entry of accounts that existed before the platform (存量账号登记):
//! it states a reason and starts a filing to the supervising department.
//! An edit changes descriptive fields only; the filed fields change through
//! 登记变更, and closing or merging only through their workflows.

use crate::account::{AccountInput, AccountRecord, AccountStatus, field_label};
use crate::calendar::Calendar;
use crate::error::{RuleError, ValidationErrors};
use crate::filing::{FilingKind, NewFiling, deadline, initial_state};
use crate::ids::{AccountId, OrgId};
use crate::platform::Platform;
use chrono::NaiveDate;

/// The key that makes a platform account ID unique among the accounts that
/// are not closed: `None` (no claim) for a closed account or an empty ID.
/// The store writes it with every account; a partial unique index on
/// (platform, key) backs the rule on both databases.
pub fn handle_key(status: AccountStatus, handle: &str) -> Option<String> {
    let h = handle.trim();
    (status != AccountStatus::Closed && !h.is_empty()).then(|| h.to_string())
}

/// One platform account ID belongs to one active account in the whole
/// registry. `holder` is the account (other than `own`) that already holds
/// the same platform and ID, if the caller found one.
pub fn check_handle_free(
    platform: Platform,
    handle: &str,
    own: Option<AccountId>,
    holder: Option<&AccountRecord>,
) -> Result<(), RuleError> {
    match holder {
        Some(h) if Some(h.id) != own && h.platform == platform && h.handle == handle.trim() => {
            Err(duplicate_handle(h))
        }
        _ => Ok(()),
    }
}

/// The refusal naming the account that holds the ID already.
pub fn duplicate_handle(holder: &AccountRecord) -> RuleError {
    RuleError::conflict(
        "duplicate_handle",
        format!(
            "{}账号ID“{}”已登记为账号“{}”（编号{}，主办单位：{}），同一平台账号不能重复登记",
            holder.platform.label(),
            holder.handle,
            holder.name,
            holder.id,
            holder.host_org_name
        ),
    )
}

/// Fields a filing covers (article 9: 运营管理者、名称、负责人) or that
/// fix what the account is. An edit may not change them.
pub const FILED_FIELDS: [&str; 8] = [
    "platform",
    "name",
    "host_org_id",
    "responsible_person",
    "operators",
    "vendor_operated",
    "vendor_name",
    "personal_official",
];

/// Statuses an account may be registered with or edited into: it runs, or
/// it has paused updating. Opening comes from an application, closing from
/// a closure or merger.
pub fn status_is_editable(s: AccountStatus) -> bool {
    matches!(s, AccountStatus::Active | AccountStatus::Suspended)
}

/// 编辑: what an edit of `current` into `input` may do. Descriptive fields
/// change freely; the status moves between 运营中 and 暂停更新 only; the
/// filed fields (and the owner of an official-capacity account) keep their
/// values. `holder` is another account with the new platform account ID.
pub fn decide_edit(
    current: &AccountRecord,
    input: &AccountInput,
    holder: Option<&AccountRecord>,
) -> Result<(), RuleError> {
    if current.status == AccountStatus::Closed {
        return Err(RuleError::conflict(
            "account_closed",
            if current.merged_into.is_some() {
                "该账号已整合注销，不能再修改或恢复运营"
            } else {
                "该账号已关停注销，不能再修改或恢复运营；如需重新开设，请提交开设申请"
            },
        ));
    }
    if current.status == AccountStatus::Opening {
        return Err(RuleError::conflict(
            "account_opening",
            "该账号正在开设流程中，开通后才能修改",
        ));
    }
    if input.status != current.status && !status_is_editable(input.status) {
        return Err(RuleError::conflict(
            "status_requires_filing",
            match input.status {
                AccountStatus::Closed => "关停或整合账号须提交关停注销或整合申请，不能直接修改状态",
                _ => "开设中的状态只能由开设申请产生",
            },
        ));
    }
    let before = current.field_values();
    let after = input.field_values();
    let mut errs = ValidationErrors::default();
    for field in FILED_FIELDS.iter().chain(["owner_name"].iter()) {
        let old = before.iter().find(|(f, _)| f == field).map(|(_, v)| v);
        let new = after.iter().find(|(f, _)| f == field).map(|(_, v)| v);
        if old != new {
            errs.push(
                field,
                "filed_field_requires_change",
                format!(
                    "{}须通过“登记变更”修改（变更后5个工作日内报备），不能在编辑中直接修改",
                    field_label(field)
                ),
            );
        }
    }
    if !errs.is_empty() {
        return Err(RuleError::Fields(errs));
    }
    check_handle_free(input.platform, &input.handle, Some(current.id), holder)
}

/// The stated reason of a back-entry: required, at most 500 characters.
pub fn check_reason(reason: &str) -> Result<&str, RuleError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        let mut errs = ValidationErrors::default();
        errs.push(
            "reason",
            "reason_required",
            "请填写登记原因（不超过500字），例如：平台上线前已开设的存量账号",
        );
        return Err(RuleError::Fields(errs));
    }
    Ok(reason)
}

/// 存量账号登记: registers an account that already exists on its platform.
/// `host` is the host org if it lies in the actor's scope; `holder` an
/// account already holding the platform account ID. The account enters
/// the registry with a filing due five working days from `today`.
pub fn decide_register_existing(
    input: &AccountInput,
    host: Option<OrgId>,
    reason: &str,
    holder: Option<&AccountRecord>,
    today: NaiveDate,
    cal: &Calendar,
) -> Result<NewFiling, RuleError> {
    let host = host.ok_or_else(|| {
        RuleError::conflict(
            "host_org_out_of_scope",
            "主办单位不存在或不在您的管辖范围内",
        )
    })?;
    if !status_is_editable(input.status) {
        let mut errs = ValidationErrors::default();
        errs.push(
            "status",
            "status_requires_filing",
            match input.status {
                AccountStatus::Opening => {
                    "新开设的账号须通过“申请开设”办理，存量登记只能登记运营中或暂停更新的账号"
                }
                _ => "已关停或整合的账号不能登记；关停须通过关停注销申请办理",
            },
        );
        return Err(RuleError::Fields(errs));
    }
    let reason = check_reason(reason)?;
    check_handle_free(input.platform, &input.handle, None, holder)?;
    let due = deadline(cal, today)?;
    Ok(NewFiling {
        kind: FilingKind::Backfill,
        state: initial_state(FilingKind::Backfill),
        host,
        account: None,
        survivor: None,
        title: format!(
            "{}{}{}",
            FilingKind::Backfill.label(),
            input.platform.label(),
            crate::text::quoted(&input.name)
        ),
        data: serde_json::json!({"reason": reason}),
        event_on: Some(today),
        deadline: Some(due),
    })
}

#[cfg(test)]
mod tests;
