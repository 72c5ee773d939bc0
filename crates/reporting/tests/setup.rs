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
