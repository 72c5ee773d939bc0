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
    /// The commune, as certificates name it ("xã Dân Tiến" when empty).
    pub commune: String,
    /// 0: indicators are computed when viewed (a commune). N > 0: they are
    /// computed in the background every N minutes and the dashboard reads
    /// the stored snapshot (a province, where computing takes seconds).
    pub snapshot_minutes: u64,
    /// Lift the assistant's per-client allowance of questions. Only
    /// `hocvuso bench pages` sets it, on a server it starts in its own
    /// process to measure the assistant API; no flag or variable of
    /// `serve` reaches it.
    pub assistant_unlimited: bool,
    /// The SMTP server that report reminders are emailed through; `None`:
    /// no email, the reminder is only the text to paste into Zalo.
    pub smtp: Option<crate::mail::SmtpConfig>,
}

impl WebConfig {
    pub fn commune_name(&self) -> &str {
        match self.commune.trim() {
            "" => "xã Dân Tiến",
            c => c,
        }
    }
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
    /// The courses: those built in, plus the office's own (see `with_catalog`).
    pub catalog: Arc<hocvuso_learning::Catalog>,
    /// What the indicators count (built in, or the office's own file).
    pub indicator_defs: Arc<hocvuso_reporting::Definitions>,
    /// The plan in force (`hocvuso_reporting::plan`): the shipped one, or
    /// the office's own once loaded (`load_plan`) or saved; `None` when its
    /// file has an error (logged; the plan pages say so). Read with `plan()`.
    plan: Arc<std::sync::RwLock<Option<Arc<hocvuso_domain::plan::Plan>>>>,
    /// Email out, when the commune configured an SMTP server.
    pub(crate) mailer: Option<Arc<crate::mail::Mailer>>,
    /// Computed indicators, kept until data changes (see `indicators.rs`).
    pub(crate) indicator_cache: Arc<crate::indicators::IndicatorCache>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        let catalog = hocvuso_learning::Catalog::embedded().unwrap_or_else(|errors| {
            for e in errors {
                tracing::error!("khóa học lỗi: {e}");
            }
            hocvuso_learning::Catalog::default()
        });
        let defs = hocvuso_reporting::Definitions::embedded(&catalog).unwrap_or_else(|e| {
            tracing::error!("chỉ tiêu lỗi: {e}");
            hocvuso_reporting::Definitions {
                indicators: Vec::new(),
            }
        });
        let plan = match hocvuso_reporting::plan::embedded(&defs) {
            Ok(p) => Some(Arc::new(p)),
            Err(errors) => {
                for e in errors {
                    tracing::error!("kế hoạch lỗi: {e}");
                }
                None
            }
        };
        let mailer = config
            .smtp
            .as_ref()
            .and_then(|c| match crate::mail::Mailer::new(c) {
                Ok(m) => Some(Arc::new(m)),
                Err(e) => {
                    tracing::error!("máy chủ thư: {e}");
                    None
                }
            });
        Self {
            store,
            plan: Arc::new(std::sync::RwLock::new(plan)),
            mailer,
            config: Arc::new(config),
            throttle: Arc::new(Throttle::default()),
            imports: Arc::new(ImportJobs::default()),
            assistant: Arc::new(tokio::sync::RwLock::new(None)),
            catalog: Arc::new(catalog),
            indicator_defs: Arc::new(defs),
            indicator_cache: Arc::new(crate::indicators::IndicatorCache::default()),
        }
    }

    /// Use this course catalogue (built-in courses plus the office's own,
    /// validated by the caller).
    pub fn with_catalog(mut self, catalog: hocvuso_learning::Catalog) -> Self {
        self.catalog = Arc::new(catalog);
        self
    }

    /// Slow login guessing by these limits instead of the defaults (tests
    /// shorten the waits).
    pub fn with_login_limits(mut self, limits: crate::auth::LoginLimits) -> Self {
        self.throttle = Arc::new(Throttle::new(limits));
        self
    }

    /// Use these indicator definitions (checked by the caller).
    pub fn with_definitions(mut self, defs: hocvuso_reporting::Definitions) -> Self {
        self.indicator_defs = Arc::new(defs);
        self
    }

    /// Now, on the fixed day when one is set (tests, demos).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        match self.config.today {
            Some(d) => d
                .and_hms_opt(3, 0, 0)
                .map(|t| t.and_utc())
                .unwrap_or_default(),
            None => chrono::Utc::now(),
        }
    }

    /// The commune's name on reports and certificates: as the office set it
    /// on the set-up page, else the one given at start (`--commune`).
    pub async fn commune_name(&self) -> String {
        match self.store.commune_name().await {
            Ok(Some(name)) => name,
            _ => self.config.commune_name().to_string(),
        }
    }

    /// The plan in force.
    pub fn plan(&self) -> Option<Arc<hocvuso_domain::plan::Plan>> {
        self.plan.read().map(|p| p.clone()).unwrap_or_default()
    }

    /// Put a plan in force (the office saved this year's).
    pub fn set_plan(&self, plan: hocvuso_domain::plan::Plan) {
        if let Ok(mut p) = self.plan.write() {
            *p = Some(Arc::new(plan));
        }
    }

    /// Read the plan in force this year from the store (the office's own,
    /// when it saved one); at start, and by tests that restart.
    pub async fn load_plan(&self) -> Result<(), hocvuso_storage::StoreError> {
        use chrono::Datelike;
        match hocvuso_reporting::plan::in_force(
            &self.store,
            &self.indicator_defs,
            self.today().year(),
        )
        .await?
        {
            Ok(p) => self.set_plan(p),
            Err(errors) => {
                for e in errors {
                    tracing::error!("kế hoạch lỗi: {e}");
                }
            }
        }
        Ok(())
    }

    pub fn today(&self) -> NaiveDate {
        self.config
            .today
            .unwrap_or_else(hocvuso_domain::time::vn_today)
    }
}
