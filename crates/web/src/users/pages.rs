//! User administration: list within scope, create with a one-time initial
//! password, lock, unlock, reset password.

use crate::auth::{PageUser, Session};
use crate::badge::{self, Badge};
use crate::error::{AppError, FormError, PageError, PageResult};
use crate::extract::{PageForm, PageQuery};
use crate::layout::{Ctx, NoticeQuery, render};
use crate::orgs::view::{org_options, tree_order};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use govmedia_domain::auth::{DataScope, Permission, Role};
use govmedia_domain::{OrgId, UserId, ValidationErrors};
use govmedia_store::secrets::random_password;
use govmedia_store::user_admin::UserEdit;
use govmedia_store::users::NewUser;
use serde::Deserialize;

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_name: String,
    pub roles: String,
    pub state: Badge,
    pub must_change: bool,
    pub disabled: bool,
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
    errors: ValidationErrors,
    secret: String,
    secret_label: String,
    can_manage: bool,
}

async fn page(
    state: &AppState,
    s: &Session,
    form: NewUserForm,
    errors: ValidationErrors,
    secret: String,
    secret_label: String,
    notice: Option<&str>,
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
            state: badge::user_state(u.disabled, locked),
            must_change: u.must_change_password,
            disabled: u.disabled,
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
        ctx: Ctx::new(s, "users").crumb("用户管理", "").notice(notice),
        rows,
        orgs: org_options(&orgs),
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        scopes: DataScope::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        form,
        errors,
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
        ValidationErrors::default(),
        String::new(),
        String::new(),
        None,
    )
    .await
}

async fn list(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> PageResult<Response> {
    page(
        &state,
        &s,
        NewUserForm::default(),
        ValidationErrors::default(),
        String::new(),
        String::new(),
        q.notice.as_deref(),
    )
    .await
}

/// Checks what a manager grants: a role, a data scope within their own
/// reach, a unit they manage and a clean name. Every problem beside its
/// field.
async fn checked_grant(
    state: &AppState,
    manage: &govmedia_domain::auth::Scope,
    f: &NewUserForm,
) -> Result<UserEdit, ValidationErrors> {
    let mut errs = ValidationErrors::default();
    let role = Role::parse(&f.role);
    if role.is_none() {
        errs.push("role", "role_required", "请选择角色");
    }
    let scope = match (role, f.scope.trim()) {
        (Some(r), "") => Some(r.default_scope()),
        (_, s) => DataScope::parse(s),
    };
    if scope.is_none() && role.is_some() {
        errs.push("scope", "invalid_scope", "数据范围无效");
    }
    let org_id = f.org_id.trim().parse::<i64>().ok().map(OrgId);
    let org = match org_id {
        None => {
            errs.push("org_id", "org_required", "请选择所属单位");
            None
        }
        Some(id) => match state.store.org_scoped(manage, id).await {
            Ok(o) => Some(o),
            Err(_) => {
                errs.push("org_id", "org_out_of_scope", "所属单位不在您的管理范围内");
                None
            }
        },
    };
    if let (Some(role), Some(scope), Some(org)) = (role, scope, &org) {
        // Nobody hands out more reach than they have.
        let grant = govmedia_domain::auth::Assignment {
            role,
            scope,
            org_id: org.id,
            org_path: org.path.clone(),
        };
        if !manage.covers(&grant) {
            errs.push(
                "scope",
                "scope_too_wide",
                format!("您不能授予超出本人管理范围的数据范围（{}）", scope.label()),
            );
        }
    }
    let display = match govmedia_domain::text::clean_line(&f.display_name) {
        Ok(d) if !d.is_empty() && d.chars().count() <= 30 => d,
        Ok(_) => {
            errs.push("display_name", "required", "请填写不超过30个字符的姓名");
            String::new()
        }
        Err(_) => {
            errs.push(
                "display_name",
                "invalid_characters",
                "姓名含有不可见的控制字符",
            );
            String::new()
        }
    };
    match (role, scope, org) {
        (Some(role), Some(scope), Some(org)) if errs.is_empty() => Ok(UserEdit {
            display_name: display,
            org_id: org.id,
            role,
            scope,
        }),
        _ => Err(errs),
    }
}

async fn create(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<NewUserForm>,
) -> PageResult<Response> {
    let manage = s.require(Permission::UserManage)?;
    let fail = |errs: ValidationErrors, f: NewUserForm| async {
        page(&state, &s, f, errs, String::new(), String::new(), None).await
    };
    let grant = match checked_grant(&state, &manage, &f).await {
        Ok(g) => g,
        Err(errs) => return fail(errs, f).await,
    };
    let (display, org_id, role, scope) =
        (grant.display_name, grant.org_id, grant.role, grant.scope);
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
                ValidationErrors::default(),
                password,
                format!("用户 {username} 已创建，初始密码："),
                None,
            )
            .await
        }
        Err(FormError::Message { code, message }) => {
            let mut errs = ValidationErrors::default();
            let field = if code.contains("username") {
                "username"
            } else {
                "display_name"
            };
            errs.push(field, code, message);
            fail(errs, f).await
        }
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
        ValidationErrors::default(),
        password,
        format!("用户 {} 的密码已重置，临时密码：", u.username),
        None,
    )
    .await
}

async fn disable(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = target(&state, &s, &id).await?;
    state.store.set_user_disabled(&s.actor(), id, true).await?;
    Ok(Redirect::to("/users?notice=updated").into_response())
}

async fn enable(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = target(&state, &s, &id).await?;
    state.store.set_user_disabled(&s.actor(), id, false).await?;
    Ok(Redirect::to("/users?notice=updated").into_response())
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct EditPage {
    title: &'static str,
    ctx: Ctx,
    id: i64,
    username: String,
    form: NewUserForm,
    errors: ValidationErrors,
    orgs: Vec<(i64, String)>,
    roles: Vec<(&'static str, &'static str)>,
    scopes: Vec<(&'static str, &'static str)>,
}

async fn edit_page(
    state: &AppState,
    s: &Session,
    id: UserId,
    form: NewUserForm,
    errors: ValidationErrors,
) -> PageResult<Response> {
    let manage = s.require(Permission::UserManage)?;
    let u = state.store.user(id).await?;
    let failed = !errors.is_empty();
    let mut res = render(&EditPage {
        title: "编辑用户",
        ctx: Ctx::new(s, "users")
            .crumb("用户管理", "/users")
            .crumb("编辑用户", ""),
        id: id.0,
        username: u.username,
        form,
        errors,
        orgs: org_options(&tree_order(state.store.orgs_in_scope(&manage).await?)),
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        scopes: DataScope::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
    })?;
    if failed {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn edit_form(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = target(&state, &s, &id).await?;
    let u = state.store.user(id).await?;
    let a = state.store.assignments(id).await?;
    let form = NewUserForm {
        username: u.username.clone(),
        display_name: u.display_name,
        org_id: u.org_id.0.to_string(),
        role: a
            .first()
            .map(|a| a.role.code().to_string())
            .unwrap_or_default(),
        scope: a
            .first()
            .map(|a| a.scope.code().to_string())
            .unwrap_or_default(),
    };
    edit_page(&state, &s, id, form, ValidationErrors::default()).await
}

async fn update(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<NewUserForm>,
) -> PageResult<Response> {
    let id = target(&state, &s, &id).await?;
    let manage = s.require(Permission::UserManage)?;
    match checked_grant(&state, &manage, &f).await {
        Ok(edit) => {
            state.store.update_user(&s.actor(), id, &edit).await?;
            Ok(Redirect::to("/users?notice=updated").into_response())
        }
        Err(errs) => edit_page(&state, &s, id, f, errs).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}/edit", get(edit_form).post(update))
        .route("/users/{id}/disable", post(disable))
        .route("/users/{id}/enable", post(enable))
        .route("/users/{id}/lock", post(lock))
        .route("/users/{id}/unlock", post(unlock))
        .route("/users/{id}/reset", post(reset))
}
