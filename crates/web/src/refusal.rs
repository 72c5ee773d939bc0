//! Requests refused as hostile: a body over its route's limit (413), a
//! spreadsheet that unpacks or repeats past the import's limits, a column
//! number no sheet has. No form of ours sends these, so such a refusal is
//! answered only after [`HOSTILE_DELAY`]: a script that waits for each
//! answer (as the load test's attacker does) then sends at most one such
//! request per second per connection, and the other users keep the CPU.
//! An ordinary mistake (a wrong date, a missing field) is answered at once.
//!
//! The delay is a sleeping future, not a thread, and holds no lock; the
//! refusal itself is cheap (the body is not read past its limit).

use crate::error::AppError;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long a hostile refusal waits before it is sent.
pub const HOSTILE_DELAY: Duration = Duration::from_secs(1);

/// Carried by a response whose request was refused as hostile.
#[derive(Clone, Copy, Debug)]
pub struct Hostile;

/// `resp`, marked as a hostile refusal.
pub fn hostile(mut resp: Response) -> Response {
    resp.extensions_mut().insert(Hostile);
    resp
}

/// The middleware: axum's English 413 becomes the site's Vietnamese page,
/// and hostile refusals wait before they go out.
pub async fn refusals(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let resp = next.run(req).await;
    let too_large = resp.status() == StatusCode::PAYLOAD_TOO_LARGE;
    let marked = resp.extensions().get::<Hostile>().is_some();
    if !too_large && !marked {
        return resp;
    }
    let html = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let resp = if too_large && !html {
        let mut page = AppError::BadRequest(
            "Dữ liệu gửi lên quá lớn so với biểu mẫu này, nên không được nhận. Hãy rút ngắn nội dung rồi gửi lại."
                .into(),
        )
        .into_response();
        *page.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        page
    } else {
        resp
    };
    tokio::time::sleep(HOSTILE_DELAY).await;
    resp
}
