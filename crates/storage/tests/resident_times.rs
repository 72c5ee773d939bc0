//! When a resident was entered in the registry, on SQLite and on
//! PostgreSQL: the lower bound of a quiz's answer time.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::{Duration, NaiveDate, Utc};
use hocvuso_domain::{BirthDate, NewResident, Sex};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

engine_tests! {
    async fn a_resident_is_dated_when_entered(store: Store) {
        let hamlet = store.create_hamlet("Xóm Nà Hoan").await.unwrap();
        let before = Utc::now() - Duration::seconds(1);
        let (_, id) = store
            .create_household_with_head(
                hamlet,
                &NewResident {
                    full_name: "Hoàng Văn Thụ".into(),
                    sex: Some(Sex::Male),
                    birth: Some(BirthDate::parse("1990", today()).unwrap()),
                    ethnicity: "Tày".into(),
                    phone: None,
                    citizen_id: None,
                    relation: "Chủ hộ".into(),
                    notes: String::new(),
                    manual_groups: vec![],
                },
                today(),
            )
            .await
            .unwrap();
        let at = store.resident_created_at(id).await.unwrap().expect("entered");
        assert!(at >= before && at <= Utc::now() + Duration::seconds(1), "{at}");
        assert_eq!(store.resident_created_at(id + 1000).await.unwrap(), None);
    }
}
