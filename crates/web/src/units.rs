//! The commune's units (section V of the plan) for the office: list them by
//! type, create one, rename it, stop it or start it again (never delete: a
//! unit's reports stay), and put people from the registry into it with their
//! position and category. Every change is audited.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::registry::Choice;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::{MemberCategory, ResidentFilter, SchoolLevel, UnitType};
use hocvuso_storage::{NewUnit, StoreError, UnitOverview};
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/don-vi", get(list).post(create))
        .route("/don-vi/{id}", get(show))
        .route("/don-vi/{id}/ten", post(rename))
        .route("/don-vi/{id}/hoat-dong", post(set_active))
        .route("/don-vi/{id}/email", post(set_email))
        .route(
            "/don-vi/{id}/thanh-vien/{resident}/cong-khai",
            post(set_publish),
        )
        .route("/don-vi/{id}/thanh-vien", post(add_member))
        .route(
            "/don-vi/{id}/thanh-vien/{resident}/bot",
            post(remove_member),
        )
}

/// Longest unit name, as the store allows.
const MAX_NAME: usize = 200;
/// Longest position ("Chủ tịch Hội Cựu chiến binh xã"), as the store allows.
const MAX_POSITION: usize = 120;
/// Longest search text.
const MAX_QUERY: usize = 100;
/// People listed for one search.
const SEARCH_LIMIT: i64 = 20;

/// The one rule for these pages: the office (admin and Phòng Văn hóa – Xã
/// hội), who set the commune up.
fn require_office(user: &CurrentUser) -> AppResult<()> {
    if user.role().allowed(Action::Change, Resource::Units) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The same rule for one unit's pages: to anyone else the unit is not there.
fn require_office_for_unit(user: &CurrentUser) -> AppResult<()> {
    require_office(user).map_err(|_| AppError::NotFound)
}

fn needs_hamlet(t: UnitType) -> bool {
    matches!(t, UnitType::Hamlet | UnitType::DigitalTeam)
}

/// Where a unit belongs: its hamlet (hamlets, teams) or its school level.
fn place_of(u: &UnitOverview, hamlets: &HashMap<i64, String>) -> String {
    match (u.unit.hamlet_id, u.unit.school_level) {
        (Some(h), _) => hamlets.get(&h).cloned().unwrap_or_default(),
        (None, Some(l)) => l.label().to_string(),
        (None, None) => String::new(),
    }
}

pub(crate) async fn hamlet_names(state: &AppState) -> AppResult<HashMap<i64, String>> {
    Ok(state
        .store
        .list_hamlets()
        .await?
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect())
}

// ------------------------------------------------------------ the list

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub members: String,
    pub place: String,
    pub active: bool,
}

/// The units of one type, under the type's name.
pub struct TypeGroup {
    pub label: &'static str,
    /// The heading of the place column ("Xóm", "Cấp học"), for the types that have one.
    pub place_heading: Option<&'static str>,
    pub rows: Vec<UnitRow>,
}

/// The "new unit" form. Every field may be missing: a browser sends no
/// `unit_type` while the "— Chọn loại đơn vị —" placeholder is selected.
#[derive(Deserialize, Default)]
struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit_type: String,
    #[serde(default)]
    hamlet_id: String,
    #[serde(default)]
    school_level: String,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    nav: Option<Nav>,
    groups: Vec<TypeGroup>,
    total: usize,
    active: usize,
    types: Vec<Choice>,
    type_chosen: bool,
    hamlets: Vec<Choice>,
    levels: Vec<Choice>,
    form: CreateForm,
    error: Option<String>,
}

async fn render_list(
    state: &AppState,
    user: &CurrentUser,
    error: Option<String>,
    form: CreateForm,
) -> AppResult<Html<String>> {
    let units = state.store.units_overview().await?;
    let hamlet_list = state.store.list_hamlets().await?;
    let names: HashMap<i64, String> = hamlet_list.iter().map(|h| (h.id, h.name.clone())).collect();
    let groups = UnitType::ALL
        .into_iter()
        .filter_map(|t| {
            let rows: Vec<UnitRow> = units
                .iter()
                .filter(|u| u.unit.unit_type == t)
                .map(|u| UnitRow {
                    id: u.unit.id,
                    name: u.unit.name.clone(),
                    members: hocvuso_domain::numbers::integer(u.members),
                    place: place_of(u, &names),
                    active: u.unit.active,
                })
                .collect();
            (!rows.is_empty()).then_some(TypeGroup {
                label: t.label(),
                // A hamlet's unit is named after the hamlet: no column for it.
                place_heading: match t {
                    UnitType::DigitalTeam => Some("Xóm"),
                    UnitType::School => Some("Cấp học"),
                    _ => None,
                },
                rows,
            })
        })
        .collect();
    let types = Choice::list(
        UnitType::ALL.iter().map(|t| (t.code(), t.label())),
        &form.unit_type,
    );
    let page = UnitsPage {
        nav: Some(Nav::of(user)),
        groups,
        total: units.len(),
        active: units.iter().filter(|u| u.unit.active).count(),
        type_chosen: types.iter().any(|t| t.selected),
        types,
        hamlets: Choice::list(
            hamlet_list
                .iter()
                .map(|h| (h.id.to_string(), h.name.as_str())),
            &form.hamlet_id,
        ),
        levels: Choice::list(
            SchoolLevel::ALL.iter().map(|l| (l.code(), l.label())),
            &form.school_level,
        ),
        form,
        error,
    };
    Ok(Html(page.render()?))
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    require_office(&user)?;
    render_list(&state, &user, None, CreateForm::default()).await
}

const NOT_CREATED: &str = "Chưa thêm đơn vị nào.";

/// What is wrong with the form, or the unit to create.
async fn new_unit(state: &AppState, f: &CreateForm) -> AppResult<Result<NewUnit, String>> {
    if f.name.chars().count() > MAX_NAME {
        return Ok(Err(format!(
            "Tên đơn vị dài quá {MAX_NAME} ký tự: hãy viết gọn lại."
        )));
    }
    if vntext::normalize(&f.name).is_empty() {
        return Ok(Err(
            "Chưa ghi tên đơn vị: hãy ghi tên, ví dụ «Hội Cựu chiến binh xã».".into(),
        ));
    }
    let Some(unit_type) = UnitType::from_code(f.unit_type.trim()) else {
        return Ok(Err(
            "Chưa chọn loại đơn vị: hãy chọn loại rồi bấm «Thêm đơn vị».".into(),
        ));
    };
    let hamlet_id = match f.hamlet_id.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) if state.store.list_hamlets().await?.iter().any(|h| h.id == id) => Some(id),
            _ => {
                return Ok(Err(
                    "Không có xóm này trong sổ: hãy chọn lại xóm trong danh sách.".into(),
                ))
            }
        },
    };
    if hamlet_id.is_some() && !needs_hamlet(unit_type) {
        return Ok(Err(format!(
            "Chỉ xóm và Tổ công nghệ số cộng đồng gắn với một xóm: với loại «{}», hãy để ô Xóm trống.",
            unit_type.label()
        )));
    }
    let school_level = match f.school_level.trim() {
        "" => None,
        s => match SchoolLevel::from_code(s) {
            Some(l) => Some(l),
            None => return Ok(Err("Hãy chọn lại cấp học trong danh sách.".into())),
        },
    };
    if school_level.is_some() && unit_type != UnitType::School {
        return Ok(Err(format!(
            "Chỉ trường học mới có cấp học: với loại «{}», hãy để ô Cấp học trống.",
            unit_type.label()
        )));
    }
    Ok(Ok(NewUnit {
        name: f.name.clone(),
        unit_type,
        hamlet_id,
        school_level,
        created_on: Some(state.today()),
    }))
}

/// A message as one sentence: the store's end without a full stop.
fn sentence(m: &str) -> String {
    let m = m.trim();
    if m.ends_with(['.', '!', '?']) {
        m.to_string()
    } else {
        format!("{m}.")
    }
}

/// The list again with the form as it was sent and the message; nothing written.
async fn refuse_create(
    state: &AppState,
    user: &CurrentUser,
    message: String,
    f: CreateForm,
) -> AppResult<Response> {
    let form = CreateForm {
        csrf: String::new(),
        ..f
    };
    let message = format!("{} {NOT_CREATED}", sentence(&message));
    let page = render_list(state, user, Some(message), form).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office(&user)?;
    let unit = match new_unit(&state, &f).await? {
        Ok(u) => u,
        Err(message) => return refuse_create(&state, &user, message, f).await,
    };
    match state.store.create_unit_with(&unit).await {
        Ok(id) => {
            user.audit(
                &state,
                AuditAction::Create,
                AuditObject::Unit,
                id,
                format!(
                    "{} ({})",
                    vntext::normalize(&unit.name),
                    unit.unit_type.label()
                ),
            );
            Ok(Redirect::to(&format!("/don-vi/{id}?xong=tao")).into_response())
        }
        Err(StoreError::Conflict(m)) => {
            let m = format!("{m}: mở đơn vị đó trong danh sách, hoặc đặt một tên khác");
            refuse_create(&state, &user, m, f).await
        }
        Err(StoreError::Invalid(m)) => refuse_create(&state, &user, m, f).await,
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------ one unit

pub struct MemberView {
    pub resident_id: i64,
    pub full_name: String,
    pub position: String,
    pub category: &'static str,
    /// Agreed to have their phone number on the public "who to ask" page.
    pub publish: bool,
}

/// A person found by the search, with the form that puts them in the unit.
pub struct Candidate {
    pub id: i64,
    pub full_name: String,
    pub about: String,
    /// Their position and category when they are already a member.
    pub member: Option<String>,
    pub position: String,
    pub categories: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    nav: Option<Nav>,
    id: i64,
    name: String,
    kind: &'static str,
    place: String,
    active: bool,
    reports: i64,
    members: Vec<MemberView>,
    rename: String,
    q: String,
    /// `None` until a search was made.
    results: Option<Vec<Candidate>>,
    /// How many people the search matched.
    matched: i64,
    /// Whether it matched more than are listed.
    more: bool,
    message: Option<&'static str>,
    error: Option<String>,
    /// A school's class lists (`None` for other units).
    classes: Option<Vec<ClassView>>,
    /// Students on a school's lists, all grades.
    students: usize,
    /// Its duties under section V of the plan: (code, heading, items).
    duties: Vec<(String, String, Vec<String>)>,
    /// The plan's tasks it carries out (true) or helps with: (code, title, leads).
    tasks: Vec<(String, String, bool)>,
    /// What it has recorded against its duties, in words.
    recorded: String,
    /// Its report of the current quarter: (quarter label, status label).
    report_status: Option<(String, &'static str)>,
    /// Where its report reminders are emailed ('' for none).
    email: String,
    remind_days: i64,
    /// A hamlet's community digital team: its members are on the hamlet's
    /// public "who to ask" page.
    public_team: bool,
    hamlet_id: i64,
}

/// One class of a school, with its students.
struct ClassView {
    name: String,
    grade: i32,
    students: Vec<(i64, String)>,
}

/// A school's students grouped by class, in grade order.
fn class_views(students: Vec<hocvuso_storage::Student>) -> Vec<ClassView> {
    let mut out: Vec<ClassView> = Vec::new();
    for s in students {
        match out.last_mut() {
            Some(c) if c.name == s.class_name && c.grade == s.grade => {
                c.students.push((s.resident_id, s.full_name))
            }
            _ => out.push(ClassView {
                name: s.class_name,
                grade: s.grade,
                students: vec![(s.resident_id, s.full_name)],
            }),
        }
    }
    out
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    xong: String,
}

fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "tao" => "Đã thêm đơn vị. Bây giờ có thể tìm người trong sổ dân cư để thêm vào đơn vị.",
        "ten" => "Đã đổi tên đơn vị.",
        "ngung" => "Đơn vị đã ngừng hoạt động: vẫn giữ thành viên và báo cáo, không còn phải nộp báo cáo quý.",
        "mo" => "Đơn vị đã hoạt động trở lại.",
        "them" => "Đã ghi người này vào đơn vị.",
        "bot" => "Đã bớt một người khỏi đơn vị.",
        "email" => "Đã lưu địa chỉ email nhận nhắc báo cáo.",
        "cong-khai" => "Đã ghi lựa chọn công khai số điện thoại.",
        "nhap-can-bo" => "Đã ghi danh sách cán bộ từ Excel vào đơn vị (người không có trong sổ dân cư không được ghi).",
        "nhap-hoc-sinh" => "Đã ghi danh sách học sinh từ Excel vào trường (người không có trong sổ dân cư không được ghi).",
        _ => return None,
    })
}

async fn find_unit(state: &AppState, id: i64) -> AppResult<UnitOverview> {
    state
        .store
        .units_overview()
        .await?
        .into_iter()
        .find(|u| u.unit.id == id)
        .ok_or(AppError::NotFound)
}

/// What the unit page shows besides the unit itself.
struct UnitPageInput {
    q: String,
    message: Option<&'static str>,
    error: Option<String>,
    /// The name in the rename form (as sent, after a refusal).
    rename: Option<String>,
}

async fn render_unit(
    state: &AppState,
    user: &CurrentUser,
    unit: &UnitOverview,
    input: UnitPageInput,
) -> AppResult<Html<String>> {
    let hamlets = hamlet_names(state).await?;
    let members = state.store.members_of(unit.unit.id).await?;
    let published = state.store.published_phones(unit.unit.id).await?;
    let email = state
        .store
        .unit_emails()
        .await?
        .into_iter()
        .find(|(u, _)| *u == unit.unit.id)
        .map(|(_, e)| e)
        .unwrap_or_default();
    let recorded = state
        .store
        .unit_records()
        .await?
        .into_iter()
        .find(|r| r.unit_id == unit.unit.id)
        .unwrap_or_default()
        .text();
    let report_status = {
        let quarter = hocvuso_domain::Quarter::containing(state.today());
        if unit.unit.unit_type == UnitType::DigitalTeam || !unit.unit.reports_for(quarter) {
            None
        } else {
            let report = state
                .store
                .unit_report(unit.unit.id, &quarter.to_string())
                .await?;
            let due = quarter.due(state.store.report_before_day().await?);
            let s =
                hocvuso_reporting::UnitStatus::of(&unit.unit, report.as_ref(), due, state.today());
            Some((quarter.label_in_text(), s.status.label()))
        }
    };
    let q = input.q.trim().to_string();
    let mut error = input.error;
    let mut matched = 0;
    let results = if q.is_empty() {
        None
    } else if q.chars().count() > MAX_QUERY {
        error.get_or_insert_with(|| {
            format!("Từ tìm dài quá {MAX_QUERY} ký tự: hãy gõ họ tên người cần tìm.")
        });
        Some(Vec::new())
    } else {
        let filter = ResidentFilter {
            query: Some(q.clone()),
            ..ResidentFilter::default()
        };
        let page = state
            .store
            .list_residents(user.role().resident_scope(), &filter, 1, SEARCH_LIMIT)
            .await?;
        matched = page.total;
        let default = MemberCategory::default_for(unit.unit.unit_type);
        Some(
            page.items
                .into_iter()
                .map(|r| {
                    let current = members.iter().find(|m| m.resident_id == r.id);
                    let chosen = current.map_or(default, |m| m.category);
                    let birth = r.birth.map(|b| b.display()).unwrap_or_default();
                    let hamlet = hamlets.get(&r.hamlet_id).cloned().unwrap_or_default();
                    Candidate {
                        id: r.id,
                        about: [birth, hamlet]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · "),
                        full_name: r.full_name,
                        member: current.map(|m| {
                            if m.position.is_empty() {
                                m.category.label().to_string()
                            } else {
                                format!("{}, {}", m.position, m.category.label())
                            }
                        }),
                        position: current.map(|m| m.position.clone()).unwrap_or_default(),
                        categories: Choice::list(
                            MemberCategory::ALL.iter().map(|c| (c.code(), c.label())),
                            chosen.code(),
                        ),
                    }
                })
                .collect(),
        )
    };
    let more = results
        .as_ref()
        .is_some_and(|r| matched > i64::try_from(r.len()).unwrap_or(i64::MAX));
    let (classes, students) = if unit.unit.unit_type == UnitType::School {
        let list = state.store.students_of(unit.unit.id).await?;
        let n = list.len();
        (Some(class_views(list)), n)
    } else {
        (None, 0)
    };
    let page = UnitPage {
        nav: Some(Nav::of(user)),
        id: unit.unit.id,
        name: unit.unit.name.clone(),
        kind: unit.unit.unit_type.label(),
        place: place_of(unit, &hamlets),
        active: unit.unit.active,
        reports: unit.reports,
        members: members
            .into_iter()
            .map(|m| MemberView {
                publish: published.contains(&m.resident_id),
                resident_id: m.resident_id,
                full_name: m.full_name,
                position: m.position,
                category: m.category.label(),
            })
            .collect(),
        rename: input.rename.unwrap_or_else(|| unit.unit.name.clone()),
        q,
        results,
        matched,
        more,
        message: input.message,
        error,
        classes,
        students,
        duties: state
            .plan()
            .as_deref()
            .map(|p| {
                p.duties_of(unit.unit.unit_type)
                    .into_iter()
                    .map(|d| (d.code.clone(), d.unit.clone(), d.items.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        tasks: state
            .plan()
            .as_deref()
            .map(|p| {
                p.tasks_of(unit.unit.unit_type)
                    .into_iter()
                    .map(|(t, leads)| (t.code.clone(), t.title.clone(), leads))
                    .collect()
            })
            .unwrap_or_default(),
        email,
        recorded,
        report_status,
        remind_days: hocvuso_domain::contact::REMIND_DAYS_BEFORE,
        public_team: unit.unit.unit_type == UnitType::DigitalTeam && unit.unit.hamlet_id.is_some(),
        hamlet_id: unit.unit.hamlet_id.unwrap_or_default(),
    };
    Ok(Html(page.render()?))
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    require_office_for_unit(&user)?;
    let unit = find_unit(&state, id).await?;
    let too_long = q.q.trim().chars().count() > MAX_QUERY;
    let input = UnitPageInput {
        message: done_message(&q.xong),
        q: q.q,
        error: None,
        rename: None,
    };
    let page = render_unit(&state, &user, &unit, input).await?;
    let status = if too_long {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

/// The unit page with a message about what to fix; nothing written.
async fn refuse(
    state: &AppState,
    user: &CurrentUser,
    unit: &UnitOverview,
    error: String,
    q: String,
    rename: Option<String>,
) -> AppResult<Response> {
    let input = UnitPageInput {
        q,
        message: None,
        error: Some(error),
        rename,
    };
    let page = render_unit(state, user, unit, input).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// A form's yes/no switch ("1" or "0"); anything else is a form that lost
/// its choice (`what`, e.g. "ngừng hay mở lại").
fn switch(value: &str, what: &str) -> AppResult<bool> {
    match value.trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(AppError::BadRequest(format!(
            "Biểu mẫu thiếu lựa chọn {what}: hãy tải lại trang rồi bấm lại."
        ))),
    }
}

fn back_to(id: i64, done: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/don-vi/{id}?xong={done}#{anchor}")).into_response()
}

#[derive(Deserialize)]
struct RenameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<RenameForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office_for_unit(&user)?;
    let unit = find_unit(&state, id).await?;
    let name = vntext::normalize(&f.name);
    let problem = if f.name.chars().count() > MAX_NAME {
        Some(format!(
            "Tên đơn vị dài quá {MAX_NAME} ký tự: hãy viết gọn lại. Chưa đổi tên."
        ))
    } else if name.is_empty() {
        Some("Chưa ghi tên mới: hãy ghi tên đơn vị rồi bấm «Đổi tên». Chưa đổi tên.".into())
    } else {
        let key = vntext::fold(&name);
        state
            .store
            .list_units()
            .await?
            .iter()
            .any(|u| {
                u.id != id && u.unit_type == unit.unit.unit_type && vntext::fold(&u.name) == key
            })
            .then(|| format!("Đã có một đơn vị khác tên «{name}»: hãy đặt tên khác. Chưa đổi tên."))
    };
    if let Some(error) = problem {
        return refuse(&state, &user, &unit, error, String::new(), Some(f.name)).await;
    }
    match state.store.rename_unit(id, &name).await {
        Ok(true) => {}
        Ok(false) => return Err(AppError::NotFound),
        Err(StoreError::Invalid(m)) => {
            let m = format!("{} Chưa đổi tên.", sentence(&m));
            return refuse(&state, &user, &unit, m, String::new(), Some(f.name)).await;
        }
        Err(e) => return Err(e.into()),
    }
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Unit,
        id,
        format!("đổi tên: {} → {name}", unit.unit.name),
    );
    Ok(back_to(id, "ten", "doi-ten"))
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// The address the unit's report reminders are emailed to; empty: none.
async fn set_email(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<EmailForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office_for_unit(&user)?;
    let unit = find_unit(&state, id).await?;
    let email = match hocvuso_domain::contact::email(&f.email) {
        Ok(e) => e,
        Err(m) => {
            let m = format!("{} Chưa lưu.", sentence(&m));
            return refuse(&state, &user, &unit, m, String::new(), None).await;
        }
    };
    state.store.set_unit_email(id, email.as_deref()).await?;
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Unit,
        id,
        if email.is_some() {
            "đặt email nhận nhắc báo cáo"
        } else {
            "bỏ email nhận nhắc báo cáo"
        },
    );
    Ok(back_to(id, "email", "email"))
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    bat: String,
}

/// A team member agreed (or no longer agrees) to have their phone number
/// on the hamlet's public "who to ask" page.
async fn set_publish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, resident)): Path<(i64, i64)>,
    Form(f): Form<PublishForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office_for_unit(&user)?;
    let on = switch(&f.bat, "công khai hay không")?;
    let unit = find_unit(&state, id).await?;
    if unit.unit.unit_type != UnitType::DigitalTeam {
        return Err(AppError::NotFound);
    }
    if !state.store.set_publish_phone(id, resident, on).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Unit,
        id,
        format!(
            "thành viên {resident}: {}",
            if on {
                "đồng ý công khai số điện thoại"
            } else {
                "thôi công khai số điện thoại"
            }
        ),
    );
    Ok(back_to(id, "cong-khai", "thanh-vien"))
}

#[derive(Deserialize)]
struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

async fn set_active(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office_for_unit(&user)?;
    let active = switch(&f.active, "ngừng hay mở lại")?;
    find_unit(&state, id).await?;
    if !state.store.set_unit_active(id, active).await? {
        return Err(AppError::NotFound);
    }
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Unit,
        id,
        if active {
            "hoạt động trở lại"
        } else {
            "ngừng hoạt động"
        },
    );
    Ok(back_to(
        id,
        if active { "mo" } else { "ngung" },
        "hoat-dong",
    ))
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    category: String,
    /// The search the person was found by, to show it again after a refusal.
    #[serde(default)]
    q: String,
}

async fn add_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office_for_unit(&user)?;
    let unit = find_unit(&state, id).await?;
    let q: String = f.q.chars().take(MAX_QUERY).collect();
    let resident_id: i64 = f.resident_id.trim().parse().map_err(|_| {
        AppError::BadRequest(
            "Biểu mẫu thiếu người cần thêm: hãy tìm người trong sổ rồi bấm «Thêm vào đơn vị» cạnh tên họ.".into(),
        )
    })?;
    let resident = state
        .store
        .get_resident(user.role().resident_scope(), resident_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(category) = MemberCategory::from_code(f.category.trim()) else {
        let e = format!(
            "Chưa chọn loại thành viên cho {}: hãy chọn một loại (cán bộ, công chức...). Chưa thêm.",
            resident.full_name
        );
        return refuse(&state, &user, &unit, e, q, None).await;
    };
    if f.position.chars().count() > MAX_POSITION {
        let e = format!(
            "Chức vụ dài quá {MAX_POSITION} ký tự: hãy viết gọn lại. Chưa thêm {}.",
            resident.full_name
        );
        return refuse(&state, &user, &unit, e, q, None).await;
    }
    match state
        .store
        .add_member(id, resident_id, &f.position, category, state.today())
        .await
    {
        Ok(()) => {}
        Err(StoreError::Invalid(m)) => {
            let m = format!("{} Chưa thêm.", sentence(&m));
            return refuse(&state, &user, &unit, m, q, None).await;
        }
        Err(e) => return Err(e.into()),
    }
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Unit,
        id,
        format!(
            "thêm thành viên: cư dân số {resident_id}, {}",
            category.label()
        ),
    );
    Ok(back_to(id, "them", "thanh-vien"))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn remove_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, resident_id)): Path<(i64, i64)>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office_for_unit(&user)?;
    find_unit(&state, id).await?;
    if !state
        .store
        .remove_member(id, resident_id, state.today())
        .await?
    {
        return Err(AppError::NotFound);
    }
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Unit,
        id,
        format!("bớt thành viên: cư dân số {resident_id}"),
    );
    Ok(back_to(id, "bot", "thanh-vien"))
}
