//! Bad input gets a clear 4xx and changes nothing.

use crate::client::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use govmedia_store::Store;
use govmedia_store::both_backends;

both_backends!(bad_api_bodies, async |store: Store| {
    let app = app(store).await;
    let t = app.token("nc_editor").await;
    let n = account_count(&app.store).await;
    let nc_org = org_id(&app.store, NC).await;
    let cases: Vec<(String, StatusCode, &str)> = vec![
        ("{\"platform\": ".into(), StatusCode::BAD_REQUEST, "malformed_json"),
        (serde_json::json!({"platform": "weibo", "name": "x", "host_org_id": nc_org, "responsible_person": "x", "evil": 1}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (serde_json::json!({"platform": "myspace", "name": "x", "host_org_id": nc_org, "responsible_person": "x"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_platform"),
        (serde_json::json!({"platform": "weibo", "name": "x", "host_org_id": "abc", "responsible_person": "x"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (serde_json::json!({"platform": "weibo", "name": "", "host_org_id": nc_org, "responsible_person": "x"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "required"),
        (serde_json::json!({"platform": "weibo", "name": "x", "host_org_id": nc_org, "responsible_person": "x", "status": "deleted"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_status"),
    ];
    for (body, status, code) in cases {
        let r = app
            .send(json_req("POST", "/api/v1/accounts", Some(&t), &body))
            .await;
        assert_eq!(r.status, status, "{body}: {}", r.text());
        assert_eq!(r.json()["code"], code, "{body}");
        assert!(!r.json()["message"].as_str().unwrap().is_empty());
    }
    // Oversize body.
    let huge = format!(
        "{{\"platform\":\"weibo\",\"name\":\"{}\"}}",
        "x".repeat(11 * 1024 * 1024)
    );
    let r = app
        .send(json_req("POST", "/api/v1/accounts", Some(&t), &huge))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["code"], "body_too_large");
    // Wrong content type.
    let r = app
        .send(
            Request::post("/api/v1/accounts")
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Wrong method and unknown pages get our error format too.
    let r = app
        .send(json_req("DELETE", "/api/v1/accounts", Some(&t), ""))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["code"], "method_not_allowed");
    let b = app.browser("nc_editor").await;
    let r = app.send(b.get("/no/such/page")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("页面不存在"));
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    // Bad query values.
    for q in [
        "platform=myspace",
        "page=0",
        "per_page=1000",
        "status=x",
        "warning=y",
        "org=abc",
        "bogus=1",
    ] {
        let r = app.get_api(&t, &format!("/api/v1/accounts?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
    }
    let r = app.get_api(&t, "/api/v1/accounts/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["code"], "invalid_id");
    assert_eq!(account_count(&app.store).await, n, "nothing was written");
});

both_backends!(bad_excel_imports_nothing, async |store: Store| {
    let app = app(store).await;
    let b = app.browser("nc_editor").await;
    let n = account_count(&app.store).await;
    // Not an Excel file at all.
    let r = app
        .send(multipart(
            &b,
            "/accounts/import",
            b"PK\x03\x04 this is not a workbook",
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("无法读取该文件"), "{}", r.text());
    // One good row and two bad rows: nothing imported, each bad row named.
    let file = xlsx(&[
        vec!["", "微博", "南昌人社新号", "", "", "", NC, "张三"],
        vec!["", "火星台", "南昌人社", "", "", "", NC, "李四"],
        vec!["", "抖音", "南昌人社", "", "", "", "不存在的单位", "王五"],
    ]);
    let r = app.send(multipart(&b, "/accounts/import", &file)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text();
    assert!(page.contains("共有 2 行存在问题"), "{page}");
    assert!(page.contains("<td>3</td>") && page.contains("<td>4</td>"));
    assert!(page.contains("请选择有效的平台"));
    assert!(
        page.contains("可填：微博、微信公众号"),
        "a row error names the allowed values"
    );
    assert!(page.contains("不存在的单位"));
    assert_eq!(account_count(&app.store).await, n);
    // Missing columns.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "名称").unwrap();
    let r = app
        .send(multipart(
            &b,
            "/accounts/import",
            &wb.save_to_buffer().unwrap(),
        ))
        .await;
    assert!(r.text().contains("缺少必需的列"));
    // A good file imports every row.
    let file = xlsx(&[
        vec!["", "微博", "南昌人社新号", "", "", "", NC, "张三"],
        vec![
            "",
            "抖音",
            "青山湖人社",
            "",
            "",
            "",
            "青山湖区人力资源和社会保障局",
            "李四",
            "",
            "否",
            "",
            "青山湖区人力资源和社会保障局",
            "",
            "2024-03-01",
            "运营中",
        ],
    ]);
    let r = app.send(multipart(&b, "/accounts/import", &file)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(account_count(&app.store).await, n + 2);
});

both_backends!(
    bad_forms_keep_input_and_change_nothing,
    async |store: Store| {
        let app = app(store).await;
        let b = app.browser("nc_editor").await;
        let n = account_count(&app.store).await;
        let nc_org = org_id(&app.store, NC).await.to_string();
        let r = app
            .send(b.post(
                "/accounts",
                &[
                    ("platform", "weibo"),
                    ("name", "南昌<script>"),
                    ("host_org_id", &nc_org),
                    ("responsible_person", ""),
                    ("opened_on", "2025-13-01"),
                ],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text();
        assert!(page.contains("请填写负责人"));
        assert!(page.contains("开设日期格式应为"));
        assert!(
            page.contains("南昌&lt;script&gt;") || page.contains("南昌&#60;script&#62;"),
            "input kept and escaped: {page}"
        );
        assert!(!page.contains("南昌<script>"));
        assert_eq!(account_count(&app.store).await, n);
    }
);

both_backends!(
    a_sparse_sheet_is_refused_and_the_server_lives,
    async |store: Store| {
        // The reported denial of service: the import template with one cell
        // at XFD1048576. Reading it densely would allocate 512 GiB and abort
        // the process (and this test binary with it).
        let app = app(store).await;
        let b = app.browser("nc_editor").await;
        let n = account_count(&app.store).await;
        let file = include_bytes!("../fixtures/sparse-sheet.xlsx");
        let r = app.send(multipart(&b, "/accounts/import", file)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("列的内容"), "{}", r.text());
        assert_eq!(account_count(&app.store).await, n);
        let r = app.send(b.get("/accounts/import")).await;
        assert_eq!(r.status, StatusCode::OK, "the server still answers");
    }
);

both_backends!(
    invisible_characters_are_refused_everywhere,
    async |store: Store| {
        let app = app(store).await;
        let t = app.token("nc_editor").await;
        let nc_org = org_id(&app.store, NC).await;
        let n = account_count(&app.store).await;
        for bad in [
            "\u{202E}", "\u{200F}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\r\n",
        ] {
            let body = serde_json::json!({"platform": "weibo", "name": format!("南昌{bad}人社"), "host_org_id": nc_org, "responsible_person": "王磊"});
            let r = app
                .send(json_req(
                    "POST",
                    "/api/v1/accounts",
                    Some(&t),
                    &body.to_string(),
                ))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
            assert_eq!(r.json()["code"], "invalid_characters", "{bad:?}");
            // The same rule on the opening application.
            let body = serde_json::json!({"kind": "open", "platform": "weibo", "name": "南昌人社二", "host_org_id": nc_org, "responsible_person": format!("王{bad}磊")});
            let r = app
                .send(json_req(
                    "POST",
                    "/api/v1/filings",
                    Some(&t),
                    &body.to_string(),
                ))
                .await;
            assert_eq!(r.json()["code"], "invalid_characters", "{bad:?}");
        }
        assert_eq!(account_count(&app.store).await, n);
        // Org names, user names and token names follow the same rule.
        let admin = app.browser("admin").await;
        let r = app
            .send(admin.post(
                "/orgs",
                &[
                    ("name", "测试\u{202E}单位"),
                    ("kind", "organ"),
                    ("level", "county"),
                    ("region", ""),
                ],
            ))
            .await;
        assert!(
            r.text().contains("单位名称含有不可见的控制字符"),
            "{}",
            r.text()
        );
        let r = app
            .send(admin.post(
                "/users",
                &[
                    ("username", "hidden1"),
                    ("display_name", "张\u{200B}三"),
                    ("org_id", &nc_org.to_string()),
                    ("role", "editor"),
                ],
            ))
            .await;
        assert!(
            r.text().contains("姓名含有不可见的控制字符"),
            "{}",
            r.text()
        );
        assert!(app.store.user_by_username("hidden1").await.is_err());
    }
);

both_backends!(an_update_must_name_its_version, async |store: Store| {
    let app = app(store).await;
    let t = app.token("nc_editor").await;
    let nc_org = org_id(&app.store, NC).await;
    let acc = nanchang_account(&app.store).await;
    let before = app
        .get_api(&t, &format!("/api/v1/accounts/{acc}"))
        .await
        .json();
    let put = |body: serde_json::Value| {
        json_req(
            "PUT",
            &format!("/api/v1/accounts/{acc}"),
            Some(&t),
            &body.to_string(),
        )
    };
    let body = serde_json::json!({"platform": "weibo", "name": "南昌人社改名", "host_org_id": nc_org, "responsible_person": "王磊"});
    let r = app.send(put(body.clone())).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "version_required");
    let mut stale = body.clone();
    stale["version"] = serde_json::json!(before["version"].as_i64().unwrap() + 7);
    let r = app.send(put(stale)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["code"], "version_conflict");
    let after = app
        .get_api(&t, &format!("/api/v1/accounts/{acc}"))
        .await
        .json();
    assert_eq!(after, before, "nothing was written");
    // The edit form without its version is refused too.
    let b = app.browser("nc_editor").await;
    let r = app
        .send(b.post(
            &format!("/accounts/{acc}"),
            &[("purpose", "政策发布改版"), ("status", "active")],
        ))
        .await;
    assert!(r.text().contains("页面缺少版本信息"), "{}", r.text());
    assert!(r.text().contains("政策发布改版"), "what was typed is kept");
});

both_backends!(ids_have_one_spelling, async |store: Store| {
    let app = app(store).await;
    let t = app.token("center").await;
    let acc = nanchang_account(&app.store).await;
    assert_eq!(
        app.get_api(&t, &format!("/api/v1/accounts/{acc}"))
            .await
            .status,
        StatusCode::OK
    );
    for bad in [format!("+{acc}"), format!("0{acc}")] {
        let r = app.get_api(&t, &format!("/api/v1/accounts/{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(r.json()["code"], "invalid_id");
    }
});

both_backends!(an_empty_page_is_not_the_first_page, async |store: Store| {
    let app = app(store).await;
    let t = app.token("center").await;
    for q in ["page=", "per_page=", "page=%20"] {
        let r = app.get_api(&t, &format!("/api/v1/accounts?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.text());
    }
    assert_eq!(
        app.get_api(&t, "/api/v1/accounts").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get_api(&t, "/api/v1/accounts?page=2").await.status,
        StatusCode::OK
    );
    // The page keeps working with and without a page.
    let b = app.browser("center").await;
    assert_eq!(
        app.send(b.get("/accounts?page=2")).await.status,
        StatusCode::OK
    );
});
