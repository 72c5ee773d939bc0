//! The plan's indicators, computed live from the registry and the learning
//! records; the pilot models; the quarterly commune report.
//!
//! What counts is data: `indicators.toml` (embedded; the office may put its
//! own in the data folder) names each indicator's population and what makes a
//! person count, and `courses/core.toml` says which courses make "basic
//! digital knowledge" for each group. The counting itself is SQL aggregates in
//! the store (`Store::reach_by_hamlet`...), one query per indicator, grouped
//! by hamlet and by the quarter in which each person was reached, so the trend
//! comes from the same query.

pub mod definitions;
pub mod demo;
pub mod models;
pub mod plan;
mod report;
mod xlsx;

pub use definitions::{Definitions, IndicatorDef, Kind, ReachedBy};
pub use report::{
    commune_report, render, report_docx, report_pdf, unit_statuses, ReportFormat, ReportInput,
    UnitStatus,
};
pub use xlsx::indicators_xlsx;

use chrono::{DateTime, Utc};
use hocvuso_domain::reports::{
    APPLICATIONS_ONLINE, APPLICATIONS_TOTAL, PAYMENTS_CASHLESS, PAYMENTS_TOTAL,
};
use hocvuso_domain::{Quarter, UnitType};
use hocvuso_learning::Catalog;
use hocvuso_storage::{Criterion, Population, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A part of an indicator: one hamlet, one group, one quarter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Part {
    pub key: String,
    pub name: String,
    pub numerator: i64,
    pub denominator: i64,
    pub value: Option<f64>,
}

impl Part {
    fn new(
        key: impl Into<String>,
        name: impl Into<String>,
        numerator: i64,
        denominator: i64,
    ) -> Part {
        Part {
            key: key.into(),
            name: name.into(),
            numerator,
            denominator,
            value: percent(numerator, denominator),
        }
    }

    /// The counts with thousands grouped ("4.517").
    pub fn numerator_text(&self) -> String {
        hocvuso_domain::numbers::integer(self.numerator)
    }

    pub fn denominator_text(&self) -> String {
        hocvuso_domain::numbers::integer(self.denominator)
    }

    /// "87,5%", or empty when nobody is counted.
    pub fn percent_text(&self) -> String {
        self.value
            .map(hocvuso_domain::numbers::percent)
            .unwrap_or_default()
    }
}

/// One indicator as the dashboard, the JSON and the reports show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub code: String,
    pub name: String,
    /// How it is computed, in words, with the numbers' meaning.
    pub formula: String,
    /// "%" or "mô hình".
    pub unit: String,
    pub target: Option<f64>,
    pub target_text: String,
    pub numerator: i64,
    pub denominator: i64,
    pub value: Option<f64>,
    /// Target minus value (positive: still to do), when both exist.
    pub gap: Option<f64>,
    pub met: Option<bool>,
    /// For the targets "tăng so với quý trước" (7a, 7b): the value minus the
    /// previous quarter's, in percentage points, once both quarters have data.
    #[serde(default)]
    pub change: Option<f64>,
    pub by_hamlet: Vec<Part>,
    /// The quarters of the year up to the chosen one, cumulative.
    pub trend: Vec<Part>,
    /// Whether the people behind the number can be listed.
    pub people: bool,
    pub source: String,
}

impl IndicatorResult {
    /// "tăng 2,5 điểm % so với quý trước" (or "giảm", "bằng quý trước"), for
    /// the targets that ask for a rise; empty before there are two quarters.
    pub fn change_text(&self) -> String {
        match self.change {
            Some(c) if c > 0.0 => format!(
                "tăng {} điểm % so với quý trước",
                hocvuso_domain::numbers::number(c)
            ),
            Some(c) if c < 0.0 => format!(
                "giảm {} điểm % so với quý trước",
                hocvuso_domain::numbers::number(-c)
            ),
            Some(_) => "bằng quý trước".into(),
            None => String::new(),
        }
    }

    /// The value as every page, command and document writes it: "50,4%",
    /// "Chưa có số liệu", or a count with its unit ("12 mô hình").
    pub fn value_text(&self) -> String {
        match (self.unit.as_str(), self.value) {
            ("%", v) => {
                let text = hocvuso_domain::numbers::percent_or_no_data(v);
                let mut c = text.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
            (u, _) => format!("{} {u}", hocvuso_domain::numbers::integer(self.numerator)),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dashboard {
    pub quarter: String,
    pub quarter_label: String,
    pub indicators: Vec<IndicatorResult>,
    /// Set when read from a stored snapshot: when it was computed.
    #[serde(default)]
    pub computed_at: Option<DateTime<Utc>>,
}

/// Compute a quarter's indicators and store them as its snapshot (for
/// province-sized data, where computing takes seconds: done in the
/// background, read by the dashboard).
pub async fn refresh_snapshot(cx: Context<'_>, quarter: Quarter) -> Result<Dashboard> {
    let mut d = dashboard(cx, quarter).await?;
    let at = Utc::now();
    d.computed_at = Some(at);
    let json = serde_json::to_string(&d).map_err(|e| ReportingError::Invalid(e.to_string()))?;
    cx.store
        .save_indicator_snapshot(&quarter.to_string(), at, &json)
        .await?;
    Ok(d)
}

/// The stored snapshot of a quarter, if any.
pub async fn snapshot(store: &Store, quarter: Quarter) -> Result<Option<Dashboard>> {
    match store.indicator_snapshot(&quarter.to_string()).await? {
        Some((at, json)) => {
            let mut d: Dashboard =
                serde_json::from_str(&json).map_err(|e| ReportingError::Invalid(e.to_string()))?;
            d.computed_at = Some(at);
            Ok(Some(d))
        }
        None => Ok(None),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Document(#[from] hocvuso_documents::DocumentError),
}

pub type Result<T> = std::result::Result<T, ReportingError>;

pub fn percent(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| (numerator as f64 * 1000.0 / denominator as f64).round() / 10.0)
}

/// Everything needed to compute: the store, the courses and the definitions.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub store: &'a Store,
    pub catalog: &'a Catalog,
    pub defs: &'a Definitions,
}

/// The population code of indicator 1 in indicators.toml: the cán bộ and
/// công chức of the commune's own bodies, by their category in a unit.
pub const COMMUNE_OFFICIALS: &str = "can_bo_cong_chuc_xa";

/// The population code of indicator 2: students from grade 1 up on an
/// active school's class list (the same code as the learners' group).
pub const STUDENTS: &str = "hoc_sinh";

/// The store's population for a population code of indicators.toml.
pub fn population_named(code: &str) -> Population {
    match code {
        "to_cnscd" => Population::DigitalTeam,
        COMMUNE_OFFICIALS => Population::CommuneOfficials,
        STUDENTS => Population::Students,
        group => Population::Group(group.to_string()),
    }
}

/// The learners' group whose core courses a population must pass
/// (`courses/core.toml`): the commune's officials take the officials' courses.
pub fn audience_of(code: &str) -> &str {
    if code == COMMUNE_OFFICIALS {
        "can_bo"
    } else {
        code
    }
}

/// The store's population and criteria for a people-counting indicator.
pub fn population_of(
    def: &IndicatorDef,
    catalog: &Catalog,
) -> Option<(Population, Vec<Criterion>)> {
    let code = def.population.as_deref()?;
    let population = population_named(code);
    let group = audience_of(code);
    let criteria = def
        .reached
        .iter()
        .map(|r| match r {
            ReachedBy::Basic => Criterion::AllCourses(
                catalog
                    .basic_knowledge
                    .get(group)
                    .cloned()
                    .unwrap_or_default(),
            ),
            ReachedBy::Course(id) => Criterion::AnyCourse(vec![id.clone()]),
            ReachedBy::AllCourses(ids) => Criterion::AllCourses(ids.clone()),
            ReachedBy::Assistant => Criterion::Assistant,
            ReachedBy::Milestone(m) => Criterion::Milestone(m.code().to_string()),
        })
        .collect();
    Some((population, criteria))
}

fn hamlet_names(hamlets: &[hocvuso_domain::Hamlet]) -> BTreeMap<i64, String> {
    hamlets.iter().map(|h| (h.id, h.name.clone())).collect()
}

/// Compute every indicator for a quarter (values as of its end, or now if
/// it has not ended), with the trend over the quarters of its year.
pub async fn dashboard(cx: Context<'_>, quarter: Quarter) -> Result<Dashboard> {
    let names = hamlet_names(&cx.store.list_hamlets().await?);
    let quarters = quarter.year_to_date();
    let bounds: Vec<DateTime<Utc>> = quarters.iter().map(|q| q.end()).collect();
    let units = cx.store.list_units().await?;
    let models = cx.store.pilot_models().await?;
    let mut reports = BTreeMap::new();
    // The quarter before the first of the year too: 7a and 7b compare each
    // quarter with the one before (Q1 with last year's Q4).
    let before = quarters.first().map(|q| q.prev());
    for q in quarters.iter().chain(before.iter()) {
        reports.insert(*q, cx.store.unit_reports(&q.to_string()).await?);
    }
    // The people-counting queries are independent: run them side by side
    // on the store's read pool.
    let people = futures_util::future::try_join_all(
        cx.defs
            .indicators
            .iter()
            .filter(|d| d.kind == Kind::People)
            .map(|def| people_indicator(cx, def, &quarters, &bounds, &names)),
    )
    .await?;
    let mut people = people.into_iter();
    let mut out = Vec::new();
    for def in &cx.defs.indicators {
        let r = match def.kind {
            Kind::People => match people.next() {
                Some(r) => r,
                None => continue,
            },
            Kind::CommuneModels | Kind::SchoolModels => models::indicator(def, &units, &models),
            Kind::OnlineApplications | Kind::CashlessPayments => {
                public_service_indicator(def, &units, quarter, &quarters, &reports)
            }
        };
        out.push(r);
    }
    Ok(Dashboard {
        quarter: quarter.to_string(),
        quarter_label: quarter.label(),
        indicators: out,
        computed_at: None,
    })
}

fn finish(def: &IndicatorDef, mut r: IndicatorResult) -> IndicatorResult {
    r.value = if r.unit == "%" {
        percent(r.numerator, r.denominator)
    } else {
        Some(r.numerator as f64)
    };
    r.gap = match (r.target, r.value) {
        (Some(t), Some(v)) => Some(((t - v) * 10.0).round() / 10.0),
        _ => None,
    };
    r.met = match (r.target, r.value) {
        (Some(t), Some(v)) => Some(if def.above { v > t } else { v >= t }),
        _ => None,
    };
    r
}

fn base(def: &IndicatorDef, unit: &str, formula: String) -> IndicatorResult {
    IndicatorResult {
        code: def.code.clone(),
        name: def.name.clone(),
        formula,
        unit: unit.into(),
        target: def.target,
        target_text: def.target_text(unit),
        numerator: 0,
        denominator: 0,
        value: None,
        gap: None,
        met: None,
        change: None,
        by_hamlet: Vec::new(),
        trend: Vec::new(),
        people: false,
        source: def.source.clone(),
    }
}

async fn people_indicator(
    cx: Context<'_>,
    def: &IndicatorDef,
    quarters: &[Quarter],
    bounds: &[DateTime<Utc>],
    names: &BTreeMap<i64, String>,
) -> Result<IndicatorResult> {
    let Some((population, criteria)) = population_of(def, cx.catalog) else {
        return Err(ReportingError::Invalid(format!(
            "chỉ tiêu {} thiếu population",
            def.code
        )));
    };
    let rows = cx
        .store
        .reach_by_hamlet(&population, &criteria, bounds)
        .await?;
    let last = bounds.len() as i64 - 1;
    let mut by_hamlet: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let mut per_bucket = vec![0i64; bounds.len()];
    let mut total = 0i64;
    for r in &rows {
        let e = by_hamlet.entry(r.key).or_default();
        e.1 += r.n;
        total += r.n;
        if (0..=last).contains(&r.bucket) {
            e.0 += r.n;
            per_bucket[r.bucket as usize] += r.n;
        }
    }
    let mut r = base(def, "%", cx.defs.formula(def, cx.catalog));
    r.denominator = total;
    r.numerator = per_bucket.iter().sum();
    r.people = true;
    r.by_hamlet = by_hamlet
        .into_iter()
        .map(|(id, (n, d))| {
            Part::new(
                id.to_string(),
                names.get(&id).cloned().unwrap_or_default(),
                n,
                d,
            )
        })
        .collect();
    let mut cumulative = 0;
    r.trend = quarters
        .iter()
        .zip(&per_bucket)
        .map(|(q, n)| {
            cumulative += n;
            Part::new(q.to_string(), q.short_label(), cumulative, total)
        })
        .collect();
    Ok(finish(def, r))
}

/// Sum a number over the submitted reports of the public service centres.
fn sum_numbers(reports: &[hocvuso_storage::UnitReport], units: &[i64], key: &str) -> i64 {
    reports
        .iter()
        .filter(|r| r.is_submitted() && units.contains(&r.unit_id))
        .filter_map(|r| r.figures().get(key).copied())
        .sum()
}

fn public_service_indicator(
    def: &IndicatorDef,
    units: &[hocvuso_domain::Unit],
    quarter: Quarter,
    quarters: &[Quarter],
    reports: &BTreeMap<Quarter, Vec<hocvuso_storage::UnitReport>>,
) -> IndicatorResult {
    let centres: Vec<i64> = units
        .iter()
        .filter(|u| u.unit_type == UnitType::PublicServiceCentre)
        .map(|u| u.id)
        .collect();
    let (part, whole) = if def.kind == Kind::OnlineApplications {
        (APPLICATIONS_ONLINE, APPLICATIONS_TOTAL)
    } else {
        (PAYMENTS_CASHLESS, PAYMENTS_TOTAL)
    };
    let formula = if def.kind == Kind::OnlineApplications {
        "Số hồ sơ nộp trực tuyến ÷ tổng số hồ sơ tiếp nhận trong quý × 100%, theo báo cáo quý đã nộp của Trung tâm Phục vụ hành chính công xã."
    } else {
        "Số giao dịch thu phí, lệ phí không dùng tiền mặt ÷ tổng số giao dịch thu phí, lệ phí trong quý × 100%, theo báo cáo quý đã nộp của Trung tâm Phục vụ hành chính công xã."
    };
    let mut r = base(def, "%", formula.to_string());
    r.trend = quarters
        .iter()
        .map(|q| {
            let list = reports.get(q).map(Vec::as_slice).unwrap_or(&[]);
            Part::new(
                q.to_string(),
                q.short_label(),
                sum_numbers(list, &centres, part),
                sum_numbers(list, &centres, whole),
            )
        })
        .collect();
    if let Some(last) = r.trend.last() {
        r.numerator = last.numerator;
        r.denominator = last.denominator;
    }
    let previous = reports.get(&quarter.prev()).map(|list| {
        percent(
            sum_numbers(list, &centres, part),
            sum_numbers(list, &centres, whole),
        )
    });
    let mut r = finish(def, r);
    if def.target.is_none() {
        // "Tăng so với quý trước": met once both quarters have numbers.
        if let (Some(now), Some(Some(before))) = (r.value, previous) {
            r.change = Some(((now - before) * 10.0).round() / 10.0);
            r.met = Some(now > before);
        }
    }
    r
}

/// One indicator with its breakdown by target group (computed on demand:
/// one query per group).
pub async fn by_group(cx: Context<'_>, def: &IndicatorDef, quarter: Quarter) -> Result<Vec<Part>> {
    let Some((population, criteria)) = population_of(def, cx.catalog) else {
        return Ok(Vec::new());
    };
    let bounds = [quarter.end()];
    let mut out = Vec::new();
    for a in hocvuso_learning::AUDIENCES {
        if def.population.as_deref() == Some(a.code) {
            continue;
        }
        let group = population_named(a.code);
        let rows = cx
            .store
            .reach_in_group(&population, &group, &criteria, &bounds)
            .await?;
        let total: i64 = rows.iter().map(|r| r.n).sum();
        let reached: i64 = rows.iter().filter(|r| r.bucket == 0).map(|r| r.n).sum();
        if total > 0 {
            out.push(Part::new(a.code, a.label, reached, total));
        }
    }
    Ok(out)
}
