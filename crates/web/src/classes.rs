//! Classes (issue 14): the week's training sessions per hamlet, adding one,
//! and one session with who attended. Attendance is ticked in the field
//! app (`/thuc-dia`), which works offline, and arrives through its sync.
//! Who may see and add classes is `Resource::FieldWork`: the office for the
//! commune, the hamlet head and the team for their hamlet.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::classes::{week_of, AttendanceRecord, AttendanceWay, NewSession, PlanTask};
use hocvuso_domain::field::{SyncStatus, MAX_BATCH};
use hocvuso_domain::groups::TargetGroup;
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::ResidentScope;
use hocvuso_storage::Session;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lop", get(list).post(add))
        .route("/lop/{id}", get(show))
        .route(
            "/lop/{id}/diem-danh",
            axum::routing::post(enter).layer(crate::form_limit()),
        )
        .route("/lop/{id}/phieu-diem-danh.pdf", get(sheet))
        .route("/lich-hoc", get(schedule))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    /// Any day of the week to show.
    #[serde(default)]
    tuan: Option<String>,
    #[serde(default)]
    xom: Option<String>,
}

#[derive(Deserialize)]
struct AddForm {
    csrf: String,
    #[serde(default)]
    chu_de: String,
    #[serde(default)]
    doi_tuong: String,
    #[serde(default)]
    xom: String,
    #[serde(default)]
    dia_diem: String,
    #[serde(default)]
    ngay: String,
    #[serde(default)]
    gio: String,
    #[serde(default)]
    nguoi_huong_dan: String,
    #[serde(default)]
    nhiem_vu: String,
    #[serde(default)]
    don_vi: String,
    /// The outreach campaign the class is held for (optional).
    #[serde(default)]
    chien_dich: String,
    /// A course of the learning section the class teaches (optional).
    #[serde(default)]
    khoa_hoc: String,
}

/// A class as lists show it (also the records behind a hamlet's report,
/// `field::records`).
pub(crate) struct SessionView {
    pub(crate) id: i64,
    pub(crate) when: String,
    pub(crate) topic: String,
    pub(crate) hamlet: String,
    pub(crate) place: String,
    pub(crate) group: String,
    pub(crate) task: String,
    pub(crate) attended: i64,
}

impl SessionView {
    pub(crate) fn of(s: &Session) -> Self {
        SessionView {
            id: s.id,
            when: s
                .starts()
                .map(|t| t.format("%H:%M %d/%m/%Y").to_string())
                .unwrap_or_else(|| s.starts_at.clone()),
            topic: s.topic.clone(),
            hamlet: s.hamlet.clone().unwrap_or_else(|| "Toàn xã".into()),
            place: s.place.clone(),
            group: s
                .group()
                .map_or("Mọi người", TargetGroup::label)
                .to_string(),
            task: match s.task() {
                Some(t) => t.label().to_string(),
                None => s.task.clone(),
            },
            attended: s.attended,
        }
    }
}

#[derive(Template)]
#[template(path = "classes.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    week: String,
    prev: String,
    next: String,
    hamlet_query: String,
    sessions: Vec<SessionView>,
    can_add: bool,
    /// (id, name, chosen): every hamlet for the office, one's own otherwise.
    hamlets: Vec<(i64, String, bool)>,
    groups: Vec<(&'static str, &'static str)>,
    tasks: Vec<(&'static str, &'static str)>,
    /// (id, name, chosen): the active units; the hamlet's own team chosen.
    units: Vec<(i64, String, bool)>,
    /// (id, title): the courses a class may teach.
    courses: Vec<(String, String)>,
    /// (id, title): the campaigns still running or ended in the last 30 days.
    campaigns: Vec<(i64, String)>,
    error: Option<String>,
    form_day: String,
}

/// The hamlets the user may list classes for, and the one asked for.
async fn hamlets_for(
    state: &AppState,
    scope: &ResidentScope,
    asked: Option<&str>,
) -> AppResult<(Vec<(i64, String)>, Option<i64>)> {
    let all: Vec<(i64, String)> = state
        .store
        .list_hamlets()
        .await?
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect();
    let asked = crate::field::asked_id(asked)?;
    match scope {
        ResidentScope::All => Ok((all, asked)),
        ResidentScope::Hamlet(h) => {
            if asked.is_some_and(|a| a != *h) {
                return Err(AppError::NotFound);
            }
            Ok((
                all.into_iter().filter(|(id, _)| id == h).collect(),
                Some(*h),
            ))
        }
        _ => Err(AppError::Forbidden),
    }
}

async fn render_list(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery,
    error: Option<String>,
) -> AppResult<Response> {
    let scope = user
        .role()
        .scope(Action::See, Resource::FieldWork)
        .ok_or(AppError::Forbidden)?;
    let (hamlets, chosen) = hamlets_for(state, &scope, q.xom.as_deref()).await?;
    let day = q
        .tuan
        .as_deref()
        .and_then(|t| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| state.today());
    let (monday, sunday) = week_of(day);
    let sessions = state
        .store
        .sessions_between(chosen, monday, sunday)
        .await?
        .iter()
        .map(SessionView::of)
        .collect();
    let own_team = |u: &hocvuso_domain::units::Unit| {
        u.hamlet_id.is_some()
            && u.hamlet_id == chosen
            && u.unit_type == hocvuso_domain::units::UnitType::DigitalTeam
    };
    let units = state
        .store
        .list_units()
        .await?
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id, u.name.clone(), own_team(&u)))
        .collect();
    let html = ListPage {
        nav: Some(Nav::of(user)),
        csrf: user.csrf_token.clone(),
        week: format!("{} – {}", monday.format("%d/%m"), sunday.format("%d/%m/%Y")),
        prev: (monday - chrono::Days::new(7))
            .format("%Y-%m-%d")
            .to_string(),
        next: (monday + chrono::Days::new(7))
            .format("%Y-%m-%d")
            .to_string(),
        hamlet_query: chosen.map(|h| format!("&xom={h}")).unwrap_or_default(),
        sessions,
        can_add: user.role().allowed(Action::Change, Resource::FieldWork),
        hamlets: hamlets
            .into_iter()
            .map(|(id, name)| (id, name, chosen == Some(id)))
            .collect(),
        groups: TargetGroup::ALL
            .iter()
            .map(|g| (g.code(), g.label()))
            .collect(),
        tasks: PlanTask::ALL
            .iter()
            .map(|t| (t.code(), t.label()))
            .collect(),
        units,
        campaigns: state
            .store
            .campaigns()
            .await?
            .into_iter()
            .filter(|c| c.ends_on + chrono::Days::new(30) >= state.today())
            .map(|c| (c.id, c.title))
            .collect(),
        courses: state
            .catalog
            .courses
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect(),
        error,
        form_day: day.format("%Y-%m-%d").to_string(),
    }
    .render()?;
    Ok(Html(html).into_response())
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    render_list(&state, &user, &q, None).await
}

/// The form read into a session, or what to fix.
fn session_of(
    f: &AddForm,
    scope: &ResidentScope,
    catalog: &hocvuso_learning::Catalog,
) -> Result<NewSession, String> {
    // A course chosen: the class teaches it, and its title is the topic
    // unless one was written.
    let course = match f.khoa_hoc.trim() {
        "" => None,
        id => Some(
            catalog
                .course(id)
                .ok_or("Khóa học đã chọn không có: hãy chọn lại trong danh sách")?,
        ),
    };
    let topic = match course {
        Some(c) if f.chu_de.trim().is_empty() => c.title.clone(),
        _ => f.chu_de.clone(),
    };
    let day = NaiveDate::parse_from_str(f.ngay.trim(), "%Y-%m-%d")
        .map_err(|_| "Chọn ngày học".to_string())?;
    let time = NaiveTime::parse_from_str(f.gio.trim(), "%H:%M")
        .map_err(|_| "Chọn giờ bắt đầu, ví dụ 08:00".to_string())?;
    let group = match f.doi_tuong.trim() {
        "" => None,
        code => Some(TargetGroup::from_code(code).ok_or("Nhóm đối tượng không đúng")?),
    };
    let hamlet_id = match (f.xom.trim(), scope) {
        (_, ResidentScope::Hamlet(h)) => Some(*h),
        ("", _) => None,
        (s, _) => Some(s.parse::<i64>().map_err(|_| "Chọn xóm".to_string())?),
    };
    let task = PlanTask::from_code(&f.nhiem_vu)
        .ok_or("Chọn nhiệm vụ của kế hoạch mà buổi học thực hiện")?;
    let unit_id = match f.don_vi.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| "Chọn đơn vị tổ chức trong danh sách".to_string())?,
        ),
    };
    NewSession {
        topic,
        course_id: course.map(|c| c.id.clone()),
        group,
        hamlet_id,
        place: f.dia_diem.clone(),
        starts_at: NaiveDateTime::new(day, time),
        trainers: f.nguoi_huong_dan.clone(),
        unit_id,
        task,
    }
    .checked()
}

async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<AddForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let scope = user
        .role()
        .scope(Action::Change, Resource::FieldWork)
        .ok_or(AppError::Forbidden)?;
    let back = ListQuery {
        tuan: Some(f.ngay.clone()),
        xom: None,
    };
    let session = match session_of(&f, &scope, &state.catalog) {
        Ok(s) => s,
        Err(m) => return render_list(&state, &user, &back, Some(m)).await,
    };
    // The campaign it is held for, checked before anything is written.
    let campaign = match f.chien_dich.trim() {
        "" => None,
        s => {
            let known = state.store.campaigns().await?;
            match s
                .parse::<i64>()
                .ok()
                .filter(|id| known.iter().any(|c| c.id == *id))
            {
                Some(id) => Some(id),
                None => {
                    let m = "Chọn chiến dịch trong danh sách (hoặc để trống).".to_string();
                    return render_list(&state, &user, &back, Some(m)).await;
                }
            }
        }
    };
    let event = user.audit_event(
        AuditAction::Create,
        AuditObject::Class,
        "",
        format!("buổi học «{}»", session.topic),
    );
    let id = state
        .store
        .audited(event)
        .add_session(&session, Some(user.user.id))
        .await?;
    if let Some(c) = campaign {
        state.store.link_class_campaign(id, c).await?;
    }
    Ok(Redirect::to(&format!("/lop/{id}")).into_response())
}

struct AttendeeView {
    name: String,
    birth_year: String,
    how: String,
}

/// Someone found for the desk's attendance form.
struct FoundView {
    /// "phieu:ID" for the class's hamlet, "vang_lai:ID" for a walk-in.
    value: String,
    name: String,
    birth_year: String,
    hamlet: String,
    came: bool,
}

#[derive(Template)]
#[template(path = "class.html")]
struct ShowPage {
    nav: Option<Nav>,
    session: SessionView,
    trainers: String,
    unit: String,
    /// (id, title) of the course the class teaches.
    course: Option<(String, String)>,
    attendees: Vec<AttendeeView>,
    field_link: String,
    /// The desk's form: ticks of a paper sheet, walk-ins found by name.
    can_enter: bool,
    csrf: String,
    form_id: String,
    query: String,
    /// Whether the whole sheet's list is shown (`?phieu=1`).
    sheet: bool,
    found: Vec<FoundView>,
    /// Why a search found nothing to show, or what was entered.
    message: Option<String>,
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    /// A name, without diacritics if one likes.
    #[serde(default)]
    tim: Option<String>,
    #[serde(default)]
    phieu: Option<String>,
    /// After entering: how many were new, already there, refused.
    #[serde(default)]
    moi: Option<u32>,
    #[serde(default)]
    trung: Option<u32>,
    #[serde(default)]
    loi: Option<u32>,
}

/// The class if the user reaches it ("not found" otherwise).
async fn reachable(
    state: &AppState,
    user: &CurrentUser,
    action: Action,
    id: i64,
) -> AppResult<(Session, ResidentScope)> {
    let scope = user
        .role()
        .scope(action, Resource::FieldWork)
        .ok_or(AppError::NotFound)?;
    let s = state.store.session(id).await?.ok_or(AppError::NotFound)?;
    let within = match scope {
        ResidentScope::All => true,
        ResidentScope::Hamlet(h) => s.hamlet_id == Some(h),
        _ => false,
    };
    if within {
        Ok((s, scope))
    } else {
        Err(AppError::NotFound)
    }
}

/// The most people the desk's search shows, and the most one sheet lists.
const FOUND_MAX: i64 = 30;
const SHEET_MAX: i64 = 5000;

/// The people the desk may tick for a class: with `sheet`, the class's
/// sheet (the hamlet's people of its group, as printed); otherwise those
/// whose name matches `query` — in the hamlet, and across the commune
/// (walk-ins) when the query names someone (two words or more), so a
/// hamlet's team cannot page through other hamlets.
async fn find_people(
    state: &AppState,
    s: &Session,
    query: &str,
    sheet: bool,
) -> AppResult<Vec<hocvuso_domain::Resident>> {
    let Some(hamlet) = s.hamlet_id else {
        // A class for the whole commune: everyone is "of" it.
        if query.trim().is_empty() {
            return Ok(Vec::new());
        }
        return Ok(state
            .store
            .list_residents(
                ResidentScope::All,
                &hocvuso_domain::ResidentFilter {
                    query: Some(query.to_string()),
                    ..Default::default()
                },
                1,
                FOUND_MAX,
            )
            .await?
            .items);
    };
    if sheet {
        return Ok(state
            .store
            .list_residents(
                ResidentScope::Hamlet(hamlet),
                &hocvuso_domain::ResidentFilter {
                    group: Some(s.group().unwrap_or(TargetGroup::Adults)),
                    ..Default::default()
                },
                1,
                SHEET_MAX,
            )
            .await?
            .items);
    }
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let filter = hocvuso_domain::ResidentFilter {
        query: Some(query.to_string()),
        ..Default::default()
    };
    let mut people = state
        .store
        .list_residents(ResidentScope::Hamlet(hamlet), &filter, 1, FOUND_MAX)
        .await?
        .items;
    if query.split_whitespace().count() >= 2 {
        let elsewhere = state
            .store
            .list_residents(ResidentScope::All, &filter, 1, FOUND_MAX)
            .await?
            .items;
        people.extend(elsewhere.into_iter().filter(|r| r.hamlet_id != hamlet));
    }
    Ok(people)
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let (s, _) = reachable(&state, &user, Action::See, id).await?;
    let attendees = state.store.attendees(id).await?;
    let can_enter = user.role().allowed(Action::Change, Resource::FieldWork);
    let query: String = q.tim.unwrap_or_default().chars().take(100).collect();
    let sheet = q.phieu.is_some();
    let mut found = Vec::new();
    if can_enter && (sheet || !query.trim().is_empty()) {
        let hamlets = crate::units::hamlet_names(&state).await?;
        let people = find_people(&state, &s, &query, sheet).await?;
        user.audit(
            &state,
            AuditAction::ViewList,
            AuditObject::Class,
            id,
            format!(
                "{} để điểm danh: {} người",
                if sheet {
                    "danh sách phiếu"
                } else {
                    "tìm người dự"
                },
                people.len()
            ),
        );
        found = people
            .into_iter()
            .map(|r| {
                let way = if s.hamlet_id.is_some_and(|h| h != r.hamlet_id) {
                    AttendanceWay::WalkIn
                } else {
                    AttendanceWay::Sheet
                };
                FoundView {
                    value: format!("{}:{}", way.code(), r.id),
                    came: attendees.iter().any(|a| a.resident_id == r.id),
                    birth_year: r.birth.map(|b| b.year().to_string()).unwrap_or_default(),
                    hamlet: hamlets.get(&r.hamlet_id).cloned().unwrap_or_default(),
                    name: r.full_name,
                }
            })
            .collect();
    }
    let message = match (q.moi, q.trung, q.loi) {
        (None, None, None) if !sheet && !query.trim().is_empty() && found.is_empty() => Some(
            "Không tìm thấy ai: hãy gõ họ và tên đầy đủ (có dấu hay không dấu đều được) để tìm cả ở xóm khác."
                .to_string(),
        ),
        (None, None, None) => None,
        (moi, trung, loi) => Some(format!(
            "Đã ghi {} người dự mới{}{}.",
            moi.unwrap_or(0),
            match trung.unwrap_or(0) {
                0 => String::new(),
                n => format!(", {n} người đã có từ trước"),
            },
            match loi.unwrap_or(0) {
                0 => String::new(),
                n => format!(", {n} người không ghi được (không thuộc xóm của lớp): hãy tìm lại họ như người đến thêm"),
            }
        )),
    };
    let attendees = attendees
        .into_iter()
        .map(|a| AttendeeView {
            name: a.full_name,
            birth_year: a.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            how: a.how.map(|w| w.label()).unwrap_or_default().to_string(),
        })
        .collect();
    user.audit(
        &state,
        AuditAction::View,
        AuditObject::Class,
        id,
        "danh sách người dự",
    );
    let html = ShowPage {
        nav: Some(Nav::of(&user)),
        trainers: s.trainers.clone(),
        unit: s.unit.clone().unwrap_or_default(),
        course: s
            .course_id
            .as_deref()
            .and_then(|id| state.catalog.course(id))
            .map(|c| (c.id.clone(), c.title.clone())),
        field_link: s
            .hamlet_id
            .map(|h| format!("/thuc-dia?xom={h}"))
            .unwrap_or_else(|| "/thuc-dia".into()),
        session: SessionView::of(&s),
        attendees,
        can_enter,
        csrf: user.csrf_token.clone(),
        form_id: crate::auth::random_token(12).replace('_', "-"),
        query,
        sheet,
        found,
        message,
    }
    .render()?;
    Ok(Html(html).into_response())
}

/// The desk enters who came: ticks of a paper sheet, or walk-ins found by
/// name. Each tick's id is the form's id and the person, so sending the
/// form twice (a double click, the back button) writes each once; the
/// storage's rules decide as for a phone's ticks.
async fn enter(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    user.check_csrf_in(&form)?;
    let (_, scope) = reachable(&state, &user, Action::Change, id).await?;
    let form_id = crate::auth::form_field(&form, "ma");
    let mut ticks = Vec::new();
    for (k, v) in &form {
        if k != "nguoi" {
            continue;
        }
        let parsed = v.split_once(':').and_then(|(way, person)| {
            Some((AttendanceWay::from_code(way)?, person.parse::<i64>().ok()?))
        });
        let Some((how, resident_id)) = parsed else {
            return Err(AppError::BadRequest(
                "Danh sách người dự không đọc được: hãy tải lại trang và chọn lại".into(),
            ));
        };
        ticks.push(AttendanceRecord {
            id: format!("{form_id}-{resident_id}"),
            session_id: id,
            resident_id,
            how,
            milestones: Vec::new(),
        });
    }
    if ticks.is_empty() {
        return Err(AppError::BadRequest(
            "Chưa chọn ai: hãy đánh dấu những người có mặt rồi bấm Ghi".into(),
        ));
    }
    if ticks.len() > MAX_BATCH {
        return Err(AppError::BadRequest(format!(
            "Mỗi lần ghi nhiều nhất {MAX_BATCH} người: hãy ghi làm nhiều lần"
        )));
    }
    let event = user.audit_event(
        AuditAction::Edit,
        AuditObject::Class,
        id.to_string(),
        format!("nhập điểm danh {} người", ticks.len()),
    );
    let out = state
        .store
        .audited(event)
        .sync_attendance(&scope, Some(user.user.id), &ticks)
        .await?;
    let n = |st: SyncStatus| out.iter().filter(|o| o.status == st).count();
    Ok(Redirect::to(&format!(
        "/lop/{id}?moi={}&trung={}&loi={}",
        n(SyncStatus::Saved),
        n(SyncStatus::Duplicate) + n(SyncStatus::Conflict),
        n(SyncStatus::Rejected)
    ))
    .into_response())
}

/// The class's attendance sheet (A4 PDF): the hamlet's people of the class's
/// group (adults when it is for everyone), by name, a box to tick each, for
/// a place without a phone; the ticks are entered afterwards in the field
/// app ("Nhập từ phiếu").
async fn sheet(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (s, _) = reachable(&state, &user, Action::See, id).await?;
    if s.hamlet_id.is_none() {
        return Err(AppError::BadRequest(
            "Buổi học toàn xã không có danh sách xóm để in phiếu: hãy in phiếu theo từng xóm"
                .into(),
        ));
    }
    let group = s.group().unwrap_or(TargetGroup::Adults);
    let people = find_people(&state, &s, "", true).await?;
    let view = SessionView::of(&s);
    let list = hocvuso_documents::NameList {
        title: "PHIẾU ĐIỂM DANH".into(),
        lines: vec![
            view.topic.clone(),
            format!("{} · {} · {}", view.when, view.place, view.hamlet),
            format!("Đối tượng: {} ({} người)", group.label(), people.len()),
        ],
        columns: vec![
            ("STT".into(), 32.0),
            ("Họ và tên".into(), 210.0),
            ("Năm sinh".into(), 60.0),
            ("Ký tên".into(), 140.0),
            ("Có mặt".into(), 0.0),
        ],
        rows: people
            .iter()
            .map(|r| {
                vec![
                    String::new(),
                    r.full_name.clone(),
                    r.birth.map(|b| b.year().to_string()).unwrap_or_default(),
                ]
            })
            .collect(),
        tick_box: true,
        footer: format!("Phiếu điểm danh buổi học số {id} · in từ hocvuso"),
    };
    let pdf =
        hocvuso_documents::name_list_pdf(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    user.audit(
        &state,
        AuditAction::ViewList,
        AuditObject::Class,
        id,
        format!("in phiếu điểm danh ({} người)", people.len()),
    );
    Ok(crate::field::pdf_download(
        pdf,
        &format!("phieu-diem-danh-{id}.pdf"),
    ))
}

#[derive(Template)]
#[template(path = "schedule.html")]
struct SchedulePage {
    nav: Option<Nav>,
    /// (hamlet id, name, its classes), hamlets with none left out.
    hamlets: Vec<(i64, String, Vec<SessionView>)>,
    commune_wide: Vec<SessionView>,
    /// The hamlet asked for (`?xom=`): its page shows its classes and the
    /// commune's.
    only: Option<String>,
}

#[derive(Deserialize, Default)]
struct ScheduleQuery {
    #[serde(default)]
    xom: Option<String>,
}

/// The classes of the next eight weeks, by hamlet, or of one hamlet: a
/// public page (no one's data), for residents to know where and when to
/// come.
async fn schedule(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Query(q): Query<ScheduleQuery>,
) -> AppResult<Response> {
    let today = state.today();
    let asked = crate::field::asked_id(q.xom.as_deref())?;
    let only = match asked {
        Some(h) => Some(
            state
                .store
                .list_hamlets()
                .await?
                .into_iter()
                .find(|x| x.id == h)
                .ok_or(AppError::NotFound)?
                .name,
        ),
        None => None,
    };
    let sessions = state
        .store
        .sessions_between(None, today, today + chrono::Days::new(56))
        .await?;
    let mut hamlets: Vec<(i64, String, Vec<SessionView>)> = Vec::new();
    let mut commune_wide = Vec::new();
    let mut sorted: Vec<&Session> = sessions
        .iter()
        .filter(|s| asked.is_none() || s.hamlet_id.is_none() || s.hamlet_id == asked)
        .collect();
    sorted.sort_by(|a, b| (&a.hamlet, &a.starts_at).cmp(&(&b.hamlet, &b.starts_at)));
    for s in sorted {
        match (s.hamlet_id, &s.hamlet) {
            (Some(id), Some(h)) => match hamlets.last_mut() {
                Some((last, _, list)) if *last == id => list.push(SessionView::of(s)),
                _ => hamlets.push((id, h.clone(), vec![SessionView::of(s)])),
            },
            _ => commune_wide.push(SessionView::of(s)),
        }
    }
    let html = SchedulePage {
        nav: user.as_ref().map(Nav::of),
        hamlets,
        commune_wide,
        only,
    }
    .render()?;
    Ok(Html(html).into_response())
}
