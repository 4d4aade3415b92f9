//! Lifecycle workflows through pages and API: the opening flow across
//! users, illegal moves refused, deadlines shown, reminders raised once.

use crate::client::*;
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;

fn location_id(loc: &str) -> i64 {
    loc.rsplit('/').next().unwrap().parse().unwrap()
}

both_backends!(opening_flow_through_pages, async |store: Store| {
    let app = app(store).await;
    let editor = app.browser("nc_editor").await;
    let leader = app.browser("nc_leader").await;
    let publicity = app.browser("nc_pub").await;
    let center = app.browser("center").await;
    let nc_org = org_id(&app.store, NC).await.to_string();
    let r = app
        .send(editor.post(
            "/filings",
            &[
                ("kind", "open"),
                ("platform", "bilibili"),
                ("name", "南昌人社B站"),
                ("host_org_id", &nc_org),
                ("responsible_person", "王磊"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id = location_id(&r.location());
    let act = |b: &Browser, action: &str, extra: &[(&str, &str)]| {
        let mut f = vec![("action", action)];
        f.extend_from_slice(extra);
        b.post(&format!("/filings/{id}/act"), &f)
    };
    // The applicant cannot approve; filing before approval is refused.
    let r = app.send(act(&editor, "approve", &[])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("不能审批或接收本人提交的申请"));
    let r = app.send(act(&editor, "submit_filing", &[])).await;
    assert!(r.text().contains("不能执行“报送备案”"));
    // The leader sees it in the to-do list and approves.
    assert!(
        app.send(leader.get("/todo"))
            .await
            .text()
            .contains("南昌人社B站")
    );
    assert_eq!(
        app.send(act(
            &leader,
            "approve",
            &[("opinion", "同意"), ("override_reason", "名称开通后统一")],
        ))
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let page = app.send(editor.get(&format!("/filings/{id}"))).await.text();
    assert!(page.contains("备案时限"), "deadline shown");
    // Opening needs the platform handle.
    let r = app.send(act(&editor, "open_account", &[])).await;
    assert!(r.text().contains("请填写平台账号ID"));
    assert_eq!(
        app.send(act(
            &editor,
            "open_account",
            &[("handle", "ncrs_bili"), ("certification_subject", NC)]
        ))
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.send(act(&editor, "submit_filing", &[])).await.status,
        StatusCode::SEE_OTHER
    );
    // Both receivers must accept: the city bureau, then the center.
    assert!(
        app.send(publicity.get("/todo"))
            .await
            .text()
            .contains("南昌人社B站")
    );
    assert_eq!(
        app.send(act(&publicity, "accept_filing", &[])).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.send(act(&center, "accept_filing", &[])).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.send(editor.get(&format!("/filings/{id}"))).await.text();
    assert!(page.contains("已备案"));
    // Another city never sees it.
    let other = app.browser("jj_editor").await;
    assert_eq!(
        app.send(other.get(&format!("/filings/{id}"))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.send(act(&other, "approve", &[])).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.store
            .audit_verify()
            .await
            .unwrap()
            .first_break
            .is_none()
    );
});

both_backends!(workflow_api_and_reminders, async |store: Store| {
    let app = app(store).await;
    let t = app.token("nc_editor").await;
    let nc_org = org_id(&app.store, NC).await;
    let body = serde_json::json!({"kind": "open", "platform": "toutiao", "name": "南昌人社头条号二", "host_org_id": nc_org, "responsible_person": "王磊"});
    let r = app
        .send(json_req(
            "POST",
            "/api/v1/workflows",
            Some(&t),
            &body.to_string(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let r = app
        .send(json_req(
            "POST",
            &format!("/api/v1/workflows/{id}/actions"),
            Some(&t),
            r#"{"action":"approve"}"#,
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["code"], "own_request");
    let r = app
        .send(json_req(
            "POST",
            &format!("/api/v1/workflows/{id}/actions"),
            Some(&t),
            r#"{"action":"fly"}"#,
        ))
        .await;
    assert_eq!(r.json()["code"], "invalid_action");
    let r = app
        .send(json_req(
            "POST",
            &format!("/api/v1/workflows/{id}/actions"),
            Some(&t),
            r#"{"action":"approve","evil":1}"#,
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let lt = app.token("nc_leader").await;
    let r = app
        .send(json_req(
            "POST",
            &format!("/api/v1/workflows/{id}/actions"),
            Some(&lt),
            r#"{"action":"approve","override_reason":"名称开通后统一"}"#,
        ))
        .await;
    assert_eq!(r.json()["state"], "approved");
    let w = app
        .get_api(&t, &format!("/api/v1/workflows/{id}"))
        .await
        .json();
    assert!(w["workflow"]["filing_due"].is_string());
    assert_eq!(w["allowed_actions"], serde_json::json!(["open_account"]));
    // The demo holds overdue filings; the overdue filter finds them.
    let r = app
        .get_api(&t, "/api/v1/workflows?overdue=true")
        .await
        .json();
    assert!(r["total"].as_i64().unwrap() >= 1);
    // Reminders are raised once however often the job runs.
    let today = app.store.clock().today();
    let first = govmedia_jobs::reminders::raise(&app.store, today)
        .await
        .unwrap();
    assert!(first > 0);
    assert_eq!(
        govmedia_jobs::reminders::raise(&app.store, today)
            .await
            .unwrap(),
        0
    );
    let editor = app.browser("nc_editor").await;
    let page = app.send(editor.get("/todo")).await.text();
    assert!(page.contains("逾期"), "overdue items are marked");
    assert!(page.contains("id=\"notifications\""));
    let r = app.send(editor.post("/todo/read", &[])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !app.send(editor.get("/todo"))
            .await
            .text()
            .contains("id=\"notifications\"")
    );
    // Closing through the API: a merge needs a survivor.
    let acc = nanchang_account(&app.store).await;
    let r = app
        .send(json_req(
            "POST",
            &format!("/api/v1/accounts/{acc}/close"),
            Some(&t),
            r#"{"kind":"merge","reason":"重复"}"#,
        ))
        .await;
    assert_eq!(r.json()["code"], "survivor_required");
});

both_backends!(the_center_can_order_a_closure, async |store: Store| {
    let app = app(store).await;
    let acc = nanchang_account(&app.store).await;
    let center = app.browser("center").await;
    let page = app
        .send(center.get(&format!("/accounts/{acc}")))
        .await
        .text();
    assert!(page.contains("责令关停"));
    let r = app
        .send(center.post(
            &format!("/accounts/{acc}/close"),
            &[("kind", "close"), ("reason", "季度检查不合格，逾期未整改")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let id: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    // The host's leader approves the ordered closure.
    let leader = app.browser("nc_leader").await;
    let page = app.send(leader.get(&format!("/filings/{id}"))).await.text();
    assert!(page.contains("责令关停注销"));
    assert!(page.contains("do-approve"));
    // An editor of another city cannot order anything.
    let other = app.browser("jj_editor").await;
    let r = app
        .send(other.post(
            &format!("/accounts/{acc}/close"),
            &[("kind", "close"), ("reason", "x")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

both_backends!(
    change_and_ordered_closure_pages_work,
    async |store: Store| {
        let app = app(store).await;
        let acc = nanchang_account(&app.store).await;
        let editor = app.browser("nc_editor").await;
        assert_eq!(
            app.send(editor.get(&format!("/accounts/{acc}/change")))
                .await
                .status,
            StatusCode::OK
        );
        let r = app
            .send(editor.post(
                &format!("/accounts/{acc}/change"),
                &[("responsible_person", "赵六"), ("note", "调岗")],
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = app.send(editor.get(&r.location())).await.text();
        assert!(page.contains("已登记待备案") && page.contains("→ 赵六"));
        let center = app.browser("center").await;
        let r = app
            .send(center.get(&format!("/accounts/{acc}/close")))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // An announcement may not be dated before the approval.
        let r = app
            .send(center.post(
                &format!("/accounts/{acc}/close"),
                &[("kind", "close"), ("reason", "责令关停")],
            ))
            .await;
        let id = location_id(&r.location());
        let leader = app.browser("nc_leader").await;
        let act = |b: &Browser, f: &[(&str, &str)]| b.post(&format!("/filings/{id}/act"), f);
        assert_eq!(
            app.send(act(
                &leader,
                &[("action", "approve"), ("override_reason", "名称开通后统一")],
            ))
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        let r = app
            .send(act(
                &editor,
                &[
                    ("action", "announce"),
                    ("announce_text", "即将注销"),
                    ("date", "2020-01-01"),
                ],
            ))
            .await;
        assert!(
            r.text().contains("公告日期不能早于批准日期"),
            "{}",
            r.text()
        );
    }
);

both_backends!(
    receivers_see_what_is_routed_to_them,
    async |store: Store| {
        use govmedia_domain::auth::{DataScope, Role};
        let app = app(store).await;
        // A supervising-department user at the publicity center: their read
        // scope is the center alone, yet city-level filings are routed to it.
        let center_org = app
            .store
            .org_by_name("江西省人力资源和社会保障宣传中心")
            .await
            .unwrap();
        app.store
            .create_user(
                &govmedia_store::orgs::Actor::system(),
                &govmedia_store::users::NewUser {
                    username: "center_pub".into(),
                    display_name: "宣传中心备案员".into(),
                    org_id: center_org.id,
                    password: PW.into(),
                    must_change_password: false,
                    roles: vec![(Role::SupervisingDept, DataScope::Subtree)],
                },
            )
            .await
            .unwrap();
        let receiver = app.browser("center_pub").await;
        let todo = app.send(receiver.get("/todo")).await.text();
        // The demo's filed personal account (南昌, city level) waits at the center.
        assert!(todo.contains("南昌人社李明谈社保"), "{todo}");
        let id: i64 = {
            let t = app.token("center_pub").await;
            let v = app.get_api(&t, "/api/v1/todo").await.json();
            v["items"][0]["workflow"]["id"].as_i64().unwrap()
        };
        let r = app.send(receiver.get(&format!("/filings/{id}"))).await;
        assert_eq!(r.status, StatusCode::OK);
        let r = app
            .send(receiver.post(
                &format!("/filings/{id}/act"),
                &[("action", "accept_filing")],
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        // Other workflows of 南昌 stay invisible to them.
        let other = app.browser("center_pub").await;
        let list = app.send(other.get("/filings")).await.text();
        assert!(!list.contains("南昌人社服务"), "not routed, not in scope");
    }
);

both_backends!(
    a_merged_account_points_at_its_survivor,
    async |store: Store| {
        use sqlx::Row;
        let app = app(store).await;
        // The demo's deregistered merge: 西湖人社服务号 into 西湖人社.
        let row = sqlx::query(
            "SELECT id, merged_into FROM accounts WHERE name = '西湖人社服务号' AND merged_into IS NOT NULL",
        )
        .fetch_one(&app.store.pool)
        .await
        .unwrap();
        let (merged, survivor): (i64, i64) = (row.try_get(0).unwrap(), row.try_get(1).unwrap());
        let editor = app.browser("nc_editor").await;
        let page = app
            .send(editor.get(&format!("/accounts/{merged}")))
            .await
            .text();
        assert!(page.contains("id=\"merged-into\""), "{page}");
        assert!(page.contains(&format!("<a href=\"/accounts/{survivor}\">西湖人社</a>")));
        let t = app.token("nc_editor").await;
        let a = app
            .get_api(&t, &format!("/api/v1/accounts/{merged}"))
            .await
            .json();
        assert_eq!(a["merged_into"], survivor);
        // A survivor the reader may not see is named by id only.
        let other: i64 = sqlx::query(
            "SELECT a.id FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE o.name = '九江市人力资源和社会保障局' ORDER BY a.id LIMIT 1",
        )
        .fetch_one(&app.store.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        let other_name: String = sqlx::query("SELECT name FROM accounts WHERE id = $1")
            .bind(other)
            .fetch_one(&app.store.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        sqlx::query("UPDATE accounts SET merged_into = $1 WHERE id = $2")
            .bind(other)
            .bind(merged)
            .execute(&app.store.pool)
            .await
            .unwrap();
        let page = app
            .send(editor.get(&format!("/accounts/{merged}")))
            .await
            .text();
        assert!(page.contains("您无权查看"), "{page}");
        assert!(!page.contains(&format!("href=\"/accounts/{other}\"")));
        assert!(!page.contains(&other_name), "no name from another org");
    }
);

both_backends!(filings_and_workflows_are_one_api, async |store: Store| {
    let app = app(store).await;
    let t = app.token("center").await;
    let a = app.get_api(&t, "/api/v1/filings").await;
    let b = app.get_api(&t, "/api/v1/workflows").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json(), b.json());
    let id = a.json()["items"][0]["id"].as_i64().unwrap();
    let one = app.get_api(&t, &format!("/api/v1/filings/{id}")).await;
    assert_eq!(
        one.json(),
        app.get_api(&t, &format!("/api/v1/workflows/{id}"))
            .await
            .json()
    );
    let doc = app.get_api(&t, "/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/filings/{id}/actions"]["post"].is_object());
    assert_eq!(doc["paths"]["/workflows"]["get"]["deprecated"], true);
});

both_backends!(accepting_twice_says_it_was_done, async |store: Store| {
    let app = app(store).await;
    let (ed, lead, rec) = (
        app.token("nc_editor").await,
        app.token("nc_leader").await,
        app.token("nc_pub").await,
    );
    let nc_org = org_id(&app.store, NC).await;
    let body = serde_json::json!({"kind": "open", "platform": "toutiao", "name": "南昌人社头条号三", "host_org_id": nc_org, "responsible_person": "王磊"});
    let r = app
        .send(json_req(
            "POST",
            "/api/v1/filings",
            Some(&ed),
            &body.to_string(),
        ))
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let act = |t: &str, body: &str| {
        json_req(
            "POST",
            &format!("/api/v1/filings/{id}/actions"),
            Some(t),
            body,
        )
    };
    for (t, b) in [
        (
            &lead,
            r#"{"action":"approve","override_reason":"名称开通后统一"}"#,
        ),
        (&ed, r#"{"action":"open_account","handle":"nc_tt3"}"#),
        (&ed, r#"{"action":"submit_filing"}"#),
        (&rec, r#"{"action":"accept_filing"}"#),
    ] {
        let r = app.send(act(t, b)).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    }
    let r = app.send(act(&rec, r#"{"action":"accept_filing"}"#)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.json()["code"], "filing_already_answered");
});

both_backends!(
    a_filing_says_who_acts_next_and_the_applicant_can_withdraw,
    async |store: Store| {
        let app = app(store).await;
        let t = app.token("nc_editor").await;
        let nc = org_id(&app.store, NC).await;
        let r = app
            .send(json_req(
                "POST",
                "/api/v1/filings",
                Some(&t),
                &serde_json::json!({"kind": "open", "platform": "bilibili", "name": "南昌人社",
                    "host_org_id": nc, "responsible_person": "王磊"})
                .to_string(),
            ))
            .await;
        let id = r.json()["id"].as_i64().unwrap();
        let editor = app.browser("nc_editor").await;
        let page = app.send(editor.get(&format!("/filings/{id}"))).await.text();
        assert!(
            page.contains("下一步：由南昌市人力资源和社会保障局单位负责人审批"),
            "{page}"
        );
        // A city bureau's own account files to the bureau and the center.
        assert!(
            page.contains("备案报送至：南昌市人力资源和社会保障局、"),
            "{page}"
        );
        assert!(
            page.contains("do-withdraw"),
            "the applicant may take it back"
        );
        // Nobody else may; and it is not a to-do of the applicant's.
        let leader = app.browser("nc_leader").await;
        let other = app.send(leader.get(&format!("/filings/{id}"))).await.text();
        assert!(!other.contains("do-withdraw"));
        let todo = app.send(editor.get("/todo")).await.text();
        assert!(
            !todo.contains(&format!("/filings/{id}\"")),
            "withdrawing is not a to-do"
        );
        let r = app
            .send(editor.post(&format!("/filings/{id}/act"), &[("action", "withdraw")]))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let w = app
            .get_api(&t, &format!("/api/v1/filings/{id}"))
            .await
            .json();
        assert_eq!(w["workflow"]["state"], "withdrawn");
        let page = app.send(editor.get(&format!("/filings/{id}"))).await.text();
        assert!(
            !page.contains("下一步："),
            "a withdrawn application is over"
        );
    }
);

both_backends!(
    demo_history_carries_the_days_of_its_story,
    async |store: Store| {
        let app = app(store).await;
        let t = app.token("center").await;
        // The demo's first filing: approved on the Friday before National Day
        // 2025, filed after it; its handling records carry those days.
        let list = app.get_api(&t, "/api/v1/filings").await.json();
        let first = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["title"].as_str().unwrap_or("").contains("南昌人社直播间"))
            .cloned()
            .unwrap();
        let id = first["id"].as_i64().unwrap();
        let center = app.browser("center").await;
        let page = app.send(center.get(&format!("/filings/{id}"))).await.text();
        let steps = page.split("id=\"steps\"").nth(1).unwrap();
        for day in [
            "2025-09-24",
            "2025-09-26",
            "2025-09-29",
            "2025-10-09",
            "2025-10-10",
        ] {
            assert!(steps.contains(day), "a step on {day}: {steps}");
        }
        assert!(
            !steps.contains("2026-"),
            "nothing stamped with the seeding day"
        );
    }
);

both_backends!(
    a_returned_filing_is_resubmitted_with_a_note_and_attachments,
    async |store: Store| {
        let app = app(store).await;
        // The demo's 九江 change filing was returned for a 保密承诺书.
        let t = app.token("jj_editor").await;
        let list = app
            .get_api(&t, "/api/v1/filings?state=returned")
            .await
            .json();
        let id = list["items"][0]["id"].as_i64().expect("a returned filing");
        let b = app.browser("jj_editor").await;
        let page = app.send(b.get(&format!("/filings/{id}"))).await.text();
        assert!(page.contains("补正说明") && page.contains("name=\"attachments\""));
        let boundary = "XyZattach";
        let mut body = Vec::new();
        let mut part = |name: &str, filename: Option<&str>, data: &[u8]| {
            let disp = match filename {
                Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
                None => format!("form-data; name=\"{name}\""),
            };
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        };
        part("_csrf", None, b.csrf.as_bytes());
        part("opinion", None, "已补充新负责人的保密承诺书".as_bytes());
        part("attachments", Some("保密承诺书.pdf"), b"%PDF-1.7 test");
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let send = |body: Vec<u8>| {
            axum::http::Request::post(format!("/filings/{id}/resubmit"))
                .header(axum::http::header::COOKIE, &b.cookie)
                .header(
                    axum::http::header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        // A file that is not a document is refused, the note kept.
        let bad = String::from_utf8_lossy(&body)
            .replace("%PDF-1.7 test", "MZ not a pdf")
            .into_bytes();
        let r = app.send(send(bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("不是 PDF、PNG 或 JPG"));
        assert!(
            r.text().contains("已补充新负责人的保密承诺书"),
            "the note is kept"
        );
        let r = app.send(send(body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let w = app
            .get_api(&t, &format!("/api/v1/filings/{id}"))
            .await
            .json();
        assert_eq!(w["workflow"]["state"], "filed");
        assert_eq!(w["attachments"][0]["filename"], "保密承诺书.pdf");
        let steps = w["steps"].to_string();
        assert!(steps.contains("已补充新负责人的保密承诺书"));
        // The receiver downloads it; another city cannot.
        let aid = w["attachments"][0]["id"].as_i64().unwrap();
        let jj_pub = app.browser("jj_pub").await;
        let r = app
            .send(jj_pub.get(&format!("/filings/{id}/attachments/{aid}")))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(&r.body[..], &b"%PDF-1.7 test"[..]);
        let nc = app.browser("nc_editor").await;
        let r = app
            .send(nc.get(&format!("/filings/{id}/attachments/{aid}")))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);
