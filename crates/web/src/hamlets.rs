//! Hamlets (xóm) and units of the commune: list, and add a hamlet (with its
//! hamlet unit and its community digital team).

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/xom", get(list).post(create))
}

pub struct HamletView {
    pub name: String,
    pub residents: i64,
}

pub struct UnitView {
    pub name: String,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "hamlets.html")]
struct HamletsPage {
    nav: Option<Nav>,
    hamlets: Vec<HamletView>,
    units: Vec<UnitView>,
    can_add: bool,
    message: Option<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    message: Option<String>,
    error: Option<String>,
) -> AppResult<Html<String>> {
    let counts = state.store.count_by_hamlet().await?;
    let hamlets = state
        .store
        .list_hamlets()
        .await?
        .into_iter()
        .map(|h| HamletView {
            residents: counts.get(&h.id).copied().unwrap_or(0),
            name: h.name,
        })
        .collect();
    let units = state
        .store
        .list_units()
        .await?
        .into_iter()
        .map(|u| UnitView {
            name: u.name,
            kind: u.unit_type.label(),
        })
        .collect();
    let page = HamletsPage {
        nav: Some(Nav::of(user)),
        hamlets,
        units,
        can_add: user.role().can_import_export(),
        message,
        error,
    };
    Ok(Html(page.render()?))
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    if !user.role().can_import_export() {
        return Err(AppError::Forbidden);
    }
    render(&state, &user, None, None).await
}

#[derive(Deserialize)]
struct CreateForm {
    csrf: String,
    name: String,
}

/// "khuôn lặng" → "Xóm Khuôn Lặng"; keeps "Thôn ..." / "Bản ..." as typed.
pub fn hamlet_display_name(raw: &str) -> String {
    let name = vntext::title_case_name(&vntext::normalize(raw));
    let key = vntext::fold(&name);
    if ["xom ", "thon ", "ban ", "to dan pho "]
        .iter()
        .any(|p| key.starts_with(p))
    {
        name
    } else {
        format!("Xóm {name}")
    }
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CreateForm>,
) -> AppResult<Html<String>> {
    user.check_csrf(&f.csrf)?;
    if !user.role().can_import_export() {
        return Err(AppError::Forbidden);
    }
    if vntext::normalize(&f.name).is_empty() {
        return render(&state, &user, None, Some("Ghi tên xóm".into())).await;
    }
    let name = hamlet_display_name(&f.name);
    match state.store.add_hamlet_with_units(&name).await {
        Ok(id) => {
            user.audit(&state, "tao", "xom", id, name.clone());
            render(&state, &user, Some(format!("Đã thêm {name}")), None).await
        }
        Err(e) if e.is_unique_violation() => {
            render(&state, &user, None, Some(format!("{name} đã có"))).await
        }
        Err(e) => Err(e.into()),
    }
}
