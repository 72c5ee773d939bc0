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
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hocvuso_domain::plan::{Plan, TaskStatus};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::units::UnitType;
use hocvuso_reporting::plan::{progress, task_progress, TaskProgress};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ke-hoach", get(overview))
        .route("/ke-hoach/{code}", get(task_page))
}

/// The plan, or a page saying it could not be read.
fn plan_of(state: &AppState) -> AppResult<&Plan> {
    state.plan.as_deref().ok_or_else(|| {
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
}

async fn overview(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    may_see(&user)?;
    let plan = plan_of(&state)?;
    let today = state.today();
    let tasks = progress(&state.store, plan, today).await?;
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
        plan: plan.clone(),
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
    /// (id, name, leads): the commune's units of the task's unit types.
    units: Vec<(i64, String, bool)>,
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
    let units = state
        .store
        .list_units()
        .await?
        .into_iter()
        .filter(|u| u.active)
        .filter_map(|u| {
            let leads = p.task.lead.contains(&u.unit_type);
            (leads || p.task.coordinating.contains(&u.unit_type)).then_some((u.id, u.name, leads))
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
