use crate::config::WebConfig;
use govmedia_store::Store;
use std::sync::Arc;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
        }
    }
}
