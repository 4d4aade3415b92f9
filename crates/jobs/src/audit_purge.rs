//! 审计日志清理: audit entries older than the retention period (at least
//! 180 days, 网络安全法 art. 21) are deleted as a prefix of the chain, so
//! what remains still verifies.

use crate::{JobCtx, Outcome};
use chrono::{DateTime, TimeDelta, Utc};
use govmedia_store::StoreError;

pub async fn run_once(ctx: &JobCtx, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
    let cutoff = now - TimeDelta::days(ctx.audit_retention_days);
    let n = ctx.store.audit_purge(cutoff.timestamp_millis()).await?;
    Ok(Outcome {
        summary: format!("删除过期审计记录 {n} 条"),
    })
}
