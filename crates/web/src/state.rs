use crate::config::WebConfig;
use govmedia_scan::{Scanner, ScannerConfig, SharedScanner, parse_lexicon};
use govmedia_store::Store;
use std::sync::Arc;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub scanner: Arc<SharedScanner>,
}

/// Compiles the scanner from the built-in lexicons and the configured
/// files. The error names the file and line of a bad entry.
pub fn build_scanner(config: &WebConfig) -> Result<Scanner, String> {
    let mut entries = Vec::new();
    for path in &config.lexicons {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("无法读取词库 {path}: {e}"))?;
        entries.extend(parse_lexicon(&text, path).map_err(|e| e.to_string())?);
    }
    let sc = ScannerConfig {
        link_allowlist: config.link_allowlist.clone(),
        ..Default::default()
    };
    Scanner::new(entries, true, sc)
}

impl AppState {
    /// Today's date in China by the store's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.store.clock().today()
    }

    /// Builds the state; fails when a configured lexicon is unreadable or
    /// has a bad line.
    pub fn try_new(store: Store, config: WebConfig) -> Result<AppState, String> {
        let scanner = build_scanner(&config)?;
        Ok(AppState {
            store,
            config: Arc::new(config),
            scanner: Arc::new(SharedScanner::new(scanner)),
        })
    }

    /// Builds the state with the built-in lexicons only if the configured
    /// ones fail (tests and tools).
    pub fn new(store: Store, config: WebConfig) -> AppState {
        match AppState::try_new(store.clone(), config.clone()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "lexicons not loaded; using the built-in ones");
                let fallback = Scanner::new(Vec::new(), true, ScannerConfig::default())
                    .unwrap_or_else(|_| unreachable_scanner());
                AppState {
                    store,
                    config: Arc::new(config),
                    scanner: Arc::new(SharedScanner::new(fallback)),
                }
            }
        }
    }
}

fn unreachable_scanner() -> Scanner {
    // An empty exact scanner always compiles.
    Scanner::new(
        Vec::new(),
        false,
        ScannerConfig {
            exact: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("empty scanner failed to build: {e}"))
}
