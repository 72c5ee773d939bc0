//! Staff lists and class lists from Excel, from a unit's page (issue 11):
//! upload → preview (who matched the registry, who was not found and why,
//! every error) → confirm → back to the unit page. Nobody is created: a
//! person not found in the registry is listed and never written; while
//! someone is not found, the confirm button says so and writes only the
//! people found when pressed. Everything is written in one transaction and
//! audited. Only the office (admin, Phòng Văn hóa – Xã hội) imports.
//!
//! The parsed preview waits in memory for an hour (never on disk), owned by
//! the user who uploaded it, like the resident import's jobs.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::{Unit, UnitType};
use hocvuso_import::{FileError, RosterContext, RosterEntry, RosterKind, RosterPreview};
use hocvuso_storage::StoreError;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/don-vi/{id}/nhap-danh-sach", get(upload_page).post(upload))
        .route("/don-vi/{id}/nhap-danh-sach/{job}", get(preview_page))
        .route(
            "/don-vi/{id}/nhap-danh-sach/{job}/xac-nhan",
            post(confirm).layer(crate::form_limit()),
        )
        .layer(Extension(Arc::new(RosterJobs::default())))
}

/// How long a preview waits for confirmation.
const JOB_SECONDS: u64 = 3600;

struct RosterJob {
    owner: i64,
    unit_id: i64,
    file_name: String,
    preview: RosterPreview,
    created: Instant,
}

/// Previews waiting for confirmation, by an unguessable id.
#[derive(Default)]
struct RosterJobs {
    jobs: Mutex<HashMap<String, RosterJob>>,
}

impl RosterJobs {
    fn lock(&self) -> AppResult<std::sync::MutexGuard<'_, HashMap<String, RosterJob>>> {
        let mut jobs = self
            .jobs
            .lock()
            .map_err(|_| AppError::Internal("khóa dữ liệu nhập bị hỏng".into()))?;
        jobs.retain(|_, j| j.created.elapsed().as_secs() < JOB_SECONDS);
        Ok(jobs)
    }
}

/// The office only; to anyone else the unit's pages are not there.
fn require_office(user: &CurrentUser) -> AppResult<()> {
    if user.role().can_import_export() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// `can-bo` / `hoc-sinh` in URLs and forms.
fn kind_code(kind: RosterKind) -> &'static str {
    match kind {
        RosterKind::Staff => "can-bo",
        RosterKind::Students => "hoc-sinh",
    }
}

fn kind_of(code: &str) -> Option<RosterKind> {
    match code.trim() {
        "can-bo" => Some(RosterKind::Staff),
        "hoc-sinh" => Some(RosterKind::Students),
        _ => None,
    }
}

async fn find_unit(state: &AppState, id: i64) -> AppResult<(Unit, Vec<Unit>)> {
    let units = state.store.list_units().await?;
    let unit = units
        .iter()
        .find(|u| u.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok((unit, units))
}

/// What the unit can import: staff everywhere, students in a school.
fn check_kind(unit: &Unit, kind: RosterKind) -> AppResult<()> {
    if kind == RosterKind::Students && unit.unit_type != UnitType::School {
        return Err(AppError::BadRequest(format!(
            "\"{}\" không phải trường học: chỉ trường học mới nhập danh sách học sinh.",
            unit.name
        )));
    }
    Ok(())
}

fn title_of(kind: RosterKind) -> &'static str {
    match kind {
        RosterKind::Staff => "Nhập danh sách cán bộ từ Excel",
        RosterKind::Students => "Nhập danh sách học sinh (theo lớp)",
    }
}

// ------------------------------------------------------------ upload

#[derive(Template)]
#[template(path = "roster_upload.html")]
struct UploadPage {
    nav: Option<Nav>,
    unit_id: i64,
    unit_name: String,
    title: &'static str,
    kind: &'static str,
    students: bool,
    error: Option<String>,
    max_mb: usize,
}

#[derive(Deserialize, Default)]
struct KindQuery {
    #[serde(default)]
    loai: String,
}

fn upload_html(
    user: &CurrentUser,
    unit: &Unit,
    kind: RosterKind,
    error: Option<String>,
) -> AppResult<Html<String>> {
    Ok(Html(
        UploadPage {
            nav: Some(Nav::of(user)),
            unit_id: unit.id,
            unit_name: unit.name.clone(),
            title: title_of(kind),
            kind: kind_code(kind),
            students: kind == RosterKind::Students,
            error,
            max_mb: hocvuso_import::MAX_FILE_BYTES / (1024 * 1024),
        }
        .render()?,
    ))
}

async fn upload_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<KindQuery>,
) -> AppResult<Html<String>> {
    require_office(&user)?;
    let (unit, _) = find_unit(&state, id).await?;
    let kind = kind_of(&q.loai).unwrap_or(RosterKind::Staff);
    check_kind(&unit, kind)?;
    upload_html(&user, &unit, kind, None)
}

/// The fields of the upload form.
struct Upload {
    csrf: String,
    kind: String,
    file: Option<(String, Vec<u8>)>,
    /// Bytes sent beyond the limit (0: within it).
    too_large: usize,
}

/// Read the multipart form, keeping at most [`hocvuso_import::MAX_FILE_BYTES`]
/// of the file (the rest is drained, not kept).
async fn read_upload(mp: &mut Multipart) -> Result<Upload, String> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        format!("Tải tệp lên bị gián đoạn ({e}). Hãy thử lại")
    };
    let mut up = Upload {
        csrf: String::new(),
        kind: String::new(),
        file: None,
        too_large: 0,
    };
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        match field.name() {
            Some("csrf") => up.csrf = field.text().await.unwrap_or_default(),
            Some("loai") => up.kind = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("tep").to_string();
                let mut buf = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    if up.too_large > 0 || buf.len() + chunk.len() > hocvuso_import::MAX_FILE_BYTES
                    {
                        up.too_large = up.too_large.max(buf.len()) + chunk.len();
                        buf.clear();
                    } else {
                        buf.extend_from_slice(&chunk);
                    }
                }
                up.file = Some((name, buf));
            }
            _ => {}
        }
    }
    Ok(up)
}

async fn upload(
    State(state): State<AppState>,
    Extension(jobs): Extension<Arc<RosterJobs>>,
    user: CurrentUser,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> AppResult<Response> {
    require_office(&user)?;
    let (unit, units) = find_unit(&state, id).await?;
    let up = match read_upload(&mut mp).await {
        Ok(up) => up,
        Err(m) => {
            let page = upload_html(&user, &unit, RosterKind::Staff, Some(m))?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    user.check_csrf(&up.csrf)?;
    let kind = kind_of(&up.kind).unwrap_or(RosterKind::Staff);
    check_kind(&unit, kind)?;
    let refuse = |m: String| -> AppResult<Response> {
        let page = upload_html(&user, &unit, kind, Some(m))?;
        Ok((StatusCode::BAD_REQUEST, page).into_response())
    };
    if up.too_large > 0 {
        return refuse(
            FileError::TooLarge {
                bytes: up.too_large,
            }
            .to_string(),
        )
        .map(crate::refusal::hostile);
    }
    let Some((file_name, bytes)) = up.file.filter(|(n, _)| !n.is_empty()) else {
        return refuse(
            "Chưa chọn tệp. Hãy bấm \"Chọn tệp\" rồi chọn tệp Excel (.xlsx, .xls), .ods hoặc .csv."
                .into(),
        );
    };
    let ctx = RosterContext {
        kind,
        today: state.today(),
        people: state.store.person_keys().await?,
        units,
        unit: Some(unit.id),
    };
    let preview = match tokio::task::spawn_blocking(move || {
        hocvuso_import::preview_roster(&bytes, &file_name, &ctx).map(|p| (p, file_name))
    })
    .await
    {
        Ok(Ok(p)) => p,
        Ok(Err(hocvuso_import::RosterFileError::File(e))) if e.is_hostile() => {
            return refuse(e.to_string()).map(crate::refusal::hostile)
        }
        Ok(Err(e)) => return refuse(e.to_string()),
        Err(e) => return Err(AppError::Internal(format!("đọc tệp: {e}"))),
    };
    let (preview, file_name) = preview;
    let job = crate::auth::random_token(18);
    jobs.lock()?.insert(
        job.clone(),
        RosterJob {
            owner: user.user.id,
            unit_id: unit.id,
            file_name,
            preview,
            created: Instant::now(),
        },
    );
    Ok(Redirect::to(&format!("/don-vi/{id}/nhap-danh-sach/{job}")).into_response())
}

// ------------------------------------------------------------ preview

pub struct MatchedView {
    pub row: usize,
    pub file_name: String,
    pub resident_id: i64,
    pub registry_name: String,
    pub matched_by: &'static str,
    /// Staff: unit, category, position. Students: class and grade.
    pub place: String,
}

pub struct UnmatchedView {
    pub row: usize,
    pub name: String,
    pub birth: String,
    pub reason: String,
}

pub struct ErrorView {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "roster_preview.html")]
struct PreviewPage {
    nav: Option<Nav>,
    unit_id: i64,
    unit_name: String,
    job: String,
    title: &'static str,
    kind: &'static str,
    file_name: String,
    sheet_name: String,
    encoding_note: Option<String>,
    unused_columns: String,
    matched: Vec<MatchedView>,
    unmatched: Vec<UnmatchedView>,
    errors: Vec<ErrorView>,
    error: Option<String>,
}

fn preview_html(
    user: &CurrentUser,
    unit: &Unit,
    units: &[Unit],
    job_id: &str,
    job: &RosterJob,
    error: Option<String>,
) -> AppResult<Html<String>> {
    let unit_names: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let p = &job.preview;
    let matched = p
        .matched
        .iter()
        .map(|m| MatchedView {
            row: m.person.row_number,
            file_name: m.person.full_name.clone(),
            resident_id: m.resident_id,
            registry_name: m.registry_name.clone(),
            matched_by: m.matched_by.label(),
            place: match &m.entry {
                RosterEntry::Staff {
                    unit_id,
                    position,
                    category,
                } => [
                    unit_names.get(unit_id).copied().unwrap_or(""),
                    category.label(),
                    position.as_str(),
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
                RosterEntry::Student { place, .. } => format!(
                    "Lớp {} ({})",
                    place.class_name,
                    hocvuso_domain::students::grade_label(place.grade).to_lowercase()
                ),
            },
        })
        .collect();
    let page = PreviewPage {
        nav: Some(Nav::of(user)),
        unit_id: unit.id,
        unit_name: unit.name.clone(),
        job: job_id.to_string(),
        title: title_of(p.kind),
        kind: kind_code(p.kind),
        file_name: job.file_name.clone(),
        sheet_name: p.sheet_name.clone(),
        encoding_note: p.encoding_note(),
        unused_columns: p.unused_columns.join(", "),
        matched,
        unmatched: p
            .unmatched
            .iter()
            .map(|u| UnmatchedView {
                row: u.person.row_number,
                name: u.person.full_name.clone(),
                birth: u.person.birth.map(|b| b.display()).unwrap_or_default(),
                reason: u.reason.clone(),
            })
            .collect(),
        errors: p
            .errors
            .iter()
            .take(500)
            .map(|e| ErrorView {
                row: e.row_number,
                column: e.column.clone(),
                value: e.value.clone(),
                message: e.message.clone(),
            })
            .collect(),
        error,
    };
    Ok(Html(page.render()?))
}

async fn preview_page(
    State(state): State<AppState>,
    Extension(jobs): Extension<Arc<RosterJobs>>,
    user: CurrentUser,
    Path((id, job_id)): Path<(i64, String)>,
) -> AppResult<Html<String>> {
    require_office(&user)?;
    let (unit, units) = find_unit(&state, id).await?;
    let jobs = jobs.lock()?;
    let job = jobs
        .get(&job_id)
        .filter(|j| j.owner == user.user.id && j.unit_id == id)
        .ok_or(AppError::NotFound)?;
    preview_html(&user, &unit, &units, &job_id, job, None)
}

// ------------------------------------------------------------ confirm

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    /// "1": write the people found and leave out those not found.
    #[serde(default)]
    bo_qua: String,
}

async fn confirm(
    State(state): State<AppState>,
    Extension(jobs): Extension<Arc<RosterJobs>>,
    user: CurrentUser,
    Path((id, job_id)): Path<(i64, String)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office(&user)?;
    let (unit, units) = find_unit(&state, id).await?;
    // Taken out while it is written: a second press finds nothing to write.
    let job = {
        let mut map = jobs.lock()?;
        match map.get(&job_id) {
            Some(j) if j.owner == user.user.id && j.unit_id == id => map.remove(&job_id),
            _ => None,
        }
    }
    .ok_or(AppError::NotFound)?;
    let put_back = |job: RosterJob| -> AppResult<()> {
        jobs.lock()?.insert(job_id.clone(), job);
        Ok(())
    };
    let p = &job.preview;
    let problem = if !p.errors.is_empty() {
        Some(format!(
            "Tệp còn {} lỗi: sửa tệp rồi tải lên lại. Chưa ghi gì.",
            p.errors.len()
        ))
    } else if p.matched.is_empty() {
        Some(
            "Không có ai trong tệp khớp với sổ dân cư: thêm họ vào sổ dân cư trước. Chưa ghi gì."
                .to_string(),
        )
    } else if !p.unmatched.is_empty() && f.bo_qua.trim() != "1" {
        Some(format!(
            "Có {} người không tìm thấy trong sổ dân cư: thêm họ vào sổ rồi tải lên lại, hoặc bấm nút ghi những người đã khớp và bỏ qua họ. Chưa ghi gì.",
            p.unmatched.len()
        ))
    } else {
        None
    };
    if let Some(m) = problem {
        let page = preview_html(&user, &unit, &units, &job_id, &job, Some(m))?;
        put_back(job)?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let skipped = p.unmatched.len();
    let note = if skipped > 0 {
        format!(", bỏ qua {skipped} người không có trong sổ")
    } else {
        String::new()
    };
    let today = state.today();
    // One audit row, written in the same transaction as the list.
    let written = match p.kind {
        RosterKind::Staff => {
            let rows = p.members();
            let mut per_unit: BTreeMap<i64, usize> = BTreeMap::new();
            for r in &rows {
                *per_unit.entry(r.unit_id).or_default() += 1;
            }
            let units = per_unit
                .iter()
                .map(|(u, n)| format!("đơn vị số {u}: {n}"))
                .collect::<Vec<_>>()
                .join("; ");
            let event = user.audit_event(
                AuditAction::Import,
                AuditObject::Unit,
                unit.id,
                format!(
                    "nhập danh sách cán bộ từ tệp {}: {} người ({units}){note}",
                    job.file_name,
                    rows.len()
                ),
            );
            state
                .store
                .audited(event)
                .add_members(&rows, today)
                .await
                .map(|_| ())
        }
        RosterKind::Students => {
            let rows = p.students();
            let event = user.audit_event(
                AuditAction::Import,
                AuditObject::Unit,
                unit.id,
                format!(
                    "nhập danh sách học sinh từ tệp {}: {} học sinh{note}",
                    job.file_name,
                    rows.len()
                ),
            );
            state
                .store
                .audited(event)
                .enrol_students(unit.id, &rows, today)
                .await
                .map(|_| ())
        }
    };
    match written {
        Ok(()) => {
            let done = match p.kind {
                RosterKind::Staff => "nhap-can-bo",
                RosterKind::Students => "nhap-hoc-sinh",
            };
            Ok(Redirect::to(&format!("/don-vi/{id}?xong={done}#thanh-vien")).into_response())
        }
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
            let m = format!("{} Chưa ghi gì.", m.trim_end_matches('.'));
            let page = preview_html(&user, &unit, &units, &job_id, &job, Some(m))?;
            put_back(job)?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => {
            put_back(job)?;
            Err(e.into())
        }
    }
}
