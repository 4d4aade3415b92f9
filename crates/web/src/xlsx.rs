//! Excel files out: one sheet with a bold, frozen header row, and the
//! download response. Every list that exports uses these.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One sheet named `name` with `headers` and string cells (empty cells
/// are left blank).
pub fn table(name: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, if c == 0 { 8 } else { 18 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string((r + 1) as u32, c as u16, v)?;
            }
        }
    }
    wb.save_to_buffer()
}

/// The file as a download: `ascii` is the plain fallback name, `filename`
/// the Chinese one.
pub fn response(bytes: Vec<u8>, ascii: &str, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                    crate::auth::urlencode(filename)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}
