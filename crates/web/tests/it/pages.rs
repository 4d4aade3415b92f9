//! Every main page renders for the roles that may see it, in Chinese.

use crate::client::*;
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;

both_backends!(main_pages_render, async |store: Store| {
    let app = app(store).await;
    let nc_id = nanchang_account(&app.store).await;
    let admin = app.browser("admin").await;
    let center = app.browser("center").await;
    for (b, path, needle) in [
        (&center, "/".to_string(), "存在提示的账号"),
        (&center, "/accounts".to_string(), "账号台账"),
        (
            &center,
            "/accounts?warning=certification_mismatch".to_string(),
            "认证主体不符",
        ),
        (&center, format!("/accounts/{nc_id}"), "变更记录"),
        (&center, format!("/accounts/{nc_id}/edit"), "编辑账号"),
        (&center, "/accounts/new".to_string(), "存量账号登记"),
        (&center, "/accounts/import".to_string(), "导入模板"),
        (&center, "/orgs".to_string(), "宣传中心"),
        (&center, "/audit".to_string(), "审计日志"),
        (&center, "/tokens".to_string(), "API 令牌"),
        (&center, "/filings".to_string(), "备案审批"),
        (&center, "/filings?overdue=1".to_string(), "逾期"),
        (&center, "/todo".to_string(), "我的待办"),
        (&center, "/content".to_string(), "正在建设中"),
        (&admin, "/users".to_string(), "用户管理"),
        (&admin, "/orgs/new".to_string(), "新增单位"),
        (&admin, "/password".to_string(), "修改密码"),
    ] {
        let r = app.send(b.get(&path)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        let text = r.text();
        assert!(text.contains("<html lang=\"zh-CN\">"), "{path}");
        assert!(text.contains(needle), "{path} lacks {needle}");
    }
    let r = app.send(center.get("/accounts/import-template.xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK"));
    // Unknown ids are a Chinese 404 page.
    let r = app.send(center.get("/accounts/999999")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("未找到"));
});

both_backends!(orgs_can_be_created_and_moved, async |store: Store| {
    let app = app(store).await;
    let admin = app.browser("admin").await;
    let nc = org_id(&app.store, NC).await.to_string();
    let r = app
        .send(admin.post(
            "/orgs",
            &[
                ("name", "南昌市人社局宣传科"),
                ("kind", "division"),
                ("level", "city"),
                ("region", "南昌市"),
                ("parent_id", &nc),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let created = app.store.org_by_name("南昌市人社局宣传科").await.unwrap();
    assert!(
        created
            .path
            .starts_with(&app.store.org_by_name(NC).await.unwrap().path)
    );
    // Same name under the same parent is refused with a message.
    let r = app
        .send(admin.post(
            "/orgs",
            &[
                ("name", "南昌市人社局宣传科"),
                ("kind", "division"),
                ("level", "city"),
                ("parent_id", &nc),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("已有名为"));
    // An editor may not manage orgs.
    let editor = app.browser("nc_editor").await;
    assert_eq!(
        app.send(editor.get("/orgs/new")).await.status,
        StatusCode::FORBIDDEN
    );
});

both_backends!(
    account_edit_through_pages_records_history,
    async |store: Store| {
        let app = app(store).await;
        let b = app.browser("nc_editor").await;
        let nc_id = nanchang_account(&app.store).await;
        let nc_org = org_id(&app.store, NC).await.to_string();
        let before = app
            .store
            .account(
                &govmedia_domain::auth::Scope::All { within: None },
                govmedia_domain::AccountId(nc_id),
            )
            .await
            .unwrap();
        let version = before.version.to_string();
        // The edit form holds descriptive fields only; filed ones posted
        // anyway keep their values (they change through 登记变更).
        let r = app
            .send(b.post(
                &format!("/accounts/{nc_id}"),
                &[
                    ("platform", "weibo"),
                    ("name", "南昌人社发布"),
                    ("host_org_id", &nc_org),
                    ("responsible_person", "赵六"),
                    ("certification_subject", "南昌市人社局"),
                    ("purpose", "政策发布、办事指引"),
                    ("status", "active"),
                    ("version", &version),
                ],
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = app.send(b.get(&format!("/accounts/{nc_id}"))).await.text();
        assert!(
            page.contains("认证主体：") && page.contains("→ 南昌市人社局"),
            "history shows the change"
        );
        assert!(!page.contains("→ 赵六"), "a filed field is not edited");
        let form = app
            .send(b.get(&format!("/accounts/{nc_id}/edit")))
            .await
            .text();
        assert!(
            !form.contains("name=\"name\"") && !form.contains("name=\"responsible_person\""),
            "the edit form offers no filed field"
        );
        assert!(form.contains("登记变更"), "it points to the change filing");
        assert!(
            !form.contains("value=\"closed\""),
            "the edit form cannot close an account"
        );
    }
);

both_backends!(the_jobs_page_shows_each_run, async |store: Store| {
    let app = app(store).await;
    let admin = app.browser("admin").await;
    let page = app.send(admin.get("/jobs")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("备案期限提醒") && text.contains("审计日志清理"));
    assert!(text.contains("尚未运行"));
    let ctx = govmedia_jobs::JobCtx {
        store: app.store.clone(),
        audit_retention_days: 180,
        instance: "test".into(),
        backups: None,
        monitoring: Default::default(),
        feeds: Default::default(),
        scanner: None,
    };
    govmedia_jobs::run_due(&ctx, app.store.now()).await;
    let text = app.send(admin.get("/jobs")).await.text();
    assert!(text.contains("成功") && text.contains("新提醒"), "{text}");
    assert!(!text.contains("尚未运行"));
    // Only those who may see the jobs do.
    let editor = app.browser("nc_editor").await;
    let r = app.send(editor.get("/jobs")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!app.send(editor.get("/")).await.text().contains("定时任务"));
    assert!(app.send(admin.get("/")).await.text().contains("定时任务"));
});

both_backends!(users_can_be_edited_and_disabled, async |store: Store| {
    let app = app(store).await;
    let admin = app.browser("admin").await;
    let editor = app.browser("nc_editor").await;
    let id = app.store.user_by_username("nc_editor").await.unwrap().id.0;
    // The new-user form makes the role a choice, not 系统管理员 by default.
    let page = app.send(admin.get("/users")).await.text();
    assert!(
        page.contains(
            "<select name=\"role\" id=\"role\" required><option value=\"\">请选择</option>"
        )
    );
    // A bad edit keeps what was typed and says why beside the field.
    let r = app
        .send(admin.post(
            &format!("/users/{id}/edit"),
            &[
                ("display_name", "南昌编辑王"),
                ("org_id", ""),
                ("role", "editor"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("value=\"南昌编辑王\""));
    assert!(r.text().contains("<em class=\"fe\">请选择所属单位</em>"));
    let org = app
        .store
        .user(govmedia_domain::UserId(id))
        .await
        .unwrap()
        .org_id
        .0
        .to_string();
    let r = app
        .send(admin.post(
            &format!("/users/{id}/edit"),
            &[
                ("display_name", "南昌编辑王"),
                ("org_id", &org),
                ("role", "editor"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        app.store
            .user(govmedia_domain::UserId(id))
            .await
            .unwrap()
            .display_name,
        "南昌编辑王"
    );
    // Disabling ends the user's sessions and shows in the list.
    let r = app
        .send(admin.post(&format!("/users/{id}/disable"), &[]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.send(editor.get("/")).await;
    assert!(
        r.status.is_redirection() || r.status == StatusCode::UNAUTHORIZED,
        "{}",
        r.status
    );
    let list = app.send(admin.get("/users")).await.text();
    assert!(list.contains("class=\"disabled\"") && list.contains("已停用"));
    let r = app
        .send(admin.post(&format!("/users/{id}/enable"), &[]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !app.store
            .user(govmedia_domain::UserId(id))
            .await
            .unwrap()
            .disabled
    );
});
