//! The plan (issue 15): its tasks with live status and a timeline
//! (`/ke-hoach`), one task with what was done against it
//! (`/ke-hoach/{code}`). The plan is the file `hocvuso_reporting::plan`
//! reads; the statuses come from the records through the domain's rule.
//! Staff who see the indicators see the plan (`Resource::Indicators`).

use crate::auth::CurrentUser;
use crate::charts::{timeline, TimelineRow};
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::plan::{next_year_text, Plan, TaskStatus, PLAN_TEXT_MAX};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::units::UnitType;
use hocvuso_reporting::plan::{progress, task_progress, TaskProgress};
use serde::Deserialize;
use std::sync::Arc;

/// A plan file sent from the edit page: 64 KB of text, percent-encoded.
pub const BODY_LIMIT: usize = 4 * PLAN_TEXT_MAX;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ke-hoach", get(overview))
        .route("/ke-hoach/sua", get(edit_page).post(save))
        .route("/ke-hoach/nam-sau", post(next_year))
        .route("/ke-hoach/{code}", get(task_page))
}

/// The plan, or a page saying it could not be read.
fn plan_of(state: &AppState) -> AppResult<Arc<Plan>> {
    state.plan().ok_or_else(|| {
        AppError::Internal(
            "Tệp kế hoạch có lỗi: hãy chạy `hocvuso plan check` để xem cách sửa".into(),
        )
    })
}

fn may_see(user: &CurrentUser) -> AppResult<()> {
    if user.role().allowed(Action::See, Resource::Indicators) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Unit types as the plan page writes them: "Phòng Văn hóa – Xã hội, Công an xã".
fn unit_names(types: &[UnitType]) -> String {
    types
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A task as a row of the overview.
struct Row {
    code: String,
    title: String,
    lead: String,
    period: String,
    status: &'static str,
    status_code: &'static str,
    rule: String,
}

impl Row {
    fn of(p: &TaskProgress) -> Self {
        Row {
            code: p.task.code.clone(),
            title: p.task.title.clone(),
            lead: unit_names(&p.task.lead),
            period: p.task.period_text.clone(),
            status: p.assessed.status.label(),
            status_code: p.assessed.status.code(),
            rule: p.assessed.rule.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "plan.html")]
struct OverviewPage {
    nav: Option<Nav>,
    plan: Plan,
    today: String,
    chart: String,
    rows: Vec<Row>,
    behind: usize,
    can_edit: bool,
}

async fn overview(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    may_see(&user)?;
    let plan = plan_of(&state)?;
    let today = state.today();
    let tasks = progress(&state.store, &plan, today).await?;
    let chart = timeline(
        plan.year,
        &tasks
            .iter()
            .map(|p| TimelineRow {
                code: p.task.code.clone(),
                title: p.task.title.clone(),
                phases: p
                    .task
                    .phases
                    .iter()
                    .map(|ph| {
                        (
                            ph.start(),
                            ph.end(),
                            format!("{}: {}", ph.label, ph.span_text()),
                        )
                    })
                    .collect(),
                status: p.assessed.status,
            })
            .collect::<Vec<_>>(),
        today,
    );
    let html = OverviewPage {
        nav: Some(Nav::of(&user)),
        behind: tasks
            .iter()
            .filter(|p| p.assessed.status == TaskStatus::Behind)
            .count(),
        rows: tasks.iter().map(Row::of).collect(),
        can_edit: may_edit(&user).is_ok(),
        plan: (*plan).clone(),
        today: today.format("%d/%m/%Y").to_string(),
        chart,
    }
    .render()?;
    Ok(Html(html).into_response())
}

struct PhaseView {
    label: String,
    span: String,
    activities: i64,
    /// "12/20 xóm" where every hamlet must take part.
    hamlets: Option<String>,
}

#[derive(Template)]
#[template(path = "plan_task.html")]
struct TaskPage {
    nav: Option<Nav>,
    task: hocvuso_domain::plan::Task,
    status: &'static str,
    status_code: &'static str,
    rule: String,
    phases: Vec<PhaseView>,
    /// (noun, count) per source over the whole period so far.
    counted: Vec<(&'static str, i64)>,
    /// (id, name, leads, what it recorded): the commune's units of the
    /// task's unit types, and by whom what was done.
    units: Vec<(i64, String, bool, String)>,
    lead: String,
    coordinating: String,
    /// (code, unit heading) of section V's duties that serve the task.
    duties: Vec<(String, String)>,
}

async fn task_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> AppResult<Response> {
    may_see(&user)?;
    let plan = plan_of(&state)?;
    let task = plan.task(&code).ok_or(AppError::NotFound)?;
    let p = task_progress(&state.store, task, state.today()).await?;
    let records = state.store.unit_records().await?;
    let units = state
        .store
        .list_units()
        .await?
        .into_iter()
        .filter(|u| u.active)
        .filter_map(|u| {
            let leads = p.task.lead.contains(&u.unit_type);
            let recorded = records
                .iter()
                .find(|r| r.unit_id == u.id)
                .cloned()
                .unwrap_or_default()
                .text();
            (leads || p.task.coordinating.contains(&u.unit_type))
                .then_some((u.id, u.name, leads, recorded))
        })
        .collect();
    let html = TaskPage {
        nav: Some(Nav::of(&user)),
        status: p.assessed.status.label(),
        status_code: p.assessed.status.code(),
        rule: p.assessed.rule.clone(),
        phases: p
            .task
            .phases
            .iter()
            .zip(&p.phases)
            .map(|(ph, pr)| PhaseView {
                label: ph.label.clone(),
                span: ph.span_text(),
                activities: pr.activities,
                hamlets: ph
                    .each_hamlet
                    .then(|| format!("{}/{} xóm", pr.hamlets_reached, pr.hamlets)),
            })
            .collect(),
        counted: p.by_source.iter().map(|(s, n)| (s.noun(), *n)).collect(),
        units,
        lead: unit_names(&p.task.lead),
        coordinating: unit_names(&p.task.coordinating),
        duties: plan
            .duties
            .iter()
            .filter(|d| d.tasks.contains(&p.task.code))
            .map(|d| (d.code.clone(), d.unit.clone()))
            .collect(),
        task: p.task,
    }
    .render()?;
    Ok(Html(html).into_response())
}

/// Editing the plan is the office's (the set-up's rights).
fn may_edit(user: &CurrentUser) -> AppResult<()> {
    if user.role().allowed(Action::Change, Resource::Setup) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Deserialize)]
struct EditQuery {
    nam: Option<String>,
    #[serde(default)]
    xong: String,
}

#[derive(Template)]
#[template(path = "plan_edit.html")]
struct EditPage {
    nav: Option<Nav>,
    year: i32,
    /// The years the office can open: (year, saved on).
    years: Vec<(i32, String)>,
    text: String,
    errors: Vec<String>,
    saved: bool,
    /// Whether next year has no plan yet (so it can be started from this one).
    next_free: bool,
    in_force: bool,
}

fn year_of(asked: Option<&str>, default: i32) -> AppResult<i32> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or(AppError::NotFound),
    }
}

async fn render_edit(
    state: &AppState,
    user: &CurrentUser,
    year: i32,
    text: Option<String>,
    errors: Vec<String>,
    saved: bool,
) -> AppResult<Html<String>> {
    let saved_years = state.store.plan_years().await?;
    let this_year = state.today().year();
    let text = match text {
        Some(t) => t,
        None => match state.store.plan_text(year).await? {
            Some(t) => t,
            None => {
                let (y, t, _) = hocvuso_reporting::plan::text_for(&state.store, year).await?;
                if y != year {
                    return Err(AppError::NotFound);
                }
                t
            }
        },
    };
    let mut years: Vec<(i32, String)> = saved_years
        .iter()
        .map(|(y, at)| {
            (
                *y,
                hocvuso_domain::time::vn_date(*at)
                    .format("%d/%m/%Y")
                    .to_string(),
            )
        })
        .collect();
    let shipped = hocvuso_reporting::plan::text_for(&state.store, this_year)
        .await?
        .0;
    if !years.iter().any(|(y, _)| *y == shipped) {
        years.push((shipped, String::new()));
        years.sort();
    }
    let page = EditPage {
        nav: Some(Nav::of(user)),
        year,
        next_free: !saved_years.iter().any(|(y, _)| *y == year + 1),
        in_force: state.plan().is_some_and(|p| p.year == year),
        years,
        text,
        errors,
        saved,
    };
    Ok(Html(page.render()?))
}

/// The plan file of a year, to edit in the browser.
async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<EditQuery>,
) -> AppResult<Html<String>> {
    may_edit(&user)?;
    let default = state.plan().map_or(state.today().year(), |p| p.year);
    let year = year_of(q.nam.as_deref(), default)?;
    render_edit(&state, &user, year, None, Vec::new(), q.xong == "1").await
}

#[derive(Deserialize)]
struct SaveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    nam: String,
    #[serde(default)]
    noi_dung: String,
}

/// Save a year's plan once it reads without an error; otherwise the page
/// again with every error and its line, and the text as sent.
async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<SaveForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    may_edit(&user)?;
    let year = year_of(Some(&f.nam), 0)?;
    let text = f.noi_dung.replace("\r\n", "\n");
    let errors = if text.len() > PLAN_TEXT_MAX {
        vec![format!(
            "Tệp kế hoạch dài quá {} KB: hãy bỏ bớt phần không cần.",
            PLAN_TEXT_MAX / 1024
        )]
    } else {
        match hocvuso_reporting::plan::parse(
            &hocvuso_reporting::plan::file_name(year),
            &text,
            Some(&state.indicator_defs),
        ) {
            Ok(p) if p.year != year => vec![format!(
                "Tệp ghi year = {} nhưng đang sửa kế hoạch năm {year}: hãy sửa dòng year.",
                p.year
            )],
            Ok(p) => {
                state
                    .store
                    .save_plan_text(year, &text, Some(user.user.id), state.now())
                    .await?;
                if year == state.today().year() || state.plan().is_some_and(|x| x.year == year) {
                    state.set_plan(p);
                }
                user.audit(
                    &state,
                    AuditAction::Edit,
                    AuditObject::Plan,
                    year.to_string(),
                    "sửa kế hoạch",
                );
                return Ok(
                    Redirect::to(&format!("/ke-hoach/sua?nam={year}&xong=1")).into_response()
                );
            }
            Err(errors) => errors,
        }
    };
    let page = render_edit(&state, &user, year, Some(text), errors, false).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

#[derive(Deserialize)]
struct NextYearForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    nam: String,
}

/// Start next year's plan from this one: the year and its quarters move on
/// a year; the office edits the rest. An existing plan is never overwritten.
async fn next_year(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<NextYearForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    may_edit(&user)?;
    let year = year_of(Some(&f.nam), 0)?;
    let next = year + 1;
    if state.store.plan_text(next).await?.is_none() {
        let (y, text, _) = hocvuso_reporting::plan::text_for(&state.store, year).await?;
        if y != year {
            return Err(AppError::NotFound);
        }
        let draft = next_year_text(&text, year);
        if let Err(errors) = hocvuso_reporting::plan::parse(
            &hocvuso_reporting::plan::file_name(next),
            &draft,
            Some(&state.indicator_defs),
        ) {
            return Err(AppError::BadRequest(format!(
                "Chưa lập được kế hoạch năm {next}: {}",
                errors.join("; ")
            )));
        }
        state
            .store
            .save_plan_text(next, &draft, Some(user.user.id), state.now())
            .await?;
        user.audit(
            &state,
            AuditAction::Create,
            AuditObject::Plan,
            next.to_string(),
            format!("lập từ kế hoạch năm {year}"),
        );
    }
    Ok(Redirect::to(&format!("/ke-hoach/sua?nam={next}")).into_response())
}
