//! Monitoring data at scale for the benchmarks (`govmedia bench
//! monitoring`): N active accounts spread over the demo orgs, each with
//! `days` of posts ending today (0–5 a day, about 1.45 on average; a few
//! accounts fall silent a month before the end) and messages (about one
//! in five days, most answered within a week). Written with multi-row
//! inserts — posts, their daily rollups, deliveries and messages — as the
//! ingest would have left them, without scanning: this is volume, not a
//! story.

use chrono::{Days, NaiveDate, TimeDelta};
use govmedia_domain::account::AccountStatus;
use govmedia_domain::monitoring::Provenance;
use govmedia_domain::monitoring::posts::{PostKind, day_start};
use govmedia_domain::platform::Platform;
use govmedia_store::bulk::insert_rows;
use govmedia_store::sql::Arg;
use govmedia_store::{Store, StoreResult};
use sqlx::Row;

/// What the generator wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScaleStats {
    pub accounts: usize,
    pub posts: usize,
    pub messages: usize,
}

/// A small deterministic generator (the same data on every run).
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

/// Posts on one day: 0–5, weighted towards few.
fn posts_on_day(r: &mut Lcg) -> u64 {
    match r.next(100) {
        0..35 => 0,
        35..60 => 1,
        60..77 => 2,
        77..88 => 3,
        88..95 => 4,
        _ => 5,
    }
}

/// Rows per transaction while loading.
const TX_ROWS: usize = 50_000;

/// Writes `accounts` accounts with `days` of history ending `today`.
pub async fn seed_scale(
    store: &Store,
    accounts: usize,
    days: u32,
    today: NaiveDate,
) -> StoreResult<ScaleStats> {
    let orgs: Vec<i64> = sqlx::query("SELECT id FROM orgs ORDER BY id")
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let now = store.now().timestamp();
    let first_id: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM accounts")
        .fetch_one(&store.pool)
        .await?
        .try_get(0)?;
    let mut tx = store.begin_write().await?;
    let rows: Vec<Vec<Arg>> = (0..accounts)
        .map(|i| {
            let p = Platform::ALL[i % Platform::ALL.len()];
            vec![
                p.code().into(),
                format!("规模测试账号{i:05}").into(),
                format!("scale-{i}").into(),
                format!("scale-{i}").into(),
                orgs[i % orgs.len().max(1)].into(),
                "张三".into(),
                AccountStatus::Active.code().into(),
                format!("guimoceshizhanghao{i:05}").into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "accounts",
        &[
            "platform",
            "name",
            "handle",
            "handle_key",
            "host_org_id",
            "responsible_person",
            "status",
            "name_key",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    .await?;
    tx.commit().await?;
    let ids: Vec<i64> = sqlx::query("SELECT id FROM accounts WHERE id > $1 ORDER BY id")
        .bind(first_id)
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut stats = ScaleStats {
        accounts: ids.len(),
        ..Default::default()
    };
    let start = today - Days::new(u64::from(days.max(1)) - 1);
    let (mut posts, mut rollups, mut messages) = (Vec::new(), Vec::new(), Vec::new());
    for (n, id) in ids.iter().enumerate() {
        let mut r = Lcg(*id as u64 * 2_654_435_761 + 7);
        // One account in thirty falls silent a month before the end.
        let silent_from = (n % 30 == 7).then(|| today - Days::new(30));
        for d in 0..days {
            let day = start + Days::new(u64::from(d));
            let k = if silent_from.is_some_and(|s| day >= s) {
                0
            } else {
                posts_on_day(&mut r)
            };
            let (mut originals, mut reposts) = (0_i64, 0_i64);
            for j in 0..k {
                let at =
                    day_start(day) + TimeDelta::minutes(8 * 60 + 97 * j as i64 + r.next(60) as i64);
                let kind = if r.next(4) == 0 {
                    reposts += 1;
                    PostKind::Repost
                } else {
                    originals += 1;
                    PostKind::Original
                };
                let flagged = i64::from(r.next(100) == 0);
                posts.push(vec![
                    (*id).into(),
                    format!("s-{id}-{d}-{j}").into(),
                    at.timestamp().into(),
                    day.to_string().into(),
                    "人社政策解读".into(),
                    "各地人社部门将持续优化经办服务，群众可通过赣服通、江西人社App在线办理。".into(),
                    String::new().into(),
                    kind.code().into(),
                    String::new().into(),
                    Provenance::Api.code().into(),
                    if flagged == 1 {
                        r#"{"text":[{"kind":"pii","rule":"mobile","severity":"block","start":0,"end":3}]}"#
                    } else {
                        "{}"
                    }
                    .into(),
                    flagged.into(),
                    flagged.into(),
                    now.into(),
                    now.into(),
                ]);
            }
            if k > 0 {
                rollups.push(vec![
                    (*id).into(),
                    day.to_string().into(),
                    originals.into(),
                    reposts.into(),
                ]);
            }
            if r.next(5) == 0 {
                let received = day_start(day) + TimeDelta::hours(10);
                let unanswered = r.next(30) == 0;
                let replied = received + TimeDelta::hours(2 + r.next(24 * 8) as i64);
                messages.push(vec![
                    (*id).into(),
                    format!("m-{id}-{d}").into(),
                    received.timestamp().into(),
                    "请问灵活就业人员如何缴纳养老保险？".into(),
                    "comment".into(),
                    Arg::OptI64((!unanswered).then(|| replied.timestamp())),
                    if unanswered {
                        ""
                    } else {
                        "您好，可通过江西人社App办理，详见参保指南。"
                    }
                    .into(),
                    Provenance::Api.code().into(),
                    now.into(),
                    now.into(),
                ]);
            }
        }
        if posts.len() >= TX_ROWS || n + 1 == ids.len() {
            stats.posts += posts.len();
            stats.messages += messages.len();
            let mut tx = store.begin_write().await?;
            insert_rows(&mut tx, "posts", POST_COLUMNS, std::mem::take(&mut posts)).await?;
            insert_rows(
                &mut tx,
                "daily_rollups",
                &["account_id", "day", "originals", "reposts"],
                std::mem::take(&mut rollups),
            )
            .await?;
            insert_rows(
                &mut tx,
                "messages",
                &[
                    "account_id",
                    "platform_message_id",
                    "received_at",
                    "body",
                    "channel",
                    "replied_at",
                    "reply_text",
                    "provenance",
                    "first_seen_at",
                    "last_seen_at",
                ],
                std::mem::take(&mut messages),
            )
            .await?;
            tx.commit().await?;
        }
    }
    let mut tx = store.begin_write().await?;
    govmedia_store::monitoring_ingest::record_deliveries(
        &mut tx,
        Provenance::Api,
        &ids.iter()
            .map(|i| govmedia_domain::AccountId(*i))
            .collect::<Vec<_>>(),
    )
    .await?;
    tx.commit().await?;
    Ok(stats)
}

/// The columns of a post row, in the order the generator and the bench's
/// bare insert write them.
pub const POST_COLUMNS: &[&str] = &[
    "account_id",
    "platform_post_id",
    "published_at",
    "day",
    "title",
    "body",
    "url",
    "kind",
    "source",
    "provenance",
    "findings",
    "flagged",
    "blocked",
    "first_seen_at",
    "last_seen_at",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_accounts_posts_rollups_and_messages_that_add_up() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let db = govmedia_store::testing::TestDb::sqlite().await;
        crate::seed(&db.store, "Demo-Pass-2026").await.unwrap();
        let s = seed_scale(&db.store, 40, 60, today).await.unwrap();
        assert_eq!(s.accounts, 40);
        // About 1.45 posts a day on average, fewer for the silent ones.
        assert!(s.posts > 40 * 60 && s.posts < 40 * 60 * 2, "{s:?}");
        let one = |sql: &'static str| {
            let pool = db.store.pool.clone();
            async move {
                sqlx::query(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
                    .try_get::<i64, _>(0)
                    .unwrap()
            }
        };
        assert_eq!(
            one("SELECT CAST(SUM(originals + reposts) AS BIGINT) FROM daily_rollups").await,
            s.posts as i64
        );
        assert_eq!(
            one("SELECT COUNT(*) FROM messages").await,
            s.messages as i64
        );
        assert!(s.messages > 40 * 60 / 10);
    }
}
