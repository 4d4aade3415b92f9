//! Starting workflows and moving them along. Every change checks the
//! actor's rights, runs the domain state machine, and writes the new state,
//! the step and the audit entry in one transaction guarded by the
//! workflow's version.

use crate::accounts::insert_account;
use crate::audit::append;
use crate::db::{Store, WriteTx};
use crate::error::{StoreError, StoreResult};
use crate::orgs::Actor;
use chrono::NaiveDate;
use govmedia_domain::account::{AccountDraft, AccountInput, AccountStatus};
use govmedia_domain::auth::{Permission, Principal, Scope};
use govmedia_domain::calendar::Calendar;
use govmedia_domain::workflow::{
    Action, FILING_WORKDAYS, RouteNode, State, WorkflowError, WorkflowKind,
    earliest_deregistration, filing_due, filing_targets, initial_state, next_state,
};
use govmedia_domain::{AccountId, OrgId};
use serde::Deserialize;
use sqlx::Row;

fn wf_err(e: WorkflowError) -> StoreError {
    StoreError::from(govmedia_domain::RuleError::from(e))
}

fn forbidden() -> StoreError {
    StoreError::forbidden("您无权对该申请执行此操作")
}

/// Extra input an action may carry.
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

fn parse_date(s: &str, today: NaiveDate, label: &str) -> StoreResult<NaiveDate> {
    match s.trim() {
        "" => Ok(today),
        v => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) if d > today => Err(StoreError::invalid(
                "date_in_future",
                format!("{label}不能晚于今天"),
            )),
            Ok(d) => Ok(d),
            Err(_) => Err(StoreError::invalid(
                "invalid_date",
                format!("{label}格式应为 YYYY-MM-DD"),
            )),
        },
    }
}

async fn insert_step(
    tx: &mut WriteTx,
    actor: &Actor,
    id: i64,
    action: &str,
    from: State,
    to: State,
    opinion: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO workflow_steps (workflow_id, at, user_id, username, action, from_state, to_state, opinion) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(tx.now.timestamp())
    .bind(actor.user_id)
    .bind(&actor.username)
    .bind(action)
    .bind(from.code())
    .bind(to.code())
    .bind(opinion)
    .execute(tx.conn())
    .await?;
    Ok(())
}

struct NewWorkflow<'a> {
    kind: WorkflowKind,
    host: OrgId,
    account: Option<AccountId>,
    survivor: Option<AccountId>,
    title: String,
    data: serde_json::Value,
    event_on: Option<NaiveDate>,
    filing_due: Option<NaiveDate>,
    applicant: &'a Actor,
}

async fn insert_workflow(tx: &mut WriteTx, w: NewWorkflow<'_>) -> StoreResult<i64> {
    let now = tx.now.timestamp();
    let applicant = w
        .applicant
        .user_id
        .ok_or_else(|| StoreError::Other("workflow without applicant".into()))?;
    let state = initial_state(w.kind);
    let id: i64 = sqlx::query(
        "INSERT INTO workflows (kind, state, host_org_id, account_id, survivor_account_id, applicant_id, title, data, event_on, filing_due, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(w.kind.code())
    .bind(state.code())
    .bind(w.host.0)
    .bind(w.account.map(|a| a.0))
    .bind(w.survivor.map(|a| a.0))
    .bind(applicant)
    .bind(&w.title)
    .bind(w.data.to_string())
    .bind(w.event_on.map(|d| d.to_string()))
    .bind(w.filing_due.map(|d| d.to_string()))
    .bind(now)
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    insert_step(tx, w.applicant, id, "apply", state, state, "").await?;
    let mut a = w
        .applicant
        .audit(&format!("workflow.{}", w.kind.code()), "workflow", id);
    a.detail =
        serde_json::json!({"title": w.title, "account_id": w.account.map(|a| a.0)}).to_string();
    append(tx, a).await?;
    Ok(id)
}

impl Store {
    /// Applies to open an account (or an official-capacity personal
    /// account). `input` holds the planned account; handle, URL and
    /// certification come when it is opened.
    pub async fn apply_open(
        &self,
        actor: &Actor,
        p: &Principal,
        kind: WorkflowKind,
        input: &AccountInput,
    ) -> StoreResult<i64> {
        if !matches!(kind, WorkflowKind::Open | WorkflowKind::PersonalOpen) {
            return Err(StoreError::invalid("invalid_kind", "申请类型无效"));
        }
        let org = self
            .org_scoped(&p.scope(Permission::FilingSubmit), input.host_org_id)
            .await
            .map_err(|_| {
                StoreError::conflict(
                    "host_org_out_of_scope",
                    "主办单位不存在或不在您的管辖范围内",
                )
            })?;
        if kind == WorkflowKind::PersonalOpen && input.owner_name.trim().is_empty() {
            return Err(StoreError::invalid(
                "owner_required",
                "职务账号须填写开设人姓名",
            ));
        }
        let mut tx = self.begin_write().await?;
        let id = insert_workflow(
            &mut tx,
            NewWorkflow {
                kind,
                host: org.id,
                account: None,
                survivor: None,
                title: format!("{}{}“{}”", kind.label(), input.platform.label(), input.name),
                data: serde_json::json!({"account": input}),
                event_on: None,
                filing_due: None,
                applicant: actor,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Applies to close or merge an account in the actor's scope.
    pub async fn apply_close(
        &self,
        actor: &Actor,
        p: &Principal,
        kind: WorkflowKind,
        account: AccountId,
        reason: &str,
        survivor: Option<AccountId>,
    ) -> StoreResult<i64> {
        // The host's own staff apply; the publicity center may order a
        // closure of any account it inspects (a sanction under article 10).
        let (scope, ordered) = match self
            .account(&p.scope(Permission::FilingSubmit), account)
            .await
        {
            Ok(_) => (p.scope(Permission::FilingSubmit), false),
            Err(StoreError::NotFound) if p.has_role(govmedia_domain::auth::Role::CenterAdmin) => {
                (p.scope(Permission::InspectionRun), true)
            }
            Err(e) => return Err(e),
        };
        let a = self.account(&scope, account).await?;
        if a.status == AccountStatus::Closed {
            return Err(StoreError::conflict("account_closed", "该账号已关停"));
        }
        if reason.trim().is_empty() || reason.chars().count() > 500 {
            return Err(StoreError::invalid(
                "reason_required",
                "请填写不超过500字的关停或整合理由",
            ));
        }
        let survivor = match kind {
            WorkflowKind::Close => None,
            WorkflowKind::Merge => {
                let sid = survivor.ok_or_else(|| {
                    StoreError::invalid("survivor_required", "整合须选择保留的账号")
                })?;
                let s = self.account(&scope, sid).await.map_err(|_| {
                    StoreError::invalid("survivor_required", "保留的账号不存在或不在您的管辖范围内")
                })?;
                if s.id == a.id || s.status == AccountStatus::Closed {
                    return Err(StoreError::invalid(
                        "survivor_invalid",
                        "保留的账号须为另一个未关停的账号",
                    ));
                }
                Some(s.id)
            }
            _ => return Err(StoreError::invalid("invalid_kind", "申请类型无效")),
        };
        let mut tx = self.begin_write().await?;
        // Checked inside the write transaction, so two applications cannot
        // both pass.
        let open: i64 = sqlx::query("SELECT COUNT(*) FROM workflows WHERE account_id = $1 AND kind IN ('close', 'merge') AND state NOT IN ('accepted', 'rejected')")
            .bind(a.id.0)
            .fetch_one(tx.conn())
            .await?
            .try_get(0)?;
        if open > 0 {
            return Err(StoreError::conflict(
                "workflow_exists",
                "该账号已有进行中的关停或整合申请",
            ));
        }
        let id = insert_workflow(
            &mut tx,
            NewWorkflow {
                kind,
                host: a.host_org_id,
                account: Some(a.id),
                survivor,
                title: format!(
                    "{}{}{}“{}”",
                    if ordered { "责令" } else { "" },
                    kind.label(),
                    a.platform.label(),
                    a.name
                ),
                data: serde_json::json!({"reason": reason.trim(), "ordered_by_center": ordered}),
                event_on: None,
                filing_due: None,
                applicant: actor,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a change of operators, responsible person or name: applies
    /// it to the registry and opens the filing, due `FILING_WORKDAYS`
    /// working days after the change.
    pub async fn record_change(
        &self,
        actor: &Actor,
        p: &Principal,
        account: AccountId,
        c: &ChangeInput,
        today: NaiveDate,
        cal: &Calendar,
    ) -> StoreResult<i64> {
        let scope = p.scope(Permission::AccountUpdate);
        let a = self.account(&scope, account).await?;
        if !p.allows_org(Permission::FilingSubmit, a.host_org_id, &a.host_org_path) {
            return Err(forbidden());
        }
        let changed_on = parse_date(&c.changed_on, today, "变更日期")?;
        let due = filing_due(cal, changed_on, FILING_WORKDAYS).map_err(wf_err)?;
        let pick = |new: &str, old: &str| {
            if new.trim().is_empty() {
                old.to_string()
            } else {
                new.trim().to_string()
            }
        };
        let draft = AccountDraft {
            platform: a.platform.code().into(),
            name: pick(&c.name, &a.name),
            handle: a.handle.clone(),
            home_url: a.home_url.clone(),
            host_org_id: a.host_org_id.0.to_string(),
            responsible_person: pick(&c.responsible_person, &a.responsible_person),
            operators: pick(&c.operators, &a.operators),
            vendor_operated: a.vendor_operated || !c.vendor_name.trim().is_empty(),
            vendor_name: pick(&c.vendor_name, &a.vendor_name),
            certification_subject: a.certification_subject.clone(),
            purpose: a.purpose.clone(),
            opened_on: a.opened_on.clone().unwrap_or_default(),
            status: a.status.code().into(),
            personal_official: a.personal_official,
            owner_name: a.owner_name.clone(),
        };
        let input = draft.parse(today).map_err(StoreError::from)?;
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
            return Err(StoreError::invalid(
                "nothing_changed",
                "没有填写任何变更内容",
            ));
        }
        // The registry change and its filing obligation land together.
        let mut tx = self.begin_write().await?;
        crate::accounts::apply_account_update(&mut tx, actor, &a, &input).await?;
        let id = insert_workflow(&mut tx, NewWorkflow {
            kind: WorkflowKind::Change,
            host: a.host_org_id,
            account: Some(a.id),
            survivor: None,
            title: format!("变更{}“{}”", a.platform.label(), a.name),
            data: serde_json::json!({"changed": changed, "note": c.note.trim(),
                "before": {"name": a.name, "responsible_person": a.responsible_person, "operators": a.operators, "vendor_name": a.vendor_name},
                "after": {"name": input.name, "responsible_person": input.responsible_person, "operators": input.operators, "vendor_name": input.vendor_name}}),
            event_on: Some(changed_on),
            filing_due: Some(due),
            applicant: actor,
        })
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Performs `action` on workflow `id` as `p`. `today` is the actor's
    /// date (China time); `announce_workdays` is the configured
    /// announcement period for closures.
    #[allow(clippy::too_many_arguments)]
    pub async fn act(
        &self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        action: Action,
        input: &ActInput,
        today: NaiveDate,
        cal: &Calendar,
        announce_workdays: u32,
    ) -> StoreResult<State> {
        let w = self.workflow_for(p, id).await?;
        let allowed = self.allowed_actions(p, &w).await?;
        if !allowed.contains(&action) {
            // Say why: a wrong state first, then a missing right.
            next_state(w.kind, w.state, action, true).map_err(wf_err)?;
            if matches!(
                action,
                Action::Approve | Action::Reject | Action::AcceptFiling | Action::ReturnFiling
            ) && w.applicant_id == p.user_id
            {
                return Err(wf_err(WorkflowError::OwnRequest));
            }
            return Err(forbidden());
        }
        let opinion = input.opinion.trim();
        if action.needs_opinion() && opinion.is_empty() {
            return Err(wf_err(WorkflowError::Missing(
                "请填写意见或退回理由".into(),
            )));
        }
        if opinion.chars().count() > 1000 {
            return Err(wf_err(WorkflowError::Missing("意见不能超过1000字".into())));
        }
        let mut tx = self.begin_write().await?;
        let now = tx.now.timestamp();
        let mut last_target = true;
        let mut sets: Vec<(&str, Option<String>)> = Vec::new();
        match action {
            Action::Approve => {
                sets.push(("approved_on", Some(today.to_string())));
                if matches!(w.kind, WorkflowKind::Open | WorkflowKind::PersonalOpen) {
                    let due = filing_due(cal, today, FILING_WORKDAYS).map_err(wf_err)?;
                    sets.push(("filing_due", Some(due.to_string())));
                }
            }
            Action::OpenAccount => {
                let mut draft: AccountDraft = serde_json::from_value(w.data["account"].clone())
                    .map(|i: AccountInputData| i.into_draft())
                    .map_err(|_| StoreError::Other("workflow data unreadable".into()))?;
                draft.handle = input.handle.clone();
                draft.home_url = input.home_url.clone();
                draft.certification_subject = input.certification_subject.clone();
                draft.opened_on = input.opened_on.clone();
                draft.status = "active".into();
                if input.handle.trim().is_empty() {
                    return Err(wf_err(WorkflowError::Missing("请填写平台账号ID".into())));
                }
                let parsed = draft.parse(today).map_err(StoreError::from)?;
                let account = insert_account(&mut tx, actor, &parsed, "create").await?;
                sets.push(("account_id", Some(account.0.to_string())));
            }
            Action::Announce => {
                let text = input.announce_text.trim();
                if text.is_empty() || text.chars().count() > 2000 {
                    return Err(wf_err(WorkflowError::Missing(
                        "请填写不超过2000字的公告内容".into(),
                    )));
                }
                let on = parse_date(&input.date, today, "公告日期")?;
                if w.approved_on
                    .as_deref()
                    .is_some_and(|a| on.to_string().as_str() < a)
                {
                    return Err(wf_err(WorkflowError::Missing(
                        "公告日期不能早于批准日期".into(),
                    )));
                }
                sets.push(("announced_on", Some(on.to_string())));
                sets.push(("announce_text", Some(text.to_string())));
                sets.push(("announce_workdays", Some(announce_workdays.to_string())));
            }
            Action::Deregister => {
                let on = parse_date(&input.date, today, "注销日期")?;
                let announced = w
                    .announced_on
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .ok_or_else(|| wf_err(WorkflowError::Illegal("尚未公告，不能注销".into())))?;
                let earliest =
                    earliest_deregistration(cal, announced, w.announce_workdays.max(0) as u32)
                        .map_err(wf_err)?;
                if on < earliest {
                    return Err(wf_err(WorkflowError::TooEarly(earliest)));
                }
                let due = filing_due(cal, on, FILING_WORKDAYS).map_err(wf_err)?;
                sets.push(("event_on", Some(on.to_string())));
                sets.push(("filing_due", Some(due.to_string())));
                if let Some(acc) = w.account_id {
                    sqlx::query("UPDATE accounts SET status = 'closed', merged_into = $1, version = version + 1, updated_at = $2 WHERE id = $3")
                        .bind(w.survivor_account_id.map(|s| s.0))
                        .bind(now)
                        .bind(acc.0)
                        .execute(tx.conn())
                        .await?;
                    let change = serde_json::json!({"status": ["active", "closed"]}).to_string();
                    sqlx::query("INSERT INTO account_history (account_id, at, user_id, username, action, changes) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(acc.0)
                        .bind(now)
                        .bind(actor.user_id)
                        .bind(&actor.username)
                        .bind(w.kind.code())
                        .bind(change)
                        .execute(tx.conn())
                        .await?;
                }
            }
            Action::SubmitFiling => {
                let chain = self.org_chain(w.host_org_id).await?;
                let nodes: Vec<RouteNode> = chain
                    .iter()
                    .map(|o| RouteNode {
                        id: o.id,
                        level: o.level,
                        supervising: o.is_supervising,
                    })
                    .collect();
                let center: Option<i64> =
                    sqlx::query("SELECT id FROM orgs WHERE is_publicity_center = 1 LIMIT 1")
                        .fetch_optional(tx.conn())
                        .await?
                        .map(|r| r.try_get(0))
                        .transpose()?;
                let targets = filing_targets(&nodes, center.map(OrgId));
                if targets.is_empty() {
                    return Err(StoreError::conflict(
                        "no_filing_target",
                        "未找到该单位的宣传主管部门，请先在组织机构中指定",
                    ));
                }
                // Receivers no longer on the route (a designation moved) are
                // dropped, or the filing could never be fully accepted.
                let existing: Vec<i64> =
                    sqlx::query("SELECT org_id FROM filing_targets WHERE workflow_id = $1")
                        .bind(w.id)
                        .fetch_all(tx.conn())
                        .await?
                        .iter()
                        .map(|r| r.try_get::<i64, _>(0))
                        .collect::<Result<_, _>>()?;
                for old in existing
                    .into_iter()
                    .filter(|o| !targets.iter().any(|t| t.0 == *o))
                {
                    sqlx::query("DELETE FROM filing_targets WHERE workflow_id = $1 AND org_id = $2 AND status <> 'accepted'")
                        .bind(w.id)
                        .bind(old)
                        .execute(tx.conn())
                        .await?;
                }
                for t in targets {
                    // A resubmission goes back to every target that has not accepted.
                    let n = sqlx::query("UPDATE filing_targets SET status = 'pending', reason = '' WHERE workflow_id = $1 AND org_id = $2 AND status <> 'accepted'")
                        .bind(w.id)
                        .bind(t.0)
                        .execute(tx.conn())
                        .await?
                        .rows_affected();
                    let exists: i64 = sqlx::query("SELECT COUNT(*) FROM filing_targets WHERE workflow_id = $1 AND org_id = $2")
                        .bind(w.id)
                        .bind(t.0)
                        .fetch_one(tx.conn())
                        .await?
                        .try_get(0)?;
                    if n == 0 && exists == 0 {
                        sqlx::query("INSERT INTO filing_targets (workflow_id, org_id, status) VALUES ($1, $2, 'pending')")
                            .bind(w.id)
                            .bind(t.0)
                            .execute(tx.conn())
                            .await?;
                    }
                }
                sets.push(("filed_at", Some(now.to_string())));
            }
            Action::AcceptFiling | Action::ReturnFiling => {
                let receiving = crate::workflows::receiving_orgs(p);
                let status = if action == Action::AcceptFiling {
                    "accepted"
                } else {
                    "returned"
                };
                let mut acted = 0;
                for org in receiving {
                    acted += sqlx::query("UPDATE filing_targets SET status = $1, acted_by = $2, acted_at = $3, reason = $4 WHERE workflow_id = $5 AND org_id = $6 AND status = 'pending'")
                        .bind(status)
                        .bind(&actor.username)
                        .bind(now)
                        .bind(opinion)
                        .bind(w.id)
                        .bind(org.0)
                        .execute(tx.conn())
                        .await?
                        .rows_affected();
                }
                if acted == 0 {
                    return Err(forbidden());
                }
                let pending: i64 = sqlx::query("SELECT COUNT(*) FROM filing_targets WHERE workflow_id = $1 AND status <> 'accepted'")
                    .bind(w.id)
                    .fetch_one(tx.conn())
                    .await?
                    .try_get(0)?;
                last_target = pending == 0;
                if action == Action::ReturnFiling {
                    // The corrected filing is due within the same number of
                    // working days after the return.
                    let due = filing_due(cal, today, FILING_WORKDAYS).map_err(wf_err)?;
                    sets.push(("filing_due", Some(due.to_string())));
                }
            }
            Action::Reject => {}
        }
        let to = next_state(w.kind, w.state, action, last_target).map_err(wf_err)?;
        if to.is_final() {
            sets.push(("finished_at", Some(now.to_string())));
        }
        let mut sql =
            String::from("UPDATE workflows SET state = $1, version = version + 1, updated_at = $2");
        let ints = ["account_id", "announce_workdays", "filed_at", "finished_at"];
        for (i, (col, _)) in sets.iter().enumerate() {
            if ints.contains(col) {
                sql.push_str(&format!(", {col} = CAST(${} AS BIGINT)", i + 5));
            } else {
                sql.push_str(&format!(", {col} = ${}", i + 5));
            }
        }
        sql.push_str(" WHERE id = $3 AND version = $4");
        let mut q = sqlx::query(&sql)
            .bind(to.code())
            .bind(now)
            .bind(w.id)
            .bind(w.version);
        for (_, v) in &sets {
            q = q.bind(v.clone());
        }
        if q.execute(tx.conn()).await?.rows_affected() == 0 {
            return Err(StoreError::conflict(
                "version_conflict",
                "该申请已被他人处理，请刷新后重试",
            ));
        }
        insert_step(&mut tx, actor, w.id, action.code(), w.state, to, opinion).await?;
        let mut a = actor.audit(&format!("workflow.{}", action.code()), "workflow", w.id);
        a.detail = serde_json::json!({"from": w.state.code(), "to": to.code(), "opinion": opinion})
            .to_string();
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok(to)
    }

    /// Scope check helper for callers that only have a scope.
    pub async fn workflow_visible(&self, scope: &Scope, id: i64) -> bool {
        self.workflow(scope, id).await.is_ok()
    }
}

/// The serialized planned account in a workflow's data.
#[derive(Debug, Deserialize)]
struct AccountInputData {
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

impl AccountInputData {
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
