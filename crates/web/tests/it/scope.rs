//! Acceptance: an editor in 九江 reaches no 南昌 account by any route, and
//! an API token limited to a subtree sees only that subtree.

use crate::client::*;
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;

both_backends!(jj_editor_never_sees_nanchang, async |store: Store| {
    let app = app(store).await;
    let nc_id = nanchang_account(&app.store).await;
    let nc_org = org_id(&app.store, NC).await;
    let b = app.browser("jj_editor").await;

    // Pages: list (plain, filtered to 南昌, searched for 南昌), detail, edit.
    for path in [
        "/accounts?per_page=200".to_string(),
        format!("/accounts?org={nc_org}&per_page=200"),
        "/accounts?q=%E5%8D%97%E6%98%8C&per_page=200".to_string(),
        "/accounts?warning=any&per_page=200".to_string(),
        "/".to_string(),
    ] {
        let r = app.send(b.get(&path)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            !r.text().contains("南昌人社"),
            "{path} shows a 南昌 account"
        );
    }
    for path in [
        format!("/accounts/{nc_id}"),
        format!("/accounts/{nc_id}/edit"),
    ] {
        assert_eq!(
            app.send(b.get(&path)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Change by form: refused, nothing changed.
    let before = app
        .store
        .account(
            &govmedia_domain::auth::Scope::All { within: None },
            govmedia_domain::AccountId(nc_id),
        )
        .await
        .unwrap();
    let r = app
        .send(b.post(
            &format!("/accounts/{nc_id}"),
            &[
                ("platform", "weibo"),
                ("name", "被篡改"),
                ("host_org_id", &nc_org.to_string()),
                ("responsible_person", "x"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let after = app
        .store
        .account(
            &govmedia_domain::auth::Scope::All { within: None },
            govmedia_domain::AccountId(nc_id),
        )
        .await
        .unwrap();
    assert_eq!(before.name, after.name);
    assert_eq!(before.version, after.version);
    // Creating an account for a 南昌 host org is refused.
    let n = account_count(&app.store).await;
    let r = app
        .send(b.post(
            "/accounts",
            &[
                ("platform", "weibo"),
                ("name", "九江人社"),
                ("host_org_id", &nc_org.to_string()),
                ("responsible_person", "x"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("不在您的管辖范围内"));
    assert_eq!(account_count(&app.store).await, n);
    // Export: the file holds no 南昌 row.
    let r = app.send(b.get("/accounts/export.xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = govmedia_web::accounts::excel::parse_import(&r.body, 10_000).unwrap();
    assert!(rows.len() > 10);
    assert!(rows.iter().all(|row| !row.host_org_name.contains("南昌")));
    let r = app
        .send(b.get(&format!("/accounts/export.xlsx?org={nc_org}")))
        .await;
    assert!(
        govmedia_web::accounts::excel::parse_import(&r.body, 10_000).is_err(),
        "filtered export is empty"
    );
    // Import naming a 南昌 host: refused row by row, nothing imported.
    let file = xlsx(&[vec!["", "微博", "南昌人社2", "", "", "", NC, "张三"]]);
    let r = app.send(multipart(&b, "/accounts/import", &file)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("不在您的管辖范围内"));
    assert_eq!(account_count(&app.store).await, n);

    // API: list (plain and filtered), load, update, history, export.
    let t = app.token("jj_editor").await;
    for path in [
        "/api/v1/accounts?per_page=200".to_string(),
        format!("/api/v1/accounts?org={nc_org}"),
        "/api/v1/accounts?q=%E5%8D%97%E6%98%8C".to_string(),
    ] {
        let r = app.get_api(&t, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let items = r.json()["items"].as_array().unwrap().clone();
        assert!(
            items
                .iter()
                .all(|i| !i["host_org_name"].as_str().unwrap().contains("南昌")),
            "{path}"
        );
    }
    for path in [
        format!("/api/v1/accounts/{nc_id}"),
        format!("/api/v1/accounts/{nc_id}/history"),
    ] {
        let r = app.get_api(&t, &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.json()["code"], "not_found");
    }
    let body = serde_json::json!({"platform": "weibo", "name": "x", "host_org_id": nc_org, "responsible_person": "x"}).to_string();
    let r = app
        .send(json_req(
            "PUT",
            &format!("/api/v1/accounts/{nc_id}"),
            Some(&t),
            &body,
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .send(json_req("POST", "/api/v1/accounts", Some(&t), &body))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["code"], "host_org_out_of_scope");
    let r = app.get_api(&t, "/api/v1/accounts/export.xlsx").await;
    let rows = govmedia_web::accounts::excel::parse_import(&r.body, 10_000).unwrap();
    assert!(rows.iter().all(|row| !row.host_org_name.contains("南昌")));
    let r = app.get_api(&t, "/api/v1/orgs").await;
    assert!(!r.text().contains("南昌"));
    assert_eq!(account_count(&app.store).await, n);
});

both_backends!(api_token_is_limited_to_its_subtree, async |store: Store| {
    let app = app(store).await;
    let center = app.store.user_by_username("center").await.unwrap();
    let jj = app
        .store
        .org_by_name("九江市人力资源和社会保障局")
        .await
        .unwrap();
    let actor = govmedia_store::orgs::Actor::system();
    let (id, token) = app
        .store
        .create_api_token(&actor, center.id, "对接", jj.id)
        .await
        .unwrap();
    let r = app.get_api(&token, "/api/v1/accounts?per_page=200").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert!(v["total"].as_i64().unwrap() > 10);
    for i in v["items"].as_array().unwrap() {
        let name = i["host_org_name"].as_str().unwrap();
        assert!(
            name.contains("九江")
                || [
                    "浔阳",
                    "濂溪",
                    "柴桑",
                    "瑞昌",
                    "共青城",
                    "庐山",
                    "武宁",
                    "修水",
                    "永修",
                    "德安",
                    "都昌",
                    "湖口",
                    "彭泽"
                ]
                .iter()
                .any(|c| name.contains(c)),
            "{name}"
        );
    }
    let nc_id = nanchang_account(&app.store).await;
    assert_eq!(
        app.get_api(&token, &format!("/api/v1/accounts/{nc_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.store.revoke_api_token(&actor, id, None).await.unwrap();
    assert_eq!(
        app.get_api(&token, "/api/v1/accounts").await.status,
        StatusCode::UNAUTHORIZED
    );
});

both_backends!(
    history_does_not_name_orgs_out_of_scope,
    async |store: Store| {
        let app = app(store).await;
        let nc_id = nanchang_account(&app.store).await;
        let jj = org_id(&app.store, "九江市人力资源和社会保障局").await;
        let nc = org_id(&app.store, NC).await;
        // The account moved in from Jiujiang, outside nc_editor's scope.
        let changes = serde_json::json!({"host_org_id": [jj.to_string(), nc.to_string()]});
        sqlx::query(
            "INSERT INTO account_history (account_id, at, user_id, username, action, changes) VALUES ($1, $2, NULL, 'admin', 'update', $3)",
        )
        .bind(nc_id)
        .bind(1_700_000_000i64)
        .bind(changes.to_string())
        .execute(&app.store.pool)
        .await
        .unwrap();
        let editor = app.browser("nc_editor").await;
        let page = app
            .send(editor.get(&format!("/accounts/{nc_id}")))
            .await
            .text();
        assert!(
            page.contains(&format!("范围外单位（编号 {jj}） → {NC}")),
            "{page}"
        );
        assert!(!page.contains("九江市人力资源和社会保障局"));
        // Someone who may see both orgs reads both names.
        let center = app.browser("center").await;
        let page = app
            .send(center.get(&format!("/accounts/{nc_id}")))
            .await
            .text();
        assert!(page.contains(&format!("九江市人力资源和社会保障局 → {NC}")));
    }
);
