//! Calendar API: working-day arithmetic and loading a year's notice.

use crate::auth::ApiUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use govmedia_domain::auth::Permission;
use govmedia_domain::calendar::{CalendarError, YearFile};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn date(s: &str, field: &'static str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::bad_request(
            "invalid_date",
            format!("{field} 须为 YYYY-MM-DD 格式的日期"),
        )
    })
}

fn calendar_error(e: CalendarError) -> AppError {
    let code = match e {
        CalendarError::NoData(_) => "calendar_year_missing",
        CalendarError::OutOfRange => "invalid_workdays",
        CalendarError::Invalid(_) => "invalid_calendar",
    };
    AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddQuery {
    from: String,
    n: String,
}

#[derive(Serialize)]
struct AddResult {
    from: String,
    n: u32,
    due: String,
}

async fn add(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    ApiQuery(q): ApiQuery<AddQuery>,
) -> ApiResult<Json<AddResult>> {
    let from = date(&q.from, "from")?;
    let n: u32 =
        q.n.trim()
            .parse()
            .map_err(|_| AppError::bad_request("invalid_workdays", "n 须为0至3650之间的整数"))?;
    let due = state
        .store
        .calendar()
        .await?
        .add_workdays(from, n)
        .map_err(calendar_error)?;
    Ok(Json(AddResult {
        from: from.to_string(),
        n,
        due: due.to_string(),
    }))
}

async fn day(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    Path(d): Path<String>,
) -> ApiResult<Json<Value>> {
    let d = date(&d, "date")?;
    let cal = state.store.calendar().await?;
    let workday = cal.is_workday(d).map_err(calendar_error)?;
    let name = cal
        .special(d)
        .map_err(calendar_error)?
        .map(|s| s.name.clone());
    Ok(Json(
        json!({"date": d.to_string(), "workday": workday, "name": name}),
    ))
}

async fn load_year(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(year): Path<String>,
    ApiJson(f): ApiJson<YearFile>,
) -> ApiResult<StatusCode> {
    s.require(Permission::CalendarManage)?;
    // The calendar is national: a token limited to one subtree may not change it.
    if s.principal.restrict_path.is_some() {
        return Err(AppError::forbidden());
    }
    if year.trim() != f.year.to_string() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "year_mismatch",
            "路径中的年份与数据中的 year 不一致",
        ));
    }
    f.validate().map_err(calendar_error)?;
    govmedia_app::calendar::load_year(&state.store, &s.actor(), &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calendar/add-workdays", get(add))
        .route("/calendar/days/{date}", get(day))
        .route("/calendar/years/{year}", put(load_year))
}
