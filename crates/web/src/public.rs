//! "Hỏi ai khi cần giúp" (issue 15): a hamlet's community digital team as
//! residents see it, without logging in: names and positions, and phone
//! numbers only of the members who agreed (recorded by the office on the
//! team's page). Small, and kept by the service worker for offline use.

use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use hocvuso_storage::Helper;
use serde::Deserialize;

const OFFLINE_JS: &str = include_str!("../static/ngoai-tuyen.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hoi-ai", get(who_to_ask))
        .route("/static/ngoai-tuyen.js", get(offline_script))
}

async fn offline_script() -> axum::response::Response {
    crate::pages::static_file("text/javascript; charset=utf-8", "no-cache", OFFLINE_JS)
}

#[derive(Deserialize)]
struct HamletQuery {
    xom: Option<String>,
}

#[derive(Template)]
#[template(path = "who_to_ask.html")]
struct WhoPage {
    nav: Option<Nav>,
    /// The hamlet asked for: (id, name), with its helpers.
    hamlet: Option<(i64, String)>,
    helpers: Vec<Helper>,
    /// Every hamlet, to choose one: (id, name).
    hamlets: Vec<(i64, String)>,
}

async fn who_to_ask(
    State(state): State<AppState>,
    user: Option<crate::auth::CurrentUser>,
    Query(q): Query<HamletQuery>,
) -> AppResult<Html<String>> {
    let asked = crate::field::asked_id(q.xom.as_deref())?;
    let all = state.store.list_hamlets().await?;
    let hamlet = match asked {
        Some(id) => Some(
            all.iter()
                .find(|h| h.id == id)
                .map(|h| (h.id, h.name.clone()))
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let helpers = match &hamlet {
        Some((id, _)) => state.store.helpers(*id).await?,
        None => Vec::new(),
    };
    let page = WhoPage {
        nav: user.as_ref().map(Nav::of),
        hamlet,
        helpers,
        hamlets: all.into_iter().map(|h| (h.id, h.name)).collect(),
    };
    Ok(Html(page.render()?))
}
