//! Workflow records: reading, listing and the to-do list. Changes are in
//! `workflow_actions`.

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::NaiveDate;
use govmedia_domain::auth::{Permission, Principal, Scope};
use govmedia_domain::workflow::{Action, State, WorkflowKind, possible_actions};
use govmedia_domain::{AccountId, OrgId, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize)]
pub struct WorkflowRecord {
    pub id: i64,
    pub kind: WorkflowKind,
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
    pub data: serde_json::Value,
    pub approved_on: Option<String>,
    pub event_on: Option<String>,
    pub announced_on: Option<String>,
    pub announce_text: String,
    pub announce_workdays: i64,
    pub filing_due: Option<String>,
    pub filed_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl WorkflowRecord {
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.filing_due
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }

    /// Whether the filing is still to be submitted (the deadline runs).
    pub fn filing_pending(&self) -> bool {
        matches!(
            self.state,
            State::Approved
                | State::Opened
                | State::Returned
                | State::Recorded
                | State::Deregistered
                | State::Announced
        ) && self.filing_due.is_some()
    }
}

pub(crate) const COLUMNS: &str = "w.id, w.kind, w.state, w.host_org_id, o.name AS host_org_name, o.path AS host_org_path, w.account_id, a.name AS account_name, w.survivor_account_id, w.applicant_id, u.display_name AS applicant_name, w.title, w.data, w.approved_on, w.event_on, w.announced_on, w.announce_text, w.announce_workdays, w.filing_due, w.filed_at, w.finished_at, w.version, w.created_at, w.updated_at";

pub(crate) const FROM: &str = " FROM workflows w JOIN orgs o ON o.id = w.host_org_id JOIN users u ON u.id = w.applicant_id LEFT JOIN accounts a ON a.id = w.account_id";

pub(crate) fn from_row(r: &AnyRow) -> Result<WorkflowRecord, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let state: String = r.try_get("state")?;
    let data: String = r.try_get("data")?;
    Ok(WorkflowRecord {
        id: r.try_get("id")?,
        kind: WorkflowKind::parse(&kind).unwrap_or(WorkflowKind::Open),
        state: State::parse(&state).unwrap_or(State::Applied),
        host_org_id: OrgId(r.try_get("host_org_id")?),
        host_org_name: r.try_get("host_org_name")?,
        host_org_path: r.try_get("host_org_path")?,
        account_id: r.try_get::<Option<i64>, _>("account_id")?.map(AccountId),
        account_name: r.try_get("account_name")?,
        survivor_account_id: r
            .try_get::<Option<i64>, _>("survivor_account_id")?
            .map(AccountId),
        applicant_id: UserId(r.try_get("applicant_id")?),
        applicant_name: r.try_get("applicant_name")?,
        title: r.try_get("title")?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        approved_on: r.try_get("approved_on")?,
        event_on: r.try_get("event_on")?,
        announced_on: r.try_get("announced_on")?,
        announce_text: r.try_get("announce_text")?,
        announce_workdays: r.try_get("announce_workdays")?,
        filing_due: r.try_get("filing_due")?,
        filed_at: r.try_get("filed_at")?,
        finished_at: r.try_get("finished_at")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct StepRecord {
    pub at: i64,
    pub username: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub opinion: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetRecord {
    pub org_id: OrgId,
    pub org_name: String,
    pub status: String,
    pub acted_by: String,
    pub acted_at: Option<i64>,
    pub reason: String,
}

/// Filters of the workflow list.
#[derive(Debug, Clone, Default)]
pub struct WorkflowFilter {
    pub kind: Option<WorkflowKind>,
    pub state: Option<State>,
    /// Only workflows whose filing deadline passed before `today` while the
    /// filing was still to be submitted.
    pub overdue_on: Option<NaiveDate>,
    pub account: Option<AccountId>,
    pub open_only: bool,
}

/// One entry of the to-do list: what this user can do now, and by when.
#[derive(Debug, Clone, Serialize)]
pub struct TodoItem {
    pub workflow: WorkflowRecord,
    pub actions: Vec<Action>,
}

/// Orgs at which the principal receives filings: the anchor orgs of the
/// assignments that grant `filing:receive`.
pub fn receiving_orgs(p: &Principal) -> Vec<OrgId> {
    p.assignments
        .iter()
        .filter(|a| a.role.permissions().contains(&Permission::FilingReceive))
        .filter(|a| {
            p.restrict_path
                .as_deref()
                .is_none_or(|r| a.org_path.starts_with(r))
        })
        .map(|a| a.org_id)
        .collect()
}

impl Store {
    /// Workflows whose host org lies within `scope`, newest first.
    pub async fn workflows(
        &self,
        scope: &Scope,
        f: &WorkflowFilter,
    ) -> StoreResult<Vec<WorkflowRecord>> {
        let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} WHERE 1 = 1"));
        push_scope(&mut q, scope, "o.id", "o.path");
        if let Some(k) = f.kind {
            q.push(" AND w.kind = ").bind(k.code());
        }
        if let Some(s) = f.state {
            q.push(" AND w.state = ").bind(s.code());
        }
        if let Some(a) = f.account {
            q.push(" AND (w.account_id = ");
            q.bind(a.0);
            q.push(" OR w.survivor_account_id = ");
            q.bind(a.0);
            q.push(")");
        }
        if f.open_only {
            q.push(" AND w.state NOT IN ('accepted', 'rejected')");
        }
        if let Some(today) = f.overdue_on {
            q.push(" AND w.state IN ('approved', 'opened', 'returned', 'recorded', 'deregistered') AND w.filing_due < ");
            q.bind(today.to_string());
        }
        q.push(" ORDER BY w.id DESC");
        // Lists shown to people are capped; internal callers (the to-do
        // list, reminders) need every open workflow.
        if !f.open_only {
            q.push(" LIMIT 2000");
        }
        let rows = q.query()?.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// One workflow if its host org lies within `scope`.
    pub async fn workflow(&self, scope: &Scope, id: i64) -> StoreResult<WorkflowRecord> {
        let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} WHERE w.id = "));
        q.bind(id);
        push_scope(&mut q, scope, "o.id", "o.path");
        let r = q
            .query()?
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(from_row(&r)?)
    }

    pub async fn workflow_steps(&self, id: i64) -> StoreResult<Vec<StepRecord>> {
        let rows = sqlx::query(
            "SELECT at, username, action, from_state, to_state, opinion FROM workflow_steps WHERE workflow_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(StepRecord {
                at: r.try_get(0)?,
                username: r.try_get(1)?,
                action: r.try_get(2)?,
                from_state: r.try_get(3)?,
                to_state: r.try_get(4)?,
                opinion: r.try_get(5)?,
            });
        }
        Ok(out)
    }

    pub async fn filing_targets(&self, id: i64) -> StoreResult<Vec<TargetRecord>> {
        let rows = sqlx::query(
            "SELECT t.org_id, o.name, t.status, t.acted_by, t.acted_at, t.reason FROM filing_targets t JOIN orgs o ON o.id = t.org_id WHERE t.workflow_id = $1 ORDER BY t.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(TargetRecord {
                org_id: OrgId(r.try_get(0)?),
                org_name: r.try_get(1)?,
                status: r.try_get(2)?,
                acted_by: r.try_get(3)?,
                acted_at: r.try_get(4)?,
                reason: r.try_get(5)?,
            });
        }
        Ok(out)
    }

    /// Open workflows with a filing pending at one of `orgs`, whatever the
    /// host org (receivers see what is routed to them).
    async fn routed_to(&self, orgs: &[OrgId]) -> StoreResult<Vec<WorkflowRecord>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(&format!(
            "SELECT {COLUMNS}{FROM} WHERE w.state = 'filed' AND w.id IN (SELECT workflow_id FROM filing_targets WHERE status = 'pending' AND org_id IN ("
        ));
        q.bind_list(orgs.iter().map(|x| x.0));
        q.push(")) ORDER BY w.id DESC");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// One workflow as `p` may see it: within their read scope, or routed
    /// to one of the orgs where they receive filings.
    pub async fn workflow_for(&self, p: &Principal, id: i64) -> StoreResult<WorkflowRecord> {
        match self.workflow(&p.scope(Permission::AccountRead), id).await {
            Err(StoreError::NotFound) => {
                let receiving = receiving_orgs(p);
                if receiving.is_empty() {
                    return Err(StoreError::NotFound);
                }
                let routed: i64 = {
                    let mut q =
                        Sql::new("SELECT COUNT(*) FROM filing_targets WHERE workflow_id = ");
                    q.bind(id);
                    q.push(" AND org_id IN (");
                    q.bind_list(receiving.iter().map(|x| x.0));
                    q.push(")");
                    q.query()?.fetch_one(&self.pool).await?.try_get(0)?
                };
                if routed == 0 {
                    return Err(StoreError::NotFound);
                }
                self.workflow(&Scope::All { within: None }, id).await
            }
            other => other,
        }
    }

    /// The actions `p` may take on `w` right now.
    pub async fn allowed_actions(
        &self,
        p: &Principal,
        w: &WorkflowRecord,
    ) -> StoreResult<Vec<Action>> {
        let mut out = Vec::new();
        let receiving = receiving_orgs(p);
        let pending_here = if w.state == State::Filed && !receiving.is_empty() {
            self.filing_targets(w.id)
                .await?
                .iter()
                .any(|t| t.status == "pending" && receiving.contains(&t.org_id))
        } else {
            false
        };
        for a in possible_actions(w.kind, w.state) {
            let ok = match a {
                Action::AcceptFiling | Action::ReturnFiling => {
                    pending_here && w.applicant_id != p.user_id
                }
                Action::Approve | Action::Reject => {
                    w.applicant_id != p.user_id
                        && p.allows_org(a.permission(), w.host_org_id, &w.host_org_path)
                }
                _ => p.allows_org(a.permission(), w.host_org_id, &w.host_org_path),
            };
            if ok {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Everything the principal can act on now, soonest deadline first.
    pub async fn todo(&self, p: &Principal) -> StoreResult<Vec<TodoItem>> {
        let scope = p.scope(Permission::AccountRead);
        let open = self
            .workflows(
                &scope,
                &WorkflowFilter {
                    open_only: true,
                    ..Default::default()
                },
            )
            .await?;
        let mut open = open;
        for w in self.routed_to(&receiving_orgs(p)).await? {
            if !open.iter().any(|o| o.id == w.id) {
                open.push(w);
            }
        }
        let mut out = Vec::new();
        for w in open {
            let actions = self.allowed_actions(p, &w).await?;
            if !actions.is_empty() {
                out.push(TodoItem {
                    workflow: w,
                    actions,
                });
            }
        }
        out.sort_by(|a, b| {
            let key = |t: &TodoItem| {
                (
                    t.workflow
                        .filing_due
                        .clone()
                        .unwrap_or_else(|| "9999".into()),
                    t.workflow.id,
                )
            };
            key(a).cmp(&key(b))
        });
        Ok(out)
    }
}
