//! 数据库备份: once a day a consistent copy of the SQLite database goes to
//! the backup folder as `govmedia-YYYYMMDD-HHMMSS.db` (China time), and all
//! but the newest `keep` copies are deleted. PostgreSQL is backed up with
//! pg_dump (README), so the job only says so there.

use crate::{JobCtx, Outcome};
use chrono::{DateTime, Utc};
use govmedia_domain::clock::china;
use govmedia_store::backup::list_backups;
use govmedia_store::{Backend, StoreError};
use std::path::{Path, PathBuf};

/// Where backups go and how many stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupPolicy {
    pub dir: PathBuf,
    pub keep: usize,
}

/// The file a backup taken at `now` is written to.
pub fn backup_file(dir: &Path, now: DateTime<Utc>, suffix: &str) -> PathBuf {
    let stamp = now.with_timezone(&china()).format("%Y%m%d-%H%M%S");
    dir.join(format!("govmedia-{stamp}{suffix}.db"))
}

/// Deletes all but the newest `keep` backups in `dir`; returns how many.
pub fn prune(dir: &Path, keep: usize) -> usize {
    let all = list_backups(dir);
    let excess = all.len().saturating_sub(keep);
    all.iter()
        .take(excess)
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count()
}

pub async fn run_once(ctx: &JobCtx, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
    let Some(policy) = &ctx.backups else {
        return Ok(Outcome {
            summary: "未配置备份目录，未备份".into(),
        });
    };
    if ctx.store.backend != Backend::Sqlite {
        return Ok(Outcome {
            summary: "PostgreSQL 数据库请用 pg_dump 备份".into(),
        });
    }
    let file = backup_file(&policy.dir, now, "");
    if file.exists() {
        // The same moment twice (a repeated run): nothing to do.
        return Ok(Outcome {
            summary: format!("备份已存在：{}", file.display()),
        });
    }
    ctx.store.backup_to(&file).await?;
    let removed = prune(&policy.dir, policy.keep);
    Ok(Outcome {
        summary: format!("已备份到 {}，清理旧备份 {removed} 个", file.display()),
    })
}
