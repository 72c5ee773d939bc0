//! The web application, started on a random port with a fresh SQLite file,
//! driven over HTTP like a browser (cookies, forms, CSRF tokens).

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{ResidentFilter, Role};
use reqwest::StatusCode;

mod common;
use common::*;

async fn healthz_reports_the_database() {
    let app = spawn_app().await;
    let (status, body) = app.get(&client(), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("\"status\":\"ok\"")
            && body.contains(match engine() {
                Engine::Sqlite => "\"database\":\"sqlite\"",
                Engine::Postgres => "\"database\":\"postgres\"",
            }),
        "{body}"
    );
}

async fn login_works_and_the_registry_lists_the_demo_commune() {
    let app = spawn_app().await;
    let anon = client();
    let r = anon.get(app.url("/so-dan-cu")).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "anonymous users are sent to the login page"
    );
    let (c, _) = app.login("admin").await;
    let (status, html) = app.get(&c, "/so-dan-cu").await;
    assert_eq!(status, StatusCode::OK);
    let total = app.store.count_residents().await.unwrap();
    assert!(
        html.contains(&format!("{total} người")),
        "list shows the total"
    );
    assert!(html.contains("Sổ dân cư"));
    let session = c.get(app.url("/dang-nhap")).send().await.unwrap();
    assert_eq!(session.status(), StatusCode::OK);
}

async fn session_cookie_is_httponly_and_samesite() {
    let app = spawn_app().await;
    let c = client();
    let page = c
        .get(app.url("/dang-nhap"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/dang-nhap"))
        .form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("hv_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain HTTP in tests");
    // Behind a TLS-terminating proxy the cookie is marked Secure.
    let c = client();
    let page = c
        .get(app.url("/dang-nhap"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/dang-nhap"))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let secure = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("hv_session="))
        .unwrap();
    assert!(secure.contains("; Secure"), "{secure}");
}

async fn wrong_passwords_are_refused_then_throttled() {
    let app = spawn_app().await;
    let c = client();
    for _ in 0..5 {
        let (status, body) = app.login_status(&c, "admin", "sai-mat-khau-roi").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("không đúng"));
    }
    let (status, body) = app.login_status(&c, "admin", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(body.contains("quá nhiều lần"), "{body}");
    // Another account from the same address is not locked yet.
    let (status, _) = app.login_status(&c, "vhxh", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    // Login without the pre-login cookie's token.
    let r = client()
        .post(app.url("/dang-nhap"))
        .form(&[("username", "admin"), ("password", PASSWORD), ("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (c, csrf) = app.login("admin").await;
    let bad = [
        ("/dang-xuat", vec![("csrf", "sai")]),
        (
            "/nguoi-dung",
            vec![
                ("csrf", "sai"),
                ("username", "abc"),
                ("display_name", "A B"),
                ("role", "admin"),
            ],
        ),
        ("/nguoi-dung/1/dat-lai-mat-khau", vec![("csrf", "")]),
        ("/nguoi-dung/2/khoa", vec![("csrf", "sai")]),
    ];
    for (path, form) in bad {
        let r = c.post(app.url(path)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let someone = app.resident_in(app.hamlets[0]).await;
    let r = c
        .post(app.url(&format!("/cu-dan/{}/sua", someone.id)))
        .form(&[
            ("csrf", "sai"),
            ("full_name", "Tên Mới Hẳn"),
            ("sex", ""),
            ("birth", ""),
            ("ethnicity", ""),
            ("phone", ""),
            ("citizen_id", ""),
            ("relation", ""),
            ("notes", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.store
            .get_resident(ResidentScope::All, someone.id)
            .await
            .unwrap()
            .unwrap()
            .full_name,
        someone.full_name
    );
    // With the token, logout works.
    let r = c
        .post(app.url("/dang-xuat"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(app.url("/so-dan-cu")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}

async fn a_hamlet_head_cannot_open_a_resident_of_another_hamlet() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("truongxom").await;
    let mine = app.resident_in(app.hamlets[0]).await;
    let other = app.resident_in(app.hamlets[1]).await;
    let (status, html) = app.get(&c, &format!("/cu-dan/{}", other.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains(&other.full_name));
    assert_eq!(
        app.get(&c, &format!("/ho/{}", other.household_id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&c, &format!("/cu-dan/{}/sua", other.id)).await.0,
        StatusCode::NOT_FOUND
    );
    let r = c
        .post(app.url(&format!("/cu-dan/{}/sua", other.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Tên Bị Sửa"),
            ("sex", ""),
            ("birth", ""),
            ("ethnicity", ""),
            ("phone", ""),
            ("citizen_id", ""),
            ("relation", ""),
            ("notes", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.store
            .get_resident(ResidentScope::All, other.id)
            .await
            .unwrap()
            .unwrap()
            .full_name,
        other.full_name
    );
    // Filtering the list by another hamlet shows nobody.
    let (_, html) = app
        .get(&c, &format!("/so-dan-cu?xom={}", app.hamlets[1]))
        .await;
    assert!(html.contains("0 người"), "cross-hamlet filter is empty");
    // Their own hamlet works, and the read is audited.
    let (status, html) = app.get(&c, &format!("/cu-dan/{}", mine.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&mine.full_name));
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("xem", "cu_dan", &mine.id.to_string())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.store
            .count_audit("xem", "cu_dan", &other.id.to_string())
            .await
            .unwrap(),
        0
    );
    // Export and user management are not for hamlet heads.
    assert_eq!(app.get(&c, "/xuat-excel").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&c, "/nguoi-dung").await.0, StatusCode::FORBIDDEN);
}

async fn a_resident_sees_only_their_own_record() {
    let app = spawn_app().await;
    let (c, _) = app.login("nguoidan").await;
    let (u, _) = app.store.find_user("nguoidan").await.unwrap().unwrap();
    let own = u.role.resident_id().unwrap();
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], format!("/cu-dan/{own}").as_str());
    assert_eq!(
        app.get(&c, &format!("/cu-dan/{own}")).await.0,
        StatusCode::OK
    );
    let other = app.resident_in(app.hamlets[0]).await;
    assert_eq!(
        app.get(&c, &format!("/cu-dan/{}", other.id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&c, "/so-dan-cu").await.0, StatusCode::FORBIDDEN);
}

async fn search_ignores_diacritics_and_case() {
    let app = spawn_app().await;
    let (c, _) = app.login("vhxh").await;
    let someone = app.resident_in(app.hamlets[2]).await;
    let folded = vntext::fold(&someone.full_name);
    let (status, html) = app
        .get(&c, &format!("/so-dan-cu?q={}", folded.replace(' ', "+")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&someone.full_name),
        "{folded} finds {}",
        someone.full_name
    );
    let upper = someone.full_name.to_uppercase();
    let (_, html) = app
        .get(&c, &format!("/so-dan-cu?q={}", urlencode(&upper)))
        .await;
    assert!(html.contains(&someone.full_name));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn editing_validates_in_vietnamese_and_is_audited() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("truongxom").await;
    let mine = app.resident_in(app.hamlets[0]).await;
    let path = format!("/cu-dan/{}/sua", mine.id);
    let base = |phone: &'static str, cid: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("full_name", "Hoàng Văn Thử".to_string()),
            ("sex", "Nam".into()),
            ("birth", "05/03/1962".into()),
            ("ethnicity", "tay".into()),
            ("phone", phone.into()),
            ("citizen_id", cid.into()),
            ("relation", "chủ hộ".into()),
            ("notes", "".into()),
        ]
    };
    let r = c
        .post(app.url(&path))
        .form(&base("0112", "12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Số điện thoại") && html.contains("12 chữ số"),
        "{html}"
    );
    let r = c
        .post(app.url(&path))
        .form(&base("0912 345 678", "019062012345"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let saved = app
        .store
        .get_resident(ResidentScope::All, mine.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.full_name, "Hoàng Văn Thử");
    assert_eq!(saved.ethnicity, "Tày");
    assert_eq!(saved.phone.unwrap().as_str(), "0912345678");
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("sua", "cu_dan", &mine.id.to_string())
            .await
            .unwrap(),
        1
    );
}

async fn one_time_passwords_must_be_changed_and_common_ones_refused() {
    let app = spawn_app().await;
    let c = client();
    let (status, to) = app.login_status(&c, "moi", PASSWORD).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/doi-mat-khau")
    );
    let r = c.get(app.url("/so-dan-cu")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/doi-mat-khau");
    let page = c
        .get(app.url("/doi-mat-khau"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let change = |new: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("current", PASSWORD.to_string()),
            ("new_password", new.to_string()),
            ("confirm", new.to_string()),
        ]
    };
    let r = c
        .post(app.url("/doi-mat-khau"))
        .form(&change("12345678"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("quá phổ biến"));
    let r = c
        .post(app.url("/doi-mat-khau"))
        .form(&change("ngắn"))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("ít nhất 8"));
    let r = c
        .post(app.url("/doi-mat-khau"))
        .form(&change("Đồi chè Tân Cương 1975"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, to) = app
        .login_status(&client(), "moi", "Đồi chè Tân Cương 1975")
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/"));
}

async fn admins_create_users_with_a_one_time_password() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let hamlet = app.hamlets[1].to_string();
    let r = c
        .post(app.url("/nguoi-dung"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "to.cnscd.2"),
            ("display_name", "Lưu Thị Hoa"),
            ("role", "to_cnscd"),
            ("hamlet_id", hamlet.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let marker = "<code class=\"big\">";
    let start = html.find(marker).expect("one-time password shown") + marker.len();
    let password = html[start..].split('<').next().unwrap().to_string();
    let (status, to) = app.login_status(&client(), "to.cnscd.2", &password).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/doi-mat-khau")
    );
    let (u, _) = app.store.find_user("to.cnscd.2").await.unwrap().unwrap();
    assert_eq!(
        u.role,
        Role::DigitalTeamMember {
            hamlet_id: app.hamlets[1]
        }
    );
    // A role that needs a hamlet without one is refused with a message.
    let r = c
        .post(app.url("/nguoi-dung"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "xom.khong"),
            ("display_name", "A B"),
            ("role", "truong_xom"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("cần chọn xóm"));
}

async fn pages_stay_under_100_kb() {
    let app = spawn_app().await;
    let (c, _) = app.login("admin").await;
    let css = c
        .get(app.url("/static/app.css"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    let someone = app.resident_in(app.hamlets[0]).await;
    for path in [
        "/dang-nhap".to_string(),
        "/so-dan-cu".into(),
        format!("/cu-dan/{}", someone.id),
        format!("/ho/{}", someone.household_id),
        "/nhap".into(),
        "/nguoi-dung".into(),
    ] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.bytes().await.unwrap().len();
        assert!(html + css < 100 * 1024, "{path}: {html} B + {css} B CSS");
    }
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    c.post(app.url("/nhap"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../import/tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn import_wizard_converts_tcvn3_and_a_second_import_adds_nothing() {
    let app = spawn_app().await;
    app.store
        .ensure_hamlets(&["Xóm Khuôn Lặng".into(), "Xóm Na Mấy".into()])
        .await
        .unwrap();
    let (c, csrf) = app.login("vhxh").await;
    let before = app.store.count_residents().await.unwrap();
    for round in 0..2 {
        let r = upload(
            &app,
            &c,
            &csrf,
            "tcvn3_libreoffice.xlsx",
            fixture("tcvn3_libreoffice.xlsx"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "round {round}");
        let preview_url = r.headers()["location"].to_str().unwrap().to_string();
        let (status, html) = app.get(&c, &preview_url).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("TCVN3"), "encoding is reported");
        assert!(
            html.contains("Nguyễn Văn An") && html.contains("Hoàng Thị Ánh"),
            "names converted: {html}"
        );
        assert_eq!(
            app.store.count_residents().await.unwrap(),
            before + if round == 0 { 0 } else { 10 },
            "preview writes nothing"
        );
        let r = c
            .post(app.url(&format!("{preview_url}/xac-nhan")))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let progress = format!("{preview_url}/tien-do");
        let mut html = String::new();
        for _ in 0..100 {
            html = app.get(&c, &progress).await.1;
            if html.contains("Kết quả nhập") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let expect = if round == 0 {
            "10 người mới"
        } else {
            "0 người mới"
        };
        assert!(html.contains(expect), "round {round}: {html}");
    }
    assert_eq!(app.store.count_residents().await.unwrap(), before + 10);
    let found = app
        .store
        .list_residents(
            ResidentScope::All,
            &ResidentFilter {
                query: Some("dang van hung".into()),
                ..Default::default()
            },
            1,
            5,
        )
        .await
        .unwrap();
    assert_eq!(
        found
            .items
            .iter()
            .filter(|r| r.full_name == "Đặng Văn Hùng")
            .count(),
        1
    );
}

async fn malformed_files_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let before = app.store.count_residents().await.unwrap();
    for (name, bytes, expect) in [
        ("broken.xlsx", fixture("broken.xlsx"), "hỏng"),
        ("random.xlsx", fixture("random.bin"), ""),
        ("empty.xlsx", fixture("empty.xlsx"), "không có dữ liệu"),
        ("encrypted.xlsx", fixture("encrypted.xlsx"), "mật khẩu"),
        ("big.csv", vec![b'a'; 21 * 1024 * 1024], "quá lớn"),
    ] {
        let r = upload(&app, &c, &csrf, name, bytes).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{name}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("class=\"alert\""),
            "{name}: a message is shown"
        );
        assert!(html.to_lowercase().contains(expect), "{name}: {html}");
    }
    assert_eq!(app.store.count_residents().await.unwrap(), before);
}

async fn a_file_with_bad_rows_lists_them_and_cannot_be_confirmed() {
    let app = spawn_app().await;
    app.store
        .ensure_hamlets(&["Xóm Khuôn Lặng".into(), "Xóm Na Mấy".into()])
        .await
        .unwrap();
    let (c, csrf) = app.login("admin").await;
    let before = app.store.count_residents().await.unwrap();
    let r = upload(&app, &c, &csrf, "errors.xlsx", fixture("errors.xlsx")).await;
    let preview_url = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = app.get(&c, &preview_url).await;
    assert!(html.contains("Cần sửa trong tệp"), "{html}");
    let r = c
        .post(app.url(&format!("{preview_url}/xac-nhan")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.store.count_residents().await.unwrap(), before);
}

async fn export_is_an_audited_xlsx_for_the_office_only() {
    let app = spawn_app().await;
    let (c, _) = app.login("vhxh").await;
    let r = c.get(app.url("/xuat-excel")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let wb = hocvuso_import::read_workbook(&bytes, "x.xlsx").unwrap();
    let rows: usize = wb.sheets[0].rows.len();
    assert!(
        rows as i64 > app.store.count_residents().await.unwrap(),
        "header + every resident"
    );
    assert_eq!(
        app.store
            .count_audit("xuat", "so_dan_cu", "xlsx")
            .await
            .unwrap(),
        1
    );
    // Sensitive columns only when chosen (issue 12): not by default...
    let header = |wb: &hocvuso_import::Workbook| wb.sheets[0].rows[2].join("|");
    assert!(!header(&wb).contains("Dân tộc"), "{}", header(&wb));
    assert!(!header(&wb).contains("Ghi chú"));
    assert!(header(&wb).contains("Số CCCD"));
    let all = |wb: &hocvuso_import::Workbook| {
        wb.sheets[0]
            .rows
            .iter()
            .map(|r| r.join("|"))
            .collect::<String>()
    };
    assert!(!all(&wb).contains("Đồng bào dân tộc thiểu số"));
    // ...and with them when asked, which the log says.
    let r = c
        .get(app.url("/xuat-excel?nhay_cam=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let wb = hocvuso_import::read_workbook(&r.bytes().await.unwrap(), "x.xlsx").unwrap();
    assert!(header(&wb).contains("Dân tộc") && header(&wb).contains("Ghi chú"));
    assert!(all(&wb).contains("Đồng bào dân tộc thiểu số"));
    let log = app.store.audit_rows(Some("so_dan_cu"), 50).await.unwrap();
    assert!(
        log.iter().any(|e| e.5.contains("kèm dữ liệu nhạy cảm")),
        "{log:?}"
    );
}

async fn the_office_adds_a_hamlet_with_its_digital_team() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let r = c
        .post(app.url("/xom"))
        .form(&[("csrf", csrf.as_str()), ("name", "  nà   mòn mới ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Đã thêm Xóm Nà Mòn Mới"), "{html}");
    // The hamlet comes with its own digital team (listed on /don-vi).
    assert!(app
        .store
        .list_units()
        .await
        .unwrap()
        .iter()
        .any(|u| u.name == "Tổ công nghệ số cộng đồng xóm Nà Mòn Mới"));
    let again = c
        .post(app.url("/xom"))
        .form(&[("csrf", csrf.as_str()), ("name", "Xóm Nà Mòn Mới")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("đã có"), "{again}");
    let (hc, _) = app.login("truongxom").await;
    assert_eq!(app.get(&hc, "/xom").await.0, StatusCode::FORBIDDEN);
}

async fn the_assistant_answers_in_a_plain_form_and_logs_without_numbers() {
    let app = spawn_app().await;
    let c = client();
    let page = c
        .get(app.url("/tro-ly"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/tro-ly"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("q", "lam giay khai sinh o dau, sdt 0912 345 678"),
            ("lich_su", "[]"),
            ("ma", "[]"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("đăng ký khai sinh") && html.contains("1.001193"),
        "{html}"
    );
    // The next turn carries the conversation: a follow-up about the same procedure.
    let history = html
        .split("name=\"lich_su\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&quot;", "\"")
        .replace("&#34;", "\"");
    let ids = html
        .split("name=\"ma\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = c
        .post(app.url("/tro-ly"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("q", "còn phí?"),
            ("lich_su", history.as_str()),
            ("ma", ids.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.matches("1.001193").count() >= 2,
        "follow-up answers about khai sinh: {html}"
    );
    let review = app.store.questions_needing_review(100).await.unwrap();
    assert!(review.is_empty(), "answered questions need no review");
    // The stored question has the phone number removed.
    let (c2, _) = app.login("vhxh").await;
    let id: i64 = ids.trim_matches(|c| c == '[' || c == ']').parse().unwrap();
    assert!(app.store.rate_question(id, -1).await.unwrap());
    let (status, html) = app.get(&c2, "/tro-ly/cau-hoi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("[số đã ẩn]") && !html.contains("0912"),
        "{html}"
    );
    // Without the chat token the form is refused.
    let r = client()
        .post(app.url("/tro-ly"))
        .form(&[("csrf", "x"), ("q", "khai sinh")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (hc, _) = app.login("truongxom").await;
    assert_eq!(
        app.get(&hc, "/tro-ly/cau-hoi").await.0,
        StatusCode::FORBIDDEN
    );
}

async fn the_assistant_json_api_understands_a_conversation() {
    let app = spawn_app().await;
    let c = client();
    let r = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["ly hôn thì làm thế nào"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["behavior"], "out_of_scope");
    assert!(v["answer_text"].as_str().unwrap().contains("Tòa án"));
    let v: serde_json::Value = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["chứng thực"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["behavior"], "clarify");
    let second = v["procedures"][1]["code"].as_str().unwrap().to_string();
    let v: serde_json::Value = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["chứng thực", "cái thứ hai", "phí bao nhiêu"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["behavior"], "answer");
    assert_eq!(v["procedures"][0]["code"], second.as_str());
    assert_eq!(v["fields"][0], "fees");
    let r = c
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

/// A stand-in for an OpenAI-compatible LLM server: answers every chat
/// completion with `content`, and counts the calls.
async fn fake_llm(content: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::routing::post;
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c2 = calls.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let content = content.clone();
            let calls = c2.clone();
            async move {
                calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                assert!(body["messages"][1]["content"].as_str().unwrap_or("").contains("1.001193"), "the grounded answer is sent");
                axum::Json(serde_json::json!({"choices": [{"message": {"role": "assistant", "content": content}}]}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, calls)
}

async fn a_local_llm_rephrases_but_cannot_invent_numbers() {
    for (content, used) in [
        (
            "Bạn đến Bộ phận Một cửa của xã để đăng ký khai sinh nhé (mã 1.001193).",
            true,
        ),
        (
            "Đăng ký khai sinh (mã 1.001193) mất 7 ngày và tốn 50.000 đồng.",
            false,
        ),
    ] {
        let (url, calls) = fake_llm(content.to_string()).await;
        let cfg = hocvuso_web::llm::LlmConfig {
            base_url: url,
            model: "test".into(),
            timeout: std::time::Duration::from_secs(5),
        };
        let app = spawn_app_with(Some(cfg)).await;
        let v: serde_json::Value = client()
            .post(app.url("/api/tro-ly"))
            .json(&serde_json::json!({"turns": ["lam giay khai sinh o dau"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            calls.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "the endpoint was called"
        );
        let text = v["answer_text"].as_str().unwrap();
        if used {
            assert_eq!(text, content);
        } else {
            assert!(
                !text.contains("50.000") && text.starts_with("Thủ tục đăng ký khai sinh"),
                "template kept: {text}"
            );
        }
    }
}

async fn the_office_edits_a_procedure_record_from_the_web() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let (status, list) = app.get(&c, "/tro-ly/thu-tuc").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("1.000894"), "records are listed");
    let (_, page) = app.get(&c, "/tro-ly/thu-tuc/1.000894").await;
    let start = page.find("<textarea name=\"text\"").unwrap();
    let body_start = page[start..].find('>').unwrap() + start + 1;
    let end = page[body_start..].find("</textarea>").unwrap() + body_start;
    let text = page[body_start..end]
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'");
    assert!(text.contains("code = \"1.000894\""), "{text}");
    // A broken edit is refused with the line and nothing changes.
    let broken = text.replacen("name =", "name = = ", 1);
    let r = c
        .post(app.url("/tro-ly/thu-tuc/1.000894"))
        .form(&[("csrf", csrf.as_str()), ("text", broken.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text().await.unwrap().contains("dòng"),
        "the error names the line"
    );
    // A good edit is used by the assistant at once.
    let marker = "Theo bản sửa của xã: trả kết quả trong ngày";
    let edited = match text.find("processing_time = ") {
        Some(i) => {
            let line_end = text[i..].find('\n').map(|e| e + i).unwrap_or(text.len());
            format!(
                "{}processing_time = \"{marker}\"{}",
                &text[..i],
                &text[line_end..]
            )
        }
        None => text.replacen(
            "[[procedure]]\n",
            &format!("[[procedure]]\nprocessing_time = \"{marker}\"\n"),
            1,
        ),
    };
    let r = c
        .post(app.url("/tro-ly/thu-tuc/1.000894"))
        .form(&[("csrf", csrf.as_str()), ("text", edited.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = client()
        .post(app.url("/api/tro-ly"))
        .json(&serde_json::json!({"turns": ["đăng ký kết hôn mất bao lâu"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["answer_text"].as_str().unwrap().contains(marker), "{v}");
    let (hc, _) = app.login("truongxom").await;
    assert_eq!(
        app.get(&hc, "/tro-ly/thu-tuc/1.000894").await.0,
        StatusCode::FORBIDDEN
    );
}

// ---------------------------------------------------------------- learning

fn catalog() -> hocvuso_learning::Catalog {
    hocvuso_learning::Catalog::embedded().expect("courses")
}

/// Form fields answering a course quiz: all right, or the first `wrong` wrong.
fn quiz_form(
    course: &hocvuso_learning::Course,
    csrf: &str,
    client_id: &str,
    wrong: usize,
) -> Vec<(String, String)> {
    let mut f = vec![
        ("csrf".to_string(), csrf.to_string()),
        ("client_id".to_string(), client_id.to_string()),
    ];
    for (i, q) in course.quiz.iter().enumerate() {
        let a = if i < wrong {
            (q.answer + 1) % q.choices.len()
        } else {
            q.answer
        };
        f.push((format!("q{i}"), a.to_string()));
    }
    f
}

async fn courses_and_lessons_are_public_light_and_work_offline() {
    let app = spawn_app().await;
    let c = client();
    let (status, html) = app.get(&c, "/hoc").await;
    assert_eq!(status, StatusCode::OK);
    let cat = catalog();
    for course in &cat.courses {
        assert!(html.contains(&course.title), "{}", course.title);
    }
    assert!(html.len() < 100_000);
    let course = cat.course("an-toan-lua-dao").unwrap();
    let (status, html) = app.get(&c, "/hoc/an-toan-lua-dao").await;
    assert_eq!(status, StatusCode::OK);
    // The "save for offline" button lists every lesson of the course.
    for l in &course.lessons {
        assert!(html.contains(&format!("/hoc/an-toan-lua-dao/{}", l.id)));
    }
    for l in &course.lessons {
        let (status, page) = app.get(&c, &format!("/hoc/an-toan-lua-dao/{}", l.id)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<svg"), "illustration inlined");
        assert!(page.len() < 50_000, "{} is {} bytes", l.id, page.len());
        assert!(page.contains("/static/hoc.js"));
    }
    assert_eq!(
        app.get(&c, "/hoc/an-toan-lua-dao/khong-co").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&c, "/hoc/khong-co").await.0, StatusCode::NOT_FOUND);
    let sw = c.get(app.url("/sw.js")).send().await.unwrap();
    assert!(sw.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(sw.text().await.unwrap().contains("caches.match"));
    // The quiz needs an account.
    assert_eq!(
        app.get(&c, "/hoc/an-toan-lua-dao/kiem-tra").await.0,
        StatusCode::SEE_OTHER
    );
}

async fn a_resident_passes_a_quiz_once_gets_a_certificate_anyone_can_verify() {
    let app = spawn_app().await;
    let (c, _) = app.login("nguoidan").await;
    let cat = catalog();
    let course = cat.course("dien-thoai-thong-minh").unwrap();
    // Reading a lesson counts as progress.
    app.get(&c, &format!("/hoc/{}/{}", course.id, course.lessons[0].id))
        .await;
    let (_, html) = app.get(&c, "/hoc").await;
    assert!(
        html.contains(&format!(
            "value=\"1\" aria-label=\"Đã đọc 1/{}",
            course.lessons.len()
        )),
        "progress shown"
    );

    let (status, quiz) = app.get(&c, "/hoc/dien-thoai-thong-minh/kiem-tra").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&quiz);
    // A failed attempt gives no certificate.
    let r = c
        .post(app.url("/hoc/dien-thoai-thong-minh/kiem-tra"))
        .form(&quiz_form(course, &csrf, "lan-thu-nhat-0001", 4))
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("Chưa đạt"), "{body}");
    assert!(!body.contains("Tải giấy chứng nhận"));
    // A passing one, sent twice (an offline phone resending), counts once.
    for round in 0..2 {
        let r = c
            .post(app.url("/hoc/dien-thoai-thong-minh/kiem-tra"))
            .header("accept", "application/json")
            .form(&quiz_form(course, &csrf, "lan-thu-hai-0002", 0))
            .send()
            .await
            .unwrap();
        let j: serde_json::Value = r.json().await.unwrap();
        assert_eq!(j["passed"], true);
        assert_eq!(j["duplicate"], round == 1, "{j}");
        assert!(j["certificate"].as_str().unwrap().len() == 19);
    }
    let me = match app
        .store
        .find_user("nguoidan")
        .await
        .unwrap()
        .unwrap()
        .0
        .role
    {
        Role::Resident { resident_id } => resident_id,
        _ => unreachable!(),
    };
    let progress = app.store.learning_progress(me).await.unwrap();
    let p = progress.iter().find(|p| p.course_id == course.id).unwrap();
    assert_eq!(
        p.attempts, 2,
        "one failed, one passed; the resend is not counted"
    );
    assert_eq!(p.best_percent, Some(100));
    let code = p.certificate.clone().unwrap();

    let pdf = c
        .get(app.url("/hoc/dien-thoai-thong-minh/chung-chi"))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));

    // The verify page is public and shows name, course and date only.
    let resident = app
        .store
        .get_resident(ResidentScope::All, me)
        .await
        .unwrap()
        .unwrap();
    let (status, html) = app.get(&client(), &format!("/xac-thuc/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("hợp lệ")
            && html.contains(&resident.full_name)
            && html.contains(&course.title)
    );
    if let Some(phone) = &resident.phone {
        assert!(!html.contains(phone.as_str()));
    }
    if let Some(b) = &resident.birth {
        assert!(!html.contains(&b.display()));
    }
    let (status, _) = app.get(&client(), "/xac-thuc/AAAA-BBBB-CCCC-DDDD").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A client id used for another course cannot be replayed there.
    let other = cat.course("an-toan-lua-dao").unwrap();
    let r = c
        .post(app.url("/hoc/an-toan-lua-dao/kiem-tra"))
        .form(&quiz_form(other, &csrf, "lan-thu-hai-0002", 0))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

async fn a_team_member_records_a_class_result_only_within_their_hamlet() {
    let app = spawn_app().await;
    let (c, _) = app.login("truongxom").await;
    let mine = app.resident_in(app.hamlets[0]).await;
    let other = app.resident_in(app.hamlets[1]).await;
    let cat = catalog();
    let course = cat.course("vneid-danh-tinh-so").unwrap();
    let (status, html) = app.get(&c, &format!("/cu-dan/{}", mine.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ghi kết quả kiểm tra") && html.contains(&course.title));
    let (status, quiz) = app
        .get(
            &c,
            &format!("/hoc/{}/kiem-tra?cu_dan={}", course.id, mine.id),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(quiz.contains(&mine.full_name));
    let csrf = csrf_of(&quiz);
    let mut form = quiz_form(course, &csrf, "lop-hoc-xom-0001", 0);
    form.push(("cu_dan".into(), mine.id.to_string()));
    // The way it was learned must be said.
    let r = c
        .post(app.url(&format!("/hoc/{}/kiem-tra", course.id)))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    form.push(("hinh_thuc".into(), "lop_hoc".into()));
    let r = c
        .post(app.url(&format!("/hoc/{}/kiem-tra", course.id)))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Đạt"));
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("ghi_ket_qua_hoc", "cu_dan", &mine.id.to_string())
            .await
            .unwrap(),
        1
    );
    let (_, html) = app.get(&c, &format!("/cu-dan/{}", mine.id)).await;
    assert!(html.contains("100%"), "best score on the resident page");
    // Another hamlet's resident is out of reach.
    assert_eq!(
        app.get(
            &c,
            &format!("/hoc/{}/kiem-tra?cu_dan={}", course.id, other.id)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let mut form = quiz_form(course, &csrf, "lop-hoc-xom-0002", 0);
    form.push(("cu_dan".into(), other.id.to_string()));
    form.push(("hinh_thuc".into(), "lop_hoc".into()));
    let r = c
        .post(app.url(&format!("/hoc/{}/kiem-tra", course.id)))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(app
        .store
        .learning_progress(other.id)
        .await
        .unwrap()
        .is_empty());
}

// ---------------------------------------------------------------- indicators and reports

async fn the_dashboard_shows_every_indicator_and_drills_down_within_scope() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let (status, html) = app.get(&admin, "/chi-tieu").await;
    assert_eq!(status, StatusCode::OK);
    for name in [
        "Cán bộ, công chức xã",
        "Học sinh từ bậc tiểu học",
        "Người dân trưởng thành",
        "Tổ công nghệ số cộng đồng",
        "công cụ AI",
        "«Bình dân học AI»",
        "nộp trực tuyến",
        "không dùng tiền mặt",
    ] {
        assert!(html.contains(name), "{name} missing from the dashboard");
    }
    assert!(html.contains("<svg class=\"chart"), "server-drawn charts");
    assert!(html.contains("Quý II năm 2026"));
    let (status, html) = app.get(&admin, "/chi-tieu/3?quy=2026Q2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Cách tính") && html.contains("Tử số") && html.contains("Theo xóm"));
    assert!(html.contains("Theo nhóm đối tượng"));
    assert_eq!(
        app.get(&admin, "/chi-tieu/99").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&admin, "/chi-tieu?quy=2026Q9").await.0,
        StatusCode::BAD_REQUEST
    );
    // Nobody has learned yet in this commune: everyone is on the "not yet" list.
    let (status, html) = app.get(&admin, "/chi-tieu/3/nguoi?quy=2026Q2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chưa đạt"));
    // A hamlet head sees their own hamlet only.
    let (head, _) = app.login("truongxom").await;
    let (status, html) = app.get(&head, "/chi-tieu/3/nguoi").await;
    assert_eq!(status, StatusCode::OK);
    let other = app.resident_in(app.hamlets[1]).await;
    assert!(!html.contains(&format!("/cu-dan/{}\"", other.id)));
    assert_eq!(
        app.get(&head, &format!("/chi-tieu/3/nguoi?xom={}", app.hamlets[1]))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    app.store.audit().flush().await;
    assert!(
        app.store
            .count_audit("xem_danh_sach", "chi_tieu", "3")
            .await
            .unwrap()
            >= 2
    );
    // Residents do not see the dashboard.
    let (me, _) = app.login("nguoidan").await;
    assert_eq!(app.get(&me, "/chi-tieu").await.0, StatusCode::FORBIDDEN);
}

async fn a_unit_submits_its_report_and_the_office_returns_it() {
    let app = spawn_app().await;
    let units = app.store.list_units().await.unwrap();
    let centre = units
        .iter()
        .find(|u| u.unit_type == hocvuso_domain::UnitType::PublicServiceCentre)
        .unwrap()
        .clone();
    add_user(
        &app.store,
        "hcc",
        Role::UnitReporter { unit_id: centre.id },
        false,
    )
    .await;
    let (c, _) = app.login("hcc").await;
    let url = format!("/bao-cao/don-vi/{}", centre.id);
    let (status, form) = app.get(&c, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("hệ thống điền sẵn"), "staff count prefilled");
    assert!(form.contains("Quý II năm 2026") || form.contains("quý II năm 2026"));
    let csrf = csrf_of(&form);
    let post = |fields: Vec<(&str, &str)>| {
        let c = c.clone();
        let url = app.url(&url);
        let mut f: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("quy".into(), "2026Q2".into()),
        ];
        f.extend(
            fields
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string())),
        );
        async move {
            let r = c.post(url).form(&f).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let full = vec![
        ("so_can_bo", "12"),
        ("can_bo_da_tap_huan", "10"),
        ("so_buoi_tuyen_truyen", "3"),
        ("so_luot_tham_gia", "140"),
        ("ho_so_tiep_nhan", "200"),
        ("ho_so_truc_tuyen", "150"),
        ("giao_dich_thu_phi", "80"),
        ("thu_phi_khong_tien_mat", "20"),
        (
            "ket_qua",
            "Hướng dẫn 150 hồ sơ trực tuyến tại bộ phận một cửa.",
        ),
    ];
    // A part larger than its whole is refused with what to fix.
    let mut wrong = full.clone();
    wrong[5] = ("ho_so_truc_tuyen", "250");
    wrong.push(("hanh_dong", "nop"));
    let (status, body) = post(wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("lớn hơn"), "{body}");
    // Letters where a number goes.
    let (status, body) = post(vec![("so_can_bo", "mười hai"), ("hanh_dong", "luu")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("số nguyên"));
    // A draft may be incomplete; a submission may not.
    let (status, _) = post(vec![("so_can_bo", "12"), ("hanh_dong", "luu")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = post(vec![("so_can_bo", "12"), ("hanh_dong", "nop")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Trước khi nộp"));
    let mut ok = full.clone();
    ok.push(("hanh_dong", "nop"));
    let (status, _) = post(ok.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Submitted: no more edits until returned.
    let (status, _) = post(ok.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The office: status board, indicator 7 from the numbers, files.
    let (office, _) = app.login("vhxh").await;
    let (status, board) = app.get(&office, "/bao-cao?quy=2026Q2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        board.contains("Đã nộp đúng hạn"),
        "submitted before 15 June"
    );
    assert!(board.contains("Chưa bắt đầu") && board.contains("Nhắc nộp báo cáo"));
    assert!(board.contains("trước ngày 15/06/2026"));
    let (_, dash) = app.get(&office, "/chi-tieu?quy=2026Q2").await;
    assert!(
        dash.contains("75%") && dash.contains("25%"),
        "online and cashless shares"
    );
    for (file, mime, magic) in [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &b"PK"[..],
        ),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &b"PK"[..],
        ),
        ("pdf", "application/pdf", &b"%PDF"[..]),
    ] {
        let r = office
            .get(app.url(&format!("/bao-cao/xa/{file}?quy=2026Q2")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{file}");
        assert_eq!(r.headers()["content-type"], mime);
        assert!(r.bytes().await.unwrap().starts_with(magic), "{file}");
    }
    // Returned for correction, with the reason shown to the unit.
    let (_, page) = app.get(&office, &url).await;
    let office_csrf = csrf_of(&page);
    let r = office
        .post(app.url(&format!("{url}/tra-lai")))
        .form(&[
            ("csrf", office_csrf.as_str()),
            ("quy", "2026Q2"),
            ("ly_do", "Thiếu số liệu tháng 6"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, form) = app.get(&c, &url).await;
    assert!(form.contains("Thiếu số liệu tháng 6") && form.contains("Trả lại để sửa"));
    let (status, _) = post(ok).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "editable again after return");
    // Another unit's form is not theirs; the board is not theirs either.
    let other = units.iter().find(|u| u.id != centre.id).unwrap();
    assert_eq!(
        app.get(&c, &format!("/bao-cao/don-vi/{}", other.id))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&c, "/bao-cao").await.0, StatusCode::FORBIDDEN);
}

async fn the_office_records_a_pilot_model_and_indicator_6_counts_it_once_running() {
    let app = spawn_app().await;
    let (c, _) = app.login("vhxh").await;
    let (status, page) = app.get(&c, "/mo-hinh").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/mo-hinh"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("loai", "binh_dan_hoc_ai"),
            ("ten", "Điểm Bình dân học AI nhà văn hóa"),
            ("dia_diem", "Nhà văn hóa xã"),
            ("tieu_chi", "Lớp thực hành hằng tháng"),
            ("tinh_trang", "dang_xay_dung"),
            ("bat_dau", "15/04/2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, dash) = app.get(&c, "/chi-tieu/6a?quy=2026Q2").await;
    assert!(dash.contains("0 mô hình"), "not counted while being built");
    let id = app.store.pilot_models().await.unwrap()[0].id;
    let r = c
        .post(app.url(&format!("/mo-hinh/{id}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tinh_trang", "dang_hoat_dong"),
            ("minh_chung", "Quyết định số 12/QĐ-UBND"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, dash) = app.get(&c, "/chi-tieu/6a?quy=2026Q2").await;
    assert!(
        dash.contains("1 mô hình") && dash.contains("Đã đạt"),
        "counted once running"
    );
    let (_, page) = app.get(&c, "/mo-hinh").await;
    assert!(page.contains("Quyết định số 12/QĐ-UBND") && page.contains("15/04/2026"));
    // Bad input is refused in Vietnamese; a hamlet head may look but not add.
    let r = c
        .post(app.url("/mo-hinh"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("loai", "khac"),
            ("ten", "x"),
            ("dia_diem", "y"),
            ("tinh_trang", "du_kien"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (head, _) = app.login("truongxom").await;
    let (status, page) = app.get(&head, "/mo-hinh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Thêm mô hình"));
}

on_both_engines!(
    healthz_reports_the_database,
    login_works_and_the_registry_lists_the_demo_commune,
    session_cookie_is_httponly_and_samesite,
    wrong_passwords_are_refused_then_throttled,
    forms_without_the_csrf_token_are_refused,
    a_hamlet_head_cannot_open_a_resident_of_another_hamlet,
    a_resident_sees_only_their_own_record,
    search_ignores_diacritics_and_case,
    editing_validates_in_vietnamese_and_is_audited,
    one_time_passwords_must_be_changed_and_common_ones_refused,
    admins_create_users_with_a_one_time_password,
    pages_stay_under_100_kb,
    import_wizard_converts_tcvn3_and_a_second_import_adds_nothing,
    malformed_files_are_refused_and_nothing_is_written,
    a_file_with_bad_rows_lists_them_and_cannot_be_confirmed,
    export_is_an_audited_xlsx_for_the_office_only,
    the_office_adds_a_hamlet_with_its_digital_team,
    the_assistant_answers_in_a_plain_form_and_logs_without_numbers,
    the_assistant_json_api_understands_a_conversation,
    a_local_llm_rephrases_but_cannot_invent_numbers,
    the_office_edits_a_procedure_record_from_the_web,
    courses_and_lessons_are_public_light_and_work_offline,
    a_resident_passes_a_quiz_once_gets_a_certificate_anyone_can_verify,
    a_team_member_records_a_class_result_only_within_their_hamlet,
    the_dashboard_shows_every_indicator_and_drills_down_within_scope,
    a_unit_submits_its_report_and_the_office_returns_it,
    the_office_records_a_pilot_model_and_indicator_6_counts_it_once_running,
);
