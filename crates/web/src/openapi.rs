//! The OpenAPI 3.1 document of `/api/v1`, written by hand so it costs no
//! build time; a test checks that every routed path is documented.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

/// Every path served under `/api/v1` (method, path), for the coverage test.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/auth/login"),
    ("post", "/auth/logout"),
    ("get", "/me"),
    ("get", "/accounts"),
    ("post", "/accounts"),
    ("get", "/accounts/export.xlsx"),
    ("get", "/accounts/{id}"),
    ("put", "/accounts/{id}"),
    ("get", "/accounts/{id}/history"),
    ("get", "/orgs"),
    ("get", "/calendar/add-workdays"),
    ("get", "/calendar/days/{date}"),
    ("put", "/calendar/years/{year}"),
    ("get", "/workflows"),
    ("post", "/workflows"),
    ("get", "/workflows/{id}"),
    ("post", "/workflows/{id}/actions"),
    ("get", "/filings"),
    ("post", "/filings"),
    ("get", "/filings/{id}"),
    ("post", "/filings/{id}/actions"),
    ("post", "/accounts/{id}/close"),
    ("post", "/accounts/{id}/change"),
    ("get", "/todo"),
    ("post", "/scan"),
    ("post", "/mask"),
    ("post", "/scan/reload"),
    ("post", "/ingest/posts"),
    ("post", "/ingest/messages"),
    ("get", "/accounts/{id}/monitoring"),
    ("get", "/monitoring/zombies"),
    ("get", "/monitoring/overview"),
    ("get", "/monitoring/frequency"),
    ("get", "/monitoring/replies"),
    ("get", "/monitoring/violations"),
    ("get", "/monitoring/feeds"),
    ("put", "/accounts/{id}/feed"),
    ("delete", "/accounts/{id}/feed"),
    ("post", "/accounts/{id}/imports"),
    ("get", "/orgs/{id}/monitoring-rules"),
    ("put", "/orgs/{id}/monitoring-rules"),
    ("get", "/alerts"),
    ("post", "/alerts/{id}/ack"),
    ("get", "/openapi.json"),
];

fn error_responses() -> Value {
    let e = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "400": {"description": "请求格式错误（malformed_json、invalid_query…）", "content": e["content"]},
        "401": {"description": "未认证（unauthorized）", "content": e["content"]},
        "403": {"description": "无权限（forbidden）", "content": e["content"]},
        "404": {"description": "不存在或不在管辖范围内（not_found）", "content": e["content"]},
        "409": {"description": "冲突（version_conflict、host_org_out_of_scope…）", "content": e["content"]},
        "422": {"description": "字段校验失败（invalid_platform、invalid_body…）", "content": e["content"]}
    })
}

/// The filing workflows are served under `/filings`, the name the pages
/// use; `/workflows` stays as a deprecated alias of the same operations.
const FILING_ALIASES: [(&str, &str); 3] = [
    ("/workflows", "/filings"),
    ("/workflows/{id}", "/filings/{id}"),
    ("/workflows/{id}/actions", "/filings/{id}/actions"),
];

/// Every operation that takes a body documents 413 and 415, and every
/// object schema of a body refuses unknown fields, as the handlers do.
fn conform_bodies(doc: &mut Value) {
    fn close_objects(schema: &mut Value) {
        if let Some(o) = schema.as_object_mut() {
            if o.get("type") == Some(&json!("object")) && !o.contains_key("additionalProperties") {
                o.insert("additionalProperties".into(), json!(false));
            }
            for v in o.values_mut() {
                close_objects(v);
            }
        } else if let Some(a) = schema.as_array_mut() {
            for v in a {
                close_objects(v);
            }
        }
    }
    let e = json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}});
    if let Some(paths) = doc["paths"].as_object_mut() {
        for ops in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in ops.values_mut() {
                if op.get("requestBody").is_none() {
                    continue;
                }
                close_objects(&mut op["requestBody"]);
                op["responses"]["413"] =
                    json!({"description": "请求体过大（body_too_large）", "content": e});
                op["responses"]["415"] = json!({"description": "须为 Content-Type: application/json（content_type）", "content": e});
            }
        }
    }
    close_objects(&mut doc["components"]["schemas"]["AccountBody"]);
}

pub fn document() -> Value {
    let mut doc = paths_document();
    conform_bodies(&mut doc);
    // An update is an AccountBody that must carry the version it read.
    let mut update = doc["components"]["schemas"]["AccountBody"].clone();
    if let Some(req) = update["required"].as_array_mut() {
        req.push(json!("version"));
    }
    doc["components"]["schemas"]["AccountUpdateBody"] = update;
    // A registration (存量账号登记) must state its reason.
    let mut create = doc["components"]["schemas"]["AccountBody"].clone();
    if let Some(req) = create["required"].as_array_mut() {
        req.push(json!("reason"));
    }
    doc["components"]["schemas"]["AccountCreateBody"] = create;
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (old, new) in FILING_ALIASES {
            let Some(ops) = paths.get(old).cloned() else {
                continue;
            };
            paths.insert(new.to_string(), ops);
            if let Some(ops) = paths.get_mut(old).and_then(Value::as_object_mut) {
                for op in ops.values_mut() {
                    op["deprecated"] = json!(true);
                    op["description"] = json!(format!("旧路径，与 {new} 相同；请改用 {new}"));
                }
            }
        }
    }
    doc
}

fn paths_document() -> Value {
    let errs = error_responses();
    let with = |ok: Value| {
        let mut r = errs.clone();
        if let (Some(m), Some(o)) = (r.as_object_mut(), ok.as_object()) {
            for (k, v) in o {
                m.insert(k.clone(), v.clone());
            }
        }
        r
    };
    let mut warning_codes: Vec<&str> = govmedia_domain::checks::WarningKind::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    warning_codes.push("any");
    // Empty means "all" in a list filter (a page's form sends empty fields).
    warning_codes.push("");
    let mut platforms: Vec<&str> = govmedia_domain::platform::Platform::ALL
        .iter()
        .map(|p| p.code())
        .collect();
    platforms.push("");
    let mut statuses: Vec<&str> = govmedia_domain::account::AccountStatus::ALL
        .iter()
        .map(|p| p.code())
        .collect();
    statuses.push("");
    let kinds: Vec<&str> = std::iter::once("")
        .chain(
            govmedia_domain::filing::FilingKind::ALL
                .iter()
                .map(|k| k.code()),
        )
        .collect();
    let states: Vec<&str> = std::iter::once("")
        .chain(govmedia_domain::filing::State::ALL.iter().map(|k| k.code()))
        .collect();
    let actions: Vec<&str> = govmedia_domain::filing::Action::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    // An optional id filter: a positive id, or empty for "all".
    let opt_id = json!({"anyOf": [{"type": "integer", "minimum": 1, "maximum": i64::MAX}, {"type": "string", "enum": [""]}]});
    let list_params = json!([
        {"name": "org", "in": "query", "description": "单位ID（含下级）；空值表示全部", "schema": opt_id},
        {"name": "platform", "in": "query", "description": "空值表示全部", "schema": {"type": "string", "enum": platforms}},
        {"name": "status", "in": "query", "description": "空值表示全部", "schema": {"type": "string", "enum": statuses}},
        {"name": "warning", "in": "query", "description": "提示类型代码，或 any", "schema": {"type": "string", "enum": warning_codes}},
        {"name": "q", "in": "query", "description": "名称或平台ID关键词", "schema": {"type": "string", "maxLength": 50}},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["", "org", "name", "platform", "opened_on", "updated"]}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
    ]);
    let id_param = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": i64::MAX}}]);
    let account = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "govmedia API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "政务新媒体管理平台接口。认证：Authorization: Bearer <token>，token 来自 /auth/login 或网页上创建的 API 令牌。错误统一为 {\"code\",\"message\"}。"
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": {"type": "string", "description": "稳定的 snake_case 错误代码"},
                    "message": {"type": "string", "description": "中文说明"},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}
                }},
                "Platform": {"type": "string", "enum": govmedia_domain::platform::Platform::ALL.iter().map(|p| p.code()).collect::<Vec<_>>()},
                "Status": {"type": "string", "enum": govmedia_domain::account::AccountStatus::ALL.iter().map(|p| p.code()).collect::<Vec<_>>()},
                "Warning": {"type": "object", "properties": {"kind": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}},
                "Account": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "platform": {"$ref": "#/components/schemas/Platform"},
                    "status": {"$ref": "#/components/schemas/Status"}, "host_org_id": {"type": "integer"}, "host_org_name": {"type": "string"},
                    "handle": {"type": "string"}, "home_url": {"type": "string"}, "responsible_person": {"type": "string"},
                    "operators": {"type": "string"}, "vendor_operated": {"type": "boolean"}, "vendor_name": {"type": "string"},
                    "certification_subject": {"type": "string"}, "purpose": {"type": "string"}, "opened_on": {"type": ["string", "null"], "format": "date"},
                    "personal_official": {"type": "boolean"}, "owner_name": {"type": "string"}, "version": {"type": "integer"},
                    "merged_into": {"type": ["integer", "null"], "description": "the surviving account of a merge (整合)"},
                    "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Warning"}}
                }},
                "AccountBody": {"type": "object", "additionalProperties": false,
                    "required": ["platform", "name", "host_org_id", "responsible_person"],
                    "properties": {
                        "platform": {"$ref": "#/components/schemas/Platform"}, "name": {"type": "string", "maxLength": 50},
                        "host_org_id": {"type": "integer", "minimum": 1}, "responsible_person": {"type": "string", "maxLength": 30},
                        "handle": {"type": "string"}, "home_url": {"type": "string"}, "operators": {"type": "string"},
                        "vendor_operated": {"type": "boolean"}, "vendor_name": {"type": "string"},
                        "certification_subject": {"type": "string"}, "purpose": {"type": "string"},
                        "opened_on": {"type": "string", "format": "date"}, "status": {"$ref": "#/components/schemas/Status"},
                        "personal_official": {"type": "boolean"}, "owner_name": {"type": "string"},
                        "version": {"type": "integer", "description": "更新时：客户端看到的版本号"},
                        "reason": {"type": "string", "maxLength": 500, "description": "存量账号登记时：登记原因（必填）"}
                }}
            }
        },
        "security": [{"bearer": []}],
        "paths": {
            "/auth/login": {"post": {"summary": "登录，换取 token", "security": [],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": with(json!({"200": {"description": "成功", "content": {"application/json": {"schema": {"type": "object", "properties": {"token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}}}}}}}))}},
            "/auth/logout": {"post": {"summary": "注销当前 token", "responses": with(json!({"204": {"description": "已注销"}}))}},
            "/me": {"get": {"summary": "当前用户、角色与权限", "responses": with(json!({"200": {"description": "成功"}}))}},
            "/accounts": {
                "get": {"summary": "管辖范围内的账号台账", "parameters": list_params,
                    "responses": with(json!({"200": {"description": "成功", "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Account"}}, "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}}}}}}))},
                "post": {"summary": "存量账号登记：登记平台上线前已开设的账号并生成备案（新开设账号须通过 POST /filings 申请开设）；status 只能为 active 或 suspended", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccountCreateBody"}}}},
                    "responses": with(json!({"201": {"description": "已登记；响应另含 filing_id（存量登记备案）", "content": account["content"]}}))}
            },
            "/accounts/export.xlsx": {"get": {"summary": "导出 Excel（同列表筛选条件）", "parameters": list_params,
                "responses": with(json!({"200": {"description": "xlsx 文件", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}}))}},
            "/accounts/{id}": {
                "get": {"summary": "账号详情", "parameters": id_param, "responses": with(json!({"200": {"description": "成功", "content": account["content"]}}))},
                "put": {"summary": "修改账号", "description": "version 必填：最近一次读取到的版本号；与当前版本不一致时 409 version_conflict，缺少时 422 version_required", "parameters": id_param, "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccountUpdateBody"}}}},
                    "responses": with(json!({"200": {"description": "成功", "content": account["content"]}}))}
            },
            "/accounts/{id}/history": {"get": {"summary": "账号变更记录", "parameters": id_param, "responses": with(json!({"200": {"description": "成功"}}))}},
            "/orgs": {"get": {"summary": "管辖范围内的组织机构", "responses": with(json!({"200": {"description": "成功"}}))}},
            "/calendar/add-workdays": {"get": {"summary": "起算日期之后（不含当日）第 n 个工作日",
                "parameters": [{"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}}, {"name": "n", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 0, "maximum": 3650}}],
                "responses": with(json!({"200": {"description": "{\"from\",\"n\",\"due\"}；无该年度数据时 422 calendar_year_missing"}}))}},
            "/calendar/days/{date}": {"get": {"summary": "某日是否为工作日", "parameters": [{"name": "date", "in": "path", "required": true, "schema": {"type": "string", "format": "date"}}],
                "responses": with(json!({"200": {"description": "{\"date\",\"workday\",\"name\"}"}}))}},
            "/calendar/years/{year}": {"put": {"summary": "录入某年度节假日安排（整体替换，需 calendar:manage）",
                "parameters": [{"name": "year", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["year", "days"], "properties": {"year": {"type": "integer"}, "papers": {"type": "array", "items": {"type": "string"}}, "days": {"type": "array", "items": {"type": "object", "required": ["name", "date", "isOffDay"], "properties": {"name": {"type": "string"}, "date": {"type": "string", "format": "date"}, "isOffDay": {"type": "boolean"}}}}}}}}},
                "responses": with(json!({"204": {"description": "已生效"}}))}},
            "/workflows": {
                "get": {"summary": "管辖范围内的报批备案申请", "parameters": [
                    {"name": "kind", "in": "query", "schema": {"type": "string", "enum": kinds}},
                    {"name": "state", "in": "query", "schema": {"type": "string", "enum": states}},
                    {"name": "overdue", "in": "query", "schema": {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["", "0", "1"]}]}},
                    {"name": "account", "in": "query", "description": "空值表示全部", "schema": opt_id},
                    {"name": "org", "in": "query", "description": "主办单位（含下级单位）；空值表示全部", "schema": opt_id},
                    {"name": "q", "in": "query", "description": "事项或申请人中的关键词", "schema": {"type": "string", "maxLength": 50}}],
                    "responses": with(json!({"200": {"description": "{\"items\",\"total\"}"}}))},
                "post": {"summary": "申请开设（kind: open | personal_open）", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false,
                    "required": ["kind", "platform", "name", "host_org_id", "responsible_person"],
                    "properties": {"kind": {"type": "string", "enum": ["open", "personal_open"]}, "platform": {"$ref": "#/components/schemas/Platform"}, "name": {"type": "string"}, "host_org_id": {"type": "integer", "minimum": 1}, "responsible_person": {"type": "string"}, "operators": {"type": "string"}, "purpose": {"type": "string"}, "owner_name": {"type": "string"}}}}}},
                    "responses": with(json!({"201": {"description": "{\"id\"}"}}))}
            },
            "/workflows/{id}": {"get": {"summary": "申请详情、办理记录、备案接收情况与当前用户可执行的操作", "parameters": id_param, "responses": with(json!({"200": {"description": "成功"}}))}},
            "/workflows/{id}/actions": {"post": {"summary": "办理：approve、reject、open_account、announce、deregister、submit_filing、accept_filing、return_filing、withdraw",
                "parameters": id_param,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["action"], "properties": {"action": {"type": "string", "enum": actions}, "opinion": {"type": "string", "maxLength": 1000}, "handle": {"type": "string"}, "home_url": {"type": "string"}, "certification_subject": {"type": "string"}, "opened_on": {"type": "string", "format": "date"}, "announce_text": {"type": "string"}, "date": {"type": "string", "format": "date"}, "override_reason": {"type": "string", "maxLength": 500}, "attachments": {"type": "array", "maxItems": 5, "items": {"type": "object", "additionalProperties": false, "required": ["filename", "content_base64"], "properties": {"filename": {"type": "string"}, "content_base64": {"type": "string", "contentEncoding": "base64"}}}}}}}}},
                "responses": with(json!({"200": {"description": "{\"id\",\"state\"}；非法操作 409 illegal_transition / own_request / announcement_period"}}))}},
            "/accounts/{id}/close": {"post": {"summary": "申请关停或整合（kind: close | merge）", "parameters": id_param,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["kind", "reason"], "properties": {"kind": {"type": "string", "enum": ["close", "merge"]}, "reason": {"type": "string", "maxLength": 500}, "survivor_account_id": {"type": "integer", "minimum": 1}}}}}},
                "responses": with(json!({"201": {"description": "{\"id\"}"}}))}},
            "/accounts/{id}/change": {"post": {"summary": "登记运营管理者、名称或负责人变更并开始备案计时", "parameters": id_param,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}, "responsible_person": {"type": "string"}, "operators": {"type": "string"}, "vendor_name": {"type": "string"}, "changed_on": {"type": "string", "format": "date"}, "note": {"type": "string"}}}}}},
                "responses": with(json!({"201": {"description": "{\"id\"}"}}))}},
            "/todo": {"get": {"summary": "我的待办（按备案时限排序；alerts 为本单位账号未确认的监测预警）", "responses": with(json!({"200": {"description": "{\"items\",\"total\",\"alerts\"}"}}))}},
            "/scan": {"post": {"summary": "合规扫描：词库（抗变形）、错误表述、个人信息、广告、外链、密级标志、转载来源",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["text"],
                    "properties": {"text": {"type": "string", "maxLength": 200000}, "repost": {"type": "boolean"}, "source": {"type": ["string", "null"]}, "disclosure": {"type": "boolean", "description": "惩戒公示/强制性信息披露"}}}}}},
                "responses": with(json!({"200": {"description": "{\"findings\":[{kind, subkind, rule, category, severity, start, end, char_start, char_end, matched, suggestion}]}"}}))}},
            "/mask": {"post": {"summary": "个人信息去标识化", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["text"], "properties": {"text": {"type": "string"}}}}}},
                "responses": with(json!({"200": {"description": "{\"text\"}"}}))}},
            "/scan/reload": {"post": {"summary": "重新加载配置的词库并原子替换（需 lexicon:manage）", "responses": with(json!({"200": {"description": "{\"entries\"}"}}))}},
            "/openapi.json": {"get": {"summary": "本文档", "security": [], "responses": {"200": {"description": "OpenAPI 文档"}}}}
        }
    });
    if let (Some(paths), Some(more)) = (
        doc["paths"].as_object_mut(),
        crate::openapi_monitoring::paths(&with).as_object(),
    ) {
        paths.extend(more.clone());
    }
    doc
}

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_body_documents_413_and_415_and_refuses_unknown_fields() {
        let doc = document();
        let text = doc.to_string();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                if op.get("requestBody").is_some() {
                    for status in ["413", "415", "422"] {
                        assert!(
                            op["responses"][status].is_object(),
                            "{method} {path} lacks {status}"
                        );
                    }
                }
            }
        }
        assert!(
            !text.contains(r#""type":"object","required"#) || text.contains("additionalProperties")
        );
        assert_eq!(
            doc["components"]["schemas"]["AccountCreateBody"]["additionalProperties"],
            false
        );
    }

    #[test]
    fn every_route_is_documented() {
        let doc = document();
        for (method, path) in ROUTES {
            assert!(
                doc["paths"][path][method].is_object(),
                "{method} {path} missing from the OpenAPI document"
            );
        }
        let documented: usize = doc["paths"]
            .as_object()
            .map(|m| {
                m.values()
                    .map(|v| v.as_object().map(|o| o.len()).unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0);
        assert_eq!(
            documented,
            ROUTES.len(),
            "document lists a route that is not served"
        );
    }
}
