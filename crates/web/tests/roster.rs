//! Staff lists and class lists from a unit's page (issue 11): upload →
//! preview (matched, not found with the reason, errors) → confirm → back to
//! the unit page. Nobody is created; people not in the registry are listed
//! and never written; only the office may import.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use common::*;
use hocvuso_domain::{BirthDate, SchoolLevel, UnitType};
use hocvuso_import::PersonKey;
use hocvuso_storage::NewUnit;
use reqwest::StatusCode;

async fn new_unit(app: &TestApp, name: &str, t: UnitType, level: Option<SchoolLevel>) -> i64 {
    app.store
        .create_unit_with(&NewUnit {
            name: name.into(),
            unit_type: t,
            hamlet_id: None,
            school_level: level,
            created_on: Some(today()),
        })
        .await
        .unwrap()
}

/// Residents with a full birth date whom name and birth date alone tell
/// apart in the registry.
async fn distinct_people(app: &TestApp) -> Vec<PersonKey> {
    let keys = app.store.person_keys().await.unwrap();
    let same = |a: &PersonKey, b: &PersonKey| {
        vntext::fold(&a.full_name) == vntext::fold(&b.full_name)
            && a.birth_date.map(BirthDate::year) == b.birth_date.map(BirthDate::year)
    };
    keys.iter()
        .filter(|k| matches!(k.birth_date, Some(BirthDate::Full(_))))
        .filter(|k| keys.iter().filter(|o| same(k, o)).count() == 1)
        .cloned()
        .collect()
}

fn birth(k: &PersonKey) -> String {
    k.birth_date.unwrap().display()
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    unit: i64,
    kind: &str,
    csv: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .text("loai", kind.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("danh-sach.csv"),
        );
    c.post(app.url(&format!("/don-vi/{unit}/nhap-danh-sach")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn a_staff_list_is_previewed_then_written_and_unknown_people_are_only_listed() {
    let app = spawn_app().await;
    let office = new_unit(
        &app,
        "Văn phòng Thử Nghiệm",
        UnitType::PeoplesCommitteeOffice,
        None,
    )
    .await;
    let people = distinct_people(&app).await;
    let (a, b) = (&people[0], &people[1]);
    let (c, csrf) = app.login("vhxh").await;

    // The unit page links to the import; a school's page to the class lists too.
    let (_, page) = app.get(&c, &format!("/don-vi/{office}")).await;
    assert!(page.contains("Nhập danh sách cán bộ từ Excel"), "{page}");
    assert!(!page.contains("Nhập danh sách học sinh"));
    let (status, page) = app
        .get(&c, &format!("/don-vi/{office}/nhap-danh-sach?loai=can-bo"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("không tạo người mới"), "{page}");

    // a by name (in capitals, no diacritics) and birth date, b by name and
    // birth date, and someone the registry does not have.
    let csv = format!(
        "STT;Họ và tên;Ngày sinh;Chức vụ;Phân loại\n\
         1;{};{};Chủ tịch UBND;Cán bộ\n\
         2;{};{};Công chức Văn phòng – Thống kê;Công chức\n\
         3;Lý Văn Khoa;01/01/1970;Phó Chủ tịch;Cán bộ\n",
        vntext::fold(&a.full_name).to_uppercase(),
        birth(a),
        b.full_name,
        birth(b),
    );
    let r = upload(&app, &c, &csrf, office, "can-bo", &csv).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let preview_url = location(&r);
    assert!(preview_url.starts_with(&format!("/don-vi/{office}/nhap-danh-sach/")));
    let (status, page) = app.get(&c, &preview_url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2 người khớp sổ dân cư"), "{page}");
    assert!(page.contains(&a.full_name) && page.contains(&b.full_name));
    assert!(page.contains("Lý Văn Khoa"));
    assert!(page.contains("không có trong sổ dân cư"), "{page}");
    assert!(page.contains("bỏ qua 1 người không tìm thấy"), "{page}");
    assert_eq!(app.store.members_of(office).await.unwrap().len(), 0);

    // Confirming without agreeing to leave the unknown person out writes nothing.
    let confirm = format!("{preview_url}/xac-nhan");
    let r = app.post(&c, &confirm, &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Chưa ghi gì"));
    assert_eq!(app.store.members_of(office).await.unwrap().len(), 0);
    // Without the CSRF token: refused.
    let r = app
        .post(&c, &confirm, &[("csrf", "sai"), ("bo_qua", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.members_of(office).await.unwrap().len(), 0);

    let r = app
        .post(&c, &confirm, &[("csrf", &csrf), ("bo_qua", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = location(&r);
    assert!(
        back.starts_with(&format!("/don-vi/{office}?xong=nhap-can-bo")),
        "{back}"
    );
    let members = app.store.members_of(office).await.unwrap();
    assert_eq!(members.len(), 2, "{members:?}");
    let ma = members.iter().find(|m| m.resident_id == a.id).unwrap();
    assert_eq!(ma.position, "Chủ tịch UBND");
    assert_eq!(ma.category, hocvuso_domain::MemberCategory::CanBo);
    let (_, page) = app.get(&c, &back).await;
    assert!(page.contains("Đã ghi danh sách cán bộ từ Excel"), "{page}");
    // The preview is used up: a second press writes nothing more.
    let r = app
        .post(&c, &confirm, &[("csrf", &csrf), ("bo_qua", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("nhap", "don_vi", &office.to_string())
            .await
            .unwrap(),
        1
    );
    let rows = app.store.audit_rows(Some("don_vi"), 10).await.unwrap();
    let detail = &rows.iter().find(|r| r.2 == "nhap").unwrap().5;
    assert!(
        detail.contains("2 người") && detail.contains("bỏ qua 1"),
        "{detail}"
    );
}

async fn errors_in_the_file_are_listed_and_nothing_can_be_written() {
    let app = spawn_app().await;
    let office = new_unit(&app, "Phòng Thử Nghiệm", UnitType::EconomicOffice, None).await;
    let people = distinct_people(&app).await;
    let (c, csrf) = app.login("admin").await;
    let csv = format!(
        "Họ và tên;Ngày sinh;Đơn vị;Phân loại\n\
         {};{};Đơn vị không có;Công chức\n\
         {};{};;phi hành gia\n",
        people[0].full_name,
        birth(&people[0]),
        people[1].full_name,
        birth(&people[1]),
    );
    let r = upload(&app, &c, &csrf, office, "can-bo", &csv).await;
    let preview_url = location(&r);
    let (_, page) = app.get(&c, &preview_url).await;
    assert!(page.contains("Cần sửa trong tệp (2 lỗi)"), "{page}");
    assert!(
        page.contains("Đơn vị &#34;Đơn vị không có&#34;")
            || page.contains("Đơn vị \"Đơn vị không có\"")
            || page.contains("Đơn vị &quot;Đơn vị không có&quot;"),
        "{page}"
    );
    assert!(!page.contains("xac-nhan"), "no confirm button: {page}");
    let r = app
        .post(
            &c,
            &format!("{preview_url}/xac-nhan"),
            &[("csrf", &csrf), ("bo_qua", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.store.members_of(office).await.unwrap().len(), 0);

    // Not a spreadsheet with the headers of a list: the upload page again.
    let r = upload(
        &app,
        &c,
        &csrf,
        office,
        "can-bo",
        "Họ và tên;Xóm\nAi Đó;Xóm 1\n",
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let page = r.text().await.unwrap();
    assert!(page.contains("Không tìm thấy dòng tiêu đề cột"), "{page}");
}

async fn a_school_imports_its_class_lists_by_grade() {
    let app = spawn_app().await;
    let school = new_unit(
        &app,
        "Trường Tiểu học Thử Nghiệm",
        UnitType::School,
        Some(SchoolLevel::TieuHoc),
    )
    .await;
    let office = new_unit(
        &app,
        "Văn phòng Thử",
        UnitType::PeoplesCommitteeOffice,
        None,
    )
    .await;
    let people = distinct_people(&app).await;
    let (c, csrf) = app.login("admin").await;
    let (_, page) = app.get(&c, &format!("/don-vi/{school}")).await;
    assert!(
        page.contains("Nhập danh sách học sinh (theo lớp)"),
        "{page}"
    );
    // Only a school takes a class list.
    let (status, _) = app
        .get(
            &c,
            &format!("/don-vi/{office}/nhap-danh-sach?loai=hoc-sinh"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A grade that does not agree with the class: an error naming both.
    let wrong = format!(
        "Họ và tên;Ngày sinh;Lớp;Khối\n{};{};3A;Lớp 4\n",
        people[0].full_name,
        birth(&people[0])
    );
    let r = upload(&app, &c, &csrf, school, "hoc-sinh", &wrong).await;
    let (_, page) = app.get(&c, &location(&r)).await;
    assert!(page.contains("không khớp với lớp"), "{page}");
    assert!(!page.contains("xac-nhan"));

    let csv = format!(
        "STT;Họ và tên;Ngày sinh;Lớp;Khối\n1;{};{};3a;3\n2;{};{};Lớp 5B;\n",
        people[0].full_name,
        birth(&people[0]),
        people[1].full_name,
        birth(&people[1]),
    );
    let r = upload(&app, &c, &csrf, school, "hoc-sinh", &csv).await;
    let preview_url = location(&r);
    let (_, page) = app.get(&c, &preview_url).await;
    assert!(page.contains("Lớp 3A (lớp 3)"), "{page}");
    let r = app
        .post(&c, &format!("{preview_url}/xac-nhan"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).contains("xong=nhap-hoc-sinh"));
    let mut students: Vec<(i64, i32, String)> = app
        .store
        .students_of(school)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.resident_id, s.grade, s.class_name))
        .collect();
    students.sort();
    let mut expected = vec![
        (people[0].id, 3, "3A".to_string()),
        (people[1].id, 5, "5B".to_string()),
    ];
    expected.sort();
    assert_eq!(students, expected);
}

async fn only_the_office_imports_lists() {
    let app = spawn_app().await;
    let office = new_unit(
        &app,
        "Văn phòng Riêng",
        UnitType::PeoplesCommitteeOffice,
        None,
    )
    .await;
    for user in ["truongxom", "tocnscd", "nguoidan"] {
        let (c, csrf) = app.login(user).await;
        let (status, _) = app
            .get(&c, &format!("/don-vi/{office}/nhap-danh-sach"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{user}");
        let r = upload(
            &app,
            &c,
            &csrf,
            office,
            "can-bo",
            "Họ và tên;Ngày sinh\nAi Đó;01/01/1970\n",
        )
        .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user}");
    }
    // Someone else's preview is not there for the office either.
    let people = distinct_people(&app).await;
    let (c, csrf) = app.login("admin").await;
    let csv = format!(
        "Họ và tên;Ngày sinh\n{};{}\n",
        people[0].full_name,
        birth(&people[0])
    );
    let url = location(&upload(&app, &c, &csrf, office, "can-bo", &csv).await);
    let (other, other_csrf) = app.login("vhxh").await;
    let (status, _) = app.get(&other, &url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = app
        .post(&other, &format!("{url}/xac-nhan"), &[("csrf", &other_csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.store.members_of(office).await.unwrap().len(), 0);
}

on_both_engines!(
    a_staff_list_is_previewed_then_written_and_unknown_people_are_only_listed,
    errors_in_the_file_are_listed_and_nothing_can_be_written,
    a_school_imports_its_class_lists_by_grade,
    only_the_office_imports_lists,
);
