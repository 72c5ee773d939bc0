//! Adding, renaming and merging hamlets at /xom: the office's forms, their
//! messages, CSRF, and who may use them.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use hocvuso_domain::{Role, UnitType};
use reqwest::StatusCode;

/// A live hamlet's name ("" once it is merged).
async fn name_of(app: &TestApp, id: i64) -> String {
    app.store
        .list_hamlets()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.id == id)
        .map(|h| h.name)
        .unwrap_or_default()
}

async fn audits(app: &TestApp, id: i64) -> i64 {
    app.store.audit().flush().await;
    app.store
        .count_audit("sua", "xom", &id.to_string())
        .await
        .unwrap()
}

async fn the_office_renames_a_hamlet_and_its_units_follow() {
    let app = spawn_app().await;
    let (h0, h1) = (app.hamlets[0], app.hamlets[1]);
    let (old, other) = (name_of(&app, h0).await, name_of(&app, h1).await);
    let (c, csrf) = app.login("vhxh").await;
    let (status, page) = app.get(&c, "/xom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("action=\"/xom/{h0}/doi-ten\"")),
        "{page}"
    );
    assert!(page.contains(&format!("action=\"/xom/{h0}/gop\"")));
    assert!(page.contains(
        "Tôi hiểu: mọi hộ, người dân, thành viên tổ của xóm này chuyển sang xóm được chọn"
    ));

    let r = app
        .post(
            &c,
            &format!("/xom/{h0}/doi-ten"),
            &[("csrf", &csrf), ("name", "  đổi   tên thử ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("Đã đổi tên {old} thành Xóm Đổi Tên Thử")),
        "{html}"
    );
    assert_eq!(name_of(&app, h0).await, "Xóm Đổi Tên Thử");
    let units = app.store.list_units().await.unwrap();
    let own: Vec<&str> = units
        .iter()
        .filter(|u| {
            u.hamlet_id == Some(h0)
                && matches!(u.unit_type, UnitType::Hamlet | UnitType::DigitalTeam)
        })
        .map(|u| u.name.as_str())
        .collect();
    assert!(own.contains(&"Xóm Đổi Tên Thử"), "{own:?}");
    assert!(
        own.contains(&"Tổ công nghệ số cộng đồng xóm Đổi Tên Thử"),
        "{own:?}"
    );
    assert_eq!(audits(&app, h0).await, 1);

    // Another hamlet's name, typed without diacritics: refused, nothing written.
    let r = app
        .post(
            &c,
            &format!("/xom/{h0}/doi-ten"),
            &[("csrf", &csrf), ("name", &vntext::fold(&other))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("Đã có {other}")), "{html}");
    assert!(html.contains("Chưa đổi tên"), "{html}");
    assert_eq!(name_of(&app, h0).await, "Xóm Đổi Tên Thử");
    // An empty name.
    let r = app
        .post(
            &c,
            &format!("/xom/{h0}/doi-ten"),
            &[("csrf", &csrf), ("name", "  ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Ghi tên mới của xóm"));
    assert_eq!(audits(&app, h0).await, 1);
}

async fn the_office_merges_a_hamlet_after_confirming() {
    let app = spawn_app().await;
    let (h0, h1, h2) = (app.hamlets[0], app.hamlets[1], app.hamlets[2]);
    let (from, into) = (name_of(&app, h0).await, name_of(&app, h1).await);
    let before = app.store.count_by_hamlet().await.unwrap();
    let total = app.store.count_residents().await.unwrap();
    let (c, csrf) = app.login("admin").await;
    let path = format!("/xom/{h0}/gop");
    let into_id = h1.to_string();

    // Not confirmed, no hamlet chosen, into itself: refused, nothing written.
    let r = app
        .post(&c, &path, &[("csrf", &csrf), ("into", &into_id)])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Hãy đánh dấu ô «Tôi hiểu"));
    let r = app
        .post(
            &c,
            &path,
            &[("csrf", &csrf), ("into", ""), ("xac_nhan", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Chưa chọn xóm để gộp vào"));
    let r = app
        .post(
            &c,
            &path,
            &[
                ("csrf", &csrf),
                ("into", &h0.to_string()),
                ("xac_nhan", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Không gộp được một xóm vào chính nó"),
        "{html}"
    );
    assert!(html.contains("Chưa gộp gì"));
    assert_eq!(app.store.count_by_hamlet().await.unwrap(), before);

    // Confirmed: the hamlet chosen by name without diacritics (the typed list).
    let r = app
        .post(
            &c,
            &path,
            &[
                ("csrf", &csrf),
                ("into_name", &vntext::fold(&into)),
                ("xac_nhan", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("Đã gộp {from} vào {into}")),
        "{html}"
    );
    assert!(html.contains("Xóm đã gộp (1)"), "{html}");
    assert!(
        html.contains(&format!("Các xóm ({})", app.hamlets.len() - 1)),
        "{html}"
    );
    assert!(!html.contains(&format!("action=\"/xom/{h0}/gop\"")));
    let after = app.store.count_by_hamlet().await.unwrap();
    assert_eq!(after.get(&h0).copied().unwrap_or(0), 0);
    assert_eq!(after[&h1], before[&h0] + before[&h1]);
    assert_eq!(after.values().sum::<i64>(), total);
    // The hamlet head of the old hamlet now heads the new one.
    let (head, _) = app.store.find_user("truongxom").await.unwrap().unwrap();
    assert_eq!(head.role, Role::HamletHead { hamlet_id: h1 });
    // The old hamlet's units are inactive, not gone.
    let overview = app.store.units_overview().await.unwrap();
    let old_units: Vec<_> = overview
        .iter()
        .filter(|u| u.unit.hamlet_id == Some(h0))
        .collect();
    assert!(!old_units.is_empty());
    assert!(old_units.iter().all(|u| !u.unit.active));
    assert!(audits(&app, h0).await >= 1);
    assert!(audits(&app, h1).await >= 1);

    // Into the merged hamlet: refused.
    let r = app
        .post(
            &c,
            &format!("/xom/{h2}/gop"),
            &[
                ("csrf", &csrf),
                ("into", &h0.to_string()),
                ("xac_nhan", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("đã được gộp vào xóm khác"));
    assert_eq!(app.store.count_by_hamlet().await.unwrap(), after);
}

async fn a_bad_csrf_token_or_a_hamlet_head_changes_nothing() {
    let app = spawn_app().await;
    let (h0, h1) = (app.hamlets[0], app.hamlets[1]);
    let old = name_of(&app, h0).await;
    let before = app.store.count_by_hamlet().await.unwrap();
    let into = h1.to_string();

    let (c, _) = app.login("vhxh").await;
    let r = app
        .post(
            &c,
            &format!("/xom/{h0}/doi-ten"),
            &[("csrf", "sai"), ("name", "Xóm Giả")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            &c,
            &format!("/xom/{h0}/gop"),
            &[("csrf", "sai"), ("into", &into), ("xac_nhan", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Hãy tải lại trang"));

    // The hamlet head (truongxom) of h0, with a good token: forbidden.
    let (hc, hcsrf) = app.login("truongxom").await;
    let r = app
        .post(
            &hc,
            &format!("/xom/{h0}/doi-ten"),
            &[("csrf", &hcsrf), ("name", "Xóm Giả")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            &hc,
            &format!("/xom/{h0}/gop"),
            &[("csrf", &hcsrf), ("into", &into), ("xac_nhan", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    assert_eq!(name_of(&app, h0).await, old);
    assert_eq!(app.store.count_by_hamlet().await.unwrap(), before);
    assert!(app.store.merged_hamlets().await.unwrap().is_empty());
    assert_eq!(audits(&app, h0).await, 0);
}

async fn a_long_list_of_hamlets_types_the_target_from_one_shared_list() {
    let app = spawn_app().await;
    let names: Vec<String> = (1..=90).map(|i| format!("Thôn số {i:03}")).collect();
    app.store.ensure_hamlets(&names).await.unwrap();
    let (c, csrf) = app.login("vhxh").await;
    let (status, page) = app.get(&c, "/xom").await;
    assert_eq!(status, StatusCode::OK);
    // One list of names, not a select of every other hamlet in every row.
    assert!(page.contains("<datalist id=\"cac-xom\">"), "{page}");
    assert!(!page.contains("<select name=\"into\""));
    assert!(page.len() < 400_000, "{} bytes", page.len());
    let h0 = app.hamlets[0];
    let r = app
        .post(
            &c,
            &format!("/xom/{h0}/gop"),
            &[
                ("csrf", &csrf),
                ("into_name", "thon so 007"),
                ("xac_nhan", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("vào Thôn số 007"));
    let r = app
        .post(
            &c,
            &format!("/xom/{}/gop", app.hamlets[1]),
            &[
                ("csrf", &csrf),
                ("into_name", "Thôn Không Có"),
                ("xac_nhan", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Không có xóm"));
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

on_both_engines!(
    the_office_adds_a_hamlet_with_its_digital_team,
    the_office_renames_a_hamlet_and_its_units_follow,
    the_office_merges_a_hamlet_after_confirming,
    a_bad_csrf_token_or_a_hamlet_head_changes_nothing,
    a_long_list_of_hamlets_types_the_target_from_one_shared_list,
);
