//! Issue 12: what one client can make the server do. Oversized bodies are
//! refused before they are read, the assistant's conversation is bounded
//! field by field, only the asker can rate an answer, anonymous questions
//! are rate-limited per address, and a hostile column number in the import
//! wizard is refused without breaking later imports.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;
use reqwest::StatusCode;

/// A visitor's chat page: the client (with its chat cookie) and the form's token.
async fn chat_client(app: &TestApp) -> (reqwest::Client, String) {
    let c = client();
    let (status, page) = app.get(&c, "/tro-ly").await;
    assert_eq!(status, StatusCode::OK);
    (c, csrf_of(&page))
}

/// The value of the hidden field `name` in a page (the first one), unescaped.
fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(
        html[start..]
            .split('"')
            .next()?
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&amp;", "&"),
    )
}

async fn ask(
    app: &TestApp,
    c: &reqwest::Client,
    fields: &[(&str, &str)],
) -> Result<(StatusCode, String), reqwest::Error> {
    let r = c.post(app.url("/tro-ly")).form(fields).send().await?;
    let status = r.status();
    Ok((status, r.text().await.unwrap_or_default()))
}

async fn a_huge_chat_history_is_refused_and_a_real_conversation_still_works() {
    let app = spawn_app().await;
    let (c, csrf) = chat_client(&app).await;
    // 2 MB of "history" in one turn, without logging in.
    let huge = serde_json::to_string(&vec!["khai sinh ".repeat(200_000)]).unwrap();
    assert!(huge.len() > 2_000_000);
    let refused = ask(
        &app,
        &c,
        &[
            ("csrf", csrf.as_str()),
            ("q", "phí bao nhiêu"),
            ("lich_su", huge.as_str()),
            ("ma", "[]"),
        ],
    )
    .await
    .unwrap();
    assert!(
        matches!(
            refused.0,
            StatusCode::PAYLOAD_TOO_LARGE | StatusCode::BAD_REQUEST
        ),
        "status {}",
        refused.0
    );
    assert!(refused.1.contains("quá lớn"), "{}", refused.1);
    assert!(!refused.1.contains("1.001193"), "nothing was answered");

    // The JSON API takes no more than the form.
    let body = serde_json::json!({ "turns": ["khai sinh ".repeat(200_000)] }).to_string();
    let r = client()
        .post(app.url("/api/tro-ly"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().await.unwrap().contains("quá lớn"));

    // An ordinary conversation of two turns still answers.
    let (status, html) = ask(
        &app,
        &c,
        &[
            ("csrf", csrf.as_str()),
            ("q", "lam giay khai sinh o dau"),
            ("lich_su", "[]"),
            ("ma", "[]"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("1.001193"), "{html}");
    let history = hidden(&html, "lich_su").unwrap();
    let ids = hidden(&html, "ma").unwrap();
    let mut fields = vec![
        ("csrf", csrf.clone()),
        ("q", "còn phí?".to_string()),
        ("lich_su", history),
        ("ma", ids),
    ];
    if let Some(sigs) = hidden(&html, "ma_ky") {
        fields.push(("ma_ky", sigs));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, html) = ask(&app, &c, &fields).await.unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.matches("1.001193").count() >= 2,
        "the follow-up stays on khai sinh: {html}"
    );
}

async fn a_history_with_too_many_or_too_long_turns_is_refused() {
    let app = spawn_app().await;
    let (c, csrf) = chat_client(&app).await;
    let too_many = serde_json::to_string(&vec!["khai sinh"; 21]).unwrap();
    let too_long = serde_json::to_string(&vec!["khai sinh ".repeat(51)]).unwrap();
    // Within the body's limit, but more than one field may hold.
    let too_big = serde_json::to_string(&vec!["k".repeat(4000); 20]).unwrap();
    for (what, history) in [
        ("21 turns", too_many),
        ("a turn of 510 characters", too_long),
        ("80 KB of history", too_big),
    ] {
        let (status, html) = ask(
            &app,
            &c,
            &[
                ("csrf", csrf.as_str()),
                ("q", "phí bao nhiêu"),
                ("lich_su", history.as_str()),
                ("ma", "[]"),
            ],
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {html}");
        assert!(html.contains("Cuộc hỏi quá dài"), "{what}: {html}");
    }
    // Twenty turns of 500 characters is a conversation the page itself keeps.
    let full = serde_json::to_string(&vec!["chứng thực bản sao ".repeat(25); 20]).unwrap();
    let (status, html) = ask(
        &app,
        &c,
        &[
            ("csrf", csrf.as_str()),
            ("q", "phí bao nhiêu"),
            ("lich_su", full.as_str()),
            ("ma", "[]"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
}

async fn every_router_refuses_a_body_larger_than_its_forms() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let big = "x".repeat(1024 * 1024);
    let units = app.store.list_units().await.unwrap();
    let unit = units[0].id;
    for path in [
        "/dang-nhap".to_string(),
        "/doi-mat-khau".to_string(),
        "/hoc/dien-thoai-thong-minh/kiem-tra".to_string(),
        format!("/bao-cao/don-vi/{unit}"),
        "/mo-hinh".to_string(),
        "/tro-ly/thu-tuc/1.000894".to_string(),
        "/nhap/khong-co/anh-xa".to_string(),
        "/nhap/khong-co/xac-nhan".to_string(),
    ] {
        let r = admin
            .post(app.url(&path))
            .form(&[("csrf", csrf.as_str()), ("x", big.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let text = r.text().await.unwrap();
        assert!(text.contains("quá lớn"), "{path}: {text}");
    }
}

async fn a_unit_report_with_long_narratives_still_fits() {
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
        hocvuso_domain::Role::UnitReporter { unit_id: centre.id },
        false,
    )
    .await;
    let (c, _) = app.login("hcc").await;
    let url = format!("/bao-cao/don-vi/{}", centre.id);
    let (_, form) = app.get(&c, &url).await;
    let csrf = csrf_of(&form);
    // Three narrative parts of 4,000 characters, each one three bytes in UTF-8.
    let long = "ệ".repeat(4000);
    let r = app
        .post(
            &c,
            &url,
            &[
                ("csrf", csrf.as_str()),
                ("quy", "2026Q2"),
                ("so_can_bo", "12"),
                ("ket_qua", long.as_str()),
                ("kho_khan", long.as_str()),
                ("de_xuat", long.as_str()),
                ("hanh_dong", "luu"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

// ---------------------------------------------------------------- ratings

async fn only_the_asker_can_rate_an_answer() {
    let app = spawn_app().await;
    // Someone asks; their question gets a log id.
    let (a, a_csrf) = chat_client(&app).await;
    let (_, a_html) = ask(
        &app,
        &a,
        &[
            ("csrf", a_csrf.as_str()),
            ("q", "lam giay khai sinh o dau"),
            ("lich_su", "[]"),
            ("ma", "[]"),
        ],
    )
    .await
    .unwrap();
    let a_id: i64 = hidden(&a_html, "id").unwrap().parse().unwrap();
    // Another visitor claims it as one of theirs.
    let (b, b_csrf) = chat_client(&app).await;
    let list = format!("[{a_id}]");
    let r = b
        .post(app.url("/tro-ly/danh-gia"))
        .form(&[
            ("csrf", b_csrf.as_str()),
            ("id", a_id.to_string().as_str()),
            ("rating", "-1"),
            ("lich_su", "[\"lam giay khai sinh o dau\"]"),
            ("ma", list.as_str()),
            ("ma_ky", "[\"00\"]"),
            ("chu_ky", "00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "a forged rating");
    assert!(r.text().await.unwrap().contains("Đánh giá không hợp lệ"));
    let rated = |rows: Vec<hocvuso_storage::QuestionRow>, id: i64| {
        rows.into_iter().find(|q| q.id == id).and_then(|q| q.rating)
    };
    assert_eq!(
        rated(app.store.questions_needing_review(100).await.unwrap(), a_id),
        None,
        "nothing stored"
    );
    // The asker's own signature does not travel to another visitor either.
    let a_sig = hidden(&a_html, "chu_ky").unwrap();
    let a_sigs = hidden(&a_html, "ma_ky").unwrap();
    let r = b
        .post(app.url("/tro-ly/danh-gia"))
        .form(&[
            ("csrf", b_csrf.as_str()),
            ("id", a_id.to_string().as_str()),
            ("rating", "-1"),
            ("lich_su", "[]"),
            ("ma", list.as_str()),
            ("ma_ky", a_sigs.as_str()),
            ("chu_ky", a_sig.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "a borrowed signature");
    assert_eq!(
        rated(app.store.questions_needing_review(100).await.unwrap(), a_id),
        None
    );
    // The asker rates their own answer from the page's form.
    let history = hidden(&a_html, "lich_su").unwrap();
    let r = a
        .post(app.url("/tro-ly/danh-gia"))
        .form(&[
            ("csrf", a_csrf.as_str()),
            ("id", a_id.to_string().as_str()),
            ("rating", "-1"),
            ("lich_su", history.as_str()),
            ("ma", list.as_str()),
            ("ma_ky", a_sigs.as_str()),
            ("chu_ky", a_sig.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("Cảm ơn bạn đã đánh giá"), "{html}");
    assert!(html.contains("1.001193"), "the conversation is shown again");
    assert_eq!(
        rated(app.store.questions_needing_review(100).await.unwrap(), a_id),
        Some(-1)
    );
}

// ---------------------------------------------------------------- rate limit

/// Send these requests all at once; their statuses and bodies, in order.
async fn all_at_once(
    requests: Vec<reqwest::RequestBuilder>,
) -> Vec<(StatusCode, Option<String>, String)> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| {
            tokio::spawn(async move {
                let r = r.send().await.unwrap();
                let wait = r
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_string());
                (r.status(), wait, r.text().await.unwrap())
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn anonymous_questions_are_rate_limited_per_address() {
    let app = spawn_app().await;
    let burst = hocvuso_web::assistant::ANONYMOUS_BURST as usize;
    let question = serde_json::json!({"turns": ["chứng thực bản sao phí bao nhiêu"]});
    // A burst from one address: the API and the chat form draw on one allowance.
    let c = client();
    let (f, csrf) = chat_client(&app).await;
    let mut burst_requests: Vec<reqwest::RequestBuilder> = (0..burst)
        .map(|_| c.post(app.url("/api/tro-ly")).json(&question))
        .collect();
    burst_requests.extend((0..5).map(|_| {
        f.post(app.url("/tro-ly")).form(&[
            ("csrf", csrf.as_str()),
            ("q", "khai sinh"),
            ("lich_su", "[]"),
            ("ma", "[]"),
        ])
    }));
    let answers = all_at_once(burst_requests).await;
    let answered = answers.iter().filter(|a| a.0 == StatusCode::OK).count();
    let refused: Vec<_> = answers
        .iter()
        .filter(|a| a.0 == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(answered + refused.len(), burst + 5, "{answers:?}");
    assert!(
        answered >= burst && !refused.is_empty(),
        "{answered} answered of {} questions, {} refused",
        burst + 5,
        refused.len()
    );
    for (_, wait, body) in &refused {
        let wait: u64 = wait.as_deref().unwrap_or("").parse().unwrap();
        assert!(wait >= 1);
        assert!(body.contains("hỏi quá nhiều"), "{body}");
    }
    // A logged-in user on the same address has an allowance of their own.
    let (user, _) = app.login("tocnscd").await;
    let answers = all_at_once(
        (0..burst + 1)
            .map(|_| user.post(app.url("/api/tro-ly")).json(&question))
            .collect(),
    )
    .await;
    assert!(
        answers.iter().all(|a| a.0 == StatusCode::OK),
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------- import

async fn upload_csv(app: &TestApp, c: &reqwest::Client, csrf: &str) -> String {
    let hamlet = app.store.list_hamlets().await.unwrap()[0].name.clone();
    let csv = format!(
        "Họ và tên;Ngày sinh;Giới tính;Xóm;Cột lạ\n\
         Nguyễn Văn An;01/02/1990;Nam;{hamlet};x\n"
    );
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("ds.csv"),
        );
    let r = c
        .post(app.url("/nhap"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn remap(
    app: &TestApp,
    c: &reqwest::Client,
    preview: &str,
    fields: &[(&str, &str)],
) -> Result<(StatusCode, String), reqwest::Error> {
    let r = c
        .post(app.url(&format!("{preview}/anh-xa")))
        .form(fields)
        .send()
        .await?;
    let status = r.status();
    Ok((status, r.text().await.unwrap_or_default()))
}

async fn a_column_number_past_the_sheet_is_refused_and_imports_keep_working() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let preview = upload_csv(&app, &c, &csrf).await;
    let (status, page) = app.get(&c, &preview).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("có cột chưa nhận ra"), "{page}");
    for field in ["col_18446744073709551615", "col_5", "col_-1", "col_x"] {
        let r = remap(
            &app,
            &c,
            &preview,
            &[
                ("csrf", csrf.as_str()),
                ("col_4", "ghi_chu"),
                (field, "ho_ten"),
            ],
        )
        .await
        .map(|(s, body)| (s, body.contains("Cột")));
        assert_eq!(r.ok(), Some((StatusCode::BAD_REQUEST, true)), "{field}");
        // Nothing changed, and the preview still answers.
        let (status, page) = app.get(&c, &preview).await;
        assert_eq!(status, StatusCode::OK, "after {field}: {page}");
        assert!(page.contains("có cột chưa nhận ra"), "after {field}");
    }
    // Another upload still works too, and so does a real mapping.
    let other = upload_csv(&app, &c, &csrf).await;
    assert_eq!(app.get(&c, &other).await.0, StatusCode::OK);
    let (status, _) = remap(
        &app,
        &c,
        &preview,
        &[("csrf", csrf.as_str()), ("col_4", "ghi_chu")],
    )
    .await
    .unwrap();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = app.get(&c, &preview).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("có cột chưa nhận ra"), "{page}");
}

async fn a_column_number_of_a_trillion_allocates_nothing() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let preview = upload_csv(&app, &c, &csrf).await;
    let r = remap(
        &app,
        &c,
        &preview,
        &[("csrf", csrf.as_str()), ("col_1000000000000", "ho_ten")],
    )
    .await
    .map(|(s, _)| s);
    assert_eq!(r.ok(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(app.get(&c, &preview).await.0, StatusCode::OK);
}

/// A minimal .xlsx whose sheet inflates to 64 MiB while its ZIP headers
/// declare 4 KiB (issue 12, item 2, at a test's size).
fn lying_xlsx() -> Vec<u8> {
    use std::io::Write;
    let sheet = "xl/worksheets/sheet1.xml";
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("[Content_Types].xml", opts).unwrap();
        z.write_all(b"<Types/>").unwrap();
        z.start_file(sheet, opts).unwrap();
        let pad = vec![b' '; 1 << 20];
        for _ in 0..64 {
            z.write_all(&pad).unwrap();
        }
        z.finish().unwrap();
    }
    let mut bytes = out.into_inner();
    let name = sheet.as_bytes();
    for i in 0..bytes.len().saturating_sub(46) {
        if bytes[i..].starts_with(b"PK\x03\x04") && bytes[i + 30..].starts_with(name) {
            bytes[i + 22..i + 26].copy_from_slice(&4096u32.to_le_bytes());
        }
        if bytes[i..].starts_with(b"PK\x01\x02") && bytes[i + 46..].starts_with(name) {
            bytes[i + 24..i + 28].copy_from_slice(&4096u32.to_le_bytes());
        }
    }
    bytes
}

/// The load test's attacker (docs/benchmarks.md) waited for each refusal and
/// sent the next at once: thousands a minute, each costing the other users
/// CPU. A refusal that no form of ours causes is now answered only after a
/// second, so such a script sends one a second per connection; a mistake an
/// office makes (a file without a header row) is answered as before.
async fn hostile_refusals_are_answered_late_and_still_refused() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("vhxh").await;
    let preview = upload_csv(&app, &c, &csrf).await;
    let late = hocvuso_web::refusal::HOSTILE_DELAY;

    // Item 3: a column number past the sheet.
    let t = std::time::Instant::now();
    let (status, page) = remap(
        &app,
        &c,
        &preview,
        &[
            ("csrf", csrf.as_str()),
            ("col_18446744073709551615", "ho_ten"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("không có trong trang tính"), "{page}");
    assert!(t.elapsed() >= late, "answered after {:?}", t.elapsed());

    // Item 2: a sheet that inflates past what its headers declare.
    let t = std::time::Instant::now();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(lying_xlsx()).file_name("ds.xlsx"),
        );
    let r = c
        .post(app.url("/nhap"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("giải nén quá lớn"));
    assert!(t.elapsed() >= late, "answered after {:?}", t.elapsed());

    // Item 1: a body over the route's limit, without logging in.
    let (anon, chat_csrf) = chat_client(&app).await;
    let t = std::time::Instant::now();
    let big = "k".repeat(300 * 1024);
    let (status, page) = ask(
        &app,
        &anon,
        &[
            ("csrf", chat_csrf.as_str()),
            ("q", "phí"),
            ("lich_su", big.as_str()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.contains("quá lớn"), "{page}");
    assert!(t.elapsed() >= late, "answered after {:?}", t.elapsed());

    // The wizard still works for the same office afterwards.
    let (status, page) = app.get(&c, &preview).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("có cột chưa nhận ra"), "{page}");
}

on_both_engines!(
    a_huge_chat_history_is_refused_and_a_real_conversation_still_works,
    a_history_with_too_many_or_too_long_turns_is_refused,
    every_router_refuses_a_body_larger_than_its_forms,
    a_unit_report_with_long_narratives_still_fits,
    only_the_asker_can_rate_an_answer,
    anonymous_questions_are_rate_limited_per_address,
    a_column_number_past_the_sheet_is_refused_and_imports_keep_working,
    a_column_number_of_a_trillion_allocates_nothing,
    hostile_refusals_are_answered_late_and_still_refused,
);
