//! A person's rights over their data (issue 12): a resident sees and
//! downloads everything held about them and nobody else's; the roles
//! without `Resource::PersonalData` are answered as the policy says; a
//! request is filed, seen and answered; the admin anonymises a record
//! after typing the confirmation word, and a refusal changes nothing;
//! every view and download is audited.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::privacy::{anonymised_name, MAX_REQUEST_CHARS};
use hocvuso_domain::{Resident, Role};
use reqwest::StatusCode;

/// The resident behind the `nguoidan` account.
async fn me(app: &TestApp) -> Resident {
    let (user, _) = app.store.find_user("nguoidan").await.unwrap().unwrap();
    let id = user.person_id.unwrap();
    app.store
        .get_resident(hocvuso_domain::ResidentScope::All, id)
        .await
        .unwrap()
        .unwrap()
}

async fn fetch(c: &reqwest::Client, app: &TestApp, path: &str) -> reqwest::Response {
    c.get(app.url(path)).send().await.unwrap()
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn downloads(app: &TestApp, id: i64) -> i64 {
    app.store
        .count_audit("tai_du_lieu_ca_nhan", "cu_dan", &id.to_string())
        .await
        .unwrap()
}

async fn a_resident_sees_and_downloads_their_own_data_and_no_one_elses() {
    let app = spawn_app().await;
    let me = me(&app).await;
    let other = app.resident_in(app.hamlets[0]).await;
    assert_ne!(other.id, me.id);
    let (c, _) = app.login("nguoidan").await;

    let r = fetch(&c, &app, &format!("/cu-dan/{}/du-lieu", me.id)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        header(&r, "cache-control"),
        "no-store",
        "personal data is never cached"
    );
    let page = r.text().await.unwrap();
    assert!(page.contains(&me.full_name), "{page}");
    for heading in [
        "Thông tin trong sổ dân cư",
        "Hộ gia đình",
        "Nhóm đối tượng",
        "Bài kiểm tra",
        "Tài khoản đăng nhập",
        "Sự đồng ý",
        "Yêu cầu sửa, xóa dữ liệu",
        "Ai đã xem, sửa hồ sơ",
    ] {
        assert!(page.contains(heading), "{heading}");
    }
    assert!(page.contains("action=\"/cu-dan/"), "the request form");
    assert!(
        !page.contains("/an-danh\""),
        "a resident does not anonymise"
    );

    // JSON: a file, all fields, the person's name.
    let r = fetch(&c, &app, &format!("/cu-dan/{}/du-lieu.json", me.id)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-type").starts_with("application/json"));
    assert!(header(&r, "content-disposition").starts_with("attachment"));
    assert_eq!(header(&r, "cache-control"), "no-store");
    let text = r.text().await.unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["data"]["resident"]["full_name"], me.full_name.as_str());
    assert_eq!(v["data"]["resident"]["id"], me.id);
    assert_eq!(v["data"]["accounts"][0]["username"], "nguoidan");
    for key in [
        "household",
        "groups",
        "units",
        "student",
        "quiz_attempts",
        "certificates",
        "consents",
        "data_requests",
        "access_log",
    ] {
        assert!(v["data"].get(key).is_some(), "key {key}");
    }
    assert!(!text.contains("password_hash") && !text.contains("argon2"));

    // PDF: a readable document with her name, diacritics and all.
    let r = fetch(&c, &app, &format!("/cu-dan/{}/du-lieu.pdf", me.id)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "application/pdf");
    assert!(header(&r, "content-disposition").starts_with("attachment"));
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    match pdf_text(&bytes) {
        Some(text) => assert!(text.contains(&me.full_name), "{text}"),
        None => eprintln!("SKIP: pdftotext not installed; the PDF's text was not checked (apt install poppler-utils)"),
    }

    // Each download has its row, written before the file left.
    assert_eq!(downloads(&app, me.id).await, 2);

    // Someone else's: not found, in every form, and nothing audited.
    for path in ["du-lieu", "du-lieu.json", "du-lieu.pdf"] {
        let r = fetch(&c, &app, &format!("/cu-dan/{}/{path}", other.id)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(downloads(&app, other.id).await, 0);

    // The view was logged too (batched): the person sees it in the log.
    app.store.audit().flush().await;
    assert!(
        app.store
            .count_audit("xem_du_lieu_ca_nhan", "cu_dan", &me.id.to_string())
            .await
            .unwrap()
            >= 1
    );
    let (_, page) = app.get(&c, &format!("/cu-dan/{}/du-lieu", me.id)).await;
    assert!(
        page.contains("Xem toàn bộ dữ liệu cá nhân"),
        "the log shows the view"
    );
    assert!(page.contains("Tải dữ liệu cá nhân (JSON, PDF)"));
}

async fn other_roles_are_answered_as_the_policy_says() {
    let app = spawn_app().await;
    let unit = app.store.list_units().await.unwrap()[0].id;
    add_user(
        &app.store,
        "baocao",
        Role::UnitReporter { unit_id: unit },
        false,
    )
    .await;
    // A person inside each role's usual reach: the hamlet of the hamlet
    // head and the team member.
    let x = app.resident_in(app.hamlets[0]).await;
    for (username, role) in [
        (
            "truongxom",
            Role::HamletHead {
                hamlet_id: app.hamlets[0],
            },
        ),
        (
            "tocnscd",
            Role::DigitalTeamMember {
                hamlet_id: app.hamlets[0],
            },
        ),
        ("baocao", Role::UnitReporter { unit_id: unit }),
        ("vhxh", Role::CultureOffice),
    ] {
        assert!(
            !role.allowed(Action::See, Resource::PersonalData),
            "{role:?}"
        );
        let (c, csrf) = app.login(username).await;
        for path in ["du-lieu", "du-lieu.json", "du-lieu.pdf"] {
            let r = fetch(&c, &app, &format!("/cu-dan/{}/{path}", x.id)).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{username} {path}");
        }
        let r = app
            .post(
                &c,
                &format!("/cu-dan/{}/yeu-cau", x.id),
                &[("csrf", csrf.as_str()), ("kind", "sua"), ("body", "x")],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "{username} files for others"
        );
        let r = app
            .post(
                &c,
                &format!("/cu-dan/{}/an-danh", x.id),
                &[("csrf", csrf.as_str()), ("confirm", "ẨN DANH")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{username} anonymises");
        let r = fetch(&c, &app, "/yeu-cau-du-lieu").await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "{username} lists requests"
        );
        let r = app
            .post(
                &c,
                "/yeu-cau-du-lieu/1",
                &[
                    ("csrf", csrf.as_str()),
                    ("status", "tu_choi"),
                    ("answer", "x"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{username} answers");
    }
    // Nothing was written by any of them.
    assert!(app.store.data_requests(None).await.unwrap().is_empty());
    let still = app
        .store
        .get_resident(hocvuso_domain::ResidentScope::All, x.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.full_name, x.full_name);
    assert_eq!(downloads(&app, x.id).await, 0);

    // The admin sees anyone's.
    let (c, _) = app.login("admin").await;
    let r = fetch(&c, &app, &format!("/cu-dan/{}/du-lieu.json", x.id)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(downloads(&app, x.id).await, 1);
    let r = fetch(&c, &app, &format!("/cu-dan/{}/du-lieu", x.id + 100_000)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn a_request_is_filed_seen_and_answered() {
    let app = spawn_app().await;
    let me = me(&app).await;
    let other = app.resident_in(app.hamlets[0]).await;
    let (c, csrf) = app.login("nguoidan").await;
    let path = format!("/cu-dan/{}/yeu-cau", me.id);

    // Refused: no kind, empty, too long, no CSRF token, someone else.
    let long = "ắ".repeat(MAX_REQUEST_CHARS + 1);
    for (kind, body) in [
        ("", "Sai ngày sinh"),
        ("sua", "   "),
        ("xoa", long.as_str()),
    ] {
        let r = app
            .post(
                &c,
                &path,
                &[("csrf", csrf.as_str()), ("kind", kind), ("body", body)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{kind:?}");
        assert!(r.text().await.unwrap().contains("Chưa gửi yêu cầu"));
    }
    // Past the route's limit: refused before the handler, in Vietnamese.
    let huge = "a".repeat(40_000);
    let r = app
        .post(
            &c,
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("kind", "sua"),
                ("body", huge.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = app
        .post(&c, &path, &[("kind", "sua"), ("body", "Sai ngày sinh")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let r = app
        .post(
            &c,
            &format!("/cu-dan/{}/yeu-cau", other.id),
            &[("csrf", csrf.as_str()), ("kind", "sua"), ("body", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(app.store.data_requests(None).await.unwrap().is_empty());

    let body = "Ngày sinh đúng là 12/03/1985, không phải 1984";
    let r = app
        .post(
            &c,
            &path,
            &[("csrf", csrf.as_str()), ("kind", "sua"), ("body", body)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(header(&r, "location").starts_with(&format!("/cu-dan/{}/du-lieu?da_gui=1", me.id)));
    assert_eq!(
        app.store
            .count_audit("yeu_cau_du_lieu", "cu_dan", &me.id.to_string())
            .await
            .unwrap(),
        1
    );
    let (_, page) = app
        .get(&c, &format!("/cu-dan/{}/du-lieu?da_gui=1", me.id))
        .await;
    assert!(page.contains("Đã gửi yêu cầu") && page.contains(body));
    // A resident's list is their own page.
    let r = fetch(&c, &app, "/yeu-cau-du-lieu").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The admin sees it, and must give a reason to refuse.
    let (admin, admin_csrf) = app.login("admin").await;
    let (status, list) = app.get(&admin, "/yeu-cau-du-lieu").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(body) && list.contains(&me.full_name));
    let id = app.store.data_requests(None).await.unwrap()[0].id;
    let answer = format!("/yeu-cau-du-lieu/{id}");
    let r = app
        .post(
            &admin,
            &answer,
            &[
                ("csrf", admin_csrf.as_str()),
                ("status", "tu_choi"),
                ("answer", " "),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(app.store.data_requests(None).await.unwrap()[0].is_open());
    let reason = "Giấy khai sinh ghi năm 1984";
    let r = app
        .post(
            &admin,
            &answer,
            &[
                ("csrf", admin_csrf.as_str()),
                ("status", "tu_choi"),
                ("answer", reason),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store
            .count_audit("tra_loi_yeu_cau_du_lieu", "cu_dan", &me.id.to_string())
            .await
            .unwrap(),
        1
    );
    // Answered once only.
    let r = app
        .post(
            &admin,
            &answer,
            &[
                ("csrf", admin_csrf.as_str()),
                ("status", "da_sua"),
                ("answer", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &admin,
            "/yeu-cau-du-lieu/999999",
            &[
                ("csrf", admin_csrf.as_str()),
                ("status", "da_sua"),
                ("answer", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The resident reads the answer.
    let (_, page) = app.get(&c, &format!("/cu-dan/{}/du-lieu", me.id)).await;
    assert!(page.contains("Từ chối") && page.contains(reason), "{page}");
    // The resident files, never answers (their own request: refused with
    // a message; another's: not found).
    let again = app
        .post(
            &c,
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("kind", "xoa"),
                ("body", "Xin xóa số điện thoại"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let open = app.store.data_requests(None).await.unwrap()[0].id;
    let r = app
        .post(
            &c,
            &format!("/yeu-cau-du-lieu/{open}"),
            &[
                ("csrf", csrf.as_str()),
                ("status", "da_sua"),
                ("answer", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Chỉ văn phòng xã trả lời"));
    assert!(app
        .store
        .data_request(open)
        .await
        .unwrap()
        .unwrap()
        .is_open());
    // The office files for someone else: not the resident's to see.
    let r = app
        .post(
            &admin,
            &format!("/cu-dan/{}/yeu-cau", other.id),
            &[
                ("csrf", admin_csrf.as_str()),
                ("kind", "sua"),
                ("body", "Thiếu số điện thoại"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let theirs = app.store.data_requests(Some(other.id)).await.unwrap()[0].id;
    let r = app
        .post(
            &c,
            &format!("/yeu-cau-du-lieu/{theirs}"),
            &[
                ("csrf", csrf.as_str()),
                ("status", "da_sua"),
                ("answer", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn the_admin_anonymises_after_confirming_and_a_refusal_changes_nothing() {
    let app = spawn_app().await;
    let me = me(&app).await;
    let (resident, resident_csrf) = app.login("nguoidan").await;
    // A pending request: closed by the anonymisation.
    let r = app
        .post(
            &resident,
            &format!("/cu-dan/{}/yeu-cau", me.id),
            &[
                ("csrf", resident_csrf.as_str()),
                ("kind", "xoa"),
                ("body", "Xin xóa dữ liệu của tôi"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (c, csrf) = app.login("admin").await;
    let path = format!("/cu-dan/{}/an-danh", me.id);
    let (_, page) = app.get(&c, &format!("/cu-dan/{}/du-lieu", me.id)).await;
    assert!(page.contains("ẨN DANH") && page.contains("ẩn danh thay cho xóa"));
    let before = app.store.personal_data(me.id).await.unwrap().unwrap();

    // Refused: no word, a wrong word, no CSRF token. Nothing changes.
    for confirm in ["", "xoa"] {
        let r = app
            .post(&c, &path, &[("csrf", csrf.as_str()), ("confirm", confirm)])
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{confirm:?}");
        assert!(r.text().await.unwrap().contains("Chưa ẩn danh"));
    }
    let r = app.post(&c, &path, &[("confirm", "ẨN DANH")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let after = app.store.personal_data(me.id).await.unwrap().unwrap();
    assert_eq!(after.resident, before.resident);
    assert_eq!(after.accounts, before.accounts);
    assert_eq!(after.data_requests, before.data_requests);
    assert_eq!(
        app.store
            .count_audit("an_danh", "cu_dan", &me.id.to_string())
            .await
            .unwrap(),
        0
    );

    // Confirmed (without diacritics is fine).
    let r = app
        .post(
            &c,
            &path,
            &[("csrf", csrf.as_str()), ("confirm", "an danh")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        header(&r, "location"),
        format!("/cu-dan/{}/du-lieu?da_an_danh=1", me.id)
    );
    assert_eq!(
        app.store
            .count_audit("an_danh", "cu_dan", &me.id.to_string())
            .await
            .unwrap(),
        1
    );
    let (_, page) = app
        .get(&c, &format!("/cu-dan/{}/du-lieu?da_an_danh=1", me.id))
        .await;
    assert!(page.contains("Đã ẩn danh hồ sơ") && page.contains(&anonymised_name(me.id)));

    // The old name is gone from the registry search and from the JSON.
    let query = vntext::fold(&me.full_name).replace(' ', "+");
    let (_, list) = app.get(&c, &format!("/so-dan-cu?q={query}")).await;
    assert!(
        !list.contains(&format!("href=\"/cu-dan/{}\"", me.id)),
        "{list}"
    );
    let text = fetch(&c, &app, &format!("/cu-dan/{}/du-lieu.json", me.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(!text.contains(&me.full_name), "{text}");
    assert!(!text.contains("\"nguoidan\""), "the account was renamed");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["data"]["data_requests"][0]["status"], "da_an_danh");
    assert_eq!(v["data"]["accounts"][0]["disabled"], true);

    // The person's account is logged out and cannot log in again.
    let r = fetch(&resident, &app, &format!("/cu-dan/{}/du-lieu", me.id)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(&r, "location"), "/dang-nhap");
    let (status, _) = app.login_status(&client(), "nguoidan", PASSWORD).await;
    assert_ne!(status, StatusCode::SEE_OTHER);

    // Again: harmless.
    let r = app
        .post(
            &c,
            &path,
            &[("csrf", csrf.as_str()), ("confirm", "ẨN DANH")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let again = app.store.personal_data(me.id).await.unwrap().unwrap();
    assert_eq!(again.resident.full_name, anonymised_name(me.id));
}

on_both_engines!(
    a_resident_sees_and_downloads_their_own_data_and_no_one_elses,
    other_roles_are_answered_as_the_policy_says,
    a_request_is_filed_seen_and_answered,
    the_admin_anonymises_after_confirming_and_a_refusal_changes_nothing,
);
