//! Accounts linked to people: made by the admin from a person's page with a
//! role their memberships allow, or for a whole community digital team at
//! once as a sheet of one-time passwords; the person logs in with the
//! printed password, must change it, and sees only what their role allows.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use chrono::Utc;
use hocvuso_domain::accounts::username_base;
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{MemberCategory, ResidentFilter, Role, UnitType};
use hocvuso_storage::{LearningMode, NewAttempt, NewCertificate};
use reqwest::StatusCode;

/// The cards of a sheet: (username, one-time password), in order.
fn cards(html: &str) -> Vec<(String, String)> {
    let value = |id: String| {
        let marker = format!("id=\"{id}\">");
        let start = html.find(&marker)? + marker.len();
        Some(html[start..].split('<').next()?.to_string())
    };
    (1..)
        .map_while(|i| Some((value(format!("tk-{i}"))?, value(format!("mk-{i}"))?)))
        .collect()
}

/// Log in with a one-time password, change it, and log in again with the
/// new one: the client of the account, ready to use.
async fn first_login(app: &TestApp, username: &str, one_time: &str) -> reqwest::Client {
    let c = client();
    let (status, to) = app.login_status(&c, username, one_time).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert_eq!(to, "/doi-mat-khau", "a one-time password must be changed");
    // Nothing else opens before the change.
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/doi-mat-khau");
    let (_, page) = app.get(&c, "/doi-mat-khau").await;
    let csrf = csrf_of(&page);
    let r = app
        .post(
            &c,
            "/doi-mat-khau",
            &[
                ("csrf", csrf.as_str()),
                ("current", one_time),
                ("new_password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let c = client();
    let (status, to) = app.login_status(&c, username, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert_ne!(to, "/doi-mat-khau");
    c
}

/// A resident of the hamlet who is in no unit (so only a resident's account fits).
async fn plain_resident(app: &TestApp, hamlet: i64) -> hocvuso_domain::Resident {
    let page = app
        .store
        .list_residents(
            ResidentScope::Hamlet(hamlet),
            &ResidentFilter::default(),
            1,
            200,
        )
        .await
        .unwrap();
    for r in page.items {
        if app.store.unit_member_ids(r.id).await.unwrap().is_empty()
            && app
                .store
                .accounts_of_resident(r.id)
                .await
                .unwrap()
                .is_empty()
        {
            return r;
        }
    }
    panic!("no resident outside the units");
}

/// A new community digital team of the hamlet with two members from it.
async fn team_of_two(app: &TestApp, hamlet: i64) -> (i64, Vec<hocvuso_domain::Resident>) {
    let team = app
        .store
        .create_unit(
            "Tổ công nghệ số cộng đồng thử",
            UnitType::DigitalTeam,
            Some(hamlet),
        )
        .await
        .unwrap();
    let mut members = Vec::new();
    while members.len() < 2 {
        let r = plain_resident(app, hamlet).await;
        app.store
            .add_member(team, r.id, "", MemberCategory::ThanhVienTo, today())
            .await
            .unwrap();
        members.push(r);
    }
    (team, members)
}

async fn a_residents_account_from_their_page_sees_their_own_record_learning_and_certificates() {
    let app = spawn_app().await;
    let me = plain_resident(&app, app.hamlets[2]).await;
    let (admin, csrf) = app.login("admin").await;

    // The resident's page offers it to the admin.
    let (_, html) = app.get(&admin, &format!("/cu-dan/{}", me.id)).await;
    assert!(
        html.contains(&format!("href=\"/cu-dan/{}/tai-khoan\"", me.id)),
        "{html}"
    );
    // One role fits: it is chosen already.
    let (status, html) = app
        .get(&admin, &format!("/cu-dan/{}/tai-khoan", me.id))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let value = format!("nguoi_dan:{}", me.id);
    assert!(
        html.contains(&format!("<option value=\"{value}\" selected>")),
        "{html}"
    );
    assert!(!html.contains("— Chọn vai trò —"), "{html}");

    let r = app
        .post(
            &admin,
            &format!("/cu-dan/{}/tai-khoan", me.id),
            &[("csrf", csrf.as_str()), ("role", value.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let made = cards(&html);
    assert_eq!(made.len(), 1, "{html}");
    let (username, one_time) = &made[0];
    assert_eq!(username, &username_base(&me.full_name));
    assert!(html.contains("Đổi mật khẩu ở lần đăng nhập đầu"));
    assert!(html.contains("/dang-nhap"));
    assert!(hocvuso_domain::validate_password(one_time).is_ok());
    assert!(!one_time.contains(['0', 'o', '1', 'l']), "{one_time}");
    // Stored: linked to the person, as a resident, never the password itself.
    let (u, hash) = app.store.find_user(username).await.unwrap().unwrap();
    assert_eq!(u.role, Role::Resident { resident_id: me.id });
    assert!(u.must_change_password);
    assert!(hash.starts_with("$argon2id$") && !hash.contains(one_time.as_str()));
    assert_eq!(
        app.store.accounts_of_resident(me.id).await.unwrap(),
        vec![u.clone()]
    );
    // Audited, without the password.
    app.store.audit().flush().await;
    let rows = app.store.audit_rows(None, 50).await.unwrap();
    let row = rows
        .iter()
        .find(|r| r.2 == "tao" && r.3 == "tai_khoan" && r.4 == u.id.to_string())
        .expect("audited");
    assert!(
        row.5.contains(username) && !row.5.contains(one_time.as_str()),
        "{row:?}"
    );
    assert!(rows.iter().all(|r| !r.5.contains(one_time.as_str())));

    // Asked again, the page shows the account and offers a reset instead.
    let (_, html) = app
        .get(&admin, &format!("/cu-dan/{}/tai-khoan", me.id))
        .await;
    assert!(html.contains(username.as_str()), "{html}");
    assert!(
        html.contains(&format!("/nguoi-dung/{}/dat-lai-mat-khau", u.id)),
        "{html}"
    );
    assert!(!html.contains("name=\"role\""), "{html}");
    let r = app
        .post(
            &admin,
            &format!("/cu-dan/{}/tai-khoan", me.id),
            &[("csrf", csrf.as_str()), ("role", value.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        app.store.accounts_of_resident(me.id).await.unwrap().len(),
        1
    );

    // A certificate to see.
    let course = hocvuso_learning::Catalog::embedded()
        .expect("courses")
        .courses
        .first()
        .cloned()
        .unwrap();
    let code = hocvuso_storage::new_certificate_code();
    app.store
        .record_attempt(&NewAttempt {
            client_id: "tai-khoan-thu-0001".into(),
            resident_id: me.id,
            course_id: course.id.clone(),
            correct: 5,
            total: 5,
            passed: true,
            answers: "[]".into(),
            mode: LearningMode::Class,
            recorded_by: None,
            answered_at: Utc::now(),
            certificate: Some(NewCertificate {
                code: code.clone(),
                holder_name: me.full_name.clone(),
                course_title: course.title.clone(),
            }),
        })
        .await
        .unwrap();

    // The person logs in with the printed password, changes it, and lands on their record.
    let c = first_login(&app, username, one_time).await;
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        r.headers()["location"],
        format!("/cu-dan/{}", me.id).as_str()
    );
    let (status, html) = app.get(&c, &format!("/cu-dan/{}", me.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&me.full_name));
    assert!(html.contains("Hồ sơ của tôi"), "the menu leads back to it");
    assert!(html.contains("Học kỹ năng số"));
    assert!(html.contains(&code), "their certificate: {html}");
    assert!(
        !html.contains("/tai-khoan"),
        "no account making for a resident"
    );
    let (status, _) = app.get(&c, &format!("/hoc/{}/chung-chi", course.id)).await;
    assert_eq!(status, StatusCode::OK, "their certificate opens");
    // Nobody else's record, and no register.
    let other = app.resident_in(app.hamlets[0]).await;
    assert_eq!(
        app.get(&c, &format!("/cu-dan/{}", other.id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&c, "/so-dan-cu").await.0, StatusCode::FORBIDDEN);
}

async fn a_member_chooses_among_the_roles_the_membership_allows() {
    let app = spawn_app().await;
    let (team, members) = team_of_two(&app, app.hamlets[1]).await;
    let who = &members[0];
    let (admin, csrf) = app.login("admin").await;
    // The unit's member rows lead to it.
    let (_, html) = app.get(&admin, &format!("/don-vi/{team}")).await;
    assert!(
        html.contains(&format!("href=\"/cu-dan/{}/tai-khoan\"", who.id)),
        "{html}"
    );
    let (_, html) = app
        .get(&admin, &format!("/cu-dan/{}/tai-khoan", who.id))
        .await;
    let team_role = format!("to_cnscd:{}", app.hamlets[1]);
    // Several fit: none is chosen for the admin.
    assert!(
        html.contains(r#"<option value="" disabled selected>— Chọn vai trò —</option>"#),
        "{html}"
    );
    assert!(
        html.contains(&format!("<option value=\"{team_role}\">")),
        "{html}"
    );
    assert!(
        html.contains(&format!("<option value=\"bao_cao_don_vi:{team}\">")),
        "{html}"
    );
    assert!(
        html.contains(&format!("<option value=\"nguoi_dan:{}\">", who.id)),
        "{html}"
    );
    assert!(!html.contains("value=\"admin"), "{html}");

    // No role, or one the membership does not give, makes nothing.
    let path = format!("/cu-dan/{}/tai-khoan", who.id);
    let other_hamlet = format!("to_cnscd:{}", app.hamlets[0]);
    for role in ["", "admin:", "phong_vhxh:", other_hamlet.as_str()] {
        let r = app
            .post(&admin, &path, &[("csrf", csrf.as_str()), ("role", role)])
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{role}");
        assert!(r.text().await.unwrap().contains("Chưa tạo tài khoản nào"));
    }
    assert!(app
        .store
        .accounts_of_resident(who.id)
        .await
        .unwrap()
        .is_empty());

    let r = app
        .post(
            &admin,
            &path,
            &[("csrf", csrf.as_str()), ("role", team_role.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let made = cards(&r.text().await.unwrap());
    assert_eq!(made.len(), 1);
    let (u, _) = app.store.find_user(&made[0].0).await.unwrap().unwrap();
    assert_eq!(
        u.role,
        Role::DigitalTeamMember {
            hamlet_id: app.hamlets[1]
        }
    );
    assert_eq!(
        app.store.accounts_of_resident(who.id).await.unwrap(),
        vec![u]
    );
}

async fn a_whole_team_gets_accounts_at_once_and_a_member_sees_only_their_hamlet() {
    let app = spawn_app().await;
    let hamlet = app.hamlets[2];
    let (team, members) = team_of_two(&app, hamlet).await;
    let (admin, csrf) = app.login("admin").await;
    let before = app.store.list_users().await.unwrap().len();

    let (_, html) = app.get(&admin, &format!("/don-vi/{team}")).await;
    assert!(
        html.contains(&format!("action=\"/don-vi/{team}/tai-khoan\"")),
        "{html}"
    );
    assert!(html.contains("Tạo tài khoản cho cả tổ"));

    let r = app
        .post(
            &admin,
            &format!("/don-vi/{team}/tai-khoan"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let sheet = r.text().await.unwrap();
    let made = cards(&sheet);
    assert_eq!(made.len(), 2, "{sheet}");
    assert_eq!(app.store.list_users().await.unwrap().len(), before + 2);
    assert!(sheet.contains("Đổi mật khẩu ở lần đăng nhập đầu"));
    assert!(sheet.contains("/dang-nhap"));
    assert!(sheet.contains("/static/tai-khoan.css") && sheet.contains("data-print"));
    for m in &members {
        assert!(sheet.contains(&m.full_name), "{sheet}");
        let accounts = app.store.accounts_of_resident(m.id).await.unwrap();
        assert_eq!(accounts.len(), 1);
        assert_eq!(
            accounts[0].role,
            Role::DigitalTeamMember { hamlet_id: hamlet }
        );
        assert!(accounts[0].must_change_password);
        assert!(made.iter().any(|(u, _)| *u == accounts[0].username));
    }
    let hamlet_name = app
        .store
        .list_hamlets()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.id == hamlet)
        .unwrap()
        .name;
    assert!(sheet.contains(&hamlet_name));

    // A second batch makes no duplicates, and shows no password.
    let r = app
        .post(
            &admin,
            &format!("/don-vi/{team}/tai-khoan"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = r.text().await.unwrap();
    assert!(cards(&again).is_empty(), "{again}");
    assert!(again.contains("đều đã có tài khoản"), "{again}");
    assert!(again.contains(&made[0].0));
    assert!(!again.contains(&made[0].1));
    assert_eq!(app.store.list_users().await.unwrap().len(), before + 2);

    // A member logs in with the printed password and sees only their hamlet.
    let (username, one_time) = &made[0];
    let c = first_login(&app, username, one_time).await;
    let (status, html) = app.get(&c, "/so-dan-cu").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&members[0].full_name) || html.contains(&members[1].full_name));
    // The menu leads to their own record: the account belongs to a person.
    assert!(
        members
            .iter()
            .any(|m| html.contains(&format!("<a href=\"/cu-dan/{}\">Hồ sơ của tôi</a>", m.id))),
        "{html}"
    );
    let mine = app.resident_in(hamlet).await;
    assert_eq!(
        app.get(&c, &format!("/cu-dan/{}", mine.id)).await.0,
        StatusCode::OK
    );
    for other in [app.hamlets[0], app.hamlets[1]] {
        let r = app.resident_in(other).await;
        assert_eq!(
            app.get(&c, &format!("/cu-dan/{}", r.id)).await.0,
            StatusCode::NOT_FOUND,
            "another hamlet's resident"
        );
    }
}

async fn a_batch_is_only_for_a_hamlets_team() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let school = app
        .store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit_type == UnitType::School)
        .unwrap();
    let before = app.store.list_users().await.unwrap().len();
    let r = app
        .post(
            &admin,
            &format!("/don-vi/{}/tai-khoan", school.id),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (_, html) = app.get(&admin, &format!("/don-vi/{}", school.id)).await;
    assert!(!html.contains("Tạo tài khoản cho cả tổ"));
    let r = app
        .post(
            &admin,
            "/don-vi/999999/tai-khoan",
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Without the session's token, nothing either.
    let team = app
        .store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit_type == UnitType::DigitalTeam)
        .unwrap();
    let r = app
        .post(
            &admin,
            &format!("/don-vi/{}/tai-khoan", team.id),
            &[("csrf", "sai")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.list_users().await.unwrap().len(), before);
}

async fn only_the_admin_makes_accounts() {
    let app = spawn_app().await;
    let (team, members) = team_of_two(&app, app.hamlets[0]).await;
    let before = app.store.list_users().await.unwrap().len();
    for who in ["vhxh", "truongxom", "tocnscd", "nguoidan"] {
        let (c, csrf) = app.login(who).await;
        let person = format!("/cu-dan/{}/tai-khoan", members[0].id);
        assert_eq!(app.get(&c, &person).await.0, StatusCode::FORBIDDEN, "{who}");
        let role = format!("nguoi_dan:{}", members[0].id);
        let r = app
            .post(
                &c,
                &person,
                &[("csrf", csrf.as_str()), ("role", role.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
        let r = app
            .post(
                &c,
                &format!("/don-vi/{team}/tai-khoan"),
                &[("csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
    // The office sees the unit and the people, without the account buttons.
    let (c, _) = app.login("vhxh").await;
    let (_, html) = app.get(&c, &format!("/don-vi/{team}")).await;
    assert!(!html.contains("/tai-khoan"), "{html}");
    let (_, html) = app.get(&c, &format!("/cu-dan/{}", members[0].id)).await;
    assert!(!html.contains("/tai-khoan"), "{html}");
    assert_eq!(app.store.list_users().await.unwrap().len(), before);
    for m in &members {
        assert!(app
            .store
            .accounts_of_resident(m.id)
            .await
            .unwrap()
            .is_empty());
    }
}

on_both_engines!(
    a_residents_account_from_their_page_sees_their_own_record_learning_and_certificates,
    a_member_chooses_among_the_roles_the_membership_allows,
    a_whole_team_gets_accounts_at_once_and_a_member_sees_only_their_hamlet,
    a_batch_is_only_for_a_hamlets_team,
    only_the_admin_makes_accounts,
);
