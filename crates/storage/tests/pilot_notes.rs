//! A pilot model's history (issue 15, task III.5): evidence items, reviews
//! and replications added one by one and none replaced; replications count
//! for the plan's "duy trì và nhân rộng" phase; a hamlet merge carries them;
//! on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::{NaiveDate, Utc};
use hocvuso_domain::pilot::{NewNote, NoteKind};
use hocvuso_domain::plan::ActivitySource;
use hocvuso_storage::{NewPilotModel, StoreError};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn note(kind: NoteKind, text: &str, hamlet: Option<i64>, on: NaiveDate) -> NewNote {
    NewNote::checked(kind, text, hamlet, None, on, day(12, 31)).unwrap()
}

engine_tests! {
    async fn a_models_history_keeps_every_note_and_counts_its_replications(store: Store) {
        let a = store.add_hamlet_with_units("Xóm Đồng Chằm").await.unwrap();
        let b = store.add_hamlet_with_units("Xóm Khe Vàng").await.unwrap();
        let c = store.add_hamlet_with_units("Xóm Bản Chang").await.unwrap();
        let model = store
            .save_pilot_model(
                None,
                &NewPilotModel {
                    kind: "binh_dan_hoc_vu_so".into(),
                    name: "Điểm Bình dân học vụ số xóm Đồng Chằm".into(),
                    place: "Nhà văn hóa xóm Đồng Chằm".into(),
                    unit_id: None,
                    hamlet_id: Some(a),
                    criteria: "Mỗi hộ có người dùng VNeID mức 2".into(),
                    status: "dang_xay_dung".into(),
                    evidence: String::new(),
                    started_on: Some(day(5, 10)),
                },
            )
            .await
            .unwrap();
        let at = Utc::now();
        store.add_model_note(model, &note(NoteKind::Evidence, "Quyết định số 12/QĐ-UBND", None, day(5, 10)), None, at).await.unwrap();
        store.add_model_note(model, &note(NoteKind::Evidence, "Biên bản ra mắt", None, day(6, 2)), None, at).await.unwrap();
        store.add_model_note(model, &note(NoteKind::Review, "Sơ kết quý II: đạt 4/5 tiêu chí", None, day(6, 28)), None, at).await.unwrap();
        store.add_model_note(model, &note(NoteKind::Replication, "", Some(b), day(8, 15)), None, at).await.unwrap();
        store.add_model_note(model, &note(NoteKind::Replication, "", Some(c), day(10, 20)), None, at).await.unwrap();

        let notes = store.model_notes(model).await.unwrap();
        let texts: Vec<&str> = notes.iter().filter(|n| n.kind() == Some(NoteKind::Evidence)).map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["Biên bản ra mắt", "Quyết định số 12/QĐ-UBND"], "both kept, newest first");
        assert_eq!(notes[0].place.as_deref(), Some("Xóm Bản Chang"));
        // The list shows the latest evidence.
        let m = store.pilot_models().await.unwrap().into_iter().find(|m| m.id == model).unwrap();
        assert_eq!(m.evidence, "Biên bản ra mắt");

        // The plan's III.5 counts replications in their days, with the hamlets reached.
        let q3 = store.plan_activity(ActivitySource::Replications, "III.5", &[], day(7, 1), day(9, 30)).await.unwrap();
        assert_eq!((q3.count, q3.hamlets), (1, vec![b]));
        let q2 = store.plan_activity(ActivitySource::Replications, "III.5", &[], day(4, 1), day(6, 30)).await.unwrap();
        assert_eq!(q2.count, 0);

        // A model, hamlet that does not exist: refused, nothing written.
        let missing = store.add_model_note(model + 100, &note(NoteKind::Review, "x", None, day(7, 1)), None, at).await;
        assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");
        let nowhere = store.add_model_note(model, &note(NoteKind::Replication, "", Some(c + 100), day(7, 1)), None, at).await;
        assert!(matches!(nowhere, Err(StoreError::Invalid(_))), "{nowhere:?}");
        assert_eq!(store.model_notes(model).await.unwrap().len(), 5);

        // Merging Khe Vàng into Bản Chang keeps the replication, now to Bản Chang.
        store.merge_hamlets(b, c, day(11, 1)).await.unwrap();
        let places: Vec<Option<String>> = store.model_notes(model).await.unwrap().into_iter().filter(|n| n.kind() == Some(NoteKind::Replication)).map(|n| n.place).collect();
        assert_eq!(places, [Some("Xóm Bản Chang".to_string()), Some("Xóm Bản Chang".to_string())]);
    }
}
