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
use hocvuso_domain::groups::TargetGroup;
use hocvuso_domain::person::{canonical_ethnicity, canonical_relation};
use hocvuso_domain::{
    BirthDate, CitizenId, Hamlet, NewResident, PhoneNumber, Resident, ResidentFilter, Sex,
};
use serde::Deserialize;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/so-dan-cu", get(list))
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
    fn of(r: &Resident, hamlets: &HashMap<i64, String>) -> Self {
        ResidentView {
            id: r.id,
            household_id: r.household_id,
            full_name: r.full_name.clone(),
            birth: r.birth.map(|b| b.display()).unwrap_or_default(),
            sex: r.sex.map(|s| s.label().to_string()).unwrap_or_default(),
            ethnicity: r.ethnicity.clone(),
            hamlet: hamlets.get(&r.hamlet_id).cloned().unwrap_or_default(),
            phone: r
                .phone
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            citizen_id: r
                .citizen_id
                .as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            relation: r.relation.clone(),
            notes: r.notes.clone(),
            groups: r.groups.iter().map(|g| g.label()).collect(),
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

#[derive(Template)]
#[template(path = "registry.html")]
struct ListPage {
    nav: Option<Nav>,
    q: String,
    hamlet_choices: Vec<Choice>,
    group_choices: Vec<Choice>,
    show_hamlet_filter: bool,
    can_export: bool,
    rows: Vec<ResidentView>,
    total: i64,
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
    let filter = ResidentFilter {
        query: Some(text.clone()).filter(|s| !s.trim().is_empty()),
        hamlet_id: xom.parse().ok(),
        group: TargetGroup::from_code(&nhom),
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
        can_export: role.can_import_export(),
        rows: page
            .items
            .iter()
            .map(|r| ResidentView::of(r, &names))
            .collect(),
        total: page.total,
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
    can_edit: bool,
    can_see_household: bool,
    learning: Vec<crate::learning::LearningRow>,
    basic: bool,
    can_record: bool,
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let role = user.role();
    let r = state
        .store
        .get_resident(role.resident_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(&state, "xem", "cu_dan", id, "");
    let names = hamlet_names(&state.store.list_hamlets().await?);
    let (learning, basic) = crate::learning::resident_learning(&state, &r).await?;
    let html = ResidentPage {
        nav: Some(Nav::of(&user)),
        r: ResidentView::of(&r, &names),
        can_edit: role.can_edit_residents(),
        can_see_household: role.can_list_residents(),
        learning,
        basic,
        can_record: role.can_list_residents(),
    }
    .render()?;
    Ok(Html(html))
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    nav: Option<Nav>,
    hamlet: String,
    code: String,
    head_name: String,
    farm_business: bool,
    address: String,
    members: Vec<ResidentView>,
}

async fn household(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let role = user.role();
    if !role.can_list_residents() {
        return Err(AppError::NotFound);
    }
    let (h, members) = state
        .store
        .get_household(role.resident_scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    user.audit(
        &state,
        "xem",
        "ho",
        id,
        format!("{} thành viên", members.len()),
    );
    let names = hamlet_names(&state.store.list_hamlets().await?);
    let html = HouseholdPage {
        nav: Some(Nav::of(&user)),
        hamlet: names.get(&h.hamlet_id).cloned().unwrap_or_default(),
        code: h.code.unwrap_or_default(),
        head_name: h.head_name,
        farm_business: h.farm_business,
        address: h.address,
        members: members
            .iter()
            .map(|r| ResidentView::of(r, &names))
            .collect(),
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
    user.audit(&state, "xem", "cu_dan", id, "mở trang sửa");
    // The form shows the fields as the resident page does.
    let v = ResidentView::of(&r, &HashMap::new());
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
    let full_name = vntext::normalize(&f.full_name);
    if full_name.split_whitespace().count() < 2 {
        errors.push((
            "Họ và tên".into(),
            "Ghi đủ họ và tên (ít nhất hai chữ)".into(),
        ));
    }
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
    match parse_form(&f, today) {
        Ok(new) => {
            if !state
                .store
                .update_resident(role.resident_scope(), id, &new, today)
                .await?
            {
                return Err(AppError::NotFound);
            }
            user.audit(&state, "sua", "cu_dan", id, "");
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

async fn export(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let role = user.role();
    if !role.can_import_export() {
        return Err(AppError::Forbidden);
    }
    let rows = state.store.export_rows(role.resident_scope()).await?;
    let commune = state
        .store
        .get_setting("commune_name")
        .await?
        .unwrap_or_else(|| "xã".into());
    let bytes = hocvuso_import::export_xlsx(&format!("Sổ dân cư {commune}"), &rows)
        .map_err(AppError::Internal)?;
    user.audit(
        &state,
        "xuat",
        "so_dan_cu",
        "xlsx",
        format!("{} người", rows.len()),
    );
    state.store.audit().flush().await;
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
