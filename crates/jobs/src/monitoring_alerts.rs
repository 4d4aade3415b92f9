//! 监测预警 (hourly, and on demand with `govmedia jobs run-once
//! monitoring_alerts`): opens an alert once per cause — zombie, breached
//! week, overdue message, post with a block finding, broken feed — and closes it when
//! the cause is gone. The unique cause key and the job claim keep it to
//! one alert per cause however many instances run.

use crate::{JobCtx, Outcome};
use chrono::{DateTime, Utc};
use govmedia_store::StoreError;

pub async fn run_once(ctx: &JobCtx, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
    let store = ctx.store.clone().with_clock(std::sync::Arc::new(
        govmedia_domain::clock::FixedClock::new(now),
    ));
    let r =
        govmedia_app::monitoring_alerts::evaluate(&store, &ctx.monitoring, &ctx.feeds, now).await?;
    Ok(Outcome {
        summary: format!(
            "当前预警原因 {} 项，新开 {} 项，关闭 {} 项",
            r.causes, r.opened, r.closed
        ),
    })
}
