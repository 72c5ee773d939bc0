//! Learning on the web: the public, light courses and lessons, a quiz
//! passed once with a certificate anyone can verify, and a team member
//! recording a class's results within their hamlet.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::Role;
use reqwest::StatusCode;

mod common;
use common::*;

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
    // A lesson with a law in it says until when it is right, and names the
    // text even where no address of it could be given.
    let l = cat
        .course("ky-nang-so-hoc-sinh")
        .unwrap()
        .lessons
        .iter()
        .find(|l| l.as_of.is_some())
        .unwrap();
    let (status, page2) = app
        .get(&c, &format!("/hoc/ky-nang-so-hoc-sinh/{}", l.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    let as_of = l.as_of.unwrap().format("%d/%m/%Y").to_string();
    assert!(
        page2.contains(&format!("Nội dung đúng đến ngày {as_of}")),
        "{page2}"
    );
    assert!(page2.contains("147/2024/NĐ-CP"));
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

on_both_engines!(
    courses_and_lessons_are_public_light_and_work_offline,
    a_resident_passes_a_quiz_once_gets_a_certificate_anyone_can_verify,
    a_team_member_records_a_class_result_only_within_their_hamlet,
);
