//! The "new user" form at /nguoi-dung: no role chosen by default, an admin
//! only with an explicit confirmation, unknown hamlets and units refused
//! with a message instead of an error page.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use hocvuso_domain::Role;
use reqwest::StatusCode;

const CONFIRM: &str = "Tôi xác nhận tạo thêm một tài khoản quản trị hệ thống (toàn quyền)";

/// Post the form as the admin; the status and the page.
async fn create(app: &TestApp, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let (c, csrf) = app.login("admin").await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = app.post(&c, "/nguoi-dung", &form).await;
    (r.status(), r.text().await.unwrap())
}

async fn user_count(app: &TestApp) -> usize {
    app.store.list_users().await.unwrap().len()
}

async fn the_form_starts_without_a_role_and_asks_to_confirm_an_admin() {
    let app = spawn_app().await;
    let (c, _) = app.login("admin").await;
    let (status, html) = app.get(&c, "/nguoi-dung").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(
            r#"<select name="role" required><option value="" disabled selected>— Chọn vai trò —</option>"#
        ),
        "{html}"
    );
    // No real role is preselected, admin least of all.
    assert!(!html.contains(r#"<option value="admin" selected>"#));
    assert!(html.contains(r#"name="xac_nhan_admin""#));
    assert!(html.contains(CONFIRM));
}

async fn no_role_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let before = user_count(&app).await;
    // What a browser sends with the placeholder selected: no `role` at all.
    let (status, html) = create(
        &app,
        &[("username", "chua.chon"), ("display_name", "Hà Văn Chưa")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("Chưa chọn vai trò"), "{html}");
    // The form is kept as it was sent.
    assert!(html.contains(r#"value="chua.chon""#), "{html}");
    assert!(html.contains(r#"value="Hà Văn Chưa""#), "{html}");
    assert!(html.contains(r#"<option value="" disabled selected>"#));
    // An empty role is the same.
    let (status, html) = create(
        &app,
        &[
            ("username", "chua.chon"),
            ("display_name", "Hà Văn Chưa"),
            ("role", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Chưa chọn vai trò"), "{html}");
    assert!(app.store.find_user("chua.chon").await.unwrap().is_none());
    assert_eq!(user_count(&app).await, before);
}

async fn an_admin_needs_the_confirmation() {
    let app = spawn_app().await;
    let before = user_count(&app).await;
    let (status, html) = create(
        &app,
        &[
            ("username", "quantri2"),
            ("display_name", "Lò Văn Quản"),
            ("role", "admin"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("toàn quyền"), "{html}");
    assert!(html.contains("Chưa tạo tài khoản nào"), "{html}");
    // The role stays chosen, the confirmation has to be ticked again.
    assert!(
        html.contains(r#"<option value="admin" selected>"#),
        "{html}"
    );
    let start = html.find(r#"name="xac_nhan_admin""#).unwrap();
    let tag = &html[start..start + html[start..].find('>').unwrap()];
    assert!(!tag.contains("checked"), "{tag}");
    assert!(app.store.find_user("quantri2").await.unwrap().is_none());
    assert_eq!(user_count(&app).await, before);

    // With the box ticked, the admin is created with a one-time password.
    let (status, html) = create(
        &app,
        &[
            ("username", "quantri2"),
            ("display_name", "Lò Văn Quản"),
            ("role", "admin"),
            ("xac_nhan_admin", "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Đã tạo tài khoản quantri2"), "{html}");
    assert!(html.contains(r#"<code class="big">"#));
    let (u, _) = app.store.find_user("quantri2").await.unwrap().unwrap();
    assert_eq!(u.role, Role::Admin);
    assert!(u.must_change_password);
    assert_eq!(user_count(&app).await, before + 1);
}

async fn a_hamlet_head_is_created_without_any_confirmation() {
    let app = spawn_app().await;
    let hamlet = app.hamlets[2].to_string();
    let (status, html) = create(
        &app,
        &[
            ("username", "truong.xom.3"),
            ("display_name", "Hoàng Thị Ba"),
            ("role", "truong_xom"),
            ("hamlet_id", hamlet.as_str()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Đã tạo tài khoản truong.xom.3"), "{html}");
    let (u, _) = app.store.find_user("truong.xom.3").await.unwrap().unwrap();
    assert_eq!(
        u.role,
        Role::HamletHead {
            hamlet_id: app.hamlets[2]
        }
    );
    // After a success the form is empty again.
    assert!(!html.contains(r#"value="Hoàng Thị Ba""#));
}

async fn an_unknown_hamlet_or_unit_is_a_message_not_an_error_page() {
    let app = spawn_app().await;
    let before = user_count(&app).await;
    let (status, html) = create(
        &app,
        &[
            ("username", "xom.ma"),
            ("display_name", "Vi Văn Ma"),
            ("role", "truong_xom"),
            ("hamlet_id", "999999"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("Không có xóm này trong sổ"), "{html}");
    assert!(html.contains(r#"value="xom.ma""#), "{html}");
    assert!(app.store.find_user("xom.ma").await.unwrap().is_none());

    let (status, html) = create(
        &app,
        &[
            ("username", "to.ma"),
            ("display_name", "Vi Thị Ma"),
            ("role", "to_cnscd"),
            ("hamlet_id", "999999"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("Không có xóm này trong sổ"), "{html}");

    let (status, html) = create(
        &app,
        &[
            ("username", "donvi.ma"),
            ("display_name", "Đơn vị ma"),
            ("role", "bao_cao_don_vi"),
            ("unit_id", "999999"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("Không có đơn vị này trong sổ"), "{html}");
    assert!(app.store.find_user("donvi.ma").await.unwrap().is_none());
    assert_eq!(user_count(&app).await, before);
}

on_both_engines!(
    the_form_starts_without_a_role_and_asks_to_confirm_an_admin,
    no_role_is_refused_and_nothing_is_written,
    an_admin_needs_the_confirmation,
    a_hamlet_head_is_created_without_any_confirmation,
    an_unknown_hamlet_or_unit_is_a_message_not_an_error_page,
);
