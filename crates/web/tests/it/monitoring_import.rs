//! Importing platform exports (CSV/XLSX) and uploading JSON-lines batches
//! through HTTP: the page flow upload → preview → import, all rows or none,
//! the same file twice changes nothing, the mapping is remembered per org
//! and platform, malformed files get a code, and nobody imports outside
//! their jurisdiction.

use crate::client::*;
use crate::monitoring::{active_account, count, monitoring_app};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use govmedia_store::Store;
use govmedia_store::both_backends;
use govmedia_web::{AppState, WebConfig};
use serde_json::Value;

const BOUNDARY: &str = "XyZgovmediaImport";

/// A multipart body of text fields and files: (name, filename, bytes).
fn parts(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (n, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{n}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (n, f, bytes) in files {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{n}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn page_upload(
    b: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Request<Body> {
    let mut all = vec![("_csrf", b.csrf.as_str())];
    all.extend_from_slice(fields);
    Request::post(path)
        .header(header::COOKIE, &b.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(parts(&all, files)))
        .unwrap()
}

fn api_upload(token: &str, path: &str, fields: &[(&str, &str)], file: &[u8]) -> Request<Body> {
    Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(parts(fields, &[("file", "export.csv", file)])))
        .unwrap()
}

/// The upload id in the preview form's action.
fn upload_id(html: &str, account: i64) -> String {
    let marker = format!("/accounts/{account}/monitoring/import/");
    let at = html.find(&marker).expect("preview form") + marker.len();
    html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// A sheet of exactly these rows (the first is the header).
fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn imported(store: &Store, account: i64) -> i64 {
    count(
        store,
        &format!(
            "SELECT COUNT(*) FROM posts WHERE account_id = {account} AND provenance = 'import'"
        ),
    )
    .await
}

/// A WeChat 已发表内容 export as Excel in China writes it: GB18030 CSV.
fn wechat_csv(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut s = String::from("内容标题,发表时间,原文链接,阅读人数\r\n");
    for (t, at, url) in rows {
        s.push_str(&format!("\"{t}\",{at},{url},120\r\n"));
    }
    encoding_rs::GB18030.encode(&s).0.into_owned()
}

both_backends!(
    a_wechat_export_goes_through_preview_and_imports_once,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let a = active_account(&app.store, NC).await;
        let b = app.browser("nc_pub").await;
        let csv = wechat_csv(&[
            (
                "关于2026年社保缴费基数的通知",
                "2026/3/2 9:30",
                "https://mp.weixin.qq.com/s/aaa",
            ),
            (
                "社保卡换发, 线上可办",
                "2026-03-05 10:21",
                "https://mp.weixin.qq.com/s/bbb",
            ),
        ]);
        let path = format!("/accounts/{a}/monitoring/import");
        let r = app.send(b.get(&path)).await;
        assert_eq!(r.status, StatusCode::OK);
        let r = app
            .send(page_upload(
                &b,
                &path,
                &[("kind", "posts")],
                &[("file", "wechat.csv", &csv)],
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        assert!(html.contains("社保卡换发, 线上可办"), "{html}");
        assert!(
            html.contains("<option value=\"发表时间\" selected>"),
            "guessed time column"
        );
        assert_eq!(imported(&app.store, a).await, 0, "a preview stores nothing");
        let id = upload_id(&html, a);
        let confirm = format!("{path}/{id}");
        let mapping = [
            ("map_published_at", "发表时间"),
            ("map_title", "内容标题"),
            ("map_url", "原文链接"),
            ("default_kind", "original"),
        ];
        let mut go = mapping.to_vec();
        go.push(("action", "import"));
        let r = app.send(b.post(&confirm, &go)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("新增 2"), "{}", r.text());
        assert_eq!(imported(&app.store, a).await, 2);
        // The upload is gone once imported.
        let r = app.send(b.post(&confirm, &go)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("已过期或不存在"));
        // The same export again: nothing new.
        let r = app
            .send(page_upload(
                &b,
                &path,
                &[("kind", "posts")],
                &[("file", "wechat.csv", &csv)],
            ))
            .await;
        let id = upload_id(&r.text(), a);
        let r = app.send(b.post(&format!("{path}/{id}"), &go)).await;
        assert!(r.text().contains("无变化 2"), "{}", r.text());
        assert_eq!(imported(&app.store, a).await, 2);
        // Published in China time: 09:30 on 2 March is 01:30 UTC.
        let at = count(
        &app.store,
        &format!("SELECT MIN(published_at) FROM posts WHERE account_id = {a} AND provenance = 'import'"),
    )
    .await;
        assert_eq!(at, 1_772_415_000);
    }
);

both_backends!(
    an_unknown_layout_is_mapped_once_and_remembered,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let a = active_account(&app.store, NC).await;
        let b = app.browser("nc_pub").await;
        let path = format!("/accounts/{a}/monitoring/import");
        let csv = "稿件名,上线日\n社保政策解读,2026-03-03 08:00\n".as_bytes();
        let r = app
            .send(page_upload(
                &b,
                &path,
                &[("kind", "posts")],
                &[("file", "x.csv", csv)],
            ))
            .await;
        let html = r.text();
        assert!(html.contains("请指定“发布时间”对应的列"), "{html}");
        let id = upload_id(&html, a);
        let r = app
            .send(b.post(
                &format!("{path}/{id}"),
                &[
                    ("map_published_at", "上线日"),
                    ("map_title", "稿件名"),
                    ("action", "import"),
                ],
            ))
            .await;
        assert!(r.text().contains("新增 1"), "{}", r.text());
        // Next time the org's mapping for this platform is offered.
        let csv = "稿件名,上线日\n养老保险待遇调整,2026-03-04 08:00\n".as_bytes();
        let r = app
            .send(page_upload(
                &b,
                &path,
                &[("kind", "posts")],
                &[("file", "y.csv", csv)],
            ))
            .await;
        let html = r.text();
        assert!(
            html.contains("<option value=\"上线日\" selected>"),
            "{html}"
        );
        assert!(!html.contains("请指定"), "{html}");
    }
);

both_backends!(
    one_bad_row_stores_nothing_and_is_named,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let a = active_account(&app.store, NC).await;
        let nc = app.token("nc_pub").await;
        let api = format!("/api/v1/accounts/{a}/imports");
        let sheet = workbook(&[
            vec!["标题", "发布时间", "类型"],
            vec!["社保卡办理指南", "2026-03-02 09:00", "原创"],
            vec!["失业保险金申领", "上周三", "转载"],
            vec!["医保报销流程", "2026-03-04 09:00", "翻译"],
        ]);
        let r = app
            .send(api_upload(&nc, &api, &[("kind", "posts")], &sheet))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let v = r.json();
        assert_eq!(v["stored"], false);
        assert_eq!(v["errors"], 2);
        assert_eq!(v["rows"][1]["row"], 3);
        assert_eq!(v["rows"][1]["error"]["code"], "invalid_time");
        assert_eq!(v["rows"][2]["error"]["code"], "invalid_kind");
        assert_eq!(v["rows"][0]["error"], Value::Null);
        assert_eq!(imported(&app.store, a).await, 0);
        // A dry run reports the same without refusing.
        let r = app
            .send(api_upload(
                &nc,
                &api,
                &[("kind", "posts"), ("dry_run", "true")],
                &sheet,
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["errors"], 2);
        // Fixed, it all goes in, kinds as the sheet says.
        let sheet = workbook(&[
            vec!["标题", "发布时间", "类型"],
            vec!["社保卡办理指南", "2026-03-02 09:00", "原创"],
            vec!["失业保险金申领", "2026-03-03 09:00", "转载"],
        ]);
        let r = app
            .send(api_upload(&nc, &api, &[("kind", "posts")], &sheet))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["created"], 2);
        let reposts = count(
            &app.store,
            &format!("SELECT COUNT(*) FROM posts WHERE account_id = {a} AND kind = 'repost'"),
        )
        .await;
        assert_eq!(reposts, 1);
    }
);

both_backends!(
    malformed_files_and_foreign_accounts_are_refused,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let a = active_account(&app.store, NC).await;
        let nc = app.token("nc_pub").await;
        let api = format!("/api/v1/accounts/{a}/imports");
        let cases: [(&[u8], &str); 4] = [
            (b"a,b\n\"never closed,1\n", "malformed_csv"),
            (b"PK\x03\x04not really a workbook", "unreadable_file"),
            (b"", "missing_file"),
            ("标题,发布时间\n".as_bytes(), "empty_file"),
        ];
        for (bytes, code) in cases {
            let r = app
                .send(api_upload(&nc, &api, &[("kind", "posts")], bytes))
                .await;
            assert!(r.status.is_client_error(), "{code}: {}", r.status);
            assert_eq!(r.json()["code"], code, "{}", r.text());
        }
        let r = app
            .send(api_upload(&nc, &api, &[("kind", "videos")], b"a\n1\n"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["code"], "invalid_kind");
        let r = app
            .send(api_upload(
                &nc,
                &api,
                &[("kind", "posts"), ("mapping", "not json")],
                b"a\n1\n",
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["code"], "invalid_mapping");
        let r = app
            .send(api_upload(
                &nc,
                &api,
                &[
                    ("kind", "posts"),
                    (
                        "mapping",
                        "{\"title\":\"不存在\",\"published_at\":\"时间\"}",
                    ),
                ],
                "标题,时间\n通知,2026-03-02\n".as_bytes(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["code"], "unknown_column", "{}", r.text());
        // Not a multipart body at all: a JSON error, not the framework's text.
        let r = app.send(json_req("POST", &api, Some(&nc), "{}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["code"], "invalid_multipart", "{}", r.text());
        // 九江 cannot import into a 南昌 account, by page or API.
        let jj = app.token("jj_pub").await;
        let ok = "标题,时间\n通知,2026-03-02\n".as_bytes();
        let r = app
            .send(api_upload(&jj, &api, &[("kind", "posts")], ok))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let b = app.browser("jj_pub").await;
        let r = app
            .send(b.get(&format!("/accounts/{a}/monitoring/import")))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(imported(&app.store, a).await, 0);
    }
);

both_backends!(messages_import_with_their_replies, async |store: Store| {
    let app = monitoring_app(store).await;
    let a = active_account(&app.store, NC).await;
    let nc = app.token("nc_pub").await;
    let csv = "留言时间\t留言内容\t回复时间\t回复内容\n2026-03-02 09:00\t社保卡丢了怎么办\t2026-03-03 10:00\t请携带身份证到窗口补办\n2026-03-04 09:00\t养老金何时发放\t\t\n";
    let r = app
        .send(api_upload(
            &nc,
            &format!("/api/v1/accounts/{a}/imports"),
            &[("kind", "messages"), ("default_channel", "board")],
            csv.as_bytes(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["created"], 2);
    let n = |sql: String| {
        let s = app.store.clone();
        async move { count(&s, &sql).await }
    };
    assert_eq!(
        n(format!("SELECT COUNT(*) FROM messages WHERE account_id = {a} AND provenance = 'import' AND channel = 'board'")).await,
        2
    );
    assert_eq!(
        n(format!(
            "SELECT COUNT(*) FROM messages WHERE account_id = {a} AND replied_at IS NOT NULL"
        ))
        .await,
        1
    );
});

both_backends!(
    a_signed_batch_uploads_and_a_tampered_one_is_refused,
    async |store: Store| {
        let store = store.with_clock(crate::monitoring::clock());
        govmedia_demo::seed(&store, PW).await.unwrap();
        let cfg = WebConfig {
            ingest_key: Some(b"shared-secret".to_vec()),
            ..WebConfig::default()
        };
        let app = App {
            router: govmedia_web::app(AppState::new(store.clone(), cfg)),
            store,
        };
        let a = active_account(&app.store, NC).await;
        let b = app.browser("nc_pub").await;
        let batch = format!(
            "{{\"account_id\":{a},\"platform_post_id\":\"f1\",\"published_at\":\"2026-03-02T09:00:00+08:00\",\"title\":\"社保卡办理指南\",\"text\":\"在线申领\",\"kind\":\"original\"}}\nnot json\n"
        );
        let sig = govmedia_domain::monitoring::signature::sign(b"shared-secret", batch.as_bytes());
        let r = app
            .send(page_upload(
                &b,
                "/monitoring/upload",
                &[("kind", "posts")],
                &[
                    ("file", "b.jsonl", batch.as_bytes()),
                    ("signature", "b.jsonl.sig", sig.as_bytes()),
                ],
            ))
            .await;
        // One line stored, one rejected: reported line by line.
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(html.contains("新增 1") && html.contains("拒收 1"), "{html}");
        assert!(html.contains("invalid_item"), "{html}");
        let tampered = batch.replace("在线申领", "线上申领");
        let r = app
            .send(page_upload(
                &b,
                "/monitoring/upload",
                &[("kind", "posts")],
                &[
                    ("file", "b.jsonl", tampered.as_bytes()),
                    ("signature", "b.jsonl.sig", sig.as_bytes()),
                ],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("signature_invalid"), "{}", r.text());
        let r = app
            .send(page_upload(
                &b,
                "/monitoring/upload",
                &[("kind", "posts")],
                &[("file", "b.jsonl", batch.as_bytes())],
            ))
            .await;
        assert!(r.text().contains("signature_missing"));
        assert_eq!(
            count(
                &app.store,
                &format!(
                    "SELECT COUNT(*) FROM posts WHERE account_id = {a} AND provenance = 'file'"
                )
            )
            .await,
            1
        );
    }
);
