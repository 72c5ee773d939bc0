//! The indicators dashboard: every indicator of the plan with its value,
//! target, gap and trend; one page per indicator with its formula and its
//! breakdown by hamlet and by group; and the people behind a number ("no one
//! left behind"), within the viewer's scope.

use crate::auth::CurrentUser;
use crate::charts;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::Quarter;
use hocvuso_reporting::{Context, IndicatorResult, Part};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/chi-tieu", get(dashboard))
        .route("/chi-tieu/{code}", get(indicator))
        .route("/chi-tieu/{code}/nguoi", get(people))
}

/// Computed indicators, per quarter, reused while nothing has changed.
///
/// Computing every indicator costs a few hundred milliseconds on the demo
/// commune (one aggregate query each); the dashboard is read far more often
/// than the data changes. Every write request this server handles (a quiz
/// passed, a report submitted, an import...) moves `version` on, which makes
/// the next read recompute; writes from elsewhere (the command line, another
/// server on the same PostgreSQL) show within `MAX_AGE`.
#[derive(Default)]
pub struct IndicatorCache {
    version: std::sync::atomic::AtomicU64,
    #[allow(clippy::type_complexity)]
    entries: std::sync::Mutex<
        std::collections::HashMap<
            String,
            (
                u64,
                std::time::Instant,
                std::sync::Arc<dyn std::any::Any + Send + Sync>,
            ),
        >,
    >,
}

const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(30);

impl IndicatorCache {
    /// Data has changed: recompute on the next read.
    pub fn invalidate(&self) {
        self.version
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn get<T: Send + Sync + 'static>(&self, key: &str) -> Option<std::sync::Arc<T>> {
        let v = self.version.load(std::sync::atomic::Ordering::Relaxed);
        let map = self.entries.lock().ok()?;
        let (ver, at, value) = map.get(key)?;
        if *ver != v || at.elapsed() > MAX_AGE {
            return None;
        }
        value.clone().downcast::<T>().ok()
    }

    fn put<T: Send + Sync + 'static>(&self, key: String, version: u64, value: std::sync::Arc<T>) {
        if let Ok(mut map) = self.entries.lock() {
            map.insert(key, (version, std::time::Instant::now(), value));
        }
    }
}

/// The dashboard of a quarter, from the cache when the data has not changed.
pub async fn cached_dashboard(
    state: &AppState,
    quarter: Quarter,
) -> AppResult<std::sync::Arc<hocvuso_reporting::Dashboard>> {
    let key = format!("d:{quarter}");
    if let Some(d) = state.indicator_cache.get(&key) {
        return Ok(d);
    }
    let version = state
        .indicator_cache
        .version
        .load(std::sync::atomic::Ordering::Relaxed);
    let computed = if state.config.snapshot_minutes > 0 {
        match hocvuso_reporting::snapshot(&state.store, quarter)
            .await
            .map_err(reporting_error)?
        {
            Some(d) => d,
            None => hocvuso_reporting::refresh_snapshot(context(state), quarter)
                .await
                .map_err(reporting_error)?,
        }
    } else {
        hocvuso_reporting::dashboard(context(state), quarter)
            .await
            .map_err(reporting_error)?
    };
    let d = std::sync::Arc::new(computed);
    state.indicator_cache.put(key, version, d.clone());
    Ok(d)
}

/// With snapshots on: recompute this quarter's and last quarter's
/// indicators every `snapshot_minutes`, for as long as the server runs.
pub async fn refresh_snapshots_forever(state: AppState) {
    let every = std::time::Duration::from_secs(state.config.snapshot_minutes.max(1) * 60);
    loop {
        let now = Quarter::containing(state.today());
        for q in [now, now.prev()] {
            let t = std::time::Instant::now();
            match hocvuso_reporting::refresh_snapshot(context(&state), q).await {
                Ok(_) => {
                    tracing::info!(quarter = %q, ms = t.elapsed().as_millis() as u64, "indicator snapshot refreshed")
                }
                Err(e) => tracing::error!(quarter = %q, error = %e, "indicator snapshot failed"),
            }
        }
        state.indicator_cache.invalidate();
        tokio::time::sleep(every).await;
    }
}

async fn cached_groups(
    state: &AppState,
    def: &hocvuso_reporting::IndicatorDef,
    quarter: Quarter,
) -> AppResult<std::sync::Arc<Vec<Part>>> {
    let key = format!("g:{quarter}:{}", def.code);
    if let Some(g) = state.indicator_cache.get(&key) {
        return Ok(g);
    }
    let version = state
        .indicator_cache
        .version
        .load(std::sync::atomic::Ordering::Relaxed);
    let g = std::sync::Arc::new(
        hocvuso_reporting::by_group(context(state), def, quarter)
            .await
            .map_err(reporting_error)?,
    );
    state.indicator_cache.put(key, version, g.clone());
    Ok(g)
}

/// Middleware: any request that may write (not GET or HEAD) invalidates
/// the computed indicators once it has been handled.
pub async fn invalidate_on_write(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let resp = next.run(req).await;
    if writes {
        state.indicator_cache.invalidate();
    }
    resp
}

#[derive(Deserialize, Default)]
pub struct QuarterQuery {
    pub quy: Option<String>,
}

/// The quarter asked for, or the current one.
pub fn quarter_of(state: &AppState, q: Option<&str>) -> AppResult<Quarter> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Quarter::parse(s).map_err(|e| AppError::BadRequest(e.to_string())),
        None => Ok(Quarter::containing(state.today())),
    }
}

pub fn context(state: &AppState) -> Context<'_> {
    Context {
        store: &state.store,
        catalog: &state.catalog,
        defs: &state.indicator_defs,
    }
}

fn officials_only(user: &CurrentUser) -> AppResult<()> {
    if user.role().allowed(Action::See, Resource::Indicators) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub struct Card {
    pub r: IndicatorResult,
    pub value_text: String,
    /// Numerator and denominator with thousands grouped ("12.345", "19.562").
    pub numerator_text: String,
    pub denominator_text: String,
    pub gap_text: String,
    pub bar: String,
    pub trend: String,
}

fn card(r: IndicatorResult) -> Card {
    let change = r.change_text();
    let gap_text = match (r.met, r.gap) {
        (Some(true), _) if !change.is_empty() => format!("Đã đạt: {change}"),
        (Some(false), _) if !change.is_empty() => format!("Chưa đạt: {change}"),
        (Some(true), _) => "Đã đạt".into(),
        (Some(false), Some(g)) if r.unit == "%" => {
            format!(
                "Còn thiếu {} điểm %",
                hocvuso_reporting::definitions::fmt_num(g.max(0.0))
            )
        }
        (Some(false), Some(g)) => {
            format!("Còn thiếu {}", hocvuso_reporting::definitions::fmt_num(g))
        }
        _ => String::new(),
    };
    let bar = if r.unit == "%" {
        charts::bars(&[("Toàn xã".into(), r.value)], r.target, &r.name)
    } else {
        String::new()
    };
    let trend_points: Vec<(String, Option<f64>)> =
        r.trend.iter().map(|p| (p.name.clone(), p.value)).collect();
    let trend = if trend_points.is_empty() {
        String::new()
    } else {
        charts::trend(
            &trend_points,
            r.target,
            &format!("{}: diễn biến theo quý", r.name),
        )
    };
    Card {
        value_text: r.value_text(),
        numerator_text: hocvuso_domain::numbers::integer(r.numerator),
        denominator_text: hocvuso_domain::numbers::integer(r.denominator),
        gap_text,
        bar,
        trend,
        r,
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Option<Nav>,
    quarter: String,
    quarter_label_text: String,
    quarters: Vec<(String, String)>,
    cards: Vec<Card>,
    can_report: bool,
    computed_at: Option<String>,
    milestones: MilestoneTable,
}

/// Each milestone's share (rows) by hamlet, then by target group (columns).
pub struct MilestoneTable {
    pub columns: Vec<String>,
    /// (milestone label, a cell per column).
    pub rows: Vec<(String, Vec<String>)>,
    pub empty: bool,
}

impl MilestoneTable {
    fn of(s: &hocvuso_storage::MilestoneShares, hamlets: &[(i64, String)]) -> MilestoneTable {
        use hocvuso_domain::field::Milestone;
        use hocvuso_domain::TargetGroup;
        let share = |n: i64, total: i64| {
            hocvuso_domain::numbers::percent_or_no_data(
                (total > 0).then(|| n as f64 * 100.0 / total as f64),
            )
        };
        let mut columns: Vec<String> = hamlets.iter().map(|(_, n)| n.clone()).collect();
        columns.extend(TargetGroup::ALL.iter().map(|g| g.label().to_string()));
        let rows = Milestone::ALL
            .iter()
            .map(|m| {
                let mut cells: Vec<String> = hamlets
                    .iter()
                    .map(|(h, _)| {
                        let n = s
                            .by_hamlet
                            .iter()
                            .find(|(x, c, _)| x == h && c == m.code())
                            .map_or(0, |r| r.2);
                        let total = s
                            .hamlet_totals
                            .iter()
                            .find(|(x, _)| x == h)
                            .map_or(0, |r| r.1);
                        share(n, total)
                    })
                    .collect();
                cells.extend(TargetGroup::ALL.iter().map(|g| {
                    let n = s
                        .by_group
                        .iter()
                        .find(|(x, c, _)| x == g.code() && c == m.code())
                        .map_or(0, |r| r.2);
                    let total = s
                        .group_totals
                        .iter()
                        .find(|(x, _)| x == g.code())
                        .map_or(0, |r| r.1);
                    share(n, total)
                }));
                (m.label().to_string(), cells)
            })
            .collect();
        MilestoneTable {
            columns,
            rows,
            empty: s.by_hamlet.is_empty() && s.by_group.is_empty(),
        }
    }
}

/// The quarters a user may pick (`Quarter::pickable`), as (value, label).
pub fn quarter_choices(today: chrono::NaiveDate) -> Vec<(String, String)> {
    Quarter::pickable(today)
        .into_iter()
        .map(|q| (q.to_string(), q.label()))
        .collect()
}

async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<QuarterQuery>,
) -> AppResult<Html<String>> {
    officials_only(&user)?;
    let quarter = quarter_of(&state, q.quy.as_deref())?;
    let d = cached_dashboard(&state, quarter).await?;
    let hamlets: Vec<(i64, String)> = state
        .store
        .list_hamlets()
        .await?
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect();
    let milestones = MilestoneTable::of(&state.store.milestone_shares().await?, &hamlets);
    Ok(Html(
        DashboardPage {
            nav: Some(Nav::of(&user)),
            quarter: d.quarter.clone(),
            quarter_label_text: quarter.label_in_text(),
            quarters: quarter_choices(state.today()),
            cards: d.indicators.iter().cloned().map(card).collect(),
            computed_at: d.computed_at.map(crate::pages::vn_time),
            can_report: user.role().can_manage_reports(),
            milestones,
        }
        .render()?,
    ))
}

pub fn reporting_error(e: hocvuso_reporting::ReportingError) -> AppError {
    match e {
        hocvuso_reporting::ReportingError::Store(s) => s.into(),
        other => AppError::Internal(other.to_string()),
    }
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    nav: Option<Nav>,
    quarter: String,
    quarter_label: String,
    c: Card,
    hamlet_chart: String,
    group_chart: String,
    hamlets: Vec<Part>,
    groups: Vec<Part>,
    drill: bool,
}

async fn indicator(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<QuarterQuery>,
) -> AppResult<Html<String>> {
    officials_only(&user)?;
    let quarter = quarter_of(&state, q.quy.as_deref())?;
    let def = state
        .indicator_defs
        .get(&code)
        .ok_or(AppError::NotFound)?
        .clone();
    let d = cached_dashboard(&state, quarter).await?;
    let r = d
        .indicators
        .iter()
        .find(|r| r.code == code)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let groups = cached_groups(&state, &def, quarter).await?.as_ref().clone();
    let rows = |parts: &[Part]| -> Vec<(String, Option<f64>)> {
        parts.iter().map(|p| (p.name.clone(), p.value)).collect()
    };
    let target = if r.unit == "%" { r.target } else { None };
    let hamlet_chart = if r.by_hamlet.is_empty() {
        String::new()
    } else {
        charts::bars(&rows(&r.by_hamlet), target, "Theo xóm")
    };
    let group_chart = if groups.is_empty() {
        String::new()
    } else {
        charts::bars(&rows(&groups), target, "Theo nhóm đối tượng")
    };
    let drill = r.people && user.role().allowed(Action::See, Resource::IndicatorPeople);
    Ok(Html(
        IndicatorPage {
            nav: Some(Nav::of(&user)),
            quarter: quarter.to_string(),
            quarter_label: quarter.label(),
            hamlets: r.by_hamlet.clone(),
            c: card(r),
            hamlet_chart,
            group_chart,
            groups,
            drill,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
struct PeopleQuery {
    quy: Option<String>,
    xom: Option<i64>,
    dat: Option<u8>,
    trang: Option<i64>,
}

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub hamlet: String,
    pub birth_year: String,
}

#[derive(Template)]
#[template(path = "indicator_people.html")]
struct PeoplePage {
    nav: Option<Nav>,
    code: String,
    name: String,
    quarter: String,
    quarter_label: String,
    reached: bool,
    hamlet: Option<(i64, String)>,
    total: i64,
    /// Counted but not named: no consent to be named in lists.
    unnamed: i64,
    rows: Vec<PersonRow>,
    page: i64,
    pages: i64,
}

const PAGE: i64 = 50;

async fn people(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<PeopleQuery>,
) -> AppResult<Html<String>> {
    officials_only(&user)?;
    let quarter = quarter_of(&state, q.quy.as_deref())?;
    let def = state.indicator_defs.get(&code).ok_or(AppError::NotFound)?;
    let (population, criteria) =
        hocvuso_reporting::population_of(def, &state.catalog).ok_or(AppError::NotFound)?;
    // Within the viewer's scope: a hamlet head sees their hamlet only.
    let hamlet = match user.role().scope(Action::See, Resource::IndicatorPeople) {
        Some(ResidentScope::All) => q.xom,
        Some(ResidentScope::Hamlet(h)) => {
            if q.xom.is_some_and(|x| x != h) {
                return Err(AppError::NotFound);
            }
            Some(h)
        }
        _ => return Err(AppError::Forbidden),
    };
    let reached = q.dat == Some(1);
    let page = q.trang.unwrap_or(1).max(1);
    let list = state
        .store
        .reach_people(
            &population,
            &criteria,
            quarter.end(),
            reached,
            hamlet,
            PAGE,
            (page - 1) * PAGE,
        )
        .await?;
    user.audit(
        &state,
        AuditAction::ViewList,
        AuditObject::Indicator,
        &code,
        format!(
            "{} {}{}",
            quarter,
            if reached {
                "đã đạt"
            } else {
                "chưa đạt"
            },
            hamlet.map(|h| format!(", xóm #{h}")).unwrap_or_default()
        ),
    );
    let hamlets = state.store.list_hamlets().await?;
    let name_of = |id: i64| {
        hamlets
            .iter()
            .find(|h| h.id == id)
            .map(|h| h.name.clone())
            .unwrap_or_default()
    };
    Ok(Html(
        PeoplePage {
            nav: Some(Nav::of(&user)),
            code: code.clone(),
            name: def.name.clone(),
            quarter: quarter.to_string(),
            quarter_label: quarter.label(),
            reached,
            hamlet: hamlet.map(|h| (h, name_of(h))),
            total: list.total,
            unnamed: list.total - list.named,
            rows: list
                .people
                .into_iter()
                .map(|p| PersonRow {
                    id: p.id,
                    name: p.full_name,
                    hamlet: name_of(p.hamlet_id),
                    birth_year: p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                })
                .collect(),
            page,
            pages: ((list.named + PAGE - 1) / PAGE).max(1),
        }
        .render()?,
    ))
}
