//! Consent per resident and purpose (issue 12): who must agree at which age
//! is checked before anything is written; the latest record is the one in
//! force, the earlier ones stay as history; the demo gives most residents
//! consent and leaves some without. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::NaiveDate;
use hocvuso_domain::privacy::{ConsentGiven, ConsentMethod, ConsentPurpose};
use hocvuso_domain::{BirthDate, NewResident, Sex};
use hocvuso_storage::{in_force, AuditEvent, StoreError};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

fn child() -> NewResident {
    NewResident {
        full_name: "Lục Thị Mai".into(),
        sex: Some(Sex::Female),
        birth: Some(BirthDate::Full(
            NaiveDate::from_ymd_opt(2016, 3, 2).unwrap(),
        )),
        ethnicity: "Tày".into(),
        phone: None,
        citizen_id: None,
        relation: "Con".into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

fn given(agreed: bool, by_person: bool, guardian: &str) -> ConsentGiven {
    ConsentGiven {
        purpose: ConsentPurpose::NamedLists,
        agreed,
        by_person,
        guardian: guardian.into(),
        method: ConsentMethod::Paper,
    }
}

engine_tests! {
    async fn a_childs_consent_needs_both_and_the_latest_is_in_force(store: Store) {
        let hamlet = store.add_hamlet_with_units("Xóm Nà Mòn").await.unwrap();
        let (_, id) = store.create_household_with_head(hamlet, &child(), today()).await.unwrap();
        let birth = child().birth;
        // Ten years old: the parent alone is refused, nothing written.
        let e = store
            .record_consent(id, birth, &given(true, false, "Lục Văn Dũng"), "truongxom", today())
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid(ref m) if m.contains("7 tuổi")), "{e:?}");
        assert!(store.consents_of(id).await.unwrap().is_empty());
        assert!(!store.consent_given(id, ConsentPurpose::NamedLists).await.unwrap());

        // Both: in force, and audited in the same transaction.
        let event = AuditEvent {
            user_id: None,
            username: "truongxom".into(),
            action: "sua".into(),
            object_type: "cu_dan".into(),
            object_id: id.to_string(),
            detail: "đồng ý".into(),
        };
        store
            .audited(event)
            .record_consent(id, birth, &given(true, true, "Lục Văn Dũng"), "truongxom", today())
            .await
            .unwrap();
        assert_eq!(store.count_audit("sua", "cu_dan", &id.to_string()).await.unwrap(), 1);
        assert!(store.consent_given(id, ConsentPurpose::NamedLists).await.unwrap());
        assert!(!store.consent_given(id, ConsentPurpose::Contact).await.unwrap());

        // Withdrawn: no longer in force; both records kept, newest first.
        store
            .record_consent(id, birth, &given(false, true, ""), "truongxom", today())
            .await
            .unwrap();
        let history = store.consents_of(id).await.unwrap();
        assert_eq!(history.len(), 2);
        assert!(!history[0].agreed && history[1].agreed);
        assert_eq!(history[1].guardian, "Lục Văn Dũng");
        let now = in_force(&history);
        assert!(now.iter().any(|(p, c)| *p == ConsentPurpose::NamedLists && c.is_some_and(|c| !c.agreed)));
        assert!(now.iter().any(|(p, c)| *p == ConsentPurpose::Contact && c.is_none()));
        assert!(!store.consent_given(id, ConsentPurpose::NamedLists).await.unwrap());

        // A guardian name longer than the limit is refused.
        let long = "A".repeat(101);
        assert!(store
            .record_consent(id, birth, &given(true, true, &long), "x", today())
            .await
            .is_err());
        assert_eq!(store.consents_of(id).await.unwrap().len(), 2);
    }

    async fn the_demo_leaves_some_residents_without_consent(store: Store) {
        let demo = hocvuso_demo::generate(&hocvuso_demo::DemoOptions {
            seed: 3,
            hamlets: 2,
            households: 30,
            today: today(),
        });
        store.load_demo(&demo, today()).await.unwrap();
        let total = store.count_residents().await.unwrap();
        let mut with = 0;
        for id in 1..=total {
            if store.consent_given(id, ConsentPurpose::NamedLists).await.unwrap() {
                with += 1;
            }
        }
        assert!(with > total / 2 && with < total, "{with} of {total}");
    }
}
