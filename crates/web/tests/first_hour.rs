//! What a new user meets in the first hour (issue 10): each test reads the
//! page as served and checks the fix a person would see.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;
use reqwest::StatusCode;

/// The nth page section between `start` and the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).map(|i| i + start.len()).unwrap_or(0);
    let rest = &html[i..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

async fn after_the_forced_password_change_the_login_page_says_so() {
    let app = spawn_app().await;
    let c = client();
    let (status, to) = app.login_status(&c, "moi", PASSWORD).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/doi-mat-khau")
    );
    let (_, page) = app.get(&c, "/doi-mat-khau").await;
    let csrf = csrf_of(&page);
    let new = "Đồi chè Tân Cương 1975";
    let r = c
        .post(app.url("/doi-mat-khau"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", PASSWORD),
            ("new_password", new),
            ("confirm", new),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/dang-nhap"), "{to}");
    let (status, login) = app.get(&c, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        login.contains("Đã đổi mật khẩu, mời đăng nhập lại"),
        "{login}"
    );
    // A plain visit to the login page says nothing of the kind.
    let (_, plain) = app.get(&client(), "/dang-nhap").await;
    assert!(!plain.contains("Đã đổi mật khẩu"));
}

async fn staff_are_not_offered_a_quiz_and_not_asked_to_log_in() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let (_, list) = app.get(&admin, "/hoc").await;
    assert!(!list.contains("Đăng nhập</a> để lưu tiến độ"), "{list}");
    assert!(
        list.contains("Ghi kết quả kiểm tra"),
        "staff learn where to record results"
    );
    let (_, course) = app.get(&admin, "/hoc/dien-thoai-thong-minh").await;
    assert!(
        !course.contains("/hoc/dien-thoai-thong-minh/kiem-tra\""),
        "{course}"
    );
    assert!(!course.contains("Làm bài kiểm tra ("));
    // A resident and a visitor are still offered the quiz.
    let (resident, _) = app.login("nguoidan").await;
    let (_, course) = app.get(&resident, "/hoc/dien-thoai-thong-minh").await;
    assert!(course.contains("Làm bài kiểm tra ("), "{course}");
    let (_, course) = app.get(&client(), "/hoc/dien-thoai-thong-minh").await;
    assert!(course.contains("Làm bài kiểm tra ("));
    let (_, list) = app.get(&client(), "/hoc").await;
    assert!(list.contains("Đăng nhập</a> để lưu tiến độ"));
}

async fn the_new_answer_takes_the_focus_and_its_portal_address_is_a_link() {
    let app = spawn_app().await;
    let c = client();
    let (_, page) = app.get(&c, "/tro-ly").await;
    // Before any question, the question box is ready.
    assert!(page.contains("required autofocus"), "{page}");
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/tro-ly"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("q", "lam giay khai sinh o dau"),
            ("lich_su", "[]"),
            ("ma", "[]"),
        ])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    // The answer, not the question box, has the focus.
    let answer = between(
        &html,
        r#"<div class="bot" id="tra-loi-moi" tabindex="-1" autofocus"#,
        "</div>",
    );
    assert!(!answer.is_empty(), "{html}");
    let form = between(&html, r#"id="hoi""#, "</form>");
    assert!(!form.contains("autofocus"), "{form}");
    // The portal's page of the procedure can be tapped.
    assert!(
        answer.contains(r#"<a href="https://dichvucong.gov.vn"#),
        "{answer}"
    );
    // No inline script: the page's script is a file.
    assert!(!html.contains("<script>"));
    let (status, js) = app.get(&c, "/static/tro-ly.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(js.contains("tra-loi-moi"));
}

async fn the_menu_folds_behind_one_button_with_a_skip_link() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let (_, html) = app.get(&admin, "/so-dan-cu").await;
    let skip = html
        .find(r##"<a class="skip" href="#noi-dung">"##)
        .expect("skip link");
    let menu = html.find(r#"<details class="menu">"#).expect("menu");
    assert!(skip < menu, "the skip link comes first");
    assert!(html.contains(r#"<main id="noi-dung""#));
    assert!(html.contains("<summary>Menu</summary>"));
    // The admin's line says "Quản trị hệ thống" once, not name and role.
    let who = between(&html, r#"<span class="who">"#, "</span>");
    assert_eq!(who.matches("Người dùng admin").count(), 1, "{who}");
    assert!(who.contains("Quản trị hệ thống"));
}

async fn the_favicon_is_served() {
    let app = spawn_app().await;
    let r = client().get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/x-icon");
    let body = r.bytes().await.unwrap();
    assert_eq!(&body[..4], &[0, 0, 1, 0], "an ICO file");
}

async fn the_audit_log_reads_in_words_and_links_to_the_person() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let someone = app.resident_in(app.hamlets[0]).await;
    let (status, _) = app.get(&admin, &format!("/cu-dan/{}", someone.id)).await;
    assert_eq!(status, StatusCode::OK);
    app.store.audit().flush().await;
    let (_, log) = app.get(&admin, "/nhat-ky").await;
    assert!(!log.contains("cu_dan #"), "no raw codes: {log}");
    assert!(
        log.contains(&format!(
            r#"<a href="/cu-dan/{id}">Người dân số {id}</a>"#,
            id = someone.id
        )),
        "{log}"
    );
    assert!(log.contains("<td>Đăng nhập</td>"));
    // The table scrolls inside a region a keyboard can reach.
    assert!(log.contains(r#"<div class="scroll" tabindex="0" role="region""#));
}

async fn tables_have_no_empty_headers() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let someone = app.resident_in(app.hamlets[0]).await;
    for path in [
        format!("/cu-dan/{}", someone.id),
        "/nguoi-dung".to_string(),
        "/chi-tieu/3".to_string(),
        "/bao-cao".to_string(),
        "/nhat-ky".to_string(),
    ] {
        let (status, html) = app.get(&admin, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains("<th></th>"), "{path} has an empty header");
    }
}

async fn the_report_board_has_one_reminder_for_all_late_units() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    // The test day is 1 June 2026: Q1's deadline (15 March) has passed.
    let (status, html) = app.get(&admin, "/bao-cao?quy=2026Q1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("Kính gửi").count(), 1, "{html}");
    let message = between(&html, "<textarea readonly", "</textarea>");
    assert!(message.contains("trước ngày 15/03/2026"), "{message}");
    assert!(
        message.contains(';'),
        "the late units are listed in one message: {message}"
    );
}

async fn indicator_pages_write_decimals_with_a_comma() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    for path in ["/chi-tieu", "/chi-tieu/3"] {
        let (_, html) = app.get(&admin, path).await;
        let text: String = html
            .split('<')
            .filter_map(|t| t.split_once('>').map(|(_, text)| text))
            .collect::<Vec<_>>()
            .join(" ");
        let dotted = text.split_whitespace().find(|w| {
            let w = w.trim_end_matches(['%', '.', ',', ')']);
            w.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty()
                    && a.bytes().all(|c| c.is_ascii_digit())
                    && (1..=2).contains(&b.len())
                    && b.bytes().all(|c| c.is_ascii_digit())
            })
        });
        assert_eq!(dotted, None, "{path}: a decimal point in the text");
        assert!(text.contains(",") && text.contains('%'));
    }
}

async fn set_up_forms_refuse_an_oversized_body() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let big = "x".repeat(hocvuso_web::FORM_BODY_LIMIT + 1024);
    for path in [
        "/don-vi",
        "/thiet-lap/xa",
        "/xom",
        "/cu-dan/moi",
        "/nguoi-dung",
    ] {
        let r = app
            .post(
                &admin,
                path,
                &[("csrf", csrf.as_str()), ("name", big.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
    // An ordinary form still goes through.
    let r = app
        .post(&admin, "/don-vi", &[("csrf", csrf.as_str()), ("name", "")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

on_both_engines!(
    after_the_forced_password_change_the_login_page_says_so,
    staff_are_not_offered_a_quiz_and_not_asked_to_log_in,
    the_new_answer_takes_the_focus_and_its_portal_address_is_a_link,
    the_menu_folds_behind_one_button_with_a_skip_link,
    the_favicon_is_served,
    the_audit_log_reads_in_words_and_links_to_the_person,
    tables_have_no_empty_headers,
    the_report_board_has_one_reminder_for_all_late_units,
    indicator_pages_write_decimals_with_a_comma,
    set_up_forms_refuse_an_oversized_body,
);
