//! Demo workflows in every state: some overdue, some due soon, one that
//! spans the 2025 National Day holiday.

use chrono::{Duration, NaiveDate};
use govmedia_app::{Caller, filings};
use govmedia_domain::account::{AccountDraft, AccountInput};
use govmedia_domain::auth::{Principal, Scope};
use govmedia_domain::clock::FixedClock;
use govmedia_domain::filing::{ActInput, Action, ChangeInput, FilingKind};
use govmedia_domain::platform::Platform;
use govmedia_domain::{AccountId, FilingId};
use govmedia_store::accounts::AccountFilter;
use govmedia_store::orgs::Actor;
use govmedia_store::{Store, StoreError, StoreResult};
use std::sync::Arc;

struct Who {
    actor: Actor,
    p: Principal,
}

impl Who {
    fn caller(&self) -> Caller<'_> {
        Caller {
            actor: &self.actor,
            principal: &self.p,
        }
    }
}

async fn who(store: &Store, username: &str) -> StoreResult<Who> {
    let u = store
        .user_by_username(username)
        .await
        .map_err(|e| StoreError::Other(format!("demo user {username}: {e}")))?;
    Ok(Who {
        actor: Actor {
            user_id: Some(u.id.0),
            username: u.username.clone(),
            org_id: Some(u.org_id.0),
            ip: String::new(),
        },
        p: store.principal(u.id).await?,
    })
}

async fn demo_account(
    store: &Store,
    name: &str,
    platform: Platform,
    host: &str,
) -> StoreResult<AccountId> {
    let page = store
        .list_accounts(
            &Scope::All { within: None },
            &AccountFilter {
                q: Some(name.into()),
                per_page: 50,
                ..Default::default()
            },
        )
        .await?;
    page.items
        .iter()
        .find(|a| {
            a.account.name == name
                && a.account.platform == platform
                && a.account.host_org_name == host
        })
        .map(|a| a.account.id)
        .ok_or_else(|| StoreError::Other(format!("demo account {name} missing")))
}

pub(crate) async fn seed_workflows(store: &Store, today: NaiveDate) -> StoreResult<()> {
    let cal = store.calendar().await?;
    // Deadlines need calendar data: beyond the shipped years, place the
    // demo at the end of the last year with data.
    let base = if cal.has_year(chrono::Datelike::year(&today)) {
        today
    } else {
        NaiveDate::from_ymd_opt(cal.years().last().copied().unwrap_or(2026), 12, 20)
            .unwrap_or(today)
    };
    let ago = |days: i64| base - Duration::days(days);
    let nc_editor = who(store, "nc_editor").await?;
    let nc_leader = who(store, "nc_leader").await?;
    let nc_pub = who(store, "nc_pub").await?;
    let center = who(store, "center").await?;
    let jj_editor = who(store, "jj_editor").await?;
    let jj_leader = who(store, "jj_leader").await?;
    let jj_pub = who(store, "jj_pub").await?;
    let nc = store.org_by_name("南昌市人力资源和社会保障局").await?;
    let jj = store.org_by_name("九江市人力资源和社会保障局").await?;
    let plan = |platform: &str, name: &str, host: i64, owner: &str| -> StoreResult<AccountInput> {
        AccountDraft {
            platform: platform.into(),
            name: name.into(),
            host_org_id: host.to_string(),
            responsible_person: "王磊".into(),
            purpose: "政策解读、办事指引".into(),
            personal_official: !owner.is_empty(),
            owner_name: owner.into(),
            status: "opening".into(),
            ..Default::default()
        }
        .parse(base)
        .map_err(StoreError::from)
    };
    // The store as of a day of the story: every step and audit entry is
    // stamped with the day it happened (relative to the day the demo is
    // created), not with the moment the demo was seeded.
    let at = |day: NaiveDate| {
        store
            .clone()
            .with_clock(Arc::new(FixedClock::at_china_noon(day)))
    };
    let act = |w: &Who, id: FilingId, action: Action, input: ActInput, on: NaiveDate| {
        let (cal, actor, p) = (cal.clone(), w.actor.clone(), w.p.clone());
        let dated = at(on);
        async move {
            let caller = Caller {
                actor: &actor,
                principal: &p,
            };
            filings::act(&dated, caller, id, action, &input, on, &cal, 0).await
        }
    };
    let opened = |handle: &str, cert: &str| ActInput {
        handle: handle.into(),
        certification_subject: cert.into(),
        ..Default::default()
    };
    let say = |text: &str| ActInput {
        opinion: text.into(),
        ..Default::default()
    };
    let none = ActInput::default;
    // A leader's approval; where the registry checks warn, the stated
    // reason goes with it (ignored where nothing warns).
    let agree = |text: &str| ActInput {
        opinion: text.into(),
        override_reason: "已核实：账号定位不同，名称开通后按要求统一".into(),
        ..Default::default()
    };

    // 1. Accepted, across the 2025 National Day holiday: approved on the
    //    Friday before it, due 2025-10-10, filed 10-09.
    let national_day = NaiveDate::from_ymd_opt(2025, 9, 26).unwrap_or(base);
    let id = filings::apply_open(
        &at(national_day - Duration::days(2)),
        nc_editor.caller(),
        FilingKind::Open,
        &plan("wechat_channels", "南昌人社直播间", nc.id.0, "")?,
    )
    .await?;
    act(
        &nc_leader,
        id,
        Action::Approve,
        agree("同意开设"),
        national_day,
    )
    .await?;
    act(
        &nc_editor,
        id,
        Action::OpenAccount,
        opened("nc_rs_live", &nc.name),
        national_day + Duration::days(3),
    )
    .await?;
    act(
        &nc_editor,
        id,
        Action::SubmitFiling,
        none(),
        national_day + Duration::days(13),
    )
    .await?;
    act(
        &nc_pub,
        id,
        Action::AcceptFiling,
        say("材料齐全"),
        national_day + Duration::days(14),
    )
    .await?;
    act(
        &center,
        id,
        Action::AcceptFiling,
        none(),
        national_day + Duration::days(14),
    )
    .await?;

    // 2. Applied, waiting for the leader.
    filings::apply_open(
        &at(ago(1)),
        nc_editor.caller(),
        FilingKind::Open,
        &plan("xiaohongshu", "南昌人社服务", nc.id.0, "")?,
    )
    .await?;

    // 3. Approved three weeks ago and never opened: overdue.
    let id = filings::apply_open(
        &at(ago(23)),
        jj_editor.caller(),
        FilingKind::Open,
        &plan("bilibili", "九江人社", jj.id.0, "")?,
    )
    .await?;
    act(&jj_leader, id, Action::Approve, agree("同意"), ago(21)).await?;

    // 4. Opened recently, filing due soon.
    let id = filings::apply_open(
        &at(ago(6)),
        nc_editor.caller(),
        FilingKind::Open,
        &plan("kuaishou", "南昌人社就业", nc.id.0, "")?,
    )
    .await?;
    act(&nc_leader, id, Action::Approve, agree("同意"), ago(4)).await?;
    act(
        &nc_editor,
        id,
        Action::OpenAccount,
        opened("nc_rs_jy", &nc.name),
        ago(1),
    )
    .await?;

    // 5. Rejected.
    let id = filings::apply_open(
        &at(ago(10)),
        nc_editor.caller(),
        FilingKind::Open,
        &plan("douyin", "南昌美食探店", nc.id.0, "")?,
    )
    .await?;
    act(
        &nc_leader,
        id,
        Action::Reject,
        say("名称与单位职责无关，且同一平台已有账号"),
        ago(9),
    )
    .await?;

    // 6. Official-capacity personal account, filed and waiting.
    let id = filings::apply_open(
        &at(ago(8)),
        nc_editor.caller(),
        FilingKind::PersonalOpen,
        &plan("weibo", "南昌人社李明谈社保", nc.id.0, "李明")?,
    )
    .await?;
    act(
        &nc_leader,
        id,
        Action::Approve,
        agree("同意以职务身份开设"),
        ago(6),
    )
    .await?;
    act(
        &nc_editor,
        id,
        Action::OpenAccount,
        opened("nc_liming", "李明"),
        ago(5),
    )
    .await?;
    act(&nc_editor, id, Action::SubmitFiling, none(), ago(2)).await?;

    // 7. A change in 九江, filed and sent back.
    let jj_weibo = demo_account(store, "九江人社", Platform::Weibo, &jj.name).await?;
    let change = ChangeInput {
        responsible_person: "陈静".into(),
        changed_on: ago(3).to_string(),
        note: "原负责人调岗".into(),
        ..Default::default()
    };
    let id = filings::record_change(
        &at(ago(3)),
        jj_editor.caller(),
        jj_weibo,
        &change,
        ago(3),
        &cal,
    )
    .await?;
    act(&jj_editor, id, Action::SubmitFiling, none(), ago(2)).await?;
    act(
        &jj_pub,
        id,
        Action::ReturnFiling,
        say("请补充新负责人的保密承诺书"),
        ago(1),
    )
    .await?;

    // 8. A change recorded two weeks ago and not filed: overdue.
    let nc_weibo = demo_account(store, "南昌人社", Platform::Weibo, &nc.name).await?;
    let change = ChangeInput {
        operators: "刘洋、吴婷".into(),
        changed_on: ago(14).to_string(),
        ..Default::default()
    };
    filings::record_change(
        &at(ago(14)),
        nc_editor.caller(),
        nc_weibo,
        &change,
        ago(14),
        &cal,
    )
    .await?;

    // 9. A closure announced two days ago.
    let food = demo_account(
        store,
        "美食生活圈",
        Platform::Douyin,
        "青云谱区人力资源和社会保障局",
    )
    .await?;
    let id = filings::apply_close(
        &at(ago(7)),
        nc_editor.caller(),
        FilingKind::Close,
        food,
        "名称与职责无关，长期无人维护",
        None,
    )
    .await?;
    act(&nc_leader, id, Action::Approve, agree("同意关停"), ago(5)).await?;
    let ann = ActInput {
        announce_text: "本账号将停止更新并注销，相关信息请关注“南昌人社”。".into(),
        ..Default::default()
    };
    act(&nc_editor, id, Action::Announce, ann, ago(2)).await?;

    // 10. A merge: deregistered, filing to come.
    let dup = demo_account(
        store,
        "西湖人社服务号",
        Platform::WechatOa,
        "西湖区人力资源和社会保障局",
    )
    .await?;
    let keep = demo_account(
        store,
        "西湖人社",
        Platform::WechatOa,
        "西湖区人力资源和社会保障局",
    )
    .await?;
    let id = filings::apply_close(
        &at(ago(10)),
        nc_editor.caller(),
        FilingKind::Merge,
        dup,
        "同一平台重复开设，并入“西湖人社”",
        Some(keep),
    )
    .await?;
    act(&nc_leader, id, Action::Approve, agree("同意"), ago(8)).await?;
    let ann = ActInput {
        announce_text: "本号内容并入“西湖人社”公众号。".into(),
        ..Default::default()
    };
    act(&nc_editor, id, Action::Announce, ann, ago(7)).await?;
    act(&nc_editor, id, Action::Deregister, none(), ago(3)).await?;
    Ok(())
}
