//! The registry's spreadsheets: the import wizard (legacy encodings, a
//! second import adding nothing), malformed files and bad rows refused
//! before anything is written, and the audited export for the office.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::ResidentFilter;
use reqwest::StatusCode;

mod common;
use common::*;

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

on_both_engines!(
    import_wizard_converts_tcvn3_and_a_second_import_adds_nothing,
    malformed_files_are_refused_and_nothing_is_written,
    a_file_with_bad_rows_lists_them_and_cannot_be_confirmed,
    export_is_an_audited_xlsx_for_the_office_only,
);
