//! 备案期限提醒: every filing still to be submitted that is due within two
//! working days or overdue raises a notification for each user who may
//! submit it. Raised once per (user, workflow, kind), so the job can run
//! as often as it likes.

use crate::{JobCtx, Outcome};
use chrono::{DateTime, NaiveDate, Utc};
use govmedia_domain::auth::{Permission, Principal, Scope};
use govmedia_domain::calendar::Calendar;
use govmedia_domain::clock::china_date;
use govmedia_domain::filing::{Filing, Urgency, urgency};
use govmedia_domain::text::quoted;
use govmedia_store::StoreError;
use govmedia_store::filings::FilingFilter;
use govmedia_store::notifications::NewNotification;

/// The reminders due on `today` for `open` workflows, for `people`.
pub fn reminders(
    cal: &Calendar,
    today: NaiveDate,
    open: &[Filing],
    people: &[Principal],
) -> Vec<NewNotification> {
    let mut out = Vec::new();
    for w in open.iter().filter(|w| w.filing_pending()) {
        let Some(due) = w.filing_due else { continue };
        let (kind, message) = match urgency(cal, today, due) {
            Urgency::Overdue => (
                "overdue",
                format!("{}的备案已于 {due} 逾期，请尽快报送", quoted(&w.title)),
            ),
            Urgency::DueSoon => (
                "due_soon",
                format!("{}最迟须于 {due}（含当日）报送备案", quoted(&w.title)),
            ),
            Urgency::Normal => continue,
        };
        for p in people
            .iter()
            .filter(|p| p.allows_org(Permission::FilingSubmit, w.host_org_id, &w.host_org_path))
        {
            out.push(NewNotification {
                user: p.user_id,
                workflow: w.id,
                kind,
                message: message.clone(),
            });
        }
    }
    out
}

pub async fn run_once(ctx: &JobCtx, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
    // Deadlines that waited for a year's calendar first (it may have been
    // loaded by another instance or straight into the database).
    let cal = ctx.store.calendar().await?;
    let filled = govmedia_app::filings::fill_waiting_deadlines(&ctx.store, &cal).await?;
    let created = raise(&ctx.store, china_date(now)).await?;
    Ok(Outcome {
        summary: if filled > 0 {
            format!("新提醒 {created} 条；补算待定期限 {filled} 个")
        } else {
            format!("新提醒 {created} 条")
        },
    })
}

/// Raises the reminders for `today`; returns how many were new.
pub async fn raise(store: &govmedia_store::Store, today: NaiveDate) -> Result<u64, StoreError> {
    let cal = store.calendar().await?;
    let open = store
        .workflows(
            &Scope::All { within: None },
            &FilingFilter {
                open_only: true,
                ..Default::default()
            },
        )
        .await?;
    if !open.iter().any(Filing::filing_pending) {
        return Ok(0);
    }
    let people = store.active_principals().await?;
    store
        .raise_notifications(&reminders(&cal, today, &open, &people))
        .await
}
