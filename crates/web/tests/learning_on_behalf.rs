//! Quiz results recorded for someone else, and the time an answer says it
//! was given (issue 12, findings 7). Only the roles the README names record
//! on a resident's behalf (the office, and the hamlet head and digital team
//! in their hamlet): a unit's reporter would otherwise certify the staff
//! whose numbers they report. And a client's `answered_at` is believed only
//! within the offline grace (`hocvuso_domain::time::accepted_answer_time`),
//! so a certificate cannot be back-dated.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use hocvuso_domain::{Role, Unit};
use reqwest::StatusCode;

const COURSE: &str = "vneid-danh-tinh-so";

/// The right answer to every question of the course, as form fields.
fn right_answers() -> Vec<(String, String)> {
    let catalog = hocvuso_learning::Catalog::embedded().unwrap();
    let course = catalog.course(COURSE).expect("course");
    course
        .quiz
        .iter()
        .enumerate()
        .map(|(i, q)| (format!("q{i}"), q.answer.to_string()))
        .collect()
}

/// A passing quiz posted for `resident`, answered at `at` by the page's clock.
async fn submit(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    resident: Option<i64>,
    at: Option<DateTime<Utc>>,
) -> reqwest::Response {
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.into()),
        ("hinh_thuc".into(), "lop_hoc".into()),
        (
            "client_id".into(),
            format!("t-{}", Utc::now().timestamp_nanos_opt().unwrap()),
        ),
    ];
    if let Some(id) = resident {
        form.push(("cu_dan".into(), id.to_string()));
    }
    if let Some(at) = at {
        form.push(("answered_at".into(), at.timestamp_millis().to_string()));
    }
    form.extend(right_answers());
    c.post(app.url(&format!("/hoc/{COURSE}/kiem-tra")))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// A unit of the commune (no hamlet) with staff, and one of its staff.
async fn unit_with_staff(app: &TestApp) -> (Unit, i64) {
    for u in app.store.list_units().await.unwrap() {
        if u.hamlet_id.is_some() || !u.active {
            continue;
        }
        if let Some(m) = app.store.members_of(u.id).await.unwrap().first() {
            return (u.clone(), m.resident_id);
        }
    }
    panic!("a commune unit with staff")
}

async fn attempts_of(app: &TestApp, resident: i64) -> i64 {
    app.store
        .learning_progress(resident)
        .await
        .unwrap()
        .iter()
        .map(|p| p.attempts)
        .sum()
}

async fn a_units_reporter_records_no_results_for_its_staff() {
    let app = spawn_app().await;
    let (unit, staff) = unit_with_staff(&app).await;
    add_user(
        &app.store,
        "baocao",
        Role::UnitReporter { unit_id: unit.id },
        false,
    )
    .await;
    let (c, csrf) = app.login("baocao").await;
    let (status, _) = app
        .get(&c, &format!("/hoc/{COURSE}/kiem-tra?cu_dan={staff}"))
        .await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "quiz page for the staff: {status}"
    );
    let before = attempts_of(&app, staff).await;
    let r = submit(&app, &c, &csrf, Some(staff), None).await;
    assert!(
        matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "quiz posted for the staff: {}",
        r.status()
    );
    assert_eq!(attempts_of(&app, staff).await, before, "nothing recorded");
    assert!(
        app.store
            .certificate_for(staff, COURSE)
            .await
            .unwrap()
            .is_none(),
        "no certificate"
    );
    // The office still records for the same person.
    let (c, csrf) = app.login("vhxh").await;
    let r = submit(&app, &c, &csrf, Some(staff), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(app
        .store
        .certificate_for(staff, COURSE)
        .await
        .unwrap()
        .is_some());
}

async fn an_answer_two_months_old_is_dated_when_it_arrives() {
    let app = spawn_app().await;
    let someone = app.resident_in(app.hamlets[0]).await.id;
    let (c, csrf) = app.login("tocnscd").await;
    let claimed = Utc::now() - Duration::days(59);
    let r = submit(&app, &c, &csrf, Some(someone), Some(claimed)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cert = app
        .store
        .certificate_for(someone, COURSE)
        .await
        .unwrap()
        .expect("certificate");
    let off = (Utc::now() - cert.issued_at).num_seconds().abs();
    assert!(
        off < 300,
        "issued {} for an answer claimed {claimed}: not back-dated",
        cert.issued_at
    );
}

async fn an_answer_from_before_the_resident_was_entered_is_dated_when_it_arrives() {
    let app = spawn_app().await;
    // Entered in the registry when the test began: an answer two days old
    // cannot be theirs, however offline the phone was.
    let someone = app.resident_in(app.hamlets[0]).await.id;
    let (c, csrf) = app.login("truongxom").await;
    let claimed = Utc::now() - Duration::days(2);
    let r = submit(&app, &c, &csrf, Some(someone), Some(claimed)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cert = app
        .store
        .certificate_for(someone, COURSE)
        .await
        .unwrap()
        .expect("certificate");
    assert!(
        (Utc::now() - cert.issued_at).num_seconds().abs() < 300,
        "issued {}",
        cert.issued_at
    );
}

/// Make a resident entered in the registry `ago` before now, as if the test
/// commune had been set up then (the store dates rows itself).
async fn entered_ago(app: &TestApp, resident: i64, ago: Duration) {
    use sqlx::Connection;
    let update = "UPDATE residents SET created_at = $1 WHERE id = $2";
    match &app._dir.pg_schema {
        None => {
            let path = app._dir.path().join("t.sqlite");
            let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            sqlx::query(update)
                .bind(Utc::now() - ago)
                .bind(resident)
                .execute(&db)
                .await
                .unwrap();
            db.close().await;
        }
        Some(schema) => {
            let mut db = sqlx::PgConnection::connect(&pg_url()).await.unwrap();
            sqlx::query(&format!("SET search_path TO {schema}"))
                .execute(&mut db)
                .await
                .unwrap();
            sqlx::query(update)
                .bind(Utc::now() - ago)
                .bind(resident)
                .execute(&mut db)
                .await
                .unwrap();
            db.close().await.unwrap();
        }
    }
    let at = app
        .store
        .resident_created_at(resident)
        .await
        .unwrap()
        .unwrap();
    assert!(at < Utc::now() - ago + Duration::minutes(1));
}

async fn an_answer_given_offline_an_hour_ago_keeps_its_time() {
    let app = spawn_app().await;
    let someone = app.resident_in(app.hamlets[0]).await.id;
    entered_ago(&app, someone, Duration::days(30)).await;
    let (c, csrf) = app.login("tocnscd").await;
    let claimed = Utc::now() - Duration::hours(1);
    let r = submit(&app, &c, &csrf, Some(someone), Some(claimed)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cert = app
        .store
        .certificate_for(someone, COURSE)
        .await
        .unwrap()
        .expect("certificate");
    assert_eq!(
        cert.issued_at.timestamp_millis(),
        claimed.timestamp_millis(),
        "the time it was answered"
    );
    // A resident's own offline answer too.
    let own = app
        .store
        .find_user("nguoidan")
        .await
        .unwrap()
        .unwrap()
        .0
        .role
        .resident_id()
        .unwrap();
    entered_ago(&app, own, Duration::days(30)).await;
    let (c, csrf) = app.login("nguoidan").await;
    let claimed = Utc::now() - Duration::days(3);
    let r = submit(&app, &c, &csrf, None, Some(claimed)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cert = app
        .store
        .certificate_for(own, COURSE)
        .await
        .unwrap()
        .expect("certificate");
    assert_eq!(
        cert.issued_at.timestamp_millis(),
        claimed.timestamp_millis()
    );
}

on_both_engines!(
    a_units_reporter_records_no_results_for_its_staff,
    an_answer_two_months_old_is_dated_when_it_arrives,
    an_answer_from_before_the_resident_was_entered_is_dated_when_it_arrives,
    an_answer_given_offline_an_hour_ago_keeps_its_time,
);
