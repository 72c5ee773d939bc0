//! Invisible characters (zero-width spaces, bidi marks, soft hyphens, byte
//! order marks) copied into a list with the names are dropped on import: the
//! name is stored clean, search finds it, and a clean list imported later
//! matches the same person instead of adding a second one. Run on SQLite
//! and PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::NaiveDate;
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::ResidentFilter;
use hocvuso_import::{preview_file, ValidationContext};
use hocvuso_storage::Store;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// Import a CSV list of one resident of Xóm Khuôn Lặng; returns
/// (created, unchanged).
async fn import(store: &Store, name: &str) -> (usize, usize) {
    let hamlets = store
        .list_hamlets()
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect();
    let ctx = ValidationContext {
        today: today(),
        hamlets,
    };
    let csv = format!(
        "Họ và tên,Ngày sinh,Giới tính,Xóm,Quan hệ với chủ hộ\n{name},12/03/1975,Nam,Xóm Khuôn\u{200B} Lặng,Chủ hộ\n"
    );
    let preview = preview_file(csv.as_bytes(), "danh_sach.csv", &ctx).unwrap();
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    let summary = store
        .import_residents(&preview.rows, today(), &|_| {})
        .await
        .unwrap();
    (summary.created, summary.unchanged)
}

async fn names(store: &Store, query: &str) -> Vec<String> {
    let f = ResidentFilter {
        query: Some(query.into()),
        ..Default::default()
    };
    store
        .list_residents(ResidentScope::All, &f, 1, 10)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.full_name)
        .collect()
}

engine_tests! {
    async fn invisible_characters_do_not_reach_names_or_keys(store: Store) {
        store.create_hamlet("Xóm Khuôn Lặng").await.unwrap();
        let dirty = "\u{FEFF}Nông\u{200B} Văn\u{00AD} Bình\u{200D}\u{202C}";
        assert_eq!(import(&store, dirty).await, (1, 0));
        assert_eq!(names(&store, "nong van binh").await, vec!["Nông Văn Bình"]);
        assert_eq!(names(&store, "Nông Văn Bình").await, vec!["Nông Văn Bình"]);
        // The same list typed clean: the same person, nobody added.
        assert_eq!(import(&store, "Nông Văn Bình").await, (0, 1));
        assert_eq!(store.count_residents().await.unwrap(), 1);
        // And dirty again, another way.
        assert_eq!(import(&store, "Nông \u{2066}Văn\u{2069} B\u{200C}ình").await, (0, 1));
        assert_eq!(store.count_residents().await.unwrap(), 1);
        // A search typed with a zero-width space still finds the person.
        assert_eq!(names(&store, "văn\u{200B} bình").await, vec!["Nông Văn Bình"]);
    }
}
