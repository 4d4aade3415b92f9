//! Configuration: defaults in code, then an optional `govmedia.toml`, then
//! `GOVMEDIA_*` environment variables, then command-line flags.

use govmedia_web::WebConfig;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://data/govmedia.db` (default) or `postgres://…`.
    pub database_url: String,
    /// Address to listen on.
    pub addr: String,
    /// tracing filter, e.g. `info` or `govmedia=debug,info`.
    pub log: String,
    /// Daily SQLite backups go here (relative to the working directory);
    /// empty: no scheduled backups.
    pub backup_dir: String,
    /// How many daily backups are kept.
    pub backup_keep: usize,
    /// Where `/metrics` is served (Prometheus text); empty: not served.
    /// Keep it on an internal address.
    pub metrics_addr: String,
    /// `text` (default) or `json`: one JSON object a line.
    pub log_format: LogFormat,
    /// Audit entries younger than this are never purged (网络安全法 art. 21
    /// requires at least six months).
    pub audit_retention_days: i64,
    /// The HMAC key file that signs JSON-lines batches passed through the
    /// one-way gateway (`govmedia ingest`); empty: batches are unsigned.
    pub ingest_key_file: String,
    pub web: WebConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/govmedia.db".into(),
            addr: "127.0.0.1:8080".into(),
            log: "info".into(),
            log_format: LogFormat::Text,
            metrics_addr: String::new(),
            ingest_key_file: String::new(),
            backup_dir: "data/backups".into(),
            backup_keep: 30,
            audit_retention_days: 180,
            web: WebConfig::default(),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Least retention accepted, whatever the configuration says.
pub const MIN_AUDIT_RETENTION_DAYS: i64 = 180;

impl Config {
    /// Loads the file (if it exists, or if named explicitly) and applies
    /// the environment on top.
    pub fn load(file: Option<&Path>) -> Result<Config, String> {
        let mut cfg = match file {
            Some(p) => read_file(p)?,
            None if Path::new("govmedia.toml").exists() => read_file(Path::new("govmedia.toml"))?,
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok())?;
        if cfg.audit_retention_days < MIN_AUDIT_RETENTION_DAYS {
            return Err(format!(
                "audit_retention_days must be at least {MIN_AUDIT_RETENTION_DAYS} (网络安全法 art. 21)"
            ));
        }
        Ok(cfg)
    }

    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        fn num<T: std::str::FromStr>(name: &str, v: String) -> Result<T, String> {
            v.trim()
                .parse()
                .map_err(|_| format!("{name} must be a number, got {v:?}"))
        }
        if let Some(v) = get("GOVMEDIA_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = get("GOVMEDIA_ADDR") {
            self.addr = v;
        }
        if let Some(v) = get("GOVMEDIA_LOG") {
            self.log = v;
        }
        if let Some(v) = get("GOVMEDIA_BACKUP_DIR") {
            self.backup_dir = v;
        }
        if let Some(v) = get("GOVMEDIA_BACKUP_KEEP") {
            self.backup_keep = num("GOVMEDIA_BACKUP_KEEP", v)?;
        }
        if let Some(v) = get("GOVMEDIA_INGEST_KEY_FILE") {
            self.ingest_key_file = v;
        }
        if let Some(v) = get("GOVMEDIA_METRICS_ADDR") {
            self.metrics_addr = v;
        }
        if let Some(v) = get("GOVMEDIA_LOG_FORMAT") {
            self.log_format = match v.trim() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => {
                    return Err(format!(
                        "GOVMEDIA_LOG_FORMAT must be text or json, got {v:?}"
                    ));
                }
            };
        }
        if let Some(v) = get("GOVMEDIA_AUDIT_RETENTION_DAYS") {
            self.audit_retention_days = num("GOVMEDIA_AUDIT_RETENTION_DAYS", v)?;
        }
        if let Some(v) = get("GOVMEDIA_SESSION_IDLE_SECS") {
            self.web.session_idle_secs = num("GOVMEDIA_SESSION_IDLE_SECS", v)?;
        }
        if let Some(v) = get("GOVMEDIA_COOKIE_SECURE") {
            self.web.cookie_secure = matches!(v.trim(), "1" | "true" | "yes");
        }
        if let Some(v) = get("GOVMEDIA_LOCKOUT_MAX_FAILURES") {
            self.web.lockout.max_failures = num("GOVMEDIA_LOCKOUT_MAX_FAILURES", v)?;
        }
        if let Some(v) = get("GOVMEDIA_LOCKOUT_SECONDS") {
            self.web.lockout.lock_seconds = num("GOVMEDIA_LOCKOUT_SECONDS", v)?;
        }
        Ok(())
    }
}

fn read_file(p: &Path) -> Result<Config, String> {
    let text =
        std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_values() {
        let mut c: Config =
            toml::from_str("addr = \"0.0.0.0:9000\"\n[web]\nsession_idle_secs = 900\n").unwrap();
        assert_eq!(c.web.session_idle_secs, 900);
        c.apply_env(|k| (k == "GOVMEDIA_ADDR").then(|| "127.0.0.1:1".to_string()))
            .unwrap();
        assert_eq!(c.addr, "127.0.0.1:1");
        assert!(
            c.apply_env(|k| (k == "GOVMEDIA_SESSION_IDLE_SECS").then(|| "x".into()))
                .is_err()
        );
    }

    /// The configuration block of the README is a valid file.
    #[test]
    fn the_readme_example_parses() {
        let readme = include_str!("../../../README.md");
        let block = readme
            .split("```toml\n")
            .nth(1)
            .and_then(|b| b.split("```").next())
            .unwrap();
        let c: Config = toml::from_str(block).unwrap();
        assert_eq!(c.web.monitoring.zombie_days, 14);
        assert_eq!(c.web.ingest_max_body_bytes, 64 * 1024 * 1024);
    }

    #[test]
    fn log_format_is_text_or_json() {
        let mut c: Config = toml::from_str("log_format = \"json\"").unwrap();
        assert_eq!(c.log_format, LogFormat::Json);
        assert!(toml::from_str::<Config>("log_format = \"xml\"").is_err());
        c.apply_env(|k| (k == "GOVMEDIA_LOG_FORMAT").then(|| "text".into()))
            .unwrap();
        assert_eq!(c.log_format, LogFormat::Text);
        assert!(
            c.apply_env(|k| (k == "GOVMEDIA_LOG_FORMAT").then(|| "yaml".into()))
                .is_err()
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<Config>("adr = \"x\"").is_err());
    }
}
