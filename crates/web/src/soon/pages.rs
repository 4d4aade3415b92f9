//! Areas named in the navigation that later issues build. They say so
//! plainly instead of pretending.

use crate::auth::PageUser;
use crate::error::PageResult;
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

#[derive(Template)]
#[template(path = "soon.html")]
struct SoonPage {
    title: &'static str,
    ctx: Ctx,
    description: &'static str,
}

fn page(
    s: &crate::auth::Session,
    nav: &'static str,
    title: &'static str,
    description: &'static str,
) -> PageResult<Response> {
    render(&SoonPage {
        title,
        ctx: Ctx::new(s, nav).crumb(title, ""),
        description,
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/inspections",
        get(|PageUser(s): PageUser| async move {
            page(
                &s,
                "inspections",
                "检查整改",
                "季度检查评分、单项否决、整改任务与处置措施（管理办法第十、二十二条）。",
            )
        }),
    )
}
