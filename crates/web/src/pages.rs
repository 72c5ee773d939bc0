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
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::policy::{Action, Resource};

/// What the layout needs to draw the menu for the logged-in user.
#[derive(Debug, Clone)]
pub struct Nav {
    /// The user line: the name, and the role when the name does not already say it.
    pub who: String,
    pub csrf: String,
    pub can_list: bool,
    pub can_import: bool,
    pub can_admin: bool,
    pub own_resident: Option<i64>,
    /// The record whose personal data this user may see as their own
    /// (`Resource::PersonalData`, reach Own): a resident's.
    pub own_data: Option<i64>,
    pub can_report: bool,
    pub report_unit: Option<i64>,
    /// "Đi thực địa": the field app (`Resource::FieldWork`).
    pub can_field: bool,
    /// Show "Thiết lập" (the set-up checklist): the office, while a step is missing.
    pub setup_pending: bool,
}

impl Nav {
    pub fn of(u: &CurrentUser) -> Self {
        Self::from_parts(&u.user, &u.csrf_token)
    }

    pub fn from_parts(user: &hocvuso_storage::User, csrf: &str) -> Self {
        let role = user.role;
        Nav {
            who: who_line(&user.display_name, role.kind().label()),
            csrf: csrf.to_string(),
            can_list: role.can_list_residents(),
            can_import: role.can_import_export(),
            can_admin: role.can_manage_users(),
            own_resident: role.resident_id().or(user.person_id),
            own_data: match role.scope(Action::See, Resource::PersonalData) {
                Some(hocvuso_domain::ResidentScope::Own(id)) => Some(id),
                _ => None,
            },
            can_report: role.can_manage_reports(),
            report_unit: role.unit_id(),
            can_field: role.allowed(Action::See, Resource::FieldWork),
            setup_pending: role.allowed(Action::See, Resource::Setup) && crate::setup::pending(),
        }
    }
}

/// "Nguyễn Văn An · Trưởng xóm", but "Quản trị hệ thống" alone when the name
/// is the role (the admin account), so the line never says a thing twice.
fn who_line(name: &str, role: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        return role.to_string();
    }
    let (n, r) = (vntext::fold(name), vntext::fold(role));
    if n == r || r.contains(&n) || n.contains(&r) {
        name.to_string()
    } else {
        format!("{name} · {role}")
    }
}

const APP_CSS: &str = include_str!("../static/app.css");
const ICON_SVG: &str = include_str!("../static/icon.svg");
const FAVICON: &[u8] = include_bytes!("../static/favicon.ico");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/static/icon.svg", get(icon_svg))
        .route("/favicon.ico", get(favicon))
        .route("/nhat-ky", get(audit_log))
}

/// Where a login lands: a resident on their own record, the admin on the
/// set-up checklist while a step is missing, everyone else on the registry.
async fn home(State(state): State<AppState>, user: CurrentUser) -> AppResult<Redirect> {
    let role = user.role();
    if role.can_manage_users()
        && !crate::setup::checklist(&state.store, true)
            .await?
            .all_done()
    {
        return Ok(Redirect::to("/thiet-lap"));
    }
    Ok(match role.resident_id() {
        Some(id) if !role.can_list_residents() => Redirect::to(&format!("/cu-dan/{id}")),
        _ => Redirect::to("/so-dan-cu"),
    })
}

/// A file built into the binary, with its type and how long browsers may
/// keep it. Every static file the server sends goes through here.
pub(crate) fn static_file(
    content_type: &'static str,
    cache: &'static str,
    body: impl IntoResponse,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    static_file("text/css; charset=utf-8", "public, max-age=86400", APP_CSS)
}

async fn icon_svg() -> Response {
    static_file("image/svg+xml", "public, max-age=604800", ICON_SVG)
}

async fn favicon() -> Response {
    static_file("image/x-icon", "public, max-age=604800", FAVICON)
}

pub struct AuditView {
    pub at: String,
    pub username: String,
    pub action: &'static str,
    pub object: String,
    /// The object's page, when it has one.
    pub href: Option<String>,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    rows: Vec<AuditView>,
}

async fn audit_log(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    if !user.role().allowed(Action::See, Resource::AuditLog) {
        return Err(AppError::Forbidden);
    }
    let rows = state
        .store
        .audit_rows(None, 300)
        .await?
        .into_iter()
        .map(|(at, username, action, ot, oid, detail)| {
            let kind = AuditObject::from_code(&ot);
            let object = match (kind, oid.is_empty()) {
                (Some(k), true) => k.label().to_string(),
                (Some(k), false) => format!("{} số {oid}", k.label()),
                (None, true) => ot.clone(),
                (None, false) => format!("{ot} số {oid}"),
            };
            AuditView {
                at: vn_time(at),
                username,
                action: AuditAction::from_code(&action).map_or("Việc khác", AuditAction::label),
                href: kind.and_then(|k| k.href(&oid)),
                object,
                detail,
            }
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

pub use hocvuso_domain::time::{vn_date, vn_datetime_text as vn_time};

#[cfg(test)]
mod tests {
    use super::who_line;

    #[test]
    fn the_user_line_never_repeats_the_role() {
        assert_eq!(
            who_line("Quản trị hệ thống", "Quản trị hệ thống"),
            "Quản trị hệ thống"
        );
        assert_eq!(
            who_line("Nguyễn Văn An", "Trưởng xóm"),
            "Nguyễn Văn An · Trưởng xóm"
        );
        assert_eq!(
            who_line("Trưởng xóm Khuôn Lặng", "Trưởng xóm"),
            "Trưởng xóm Khuôn Lặng"
        );
        assert_eq!(who_line("  ", "Người dân"), "Người dân");
    }
}
