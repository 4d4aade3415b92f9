//! Files sent with a filing: the multipart form that resubmits a returned
//! filing with its 补正说明 and attachments, and the download of a kept
//! file (scope-checked like the filing itself).

use crate::auth::PageUser;
use crate::error::{AppError, FormError, PageResult};
use crate::extract::page_id;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use govmedia_app::filings;
use govmedia_domain::FilingId;
use govmedia_domain::filing::{ActInput, Action, Upload};

/// 重新报送: a returned (or first) filing submitted with a note and files,
/// all in one transaction with the step.
pub(super) async fn resubmit(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> PageResult<Response> {
    let id = FilingId(page_id(&id)?);
    let mut input = ActInput::default();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let filename = field.file_name().unwrap_or("").to_string();
                let data = field.bytes().await.map_err(|_| upload_failed())?;
                match name.as_str() {
                    "opinion" => input.opinion = String::from_utf8_lossy(&data).into_owned(),
                    "attachments" => input.attachments.push(Upload {
                        filename,
                        bytes: data.to_vec(),
                    }),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return Err(upload_failed().into()),
        }
    }
    let cal = state.store.calendar().await?;
    let actor = s.actor();
    match filings::act(
        &state.store,
        s.caller(&actor),
        id,
        Action::SubmitFiling,
        &input,
        state.today(),
        &cal,
        state.config.announce_workdays,
    )
    .await
    .map_err(FormError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("/filings/{id}")).into_response()),
        Err(FormError::Message { message, .. }) => {
            super::pages::detail_with_error(&state, &s, id, message, Action::SubmitFiling, input)
                .await
        }
        Err(FormError::Fields(e)) => {
            super::pages::detail_with_error(
                &state,
                &s,
                id,
                e.summary(),
                Action::SubmitFiling,
                input,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn upload_failed() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_failed",
        "上传失败：附件过大（合计不超过10 MB）或传输中断",
    )
}

/// A kept file, to whoever may see the filing.
pub(super) async fn download(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path((id, file)): Path<(String, String)>,
) -> PageResult<Response> {
    let id = FilingId(page_id(&id)?);
    // Loading the filing applies the reader's scope.
    state.store.workflow_for(&s.principal, id).await?;
    let (meta, bytes) = state.store.filing_attachment(id, page_id(&file)?).await?;
    Ok((
        [
            (header::CONTENT_TYPE, meta.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"attachment\"; filename*=UTF-8''{}",
                    crate::auth::urlencode(&meta.filename)
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}
