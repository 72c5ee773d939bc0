//! Accounts linked to people, on SQLite and on PostgreSQL: one transaction
//! for a batch, usernames from names without diacritics, no duplicates.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::NaiveDate;
use hocvuso_domain::{BirthDate, NewResident, Role, Sex};
use hocvuso_storage::{NewLinkedAccount, NewUser, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

fn person(name: &str) -> NewResident {
    NewResident {
        full_name: name.into(),
        sex: Some(Sex::Male),
        birth: Some(BirthDate::parse("1990", today()).expect("birth")),
        ethnicity: "Tày".into(),
        phone: None,
        citizen_id: None,
        relation: "Chủ hộ".into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

/// A hamlet with people of these names (each their own household).
async fn people(store: &Store, names: &[&str]) -> (i64, Vec<i64>) {
    let hamlet = store.create_hamlet("Xóm Nà Hoan").await.unwrap();
    let mut ids = Vec::new();
    for n in names {
        let (_, id) = store
            .create_household_with_head(hamlet, &person(n), today())
            .await
            .unwrap();
        ids.push(id);
    }
    (hamlet, ids)
}

fn account(resident_id: i64, role: Role) -> NewLinkedAccount {
    NewLinkedAccount {
        resident_id,
        role,
        password_hash: format!("$argon2id$thu-{resident_id}"),
    }
}

engine_tests! {
    async fn a_batch_makes_usernames_from_names_and_links_each_account(store: Store) {
        let (hamlet, ids) = people(&store, &["Nguyễn Văn An", "Nguyễn Văn An", "Đặng Thị Ánh"]).await;
        // Someone already uses the plain name.
        store.create_user(&NewUser {
            username: "nguyenvanan".into(),
            display_name: "Nguyễn Văn An (khác)".into(),
            password_hash: "x".into(),
            role: Role::CultureOffice,
            must_change_password: false,
        }).await.unwrap();
        let role = Role::DigitalTeamMember { hamlet_id: hamlet };
        let made = store
            .create_linked_accounts(&ids.iter().map(|&id| account(id, role)).collect::<Vec<_>>())
            .await
            .unwrap();
        let names: Vec<&str> = made.iter().map(|a| a.username.as_str()).collect();
        assert_eq!(names, ["nguyenvanan2", "nguyenvanan3", "dangthianh"]);
        for (a, &id) in made.iter().zip(&ids) {
            assert_eq!(a.resident_id, id);
            let (u, hash) = store.find_user(&a.username).await.unwrap().unwrap();
            assert_eq!(u.id, a.user_id);
            assert_eq!(u.role, role);
            assert!(u.must_change_password, "a one-time password");
            assert!(!u.disabled);
            assert_eq!(hash, format!("$argon2id$thu-{id}"));
            assert_eq!(store.accounts_of_resident(id).await.unwrap(), vec![u]);
        }
        assert_eq!(made[2].display_name, "Đặng Thị Ánh");
        let linked = store.accounts_linked_to(&ids).await.unwrap();
        assert_eq!(linked.iter().map(|(r, _)| *r).collect::<Vec<_>>(), ids);
        assert!(store.accounts_linked_to(&[]).await.unwrap().is_empty());

        // A second batch makes nothing new: everyone has an account.
        let again = store
            .create_linked_accounts(&ids.iter().map(|&id| account(id, role)).collect::<Vec<_>>())
            .await
            .unwrap();
        assert!(again.is_empty());
        assert_eq!(store.list_users().await.unwrap().len(), 4);
    }

    async fn a_residents_own_account_is_linked_too(store: Store) {
        let (_, ids) = people(&store, &["Lò Văn Ðức", "Hà Thị Mai"]).await;
        let role = Role::Resident { resident_id: ids[0] };
        let made = store.create_linked_accounts(&[account(ids[0], role), account(ids[0], role)]).await.unwrap();
        assert_eq!(made.len(), 1, "one account per person, even asked twice");
        assert_eq!(made[0].username, "lovanduc");
        let (u, _) = store.find_user("lovanduc").await.unwrap().unwrap();
        assert_eq!(u.role, role);
        // An account made on the users page for a resident is linked too,
        // and a batch then leaves the person as they are.
        let mai = Role::Resident { resident_id: ids[1] };
        let id = store.create_user(&NewUser {
            username: "mai.ha".into(),
            display_name: "Hà Thị Mai".into(),
            password_hash: "x".into(),
            role: mai,
            must_change_password: true,
        }).await.unwrap();
        let linked = store.accounts_of_resident(ids[1]).await.unwrap();
        assert_eq!(linked.iter().map(|u| u.id).collect::<Vec<_>>(), vec![id]);
        assert!(store.create_linked_accounts(&[account(ids[1], mai)]).await.unwrap().is_empty());
        assert_eq!(store.list_users().await.unwrap().len(), 2);
    }

    async fn an_unknown_person_fails_the_whole_batch(store: Store) {
        let (hamlet, ids) = people(&store, &["Nông Văn Bình"]).await;
        let role = Role::DigitalTeamMember { hamlet_id: hamlet };
        let err = store
            .create_linked_accounts(&[account(ids[0], role), account(987_654, role)])
            .await
            .unwrap_err();
        assert!(matches!(err, hocvuso_storage::StoreError::NotFound(_)), "{err}");
        // All or nothing: the first person got no account either.
        assert!(store.accounts_of_resident(ids[0]).await.unwrap().is_empty());
        assert!(store.find_user("nongvanbinh").await.unwrap().is_none());
        assert!(store.list_users().await.unwrap().is_empty());
    }
}
