//! The web layer: thin axum handlers over the domain and the store.
//!
//! One module per resource, each with its own `router()`; [`app`] only
//! merges them. Pages are rendered on the server (askama templates), work
//! without JavaScript, and stay small for 3G phones.

mod accounts;
pub mod assistant;
pub mod auth;
mod charts;
pub mod error;
pub mod hamlets;
mod health;
mod html;
mod import;
mod indicators;
pub(crate) mod learning;
pub mod llm;
mod pages;
mod registry;
mod reports;
mod roster;
mod setup;
pub mod state;
mod units;
mod users;

use axum::Router;
pub use state::{AppState, WebConfig};
use tower_http::compression::CompressionLayer;

/// The most a plain form (a resident, a unit, a hamlet, an account, the
/// set-up page) may send: its fields are a few hundred characters at most.
/// Only the import takes an upload; every other body stops here.
pub const FORM_BODY_LIMIT: usize = 16 * 1024;

fn form_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(FORM_BODY_LIMIT)
}

/// The whole application, as `serve` and the tests start it.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(assistant::router())
        .merge(learning::router())
        .merge(indicators::router())
        .merge(reports::router())
        .merge(auth::router())
        .merge(registry::router().layer(form_limit()))
        .merge(import::router())
        .merge(roster::router())
        .merge(users::router().layer(form_limit()))
        .merge(accounts::router().layer(form_limit()))
        .merge(hamlets::router().layer(form_limit()))
        .merge(units::router().layer(form_limit()))
        .merge(setup::router().layer(form_limit()))
        .merge(pages::router())
        .layer(axum::extract::DefaultBodyLimit::max(
            import::MAX_UPLOAD_BYTES + 64 * 1024,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            indicators::invalidate_on_write,
        ))
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), setup::SetupFlag::default()),
            setup::track,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Bind and serve until Ctrl-C; flushes the audit log on the way out.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let store = state.store.clone();
    if state.config.snapshot_minutes > 0 {
        tokio::spawn(indicators::refresh_snapshots_forever(state.clone()));
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
