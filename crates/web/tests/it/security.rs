//! CSRF, sessions, forced password change, login form, administration.

use crate::client::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use govmedia_store::Store;
use govmedia_store::both_backends;

/// The double-submit token the login page sets as a cookie.
async fn login_csrf(app: &App) -> String {
    let r = app
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    r.headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_string()
}

both_backends!(csrf_is_required_on_every_form, async |store: Store| {
    let app = app(store).await;
    let b = app.browser("nc_editor").await;
    let n = account_count(&app.store).await;
    let nc_org = org_id(&app.store, NC).await.to_string();
    let fields = [
        ("platform", "weibo"),
        ("name", "南昌人社"),
        ("host_org_id", nc_org.as_str()),
        ("responsible_person", "x"),
        ("reason", "存量账号"),
    ];
    let r = app.send(b.post_raw("/accounts", &form(&fields))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("页面已过期"));
    let mut with_wrong = vec![("_csrf", "0000")];
    with_wrong.extend_from_slice(&fields);
    let r = app.send(b.post_raw("/accounts", &form(&with_wrong))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Logout without the token is refused too.
    let r = app.send(b.post_raw("/logout", "")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(account_count(&app.store).await, n);
    // With the token it works.
    let r = app.send(b.post("/accounts", &fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(account_count(&app.store).await, n + 1);
});

both_backends!(uploads_carry_the_token_in_the_body, async |store: Store| {
    let app = app(store).await;
    let b = app.browser("nc_editor").await;
    let n = account_count(&app.store).await;
    let file = xlsx(&[vec!["", "微博", "南昌人社上传", "", "", "", NC, "张三"]]);
    // Without the token part, and with it only in the URL, the upload is
    // refused: a token in a URL would end up in logs and Referer headers.
    let r = app
        .send(multipart_with_token(&b, "/accounts/import", &file, None))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let in_url = format!("/accounts/import?_csrf={}", b.csrf);
    let r = app
        .send(multipart_with_token(&b, &in_url, &file, None))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(multipart_with_token(
            &b,
            "/accounts/import",
            &file,
            Some("0000"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(account_count(&app.store).await, n);
    // The token as a form part (after the file) is accepted.
    let r = app.send(multipart(&b, "/accounts/import", &file)).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.status
    );
    assert_eq!(account_count(&app.store).await, n + 1);
    // Even after a file larger than the multipart extractor's own 2 MiB
    // default (the app allows 10 MB): not a workbook, so the import page
    // says so, but the token was read.
    let big = vec![b'x'; 3 * 1024 * 1024];
    let r = app.send(multipart(&b, "/accounts/import", &big)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("无法读取该文件"));
    // The import page's form sends it so.
    let page = app.send(b.get("/accounts/import")).await.text();
    assert!(page.contains(&format!("name=\"_csrf\" value=\"{}\"", b.csrf)));
    assert!(!page.contains("?_csrf="));
});

both_backends!(login_form_sets_a_strict_cookie, async |store: Store| {
    let app = app(store).await;
    let csrf = login_csrf(&app).await;
    let post = |password: &str| {
        Request::post("/login")
            .header(header::COOKIE, format!("gm_login_csrf={csrf}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[
                ("_csrf", &csrf),
                ("username", "nc_editor"),
                ("password", password),
                ("next", "//evil.example/"),
            ])))
            .unwrap()
    };
    let r = app.send(post("wrong")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("用户名或密码错误"));
    // Locked, the right password gets the same words as a wrong one: the
    // page does not tell who exists or who is locked.
    sqlx::query("UPDATE users SET locked_until = 4102444800 WHERE username = 'nc_editor'")
        .execute(&app.store.pool)
        .await
        .unwrap();
    let refused = app.send(post(PW)).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.text().contains("用户名或密码错误，或账号已停用"));
    assert!(!refused.text().contains("锁定至"));
    sqlx::query("UPDATE users SET locked_until = NULL WHERE username = 'nc_editor'")
        .execute(&app.store.pool)
        .await
        .unwrap();
    let r = app.send(post(PW)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/", "off-site next is ignored");
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // Without the double-submit cookie the login form is refused.
    let r = app
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form(&[
                    ("_csrf", &csrf),
                    ("username", "nc_editor"),
                    ("password", PW),
                ])))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

both_backends!(idle_sessions_end, async |store: Store| {
    let app = app(store).await;
    let b = app.browser("nc_editor").await;
    assert_eq!(app.send(b.get("/accounts")).await.status, StatusCode::OK);
    app.store.age_session(b.session_id, 31 * 60).await.unwrap();
    let r = app.send(b.get("/accounts")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="));
});

both_backends!(created_users_must_change_password, async |store: Store| {
    let app = app(store).await;
    let admin = app.browser("admin").await;
    let nc_org = org_id(&app.store, NC).await.to_string();
    let r = app
        .send(admin.post(
            "/users",
            &[
                ("username", "zhangsan"),
                ("display_name", "张三"),
                ("org_id", &nc_org),
                ("role", "editor"),
                ("scope", ""),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    let start = page.find("<code id=\"secret\">").unwrap() + "<code id=\"secret\">".len();
    let password = page[start..].split('<').next().unwrap().to_string();
    assert!(password.len() >= 8);
    // API use is blocked until the password is changed.
    let body = serde_json::json!({"username": "zhangsan", "password": password}).to_string();
    let t = app
        .send(json_req("POST", "/api/v1/auth/login", None, &body))
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app.get_api(&t, "/api/v1/accounts").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["code"], "password_change_required");
    // Pages send the user to the password page.
    let b = app.browser("zhangsan").await;
    let r = app.send(b.get("/accounts")).await;
    assert_eq!(r.location(), "/password");
    // A weak new password is refused, a good one accepted.
    let r = app
        .send(b.post(
            "/password",
            &[
                ("current", &password),
                ("new_password", "abcdefgh"),
                ("confirm", "abcdefgh"),
            ],
        ))
        .await;
    assert!(r.text().contains("至少3类"));
    let r = app
        .send(b.post(
            "/password",
            &[
                ("current", &password),
                ("new_password", "New-Pass-2026"),
                ("confirm", "New-Pass-2026"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.send(b.get("/accounts")).await.status, StatusCode::OK);
    // Duplicate usernames are refused with a message.
    let r = app
        .send(admin.post(
            "/users",
            &[
                ("username", "zhangsan"),
                ("display_name", "张三"),
                ("org_id", &nc_org),
                ("role", "editor"),
            ],
        ))
        .await;
    assert!(r.text().contains("已存在"));
});

both_backends!(only_auditors_read_the_audit_log, async |store: Store| {
    let app = app(store).await;
    let editor = app.browser("nc_editor").await;
    assert_eq!(
        app.send(editor.get("/audit")).await.status,
        StatusCode::FORBIDDEN
    );
    let center = app.browser("center").await;
    let r = app.send(center.get("/audit?action=demo")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("demo.seed"));
    let r = app.send(center.get("/audit?from=2020-13-01")).await;
    assert!(r.text().contains("日期格式应为"));
});

both_backends!(
    limited_admins_cannot_take_over_wider_users,
    async |store: Store| {
        use govmedia_domain::auth::{DataScope, Role};
        let app = app(store).await;
        let nc = app.store.org_by_name(NC).await.unwrap();
        let actor = govmedia_store::orgs::Actor::system();
        let mk = |username: &str, role, scope| govmedia_store::users::NewUser {
            username: username.into(),
            display_name: username.into(),
            org_id: nc.id,
            password: PW.into(),
            must_change_password: false,
            roles: vec![(role, scope)],
        };
        app.store
            .create_user(
                &actor,
                &mk("nc_admin", Role::SystemAdmin, DataScope::Subtree),
            )
            .await
            .unwrap();
        let wide = app
            .store
            .create_user(&actor, &mk("nc_wide", Role::CenterAdmin, DataScope::All))
            .await
            .unwrap();
        let admin = app.browser("nc_admin").await;
        // Resetting or unlocking a user who reaches further than the admin is refused.
        for path in [
            format!("/users/{}/reset", wide.0),
            format!("/users/{}/unlock", wide.0),
        ] {
            assert_eq!(
                app.send(admin.post(&path, &[])).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
        // Granting more than one's own reach is refused.
        let nc_id = nc.id.0.to_string();
        let r = app
            .send(admin.post(
                "/users",
                &[
                    ("username", "nc_x"),
                    ("display_name", "X"),
                    ("org_id", &nc_id),
                    ("role", "editor"),
                    ("scope", "all"),
                ],
            ))
            .await;
        assert!(r.text().contains("超出本人管理范围"));
        assert!(app.store.user_by_username("nc_x").await.is_err());
        // Within reach it works.
        let r = app
            .send(admin.post(
                "/users",
                &[
                    ("username", "nc_y"),
                    ("display_name", "Y"),
                    ("org_id", &nc_id),
                    ("role", "editor"),
                    ("scope", "subtree"),
                ],
            ))
            .await;
        assert!(r.text().contains("初始密码"));
    }
);

both_backends!(
    parallel_guesses_cannot_pass_the_lockout,
    async |store: Store| {
        let app = app(store).await;
        let policy = govmedia_domain::password::LockoutPolicy::default();
        let mut handles = Vec::new();
        for i in 0..12 {
            let store = app.store.clone();
            handles.push(tokio::spawn(async move {
                store
                    .login("nc_editor", &format!("wrong-{i}"), "", &policy)
                    .await
                    .unwrap()
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let r = app.store.login("nc_editor", PW, "", &policy).await.unwrap();
        assert!(
            matches!(r, govmedia_store::users::LoginOutcome::Locked { .. }),
            "{r:?}"
        );
        let (entries, _) = app
            .store
            .audit_search(
                &govmedia_store::audit::AuditFilter {
                    username: Some("nc_editor".into()),
                    outcome: Some("failure".into()),
                    limit: 100,
                    ..Default::default()
                },
                &govmedia_domain::auth::Scope::All { within: None },
            )
            .await
            .unwrap();
        assert_eq!(entries.len(), 5, "only five passwords were ever checked");
    }
);

both_backends!(
    wrong_current_passwords_lock_like_logins,
    async |store: Store| {
        // The change-password form was an unlimited password oracle: 30
        // guesses, then the right one changed the password.
        let app = app(store).await;
        let b = app.browser("nc_editor").await;
        let guess = |current: &str| {
            b.post(
                "/password",
                &[
                    ("current", current),
                    ("new_password", "Other-Pass-2027"),
                    ("confirm", "Other-Pass-2027"),
                ],
            )
        };
        for i in 1..5 {
            let r = app.send(guess(&format!("Wrong-Guess-{i}"))).await;
            assert!(r.text().contains("当前密码不正确"), "guess {i}");
        }
        // The fifth wrong guess locks the user and ends the session.
        let r = app.send(guess("Wrong-Guess-5")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/login");
        let r = app.send(b.get("/accounts")).await;
        assert!(r.location().starts_with("/login"), "{}", r.location());
        // The right password changes nothing now, and login is locked.
        let r = app.send(guess(PW)).await;
        assert_ne!(r.status, StatusCode::OK);
        let u = app.store.user_by_username("nc_editor").await.unwrap();
        assert!(app.store.check_password(u.id, PW).await.unwrap());
        let r = app
            .send(json_req(
                "POST",
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"username": "nc_editor", "password": PW}).to_string(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // A right current password resets the count.
        let b = app.browser("jj_editor").await;
        for _ in 0..4 {
            app.send(b.post(
                "/password",
                &[
                    ("current", "nope-Wrong-1"),
                    ("new_password", "x"),
                    ("confirm", "y"),
                ],
            ))
            .await;
        }
        let r = app
            .send(b.post(
                "/password",
                &[("current", PW), ("new_password", "x"), ("confirm", "y")],
            ))
            .await;
        assert!(r.text().contains("两次输入的新密码不一致"));
        let r = app
            .send(b.post(
                "/password",
                &[
                    ("current", "nope-Wrong-2"),
                    ("new_password", "x"),
                    ("confirm", "y"),
                ],
            ))
            .await;
        assert!(r.text().contains("当前密码不正确"), "count restarted");
    }
);

both_backends!(
    a_new_login_ends_the_browsers_old_session,
    async |store: Store| {
        let app = app(store).await;
        let old = app.browser("nc_editor").await;
        assert_eq!(app.send(old.get("/accounts")).await.status, StatusCode::OK);
        let csrf = login_csrf(&app).await;
        // The same browser logs in again (as someone else, even).
        let r = app
            .send(
                Request::post("/login")
                    .header(
                        header::COOKIE,
                        format!("gm_login_csrf={csrf}; {}", old.cookie),
                    )
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(form(&[
                        ("_csrf", &csrf),
                        ("username", "jj_editor"),
                        ("password", PW),
                    ])))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let r = app.send(old.get("/accounts")).await;
        assert!(r.location().starts_with("/login"), "the old session ended");
    }
);

both_backends!(
    weak_passwords_are_refused_on_the_form,
    async |store: Store| {
        let app = app(store).await;
        let b = app.browser("nc_vendor").await;
        for (weak, says) in [
            ("Password1", "过于常见"),
            ("Aa123456", "过于常见"),
            ("Nc_vendor1", "不能包含用户名"),
        ] {
            let r = app
                .send(b.post(
                    "/password",
                    &[("current", PW), ("new_password", weak), ("confirm", weak)],
                ))
                .await;
            assert!(r.text().contains(says), "{weak}: {}", r.text());
        }
        let u = app.store.user_by_username("nc_vendor").await.unwrap();
        assert!(
            app.store.check_password(u.id, PW).await.unwrap(),
            "unchanged"
        );
    }
);

both_backends!(every_answer_carries_a_request_id, async |store: Store| {
    let app = app(store).await;
    let b = app.browser("nc_editor").await;
    let r = app.send(b.get("/accounts/999999")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let id = r
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 25);
    let page = r.text();
    assert!(page.contains(&format!("请求编号 {id}")), "{page}");
    assert!(!page.contains("错误代码："), "the code is for support only");
    // A proxy's plain id is kept; anything else is replaced.
    let r = app
        .send(
            Request::get("/healthz")
                .header("x-request-id", "lb-0123456789")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.headers.get("x-request-id").unwrap(), "lb-0123456789");
    let r = app
        .send(
            Request::get("/healthz")
                .header("x-request-id", "<script>")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_ne!(r.headers.get("x-request-id").unwrap(), "<script>");
});
