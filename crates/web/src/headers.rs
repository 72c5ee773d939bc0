//! Security headers on every response, as one middleware layer.
//!
//! - `Content-Security-Policy`: scripts and styles only from our own files
//!   (every script is a file under `/static/`, no template has inline
//!   script, event handler or style attribute), images from here or `data:`,
//!   no framing, no `<base>`, forms posting only here. Lesson pages (`/hoc`)
//!   also allow inline styles: their pictures are SVG files written by the
//!   office, and drawing programs put `style` attributes in them; those
//!   pages hold no personal data.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
//!   `X-Frame-Options: DENY` (for browsers without `frame-ancestors`).
//! - `Cache-Control: no-store` on every response to a logged-in user (the
//!   request carries the session cookie), so no page with personal data (the
//!   registry, a resident, a household, exports, import previews, users,
//!   units, indicator lists) stays in the browser's cache or a proxy's,
//!   except the static files and the public course pages, and except where
//!   the handler set its own `Cache-Control`. The certificate verification
//!   page names a person and is never stored either.

use axum::extract::Request;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of every page but lessons.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The policy of the lesson pages: inline styles allowed (SVG pictures).
pub const CSP_LESSONS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The public course pages: the list, a course, a lesson (not the quiz,
/// whose result is personal, nor the certificate).
fn is_course_page(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/hoc") else {
        return false;
    };
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = rest.strip_prefix('/') else {
        return false;
    };
    match rest.split_once('/') {
        None => true,
        Some((_, page)) => !page.contains('/') && page != "kiem-tra" && page != "chung-chi",
    }
}

/// Files that are the same for everyone.
fn is_static(path: &str) -> bool {
    path.starts_with("/static/") || path == "/sw.js" || path == "/favicon.ico"
}

fn has_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .any(|(name, value)| name == crate::auth::SESSION_COOKIE && !value.is_empty())
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

/// The middleware: see the module documentation.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let logged_in = has_session(req.headers());
    let mut resp = next.run(req).await;
    let headers = resp.headers_mut();
    let lesson = path == "/hoc" || path.starts_with("/hoc/");
    set_default(
        headers,
        header::CONTENT_SECURITY_POLICY,
        if lesson { CSP_LESSONS } else { CSP },
    );
    set_default(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_default(headers, header::REFERRER_POLICY, "same-origin");
    set_default(headers, header::X_FRAME_OPTIONS, "DENY");
    let personal = (logged_in && !is_static(&path) && !is_course_page(&path))
        || path.starts_with("/xac-thuc/");
    if personal {
        set_default(headers, header::CACHE_CONTROL, "no-store");
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn course_pages() {
        for p in ["/hoc", "/hoc/", "/hoc/an-toan", "/hoc/an-toan/bai-1"] {
            assert!(is_course_page(p), "{p}");
        }
        for p in [
            "/hoc/an-toan/kiem-tra",
            "/hoc/an-toan/chung-chi",
            "/hoc/a/b/c",
            "/hocx",
            "/so-dan-cu",
        ] {
            assert!(!is_course_page(p), "{p}");
        }
    }

    #[test]
    fn session_cookie() {
        let mut h = HeaderMap::new();
        assert!(!has_session(&h));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; hv_session=abc"),
        );
        assert!(has_session(&h));
        h.insert(header::COOKIE, HeaderValue::from_static("hv_session="));
        assert!(!has_session(&h));
    }
}
