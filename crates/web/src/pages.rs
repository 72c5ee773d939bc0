//! Shared page furniture (navigation), the home redirect, static files and the audit log view.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

/// What the layout needs to draw the menu for the logged-in user.
#[derive(Debug, Clone)]
pub struct Nav {
    pub display_name: String,
    pub role_label: String,
    pub csrf: String,
    pub can_list: bool,
    pub can_import: bool,
    pub can_admin: bool,
    pub own_resident: Option<i64>,
    pub can_report: bool,
    pub report_unit: Option<i64>,
}

impl Nav {
    pub fn of(u: &CurrentUser) -> Self {
        Self::from_parts(&u.user, &u.csrf_token)
    }

    pub fn from_parts(user: &hocvuso_storage::User, csrf: &str) -> Self {
        let role = user.role;
        Nav {
            display_name: user.display_name.clone(),
            role_label: role.kind().label().to_string(),
            csrf: csrf.to_string(),
            can_list: role.can_list_residents(),
            can_import: role.can_import_export(),
            can_admin: role.can_manage_users(),
            own_resident: role.resident_id(),
            can_report: role.can_manage_reports(),
            report_unit: role.unit_id(),
        }
    }
}

const APP_CSS: &str = include_str!("../static/app.css");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/nhat-ky", get(audit_log))
}

async fn home(user: CurrentUser) -> Redirect {
    match user.role().resident_id() {
        Some(id) if !user.role().can_list_residents() => Redirect::to(&format!("/cu-dan/{id}")),
        _ => Redirect::to("/so-dan-cu"),
    }
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        APP_CSS,
    )
        .into_response()
}

pub struct AuditView {
    pub at: String,
    pub username: String,
    pub action: String,
    pub object: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    rows: Vec<AuditView>,
}

async fn audit_log(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    if !user.role().can_manage_users() {
        return Err(AppError::Forbidden);
    }
    let rows = state
        .store
        .audit_rows(None, 300)
        .await?
        .into_iter()
        .map(|(at, username, action, ot, oid, detail)| AuditView {
            at: vn_time(at),
            username,
            action: action_label(&action).to_string(),
            object: format!("{ot} #{oid}"),
            detail,
        })
        .collect();
    Ok(Html(
        AuditPage {
            nav: Some(Nav::of(&user)),
            rows,
        }
        .render()?,
    ))
}

fn action_label(a: &str) -> &str {
    match a {
        "xem" => "Xem hồ sơ",
        "sua" => "Sửa hồ sơ",
        "tao" => "Tạo",
        "xuat" => "Xuất Excel",
        "nhap" => "Nhập Excel",
        "dang_nhap" => "Đăng nhập",
        "dang_nhap_sai" => "Đăng nhập sai",
        "doi_mat_khau" => "Đổi mật khẩu",
        "dat_lai_mat_khau" => "Đặt lại mật khẩu",
        other => other,
    }
}

/// The calendar date in Vietnam (UTC+7) of a moment.
pub fn vn_date(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    (at + chrono::Duration::hours(7)).date_naive()
}

/// A timestamp in Vietnam's time (UTC+7), as people read it.
pub fn vn_time(at: chrono::DateTime<chrono::Utc>) -> String {
    match chrono::FixedOffset::east_opt(7 * 3600) {
        Some(tz) => at
            .with_timezone(&tz)
            .format("%d/%m/%Y %H:%M:%S")
            .to_string(),
        None => at.format("%d/%m/%Y %H:%M:%S UTC").to_string(),
    }
}
