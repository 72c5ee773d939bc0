//! Accounts for people in the register, made by the admin from a person's
//! page (with a role their memberships allow) or for a whole community
//! digital team at once. The one-time passwords are shown once, on a page
//! to print or copy, and never kept: only their hashes are stored, and they
//! are never put in a URL or a log.

use crate::auth::{hash_password, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::registry::Choice;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use hocvuso_domain::accounts::{roles_for, Membership};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::{Resident, ResidentScope, Role, UnitType};
use hocvuso_storage::{NewLinkedAccount, UnitOverview, User};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

const SHEET_JS: &str = include_str!("../static/tai-khoan.js");
const SHEET_CSS: &str = include_str!("../static/tai-khoan.css");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cu-dan/{id}/tai-khoan", get(person_page).post(create_one))
        .route("/don-vi/{id}/tai-khoan", post(create_for_team))
        .route("/static/tai-khoan.js", get(script))
        .route("/static/tai-khoan.css", get(style))
}

async fn script() -> Response {
    crate::pages::static_file(
        "text/javascript; charset=utf-8",
        "public, max-age=3600",
        SHEET_JS,
    )
}

async fn style() -> Response {
    crate::pages::static_file("text/css; charset=utf-8", "public, max-age=3600", SHEET_CSS)
}

/// Only the admin makes accounts, as on the users page.
fn require_admin(user: &CurrentUser) -> AppResult<()> {
    if user.role().can_manage_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A fresh one-time password (the one generator: `auth::generate_password`).
fn new_password() -> String {
    crate::auth::generate_password()
}

/// Hash passwords off the async threads: argon2 takes a while on purpose.
async fn hash_all(passwords: Vec<String>) -> AppResult<Vec<String>> {
    let hashed = tokio::task::spawn_blocking(move || {
        passwords
            .iter()
            .map(|p| hash_password(p))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| AppError::Internal(format!("không tạo được mã băm mật khẩu ({e})")))?;
    Ok(hashed?)
}

/// Names of hamlets and units, for role labels and cards.
struct Names {
    hamlets: HashMap<i64, String>,
    units: Vec<UnitOverview>,
}

impl Names {
    async fn load(state: &AppState) -> AppResult<Self> {
        Ok(Names {
            hamlets: state
                .store
                .list_hamlets()
                .await?
                .into_iter()
                .map(|h| (h.id, h.name))
                .collect(),
            units: state.store.units_overview().await?,
        })
    }

    fn hamlet(&self, id: i64) -> String {
        self.hamlets.get(&id).cloned().unwrap_or_default()
    }

    fn unit(&self, id: i64) -> String {
        self.units
            .iter()
            .find(|u| u.unit.id == id)
            .map(|u| u.unit.name.clone())
            .unwrap_or_default()
    }

    /// "Trưởng xóm · Xóm Nà Hoan": the role and what it is for.
    fn role_label(&self, role: Role) -> String {
        match role {
            Role::HamletHead { hamlet_id } | Role::DigitalTeamMember { hamlet_id } => {
                format!("{} · {}", role.kind().label(), self.hamlet(hamlet_id))
            }
            Role::UnitReporter { unit_id } => {
                format!("{} · {}", role.kind().label(), self.unit(unit_id))
            }
            Role::Resident { .. } => {
                "Người dân: chỉ xem hồ sơ, việc học và chứng nhận của mình".into()
            }
            Role::Admin | Role::CultureOffice => role.kind().label().into(),
        }
    }

    /// What a role lets the person do, said on the choice.
    fn role_choice_label(&self, role: Role) -> String {
        let what = match role {
            Role::HamletHead { .. } => " (xem và sửa sổ dân cư của xóm)",
            Role::DigitalTeamMember { .. } => " (xem sổ dân cư của xóm, hướng dẫn người dân)",
            Role::UnitReporter { .. } => " (báo cáo quý của đơn vị)",
            _ => "",
        };
        format!("{}{what}", self.role_label(role))
    }
}

/// The value of a role in the form: its code and what it is tied to.
fn role_value(role: Role) -> String {
    let scope = role
        .hamlet_id()
        .or(role.unit_id())
        .or(role.resident_id())
        .map(|id| id.to_string())
        .unwrap_or_default();
    format!("{}:{scope}", role.kind().code())
}

/// The units a person belongs to, with their positions.
async fn memberships(
    state: &AppState,
    names: &Names,
    resident_id: i64,
) -> AppResult<Vec<Membership>> {
    let mut out = Vec::new();
    for unit_id in state.store.unit_member_ids(resident_id).await? {
        let Some(u) = names.units.iter().find(|u| u.unit.id == unit_id) else {
            continue;
        };
        let position = state
            .store
            .members_of(unit_id)
            .await?
            .into_iter()
            .find(|m| m.resident_id == resident_id)
            .map(|m| m.position)
            .unwrap_or_default();
        out.push(Membership {
            unit_id,
            unit_type: u.unit.unit_type,
            hamlet_id: u.unit.hamlet_id,
            position,
            active: u.unit.active,
        });
    }
    Ok(out)
}

/// The address people log in at, as the admin reached this server.
fn login_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        });
    let https = state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    match host {
        Some(h) => format!("{}://{h}/dang-nhap", if https { "https" } else { "http" }),
        None => "/dang-nhap".into(),
    }
}

// ------------------------------------------------------------ one person

pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "account_person.html")]
struct PersonPage {
    nav: Option<Nav>,
    id: i64,
    name: String,
    hamlet: String,
    accounts: Vec<AccountView>,
    roles: Vec<Choice>,
    /// Whether a role is chosen (one only, or as sent); else the placeholder is.
    role_chosen: bool,
    error: Option<String>,
}

fn account_state(u: &User) -> &'static str {
    if u.disabled {
        "Đã khóa"
    } else if u.must_change_password {
        "Chưa đổi mật khẩu một lần"
    } else {
        "Đang dùng"
    }
}

async fn render_person(
    state: &AppState,
    user: &CurrentUser,
    r: &Resident,
    chosen: &str,
    error: Option<String>,
) -> AppResult<Html<String>> {
    let names = Names::load(state).await?;
    let accounts = state.store.accounts_of_resident(r.id).await?;
    let allowed = roles_for(r.id, &memberships(state, &names, r.id).await?);
    let only = allowed.len() == 1;
    let roles: Vec<Choice> = allowed
        .iter()
        .map(|&role| {
            let value = role_value(role);
            Choice {
                selected: only || value == chosen,
                label: names.role_choice_label(role),
                value,
            }
        })
        .collect();
    let page = PersonPage {
        nav: Some(Nav::of(user)),
        id: r.id,
        name: r.full_name.clone(),
        hamlet: names.hamlet(r.hamlet_id),
        accounts: accounts
            .iter()
            .map(|u| AccountView {
                id: u.id,
                username: u.username.clone(),
                role: names.role_label(u.role),
                state: account_state(u),
            })
            .collect(),
        role_chosen: roles.iter().any(|c| c.selected),
        roles,
        error,
    };
    Ok(Html(page.render()?))
}

async fn find_person(state: &AppState, id: i64) -> AppResult<Resident> {
    state
        .store
        .get_resident(ResidentScope::All, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn person_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    require_admin(&user)?;
    let r = find_person(&state, id).await?;
    render_person(&state, &user, &r, "", None).await
}

#[derive(Deserialize, Default)]
struct RoleForm {
    #[serde(default)]
    csrf: String,
    /// Missing while the "— Chọn vai trò —" placeholder is selected.
    #[serde(default)]
    role: String,
}

const ALREADY: &str = "Người này đã có tài khoản: không tạo thêm. Quên mật khẩu thì bấm «Đặt lại mật khẩu» để có mật khẩu một lần mới.";

async fn create_one(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<RoleForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_admin(&user)?;
    let r = find_person(&state, id).await?;
    let refuse = |status: StatusCode, msg: &str| {
        let msg = msg.to_string();
        let (state, user, r, chosen) = (&state, &user, &r, f.role.trim());
        async move {
            let page = render_person(state, user, r, chosen, Some(msg)).await?;
            Ok::<Response, AppError>((status, page).into_response())
        }
    };
    if !state.store.accounts_of_resident(id).await?.is_empty() {
        return refuse(StatusCode::CONFLICT, ALREADY).await;
    }
    let names = Names::load(&state).await?;
    let allowed = roles_for(id, &memberships(&state, &names, id).await?);
    let Some(&role) = allowed.iter().find(|&&x| role_value(x) == f.role.trim()) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Chưa chọn vai trò, hoặc vai trò này không hợp với người này: hãy chọn một vai trò trong danh sách rồi bấm «Tạo tài khoản». Chưa tạo tài khoản nào.",
        )
        .await;
    };
    let password = new_password();
    let hashes = hash_all(vec![password.clone()]).await?;
    let new: Vec<NewLinkedAccount> = hashes
        .into_iter()
        .map(|password_hash| NewLinkedAccount {
            resident_id: id,
            role,
            password_hash,
        })
        .collect();
    let event = user.audit_event(
        AuditAction::Create,
        AuditObject::Account,
        "",
        "từ trang hồ sơ",
    );
    let created = state
        .store
        .audited(event)
        .create_linked_accounts(&new)
        .await?;
    let Some(account) = created.into_iter().next() else {
        // Made by someone else a moment ago.
        return refuse(StatusCode::CONFLICT, ALREADY).await;
    };
    let card = Card {
        name: account.display_name.clone(),
        place: names.hamlet(r.hamlet_id),
        role: names.role_label(account.role),
        username: account.username,
        password,
    };
    let page = SheetPage {
        nav: Some(Nav::of(&user)),
        title: format!("Tài khoản của {}", r.full_name),
        back: (format!("/cu-dan/{id}"), format!("Hồ sơ {}", r.full_name)),
        login_url: login_url(&state, &headers),
        cards: vec![card],
        had: Vec::new(),
        message: None,
    };
    sheet_response(StatusCode::OK, page)
}

// ------------------------------------------------------------ the sheet

/// One person's card on the sheet.
pub struct Card {
    pub name: String,
    pub place: String,
    pub role: String,
    pub username: String,
    pub password: String,
}

#[derive(Template)]
#[template(path = "account_sheet.html")]
struct SheetPage {
    nav: Option<Nav>,
    title: String,
    /// Where to go back to: the address and its label.
    back: (String, String),
    login_url: String,
    cards: Vec<Card>,
    /// Members who already had an account: name and username.
    had: Vec<(String, String)>,
    message: Option<String>,
}

/// The sheet, never kept by a browser or a proxy: it holds passwords.
fn sheet_response(status: StatusCode, page: SheetPage) -> AppResult<Response> {
    let html = page.render()?;
    Ok((
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        Html(html),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn create_for_team(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_admin(&user)?;
    let names = Names::load(&state).await?;
    let unit = names
        .units
        .iter()
        .find(|u| u.unit.id == id)
        .map(|u| u.unit.clone())
        .ok_or(AppError::NotFound)?;
    let hamlet_id = match (unit.unit_type, unit.hamlet_id) {
        (UnitType::DigitalTeam, Some(h)) if unit.active => h,
        _ => {
            return Err(AppError::BadRequest(
                "Chỉ Tổ công nghệ số cộng đồng đang hoạt động của một xóm mới tạo được tài khoản cho cả tổ. Chưa tạo tài khoản nào.".into(),
            ))
        }
    };
    let members = state.store.members_of(id).await?;
    let ids: Vec<i64> = members.iter().map(|m| m.resident_id).collect();
    let linked = state.store.accounts_linked_to(&ids).await?;
    let with_account: HashSet<i64> = linked.iter().map(|(r, _)| *r).collect();
    let todo: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|r| !with_account.contains(r))
        .collect();
    let passwords: Vec<String> = todo.iter().map(|_| new_password()).collect();
    let hashes = hash_all(passwords.clone()).await?;
    let role = Role::DigitalTeamMember { hamlet_id };
    let new: Vec<NewLinkedAccount> = todo
        .iter()
        .zip(hashes)
        .map(|(&resident_id, password_hash)| NewLinkedAccount {
            resident_id,
            role,
            password_hash,
        })
        .collect();
    let event = user.audit_event(
        AuditAction::Create,
        AuditObject::Account,
        "",
        format!("cho cả tổ (đơn vị số {id})"),
    );
    let created = state
        .store
        .audited(event)
        .create_linked_accounts(&new)
        .await?;
    let mut password_of: HashMap<i64, String> = todo.into_iter().zip(passwords).collect();
    let place = names.hamlet(hamlet_id);
    let mut cards = Vec::with_capacity(created.len());
    for a in created {
        // Each account made was asked for with one of these passwords.
        let Some(password) = password_of.remove(&a.resident_id) else {
            continue;
        };
        cards.push(Card {
            password,
            name: a.display_name,
            place: place.clone(),
            role: names.role_label(a.role),
            username: a.username,
        });
    }
    let had: Vec<(String, String)> = members
        .iter()
        .filter_map(|m| {
            let (_, u) = linked.iter().find(|(r, _)| *r == m.resident_id)?;
            Some((m.full_name.clone(), u.username.clone()))
        })
        .collect();
    let message = match (members.is_empty(), cards.is_empty()) {
        (true, _) => Some(
            "Tổ chưa có thành viên: hãy thêm thành viên ở trang của tổ trước. Chưa tạo tài khoản nào."
                .to_string(),
        ),
        (false, true) => Some(
            "Mọi thành viên của tổ đều đã có tài khoản: không tạo thêm. Quên mật khẩu thì đặt lại ở trang Người dùng."
                .to_string(),
        ),
        (false, false) => Some(format!(
            "Đã tạo {} tài khoản cho {}.",
            cards.len(),
            unit.name
        )),
    };
    let page = SheetPage {
        nav: Some(Nav::of(&user)),
        title: format!("Tài khoản của {}", unit.name),
        back: (format!("/don-vi/{id}"), unit.name.clone()),
        login_url: login_url(&state, &headers),
        cards,
        had,
        message,
    };
    sheet_response(StatusCode::OK, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_in_the_form_says_what_it_is_tied_to() {
        assert_eq!(
            role_value(Role::DigitalTeamMember { hamlet_id: 3 }),
            "to_cnscd:3"
        );
        assert_eq!(
            role_value(Role::UnitReporter { unit_id: 8 }),
            "bao_cao_don_vi:8"
        );
        assert_eq!(
            role_value(Role::Resident { resident_id: 12 }),
            "nguoi_dan:12"
        );
        assert_ne!(
            role_value(Role::HamletHead { hamlet_id: 3 }),
            role_value(Role::DigitalTeamMember { hamlet_id: 3 })
        );
    }
}
