//! Display helpers: times in China Standard Time (UTC+8, no DST).

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone, Utc};

pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// "2026-11-28 16:40" for Unix seconds.
pub fn ts(secs: i64) -> String {
    match DateTime::from_timestamp(secs, 0) {
        Some(t) => t.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string(),
        None => String::new(),
    }
}

/// "2026-11-28 16:40:05" for Unix milliseconds.
pub fn ts_ms(ms: i64) -> String {
    match DateTime::from_timestamp_millis(ms) {
        Some(t) => t
            .with_timezone(&cst())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        None => String::new(),
    }
}

pub fn rfc3339(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(|t| t.with_timezone(&cst()).to_rfc3339())
        .unwrap_or_default()
}

/// Start of a local date as Unix milliseconds.
pub fn date_start_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .and_then(|t| cst().from_local_datetime(&t).single())
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
}

/// A unit's name for lists: the common short form (人力资源和社会保障 →
/// 人社) on phones, the full name on wider screens and on tap. Escaped
/// here: the template inserts it with `|safe`.
pub fn org_name(full: &str) -> String {
    let short = full
        .replace("人力资源和社会保障", "人社")
        .replace("人力资源社会保障", "人社");
    if short == full {
        return format!(
            r#"<span class="org">{}</span>"#,
            crate::layout::html_escape(full)
        );
    }
    let full = crate::layout::html_escape(full);
    let short = crate::layout::html_escape(&short);
    format!(
        r#"<span class="org" tabindex="0" title="{full}"><span class="full">{full}</span><span class="short" aria-hidden="true">{short}</span></span>"#
    )
}

/// At most `n` characters of a text, with an ellipsis when cut.
pub fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_china_time() {
        assert_eq!(ts(0), "1970-01-01 08:00");
        assert_eq!(ts_ms(1_000), "1970-01-01 08:00:01");
        let d = NaiveDate::from_ymd_opt(1970, 1, 2).unwrap_or_default();
        assert_eq!(date_start_ms(d), 16 * 3600 * 1000);
    }
}
