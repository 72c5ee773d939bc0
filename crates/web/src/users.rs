//! User management for admins: list, create with a one-time password,
//! reset a password, lock and unlock, and let an account log in again after
//! failed attempts made it wait (see [`crate::auth::Throttle`]).

use crate::auth::{CurrentUser, OneTimePassword};
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::registry::Choice;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::{ResidentScope, Role, RoleKind};
use hocvuso_storage::NewUser;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/nguoi-dung", get(list).post(create))
        .route("/nguoi-dung/{id}/dat-lai-mat-khau", post(reset))
        .route("/nguoi-dung/{id}/khoa", post(lock))
        .route("/nguoi-dung/{id}/cho-dang-nhap", post(clear_failures))
}

pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope: String,
    pub disabled: bool,
    /// Failed logins on record (the throttle's, in memory).
    pub login_failures: u32,
    /// Whether some address must wait before trying this account again.
    pub login_waiting: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Option<Nav>,
    users: Vec<UserView>,
    roles: Vec<Choice>,
    /// Whether a known role is selected (else the "— Chọn vai trò —" placeholder is).
    role_chosen: bool,
    hamlets: Vec<Choice>,
    units: Vec<Choice>,
    message: Option<String>,
    one_time: Option<(String, String)>,
    error: Option<String>,
    form: CreateForm,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    message: Option<String>,
    one_time: Option<(String, String)>,
    error: Option<String>,
) -> AppResult<Html<String>> {
    render_form(state, user, message, one_time, error, CreateForm::default()).await
}

/// The page with the "new user" form filled in as it was sent (after a refusal).
async fn render_form(
    state: &AppState,
    user: &CurrentUser,
    message: Option<String>,
    one_time: Option<(String, String)>,
    error: Option<String>,
    form: CreateForm,
) -> AppResult<Html<String>> {
    let hamlets = state.store.list_hamlets().await?;
    let units = state.store.list_units().await?;
    let failing = state.throttle.failing_accounts();
    let users = state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| {
            let scope = match u.role {
                Role::HamletHead { hamlet_id } | Role::DigitalTeamMember { hamlet_id } => hamlets
                    .iter()
                    .find(|h| h.id == hamlet_id)
                    .map(|h| h.name.clone())
                    .unwrap_or_default(),
                Role::UnitReporter { unit_id } => units
                    .iter()
                    .find(|x| x.id == unit_id)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                Role::Resident { resident_id } => format!("cư dân #{resident_id}"),
                _ => "Toàn xã".into(),
            };
            let (login_failures, login_waiting) =
                failing.get(&u.username).copied().unwrap_or_default();
            UserView {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                role: u.role.kind().label().into(),
                scope,
                disabled: u.disabled,
                login_failures,
                login_waiting,
            }
        })
        .collect();
    let roles = Choice::list(
        RoleKind::ALL.iter().map(|k| (k.code(), k.label())),
        &form.role,
    );
    let page = UsersPage {
        nav: Some(Nav::of(user)),
        users,
        role_chosen: roles.iter().any(|r| r.selected),
        roles,
        hamlets: Choice::list(
            hamlets.iter().map(|h| (h.id.to_string(), h.name.as_str())),
            &form.hamlet_id,
        ),
        units: Choice::list(
            units
                .iter()
                .filter(|u| u.unit_type != hocvuso_domain::UnitType::Hamlet)
                .map(|u| (u.id.to_string(), u.name.as_str())),
            &form.unit_id,
        ),
        message,
        one_time,
        error,
        form,
    };
    Ok(Html(page.render()?))
}

fn require_admin(user: &CurrentUser) -> AppResult<()> {
    if user.role().can_manage_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    require_admin(&user)?;
    render(&state, &user, None, None, None).await
}

/// The "new user" form. Every field may be missing: a browser sends no
/// `role` while the "— Chọn vai trò —" placeholder is still selected.
#[derive(Deserialize, Default)]
struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    hamlet_id: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    resident_id: String,
    /// The checkbox that confirms a new admin (full rights) is wanted.
    #[serde(default)]
    xac_nhan_admin: String,
}

const NO_ROLE: &str = "Chưa chọn vai trò: hãy chọn vai trò cho tài khoản rồi bấm «Tạo tài khoản». Chưa tạo tài khoản nào.";
const ADMIN_NOT_CONFIRMED: &str = "Tài khoản quản trị hệ thống có toàn quyền: tạo và khóa tài khoản, xem và sửa toàn bộ sổ dân cư. Nếu đúng là cần thêm một quản trị, hãy đánh dấu ô «Tôi xác nhận tạo thêm một tài khoản quản trị hệ thống (toàn quyền)» rồi bấm lại; nếu không, hãy chọn vai trò khác. Chưa tạo tài khoản nào.";
const UNKNOWN_HAMLET: &str =
    "Không có xóm này trong sổ: hãy chọn lại xóm trong danh sách. Chưa tạo tài khoản nào.";
const UNKNOWN_UNIT: &str =
    "Không có đơn vị này trong sổ: hãy chọn lại đơn vị trong danh sách. Chưa tạo tài khoản nào.";

fn valid_username(u: &str) -> bool {
    (3..=40).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// Why the hamlet, unit or resident a role is tied to cannot be used (it is
/// not in the register), if so.
async fn unknown_scope(state: &AppState, role: Role) -> AppResult<Option<&'static str>> {
    let known = match role {
        Role::HamletHead { hamlet_id } | Role::DigitalTeamMember { hamlet_id } => state
            .store
            .list_hamlets()
            .await?
            .iter()
            .any(|h| h.id == hamlet_id),
        Role::UnitReporter { unit_id } => state
            .store
            .list_units()
            .await?
            .iter()
            .any(|u| u.id == unit_id),
        Role::Resident { resident_id } => state
            .store
            .get_resident(ResidentScope::All, resident_id)
            .await?
            .is_some(),
        Role::Admin | Role::CultureOffice => true,
    };
    Ok((!known).then_some(match role {
        Role::UnitReporter { .. } => UNKNOWN_UNIT,
        Role::Resident { .. } => "Không có cư dân với mã này. Chưa tạo tài khoản nào.",
        _ => UNKNOWN_HAMLET,
    }))
}

/// A refused creation: the form again as it was sent (the admin confirmation
/// unticked, so that it is given again), with the message; nothing written.
async fn refuse(
    state: &AppState,
    user: &CurrentUser,
    message: String,
    f: CreateForm,
) -> AppResult<Response> {
    let form = CreateForm {
        csrf: String::new(),
        xac_nhan_admin: String::new(),
        ..f
    };
    let page = render_form(state, user, None, None, Some(message), form).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_admin(&user)?;
    let username = f.username.trim().to_lowercase();
    let confirmed = !f.xac_nhan_admin.trim().is_empty();
    let fail = |msg: &str, f: CreateForm| refuse(&state, &user, msg.to_string(), f);
    if !valid_username(&username) {
        return fail(
            "Tên đăng nhập dài 3–40 ký tự, chỉ gồm chữ thường không dấu, chữ số và . _ -",
            f,
        )
        .await;
    }
    let display = vntext::normalize(&f.display_name);
    if display.is_empty() {
        return fail("Ghi họ tên người dùng", f).await;
    }
    let Some(kind) = RoleKind::from_code(f.role.trim()) else {
        return fail(NO_ROLE, f).await;
    };
    let role = Role::from_parts(
        kind,
        f.unit_id.trim().parse().ok(),
        f.hamlet_id.trim().parse().ok(),
        f.resident_id.trim().parse().ok(),
    );
    let Some(role) = role else {
        let msg = match kind {
            RoleKind::UnitReporter => "Vai trò này cần chọn đơn vị",
            RoleKind::HamletHead | RoleKind::DigitalTeamMember => "Vai trò này cần chọn xóm",
            _ => "Tài khoản người dân cần mã cư dân (số ở cuối địa chỉ trang hồ sơ)",
        };
        return fail(msg, f).await;
    };
    if role == Role::Admin && !confirmed {
        return fail(ADMIN_NOT_CONFIRMED, f).await;
    }
    if let Some(msg) = unknown_scope(&state, role).await? {
        return fail(msg, f).await;
    }
    let otp = OneTimePassword::made().await?;
    let password = otp.plain;
    let new = NewUser {
        username: username.clone(),
        display_name: display,
        password_hash: otp.hash,
        role,
        must_change_password: true,
    };
    let event = user.audit_event(
        AuditAction::Create,
        AuditObject::Account,
        "",
        format!("vai trò {}", role.kind().code()),
    );
    match state.store.audited(event).create_user(&new).await {
        Ok(_) => {
            let page = render(
                &state,
                &user,
                Some(format!("Đã tạo tài khoản {username}")),
                Some((username, password)),
                None,
            )
            .await?;
            Ok(page.into_response())
        }
        Err(e) if e.is_unique_violation() => {
            fail(&format!("Tên đăng nhập \"{username}\" đã có người dùng"), f).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn reset(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Html<String>> {
    user.check_csrf(&f.csrf)?;
    require_admin(&user)?;
    let target = state.store.get_user(id).await?.ok_or(AppError::NotFound)?;
    let otp = OneTimePassword::made().await?;
    state
        .store
        .audited(user.audit_event(AuditAction::ResetPassword, AuditObject::Account, id, ""))
        .set_password(id, &otp.hash, true)
        .await?;
    let password = otp.plain;
    render(
        &state,
        &user,
        Some(format!("Đã đặt lại mật khẩu cho {}", target.username)),
        Some((target.username, password)),
        None,
    )
    .await
}

async fn lock(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Html<String>> {
    user.check_csrf(&f.csrf)?;
    require_admin(&user)?;
    if id == user.user.id {
        return render(
            &state,
            &user,
            None,
            None,
            Some("Không thể tự khóa tài khoản của mình".into()),
        )
        .await;
    }
    let target = state.store.get_user(id).await?.ok_or(AppError::NotFound)?;
    let action = if target.disabled {
        AuditAction::Unlock
    } else {
        AuditAction::Lock
    };
    state
        .store
        .audited(user.audit_event(action, AuditObject::Account, id, ""))
        .set_user_disabled(id, !target.disabled)
        .await?;
    let msg = if target.disabled {
        "Đã mở khóa"
    } else {
        "Đã khóa"
    };
    render(
        &state,
        &user,
        Some(format!("{msg} tài khoản {}", target.username)),
        None,
        None,
    )
    .await
}

/// Forget the failed logins counted against an account, so that it logs in
/// at once from anywhere (the owner locked out by someone's guessing).
async fn clear_failures(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Html<String>> {
    user.check_csrf(&f.csrf)?;
    require_admin(&user)?;
    let target = state.store.get_user(id).await?.ok_or(AppError::NotFound)?;
    let had = state.throttle.unlock(&target.username);
    user.audit(
        &state,
        AuditAction::Unlock,
        AuditObject::Account,
        id,
        "cho đăng nhập lại: xóa các lần đăng nhập sai",
    );
    let msg = if had {
        format!(
            "Đã cho {} đăng nhập lại: các lần đăng nhập sai đã được xóa",
            target.username
        )
    } else {
        format!(
            "Tài khoản {} không có lần đăng nhập sai nào",
            target.username
        )
    };
    render(&state, &user, Some(msg), None, None).await
}
