//! 内容重新扫描 (every 10 minutes, and on demand with `govmedia jobs
//! run-once post_rescan`): when the scanner's lexicons or engine changed,
//! stored posts are scanned again in batches until every finding is the
//! current scanner's; the 监测预警 job then opens or closes the alerts of
//! posts whose block findings changed.

use crate::{JobCtx, Outcome};
use chrono::{DateTime, Utc};
use govmedia_store::StoreError;

/// Batches of [`govmedia_app::monitoring_rescan::BATCH`] posts per run.
const MAX_BATCHES: usize = 200;

pub async fn run_once(ctx: &JobCtx, _now: DateTime<Utc>) -> Result<Outcome, StoreError> {
    let Some(shared) = &ctx.scanner else {
        return Ok(Outcome {
            summary: "未加载扫描器，跳过".into(),
        });
    };
    let r = govmedia_app::monitoring_rescan::rescan(&ctx.store, shared.get(), MAX_BATCHES).await?;
    let state = ctx.store.rescan_state().await?;
    let progress = state
        .map(|s| format!("累计扫描 {} 条，发现变化 {} 条", s.scanned, s.changed))
        .unwrap_or_default();
    Ok(Outcome {
        summary: format!(
            "{}本次扫描 {} 条，结果变化 {} 条；{}；{}",
            if r.started {
                "词库已变化，开始重新扫描；"
            } else {
                ""
            },
            r.scanned,
            r.changed,
            progress,
            if r.done {
                "已全部完成"
            } else {
                "下次继续"
            }
        ),
    })
}
