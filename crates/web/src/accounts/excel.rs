//! Excel export of the registry and the import format (same columns).

use crate::spreadsheet::{SheetError, SheetLimits, read_first_sheet};
use govmedia_domain::account::AccountDraft;
use govmedia_domain::account::AccountStatus;
use govmedia_domain::platform::Platform;
use govmedia_store::accounts::AccountWithWarnings;
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

/// Columns of the export, in order. The import reads the same headers
/// (ID and 检查提示 are ignored on import).
pub const COLUMNS: &[&str] = &[
    "ID",
    "平台",
    "账号名称",
    "平台账号ID",
    "主页地址",
    "主办单位ID",
    "主办单位",
    "负责人",
    "运营人员",
    "外包运维",
    "外包运维单位",
    "认证主体",
    "功能定位",
    "开设日期",
    "状态",
    "公务人员职务账号",
    "开设人",
    "检查提示",
];

fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

fn sheet_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    crate::xlsx::table("账号台账", COLUMNS, rows)
}

/// The registry as an .xlsx file.
pub fn export(accounts: &[AccountWithWarnings]) -> Result<Vec<u8>, XlsxError> {
    let rows: Vec<Vec<String>> = accounts
        .iter()
        .map(|aw| {
            let a = &aw.account;
            vec![
                a.id.0.to_string(),
                a.platform.label().into(),
                a.name.clone(),
                a.handle.clone(),
                a.home_url.clone(),
                a.host_org_id.0.to_string(),
                a.host_org_name.clone(),
                a.responsible_person.clone(),
                a.operators.clone(),
                yes_no(a.vendor_operated).into(),
                a.vendor_name.clone(),
                a.certification_subject.clone(),
                a.purpose.clone(),
                a.opened_on.map(|d| d.to_string()).unwrap_or_default(),
                a.status.label().into(),
                yes_no(a.personal_official).into(),
                a.owner_name.clone(),
                aw.warnings
                    .iter()
                    .map(|w| w.kind.label())
                    .collect::<Vec<_>>()
                    .join("；"),
            ]
        })
        .collect();
    sheet_bytes(&rows)
}

/// Values an import row may hold in the columns that take a choice.
pub fn import_choices() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("平台", Platform::ALL.iter().map(|p| p.label()).collect()),
        (
            "状态",
            AccountStatus::ALL
                .into_iter()
                .filter(|st| govmedia_domain::registry::status_is_editable(*st))
                .map(|st| st.label())
                .collect(),
        ),
        ("外包运维", vec!["是", "否"]),
        ("公务人员职务账号", vec!["是", "否"]),
    ]
}

/// The template's example row (row 2). Left as it is, it is not imported.
const EXAMPLE_ROW: [&str; 18] = [
    "",
    "微博",
    "南昌人社",
    "nanchangrenshe",
    "https://weibo.com/nanchangrenshe",
    "",
    "南昌市人力资源和社会保障局",
    "王磊",
    "李娜、张伟",
    "否",
    "",
    "南昌市人力资源和社会保障局",
    "政策解读、办事指引",
    "2019-03-01",
    "运营中",
    "否",
    "",
    "",
];

/// Rows the template's drop-downs cover.
const TEMPLATE_ROWS: u32 = 2000;

/// The import template: the headers, one example row to overwrite, a
/// second sheet listing the allowed values, and drop-downs on the columns
/// that take a choice.
pub fn template() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("账号台账")?;
    let bold = Format::new().set_bold();
    let example = Format::new().set_font_color(rust_xlsxwriter::Color::RGB(0x55606E));
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, if c == 0 { 8 } else { 18 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (c, v) in EXAMPLE_ROW.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string_with_format(1, c as u16, *v, &example)?;
        }
    }
    for (column, values) in import_choices() {
        let Some(c) = COLUMNS.iter().position(|h| *h == column) else {
            continue;
        };
        let dv = DataValidation::new()
            .allow_list_strings(&values)?
            .set_error_title("填写有误")?
            .set_error_message(format!("{column}只能填：{}", values.join("、")))?;
        ws.add_data_validation(1, c as u16, TEMPLATE_ROWS, c as u16, &dv)?;
    }
    let help = wb.add_worksheet();
    help.set_name("填写说明")?;
    help.write_string_with_format(0, 0, "列", &bold)?;
    help.write_string_with_format(0, 1, "可填写的值", &bold)?;
    help.set_column_width(0, 18)?;
    help.set_column_width(1, 60)?;
    let mut r = 1;
    for (column, values) in import_choices() {
        help.write_string(r, 0, column)?;
        help.write_string(r, 1, values.join("、"))?;
        r += 1;
    }
    for (column, rule) in [
        ("账号名称、负责人", "必填"),
        (
            "主办单位ID / 主办单位",
            "至少填一项；单位须在您的管辖范围内",
        ),
        ("开设日期", "格式 YYYY-MM-DD，不晚于今天"),
        ("示例行", "第2行为示例（灰色），请覆盖或删除后再导入"),
    ] {
        help.write_string(r, 0, column)?;
        help.write_string(r, 1, rule)?;
        r += 1;
    }
    wb.save_to_buffer()
}

/// One data row of an import file: the draft, plus the host org given by
/// id or by name (resolved by the caller within the user's scope).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Spreadsheet row number (the header is row 1).
    pub line: usize,
    pub draft: AccountDraft,
    pub host_org_name: String,
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    Unreadable,
    Empty,
    MissingColumns(Vec<&'static str>),
    TooManyRows(usize),
    TooManyColumns(u32),
    TooLarge(u64),
}

impl From<SheetError> for ImportError {
    fn from(e: SheetError) -> Self {
        match e {
            SheetError::Unreadable => ImportError::Unreadable,
            SheetError::TooManyRows(n) => ImportError::TooManyRows(n),
            SheetError::TooManyColumns(n) => ImportError::TooManyColumns(n),
            SheetError::TooLarge(n) => ImportError::TooLarge(n),
        }
    }
}

impl ImportError {
    pub fn message(&self) -> String {
        match self {
            ImportError::Unreadable => SheetError::Unreadable.message(),
            ImportError::Empty => "文件中没有可导入的数据行".into(),
            ImportError::MissingColumns(c) => format!("缺少必需的列：{}", c.join("、")),
            ImportError::TooManyRows(max) => SheetError::TooManyRows(*max).message(),
            ImportError::TooManyColumns(max) => SheetError::TooManyColumns(*max).message(),
            ImportError::TooLarge(max) => SheetError::TooLarge(*max).message(),
        }
    }
}

fn parse_bool(s: &str) -> Result<bool, ()> {
    match s.trim() {
        "" | "否" | "no" | "false" | "0" | "N" | "n" => Ok(false),
        "是" | "yes" | "true" | "1" | "Y" | "y" => Ok(true),
        _ => Err(()),
    }
}

/// Reads an import file. Structural problems fail the whole file; cell
/// problems are collected per row in `ImportRow::errors`. The sheet is read
/// through [`crate::spreadsheet`], so memory follows the cells present.
pub fn parse_import(bytes: &[u8], max_rows: usize) -> Result<Vec<ImportRow>, ImportError> {
    let mut rows = read_first_sheet(bytes, SheetLimits::for_import(max_rows))?.into_iter();
    let header = rows.next().ok_or(ImportError::Empty)?;
    let col = |name: &str| header.cells.iter().position(|h| h == name);
    let required = ["平台", "账号名称", "负责人"];
    let missing: Vec<&'static str> = required
        .iter()
        .copied()
        .filter(|c| col(c).is_none())
        .chain((col("主办单位ID").is_none() && col("主办单位").is_none()).then_some("主办单位"))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing));
    }
    let mut out = Vec::new();
    for row in rows {
        let get = |name: &str| {
            col(name)
                .map(|c| row.get(c).to_string())
                .unwrap_or_default()
        };
        // The template's example, left untouched, is not an account.
        let untouched = COLUMNS.iter().zip(EXAMPLE_ROW).all(|(h, v)| get(h) == v);
        if untouched {
            continue;
        }
        let mut errors = Vec::new();
        let mut flag = |name: &str| match parse_bool(&get(name)) {
            Ok(b) => b,
            Err(()) => {
                errors.push(format!("“{name}”只能填“是”或“否”"));
                false
            }
        };
        let vendor_operated = flag("外包运维");
        let personal_official = flag("公务人员职务账号");
        out.push(ImportRow {
            line: row.number as usize,
            draft: AccountDraft {
                platform: get("平台"),
                name: get("账号名称"),
                handle: get("平台账号ID"),
                home_url: get("主页地址"),
                host_org_id: get("主办单位ID"),
                responsible_person: get("负责人"),
                operators: get("运营人员"),
                vendor_operated,
                vendor_name: get("外包运维单位"),
                certification_subject: get("认证主体"),
                purpose: get("功能定位"),
                opened_on: get("开设日期"),
                status: get("状态"),
                personal_official,
                owner_name: get("开设人"),
            },
            host_org_name: get("主办单位"),
            errors,
        });
    }
    if out.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_round_trips_headers() {
        let bytes = template().unwrap();
        assert_eq!(parse_import(&bytes, 10), Err(ImportError::Empty));
    }

    #[test]
    fn garbage_is_unreadable() {
        assert_eq!(parse_import(b"not a zip", 10), Err(ImportError::Unreadable));
        assert_eq!(
            parse_import(b"PK\x03\x04broken", 10),
            Err(ImportError::Unreadable)
        );
    }

    #[test]
    fn reads_rows_and_flags_bad_booleans() {
        let rows = vec![
            vec![
                "",
                "抖音",
                "南昌人社",
                "",
                "",
                "3",
                "",
                "张三",
                "",
                "是",
                "某公司",
                "",
                "",
                "2024-01-02",
                "运营中",
                "否",
                "",
                "",
            ],
            vec![
                "",
                "微博",
                "X",
                "",
                "",
                "",
                "南昌市人力资源和社会保障局",
                "李四",
                "",
                "也许",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ]
        .into_iter()
        .map(|r| r.into_iter().map(String::from).collect())
        .collect::<Vec<Vec<String>>>();
        let bytes = sheet_bytes(&rows).unwrap();
        let parsed = parse_import(&bytes, 10).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].line, 2);
        assert_eq!(parsed[0].draft.platform, "抖音");
        assert!(parsed[0].draft.vendor_operated);
        assert_eq!(parsed[0].draft.opened_on, "2024-01-02");
        assert!(parsed[0].errors.is_empty());
        assert_eq!(parsed[1].host_org_name, "南昌市人力资源和社会保障局");
        assert_eq!(parsed[1].errors.len(), 1);
        assert_eq!(parse_import(&bytes, 1), Err(ImportError::TooManyRows(1)));
    }
}

#[cfg(test)]
mod template_tests {
    use super::*;

    #[test]
    fn the_template_teaches_and_imports_nothing_by_itself() {
        let bytes = template().expect("template");
        // An example row, a sheet of allowed values, drop-downs.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("xlsx");
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").expect("sheet1"),
            &mut sheet,
        )
        .expect("read");
        assert!(sheet.contains("<dataValidation"), "drop-downs");
        let mut strings = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/sharedStrings.xml").expect("strings"),
            &mut strings,
        )
        .expect("read");
        assert!(
            zip.file_names().any(|n| n == "xl/worksheets/sheet2.xml"),
            "填写说明"
        );
        assert!(strings.contains("填写说明") || strings.contains("可填写的值"));
        assert!(strings.contains("南昌人社"), "an example row");
        // The untouched example is skipped: the template alone is empty.
        assert_eq!(parse_import(&bytes, 100), Err(ImportError::Empty));
    }
}
