//! One error type for the app, rendered as JSON `{"code","message"}` for
//! the API and as a Chinese page for browsers. Internal causes are logged
//! once and never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use govmedia_domain::{RuleError, ValidationErrors};
use govmedia_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Option<ValidationErrors>,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            fields: None,
        }
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unauthorized() -> AppError {
        AppError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "未登录或登录已过期",
        )
    }
    pub fn forbidden() -> AppError {
        AppError::new(StatusCode::FORBIDDEN, "forbidden", "您没有执行此操作的权限")
    }
    pub fn not_found() -> AppError {
        AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "未找到该记录，或它不在您的管辖范围内",
        )
    }
    pub fn invalid(errors: ValidationErrors) -> AppError {
        AppError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: errors.first_code(),
            message: errors.summary(),
            fields: Some(errors),
        }
    }
    pub fn internal() -> AppError {
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "系统内部错误，请稍后再试；如持续出现请联系管理员",
        )
    }
}

impl From<RuleError> for AppError {
    /// The one place a rule's refusal becomes an HTTP status.
    fn from(e: RuleError) -> AppError {
        match e {
            RuleError::Invalid { code, message } => {
                AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            }
            RuleError::Fields(errs) => AppError::invalid(errs),
            RuleError::Forbidden { message } => {
                AppError::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
            RuleError::NotFound => AppError::not_found(),
            RuleError::Conflict { code, message } => {
                AppError::new(StatusCode::CONFLICT, code, message)
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound => AppError::not_found(),
            StoreError::Rule(rule) => rule.into(),
            other => {
                tracing::error!(error = %other, "store error");
                AppError::internal()
            }
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        tracing::error!(error = %e, "template error");
        AppError::internal()
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a ValidationErrors>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                code: self.code,
                message: &self.message,
                errors: self.fields.as_ref(),
            }),
        )
            .into_response()
    }
}

/// The same error shown to a browser as a page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}
impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError(e.into())
    }
}
impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let title = match e.status.as_u16() {
            401 => "请先登录",
            403 => "无权访问",
            404 => "未找到",
            409 => "操作冲突",
            413 => "文件过大",
            422 | 400 => "输入有误",
            _ => "系统错误",
        };
        let body = crate::layout::error_page(title, &e.message, e.code);
        (e.status, Html(body)).into_response()
    }
}

/// A store error sorted for a form: a message to show beside it, field
/// errors to show beside each field, or one that gets the error page.
#[derive(Debug)]
pub enum FormError {
    Message { code: &'static str, message: String },
    Fields(ValidationErrors),
    Page(StoreError),
}

impl From<StoreError> for FormError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Rule(RuleError::Fields(f)) => FormError::Fields(f),
            StoreError::Rule(rule) if rule.inline_message().is_some() => FormError::Message {
                code: rule.code(),
                message: rule.to_string(),
            },
            other => FormError::Page(other),
        }
    }
}

impl From<FormError> for PageError {
    fn from(e: FormError) -> Self {
        match e {
            FormError::Fields(f) => PageError(AppError::invalid(f)),
            FormError::Message { code, message } => {
                PageError(AppError::new(StatusCode::CONFLICT, code, message))
            }
            FormError::Page(e) => e.into(),
        }
    }
}

impl From<FormError> for AppError {
    fn from(e: FormError) -> Self {
        PageError::from(e).0
    }
}

pub type ApiResult<T> = Result<T, AppError>;
pub type PageResult<T> = Result<T, PageError>;
