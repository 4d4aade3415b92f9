//! Provenance and coverage: a stale or broken source must never be read as
//! a silent account. A window is covered for an account when some source
//! delivered for that account at or after the window's end (a successful
//! feed poll, an import, an API or file batch naming the account;
//! back-filled history counts, since it was delivered after the window).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Where a post or message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    Api,
    File,
    Feed,
    Import,
    Manual,
}

impl Provenance {
    pub const ALL: [Provenance; 5] = [
        Provenance::Api,
        Provenance::File,
        Provenance::Feed,
        Provenance::Import,
        Provenance::Manual,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Provenance::Api => "api",
            Provenance::File => "file",
            Provenance::Feed => "feed",
            Provenance::Import => "import",
            Provenance::Manual => "manual",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Provenance::Api => "接口推送",
            Provenance::File => "网闸文件",
            Provenance::Feed => "订阅源",
            Provenance::Import => "导出文件导入",
            Provenance::Manual => "手工录入",
        }
    }
    pub fn parse(s: &str) -> Option<Provenance> {
        Provenance::ALL.into_iter().find(|p| p.code() == s)
    }
}

/// What the sources of one account delivered: the last moment any of them
/// delivered for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub last_delivery: Option<DateTime<Utc>>,
}

impl Coverage {
    /// Whether a window that ended at `end` is covered.
    pub fn covers(&self, end: DateTime<Utc>) -> bool {
        self.last_delivery.is_some_and(|t| t >= end)
    }
}
