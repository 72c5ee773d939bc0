//! A commune set up from an empty store, as an office does it (hamlets,
//! people, units, members with their categories): indicators 1 and 4 count
//! exactly the people put into the units, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

#[path = "../../storage/tests/engines.rs"]
mod engines;

use chrono::NaiveDate;
use hocvuso_domain::{MemberCategory, NewResident, Quarter, Sex, UnitType};
use hocvuso_learning::Catalog;
use hocvuso_reporting::{dashboard, Context, Definitions};
use hocvuso_storage::{NewUnit, Store};

fn today() -> NaiveDate {
    hocvuso_domain::time::vn_today()
}

fn person(name: &str, sex: Sex) -> NewResident {
    NewResident {
        full_name: name.into(),
        sex: Some(sex),
        birth: None,
        ethnicity: "Tày".into(),
        phone: None,
        citizen_id: None,
        relation: "Chủ hộ".into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

async fn denominators(store: &Store) -> (i64, i64) {
    let catalog = Catalog::embedded().unwrap();
    let defs = Definitions::embedded(&catalog).unwrap();
    let cx = Context {
        store,
        catalog: &catalog,
        defs: &defs,
    };
    let d = dashboard(cx, Quarter::containing(today())).await.unwrap();
    let of = |code: &str| {
        d.indicators
            .iter()
            .find(|r| r.code == code)
            .unwrap()
            .denominator
    };
    (of("1"), of("4"))
}

async fn a_real_commune_counts_the_people_put_into_its_units(store: Store) {
    let khuon_lang = store.add_hamlet_with_units("Xóm Khuôn Lặng").await.unwrap();
    store.add_hamlet_with_units("Xóm Na Mấy").await.unwrap();
    let mut people = Vec::new();
    for (i, name) in [
        "Nông Văn Bình",
        "Hoàng Thị Lan",
        "Lường Văn Chiến",
        "Triệu Thị Mai",
        "Đặng Văn Sơn",
        "Ma Thị Hương",
    ]
    .iter()
    .enumerate()
    {
        let household = store
            .create_household(khuon_lang, None, name, false, "")
            .await
            .unwrap();
        let sex = if i % 2 == 0 { Sex::Male } else { Sex::Female };
        people.push(
            store
                .create_resident(household, &person(name, sex), today())
                .await
                .unwrap(),
        );
    }
    assert_eq!(denominators(&store).await, (0, 0), "nobody in a unit yet");

    let office = store
        .create_unit_with(&NewUnit {
            name: "Văn phòng HĐND và UBND xã".into(),
            unit_type: UnitType::PeoplesCommitteeOffice,
            hamlet_id: None,
            school_level: None,
            created_on: Some(today()),
        })
        .await
        .unwrap();
    let women = store
        .create_unit("Hội Liên hiệp Phụ nữ xã", UnitType::MassOrganisation, None)
        .await
        .unwrap();
    let school = store
        .create_unit("Trường Tiểu học Dân Tiến", UnitType::School, None)
        .await
        .unwrap();
    let team = store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit_type == UnitType::DigitalTeam && u.hamlet_id == Some(khuon_lang))
        .unwrap()
        .id;

    let add = |unit, who, category| {
        let store = store.clone();
        async move {
            store
                .add_member(unit, who, "", category, today())
                .await
                .unwrap()
        }
    };
    add(office, people[0], MemberCategory::CongChuc).await;
    add(office, people[1], MemberCategory::KhongChuyenTrach).await;
    add(women, people[1], MemberCategory::CanBo).await;
    add(school, people[2], MemberCategory::CongChuc).await; // a school is not a commune body
    add(team, people[3], MemberCategory::ThanhVienTo).await;
    add(team, people[4], MemberCategory::ThanhVienTo).await;
    // Indicator 1: the office's công chức and the Women's Union's cán bộ
    // (the same person in two units counts once); indicator 4: the team.
    assert_eq!(denominators(&store).await, (2, 2));

    // A category changed to one that does not count, a member taken out,
    // a unit deactivated: each shows at once.
    add(office, people[0], MemberCategory::VienChuc).await;
    assert_eq!(denominators(&store).await, (1, 2));
    assert!(store.remove_member(team, people[4], today()).await.unwrap());
    assert_eq!(denominators(&store).await, (1, 1));
    assert!(store.set_unit_active(women, false).await.unwrap());
    assert_eq!(denominators(&store).await, (0, 1));
    assert!(!store
        .list_units()
        .await
        .unwrap()
        .iter()
        .any(|u| u.id == women));
    let all = store.units_overview().await.unwrap();
    let kept = all.iter().find(|o| o.unit.id == women).unwrap();
    assert!(
        !kept.unit.active && kept.members == 1,
        "kept, with its member"
    );
    assert!(store.set_unit_active(women, true).await.unwrap());
    assert_eq!(denominators(&store).await, (1, 1));

    // Renamed (hamlets and units are merged and renamed), still the same unit.
    assert!(store
        .rename_unit(office, "Văn phòng Đảng ủy – HĐND – UBND xã")
        .await
        .unwrap());
    let renamed = store.list_units().await.unwrap();
    assert!(renamed
        .iter()
        .any(|u| u.id == office && u.name == "Văn phòng Đảng ủy – HĐND – UBND xã"));
    assert!(store.rename_unit(office, "  ").await.is_err());

    // A unit created in this quarter owes no report for the one before:
    // the commune report of last quarter does not list it as missing.
    let catalog = Catalog::embedded().unwrap();
    let defs = Definitions::embedded(&catalog).unwrap();
    let cx = Context {
        store: &store,
        catalog: &catalog,
        defs: &defs,
    };
    let units_in = |quarter: Quarter| async move {
        {
            let report = hocvuso_reporting::commune_report(
                cx,
                &hocvuso_reporting::ReportInput {
                    commune: "xã Dân Tiến",
                    quarter,
                    date: today(),
                    plan: None,
                },
            )
            .await
            .unwrap();
            let section = report
                .sections
                .iter()
                .find(|s| s.heading == "BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ")
                .unwrap();
            section
                .table
                .as_ref()
                .unwrap()
                .rows
                .iter()
                .map(|r| r[0].clone())
                .collect::<Vec<_>>()
        }
    };
    let now = Quarter::containing(today());
    assert!(units_in(now)
        .await
        .contains(&"Trường Tiểu học Dân Tiến".to_string()));
    assert!(!units_in(now.prev())
        .await
        .contains(&"Trường Tiểu học Dân Tiến".to_string()));
}

/// 7a and 7b ask for a rise on the quarter before: met is true or false once
/// both quarters have the centre's submitted numbers, with the change.
async fn a_rise_on_the_previous_quarter_is_met_or_not(store: Store) {
    use hocvuso_domain::reports::{APPLICATIONS_ONLINE, APPLICATIONS_TOTAL};
    let catalog = Catalog::embedded().unwrap();
    let defs = Definitions::embedded(&catalog).unwrap();
    let cx = Context {
        store: &store,
        catalog: &catalog,
        defs: &defs,
    };
    let centre = store
        .create_unit(
            "Trung tâm Phục vụ hành chính công xã",
            UnitType::PublicServiceCentre,
            None,
        )
        .await
        .unwrap();
    let now = Quarter::containing(today());
    let submit = |q: Quarter, online: i64, total: i64| {
        let store = store.clone();
        async move {
            let numbers = format!(
                r#"{{"{APPLICATIONS_ONLINE}": {online}, "{APPLICATIONS_TOTAL}": {total}}}"#
            );
            store
                .save_unit_report(
                    centre,
                    &q.to_string(),
                    &numbers,
                    "{}",
                    None,
                    true,
                    chrono::Utc::now(),
                )
                .await
                .unwrap();
        }
    };
    let seven_a = |d: &hocvuso_reporting::Dashboard| {
        d.indicators
            .iter()
            .find(|r| r.code == "7a")
            .unwrap()
            .clone()
    };
    // Only this quarter: nothing to compare with yet.
    submit(now, 30, 100).await;
    let r = seven_a(&dashboard(cx, now).await.unwrap());
    assert_eq!((r.met, r.change), (None, None));
    // The quarter before had 20%: a rise of 10 points, met.
    submit(now.prev(), 20, 100).await;
    let r = seven_a(&dashboard(cx, now).await.unwrap());
    assert_eq!((r.met, r.change), (Some(true), Some(10.0)));
    assert_eq!(r.change_text(), "tăng 10 điểm % so với quý trước");
    // Had it been 35% before, it fell by 5 points: not met.
    store
        .return_unit_report(centre, &now.prev().to_string(), "sửa số liệu")
        .await
        .unwrap();
    submit(now.prev(), 35, 100).await;
    let r = seven_a(&dashboard(cx, now).await.unwrap());
    assert_eq!((r.met, r.change), (Some(false), Some(-5.0)));
    assert_eq!(r.change_text(), "giảm 5 điểm % so với quý trước");
}

#[tokio::test]
async fn sqlite_a_rise_on_the_previous_quarter_is_met_or_not() {
    let db = engines::TestDb::sqlite().await;
    a_rise_on_the_previous_quarter_is_met_or_not(db.store.clone()).await;
    db.finish().await;
}

#[tokio::test]
async fn postgres_a_rise_on_the_previous_quarter_is_met_or_not() {
    let Some(db) = engines::TestDb::postgres().await else {
        return;
    };
    a_rise_on_the_previous_quarter_is_met_or_not(db.store.clone()).await;
    db.finish().await;
}

#[tokio::test]
async fn sqlite_a_real_commune_counts_the_people_put_into_its_units() {
    let db = engines::TestDb::sqlite().await;
    a_real_commune_counts_the_people_put_into_its_units(db.store.clone()).await;
    db.finish().await;
}

#[tokio::test]
async fn postgres_a_real_commune_counts_the_people_put_into_its_units() {
    let Some(db) = engines::TestDb::postgres().await else {
        return;
    };
    a_real_commune_counts_the_people_put_into_its_units(db.store.clone()).await;
    db.finish().await;
}

fn indicator_two(d: &hocvuso_reporting::Dashboard) -> (i64, i64) {
    let r = d.indicators.iter().find(|r| r.code == "2").unwrap();
    (r.numerator, r.denominator)
}

/// Indicator 2 counts the students of grade 1 and up on an active school's
/// class list, not a hand-set "học sinh" mark: a kindergarten child, a
/// child marked by hand and a class list in a non-school unit do not count.
async fn students_count_by_grade_on_a_schools_list(store: Store) {
    use hocvuso_storage::Enrolment;
    let catalog = Catalog::embedded().unwrap();
    let defs = Definitions::embedded(&catalog).unwrap();
    let cx = Context {
        store: &store,
        catalog: &catalog,
        defs: &defs,
    };
    let quarter = Quarter::containing(today());
    let hamlet = store.add_hamlet_with_units("Xóm Nà Hoan").await.unwrap();
    let mut kids = Vec::new();
    for name in [
        "Nông Bảo An",
        "Hoàng Minh Khôi",
        "Lường Thu Trang",
        "Triệu Gia Huy",
    ] {
        let household = store
            .create_household(hamlet, None, name, false, "")
            .await
            .unwrap();
        let mut p = person(name, Sex::Male);
        if name == "Triệu Gia Huy" {
            // Marked by hand, on no school's list.
            p.manual_groups = vec![hocvuso_domain::TargetGroup::Students];
        }
        kids.push(store.create_resident(household, &p, today()).await.unwrap());
    }
    assert_eq!(
        indicator_two(&dashboard(cx, quarter).await.unwrap()),
        (0, 0)
    );

    let primary = store
        .create_unit_with(&NewUnit {
            name: "Trường Tiểu học Nà Hoan".into(),
            unit_type: UnitType::School,
            hamlet_id: None,
            school_level: Some(hocvuso_domain::SchoolLevel::TieuHoc),
            created_on: Some(today()),
        })
        .await
        .unwrap();
    let enrol = |resident_id, grade, class: &str| Enrolment {
        resident_id,
        grade,
        class_name: class.into(),
    };
    let n = store
        .enrol_students(
            primary,
            &[
                enrol(kids[0], 1, "1A"),
                enrol(kids[1], 3, "3B"),
                enrol(kids[2], 0, "Lá"),
            ],
            today(),
        )
        .await
        .unwrap();
    assert_eq!(n, 3);
    assert_eq!(store.count_students().await.unwrap(), 2);
    assert_eq!(
        indicator_two(&dashboard(cx, quarter).await.unwrap()),
        (0, 2)
    );
    let listed = store.students_of(primary).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|s| (s.grade, s.class_name.as_str()))
            .collect::<Vec<_>>(),
        vec![(0, "Lá"), (1, "1A"), (3, "3B")]
    );

    // Listed again (next year's list): moved up a grade, not doubled.
    store
        .enrol_students(primary, &[enrol(kids[2], 1, "1B")], today())
        .await
        .unwrap();
    assert_eq!(
        indicator_two(&dashboard(cx, quarter).await.unwrap()),
        (0, 3)
    );
    assert_eq!(store.students_of(primary).await.unwrap().len(), 3);

    // A unit that is not a school, a grade out of range: refused, nothing written.
    let office = store
        .create_unit(
            "Phòng Văn hóa – Xã hội",
            UnitType::CultureSocietyOffice,
            None,
        )
        .await
        .unwrap();
    let err = store
        .enrol_students(office, &[enrol(kids[3], 2, "2A")], today())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("không phải trường học"), "{err}");
    let err = store
        .enrol_students(
            primary,
            &[enrol(kids[3], 2, "2A"), enrol(kids[0], 13, "13A")],
            today(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Khối lớp 13"), "{err}");
    assert_eq!(store.students_of(primary).await.unwrap().len(), 3);

    // A school closed (merged): its students stop counting at once.
    assert!(store.set_unit_active(primary, false).await.unwrap());
    assert_eq!(
        indicator_two(&dashboard(cx, quarter).await.unwrap()),
        (0, 0)
    );
    assert!(store.set_unit_active(primary, true).await.unwrap());
    assert!(store.remove_student(primary, kids[1]).await.unwrap());
    assert_eq!(
        indicator_two(&dashboard(cx, quarter).await.unwrap()),
        (0, 2)
    );
}

#[tokio::test]
async fn sqlite_students_count_by_grade_on_a_schools_list() {
    let db = engines::TestDb::sqlite().await;
    students_count_by_grade_on_a_schools_list(db.store.clone()).await;
    db.finish().await;
}

#[tokio::test]
async fn postgres_students_count_by_grade_on_a_schools_list() {
    let Some(db) = engines::TestDb::postgres().await else {
        return;
    };
    students_count_by_grade_on_a_schools_list(db.store.clone()).await;
    db.finish().await;
}
