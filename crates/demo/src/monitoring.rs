//! Six months of posts and messages for the demo accounts, ending today,
//! taken in through the same ingest service collectors use: most accounts
//! healthy, some zombies, some below the weekly minimum, slow and template
//! replies, posts with personal data, adverts and outside links, and a few
//! accounts no source reports on (数据不足). Only `serve --demo` seeds it;
//! the tests' demo stays without posts so their counts are their own.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use govmedia_app::monitoring_ingest::{ingest_messages, ingest_posts};
use govmedia_domain::auth::Scope;
use govmedia_domain::monitoring::Provenance;
use govmedia_domain::monitoring::ingest::{RawMessage, RawPost};
use govmedia_domain::monitoring::posts::day_start;
use govmedia_scan::{Scanner, ScannerConfig};
use govmedia_store::{Store, StoreResult};

/// Days of history.
const DAYS: u64 = 182;

/// What kind of account a demo account plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Healthy,
    /// Stopped posting 20–40 days ago.
    Zombie,
    /// One post a week lately.
    Sparse,
    /// Replies late or not at all, with template texts.
    SlowReplies,
    /// No source reports on it.
    NoData,
}

fn part(i: usize) -> Part {
    match i % 10 {
        3 => Part::Zombie,
        6 => Part::Sparse,
        8 => Part::SlowReplies,
        9 if i % 20 == 19 => Part::NoData,
        _ => Part::Healthy,
    }
}

/// A small deterministic generator, so the demo is the same every time.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

const TITLES: [&str; 8] = [
    "2026年城乡居民基本养老保险缴费开始",
    "失业保险金申领指南",
    "高校毕业生就业见习岗位发布",
    "社保卡线上申领流程",
    "职业技能提升补贴政策解读",
    "根治欠薪冬季专项行动启动",
    "人社服务快办行动：这些事项可以“一次办”",
    "技工院校招生政策问答",
];

/// Bodies; a few carry what the scanner must catch.
fn body(r: &mut Lcg) -> String {
    match r.next(40) {
        0 => "咨询请联系经办人张三，手机13812345678。".into(),
        1 => "领取补贴请加微信 rs2026 办理。".into(),
        2 => "详情见 http://bit.ly/3xYz 链接。".into(),
        _ => "各地人社部门将持续优化经办服务，群众可通过赣服通、江西人社App在线办理。".into(),
    }
}

const ANSWERS: [&str; 4] = [
    "可登录江西人社App在线办理",
    "请携带身份证到就近社保经办窗口办理",
    "可拨打12333咨询具体缴费档次",
    "可通过赣服通“社保缴费”栏目办理",
];

fn at(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    day_start(day) + Duration::minutes(minutes)
}

fn posts_for(id: i64, p: Part, today: NaiveDate, r: &mut Lcg) -> Vec<RawPost> {
    let start = today - Days::new(DAYS);
    let stop = match p {
        Part::Zombie => today - Days::new(20 + r.next(21)),
        _ => today,
    };
    let mut out = Vec::new();
    let mut day = start;
    let mut n = 0;
    while day <= stop {
        let recent = (today - day).num_days() < 42;
        let chance = if p == Part::Sparse && recent { 7 } else { 2 };
        if r.next(chance) == 0 {
            let kind = if r.next(4) == 0 { "repost" } else { "original" };
            n += 1;
            out.push(RawPost {
                account_id: Some(id),
                platform_post_id: Some(format!("demo-{id}-{n}")),
                published_at: Some(at(day, 8 * 60 + r.next(600) as i64).to_rfc3339()),
                title: Some(TITLES[r.next(TITLES.len() as u64) as usize].into()),
                text: Some(match kind {
                    "repost" => format!("{}（来源：人力资源社会保障部）", body(r)),
                    _ => body(r),
                }),
                kind: Some(kind.into()),
                source: (kind == "repost").then(|| "人力资源社会保障部".into()),
                url: Some(format!("https://example.gov.cn/p/{id}/{n}")),
                ..Default::default()
            });
        }
        day = day + Days::new(1);
    }
    out
}

fn messages_for(id: i64, p: Part, today: NaiveDate, r: &mut Lcg) -> Vec<RawMessage> {
    let mut out = Vec::new();
    for k in 0..(DAYS / 4) {
        let day = today - Days::new(DAYS - k * 4 - r.next(3));
        let received = at(day, 9 * 60 + r.next(480) as i64);
        let delay = match p {
            Part::SlowReplies => 5 + r.next(12),
            _ => r.next(4),
        };
        let replied = received + Duration::days(delay as i64) + Duration::hours(2);
        let unanswered = (p == Part::SlowReplies && r.next(3) == 0) || replied > at(today, 0);
        let reply = if p == Part::SlowReplies {
            "您好，已收到。".to_string()
        } else {
            format!(
                "您好，您咨询的第{}号问题：{}，谢谢关注。",
                k + 1,
                ANSWERS[r.next(ANSWERS.len() as u64) as usize]
            )
        };
        out.push(RawMessage {
            account_id: Some(id),
            platform_message_id: Some(format!("demo-m-{id}-{k}")),
            received_at: Some(received.to_rfc3339()),
            text: Some("请问灵活就业人员如何缴纳养老保险？".into()),
            channel: Some(["comment", "private", "board"][r.next(3) as usize].into()),
            replied_at: (!unanswered).then(|| replied.to_rfc3339()),
            reply_text: (!unanswered).then_some(reply),
            account: None,
        });
    }
    out
}

/// Seeds the monitoring history of every active demo account; returns the
/// number of posts created.
pub async fn seed_monitoring(store: &Store, today: NaiveDate) -> StoreResult<usize> {
    let scanner = Scanner::new(Vec::new(), true, ScannerConfig::default()).map_err(|e| {
        govmedia_store::StoreError::Rule(govmedia_domain::error::RuleError::Invalid {
            code: "scanner",
            message: e,
        })
    })?;
    let (actor, principal) = govmedia_app::operator();
    let c = govmedia_app::Caller {
        actor: &actor,
        principal: &principal,
    };
    let accounts = store
        .account_facts(
            &Scope::All { within: None },
            &Default::default(),
            store.now(),
        )
        .await?;
    let mut created = 0;
    for (i, a) in accounts.iter().enumerate() {
        let p = part(i);
        if p == Part::NoData {
            continue;
        }
        let mut r = Lcg(a.account_id.0 as u64 * 7919 + 17);
        let posts = posts_for(a.account_id.0, p, today, &mut r);
        let o = ingest_posts(
            store,
            &scanner,
            c,
            Provenance::Api,
            posts.into_iter().map(Ok).collect(),
            false,
        )
        .await?;
        created += o.count(govmedia_domain::monitoring::ingest::ItemStatus::Created);
        let msgs = messages_for(a.account_id.0, p, today, &mut r);
        ingest_messages(
            store,
            c,
            Provenance::Api,
            msgs.into_iter().map(Ok).collect(),
            false,
        )
        .await?;
    }
    broken_feed(store, &accounts).await?;
    Ok(created)
}

/// A feed that broke: the only source of a 南昌 account without other
/// data, pointing at a bridge that refuses connections (the poller keeps
/// failing on it), with three failed polls recorded.
async fn broken_feed(
    store: &Store,
    accounts: &[govmedia_store::monitoring::AccountFacts],
) -> StoreResult<()> {
    let pick = accounts
        .iter()
        .enumerate()
        .filter(|(i, _)| part(*i) == Part::NoData)
        .map(|(_, a)| a)
        .min_by_key(|a| !a.host_org_name.contains("南昌"));
    let Some(a) = pick else { return Ok(()) };
    let (actor, _) = govmedia_app::operator();
    let feed = store
        .set_feed(
            &Scope::All { within: None },
            &actor,
            a.account_id,
            &format!("http://127.0.0.1:9/feeds/{}.xml", a.account_id.0),
        )
        .await?;
    let settings = govmedia_domain::monitoring::feeds::FeedSettings::default();
    for n in 1..=settings.broken_after {
        store
            .feed_failed(
                &feed,
                "connect_failed",
                "无法连接订阅源：Connection refused",
                govmedia_domain::monitoring::feeds::next_poll(&settings, store.now(), n),
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use govmedia_domain::clock::FixedClock;
    use std::sync::Arc;

    #[tokio::test]
    async fn every_monitoring_list_has_rows() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let db = govmedia_store::testing::TestDb::sqlite().await;
        let store = db
            .store
            .clone()
            .with_clock(Arc::new(FixedClock::at_china_noon(today)));
        crate::seed(&store, "Demo-Pass-2026").await.unwrap();
        let created = seed_monitoring(&store, today).await.unwrap();
        assert!(created > 10_000, "{created}");
        let (_, p) = govmedia_app::operator();
        let defaults = Default::default();
        let z =
            govmedia_app::monitoring::zombies(&store, &p, &defaults, &Default::default(), today)
                .await
                .unwrap();
        // Every number on 首页 is non-zero.
        let o = govmedia_app::monitoring_overview::overview(
            &store,
            &p,
            &defaults,
            &Default::default(),
            &Default::default(),
            today,
        )
        .await
        .unwrap();
        assert!(
            o.zombies > 0
                && o.below_min > 0
                && o.overdue_messages > 0
                && o.flagged_posts > 0
                && o.no_data > 0
                && o.broken_feeds > 0,
            "{o:?}"
        );
        assert!(o.weekly.iter().all(|w| w.originals > 0), "{:?}", o.weekly);
        assert!(
            z.total > 5 && !z.no_data.is_empty(),
            "{} {}",
            z.total,
            z.no_data.len()
        );
        assert!(z.total < 100, "most accounts are healthy: {}", z.total);
        let facts = store
            .account_facts(
                &Scope::All { within: None },
                &Default::default(),
                store.now(),
            )
            .await
            .unwrap();
        let (mut below, mut overdue, mut flagged, mut low) = (0, 0, 0, 0);
        for f in facts.iter().take(40) {
            let r = govmedia_app::monitoring::account_report(
                &store,
                &p,
                &defaults,
                f.account_id,
                today,
            )
            .await
            .unwrap();
            below += usize::from(r.weeks.iter().any(|w| w.below_min == Some(true)));
            overdue += r.messages.overdue;
            flagged += r.violations;
            low += r.messages.low_quality;
        }
        assert!(
            below > 0 && overdue > 0 && flagged > 0 && low > 0,
            "{below} {overdue} {flagged} {low}"
        );
        // Seeding again through the same ingest changes nothing.
        assert_eq!(seed_monitoring(&store, today).await.unwrap(), 0);
        db.teardown().await;
    }
}
