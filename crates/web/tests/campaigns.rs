//! Outreach campaigns (issue 15, task III.1): the office writes one; its
//! loudspeaker script says whom and when with its reading time; its poster
//! carries a QR code that decodes (rendered with pdftoppm, read with rqrr)
//! to the short link, which counts one opening and leads to the public
//! page, open without login; the plan's task III.1 counts the campaign.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use reqwest::StatusCode;

/// The text of the QR codes on the first page of `pdf`.
fn qr_codes_of(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = dir.path().join("p");
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "100", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&file)
        .arg(&out)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    // A binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
    let pgm = std::fs::read(dir.path().join("p.pgm")).unwrap();
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).to_string());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[i + 1..];
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

async fn a_campaign_makes_its_materials_and_its_link_is_counted() {
    let app = spawn_app().await;
    let (office, csrf) = app.login("vhxh").await;
    let hamlet = app.hamlets[0].to_string();
    let form = |title: &'static str, to: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("ten", title.to_string()),
            (
                "noi_dung",
                "Công an xã hướng dẫn kích hoạt VNeID mức 2 tại nhà văn hóa.\nMang theo căn cước."
                    .into(),
            ),
            ("kenh", "truyen_thanh".into()),
            ("kenh", "zalo".into()),
            ("xom", hamlet.clone()),
            ("tu", "2026-05-25".into()),
            ("den", to.to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        let office = &office;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post(office, "/chien-dich", &f).await
        }
    };
    // The end before the start: the page again with what to fix.
    let r = post(form("Tuần lễ VNeID", "2026-05-20")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Ngày kết thúc ở trước ngày bắt đầu"));
    assert!(
        app.store.campaigns().await.unwrap().is_empty(),
        "nothing written"
    );
    let r = post(form("Tuần lễ VNeID mức 2", "2026-06-14")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let c = app.store.campaigns().await.unwrap().remove(0);
    assert_eq!(c.hamlets.len(), 1);
    let (_, list) = app.get(&office, "/chien-dich").await;
    assert!(
        list.contains("Tuần lễ VNeID mức 2")
            && list.contains("Nhóm Zalo")
            && list.contains("0</strong> lượt mở")
    );

    // The loudspeaker script.
    let (status, script) = app
        .get(&office, &format!("/chien-dich/{}/loa.txt", c.link_code))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(script.starts_with("(Đọc khoảng "), "{script}");
    assert!(
        script.contains("Kính thưa bà con nhân dân")
            && script.contains("từ ngày 25/05/2026 đến ngày 14/06/2026")
    );

    // The poster's QR code is the short link.
    let r = office
        .get(app.url(&format!("/chien-dich/{}/ap-phich.pdf", c.link_code)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let codes = qr_codes_of(&r.bytes().await.unwrap());
    let link = format!("{}/l/{}", app.base, c.link_code);
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0], link);

    // Anyone scanning it: one opening counted, then the public page.
    let anyone = client();
    let r = anyone.get(&link).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let public = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(public, format!("/chien-dich/{}", c.link_code));
    let (status, page) = app.get(&anyone, &public).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Mang theo căn cước.") && page.contains("/lich-hoc"));
    assert!(page.len() < 50 * 1024, "{} bytes", page.len());
    assert_eq!(
        app.store
            .campaign_by_link(&c.link_code)
            .await
            .unwrap()
            .unwrap()
            .opens,
        1
    );
    // The public page itself counts nothing; an unknown code is not found.
    assert_eq!(
        app.store
            .campaign_by_link(&c.link_code)
            .await
            .unwrap()
            .unwrap()
            .opens,
        1
    );
    assert_eq!(
        anyone
            .get(app.url("/l/abcdefgh"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&anyone, "/chien-dich/khong-co").await.0,
        StatusCode::NOT_FOUND
    );
    // The materials are the staff's; a resident is refused.
    let (resident, _) = app.login("nguoidan").await;
    assert_eq!(
        app.get(&resident, "/chien-dich").await.0,
        StatusCode::FORBIDDEN
    );

    // The plan's outreach task counts it.
    let (_, task) = app.get(&office, "/ke-hoach/III.1").await;
    assert!(
        task.contains("<li>1 chiến dịch tuyên truyền</li>"),
        "{task}"
    );
    // Making it is audited.
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("tao", "chien_dich", &c.id.to_string())
            .await
            .unwrap(),
        1
    );
}

/// A campaign's reach, each count shown as what it is: the short link's
/// opens, presences at the classes held for it (from attendance), and what
/// a hamlet reported by hand; a bad number is refused, nothing written.
async fn a_campaigns_reach_is_counted_from_its_classes_and_the_hamlets_reports() {
    let app = spawn_app().await;
    let (office, csrf) = app.login("vhxh").await;
    let hamlet = app.hamlets[0].to_string();
    let r = app
        .post(
            &office,
            "/chien-dich",
            &[
                ("csrf", csrf.as_str()),
                ("ten", "Tuần lễ thanh toán không tiền mặt"),
                (
                    "noi_dung",
                    "Ngân hàng hướng dẫn mở tài khoản tại nhà văn hóa.",
                ),
                ("kenh", "hop_xom"),
                ("tu", "2026-06-01"),
                ("den", "2026-06-30"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let c = app.store.campaigns().await.unwrap().remove(0);
    let day = (today() + chrono::Days::new(2)).to_string();
    let cid = c.id.to_string();
    let r = app
        .post(
            &office,
            "/lop",
            &[
                ("csrf", csrf.as_str()),
                ("chu_de", "Mở tài khoản ngân hàng trên điện thoại"),
                ("nhiem_vu", "III.2"),
                ("xom", hamlet.as_str()),
                ("dia_diem", "Nhà văn hóa"),
                ("ngay", day.as_str()),
                ("gio", "08:00"),
                ("chien_dich", cid.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{:?}", r.text().await);
    let path = r.headers()["location"].to_str().unwrap().to_string();
    let people = app
        .store
        .list_residents(
            hocvuso_domain::ResidentScope::Hamlet(app.hamlets[0]),
            &hocvuso_domain::ResidentFilter::default(),
            1,
            2,
        )
        .await
        .unwrap()
        .items;
    let (a, b) = (
        format!("phieu:{}", people[0].id),
        format!("phieu:{}", people[1].id),
    );
    let r = app
        .post(
            &office,
            &format!("{path}/diem-danh"),
            &[
                ("csrf", csrf.as_str()),
                ("ma", "reach0001form"),
                ("nguoi", &a),
                ("nguoi", &b),
            ],
        )
        .await;
    assert!(r.status().is_redirection());
    // A class for a campaign that is none: refused, nothing written.
    let before = app.store.campaign_reach().await.unwrap();
    let r = app
        .post(
            &office,
            "/lop",
            &[
                ("csrf", csrf.as_str()),
                ("chu_de", "Buổi khác"),
                ("nhiem_vu", "III.2"),
                ("dia_diem", "Nhà văn hóa"),
                ("ngay", day.as_str()),
                ("gio", "09:00"),
                ("chien_dich", "987654"),
            ],
        )
        .await;
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Chọn chiến dịch trong danh sách"));
    assert_eq!(app.store.campaign_reach().await.unwrap(), before);

    // The hamlet's hand report; a number that is none is refused.
    let report = format!("/chien-dich/{}/bao-cao", c.link_code);
    let r = app
        .post(
            &office,
            &report,
            &[
                ("csrf", csrf.as_str()),
                ("xom", hamlet.as_str()),
                ("so_nguoi", "nhiều"),
            ],
        )
        .await;
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Số người phải là một số nguyên"));
    let r = app
        .post(
            &office,
            &report,
            &[
                ("csrf", csrf.as_str()),
                ("xom", hamlet.as_str()),
                ("so_nguoi", "45"),
                ("ghi_chu", "Họp xóm tháng 6"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // One opening of the short link.
    client()
        .get(app.url(&format!("/l/{}", c.link_code)))
        .send()
        .await
        .unwrap();

    let reach = app.store.campaign_reach().await.unwrap();
    assert_eq!(
        (
            reach[0].classes,
            reach[0].presences,
            reach[0].reported_people,
            reach[0].reports
        ),
        (1, 2, 45, 1)
    );
    let (_, page) = app.get(&office, "/chien-dich").await;
    for line in [
        "<strong>1</strong> lượt mở đường dẫn ngắn (đếm số lần mở, không biết ai mở)",
        "<strong>2</strong> lượt dự ở 1 buổi học thuộc chiến dịch (từ điểm danh)",
        "<strong>45</strong> người theo 1 báo cáo của xóm (xóm tự báo cáo, chưa kiểm đếm)",
    ] {
        assert!(page.contains(line), "{line} missing:\n{page}");
    }
}

on_both_engines!(
    a_campaign_makes_its_materials_and_its_link_is_counted,
    a_campaigns_reach_is_counted_from_its_classes_and_the_hamlets_reports,
);
