//! The JSON API: login, list, load, create, update, OpenAPI, health.

use crate::client::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use govmedia_store::Store;
use govmedia_store::both_backends;

both_backends!(list_load_create_update, async |store: Store| {
    let app = app(store).await;
    let t = app.token("nc_editor").await;
    let r = app
        .get_api(
            &t,
            "/api/v1/accounts?platform=wechat_oa&per_page=5&sort=name",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert!(v["total"].as_i64().unwrap() >= 5);
    let item = &v["items"][0];
    for k in [
        "id",
        "name",
        "platform",
        "status",
        "host_org_id",
        "host_org_name",
        "warnings",
    ] {
        assert!(!item[k].is_null(), "item lacks {k}: {item}");
    }
    assert_eq!(item["platform"], "wechat_oa");

    let nc_org = org_id(&app.store, NC).await;
    let body = serde_json::json!({"platform": "douyin", "name": "南昌就业直播", "host_org_id": nc_org, "responsible_person": "王磊", "certification_subject": "某传媒公司", "reason": "平台上线前开设的存量账号"});
    let r = app
        .send(json_req(
            "POST",
            "/api/v1/accounts",
            Some(&t),
            &body.to_string(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let created = r.json();
    let id = created["id"].as_i64().unwrap();
    let codes: Vec<&str> = created["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"certification_mismatch"), "{codes:?}");
    assert!(
        codes.contains(&"duplicate_platform"),
        "南昌 already has a Douyin account: {codes:?}"
    );

    let r = app.get_api(&t, &format!("/api/v1/accounts/{id}")).await;
    assert_eq!(r.json()["name"], "南昌就业直播");

    let mut upd = body.clone();
    upd["certification_subject"] = NC.into();
    upd["version"] = 1.into();
    let r = app
        .send(json_req(
            "PUT",
            &format!("/api/v1/accounts/{id}"),
            Some(&t),
            &upd.to_string(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["version"], 2);
    // A stale version is a conflict and changes nothing.
    upd["name"] = "又改了".into();
    let r = app
        .send(json_req(
            "PUT",
            &format!("/api/v1/accounts/{id}"),
            Some(&t),
            &upd.to_string(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["code"], "version_conflict");
    let h = app
        .get_api(&t, &format!("/api/v1/accounts/{id}/history"))
        .await
        .json();
    assert_eq!(h.as_array().unwrap().len(), 2);
    assert_eq!(h[0]["changes"]["certification_subject"][1], NC);
});

both_backends!(login_errors_and_lockout, async |store: Store| {
    let app = app(store).await;
    let bad =
        serde_json::json!({"username": "nc_editor", "password": "wrong-Password1"}).to_string();
    for i in 0..4 {
        let r = app
            .send(json_req("POST", "/api/v1/auth/login", None, &bad))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert_eq!(r.json()["code"], "invalid_credentials");
    }
    // An unknown user's refusal: a locked or disabled account must get
    // exactly the same answer, so usernames cannot be probed.
    let unknown = app
        .send(json_req(
            "POST",
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"username": "no_such_user", "password": "wrong-Password1"})
                .to_string(),
        ))
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.json()["code"], "invalid_credentials");
    // The fifth failure locks; the sixth is refused like any other.
    for _ in 0..2 {
        let r = app
            .send(json_req("POST", "/api/v1/auth/login", None, &bad))
            .await;
        assert_eq!((r.status, r.json()), (unknown.status, unknown.json()));
    }
    let good = serde_json::json!({"username": "nc_editor", "password": PW}).to_string();
    let r = app
        .send(json_req("POST", "/api/v1/auth/login", None, &good))
        .await;
    assert_eq!(
        (r.status, r.json()),
        (unknown.status, unknown.json()),
        "right password refused while locked, and it does not say so"
    );
    let locked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE username = 'nc_editor' AND locked_until > 1",
    )
    .fetch_one(&app.store.pool)
    .await
    .unwrap();
    assert_eq!(locked, 1, "the account is locked");
    // A disabled account is refused the same way, even with its password.
    sqlx::query("UPDATE users SET disabled = 1 WHERE username = 'nc_reviewer'")
        .execute(&app.store.pool)
        .await
        .unwrap();
    let r = app
        .send(json_req(
            "POST",
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"username": "nc_reviewer", "password": PW}).to_string(),
        ))
        .await;
    assert_eq!((r.status, r.json()), (unknown.status, unknown.json()));
    // When the lock ends, the right password works again.
    sqlx::query("UPDATE users SET locked_until = 1 WHERE username = 'nc_editor'")
        .execute(&app.store.pool)
        .await
        .unwrap();
    let r = app
        .send(json_req("POST", "/api/v1/auth/login", None, &good))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Every attempt is in the audit log.
    let (entries, _) = app
        .store
        .audit_search(
            &govmedia_store::audit::AuditFilter {
                username: Some("nc_editor".into()),
                action: Some("auth.login".into()),
                limit: 100,
                ..Default::default()
            },
            &govmedia_domain::auth::Scope::All { within: None },
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 8);
    assert_eq!(entries.iter().filter(|e| e.outcome == "success").count(), 1);
});

both_backends!(unauthenticated_and_public_routes, async |store: Store| {
    let app = app(store).await;
    let r = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .send(
            Request::get("/api/v1/accounts")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["code"], "unauthorized");
    let r = app.get_api("not-a-token", "/api/v1/accounts").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .send(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["openapi"], "3.1.0");
    let r = app
        .send(Request::get("/api/v1/nothing").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "no_such_endpoint");
    // The inspector reads but cannot create.
    let t = app.token("inspector").await;
    let body = serde_json::json!({"platform": "weibo", "name": "x", "host_org_id": 1, "responsible_person": "x"}).to_string();
    let r = app
        .send(json_req("POST", "/api/v1/accounts", Some(&t), &body))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["code"], "forbidden");
    // Logout ends the token.
    let r = app
        .send(json_req("POST", "/api/v1/auth/logout", Some(&t), ""))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_api(&t, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
});

both_backends!(metrics_and_readiness, async |store: Store| {
    use tower::ServiceExt;
    let app = app(store).await;
    let r = app
        .send(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), "ready");
    // Some traffic: a page, a refused login, a scan.
    let b = app.browser("nc_editor").await;
    app.send(b.get("/accounts")).await;
    let bad =
        serde_json::json!({"username": "nc_editor", "password": "wrong-Password1"}).to_string();
    app.send(json_req("POST", "/api/v1/auth/login", None, &bad))
        .await;
    let t = app.token("nc_editor").await;
    app.send(json_req(
        "POST",
        "/api/v1/scan",
        Some(&t),
        r#"{"text":"限时特价"}"#,
    ))
    .await;
    // /metrics is not on the public router…
    let r = app
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // …but on its own.
    let state = govmedia_web::AppState::new(app.store.clone(), govmedia_web::WebConfig::default());
    let res = govmedia_web::metrics::router(state)
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains(
            "govmedia_http_requests_total{method=\"GET\",route=\"/accounts\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(text.contains(
        "govmedia_http_request_duration_seconds_bucket{route=\"/accounts\",le=\"+Inf\"}"
    ));
    assert!(!text.contains("govmedia_login_refusals_total{reason=\"bad_credentials\"} 0"));
    assert!(!text.contains("govmedia_scans_total 0"));
    assert!(text.contains("govmedia_db_pool_connections{state=\"open\"}"));
});
