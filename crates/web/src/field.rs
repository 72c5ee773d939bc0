//! Door-to-door guidance (issue 14): the field app of the community
//! digital teams. The page (`/thuc-dia`) is a shell that works offline
//! (`static/thuc-dia.js`, kept by the service worker); the hamlet's list
//! comes from `GET /api/thuc-dia/xom` into the phone's IndexedDB, and the
//! visits recorded offline go back through `POST /api/thuc-dia/dong-bo`,
//! each once by the id the phone gave it.
//!
//! The JSON API takes no CSRF field: it accepts only `application/json`
//! (which a form on another site cannot send without a CORS preflight that
//! this server never answers), and refuses a request another site started
//! (`Origin` or `Sec-Fetch-Site`), as the session cookie is `SameSite=Lax`.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::{vn_time, Nav};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::classes::AttendanceRecord;
use hocvuso_domain::field::{Milestone, SyncStatus, VisitRecord, MAX_BATCH};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::{Quarter, ResidentScope};
use hocvuso_storage::SyncOutcome;
use serde::{Deserialize, Serialize};

const FIELD_JS: &str = include_str!("../static/thuc-dia.js");
/// On the other pages of a team member: records waiting, logout warning.
const WAITING_JS: &str = include_str!("../static/cho-gui.js");

/// A batch of [`MAX_BATCH`] visits with long notes fits with room to spare.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/thuc-dia", get(page))
        .route("/api/thuc-dia/xom", get(pack))
        .route("/api/thuc-dia/dong-bo", post(sync))
        .route("/thuc-dia/so-lieu", get(records))
        // A form, not the sync's JSON: the form limit, not BODY_LIMIT.
        .route("/cu-dan/{id}/moc", post(declare).layer(crate::form_limit()))
        .route("/thuc-dia/the-hoc-vien.pdf", get(cards))
        .route("/thuc-dia/chua-dat.pdf", get(worklist))
        .route("/static/thuc-dia.js", get(script))
        .route("/static/cho-gui.js", get(waiting_script))
}

async fn script() -> Response {
    crate::pages::static_file("text/javascript; charset=utf-8", "no-cache", FIELD_JS)
}

async fn waiting_script() -> Response {
    crate::pages::static_file("text/javascript; charset=utf-8", "no-cache", WAITING_JS)
}

#[derive(Deserialize)]
struct HamletQuery {
    #[serde(default)]
    xom: Option<String>,
}

/// An id a query names (`?xom=`, `?ho=`): none when empty, "not found"
/// when it is no number.
pub(crate) fn asked_id(asked: Option<&str>) -> AppResult<Option<i64>> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| AppError::NotFound),
        None => Ok(None),
    }
}

/// The hamlet the user works in: their own, or for the office the one
/// asked for (else the first). Another hamlet than one's own is "not found".
async fn hamlet_of(
    state: &AppState,
    user: &CurrentUser,
    action: Action,
    asked: Option<&str>,
) -> AppResult<(ResidentScope, i64)> {
    let scope = user
        .role()
        .scope(action, Resource::FieldWork)
        .ok_or(AppError::Forbidden)?;
    let asked = asked_id(asked)?;
    let hamlet = match scope {
        ResidentScope::Hamlet(h) => match asked {
            Some(a) if a != h => return Err(AppError::NotFound),
            _ => h,
        },
        ResidentScope::All => match asked {
            Some(a) => a,
            None => state
                .store
                .list_hamlets()
                .await?
                .first()
                .map(|h| h.id)
                .ok_or_else(|| {
                    AppError::BadRequest("Xã chưa có xóm nào: hãy thêm xóm trước".into())
                })?,
        },
        _ => return Err(AppError::Forbidden),
    };
    Ok((scope, hamlet))
}

#[derive(Template)]
#[template(path = "field.html")]
struct FieldPage {
    nav: Option<Nav>,
    hamlet_id: i64,
    hamlets: Vec<(i64, String)>,
    milestones: Vec<(&'static str, &'static str, &'static str)>,
    conflicts: Vec<ConflictView>,
}

struct ConflictView {
    at: String,
    by: String,
    kept: String,
    incoming: String,
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HamletQuery>,
) -> AppResult<Response> {
    let (scope, hamlet_id) = hamlet_of(&state, &user, Action::See, q.xom.as_deref()).await?;
    let office = scope == ResidentScope::All;
    let hamlets = if office {
        state
            .store
            .list_hamlets()
            .await?
            .into_iter()
            .map(|h| (h.id, h.name))
            .collect()
    } else {
        Vec::new()
    };
    let conflicts = if office {
        state
            .store
            .sync_conflicts()
            .await?
            .into_iter()
            .map(|c| ConflictView {
                at: vn_time(c.received_at),
                by: c.sent_by.unwrap_or_default(),
                kept: c.kept,
                incoming: c.incoming,
            })
            .collect()
    } else {
        Vec::new()
    };
    let html = FieldPage {
        nav: Some(Nav::of(&user)),
        hamlet_id,
        hamlets,
        milestones: Milestone::ALL
            .iter()
            .map(|m| (m.code(), m.short(), m.label()))
            .collect(),
        conflicts,
    }
    .render()?;
    // The shell holds no one's data (that is fetched into the phone), so
    // the service worker may keep it for opening offline.
    Ok(([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response())
}

#[derive(Deserialize)]
struct RecordsQuery {
    #[serde(default)]
    xom: Option<String>,
    #[serde(default)]
    quy: Option<String>,
}

struct VisitView {
    day: String,
    head: String,
    people: i64,
    by: String,
    note: String,
    /// 'lat,lon', for those who see sensitive fields.
    place: String,
}

#[derive(Template)]
#[template(path = "field_records.html")]
struct RecordsPage {
    nav: Option<Nav>,
    hamlet: String,
    quarter: String,
    totals: hocvuso_storage::FieldTotals,
    /// (group, presences at the hamlet's classes).
    by_group: Vec<(&'static str, i64)>,
    visits: Vec<VisitView>,
    /// Whether a place column is shown: some visit has one and the user
    /// may see sensitive fields (a place is one).
    show_places: bool,
    classes: Vec<crate::classes::SessionView>,
}

/// The visits and classes of a hamlet in a quarter: the records behind the
/// numbers its quarterly report is prefilled with.
async fn records(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RecordsQuery>,
) -> AppResult<Response> {
    let (_, hamlet_id) = hamlet_of(&state, &user, Action::See, q.xom.as_deref()).await?;
    let quarter = match q.quy.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Quarter::parse(s).map_err(|e| AppError::BadRequest(e.to_string()))?,
        None => Quarter::containing(state.today()),
    };
    let hamlet = state
        .store
        .list_hamlets()
        .await?
        .into_iter()
        .find(|h| h.id == hamlet_id)
        .map(|h| h.name)
        .ok_or(AppError::NotFound)?;
    let (from, to) = (quarter.first_day(), quarter.last_day());
    let totals = state.store.field_totals(hamlet_id, from, to).await?;
    let counted = state.store.attendance_by_group(hamlet_id, from, to).await?;
    let by_group = hocvuso_domain::TargetGroup::ALL
        .iter()
        .map(|g| {
            let n = counted
                .iter()
                .find(|(c, _)| c == g.code())
                .map_or(0, |(_, n)| *n);
            (g.label(), n)
        })
        .collect();
    let sensitive = user.role().allowed(Action::See, Resource::SensitiveFields);
    let visits: Vec<VisitView> = state
        .store
        .visits_between(hamlet_id, from, to)
        .await?
        .into_iter()
        .map(|v| VisitView {
            day: v.visited_on.format("%d/%m/%Y").to_string(),
            head: v.head,
            people: v.people,
            by: v.recorded_by.unwrap_or_default(),
            note: v.note,
            place: v.location.filter(|_| sensitive).unwrap_or_default(),
        })
        .collect();
    let show_places = visits.iter().any(|v| !v.place.is_empty());
    let classes = state
        .store
        .sessions_between(Some(hamlet_id), from, to)
        .await?
        .iter()
        .map(crate::classes::SessionView::of)
        .collect();
    user.audit(
        &state,
        AuditAction::ViewList,
        AuditObject::Hamlet,
        hamlet_id,
        format!("lần thăm, buổi học {}", quarter.label()),
    );
    let html = RecordsPage {
        nav: Some(Nav::of(&user)),
        hamlet,
        quarter: quarter.label(),
        totals,
        by_group,
        visits,
        show_places,
        classes,
    }
    .render()?;
    Ok(Html(html).into_response())
}

/// A resident says which milestones they reached themself (their page's
/// form, `moc` once per milestone ticked).
async fn declare(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let scope = user
        .role()
        .scope(Action::Change, Resource::Milestones)
        .ok_or(AppError::NotFound)?;
    state
        .store
        .get_resident(scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.check_csrf_in(&form)?;
    let mut chosen = Vec::new();
    for (k, v) in &form {
        if k == "moc" {
            let m = Milestone::from_code(v)
                .ok_or_else(|| AppError::BadRequest("Mốc không đúng: hãy tải lại trang".into()))?;
            if !chosen.contains(&m) {
                chosen.push(m);
            }
        }
    }
    let event = user.audit_event(
        AuditAction::Edit,
        AuditObject::Resident,
        id,
        format!("tự khai {} mốc kỹ năng số", chosen.len()),
    );
    state
        .store
        .audited(event)
        .record_own_milestones(id, &chosen, state.today())
        .await?;
    Ok(axum::response::Redirect::to(&format!("/cu-dan/{id}")).into_response())
}

/// A PDF to download, kept by no cache.
pub(crate) fn pdf_download(pdf: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        pdf,
    )
        .into_response()
}

/// The text on a learner card and in its QR code: what the field app reads
/// back to tick a presence (`thuc-dia.js`, `cardId`).
pub fn card_code(resident_id: i64) -> String {
    format!("HV-{resident_id}")
}

/// Learner cards for the hamlet's people (`?ho=`: one household), ten to
/// an A4 page.
async fn cards(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CardsQuery>,
) -> AppResult<Response> {
    let (_, hamlet_id) = hamlet_of(&state, &user, Action::See, q.xom.as_deref()).await?;
    let pack = state
        .store
        .field_pack(hamlet_id, state.today())
        .await?
        .ok_or(AppError::NotFound)?;
    let household = asked_id(q.ho.as_deref())?;
    let cards: Vec<hocvuso_documents::LearnerCard> = pack
        .households
        .iter()
        .filter(|h| household.is_none_or(|id| h.id == id))
        .flat_map(|h| h.people.iter())
        .map(|p| hocvuso_documents::LearnerCard {
            name: p.name.clone(),
            hamlet: pack.hamlet.clone(),
            birth_year: p.birth_year,
            code: card_code(p.id),
        })
        .collect();
    if cards.is_empty() {
        return Err(AppError::NotFound);
    }
    let pdf = hocvuso_documents::learner_cards_pdf(&cards, &state.commune_name().await)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    user.audit(
        &state,
        AuditAction::ViewList,
        AuditObject::Hamlet,
        hamlet_id,
        format!("in {} thẻ học viên", cards.len()),
    );
    Ok(pdf_download(
        pdf,
        &format!("the-hoc-vien-xom-{hamlet_id}.pdf"),
    ))
}

#[derive(Deserialize)]
struct CardsQuery {
    #[serde(default)]
    xom: Option<String>,
    #[serde(default)]
    ho: Option<String>,
}

#[derive(Deserialize)]
struct WorklistQuery {
    #[serde(default)]
    xom: Option<String>,
    #[serde(default)]
    moc: Option<String>,
}

/// "Không để ai bị bỏ lại phía sau": the hamlet's people who have not
/// reached a milestone, those to visit first on top, as an A4 PDF.
async fn worklist(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<WorklistQuery>,
) -> AppResult<Response> {
    let (_, hamlet_id) = hamlet_of(&state, &user, Action::See, q.xom.as_deref()).await?;
    let milestone = Milestone::from_code(q.moc.as_deref().unwrap_or("").trim())
        .ok_or_else(|| AppError::BadRequest("Chọn một mốc kỹ năng số".into()))?;
    let pack = state
        .store
        .field_pack(hamlet_id, state.today())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut rows: Vec<(bool, Vec<String>)> = pack
        .households
        .iter()
        .flat_map(|h| h.people.iter().map(move |p| (h, p)))
        .filter(|(_, p)| !p.reached.contains(&milestone.code()))
        .map(|(h, p)| {
            (
                p.priority,
                vec![
                    String::new(),
                    p.name.clone(),
                    p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                    h.head.clone(),
                    if p.priority {
                        "Ưu tiên".into()
                    } else {
                        String::new()
                    },
                ],
            )
        })
        .collect();
    // Those to visit first on top; the order within each stays the list's.
    rows.sort_by_key(|(priority, _)| !*priority);
    let n = rows.len();
    let list = hocvuso_documents::NameList {
        title: "KHÔNG ĐỂ AI BỊ BỎ LẠI PHÍA SAU".into(),
        lines: vec![
            format!(
                "{}: {n} người chưa đạt mốc «{}»",
                pack.hamlet,
                milestone.label()
            ),
            "Người cao tuổi, đồng bào dân tộc thiểu số được đưa lên trước.".into(),
        ],
        columns: vec![
            ("STT".into(), 32.0),
            ("Họ và tên".into(), 170.0),
            ("Năm sinh".into(), 55.0),
            ("Chủ hộ".into(), 150.0),
            ("Ghi chú".into(), 0.0),
        ],
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        tick_box: false,
        footer: format!("In ngày {} từ hocvuso", state.today().format("%d/%m/%Y")),
    };
    let pdf =
        hocvuso_documents::name_list_pdf(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    user.audit(
        &state,
        AuditAction::ViewList,
        AuditObject::Hamlet,
        hamlet_id,
        format!(
            "in danh sách chưa đạt mốc «{}» ({n} người)",
            milestone.label()
        ),
    );
    Ok(pdf_download(
        pdf,
        &format!("chua-dat-{}-xom-{hamlet_id}.pdf", milestone.code()),
    ))
}

async fn pack(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HamletQuery>,
) -> AppResult<Response> {
    let (_, hamlet_id) = hamlet_of(&state, &user, Action::See, q.xom.as_deref()).await?;
    let pack = state
        .store
        .field_pack(hamlet_id, state.today())
        .await?
        .ok_or(AppError::NotFound)?;
    let people: usize = pack.households.iter().map(|h| h.people.len()).sum();
    user.audit(
        &state,
        AuditAction::DownloadFieldList,
        AuditObject::Hamlet,
        hamlet_id,
        format!("{} hộ, {people} người", pack.households.len()),
    );
    Ok(Json(pack).into_response())
}

/// A request some other site started (a form or script there), refused
/// before anything is read.
fn same_origin(headers: &HeaderMap) -> AppResult<()> {
    let site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("same-origin");
    if !matches!(site, "same-origin" | "none") {
        return Err(AppError::Csrf);
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin_host != host {
            return Err(AppError::Csrf);
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct SyncRequest {
    records: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct SyncReply {
    results: Vec<SyncOutcome>,
    saved: usize,
    duplicates: usize,
    conflicts: usize,
    rejected: usize,
}

/// A record of a batch, read.
#[derive(Debug)]
enum Record {
    Visit(VisitRecord),
    Tick(AttendanceRecord),
}

/// One record of a batch as the phone sent it: `kind` says what it is
/// (`tham`, a home visit; `diem_danh`, a presence at a class); an unknown
/// kind or a malformed record is rejected alone, with its id when it has one.
fn parse_record(value: serde_json::Value) -> Result<Record, SyncOutcome> {
    let id = value
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .chars()
        .take(64)
        .collect::<String>();
    let serde_json::Value::Object(mut fields) = value else {
        return Err(SyncOutcome::rejected(&id, "Bản ghi không đúng dạng"));
    };
    let kind = fields.remove("kind");
    let value = serde_json::Value::Object(fields);
    let bad = |e: serde_json::Error| {
        SyncOutcome::rejected(
            &id,
            format!("Bản ghi thiếu hoặc sai thông tin ({e}): hãy ghi lại"),
        )
    };
    match kind.as_ref().and_then(|k| k.as_str()) {
        Some("tham") => serde_json::from_value(value)
            .map(Record::Visit)
            .map_err(bad),
        Some("diem_danh") => serde_json::from_value(value).map(Record::Tick).map_err(bad),
        _ => Err(SyncOutcome::rejected(
            &id,
            "Loại bản ghi không rõ: hãy cập nhật ứng dụng (tải lại trang khi có mạng)",
        )),
    }
}

async fn sync(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Json(req): Json<SyncRequest>,
) -> AppResult<Json<SyncReply>> {
    let scope = user
        .role()
        .scope(Action::Change, Resource::FieldWork)
        .ok_or(AppError::Forbidden)?;
    same_origin(&headers)?;
    if req.records.len() > MAX_BATCH {
        return Err(AppError::BadRequest(format!(
            "Mỗi lần gửi nhiều nhất {MAX_BATCH} bản ghi"
        )));
    }
    let parsed: Vec<Result<Record, SyncOutcome>> =
        req.records.into_iter().map(parse_record).collect();
    let visits: Vec<VisitRecord> = parsed
        .iter()
        .filter_map(|p| match p {
            Ok(Record::Visit(v)) => Some(v.clone()),
            _ => None,
        })
        .collect();
    let ticks: Vec<AttendanceRecord> = parsed
        .iter()
        .filter_map(|p| match p {
            Ok(Record::Tick(t)) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let event = || {
        user.audit_event(
            AuditAction::SyncFieldRecords,
            AuditObject::Hamlet,
            match scope {
                ResidentScope::Hamlet(h) => h.to_string(),
                _ => String::new(),
            },
            format!("{} lần thăm, {} lượt điểm danh", visits.len(), ticks.len()),
        )
    };
    let user_id = Some(user.user.id);
    let mut visits_done = if visits.is_empty() {
        Vec::new()
    } else {
        state
            .store
            .audited(event())
            .sync_visits(&scope, user_id, &visits, state.today())
            .await?
    }
    .into_iter();
    let mut ticks_done = if ticks.is_empty() {
        Vec::new()
    } else {
        state
            .store
            .audited(event())
            .sync_attendance(&scope, user_id, &ticks)
            .await?
    }
    .into_iter();
    let results: Vec<SyncOutcome> = parsed
        .into_iter()
        .map(|p| {
            let (next, id) = match &p {
                Ok(Record::Visit(v)) => (visits_done.next(), v.id.as_str()),
                Ok(Record::Tick(t)) => (ticks_done.next(), t.id.as_str()),
                Err(o) => return o.clone(),
            };
            next.unwrap_or_else(|| SyncOutcome::rejected(id, "Chưa ghi được: hãy gửi lại"))
        })
        .collect();
    let count = |s: SyncStatus| results.iter().filter(|o| o.status == s).count();
    Ok(Json(SyncReply {
        saved: count(SyncStatus::Saved),
        duplicates: count(SyncStatus::Duplicate),
        conflicts: count(SyncStatus::Conflict),
        rejected: count(SyncStatus::Rejected),
        results,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hocvuso_domain::classes::AttendanceWay;

    #[test]
    fn a_record_is_read_alone_and_its_id_kept_when_refused() {
        let ok = serde_json::json!({"kind": "tham", "id": "abcdefgh-1", "household_id": 3,
            "visited_on": "2026-12-01", "people": [1], "milestones": [{"resident_id": 1, "milestone": "vneid"}]});
        let Record::Visit(v) = parse_record(ok).unwrap() else {
            panic!("not a visit")
        };
        assert_eq!(v.milestones[0].milestone, Milestone::VneidInstalled);
        let tick = serde_json::json!({"kind": "diem_danh", "id": "abcdefgh-5", "session_id": 2,
            "resident_id": 1, "how": "the", "milestones": ["ai"]});
        let Record::Tick(t) = parse_record(tick).unwrap() else {
            panic!("not a tick")
        };
        assert_eq!(t.how, AttendanceWay::Card);
        let unknown = serde_json::json!({"kind": "khac", "id": "abcdefgh-2"});
        let o = parse_record(unknown).unwrap_err();
        assert_eq!(
            (o.id.as_str(), o.status),
            ("abcdefgh-2", SyncStatus::Rejected)
        );
        let bad = serde_json::json!({"kind": "tham", "id": "abcdefgh-3", "household_id": "x"});
        let o = parse_record(bad).unwrap_err();
        assert!(o.message.unwrap_or_default().contains("ghi lại"));
        let extra = serde_json::json!({"kind": "tham", "id": "abcdefgh-4", "household_id": 3,
            "visited_on": "2026-12-01", "gps": "21.6,105.8"});
        assert!(
            parse_record(extra).is_err(),
            "no field beyond the visit's, location least of all"
        );
    }

    #[test]
    fn another_sites_request_is_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "xa.example:8080".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert(header::ORIGIN, "http://xa.example:8080".parse().unwrap());
        assert!(same_origin(&h).is_ok());
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(same_origin(&h).is_err());
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(same_origin(&h).is_err());
    }
}
