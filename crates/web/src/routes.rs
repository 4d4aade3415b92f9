//! The routers, composed from the features: the JSON API under `/api/v1`
//! (the same operations and the same authorization as the pages, for
//! integrations) and the pages. The only module that names every
//! feature's `api` and `pages`.

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;

pub fn api(config: &crate::WebConfig) -> Router<AppState> {
    Router::new()
        .merge(crate::auth::api::router())
        .merge(crate::accounts::api::router())
        .merge(crate::orgs::api::router())
        .merge(crate::calendar::api::router())
        .merge(crate::filings::api::router())
        .merge(crate::content::api::router())
        .merge(crate::monitoring::api::router(config))
        .merge(crate::openapi::router())
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

pub fn pages(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(crate::auth::pages::router())
        .merge(crate::home::pages::router())
        .merge(crate::accounts::pages::router())
        .merge(crate::orgs::pages::router())
        .merge(crate::users::pages::router())
        .merge(crate::audit::pages::router())
        .merge(crate::tokens::pages::router())
        .merge(crate::jobs::pages::router())
        .merge(crate::soon::pages::router())
        .merge(crate::calendar::pages::router())
        .merge(crate::filings::pages::router())
        .merge(crate::content::pages::router())
        .merge(crate::monitoring::pages::router())
        .route_layer(axum::middleware::from_fn(crate::trace_requests))
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::csrf::protect,
        ))
}
