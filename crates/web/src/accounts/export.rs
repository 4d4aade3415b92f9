//! The registry as an Excel file: one function for the page and the API.

use super::excel;
use super::params::ListParams;
use crate::auth::Session;
use crate::error::AppError;
use crate::layout::query_string;
use crate::state::AppState;
use axum::response::Response;
use govmedia_domain::auth::Permission;

pub fn xlsx(bytes: Vec<u8>, filename: &str) -> Response {
    crate::xlsx::response(bytes, "accounts.xlsx", filename)
}

/// Exports the filtered registry and records the export in the audit log.
pub async fn export_response(
    state: &AppState,
    s: &Session,
    p: &ListParams,
) -> Result<Response, AppError> {
    let scope = s.require(Permission::AccountExport)?;
    let filter = p.to_filter(20)?;
    let rows = state.store.export_accounts(&scope, &filter).await?;
    let bytes = excel::export(&rows).map_err(|e| {
        tracing::error!(error = %e, "xlsx export failed");
        AppError::internal()
    })?;
    let mut a = s.actor().audit("account.export", "account", "");
    a.detail = serde_json::json!({"count": rows.len(), "filter": query_string(&p.query_pairs())})
        .to_string();
    state.store.audit(a).await?;
    Ok(xlsx(bytes, &format!("账号台账-{}.xlsx", state.today())))
}
