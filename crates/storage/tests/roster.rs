//! Staff lists in the store (issue 11): the registry keys lists are matched
//! against, and the batch that puts a list's people into their units. Run
//! on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::NaiveDate;
use hocvuso_domain::{BirthDate, CitizenId, MemberCategory, NewResident, Sex, UnitType};
use hocvuso_import::{HouseholdKey, ImportRow};
use hocvuso_storage::{MembersAdded, NewMember, Store, StoreError};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

fn resident(n: usize, hamlet: i64, name: &str, birth: &str, cid: Option<&str>) -> ImportRow {
    ImportRow {
        row_number: n,
        hamlet_id: hamlet,
        household: HouseholdKey::Head(name.into()),
        resident: NewResident {
            full_name: name.into(),
            sex: Some(Sex::Male),
            birth: Some(BirthDate::parse(birth, today()).unwrap()),
            ethnicity: "Tày".into(),
            phone: None,
            citizen_id: cid.map(|c| CitizenId::parse(c).unwrap()),
            relation: "Chủ hộ".into(),
            notes: String::new(),
            manual_groups: vec![],
        },
    }
}

/// Three residents and an office; returns (office id, resident ids by name).
async fn setup(store: &Store) -> (i64, Vec<(String, i64)>) {
    let hamlet = store.create_hamlet("Xóm Khuôn Lặng").await.unwrap();
    let rows = [
        resident(
            2,
            hamlet,
            "Nông Văn Bình",
            "12/03/1975",
            Some("019075000101"),
        ),
        resident(3, hamlet, "Hoàng Văn Lâm", "1980", None),
        resident(4, hamlet, "Lường Văn Chiến", "20/01/1988", None),
    ];
    store
        .import_residents(&rows, today(), &|_| {})
        .await
        .unwrap();
    let office = store
        .create_unit(
            "Văn phòng HĐND và UBND xã",
            UnitType::PeoplesCommitteeOffice,
            None,
        )
        .await
        .unwrap();
    let ids = store
        .person_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.full_name, k.id))
        .collect();
    (office, ids)
}

fn id_of(ids: &[(String, i64)], name: &str) -> i64 {
    ids.iter().find(|(n, _)| n == name).unwrap().1
}

engine_tests! {
    async fn person_keys_hold_what_lists_are_matched_by(store: Store) {
        setup(&store).await;
        let keys = store.person_keys().await.unwrap();
        assert_eq!(keys.len(), 3);
        let binh = keys.iter().find(|k| k.full_name == "Nông Văn Bình").unwrap();
        assert_eq!(binh.citizen_id.as_deref(), Some("019075000101"));
        assert_eq!(
            binh.birth_date,
            Some(BirthDate::Full(NaiveDate::from_ymd_opt(1975, 3, 12).unwrap()))
        );
        let lam = keys.iter().find(|k| k.full_name == "Hoàng Văn Lâm").unwrap();
        assert_eq!(lam.birth_date, Some(BirthDate::Year(1980)));
        assert_eq!(lam.citizen_id, None);
    }

    async fn a_staff_list_is_written_all_or_nothing_and_never_doubles_a_member(store: Store) {
        let (office, ids) = setup(&store).await;
        let binh = id_of(&ids, "Nông Văn Bình");
        let lam = id_of(&ids, "Hoàng Văn Lâm");
        let chien = id_of(&ids, "Lường Văn Chiến");
        store
            .add_member(office, binh, "Văn thư", MemberCategory::Khac, today())
            .await
            .unwrap();
        let list = vec![
            NewMember { unit_id: office, resident_id: binh, position: "  Công chức   Văn phòng ".into(), category: MemberCategory::CongChuc },
            NewMember { unit_id: office, resident_id: lam, position: "Chủ tịch".into(), category: MemberCategory::CanBo },
        ];
        let done = store.add_members(&list, today()).await.unwrap();
        assert_eq!(done, MembersAdded { added: 1, updated: 1 });
        let members = store.members_of(office).await.unwrap();
        assert_eq!(members.len(), 2, "{members:?}");
        let b = members.iter().find(|m| m.resident_id == binh).unwrap();
        assert_eq!((b.position.as_str(), b.category), ("Công chức Văn phòng", MemberCategory::CongChuc));
        assert_eq!(store.count_commune_officials().await.unwrap(), 2);
        // Again: nobody doubled, both updated.
        let done = store.add_members(&list, today()).await.unwrap();
        assert_eq!(done, MembersAdded { added: 0, updated: 2 });
        assert_eq!(store.members_of(office).await.unwrap().len(), 2);

        // A row naming no resident: the whole batch is rolled back.
        let bad = vec![
            NewMember { unit_id: office, resident_id: chien, position: String::new(), category: MemberCategory::CongChuc },
            NewMember { unit_id: office, resident_id: 999_999, position: String::new(), category: MemberCategory::CongChuc },
        ];
        assert!(store.add_members(&bad, today()).await.is_err());
        assert_eq!(store.members_of(office).await.unwrap().len(), 2);

        // An unknown unit or a long position: refused before writing.
        let e = store
            .add_members(&[NewMember { unit_id: 424_242, resident_id: chien, position: String::new(), category: MemberCategory::Khac }], today())
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("Không có đơn vị")), "{e}");
        let e = store
            .add_members(&[NewMember { unit_id: office, resident_id: chien, position: "x".repeat(121), category: MemberCategory::Khac }], today())
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("Chức vụ")), "{e}");
        assert_eq!(store.members_of(office).await.unwrap().len(), 2);
        assert_eq!(store.add_members(&[], today()).await.unwrap(), MembersAdded::default());
    }
}
