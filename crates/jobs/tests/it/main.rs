//! Jobs against a real database: claims give one run per period across
//! instances, runs are recorded, a crashed run's claim runs out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeDelta, Utc};
use govmedia_jobs::{Job, JobCtx, run_claimed};
use govmedia_store::Store;
use govmedia_store::both_backends;
use govmedia_store::job_runs::RunOutcome;

fn ctx(store: &Store, instance: &str) -> JobCtx {
    JobCtx {
        store: store.clone(),
        audit_retention_days: 180,
        instance: instance.into(),
        backups: None,
        monitoring: Default::default(),
        feeds: Default::default(),
        scanner: None,
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

both_backends!(one_run_per_period_across_instances, async |store: Store| {
    let (a, b) = (ctx(&store, "a"), ctx(&store, "b"));
    let now = at("2026-11-20T04:00:00Z");
    // Two instances at the same moment, concurrently: one runs.
    let (ra, rb) = tokio::join!(
        run_claimed(&a, Job::DeadlineReminders, now),
        run_claimed(&b, Job::DeadlineReminders, now)
    );
    let ran = [ra.unwrap(), rb.unwrap()];
    assert_eq!(ran.iter().filter(|r| r.is_some()).count(), 1, "{ran:?}");
    // Within the period nobody runs it again.
    let later = now + TimeDelta::minutes(59);
    assert!(
        run_claimed(&b, Job::DeadlineReminders, later)
            .await
            .unwrap()
            .is_none()
    );
    // After the period one instance does.
    let next = now + TimeDelta::hours(1);
    assert!(
        run_claimed(&b, Job::DeadlineReminders, next)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        run_claimed(&a, Job::DeadlineReminders, next)
            .await
            .unwrap()
            .is_none()
    );
    let runs = store.job_runs().await.unwrap();
    let r = runs
        .iter()
        .find(|r| r.name == "deadline_reminders")
        .unwrap();
    assert_eq!(r.runs, 2);
    assert_eq!(r.failures, 0);
    assert_eq!(r.last_outcome, Some(RunOutcome::Ok));
    assert_eq!(r.next_due_at, (next + TimeDelta::hours(1)).timestamp());
    assert_eq!(r.claimed_until, None);
});

both_backends!(a_crashed_claim_runs_out, async |store: Store| {
    let now = at("2026-11-20T04:00:00Z");
    // An instance claimed and died before finishing.
    assert!(
        store
            .claim_job("audit_purge", "dead", now, 900)
            .await
            .unwrap()
    );
    let b = ctx(&store, "b");
    let soon = now + TimeDelta::minutes(10);
    assert!(
        run_claimed(&b, Job::AuditPurge, soon)
            .await
            .unwrap()
            .is_none()
    );
    let after_lease = now + TimeDelta::minutes(16);
    let o = run_claimed(&b, Job::AuditPurge, after_lease).await.unwrap();
    assert!(o.unwrap().summary.contains("删除过期审计记录"));
});

both_backends!(run_once_is_idempotent, async |store: Store| {
    let a = ctx(&store, "a");
    let now = at("2026-11-20T04:00:00Z");
    let first = Job::DeadlineReminders.run_once(&a, now).await.unwrap();
    let second = Job::DeadlineReminders.run_once(&a, now).await.unwrap();
    assert_eq!(first.summary, "新提醒 0 条");
    assert_eq!(second, first);
});

both_backends!(a_run_by_hand_is_recorded, async |store: Store| {
    // `govmedia jobs run-once` runs without a claim; its run is recorded.
    let now = at("2026-11-20T04:00:00Z");
    store
        .finish_job(
            "audit_purge",
            RunOutcome::Ok,
            "删除过期审计记录 0 条",
            3,
            now,
        )
        .await
        .unwrap();
    let runs = store.job_runs().await.unwrap();
    let r = runs.iter().find(|r| r.name == "audit_purge").unwrap();
    assert_eq!(r.runs, 1);
    assert_eq!(r.last_summary, "删除过期审计记录 0 条");
    assert!(r.last_finished_at.is_some());
});

both_backends!(daily_backups_keep_the_newest, async |store: Store| {
    let dir = std::env::temp_dir().join(format!(
        "govmedia-jobs-backups-{}",
        govmedia_store::secrets::random_token(6)
    ));
    let mut c = ctx(&store, "a");
    c.backups = Some(govmedia_jobs::backup::BackupPolicy {
        dir: dir.clone(),
        keep: 2,
    });
    let day = at("2026-11-20T18:00:00Z");
    for d in 0..3 {
        let o = Job::Backup
            .run_once(&c, day + TimeDelta::days(d))
            .await
            .unwrap();
        if store.backend == govmedia_store::Backend::Postgres {
            assert!(o.summary.contains("pg_dump"));
        }
    }
    let kept = govmedia_store::backup::list_backups(&dir);
    if store.backend == govmedia_store::Backend::Sqlite {
        assert_eq!(kept.len(), 2, "{kept:?}");
        // China time: 18:00 UTC is the next morning there.
        assert!(
            kept[1]
                .to_string_lossy()
                .ends_with("govmedia-20261123-020000.db")
        );
        // Running again at the same moment changes nothing.
        let o = Job::Backup
            .run_once(&c, day + TimeDelta::days(2))
            .await
            .unwrap();
        assert!(o.summary.contains("已存在"));
    } else {
        assert!(kept.is_empty());
    }
    let _ = std::fs::remove_dir_all(&dir);
});
