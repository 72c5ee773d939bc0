//! The import wizard: upload → preview (encoding found, columns mapped,
//! every bad row listed) → confirm → progress → summary. Nothing is written
//! until the user confirms a preview without errors, and then all rows are
//! written in one transaction.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::registry::Choice;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_import::{Column, FileError, HeaderMatch, Preview, SheetData, ValidationContext};
use hocvuso_storage::ImportSummary;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Uploads above this are refused with a message (the body is drained, not kept).
pub const MAX_UPLOAD_BYTES: usize = 128 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/nhap", get(upload_page).post(upload))
        .route("/nhap/mau.xlsx", get(template))
        .route("/nhap/{id}", get(preview_page))
        // Plain forms: the router's upload limit is for `/nhap` only.
        .route("/nhap/{id}/anh-xa", post(remap).layer(crate::form_limit()))
        .route(
            "/nhap/{id}/xac-nhan",
            post(confirm).layer(crate::form_limit()),
        )
        .route("/nhap/{id}/tien-do", get(progress_page))
}

/// Column choices for the mapping step: (code, column, Vietnamese label).
const COLUMNS: &[(&str, Column, &str)] = &[
    ("bo_qua", Column::Ignore, "(Bỏ qua cột này)"),
    ("ho_ten", Column::FullName, "Họ và tên"),
    ("ngay_sinh", Column::BirthDate, "Ngày sinh"),
    ("nam_sinh", Column::BirthYear, "Năm sinh"),
    ("gioi_tinh", Column::Sex, "Giới tính"),
    ("dan_toc", Column::Ethnicity, "Dân tộc"),
    ("cccd", Column::CitizenId, "Số CCCD"),
    ("sdt", Column::Phone, "Số điện thoại"),
    ("xom", Column::Hamlet, "Xóm/Thôn"),
    ("quan_he", Column::Relation, "Quan hệ với chủ hộ"),
    ("so_ho", Column::HouseholdCode, "Số hộ"),
    ("chu_ho", Column::HeadName, "Họ tên chủ hộ"),
    ("nhom", Column::Groups, "Nhóm đối tượng"),
    ("hoc_sinh", Column::Student, "Học sinh"),
    ("ghi_chu", Column::Notes, "Ghi chú"),
];

fn column_code(c: Option<Column>) -> &'static str {
    match c {
        None => "",
        Some(c) => COLUMNS
            .iter()
            .find(|(_, col, _)| *col == c)
            .map(|(code, _, _)| *code)
            .unwrap_or(""),
    }
}

pub(crate) enum JobState {
    Preview,
    Running { started: Instant },
    Done(ImportSummary, f64),
    Failed(String),
}

pub(crate) struct ImportJob {
    owner: i64,
    file_name: String,
    /// Shared, so the column mapping can check a file without holding the lock.
    sheet: Arc<SheetData>,
    header: HeaderMatch,
    preview: Preview,
    state: JobState,
    done: Arc<AtomicUsize>,
    total: usize,
    created: Instant,
}

/// Uploaded files waiting for confirmation, by an unguessable id, for one hour.
#[derive(Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<String, ImportJob>>,
}

impl ImportJobs {
    /// The jobs. A panic while another request held them leaves them usable:
    /// every change under the lock is a plain assignment, so they are never
    /// half-written, and one bad request must not stop every later import.
    fn lock(&self) -> MutexGuard<'_, HashMap<String, ImportJob>> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn with<T>(&self, id: &str, owner: i64, f: impl FnOnce(&mut ImportJob) -> T) -> AppResult<T> {
        let mut jobs = self.lock();
        jobs.retain(|_, j| {
            j.created.elapsed().as_secs() < 3600 || matches!(j.state, JobState::Running { .. })
        });
        match jobs.get_mut(id) {
            Some(j) if j.owner == owner => Ok(f(j)),
            _ => Err(AppError::NotFound),
        }
    }
}

#[derive(Template)]
#[template(path = "import_upload.html")]
struct UploadPage {
    nav: Option<Nav>,
    error: Option<String>,
    max_mb: usize,
}

fn require_import(user: &CurrentUser, action: Action) -> AppResult<()> {
    if user.role().allowed(action, Resource::Import) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn upload_page(user: CurrentUser) -> AppResult<Html<String>> {
    require_import(&user, Action::See)?;
    Ok(Html(
        UploadPage {
            nav: Some(Nav::of(&user)),
            error: None,
            max_mb: hocvuso_import::MAX_FILE_BYTES / (1024 * 1024),
        }
        .render()?,
    ))
}

/// The template spreadsheet: the headers the importer reads, an example row
/// in one of the commune's hamlets, and a sheet explaining each column.
async fn template(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    require_import(&user, Action::See)?;
    let hamlets: Vec<String> = state
        .store
        .list_hamlets()
        .await?
        .into_iter()
        .map(|h| h.name)
        .collect();
    let bytes = hocvuso_import::template_xlsx(&hamlets).map_err(AppError::Internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mau-nhap-cu-dan.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

fn upload_error(user: &CurrentUser, msg: String) -> AppResult<Response> {
    let page = UploadPage {
        nav: Some(Nav::of(user)),
        error: Some(msg),
        max_mb: hocvuso_import::MAX_FILE_BYTES / (1024 * 1024),
    };
    Ok((axum::http::StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

/// The upload page with why the file was refused; late if the file was
/// built to be refused (see `refusal`).
fn file_error(user: &CurrentUser, e: FileError) -> AppResult<Response> {
    let resp = upload_error(user, e.to_string())?;
    Ok(if e.is_hostile() {
        crate::refusal::hostile(resp)
    } else {
        resp
    })
}

async fn validation_context(state: &AppState) -> AppResult<ValidationContext> {
    let hamlets = state.store.list_hamlets().await?;
    Ok(ValidationContext {
        today: state.today(),
        hamlets: hamlets.into_iter().map(|h| (h.id, h.name)).collect(),
    })
}

async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut mp: Multipart,
) -> AppResult<Response> {
    require_import(&user, Action::Change)?;
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_large = 0usize;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return upload_error(
                    &user,
                    format!("Tải tệp lên bị gián đoạn ({e}). Hãy thử lại"),
                )
            }
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("tep").to_string();
                let mut buf = Vec::new();
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if buf.len() + chunk.len() > hocvuso_import::MAX_FILE_BYTES
                                || too_large > 0
                            {
                                too_large = too_large.max(buf.len()) + chunk.len();
                                buf.clear();
                            } else {
                                buf.extend_from_slice(&chunk);
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            return upload_error(
                                &user,
                                format!("Tải tệp lên bị gián đoạn ({e}). Hãy thử lại"),
                            )
                        }
                    }
                }
                file = Some((name, buf));
            }
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    if too_large > 0 {
        return file_error(&user, FileError::TooLarge { bytes: too_large });
    }
    let Some((file_name, bytes)) = file.filter(|(n, _)| !n.is_empty()) else {
        return upload_error(
            &user,
            "Chưa chọn tệp. Hãy bấm \"Chọn tệp\" rồi chọn tệp Excel (.xlsx, .xls), .ods hoặc .csv"
                .into(),
        );
    };
    // Unpacking and decoding take CPU: off the async workers.
    let read = tokio::task::spawn_blocking(move || {
        hocvuso_import::read_workbook(&bytes, &file_name).map(|wb| (wb, file_name))
    })
    .await
    .map_err(|e| AppError::Internal(format!("đọc tệp bị lỗi ({e})")))?;
    let (wb, file_name) = match read {
        Ok(read) => read,
        Err(e) => return file_error(&user, e),
    };
    // The first sheet with a recognisable header row.
    let mut found = None;
    let mut first_err = None;
    for sheet in wb.sheets {
        match hocvuso_import::find_header(&sheet) {
            Ok(h) => {
                found = Some((sheet, h));
                break;
            }
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    let Some((sheet, header)) = found else {
        return upload_error(
            &user,
            first_err
                .map(|e| e.to_string())
                .unwrap_or_else(|| FileError::Empty.to_string()),
        );
    };
    let ctx = validation_context(&state).await?;
    let preview = hocvuso_import::validate(&sheet, &header, &ctx);
    let id = crate::auth::random_token(18);
    let job = ImportJob {
        owner: user.user.id,
        file_name,
        sheet: Arc::new(sheet),
        header,
        preview,
        state: JobState::Preview,
        done: Arc::new(AtomicUsize::new(0)),
        total: 0,
        created: Instant::now(),
    };
    state.imports.lock().insert(id.clone(), job);
    Ok(Redirect::to(&format!("/nhap/{id}")).into_response())
}

pub struct MappingView {
    pub index: usize,
    pub header: String,
    pub choices: Vec<Choice>,
    pub unknown: bool,
}

pub struct ErrorView {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub message: String,
}

pub struct SampleView {
    pub row: usize,
    pub name: String,
    pub birth: String,
    pub hamlet: String,
    pub relation: String,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    nav: Option<Nav>,
    id: String,
    file_name: String,
    sheet_name: String,
    encoding_note: Option<String>,
    mapping: Vec<MappingView>,
    needs_mapping: bool,
    errors: Vec<ErrorView>,
    error_count: usize,
    valid: usize,
    skipped: usize,
    samples: Vec<SampleView>,
}

async fn preview_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    require_import(&user, Action::See)?;
    let hamlets: HashMap<i64, String> = state
        .store
        .list_hamlets()
        .await?
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect();
    let page = state.imports.with(&id, user.user.id, |job| {
        if !matches!(job.state, JobState::Preview) {
            return None;
        }
        let header_row = job.sheet.rows.get(job.header.header_row).cloned().unwrap_or_default();
        let unknown: Vec<usize> = job.header.unknown.iter().map(|(i, _)| *i).collect();
        let mapping = header_row
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.trim().is_empty())
            .map(|(i, h)| {
                let current = column_code(job.header.columns.get(i).copied().flatten());
                MappingView {
                    index: i,
                    header: vntext::normalize(h),
                    unknown: unknown.contains(&i),
                    choices: COLUMNS
                        .iter()
                        .map(|(code, _, label)| Choice { value: (*code).into(), label: (*label).into(), selected: *code == current })
                        .collect(),
                }
            })
            .collect::<Vec<_>>();
        let p = &job.preview;
        let encoding_note = match p.encoding {
            vntext::Encoding::Unicode => None,
            vntext::Encoding::Tcvn3 => Some("Tệp gõ bằng bảng mã TCVN3 (ABC, phông .VnTime): đã tự chuyển sang Unicode. Hãy xem lại vài tên bên dưới.".to_string()),
            vntext::Encoding::Vni => Some("Tệp gõ bằng bảng mã VNI-Windows: đã tự chuyển sang Unicode. Hãy xem lại vài tên bên dưới.".to_string()),
        };
        Some(PreviewPage {
            nav: Some(Nav::of(&user)),
            id: id.clone(),
            file_name: job.file_name.clone(),
            sheet_name: p.sheet_name.clone(),
            encoding_note,
            needs_mapping: !unknown.is_empty(),
            mapping,
            error_count: p.errors.len(),
            errors: p
                .errors
                .iter()
                .take(500)
                .map(|e| ErrorView { row: e.row_number, column: e.column.clone(), value: e.value.clone(), message: e.message.clone() })
                .collect(),
            valid: p.rows.len(),
            skipped: p.skipped_blank,
            samples: p
                .rows
                .iter()
                .take(10)
                .map(|r| SampleView {
                    row: r.row_number,
                    name: r.resident.full_name.clone(),
                    birth: r.resident.birth.map(|b| b.display()).unwrap_or_default(),
                    hamlet: hamlets.get(&r.hamlet_id).cloned().unwrap_or_default(),
                    relation: r.resident.relation.clone(),
                })
                .collect(),
        })
    })?;
    match page {
        Some(p) => Ok(Html(p.render()?).into_response()),
        None => Ok(Redirect::to(&format!("/nhap/{id}/tien-do")).into_response()),
    }
}

/// The wizard's column mapping. Every `col_N` must name a column of the
/// sheet (N below its column count): anything else (a number past the sheet,
/// a negative one, words) refuses the whole form and changes nothing, so no
/// size is ever taken from the form. The file is checked again off the async
/// workers and without holding the jobs' lock.
async fn remap(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    require_import(&user, Action::Change)?;
    user.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    let back = Redirect::to(&format!("/nhap/{id}")).into_response();
    let Some((sheet, mut header)) = state.imports.with(&id, user.user.id, |job| {
        matches!(job.state, JobState::Preview).then(|| (job.sheet.clone(), job.header.clone()))
    })?
    else {
        return Ok(back);
    };
    // The sheet's column count: its widest row (the header row is one of them).
    let width = sheet
        .rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(header.columns.len());
    let mut changes = Vec::new();
    for (k, v) in &form {
        let Some(n) = k.strip_prefix("col_") else {
            continue;
        };
        let Some(i) = n.parse::<usize>().ok().filter(|i| *i < width) else {
            let shown: String = n.chars().take(24).collect();
            return Err(AppError::Hostile(format!(
                "Cột số «{shown}» không có trong trang tính (trang có {width} cột). \
                 Chưa có gì thay đổi: hãy mở lại trang xem trước rồi chọn lại các cột."
            )));
        };
        let col = COLUMNS
            .iter()
            .find(|(code, _, _)| code == v)
            .map(|(_, c, _)| *c);
        changes.push((i, col));
    }
    if changes
        .iter()
        .any(|(i, c)| c.is_some() && *i >= header.columns.len())
    {
        // A column beyond the header's cells: sized by the sheet, not the form.
        header.columns.resize(width, None);
    }
    for (i, col) in changes {
        if let Some(slot) = header.columns.get_mut(i) {
            *slot = col;
        }
    }
    header.unknown.clear();
    let ctx = validation_context(&state).await?;
    let (header, preview) = tokio::task::spawn_blocking(move || {
        let preview = hocvuso_import::validate(&sheet, &header, &ctx);
        (header, preview)
    })
    .await
    .map_err(|e| AppError::Internal(format!("kiểm tra lại tệp bị lỗi ({e})")))?;
    state.imports.with(&id, user.user.id, |job| {
        if matches!(job.state, JobState::Preview) {
            job.header = header;
            job.preview = preview;
        }
    })?;
    Ok(back)
}

#[derive(serde::Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    require_import(&user, Action::Change)?;
    user.check_csrf(&f.csrf)?;
    let taken = state.imports.with(&id, user.user.id, |job| {
        if !matches!(job.state, JobState::Preview) {
            return Ok(None);
        }
        if !job.preview.errors.is_empty() {
            return Err(AppError::BadRequest(format!(
                "Tệp còn {} lỗi: sửa tệp rồi tải lên lại. Chưa có dữ liệu nào được ghi.",
                job.preview.errors.len()
            )));
        }
        if job.preview.rows.is_empty() {
            return Err(AppError::BadRequest(
                "Tệp không có dòng dữ liệu nào để nhập".into(),
            ));
        }
        job.state = JobState::Running {
            started: Instant::now(),
        };
        job.total = job.preview.rows.len();
        Ok(Some((
            std::mem::take(&mut job.preview.rows),
            job.done.clone(),
            job.file_name.clone(),
        )))
    })??;
    if let Some((rows, done, file_name)) = taken {
        let st = state.clone();
        let today = state.today();
        let job_id = id.clone();
        let actor = user.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let progress = move |n: usize| done.store(n, Ordering::Relaxed);
            // The audit row is part of the import's transaction: an import
            // is never in the registry without it, even after a crash.
            let event = actor.audit_event(
                AuditAction::Import,
                AuditObject::Registry,
                &file_name,
                format!("{} người trong tệp", rows.len()),
            );
            let result = st
                .store
                .audited(event)
                .import_residents(&rows, today, &progress)
                .await;
            let secs = started.elapsed().as_secs_f64();
            let new_state = match result {
                Ok(summary) => JobState::Done(summary, secs),
                Err(e) => JobState::Failed(format!("{e}. Không có dữ liệu nào được ghi.")),
            };
            if let Some(j) = st.imports.lock().get_mut(&job_id) {
                j.preview.rows = rows;
                j.state = new_state;
            }
        });
    }
    Ok(Redirect::to(&format!("/nhap/{id}/tien-do")).into_response())
}

#[derive(Template)]
#[template(path = "import_progress.html")]
struct ProgressPage {
    nav: Option<Nav>,
    running: bool,
    done: usize,
    total: usize,
    percent: usize,
    summary: Option<ImportSummary>,
    seconds: String,
    error: Option<String>,
}

async fn progress_page(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    require_import(&user, Action::See)?;
    let page = state.imports.with(&id, user.user.id, |job| {
        let total = job.total.max(job.done.load(Ordering::Relaxed));
        let done = job.done.load(Ordering::Relaxed);
        let (running, summary, seconds, error) = match &job.state {
            JobState::Running { started } => (
                true,
                None,
                format!("{:.0}", started.elapsed().as_secs_f64()),
                None,
            ),
            JobState::Done(s, secs) => (false, Some(s.clone()), format!("{secs:.1}"), None),
            JobState::Failed(m) => (false, None, String::new(), Some(m.clone())),
            JobState::Preview => (
                false,
                None,
                String::new(),
                Some("Chưa xác nhận nhập tệp này".into()),
            ),
        };
        ProgressPage {
            nav: Some(Nav::of(&user)),
            running,
            done,
            total,
            percent: (done * 100).checked_div(total).unwrap_or(0),
            summary,
            seconds,
            error,
        }
    })?;
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_under_the_lock_does_not_stop_later_imports() {
        let jobs = Arc::new(ImportJobs::default());
        let held = jobs.clone();
        let panicked = std::thread::spawn(move || {
            let _jobs = held.jobs.lock();
            panic!("a request failed while it held the import jobs");
        })
        .join();
        assert!(panicked.is_err());
        assert!(jobs.jobs.is_poisoned());
        // Still usable: an unknown job is "not found", not a broken server.
        assert!(matches!(jobs.with("x", 1, |_| ()), Err(AppError::NotFound)));
        assert!(jobs.lock().is_empty());
    }
}
