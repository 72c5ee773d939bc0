//! Setting the real commune up in the browser (issue 11): the units pages
//! (/don-vi: create, rename, stop, members found by a search without
//! diacritics) and the set-up checklist (/thiet-lap) with the admin's landing
//! page, on the demo commune and on an empty install.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{MemberCategory, NewResident, ResidentFilter, Role, Sex, UnitType};
use hocvuso_storage::{NewUnit, Store};
use hocvuso_web::{AppState, WebConfig};
use reqwest::StatusCode;

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Post a form with the session's CSRF token.
async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let mut form = vec![("csrf", csrf)];
    form.extend_from_slice(fields);
    let r = app.post(c, path, &form).await;
    let (status, to) = (r.status(), location(&r));
    (status, to, r.text().await.unwrap())
}

async fn unit_count(app: &TestApp) -> usize {
    app.store.units_overview().await.unwrap().len()
}

async fn new_unit(store: &Store, name: &str, unit_type: UnitType) -> i64 {
    store
        .create_unit_with(&NewUnit {
            name: name.into(),
            unit_type,
            hamlet_id: None,
            school_level: None,
            created_on: Some(today()),
        })
        .await
        .unwrap()
}

/// The id at the end of "/don-vi/12?xong=tao".
fn unit_id_in(location: &str) -> i64 {
    location
        .strip_prefix("/don-vi/")
        .and_then(|s| s.split(['?', '#']).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a unit page: {location}"))
}

async fn a_unit_is_created_from_the_form_and_bad_forms_are_refused() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let (status, html) = app.get(&c, "/don-vi").await;
    assert_eq!(status, StatusCode::OK);
    // Grouped by type, with the type's name as the heading.
    assert!(html.contains("<h3>Tổ công nghệ số cộng đồng ("), "{html}");
    assert!(
        html.contains("<h3>Mặt trận Tổ quốc và đoàn thể ("),
        "{html}"
    );
    // No type is preselected; the note names the plan's kinds.
    assert!(html.contains(
        r#"<select name="unit_type" required><option value="" disabled selected>— Chọn loại đơn vị —</option>"#
    ));
    assert!(html.contains("Hội Người cao tuổi") && html.contains("Trung tâm Dịch vụ tổng hợp"));
    let before = unit_count(&app).await;

    // No type: refused, the name kept, nothing written.
    let (status, _, html) =
        send(&app, &c, &csrf, "/don-vi", &[("name", "Hội Khuyến học xã")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("Chưa chọn loại đơn vị"), "{html}");
    assert!(html.contains(r#"value="Hội Khuyến học xã""#), "{html}");
    // A name the demo commune already has for this type.
    let (status, _, html) = send(
        &app,
        &c,
        &csrf,
        "/don-vi",
        &[("name", "Hội Cựu chiến binh xã"), ("unit_type", "doan_the")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains("đã có: mở đơn vị đó trong danh sách"),
        "{html}"
    );
    // A team without its hamlet.
    let (status, _, html) = send(
        &app,
        &c,
        &csrf,
        "/don-vi",
        &[
            ("name", "Tổ công nghệ số cộng đồng xóm Mới"),
            ("unit_type", "to_cnscd"),
            ("hamlet_id", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains("phải gắn với một xóm: hãy chọn xóm"),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="to_cnscd" selected>"#),
        "{html}"
    );
    // A hamlet for a unit that has none, a level for a unit that is no school, a name too long.
    let hamlet = app.hamlets[0].to_string();
    for (fields, says) in [
        (
            vec![
                ("name", "Hội Nông dân xã"),
                ("unit_type", "doan_the"),
                ("hamlet_id", hamlet.as_str()),
            ],
            "hãy để ô Xóm trống",
        ),
        (
            vec![
                ("name", "Trạm Y tế xã"),
                ("unit_type", "tram_y_te"),
                ("school_level", "thcs"),
            ],
            "Chỉ trường học mới có cấp học",
        ),
        (
            vec![("name", &*"Hội ".repeat(60)), ("unit_type", "doan_the")],
            "dài quá 200 ký tự",
        ),
    ] {
        let (status, _, html) = send(&app, &c, &csrf, "/don-vi", &fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{fields:?}");
        assert!(html.contains(says), "{says}: {html}");
        assert!(html.contains("Chưa thêm đơn vị nào."));
    }
    assert_eq!(unit_count(&app).await, before);

    // Created: the unit's own page, then listed under its type.
    let (status, to, _) = send(
        &app,
        &c,
        &csrf,
        "/don-vi",
        &[
            ("name", "  Hội Khuyến học   xã "),
            ("unit_type", "doan_the"),
            ("hamlet_id", ""),
            ("school_level", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = unit_id_in(&to);
    let (status, html) = app.get(&c, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Hội Khuyến học xã</h1>"), "{html}");
    assert!(html.contains("Đã thêm đơn vị"));
    assert!(html.contains("Đơn vị chưa có thành viên"));
    let made = app.store.units_overview().await.unwrap();
    let u = made.iter().find(|u| u.unit.id == id).unwrap();
    assert_eq!(u.unit.unit_type, UnitType::MassOrganisation);
    assert_eq!(u.created_on, Some(today()));
    let (_, list) = app.get(&c, "/don-vi").await;
    assert!(list.contains(&format!(r#"<a href="/don-vi/{id}">Hội Khuyến học xã</a>"#)));

    // The same name again (other case, no diacritics) is refused.
    let (status, _, html) = send(
        &app,
        &c,
        &csrf,
        "/don-vi",
        &[("name", "hoi khuyen hoc xa"), ("unit_type", "doan_the")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("đã có"), "{html}");
    assert_eq!(unit_count(&app).await, before + 1);

    // A school with its level; a team with its hamlet.
    let (status, to, _) = send(
        &app,
        &c,
        &csrf,
        "/don-vi",
        &[
            ("name", "Trường Mầm non Hoa Sen"),
            ("unit_type", "truong_hoc"),
            ("school_level", "mam_non"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&c, &to).await;
    assert!(html.contains("Trường học · Mầm non"), "{html}");
    let (status, _, _) = send(
        &app,
        &c,
        &csrf,
        "/don-vi",
        &[
            ("name", "Tổ công nghệ số cộng đồng số 2"),
            ("unit_type", "to_cnscd"),
            ("hamlet_id", &hamlet),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("tao", "don_vi", &id.to_string())
            .await
            .unwrap(),
        1
    );
}

async fn rename_and_stop_a_unit_keeping_its_members() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let id = new_unit(&app.store, "Hội Chữ thập đỏ", UnitType::MassOrganisation).await;
    let who = app.resident_in(app.hamlets[0]).await;
    app.store
        .add_member(id, who.id, "Chủ tịch Hội", MemberCategory::CanBo, today())
        .await
        .unwrap();
    let page = format!("/don-vi/{id}");

    let (status, to, _) = send(
        &app,
        &c,
        &csrf,
        &format!("{page}/ten"),
        &[("name", "Hội Chữ thập đỏ xã")],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, &*format!("{page}?xong=ten#doi-ten"))
    );
    // The name of another unit of the same type is refused.
    let (status, _, html) = send(
        &app,
        &c,
        &csrf,
        &format!("{page}/ten"),
        &[("name", "hội liên hiệp phụ nữ xã")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Đã có một đơn vị khác tên"), "{html}");
    assert!(
        html.contains(r#"value="hội liên hiệp phụ nữ xã""#),
        "{html}"
    );
    // An empty name is refused with the form kept.
    let (status, _, html) = send(&app, &c, &csrf, &format!("{page}/ten"), &[("name", "  ")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Chưa ghi tên mới"), "{html}");

    let (status, to, _) = send(
        &app,
        &c,
        &csrf,
        &format!("{page}/hoat-dong"),
        &[("active", "0")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&c, &to).await;
    assert!(html.contains("<h1>Hội Chữ thập đỏ xã</h1>"), "{html}");
    assert!(html.contains("đã ngừng"));
    assert!(html.contains("Đơn vị có báo cáo thì không xóa, chỉ ngừng hoạt động"));
    assert!(html.contains("Hoạt động trở lại"));
    // Still listed, as stopped, and its member is kept.
    let (_, list) = app.get(&c, "/don-vi").await;
    let row = list
        .split("<tr>")
        .find(|r| r.contains("Hội Chữ thập đỏ xã"))
        .unwrap();
    assert!(row.contains("đã ngừng"), "{row}");
    assert!(row.contains("<td>1</td>"), "{row}");
    let members = app.store.members_of(id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].category, MemberCategory::CanBo);
    assert!(html.contains(&format!(
        r#"<a href="/cu-dan/{}">{}</a>"#,
        who.id, who.full_name
    )));
    let u = app.store.units_overview().await.unwrap();
    assert!(!u.iter().find(|u| u.unit.id == id).unwrap().unit.active);

    let (status, _, _) = send(
        &app,
        &c,
        &csrf,
        &format!("{page}/hoat-dong"),
        &[("active", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(app
        .store
        .list_units()
        .await
        .unwrap()
        .iter()
        .any(|u| u.id == id));
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("sua", "don_vi", &id.to_string())
            .await
            .unwrap(),
        3
    );
}

async fn a_member_found_without_diacritics_is_added_as_cong_chuc_and_removed() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let id = new_unit(
        &app.store,
        "Văn phòng Đảng ủy",
        UnitType::PeoplesCommitteeOffice,
    )
    .await;
    // Someone whose name has diacritics, typed without them.
    let people = app
        .store
        .list_residents(ResidentScope::All, &ResidentFilter::default(), 1, 100)
        .await
        .unwrap()
        .items;
    let who = people
        .iter()
        .find(|r| vntext::fold(&r.full_name) != r.full_name.to_lowercase())
        .unwrap()
        .clone();
    let typed = vntext::fold(&who.full_name);
    let (status, html) = app
        .get(&c, &format!("/don-vi/{id}?q={}", typed.replace(' ', "+")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("<strong>{}</strong>", who.full_name)),
        "{html}"
    );
    assert!(html.contains("Thêm vào đơn vị"));
    // The category offered first is the unit type's default.
    let default = MemberCategory::default_for(UnitType::PeoplesCommitteeOffice).code();
    assert!(
        html.contains(&format!(r#"<option value="{default}" selected>"#)),
        "{html}"
    );
    let before = app.store.count_commune_officials().await.unwrap();

    // A position too long is refused; nothing written.
    let rid = who.id.to_string();
    let (status, _, html) = send(
        &app,
        &c,
        &csrf,
        &format!("/don-vi/{id}/thanh-vien"),
        &[
            ("resident_id", &rid),
            ("position", &"Phó ".repeat(40)),
            ("category", "cong_chuc"),
            ("q", &typed),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Chức vụ dài quá 120 ký tự"), "{html}");
    assert!(
        html.contains(&format!("<strong>{}</strong>", who.full_name)),
        "the search is shown again"
    );
    assert!(app.store.members_of(id).await.unwrap().is_empty());

    let (status, to, _) = send(
        &app,
        &c,
        &csrf,
        &format!("/don-vi/{id}/thanh-vien"),
        &[
            ("resident_id", &rid),
            ("position", "Công chức Văn phòng – Thống kê"),
            ("category", "cong_chuc"),
            ("q", &typed),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let members = app.store.members_of(id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].resident_id, who.id);
    assert_eq!(members[0].category, MemberCategory::CongChuc);
    assert_eq!(members[0].position, "Công chức Văn phòng – Thống kê");
    assert_eq!(
        app.store.count_commune_officials().await.unwrap(),
        before + 1
    );
    let (_, html) = app.get(&c, &to).await;
    assert!(html.contains(&format!(
        r#"<a href="/cu-dan/{}">{}</a>"#,
        who.id, who.full_name
    )));
    assert!(html.contains("<td>Công chức</td>"), "{html}");

    // An unknown person is not found.
    let (status, _, _) = send(
        &app,
        &c,
        &csrf,
        &format!("/don-vi/{id}/thanh-vien"),
        &[("resident_id", "99999999"), ("category", "cong_chuc")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _, _) = send(
        &app,
        &c,
        &csrf,
        &format!("/don-vi/{id}/thanh-vien/{}/bot", who.id),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(app.store.members_of(id).await.unwrap().is_empty());
    assert_eq!(app.store.count_commune_officials().await.unwrap(), before);
    // Removing again: nobody to remove.
    let (status, _, _) = send(
        &app,
        &c,
        &csrf,
        &format!("/don-vi/{id}/thanh-vien/{}/bot", who.id),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("sua", "don_vi", &id.to_string())
            .await
            .unwrap(),
        2
    );
}

async fn forms_need_the_csrf_token_and_the_office() {
    let app = spawn_app().await;
    let id = new_unit(
        &app.store,
        "Hội Sinh vật cảnh xã",
        UnitType::MassOrganisation,
    )
    .await;
    let who = app.resident_in(app.hamlets[0]).await.id.to_string();
    let before = unit_count(&app).await;
    let (admin, _) = app.login("admin").await;
    for (path, fields) in [
        (
            "/don-vi".to_string(),
            vec![("name", "Hội Khuyến học xã"), ("unit_type", "doan_the")],
        ),
        (format!("/don-vi/{id}/ten"), vec![("name", "Tên khác")]),
        (format!("/don-vi/{id}/hoat-dong"), vec![("active", "0")]),
        (
            format!("/don-vi/{id}/thanh-vien"),
            vec![("resident_id", who.as_str()), ("category", "can_bo")],
        ),
        (
            "/thiet-lap/xa".to_string(),
            vec![("commune", "xã Khác"), ("province", "Bắc Kạn")],
        ),
    ] {
        // No token, then a wrong one.
        let r = app.post(&admin, &path, &fields).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path} without csrf");
        let (status, _, _) = send(&app, &admin, "sai-ma", &path, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} with a wrong csrf");
    }
    assert_eq!(unit_count(&app).await, before);
    assert!(app
        .store
        .list_units()
        .await
        .unwrap()
        .iter()
        .any(|u| u.id == id && u.name == "Hội Sinh vật cảnh xã"));
    assert!(app.store.members_of(id).await.unwrap().is_empty());
    assert_eq!(
        app.store
            .get_setting("commune_name")
            .await
            .unwrap()
            .as_deref(),
        Some("xã Dân Tiến")
    );

    // A hamlet head: no units pages, no checklist, and no link to them.
    let (head, csrf) = app.login("truongxom").await;
    assert_eq!(app.get(&head, "/don-vi").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&head, &format!("/don-vi/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&head, "/thiet-lap").await.0, StatusCode::FORBIDDEN);
    let (status, _, _) = send(
        &app,
        &head,
        &csrf,
        "/don-vi",
        &[("name", "Hội X"), ("unit_type", "doan_the")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (path, fields) in [
        (format!("/don-vi/{id}/ten"), vec![("name", "Tên khác")]),
        (format!("/don-vi/{id}/hoat-dong"), vec![("active", "0")]),
        (
            format!("/don-vi/{id}/thanh-vien"),
            vec![("resident_id", who.as_str()), ("category", "can_bo")],
        ),
        (format!("/don-vi/{id}/thanh-vien/{who}/bot"), vec![]),
    ] {
        let (status, _, _) = send(&app, &head, &csrf, &path, &fields).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _, _) = send(
        &app,
        &head,
        &csrf,
        "/thiet-lap/xa",
        &[("commune", "xã Khác"), ("province", "Bắc Kạn")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(unit_count(&app).await, before);
    assert!(app
        .store
        .list_units()
        .await
        .unwrap()
        .iter()
        .any(|u| u.id == id && u.name == "Hội Sinh vật cảnh xã"));
    let (_, html) = app.get(&head, "/so-dan-cu").await;
    assert!(!html.contains(r#"href="/don-vi""#) && !html.contains(r#"href="/thiet-lap""#));
    // The office has the link.
    let (_, html) = app.get(&admin, "/so-dan-cu").await;
    assert!(html.contains(r#"<a href="/don-vi">Đơn vị</a>"#));
    // An unknown unit is not found.
    assert_eq!(
        app.get(&admin, "/don-vi/99999").await.0,
        StatusCode::NOT_FOUND
    );
}

async fn the_checklist_on_the_demo_is_done_and_saves_the_communes_name() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let (status, html) = app.get(&c, "/thiet-lap").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("7/7 bước đã xong"), "{html}");
    assert_eq!(html.matches(">Đã xong</span>").count(), 7, "{html}");
    assert!(html.contains("xã Dân Tiến, tỉnh Thái Nguyên"));
    assert!(html.contains("chỉ tiêu 1 cần danh sách cán bộ, công chức"));
    // Every step done: the admin lands on the registry, the menu has no "Thiết lập".
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&r), "/so-dan-cu");
    assert!(!html.contains(r#"<a href="/thiet-lap">Thiết lập</a>"#));

    let (status, to, _) = send(
        &app,
        &c,
        &csrf,
        "/thiet-lap/xa",
        &[("commune", " Khuôn  Lặng "), ("province", "tỉnh Bắc Kạn")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store
            .get_setting("commune_name")
            .await
            .unwrap()
            .as_deref(),
        Some("xã Khuôn Lặng")
    );
    assert_eq!(
        app.store
            .get_setting("province_name")
            .await
            .unwrap()
            .as_deref(),
        Some("Bắc Kạn")
    );
    let (_, html) = app.get(&c, &to).await;
    assert!(html.contains("Đã lưu tên xã và tỉnh"), "{html}");
    assert!(html.contains("xã Khuôn Lặng, tỉnh Bắc Kạn"));

    // Empty or too long: refused with what was typed, nothing saved.
    let (status, _, html) = send(
        &app,
        &c,
        &csrf,
        "/thiet-lap/xa",
        &[("commune", "Xã"), ("province", "Cao Bằng")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Chưa ghi tên xã"), "{html}");
    assert!(html.contains(r#"value="Cao Bằng""#));
    let long = "Dân Tiến ".repeat(20);
    let (status, _, html) = send(
        &app,
        &c,
        &csrf,
        "/thiet-lap/xa",
        &[("commune", &long), ("province", "Cao Bằng")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("dài tối đa 100 ký tự"), "{html}");
    assert_eq!(
        app.store
            .get_setting("commune_name")
            .await
            .unwrap()
            .as_deref(),
        Some("xã Khuôn Lặng")
    );
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("sua", "cai_dat", "ten_xa")
            .await
            .unwrap(),
        1
    );

    // Phòng Văn hóa – Xã hội sees it too (the accounts link is the admin's).
    let (vhxh, _) = app.login("vhxh").await;
    let (status, html) = app.get(&vhxh, "/thiet-lap").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(r#"href="/nguoi-dung""#));
}

/// The application over a fresh, empty SQLite store with only an admin: an
/// install before anything was set up (common/mod.rs loads the demo).
async fn spawn_empty_app() -> TestApp {
    let (store, dir) = fresh_store().await;
    add_user(&store, "admin", Role::Admin, false).await;
    let state = AppState::new(
        store.clone(),
        WebConfig {
            secure_cookies: false,
            today: Some(today()),
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = hocvuso_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        store,
        hamlets: Vec::new(),
        _dir: dir,
    }
}

fn person(name: &str, sex: Sex) -> NewResident {
    NewResident {
        full_name: name.into(),
        sex: Some(sex),
        birth: None,
        ethnicity: "Tày".into(),
        phone: None,
        citizen_id: None,
        relation: "Chủ hộ".into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

async fn steps_done(app: &TestApp, c: &reqwest::Client) -> String {
    let (status, html) = app.get(c, "/thiet-lap").await;
    assert_eq!(status, StatusCode::OK);
    let i = html.find(" bước đã xong").expect("the count of steps");
    let start = html[..i].rfind('>').unwrap() + 1;
    html[start..i].to_string()
}

async fn on_an_empty_install_the_admin_lands_on_the_checklist_until_every_step_is_done() {
    let app = spawn_empty_app().await;
    let (c, csrf) = app.login("admin").await;
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&r), "/thiet-lap");
    let (_, html) = app.get(&c, "/thiet-lap").await;
    assert!(html.contains("0/7 bước đã xong"), "{html}");
    assert_eq!(html.matches(">Chưa xong</span>").count(), 7);
    assert!(
        html.contains(r#"<a href="/thiet-lap">Thiết lập</a>"#),
        "the menu links it"
    );
    for link in ["/xom", "/nhap", "/cu-dan/moi", "/don-vi", "/nguoi-dung"] {
        assert!(html.contains(&format!(r#"href="{link}""#)), "{link}");
    }
    let (status, html) = app.get(&c, "/don-vi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chưa có đơn vị nào"));

    // 1. The commune's name, on the checklist itself.
    let (status, _, _) = send(
        &app,
        &c,
        &csrf,
        "/thiet-lap/xa",
        &[("commune", "Dân Tiến"), ("province", "Thái Nguyên")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(steps_done(&app, &c).await, "1/7");
    // 2. A hamlet (with its team, still empty); 3. one person.
    let hamlet = app
        .store
        .add_hamlet_with_units("Xóm Khuôn Lặng")
        .await
        .unwrap();
    let (_, head) = app
        .store
        .create_household_with_head(hamlet, &person("Nông Văn Bình", Sex::Male), today())
        .await
        .unwrap();
    let (_, other) = app
        .store
        .create_household_with_head(hamlet, &person("Hoàng Thị Lan", Sex::Female), today())
        .await
        .unwrap();
    assert_eq!(steps_done(&app, &c).await, "3/7");
    let (_, html) = app.get(&c, "/thiet-lap").await;
    assert!(html.contains("0/1 tổ có thành viên"), "{html}");
    // 4. A unit of the commune, through the form; 5. its công chức.
    let (status, to, _) = send(
        &app,
        &c,
        &csrf,
        "/don-vi",
        &[
            ("name", "Văn phòng HĐND và UBND xã"),
            ("unit_type", "van_phong"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let office = unit_id_in(&to);
    assert_eq!(steps_done(&app, &c).await, "4/7");
    let hid = head.to_string();
    let (status, _, _) = send(
        &app,
        &c,
        &csrf,
        &format!("/don-vi/{office}/thanh-vien"),
        &[
            ("resident_id", &hid),
            ("position", "Văn phòng – Thống kê"),
            ("category", "cong_chuc"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(steps_done(&app, &c).await, "5/7");
    // 7. A second account.
    add_user(&app.store, "vhxh", Role::CultureOffice, false).await;
    assert_eq!(steps_done(&app, &c).await, "6/7");
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&r), "/thiet-lap", "one step is still missing");
    // Phòng Văn hóa – Xã hội is not sent there.
    let (vhxh, _) = app.login("vhxh").await;
    let r = vhxh.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&r), "/so-dan-cu");
    // 6. The hamlet's team gets a member: every step done.
    let team = app
        .store
        .units_overview()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit.unit_type == UnitType::DigitalTeam)
        .unwrap()
        .unit
        .id;
    let oid = other.to_string();
    let (_, html) = app
        .get(&c, &format!("/don-vi/{team}?q=hoang+thi+lan"))
        .await;
    assert!(
        html.contains(r#"<option value="thanh_vien_to" selected>"#),
        "{html}"
    );
    let (status, _, _) = send(
        &app,
        &c,
        &csrf,
        &format!("/don-vi/{team}/thanh-vien"),
        &[
            ("resident_id", &oid),
            ("position", "Tổ trưởng"),
            ("category", "thanh_vien_to"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = app.get(&c, "/thiet-lap").await;
    assert!(html.contains("7/7 bước đã xong"), "{html}");
    assert!(
        !html.contains(r#"<a href="/thiet-lap">Thiết lập</a>"#),
        "the menu drops it"
    );
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&r), "/so-dan-cu");
}

/// A school's page lists its class lists: how many students in each class,
/// their names behind each class; another unit's page has no such section.
async fn a_schools_page_lists_its_students_by_class() {
    let app = spawn_app().await;
    let (c, _) = app.login("admin").await;
    let school = new_unit(&app.store, "Trường Tiểu học Bản Ngoại", UnitType::School).await;
    let (status, html) = app.get(&c, &format!("/don-vi/{school}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Học sinh (0)"), "{html}");
    assert!(html.contains("chưa có danh sách lớp"));

    let hamlet = app.store.list_hamlets().await.unwrap()[0].id;
    let a = app.resident_in(hamlet).await;
    let b = app
        .store
        .list_residents(
            ResidentScope::Hamlet(hamlet),
            &ResidentFilter::default(),
            2,
            1,
        )
        .await
        .unwrap()
        .items[0]
        .clone();
    let enrol = |resident_id, grade, class: &str| hocvuso_storage::Enrolment {
        resident_id,
        grade,
        class_name: class.into(),
    };
    app.store
        .enrol_students(
            school,
            &[enrol(a.id, 3, "3A"), enrol(b.id, 5, "5B")],
            today(),
        )
        .await
        .unwrap();
    let (_, html) = app.get(&c, &format!("/don-vi/{school}")).await;
    assert!(html.contains("Học sinh (2)"), "{html}");
    assert!(html.contains("<td>3A</td><td>3</td><td>1</td>"), "{html}");
    assert!(html.contains("Lớp 5B (1 học sinh)"));
    assert!(html.contains(&format!("<a href=\"/cu-dan/{}\">", b.id)));

    let office = new_unit(&app.store, "Phòng Kinh tế xã", UnitType::EconomicOffice).await;
    let (_, html) = app.get(&c, &format!("/don-vi/{office}")).await;
    assert!(!html.contains("Học sinh ("));
}

on_both_engines!(
    a_unit_is_created_from_the_form_and_bad_forms_are_refused,
    rename_and_stop_a_unit_keeping_its_members,
    a_member_found_without_diacritics_is_added_as_cong_chuc_and_removed,
    forms_need_the_csrf_token_and_the_office,
    the_checklist_on_the_demo_is_done_and_saves_the_communes_name,
    on_an_empty_install_the_admin_lands_on_the_checklist_until_every_step_is_done,
    a_schools_page_lists_its_students_by_class,
);
