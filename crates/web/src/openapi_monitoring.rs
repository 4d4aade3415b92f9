//! The monitoring part of the OpenAPI document (ingest and measures),
//! merged into `openapi::document`.

use serde_json::{Value, json};

/// Item schemas state only the JSON types: a value of the right type that
/// breaks a rule (an unknown account, a time that is not RFC 3339, an
/// unknown kind) is a per-item rejection in a 200 answer, not a 4xx.
pub fn paths(with: &dyn Fn(Value) -> Value) -> Value {
    // Every field may also be null (absent), as the handlers take it.
    let id = json!({"type": ["integer", "null"], "minimum": i64::MIN, "maximum": i64::MAX});
    let s = json!({"type": ["string", "null"]});
    let account = json!({"type": ["object", "null"], "additionalProperties": false,
        "required": ["platform", "handle"],
        "properties": {"platform": {"type": "string"}, "handle": {"type": "string"}}});
    let post = json!({"type": "object", "properties": {
        "account_id": id, "account": account, "platform_post_id": s,
        "published_at": {"type": ["string", "null"], "description": "RFC 3339"},
        "title": s, "text": s, "url": s,
        "kind": {"type": ["string", "null"], "description": "original | repost"},
        "source": s, "deleted": {"type": "boolean"}}});
    let message = json!({"type": "object", "properties": {
        "account_id": id, "account": account, "platform_message_id": s,
        "received_at": {"type": ["string", "null"], "description": "RFC 3339"}, "text": s,
        "channel": {"type": ["string", "null"], "description": "comment | private | board"},
        "replied_at": {"type": ["string", "null"], "description": "RFC 3339"}, "reply_text": s}});
    let batch = |item: Value| {
        json!({"required": true, "content": {"application/json": {"schema": {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": item}}}}}})
    };
    let atomic = json!([{"name": "atomic", "in": "query",
        "description": "true：任一条目被拒绝则整批不保存（422 batch_rejected）",
        "schema": {"type": "string", "enum": ["", "true", "false", "1", "0"]}}]);
    let results = "{\"results\":[{\"index\",\"status\":\"created|updated|unchanged|rejected\",\"id\",\"error\":{\"code\",\"message\"}}],\"summary\"}";
    // A date, or empty for today.
    let date =
        json!({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "enum": [""]}]});
    let opt_id = json!({"anyOf": [{"type": "integer", "minimum": 1, "maximum": i64::MAX}, {"type": "string", "enum": [""]}]});
    let n = |lo: u32, hi: u32| json!({"type": ["integer", "null"], "minimum": lo, "maximum": hi});
    let rules = json!({"required": true, "content": {"application/json": {"schema": {"type": "object",
        "description": "未给出的字段继承上级单位或默认值；全部为空则删除本单位的设置",
        "properties": {
            "zombie_days": n(1, 366), "weekly_min": n(0, 100),
            "count_reposts": {"type": ["boolean", "null"]}, "reply_workdays": n(1, 60),
            "warn_zombie_days": n(1, 366),
            "warn_weekday": {"type": ["string", "null"], "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun", null]},
            "min_reply_chars": n(0, 1000), "max_same_reply": n(1, 10_000)}}}}});
    let org_id = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}}]);
    let q = |name: &str, description: &str, schema: &Value| json!({"name": name, "in": "query", "description": description, "schema": schema});
    let as_of = q("as_of", "日期，默认今天", &date);
    let from = q("from", "统计期间开始日期", &date);
    let to = q("to", "统计期间结束日期", &date);
    let org = q("org", "单位ID（含下级）", &opt_id);
    let platforms: Vec<&str> = std::iter::once("")
        .chain(
            govmedia_domain::platform::Platform::ALL
                .iter()
                .map(|p| p.code()),
        )
        .collect();
    let platform = q(
        "platform",
        "平台代码",
        &json!({"type": "string", "enum": platforms}),
    );
    let kinds: Vec<&str> = std::iter::once("")
        .chain(
            govmedia_domain::monitoring::alerts::AlertKind::ALL
                .iter()
                .map(|k| k.code()),
        )
        .collect();
    json!({
        "/alerts": {"get": {"summary": "监测预警（管辖范围内；默认只列未关闭的）",
            "parameters": [
                {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["", "open", "closed", "all"]}},
                {"name": "kind", "in": "query", "schema": {"type": "string", "enum": kinds}},
                {"name": "account", "in": "query", "description": "账号ID", "schema": opt_id},
                {"name": "org", "in": "query", "description": "单位ID（含下级）", "schema": opt_id}],
            "responses": with(json!({"200": {"description": "{\"items\",\"total\"}"}}))}},
        "/alerts/{id}/ack": {"post": {"summary": "确认预警并填写说明（需 account:update 或 monitoring:rules）",
            "parameters": org_id,
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "properties": {"note": {"type": "string", "maxLength": 500}}}}}},
            "responses": with(json!({"204": {"description": "已确认"}}))}},
        "/orgs/{id}/monitoring-rules": {
            "get": {"summary": "单位的监测规则（本单位设置与实际适用的规则及其来源）", "parameters": org_id,
                "responses": with(json!({"200": {"description": "{\"org_id\",\"rules\",\"applied\"}"}}))},
            "put": {"summary": "设置本单位及下级的监测规则（需 monitoring:rules）", "parameters": org_id, "requestBody": rules,
                "responses": with(json!({"200": {"description": "{\"org_id\",\"rules\",\"applied\"}"}}))}},
        "/ingest/posts": {"post": {"summary": "采集端推送发布内容（幂等，每次最多 5000 条，需 monitoring:ingest）",
            "parameters": atomic, "requestBody": batch(post),
            "responses": with(json!({"200": {"description": results}}))}},
        "/ingest/messages": {"post": {"summary": "采集端推送公众留言及回复（幂等，每次最多 5000 条，需 monitoring:ingest）",
            "parameters": atomic, "requestBody": batch(message),
            "responses": with(json!({"200": {"description": results}}))}},
        "/accounts/{id}/monitoring": {"get": {"summary": "账号监测指标（截至 as_of）：僵尸号、每周更新、留言回复、违规内容",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}},
                {"name": "as_of", "in": "query", "description": "日期，默认今天", "schema": date}],
            "responses": with(json!({"200": {"description": "{\"as_of\",\"last_post_at\",\"days_since_update\",\"zombie\",\"coverage\",\"weeks\",\"messages\",\"violations\"}"}}))}},
        "/monitoring/zombies": {"get": {"summary": "僵尸号清单（截至 as_of，管辖范围内；数据不足的账号另列 no_data）",
            "parameters": [as_of.clone(), org.clone(), platform.clone()],
            "responses": with(json!({"200": {"description": "{\"items\",\"total\",\"soon\",\"no_data\"}"}}))}},
        "/monitoring/overview": {"get": {"summary": "首页监测数字：僵尸号、上周更新不足、超期留言、近30天问题内容、未关闭预警、近26周发布量、下级单位排名",
            "parameters": [as_of.clone(), org.clone(), platform.clone()],
            "responses": with(json!({"200": {"description": "{\"as_of\",\"zombies\",\"below_min\",\"overdue_messages\",\"flagged_posts\",\"open_alerts\",\"weekly\",\"ranking\",…}"}}))}},
        "/monitoring/frequency": {"get": {"summary": "更新频率：as_of 之前最近一个完整自然周各账号的更新条数与是否达标",
            "parameters": [as_of.clone(), org.clone(), platform.clone()],
            "responses": with(json!({"200": {"description": "{\"week\",\"items\",\"below\",\"no_data\"}"}}))}},
        "/monitoring/replies": {"get": {"summary": "留言回复：统计期间（from–to，默认截至 as_of 的30天）各账号回复情况，及截至 as_of 超期、即将超期的留言",
            "parameters": [as_of.clone(), org.clone(), platform.clone(), from.clone(), to.clone()],
            "responses": with(json!({"200": {"description": "{\"period\",\"items\",\"overdue\",\"due_soon\"}"}}))}},
        "/monitoring/feeds": {"get": {"summary": "数据源：管辖范围内各账号订阅源的采集状态（health：new/ok/failing/broken）",
            "parameters": [org.clone(), platform.clone()],
            "responses": with(json!({"200": {"description": "{\"items\",\"total\"}"}}))}},
        "/accounts/{id}/feed": {
            "put": {"summary": "设置账号的订阅源（http 地址；需 monitoring:ingest）", "parameters": org_id.clone(),
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["url"], "properties": {"url": {"type": "string"}}}}}},
                "responses": with(json!({"200": {"description": "订阅源及其状态"}}))},
            "delete": {"summary": "删除账号的订阅源（已采集的内容保留）", "parameters": org_id.clone(),
                "responses": with(json!({"204": {"description": "已删除"}}))}},
        "/accounts/{id}/imports": {"post": {"summary": "导入平台导出文件（CSV/XLSX；需 monitoring:ingest）：全部行导入或全部不导入，逐行报告；dry_run=true 只检查",
            "parameters": org_id.clone(),
            "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object",
                "required": ["file", "kind"], "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "kind": {"type": "string", "enum": ["posts", "messages"]},
                    "mapping": {"type": "string", "description": "JSON 对象：字段（published_at、title、text、url、platform_post_id、kind、source；received_at、platform_message_id、channel、replied_at、reply_text）→ 列名；省略时按列名识别或沿用本单位上次的对应关系"},
                    "default_kind": {"type": "string", "enum": ["original", "repost"]},
                    "default_channel": {"type": "string", "enum": ["comment", "private", "board"]},
                    "dry_run": {"type": "string", "enum": ["true", "false"]}}}}}},
            "responses": with(json!({"200": {"description": "{\"stored\",\"total\",\"errors\",\"created\",\"updated\",\"unchanged\",\"mapping\",\"rows\":[{\"row\",\"status\",\"id\",\"error\"}]}"},
                "422": {"description": "列对应关系不完整，或有行出错（整体未导入；rows 中列出每行问题）"}}))}},
        "/monitoring/violations": {"get": {"summary": "违规内容：统计期间发布、扫描发现问题的内容（每页100条）",
            "parameters": [as_of, org, platform, from, to,
                {"name": "page", "in": "query", "description": "页码", "schema": opt_id}],
            "responses": with(json!({"200": {"description": "{\"period\",\"items\",\"total\"}"}}))}}
    })
}
