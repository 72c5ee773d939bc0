//! Issue 15: reminders and who to ask. From five days before the deadline a
//! unit whose report is not in gets the reminder by email once per quarter
//! (through a mail server the test runs), the same text the board offers
//! for Zalo; a send that fails is tried again, not lost. A hamlet's public
//! "who to ask" page names its team and shows only the numbers members
//! agreed to publish.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use chrono::NaiveDate;
use hocvuso_domain::UnitType;
use hocvuso_web::mail::SmtpConfig;
use hocvuso_web::WebConfig;
use reqwest::StatusCode;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

async fn app_mailing(on: NaiveDate, url: &str) -> TestApp {
    spawn_app_config(WebConfig {
        today: Some(on),
        smtp: Some(SmtpConfig {
            url: url.to_string(),
            from: "UBND xã Dân Tiến <vhxh.dantien@example.vn>".into(),
        }),
        ..Default::default()
    })
    .await
}

/// The text of a message as its reader sees it: headers, then the body
/// decoded from base64 or quoted-printable, whichever the sender chose.
fn readable(message: &str) -> String {
    let (head, body) = message.split_once("\n\n").unwrap_or((message, ""));
    let body = if head.contains("Content-Transfer-Encoding: base64") {
        use base64::Engine;
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap(),
        )
        .unwrap()
    } else if head.contains("Content-Transfer-Encoding: quoted-printable") {
        let soft = body.replace("=\n", "");
        let mut out = Vec::new();
        let b = soft.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'=' && i + 2 < b.len() {
                out.push(u8::from_str_radix(&soft[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    } else {
        body.to_string()
    };
    format!("{head}\n\n{body}")
}

/// Post a form and follow its redirect: (status of the post, page after).
async fn submit(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let r = app.post(c, path, form).await;
    let status = r.status();
    if status.is_redirection() {
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let (_, page) = app.get(c, &to).await;
        return (status, page);
    }
    (status, r.text().await.unwrap())
}

async fn unit_of(app: &TestApp, t: UnitType) -> hocvuso_domain::Unit {
    app.store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit_type == t)
        .unwrap()
}

async fn units_still_to_report_are_emailed_once_from_five_days_before() {
    let smtp = FakeSmtp::start().await;
    // Reports of quarter II are due before 15/06; reminders from 10/06.
    let app = app_mailing(day(6, 11), &smtp.url).await;
    let (office, csrf) = app.login("vhxh").await;
    let police = unit_of(&app, UnitType::Police).await;
    let school = unit_of(&app, UnitType::School).await;

    // An address that is none is refused, nothing saved.
    let r = app
        .post(
            &office,
            &format!("/don-vi/{}/email", police.id),
            &[("csrf", &csrf), ("email", "công an xã")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("không phải địa chỉ email"));
    assert!(app.store.unit_emails().await.unwrap().is_empty());
    for (unit, email) in [
        (&police, "CongAn.DanTien@example.vn"),
        (&school, "thcs.dantien@example.vn"),
    ] {
        let (status, page) = submit(
            &app,
            &office,
            &format!("/don-vi/{}/email", unit.id),
            &[("csrf", &csrf), ("email", email)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(page.contains("Đã lưu địa chỉ email"), "{page}");
    }
    let (_, page) = app.get(&office, &format!("/don-vi/{}", police.id)).await;
    assert!(
        page.contains("value=\"congan.dantien@example.vn\""),
        "{page}"
    );
    // The school has reported: it is not reminded.
    let at = day(6, 8).and_hms_opt(3, 0, 0).unwrap().and_utc();
    app.store
        .save_unit_report(school.id, "2026Q2", "{}", "{}", None, true, at)
        .await
        .unwrap();

    let (_, board) = app.get(&office, "/bao-cao?quy=2026Q2").await;
    assert!(
        board.contains("từ ngày <strong>10/06/2026</strong>"),
        "{board}"
    );
    assert!(board.contains("đang trong thời gian nhắc"), "{board}");
    assert!(board.contains("Gửi email nhắc ngay (1 đơn vị)"), "{board}");
    // The Zalo text names the police among those still to report, not the school.
    let zalo = board
        .split("<textarea readonly rows=\"6\">")
        .nth(1)
        .unwrap()
        .split("</textarea>")
        .next()
        .unwrap();
    assert!(zalo.contains("Công an xã") && zalo.contains("trước ngày 15/06/2026"));
    assert!(!zalo.contains(&school.name), "{zalo}");

    let (status, after) = submit(
        &app,
        &office,
        "/bao-cao/nhac-email",
        &[("csrf", &csrf), ("quy", "2026Q2")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(after.contains("Đã gửi email nhắc tới 1 đơn vị."), "{after}");
    assert!(after.contains("Đã gửi: Công an xã (11/06/2026)"), "{after}");
    let mails = smtp.taken();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = readable(&mails[0]);
    assert!(mail.contains("To: congan.dantien@example.vn"), "{mail}");
    assert!(mail.contains("Kính gửi: Công an xã."), "{mail}");
    assert!(mail.contains("quý II năm 2026") && mail.contains("trước ngày 15/06/2026"));

    // Once per quarter: asking again, or the hourly round, sends nothing.
    let (_, again) = submit(
        &app,
        &office,
        "/bao-cao/nhac-email",
        &[("csrf", &csrf), ("quy", "2026Q2")],
    )
    .await;
    assert!(again.contains("Không có thư nào phải gửi"), "{again}");
    assert_eq!(smtp.taken().len(), 1);

    // A resident cannot send reminders.
    let (resident, rcsrf) = app.login("nguoidan").await;
    let r = app
        .post(
            &resident,
            "/bao-cao/nhac-email",
            &[("csrf", &rcsrf), ("quy", "2026Q2")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn nothing_is_emailed_before_the_window_and_a_failed_send_is_tried_again() {
    // Before 10/06: nothing goes, even when asked.
    let smtp = FakeSmtp::start().await;
    let app = app_mailing(day(6, 1), &smtp.url).await;
    let (office, csrf) = app.login("vhxh").await;
    let police = unit_of(&app, UnitType::Police).await;
    app.store
        .set_unit_email(police.id, Some("congan@example.vn"))
        .await
        .unwrap();
    let (_, board) = app.get(&office, "/bao-cao?quy=2026Q2").await;
    assert!(!board.contains("đang trong thời gian nhắc"), "{board}");
    assert!(!board.contains("Gửi email nhắc ngay"), "{board}");
    app.post(
        &office,
        "/bao-cao/nhac-email",
        &[("csrf", &csrf), ("quy", "2026Q2")],
    )
    .await;
    assert!(smtp.taken().is_empty());

    // A mail server that does not answer: the reminder is not marked sent.
    let app = app_mailing(day(6, 12), "smtp://127.0.0.1:1").await;
    let (office, csrf) = app.login("vhxh").await;
    let police = unit_of(&app, UnitType::Police).await;
    app.store
        .set_unit_email(police.id, Some("congan@example.vn"))
        .await
        .unwrap();
    let (_, page) = submit(
        &app,
        &office,
        "/bao-cao/nhac-email",
        &[("csrf", &csrf), ("quy", "2026Q2")],
    )
    .await;
    assert!(page.contains("thư nhắc không gửi được"), "{page}");
    assert!(app.store.reminders_sent("2026Q2").await.unwrap().is_empty());
}

async fn without_a_mail_server_the_board_offers_the_zalo_text_only() {
    let app = spawn_app_on(day(6, 11)).await;
    let (office, csrf) = app.login("vhxh").await;
    let (_, board) = app.get(&office, "/bao-cao?quy=2026Q2").await;
    assert!(board.contains("chưa cấu hình máy chủ thư"), "{board}");
    assert!(board.contains("Kính gửi:"), "{board}");
    let r = app
        .post(
            &office,
            "/bao-cao/nhac-email",
            &[("csrf", &csrf), ("quy", "2026Q2")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

async fn a_hamlets_team_is_public_with_only_the_numbers_members_agreed_to() {
    let app = spawn_app().await;
    let hamlet = app.hamlets[0];
    let team = app
        .store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit_type == UnitType::DigitalTeam && u.hamlet_id == Some(hamlet))
        .unwrap();
    let members = app.store.members_of(team.id).await.unwrap();
    assert!(members.len() >= 2, "the demo team has members");
    let mut phones = Vec::new();
    for m in &members {
        let r = app
            .store
            .get_resident(hocvuso_domain::ResidentScope::All, m.resident_id)
            .await
            .unwrap()
            .unwrap();
        phones.push(r.phone.map(|p| p.as_str().to_string()));
    }
    let with_phone = phones.iter().position(Option::is_some).unwrap();
    let phone = phones[with_phone].clone().unwrap();

    // Anyone, not logged in: names and positions, no number yet.
    let anyone = client();
    let (status, page) = app.get(&anyone, &format!("/hoi-ai?xom={hamlet}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.len() < 50 * 1024, "{} bytes", page.len());
    for m in &members {
        assert!(page.contains(&m.full_name), "{} missing", m.full_name);
    }
    for p in phones.iter().flatten() {
        assert!(!page.contains(p.as_str()), "{p} shown without consent");
    }

    // The member agrees; the office records it; only that number shows.
    let (office, csrf) = app.login("vhxh").await;
    let who = members[with_phone].resident_id;
    let (status, team_page) = submit(
        &app,
        &office,
        &format!("/don-vi/{}/thanh-vien/{who}/cong-khai", team.id),
        &[("csrf", &csrf), ("bat", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(team_page.contains("Thôi công khai"), "{team_page}");
    let (_, page) = app.get(&anyone, &format!("/hoi-ai?xom={hamlet}")).await;
    assert!(page.contains(&format!("href=\"tel:{phone}\"")), "{page}");
    for (i, p) in phones.iter().enumerate() {
        if let (Some(p), true) = (p, i != with_phone) {
            assert!(!page.contains(p.as_str()), "{p} shown without consent");
        }
    }
    // The consent can be withdrawn.
    app.post(
        &office,
        &format!("/don-vi/{}/thanh-vien/{who}/cong-khai", team.id),
        &[("csrf", &csrf), ("bat", "0")],
    )
    .await;
    let (_, page) = app.get(&anyone, &format!("/hoi-ai?xom={hamlet}")).await;
    assert!(!page.contains(&phone), "{page}");

    // Someone not in the team, or a unit that is no team: not found.
    let outsider = app.resident_in(app.hamlets[1]).await;
    let r = app
        .post(
            &office,
            &format!("/don-vi/{}/thanh-vien/{}/cong-khai", team.id, outsider.id),
            &[("csrf", &csrf), ("bat", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let police = unit_of(&app, UnitType::Police).await;
    let r = app
        .post(
            &office,
            &format!("/don-vi/{}/thanh-vien/{who}/cong-khai", police.id),
            &[("csrf", &csrf), ("bat", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // An unknown hamlet: not found; no hamlet: the list to choose from.
    assert_eq!(
        app.get(&anyone, "/hoi-ai?xom=987654").await.0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = app.get(&anyone, "/hoi-ai").await;
    assert!(list.contains(&format!("/hoi-ai?xom={hamlet}")), "{list}");
}

on_both_engines!(
    units_still_to_report_are_emailed_once_from_five_days_before,
    nothing_is_emailed_before_the_window_and_a_failed_send_is_tried_again,
    without_a_mail_server_the_board_offers_the_zalo_text_only,
    a_hamlets_team_is_public_with_only_the_numbers_members_agreed_to,
);
