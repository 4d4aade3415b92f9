//! The home page: what needs attention within the user's jurisdiction.

use crate::auth::PageUser;
use crate::charts::{Column, columns};
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::layout::NoticeQuery;
use crate::layout::html_escape;
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use govmedia_app::monitoring_overview::{Overview, overview};
use govmedia_domain::account::AccountStatus;
use govmedia_domain::auth::Permission;
use govmedia_domain::checks::WarningKind;
use govmedia_domain::platform::Platform;
use govmedia_store::filings::FilingFilter;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    title: &'static str,
    ctx: Ctx,
    total: i64,
    /// (status code, label, count) for every status: the cards add up.
    statuses: Vec<(&'static str, &'static str, i64)>,
    warned: usize,
    /// What the user can act on now (我的待办).
    todo: usize,
    /// Missing calendar years, if any.
    gap: String,
    warnings: Vec<(&'static str, &'static str, usize)>,
    chart: String,
    /// Workflows past their filing deadline (逾期备案).
    late_filings: usize,
    /// The monitoring numbers, or why they cannot be computed now.
    monitoring: Result<Monitoring, String>,
}

/// 首页's monitoring part.
struct Monitoring {
    o: Overview,
    weekly_chart: String,
    /// (org id, name, accounts, zombies, zombie share, on-time rate).
    ranking: Vec<(i64, String, u32, u32, String, String)>,
}

fn percent(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

fn monitoring(o: Overview) -> Monitoring {
    let weekly_chart = columns(
        &o.weekly
            .iter()
            .map(|w| Column {
                label: w.week.clone(),
                value: w.originals + w.reposts,
                class: "b",
            })
            .collect::<Vec<_>>(),
        None,
        4,
        "近26周每周发布条数",
    );
    let ranking = o
        .ranking
        .iter()
        .map(|r| {
            (
                r.org_id.0,
                if r.own_only {
                    format!("{}（本级）", r.org_name)
                } else {
                    r.org_name.clone()
                },
                r.accounts,
                r.zombies,
                percent(r.zombie_share),
                r.on_time_rate.map(percent).unwrap_or_else(|| "—".into()),
            )
        })
        .collect();
    Monitoring {
        o,
        weekly_chart,
        ranking,
    }
}

/// A horizontal bar chart as inline SVG (no scripts, no external assets).
pub fn bar_chart(rows: &[(String, i64)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let h = 22 * rows.len() as i64 + 4;
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 420 {h}\" width=\"100%\" role=\"img\" aria-label=\"各平台账号数\">"
    );
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = 22 * i as i64 + 2;
        let w = 260 * n / max;
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\" class=\"l\">{}</text><rect x=\"100\" y=\"{y}\" width=\"{w}\" height=\"16\" class=\"b\"></rect><text x=\"{}\" y=\"{}\" class=\"n\">{n}</text>",
            y + 13,
            html_escape(label),
            104 + w,
            y + 13
        ));
    }
    s.push_str("</svg>");
    s
}

async fn home(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountRead)?;
    let today = state.today();
    let filter = FilingFilter {
        overdue_on: Some(today),
        open_only: true,
        ..Default::default()
    };
    let all = Default::default();
    // Independent reads, side by side on the pool's connections; the
    // monitoring overview is the longest and starts with the others.
    let (counts, warned_accounts, late, gaps, overview_result) = tokio::join!(
        state.store.account_counts(&scope),
        state.store.warnings_in_scope(&scope),
        state.store.workflows(&scope, &filter),
        govmedia_app::calendar::gaps(&state.store, today),
        overview(
            &state.store,
            &s.principal,
            &state.config.monitoring,
            &state.config.feeds,
            &all,
            today,
        ),
    );
    let (by_status, by_platform) = counts?;
    let warned_accounts = warned_accounts?;
    let late_filings = late?.len();
    let gaps = gaps?;
    let count = |code: &str| {
        by_status
            .iter()
            .find(|r| r.0 == code)
            .map(|r| r.1)
            .unwrap_or(0)
    };
    let total: i64 = by_status.iter().map(|r| r.1).sum();
    let warnings = WarningKind::ALL
        .into_iter()
        .map(|k| {
            let n = warned_accounts
                .values()
                .filter(|w| w.iter().any(|w| w.kind == k))
                .count();
            (k.code(), k.label(), n)
        })
        .collect();
    let rows: Vec<(String, i64)> = Platform::ALL
        .into_iter()
        .map(|p| {
            let n = by_platform
                .iter()
                .find(|r| r.0 == p.code())
                .map(|r| r.1)
                .unwrap_or(0);
            (p.label().to_string(), n)
        })
        .collect();
    let monitoring = match overview_result {
        Ok(o) => Ok(monitoring(o)),
        // A rule that cannot be applied now (a calendar year missing):
        // say so on the page rather than fail it.
        Err(e) if e.rule().is_some() => Err(e.rule().map(ToString::to_string).unwrap_or_default()),
        Err(e) => return Err(e.into()),
    };
    render(&HomePage {
        title: "首页",
        ctx: Ctx::new(&s, "home").notice(q.notice.as_deref()),
        total,
        statuses: AccountStatus::ALL
            .into_iter()
            .map(|st| (st.code(), st.label(), count(st.code())))
            .collect(),
        warned: warned_accounts.len(),
        // Counted once per request, by the extractor, for the navigation.
        todo: s.todo_count,
        gap: crate::layout::calendar_gap_notice(&gaps, s.can(Permission::CalendarManage)),
        warnings,
        chart: bar_chart(&rows),
        late_filings,
        monitoring,
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_escapes_labels_and_scales() {
        let svg = bar_chart(&[("<b>".into(), 5), ("微博".into(), 10)]);
        assert!(svg.contains("&lt;b&gt;"));
        assert!(svg.contains("width=\"260\""));
        assert!(svg.contains("width=\"130\""));
    }
}
