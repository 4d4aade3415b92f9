//! Parsing of registry list parameters and account forms, shared by the
//! pages and the API so both accept and refuse exactly the same input.

use super::excel::ImportRow;
use crate::error::AppError;
use govmedia_domain::account::{AccountDraft, AccountInput, AccountStatus};
use govmedia_domain::checks::WarningKind;
use govmedia_domain::platform::Platform;
use govmedia_domain::{OrgId, ValidationErrors};
use govmedia_store::accounts::{AccountFilter, AccountSort};
use govmedia_store::orgs::OrgRecord;
use serde::Deserialize;

/// Query parameters of the registry list (all optional, all text so that
/// a bad value gets our error, not a framework one).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub platform: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub warning: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sort: String,
    /// Absent means the first page; present but empty is an error, like
    /// any other value that is not a page number.
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub per_page: Option<String>,
    #[serde(default)]
    pub notice: String,
}

impl ListParams {
    pub fn query_pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("org", self.org.as_str()),
            ("platform", self.platform.as_str()),
            ("status", self.status.as_str()),
            ("warning", self.warning.as_str()),
            ("q", self.q.as_str()),
            ("sort", self.sort.as_str()),
            ("per_page", self.per_page.as_deref().unwrap_or("")),
        ]
    }

    pub fn to_filter(&self, default_per_page: i64) -> Result<AccountFilter, AppError> {
        let mut errs = ValidationErrors::default();
        let num = |s: &str| -> Option<i64> { s.trim().parse().ok() };
        let org = match self.org.trim() {
            "" => None,
            s => match num(s) {
                Some(v) if v > 0 => Some(OrgId(v)),
                _ => {
                    errs.push("org", "invalid_org", "单位参数无效");
                    None
                }
            },
        };
        let platform = match self.platform.trim() {
            "" => None,
            s => {
                let p = Platform::parse(s);
                if p.is_none() {
                    errs.push("platform", "invalid_platform", format!("未知的平台：{s}"));
                }
                p
            }
        };
        let status = match self.status.trim() {
            "" => None,
            s => {
                let v = AccountStatus::parse(s);
                if v.is_none() {
                    errs.push("status", "invalid_status", format!("未知的状态：{s}"));
                }
                v
            }
        };
        let (warning, any_warning) = match self.warning.trim() {
            "" => (None, false),
            "any" => (None, true),
            s => {
                let w = WarningKind::parse(s);
                if w.is_none() {
                    errs.push("warning", "invalid_warning", format!("未知的提示类型：{s}"));
                }
                (w, false)
            }
        };
        let sort = AccountSort::parse(self.sort.trim()).unwrap_or_else(|| {
            errs.push("sort", "invalid_sort", "排序参数无效");
            AccountSort::Org
        });
        let page = match self.page.as_deref().map(str::trim) {
            None => 1,
            Some(s) => match num(s) {
                Some(v) if (1..=1_000_000).contains(&v) => v,
                _ => {
                    errs.push("page", "invalid_page", "页码须为1至1000000的整数");
                    1
                }
            },
        };
        let per_page = match self.per_page.as_deref().map(str::trim) {
            None => default_per_page,
            Some(s) => match num(s) {
                Some(v) if (1..=200).contains(&v) => v,
                _ => {
                    errs.push("per_page", "invalid_per_page", "每页条数须为1至200的整数");
                    default_per_page
                }
            },
        };
        if self.q.chars().count() > 50 {
            errs.push("q", "invalid_query", "关键词不能超过50个字符");
        }
        if !errs.is_empty() {
            let mut e = AppError::invalid(errs);
            e.status = axum::http::StatusCode::BAD_REQUEST;
            return Err(e);
        }
        Ok(AccountFilter {
            org,
            platform,
            status,
            q: Some(self.q.clone()).filter(|s| !s.trim().is_empty()),
            warning,
            any_warning,
            sort,
            page,
            per_page,
        })
    }
}

/// Valid import rows with their spreadsheet row numbers.
pub type ImportRows = Vec<(usize, AccountInput)>;
/// Problems by spreadsheet row number.
pub type RowErrors = Vec<(usize, String)>;

/// Resolves each import row's host org (by id, else by unique name) among
/// the orgs the user may create accounts for, and validates the row.
/// Returns the valid inputs, or every row's problems.
pub fn resolve_import(
    rows: Vec<ImportRow>,
    orgs: &[OrgRecord],
    today: chrono::NaiveDate,
) -> Result<ImportRows, RowErrors> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for mut row in rows {
        let mut problems = std::mem::take(&mut row.errors);
        let before = problems.len();
        if row.draft.host_org_id.trim().is_empty() {
            let matches: Vec<&OrgRecord> = orgs
                .iter()
                .filter(|o| o.name == row.host_org_name)
                .collect();
            match matches.as_slice() {
                [one] => row.draft.host_org_id = one.id.0.to_string(),
                [] => problems.push(format!(
                    "主办单位“{}”不存在或不在您的管辖范围内",
                    row.host_org_name
                )),
                _ => problems.push(format!(
                    "主办单位“{}”有重名，请填写“主办单位ID”",
                    row.host_org_name
                )),
            }
        } else if !orgs
            .iter()
            .any(|o| o.id.0.to_string() == row.draft.host_org_id.trim())
        {
            problems.push(format!(
                "主办单位ID {} 不存在或不在您的管辖范围内",
                row.draft.host_org_id.trim()
            ));
        }
        let host_problem = problems.len() > before;
        match row.draft.parse(today) {
            Ok(input) if problems.is_empty() => ok.push((row.line, input)),
            Ok(_) => {}
            Err(e) => problems.extend(
                e.0.into_iter()
                    .filter(|fe| fe.field != "host_org_id" || !host_problem)
                    .map(|fe| with_allowed_values(fe.code, fe.message)),
            ),
        }
        if !problems.is_empty() {
            errors.push((row.line, problems.join("；")));
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// A row error about a choice names the values the column allows.
fn with_allowed_values(code: &str, message: String) -> String {
    let column = match code {
        "invalid_platform" => "平台",
        "invalid_status" => "状态",
        _ => return message,
    };
    match super::excel::import_choices()
        .into_iter()
        .find(|(c, _)| *c == column)
    {
        Some((_, values)) => format!("{message}（可填：{}）", values.join("、")),
        None => message,
    }
}

/// Raw account form fields from an HTML form (checkboxes send "on").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AccountFormFields {
    pub platform: String,
    pub name: String,
    pub handle: String,
    pub home_url: String,
    pub host_org_id: String,
    pub responsible_person: String,
    pub operators: String,
    pub vendor_operated: Option<String>,
    pub vendor_name: String,
    pub certification_subject: String,
    pub purpose: String,
    pub opened_on: String,
    pub status: String,
    pub personal_official: Option<String>,
    pub owner_name: String,
    pub version: String,
    /// 登记原因 (registration only).
    pub reason: String,
}

impl AccountFormFields {
    /// An edit posts the descriptive fields only: the filed ones keep the
    /// record's values (they change through 登记变更).
    pub fn edit_draft(&self, current: &AccountDraft) -> AccountDraft {
        AccountDraft {
            handle: self.handle.clone(),
            home_url: self.home_url.clone(),
            certification_subject: self.certification_subject.clone(),
            purpose: self.purpose.clone(),
            opened_on: self.opened_on.clone(),
            status: self.status.clone(),
            ..current.clone()
        }
    }

    pub fn draft(&self) -> AccountDraft {
        AccountDraft {
            platform: self.platform.clone(),
            name: self.name.clone(),
            handle: self.handle.clone(),
            home_url: self.home_url.clone(),
            host_org_id: self.host_org_id.clone(),
            responsible_person: self.responsible_person.clone(),
            operators: self.operators.clone(),
            vendor_operated: self.vendor_operated.is_some(),
            vendor_name: self.vendor_name.clone(),
            certification_subject: self.certification_subject.clone(),
            purpose: self.purpose.clone(),
            opened_on: self.opened_on.clone(),
            status: self.status.clone(),
            personal_official: self.personal_official.is_some(),
            owner_name: self.owner_name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_filters() {
        let p = ListParams {
            platform: "myspace".into(),
            page: Some("0".into()),
            ..Default::default()
        };
        let e = p.to_filter(20).unwrap_err();
        assert_eq!(e.code, "invalid_platform");
        assert_eq!(e.status, 400);
        let ok = ListParams {
            platform: "weibo".into(),
            warning: "any".into(),
            ..Default::default()
        };
        let f = ok.to_filter(20).unwrap();
        assert!(f.any_warning);
        assert_eq!(f.platform, Some(Platform::Weibo));
    }
}
