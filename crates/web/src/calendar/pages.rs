//! The statutory calendar: month view, a working-day calculator, and (for
//! calendar managers) loading a year's notice or editing single days.

use crate::auth::{PageUser, Session};
use crate::error::{FormError, PageResult};
use crate::extract::{PageForm, PageQuery};
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use govmedia_domain::auth::Permission;
use govmedia_domain::calendar::{Calendar, YearFile, is_weekend};
use serde::Deserialize;

pub struct Cell {
    pub day: u32,
    pub class: &'static str,
    pub label: String,
    /// The cell is today (China time): highlighted.
    pub today: bool,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    title: &'static str,
    ctx: Ctx,
    year: i32,
    month: u32,
    month_value: String,
    prev: String,
    next: String,
    has_data: bool,
    source: String,
    weeks: Vec<Vec<Cell>>,
    calc_from: String,
    calc_n: String,
    calc_result: String,
    error: String,
    can_manage: bool,
    /// Years missing from the calendar, said to everyone who looks.
    gap: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CalendarQuery {
    month: String,
    from: String,
    n: String,
}

/// Cells of a month grid, weeks starting on Monday.
pub fn month_grid(cal: &Calendar, first: NaiveDate, today: NaiveDate) -> Vec<Vec<Cell>> {
    let mut weeks = Vec::new();
    let mut week: Vec<Cell> = (0..first.weekday().num_days_from_monday())
        .map(|_| Cell {
            day: 0,
            class: "empty",
            label: String::new(),
            today: false,
        })
        .collect();
    let mut d = first;
    while d.month() == first.month() {
        let special = cal.special(d).ok().flatten();
        let (class, label) = match special {
            Some(s) if s.off => ("off", s.name.clone()),
            Some(s) => ("adj", format!("{}调休上班", s.name)),
            None if is_weekend(d) => ("we", String::new()),
            None => ("work", String::new()),
        };
        week.push(Cell {
            day: d.day(),
            class,
            label,
            today: d == today,
        });
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    if !week.is_empty() {
        while week.len() < 7 {
            week.push(Cell {
                day: 0,
                class: "empty",
                label: String::new(),
                today: false,
            });
        }
        weeks.push(week);
    }
    weeks
}

fn month_start(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok()
}

async fn page(
    state: &AppState,
    s: &Session,
    q: CalendarQuery,
    error: String,
    status: StatusCode,
) -> PageResult<Response> {
    let cal = state.store.calendar().await?;
    let today = state.today();
    let mut error = error;
    let first = match q.month.trim() {
        "" => NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today),
        m => month_start(m).unwrap_or_else(|| {
            error = "月份格式应为 YYYY-MM".into();
            NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today)
        }),
    };
    let prev = first
        .pred_opt()
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_default();
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_default();
    let sources = state.store.calendar_sources().await?;
    let source = match sources.iter().find(|y| y.year == first.year()) {
        Some(y) => format!(
            "{}年数据由 {} 于 {} {}",
            y.year,
            y.updated_by,
            crate::fmt::ts(y.updated_at),
            if y.source == "upload" {
                "录入"
            } else {
                "修改"
            }
        ),
        None => format!(
            "{}年数据来自国务院办公厅节假日安排通知（随系统发布）",
            first.year()
        ),
    };
    let calc_result = if q.from.trim().is_empty() {
        String::new()
    } else {
        match (
            NaiveDate::parse_from_str(q.from.trim(), "%Y-%m-%d"),
            q.n.trim().parse::<u32>(),
        ) {
            (Ok(from), Ok(n)) => match cal.add_workdays(from, n) {
                Ok(due) => format!("{from} 之后第 {n} 个工作日是 {due}（{}）", weekday_zh(due)),
                Err(e) => e.to_string(),
            },
            (Err(_), _) => "起算日期格式应为 YYYY-MM-DD".into(),
            (_, Err(_)) => "工作日数须为0至3650之间的整数".into(),
        }
    };
    let mut res = render(&CalendarPage {
        title: "法定工作日历",
        ctx: Ctx::new(s, "calendar").crumb("法定工作日历", ""),
        year: first.year(),
        month: first.month(),
        month_value: first.format("%Y-%m").to_string(),
        prev,
        next,
        has_data: cal.has_year(first.year()),
        source,
        weeks: month_grid(&cal, first, state.today()),
        gap: crate::layout::calendar_gap_notice(
            &govmedia_app::calendar::gaps(&state.store, state.today()).await?,
            s.can(Permission::CalendarManage),
        ),
        calc_from: q.from,
        calc_n: q.n,
        calc_result,
        error,
        can_manage: s.can(Permission::CalendarManage),
    })?;
    *res.status_mut() = status;
    Ok(res)
}

fn weekday_zh(d: NaiveDate) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][d.weekday().num_days_from_monday() as usize]
}

async fn show(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<CalendarQuery>,
) -> PageResult<Response> {
    page(&state, &s, q, String::new(), StatusCode::OK).await
}

async fn upload(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    mut mp: Multipart,
) -> PageResult<Response> {
    s.require(Permission::CalendarManage)?;
    let mut json = String::new();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let text = field.text().await.unwrap_or_default();
                if (name == "file" || name == "json") && !text.trim().is_empty() {
                    json = text;
                }
            }
            Ok(None) => break,
            Err(_) => {
                return page(
                    &state,
                    &s,
                    CalendarQuery::default(),
                    "上传失败：文件过大或传输中断".into(),
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
        }
    }
    if json.trim().is_empty() {
        return page(
            &state,
            &s,
            CalendarQuery::default(),
            "请选择 JSON 文件或粘贴 JSON 内容".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let f = match YearFile::parse(&json) {
        Ok(f) => f,
        Err(e) => {
            return page(
                &state,
                &s,
                CalendarQuery::default(),
                e.to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match govmedia_app::calendar::load_year(&state.store, &s.actor(), &f)
        .await
        .map_err(FormError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("/calendar?month={}-01", f.year)).into_response()),
        Err(FormError::Message { message, .. }) => {
            page(
                &state,
                &s,
                CalendarQuery::default(),
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DayForm {
    date: String,
    kind: String,
    name: String,
}

async fn set_day(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<DayForm>,
) -> PageResult<Response> {
    s.require(Permission::CalendarManage)?;
    let fail = |msg: String| async {
        page(
            &state,
            &s,
            CalendarQuery::default(),
            msg,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    let Ok(date) = NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d") else {
        return fail("日期格式应为 YYYY-MM-DD".into()).await;
    };
    let Ok(name) = govmedia_domain::text::clean_line(&f.name) else {
        return fail("节日名称含有不可见的控制字符".into()).await;
    };
    let entry = match f.kind.as_str() {
        "off" | "work" if name.is_empty() => return fail("请填写节日名称".into()).await,
        "off" => Some((name, true)),
        "work" => Some((name, false)),
        "normal" => None,
        _ => return fail("类型无效".into()).await,
    };
    match state
        .store
        .calendar_set_day(&s.actor(), date, entry)
        .await
        .map_err(FormError::from)
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/calendar?month={}", date.format("%Y-%m"))).into_response())
        }
        Err(FormError::Message { message, .. }) => fail(message).await,
        Err(e) => Err(e.into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(show))
        .route("/calendar/years", post(upload))
        .route("/calendar/days", post(set_day))
}
