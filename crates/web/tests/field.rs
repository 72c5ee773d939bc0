//! The field app's API (issue 14): a team member loads their hamlet and no
//! other; visits sent from a phone are written once whatever happens to the
//! connection (cut before the request is read, in the middle of the body,
//! after the write and before the reply) and however often a batch is
//! resent; another site cannot send them. Sync tests carry `sync` in their
//! names.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use hocvuso_storage::FieldPack;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

async fn pack_of(app: &TestApp) -> FieldPack {
    app.store
        .field_pack(app.hamlets[0], today())
        .await
        .unwrap()
        .unwrap()
}

/// Three visits to three households of the team's hamlet, each with a
/// milestone for its first person.
fn batch(pack: &FieldPack, tag: &str) -> Value {
    let records: Vec<Value> = pack
        .households
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, h)| {
            json!({
                "kind": "tham",
                "id": format!("{tag}-{i:04}"),
                "household_id": h.id,
                "visited_on": "2026-05-30",
                "people": [h.people[0].id],
                "milestones": [{"resident_id": h.people[0].id, "milestone": "vneid"}],
                "note": "Hướng dẫn cài VNeID",
            })
        })
        .collect();
    json!({ "records": records })
}

async fn send(app: &TestApp, c: &reqwest::Client, body: &Value) -> (StatusCode, Value) {
    let r = c
        .post(app.url("/api/thuc-dia/dong-bo"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn statuses(reply: &Value) -> Vec<String> {
    reply["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect()
}

async fn visits(app: &TestApp) -> i64 {
    app.store.field_counts().await.unwrap().visits
}

async fn the_team_loads_its_own_hamlet_and_no_other() {
    let app = spawn_app().await;
    let (c, _) = app.login("tocnscd").await;
    let (status, page) = app.get(&c, "/thuc-dia").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-xom=\"") && page.contains("Không để ai bị bỏ lại phía sau"));
    assert!(
        page.contains("href=\"/thuc-dia\""),
        "the menu links the field app"
    );
    let (status, body) = app.get(&c, "/api/thuc-dia/xom").await;
    assert_eq!(status, StatusCode::OK);
    let pack: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(pack["hamlet_id"], json!(app.hamlets[0]));
    let expected = pack_of(&app).await;
    assert_eq!(
        pack["households"].as_array().unwrap().len(),
        expected.households.len()
    );
    assert!(
        !body.contains("ethnicity") && !body.contains("Kinh"),
        "no sensitive field"
    );
    let other = format!("/api/thuc-dia/xom?xom={}", app.hamlets[1]);
    assert_eq!(app.get(&c, &other).await.0, StatusCode::NOT_FOUND);
    // The office picks any hamlet; a resident has no field app.
    let (office, _) = app.login("vhxh").await;
    assert_eq!(app.get(&office, &other).await.0, StatusCode::OK);
    let (resident, _) = app.login("nguoidan").await;
    assert_eq!(
        app.get(&resident, "/api/thuc-dia/xom").await.0,
        StatusCode::FORBIDDEN
    );
    // Taking the list onto a phone is audited.
    app.store.audit().flush().await;
    let n = app
        .store
        .count_audit("tai_danh_sach_thuc_dia", "xom", &app.hamlets[0].to_string())
        .await
        .unwrap();
    assert_eq!(n, 1);
}

async fn a_batch_sent_twice_over_http_changes_nothing_sync() {
    let app = spawn_app().await;
    let (c, _) = app.login("tocnscd").await;
    let body = batch(&pack_of(&app).await, "dt-a");
    let (status, first) = send(&app, &c, &body).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(statuses(&first), ["da_luu"; 3]);
    assert_eq!(first["saved"], json!(3));
    let (_, again) = send(&app, &c, &body).await;
    assert_eq!(statuses(&again), ["da_co"; 3]);
    assert_eq!(visits(&app).await, 3);
    // The same id with another note: kept aside, and the office sees both.
    let mut edited = body.clone();
    edited["records"][0]["note"] = json!("Ghi chú sửa lại trên máy");
    let (_, reply) = send(&app, &c, &edited).await;
    assert_eq!(statuses(&reply), ["khac_ban_truoc", "da_co", "da_co"]);
    let (office, _) = app.login("vhxh").await;
    let (_, page) = app.get(&office, "/thuc-dia").await;
    assert!(
        page.contains("Bản ghi gửi lại với nội dung khác")
            && page.contains("Ghi chú sửa lại trên máy"),
        "{page}"
    );
    let (_, page) = app.get(&c, "/thuc-dia").await;
    assert!(
        !page.contains("Ghi chú sửa lại trên máy"),
        "the team does not see the office's table"
    );
    // The worklist shrinks: the pack now shows the milestone reached.
    let (_, pack) = app.get(&c, "/api/thuc-dia/xom").await;
    let pack: Value = serde_json::from_str(&pack).unwrap();
    let reached = pack["households"][0]["people"][0]["reached"]
        .as_array()
        .unwrap()
        .clone();
    assert!(reached.contains(&json!("vneid")), "{reached:?}");
    // A malformed record is refused alone; the rest of the batch is written.
    let mixed = json!({"records": [
        {"kind": "tham", "id": "dt-b-0001", "household_id": "mot"},
        {"kind": "lop", "id": "dt-b-0002"},
        batch(&pack_of(&app).await, "dt-b")["records"][0],
    ]});
    let (status, reply) = send(&app, &c, &mixed).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(statuses(&reply), ["bi_tu_choi", "bi_tu_choi", "da_luu"]);
    assert_eq!(visits(&app).await, 4);
}

async fn sync_refuses_a_request_from_another_site_and_too_big_a_batch() {
    let app = spawn_app().await;
    let (c, _) = app.login("tocnscd").await;
    let body = batch(&pack_of(&app).await, "dt-c");
    let r = c
        .post(app.url("/api/thuc-dia/dong-bo"))
        .header("Origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A form post (what another site could send) is not JSON: refused.
    let r = c
        .post(app.url("/api/thuc-dia/dong-bo"))
        .form(&[("records", "[]")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(visits(&app).await, 0);
    let many: Vec<Value> = (0..501)
        .map(|i| json!({"kind": "tham", "id": format!("dt-d-{i:04}")}))
        .collect();
    let (status, _) = send(&app, &c, &json!({ "records": many })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A resident has no field work.
    let (resident, _) = app.login("nguoidan").await;
    assert_eq!(send(&app, &resident, &body).await.0, StatusCode::FORBIDDEN);
    assert_eq!(visits(&app).await, 0);
}

/// The session cookie of `user`, for requests written by hand.
async fn session_cookie(app: &TestApp, user: &str) -> String {
    fn cookie(r: &reqwest::Response, name: &str) -> String {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap().to_string())
            .unwrap()
    }
    let c = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let r = c.get(app.url("/dang-nhap")).send().await.unwrap();
    let pre = cookie(&r, "hv_pre");
    let csrf = csrf_of(&r.text().await.unwrap());
    let r = c
        .post(app.url("/dang-nhap"))
        .header("cookie", format!("hv_pre={pre}"))
        .form(&[
            ("username", user),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    format!("hv_session={}", cookie(&r, "hv_session"))
}

/// Where the connection is cut.
#[derive(Debug, Clone, Copy)]
enum Cut {
    BeforeTheRequest,
    MidBody,
    AfterTheWriteBeforeTheReply,
}

async fn a_connection_cut_at_any_point_leaves_one_copy_sync() {
    let app = spawn_app().await;
    let cookie = session_cookie(&app, "tocnscd").await;
    let (c, _) = app.login("tocnscd").await;
    let pack = pack_of(&app).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut expected = 0;
    for (n, cut) in [
        Cut::BeforeTheRequest,
        Cut::MidBody,
        Cut::AfterTheWriteBeforeTheReply,
    ]
    .into_iter()
    .enumerate()
    {
        let body = batch(&pack, &format!("dt-cut{n}")).to_string();
        let head = format!(
            "POST /api/thuc-dia/dong-bo HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        match cut {
            Cut::BeforeTheRequest => {}
            Cut::MidBody => {
                s.write_all(head.as_bytes()).await.unwrap();
                s.write_all(&body.as_bytes()[..body.len() / 2])
                    .await
                    .unwrap();
                s.flush().await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Cut::AfterTheWriteBeforeTheReply => {
                s.write_all(head.as_bytes()).await.unwrap();
                s.write_all(body.as_bytes()).await.unwrap();
                s.flush().await.unwrap();
                // Wait until the server has written the batch, then go
                // away without reading its answer.
                for _ in 0..200 {
                    if visits(&app).await == expected + 3 {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                }
                assert_eq!(
                    visits(&app).await,
                    expected + 3,
                    "the server wrote the batch"
                );
            }
        }
        drop(s);
        // The phone never got an answer: it sends the whole batch again.
        let (status, reply) = send(&app, &c, &serde_json::from_str(&body).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{cut:?}: {reply}");
        let want = match cut {
            Cut::AfterTheWriteBeforeTheReply => "da_co",
            _ => "da_luu",
        };
        assert_eq!(statuses(&reply), [want; 3], "{cut:?}");
        expected += 3;
        assert_eq!(visits(&app).await, expected, "{cut:?}: exactly one copy");
    }
    // Out of order: a later batch arrives before an earlier one, and both
    // twice; the milestones are the same either way.
    let early = batch(&pack, "dt-early");
    let mut late = batch(&pack, "dt-late");
    for r in late["records"].as_array_mut().unwrap() {
        r["visited_on"] = json!("2026-05-31");
    }
    for b in [&late, &early, &late, &early] {
        send(&app, &c, b).await;
    }
    let first = &pack.households[0].people[0];
    let m = app.store.milestones_of(first.id).await.unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].reached_on.to_string(), "2026-05-30");
    assert_eq!(visits(&app).await, expected + 6);
}

async fn a_class_is_added_listed_and_its_attendance_synced() {
    let app = spawn_app().await;
    let (team, csrf) = app.login("tocnscd").await;
    // Without a place: the page again with what to fix, nothing written.
    let r = app
        .post(
            &team,
            "/lop",
            &[
                ("csrf", &csrf),
                ("chu_de", "Cài VNeID"),
                ("nhiem_vu", "III.2"),
                ("dia_diem", ""),
                ("ngay", "2026-06-03"),
                ("gio", "08:00"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Cần ghi địa điểm"));
    // The team adds one in its hamlet (whatever hamlet the form names).
    let r = app
        .post(
            &team,
            "/lop",
            &[
                ("csrf", &csrf),
                ("chu_de", "Bình dân học AI"),
                ("nhiem_vu", "III.6"),
                ("dia_diem", "Nhà văn hóa xóm"),
                ("ngay", "2026-06-03"),
                ("gio", "14:00"),
                ("xom", &app.hamlets[1].to_string()),
                ("doi_tuong", "nguoi_cao_tuoi"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = to.trim_start_matches("/lop/").parse().unwrap();
    let session = app.store.session(id).await.unwrap().unwrap();
    assert_eq!(session.hamlet_id, Some(app.hamlets[0]));
    let (status, week) = app.get(&team, "/lop?tuan=2026-06-01").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        week.contains("Bình dân học AI") && week.contains("14:00 03/06/2026"),
        "{week}"
    );
    // The phone's list carries the class; two people are ticked, one twice.
    let (_, pack) = app.get(&team, "/api/thuc-dia/xom").await;
    let pack: Value = serde_json::from_str(&pack).unwrap();
    assert_eq!(pack["sessions"][0]["id"], json!(id));
    let people: Vec<i64> = pack["households"][0]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let tick = |n: &str, who: i64| {
        json!({"kind": "diem_danh", "id": format!("lop-{n}"), "session_id": id,
        "resident_id": who, "how": "danh_sach"})
    };
    let body = json!({"records": [tick("0001", people[0]), tick("0002", people[people.len() - 1]), tick("0001", people[0])]});
    let (_, reply) = send(&app, &team, &body).await;
    assert_eq!(statuses(&reply), ["da_luu", "da_luu", "da_co"]);
    let (status, page) = app.get(&team, &format!("/lop/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Người dự: 2"), "{page}");
    // Another hamlet's class is not found for the team; the office sees it.
    let (office, office_csrf) = app.login("vhxh").await;
    let r = app
        .post(
            &office,
            "/lop",
            &[
                ("csrf", &office_csrf),
                ("chu_de", "Lớp cho xóm khác"),
                ("nhiem_vu", "III.2"),
                ("dia_diem", "Hội trường"),
                ("ngay", "2026-06-04"),
                ("gio", "08:00"),
                ("xom", &app.hamlets[1].to_string()),
            ],
        )
        .await;
    let other = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(app.get(&team, &other).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&office, &other).await.0, StatusCode::OK);
    let out = send(&app, &team, &json!({"records": [{"kind": "diem_danh", "id": "lop-0003",
        "session_id": other.trim_start_matches("/lop/").parse::<i64>().unwrap(), "resident_id": people[0], "how": "the"}]})).await.1;
    assert_eq!(statuses(&out), ["bi_tu_choi"]);

    // The hamlet's quarterly report is prefilled from these records, which
    // are one click away.
    send(&app, &team, &batch(&pack_of(&app).await, "lop-tham")).await;
    let unit = app
        .store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| {
            u.unit_type == hocvuso_domain::UnitType::Hamlet && u.hamlet_id == Some(app.hamlets[0])
        })
        .unwrap();
    let (head, _) = app.login("truongxom").await;
    let (status, form) = app
        .get(&head, &format!("/bao-cao/don-vi/{}?quy=2026Q2", unit.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    for (key, want) in [
        ("so_buoi_tuyen_truyen", 1),
        ("so_luot_tham_gia", 2),
        ("so_ho_da_den", 3),
        ("so_nguoi_duoc_huong_dan", 3),
    ] {
        assert!(
            form.contains(&format!(
                "name=\"{key}\" inputmode=\"numeric\" value=\"{want}\""
            )),
            "{key} should be {want}"
        );
    }
    let link = format!("/thuc-dia/so-lieu?xom={}", app.hamlets[0]);
    assert!(form.contains(&link), "the records are linked");
    let (status, records) = app.get(&head, &format!("{link}&quy=2026Q2")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        records.contains("Các lần thăm (3)") && records.contains("Các buổi học (1)"),
        "{records}"
    );
}

/// The query string a redirect after entering attendance carries.
fn entered(r: &reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap();
    to.split_once('?')
        .map(|(_, q)| q.to_string())
        .unwrap_or_default()
}

async fn the_desk_enters_a_paper_sheet_and_a_walk_in_from_another_hamlet() {
    let app = spawn_app().await;
    let (team, csrf) = app.login("tocnscd").await;
    let units = app.store.list_units().await.unwrap();
    let own_team = units
        .iter()
        .find(|u| {
            u.unit_type == hocvuso_domain::UnitType::DigitalTeam
                && u.hamlet_id == Some(app.hamlets[0])
        })
        .unwrap();
    // The form offers the units, the hamlet's own team chosen.
    let (_, week) = app.get(&team, "/lop").await;
    assert!(
        week.contains(&format!("<option value=\"{}\" selected>", own_team.id)),
        "the team is chosen as organiser"
    );
    let r = app
        .post(
            &team,
            "/lop",
            &[
                ("csrf", &csrf),
                ("chu_de", "Thanh toán không dùng tiền mặt"),
                ("nhiem_vu", "III.2"),
                ("dia_diem", "Nhà văn hóa xóm"),
                ("ngay", "2026-06-05"),
                ("gio", "19:30"),
                ("don_vi", &own_team.id.to_string()),
            ],
        )
        .await;
    let path = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = path.trim_start_matches("/lop/").parse().unwrap();
    let (_, page) = app.get(&team, &path).await;
    assert!(page.contains("Đơn vị tổ chức") && page.contains(&own_team.name));

    // A class that teaches a course of the learning section: its title is
    // the topic unless one is written; a course that does not exist is
    // refused with what to fix, nothing written.
    let catalog = hocvuso_learning::Catalog::embedded().unwrap();
    let course = &catalog.courses[0];
    let class_of = |course_id: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("khoa_hoc", course_id.to_string()),
            ("chu_de", String::new()),
            ("nhiem_vu", "III.2".to_string()),
            ("dia_diem", "Nhà văn hóa xóm".to_string()),
            ("ngay", "2026-06-06".to_string()),
            ("gio", "08:00".to_string()),
        ]
    };
    let form = class_of("khong-co-khoa-nay");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&team, "/lop", &form).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Khóa học đã chọn không có"));
    let form = class_of(&course.id);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post(&team, "/lop", &form).await;
    let taught = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.get(&team, &taught).await;
    assert!(page.contains(&format!("<a href=\"/hoc/{}\">", course.id)));
    let s = app
        .store
        .session(taught.trim_start_matches("/lop/").parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.topic.as_str(), s.course_id.as_deref()),
        (course.title.as_str(), Some(course.id.as_str()))
    );

    // The paper sheet's list, as printed: the hamlet's adults.
    let (status, sheet) = app.get(&team, &format!("{path}?phieu=1")).await;
    assert_eq!(status, StatusCode::OK);
    let ours = app
        .store
        .list_residents(
            hocvuso_domain::ResidentScope::Hamlet(app.hamlets[0]),
            &hocvuso_domain::ResidentFilter {
                group: Some(hocvuso_domain::TargetGroup::Adults),
                ..Default::default()
            },
            1,
            5000,
        )
        .await
        .unwrap()
        .items;
    assert!(ours.len() >= 2);
    assert_eq!(
        sheet.matches("name=\"nguoi\" value=\"phieu:").count(),
        ours.len()
    );
    // Someone of another hamlet: a name alone (one word) does not look
    // beyond the hamlet; the full name, typed without diacritics, does.
    let theirs = app
        .store
        .list_residents(
            hocvuso_domain::ResidentScope::Hamlet(app.hamlets[1]),
            &hocvuso_domain::ResidentFilter::default(),
            1,
            1,
        )
        .await
        .unwrap()
        .items
        .remove(0);
    let walk_in = format!("vang_lai:{}", theirs.id);
    let given = theirs
        .full_name
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    let (_, found) = app
        .get(&team, &format!("{path}?tim={}", vntext::fold(&given)))
        .await;
    assert!(!found.contains(&walk_in), "one word stays in the hamlet");
    let (_, found) = app
        .get(
            &team,
            &format!(
                "{path}?tim={}",
                vntext::fold(&theirs.full_name).replace(' ', "+")
            ),
        )
        .await;
    assert!(found.contains(&walk_in), "the full name finds the walk-in");

    // Two from the sheet and the walk-in, entered at the desk; sent again
    // (a double click), nothing changes.
    let a = format!("phieu:{}", ours[0].id);
    let b = format!("phieu:{}", ours[1].id);
    let form = [
        ("csrf", csrf.as_str()),
        ("ma", "desk0001form"),
        ("nguoi", a.as_str()),
        ("nguoi", b.as_str()),
        ("nguoi", walk_in.as_str()),
    ];
    let url = format!("{path}/diem-danh");
    let r = app.post(&team, &url, &form).await;
    assert_eq!(entered(&r), "moi=3&trung=0&loi=0");
    let r = app.post(&team, &url, &form).await;
    assert_eq!(entered(&r), "moi=0&trung=3&loi=0");
    let came = app.store.attendees(id).await.unwrap();
    assert_eq!(came.len(), 3);
    let how = came
        .iter()
        .find(|x| x.resident_id == theirs.id)
        .unwrap()
        .how;
    assert_eq!(how, Some(hocvuso_domain::classes::AttendanceWay::WalkIn));
    let (_, page) = app.get(&team, &format!("{path}?moi=3&trung=0&loi=0")).await;
    assert!(page.contains("Người dự: 3") && page.contains("Đã ghi 3 người dự mới"));
    // Someone of another hamlet passed off as on the sheet is refused.
    let (_, other) = app
        .store
        .create_household_with_head(
            app.hamlets[1],
            &hocvuso_domain::NewResident {
                full_name: "Vi Văn Khách".into(),
                sex: None,
                birth: None,
                ethnicity: String::new(),
                phone: None,
                citizen_id: None,
                relation: "Chủ hộ".into(),
                notes: String::new(),
                manual_groups: vec![],
            },
            today(),
        )
        .await
        .unwrap();
    let forged = format!("phieu:{other}");
    let r = app
        .post(
            &team,
            &url,
            &[("csrf", &csrf), ("ma", "desk0002form"), ("nguoi", &forged)],
        )
        .await;
    assert_eq!(entered(&r), "moi=0&trung=0&loi=1");
    // Unreadable, empty, without the token, or a class out of reach.
    let bad = app
        .post(
            &team,
            &url,
            &[("csrf", &csrf), ("ma", "desk0003form"), ("nguoi", "ai-do")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let none = app
        .post(&team, &url, &[("csrf", &csrf), ("ma", "desk0004form")])
        .await;
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);
    let no_token = app
        .post(&team, &url, &[("ma", "desk0005form"), ("nguoi", &a)])
        .await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    let (office, office_csrf) = app.login("vhxh").await;
    let r = app
        .post(
            &office,
            "/lop",
            &[
                ("csrf", &office_csrf),
                ("chu_de", "Lớp của xóm khác"),
                ("nhiem_vu", "III.2"),
                ("dia_diem", "Hội trường"),
                ("ngay", "2026-06-05"),
                ("gio", "08:00"),
                ("xom", &app.hamlets[1].to_string()),
            ],
        )
        .await;
    let elsewhere = r.headers()["location"].to_str().unwrap().to_string();
    let r = app
        .post(
            &team,
            &format!("{elsewhere}/diem-danh"),
            &[("csrf", &csrf), ("ma", "desk0006form"), ("nguoi", &a)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.store.attendees(id).await.unwrap().len(),
        3,
        "nothing more written"
    );
    // Each entry at the desk that reached the class is audited (the two
    // sendings and the refused one), not those turned away before.
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("sua", "lop_hoc", &id.to_string())
            .await
            .unwrap(),
        3
    );
}

async fn a_hamlet_has_its_own_schedule_page() {
    let app = spawn_app().await;
    let (office, csrf) = app.login("vhxh").await;
    let next_week = (today() + chrono::Days::new(7))
        .format("%Y-%m-%d")
        .to_string();
    for (topic, hamlet) in [
        ("Học VNeID ở xóm đầu", app.hamlets[0]),
        ("Học VNeID ở xóm sau", app.hamlets[1]),
    ] {
        let r = app
            .post(
                &office,
                "/lop",
                &[
                    ("csrf", &csrf),
                    ("chu_de", topic),
                    ("nhiem_vu", "III.2"),
                    ("dia_diem", "Nhà văn hóa"),
                    ("ngay", &next_week),
                    ("gio", "08:00"),
                    ("xom", &hamlet.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let anyone = client();
    let (_, all) = app.get(&anyone, "/lich-hoc").await;
    assert!(all.contains("ở xóm đầu") && all.contains("ở xóm sau"));
    assert!(all.contains(&format!("/lich-hoc?xom={}", app.hamlets[0])));
    let (status, one) = app
        .get(&anyone, &format!("/lich-hoc?xom={}", app.hamlets[0]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        one.contains("ở xóm đầu") && !one.contains("ở xóm sau"),
        "{one}"
    );
    assert_eq!(
        app.get(&anyone, "/lich-hoc?xom=987654").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&anyone, "/lich-hoc?xom=abc").await.0,
        StatusCode::NOT_FOUND
    );
}

async fn a_visit_place_is_recorded_only_when_the_office_turns_it_on() {
    let app = spawn_app().await;
    let (team, team_csrf) = app.login("tocnscd").await;
    let pack = pack_of(&app).await;
    let mut body = batch(&pack, "vitri-tat");
    for r in body["records"].as_array_mut().unwrap() {
        r["location"] = json!({"lat": 21.601234, "lon": 105.834567});
    }
    let (_, p) = app.get(&team, "/api/thuc-dia/xom").await;
    assert!(p.contains("\"record_location\":false"), "off by default");
    send(&app, &team, &body).await;
    // Only the office turns it on.
    let r = app
        .post(
            &team,
            "/thiet-lap/vi-tri",
            &[("csrf", &team_csrf), ("vi_tri", "bat")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (office, csrf) = app.login("vhxh").await;
    let r = app
        .post(
            &office,
            "/thiet-lap/vi-tri",
            &[("csrf", &csrf), ("vi_tri", "bat")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, setup) = app.get(&office, "/thiet-lap?xong=vi-tri-bat").await;
    assert!(setup.contains("đang bật") && setup.contains("Đã bật"));
    let (_, p) = app.get(&team, "/api/thuc-dia/xom").await;
    assert!(p.contains("\"record_location\":true"));
    let mut body = batch(&pack, "vitri-bat");
    for r in body["records"].as_array_mut().unwrap() {
        r["location"] = json!({"lat": 21.601234, "lon": 105.834567});
    }
    send(&app, &team, &body).await;
    let rows = app
        .store
        .visits_of_hamlet(app.hamlets[0], 50)
        .await
        .unwrap();
    for v in &rows {
        let want = v
            .client_id
            .starts_with("vitri-bat")
            .then_some("21.6012,105.8346");
        assert_eq!(v.location.as_deref(), want, "{}", v.client_id);
    }
    // The office sees the places behind the report; the team (no access
    // to sensitive fields) does not.
    let records = format!("/thuc-dia/so-lieu?xom={}&quy=2026Q2", app.hamlets[0]);
    let (_, page) = app.get(&office, &records).await;
    assert!(page.contains("<th>Vị trí</th>") && page.contains("21.6012,105.8346"));
    let (_, page) = app.get(&team, &records).await;
    assert!(page.contains("Các lần thăm (6)") && !page.contains("21.6012"));
    // A place that is not one is refused with the reason.
    let mut body = batch(&pack, "vitri-sai");
    body["records"][0]["location"] = json!({"lat": 200.0, "lon": 105.8});
    let (_, reply) = send(&app, &team, &body).await;
    assert_eq!(statuses(&reply)[0], "bi_tu_choi");
    // Neither chosen: refused, nothing changed. Turned off: nothing more
    // is kept.
    let r = app
        .post(&office, "/thiet-lap/vi-tri", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(app.store.field_location_on().await.unwrap());
    let r = app
        .post(
            &office,
            "/thiet-lap/vi-tri",
            &[("csrf", &csrf), ("vi_tri", "tat")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!app.store.field_location_on().await.unwrap());
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("sua", "cai_dat", "field_location")
            .await
            .unwrap(),
        2
    );
}

async fn pdf(app: &TestApp, c: &reqwest::Client, path: &str) -> (StatusCode, Vec<u8>) {
    let r = c.get(app.url(path)).send().await.unwrap();
    let status = r.status();
    if status == StatusCode::OK {
        assert_eq!(r.headers()["content-type"], "application/pdf", "{path}");
    }
    (status, r.bytes().await.unwrap().to_vec())
}

async fn cards_sheets_and_the_worklist_print_as_pdf() {
    let app = spawn_app().await;
    let (team, csrf) = app.login("tocnscd").await;
    let pack = pack_of(&app).await;
    let first = &pack.households[0].people[0];
    let (status, cards) = pdf(&app, &team, "/thuc-dia/the-hoc-vien.pdf").await;
    assert_eq!(status, StatusCode::OK);
    let people: usize = pack.households.iter().map(|h| h.people.len()).sum();
    let (status, worklist) = pdf(&app, &team, "/thuc-dia/chua-dat.pdf?moc=vneid").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = pdf(&app, &team, "/thuc-dia/chua-dat.pdf?moc=khong-co").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let other = format!("/thuc-dia/the-hoc-vien.pdf?xom={}", app.hamlets[1]);
    assert_eq!(pdf(&app, &team, &other).await.0, StatusCode::NOT_FOUND);
    let r = app
        .post(
            &team,
            "/lop",
            &[
                ("csrf", &csrf),
                ("chu_de", "Dùng VNeID"),
                ("nhiem_vu", "III.2"),
                ("dia_diem", "Nhà văn hóa xóm"),
                ("ngay", "2026-06-03"),
                ("gio", "08:00"),
            ],
        )
        .await;
    let class = r.headers()["location"].to_str().unwrap().to_string();
    let (status, sheet) = pdf(&app, &team, &format!("{class}/phieu-diem-danh.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    let Some(text) = pdf_text(&cards) else {
        eprintln!("SKIP: pdftotext not installed; the PDFs' text was not checked (apt install poppler-utils)");
        return;
    };
    assert!(text.contains(&first.name), "a card names {}", first.name);
    assert!(text.contains(&format!("HV-{}", first.id)));
    assert_eq!(
        text.matches("THẺ HỌC VIÊN").count(),
        people,
        "one card per person"
    );
    assert_eq!(
        text.matches('\x0c').count(),
        people.div_ceil(10),
        "ten cards a page"
    );
    let text = pdf_text(&worklist).unwrap();
    assert!(text.contains("KHÔNG ĐỂ AI BỊ BỎ LẠI PHÍA SAU"));
    assert!(
        text.contains(&format!("{people} người chưa đạt mốc «Đã cài VNeID»")),
        "{text}"
    );
    let text = pdf_text(&sheet).unwrap();
    assert!(
        text.contains("PHIẾU ĐIỂM DANH") && text.contains("Dùng VNeID"),
        "{text}"
    );
}

async fn a_resident_says_which_milestones_they_reached() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("nguoidan").await;
    let me = app.resident_in(app.hamlets[1]).await;
    let (_, page) = app.get(&c, &format!("/cu-dan/{}", me.id)).await;
    assert!(page.contains("Bạn đã tự làm được việc nào"), "{page}");
    let form = [
        ("csrf", csrf.as_str()),
        ("moc", "vneid"),
        ("moc", "ai"),
        ("moc", "vneid"),
    ];
    let r = app.post(&c, &format!("/cu-dan/{}/moc", me.id), &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let m = app.store.milestones_of(me.id).await.unwrap();
    assert_eq!(m.len(), 2);
    assert!(m
        .iter()
        .all(|r| r.source == Some(hocvuso_domain::field::MilestoneSource::SelfReport)));
    let (_, page) = app.get(&c, &format!("/cu-dan/{}", me.id)).await;
    assert!(
        page.contains("Đã cài VNeID") && page.contains("Người dân tự khai"),
        "{page}"
    );
    // Nothing ticked, or a made-up milestone: refused, nothing written.
    let r = app
        .post(
            &c,
            &format!("/cu-dan/{}/moc", me.id),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &c,
            &format!("/cu-dan/{}/moc", me.id),
            &[("csrf", csrf.as_str()), ("moc", "bay")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // The form takes a form's limit, not the sync's megabyte.
    let big = "moc=ai&".repeat(hocvuso_web::FORM_BODY_LIMIT / 7 + 1);
    let r = c
        .post(app.url(&format!("/cu-dan/{}/moc", me.id)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&{big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Someone else's record: not found.
    let other = app.resident_in(app.hamlets[0]).await;
    let r = app
        .post(
            &c,
            &format!("/cu-dan/{}/moc", other.id),
            &[("csrf", csrf.as_str()), ("moc", "ai")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(app.store.milestones_of(other.id).await.unwrap().is_empty());
    // The office sees them on the person's page, with no form to declare.
    let (office, _) = app.login("vhxh").await;
    let (_, page) = app.get(&office, &format!("/cu-dan/{}", me.id)).await;
    assert!(page.contains("Mốc kỹ năng số") && page.contains("Đã dùng công cụ AI cho việc thật"));
    assert!(!page.contains("Bạn đã tự làm được việc nào"));
}

on_both_engines!(
    the_desk_enters_a_paper_sheet_and_a_walk_in_from_another_hamlet,
    a_hamlet_has_its_own_schedule_page,
    a_visit_place_is_recorded_only_when_the_office_turns_it_on,
    a_resident_says_which_milestones_they_reached,
    cards_sheets_and_the_worklist_print_as_pdf,
    a_class_is_added_listed_and_its_attendance_synced,
    the_team_loads_its_own_hamlet_and_no_other,
    a_batch_sent_twice_over_http_changes_nothing_sync,
    sync_refuses_a_request_from_another_site_and_too_big_a_batch,
    a_connection_cut_at_any_point_leaves_one_copy_sync[multi_thread],
);
