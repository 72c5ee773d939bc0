//! Personal data on the pages (issue 12): consent recorded per resident and
//! purpose by those the policy allows, a child's needing a guardian too;
//! people without consent counted but not named; ethnicity and notes only
//! for the roles that need them; the phone only with consent to be
//! contacted below the office.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::privacy::ConsentPurpose;
use hocvuso_domain::{Resident, ResidentFilter};
use reqwest::StatusCode;

async fn residents_of(app: &TestApp, hamlet: i64) -> Vec<Resident> {
    app.store
        .list_residents(
            ResidentScope::Hamlet(hamlet),
            &ResidentFilter::default(),
            1,
            1000,
        )
        .await
        .unwrap()
        .items
}

/// An adult of hamlet 0 with a phone and an ethnicity, with or without
/// consent to `purpose` (the demo leaves every eighth without).
async fn adult(app: &TestApp, purpose: ConsentPurpose, consented: bool) -> Resident {
    for r in residents_of(app, app.hamlets[0]).await {
        let grown = r.birth.is_some_and(|b| b.age_on(today()) >= 18);
        if grown
            && r.phone.is_some()
            && !r.ethnicity.is_empty()
            && app.store.consent_given(r.id, purpose).await.unwrap() == consented
        {
            return r;
        }
    }
    panic!("no such adult in the demo");
}

async fn consent_is_recorded_by_those_allowed_and_checked_for_age() {
    let app = spawn_app().await;
    let r = adult(&app, ConsentPurpose::NamedLists, false).await;
    let (head, csrf) = app.login("truongxom").await;
    let (status, html) = app.get(&head, &format!("/cu-dan/{}", r.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Đồng ý xử lý dữ liệu cá nhân") && html.contains("Chưa hỏi"),
        "{html}"
    );
    let form = |agree: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("muc_dich", "danh_sach".to_string()),
            ("dong_y", agree.to_string()),
            ("ban_than", "1".to_string()),
            ("cach", "truc_tiep".to_string()),
        ]
    };
    let res = head
        .post(app.url(&format!("/cu-dan/{}/dong-y", r.id)))
        .form(&form("1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app
        .store
        .consent_given(r.id, ConsentPurpose::NamedLists)
        .await
        .unwrap());
    let (_, html) = app.get(&head, &format!("/cu-dan/{}", r.id)).await;
    assert!(
        html.contains("Nói trực tiếp với người ghi") && html.contains("ghi bởi truongxom"),
        "{html}"
    );

    // Another hamlet's resident: not found, nothing written.
    let other = residents_of(&app, app.hamlets[1]).await[0].clone();
    let before = app.store.consents_of(other.id).await.unwrap().len();
    let res = head
        .post(app.url(&format!("/cu-dan/{}/dong-y", other.id)))
        .form(&form("0"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.store.consents_of(other.id).await.unwrap().len(), before);

    // A unit's reporter records nothing.
    let unit = app.store.list_units().await.unwrap()[0].id;
    add_user(
        &app.store,
        "baocao",
        hocvuso_domain::Role::UnitReporter { unit_id: unit },
        false,
    )
    .await;
    let (rep, rep_csrf) = app.login("baocao").await;
    let res = rep
        .post(app.url(&format!("/cu-dan/{}/dong-y", r.id)))
        .form(&[
            ("csrf", rep_csrf.as_str()),
            ("muc_dich", "danh_sach"),
            ("dong_y", "0"),
            ("cach", "giay"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(app
        .store
        .consent_given(r.id, ConsentPurpose::NamedLists)
        .await
        .unwrap());

    // A child of 7 or more: the parent alone is refused with the reason.
    let kid = residents_of(&app, app.hamlets[0])
        .await
        .into_iter()
        .find(|k| {
            k.birth
                .is_some_and(|b| (8..17).contains(&b.age_on(today())))
        })
        .unwrap();
    let n = app.store.consents_of(kid.id).await.unwrap().len();
    let res = head
        .post(app.url(&format!("/cu-dan/{}/dong-y", kid.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("muc_dich", "lien_he"),
            ("dong_y", "1"),
            ("nguoi_giam_ho", "Lục Văn Dũng"),
            ("cach", "giay"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("7 tuổi"));
    assert_eq!(app.store.consents_of(kid.id).await.unwrap().len(), n);
}

async fn a_resident_gives_and_withdraws_their_own_consent_online() {
    let app = spawn_app().await;
    let (me, csrf) = app.login("nguoidan").await;
    let id: i64 = app
        .store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "nguoidan")
        .and_then(|u| u.role.resident_id())
        .unwrap();
    for (agree, expect) in [("0", false), ("1", true)] {
        let res = me
            .post(app.url(&format!("/cu-dan/{id}/dong-y")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("muc_dich", "lien_he"),
                ("dong_y", agree),
                ("cach", "giay"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let c = app.store.consents_of(id).await.unwrap();
        // Recorded as the person's own, online, whatever the form said.
        assert_eq!(c[0].agreed, expect);
        assert!(c[0].by_person);
        assert_eq!(c[0].method.code(), "truc_tuyen");
    }
}

async fn sensitive_fields_and_the_phone_are_shown_only_where_needed() {
    let app = spawn_app().await;
    let r = adult(&app, ConsentPurpose::Contact, false).await;
    let phone = r.phone.clone().unwrap();
    let page = format!("/cu-dan/{}", r.id);

    // The office sees everything.
    let (office, _) = app.login("vhxh").await;
    let (_, html) = app.get(&office, &page).await;
    assert!(html.contains("<dt>Dân tộc</dt>") && html.contains(&r.ethnicity));
    assert!(html.contains(phone.as_str()));

    // The hamlet head, who keeps the hamlet's register, sees ethnicity and
    // the phone.
    let (head, _) = app.login("truongxom").await;
    let (_, html) = app.get(&head, &page).await;
    assert!(html.contains("<dt>Dân tộc</dt>"));
    assert!(html.contains(phone.as_str()), "{html}");

    // The digital team sees neither ethnicity nor notes nor the minority
    // tag, nor the phone of someone who did not agree to be contacted.
    let (team, _) = app.login("tocnscd").await;
    let (status, html) = app.get(&team, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<dt>Dân tộc</dt>") && !html.contains("<dt>Ghi chú</dt>"));
    assert!(!html.contains("Đồng bào dân tộc thiểu số"));
    assert!(!html.contains(phone.as_str()), "{html}");
    assert!(html.contains("chưa đồng ý được liên hệ"));
    // Nor can it list people by the minority group.
    let (_, list) = app.get(&team, "/so-dan-cu?nhom=dan_toc_thieu_so").await;
    assert!(!list.contains("value=\"dan_toc_thieu_so\""));
    let (_, all) = app.get(&team, "/so-dan-cu").await;
    let count = |h: &str| {
        h.split(" người · trang")
            .next()
            .unwrap()
            .rsplit('>')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(count(&list), count(&all), "the filter is ignored");

    // With consent to be contacted, the team sees the phone.
    let consented = adult(&app, ConsentPurpose::Contact, true).await;
    let (_, html) = app.get(&team, &format!("/cu-dan/{}", consented.id)).await;
    assert!(html.contains(consented.phone.unwrap().as_str()));
}

async fn people_without_consent_are_counted_but_not_named() {
    let app = spawn_app().await;
    let (office, _) = app.login("vhxh").await;
    let (status, html) = app.get(&office, "/chi-tieu/1/nguoi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("chưa đồng ý có tên trong danh sách"),
        "{html}"
    );
    let hidden = adult(&app, ConsentPurpose::NamedLists, false).await;
    assert!(!html.contains(&format!("/cu-dan/{}\"", hidden.id)));
}

on_both_engines!(
    consent_is_recorded_by_those_allowed_and_checked_for_age,
    a_resident_gives_and_withdraws_their_own_consent_online,
    sensitive_fields_and_the_phone_are_shown_only_where_needed,
    people_without_consent_are_counted_but_not_named,
);
