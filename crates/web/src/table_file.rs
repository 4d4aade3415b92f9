//! The one way an uploaded export (CSV or XLSX) becomes a [`Table`]:
//! XLSX through the bounded reader of [`crate::spreadsheet`], CSV decoded
//! from UTF-8 (with or without BOM), UTF-16 with BOM or GB18030 (what the
//! Chinese Excel writes), split by comma, tab or semicolon with quoted
//! fields as RFC 4180 has them. Bounds on rows, columns and cell length
//! are checked while reading.

use crate::spreadsheet::{SheetError, SheetLimits, read_first_sheet_with_time};
use govmedia_domain::monitoring::import::Table;

/// Longest cell accepted (a whole article fits).
const MAX_CELL_BYTES: usize = 200_000;

/// Why a file cannot be read as a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    Sheet(SheetError),
    /// Quotes that never close (the 1-based line where the field began).
    Unclosed(usize),
    TooManyRows(usize),
    TooManyColumns(u32),
    CellTooLong(usize),
    Empty,
}

impl TableError {
    pub fn code(&self) -> &'static str {
        match self {
            TableError::Sheet(SheetError::Unreadable) => "unreadable_file",
            TableError::Sheet(SheetError::TooLarge(_)) => "file_too_large",
            TableError::Sheet(SheetError::TooManyRows(_)) | TableError::TooManyRows(_) => {
                "too_many_rows"
            }
            TableError::Sheet(SheetError::TooManyColumns(_)) | TableError::TooManyColumns(_) => {
                "too_many_columns"
            }
            TableError::Unclosed(_) => "malformed_csv",
            TableError::CellTooLong(_) => "cell_too_long",
            TableError::Empty => "empty_file",
        }
    }

    pub fn message(&self) -> String {
        match self {
            TableError::Sheet(SheetError::Unreadable) => {
                "无法读取该文件：请上传 .xlsx 或 .csv 格式的导出文件".into()
            }
            TableError::Sheet(e) => e.message(),
            TableError::Unclosed(line) => {
                format!("CSV 文件格式有误：第 {line} 行开始的引号没有闭合")
            }
            TableError::TooManyRows(max) => format!("单个文件最多导入 {max} 行，请拆分文件"),
            TableError::TooManyColumns(max) => format!("文件中有超过 {max} 列的内容"),
            TableError::CellTooLong(line) => {
                format!("第 {line} 行有超过 {} 字节的单元格", MAX_CELL_BYTES)
            }
            TableError::Empty => "文件是空的：第一行应为列名".into(),
        }
    }
}

/// Reads an upload: a ZIP signature means XLSX, anything else is CSV.
pub fn read_table(bytes: &[u8], limits: SheetLimits) -> Result<Table, TableError> {
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        read_first_sheet_with_time(bytes, limits)
            .map_err(TableError::Sheet)?
            .into_iter()
            .map(|r| (r.number, r.cells))
            .collect()
    } else {
        read_csv(&decode(bytes), limits)?
    };
    let t = Table::from_rows(rows);
    if t.headers.is_empty() {
        return Err(TableError::Empty);
    }
    Ok(t)
}

/// Text of a CSV file in the encodings the exports come in.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        return enc.decode_with_bom_removal(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The delimiter of the header line: tab or semicolon when they outnumber
/// commas there.
fn delimiter(text: &str) -> char {
    let head = text.lines().next().unwrap_or("");
    let n = |c| head.matches(c).count();
    let (comma, tab, semi) = (n(','), n('\t'), n(';'));
    if tab > comma && tab >= semi {
        '\t'
    } else if semi > comma {
        ';'
    } else {
        ','
    }
}

/// The non-empty records of a CSV text with their 1-based line numbers,
/// each cell trimmed.
pub fn read_csv(text: &str, limits: SheetLimits) -> Result<Vec<(u32, Vec<String>)>, TableError> {
    let delim = delimiter(text);
    let mut out: Vec<(u32, Vec<String>)> = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let (mut line, mut start_line, mut quote_line) = (1usize, 1usize, 0usize);
    let (mut quoted, mut in_quotes) = (false, false);
    let mut chars = text.chars().peekable();
    let mut end_record = |record: &mut Vec<String>, start: usize| -> Result<(), TableError> {
        if record.iter().any(|c| !c.is_empty()) {
            if out.len() >= limits.max_rows {
                return Err(TableError::TooManyRows(limits.max_rows.saturating_sub(1)));
            }
            out.push((
                u32::try_from(start).unwrap_or(u32::MAX),
                std::mem::take(record),
            ));
        }
        record.clear();
        Ok(())
    };
    let push_field = |record: &mut Vec<String>, field: &mut String| -> Result<(), TableError> {
        if record.len() >= limits.max_cols as usize {
            return Err(TableError::TooManyColumns(limits.max_cols));
        }
        record.push(field.trim().to_string());
        field.clear();
        Ok(())
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
        } else if c == '"' && !quoted && field.trim().is_empty() {
            field.clear();
            in_quotes = true;
            quoted = true;
            quote_line = line;
        } else if c == delim {
            push_field(&mut record, &mut field)?;
            quoted = false;
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            push_field(&mut record, &mut field)?;
            quoted = false;
            end_record(&mut record, start_line)?;
            line += 1;
            start_line = line;
        } else {
            field.push(c);
        }
        if field.len() > MAX_CELL_BYTES {
            return Err(TableError::CellTooLong(start_line));
        }
    }
    if in_quotes {
        return Err(TableError::Unclosed(quote_line));
    }
    if !field.is_empty() || !record.is_empty() {
        push_field(&mut record, &mut field)?;
        end_record(&mut record, start_line)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim() -> SheetLimits {
        SheetLimits::for_import(100)
    }

    fn cells(rows: &[(u32, Vec<String>)]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|(_, c)| c.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn reads_quotes_newlines_and_blank_lines() {
        let t = "标题,发表时间\r\n\"含,逗号\",2026-03-05\n\n\"两行\n正文 \"\"引号\"\"\",2026-03-06\n,\n";
        let rows = read_csv(t, lim()).unwrap();
        assert_eq!(
            cells(&rows),
            vec![
                vec!["标题", "发表时间"],
                vec!["含,逗号", "2026-03-05"],
                vec!["两行\n正文 \"引号\"", "2026-03-06"]
            ]
        );
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 2, 4]);
    }

    #[test]
    fn tabs_and_semicolons_are_delimiters_when_the_header_says_so() {
        assert_eq!(
            cells(&read_csv("a\tb\n1,5\t2\n", lim()).unwrap())[1],
            vec!["1,5", "2"]
        );
        assert_eq!(
            cells(&read_csv("a;b\n1;2", lim()).unwrap())[1],
            vec!["1", "2"]
        );
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        assert_eq!(
            read_csv("a,b\n1,2\n\"oops,3\n4,5\n", lim()),
            Err(TableError::Unclosed(3))
        );
    }

    #[test]
    fn limits_are_checked_while_reading() {
        let many = "a\n".repeat(200);
        assert_eq!(
            read_csv(&many, SheetLimits::for_import(10)),
            Err(TableError::TooManyRows(10))
        );
        let wide = ",".repeat(300);
        assert!(matches!(
            read_csv(&format!("x{wide}\n"), lim()),
            Err(TableError::TooManyColumns(_))
        ));
        let long = "字".repeat(80_000);
        assert!(matches!(
            read_csv(&format!("a\n{long}\n"), lim()),
            Err(TableError::CellTooLong(2))
        ));
    }

    #[test]
    fn decodes_gb18030_utf16_and_bom() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("标题,时间\n通知,2026-03-05\n");
        assert!(decode(&gbk).starts_with("标题,时间"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend("标题".as_bytes());
        assert_eq!(decode(&bom), "标题");
        let mut u16 = vec![0xFF, 0xFE];
        for u in "标题\t时间".encode_utf16() {
            u16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&u16), "标题\t时间");
    }

    #[test]
    fn garbage_is_an_error_not_a_crash() {
        assert_eq!(
            read_table(b"PK\x03\x04garbage", lim()).unwrap_err().code(),
            "unreadable_file"
        );
        assert_eq!(read_table(b"", lim()).unwrap_err(), TableError::Empty);
        let t = read_table("标题,时间\n通知,2026-03-05\n".as_bytes(), lim()).unwrap();
        assert_eq!(t.headers, vec!["标题", "时间"]);
        assert_eq!(t.rows.len(), 1);
    }
}
