//! An audit entry as an officer reads it: who (name, username in the
//! tooltip), what (Chinese action), on what (a link), and the details as
//! 字段：旧值 → 新值 lines instead of JSON.

use govmedia_domain::account::{AccountStatus, field_label};
use govmedia_domain::audit_labels::{detail_key_label, reason_label};
use govmedia_domain::filing::State;
use govmedia_domain::platform::Platform;
use serde_json::Value;

/// Where the target of an entry is shown, if it has a page.
pub fn target_href(target_type: &str, id: &str) -> Option<String> {
    if id.is_empty() {
        return None;
    }
    Some(match target_type {
        "account" => format!("/accounts/{id}"),
        "workflow" => format!("/filings/{id}"),
        "org" => format!("/orgs/{id}/edit"),
        "user" => "/users".to_string(),
        "api_token" => "/tokens".to_string(),
        "calendar_year" => format!("/calendar?month={id}-01"),
        "calendar_day" => format!("/calendar?month={}", id.get(..7).unwrap_or(id)),
        _ => return None,
    })
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "（空）".into(),
        Value::String(s) if s.is_empty() => "（空）".into(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

/// A value of an account field or a state, in words.
fn value_of(field: &str, v: &Value) -> String {
    let s = v.as_str().unwrap_or_default();
    let word = match field {
        "platform" => Platform::parse(s).map(|p| p.label().to_string()),
        "status" => AccountStatus::parse(s).map(|x| x.label().to_string()),
        "from" | "to" => State::parse(s).map(|x| x.label().to_string()),
        "reason" => Some(reason_label(s))
            .filter(|l| !l.is_empty())
            .map(str::to_string),
        "vendor_operated" | "personal_official" => match s {
            "true" => Some("是".into()),
            "false" => Some("否".into()),
            _ => None,
        },
        _ => None,
    };
    word.unwrap_or_else(|| text(v))
}

/// The detail of an entry as readable lines.
pub fn describe(action: &str, detail: &str) -> Vec<String> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(detail) else {
        return if detail.trim().is_empty() {
            Vec::new()
        } else {
            vec![detail.to_string()]
        };
    };
    // A state change reads as one line.
    if action.starts_with("workflow.")
        && let (Some(from), Some(to)) = (map.get("from"), map.get("to"))
    {
        let mut out = vec![format!(
            "状态：{} → {}",
            value_of("from", from),
            value_of("to", to)
        )];
        if let Some(o) = map.get("opinion").filter(|o| !text(o).contains("（空）")) {
            out.push(format!("意见：{}", text(o)));
        }
        return out;
    }
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let account_field = field_label(k);
            let label = if account_field != k.as_str() {
                account_field
            } else {
                match detail_key_label(k) {
                    "" => k.as_str(),
                    l => l,
                }
            };
            match v.as_array().map(Vec::as_slice) {
                // A change: [old, new].
                Some([old, new])
                    if action.ends_with(".update") || action.starts_with("account.") =>
                {
                    if old.is_null() {
                        format!("{label}：{}", value_of(k, new))
                    } else {
                        format!("{label}：{} → {}", value_of(k, old), value_of(k, new))
                    }
                }
                _ if k == "locked_until" => format!(
                    "{label}：{}",
                    v.as_i64().map(crate::fmt::ts).unwrap_or_else(|| text(v))
                ),
                _ => format!("{label}：{}", value_of(k, v)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_read_as_words() {
        assert_eq!(
            describe(
                "account.update",
                r#"{"responsible_person":["黄敏","李明"],"status":["active","suspended"]}"#
            ),
            vec!["负责人：黄敏 → 李明", "状态：运营中 → 暂停更新"]
        );
        assert_eq!(
            describe(
                "workflow.approve",
                r#"{"from":"applied","to":"approved","opinion":"同意"}"#
            ),
            vec!["状态：待审批 → 已批准", "意见：同意"]
        );
        assert_eq!(
            describe("auth.login", r#"{"reason":"bad_password","failures":1}"#),
            vec!["连续失败次数：1", "原因：密码错误"]
        );
        assert!(describe("x", "").is_empty());
    }
}
