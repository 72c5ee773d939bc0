//! The registry pages: list with search and filters, resident and household
//! pages, editing, and the Excel export. Every object is fetched *within the
//! user's scope*; an id outside it is simply not found.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::groups::TargetGroup;
use hocvuso_domain::person::{canonical_ethnicity, canonical_relation, is_head_relation};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::privacy::{ConsentPurpose, Shown};
use hocvuso_domain::FullName;
use hocvuso_domain::{
    BirthDate, CitizenId, Hamlet, Household, NewResident, PhoneNumber, Resident, ResidentFilter,
    Role, Sex,
};
use hocvuso_storage::StoreError;
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/so-dan-cu", get(list))
        .route("/cu-dan/moi", get(new_page).post(create))
        .route("/cu-dan/{id}", get(show))
        .route("/cu-dan/{id}/sua", get(edit_page).post(edit))
        .route("/ho/{id}", get(household))
        .route("/xuat-excel", get(export))
}

pub struct ResidentView {
    pub id: i64,
    pub household_id: i64,
    pub full_name: String,
    pub birth: String,
    pub sex: String,
    pub ethnicity: String,
    pub hamlet: String,
    pub phone: String,
    pub citizen_id: String,
    pub relation: String,
    pub notes: String,
    pub groups: Vec<&'static str>,
}

impl ResidentView {
    /// The record as `shown` allows: the sensitive fields, the groups
    /// derived from them and the phone are left empty when not shown.
    pub fn of(r: &Resident, hamlets: &HashMap<i64, String>, shown: Shown) -> Self {
        ResidentView {
            id: r.id,
            household_id: r.household_id,
            full_name: r.full_name.clone(),
            birth: r.birth.map(|b| b.display()).unwrap_or_default(),
            sex: r.sex.map(|s| s.label().to_string()).unwrap_or_default(),
            ethnicity: if shown.sensitive {
                r.ethnicity.clone()
            } else {
                String::new()
            },
            hamlet: hamlets.get(&r.hamlet_id).cloned().unwrap_or_default(),
            phone: r
                .phone
                .as_ref()
                .filter(|_| shown.phone)
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            citizen_id: r
                .citizen_id
                .as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            relation: r.relation.clone(),
            notes: if shown.sensitive {
                r.notes.clone()
            } else {
                String::new()
            },
            groups: r
                .groups
                .iter()
                .filter(|g| shown.sensitive || !g.is_sensitive())
                .map(|g| g.label())
                .collect(),
        }
    }
}

fn hamlet_names(hamlets: &[Hamlet]) -> HashMap<i64, String> {
    hamlets.iter().map(|h| (h.id, h.name.clone())).collect()
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    xom: Option<String>,
    nhom: Option<String>,
    trang: Option<i64>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// A select's options from (value, label) pairs; the one whose value is
    /// `chosen` (as the form sent it, trimmed) is selected.
    pub fn list<V: Into<String>, L: Into<String>>(
        items: impl IntoIterator<Item = (V, L)>,
        chosen: &str,
    ) -> Vec<Choice> {
        let chosen = chosen.trim();
        items
            .into_iter()
            .map(|(value, label)| {
                let value = value.into();
                Choice {
                    selected: value == chosen,
                    value,
                    label: label.into(),
                }
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "registry.html")]
struct ListPage {
    nav: Option<Nav>,
    q: String,
    hamlet_choices: Vec<Choice>,
    group_choices: Vec<Choice>,
    show_hamlet_filter: bool,
    can_export: bool,
    can_add: bool,
    rows: Vec<ResidentView>,
    total: String,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
}

const PER_PAGE: i64 = 50;

fn link(q: &str, xom: &str, nhom: &str, page: i64) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "/so-dan-cu?q={}&xom={}&nhom={}&trang={page}",
        enc(q),
        enc(xom),
        enc(nhom)
    )
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let role = user.role();
    if !role.can_list_residents() {
        return Err(AppError::Forbidden);
    }
    let hamlets = state.store.list_hamlets().await?;
    let xom = q.xom.clone().unwrap_or_default();
    let nhom = q.nhom.clone().unwrap_or_default();
    let text = q.q.clone().unwrap_or_default();
    // Listing people by a sensitive group reveals the sensitive field.
    let shown = Shown::to(&role, false);
    let group = TargetGroup::from_code(&nhom).filter(|g| shown.sensitive || !g.is_sensitive());
    let filter = ResidentFilter {
        query: Some(text.clone()).filter(|s| !s.trim().is_empty()),
        hamlet_id: xom.parse().ok(),
        group,
        household_id: None,
    };
    let page_no = q.trang.unwrap_or(1).max(1);
    let page = state
        .store
        .list_residents(role.resident_scope(), &filter, page_no, PER_PAGE)
        .await?;
    let names = hamlet_names(&hamlets);
    let pages = page.pages();
    let show_hamlet_filter = role.hamlet_id().is_none();
    let hamlet_choices = hamlets
        .iter()
        .filter(|h| role.hamlet_id().is_none_or(|mine| mine == h.id))
        .map(|h| Choice {
            value: h.id.to_string(),
            label: h.name.clone(),
            selected: h.id.to_string() == xom,
        })
        .collect();
    let group_choices = TargetGroup::ALL
        .iter()
        .filter(|g| shown.sensitive || !g.is_sensitive())
        .map(|g| Choice {
            value: g.code().to_string(),
            label: g.label().to_string(),
            selected: g.code() == nhom,
        })
        .collect();
    let html = ListPage {
        nav: Some(Nav::of(&user)),
        q: text.clone(),
        hamlet_choices,
        group_choices,
        show_hamlet_filter,
        can_export: role.allowed(Action::See, Resource::Export),
        can_add: role.can_edit_residents(),
        rows: page
            .items
            .iter()
            .map(|r| ResidentView::of(r, &names, shown))
            .collect(),
        total: hocvuso_domain::numbers::integer(page.total),
        page: page.page,
        pages,
        prev_link: (page.page > 1).then(|| link(&text, &xom, &nhom, page.page - 1)),
        next_link: (page.page < pages).then(|| link(&text, &xom, &nhom, page.page + 1)),
    }
    .render()?;
    Ok(Html(html))
}

#[derive(Template)]
#[template(path = "resident.html")]
struct ResidentPage {
    nav: Option<Nav>,
    r: ResidentView,
    shown: Shown,
    /// The person has a phone number this role is not shown (no consent
    /// to be contacted).
    phone_withheld: bool,
    consent: Option<crate::consent::ConsentSection>,
    can_see_data: bool,
    can_edit: bool,
    can_see_household: bool,
    learning: Vec<crate::learning::LearningRow>,
    basic: bool,
    can_record: bool,
    /// (label, date, how) of each milestone reached; shown when the role
    /// may see them.
    milestones: Option<Vec<(String, String, String)>>,
    /// (code, label) of those not reached yet, when the person may say
    /// they reached them (their own page).
    declare: Vec<(&'static str, &'static str)>,
    csrf: String,
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let role = user.role();
    // One statement: the resident, their learning and their consents.
    let file = state
        .store
        .resident_file(role.resident_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(&state, AuditAction::View, AuditObject::Resident, id, "");
    let names = hamlet_names(&state.store.list_hamlets().await?);
    let r = file.resident;
    let reached = file.learning.milestones.clone();
    let (learning, basic) = crate::learning::resident_learning(&state, &r, file.learning);
    let milestones = role.allowed(Action::See, Resource::Milestones).then(|| {
        reached
            .iter()
            .map(|m| {
                (
                    m.milestone.label().to_string(),
                    m.on.format("%d/%m/%Y").to_string(),
                    m.source.map(|s| s.label()).unwrap_or_default().to_string(),
                )
            })
            .collect()
    });
    let declare = if role.allowed(Action::Change, Resource::Milestones) {
        hocvuso_domain::field::Milestone::ALL
            .iter()
            .filter(|m| !reached.iter().any(|r| r.milestone == **m))
            .map(|m| (m.code(), m.label()))
            .collect()
    } else {
        Vec::new()
    };
    let consent = crate::consent::section(&state, &user, &r, &file.consents);
    let contact = hocvuso_storage::consent_given_in(&file.consents, ConsentPurpose::Contact);
    let shown = Shown::to(&role, contact);
    let html = ResidentPage {
        nav: Some(Nav::of(&user)),
        r: ResidentView::of(&r, &names, shown),
        shown,
        phone_withheld: !shown.phone && r.phone.is_some(),
        consent,
        can_see_data: role.allowed(Action::See, Resource::PersonalData),
        can_edit: role.can_edit_residents(),
        can_see_household: role.allowed(Action::See, Resource::Households),
        learning,
        basic,
        can_record: role.allowed(Action::Change, Resource::OthersLearning),
        milestones,
        declare,
        csrf: user.csrf_token.clone(),
    }
    .render()?;
    Ok(Html(html))
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    nav: Option<Nav>,
    id: i64,
    hamlet: String,
    code: String,
    head_name: String,
    farm_business: bool,
    address: String,
    members: Vec<ResidentView>,
    can_add: bool,
}

/// The name a household is shown by: its head's full name as the members
/// list writes it (relation "Chủ hộ"); else the member whose name the
/// household's stored head name folds to (the stored name may have lost its
/// diacritics); else the stored name; else the household's number.
fn household_head_name(h: &Household, members: &[Resident]) -> String {
    if let Some(head) = members.iter().find(|r| is_head_relation(&r.relation)) {
        return head.full_name.clone();
    }
    let stored = vntext::normalize(&h.head_name);
    if !stored.is_empty() {
        let key = vntext::fold(&stored);
        return members
            .iter()
            .find(|r| vntext::fold(&r.full_name) == key)
            .map(|r| r.full_name.clone())
            .unwrap_or(stored);
    }
    match &h.code {
        Some(code) if !code.trim().is_empty() => format!("số {code}"),
        _ => format!("#{}", h.id),
    }
}

async fn household(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let role = user.role();
    if !role.allowed(Action::See, Resource::Households) {
        return Err(AppError::NotFound);
    }
    let (h, members) = state
        .store
        .get_household(role.resident_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(
        &state,
        AuditAction::View,
        AuditObject::Household,
        id,
        format!("{} thành viên", members.len()),
    );
    let names = hamlet_names(&state.store.list_hamlets().await?);
    let html = HouseholdPage {
        nav: Some(Nav::of(&user)),
        id,
        hamlet: names.get(&h.hamlet_id).cloned().unwrap_or_default(),
        head_name: household_head_name(&h, &members),
        code: h.code.unwrap_or_default(),
        farm_business: h.farm_business,
        address: h.address,
        members: members
            .iter()
            .map(|r| ResidentView::of(r, &names, Shown::to(&role, false)))
            .collect(),
        can_add: role.allowed(Action::Change, Resource::Households),
    }
    .render()?;
    Ok(Html(html))
}

#[derive(Template)]
#[template(path = "resident_edit.html")]
struct EditPage {
    nav: Option<Nav>,
    id: i64,
    f: EditForm,
    errors: Vec<(String, String)>,
    group_choices: Vec<Choice>,
}

#[derive(Deserialize, Default, Clone)]
struct EditForm {
    #[serde(default)]
    csrf: String,
    full_name: String,
    sex: String,
    birth: String,
    ethnicity: String,
    phone: String,
    citizen_id: String,
    relation: String,
    notes: String,
    #[serde(default)]
    hoc_sinh: Option<String>,
}

fn group_choices(students: bool) -> Vec<Choice> {
    vec![Choice {
        value: "hoc_sinh".into(),
        label: TargetGroup::Students.label().into(),
        selected: students,
    }]
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let role = user.role();
    if !role.can_edit_residents() {
        return Err(AppError::Forbidden);
    }
    let r = state
        .store
        .get_resident(role.resident_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(
        &state,
        AuditAction::View,
        AuditObject::Resident,
        id,
        "mở trang sửa",
    );
    // The form shows the fields as the resident page does.
    let v = ResidentView::of(&r, &HashMap::new(), Shown::ALL);
    let f = EditForm {
        csrf: String::new(),
        full_name: v.full_name,
        sex: v.sex,
        birth: v.birth,
        ethnicity: v.ethnicity,
        phone: v.phone,
        citizen_id: v.citizen_id,
        relation: v.relation,
        notes: v.notes,
        hoc_sinh: r
            .groups
            .contains(&TargetGroup::Students)
            .then(|| "1".into()),
    };
    let students = f.hoc_sinh.is_some();
    Ok(Html(
        EditPage {
            nav: Some(Nav::of(&user)),
            id,
            f,
            errors: vec![],
            group_choices: group_choices(students),
        }
        .render()?,
    ))
}

/// An optional form field: empty is `None`; a value that does not parse
/// adds (field, what to fix) to `errors`.
fn optional_field<T>(
    errors: &mut Vec<(String, String)>,
    label: &str,
    raw: &str,
    parse: impl Fn(&str) -> Result<T, hocvuso_domain::FieldError>,
) -> Option<T> {
    let text = vntext::normalize(raw);
    if text.is_empty() {
        return None;
    }
    parse(&text)
        .map_err(|e| errors.push((label.to_string(), e.message)))
        .ok()
}

/// Parse the edit form into a resident, or the list of (field, what to fix).
fn parse_form(
    f: &EditForm,
    today: chrono::NaiveDate,
) -> Result<NewResident, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let full_name = match FullName::parse(&f.full_name) {
        Ok(n) => n.into_string(),
        Err(e) => {
            errors.push(("Họ và tên".into(), e.message));
            String::new()
        }
    };
    let sex = optional_field(&mut errors, "Giới tính", &f.sex, Sex::parse);
    let birth = optional_field(&mut errors, "Ngày sinh", &f.birth, |s| {
        BirthDate::parse(s, today)
    });
    let phone = optional_field(&mut errors, "Số điện thoại", &f.phone, PhoneNumber::parse);
    let citizen_id = optional_field(&mut errors, "Số CCCD", &f.citizen_id, CitizenId::parse);
    let ethnicity = optional_field(&mut errors, "Dân tộc", &f.ethnicity, |s| {
        canonical_ethnicity(s).map(str::to_string)
    })
    .unwrap_or_default();
    if let Some(c) = &citizen_id {
        if let Err(e) = c.check_against(sex, birth.map(|b| b.year())) {
            errors.push(("Số CCCD".into(), e.message));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut manual_groups = Vec::new();
    if f.hoc_sinh.is_some() {
        manual_groups.push(TargetGroup::Students);
    }
    Ok(NewResident {
        full_name,
        sex,
        birth,
        ethnicity,
        phone,
        citizen_id,
        relation: canonical_relation(&f.relation),
        notes: vntext::normalize(&f.notes),
        manual_groups,
    })
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let role = user.role();
    if !role.can_edit_residents() {
        return Err(AppError::Forbidden);
    }
    let today = state.today();
    let saved = match parse_form(&f, today) {
        Ok(new) => match state
            .store
            .audited(user.audit_event(AuditAction::Edit, AuditObject::Resident, id, ""))
            .update_resident(role.resident_scope(), id, &new, today)
            .await
        {
            Ok(found) => Ok(found),
            Err(StoreError::Conflict(_)) => Err(vec![duplicate_citizen_id(false)]),
            Err(e) => return Err(e.into()),
        },
        Err(errors) => Err(errors),
    };
    match saved {
        Ok(found) => {
            if !found {
                return Err(AppError::NotFound);
            }
            Ok(Redirect::to(&format!("/cu-dan/{id}")).into_response())
        }
        Err(errors) => {
            // Do not even reveal that the id exists outside the scope.
            state
                .store
                .get_resident(role.resident_scope(), id)
                .await?
                .ok_or(AppError::NotFound)?;
            let students = f.hoc_sinh.is_some();
            let page = EditPage {
                nav: Some(Nav::of(&user)),
                id,
                f,
                errors,
                group_choices: group_choices(students),
            };
            Ok((axum::http::StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

/// The form's error for a citizen ID that another resident already has (the
/// column is unique). Whose it is stays unsaid: they may be outside the
/// user's scope.
fn duplicate_citizen_id(adding: bool) -> (String, String) {
    let mut message =
        "Số CCCD này đã có trong sổ dân cư, ở hồ sơ của một người khác. Kiểm tra lại số"
            .to_string();
    if adding {
        message
            .push_str("; nếu người này đã có trong sổ, hãy tìm và sửa hồ sơ đó thay vì thêm mới");
    }
    message.push('.');
    ("Số CCCD".into(), message)
}

/// Where a new resident goes: an existing household (in the user's scope),
/// or a new one in a hamlet the user may edit.
enum Destination {
    Household {
        id: i64,
        /// "Hộ Trần Đức Hợp, Xóm Khuôn Lặng".
        label: String,
    },
    NewHousehold {
        hamlet_id: Option<i64>,
    },
}

#[derive(Template)]
#[template(path = "resident_new.html")]
struct NewPage {
    nav: Option<Nav>,
    f: EditForm,
    /// The existing household: (id, label).
    household: Option<(i64, String)>,
    hamlet_choices: Vec<Choice>,
    errors: Vec<(String, String)>,
    group_choices: Vec<Choice>,
}

#[derive(Deserialize, Default)]
struct NewQuery {
    ho: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct NewForm {
    #[serde(flatten)]
    person: EditForm,
    /// The existing household's id, when the form came from a household page.
    #[serde(default)]
    ho: String,
    /// The hamlet of a new household.
    #[serde(default)]
    xom: String,
}

/// The household (or the hamlet of a new one) named by the form, checked
/// against the user's scope: outside it, or unknown, is "not found". A new
/// household without a hamlet chosen yet is `hamlet_id: None`.
async fn destination(
    state: &AppState,
    role: &Role,
    hamlets: &[Hamlet],
    ho: &str,
    xom: &str,
) -> AppResult<Destination> {
    let ho = ho.trim();
    if !ho.is_empty() {
        let id: i64 = ho.parse().map_err(|_| AppError::NotFound)?;
        let (h, members) = state
            .store
            .get_household(role.resident_scope(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let hamlet = hamlets
            .iter()
            .find(|x| x.id == h.hamlet_id)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        let label = format!("Hộ {}, {hamlet}", household_head_name(&h, &members));
        return Ok(Destination::Household { id, label });
    }
    let xom = xom.trim();
    if xom.is_empty() {
        return Ok(Destination::NewHousehold {
            // A hamlet head adds only into their own hamlet.
            hamlet_id: role.hamlet_id(),
        });
    }
    let id: i64 = xom.parse().map_err(|_| AppError::NotFound)?;
    if !hamlets.iter().any(|h| h.id == id) || role.hamlet_id().is_some_and(|mine| mine != id) {
        return Err(AppError::NotFound);
    }
    Ok(Destination::NewHousehold {
        hamlet_id: Some(id),
    })
}

fn new_page_of(
    user: &CurrentUser,
    hamlets: &[Hamlet],
    dest: &Destination,
    f: EditForm,
    errors: Vec<(String, String)>,
) -> NewPage {
    let role = user.role();
    let (household, chosen) = match dest {
        Destination::Household { id, label } => (Some((*id, label.clone())), None),
        Destination::NewHousehold { hamlet_id } => (None, *hamlet_id),
    };
    let students = f.hoc_sinh.is_some();
    NewPage {
        nav: Some(Nav::of(user)),
        f,
        household,
        hamlet_choices: hamlets
            .iter()
            .filter(|h| role.hamlet_id().is_none_or(|mine| mine == h.id))
            .map(|h| Choice {
                value: h.id.to_string(),
                label: h.name.clone(),
                selected: Some(h.id) == chosen,
            })
            .collect(),
        errors,
        group_choices: group_choices(students),
    }
}

async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Html<String>> {
    let role = user.role();
    if !role.can_edit_residents() {
        return Err(AppError::Forbidden);
    }
    let hamlets = state.store.list_hamlets().await?;
    let ho = q.ho.unwrap_or_default();
    let dest = destination(&state, &role, &hamlets, &ho, "").await?;
    Ok(Html(
        new_page_of(&user, &hamlets, &dest, EditForm::default(), vec![]).render()?,
    ))
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<NewForm>,
) -> AppResult<Response> {
    user.check_csrf(&form.person.csrf)?;
    let role = user.role();
    if !role.can_edit_residents() {
        return Err(AppError::Forbidden);
    }
    let hamlets = state.store.list_hamlets().await?;
    let dest = destination(&state, &role, &hamlets, &form.ho, &form.xom).await?;
    let today = state.today();
    let mut f = form.person;
    let mut errors = Vec::new();
    let target = match &dest {
        Destination::Household { id, .. } => Some((*id, false)),
        Destination::NewHousehold { hamlet_id } => {
            // The first person of a new household is its head.
            f.relation = "Chủ hộ".into();
            if hamlet_id.is_none() {
                errors.push(("Xóm".into(), "Chọn xóm của hộ mới".into()));
            }
            hamlet_id.map(|h| (h, true))
        }
    };
    match (parse_form(&f, today), target) {
        (Ok(new), Some((target, new_household))) => {
            // The audit row is written with the resident, in one transaction
            // (its empty object id becomes the new resident's).
            let written = if new_household {
                // One row for the household, one for its head.
                state
                    .store
                    .audited(user.audit_event(AuditAction::Create, AuditObject::Resident, "", ""))
                    .create_household_with_head(target, &new, today)
                    .await
            } else {
                let detail = format!("vào hộ {target}");
                state
                    .store
                    .audited(user.audit_event(
                        AuditAction::Create,
                        AuditObject::Resident,
                        "",
                        detail,
                    ))
                    .create_resident(target, &new, today)
                    .await
                    .map(|id| (target, id))
            };
            match written {
                Ok((_, id)) => {
                    return Ok(Redirect::to(&format!("/cu-dan/{id}")).into_response());
                }
                Err(StoreError::Conflict(_)) => errors.push(duplicate_citizen_id(true)),
                Err(e) => return Err(e.into()),
            }
        }
        (Ok(_), None) => {}
        (Err(e), _) => errors.extend(e),
    }
    let page = new_page_of(&user, &hamlets, &dest, f, errors);
    Ok((axum::http::StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

#[derive(Deserialize, Default)]
struct ExportQuery {
    /// "1": with the sensitive columns (ethnicity, notes), chosen on purpose.
    nhay_cam: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let role = user.role();
    if !role.allowed(Action::See, Resource::Export) {
        return Err(AppError::Forbidden);
    }
    let sensitive =
        q.nhay_cam.as_deref() == Some("1") && role.allowed(Action::See, Resource::SensitiveFields);
    let rows = state.store.export_rows(role.resident_scope()).await?;
    let commune = state
        .store
        .get_setting("commune_name")
        .await?
        .unwrap_or_else(|| "xã".into());
    let bytes = hocvuso_import::export_xlsx(&format!("Sổ dân cư {commune}"), &rows, sensitive)
        .map_err(AppError::Internal)?;
    // Written and waited for: no export leaves without its audit row.
    let detail = format!(
        "{} người{}",
        rows.len(),
        if sensitive {
            ", kèm dữ liệu nhạy cảm"
        } else {
            ""
        }
    );
    state
        .store
        .audit_now(&user.audit_event(AuditAction::Export, AuditObject::Registry, "xlsx", detail))
        .await?;
    let name = format!("so-dan-cu-{}.xlsx", state.today().format("%Y-%m-%d"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn member(id: i64, name: &str, relation: &str) -> Resident {
        Resident {
            id,
            household_id: 1,
            hamlet_id: 1,
            full_name: name.into(),
            sex: None,
            birth: None,
            ethnicity: String::new(),
            phone: None,
            citizen_id: None,
            relation: relation.into(),
            notes: String::new(),
            groups: vec![],
        }
    }

    fn household(head_name: &str, code: Option<&str>) -> Household {
        Household {
            id: 7,
            hamlet_id: 1,
            code: code.map(str::to_string),
            head_name: head_name.into(),
            farm_business: false,
            address: String::new(),
        }
    }

    #[test]
    fn a_household_is_named_by_its_head_with_diacritics() {
        let members = [
            member(1, "Hoàng Thị Ánh", "Vợ"),
            member(2, "Trần Đức Hợp", "Chủ hộ"),
        ];
        // The stored name lost its diacritics (the folded search key).
        let h = household("tran duc hop", None);
        assert_eq!(household_head_name(&h, &members), "Trần Đức Hợp");
        // No one marked "Chủ hộ": the member the stored name folds to.
        let members = [
            member(1, "Hoàng Thị Ánh", "Vợ"),
            member(2, "Trần Đức Hợp", ""),
        ];
        assert_eq!(household_head_name(&h, &members), "Trần Đức Hợp");
        // Nobody matches: the stored name as it is; none: the number.
        assert_eq!(
            household_head_name(&household("Lý Văn Tư", None), &members),
            "Lý Văn Tư"
        );
        assert_eq!(
            household_head_name(&household("", Some("12")), &members),
            "số 12"
        );
    }
}
