//! What the plan's tasks have done (issue 15): each source of activity
//! counted in a stretch of days, with the hamlets reached, on SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::{NaiveDate, Utc};
use hocvuso_domain::classes::{NewSession, PlanTask};
use hocvuso_domain::field::VisitRecord;
use hocvuso_domain::plan::ActivitySource;
use hocvuso_domain::units::UnitType;
use hocvuso_domain::{BirthDate, NewResident, ResidentScope, Sex};
use hocvuso_storage::{NewPilotModel, QuestionLog, Store};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn head(name: &str) -> NewResident {
    NewResident {
        full_name: name.into(),
        sex: Some(Sex::Male),
        birth: Some(BirthDate::Year(1970)),
        ethnicity: String::new(),
        phone: None,
        citizen_id: None,
        relation: "Chủ hộ".into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

async fn class(store: &Store, hamlet: i64, task: PlanTask, on: NaiveDate) {
    let s = NewSession {
        topic: "Buổi học".into(),
        course_id: None,
        group: None,
        hamlet_id: Some(hamlet),
        place: "Nhà văn hóa".into(),
        starts_at: on.and_hms_opt(8, 0, 0).unwrap(),
        trainers: String::new(),
        unit_id: None,
        task,
    };
    store
        .add_session(&s.checked().unwrap(), None)
        .await
        .unwrap();
}

engine_tests! {
    async fn each_source_is_counted_in_its_days_with_the_hamlets_reached(store: Store) {
        let a = store.add_hamlet_with_units("Xóm Đồng Chằm").await.unwrap();
        let b = store.add_hamlet_with_units("Xóm Khe Vàng").await.unwrap();
        class(&store, a, PlanTask::AiInEveryHamlet, day(7, 10)).await;
        class(&store, a, PlanTask::AiInEveryHamlet, day(9, 30)).await;
        class(&store, b, PlanTask::SkillsForEveryGroup, day(7, 11)).await;
        class(&store, b, PlanTask::AiInEveryHamlet, day(10, 1)).await;
        let q3 = (day(7, 1), day(9, 30));
        let got = store.plan_activity(ActivitySource::Classes, "III.6", &[], q3.0, q3.1).await.unwrap();
        assert_eq!((got.count, got.hamlets), (2, vec![a]), "the last day counts, the next does not; other tasks do not");

        let (household, _) = store.create_household_with_head(b, &head("Hà Văn Tùng"), day(1, 5)).await.unwrap();
        let visit = |id: &str, on| VisitRecord {
            id: id.into(),
            household_id: household,
            visited_on: on,
            people: vec![],
            milestones: vec![],
            note: String::new(),
            location: None,
        };
        store
            .sync_visits(&ResidentScope::All, None, &[visit("plan-0001-visit", day(8, 2)), visit("plan-0002-visit", day(6, 30))], day(12, 1))
            .await
            .unwrap();
        let got = store.plan_activity(ActivitySource::Visits, "III.2", &[], q3.0, q3.1).await.unwrap();
        assert_eq!((got.count, got.hamlets), (1, vec![b]));

        for (name, started) in [("Gia đình số xóm Đồng Chằm", Some(day(5, 20))), ("Chợ số", Some(day(8, 1))), ("Chưa bắt đầu", None)] {
            store
                .save_pilot_model(
                    None,
                    &NewPilotModel {
                        kind: "gia_dinh_so".into(),
                        name: name.into(),
                        place: "Xóm".into(),
                        unit_id: None,
                        hamlet_id: Some(a),
                        criteria: String::new(),
                        status: "dang_xay_dung".into(),
                        evidence: String::new(),
                        started_on: started,
                    },
                )
                .await
                .unwrap();
        }
        let got = store.plan_activity(ActivitySource::Models, "III.5", &[], day(4, 1), day(6, 30)).await.unwrap();
        assert_eq!(got.count, 1);

        // Reports: those submitted by the task's units, in the quarters.
        let team = store
            .list_units()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.unit_type == UnitType::DigitalTeam && u.hamlet_id == Some(a))
            .unwrap();
        store.save_unit_report(team.id, "2026Q3", "{}", "{}", None, true, Utc::now()).await.unwrap();
        let hamlet_unit = store
            .list_units()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.unit_type == UnitType::Hamlet && u.hamlet_id == Some(b))
            .unwrap();
        store.save_unit_report(hamlet_unit.id, "2026Q3", "{}", "{}", None, false, Utc::now()).await.unwrap();
        let teams = [UnitType::DigitalTeam, UnitType::Hamlet];
        let got = store.plan_activity(ActivitySource::UnitReports, "III.2", &teams, q3.0, q3.1).await.unwrap();
        assert_eq!(got.count, 1, "a draft does not count");
        let got = store.plan_activity(ActivitySource::UnitReports, "III.2", &[UnitType::School], q3.0, q3.1).await.unwrap();
        assert_eq!(got.count, 0, "another unit type's reports do not count");

        // Questions to the assistant, by when they were asked.
        store
            .log_question(&QuestionLog {
                user_id: None,
                resident_id: None,
                question: "làm căn cước ở đâu".into(),
                behavior: "answer".into(),
                code: None,
            })
            .await
            .unwrap();
        let today = hocvuso_domain::time::vn_today();
        let around = (today - chrono::Days::new(1), today + chrono::Days::new(1));
        let got = store.plan_activity(ActivitySource::Assistant, "III.4", &[], around.0, around.1).await.unwrap();
        assert_eq!(got.count, 1);
        let got = store.plan_activity(ActivitySource::Assistant, "III.4", &[], day(1, 1), day(1, 31)).await.unwrap();
        assert_eq!(got.count, 0);
    }
}
