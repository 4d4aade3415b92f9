//! Settings the web layer needs. Defaults follow 等保 level-3 practice;
//! the CLI fills them from `govmedia.toml` and `GOVMEDIA_*` variables.

use govmedia_domain::password::{LockoutPolicy, PasswordPolicy};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// A session unused for this long ends (seconds).
    pub session_idle_secs: i64,
    /// A session ends this long after login whatever happens (seconds).
    pub session_absolute_secs: i64,
    /// Set the Secure flag on cookies (serve behind TLS).
    pub cookie_secure: bool,
    /// Largest request body accepted (bytes); Excel uploads included.
    pub max_body_bytes: usize,
    /// Largest request body of the monitoring ingest routes (bytes): a
    /// full batch of long articles.
    pub ingest_max_body_bytes: usize,
    /// Monitoring thresholds before any org overrides them (zombie days,
    /// weekly minimum, reply deadline…).
    pub monitoring: govmedia_domain::monitoring::MonitoringRules,
    /// How feeds are polled (interval, back-off, when a feed is broken).
    pub feeds: govmedia_domain::monitoring::feeds::FeedSettings,
    /// Largest number of rows one Excel import may hold.
    pub max_import_rows: usize,
    /// Announcement period before deregistration, in working days (some
    /// provinces require e.g. 15; the Jiangxi measures set none).
    pub announce_workdays: u32,
    /// Lexicon files loaded into the compliance scanner besides the
    /// built-in ones (term<TAB>category<TAB>severity<TAB>suggestion).
    pub lexicons: Vec<String>,
    /// Link domains that pass besides .gov.cn.
    pub link_allowlist: Vec<String>,
    pub password: PasswordPolicy,
    pub lockout: LockoutPolicy,
    /// The HMAC key JSON-lines batches uploaded on the 上传批次文件 page
    /// must be signed with (read from `ingest_key_file` at start); `None`:
    /// unsigned batches are taken.
    pub ingest_key: Option<Vec<u8>>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            session_idle_secs: 30 * 60,
            session_absolute_secs: 12 * 3600,
            cookie_secure: false,
            max_body_bytes: 10 * 1024 * 1024,
            ingest_max_body_bytes: 64 * 1024 * 1024,
            monitoring: Default::default(),
            feeds: Default::default(),
            max_import_rows: 5000,
            announce_workdays: 0,
            lexicons: Vec::new(),
            link_allowlist: Vec::new(),
            password: PasswordPolicy::default(),
            lockout: LockoutPolicy::default(),
            ingest_key: None,
        }
    }
}
