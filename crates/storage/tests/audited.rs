//! Changes and their audit rows are written in one transaction
//! (`Store::audited`, issue 12 item 9): a committed change always has its
//! row, with no batching in between; a refused change leaves neither; a
//! creation's row names the new object. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{NewResident, Sex};
use hocvuso_storage::AuditEvent;

fn event(action: &str, object_id: &str, detail: &str) -> AuditEvent {
    AuditEvent {
        user_id: None,
        username: "kiemthu".into(),
        action: action.into(),
        object_type: "cu_dan".into(),
        object_id: object_id.into(),
        detail: detail.into(),
    }
}

fn person(name: &str, citizen_id: Option<&str>) -> NewResident {
    NewResident {
        full_name: name.into(),
        sex: Some(Sex::Female),
        birth: None,
        ethnicity: "Tày".into(),
        phone: None,
        citizen_id: citizen_id.map(|c| hocvuso_domain::CitizenId::parse(c).unwrap()),
        relation: "Chủ hộ".into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

fn today() -> chrono::NaiveDate {
    hocvuso_domain::time::vn_today()
}

engine_tests! {
    async fn a_change_and_its_audit_row_are_one_transaction(store: Store) {
        let hamlet = store.add_hamlet_with_units("Xóm Bản Ngoại").await.unwrap();
        let household = store
            .create_household(hamlet, None, "Hoàng Thị Lan", false, "")
            .await
            .unwrap();

        // A creation: the row is there at once (no flush of the batched
        // writer), and its empty object id became the new resident's.
        let id = store
            .audited(event("tao", "", "vào hộ"))
            .create_resident(household, &person("Hoàng Thị Lan", Some("019190000001")), today())
            .await
            .unwrap();
        assert_eq!(store.count_audit("tao", "cu_dan", &id.to_string()).await.unwrap(), 1);

        // A new household with its head: a row for each, with their ids.
        let (new_household, head) = store
            .audited(event("tao", "", ""))
            .create_household_with_head(hamlet, &person("Nông Văn Páo", None), today())
            .await
            .unwrap();
        assert_eq!(store.count_audit("tao", "ho", &new_household.to_string()).await.unwrap(), 1);
        assert_eq!(store.count_audit("tao", "cu_dan", &head.to_string()).await.unwrap(), 1);

        // An edit.
        let mut changed = person("Hoàng Thị Lan", Some("019190000001"));
        changed.notes = "chuyển nhà".into();
        assert!(store
            .audited(event("sua", &id.to_string(), ""))
            .update_resident(ResidentScope::All, id, &changed, today())
            .await
            .unwrap());
        assert_eq!(store.count_audit("sua", "cu_dan", &id.to_string()).await.unwrap(), 1);

        // Refused (the citizen ID is someone else's): neither the person nor the row.
        let before = store.count_residents().await.unwrap();
        let refused = store
            .audited(event("tao", "", "trùng CCCD"))
            .create_resident(household, &person("Lục Văn Tâm", Some("019190000001")), today())
            .await;
        assert!(refused.is_err());
        assert_eq!(store.count_residents().await.unwrap(), before);
        let rows = store.audit_rows(Some("cu_dan"), 50).await.unwrap();
        assert!(!rows.iter().any(|r| r.5 == "trùng CCCD"), "{rows:?}");

        // Outside the scope: nothing changed, no row.
        assert!(!store
            .audited(event("sua", &id.to_string(), "ngoài phạm vi"))
            .update_resident(ResidentScope::Hamlet(hamlet + 1000), id, &changed, today())
            .await
            .unwrap());
        let rows = store.audit_rows(Some("cu_dan"), 50).await.unwrap();
        assert!(!rows.iter().any(|r| r.5 == "ngoài phạm vi"), "{rows:?}");

        // The plain store writes no row of its own for a change.
        let n = store.audit_rows(None, 1000).await.unwrap().len();
        store
            .update_resident(ResidentScope::All, id, &person("Hoàng Thị Lan", Some("019190000001")), today())
            .await
            .unwrap();
        store.audit().flush().await;
        assert_eq!(store.audit_rows(None, 1000).await.unwrap().len(), n);

        // An export's row is written and waited for.
        store
            .audit_now(&AuditEvent { object_type: "so_dan_cu".into(), ..event("xuat", "xlsx", "1 người") })
            .await
            .unwrap();
        assert_eq!(store.count_audit("xuat", "so_dan_cu", "xlsx").await.unwrap(), 1);
    }
}
