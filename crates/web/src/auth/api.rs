//! API login and logout, and who-am-I.

use crate::auth::ApiUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{ApiJson, ClientIp};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use govmedia_store::users::LoginOutcome;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    username: String,
    password: String,
}

#[derive(Serialize)]
pub struct LoginResponse {
    token: String,
    expires_at: String,
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult<Json<LoginResponse>> {
    if b.username.trim().is_empty() || b.password.is_empty() || b.password.len() > 1024 {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "credentials_required",
            "请提供用户名和密码",
        ));
    }
    match state
        .store
        .login(b.username.trim(), &b.password, &ip, &state.config.lockout)
        .await?
    {
        LoginOutcome::Ok { user_id, .. } => {
            // A forced password change is enforced on every API call.
            let s = state
                .store
                .create_session(user_id, "api", &ip, state.config.session_absolute_secs)
                .await?;
            Ok(Json(LoginResponse {
                token: s.token,
                expires_at: crate::fmt::rfc3339(s.expires_at),
            }))
        }
        // One answer for every refusal (see login_refused_message).
        refused @ (LoginOutcome::BadCredentials
        | LoginOutcome::Locked { .. }
        | LoginOutcome::Disabled) => {
            crate::auth::count_refusal(&refused);
            Err(AppError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                crate::auth::login_refused_message(&state.config.lockout),
            ))
        }
    }
}

async fn logout(State(state): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<StatusCode> {
    if let Some(id) = s.session_id {
        state.store.logout(&s.actor(), id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
struct Me {
    id: i64,
    username: String,
    display_name: String,
    org_id: i64,
    org_name: String,
    roles: Vec<serde_json::Value>,
    permissions: Vec<&'static str>,
}

async fn me(ApiUser(s): ApiUser) -> Json<Me> {
    let p = &s.principal;
    Json(Me {
        id: p.user_id.0,
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        org_id: p.org_id.0,
        org_name: p.org_name.clone(),
        roles: p
            .assignments
            .iter()
            .map(|a| serde_json::json!({"role": a.role.code(), "scope": a.scope.code(), "org_id": a.org_id.0}))
            .collect(),
        permissions: govmedia_domain::auth::Permission::ALL.iter().filter(|x| p.has(**x)).map(|x| x.code()).collect(),
    })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
}
