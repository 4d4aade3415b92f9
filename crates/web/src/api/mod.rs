//! JSON API under `/api/v1`: the same operations and the same
//! authorization as the pages, for integrations.

pub mod accounts;
pub mod auth;
pub mod calendar;
pub mod openapi;
pub mod orgs;
pub mod scan;
pub mod workflows;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(accounts::router())
        .merge(orgs::router())
        .merge(calendar::router())
        .merge(workflows::router())
        .merge(scan::router())
        .merge(openapi::router())
        .route_layer(axum::middleware::from_fn(crate::trace_requests))
        .method_not_allowed_fallback(|| async {
            AppError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "该接口不支持此请求方法",
            )
        })
        .fallback(|| async {
            AppError::new(
                axum::http::StatusCode::NOT_FOUND,
                "no_such_endpoint",
                "没有这个接口",
            )
        })
}
