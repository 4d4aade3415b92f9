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
    /// Audit entries younger than this are never purged (网络安全法 art. 21
    /// requires at least six months).
    pub audit_retention_days: i64,
    pub web: WebConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://data/govmedia.db".into(),
            addr: "127.0.0.1:8080".into(),
            log: "info".into(),
            audit_retention_days: 180,
            web: WebConfig::default(),
        }
    }
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

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<Config>("adr = \"x\"").is_err());
    }
}
