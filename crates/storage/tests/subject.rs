//! A person's rights over their data (issue 12): everything held about one
//! resident comes out of `Store::personal_data`, from every table that
//! names them; anonymising removes who they were and leaves every count
//! the commune reports as it was; requests are filed and answered. On
//! SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::privacy::{
    anonymised_name, ConsentGiven, ConsentMethod, ConsentPurpose, DataRequestKind,
    DataRequestStatus, MAX_REQUEST_CHARS,
};
use hocvuso_domain::{
    BirthDate, CitizenId, MemberCategory, NewResident, PhoneNumber, ResidentFilter, Role,
    SchoolLevel, Sex, TargetGroup, UnitType,
};
use hocvuso_storage::{
    AuditEvent, Criterion, Enrolment, LearningMode, NewAttempt, NewCertificate, NewDataRequest,
    NewLinkedAccount, NewUnit, NewUser, PersonalData, Population, QuestionLog, Store, StoreError,
    COVERED_TABLES, DERIVED_TABLES,
};

const NAME: &str = "Lò Thị Mái";
const PHONE: &str = "0912345678";
const CITIZEN_ID: &str = "014190001234";
const USERNAME: &str = "lothimai";
const COURSE: &str = "an-toan";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn event(action: &str, id: i64) -> AuditEvent {
    AuditEvent {
        user_id: None,
        username: "admin".into(),
        action: action.into(),
        object_type: "cu_dan".into(),
        object_id: id.to_string(),
        detail: String::new(),
    }
}

fn person(name: &str, relation: &str, born: NaiveDate) -> NewResident {
    NewResident {
        full_name: name.into(),
        sex: Some(Sex::Female),
        birth: Some(BirthDate::Full(born)),
        ethnicity: "Thái".into(),
        phone: None,
        citizen_id: None,
        relation: relation.into(),
        notes: String::new(),
        manual_groups: vec![],
    }
}

/// The ids of what [`setup`] made.
struct Made {
    hamlet: i64,
    household: i64,
    person: i64,
    other: i64,
    token: String,
}

/// A commune with one person who has data in every table that can name
/// them, and a second member of her household.
async fn setup(store: &Store) -> Made {
    let hamlet = store.add_hamlet_with_units("Xóm Nà Hoan").await.unwrap();
    let mut me = person(
        NAME,
        "Chủ hộ",
        NaiveDate::from_ymd_opt(1960, 11, 20).unwrap(),
    );
    me.phone = Some(PhoneNumber::parse(PHONE).unwrap());
    me.citizen_id = Some(CitizenId::parse(CITIZEN_ID).unwrap());
    me.notes = "Bệnh tiểu đường, cần người đưa đến lớp".into();
    me.manual_groups = vec![TargetGroup::Students];
    let (household, id) = store
        .audited(event("tao", 0))
        .create_household_with_head(hamlet, &me, today())
        .await
        .unwrap();
    let other = store
        .create_resident(
            household,
            &person(
                "Lường Văn Pọm",
                "Chồng",
                NaiveDate::from_ymd_opt(1958, 2, 1).unwrap(),
            ),
            today(),
        )
        .await
        .unwrap();

    // Units: a commune body with a position, and a school's class list.
    let office = store
        .create_unit(
            "Văn phòng HĐND và UBND xã",
            UnitType::PeoplesCommitteeOffice,
            None,
        )
        .await
        .unwrap();
    store
        .add_member(
            office,
            id,
            "Phó Chủ tịch UBND",
            MemberCategory::CanBo,
            today(),
        )
        .await
        .unwrap();
    let school = store
        .create_unit_with(&NewUnit {
            name: "Trường PTDTBT Tiểu học Nà Hoan".into(),
            unit_type: UnitType::School,
            hamlet_id: None,
            school_level: Some(SchoolLevel::TieuHoc),
            created_on: Some(today()),
        })
        .await
        .unwrap();
    store
        .enrol_students(
            school,
            &[Enrolment {
                resident_id: id,
                grade: 5,
                class_name: "5A".into(),
            }],
            today(),
        )
        .await
        .unwrap();

    // Learning: a lesson read, a passed quiz with its certificate.
    store.record_lesson_read(id, COURSE, "bai-1").await.unwrap();
    store
        .record_attempt(&NewAttempt {
            client_id: "kiem-thu-0001".into(),
            resident_id: id,
            course_id: COURSE.into(),
            correct: 5,
            total: 5,
            passed: true,
            answers: "[0,1,2,1,0]".into(),
            mode: LearningMode::SelfStudy,
            recorded_by: None,
            answered_at: Utc.with_ymd_and_hms(2026, 5, 2, 3, 0, 0).unwrap(),
            certificate: Some(NewCertificate {
                code: "ABCD-EFGH-JKMN-PQRS".into(),
                holder_name: NAME.into(),
                course_title: "An toàn trên mạng".into(),
            }),
        })
        .await
        .unwrap();

    // An account, logged in, that asked the assistant.
    let user = store
        .create_user(&NewUser {
            username: USERNAME.into(),
            display_name: NAME.into(),
            password_hash: "$argon2id$kiemthu".into(),
            role: Role::Resident { resident_id: id },
            must_change_password: false,
        })
        .await
        .unwrap();
    let token = "bam-cua-phien-kiem-thu".to_string();
    store
        .create_session(&token, user, "csrf", Utc::now() + Duration::hours(2))
        .await
        .unwrap();
    store
        .log_question(&QuestionLog {
            user_id: Some(user),
            resident_id: Some(id),
            question: format!("Tôi là {NAME}, số {PHONE}, làm căn cước thế nào?"),
            behavior: "answer".into(),
            code: None,
        })
        .await
        .unwrap();

    // A consent she gave herself, and a request she filed.
    store
        .record_consent(
            id,
            Some(BirthDate::Full(
                NaiveDate::from_ymd_opt(1960, 11, 20).unwrap(),
            )),
            &ConsentGiven {
                purpose: ConsentPurpose::NamedLists,
                agreed: true,
                by_person: true,
                guardian: String::new(),
                method: ConsentMethod::Online,
            },
            USERNAME,
            today(),
        )
        .await
        .unwrap();
    store
        .audited(event("yeu_cau_du_lieu", id))
        .create_data_request(
            &NewDataRequest {
                resident_id: id,
                kind: DataRequestKind::Correction,
                body: format!("{NAME}: số CCCD đúng là {CITIZEN_ID}, không phải số cũ"),
                created_by: USERNAME.into(),
            },
            Utc::now(),
        )
        .await
        .unwrap();
    // A team's visit that guided her, with a milestone, and a class she
    // attended.
    let visit = hocvuso_domain::field::VisitRecord {
        id: "phone-subject-0001".into(),
        household_id: household,
        visited_on: today(),
        people: vec![id],
        milestones: vec![hocvuso_domain::field::MilestoneMark {
            resident_id: id,
            milestone: hocvuso_domain::field::Milestone::VneidInstalled,
        }],
        // The note names her and her phone; the place is her house.
        note: format!("Hướng dẫn {NAME} cài VNeID, gọi lại số {PHONE}"),
        location: Some(hocvuso_domain::field::Location {
            lat: 21.6012,
            lon: 105.8345,
        }),
    };
    store
        .set_setting(hocvuso_domain::field::LOCATION_SETTING, "on")
        .await
        .unwrap();
    store
        .sync_visits(&ResidentScope::All, None, &[visit], today())
        .await
        .unwrap();
    let class = hocvuso_domain::classes::NewSession {
        topic: "Dùng VNeID".into(),
        course_id: None,
        group: None,
        hamlet_id: Some(hamlet),
        place: "Nhà văn hóa xóm".into(),
        starts_at: today().and_hms_opt(8, 0, 0).unwrap(),
        trainers: String::new(),
        unit_id: None,
        task: hocvuso_domain::classes::PlanTask::SkillsForEveryGroup,
    };
    let session = store
        .add_session(&class.checked().unwrap(), None)
        .await
        .unwrap();
    let tick = hocvuso_domain::classes::AttendanceRecord {
        id: "phone-subject-0002".into(),
        session_id: session,
        resident_id: id,
        how: hocvuso_domain::classes::AttendanceWay::Ticked,
        milestones: vec![hocvuso_domain::field::Milestone::AiTool],
    };
    store
        .sync_attendance(&ResidentScope::All, None, &[tick])
        .await
        .unwrap();
    // Someone looked at her record.
    store.audit_now(&event("xem", id)).await.unwrap();

    Made {
        hamlet,
        household,
        person: id,
        other,
        token,
    }
}

/// Whether the part of `pd` that shows `table` has something in it.
fn shows(pd: &PersonalData, table: &str) -> bool {
    match table {
        "resident_groups" => !pd.groups.is_empty(),
        "unit_members" => !pd.units.is_empty(),
        "students" => pd.student.is_some(),
        "lesson_reads" => !pd.lessons_read.is_empty(),
        "quiz_attempts" => !pd.quiz_attempts.is_empty(),
        "certificates" => !pd.certificates.is_empty(),
        "assistant_questions" => !pd.assistant_questions.is_empty(),
        "users" => !pd.accounts.is_empty(),
        "consents" => !pd.consents.is_empty(),
        "data_requests" => !pd.data_requests.is_empty(),
        "visit_people" => !pd.visits.is_empty(),
        "milestones" => pd.milestones.len() == 2,
        "attendance" => !pd.classes.is_empty(),
        other => panic!("table {other} is not shown by personal_data"),
    }
}

/// Every number the commune reports that this person counts in.
async fn aggregates(store: &Store, hamlet: i64) -> Vec<String> {
    let mut out = vec![
        format!("residents {}", store.count_residents().await.unwrap()),
        format!(
            "by hamlet {:?}",
            store.count_by_hamlet().await.unwrap().get(&hamlet)
        ),
        format!("students {}", store.count_students().await.unwrap()),
        format!(
            "officials {}",
            store.count_commune_officials().await.unwrap()
        ),
        format!(
            "assistant {}",
            store.residents_using_assistant().await.unwrap()
        ),
    ];
    for g in TargetGroup::ALL {
        out.push(format!(
            "{} {}",
            g.code(),
            store.count_group(g).await.unwrap()
        ));
    }
    let bounds = [Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()];
    for (p, c) in [
        (
            Population::Group(TargetGroup::Elderly.code().into()),
            Criterion::AnyCourse(vec![COURSE.into()]),
        ),
        (Population::CommuneOfficials, Criterion::Assistant),
        (
            Population::Students,
            Criterion::AllCourses(vec![COURSE.into()]),
        ),
        (
            Population::Hamlet(hamlet),
            Criterion::AnyCourse(vec![COURSE.into()]),
        ),
    ] {
        let rows = store.reach_by_hamlet(&p, &[c], &bounds).await.unwrap();
        out.push(format!("{p:?} {rows:?}"));
    }
    out
}

engine_tests! {
    async fn every_table_naming_a_resident_is_covered(store: Store) {
        // A table with a resident_id column that personal_data does not
        // show (nor lists as derived) fails here: add it to subject.rs.
        let mut expected: Vec<String> = COVERED_TABLES
            .iter()
            .chain(DERIVED_TABLES.iter())
            .map(|t| t.to_string())
            .collect();
        expected.sort();
        let found = store.tables_with_resident_id().await.unwrap();
        assert_eq!(found, expected, "tables with a resident_id column");
    }

    async fn personal_data_shows_every_table(store: Store) {
        let m = setup(&store).await;
        let pd = store.personal_data(m.person).await.unwrap().unwrap();
        for table in COVERED_TABLES {
            assert!(shows(&pd, table), "{table} is empty in {pd:#?}");
        }
        let r = &pd.resident;
        assert_eq!(r.full_name, NAME);
        assert_eq!(r.phone.as_deref(), Some(PHONE));
        assert_eq!(r.citizen_id.as_deref(), Some(CITIZEN_ID));
        assert_eq!(r.birth.as_deref(), Some("1960-11-20"));
        assert_eq!(r.hamlet, "Xóm Nà Hoan");
        assert!(r.is_minority);
        let h = pd.household.as_ref().unwrap();
        assert_eq!((h.id, h.head_name.as_str()), (m.household, NAME));
        assert!(pd.groups.iter().any(|g| g.group_code == "hoc_sinh" && g.source == "manual"));
        assert!(pd.groups.iter().any(|g| g.group_code == "nguoi_cao_tuoi" && g.source == "derived"));
        assert_eq!(pd.units[0].title, "Phó Chủ tịch UBND");
        let s = pd.student.as_ref().unwrap();
        assert_eq!((s.grade, s.class_name.as_str()), (5, "5A"));
        assert_eq!(pd.quiz_attempts[0].correct, 5);
        assert_eq!(pd.certificates[0].code, "ABCD-EFGH-JKMN-PQRS");
        assert_eq!(pd.accounts[0].username, USERNAME);
        assert_eq!(pd.consents[0].purpose, "danh_sach");
        assert_eq!(pd.data_requests[0].status, "cho");
        assert!(pd.access_log.iter().any(|a| a.action == "xem" && a.action_label == "Xem"));
        // No password hash, no session token, in what is handed out.
        let json = serde_json::to_string(&pd).unwrap();
        assert!(!json.contains("argon2"), "{json}");
        assert!(!json.contains(&m.token), "{json}");
        // The other member's data is not hers.
        let other = store.personal_data(m.other).await.unwrap().unwrap();
        assert!(other.certificates.is_empty() && other.accounts.is_empty());
        assert!(!serde_json::to_string(&other).unwrap().contains(PHONE));
        assert!(store.personal_data(m.person + 1000).await.unwrap().is_none());
    }

    async fn anonymising_removes_the_person_and_keeps_the_numbers(store: Store) {
        let m = setup(&store).await;
        let before = aggregates(&store, m.hamlet).await;
        let other_before = store.personal_data(m.other).await.unwrap().unwrap().resident;
        let groups_before = store.personal_data(m.person).await.unwrap().unwrap().groups;

        let done = store
            .audited(event("an_danh", m.person))
            .anonymise_resident(m.person, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert!(!done.already && done.was_head);
        assert_eq!((done.accounts, done.requests_closed), (1, 1));
        assert_eq!(store.count_audit("an_danh", "cu_dan", &m.person.to_string()).await.unwrap(), 1);

        assert_eq!(aggregates(&store, m.hamlet).await, before, "the commune's numbers");

        let pd = store.personal_data(m.person).await.unwrap().unwrap();
        let r = &pd.resident;
        assert_eq!(r.full_name, anonymised_name(m.person));
        assert_eq!(r.name_key, vntext::fold(&anonymised_name(m.person)));
        assert_eq!((r.phone.as_deref(), r.citizen_id.as_deref()), (None, None));
        assert_eq!(r.birth.as_deref(), Some("1960"), "the year stays");
        assert_eq!(r.birth_year, Some(1960));
        assert!(r.notes.is_empty() && r.ethnicity.is_empty() && r.relation.is_empty());
        assert!(r.is_minority, "counted as before");
        assert_eq!(pd.household.as_ref().unwrap().head_name, anonymised_name(m.person));
        assert_eq!(pd.certificates[0].holder_name, anonymised_name(m.person));
        assert_eq!(pd.units[0].title, "");
        assert_eq!(pd.quiz_attempts.len(), 1);
        assert_eq!(pd.groups, groups_before, "groups stay");
        let account = &pd.accounts[0];
        assert!(account.disabled);
        assert_ne!(account.username, USERNAME);
        assert!(store.get_session(&m.token, Utc::now()).await.unwrap().is_none(), "logged out");
        assert!(store.find_user(USERNAME).await.unwrap().is_none());
        assert_eq!(pd.data_requests[0].status, "da_an_danh");
        assert_eq!(pd.consents[0].recorded_by, account.username);
        assert_eq!(pd.data_requests[0].created_by, account.username);

        // Nothing that says who she was, anywhere in what is held.
        let json = serde_json::to_string(&pd).unwrap();
        for secret in [NAME, PHONE, CITIZEN_ID, USERNAME, "tiểu đường", "Phó Chủ tịch", "1960-11-20", "21.6012"] {
            assert!(!json.contains(secret), "{secret} still in {json}");
        }
        let found = store
            .list_residents(
                ResidentScope::All,
                &ResidentFilter { query: Some("lo thi mai".into()), ..Default::default() },
                1,
                10,
            )
            .await
            .unwrap();
        assert_eq!(found.total, 0, "the old name finds nobody");

        // The rest of the household is untouched.
        let other_after = store.personal_data(m.other).await.unwrap().unwrap().resident;
        assert_eq!(other_after, other_before);

        // Again: harmless.
        let again = store
            .audited(event("an_danh", m.person))
            .anonymise_resident(m.person, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert!(again.already);
        assert_eq!(again.requests_closed, 0);
        assert_eq!(aggregates(&store, m.hamlet).await, before);
        let twice = store.personal_data(m.person).await.unwrap().unwrap();
        let mut a = twice.resident.clone();
        a.updated_at = pd.resident.updated_at;
        assert_eq!(a, pd.resident);
        assert_eq!(twice.accounts[0].username, account.username);

        // An unknown person: nothing.
        assert!(store.anonymise_resident(m.person + 1000, Utc::now()).await.unwrap().is_none());
    }

    async fn an_admin_is_not_anonymised(store: Store) {
        let hamlet = store.add_hamlet_with_units("Xóm Bản Ngoại").await.unwrap();
        let (_, id) = store
            .create_household_with_head(
                hamlet,
                &person("Hoàng Văn Sáng", "Chủ hộ", NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()),
                today(),
            )
            .await
            .unwrap();
        // An account linked to the person with the admin's role: anonymising
        // would lock the commune out of its own system.
        store
            .create_linked_accounts(&[NewLinkedAccount {
                resident_id: id,
                role: Role::Admin,
                password_hash: "x".into(),
            }])
            .await
            .unwrap();
        let refused = store
            .audited(event("an_danh", id))
            .anonymise_resident(id, Utc::now())
            .await;
        assert!(matches!(refused, Err(StoreError::Conflict(_))), "{refused:?}");
        let pd = store.personal_data(id).await.unwrap().unwrap();
        assert_eq!(pd.resident.full_name, "Hoàng Văn Sáng", "nothing changed");
        assert!(!pd.accounts[0].disabled);
        assert_eq!(store.count_audit("an_danh", "cu_dan", &id.to_string()).await.unwrap(), 0);
    }

    async fn requests_are_filed_listed_and_answered(store: Store) {
        let hamlet = store.add_hamlet_with_units("Xóm Khuôn Lặng").await.unwrap();
        let (_, id) = store
            .create_household_with_head(
                hamlet,
                &person("Nông Thị Hoa", "Chủ hộ", NaiveDate::from_ymd_opt(1990, 4, 5).unwrap()),
                today(),
            )
            .await
            .unwrap();
        let new = |kind, body: &str| NewDataRequest {
            resident_id: id,
            kind,
            body: body.into(),
            created_by: "nongthihoa".into(),
        };
        let first = store
            .audited(event("yeu_cau_du_lieu", id))
            .create_data_request(&new(DataRequestKind::Correction, "Sai ngày sinh"), Utc::now())
            .await
            .unwrap();
        let second = store
            .create_data_request(&new(DataRequestKind::Deletion, "Xin xóa số điện thoại"), Utc::now())
            .await
            .unwrap();
        assert_eq!(store.count_audit("yeu_cau_du_lieu", "cu_dan", &id.to_string()).await.unwrap(), 1);

        // Refused: empty, too long, unknown person. Nothing written.
        for body in ["  ".to_string(), "a".repeat(MAX_REQUEST_CHARS + 1)] {
            let e = store.create_data_request(&new(DataRequestKind::Correction, &body), Utc::now()).await;
            assert!(matches!(e, Err(StoreError::Invalid(_))), "{e:?}");
        }
        let mut stranger = new(DataRequestKind::Correction, "x");
        stranger.resident_id = id + 1000;
        assert!(store.create_data_request(&stranger, Utc::now()).await.is_err());
        assert_eq!(store.data_requests(None).await.unwrap().len(), 2);

        // Open first, oldest first.
        let ids: Vec<i64> = store.data_requests(None).await.unwrap().iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![first, second]);

        // A refusal needs a reason.
        let e = store.answer_data_request(first, DataRequestStatus::Refused, " ", "admin", Utc::now()).await;
        assert!(matches!(e, Err(StoreError::Invalid(_))), "{e:?}");
        assert!(store
            .audited(event("tra_loi_yeu_cau_du_lieu", id))
            .answer_data_request(first, DataRequestStatus::Corrected, "Đã sửa ngày sinh", "admin", Utc::now())
            .await
            .unwrap());
        assert_eq!(store.count_audit("tra_loi_yeu_cau_du_lieu", "cu_dan", &id.to_string()).await.unwrap(), 1);
        // Answered once only; an unknown request is not open either.
        assert!(!store
            .audited(event("tra_loi_yeu_cau_du_lieu", id))
            .answer_data_request(first, DataRequestStatus::Refused, "Không", "admin", Utc::now())
            .await
            .unwrap());
        assert_eq!(store.count_audit("tra_loi_yeu_cau_du_lieu", "cu_dan", &id.to_string()).await.unwrap(), 1);
        assert!(!store.answer_data_request(second + 99, DataRequestStatus::Corrected, "", "admin", Utc::now()).await.unwrap());

        // The open one comes first now.
        let list = store.data_requests(Some(id)).await.unwrap();
        assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), vec![second, first]);
        let answered = store.data_request(first).await.unwrap().unwrap();
        assert_eq!(answered.status(), Some(DataRequestStatus::Corrected));
        assert_eq!(answered.answered_by.as_deref(), Some("admin"));
        assert_eq!(answered.resident_name, "Nông Thị Hoa");
        assert!(answered.answered_at.is_some());
    }
}
