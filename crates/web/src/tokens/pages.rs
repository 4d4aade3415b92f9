//! Long-lived API tokens: create (shown once), list, revoke.

use crate::auth::{PageUser, Session};
use crate::error::PageResult;
use crate::extract::PageForm;
use crate::layout::{Ctx, render};
use crate::orgs::view::{org_options, tree_order};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use govmedia_domain::OrgId;
use govmedia_domain::auth::{Permission, Role};
use govmedia_store::StoreError;
use serde::Deserialize;

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub username: String,
    pub org_name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    title: &'static str,
    ctx: Ctx,
    rows: Vec<TokenRow>,
    orgs: Vec<(i64, String)>,
    secret: String,
    error: String,
}

/// System administrators see every token; others their own.
fn owner_filter(s: &Session) -> Option<govmedia_domain::UserId> {
    // Only an administrator with unrestricted reach manages everyone's tokens.
    let unrestricted = matches!(
        s.principal.scope(Permission::TokenManage),
        govmedia_domain::auth::Scope::All { within: None }
    );
    if s.principal.has_role(Role::SystemAdmin) && unrestricted {
        None
    } else {
        Some(s.principal.user_id)
    }
}

async fn page(
    state: &AppState,
    s: &Session,
    secret: String,
    error: String,
) -> PageResult<Response> {
    let scope = s.require(Permission::TokenManage)?;
    let rows = state
        .store
        .api_tokens(owner_filter(s))
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            username: t.username,
            org_name: t.org_name,
            created: crate::fmt::ts(t.created_at),
            last_used: t.last_used_at.map(crate::fmt::ts).unwrap_or_default(),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let orgs = tree_order(state.store.orgs_in_scope(&scope).await?);
    render(&TokensPage {
        title: "API 令牌",
        ctx: Ctx::new(s, "tokens").crumb("API 令牌", ""),
        rows,
        orgs: org_options(&orgs),
        secret,
        error,
    })
}

async fn list(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    page(&state, &s, String::new(), String::new()).await
}

#[derive(Deserialize)]
pub struct NewToken {
    #[serde(default)]
    name: String,
    #[serde(default)]
    org_id: String,
}

async fn create(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<NewToken>,
) -> PageResult<Response> {
    let scope = s.require(Permission::TokenManage)?;
    let Ok(name) = govmedia_domain::text::clean_line(&f.name) else {
        return page(&state, &s, String::new(), "名称含有不可见的控制字符".into()).await;
    };
    let name = name.as_str();
    if name.is_empty() || name.chars().count() > 60 {
        return page(
            &state,
            &s,
            String::new(),
            "请填写不超过60个字符的名称".into(),
        )
        .await;
    }
    let Some(org) = f.org_id.trim().parse::<i64>().ok().map(OrgId) else {
        return page(&state, &s, String::new(), "请选择数据范围".into()).await;
    };
    if state.store.org_scoped(&scope, org).await.is_err() {
        return page(
            &state,
            &s,
            String::new(),
            "所选单位不在您的管辖范围内".into(),
        )
        .await;
    }
    let (_, token) = state
        .store
        .create_api_token(&s.actor(), s.principal.user_id, name, org)
        .await?;
    page(&state, &s, token, String::new()).await
}

async fn revoke(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    s.require(Permission::TokenManage)?;
    let Ok(id) = id.parse::<i64>() else {
        return Err(crate::error::AppError::not_found().into());
    };
    match state
        .store
        .revoke_api_token(&s.actor(), id, owner_filter(&s))
        .await
    {
        Ok(()) | Err(StoreError::NotFound) => page(&state, &s, String::new(), String::new()).await,
        Err(e) => Err(e.into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list).post(create))
        .route("/tokens/{id}/revoke", post(revoke))
}
