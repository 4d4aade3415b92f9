//! Who is calling: browser sessions (cookie) for pages, bearer tokens for
//! the API. Both end in the same [`Principal`] and the same scope rules.

pub mod api;
pub mod pages;

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use govmedia_domain::auth::{Permission, Principal, Scope};
use govmedia_store::orgs::Actor;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "gm_session";
pub const LOGIN_CSRF_COOKIE: &str = "gm_login_csrf";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub session_id: Option<i64>,
    pub csrf: String,
    pub ip: String,
    pub must_change_password: bool,
    pub api_token_id: Option<i64>,
    /// How many items wait in 我的待办 (pages show it in the navigation).
    pub todo_count: usize,
}

impl Session {
    /// The caller of an application service: `actor` is `self.actor()`,
    /// kept by the handler so the borrow outlives the call.
    pub fn caller<'a>(&'a self, actor: &'a Actor) -> govmedia_app::Caller<'a> {
        govmedia_app::Caller {
            actor,
            principal: &self.principal,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.principal.user_id.0),
            username: self.principal.username.clone(),
            org_id: Some(self.principal.org_id.0),
            ip: self.ip.clone(),
        }
    }

    /// The scope for `perm`, or 403 when no role grants it.
    pub fn require(&self, perm: Permission) -> Result<Scope, AppError> {
        match self.principal.scope(perm) {
            Scope::Denied => Err(AppError::forbidden()),
            s => Ok(s),
        }
    }

    pub fn can(&self, perm: Permission) -> bool {
        self.principal.has(perm)
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The peer address, if the server recorded it.
pub fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

pub fn session_cookie(value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Counts a refused login in the metrics, by its real reason (the
/// answer to the user is the same for all).
pub fn count_refusal(o: &govmedia_store::users::LoginOutcome) {
    use govmedia_store::users::LoginOutcome as O;
    let reason = match o {
        O::Ok { .. } => return,
        O::BadCredentials => "bad_credentials",
        O::Locked { .. } => "locked",
        O::Disabled => "disabled",
    };
    crate::metrics::record_login_refusal(reason);
}

async fn load(
    state: &AppState,
    user_id: govmedia_domain::UserId,
) -> Result<(Principal, bool), AppError> {
    let user = state.store.user(user_id).await?;
    if user.disabled {
        return Err(AppError::unauthorized());
    }
    let now = state.store.now().timestamp();
    if user.locked_until.is_some_and(|t| t > now) {
        return Err(AppError::unauthorized());
    }
    let must_change = user.must_change_password;
    let principal = state.store.principal_of(user).await?;
    tracing::Span::current().record("user_id", user_id.0);
    Ok((principal, must_change))
}

/// A browser user. Without a live session the request is sent to the login
/// page; a user who must change their password is sent there first.
pub struct PageUser(pub Session);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_string();
        let to_login = || {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            Redirect::to(&format!("/login?next={}", urlencode(next))).into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let info = match state
            .store
            .session(token, state.config.session_idle_secs)
            .await
        {
            Ok(Some(i)) if i.kind == "web" => i,
            Ok(_) => return Err(to_login()),
            Err(e) => return Err(crate::error::PageError(e.into()).into_response()),
        };
        let (principal, must_change) = match load(state, info.user_id).await {
            Ok(v) => v,
            Err(_) => return Err(to_login()),
        };
        if must_change && path != "/password" && path != "/logout" {
            return Err(Redirect::to("/password").into_response());
        }
        // Every page shows what waits for the user, whatever their role.
        let todo_count = if must_change {
            0
        } else {
            let counts = async {
                Ok::<_, govmedia_store::StoreError>(
                    govmedia_app::filings::todo(&state.store, &principal)
                        .await?
                        .len()
                        + govmedia_app::monitoring_alerts::todo(&state.store, &principal)
                            .await?
                            .len(),
                )
            };
            match counts.await {
                Ok(n) => n,
                Err(e) => return Err(crate::error::PageError(e.into()).into_response()),
            }
        };
        Ok(PageUser(Session {
            principal,
            session_id: Some(info.id),
            csrf: info.csrf_token,
            ip: client_ip(parts),
            must_change_password: must_change,
            api_token_id: None,
            todo_count,
        }))
    }
}

/// An API caller: `Authorization: Bearer <token>`, where the token is a
/// login token from `/api/v1/auth/login` or a long-lived API token.
pub struct ApiUser(pub Session);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(AppError::unauthorized)?;
        let ip = client_ip(parts);
        if token.starts_with("gm_") {
            let grant = state
                .store
                .api_token_grant(token)
                .await?
                .ok_or_else(AppError::unauthorized)?;
            let (mut principal, must_change) = load(state, grant.user_id).await?;
            if must_change {
                return Err(AppError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "password_change_required",
                    "令牌创建者的密码已被重置，须先在网页上修改密码",
                ));
            }
            principal.restrict_path = Some(grant.org_path);
            return Ok(ApiUser(Session {
                principal,
                session_id: None,
                csrf: String::new(),
                ip,
                must_change_password: false,
                todo_count: 0,
                api_token_id: Some(grant.token_id),
            }));
        }
        let info = state
            .store
            .session(token, state.config.session_idle_secs)
            .await?
            .filter(|i| i.kind == "api")
            .ok_or_else(AppError::unauthorized)?;
        let (principal, must_change) = load(state, info.user_id).await?;
        if must_change {
            return Err(AppError::new(
                axum::http::StatusCode::FORBIDDEN,
                "password_change_required",
                "首次登录或密码被重置，请先在网页上修改密码",
            ));
        }
        Ok(ApiUser(Session {
            principal,
            session_id: Some(info.id),
            csrf: String::new(),
            ip,
            must_change_password: false,
            api_token_id: None,
            todo_count: 0,
        }))
    }
}

/// What a refused login is told, whatever the reason (wrong password,
/// unknown user, locked or disabled account): telling them apart would let
/// anyone probe which usernames exist, and the audit log keeps the real
/// reason for administrators.
pub fn login_refused_message(policy: &govmedia_domain::password::LockoutPolicy) -> String {
    format!(
        "用户名或密码错误，或账号已停用。连续 {} 次输错密码，账号将锁定 {} 分钟，请稍后再试或联系管理员",
        policy.max_failures,
        (policy.lock_seconds + 59) / 60
    )
}

/// Percent-encodes everything but unreserved characters.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A safe local redirect target: only paths on this site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.len() <= 500
                && n.starts_with('/')
                && n.bytes().all(|b| b.is_ascii_graphic())
                && !n.starts_with("//")
                && !n.contains('\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_redirects() {
        assert_eq!(safe_next(Some("/accounts?page=2")), "/accounts?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/a\nb")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/账号")), "/");
    }

    #[test]
    fn reads_cookies() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; gm_session=abc".parse().unwrap());
        assert_eq!(cookie(&h, "gm_session"), Some("abc"));
        assert_eq!(cookie(&h, "b"), None);
    }
}
