//! Officers read every page: no scanner rule code and no audit action
//! code is visible text on any page (codes stay in tooltips and the API).

use crate::client::*;
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;

/// The text a reader sees: tags (and their attributes, where tooltips
/// live) removed.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every code a page could leak: detector rule codes, finding kinds and
/// severities, and the audit actions the platform writes.
fn codes() -> Vec<String> {
    let mut v: Vec<String> = govmedia_scan::pii::SUBKINDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    v.extend(
        [
            "external_link",
            "classification_star",
            "price_with_call_to_buy",
            "missing_source",
            "unapproved_source",
            "declared_source",
            "secret_marker",
            "personal_data",
            "auth.login",
            "auth.logout",
            "account.register",
            "account.import",
            "account.update",
            "calendar.load",
            "calendar.day",
            "org.create",
            "user.create",
            "user.password",
            "token.create",
        ]
        .map(String::from),
    );
    for a in govmedia_domain::filing::Action::ALL {
        v.push(format!("workflow.{}", a.code()));
    }
    for k in govmedia_domain::filing::FilingKind::ALL {
        v.push(format!("workflow.{}", k.code()));
    }
    v
}

fn assert_no_codes(path: &str, html: &str) {
    let text = visible_text(html);
    for c in codes() {
        // Whole words only: `mobile` inside a URL path is not shown text.
        let hit = text.match_indices(&c).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + c.len()..].chars().next();
            let word = |ch: Option<char>| {
                ch.is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.')
            };
            !word(before) && !word(after)
        });
        assert!(!hit, "{path} shows the code {c}");
    }
}

both_backends!(no_page_shows_a_rule_or_action_code, async |store: Store| {
    let app = app(store).await;
    let admin = app.browser("admin").await;
    let center = app.browser("center").await;
    let editor = app.browser("nc_editor").await;
    // One text that sets off every detector.
    let text = "请拨打13812345678或0791-86123456，身份证11010519491231002X，\
                邮箱 zhang.san@example.com，护照E12345678，银行卡6222021234567890128。\
                ★机密 限时特价99元，立即购买：https://shop.example.com/buy";
    let r = app
        .send(editor.post("/content", &[("text", text), ("repost", "on")]))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(
        html.contains("手机号码") && html.contains("身份证号"),
        "{html}"
    );
    assert!(html.contains("id=\"verdict\""), "a verdict first");
    assert!(html.contains("第1行第"), "positions read 第N行第M字");
    assert_no_codes("/content", &html);
    let mut pages = vec![
        (&admin, "/audit".to_string()),
        (&admin, "/audit?page=2".to_string()),
        (&center, "/filings".to_string()),
        (&center, "/todo".to_string()),
        (&center, "/accounts".to_string()),
        (&editor, "/".to_string()),
    ];
    for id in 1..=12 {
        pages.push((&center, format!("/filings/{id}")));
    }
    for (b, path) in pages {
        let r = app.send(b.get(&path)).await;
        if r.status == StatusCode::OK {
            assert_no_codes(&path, &r.text());
        }
    }
    let r = app.send(admin.get("/audit")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let audit = r.text();
    // Actions read in Chinese, with the code in the tooltip.
    let shown: Vec<&str> = audit
        .split("<span class=\"action\" title=\"")
        .skip(1)
        .filter_map(|rest| {
            rest.split_once("\">")
                .and_then(|(_, t)| t.split('<').next())
        })
        .collect();
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|t| !t.is_ascii()), "{shown:?}");
});
