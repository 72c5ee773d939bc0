//! Door-to-door records synced from phones (issue 14): each record is
//! written once by its phone-made id, whatever is resent; two phones on one
//! person keep both visits and merge the milestones by the domain's rule;
//! other content under a used id is a conflict for the office; nothing
//! outside the sender's hamlet is written. Every test name carries `sync`
//! (`cargo nextest run -E 'test(/sync/)'`). On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::NaiveDate;
use hocvuso_domain::classes::{AttendanceRecord, AttendanceWay, NewSession, PlanTask};
use hocvuso_domain::field::{Milestone, MilestoneMark, Reached, SyncStatus, VisitRecord};
use hocvuso_domain::{BirthDate, NewResident, ResidentScope, Sex};
use hocvuso_storage::Store;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

fn person(name: &str, year: i32) -> NewResident {
    NewResident {
        full_name: name.into(),
        sex: Some(Sex::Female),
        birth: Some(BirthDate::Year(year)),
        ethnicity: "Kinh".into(),
        phone: None,
        citizen_id: None,
        relation: "Chủ hộ".into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

/// Two hamlets; in the first a household of two (grandmother 1950, son
/// 1985), in the second a household of one.
struct Commune {
    hamlet: i64,
    other_hamlet: i64,
    household: i64,
    grandmother: i64,
    son: i64,
    other_household: i64,
}

async fn commune(store: &Store) -> Commune {
    let hamlet = store.add_hamlet_with_units("Xóm Na Long").await.unwrap();
    let other_hamlet = store.add_hamlet_with_units("Xóm Bản Tèn").await.unwrap();
    let (household, grandmother) = store
        .create_household_with_head(hamlet, &person("Hoàng Thị Lan", 1950), today())
        .await
        .unwrap();
    let mut son = person("Hoàng Văn Minh", 1985);
    son.relation = "Con".into();
    son.sex = Some(Sex::Male);
    let son = store
        .create_resident(household, &son, today())
        .await
        .unwrap();
    let (other_household, _) = store
        .create_household_with_head(other_hamlet, &person("Lò Thị Ếch", 1990), today())
        .await
        .unwrap();
    Commune {
        hamlet,
        other_hamlet,
        household,
        grandmother,
        son,
        other_household,
    }
}

fn visit(id: &str, c: &Commune, on: NaiveDate, marks: &[(i64, Milestone)]) -> VisitRecord {
    VisitRecord {
        id: id.into(),
        household_id: c.household,
        visited_on: on,
        people: vec![c.grandmother, c.son],
        milestones: marks
            .iter()
            .map(|(r, m)| MilestoneMark {
                resident_id: *r,
                milestone: *m,
            })
            .collect(),
        note: "Hướng dẫn cài VNeID".into(),
        location: None,
    }
}

async fn count(store: &Store, table: &str) -> i64 {
    let c = store.field_counts().await.unwrap();
    match table {
        "visits" => c.visits,
        "visit_people" => c.people_guided,
        "milestones" => c.milestones,
        _ => c.conflicts,
    }
}

async fn class(store: &Store, hamlet: i64) -> i64 {
    let s = NewSession {
        topic: "Bình dân học AI: hỏi đáp với trợ lý ảo".into(),
        course_id: None,
        group: None,
        hamlet_id: Some(hamlet),
        place: "Nhà văn hóa xóm Na Long".into(),
        starts_at: day(12).and_hms_opt(14, 0, 0).unwrap(),
        trainers: "Tổ công nghệ số cộng đồng".into(),
        unit_id: None,
        task: PlanTask::AiInEveryHamlet,
    };
    store
        .add_session(&s.checked().unwrap(), None)
        .await
        .unwrap()
}

fn tick(id: &str, session: i64, resident: i64, how: AttendanceWay) -> AttendanceRecord {
    AttendanceRecord {
        id: id.into(),
        session_id: session,
        resident_id: resident,
        how,
        milestones: vec![Milestone::AiTool],
    }
}

engine_tests! {
    async fn two_phones_ticking_one_person_at_a_class_give_one_row_sync(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        let session = class(&store, c.hamlet).await;
        let a = [tick("phone-a-5000", session, c.son, AttendanceWay::Ticked), tick("phone-a-5001", session, c.grandmother, AttendanceWay::Card)];
        let b = [tick("phone-b-5000", session, c.son, AttendanceWay::Sheet)];
        let out = store.sync_attendance(&scope, None, &a).await.unwrap();
        assert!(out.iter().all(|o| o.status == SyncStatus::Saved), "{out:?}");
        let out = store.sync_attendance(&scope, None, &b).await.unwrap();
        assert_eq!(out[0].status, SyncStatus::Duplicate, "the same person at the same class");
        let again = store.sync_attendance(&scope, None, &a).await.unwrap();
        assert!(again.iter().all(|o| o.status == SyncStatus::Duplicate), "{again:?}");
        let people = store.attendees(session).await.unwrap();
        assert_eq!(people.len(), 2);
        assert_eq!(store.session(session).await.unwrap().unwrap().attended, 2);
        // The milestone reached at the class is dated by the class.
        let m = store.milestones_of(c.son).await.unwrap();
        assert_eq!((m[0].milestone, m[0].reached_on), (Milestone::AiTool, day(12)));
        // Another hamlet's class, or a person of another hamlet: refused.
        let elsewhere = class(&store, c.other_hamlet).await;
        let out = store
            .sync_attendance(&scope, None, &[tick("phone-a-5002", elsewhere, c.son, AttendanceWay::Ticked)])
            .await
            .unwrap();
        assert_eq!(out[0].status, SyncStatus::Rejected);
        // The week's list finds the class.
        let week = store.sessions_between(Some(c.hamlet), day(9), day(15)).await.unwrap();
        assert_eq!(week.iter().map(|s| s.id).collect::<Vec<_>>(), [session]);
        assert!(store.sessions_between(Some(c.hamlet), day(13), day(20)).await.unwrap().is_empty());
    }

    async fn a_batch_sent_twice_is_written_once_sync(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        let batch: Vec<VisitRecord> = (0..3)
            .map(|i| visit(&format!("phone-a-{i:04}"), &c, day(10 + i), &[(c.grandmother, Milestone::VneidInstalled)]))
            .collect();
        let first = store.sync_visits(&scope, None, &batch, today()).await.unwrap();
        assert!(first.iter().all(|o| o.status == SyncStatus::Saved), "{first:?}");
        let again = store.sync_visits(&scope, None, &batch, today()).await.unwrap();
        assert!(again.iter().all(|o| o.status == SyncStatus::Duplicate), "{again:?}");
        assert_eq!(count(&store, "visits").await, 3);
        assert_eq!(count(&store, "visit_people").await, 6);
        assert_eq!(count(&store, "milestones").await, 1);
        // The earliest of the three visits set the milestone.
        let m = store.milestones_of(c.grandmother).await.unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].reached_on, day(10));
        assert_eq!(m[0].record_id, "phone-a-0000");
        // The same id twice in one batch is one record too.
        let twice = vec![visit("phone-a-0100", &c, day(20), &[]), visit("phone-a-0100", &c, day(20), &[])];
        let out = store.sync_visits(&scope, None, &twice, today()).await.unwrap();
        assert_eq!(out.iter().map(|o| o.status).collect::<Vec<_>>(), [SyncStatus::Saved, SyncStatus::Duplicate]);
        assert_eq!(count(&store, "visits").await, 4);
    }

    async fn out_of_order_batches_give_the_same_milestones_sync(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        // Claims of one milestone on different days and phones; the last
        // two share a day, so the smaller id must win.
        let claims = [
            visit("phone-b-0003", &c, day(15), &[(c.son, Milestone::AiTool)]),
            visit("phone-a-0009", &c, day(3), &[(c.son, Milestone::AiTool)]),
            visit("phone-c-0001", &c, day(3), &[(c.son, Milestone::AiTool)]),
        ];
        // Sent newest first, one per batch.
        for v in claims.iter() {
            store.sync_visits(&scope, None, std::slice::from_ref(v), today()).await.unwrap();
        }
        let expected = claims
            .iter()
            .map(|v| Reached { on: v.visited_on, record: v.id.clone() })
            .reduce(Reached::merge)
            .unwrap();
        let m = store.milestones_of(c.son).await.unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].reached_on, m[0].record_id.clone()), (expected.on, expected.record.clone()));
        assert_eq!(expected.record, "phone-a-0009");
        // Sent again in the opposite order: nothing moves.
        for v in claims.iter().rev() {
            let out = store.sync_visits(&scope, None, std::slice::from_ref(v), today()).await.unwrap();
            assert_eq!(out[0].status, SyncStatus::Duplicate);
        }
        assert_eq!(store.milestones_of(c.son).await.unwrap(), m);
    }

    async fn two_phones_on_one_person_keep_both_visits_sync(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        let a = visit("phone-a-1000", &c, day(5), &[(c.grandmother, Milestone::VneidInstalled), (c.grandmother, Milestone::ScamAwareness)]);
        let mut b = visit("phone-b-1000", &c, day(4), &[(c.grandmother, Milestone::VneidInstalled), (c.grandmother, Milestone::CashlessPayment)]);
        b.people = vec![c.grandmother];
        b.note = "Bà đã biết quét mã".into();
        // Both phones send at once.
        let (ra, rb) = tokio::join!(
            store.sync_visits(&scope, None, std::slice::from_ref(&a), today()),
            store.sync_visits(&scope, None, std::slice::from_ref(&b), today()),
        );
        assert_eq!(ra.unwrap()[0].status, SyncStatus::Saved);
        assert_eq!(rb.unwrap()[0].status, SyncStatus::Saved);
        let visits = store.visits_of_hamlet(c.hamlet, 10).await.unwrap();
        assert_eq!(visits.len(), 2, "{visits:?}");
        assert_eq!(visits[0].note, "Hướng dẫn cài VNeID");
        assert_eq!(visits[1].note, "Bà đã biết quét mã");
        let m = store.milestones_of(c.grandmother).await.unwrap();
        let got: Vec<(Milestone, NaiveDate)> = m.iter().map(|r| (r.milestone, r.reached_on)).collect();
        assert_eq!(
            got,
            [
                (Milestone::VneidInstalled, day(4)),
                (Milestone::CashlessPayment, day(4)),
                (Milestone::ScamAwareness, day(5)),
            ]
        );
        // The person's own data shows both visits she was in... and the
        // milestones.
        let data = store.personal_data(c.grandmother).await.unwrap().unwrap();
        assert_eq!(data.visits.len(), 2);
        assert_eq!(data.milestones.len(), 3);
        let son = store.personal_data(c.son).await.unwrap().unwrap();
        assert_eq!(son.visits.len(), 1);
    }

    async fn other_content_under_a_used_id_is_a_conflict_not_an_overwrite_sync(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        let first = visit("phone-a-2000", &c, day(8), &[]);
        store.sync_visits(&scope, None, std::slice::from_ref(&first), today()).await.unwrap();
        let mut edited = first.clone();
        edited.note = "Ghi chú đã sửa trên máy".into();
        for _ in 0..2 {
            let out = store.sync_visits(&scope, None, std::slice::from_ref(&edited), today()).await.unwrap();
            assert_eq!(out[0].status, SyncStatus::Conflict);
            assert!(out[0].message.as_deref().unwrap().contains("nội dung khác"));
        }
        let visits = store.visits_of_hamlet(c.hamlet, 10).await.unwrap();
        assert_eq!(visits.len(), 1);
        assert_eq!(visits[0].note, "Hướng dẫn cài VNeID");
        let conflicts = store.sync_conflicts().await.unwrap();
        assert_eq!(conflicts.len(), 1, "the same difference twice is shown once");
        assert!(conflicts[0].incoming.contains("Ghi chú đã sửa"));
        assert!(conflicts[0].kept.contains("Hướng dẫn cài VNeID"));
    }

    async fn sync_refuses_what_is_outside_the_hamlet_and_writes_the_rest(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        let mut elsewhere = visit("phone-a-3000", &c, day(9), &[]);
        elsewhere.household_id = c.other_household;
        elsewhere.people = vec![];
        let mut stranger = visit("phone-a-3001", &c, day(9), &[]);
        let stranger_id = store
            .create_household_with_head(c.other_hamlet, &person("Vi Văn Tờ", 1970), today())
            .await
            .unwrap()
            .1;
        stranger.people.push(stranger_id);
        let mut future = visit("phone-a-3002", &c, today(), &[]);
        future.visited_on = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let good = visit("phone-a-3003", &c, day(9), &[(c.son, Milestone::PortalAccount)]);
        let out = store
            .sync_visits(&scope, None, &[elsewhere, stranger, future, good], today())
            .await
            .unwrap();
        let statuses: Vec<SyncStatus> = out.iter().map(|o| o.status).collect();
        assert_eq!(
            statuses,
            [SyncStatus::Rejected, SyncStatus::Rejected, SyncStatus::Rejected, SyncStatus::Saved]
        );
        assert!(out[0].message.as_deref().unwrap().contains("xóm bạn phụ trách"));
        assert!(out[1].message.as_deref().unwrap().contains("không thuộc hộ này"));
        assert!(out[2].message.as_deref().unwrap().contains("sau hôm nay"));
        assert_eq!(out[3].id, "phone-a-3003");
        assert_eq!(count(&store, "visits").await, 1);
        // The office reaches every hamlet.
        let mut there = visit("phone-o-0001", &c, day(9), &[]);
        there.household_id = c.other_household;
        there.people = vec![];
        let out = store.sync_visits(&ResidentScope::All, None, &[there], today()).await.unwrap();
        assert_eq!(out[0].status, SyncStatus::Saved);
    }

    async fn a_walk_in_from_another_hamlet_is_ticked_only_as_a_walk_in_sync(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        let session = class(&store, c.hamlet).await;
        let neighbour = store
            .create_household_with_head(c.other_hamlet, &person("Vi Thị Hoa", 1972), today())
            .await
            .unwrap()
            .1;
        let out = store
            .sync_attendance(
                &scope,
                None,
                &[
                    tick("phone-w-0001", session, neighbour, AttendanceWay::Ticked),
                    tick("phone-w-0002", session, neighbour, AttendanceWay::Sheet),
                    tick("phone-w-0003", session, neighbour, AttendanceWay::WalkIn),
                ],
            )
            .await
            .unwrap();
        let statuses: Vec<SyncStatus> = out.iter().map(|o| o.status).collect();
        assert_eq!(statuses, [SyncStatus::Rejected, SyncStatus::Rejected, SyncStatus::Saved]);
        let came = store.attendees(session).await.unwrap();
        assert_eq!(came.len(), 1);
        assert_eq!((came[0].resident_id, came[0].how), (neighbour, Some(AttendanceWay::WalkIn)));
        // A class of another hamlet stays out of reach, walk-in or not.
        let theirs = class(&store, c.other_hamlet).await;
        let out = store
            .sync_attendance(&scope, None, &[tick("phone-w-0004", theirs, c.son, AttendanceWay::WalkIn)])
            .await
            .unwrap();
        assert_eq!(out[0].status, SyncStatus::Rejected);
        assert!(store.attendees(theirs).await.unwrap().is_empty());
    }

    async fn sync_keeps_a_visit_place_only_when_the_commune_records_places(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        let here = hocvuso_domain::field::Location { lat: 21.601_23, lon: 105.834_56 };
        let mut first = visit("phone-l-0001", &c, day(9), &[]);
        first.location = Some(here);
        assert!(!store.field_location_on().await.unwrap(), "off by default");
        assert!(!store.field_pack(c.hamlet, today()).await.unwrap().unwrap().record_location);
        store.sync_visits(&scope, None, &[first], today()).await.unwrap();
        store.set_setting(hocvuso_domain::field::LOCATION_SETTING, "on").await.unwrap();
        assert!(store.field_pack(c.hamlet, today()).await.unwrap().unwrap().record_location);
        let mut second = visit("phone-l-0002", &c, day(10), &[]);
        second.location = Some(here);
        store.sync_visits(&scope, None, &[second], today()).await.unwrap();
        let rows = store.visits_of_hamlet(c.hamlet, 10).await.unwrap();
        let place = |id: &str| rows.iter().find(|v| v.client_id == id).unwrap().location.clone();
        assert_eq!(place("phone-l-0001"), None, "sent while places were off: dropped");
        assert_eq!(place("phone-l-0002").as_deref(), Some("21.6012,105.8346"));
        let pd = store.personal_data(c.son).await.unwrap().unwrap();
        assert!(pd.visits.iter().any(|v| v.location.as_deref() == Some("21.6012,105.8346")));
    }

    async fn the_hamlet_pack_lists_households_people_and_milestones_sync(store: Store) {
        let c = commune(&store).await;
        let scope = ResidentScope::Hamlet(c.hamlet);
        store
            .sync_visits(&scope, None, &[visit("phone-a-4000", &c, day(2), &[(c.son, Milestone::AiTool), (c.son, Milestone::VneidInstalled)])], today())
            .await
            .unwrap();
        let pack = store.field_pack(c.hamlet, today()).await.unwrap().unwrap();
        assert_eq!(pack.hamlet, "Xóm Na Long");
        assert_eq!(pack.households.len(), 1);
        let h = &pack.households[0];
        assert_eq!(h.id, c.household);
        assert_eq!(h.head, "Hoàng Thị Lan");
        let people: Vec<(&str, bool, Vec<&str>)> = h
            .people
            .iter()
            .map(|p| (p.name.as_str(), p.priority, p.reached.clone()))
            .collect();
        assert_eq!(
            people,
            [
                ("Hoàng Thị Lan", true, vec![]),
                ("Hoàng Văn Minh", false, vec!["vneid", "ai"]),
            ]
        );
        assert!(store.field_pack(999_999, today()).await.unwrap().is_none());
    }
}
