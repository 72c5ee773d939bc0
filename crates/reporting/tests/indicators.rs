//! The indicators, recomputed independently from the raw rows, on SQLite and
//! on PostgreSQL; the commune report assembled from them.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

#[path = "../../storage/tests/engines.rs"]
mod engines;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{Quarter, ResidentFilter, UnitType};
use hocvuso_learning::Catalog;
use hocvuso_reporting::{dashboard, Context, Definitions, ReachedBy};
use hocvuso_storage::{
    LearningMode, NewAttempt, NewCertificate, NewPilotModel, QuestionLog, Store,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

struct Fixture {
    /// resident → course → when passed.
    passes: Vec<(i64, String, DateTime<Utc>)>,
    assistant: BTreeSet<i64>,
    /// (resident, milestone code) → when it counts (the day's start in Vietnam).
    milestones: HashMap<(i64, String), DateTime<Utc>>,
}

/// A small commune with passes spread over this quarter and earlier ones,
/// and some assistant use.
async fn fixture(store: &Store, catalog: &Catalog) -> Fixture {
    let demo = hocvuso_demo::generate(&hocvuso_demo::DemoOptions {
        seed: 5,
        hamlets: 3,
        households: 90,
        today: today(),
    });
    store.load_demo(&demo, today()).await.unwrap();
    let people = store
        .list_residents(ResidentScope::All, &ResidentFilter::default(), 1, 1000)
        .await
        .unwrap()
        .items;
    let now = Utc::now();
    let ids: Vec<&str> = catalog.courses.iter().map(|c| c.id.as_str()).collect();
    let mut passes = Vec::new();
    let mut n = 0;
    for (i, r) in people.iter().enumerate() {
        // Roughly: a third pass everything, a third some courses, a third nothing.
        let courses: Vec<&str> = match i % 3 {
            0 => ids.clone(),
            1 => ids.iter().copied().filter(|c| c.len() % 2 == 0).collect(),
            _ => vec![],
        };
        for (k, c) in courses.iter().enumerate() {
            let at = now - Duration::days(((i * 7 + k * 13) % 200) as i64);
            n += 1;
            record_pass(store, n, r.id, &r.full_name, c, at).await;
            passes.push((r.id, (*c).to_string(), at));
        }
    }
    let mut assistant = BTreeSet::new();
    for r in people.iter().step_by(11) {
        store
            .log_question(&QuestionLog {
                user_id: None,
                resident_id: Some(r.id),
                question: "lam giay khai sinh o dau".into(),
                behavior: "answer".into(),
                code: Some("1.001193".into()),
            })
            .await
            .unwrap();
        assistant.insert(r.id);
    }
    // Some people were guided at home and used an AI tool there.
    let mut milestones = HashMap::new();
    let vn_today = hocvuso_domain::time::vn_today();
    for (k, r) in people.iter().enumerate().step_by(13) {
        let day = vn_today - chrono::Days::new((k % 150) as u64);
        let visit = hocvuso_domain::field::VisitRecord {
            id: format!("kiem-thu-tham-{k:04}"),
            household_id: r.household_id,
            visited_on: day,
            people: vec![r.id],
            milestones: vec![hocvuso_domain::field::MilestoneMark {
                resident_id: r.id,
                milestone: hocvuso_domain::field::Milestone::AiTool,
            }],
            note: String::new(),
            location: None,
        };
        let out = store
            .sync_visits(&ResidentScope::All, None, &[visit], vn_today)
            .await
            .unwrap();
        assert_eq!(out[0].status, hocvuso_domain::field::SyncStatus::Saved);
        milestones.insert(
            (r.id, "ai".to_string()),
            hocvuso_domain::time::vn_midnight(day),
        );
    }
    Fixture {
        passes,
        assistant,
        milestones,
    }
}

/// A passed quiz with its certificate (the `n`-th of the test), as a class records it.
async fn record_pass(
    store: &Store,
    n: usize,
    id: i64,
    name: &str,
    course: &str,
    at: DateTime<Utc>,
) {
    store
        .record_attempt(&NewAttempt {
            client_id: format!("kiem-thu-{n:08}"),
            resident_id: id,
            course_id: course.to_string(),
            correct: 8,
            total: 8,
            passed: true,
            answers: "[]".into(),
            mode: LearningMode::Class,
            recorded_by: None,
            answered_at: at,
            certificate: Some(NewCertificate {
                code: format!("T{n:07}"),
                holder_name: name.into(),
                course_title: course.to_string(),
            }),
        })
        .await
        .unwrap();
}

/// Pass every course, now.
async fn pass_all(store: &Store, catalog: &Catalog, fx: &mut Fixture, id: i64, name: &str) {
    let at = Utc::now() - Duration::hours(1);
    for c in &catalog.courses {
        record_pass(store, fx.passes.len() + 900_000, id, name, &c.id, at).await;
        fx.passes.push((id, c.id.clone(), at));
    }
}

async fn indicators_match_an_independent_count(store: Store) {
    let catalog = Catalog::embedded().unwrap();
    let defs = Definitions::embedded(&catalog).unwrap();
    let mut fx = fixture(&store, &catalog).await;
    let quarter = Quarter::containing(today());
    let cx = Context {
        store: &store,
        catalog: &catalog,
        defs: &defs,
    };
    let d = check_against_raw_rows(&store, &catalog, &defs, &fx, quarter).await;
    let adults = d.indicators.iter().find(|r| r.code == "3").unwrap().clone();
    // Indicator 6: one running "Bình dân học AI" model at a school.
    let units = store.list_units().await.unwrap();
    let schools: Vec<_> = units
        .iter()
        .filter(|u| u.unit_type == UnitType::School)
        .collect();
    assert!(!schools.is_empty());
    for status in ["du_kien", "dang_hoat_dong"] {
        store
            .save_pilot_model(
                None,
                &NewPilotModel {
                    kind: "binh_dan_hoc_ai".into(),
                    name: format!("Điểm AI {status}"),
                    place: schools[0].name.clone(),
                    unit_id: Some(schools[0].id),
                    criteria: "Có lớp học AI hằng tháng".into(),
                    status: status.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    // Indicator 7: the public service centre's submitted report.
    let centre = units
        .iter()
        .find(|u| u.unit_type == UnitType::PublicServiceCentre)
        .unwrap();
    store
        .save_unit_report(
            centre.id,
            &quarter.to_string(),
            r#"{"ho_so_tiep_nhan": 200, "ho_so_truc_tuyen": 150, "giao_dich_thu_phi": 80, "thu_phi_khong_tien_mat": 20}"#,
            r#"{"ket_qua": "Hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa."}"#,
            None,
            true,
            Utc::now(),
        )
        .await
        .unwrap();
    let d = dashboard(cx, quarter).await.unwrap();
    let get = |c: &str| d.indicators.iter().find(|r| r.code == c).unwrap().clone();
    assert_eq!(get("6a").numerator, 1, "only the running model counts");
    assert_eq!(get("6a").met, Some(true));
    assert_eq!(
        (get("6b").numerator, get("6b").denominator),
        (1, schools.len() as i64)
    );
    assert_eq!(get("7a").value, Some(75.0));
    assert_eq!(get("7b").value, Some(25.0));
    assert_eq!(get("7a").target_text, "Tăng so với quý trước");

    // A stored snapshot (province mode) reads back the same numbers.
    assert!(hocvuso_reporting::snapshot(&store, quarter)
        .await
        .unwrap()
        .is_none());
    let fresh = hocvuso_reporting::refresh_snapshot(cx, quarter)
        .await
        .unwrap();
    let stored = hocvuso_reporting::snapshot(&store, quarter)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.computed_at.is_some());
    for (a, b) in d.indicators.iter().zip(&stored.indicators) {
        assert_eq!(
            (&a.code, a.numerator, a.denominator),
            (&b.code, b.numerator, b.denominator)
        );
        assert_eq!(a.by_hamlet, b.by_hamlet);
        assert_eq!(a.trend, b.trend);
    }
    assert_eq!(fresh.indicators.len(), stored.indicators.len());

    // The commune report carries the numbers.
    let report = hocvuso_reporting::commune_report(
        cx,
        &hocvuso_reporting::ReportInput {
            commune: "xã Dân Tiến",
            quarter,
            date: today(),
            plan: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.issuer, "XÃ DÂN TIẾN");
    let table = report.sections[0].table.as_ref().unwrap();
    assert_eq!(table.rows.len(), d.indicators.len());
    assert!(table.rows[2][3].contains(&format!(
        "{}/{}",
        hocvuso_domain::numbers::integer(adults.numerator),
        hocvuso_domain::numbers::integer(adults.denominator)
    )));
    // Numbered as the plan and the site number them (6a, 6b, 7a, 7b), not 1–9.
    let numbers: Vec<&str> = table.rows.iter().map(|r| r[0].as_str()).collect();
    let codes: Vec<&str> = d.indicators.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(numbers, codes);
    assert!(
        numbers.contains(&"6a") && numbers.contains(&"7b"),
        "{numbers:?}"
    );
    let text: String = report
        .sections
        .iter()
        .flat_map(|s| s.paragraphs.clone())
        .collect();
    assert!(
        text.contains("Hướng dẫn người dân nộp hồ sơ trực tuyến"),
        "{text}"
    );
    let docx = hocvuso_reporting::report_docx(&report).unwrap();
    assert!(docx.starts_with(b"PK"));
    let xlsx =
        hocvuso_reporting::indicators_xlsx(&report, &d, &BTreeMap::new(), "xã Dân Tiến").unwrap();
    assert!(xlsx.starts_with(b"PK"));

    // The counts are kept up to date, not recounted: later passes, a new
    // resident and new assistant use show at once.
    let people = store
        .list_residents(ResidentScope::All, &ResidentFilter::default(), 1, 1000)
        .await
        .unwrap()
        .items;
    let behind: Vec<_> = people
        .iter()
        .filter(|r| {
            r.groups.iter().any(|g| g.code() == "nguoi_truong_thanh")
                && !fx.passes.iter().any(|(id, _, _)| *id == r.id)
        })
        .take(4)
        .collect();
    assert_eq!(behind.len(), 4, "adults who have not learned yet");
    for r in &behind {
        pass_all(&store, &catalog, &mut fx, r.id, &r.full_name).await;
    }
    let newcomers: Vec<i64> = people
        .iter()
        .filter(|r| !fx.assistant.contains(&r.id))
        .take(3)
        .map(|r| r.id)
        .collect();
    for id in newcomers {
        store
            .log_question(&QuestionLog {
                user_id: None,
                resident_id: Some(id),
                question: "chung thuc ban sao".into(),
                behavior: "answer".into(),
                code: None,
            })
            .await
            .unwrap();
        fx.assistant.insert(id);
    }
    let household = people[0].household_id;
    let newcomer = store
        .create_resident(
            household,
            &hocvuso_domain::NewResident {
                full_name: "Hoàng Thị Mới".into(),
                sex: None,
                birth: Some(hocvuso_domain::BirthDate::Year(1990)),
                ethnicity: "Tày".into(),
                phone: None,
                citizen_id: None,
                relation: "Con".into(),
                notes: String::new(),
                manual_groups: vec![],
            },
            today(),
        )
        .await
        .unwrap();
    pass_all(&store, &catalog, &mut fx, newcomer, "Hoàng Thị Mới").await;
    let later = check_against_raw_rows(&store, &catalog, &defs, &fx, quarter).await;
    let now_adults = later.indicators.iter().find(|r| r.code == "3").unwrap();
    assert_eq!(now_adults.denominator, adults.denominator + 1);
    assert_eq!(now_adults.numerator, adults.numerator + 5);
}

/// The dashboard's people-counting indicators against a count made here
/// from the raw rows: value, hamlets and trend. Then the other indicators,
/// the snapshot and the report.
async fn check_against_raw_rows(
    store: &Store,
    catalog: &Catalog,
    defs: &Definitions,
    fx: &Fixture,
    quarter: Quarter,
) -> hocvuso_reporting::Dashboard {
    let cx = Context {
        store,
        catalog,
        defs,
    };
    let d = dashboard(cx, quarter).await.unwrap();

    // Raw rows, read back without the indicator queries.
    let people = store
        .list_residents(ResidentScope::All, &ResidentFilter::default(), 1, 1000)
        .await
        .unwrap()
        .items;
    let mut team = BTreeSet::new();
    // Indicator 1's people, read from the raw membership rows: cán bộ and
    // công chức of the commune's own bodies.
    let mut officials = BTreeSet::new();
    // Indicator 2's people, read from the raw class lists: grade 1 and up.
    let mut students = BTreeSet::new();
    for u in store.list_units().await.unwrap() {
        for s in store.students_of(u.id).await.unwrap() {
            if s.grade >= 1 {
                students.insert(s.resident_id);
            }
        }
        for m in store.members_of(u.id).await.unwrap() {
            if u.unit_type == UnitType::DigitalTeam {
                team.insert(m.resident_id);
            }
            if u.unit_type.is_commune_body()
                && matches!(
                    m.category,
                    hocvuso_domain::MemberCategory::CanBo
                        | hocvuso_domain::MemberCategory::CongChuc
                )
            {
                officials.insert(m.resident_id);
            }
        }
    }
    let mut first_pass: HashMap<(i64, String), DateTime<Utc>> = HashMap::new();
    for (r, c, at) in &fx.passes {
        let e = first_pass.entry((*r, c.clone())).or_insert(*at);
        *e = (*e).min(*at);
    }
    let bounds: Vec<DateTime<Utc>> = quarter.year_to_date().iter().map(|q| q.end()).collect();

    for def in defs.indicators.iter().filter(|d| d.population.is_some()) {
        let group = def.population.as_deref().unwrap();
        let in_pop = |r: &hocvuso_domain::Resident| {
            if group == "to_cnscd" {
                team.contains(&r.id)
            } else if group == hocvuso_reporting::COMMUNE_OFFICIALS {
                officials.contains(&r.id)
            } else if group == hocvuso_reporting::STUDENTS {
                students.contains(&r.id)
            } else {
                r.groups.iter().any(|g| g.code() == group)
            }
        };
        // When each person was reached, if at all.
        let reached_at = |r: &hocvuso_domain::Resident| -> Option<DateTime<Utc>> {
            def.reached
                .iter()
                .filter_map(|c| match c {
                    ReachedBy::Basic => {
                        let need = &catalog.basic_knowledge[hocvuso_reporting::audience_of(group)];
                        let times: Vec<_> = need
                            .iter()
                            .filter_map(|c| first_pass.get(&(r.id, c.clone())))
                            .collect();
                        (times.len() == need.len()).then(|| **times.iter().max().unwrap())
                    }
                    ReachedBy::Course(c) => first_pass.get(&(r.id, c.clone())).copied(),
                    ReachedBy::AllCourses(need) => {
                        let times: Vec<_> = need
                            .iter()
                            .filter_map(|c| first_pass.get(&(r.id, c.clone())))
                            .collect();
                        (times.len() == need.len()).then(|| **times.iter().max().unwrap())
                    }
                    // Questions were logged just now.
                    ReachedBy::Assistant => fx.assistant.contains(&r.id).then(Utc::now),
                    ReachedBy::Milestone(m) => {
                        fx.milestones.get(&(r.id, m.code().to_string())).copied()
                    }
                })
                .min()
        };
        let result = d.indicators.iter().find(|r| r.code == def.code).unwrap();
        let pop: Vec<_> = people.iter().filter(|r| in_pop(r)).collect();
        let end = *bounds.last().unwrap();
        let reached: Vec<_> = pop
            .iter()
            .filter(|r| reached_at(r).is_some_and(|t| t < end))
            .collect();
        assert_eq!(
            result.denominator as usize,
            pop.len(),
            "indicator {} denominator",
            def.code
        );
        assert_eq!(
            result.numerator as usize,
            reached.len(),
            "indicator {} numerator",
            def.code
        );
        assert!(result.denominator > 0, "indicator {} has people", def.code);
        // By hamlet.
        let mut by: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for r in &pop {
            let e = by.entry(r.hamlet_id.to_string()).or_default();
            e.1 += 1;
            if reached_at(r).is_some_and(|t| t < end) {
                e.0 += 1;
            }
        }
        let got: BTreeMap<String, (i64, i64)> = result
            .by_hamlet
            .iter()
            .map(|p| (p.key.clone(), (p.numerator, p.denominator)))
            .collect();
        assert_eq!(got, by, "indicator {} by hamlet", def.code);
        // Trend: cumulative at each quarter's end.
        for (p, b) in result.trend.iter().zip(&bounds) {
            let want = pop
                .iter()
                .filter(|r| reached_at(r).is_some_and(|t| t < *b))
                .count();
            assert_eq!(
                p.numerator as usize, want,
                "indicator {} at {}",
                def.code, p.key
            );
        }
        let v = result.value.unwrap();
        assert!((v - reached.len() as f64 * 100.0 / pop.len() as f64).abs() < 0.06);
    }
    // Some adults have the basic knowledge and some do not: the numbers mean something.
    let adults = d.indicators.iter().find(|r| r.code == "3").unwrap();
    assert!(
        adults.numerator > 0 && adults.numerator < adults.denominator,
        "{adults:?}"
    );

    d
}

#[tokio::test]
async fn sqlite_indicators_match_an_independent_count() {
    let db = engines::TestDb::sqlite().await;
    indicators_match_an_independent_count(db.store.clone()).await;
    db.finish().await;
}

#[tokio::test]
async fn postgres_indicators_match_an_independent_count() {
    let Some(db) = engines::TestDb::postgres().await else {
        return;
    };
    indicators_match_an_independent_count(db.store.clone()).await;
    db.finish().await;
}
