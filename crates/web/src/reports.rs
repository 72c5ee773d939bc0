//! Quarterly reporting: each unit's report form (prefilled with what the
//! system knows), the office's status board with reminders, returning a
//! report for correction, the commune report as DOCX, XLSX and PDF; and the
//! pilot models registry.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::indicators::{context, quarter_of, reporting_error, QuarterQuery};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::pilot::{NewNote, NoteKind};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::reports::{check_numbers, form_fields, Prefill, NARRATIVE};
use hocvuso_domain::{Quarter, ReportStatus, StoredState, Unit};
use hocvuso_reporting::models::{kind_label, status_label, KINDS, STATUSES};
use hocvuso_storage::{Criterion, NewPilotModel, Population};
use std::collections::BTreeMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bao-cao", get(board))
        .route("/bao-cao/don-vi/{unit}", get(unit_form).post(save_unit))
        .route("/bao-cao/don-vi/{unit}/tra-lai", post(return_report))
        .route("/bao-cao/xa/{file}", get(commune_file))
        .route("/mo-hinh", get(models_page).post(save_model))
        .route("/mo-hinh/{id}", get(model_page).post(update_model))
        .route("/mo-hinh/{id}/ghi", post(add_note))
}

pub struct BoardRow {
    pub unit_id: i64,
    pub name: String,
    pub kind: String,
    pub status: ReportStatus,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "reports_board.html")]
struct BoardPage {
    nav: Option<Nav>,
    quarter: String,
    quarter_label: String,
    deadline: String,
    days_left: i64,
    rows: Vec<BoardRow>,
    reminder: Option<String>,
    reminder_count: usize,
    quarters: Vec<(String, String)>,
    done: usize,
    /// The first day of reminders (dd/mm/yyyy) and whether today is in
    /// their window.
    remind_from: String,
    remind_now: bool,
    /// Whether email goes out (an SMTP server is configured).
    mail_on: bool,
    remind_days: i64,
    /// Units still to report that have an address and were not emailed yet.
    to_email: usize,
    /// Units emailed this quarter: (name, day).
    emailed: Vec<(String, String)>,
    /// Units still to report without an address.
    no_address: Vec<String>,
    /// The outcome of "send now", from its redirect.
    email_note: Option<String>,
}

#[derive(serde::Deserialize)]
struct BoardQuery {
    quy: Option<String>,
    /// After "send now": `da-gui-N` or `loi-N`.
    email: Option<String>,
}

fn email_note(code: Option<&str>) -> Option<String> {
    let code = code?;
    if let Some(n) = code
        .strip_prefix("da-gui-")
        .and_then(|n| n.parse::<usize>().ok())
    {
        return Some(if n == 0 {
            "Không có thư nào phải gửi: các đơn vị chưa nộp đều đã được nhắc, hoặc chưa có địa chỉ email.".into()
        } else {
            format!("Đã gửi email nhắc tới {n} đơn vị.")
        });
    }
    code.strip_prefix("loi-")
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| format!("{n} thư nhắc không gửi được (máy chủ thư không nhận); hệ thống sẽ thử lại sau một giờ. Hãy gửi tin nhắn Zalo cho các đơn vị này."))
}

async fn load_unit(state: &AppState, id: i64) -> AppResult<Unit> {
    state
        .store
        .list_units()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(AppError::NotFound)
}

async fn board(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<BoardQuery>,
) -> AppResult<Html<String>> {
    if !user.role().allowed(Action::See, Resource::CommuneReport) {
        return Err(AppError::Forbidden);
    }
    let quarter = quarter_of(&state, q.quy.as_deref())?;
    let today = state.today();
    let reports = state.store.unit_reports(&quarter.to_string()).await?;
    let units = state.store.list_units().await?;
    let deadline = quarter.due(state.store.report_before_day().await?);
    let rows: Vec<BoardRow> =
        hocvuso_reporting::unit_statuses(&units, &reports, quarter, deadline, today)
            .into_iter()
            .map(|s| BoardRow {
                unit_id: s.unit.id,
                name: s.unit.name.clone(),
                kind: s.unit.unit_type.label().to_string(),
                status: s.status,
                submitted: s
                    .submitted_on
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default(),
            })
            .collect();
    let pending: Vec<&BoardRow> = rows.iter().filter(|r| r.status.needs_reminder()).collect();
    let names: Vec<&str> = pending.iter().map(|r| r.name.as_str()).collect();
    // One message for all the units still to report (the board once had one
    // near-identical paragraph per unit); the office copies it to Zalo.
    let reminder_count = pending.len();
    let reminder = (!pending.is_empty()).then(|| {
        hocvuso_domain::contact::reminder_text(&names, &quarter.label_in_text(), deadline)
    });
    let emails = state.store.unit_emails().await?;
    let sent = state.store.reminders_sent(&quarter.to_string()).await?;
    let emailed: Vec<(String, String)> = sent
        .iter()
        .filter_map(|(u, at)| {
            let name = rows.iter().find(|r| r.unit_id == *u)?.name.clone();
            Some((
                name,
                hocvuso_domain::time::vn_date(*at)
                    .format("%d/%m/%Y")
                    .to_string(),
            ))
        })
        .collect();
    let has_address = |id: i64| emails.iter().any(|(u, _)| *u == id);
    let to_email = pending
        .iter()
        .filter(|r| has_address(r.unit_id) && !sent.iter().any(|(u, _)| *u == r.unit_id))
        .count();
    let no_address = pending
        .iter()
        .filter(|r| !has_address(r.unit_id))
        .map(|r| r.name.clone())
        .collect();
    let done = rows
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                ReportStatus::SubmittedOnTime | ReportStatus::SubmittedLate
            )
        })
        .count();
    let quarters = crate::indicators::quarter_choices(today);
    Ok(Html(
        BoardPage {
            nav: Some(Nav::of(&user)),
            quarter: quarter.to_string(),
            quarter_label: quarter.label(),
            deadline: deadline.format("%d/%m/%Y").to_string(),
            days_left: (deadline - today).num_days(),
            rows,
            reminder,
            reminder_count,
            quarters,
            done,
            remind_from: hocvuso_domain::contact::reminders_from(deadline)
                .format("%d/%m/%Y")
                .to_string(),
            remind_now: hocvuso_domain::contact::reminders_due(deadline, today),
            mail_on: state.mailer.is_some(),
            remind_days: hocvuso_domain::contact::REMIND_DAYS_BEFORE,
            to_email,
            emailed,
            no_address,
            email_note: email_note(q.email.as_deref()),
        }
        .render()?,
    ))
}

pub struct FieldView {
    pub key: String,
    pub label: String,
    pub value: String,
    pub prefilled: bool,
    /// The records behind a number counted from the field app.
    pub records: Option<String>,
}

#[derive(Template)]
#[template(path = "unit_report.html")]
struct UnitReportPage {
    nav: Option<Nav>,
    csrf: String,
    unit: Unit,
    kind: String,
    quarter: String,
    quarter_label: String,
    quarter_label_text: String,
    deadline: String,
    status: ReportStatus,
    editable: bool,
    return_note: String,
    fields: Vec<FieldView>,
    narrative: Vec<(String, String, String)>,
    error: Option<String>,
    saved: bool,
    can_return: bool,
}

/// The numbers the system knows for a unit and quarter.
async fn prefill(
    state: &AppState,
    unit: &Unit,
    quarter: Quarter,
) -> AppResult<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for f in form_fields(unit.unit_type) {
        let Some(p) = f.prefill else { continue };
        let v = match p {
            Prefill::Staff => state.store.unit_members(unit.id).await?.len() as i64,
            Prefill::StaffTrained => {
                let core = state
                    .catalog
                    .basic_knowledge
                    .get("can_bo")
                    .cloned()
                    .unwrap_or_default();
                if core.is_empty() {
                    continue;
                }
                state
                    .store
                    .reach_people(
                        &Population::Staff(unit.id),
                        &[Criterion::AllCourses(core)],
                        quarter.end(),
                        true,
                        None,
                        1,
                        0,
                    )
                    .await?
                    .total
            }
            Prefill::HouseholdsVisited
            | Prefill::PeopleGuided
            | Prefill::ClassesHeld
            | Prefill::ClassAttendance => {
                let Some(h) = unit.hamlet_id else { continue };
                let t = state
                    .store
                    .field_totals(h, quarter.first_day(), quarter.last_day())
                    .await?;
                match p {
                    Prefill::HouseholdsVisited => t.households_visited,
                    Prefill::PeopleGuided => t.people_guided,
                    Prefill::ClassesHeld => t.classes_held,
                    _ => t.attendance,
                }
            }
            Prefill::HamletLearners => {
                let Some(h) = unit.hamlet_id else { continue };
                let ids: Vec<String> = state.catalog.courses.iter().map(|c| c.id.clone()).collect();
                state
                    .store
                    .residents_passing(&ids, quarter.prev().end(), quarter.end(), h)
                    .await?
            }
        };
        out.insert(f.key.to_string(), v);
    }
    Ok(out)
}

async fn render_form(
    state: &AppState,
    user: &CurrentUser,
    unit: Unit,
    quarter: Quarter,
    typed: Option<(&BTreeMap<String, String>, String)>,
    saved: bool,
) -> AppResult<Response> {
    let report = state
        .store
        .unit_report(unit.id, &quarter.to_string())
        .await?;
    let due = quarter.due(state.store.report_before_day().await?);
    let standing = hocvuso_reporting::UnitStatus::of(&unit, report.as_ref(), due, state.today());
    let (stored, status) = (standing.stored, standing.status);
    let numbers: BTreeMap<String, i64> = report
        .as_ref()
        .map(hocvuso_storage::UnitReport::figures)
        .unwrap_or_default();
    let texts: BTreeMap<String, String> = report
        .as_ref()
        .and_then(|r| serde_json::from_str(&r.narrative).ok())
        .unwrap_or_default();
    let known = if report.is_none() {
        prefill(state, &unit, quarter).await?
    } else {
        BTreeMap::new()
    };
    let fields = form_fields(unit.unit_type)
        .into_iter()
        .map(|f| {
            let typed_value = typed.as_ref().and_then(|(t, _)| t.get(f.key).cloned());
            let stored_value = numbers.get(f.key).map(|v| v.to_string());
            let pre = known.get(f.key).map(|v| v.to_string());
            let records = match (f.prefill, unit.hamlet_id) {
                (Some(p), Some(h)) if p.from_field_records() => {
                    Some(format!("/thuc-dia/so-lieu?xom={h}&quy={quarter}"))
                }
                _ => None,
            };
            FieldView {
                records,
                key: f.key.into(),
                label: f.label.into(),
                prefilled: typed_value.is_none() && stored_value.is_none() && pre.is_some(),
                value: typed_value.or(stored_value).or(pre).unwrap_or_default(),
            }
        })
        .collect();
    let narrative = NARRATIVE
        .iter()
        .map(|(k, label)| {
            let v = typed
                .as_ref()
                .and_then(|(t, _)| t.get(*k).cloned())
                .or_else(|| texts.get(*k).cloned())
                .unwrap_or_default();
            ((*k).to_string(), (*label).to_string(), v)
        })
        .collect();
    let page = UnitReportPage {
        nav: Some(Nav::of(user)),
        csrf: user.csrf_token.clone(),
        kind: unit.unit_type.label().to_string(),
        unit,
        quarter: quarter.to_string(),
        quarter_label: quarter.label(),
        quarter_label_text: quarter.label_in_text(),
        deadline: due.format("%d/%m/%Y").to_string(),
        status,
        editable: stored != Some(StoredState::Submitted),
        return_note: report
            .as_ref()
            .map(|r| r.return_note.clone())
            .unwrap_or_default(),
        fields,
        narrative,
        error: typed.as_ref().map(|(_, e)| e.clone()),
        saved,
        can_return: user.role().can_manage_reports() && stored == Some(StoredState::Submitted),
    };
    let status_code = if page.error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status_code, Html(page.render()?)).into_response())
}

#[derive(serde::Deserialize)]
struct FormQuery {
    quy: Option<String>,
    da_luu: Option<u8>,
}

async fn unit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(unit_id): Path<i64>,
    Query(q): Query<FormQuery>,
) -> AppResult<Response> {
    let unit = load_unit(&state, unit_id).await?;
    if !user
        .role()
        .reaches_unit(Action::See, Resource::UnitReports, &unit)
    {
        return Err(AppError::NotFound);
    }
    let quarter = quarter_of(&state, q.quy.as_deref())?;
    render_form(&state, &user, unit, quarter, None, q.da_luu == Some(1)).await
}

async fn save_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(unit_id): Path<i64>,
    Form(form): Form<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    let unit = load_unit(&state, unit_id).await?;
    if !user.role().can_report_for(&unit) {
        return Err(AppError::NotFound);
    }
    let quarter = quarter_of(&state, form.get("quy").map(String::as_str))?;
    let submit = form.get("hanh_dong").map(String::as_str) == Some("nop");
    // Numbers: whole and not negative; empty means not reported.
    let mut numbers = BTreeMap::new();
    for f in form_fields(unit.unit_type) {
        let raw = form
            .get(f.key)
            .map(|s| s.trim().replace(['.', ' '], ""))
            .unwrap_or_default();
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<i64>() {
            Ok(v) => {
                numbers.insert(f.key.to_string(), v);
            }
            Err(_) => {
                let msg = format!(
                    "«{}»: hãy ghi một số nguyên (ví dụ 12), không ghi chữ",
                    f.label
                );
                return render_form(&state, &user, unit, quarter, Some((&form, msg)), false).await;
            }
        }
    }
    if let Err(msg) = check_numbers(unit.unit_type, &|k| numbers.get(k).copied()) {
        return render_form(&state, &user, unit, quarter, Some((&form, msg)), false).await;
    }
    if submit {
        if let Some(f) = form_fields(unit.unit_type)
            .into_iter()
            .find(|f| !numbers.contains_key(f.key))
        {
            let msg = format!("Trước khi nộp, hãy điền «{}» (ghi 0 nếu không có)", f.label);
            return render_form(&state, &user, unit, quarter, Some((&form, msg)), false).await;
        }
    }
    let narrative: BTreeMap<&str, String> = NARRATIVE
        .iter()
        .map(|(k, _)| {
            (
                *k,
                form.get(*k)
                    .map(|s| s.trim().chars().take(4000).collect())
                    .unwrap_or_default(),
            )
        })
        .collect();
    state
        .store
        .save_unit_report(
            unit.id,
            &quarter.to_string(),
            &serde_json::to_string(&numbers).unwrap_or_else(|_| "{}".into()),
            &serde_json::to_string(&narrative).unwrap_or_else(|_| "{}".into()),
            Some(user.user.id),
            submit,
            state.now(),
        )
        .await?;
    user.audit(
        &state,
        if submit {
            AuditAction::SubmitReport
        } else {
            AuditAction::SaveReport
        },
        AuditObject::Unit,
        unit.id,
        quarter.to_string(),
    );
    Ok(Redirect::to(&format!(
        "/bao-cao/don-vi/{}?quy={quarter}&da_luu=1",
        unit.id
    ))
    .into_response())
}

async fn return_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(unit_id): Path<i64>,
    Form(form): Form<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    if !user.role().can_manage_reports() {
        return Err(AppError::Forbidden);
    }
    let quarter = quarter_of(&state, form.get("quy").map(String::as_str))?;
    let note = form
        .get("ly_do")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if note.is_empty() {
        return Err(AppError::BadRequest(
            "Hãy ghi lý do trả lại để đơn vị biết cần sửa gì".into(),
        ));
    }
    if !state
        .store
        .return_unit_report(unit_id, &quarter.to_string(), &note)
        .await?
    {
        return Err(AppError::BadRequest(
            "Báo cáo này chưa nộp nên không trả lại được".into(),
        ));
    }
    user.audit(
        &state,
        AuditAction::ReturnReport,
        AuditObject::Unit,
        unit_id,
        format!("{quarter}: {note}"),
    );
    Ok(Redirect::to(&format!("/bao-cao?quy={quarter}")).into_response())
}

async fn commune_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
    Query(q): Query<QuarterQuery>,
) -> AppResult<Response> {
    if !user.role().allowed(Action::See, Resource::CommuneReport) {
        return Err(AppError::Forbidden);
    }
    let quarter = quarter_of(&state, q.quy.as_deref())?;
    let cx = context(&state);
    let commune = state.commune_name().await;
    let format = hocvuso_reporting::ReportFormat::parse(&file).ok_or(AppError::NotFound)?;
    let plan = state.plan();
    let bytes = hocvuso_reporting::render(
        cx,
        format,
        &hocvuso_reporting::ReportInput {
            commune: &commune,
            quarter,
            date: state.today(),
            plan: plan.as_deref(),
        },
    )
    .await
    .map_err(reporting_error)?;
    let (mime, ext) = (format.mime(), format.ext());
    user.audit(
        &state,
        AuditAction::ExportReport,
        AuditObject::CommuneReport,
        quarter.to_string(),
        ext,
    );
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bao-cao-{quarter}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub struct ModelView {
    pub id: i64,
    pub status_code: String,
    pub kind: String,
    pub name: String,
    pub place: String,
    pub unit: String,
    pub criteria: String,
    pub status: String,
    pub evidence: String,
    pub started: String,
    /// Notes in its history, and of them replications.
    pub notes: usize,
    pub replications: usize,
}

impl ModelView {
    /// A model as the list and its page show it: `units` to name its unit,
    /// `notes` its history (or more: only its own are counted).
    fn of(
        m: hocvuso_storage::PilotModel,
        units: &[Unit],
        notes: &[hocvuso_storage::ModelNote],
    ) -> Self {
        let mine = || notes.iter().filter(|n| n.model_id == m.id);
        ModelView {
            notes: mine().count(),
            replications: mine()
                .filter(|n| n.kind() == Some(NoteKind::Replication))
                .count(),
            id: m.id,
            status_code: m.status.clone(),
            kind: kind_label(&m.kind).to_string(),
            status: status_label(&m.status).to_string(),
            unit: m
                .unit_id
                .and_then(|id| units.iter().find(|u| u.id == id))
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            started: m
                .started_on
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            name: m.name,
            place: m.place,
            criteria: m.criteria,
            evidence: m.evidence,
        }
    }
}

/// A pilot model by its id; none is "not found".
async fn find_model(state: &AppState, id: i64) -> AppResult<hocvuso_storage::PilotModel> {
    state
        .store
        .pilot_models()
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "models.html")]
struct ModelsPage {
    nav: Option<Nav>,
    csrf: String,
    models: Vec<ModelView>,
    kinds: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    units: Vec<(i64, String)>,
    can_edit: bool,
}

async fn models_page(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    if !user.role().allowed(Action::See, Resource::Models) {
        return Err(AppError::Forbidden);
    }
    let units = state.store.list_units().await?;
    let notes = state.store.all_model_notes().await?;
    let models = state
        .store
        .pilot_models()
        .await?
        .into_iter()
        .map(|m| ModelView::of(m, &units, &notes))
        .collect();
    Ok(Html(
        ModelsPage {
            nav: Some(Nav::of(&user)),
            csrf: user.csrf_token.clone(),
            models,
            kinds: KINDS
                .iter()
                .map(|(a, b)| ((*a).into(), (*b).into()))
                .collect(),
            statuses: STATUSES
                .iter()
                .map(|(a, b)| ((*a).into(), (*b).into()))
                .collect(),
            units: units.iter().map(|u| (u.id, u.name.clone())).collect(),
            can_edit: user.role().allowed(Action::Change, Resource::Models),
        }
        .render()?,
    ))
}

/// The office updates a model's status and evidence as it develops.
async fn update_model(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    if !user.role().allowed(Action::Change, Resource::Models) {
        return Err(AppError::Forbidden);
    }
    let status = form
        .get("tinh_trang")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if !STATUSES.iter().any(|s| s.0 == status) {
        return Err(AppError::BadRequest(
            "Hãy chọn tình trạng trong danh sách".into(),
        ));
    }
    let m = find_model(&state, id).await?;
    let evidence = form
        .get("minh_chung")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let note = match &evidence {
        Some(text) => Some(
            NewNote::checked(
                NoteKind::Evidence,
                text,
                None,
                None,
                state.today(),
                state.today(),
            )
            .map_err(AppError::BadRequest)?,
        ),
        None => None,
    };
    state
        .store
        .save_pilot_model(
            Some(id),
            &NewPilotModel {
                kind: m.kind,
                name: m.name,
                place: m.place,
                unit_id: m.unit_id,
                hamlet_id: m.hamlet_id,
                criteria: m.criteria,
                status: status.clone(),
                evidence: m.evidence,
                started_on: m.started_on,
            },
        )
        .await?;
    // New evidence joins the history; the earlier stays.
    if let Some(n) = note {
        state
            .store
            .add_model_note(id, &n, Some(user.user.id), state.now())
            .await?;
    }
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::PilotModel,
        id,
        status,
    );
    Ok(Redirect::to("/mo-hinh").into_response())
}

#[derive(Template)]
#[template(path = "model.html")]
struct ModelPage {
    nav: Option<Nav>,
    csrf: String,
    model: ModelView,
    notes: Vec<NoteView>,
    kinds: Vec<(&'static str, &'static str)>,
    hamlets: Vec<(i64, String)>,
    units: Vec<(i64, String)>,
    can_edit: bool,
    error: Option<String>,
    today: String,
}

pub struct NoteView {
    pub kind: &'static str,
    pub text: String,
    pub place: String,
    pub day: String,
    pub by: String,
}

/// One model with its history (evidence, reviews, replications) and the
/// form that adds to it.
async fn model_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    render_model(&state, &user, id, None).await
}

async fn render_model(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    error: Option<String>,
) -> AppResult<Html<String>> {
    if !user.role().allowed(Action::See, Resource::Models) {
        return Err(AppError::Forbidden);
    }
    let m = find_model(state, id).await?;
    let units = state.store.list_units().await?;
    let notes = state.store.model_notes(id).await?;
    let model = ModelView::of(m, &units, &notes);
    let page = ModelPage {
        nav: Some(Nav::of(user)),
        csrf: user.csrf_token.clone(),
        model,
        notes: notes
            .into_iter()
            .map(|n| NoteView {
                kind: n.kind().map_or("", NoteKind::label),
                day: n.noted_on.format("%d/%m/%Y").to_string(),
                place: n.place.unwrap_or_default(),
                by: n.by.unwrap_or_default(),
                text: n.text,
            })
            .collect(),
        kinds: NoteKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        hamlets: state
            .store
            .list_hamlets()
            .await?
            .into_iter()
            .map(|h| (h.id, h.name))
            .collect(),
        units: units.iter().map(|u| (u.id, u.name.clone())).collect(),
        can_edit: user.role().allowed(Action::Change, Resource::Models),
        error,
        today: state.today().to_string(),
    };
    Ok(Html(page.render()?))
}

/// The model's page again with what to fix; nothing written.
async fn refuse_note(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    e: String,
) -> AppResult<Response> {
    let page = render_model(state, user, id, Some(format!("{e} Chưa ghi."))).await?;
    Ok((axum::http::StatusCode::BAD_REQUEST, page).into_response())
}

/// Add an evidence item, a review or a replication to a model's history.
async fn add_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    if !user.role().allowed(Action::Change, Resource::Models) {
        return Err(AppError::Forbidden);
    }
    let field = |k: &str| form.get(k).map(|s| s.trim()).unwrap_or("");
    let Some(kind) = NoteKind::from_code(field("loai")) else {
        return refuse_note(
            &state,
            &user,
            id,
            "Hãy chọn loại: minh chứng, sơ kết đánh giá hay nhân rộng.".into(),
        )
        .await;
    };
    let id_of = |k: &str| field(k).parse::<i64>().ok();
    let day = match field("ngay") {
        "" => state.today(),
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                return refuse_note(
                    &state,
                    &user,
                    id,
                    "Ngày không đúng dạng ngày/tháng/năm.".into(),
                )
                .await
            }
        },
    };
    let note = match NewNote::checked(
        kind,
        field("noi_dung"),
        id_of("xom"),
        id_of("don_vi"),
        day,
        state.today(),
    ) {
        Ok(n) => n,
        Err(e) => return refuse_note(&state, &user, id, e).await,
    };
    match state
        .store
        .add_model_note(id, &note, Some(user.user.id), state.now())
        .await
    {
        Ok(_) => {}
        Err(hocvuso_storage::StoreError::NotFound(_)) => return Err(AppError::NotFound),
        Err(hocvuso_storage::StoreError::Invalid(e)) => {
            return refuse_note(&state, &user, id, e).await
        }
        Err(e) => return Err(e.into()),
    }
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::PilotModel,
        id,
        kind.label(),
    );
    Ok(Redirect::to(&format!("/mo-hinh/{id}#lich-su")).into_response())
}

async fn save_model(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<BTreeMap<String, String>>,
) -> AppResult<Response> {
    user.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    if !user.role().allowed(Action::Change, Resource::Models) {
        return Err(AppError::Forbidden);
    }
    let get = |k: &str| {
        form.get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let kind = get("loai");
    let status = get("tinh_trang");
    if !KINDS.iter().any(|k| k.0 == kind) || !STATUSES.iter().any(|s| s.0 == status) {
        return Err(AppError::BadRequest(
            "Hãy chọn loại mô hình và tình trạng trong danh sách".into(),
        ));
    }
    if get("ten").is_empty() || get("dia_diem").is_empty() {
        return Err(AppError::BadRequest(
            "Hãy ghi tên mô hình và địa điểm".into(),
        ));
    }
    let unit_id = match get("don_vi").as_str() {
        "" => None,
        v => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::BadRequest("Đơn vị không hợp lệ".into()))?,
        ),
    };
    let unit = match unit_id {
        Some(id) => Some(load_unit(&state, id).await?),
        None => None,
    };
    let started_on = match get("bat_dau").as_str() {
        "" => None,
        v => Some(
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .or_else(|_| chrono::NaiveDate::parse_from_str(v, "%d/%m/%Y"))
                .map_err(|_| AppError::BadRequest("Ngày bắt đầu viết dạng 15/04/2026".into()))?,
        ),
    };
    // Its first evidence starts its history: checked before the model is
    // made, so that none is made without it.
    let evidence = get("minh_chung");
    let first = if evidence.is_empty() {
        None
    } else {
        Some(
            NewNote::checked(
                NoteKind::Evidence,
                &evidence,
                None,
                None,
                state.today(),
                state.today(),
            )
            .map_err(AppError::BadRequest)?,
        )
    };
    let id = state
        .store
        .save_pilot_model(
            None,
            &NewPilotModel {
                kind,
                name: get("ten"),
                place: get("dia_diem"),
                unit_id,
                hamlet_id: unit.and_then(|u| u.hamlet_id),
                criteria: get("tieu_chi"),
                status,
                evidence: String::new(),
                started_on,
            },
        )
        .await?;
    if let Some(n) = first {
        state
            .store
            .add_model_note(id, &n, Some(user.user.id), state.now())
            .await?;
    }
    user.audit(
        &state,
        AuditAction::Create,
        AuditObject::PilotModel,
        id,
        get("ten"),
    );
    Ok(Redirect::to("/mo-hinh").into_response())
}
