//! Login, logout and password change.

use crate::auth::{LOGIN_CSRF_COOKIE, PageUser, safe_next, session_cookie};
use crate::error::{AppError, FormError, PageResult};
use crate::extract::{ClientIp, PageForm, PageQuery};
use crate::layout::{Ctx, NoticeQuery, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use govmedia_store::secrets::random_token;
use govmedia_store::users::ConfirmOutcome;
use govmedia_store::users::LoginOutcome;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: String,
    notice: String,
    max_failures: i64,
    lock_minutes: i64,
    idle_minutes: i64,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

fn login_page(
    state: &AppState,
    next: String,
    username: String,
    error: String,
    notice: String,
) -> PageResult<Response> {
    let csrf = random_token(16);
    let page = LoginPage {
        csrf: csrf.clone(),
        next,
        username,
        error,
        notice,
        max_failures: state.config.lockout.max_failures,
        lock_minutes: state.config.lockout.lock_seconds / 60,
        idle_minutes: state.config.session_idle_secs / 60,
    };
    let mut res = render(&page)?;
    let cookie = format!(
        "{LOGIN_CSRF_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict{}",
        if state.config.cookie_secure {
            "; Secure"
        } else {
            ""
        }
    );
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

async fn show(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<LoginQuery>,
) -> PageResult<Response> {
    let notice = match q.notice.as_deref() {
        Some("logged_out") => "您已安全退出。",
        Some("password_changed") => "密码已修改，请用新密码登录。",
        _ => "",
    };
    login_page(
        &state,
        safe_next(q.next.as_deref()),
        String::new(),
        String::new(),
        notice.into(),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    PageForm(f): PageForm<LoginForm>,
) -> PageResult<Response> {
    let username = f.username.trim().to_string();
    let next = safe_next(f.next.as_deref());
    if username.is_empty() || f.password.is_empty() || f.password.len() > 1024 {
        return login_page(
            &state,
            next,
            username,
            "请输入用户名和密码".into(),
            String::new(),
        );
    }
    let outcome = state
        .store
        .login(&username, &f.password, &ip, &state.config.lockout)
        .await?;
    let error = match outcome {
        LoginOutcome::Ok {
            user_id,
            must_change_password,
        } => {
            // A login in a browser that holds a session ends that session.
            if let Some(old) = crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE) {
                state.store.delete_session_by_token(old).await?;
            }
            let s = state
                .store
                .create_session(user_id, "web", &ip, state.config.session_absolute_secs)
                .await?;
            let target = if must_change_password {
                "/password".to_string()
            } else {
                next
            };
            return Ok((
                AppendHeaders([(
                    SET_COOKIE,
                    session_cookie(
                        &s.token,
                        state.config.session_absolute_secs,
                        state.config.cookie_secure,
                    ),
                )]),
                Redirect::to(&target),
            )
                .into_response());
        }
        refused @ (LoginOutcome::BadCredentials
        | LoginOutcome::Locked { .. }
        | LoginOutcome::Disabled) => {
            crate::auth::count_refusal(&refused);
            crate::auth::login_refused_message(&state.config.lockout)
        }
    };
    login_page(&state, next, username, error, String::new())
}

async fn logout(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    if let Some(id) = s.session_id {
        state.store.logout(&s.actor(), id).await?;
    }
    Ok((
        AppendHeaders([(
            SET_COOKIE,
            session_cookie("", 0, state.config.cookie_secure),
        )]),
        Redirect::to("/login?notice=logged_out"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    title: &'static str,
    ctx: Ctx,
    ctx_forced: bool,
    error: String,
    min_length: usize,
    min_classes: usize,
}

fn password_page(
    state: &AppState,
    s: &crate::auth::Session,
    error: String,
    notice: Option<&str>,
) -> PageResult<Response> {
    render(&PasswordPage {
        title: "修改密码",
        ctx: Ctx::new(s, "").crumb("修改密码", "").notice(notice),
        ctx_forced: s.must_change_password,
        error,
        min_length: state.config.password.min_length,
        min_classes: state.config.password.min_classes,
    })
}

async fn password_show(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> PageResult<Response> {
    password_page(&state, &s, String::new(), q.notice.as_deref())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new_password: String,
    confirm: String,
}

async fn password_submit(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<PasswordForm>,
) -> PageResult<Response> {
    let fail = |msg: &str| password_page(&state, &s, msg.to_string(), None);
    match state
        .store
        .confirm_password(
            &s.actor(),
            s.principal.user_id,
            &f.current,
            &state.config.lockout,
        )
        .await?
    {
        ConfirmOutcome::Ok => {}
        ConfirmOutcome::Wrong => return fail("当前密码不正确"),
        // The lock ended this session too: back to the login page.
        ConfirmOutcome::Locked => return Ok(Redirect::to("/login").into_response()),
    }
    if f.new_password != f.confirm {
        return fail("两次输入的新密码不一致");
    }
    if let Err(msg) = state.config.password.check_person(
        &s.principal.username,
        &s.principal.display_name,
        &f.new_password,
    ) {
        return fail(&msg);
    }
    match state
        .store
        .set_password(
            &s.actor(),
            s.principal.user_id,
            &f.new_password,
            false,
            s.session_id,
        )
        .await
        .map_err(FormError::from)
    {
        Ok(()) => Ok(Redirect::to("/?notice=password_changed").into_response()),
        Err(FormError::Message { message, .. }) => fail(&message),
        Err(e) => Err(AppError::from(e).into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(show).post(submit))
        .route("/logout", post(logout))
        .route("/password", get(password_show).post(password_submit))
}
