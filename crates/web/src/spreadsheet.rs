//! The one way an uploaded spreadsheet is read.
//!
//! Memory is bounded by what the file holds, never by what it claims:
//! - the archive is unpacked entry by entry under a total budget (a member
//!   that inflates past it, whatever size its header declares, stops the
//!   read), and repacked uncompressed before the sheet parser sees it;
//! - cells are streamed one at a time and kept sparse, so a single cell at
//!   `XFD1048576` costs one cell, not rows × columns;
//! - non-empty rows and columns beyond the caller's limits are refused with
//!   a message naming the limit.
//!
//! Every upload that parses a spreadsheet goes through [`read_first_sheet`].

use calamine::{DataRef, Reader, Xlsx, open_workbook_from_rs};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

/// Bounds on one uploaded sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetLimits {
    /// Non-empty rows, the header included.
    pub max_rows: usize,
    /// Highest column index (0-based) a non-empty cell may have, plus one.
    pub max_cols: u32,
    /// Total bytes of the archive's members once unpacked.
    pub max_unpacked_bytes: u64,
}

impl SheetLimits {
    /// Limits for an import of at most `data_rows` rows under a header.
    pub fn for_import(data_rows: usize) -> Self {
        SheetLimits {
            max_rows: data_rows.saturating_add(1),
            max_cols: 200,
            max_unpacked_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Why a sheet was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// Not an .xlsx workbook, or a broken one.
    Unreadable,
    /// The unpacked workbook is larger than the budget (bytes).
    TooLarge(u64),
    /// More non-empty rows than the limit (data rows, header excluded).
    TooManyRows(usize),
    /// A non-empty cell beyond the last allowed column (1-based count).
    TooManyColumns(u32),
}

impl SheetError {
    pub fn message(&self) -> String {
        match self {
            SheetError::Unreadable => "无法读取该文件：请上传 .xlsx 格式的 Excel 文件".into(),
            SheetError::TooLarge(max) => format!(
                "文件解压后超过 {} MB，无法导入：请删除多余的工作表、图片或格式后重试",
                max / (1024 * 1024)
            ),
            SheetError::TooManyRows(max) => format!("单次最多导入 {max} 行，请拆分文件"),
            SheetError::TooManyColumns(max) => {
                format!("第一个工作表中有超过 {max} 列的内容，请只保留模板中的列后重试")
            }
        }
    }
}

/// One non-empty row: its 1-based row number in the sheet and its cells by
/// 0-based column (missing columns are empty).
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub number: u32,
    pub cells: Vec<String>,
}

impl SheetRow {
    pub fn get(&self, col: usize) -> &str {
        self.cells.get(col).map(String::as_str).unwrap_or("")
    }
}

/// Reads the first worksheet into its non-empty rows, in sheet order, with
/// every cell as trimmed text.
pub fn read_first_sheet(bytes: &[u8], limits: SheetLimits) -> Result<Vec<SheetRow>, SheetError> {
    read_sheet(bytes, limits, false)
}

/// As [`read_first_sheet`], with date cells as `YYYY-MM-DD HH:MM:SS` when
/// they hold a time of day (post and message times).
pub fn read_first_sheet_with_time(
    bytes: &[u8],
    limits: SheetLimits,
) -> Result<Vec<SheetRow>, SheetError> {
    read_sheet(bytes, limits, true)
}

fn read_sheet(
    bytes: &[u8],
    limits: SheetLimits,
    with_time: bool,
) -> Result<Vec<SheetRow>, SheetError> {
    let unpacked = repack_bounded(bytes, limits.max_unpacked_bytes)?;
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(unpacked)).map_err(|_| SheetError::Unreadable)?;
    let first = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or(SheetError::Unreadable)?;
    let mut reader = wb
        .worksheet_cells_reader(&first)
        .map_err(|_| SheetError::Unreadable)?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|_| SheetError::Unreadable)? {
        let text = cell_text(cell.get_value(), with_time);
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        if col >= limits.max_cols {
            return Err(SheetError::TooManyColumns(limits.max_cols));
        }
        if !rows.contains_key(&row) && rows.len() >= limits.max_rows {
            return Err(SheetError::TooManyRows(limits.max_rows.saturating_sub(1)));
        }
        let cells = rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| SheetRow {
            number: row.saturating_add(1),
            cells,
        })
        .collect())
}

/// Unpacks every member under a shared budget and writes them back
/// uncompressed. The budget counts bytes actually inflated, so a member
/// whose header understates its size is caught as it grows.
fn repack_bounded(bytes: &[u8], budget: u64) -> Result<Vec<u8>, SheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::Unreadable)?;
    if zip
        .decompressed_size()
        .is_some_and(|n| n > u128::from(budget))
    {
        return Err(SheetError::TooLarge(budget));
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    let mut left = budget;
    let mut buf = Vec::new();
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).map_err(|_| SheetError::Unreadable)?;
        if member.is_dir() {
            continue;
        }
        let name = member.name().to_string();
        buf.clear();
        let read = (&mut member)
            .take(left.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|_| SheetError::Unreadable)? as u64;
        if read > left {
            return Err(SheetError::TooLarge(budget));
        }
        left -= read;
        out.start_file(name, stored)
            .map_err(|_| SheetError::Unreadable)?;
        out.write_all(&buf).map_err(|_| SheetError::Unreadable)?;
    }
    out.finish()
        .map(Cursor::into_inner)
        .map_err(|_| SheetError::Unreadable)
}

fn cell_text(d: &DataRef<'_>, with_time: bool) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.into(),
        DataRef::DateTime(dt) if with_time => excel_time(dt.as_f64()),
        DataRef::DateTime(dt) => excel_date(dt.as_f64()),
        DataRef::DateTimeIso(s) if with_time => s.replace('T', " ").chars().take(19).collect(),
        DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) => String::new(),
    }
}

/// Excel's serial day number (1900 system) as YYYY-MM-DD.
fn excel_date(serial: f64) -> String {
    // Excel's range is 1900-01-01 (1) to 9999-12-31 (2958465).
    if !(1.0..=2_958_465.0).contains(&serial) {
        return String::new();
    }
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
    let days = chrono::TimeDelta::try_days(serial.floor() as i64);
    match base.zip(days).and_then(|(b, d)| b.checked_add_signed(d)) {
        Some(d) => d.to_string(),
        None => String::new(),
    }
}

/// Excel's serial day number with its fraction as YYYY-MM-DD HH:MM:SS
/// (rounded to the second; a whole day stays a date).
fn excel_time(serial: f64) -> String {
    let date = excel_date(serial);
    let secs = ((serial - serial.floor()) * 86_400.0).round() as u32;
    if date.is_empty() || secs == 0 || secs >= 86_400 {
        return date;
    }
    format!(
        "{date} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests;
