//! What every server-rendered page (zh-CN) shares: the layout context,
//! rendering, the error page, paging and query strings.

use crate::auth::Session;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use govmedia_domain::auth::Permission;

/// What the layout needs on every page.
pub struct Ctx {
    pub display_name: String,
    pub org_name: String,
    pub roles: String,
    pub csrf: String,
    pub nav: &'static str,
    pub crumbs: Vec<(String, String)>,
    pub notice: String,
    pub can_users: bool,
    pub can_audit: bool,
    pub can_tokens: bool,
    pub can_jobs: bool,
    pub can_calendar: bool,
    /// Items in 我的待办, shown beside its link.
    pub todo_count: usize,
}

impl Ctx {
    pub fn new(s: &Session, nav: &'static str) -> Ctx {
        let mut roles: Vec<&str> = s
            .principal
            .assignments
            .iter()
            .map(|a| a.role.label())
            .collect();
        roles.dedup();
        Ctx {
            display_name: s.principal.display_name.clone(),
            org_name: s.principal.org_name.clone(),
            roles: roles.join("、"),
            csrf: s.csrf.clone(),
            nav,
            crumbs: Vec::new(),
            notice: String::new(),
            can_users: s.can(Permission::UserRead),
            can_audit: s.can(Permission::AuditRead),
            can_tokens: s.can(Permission::TokenManage),
            can_jobs: s.can(Permission::JobsRead),
            can_calendar: s.can(Permission::CalendarManage),
            todo_count: s.todo_count,
        }
    }

    pub fn crumb(mut self, label: &str, href: &str) -> Ctx {
        self.crumbs.push((label.into(), href.into()));
        self
    }

    /// Shows a confirmation from a `?notice=` code after a redirect.
    pub fn notice(mut self, code: Option<&str>) -> Ctx {
        self.notice = match code.unwrap_or("") {
            "created" => "已保存。",
            "updated" => "修改已保存。",
            "imported" => "导入成功，每个账号已生成存量登记备案，请在5个工作日内报主管部门。",
            "registered" => {
                "已登记。已生成存量登记备案，请在5个工作日内报主管部门（见下方“相关申请”）。"
            }
            "password_changed" => "密码已修改。",
            "unchanged" => "没有需要保存的修改。",
            "acknowledged" => "预警已确认。",
            "feed_saved" => "订阅源已保存，将在下一次采集时读取。",
            "feed_removed" => "订阅源已删除，已采集的内容保留。",
            _ => "",
        }
        .into();
        self
    }
}

/// The notice about missing calendar years (empty when none is missing):
/// calendar managers are asked to load them, everyone else is told why a
/// deadline reads 待定.
pub fn calendar_gap_notice(g: &govmedia_app::calendar::CalendarGaps, manager: bool) -> String {
    if g.is_empty() {
        return String::new();
    }
    let years = g
        .years()
        .iter()
        .map(|y| format!("{y}年"))
        .collect::<Vec<_>>()
        .join("、");
    let waiting = match g.waiting() {
        0 => String::new(),
        n => format!("，{n}个备案期限暂显示为待定"),
    };
    if manager {
        format!(
            "{years}法定节假日安排尚未录入{waiting}。请按国务院办公厅通知录入（法定工作日历 › 录入年度安排），录入后期限自动计算。"
        )
    } else {
        format!("{years}法定节假日安排尚未录入{waiting}；日历管理员录入后自动计算。")
    }
}

/// `?notice=` after a redirect (see [`Ctx::notice`]).
#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

pub fn render(t: &impl Template) -> Result<Response, crate::error::PageError> {
    Ok(Html(t.render()?).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    code: &'a str,
    request_id: String,
}

/// The page shown for any error.
pub fn error_page(title: &str, message: &str, code: &str) -> String {
    ErrorPage {
        title,
        message,
        code,
        request_id: crate::request_id::current().unwrap_or_default(),
    }
    .render()
    .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{code}</title><p>{code}</p>"))
}

/// Page links for a list; `query` is the current query string without
/// `page`.
pub fn pager(base: &str, query: &str, page: i64, per_page: i64, total: i64) -> String {
    let pages = ((total + per_page - 1) / per_page).max(1);
    if pages <= 1 {
        return String::new();
    }
    let sep = if query.is_empty() { "" } else { "&amp;" };
    let link = |p: i64, label: &str| {
        format!(
            "<a href=\"{base}?{}{sep}page={p}\">{label}</a>",
            html_escape(query)
        )
    };
    let mut s = String::from("<nav class=\"pager\" aria-label=\"分页\">");
    if page > 1 {
        s.push_str(&link(page - 1, "上一页"));
    }
    s.push_str(&format!("<span>第 {page} / {pages} 页</span>"));
    if page < pages {
        s.push_str(&link(page + 1, "下一页"));
    }
    s.push_str("</nav>");
    s
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Rebuilds a query string from pairs, skipping empty values and `page`.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(k, v)| !v.is_empty() && *k != "page")
        .map(|(k, v)| format!("{k}={}", crate::auth::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_keep_filters() {
        let p = pager("/accounts", "platform=weibo", 2, 10, 35);
        assert!(p.contains("/accounts?platform=weibo&amp;page=1"));
        assert!(p.contains("/accounts?platform=weibo&amp;page=3"));
        assert!(p.contains("第 2 / 4 页"));
        assert_eq!(pager("/a", "", 1, 10, 5), "");
    }

    #[test]
    fn query_string_drops_empty_and_page() {
        assert_eq!(
            query_string(&[("q", "南"), ("page", "2"), ("x", "")]),
            "q=%E5%8D%97"
        );
    }
}
