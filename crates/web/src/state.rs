use crate::auth::Throttle;
use crate::import::ImportJobs;
use chrono::NaiveDate;
use hocvuso_storage::Store;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// Fixed "today" for tests and demos; `None` means the real date.
    pub today: Option<NaiveDate>,
    /// A local LLM that rephrases the assistant's answers (optional).
    pub llm: Option<crate::llm::LlmConfig>,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub(crate) throttle: Arc<Throttle>,
    pub(crate) imports: Arc<ImportJobs>,
    /// The assistant, built on first use from the embedded knowledge plus the
    /// records edited by the office; rebuilt after an edit.
    pub(crate) assistant: Arc<tokio::sync::RwLock<Option<Arc<hocvuso_assistant::Assistant>>>>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
            throttle: Arc::new(Throttle::default()),
            imports: Arc::new(ImportJobs::default()),
            assistant: Arc::new(tokio::sync::RwLock::new(None)),
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.config
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}
