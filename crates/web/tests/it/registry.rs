//! Registry integrity through HTTP (articles 5, 8 and 9): accounts enter
//! the registry only with a filing, no edit closes, merges or revives an
//! account, filed fields change only through 登记变更, and one platform
//! account ID belongs to one open account — backed by a partial unique
//! index on both databases.

use crate::client::*;
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;
use serde_json::{Value, json};
use sqlx::Row;

fn post(t: &str, body: &Value) -> axum::http::Request<axum::body::Body> {
    json_req("POST", "/api/v1/accounts", Some(t), &body.to_string())
}

fn put(t: &str, id: i64, body: &Value) -> axum::http::Request<axum::body::Body> {
    json_req(
        "PUT",
        &format!("/api/v1/accounts/{id}"),
        Some(t),
        &body.to_string(),
    )
}

/// An account's record as the API gives it, made into an update body.
async fn as_body(app: &App, t: &str, id: i64) -> Value {
    let mut a = app
        .get_api(t, &format!("/api/v1/accounts/{id}"))
        .await
        .json();
    let o = a.as_object_mut().unwrap();
    for k in [
        "id",
        "host_org_name",
        "warnings",
        "merged_into",
        "created_by",
        "created_at",
        "updated_at",
    ] {
        o.remove(k);
    }
    a
}

both_backends!(
    an_account_enters_the_registry_only_with_a_filing,
    async |store: Store| {
        let app = app(store).await;
        let t = app.token("nc_editor").await;
        let nc = org_id(&app.store, NC).await;
        let n = account_count(&app.store).await;
        let body = json!({"platform": "toutiao", "name": "南昌人社", "host_org_id": nc,
            "responsible_person": "王磊", "handle": "nc-toutiao-1"});
        // No reason: this is not how new accounts come in.
        let r = app.send(post(&t, &body)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["code"], "reason_required");
        // Neither closed nor opening can be registered.
        for status in ["closed", "opening"] {
            let mut b = body.clone();
            b["status"] = status.into();
            b["reason"] = "存量账号".into();
            let r = app.send(post(&t, &b)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{status}");
            assert_eq!(r.json()["code"], "status_requires_filing", "{status}");
        }
        assert_eq!(account_count(&app.store).await, n, "nothing half-written");

        let mut b = body.clone();
        b["reason"] = "平台上线前已开设".into();
        let r = app.send(post(&t, &b)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let created = r.json();
        let (id, fid) = (
            created["id"].as_i64().unwrap(),
            created["filing_id"].as_i64().unwrap(),
        );
        let f = app
            .get_api(&t, &format!("/api/v1/filings/{fid}"))
            .await
            .json();
        let f = if f["workflow"].is_object() {
            f["workflow"].clone()
        } else {
            f
        };
        assert_eq!(f["kind"], "backfill", "{f}");
        assert_eq!(f["state"], "recorded");
        assert_eq!(f["account_id"], id);
        assert!(f["filing_due"].is_string(), "due in five working days: {f}");
        // The account page shows the filing until it is accepted.
        let b = app.browser("nc_editor").await;
        let page = app.send(b.get(&format!("/accounts/{id}"))).await.text();
        assert!(page.contains("存量账号登记"), "{page}");
        // The page form: a reason is required too, and the input is kept.
        let r = app
            .send(b.post(
                "/accounts",
                &[
                    ("platform", "douyin"),
                    ("name", "南昌人社直播"),
                    ("host_org_id", &nc.to_string()),
                    ("responsible_person", "王磊"),
                    ("status", "active"),
                ],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("请填写登记原因"));
        assert!(r.text().contains("value=\"南昌人社直播\""), "input kept");
        assert_eq!(account_count(&app.store).await, n + 1);
    }
);

both_backends!(
    no_edit_closes_merges_or_revives_an_account,
    async |store: Store| {
        let app = app(store).await;
        let t = app.token("nc_editor").await;
        let id = nanchang_account(&app.store).await;
        let mut body = as_body(&app, &t, id).await;
        body["status"] = "closed".into();
        let r = app.send(put(&t, id, &body)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["code"], "status_requires_filing");
        // Nor through the page form.
        let b = app.browser("nc_editor").await;
        let version = body["version"].as_i64().unwrap().to_string();
        let r = app
            .send(b.post(
                &format!("/accounts/{id}"),
                &[("status", "closed"), ("version", &version)],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let a = app
            .get_api(&t, &format!("/api/v1/accounts/{id}"))
            .await
            .json();
        assert_eq!(a["status"], "active");

        // A filed field is not edited: 登记变更 files it.
        let mut body = as_body(&app, &t, id).await;
        body["responsible_person"] = "赵六".into();
        let r = app.send(put(&t, id, &body)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["code"], "filed_field_requires_change");
        assert!(
            r.json()["errors"]
                .to_string()
                .contains("responsible_person")
        );

        // An account a merger closed stays closed.
        let survivor: i64 = sqlx::query(
            "SELECT id FROM accounts WHERE host_org_id = (SELECT host_org_id FROM accounts WHERE id = $1) AND id <> $1 ORDER BY id LIMIT 1",
        )
        .bind(id)
        .fetch_one(&app.store.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        sqlx::query(
            "UPDATE accounts SET status = $1, merged_into = $2, handle_key = NULL, version = version + 1 WHERE id = $3",
        )
        .bind("closed")
        .bind(survivor)
        .bind(id)
        .execute(&app.store.pool)
        .await
        .unwrap();
        let mut body = as_body(&app, &t, id).await;
        body["status"] = "active".into();
        let r = app.send(put(&t, id, &body)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["code"], "account_closed");
        let a = app
            .get_api(&t, &format!("/api/v1/accounts/{id}"))
            .await
            .json();
        assert_eq!(a["status"], "closed");
    }
);

both_backends!(
    one_platform_account_id_belongs_to_one_open_account,
    async |store: Store| {
        let app = app(store).await;
        let t = app.token("nc_editor").await;
        let nc = org_id(&app.store, NC).await;
        let body = json!({"platform": "bilibili", "name": "南昌人社", "host_org_id": nc,
            "responsible_person": "王磊", "handle": "ncrs-b", "reason": "存量账号"});
        let r = app.send(post(&t, &body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let first = r.json()["id"].as_i64().unwrap();
        // The same platform and ID again, from any org: refused, naming it.
        let center = app.token("center").await;
        let r = app.send(post(&center, &body)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["code"], "duplicate_handle");
        assert!(
            r.json()["message"]
                .as_str()
                .unwrap()
                .contains(&format!("编号{first}"))
        );
        // An edit taking another account's ID: refused.
        let mut second = body.clone();
        second["handle"] = "ncrs-b2".into();
        let r = app.send(post(&t, &second)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let second = r.json()["id"].as_i64().unwrap();
        let mut b = as_body(&app, &t, second).await;
        b["handle"] = "ncrs-b".into();
        let r = app.send(put(&t, second, &b)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(r.json()["code"], "duplicate_handle");
        // The database refuses it too, whatever the path.
        let dup = sqlx::query(
            "INSERT INTO accounts (platform, name, handle, host_org_id, responsible_person, status, created_at, updated_at, handle_key)
             VALUES ($1, $2, $3, $4, $5, $6, 0, 0, $3)",
        )
        .bind("bilibili")
        .bind("重复")
        .bind("ncrs-b")
        .bind(nc)
        .bind("x")
        .bind("active")
        .execute(&app.store.pool)
        .await;
        assert!(dup.is_err(), "the partial unique index backs the rule");
    }
);

both_backends!(
    the_migration_lists_existing_duplicates_instead_of_failing,
    async |store: Store| {
        let app = app(store).await;
        let pool = &app.store.pool;
        let nc = org_id(&app.store, NC).await;
        // Undo the migration, register a duplicate the old way, migrate again.
        for sql in [
            "DROP INDEX accounts_active_handle",
            "DROP TABLE registry_conflicts",
            "ALTER TABLE accounts DROP COLUMN handle_key",
            "DELETE FROM schema_migrations WHERE version = '0005_registry_integrity'",
        ] {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        let mut ids = Vec::new();
        for name in ["南昌人社", "南昌人社（旧）"] {
            let id: i64 = sqlx::query(
                "INSERT INTO accounts (platform, name, handle, host_org_id, responsible_person, status, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 0, 0) RETURNING id",
            )
            .bind("kuaishou")
            .bind(name)
            .bind("nc-ks")
            .bind(nc)
            .bind("x")
            .bind("active")
            .fetch_one(pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
            ids.push(id);
        }
        let applied = app.store.migrate().await.unwrap();
        assert_eq!(applied, vec!["0005_registry_integrity"]);
        let t = app.token("center").await;
        for (id, other) in [(ids[0], ids[1]), (ids[1], ids[0])] {
            let a = app
                .get_api(&t, &format!("/api/v1/accounts/{id}"))
                .await
                .json();
            let w = a["warnings"].to_string();
            assert!(
                w.contains("duplicate_handle") && w.contains(&format!("编号{other}")),
                "{id}: {w}"
            );
        }
        let listed = app
            .get_api(&t, "/api/v1/accounts?warning=duplicate_handle")
            .await
            .json();
        assert_eq!(listed["total"], 2, "{listed}");
    }
);

both_backends!(
    the_approval_page_shows_the_registry_checks,
    async |store: Store| {
        let app = app(store).await;
        let t = app.token("nc_editor").await;
        let nc = org_id(&app.store, NC).await;
        let weibo = nanchang_account(&app.store).await;
        // 南昌 already runs a Weibo account: a second one is a duplicate.
        let r = app
            .send(json_req(
                "POST",
                "/api/v1/filings",
                Some(&t),
                &json!({"kind": "open", "platform": "weibo", "name": "南昌人社服务", "host_org_id": nc, "responsible_person": "王磊"}).to_string(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        let leader = app.browser("nc_leader").await;
        let page = app.send(leader.get(&format!("/filings/{id}"))).await.text();
        assert!(page.contains("id=\"registry-checks\""), "{page}");
        assert!(page.contains("同平台重复开设"));
        assert!(
            page.contains(&format!("href=\"/accounts/{weibo}\"")),
            "the other account is linked"
        );
        assert!(page.contains("对台账检查提示的说明"));
        // Approving over it needs a reason, which the record carries.
        let lt = app.token("nc_leader").await;
        let act = |body: Value| {
            json_req(
                "POST",
                &format!("/api/v1/filings/{id}/actions"),
                Some(&lt),
                &body.to_string(),
            )
        };
        let r = app.send(act(json!({"action": "approve"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["code"], "override_reason_required");
        let r = app
            .send(act(json!({"action": "approve", "opinion": "同意",
                "override_reason": "原微博账号将整合注销"})))
            .await;
        assert_eq!(r.json()["state"], "approved", "{}", r.text());
        let page = app.send(leader.get(&format!("/filings/{id}"))).await.text();
        assert!(page.contains("原微博账号将整合注销"));
        // The receivers see the same checks on the filing page.
        let center = app.browser("center").await;
        let page = app.send(center.get(&format!("/filings/{id}"))).await.text();
        assert!(page.contains("同平台重复开设"));
    }
);
