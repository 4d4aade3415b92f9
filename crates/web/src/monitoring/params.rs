//! The filters of the 监测 lists, read the same way by pages, exports and
//! the API: org subtree, platform, the day measured, and a period.

use crate::error::AppError;
use crate::extract::api_id;
use crate::state::AppState;
use chrono::NaiveDate;
use govmedia_app::monitoring_lists::Period;
use govmedia_domain::OrgId;
use govmedia_domain::platform::Platform;
use govmedia_store::monitoring_lists::MonitorFilter;
use serde::Deserialize;

/// Query parameters, kept as typed so a page can show them back.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub org: String,
    pub platform: String,
    pub as_of: String,
    pub from: String,
    pub to: String,
    pub page: String,
    /// The alert list only: open, closed or all.
    pub state: String,
    /// The alert list only: an alert kind code.
    pub kind: String,
}

/// What the parameters mean.
#[derive(Debug, Clone, Copy)]
pub struct Parsed {
    pub filter: MonitorFilter,
    pub as_of: NaiveDate,
    pub period: Period,
    pub page: i64,
}

fn date(raw: &str, name: &str) -> Result<Option<NaiveDate>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                AppError::bad_request("invalid_query", format!("{name} 须为日期，如 2026-03-02"))
            }),
    }
}

impl ListQuery {
    pub fn parse(&self, state: &AppState) -> Result<Parsed, AppError> {
        let as_of = date(&self.as_of, "as_of")?.unwrap_or_else(|| state.today());
        let org = match self.org.trim() {
            "" => None,
            o => Some(OrgId(api_id(o, "单位ID")?)),
        };
        let platform = match self.platform.trim() {
            "" => None,
            p => Some(Platform::parse(p).ok_or_else(|| {
                AppError::bad_request("invalid_query", format!("未知的平台：{p}"))
            })?),
        };
        let mut period = Period::ending(as_of);
        if let Some(to) = date(&self.to, "to")? {
            period = Period::ending(to);
        }
        if let Some(from) = date(&self.from, "from")? {
            period.from = from;
        }
        period.check()?;
        let page = match self.page.trim() {
            "" => 1,
            p => api_id(p, "页码")?,
        };
        Ok(Parsed {
            filter: MonitorFilter { org, platform },
            as_of,
            period,
            page,
        })
    }

    /// The filters as a query string (for export links and paging).
    pub fn query_string(&self) -> String {
        crate::layout::query_string(&[
            ("org", self.org.as_str()),
            ("platform", self.platform.as_str()),
            ("as_of", self.as_of.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("state", self.state.as_str()),
            ("kind", self.kind.as_str()),
        ])
    }
}
