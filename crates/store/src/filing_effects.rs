//! Writing workflows: a new workflow, or the effects of a decided action,
//! each in one transaction with its step and audit entry. Nothing here
//! decides; the decisions are in `govmedia_domain::filing`.

use crate::accounts::{AccountRecord, apply_account_update, insert_account};
use crate::audit::append;
use crate::db::{Store, WriteTx};
use crate::error::{StoreError, StoreResult};
use crate::orgs::Actor;
use crate::sql::Sql;
use chrono::NaiveDate;
use govmedia_domain::FilingId;
use govmedia_domain::account::{AccountInput, AccountStatus};
use govmedia_domain::filing::{
    Effects, Filing, FilingKind, NewFiling, State, TargetEffect, TargetStatus,
};
use sqlx::Row;

async fn insert_step(
    tx: &mut WriteTx,
    actor: &Actor,
    id: FilingId,
    action: &str,
    from: State,
    to: State,
    opinion: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO workflow_steps (workflow_id, at, user_id, username, action, from_state, to_state, opinion) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.0)
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

/// Inserts a new workflow with its first step and audit entry.
pub(crate) async fn insert_workflow(
    tx: &mut WriteTx,
    applicant: &Actor,
    w: &NewFiling,
) -> StoreResult<FilingId> {
    let now = tx.now.timestamp();
    let user = applicant
        .user_id
        .ok_or_else(|| StoreError::Other("workflow without applicant".into()))?;
    let id: i64 = sqlx::query(
        "INSERT INTO workflows (kind, state, host_org_id, account_id, survivor_account_id, applicant_id, title, data, event_on, filing_due, created_at, updated_at, due_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id",
    )
    .bind(w.kind.code())
    .bind(w.state.code())
    .bind(w.host.0)
    .bind(w.account.map(|a| a.0))
    .bind(w.survivor.map(|a| a.0))
    .bind(user)
    .bind(&w.title)
    .bind(w.data.to_string())
    .bind(w.event_on.map(|d| d.to_string()))
    .bind(w.deadline.and_then(|d| d.due).map(|d| d.to_string()))
    .bind(now)
    .bind(w.deadline.map(|d| d.from.to_string()))
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    let id = FilingId(id);
    insert_step(tx, applicant, id, "apply", w.state, w.state, "").await?;
    let mut a = applicant.audit(&format!("workflow.{}", w.kind.code()), "workflow", id.0);
    a.detail =
        serde_json::json!({"title": w.title, "account_id": w.account.map(|a| a.0)}).to_string();
    append(tx, a).await?;
    Ok(id)
}

impl Store {
    /// Starts a decided workflow (an application to open an account).
    pub async fn start_workflow(&self, applicant: &Actor, w: &NewFiling) -> StoreResult<FilingId> {
        let mut tx = self.begin_write().await?;
        let id = insert_workflow(&mut tx, applicant, w).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Starts a decided closure or merger. One account has at most one
    /// open closure: checked inside the write transaction, so two
    /// applications cannot both pass.
    pub async fn start_closure(&self, applicant: &Actor, w: &NewFiling) -> StoreResult<FilingId> {
        let mut tx = self.begin_write().await?;
        let mut q = Sql::new("SELECT COUNT(*) FROM workflows WHERE account_id = ");
        q.bind(w.account.map(|a| a.0));
        q.push(" AND kind IN (");
        q.bind_list([FilingKind::Close.code(), FilingKind::Merge.code()]);
        q.push(") AND state NOT IN (");
        q.bind_list(State::FINAL.iter().map(|s| s.code()));
        q.push(")");
        let open: i64 = q.query()?.fetch_one(tx.conn()).await?.try_get(0)?;
        if open > 0 {
            return Err(StoreError::conflict(
                "workflow_exists",
                "该账号已有进行中的关停或整合申请",
            ));
        }
        let id = insert_workflow(&mut tx, applicant, w).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a decided change: the registry takes the new values and the
    /// change's filing obligation starts, together.
    pub async fn record_change_effects(
        &self,
        actor: &Actor,
        account: &AccountRecord,
        input: &AccountInput,
        w: &NewFiling,
    ) -> StoreResult<FilingId> {
        let mut tx = self.begin_write().await?;
        apply_account_update(&mut tx, actor, account, input).await?;
        let id = insert_workflow(&mut tx, actor, w).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets a 待定 deadline once the calendar covers it. Only a deadline
    /// still waiting is written, so a concurrent action is never undone.
    pub async fn set_waiting_deadline(&self, id: FilingId, due: NaiveDate) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let now = tx.now.timestamp();
        let n = sqlx::query(
            "UPDATE workflows SET filing_due = $1, updated_at = $2 WHERE id = $3 AND filing_due IS NULL AND due_from IS NOT NULL",
        )
        .bind(due.to_string())
        .bind(now)
        .bind(id.0)
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n > 0)
    }

    /// Applies a decided action to `w`, guarded by the version it was
    /// decided on, with its step and audit entry. Returns the new state.
    pub async fn apply_workflow_effects(
        &self,
        actor: &Actor,
        w: &Filing,
        e: &Effects,
    ) -> StoreResult<State> {
        let mut tx = self.begin_write().await?;
        let now = tx.now.timestamp();
        let mut q = Sql::new("UPDATE workflows SET state = ");
        q.bind(e.to.code());
        q.push(", version = version + 1, updated_at = ");
        q.bind(now);
        if let Some(account) = &e.create_account {
            let id = insert_account(&mut tx, actor, account, "create").await?;
            q.push(", account_id = ").bind(id.0);
        }
        if let Some(c) = e.close_account {
            close_account(
                &mut tx,
                actor,
                c.account.0,
                c.merged_into.map(|m| m.0),
                c.kind,
            )
            .await?;
        }
        for t in &e.targets {
            apply_target(&mut tx, actor, w.id, t).await?;
        }
        for a in &e.attachments {
            sqlx::query(
                "INSERT INTO filing_attachments (workflow_id, filename, content_type, size_bytes, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(w.id.0)
            .bind(&a.filename)
            .bind(a.content_type)
            .bind(a.bytes.len() as i64)
            .bind(a.bytes.clone())
            .bind(&actor.username)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        let u = &e.update;
        if let Some(d) = u.approved_on {
            q.push(", approved_on = ").bind(d.to_string());
        }
        if let Some(d) = u.deadline {
            q.push(", due_from = ").bind(d.from.to_string());
            q.push(", filing_due = ").bind(d.due.map(|x| x.to_string()));
        }
        if let Some((on, text, days)) = &u.announced {
            q.push(", announced_on = ").bind(on.to_string());
            q.push(", announce_text = ").bind(text.as_str());
            q.push(", announce_workdays = ").bind(i64::from(*days));
        }
        if let Some(d) = u.event_on {
            q.push(", event_on = ").bind(d.to_string());
        }
        if u.filed {
            q.push(", filed_at = ").bind(now);
        }
        if u.finished {
            q.push(", finished_at = ").bind(now);
        }
        q.push(" WHERE id = ").bind(w.id.0);
        q.push(" AND version = ").bind(w.version);
        if q.query()?.execute(tx.conn()).await?.rows_affected() == 0 {
            return Err(StoreError::conflict(
                "version_conflict",
                "该申请已被他人处理，请刷新后重试",
            ));
        }
        insert_step(
            &mut tx,
            actor,
            w.id,
            e.action.code(),
            e.from,
            e.to,
            &e.opinion,
        )
        .await?;
        let mut a = actor.audit(&format!("workflow.{}", e.action.code()), "workflow", w.id.0);
        a.detail =
            serde_json::json!({"from": e.from.code(), "to": e.to.code(), "opinion": e.opinion})
                .to_string();
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok(e.to)
    }
}

/// Closes the account in the registry, with a history entry.
async fn close_account(
    tx: &mut WriteTx,
    actor: &Actor,
    account: i64,
    merged_into: Option<i64>,
    kind: FilingKind,
) -> StoreResult<()> {
    let now = tx.now.timestamp();
    sqlx::query("UPDATE accounts SET status = $1, merged_into = $2, handle_key = NULL, version = version + 1, updated_at = $3 WHERE id = $4")
        .bind(AccountStatus::Closed.code())
        .bind(merged_into)
        .bind(now)
        .bind(account)
        .execute(tx.conn())
        .await?;
    let change =
        serde_json::json!({"status": [AccountStatus::Active.code(), AccountStatus::Closed.code()]})
            .to_string();
    sqlx::query("INSERT INTO account_history (account_id, at, user_id, username, action, changes) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(account)
        .bind(now)
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(kind.code())
        .bind(change)
        .execute(tx.conn())
        .await?;
    Ok(())
}

async fn apply_target(
    tx: &mut WriteTx,
    actor: &Actor,
    w: FilingId,
    t: &TargetEffect,
) -> StoreResult<()> {
    let accepted = TargetStatus::Accepted.code();
    let pending = TargetStatus::Pending.code();
    let now = tx.now.timestamp();
    match t {
        TargetEffect::Remove(org) => {
            sqlx::query("DELETE FROM filing_targets WHERE workflow_id = $1 AND org_id = $2 AND status <> $3")
                .bind(w.0)
                .bind(org.0)
                .bind(accepted)
                .execute(tx.conn())
                .await?;
        }
        TargetEffect::Resend(org) => {
            sqlx::query("UPDATE filing_targets SET status = $1, reason = '' WHERE workflow_id = $2 AND org_id = $3 AND status <> $4")
                .bind(pending)
                .bind(w.0)
                .bind(org.0)
                .bind(accepted)
                .execute(tx.conn())
                .await?;
        }
        TargetEffect::Add(org) => {
            sqlx::query(
                "INSERT INTO filing_targets (workflow_id, org_id, status) VALUES ($1, $2, $3)",
            )
            .bind(w.0)
            .bind(org.0)
            .bind(pending)
            .execute(tx.conn())
            .await?;
        }
        TargetEffect::Answer {
            org,
            status,
            reason,
        } => {
            sqlx::query("UPDATE filing_targets SET status = $1, acted_by = $2, acted_at = $3, reason = $4 WHERE workflow_id = $5 AND org_id = $6 AND status = $7")
                .bind(status.code())
                .bind(&actor.username)
                .bind(now)
                .bind(reason.as_str())
                .bind(w.0)
                .bind(org.0)
                .bind(pending)
                .execute(tx.conn())
                .await?;
        }
    }
    Ok(())
}
