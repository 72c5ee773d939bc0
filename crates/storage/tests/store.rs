//! The storage test suite, run on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::{Duration, NaiveDate, Utc};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::groups::{derive_groups, GroupFacts, TargetGroup};
use hocvuso_domain::person::is_ethnic_minority;
use hocvuso_domain::{BirthDate, CitizenId, NewResident, ResidentFilter, Role, Sex, UnitType};
use hocvuso_import::{HouseholdKey, ImportRow};
use hocvuso_storage::{AuditEvent, NewUser, Store};
use std::collections::HashMap;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

fn small_demo() -> hocvuso_demo::DemoCommune {
    hocvuso_demo::generate(&hocvuso_demo::DemoOptions {
        seed: 7,
        hamlets: 3,
        households: 60,
        today: today(),
    })
}

fn person(name: &str, birth: &str, relation: &str, cid: Option<&str>) -> NewResident {
    NewResident {
        full_name: name.into(),
        sex: Some(Sex::Male),
        birth: Some(BirthDate::parse(birth, today()).expect("birth")),
        ethnicity: "Tày".into(),
        phone: None,
        citizen_id: cid.map(|c| CitizenId::parse(c).expect("cid")),
        relation: relation.into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

fn row(n: usize, hamlet_id: i64, head: &str, r: NewResident) -> ImportRow {
    ImportRow {
        row_number: n,
        hamlet_id,
        household: HouseholdKey::Head(head.into()),
        resident: r,
    }
}

async fn all(store: &Store) -> Vec<hocvuso_domain::Resident> {
    store
        .list_residents(ResidentScope::All, &ResidentFilter::default(), 1, 500)
        .await
        .expect("list")
        .items
}

engine_tests! {
    async fn hamlets_are_unique_by_folded_name(store: Store) {
        let id = store.create_hamlet("Xóm Khuôn Lặng").await.unwrap();
        assert!(id > 0);
        let dup = store.create_hamlet("  xóm khuôn lặng ").await;
        // Same name, different case: the folded key is the same.
        assert!(dup.is_err());
        assert!(dup.unwrap_err().is_unique_violation());
        let list = store.list_hamlets().await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "Xóm Khuôn Lặng");
        assert_eq!(store.ensure_hamlets(&["xom khuon lang".into(), "Xóm Mới".into()]).await.unwrap()[0], id);
        assert_eq!(store.list_hamlets().await.unwrap().len(), 2);
    }

    async fn bulk_loaded_households_keep_the_head_name_with_diacritics(store: Store) {
        let demo = small_demo();
        store.load_demo(&demo, today()).await.unwrap();
        let first = &demo.households[0];
        let head = first.members[0].full_name.clone();
        let r = all(&store).await.into_iter().find(|r| r.full_name == head).unwrap();
        let (h, _) = store
            .get_household(hocvuso_domain::auth::ResidentScope::All, r.household_id)
            .await
            .unwrap()
            .unwrap();
        // The name as written ("Trần Đức Hợp"), not its search key ("tran duc hop").
        assert_eq!(h.head_name, head);
        assert_ne!(h.head_name, vntext::fold(&head));
    }

    async fn demo_load_and_derived_groups_match_the_domain_rules(store: Store) {
        let demo = small_demo();
        let s = store.load_demo(&demo, today()).await.unwrap();
        let expected: usize = demo.households.iter().map(|h| h.members.len()).sum();
        assert_eq!(s.residents, expected);
        assert_eq!(store.count_residents().await.unwrap() as usize, expected);
        // Recompute every resident's groups independently from the raw rows.
        let residents = all(&store).await;
        assert_eq!(residents.len(), expected);
        let units = store.list_units().await.unwrap();
        let mut official_ids = std::collections::HashSet::new();
        for u in &units {
            if u.unit_type.staff_are_officials() {
                for (rid, _, _) in store.unit_members(u.id).await.unwrap() {
                    official_ids.insert(rid);
                }
            }
        }
        assert!(!official_ids.is_empty(), "demo units have staff");
        let households: HashMap<i64, bool> = {
            let mut m = HashMap::new();
            for r in &residents {
                if !m.contains_key(&r.household_id) {
                    let (h, _) = store.get_household(ResidentScope::All, r.household_id).await.unwrap().unwrap();
                    m.insert(h.id, h.farm_business);
                }
            }
            m
        };
        for r in &residents {
            let mut want = derive_groups(&GroupFacts {
                age: r.birth.map(|b| b.age_on(today())),
                ethnic_minority: is_ethnic_minority(&r.ethnicity),
                unit_staff: official_ids.contains(&r.id),
                farm_business_household: households[&r.household_id],
            });
            let manual: Vec<TargetGroup> = r.groups.iter().copied().filter(|g| *g == TargetGroup::Students).collect();
            want.extend(manual);
            want.sort();
            want.dedup();
            assert_eq!(r.groups, want, "groups of {} (born {:?})", r.full_name, r.birth);
        }
        let elderly = store.count_group(TargetGroup::Elderly).await.unwrap();
        assert!(elderly > 0);
        let filtered = store
            .list_residents(ResidentScope::All, &ResidentFilter { group: Some(TargetGroup::Elderly), ..Default::default() }, 1, 10)
            .await
            .unwrap();
        assert_eq!(filtered.total, elderly);
    }

    async fn scopes_hide_other_hamlets(store: Store) {
        store.load_demo(&small_demo(), today()).await.unwrap();
        let hamlets = store.list_hamlets().await.unwrap();
        let (a, b) = (hamlets[0].id, hamlets[1].id);
        let in_b = store
            .list_residents(ResidentScope::All, &ResidentFilter { hamlet_id: Some(b), ..Default::default() }, 1, 1)
            .await
            .unwrap()
            .items[0]
            .clone();
        let head_a = Role::HamletHead { hamlet_id: a }.resident_scope();
        assert!(store.get_resident(head_a, in_b.id).await.unwrap().is_none());
        assert!(store.get_resident(ResidentScope::Hamlet(b), in_b.id).await.unwrap().is_some());
        assert!(store.get_household(head_a, in_b.household_id).await.unwrap().is_none());
        let page = store.list_residents(head_a, &ResidentFilter::default(), 1, 500).await.unwrap();
        assert!(page.total > 0);
        assert!(page.items.iter().all(|r| r.hamlet_id == a));
        // Asking for another hamlet's filter inside a hamlet scope finds nobody.
        let cross = store.list_residents(head_a, &ResidentFilter { hamlet_id: Some(b), ..Default::default() }, 1, 10).await.unwrap();
        assert_eq!(cross.total, 0);
        // A resident sees only themself.
        let me = ResidentScope::Own(in_b.id);
        assert_eq!(store.list_residents(me, &ResidentFilter::default(), 1, 10).await.unwrap().total, 1);
        // A scoped update outside the scope changes nothing.
        let mut changed = person("Người Khác Hẳn", "1990", "Con", None);
        changed.full_name = "Tên Đã Đổi".into();
        assert!(!store.update_resident(head_a, in_b.id, &changed, today()).await.unwrap());
        assert_eq!(store.get_resident(ResidentScope::All, in_b.id).await.unwrap().unwrap().full_name, in_b.full_name);
    }

    async fn search_ignores_diacritics_and_case(store: Store) {
        let h = store.create_hamlet("Xóm Na Hoan").await.unwrap();
        let hh = store.create_household(h, Some("NH-1"), "Nguyễn Văn An", false, "").await.unwrap();
        store.create_resident(hh, &person("Nguyễn Văn An", "12/04/1970", "Chủ hộ", None), today()).await.unwrap();
        store.create_resident(hh, &person("Hoàng Thị Ánh", "1972", "Vợ", None), today()).await.unwrap();
        for q in ["nguyen van a", "NGUYỄN VĂN", "Nguyễn Văn An", "nguyê\u{0302}n"] {
            let f = ResidentFilter { query: Some(q.into()), ..Default::default() };
            let p = store.list_residents(ResidentScope::All, &f, 1, 10).await.unwrap();
            assert_eq!(p.total, 1, "query {q:?}");
            assert_eq!(p.items[0].full_name, "Nguyễn Văn An");
        }
        let f = ResidentFilter { query: Some("anh".into()), ..Default::default() };
        assert_eq!(store.list_residents(ResidentScope::All, &f, 1, 10).await.unwrap().items[0].full_name, "Hoàng Thị Ánh");
    }

    async fn import_is_idempotent_and_updates_changes(store: Store) {
        let h = store.create_hamlet("Xóm Khuôn Lặng").await.unwrap();
        let rows = vec![
            row(2, h, "Nông Văn Dũng", person("Nông Văn Dũng", "02/01/1968", "Chủ hộ", Some("019068000111"))),
            row(3, h, "Nông Văn Dũng", person("Nông Văn Hải", "1995", "Con", None)),
            row(4, h, "Lục Văn Tâm", person("Lục Văn Tâm", "1980", "Chủ hộ", None)),
        ];
        let first = store.import_residents(&rows, today(), &|_| {}).await.unwrap();
        assert_eq!((first.created, first.updated, first.unchanged, first.households_created), (3, 0, 0, 2));
        let again = store.import_residents(&rows, today(), &|_| {}).await.unwrap();
        assert_eq!((again.created, again.updated, again.unchanged, again.households_created), (0, 0, 3, 0));
        assert_eq!(store.count_residents().await.unwrap(), 3);
        // A changed phone updates the same person, matched by citizen ID even with a new spelling.
        let mut changed = rows.clone();
        changed[0].resident.full_name = "Nông Văn Dũng".into();
        changed[0].resident.phone = Some(hocvuso_domain::PhoneNumber::parse("0912345678").unwrap());
        let third = store.import_residents(&changed, today(), &|_| {}).await.unwrap();
        assert_eq!((third.created, third.updated, third.unchanged), (0, 1, 2));
        let people = all(&store).await;
        assert_eq!(people.len(), 3);
        let dung = people.iter().find(|r| r.full_name == "Nông Văn Dũng").unwrap();
        assert_eq!(dung.phone.as_ref().unwrap().as_str(), "0912345678");
        assert!(dung.groups.contains(&TargetGroup::Adults));
        assert!(dung.groups.contains(&TargetGroup::EthnicMinority));
        // Same household for father and son.
        let hai = people.iter().find(|r| r.full_name == "Nông Văn Hải").unwrap();
        assert_eq!(dung.household_id, hai.household_id);
    }

    async fn import_is_all_or_nothing(store: Store) {
        let h = store.create_hamlet("Xóm Đồng Cũ").await.unwrap();
        let mut rows: Vec<ImportRow> = (0..50)
            .map(|i| row(i + 2, h, &format!("Chủ Hộ Số {i}"), person(&format!("Chủ Hộ Số {i}"), "1970", "Chủ hộ", None)))
            .collect();
        // The last row points at a hamlet that does not exist: the database refuses it.
        rows.push(row(60, 999_999, "Ai Đó", person("Ai Đó Đây", "1970", "Chủ hộ", None)));
        assert!(store.import_residents(&rows, today(), &|_| {}).await.is_err());
        assert_eq!(store.count_residents().await.unwrap(), 0, "nothing written");
        rows.pop();
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let s2 = seen.clone();
        let ok = store.import_residents(&rows, today(), &move |n| s2.store(n, std::sync::atomic::Ordering::SeqCst)).await.unwrap();
        assert_eq!(ok.created, 50);
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 50, "progress reaches the end");
    }

    async fn users_sessions_and_passwords(store: Store) {
        let new = NewUser {
            username: "Truongxom1".into(),
            display_name: "Trưởng xóm".into(),
            password_hash: "h1".into(),
            role: Role::HamletHead { hamlet_id: store.create_hamlet("Xóm Một").await.unwrap() },
            must_change_password: true,
        };
        let id = store.create_user(&new).await.unwrap();
        assert!(store.create_user(&new).await.unwrap_err().is_unique_violation());
        let (u, hash) = store.find_user("truongxom1").await.unwrap().unwrap();
        assert_eq!((u.id, hash.as_str()), (id, "h1"));
        assert!(matches!(u.role, Role::HamletHead { .. }));
        let now = Utc::now();
        store.create_session("tok1", id, "csrf1", now + Duration::hours(1)).await.unwrap();
        store.create_session("old", id, "csrf0", now - Duration::hours(1)).await.unwrap();
        let s = store.get_session("tok1", now).await.unwrap().unwrap();
        assert_eq!((s.user.id, s.csrf_token.as_str()), (id, "csrf1"));
        assert!(store.get_session("old", now).await.unwrap().is_none(), "expired");
        assert_eq!(store.purge_sessions(now).await.unwrap(), 1);
        store.set_password(id, "h2", false).await.unwrap();
        assert!(store.get_session("tok1", now).await.unwrap().is_none(), "password change ends sessions");
        store.create_session("tok2", id, "c", now + Duration::hours(1)).await.unwrap();
        // Looked up (and so kept in memory) before each change: the change
        // must still end it at once.
        assert!(store.get_session("tok2", now).await.unwrap().is_some());
        assert!(
            store.get_session("tok2", now + Duration::hours(2)).await.unwrap().is_none(),
            "a kept session still expires"
        );
        store.create_session("tok3", id, "c", now + Duration::hours(1)).await.unwrap();
        assert!(store.get_session("tok3", now).await.unwrap().is_some());
        store.delete_session("tok3").await.unwrap();
        assert!(store.get_session("tok3", now).await.unwrap().is_none(), "logged out");
        store.set_user_disabled(id, true).await.unwrap();
        assert!(store.get_session("tok2", now).await.unwrap().is_none(), "disabled user");
        assert!(store.find_user("truongxom1").await.unwrap().unwrap().0.disabled);
    }

    async fn audit_writes_are_batched_and_complete(store: Store) {
        for i in 0..1200 {
            store.audit().record(AuditEvent {
                user_id: Some(1),
                username: "admin".into(),
                action: "xem".into(),
                object_type: "cu_dan".into(),
                object_id: (i % 3).to_string(),
                detail: String::new(),
            });
        }
        store.audit().flush().await;
        assert_eq!(store.count_audit("xem", "cu_dan", "0").await.unwrap(), 400);
        assert_eq!(store.audit_rows(Some("cu_dan"), 5000).await.unwrap().len(), 1200);
    }

    async fn units_and_export(store: Store) {
        let h = store.create_hamlet("Xóm Hai").await.unwrap();
        let hh = store.create_household(h, None, "Ma Văn Sơn", true, "Xóm Hai").await.unwrap();
        let rid = store.create_resident(hh, &person("Ma Văn Sơn", "1985", "Chủ hộ", Some("019085000222")), today()).await.unwrap();
        let unit = store.create_unit("Trạm Y tế xã", UnitType::HealthStation, None).await.unwrap();
        store.add_unit_member(unit, rid, "Y sĩ", today()).await.unwrap();
        let r = store.get_resident(ResidentScope::All, rid).await.unwrap().unwrap();
        assert!(r.groups.contains(&TargetGroup::Officials), "staff of a unit are officials");
        assert!(r.groups.contains(&TargetGroup::FarmBusiness));
        assert!(store.get_resident(ResidentScope::UnitStaff(unit), rid).await.unwrap().is_some());
        assert!(store.get_resident(ResidentScope::UnitStaff(unit + 1), rid).await.unwrap().is_none());
        let rows = store.export_rows(ResidentScope::All).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].hamlet, "Xóm Hai");
        assert_eq!(rows[0].citizen_id, "019085000222");
        assert!(rows[0].groups.contains("Cán bộ"));
    }

    async fn assistant_questions_are_logged_and_rated(store: Store) {
        let id = store
            .log_question(&hocvuso_storage::QuestionLog {
                user_id: Some(1),
                resident_id: Some(42),
                question: "ly hôn thì sao".into(),
                behavior: "out_of_scope".into(),
                code: None,
            })
            .await
            .unwrap();
        let ok = store
            .log_question(&hocvuso_storage::QuestionLog { question: "khai sinh".into(), behavior: "answer".into(), code: Some("1.001193".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(store.questions_needing_review(10).await.unwrap().len(), 1, "answered, unrated questions need no review");
        assert!(store.rate_question(ok, -1).await.unwrap());
        assert!(!store.rate_question(ok + 100, 1).await.unwrap());
        let review = store.questions_needing_review(10).await.unwrap();
        assert_eq!(review.iter().map(|q| q.id).collect::<Vec<_>>(), vec![ok, id]);
        assert_eq!(review[0].rating, Some(-1));
        assert_eq!(store.residents_using_assistant().await.unwrap(), 1);

        // A crowd asking at once: written in groups, each asker gets the id
        // of their own row, none lost or doubled.
        let mut askers = tokio::task::JoinSet::new();
        for i in 0..150 {
            let store = store.clone();
            askers.spawn(async move {
                let q = hocvuso_storage::QuestionLog { question: format!("câu hỏi số {i}"), behavior: "clarify".into(), ..Default::default() };
                (i, store.log_question(&q).await.unwrap())
            });
        }
        let mut ids = std::collections::HashMap::new();
        while let Some(done) = askers.join_next().await {
            let (i, id) = done.unwrap();
            assert!(ids.insert(id, i).is_none(), "id {id} given twice");
        }
        assert_eq!(ids.len(), 150);
        let logged = store.questions_needing_review(1000).await.unwrap();
        for q in logged.iter().filter(|q| q.behavior == "clarify") {
            assert_eq!(q.question, format!("câu hỏi số {}", ids[&q.id]), "row {} is its asker's", q.id);
        }
        assert_eq!(logged.iter().filter(|q| q.behavior == "clarify").count(), 150);
    }

    async fn settings_round_trip(store: Store) {
        assert_eq!(store.get_setting("commune_name").await.unwrap(), None);
        store.set_setting("commune_name", "xã Dân Tiến").await.unwrap();
        store.set_setting("commune_name", "xã Dân Tiến (mới)").await.unwrap();
        assert_eq!(store.get_setting("commune_name").await.unwrap().as_deref(), Some("xã Dân Tiến (mới)"));
    }

    async fn learning_attempts_are_recorded_once_and_certify_the_first_pass(store: Store) {
        store.load_demo(&small_demo(), today()).await.unwrap();
        let people = all(&store).await;
        let (a, b) = (people[0].id, people[1].id);
        assert!(store.record_lesson_read(a, "k", "bai-1").await.unwrap());
        assert!(!store.record_lesson_read(a, "k", "bai-1").await.unwrap(), "read once");
        store.record_lesson_read(a, "k", "bai-2").await.unwrap();
        let attempt = |client: &str, who: i64, correct: i32, code: &str| hocvuso_storage::NewAttempt {
            client_id: client.into(),
            resident_id: who,
            course_id: "k".into(),
            correct,
            total: 8,
            passed: correct >= 7,
            answers: "[]".into(),
            mode: hocvuso_storage::LearningMode::SelfStudy,
            recorded_by: None,
            answered_at: Utc::now() - Duration::hours(2),
            certificate: (correct >= 7).then(|| hocvuso_storage::NewCertificate {
                code: code.into(),
                holder_name: "Lò Văn A".into(),
                course_title: "Khóa K".into(),
            }),
        };
        let failed = store.record_attempt(&attempt("c-0000000001", a, 3, "")).await.unwrap();
        assert!(!failed.passed && failed.certificate.is_none() && !failed.duplicate);
        let pass = store.record_attempt(&attempt("c-0000000002", a, 8, "AAAA-1111")).await.unwrap();
        assert_eq!(pass.certificate.as_deref(), Some("AAAA-1111"));
        // The same answers sent again (offline resend): nothing new.
        let again = store.record_attempt(&attempt("c-0000000002", a, 8, "BBBB-2222")).await.unwrap();
        assert!(again.duplicate);
        assert_eq!(again.attempt_id, pass.attempt_id);
        assert_eq!(again.certificate.as_deref(), Some("AAAA-1111"));
        // A later pass keeps the first certificate.
        let later = store.record_attempt(&attempt("c-0000000003", a, 8, "CCCC-3333")).await.unwrap();
        assert_eq!(later.certificate.as_deref(), Some("AAAA-1111"));
        // A client id cannot be reused for someone else.
        assert!(store.record_attempt(&attempt("c-0000000002", b, 8, "DDDD-4444")).await.is_err());
        assert!(store.record_attempt(&attempt("bad id!", b, 8, "DDDD-4444")).await.is_err());
        let p = store.learning_progress(a).await.unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].lessons_read, vec!["bai-1".to_string(), "bai-2".to_string()]);
        assert_eq!(p[0].attempts, 3);
        assert_eq!(p[0].best_percent, Some(100));
        let cert = store.certificate("AAAA-1111").await.unwrap().unwrap();
        assert_eq!((cert.resident_id, cert.holder_name.as_str()), (a, "Lò Văn A"));
        assert!(store.certificate("CCCC-3333").await.unwrap().is_none());
        assert!(store.learning_progress(b).await.unwrap().is_empty());
        // Team membership comes from the community digital team units.
        let mut team = std::collections::HashSet::new();
        for u in store.list_units().await.unwrap() {
            if u.unit_type == UnitType::DigitalTeam {
                for (rid, _, _) in store.unit_members(u.id).await.unwrap() {
                    team.insert(rid);
                }
            }
        }
        assert!(!team.is_empty(), "the demo has team members");
        for r in people.iter().take(40) {
            assert_eq!(store.is_team_member(r.id).await.unwrap(), team.contains(&r.id));
        }
        let member = *team.iter().next().unwrap();
        assert!(store.is_team_member(member).await.unwrap());

        // The resident page's one statement reads what the three separate
        // reads do: the resident, the learning, the consents newest first.
        use hocvuso_domain::auth::ResidentScope;
        use hocvuso_domain::privacy::{ConsentGiven, ConsentMethod, ConsentPurpose};
        for (agreed, purpose) in [(true, ConsentPurpose::Contact), (false, ConsentPurpose::Contact), (true, ConsentPurpose::NamedLists)] {
            let given = ConsentGiven { purpose, agreed, by_person: true, guardian: String::new(), method: ConsentMethod::Paper };
            store.record_consent(a, people[0].birth, &given, "kiemthu", today()).await.unwrap();
        }
        let mut checked = vec![a, b, member];
        checked.extend(people.iter().take(40).map(|r| r.id));
        for id in checked {
            let file = store.resident_file(ResidentScope::All, id).await.unwrap().unwrap();
            assert_eq!(Some(&file.resident), store.get_resident(ResidentScope::All, id).await.unwrap().as_ref());
            assert_eq!(file.learning, store.learner_summary(id).await.unwrap());
            assert_eq!(file.consents, store.consents_of(id).await.unwrap());
        }
        let file = store.resident_file(ResidentScope::All, a).await.unwrap().unwrap();
        assert_eq!(file.learning.progress[0].attempts, 3);
        assert_eq!(file.learning.progress[0].certificate.as_deref(), Some("AAAA-1111"));
        assert!(file.consents.len() >= 3);
        assert!(!file.consents.iter().find(|c| c.purpose == ConsentPurpose::Contact).unwrap().agreed, "the newest first");
        // Outside the scope it is not there at all.
        let other_hamlet = people.iter().find(|r| r.hamlet_id != people[0].hamlet_id).unwrap().hamlet_id;
        assert!(store.resident_file(ResidentScope::Hamlet(other_hamlet), a).await.unwrap().is_none());
        assert!(store.resident_file(ResidentScope::Hamlet(people[0].hamlet_id), a).await.unwrap().is_some());
        assert!(store.resident_file(ResidentScope::Own(b), a).await.unwrap().is_none());
        assert!(store.resident_file(ResidentScope::Own(a), a).await.unwrap().is_some());
        assert!(store.resident_file(ResidentScope::All, 10_000_000).await.unwrap().is_none());
    }

    async fn hamlet_rename_renames_its_units_and_refuses_a_clash(store: Store) {
        let a = store.add_hamlet_with_units("Xóm Nà Mòn").await.unwrap();
        let b = store.add_hamlet_with_units("Xóm Khuôn Lặng").await.unwrap();
        // A unit of the hamlet the office named otherwise keeps its name.
        let other = store.create_unit("Chi hội phụ nữ Nà Mòn", UnitType::Hamlet, Some(a)).await.unwrap();
        assert_eq!(store.list_hamlets().await.unwrap().len(), 2, "the cache is filled");
        let old = store.rename_hamlet(a, "  Xóm   Nà Mòn Mới ").await.unwrap();
        assert_eq!(old, "Xóm Nà Mòn");
        let names: Vec<String> = store.list_hamlets().await.unwrap().into_iter().map(|h| h.name).collect();
        assert_eq!(names, vec!["Xóm Khuôn Lặng".to_string(), "Xóm Nà Mòn Mới".to_string()], "cache cleared, name normalised");
        let mut own: Vec<String> = store.list_units().await.unwrap().into_iter().filter(|u| u.hamlet_id == Some(a) && u.id != other).map(|u| u.name).collect();
        own.sort();
        assert_eq!(own, vec!["Tổ công nghệ số cộng đồng xóm Nà Mòn Mới".to_string(), "Xóm Nà Mòn Mới".to_string()]);
        let kept = store.list_units().await.unwrap().into_iter().find(|u| u.id == other).unwrap();
        assert_eq!(kept.name, "Chi hội phụ nữ Nà Mòn");
        // The other hamlet's units are untouched.
        assert!(store.list_units().await.unwrap().iter().any(|u| u.hamlet_id == Some(b) && u.name == "Tổ công nghệ số cộng đồng xóm Khuôn Lặng"));
        // Another hamlet's name, without diacritics: refused, nothing written.
        let clash = store.rename_hamlet(a, "xom khuon lang").await.unwrap_err();
        assert!(matches!(clash, hocvuso_storage::StoreError::Conflict(_)), "{clash}");
        assert!(clash.to_string().contains("Xóm Khuôn Lặng"), "{clash}");
        assert!(store.rename_hamlet(a, "   ").await.is_err());
        assert!(store.rename_hamlet(a + b + 100, "Xóm Ma").await.is_err());
        assert!(store.list_hamlets().await.unwrap().iter().any(|h| h.id == a && h.name == "Xóm Nà Mòn Mới"));
        // Its own name in other letter case is fine.
        store.rename_hamlet(a, "Xóm Nà Mòn mới").await.unwrap();
        assert_eq!(store.find_hamlet("xom na mon moi").await.unwrap().unwrap().name, "Xóm Nà Mòn mới");
    }

    async fn hamlet_merge_moves_people_members_and_accounts(store: Store) {
        use hocvuso_domain::MemberCategory;
        let a = store.add_hamlet_with_units("Xóm Nà Mòn").await.unwrap();
        let b = store.add_hamlet_with_units("Xóm Khuôn Lặng").await.unwrap();
        let c = store.add_hamlet_with_units("Xóm Làng Mới").await.unwrap();
        // Both hamlets number their households from 01.
        let ha = store.create_household(a, Some("01"), "Ma Văn Sơn", false, "").await.unwrap();
        let ha2 = store.create_household(a, Some("02"), "Lò Thị Hoa", false, "").await.unwrap();
        let hb = store.create_household(b, Some("01"), "Hoàng Văn Tư", false, "").await.unwrap();
        let r1 = store.create_resident(ha, &person("Ma Văn Sơn", "1970", "Chủ hộ", Some("019070000101")), today()).await.unwrap();
        let r2 = store.create_resident(ha2, &person("Lò Thị Hoa", "1990", "Chủ hộ", Some("019090000102")), today()).await.unwrap();
        let r3 = store.create_resident(hb, &person("Hoàng Văn Tư", "1985", "Chủ hộ", Some("019085000103")), today()).await.unwrap();
        let r4 = store.create_resident(hb, &person("Hoàng Văn Năm", "2000", "Con", None), today()).await.unwrap();
        let units = store.list_units().await.unwrap();
        let unit = |h: i64, t: UnitType| units.iter().find(|u| u.hamlet_id == Some(h) && u.unit_type == t).unwrap().id;
        let (a_xom, a_team, b_xom, b_team) = (unit(a, UnitType::Hamlet), unit(a, UnitType::DigitalTeam), unit(b, UnitType::Hamlet), unit(b, UnitType::DigitalTeam));
        store.add_member(a_team, r1, "Tổ trưởng", MemberCategory::ThanhVienTo, today()).await.unwrap();
        store.add_member(a_xom, r2, "Trưởng xóm", MemberCategory::KhongChuyenTrach, today()).await.unwrap();
        // r3 is in both teams: B keeps its own position for them.
        store.add_member(a_team, r3, "Tổ phó", MemberCategory::ThanhVienTo, today()).await.unwrap();
        store.add_member(b_team, r3, "Tổ trưởng", MemberCategory::ThanhVienTo, today()).await.unwrap();
        store.save_unit_report(a_team, "2026Q1", "{}", "{}", None, true, Utc::now()).await.unwrap();
        let head = store
            .create_user(&NewUser {
                username: "truongxom_na_mon".into(),
                display_name: "Trưởng xóm Nà Mòn".into(),
                password_hash: "x".into(),
                role: Role::HamletHead { hamlet_id: a },
                must_change_password: false,
            })
            .await
            .unwrap();
        let reporter = store
            .create_user(&NewUser {
                username: "baocao_na_mon".into(),
                display_name: "Báo cáo tổ Nà Mòn".into(),
                password_hash: "x".into(),
                role: Role::UnitReporter { unit_id: a_team },
                must_change_password: false,
            })
            .await
            .unwrap();
        let before = store.count_by_hamlet().await.unwrap();
        assert_eq!((before[&a], before[&b]), (2, 2));
        // The indicators' kept counts, by hamlet (every adult, none reached yet).
        let adults = hocvuso_storage::Population::Group(TargetGroup::Adults.code().to_string());
        let reach = |store: Store| {
            let adults = adults.clone();
            async move {
                let mut by: HashMap<i64, i64> = HashMap::new();
                for r in store.reach_by_hamlet(&adults, &[hocvuso_storage::Criterion::Assistant], &[Utc::now()]).await.unwrap() {
                    *by.entry(r.key).or_default() += r.n;
                }
                by
            }
        };
        assert_eq!(reach(store.clone()).await, HashMap::from([(a, 2), (b, 2)]));

        // Refused, nothing written: into itself, from or into a missing hamlet.
        assert!(store.merge_hamlets(a, a, today()).await.is_err());
        assert!(store.merge_hamlets(a, a + b + c + 100, today()).await.is_err());
        assert_eq!(store.count_by_hamlet().await.unwrap(), before);

        let m = store.merge_hamlets(a, b, today()).await.unwrap();
        assert_eq!((m.from_name.as_str(), m.into_name.as_str()), ("Xóm Nà Mòn", "Xóm Khuôn Lặng"));
        assert_eq!((m.households, m.residents, m.households_recoded), (2, 2, 1));
        assert_eq!(m.members_added, 2, "r1 and r2 join; r3 was already in B's team");
        assert_eq!(m.units_deactivated, 2);
        assert_eq!(m.users, 2);

        // People and households.
        for id in [r1, r2, r3, r4] {
            assert_eq!(store.get_resident(ResidentScope::All, id).await.unwrap().unwrap().hamlet_id, b);
        }
        let (h, _) = store.get_household(ResidentScope::All, ha).await.unwrap().unwrap();
        assert_eq!((h.hamlet_id, h.code.as_deref()), (b, Some("01 (Xóm Nà Mòn)")));
        let (h2, _) = store.get_household(ResidentScope::All, ha2).await.unwrap().unwrap();
        assert_eq!((h2.hamlet_id, h2.code.as_deref()), (b, Some("02")));
        assert_eq!(store.list_residents(ResidentScope::Hamlet(b), &ResidentFilter::default(), 1, 50).await.unwrap().total, 4);
        assert_eq!(store.list_residents(ResidentScope::Hamlet(a), &ResidentFilter::default(), 1, 50).await.unwrap().total, 0);
        let after = store.count_by_hamlet().await.unwrap();
        assert_eq!(after.get(&b).copied(), Some(4));
        assert_eq!(after.get(&a).copied().unwrap_or(0), 0);
        assert_eq!(after.values().sum::<i64>(), store.count_residents().await.unwrap());
        assert_eq!(reach(store.clone()).await, HashMap::from([(b, 4)]), "the indicators follow the move");

        // Members: kept position and category; B's own entry for r3 kept.
        let team = store.members_of(b_team).await.unwrap();
        let pos = |id: i64| team.iter().find(|m| m.resident_id == id).map(|m| (m.position.clone(), m.category));
        assert_eq!(pos(r1), Some(("Tổ trưởng".to_string(), MemberCategory::ThanhVienTo)));
        assert_eq!(pos(r3), Some(("Tổ trưởng".to_string(), MemberCategory::ThanhVienTo)));
        let xom = store.members_of(b_xom).await.unwrap();
        assert_eq!(xom.iter().map(|m| (m.resident_id, m.position.as_str())).collect::<Vec<_>>(), vec![(r2, "Trưởng xóm")]);
        assert!(store.is_team_member(r1).await.unwrap());

        // A's units: inactive, never deleted, reports and members kept.
        let overview = store.units_overview().await.unwrap();
        for id in [a_xom, a_team] {
            let u = overview.iter().find(|o| o.unit.id == id).unwrap();
            assert!(!u.unit.active, "{} is inactive", u.unit.name);
        }
        let old_team = overview.iter().find(|o| o.unit.id == a_team).unwrap();
        assert_eq!((old_team.reports, old_team.members), (1, 2));
        assert!(store.unit_report(a_team, "2026Q1").await.unwrap().is_some());
        assert!(!store.list_units().await.unwrap().iter().any(|u| u.hamlet_id == Some(a)));

        // Accounts.
        assert_eq!(store.get_user(head).await.unwrap().unwrap().role, Role::HamletHead { hamlet_id: b });
        assert_eq!(store.get_user(reporter).await.unwrap().unwrap().role, Role::UnitReporter { unit_id: b_team });

        // The hamlet: no longer listed, kept as merged.
        let live: Vec<i64> = store.list_hamlets().await.unwrap().into_iter().map(|h| h.id).collect();
        assert_eq!(live.len(), 2);
        assert!(!live.contains(&a));
        let merged = store.merged_hamlets().await.unwrap();
        assert_eq!(merged.len(), 1);
        assert_eq!((merged[0].id, merged[0].into_id, merged[0].into_name.as_str(), merged[0].merged_on), (a, b, "Xóm Khuôn Lặng", Some(today())));
        assert_eq!(store.find_hamlet("xom na mon").await.unwrap().unwrap().merged_into, Some(b));

        // Again, into a merged hamlet, or renaming a merged one: refused.
        assert!(store.merge_hamlets(a, c, today()).await.is_err());
        let into_merged = store.merge_hamlets(c, a, today()).await.unwrap_err();
        assert!(into_merged.to_string().contains("đã được gộp"), "{into_merged}");
        assert!(store.rename_hamlet(a, "Xóm Khác").await.is_err());
        assert!(store.rename_hamlet(c, "Xóm Nà Mòn").await.is_err(), "a merged hamlet's name stays taken");
        assert_eq!(store.count_by_hamlet().await.unwrap(), after);

        // A hamlet without its own units: the merge gives `into` what it lacks.
        let d = store.create_hamlet("Xóm Trống").await.unwrap();
        let m = store.merge_hamlets(b, d, today()).await.unwrap();
        assert_eq!((m.residents, m.units_deactivated), (4, 2));
        let d_team = store.list_units().await.unwrap().into_iter().find(|u| u.hamlet_id == Some(d) && u.unit_type == UnitType::DigitalTeam).unwrap();
        assert_eq!(d_team.name, "Tổ công nghệ số cộng đồng xóm Trống");
        assert_eq!(store.members_of(d_team.id).await.unwrap().len(), 2);
        assert_eq!(store.count_by_hamlet().await.unwrap().get(&d).copied(), Some(4));
    }
}

#[tokio::test]
async fn sqlite_backup_is_a_working_copy() {
    let db = engines::TestDb::sqlite().await;
    let h = db.store.create_hamlet("Xóm Sao Lưu").await.unwrap();
    db.store
        .create_household(h, None, "A", false, "")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy.sqlite");
    db.store.backup_to(&out.to_string_lossy()).await.unwrap();
    let copy = Store::connect(&hocvuso_storage::StoreOptions::sqlite_file(&out))
        .await
        .unwrap();
    assert_eq!(copy.list_hamlets().await.unwrap()[0].name, "Xóm Sao Lưu");
    copy.close().await;
    db.finish().await;
}

/// What the set-up checklist reads: the cán bộ and công chức of the
/// commune's own active bodies, counted once each.
mod setup_counts {
    use super::*;
    use hocvuso_domain::MemberCategory;
    use hocvuso_storage::NewUnit;

    engine_tests! {
        async fn commune_officials_are_counted_from_categories_and_unit_types(store: Store) {
            assert_eq!(store.count_commune_officials().await.unwrap(), 0);
            let h = store.create_hamlet("Xóm Khuôn Lặng").await.unwrap();
            let hh = store.create_household(h, None, "Nông Văn Bình", false, "").await.unwrap();
            let mut ids = Vec::new();
            for name in ["Nông Văn Bình", "Hoàng Thị Lan", "Lường Văn Chiến"] {
                ids.push(store.create_resident(hh, &person(name, "1980", "Khác", None), today()).await.unwrap());
            }
            let unit = |name: &str, unit_type| NewUnit {
                name: name.into(),
                unit_type,
                hamlet_id: None,
                school_level: None,
                created_on: Some(today()),
            };
            let office = store.create_unit_with(&unit("Văn phòng HĐND và UBND xã", UnitType::PeoplesCommitteeOffice)).await.unwrap();
            let veterans = store.create_unit_with(&unit("Hội Cựu chiến binh xã", UnitType::MassOrganisation)).await.unwrap();
            let school = store.create_unit_with(&unit("Trường Tiểu học Dân Tiến", UnitType::School)).await.unwrap();
            // A công chức of the school is not a commune official; a "khác" of the office neither.
            store.add_member(school, ids[0], "", MemberCategory::CongChuc, today()).await.unwrap();
            store.add_member(office, ids[1], "Văn thư", MemberCategory::Khac, today()).await.unwrap();
            assert_eq!(store.count_commune_officials().await.unwrap(), 0);
            store.add_member(office, ids[0], "Công chức Văn phòng", MemberCategory::CongChuc, today()).await.unwrap();
            store.add_member(veterans, ids[0], "Chủ tịch Hội", MemberCategory::CanBo, today()).await.unwrap();
            store.add_member(veterans, ids[2], "Phó Chủ tịch", MemberCategory::CanBo, today()).await.unwrap();
            // One person in two bodies is counted once.
            assert_eq!(store.count_commune_officials().await.unwrap(), 2);
            // A body that stopped is not counted; its members are kept.
            assert!(store.set_unit_active(veterans, false).await.unwrap());
            assert_eq!(store.count_commune_officials().await.unwrap(), 1);
            assert_eq!(store.members_of(veterans).await.unwrap().len(), 2);
            assert!(store.remove_member(office, ids[0], today()).await.unwrap());
            assert_eq!(store.count_commune_officials().await.unwrap(), 0);
        }
    }
}
