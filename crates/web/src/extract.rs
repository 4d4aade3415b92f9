//! Extractors whose rejections speak our error format: Chinese pages for
//! forms, `{"code","message"}` for the API.

use crate::error::{AppError, PageError};
use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The client's address as the server saw it ("" in tests).
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(crate::auth::client_ip(parts)))
    }
}

/// A urlencoded form; a malformed one gets a Chinese error page.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(PageForm(v)),
            Err(e) => Err(PageError(form_error(e))),
        }
    }
}

fn form_error(e: FormRejection) -> AppError {
    match e {
        FormRejection::BytesRejection(_) => AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "提交的内容过大",
        ),
        other => {
            tracing::debug!(error = %other, "form rejected");
            AppError::bad_request(
                "invalid_form",
                "提交的表单内容不完整或格式不正确，请刷新页面后重试",
            )
        }
    }
}

/// A JSON body. Syntax errors are 400 `malformed_json`; unknown fields,
/// wrong types and missing fields are 422 `invalid_body`; a body over the
/// limit is 413 `body_too_large`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(json_error(e)),
        }
    }
}

fn json_error(e: JsonRejection) -> AppError {
    match e {
        JsonRejection::JsonSyntaxError(e) => AppError::bad_request(
            "malformed_json",
            format!("请求体不是合法的 JSON：{}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("请求体字段有误：{}", e.body_text()),
        ),
        JsonRejection::MissingJsonContentType(_) => AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            "请求头须为 Content-Type: application/json",
        ),
        JsonRejection::BytesRejection(_) => AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "请求体过大",
        ),
        other => AppError::bad_request("invalid_body", other.body_text()),
    }
}

/// Query parameters for the API; bad ones are 400 `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(query_error(e)),
        }
    }
}

fn query_error(e: QueryRejection) -> AppError {
    AppError::bad_request("invalid_query", format!("查询参数有误：{}", e.body_text()))
}

/// Query parameters for pages; bad ones get an error page.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(PageQuery(v)),
            Err(e) => Err(PageError(query_error(e))),
        }
    }
}

/// A positive id from a path or query segment, written the one way ids
/// are written: ASCII digits without a sign or a leading zero.
pub fn parse_id(raw: &str) -> Option<i64> {
    let canonical =
        !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) && !raw.starts_with('0');
    if !canonical {
        return None;
    }
    raw.parse::<i64>().ok()
}

/// An id for the API: a bad one is 400 `invalid_id`, naming what it is.
pub fn api_id(raw: &str, label: &str) -> Result<i64, crate::error::AppError> {
    parse_id(raw).ok_or_else(|| {
        crate::error::AppError::bad_request("invalid_id", format!("{label}须为正整数"))
    })
}

/// An id for a page: a bad one is simply not found.
pub fn page_id(raw: &str) -> Result<i64, crate::error::PageError> {
    parse_id(raw).ok_or_else(|| crate::error::PageError(crate::error::AppError::not_found()))
}

#[cfg(test)]
mod id_tests {
    use super::parse_id;

    #[test]
    fn ids_are_written_one_way() {
        assert_eq!(parse_id("17"), Some(17));
        for bad in [
            "+17",
            "017",
            "0",
            "-1",
            "",
            " 17",
            "1e3",
            "17 ",
            "99999999999999999999",
        ] {
            assert_eq!(parse_id(bad), None, "{bad:?}");
        }
    }
}
