//! Reading workflows: lists, one workflow, its steps and filing targets,
//! the route a filing takes. Writes are in `workflow_effects`. The rules
//! (what may happen next) are in `govmedia_domain::filing`.

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::NaiveDate;
use govmedia_domain::auth::{Permission, Principal, Scope};
use govmedia_domain::filing::{
    Filing, FilingKind, FilingTarget, Route, RouteNode, State, Step, TargetStatus, receiving_orgs,
};
use govmedia_domain::{AccountId, FilingId, OrgId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

pub(crate) const COLUMNS: &str = "w.id, w.kind, w.state, w.host_org_id, o.name AS host_org_name, o.path AS host_org_path, w.account_id, a.name AS account_name, w.survivor_account_id, w.applicant_id, u.display_name AS applicant_name, w.title, w.data, w.approved_on, w.event_on, w.announced_on, w.announce_text, w.announce_workdays, w.filing_due, w.due_from, w.filed_at, w.finished_at, w.version, w.created_at, w.updated_at";

pub(crate) const FROM: &str = " FROM workflows w JOIN orgs o ON o.id = w.host_org_id JOIN users u ON u.id = w.applicant_id LEFT JOIN accounts a ON a.id = w.account_id";

/// A value in the database that the code does not know is an error, never
/// a default: it means a newer version wrote it or the data was altered.
pub(crate) fn unknown(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {column} {value:?} in the database").into())
}

pub(crate) fn decode<T>(
    r: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    let raw: String = r.try_get(column)?;
    parse(&raw).ok_or_else(|| unknown(column, &raw))
}

/// A date column stored as `YYYY-MM-DD` text.
pub(crate) fn date(r: &AnyRow, column: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
    match r.try_get::<Option<String>, _>(column)? {
        None => Ok(None),
        Some(s) if s.is_empty() => Ok(None),
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| unknown(column, &s)),
    }
}

pub(crate) fn from_row(r: &AnyRow) -> Result<Filing, sqlx::Error> {
    let data: String = r.try_get("data")?;
    Ok(Filing {
        id: FilingId(r.try_get("id")?),
        kind: decode(r, "kind", FilingKind::parse)?,
        state: decode(r, "state", State::parse)?,
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
        data: serde_json::from_str(&data).map_err(|_| unknown("data", &data))?,
        approved_on: date(r, "approved_on")?,
        event_on: date(r, "event_on")?,
        announced_on: date(r, "announced_on")?,
        announce_text: r.try_get("announce_text")?,
        announce_workdays: u32::try_from(r.try_get::<i64, _>("announce_workdays")?).unwrap_or(0),
        filing_due: date(r, "filing_due")?,
        due_from: date(r, "due_from")?,
        filed_at: r.try_get("filed_at")?,
        finished_at: r.try_get("finished_at")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn target_from_row(r: &AnyRow) -> Result<(FilingId, FilingTarget), sqlx::Error> {
    Ok((
        FilingId(r.try_get("workflow_id")?),
        FilingTarget {
            org_id: OrgId(r.try_get("org_id")?),
            org_name: r.try_get("org_name")?,
            status: decode(r, "status", TargetStatus::parse)?,
            acted_by: r.try_get("acted_by")?,
            acted_at: r.try_get("acted_at")?,
            reason: r.try_get("reason")?,
        },
    ))
}

/// Filters of the workflow list.
#[derive(Debug, Clone, Default)]
pub struct FilingFilter {
    pub kind: Option<FilingKind>,
    pub state: Option<State>,
    /// Only workflows overdue on this day (see `Filing::overdue_on`).
    pub overdue_on: Option<NaiveDate>,
    pub account: Option<AccountId>,
    pub open_only: bool,
    /// Only filings hosted by this org or its subtree.
    pub org: Option<OrgId>,
    /// Words in the title (事项) or the applicant's name.
    pub q: Option<String>,
}

impl Store {
    /// Workflows whose host org lies within `scope`, newest first.
    pub async fn workflows(&self, scope: &Scope, f: &FilingFilter) -> StoreResult<Vec<Filing>> {
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
        if let Some(org) = f.org {
            q.push(" AND o.path LIKE (SELECT path FROM orgs WHERE id = ");
            q.bind(org.0);
            q.push(") || '%'");
        }
        if let Some(words) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let pat = format!("%{}%", crate::sql::like_escape(words));
            q.push(" AND (w.title LIKE ");
            q.bind(pat.clone());
            q.push(" ESCAPE '\\' OR u.display_name LIKE ");
            q.bind(pat);
            q.push(" ESCAPE '\\')");
        }
        if f.open_only {
            q.push(" AND w.state NOT IN (");
            q.bind_list(State::FINAL.iter().map(|s| s.code()));
            q.push(")");
        }
        if let Some(today) = f.overdue_on {
            // Filing::overdue_on, in SQL.
            q.push(" AND w.state IN (");
            q.bind_list(State::FILING_PENDING.iter().map(|s| s.code()));
            q.push(") AND w.filing_due IS NOT NULL AND w.filing_due < ");
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
    /// Filings to be submitted whose deadline is 待定: it counts from a day
    /// whose five working days run into a year without a calendar. Every
    /// scope: the calendar manager resolves them for all.
    pub async fn deadlines_waiting(&self) -> StoreResult<Vec<(FilingId, NaiveDate)>> {
        let mut q = Sql::new("SELECT w.id, w.due_from FROM workflows w WHERE w.state IN (");
        q.bind_list(State::FILING_PENDING.iter().map(|s| s.code()));
        q.push(") AND w.filing_due IS NULL AND w.due_from IS NOT NULL ORDER BY w.id");
        let mut out = Vec::new();
        for r in q.query()?.fetch_all(&self.pool).await? {
            if let Some(from) = date(&r, "due_from")? {
                out.push((FilingId(r.try_get("id")?), from));
            }
        }
        Ok(out)
    }

    pub async fn workflow(&self, scope: &Scope, id: FilingId) -> StoreResult<Filing> {
        let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} WHERE w.id = "));
        q.bind(id.0);
        push_scope(&mut q, scope, "o.id", "o.path");
        let r = q
            .query()?
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(from_row(&r)?)
    }

    pub async fn workflow_steps(&self, id: FilingId) -> StoreResult<Vec<Step>> {
        let rows = sqlx::query(
            "SELECT at, username, action, from_state, to_state, opinion FROM workflow_steps WHERE workflow_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(Step {
                at: r.try_get("at")?,
                username: r.try_get("username")?,
                action: r.try_get("action")?,
                from_state: decode(&r, "from_state", State::parse)?,
                to_state: decode(&r, "to_state", State::parse)?,
                opinion: r.try_get("opinion")?,
            });
        }
        Ok(out)
    }

    pub async fn filing_targets(&self, id: FilingId) -> StoreResult<Vec<FilingTarget>> {
        Ok(self
            .filing_targets_of(&[id])
            .await?
            .remove(&id)
            .unwrap_or_default())
    }

    /// The filing targets of several workflows in one query.
    pub async fn filing_targets_of(
        &self,
        ids: &[FilingId],
    ) -> StoreResult<HashMap<FilingId, Vec<FilingTarget>>> {
        let mut out: HashMap<FilingId, Vec<FilingTarget>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut q = Sql::new(
            "SELECT t.workflow_id, t.org_id, o.name AS org_name, t.status, t.acted_by, t.acted_at, t.reason FROM filing_targets t JOIN orgs o ON o.id = t.org_id WHERE t.workflow_id IN (",
        );
        q.bind_list(ids.iter().map(|i| i.0));
        q.push(") ORDER BY t.id");
        for r in q.query()?.fetch_all(&self.pool).await? {
            let (w, t) = target_from_row(&r)?;
            out.entry(w).or_default().push(t);
        }
        Ok(out)
    }

    /// Filed workflows with a filing pending at one of `orgs`, whatever the
    /// host org (receivers see what is routed to them).
    async fn routed_to(&self, orgs: &[OrgId]) -> StoreResult<Vec<Filing>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(&format!("SELECT {COLUMNS}{FROM} WHERE w.state = "));
        q.bind(State::Filed.code());
        q.push(" AND w.id IN (SELECT workflow_id FROM filing_targets WHERE status = ");
        q.bind(TargetStatus::Pending.code());
        q.push(" AND org_id IN (");
        q.bind_list(orgs.iter().map(|x| x.0));
        q.push(")) ORDER BY w.id DESC");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// One workflow as `p` may see it: within their read scope, or routed
    /// to one of the orgs where they receive filings.
    pub async fn workflow_for(&self, p: &Principal, id: FilingId) -> StoreResult<Filing> {
        match self.workflow(&p.scope(Permission::AccountRead), id).await {
            Err(StoreError::NotFound) => {
                let receiving = receiving_orgs(p);
                if receiving.is_empty() {
                    return Err(StoreError::NotFound);
                }
                let routed: i64 = {
                    let mut q =
                        Sql::new("SELECT COUNT(*) FROM filing_targets WHERE workflow_id = ");
                    q.bind(id.0);
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

    /// Every open workflow `p` can see: within their read scope, plus
    /// those routed to them, newest first.
    pub async fn open_workflows_for(&self, p: &Principal) -> StoreResult<Vec<Filing>> {
        let mut open = self
            .workflows(
                &p.scope(Permission::AccountRead),
                &FilingFilter {
                    open_only: true,
                    ..Default::default()
                },
            )
            .await?;
        for w in self.routed_to(&receiving_orgs(p)).await? {
            if !open.iter().any(|o| o.id == w.id) {
                open.push(w);
            }
        }
        Ok(open)
    }

    /// The route a filing of `host`'s takes: its org chain and the
    /// publicity center.
    pub async fn filing_route(&self, host: OrgId) -> StoreResult<Route> {
        let chain = self
            .org_chain(host)
            .await?
            .iter()
            .map(|o| RouteNode {
                id: o.id,
                level: o.level,
                supervising: o.is_supervising,
            })
            .collect();
        let center: Option<i64> =
            sqlx::query("SELECT id FROM orgs WHERE is_publicity_center = 1 LIMIT 1")
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
        Ok(Route {
            chain,
            publicity_center: center.map(OrgId),
        })
    }
}

/// A file kept with a filing, without its content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AttachmentMeta {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

impl Store {
    /// The files kept with filing `id` (the caller has checked it may see
    /// the filing), oldest first.
    pub async fn filing_attachments(&self, id: FilingId) -> StoreResult<Vec<AttachmentMeta>> {
        let rows = sqlx::query(
            "SELECT id, filename, content_type, size_bytes, uploaded_by, uploaded_at FROM filing_attachments WHERE workflow_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AttachmentMeta {
                    id: r.try_get(0)?,
                    filename: r.try_get(1)?,
                    content_type: r.try_get(2)?,
                    size_bytes: r.try_get(3)?,
                    uploaded_by: r.try_get(4)?,
                    uploaded_at: r.try_get(5)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// One file of filing `id` with its content.
    pub async fn filing_attachment(
        &self,
        id: FilingId,
        attachment: i64,
    ) -> StoreResult<(AttachmentMeta, Vec<u8>)> {
        let r = sqlx::query(
            "SELECT id, filename, content_type, size_bytes, uploaded_by, uploaded_at, data FROM filing_attachments WHERE workflow_id = $1 AND id = $2",
        )
        .bind(id.0)
        .bind(attachment)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok((
            AttachmentMeta {
                id: r.try_get(0)?,
                filename: r.try_get(1)?,
                content_type: r.try_get(2)?,
                size_bytes: r.try_get(3)?,
                uploaded_by: r.try_get(4)?,
                uploaded_at: r.try_get(5)?,
            },
            r.try_get(6)?,
        ))
    }
}
