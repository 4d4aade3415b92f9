//! Compliance scanning through the API and the content page.

use crate::client::*;
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;

both_backends!(scan_api_and_page, async |store: Store| {
    let app = app(store).await;
    let t = app.token("nc_editor").await;
    let body = serde_json::json!({"text": "警钟常鸣！联系13812345678，加微信购买。"}).to_string();
    let r = app
        .send(json_req("POST", "/api/v1/scan", Some(&t), &body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let kinds: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(
        kinds.contains(&"correction".into())
            && kinds.contains(&"pii".into())
            && kinds.contains(&"advert".into()),
        "{kinds:?}"
    );
    let r = app
        .send(json_req(
            "POST",
            "/api/v1/mask",
            Some(&t),
            r#"{"text":"电话13812345678"}"#,
        ))
        .await;
    assert_eq!(r.json()["text"], "电话138****5678");
    let r = app
        .send(json_req(
            "POST",
            "/api/v1/scan",
            Some(&t),
            r#"{"text":"x","evil":true}"#,
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let long = serde_json::json!({"text": "字".repeat(200_001)}).to_string();
    let r = app
        .send(json_req("POST", "/api/v1/scan", Some(&t), &long))
        .await;
    assert_eq!(r.json()["code"], "text_too_long");
    // Only lexicon managers reload; the reload swaps in a fresh scanner.
    let r = app
        .send(json_req("POST", "/api/v1/scan/reload", Some(&t), ""))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let at = app.token("admin").await;
    let r = app
        .send(json_req("POST", "/api/v1/scan/reload", Some(&at), ""))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["entries"].as_u64().unwrap() > 40);

    let b = app.browser("nc_editor").await;
    let r = app
        .send(b.post("/content", &[("text", "联系13812345678<script>")]))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains("<mark class=\"block\""), "{page}");
    assert!(page.contains("138****5678"));
    assert!(!page.contains("<script>"), "the draft is escaped");
    let r = app
        .send(b.post("/content", &[("text", "干净的稿件")]))
        .await;
    assert!(r.text().contains("未发现问题"));
});
