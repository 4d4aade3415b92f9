//! Every 监测 list as an Excel file, with the same filters as its page,
//! recorded in the audit log like the registry export.

use super::alerts_page;
use super::lists::{freq_rows, late_rows, post_rows, reply_rows};
use super::pages::{platform_label, zombie_rows};
use super::params::ListQuery;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::extract::PageQuery;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use govmedia_app::monitoring_lists::{frequency, replies, violations};
use govmedia_domain::auth::Permission;

/// The most rows one export holds (the violation list is paged on screen).
const MAX_ROWS: i64 = 50_000;

pub async fn export(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(list): Path<String>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    s.require(Permission::AccountExport)?;
    let p = q.parse(&state)?;
    let (store, who, rules) = (&state.store, &s.principal, &state.config.monitoring);
    let (name, headers, rows): (&str, &[&str], Vec<Vec<String>>) = match list.as_str() {
        "zombies" => {
            let l =
                govmedia_app::monitoring::zombies(store, who, rules, &p.filter, p.as_of).await?;
            let mut rows = Vec::new();
            for (label, items) in [
                ("僵尸号", l.items),
                ("即将成为僵尸号", l.soon),
                ("数据不足", l.no_data),
            ] {
                rows.extend(zombie_rows(items).into_iter().map(|r| {
                    vec![
                        label.into(),
                        r.id.to_string(),
                        r.name,
                        r.platform.into(),
                        r.org,
                        r.last_post,
                        r.days,
                        r.delivered,
                    ]
                }));
            }
            (
                "僵尸号",
                &[
                    "类别",
                    "账号ID",
                    "账号",
                    "平台",
                    "主办单位",
                    "最近发布",
                    "未更新",
                    "最近收到数据",
                ],
                rows,
            )
        }
        "frequency" => {
            let l = frequency(store, who, rules, &p.filter, p.as_of).await?;
            let rows = freq_rows(&l.items)
                .into_iter()
                .map(|r| {
                    vec![
                        l.week.clone(),
                        r.id.to_string(),
                        r.name,
                        r.platform.into(),
                        r.org,
                        r.posts.to_string(),
                        r.originals.to_string(),
                        r.reposts.to_string(),
                        r.min.to_string(),
                        r.state.0.into(),
                    ]
                })
                .collect();
            (
                "更新频率",
                &[
                    "周次",
                    "账号ID",
                    "账号",
                    "平台",
                    "主办单位",
                    "本周更新",
                    "原创",
                    "转发",
                    "每周最少",
                    "结果",
                ],
                rows,
            )
        }
        "replies" => {
            let l = replies(store, who, rules, &p.filter, p.period, p.as_of).await?;
            let mut rows: Vec<Vec<String>> = reply_rows(&l.items)
                .into_iter()
                .map(|r| {
                    vec![
                        "账号统计".into(),
                        r.id.to_string(),
                        r.name,
                        r.platform.into(),
                        r.org,
                        r.received.to_string(),
                        r.replied.to_string(),
                        r.on_time.to_string(),
                        r.rate,
                        r.overdue.to_string(),
                        r.median,
                        r.p90,
                        r.low_quality.to_string(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]
                })
                .collect();
            for (label, items) in [("超期未回复", &l.overdue), ("即将超期", &l.due_soon)] {
                for (m, r) in items.iter().zip(late_rows(items)) {
                    let mut row = vec![
                        label.to_string(),
                        r.id.to_string(),
                        r.name,
                        platform_label(&m.account.platform).into(),
                        r.org,
                    ];
                    row.extend(std::iter::repeat_n(String::new(), 8));
                    row.extend([r.received, r.due, m.text.clone()]);
                    rows.push(row);
                }
            }
            (
                "留言回复",
                &[
                    "类别",
                    "账号ID",
                    "账号",
                    "平台",
                    "主办单位",
                    "收到",
                    "已回复",
                    "按时",
                    "按时率",
                    "超期未回复",
                    "回复用时中位数",
                    "90%在",
                    "低质量回复",
                    "留言收到时间",
                    "回复期限",
                    "留言内容",
                ],
                rows,
            )
        }
        "violations" => {
            let l = violations(store, who, &p.filter, p.period, MAX_ROWS, 0).await?;
            let rows = l
                .items
                .iter()
                .zip(post_rows(&l.items))
                .map(|(f, r)| {
                    vec![
                        r.account_id.to_string(),
                        r.account,
                        r.org,
                        r.published,
                        f.post.title.clone(),
                        f.post.text.clone(),
                        r.url,
                        r.findings
                            .iter()
                            .map(|x| format!("{}：{}（{}）", x.1, x.2, x.3))
                            .collect::<Vec<_>>()
                            .join("；"),
                        r.deleted,
                    ]
                })
                .collect();
            (
                "违规内容",
                &[
                    "账号ID",
                    "账号",
                    "主办单位",
                    "发布时间",
                    "标题",
                    "正文",
                    "链接",
                    "发现的问题",
                    "删除日期",
                ],
                rows,
            )
        }
        "alerts" => {
            let items = alerts_page::load(&state, &s, &q, &p).await?;
            let rows = alerts_page::alert_rows(&items)
                .into_iter()
                .map(|r| {
                    vec![
                        r.kind.into(),
                        r.account_id.to_string(),
                        r.account,
                        r.platform.into(),
                        r.org,
                        r.message,
                        r.opened,
                        r.closed,
                        r.acknowledged,
                    ]
                })
                .collect();
            (
                "预警",
                &[
                    "类型",
                    "账号ID",
                    "账号",
                    "平台",
                    "主办单位",
                    "内容",
                    "发生时间",
                    "关闭时间",
                    "确认",
                ],
                rows,
            )
        }
        "feeds" => {
            let items =
                govmedia_app::feeds::feed_list(store, who, &state.config.feeds, &p.filter).await?;
            let rows = super::feeds_page::feed_rows(&items)
                .into_iter()
                .map(|r| {
                    vec![
                        r.account_id.to_string(),
                        r.account,
                        r.platform.into(),
                        r.org,
                        r.url,
                        r.health.0.into(),
                        r.last_success,
                        r.error,
                        r.failures.to_string(),
                        r.next,
                    ]
                })
                .collect();
            (
                "数据源",
                &[
                    "账号ID",
                    "账号",
                    "平台",
                    "主办单位",
                    "订阅源地址",
                    "状态",
                    "最近成功",
                    "最近错误",
                    "连续失败",
                    "下次采集",
                ],
                rows,
            )
        }
        _ => return Err(AppError::not_found().into()),
    };
    let bytes = crate::xlsx::table(name, headers, &rows).map_err(|e| {
        tracing::error!(error = %e, "xlsx export failed");
        AppError::internal()
    })?;
    let mut a = s.actor().audit("monitoring.export", "monitoring", &list);
    a.detail = serde_json::json!({"count": rows.len(), "filter": q.query_string()}).to_string();
    state.store.audit(a).await?;
    Ok(crate::xlsx::response(
        bytes,
        &format!("{list}.xlsx"),
        &format!("{name}-{}.xlsx", state.today()),
    ))
}
