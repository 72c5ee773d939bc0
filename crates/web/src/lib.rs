//! The web layer: thin axum handlers over the domain and the store.
//!
//! One module per resource, each with its own `router()`; [`app`] only
//! merges them. Pages are rendered on the server (askama templates), work
//! without JavaScript, and stay small for 3G phones.

mod accounts;
pub mod assistant;
pub mod auth;
mod breach;
mod campaigns;
mod charts;
mod classes;
mod consent;
pub mod error;
pub mod field;
pub mod freshness;
mod hamlets;
pub mod headers;
mod health;
mod html;
mod import;
mod indicators;
pub(crate) mod learning;
pub mod llm;
pub mod mail;
mod pages;
mod plan;
mod privacy;
mod public;
pub mod refusal;
mod registry;
mod reminders;
mod reports;
mod roster;
pub mod route_policy;
mod setup;
pub mod state;
mod units;
mod users;

use axum::Router;
pub use state::{AppState, WebConfig};
use tower_http::compression::CompressionLayer;

/// The most a plain form (a resident, a unit, a hamlet, an account, the
/// set-up page, the login, a quiz, the import wizard's column mapping) may
/// send: its fields are a few hundred characters at most. Every route takes
/// this unless its router says more below.
pub const FORM_BODY_LIMIT: usize = 16 * 1024;

/// The assistant's forms: the chat carries the conversation (at most
/// `assistant::MAX_HISTORY_BYTES` of JSON, about 90 KB form-encoded when
/// every character is Vietnamese), and the office's edit of a procedure
/// record is TOML of about 13 KB form-encoded today.
pub const ASSISTANT_BODY_LIMIT: usize = 256 * 1024;

/// A unit's quarterly report: three narrative parts kept to 4,000
/// characters each (a Vietnamese character is up to 9 bytes form-encoded)
/// and a dozen numbers.
pub const REPORT_BODY_LIMIT: usize = 256 * 1024;

/// The spreadsheet uploads (residents, staff and class lists): past
/// `MAX_FILE_BYTES` the rest is drained so the user gets a message, up to here.
const UPLOAD_BODY_LIMIT: usize = import::MAX_UPLOAD_BYTES + 64 * 1024;

fn body_limit(bytes: usize) -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(bytes)
}

fn form_limit() -> axum::extract::DefaultBodyLimit {
    body_limit(FORM_BODY_LIMIT)
}

/// The whole application, as `serve` and the tests start it.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(assistant::router(&state.config).layer(body_limit(ASSISTANT_BODY_LIMIT)))
        .merge(learning::router().layer(form_limit()))
        .merge(field::router().layer(body_limit(field::BODY_LIMIT)))
        .merge(classes::router().layer(form_limit()))
        .merge(indicators::router())
        .merge(plan::router().layer(body_limit(plan::BODY_LIMIT)))
        .merge(public::router())
        .merge(reminders::router().layer(form_limit()))
        .merge(campaigns::router().layer(form_limit()))
        .merge(reports::router().layer(body_limit(REPORT_BODY_LIMIT)))
        .merge(auth::router().layer(form_limit()))
        .merge(registry::router().layer(form_limit()))
        .merge(privacy::router().layer(body_limit(privacy::BODY_LIMIT)))
        .merge(consent::router().layer(form_limit()))
        .merge(breach::router().layer(form_limit()))
        .merge(import::router().layer(body_limit(UPLOAD_BODY_LIMIT)))
        .merge(roster::router().layer(body_limit(UPLOAD_BODY_LIMIT)))
        .merge(users::router().layer(form_limit()))
        .merge(accounts::router().layer(form_limit()))
        .merge(hamlets::router().layer(form_limit()))
        .merge(units::router().layer(form_limit()))
        .merge(setup::router().layer(form_limit()))
        .merge(pages::router().layer(form_limit()))
        // Every other route (health, indicators, unknown paths) takes a form at most.
        .layer(form_limit())
        .layer(axum::middleware::from_fn(refusal::refusals))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            indicators::invalidate_on_write,
        ))
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), setup::SetupFlag::default()),
            setup::track,
        ))
        .layer(CompressionLayer::new())
        // Content-Security-Policy, nosniff, no framing, no-store on personal pages.
        .layer(axum::middleware::from_fn(headers::security_headers))
        .with_state(state)
}

/// Bind and serve until Ctrl-C; flushes the audit log on the way out.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let store = state.store.clone();
    if let Err(e) = state.load_plan().await {
        tracing::error!(error = %e, "the plan saved by the office was not read");
    }
    if state.config.snapshot_minutes > 0 {
        tokio::spawn(indicators::refresh_snapshots_forever(state.clone()));
    }
    if state.mailer.is_some() {
        tokio::spawn(reminders::email_reminders_forever(state.clone()));
    }
    // Build the assistant's index now, in the background, so the first citizen
    // who asks does not wait for it (seconds in a debug build).
    let warm = state.clone();
    tokio::spawn(async move {
        if let Err(e) = assistant::assistant(&warm).await {
            tracing::error!(error = %e, "assistant not built at start-up");
        }
    });
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    store.close().await;
    Ok(())
}
