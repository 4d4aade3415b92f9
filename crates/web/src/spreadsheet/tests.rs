use super::*;
use rust_xlsxwriter::Workbook;

fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The workbook with `xml` inserted at the end of the first sheet's data,
/// as an attacker would append it by hand.
fn with_appended_rows(bytes: &[u8], xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut m = zip.by_index(i).unwrap();
        let name = m.name().to_string();
        let mut text = Vec::new();
        m.read_to_end(&mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let s = String::from_utf8(text).unwrap();
            text = s
                .replacen("</sheetData>", &format!("{xml}</sheetData>"), 1)
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap().into_inner()
}

const LIMITS: SheetLimits = SheetLimits {
    max_rows: 11,
    max_cols: 30,
    max_unpacked_bytes: 1024 * 1024,
};

#[test]
fn one_cell_at_the_last_address_is_refused_not_allocated() {
    // The reported attack: one inline-string cell at XFD1048576. A dense
    // range would need 2^20 × 2^14 cells; here it is a column-limit error.
    let bytes = with_appended_rows(
        &workbook(&[&["平台", "账号名称"]]),
        r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
    );
    assert_eq!(
        read_first_sheet(&bytes, LIMITS),
        Err(SheetError::TooManyColumns(30))
    );
}

#[test]
fn a_far_row_inside_the_columns_is_one_row() {
    let bytes = with_appended_rows(
        &workbook(&[&["平台", "账号名称"]]),
        r#"<row r="1048576"><c r="B1048576" t="inlineStr"><is><t>南昌人社</t></is></c></row>"#,
    );
    let rows = read_first_sheet(&bytes, LIMITS).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].number, 1_048_576);
    assert_eq!(rows[1].get(0), "");
    assert_eq!(rows[1].get(1), "南昌人社");
    assert_eq!(rows[1].get(99), "");
}

#[test]
fn empty_styled_cells_far_away_cost_nothing() {
    // Excel writes formatted but empty cells; they must not count as rows.
    let bytes = with_appended_rows(
        &workbook(&[&["平台"], &["微博"]]),
        r#"<row r="900000"><c r="ZZ900000" s="0"/></row>"#,
    );
    let rows = read_first_sheet(&bytes, LIMITS).unwrap();
    assert_eq!(rows.len(), 2);
}

#[test]
fn rows_beyond_the_limit_are_refused_with_the_data_row_limit() {
    let many: Vec<[&str; 1]> = (0..12).map(|_| ["x"]).collect();
    let rows: Vec<&[&str]> = many.iter().map(|r| r.as_slice()).collect();
    assert_eq!(
        read_first_sheet(&workbook(&rows), LIMITS),
        Err(SheetError::TooManyRows(10))
    );
    assert_eq!(
        read_first_sheet(&workbook(&rows[..11]), LIMITS)
            .unwrap()
            .len(),
        11
    );
}

fn deflated_zeros(len: usize) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    out.start_file(
        "xl/sharedStrings.xml",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    out.write_all(&vec![b' '; len]).unwrap();
    out.finish().unwrap().into_inner()
}

#[test]
fn an_archive_that_declares_too_much_is_refused() {
    let bytes = deflated_zeros(2 * 1024 * 1024);
    assert!(bytes.len() < 64 * 1024, "the test needs a small bomb");
    assert_eq!(
        read_first_sheet(&bytes, LIMITS),
        Err(SheetError::TooLarge(1024 * 1024))
    );
}

/// Overwrites the 32-bit uncompressed size of every member's local and
/// central header with `size`.
fn lie_about_size(bytes: &mut [u8], size: u32) {
    let patch = |bytes: &mut [u8], sig: &[u8], offset: usize| {
        let mut i = 0;
        while let Some(p) = bytes[i..].windows(4).position(|w| w == sig) {
            let at = i + p + offset;
            bytes[at..at + 4].copy_from_slice(&size.to_le_bytes());
            i = i + p + 4;
        }
    };
    patch(bytes, b"PK\x03\x04", 22);
    patch(bytes, b"PK\x01\x02", 24);
}

#[test]
fn a_member_that_understates_its_size_is_stopped_as_it_grows() {
    let mut bytes = deflated_zeros(2 * 1024 * 1024);
    lie_about_size(&mut bytes, 10);
    assert_eq!(
        read_first_sheet(&bytes, LIMITS),
        Err(SheetError::TooLarge(1024 * 1024))
    );
}

#[test]
fn garbage_is_unreadable() {
    assert_eq!(
        read_first_sheet(b"not a zip", LIMITS),
        Err(SheetError::Unreadable)
    );
    assert_eq!(
        read_first_sheet(b"PK\x03\x04broken", LIMITS),
        Err(SheetError::Unreadable)
    );
    // A zip that is no workbook.
    assert_eq!(
        read_first_sheet(&deflated_zeros(10), LIMITS),
        Err(SheetError::Unreadable)
    );
}

#[test]
fn cells_become_trimmed_text() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "  名称 ").unwrap();
    ws.write_number(0, 1, 42.0).unwrap();
    ws.write_number(0, 2, 1.5).unwrap();
    ws.write_boolean(0, 3, true).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let rows = read_first_sheet(&bytes, LIMITS).unwrap();
    assert_eq!(rows[0].cells, ["名称", "42", "1.5", "是"]);
}

#[test]
fn serial_dates() {
    assert_eq!(excel_date(45658.0), "2025-01-01");
    assert_eq!(excel_date(1e300), "");
    assert_eq!(excel_date(-5.0), "");
    assert_eq!(excel_date(f64::NAN), "");
}

#[test]
fn messages_name_the_limit() {
    assert!(SheetError::TooManyRows(5000).message().contains("5000"));
    assert!(SheetError::TooManyColumns(200).message().contains("200"));
    assert!(
        SheetError::TooLarge(64 * 1024 * 1024)
            .message()
            .contains("64 MB")
    );
}

#[test]
fn date_cells_keep_their_time_only_when_asked() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
    ws.write_string(0, 0, "发表时间").unwrap();
    // 2026-03-05 10:21:00 and a whole day.
    ws.write_number_with_format(
        1,
        0,
        46086.0 + (10.0 * 3600.0 + 21.0 * 60.0) / 86400.0,
        &fmt,
    )
    .unwrap();
    ws.write_number_with_format(2, 0, 46086.0, &fmt).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let lim = SheetLimits::for_import(10);
    let with = read_first_sheet_with_time(&bytes, lim).unwrap();
    assert_eq!(with[1].get(0), "2026-03-05 10:21:00");
    assert_eq!(with[2].get(0), "2026-03-05");
    let without = read_first_sheet(&bytes, lim).unwrap();
    assert_eq!(without[1].get(0), "2026-03-05");
}
