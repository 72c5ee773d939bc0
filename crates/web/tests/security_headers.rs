//! Security headers (issue 12): a Content-Security-Policy that allows no
//! inline script or style, nosniff, no framing, a same-origin referrer, and
//! `Cache-Control: no-store` on pages with personal data; and no template
//! that such a policy would break.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::spawn_app;
use hocvuso_web::headers::{CSP, CSP_LESSONS};
use reqwest::StatusCode;

/// Status and the headers asked for (missing ones as "").
async fn headers_of(c: &reqwest::Client, url: &str, names: &[&str]) -> (StatusCode, Vec<String>) {
    let r = c.get(url).send().await.unwrap();
    let values = names
        .iter()
        .map(|n| {
            r.headers()
                .get(*n)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        })
        .collect();
    (r.status(), values)
}

const SECURITY: [&str; 5] = [
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "cache-control",
];

async fn public_and_resident_pages_carry_the_headers() {
    let app = spawn_app().await;

    // A public page, nobody logged in.
    let anon = common::client();
    let (status, h) = headers_of(&anon, &app.url("/dang-nhap"), &SECURITY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[0], CSP);
    assert!(CSP.contains("script-src 'self';") && CSP.contains("style-src 'self';"));
    assert!(CSP.contains("frame-ancestors 'none'") && CSP.contains("form-action 'self'"));
    assert_eq!(h[1], "nosniff");
    assert_eq!(h[2], "same-origin");
    assert_eq!(h[3], "DENY");

    // A resident's page, and the other pages with personal data.
    let (c, _) = app.login("admin").await;
    let someone = app.resident_in(app.hamlets[0]).await;
    let household = format!("/ho/{}", someone.household_id);
    let resident = format!("/cu-dan/{}", someone.id);
    for path in [
        resident.as_str(),
        "/so-dan-cu",
        household.as_str(),
        "/xuat-excel",
        "/nhap",
        "/nguoi-dung",
        "/don-vi",
        "/chi-tieu/1/nguoi",
        "/nhat-ky",
    ] {
        let (status, h) = headers_of(&c, &app.url(path), &SECURITY).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(h[0], CSP, "{path}");
        assert_eq!(h[1], "nosniff", "{path}");
        assert_eq!(h[2], "same-origin", "{path}");
        assert_eq!(h[3], "DENY", "{path}");
        assert_eq!(h[4], "no-store", "{path}");
    }

    // Static files and the public course pages may be kept, even logged in.
    let (status, h) = headers_of(&c, &app.url("/static/app.css"), &SECURITY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[1], "nosniff");
    assert!(h[4].contains("max-age"), "{}", h[4]);
    let (status, h) = headers_of(&c, &app.url("/hoc"), &SECURITY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[0], CSP_LESSONS);
    assert!(!h[4].contains("no-store"), "{}", h[4]);
}

/// What the policy refuses: inline scripts, event handler attributes,
/// `style` attributes and `<style>` blocks. Templates only load files.
#[test]
fn templates_have_no_inline_script_or_style() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let html = std::fs::read_to_string(&path).unwrap().to_ascii_lowercase();
        let name = path.display();
        assert!(!html.contains(" style="), "{name}: style attribute");
        assert!(!html.contains("<style"), "{name}: <style> block");
        assert!(!html.contains("javascript:"), "{name}: javascript: link");
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            assert!(tag.contains(" src="), "{name}: inline <script>");
        }
        for word in html.split(|c: char| c.is_whitespace() || c == '<') {
            let attr = word.split('=').next().unwrap_or("");
            assert!(
                !(word.contains('=')
                    && attr.len() > 2
                    && attr.starts_with("on")
                    && attr.chars().all(|c| c.is_ascii_lowercase())),
                "{name}: event handler {word}"
            );
        }
        checked += 1;
    }
    assert!(checked > 30, "{checked} templates");
}

on_both_engines!(public_and_resident_pages_carry_the_headers,);
