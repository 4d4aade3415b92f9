//! The audit log in an officer's words: Chinese names of every action,
//! target type and detail key the platform writes. Codes stay in the
//! database and the API; pages show these.

use crate::audit::Outcome;
use crate::filing::{Action, FilingKind};

/// The Chinese name of an audit action, read with its outcome (a failed
/// login is 登录失败, not 登录).
pub fn action_label(action: &str, outcome: Option<Outcome>) -> String {
    let failed = matches!(outcome, Some(Outcome::Failure | Outcome::Denied));
    let fixed = match action {
        "auth.login" if failed => "登录失败",
        "auth.login" => "登录成功",
        "auth.logout" => "退出登录",
        "account.create" => "登记账号",
        "account.register" => "存量账号登记",
        "account.import" => "Excel导入账号",
        "account.export" => "导出账号台账",
        "account.update" => "修改账号",
        "calendar.day" => "修改日历单日",
        "calendar.load" => "录入年度日历",
        "org.create" => "新增单位",
        "org.update" => "修改单位",
        "token.create" => "创建API令牌",
        "token.revoke" => "吊销API令牌",
        "user.create" => "新增用户",
        "user.update" => "修改用户",
        "user.disable" => "停用用户",
        "user.enable" => "启用用户",
        "user.lock" => "锁定用户",
        "user.unlock" => "解锁用户",
        "user.password" if failed => "修改密码失败",
        "user.password" => "修改密码",
        "audit.purge" => "清理过期审计日志",
        "demo.seed" => "生成演示数据",
        "lexicon.reload" => "重新加载词库",
        "monitoring.ingest" => "接收监测数据",
        "monitoring.rules" => "设置监测规则",
        "monitoring.alert_ack" => "确认监测预警",
        "monitoring.export" => "导出监测清单",
        "monitoring.feed_set" => "设置订阅源",
        "monitoring.feed_remove" => "删除订阅源",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    if let Some(code) = action.strip_prefix("workflow.") {
        if let Some(a) = Action::parse(code) {
            return match a {
                Action::AcceptFiling => "接收备案".into(),
                Action::ReturnFiling => "退回备案".into(),
                Action::SubmitFiling => "报送备案".into(),
                Action::Withdraw => "撤回申请".into(),
                other => other.label().to_string(),
            };
        }
        if let Some(k) = FilingKind::parse(code) {
            return match k {
                FilingKind::Change => "登记变更".into(),
                FilingKind::Backfill => "生成存量登记备案".into(),
                other => format!("提交{}申请", other.label()),
            };
        }
    }
    "其他操作".into()
}

/// The Chinese name of an audit target type.
pub fn target_label(target_type: &str) -> &'static str {
    match target_type {
        "account" => "账号",
        "workflow" => "备案申请",
        "org" => "单位",
        "user" => "用户",
        "api_token" => "API令牌",
        "calendar_year" => "年度日历",
        "calendar_day" => "日历",
        "audit" => "审计日志",
        "" => "",
        _ => "对象",
    }
}

/// The Chinese name of a detail key, and of a reason code.
pub fn detail_key_label(key: &str) -> &'static str {
    match key {
        "reason" => "原因",
        "failures" => "连续失败次数",
        "locked_until" => "锁定至",
        "from" => "原状态",
        "to" => "新状态",
        "opinion" => "意见",
        "title" => "事项",
        "account_id" => "账号编号",
        "count" => "数量",
        "name" => "名称",
        "platform" => "平台",
        "host_org_id" => "主办单位",
        "username" => "用户名",
        "display_name" => "姓名",
        "roles" => "角色",
        "org_id" => "单位",
        "days" => "特殊日天数",
        "papers" => "依据文件",
        "ordered_by_center" => "宣传中心责令",
        _ => "",
    }
}

pub fn reason_label(code: &str) -> &'static str {
    match code {
        "unknown_user" => "用户名不存在",
        "disabled" => "账号已停用",
        "locked" => "账号已锁定",
        "bad_password" => "密码错误",
        "wrong_current_password" => "原密码错误",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_written_has_a_chinese_name() {
        for a in [
            "auth.login",
            "auth.logout",
            "account.register",
            "account.import",
            "account.export",
            "monitoring.export",
            "monitoring.feed_set",
            "monitoring.feed_remove",
            "account.update",
            "calendar.day",
            "calendar.load",
            "org.create",
            "org.update",
            "token.create",
            "token.revoke",
            "user.create",
            "user.update",
            "user.disable",
            "user.enable",
            "user.lock",
            "user.unlock",
            "user.password",
            "audit.purge",
            "demo.seed",
            "lexicon.reload",
        ] {
            let l = action_label(a, Some(Outcome::Success));
            assert!(l != "其他操作" && !l.is_ascii(), "{a}");
        }
        for a in Action::ALL {
            assert!(!action_label(&format!("workflow.{}", a.code()), None).is_ascii());
        }
        for k in FilingKind::ALL {
            let l = action_label(&format!("workflow.{}", k.code()), None);
            assert!(l != "其他操作", "{k:?}");
        }
        assert_eq!(
            action_label("auth.login", Some(Outcome::Failure)),
            "登录失败"
        );
        assert_eq!(action_label("workflow.accept_filing", None), "接收备案");
    }
}
