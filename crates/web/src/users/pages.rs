//! User administration: list within scope, create with a one-time initial
//! password, lock, unlock, reset password.

use crate::auth::{PageUser, Session};
use crate::error::{AppError, FormError, PageError, PageResult};
use crate::extract::PageForm;
use crate::layout::{Ctx, render};
use crate::orgs::view::{org_options, tree_order};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use govmedia_domain::auth::{DataScope, Permission, Role};
use govmedia_domain::{OrgId, UserId};
use govmedia_store::secrets::random_password;
use govmedia_store::users::NewUser;
use serde::Deserialize;

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_name: String,
    pub roles: String,
    pub state: &'static str,
    pub locked: bool,
    pub last_login: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub org_id: String,
    pub role: String,
    pub scope: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    title: &'static str,
    ctx: Ctx,
    rows: Vec<UserRow>,
    orgs: Vec<(i64, String)>,
    roles: Vec<(&'static str, &'static str)>,
    scopes: Vec<(&'static str, &'static str)>,
    form: NewUserForm,
    error: String,
    secret: String,
    secret_label: String,
    can_manage: bool,
}

async fn page(
    state: &AppState,
    s: &Session,
    form: NewUserForm,
    error: String,
    secret: String,
    secret_label: String,
) -> PageResult<Response> {
    let scope = s.require(Permission::UserRead)?;
    let now = state.store.now().timestamp();
    let mut rows = Vec::new();
    for u in state.store.users_in_scope(&scope).await? {
        let roles = state
            .store
            .assignments(u.id)
            .await?
            .iter()
            .map(|a| format!("{}（{}）", a.role.label(), a.scope.label()))
            .collect::<Vec<_>>()
            .join("、");
        let locked = u.locked_until.is_some_and(|t| t > now);
        rows.push(UserRow {
            id: u.id.0,
            username: u.username,
            display_name: u.display_name,
            org_name: u.org_name,
            roles,
            state: if u.disabled {
                "停用"
            } else if locked {
                "已锁定"
            } else if u.must_change_password {
                "待改密"
            } else {
                "正常"
            },
            locked,
            last_login: u.last_login_at.map(crate::fmt::ts).unwrap_or_default(),
        });
    }
    let orgs = match s.principal.scope(Permission::UserManage) {
        govmedia_domain::auth::Scope::Denied => Vec::new(),
        manage => tree_order(state.store.orgs_in_scope(&manage).await?),
    };
    render(&UsersPage {
        title: "用户管理",
        ctx: Ctx::new(s, "users").crumb("用户管理", ""),
        rows,
        orgs: org_options(&orgs),
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        scopes: DataScope::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        form,
        error,
        secret,
        secret_label,
        can_manage: s.can(Permission::UserManage),
    })
}

/// The user list with nothing to report.
async fn plain(state: &AppState, s: &Session) -> PageResult<Response> {
    page(
        state,
        s,
        NewUserForm::default(),
        String::new(),
        String::new(),
        String::new(),
    )
    .await
}

async fn list(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    plain(&state, &s).await
}

async fn create(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<NewUserForm>,
) -> PageResult<Response> {
    let manage = s.require(Permission::UserManage)?;
    let fail = |msg: String, f: NewUserForm| async {
        page(&state, &s, f, msg, String::new(), String::new()).await
    };
    let Some(role) = Role::parse(&f.role) else {
        return fail("请选择角色".into(), f).await;
    };
    let scope = if f.scope.trim().is_empty() {
        Some(role.default_scope())
    } else {
        DataScope::parse(&f.scope)
    };
    let Some(scope) = scope else {
        return fail("数据范围无效".into(), f).await;
    };
    let Some(org_id) = f.org_id.trim().parse::<i64>().ok().map(OrgId) else {
        return fail("请选择所属单位".into(), f).await;
    };
    let Ok(org) = state.store.org_scoped(&manage, org_id).await else {
        return fail("所属单位不在您的管理范围内".into(), f).await;
    };
    // Nobody hands out more reach than they have.
    let grant = govmedia_domain::auth::Assignment {
        role,
        scope,
        org_id,
        org_path: org.path,
    };
    if !manage.covers(&grant) {
        return fail(
            format!("您不能授予超出本人管理范围的数据范围（{}）", scope.label()),
            f,
        )
        .await;
    }
    let Ok(display) = govmedia_domain::text::clean_line(&f.display_name) else {
        return fail("姓名含有不可见的控制字符".into(), f).await;
    };
    if display.is_empty() || display.chars().count() > 30 {
        return fail("请填写不超过30个字符的姓名".into(), f).await;
    }
    let password = random_password();
    let username = f.username.trim().to_string();
    match state
        .store
        .create_user(
            &s.actor(),
            &NewUser {
                username: username.clone(),
                display_name: display,
                org_id,
                password: password.clone(),
                must_change_password: true,
                roles: vec![(role, scope)],
            },
        )
        .await
        .map_err(FormError::from)
    {
        Ok(_) => {
            page(
                &state,
                &s,
                NewUserForm::default(),
                String::new(),
                password,
                format!("用户 {username} 已创建，初始密码："),
            )
            .await
        }
        Err(FormError::Message { message, .. }) => fail(message, f).await,
        Err(e) => Err(e.into()),
    }
}

async fn target(state: &AppState, s: &Session, id: &str) -> Result<UserId, PageError> {
    let manage = s.require(Permission::UserManage)?;
    let id = id
        .parse::<i64>()
        .map(UserId)
        .map_err(|_| PageError(AppError::not_found()))?;
    let u = state.store.user(id).await?;
    state.store.org_scoped(&manage, u.org_id).await?;
    // A manager may act only on users whose every role lies within their
    // own reach, or resetting a password would hand over a wider scope.
    if !state
        .store
        .assignments(id)
        .await?
        .iter()
        .all(|a| manage.covers(a))
    {
        return Err(PageError(AppError::forbidden()));
    }
    if u.id == s.principal.user_id {
        return Err(PageError(AppError::new(
            axum::http::StatusCode::CONFLICT,
            "self_action",
            "不能对自己的账号执行此操作",
        )));
    }
    Ok(id)
}

async fn lock(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = target(&state, &s, &id).await?;
    // An administrative lock lasts until an administrator lifts it.
    state.store.lock_user(&s.actor(), id, i64::MAX / 2).await?;
    plain(&state, &s).await
}

async fn unlock(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = target(&state, &s, &id).await?;
    state.store.unlock_user(&s.actor(), id).await?;
    plain(&state, &s).await
}

async fn reset(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = target(&state, &s, &id).await?;
    let password = random_password();
    state
        .store
        .set_password(&s.actor(), id, &password, true, None)
        .await?;
    let u = state.store.user(id).await?;
    page(
        &state,
        &s,
        NewUserForm::default(),
        String::new(),
        password,
        format!("用户 {} 的密码已重置，临时密码：", u.username),
    )
    .await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}/lock", post(lock))
        .route("/users/{id}/unlock", post(unlock))
        .route("/users/{id}/reset", post(reset))
}
