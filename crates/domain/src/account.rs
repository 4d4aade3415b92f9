//! Accounts in the registry (台账): statuses and validated input.

use crate::error::ValidationErrors;
use crate::ids::{AccountId, OrgId, UserId};
use crate::platform::Platform;
use crate::text::{char_len, clean_line, clean_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// 申请开设中
    Opening,
    /// 正常运营
    Active,
    /// 暂停更新
    Suspended,
    /// 已关停/注销
    Closed,
}

impl AccountStatus {
    pub const ALL: [AccountStatus; 4] = [
        AccountStatus::Opening,
        AccountStatus::Active,
        AccountStatus::Suspended,
        AccountStatus::Closed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AccountStatus::Opening => "opening",
            AccountStatus::Active => "active",
            AccountStatus::Suspended => "suspended",
            AccountStatus::Closed => "closed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AccountStatus::Opening => "开设中",
            AccountStatus::Active => "运营中",
            AccountStatus::Suspended => "暂停更新",
            AccountStatus::Closed => "已关停",
        }
    }
    pub fn parse(s: &str) -> Option<AccountStatus> {
        AccountStatus::ALL
            .into_iter()
            .find(|k| k.code() == s.trim() || k.label() == s.trim())
    }
}

/// Raw account fields as they arrive from a form, the API or a spreadsheet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDraft {
    pub platform: String,
    pub name: String,
    pub handle: String,
    pub home_url: String,
    pub host_org_id: String,
    pub responsible_person: String,
    pub operators: String,
    pub vendor_operated: bool,
    pub vendor_name: String,
    pub certification_subject: String,
    pub purpose: String,
    pub opened_on: String,
    pub status: String,
    pub personal_official: bool,
    pub owner_name: String,
}

/// Account fields after validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountInput {
    pub platform: Platform,
    pub name: String,
    pub handle: String,
    pub home_url: String,
    pub host_org_id: OrgId,
    pub responsible_person: String,
    pub operators: String,
    pub vendor_operated: bool,
    pub vendor_name: String,
    pub certification_subject: String,
    pub purpose: String,
    pub opened_on: Option<NaiveDate>,
    pub status: AccountStatus,
    pub personal_official: bool,
    pub owner_name: String,
}

/// A single-line field under the one text rule (`text::clean_line`).
fn text_field(
    errs: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    checked_text(errs, field, label, value, max, required, false)
}

fn checked_text(
    errs: &mut ValidationErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
    required: bool,
    multiline: bool,
) -> String {
    let cleaned = if multiline {
        clean_text(value)
    } else {
        clean_line(value)
    };
    let v = match cleaned {
        Ok(v) => v,
        Err(_) => {
            errs.push(
                field,
                "invalid_characters",
                format!("{label}含有不可见的控制字符"),
            );
            return value.trim().to_string();
        }
    };
    if v.is_empty() {
        if required {
            errs.push(field, "required", format!("请填写{label}"));
        }
    } else if char_len(&v) > max {
        errs.push(field, "too_long", format!("{label}不能超过{max}个字符"));
    }
    v
}

/// Accepts http(s) URLs without spaces; a missing scheme gets https.
fn parse_url(errs: &mut ValidationErrors, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return String::new();
    }
    let with_scheme = if v.starts_with("http://") || v.starts_with("https://") {
        v.to_string()
    } else if v.contains("://") {
        errs.push(
            "home_url",
            "invalid_url",
            "主页地址只支持 http 或 https 链接",
        );
        return v.to_string();
    } else {
        format!("https://{v}")
    };
    let host = with_scheme
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .unwrap_or("");
    if char_len(&with_scheme) > 500
        || with_scheme.chars().any(char::is_whitespace)
        || host.is_empty()
        || !host.contains('.') && !host.starts_with("localhost")
    {
        errs.push("home_url", "invalid_url", "主页地址不是有效的网址");
    }
    with_scheme
}

impl AccountDraft {
    /// Validates every field and reports all problems at once. `today` bounds
    /// the opening date (an account cannot have opened in the future).
    pub fn parse(&self, today: NaiveDate) -> Result<AccountInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let platform = Platform::parse(&self.platform);
        if platform.is_none() {
            errs.push("platform", "invalid_platform", "请选择有效的平台");
        }
        let name = text_field(&mut errs, "name", "账号名称", &self.name, 50, true);
        let handle = text_field(&mut errs, "handle", "平台账号ID", &self.handle, 100, false);
        let home_url = parse_url(&mut errs, &self.home_url);
        let host_org_id = match self.host_org_id.trim().parse::<i64>() {
            Ok(v) if v > 0 => Some(OrgId(v)),
            _ => {
                errs.push("host_org_id", "invalid_host_org", "请选择主办单位");
                None
            }
        };
        let responsible_person = text_field(
            &mut errs,
            "responsible_person",
            "负责人",
            &self.responsible_person,
            30,
            true,
        );
        let operators = text_field(
            &mut errs,
            "operators",
            "运营人员",
            &self.operators,
            200,
            false,
        );
        let vendor_name = text_field(
            &mut errs,
            "vendor_name",
            "外包运维单位",
            &self.vendor_name,
            60,
            self.vendor_operated,
        );
        let certification_subject = text_field(
            &mut errs,
            "certification_subject",
            "认证主体",
            &self.certification_subject,
            60,
            false,
        );
        let purpose = checked_text(
            &mut errs,
            "purpose",
            "功能定位",
            &self.purpose,
            500,
            false,
            true,
        );
        let opened_on = match self.opened_on.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d > today => {
                    errs.push("opened_on", "opened_in_future", "开设日期不能晚于今天");
                    None
                }
                Ok(d) if d.year_ce().1 < 2000 => {
                    errs.push("opened_on", "invalid_date", "开设日期不合理");
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errs.push("opened_on", "invalid_date", "开设日期格式应为 YYYY-MM-DD");
                    None
                }
            },
        };
        let status = if self.status.trim().is_empty() {
            Some(AccountStatus::Active)
        } else {
            AccountStatus::parse(&self.status)
        };
        if status.is_none() {
            errs.push("status", "invalid_status", "账号状态无效");
        }
        let owner_name = text_field(
            &mut errs,
            "owner_name",
            "开设人（公务人员）姓名",
            &self.owner_name,
            30,
            self.personal_official,
        );
        match (platform, host_org_id, status) {
            (Some(platform), Some(host_org_id), Some(status)) if errs.is_empty() => {
                Ok(AccountInput {
                    platform,
                    name,
                    handle,
                    home_url,
                    host_org_id,
                    responsible_person,
                    operators,
                    vendor_operated: self.vendor_operated,
                    vendor_name: if self.vendor_operated {
                        vendor_name
                    } else {
                        String::new()
                    },
                    certification_subject,
                    purpose,
                    opened_on,
                    status,
                    personal_official: self.personal_official,
                    owner_name: if self.personal_official {
                        owner_name
                    } else {
                        String::new()
                    },
                })
            }
            _ => Err(errs),
        }
    }
}

use chrono::Datelike;

/// Summary of an account that checks and lists need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    pub id: crate::ids::AccountId,
    pub platform: Platform,
    pub name: String,
    pub host_org_id: OrgId,
    pub host_org_name: String,
    pub host_org_region: String,
    pub certification_subject: String,
    pub status: AccountStatus,
    pub personal_official: bool,
    pub created_by: Option<UserId>,
}

/// An account in the registry, with its host org's name, path and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRecord {
    pub id: crate::ids::AccountId,
    pub platform: Platform,
    pub name: String,
    pub handle: String,
    pub home_url: String,
    pub host_org_id: OrgId,
    pub host_org_name: String,
    #[serde(skip)]
    pub host_org_path: String,
    #[serde(skip)]
    pub host_org_region: String,
    pub responsible_person: String,
    pub operators: String,
    pub vendor_operated: bool,
    pub vendor_name: String,
    pub certification_subject: String,
    pub purpose: String,
    pub opened_on: Option<NaiveDate>,
    pub status: AccountStatus,
    pub personal_official: bool,
    pub owner_name: String,
    /// The account this one was merged into (整合), once deregistered.
    pub merged_into: Option<AccountId>,
    pub version: i64,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl AccountRecord {
    pub fn row(&self) -> AccountRow {
        AccountRow {
            id: self.id,
            platform: self.platform,
            name: self.name.clone(),
            host_org_id: self.host_org_id,
            host_org_name: self.host_org_name.clone(),
            host_org_region: self.host_org_region.clone(),
            certification_subject: self.certification_subject.clone(),
            status: self.status,
            personal_official: self.personal_official,
            created_by: self.created_by,
        }
    }

    /// The record's values as input (already valid: no parsing).
    pub fn input(&self) -> AccountInput {
        AccountInput {
            platform: self.platform,
            name: self.name.clone(),
            handle: self.handle.clone(),
            home_url: self.home_url.clone(),
            host_org_id: self.host_org_id,
            responsible_person: self.responsible_person.clone(),
            operators: self.operators.clone(),
            vendor_operated: self.vendor_operated,
            vendor_name: self.vendor_name.clone(),
            certification_subject: self.certification_subject.clone(),
            purpose: self.purpose.clone(),
            opened_on: self.opened_on,
            status: self.status,
            personal_official: self.personal_official,
            owner_name: self.owner_name.clone(),
        }
    }

    /// Field values as text, spelled as `AccountInput::field_values`.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        self.input().field_values()
    }

    /// The record as raw fields, to be edited and parsed again.
    pub fn draft(&self) -> AccountDraft {
        AccountDraft {
            platform: self.platform.code().into(),
            name: self.name.clone(),
            handle: self.handle.clone(),
            home_url: self.home_url.clone(),
            host_org_id: self.host_org_id.0.to_string(),
            responsible_person: self.responsible_person.clone(),
            operators: self.operators.clone(),
            vendor_operated: self.vendor_operated,
            vendor_name: self.vendor_name.clone(),
            certification_subject: self.certification_subject.clone(),
            purpose: self.purpose.clone(),
            opened_on: self.opened_on.map(|d| d.to_string()).unwrap_or_default(),
            status: self.status.code().into(),
            personal_official: self.personal_official,
            owner_name: self.owner_name.clone(),
        }
    }
}

/// Chinese label of an account field, for history and error reports.
pub fn field_label(field: &str) -> &str {
    match field {
        "platform" => "平台",
        "name" => "账号名称",
        "handle" => "平台账号ID",
        "home_url" => "主页地址",
        "host_org_id" => "主办单位",
        "responsible_person" => "负责人",
        "operators" => "运营人员",
        "vendor_operated" => "外包运维",
        "vendor_name" => "外包运维单位",
        "certification_subject" => "认证主体",
        "purpose" => "功能定位",
        "opened_on" => "开设日期",
        "status" => "状态",
        "personal_official" => "公务人员职务账号",
        "owner_name" => "开设人",
        other => other,
    }
}

impl AccountInput {
    /// Field values as text, in a fixed order, for change history.
    pub fn field_values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("platform", self.platform.code().to_string()),
            ("name", self.name.clone()),
            ("handle", self.handle.clone()),
            ("home_url", self.home_url.clone()),
            ("host_org_id", self.host_org_id.0.to_string()),
            ("responsible_person", self.responsible_person.clone()),
            ("operators", self.operators.clone()),
            ("vendor_operated", self.vendor_operated.to_string()),
            ("vendor_name", self.vendor_name.clone()),
            ("certification_subject", self.certification_subject.clone()),
            ("purpose", self.purpose.clone()),
            (
                "opened_on",
                self.opened_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("status", self.status.code().to_string()),
            ("personal_official", self.personal_official.to_string()),
            ("owner_name", self.owner_name.clone()),
        ]
    }
}

/// A sample record for unit tests elsewhere in the domain.
#[cfg(test)]
pub(crate) fn sample_record(id: i64, org: i64, path: &str, status: AccountStatus) -> AccountRecord {
    AccountRecord {
        id: AccountId(id),
        platform: Platform::Weibo,
        name: format!("账号{id}"),
        handle: String::new(),
        home_url: String::new(),
        host_org_id: OrgId(org),
        host_org_name: String::new(),
        host_org_path: path.into(),
        host_org_region: String::new(),
        responsible_person: "王磊".into(),
        operators: String::new(),
        vendor_operated: false,
        vendor_name: String::new(),
        certification_subject: String::new(),
        purpose: String::new(),
        opened_on: None,
        status,
        personal_official: false,
        owner_name: String::new(),
        merged_into: None,
        version: 1,
        created_by: None,
        created_at: 0,
        updated_at: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
    }

    fn good() -> AccountDraft {
        AccountDraft {
            platform: "douyin".into(),
            name: "南昌人社".into(),
            host_org_id: "3".into(),
            responsible_person: "张三".into(),
            home_url: "www.douyin.com/user/nc".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_draft_parses() {
        let a = good().parse(today()).unwrap();
        assert_eq!(a.platform, Platform::Douyin);
        assert_eq!(a.status, AccountStatus::Active);
        assert_eq!(a.home_url, "https://www.douyin.com/user/nc");
    }

    #[test]
    fn every_problem_is_reported() {
        let d = AccountDraft {
            platform: "myspace".into(),
            name: "".into(),
            host_org_id: "x".into(),
            opened_on: "2099-01-01".into(),
            vendor_operated: true,
            personal_official: true,
            home_url: "ftp://x".into(),
            status: "gone".into(),
            ..Default::default()
        };
        let e = d.parse(today()).unwrap_err();
        for f in [
            "platform",
            "name",
            "host_org_id",
            "opened_on",
            "vendor_name",
            "owner_name",
            "home_url",
            "status",
            "responsible_person",
        ] {
            assert!(e.for_field(f).is_some(), "{f} not reported: {e:?}");
        }
    }

    #[test]
    fn invisible_characters_are_refused_in_every_name() {
        for bad in [
            "\u{202E}", "\u{200F}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\r", "\n",
        ] {
            let mut d = good();
            d.name = format!("南昌{bad}人社");
            d.responsible_person = format!("张{bad}三");
            let e = d.parse(today()).unwrap_err();
            assert_eq!(e.0.len(), 2, "{bad:?}: {e:?}");
            assert!(e.0.iter().all(|f| f.code == "invalid_characters"));
        }
        let mut d = good();
        d.purpose = "政策发布\n办事指引".into();
        assert!(d.parse(today()).is_ok(), "a purpose may span lines");
        d.name = "  Cafe\u{301}  ".into();
        assert_eq!(d.parse(today()).unwrap().name, "Caf\u{e9}");
    }

    #[test]
    fn bad_dates_and_urls() {
        let mut d = good();
        d.opened_on = "2025-02-30".into();
        assert!(d.parse(today()).is_err());
        d.opened_on = "2025-02-28".into();
        d.home_url = "not a url".into();
        assert!(d.parse(today()).is_err());
    }
}
