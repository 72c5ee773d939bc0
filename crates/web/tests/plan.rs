//! The plan as data (issue 15): the six tasks and eight units' duties of
//! the seed are shown with a status computed from the records; moving the
//! clock past a period with nothing recorded marks the task behind, and
//! recording the activities puts it back on track.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use chrono::NaiveDate;
use hocvuso_domain::classes::{NewSession, PlanTask};
use reqwest::StatusCode;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// The status tag and rule of one task on `/ke-hoach`.
fn row_of<'a>(page: &'a str, code: &str) -> &'a str {
    let start = page
        .find(&format!("href=\"/ke-hoach/{code}\""))
        .unwrap_or_else(|| panic!("{code} is not listed"));
    let rest = &page[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

async fn the_plan_lists_its_tasks_duties_and_a_timeline() {
    let app = spawn_app().await;
    let (office, _) = app.login("vhxh").await;
    let (status, page) = app.get(&office, "/ke-hoach").await;
    assert_eq!(status, StatusCode::OK);
    for code in ["III.1", "III.2", "III.3", "III.4", "III.5", "III.6"] {
        row_of(&page, code);
    }
    for code in [
        "V.1.", "V.2.", "V.3.", "V.4.", "V.5.", "V.6.", "V.7.", "V.8.",
    ] {
        assert!(page.contains(&format!("<h3>{code} ")), "{code}");
    }
    assert!(page.contains("<svg class=\"chart\"") && page.contains("Hôm nay"));
    assert!(
        page.contains("href=\"/chi-tieu/6a\""),
        "targets link their indicators"
    );
    // On 1 June (the tests' clock) the AI training of Q3 has not started.
    assert!(row_of(&page, "III.6").contains("Chưa bắt đầu"));
    // One task, and one that does not exist.
    let (status, task) = app.get(&office, "/ke-hoach/III.6").await;
    assert_eq!(status, StatusCode::OK);
    assert!(task.contains("Người dân trưởng thành tại các xóm") && task.contains("V.8"));
    assert_eq!(
        app.get(&office, "/ke-hoach/III.9").await.0,
        StatusCode::NOT_FOUND
    );
    // A resident has no plan pages; the team's unit page lists its duties.
    let (resident, _) = app.login("nguoidan").await;
    assert_eq!(
        app.get(&resident, "/ke-hoach").await.0,
        StatusCode::FORBIDDEN
    );
    let team = app
        .store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit_type == hocvuso_domain::UnitType::DigitalTeam)
        .unwrap();
    let (_, unit) = app.get(&office, &format!("/don-vi/{}", team.id)).await;
    assert!(unit.contains("V.8. Các xóm trên địa bàn xã, Tổ công nghệ số cộng đồng"));
    assert!(unit.contains("đi từng ngõ, gõ từng nhà"));
    // What it recorded against them: nothing yet; then a class it organised.
    assert!(
        unit.contains("Đã ghi nhận của đơn vị: chưa ghi nhận gì."),
        "{unit}"
    );
    let class = NewSession {
        topic: "Dùng VNeID".into(),
        course_id: None,
        group: None,
        hamlet_id: team.hamlet_id,
        place: "Nhà văn hóa".into(),
        starts_at: day(6, 3).and_hms_opt(8, 0, 0).unwrap(),
        trainers: String::new(),
        unit_id: Some(team.id),
        task: PlanTask::SkillsForEveryGroup,
    };
    app.store
        .add_session(&class.checked().unwrap(), None)
        .await
        .unwrap();
    let (_, unit) = app.get(&office, &format!("/don-vi/{}", team.id)).await;
    assert!(
        unit.contains("Đã ghi nhận của đơn vị: 1 buổi học đã tổ chức."),
        "{unit}"
    );
    // The task's page says by whom.
    let (_, task) = app.get(&office, "/ke-hoach/III.2").await;
    assert!(
        task.contains(&format!(
            "{}</a> (phối hợp): 1 buổi học đã tổ chức",
            team.name
        )),
        "{task}"
    );
    // A unit that reports shows where its report of this quarter stands.
    let police = app
        .store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.unit_type == hocvuso_domain::UnitType::Police)
        .unwrap();
    let (_, page) = app.get(&office, &format!("/don-vi/{}", police.id)).await;
    assert!(page.contains("Báo cáo quý II năm 2026: <strong>"), "{page}");
}

async fn a_task_with_nothing_recorded_is_behind_once_its_period_has_run() {
    // Mid-August: six weeks of Q3 gone, no AI class in any hamlet.
    let app = spawn_app_on(day(8, 15)).await;
    let (office, _) = app.login("vhxh").await;
    let (_, page) = app.get(&office, "/ke-hoach").await;
    let row = row_of(&page, "III.6");
    let hamlets = app.hamlets.len();
    assert!(row.contains("status-cham"), "{row}");
    assert!(
        row.contains(&format!(
            "đã qua 6 tuần, {hamlets}/{hamlets} xóm chưa có buổi học"
        )),
        "{row}"
    );
    // An AI class in every hamlet but one: still behind, one missing.
    for (i, h) in app.hamlets.iter().enumerate() {
        if i + 1 == hamlets {
            break;
        }
        let s = NewSession {
            topic: "Bình dân học AI".into(),
            course_id: None,
            group: None,
            hamlet_id: Some(*h),
            place: "Nhà văn hóa".into(),
            starts_at: day(7, 20).and_hms_opt(14, 0, 0).unwrap(),
            trainers: String::new(),
            unit_id: None,
            task: PlanTask::AiInEveryHamlet,
        };
        app.store
            .add_session(&s.checked().unwrap(), None)
            .await
            .unwrap();
    }
    let (_, task) = app.get(&office, "/ke-hoach/III.6").await;
    assert!(
        task.contains(&format!("1/{hamlets} xóm chưa có buổi học")),
        "{task}"
    );
    assert!(task.contains(&format!("{}/{hamlets} xóm", hamlets - 1)));
    // The last hamlet too: on track.
    let s = NewSession {
        topic: "Bình dân học AI".into(),
        course_id: None,
        group: None,
        hamlet_id: app.hamlets.last().copied(),
        place: "Nhà văn hóa".into(),
        starts_at: day(8, 1).and_hms_opt(8, 0, 0).unwrap(),
        trainers: String::new(),
        unit_id: None,
        task: PlanTask::AiInEveryHamlet,
    };
    app.store
        .add_session(&s.checked().unwrap(), None)
        .await
        .unwrap();
    let (_, page) = app.get(&office, "/ke-hoach").await;
    let row = row_of(&page, "III.6");
    assert!(
        row.contains("status-dung_tien_do") && row.contains("đã ghi nhận 3"),
        "{row}"
    );
    // A class of another task does not count for this one.
    let (_, task) = app.get(&office, "/ke-hoach/III.2").await;
    assert!(task.contains("<li>0 buổi học</li>"), "{task}");
}

/// The board's status cell of a unit.
fn board_status(board: &str, unit: i64) -> &str {
    let start = board
        .find(&format!("href=\"/bao-cao/don-vi/{unit}?"))
        .unwrap_or_else(|| panic!("unit {unit} is not on the board"));
    let rest = &board[start..];
    let cell = &rest[rest.find("class=\"status-").unwrap()..];
    &cell[..cell.find("</td>").unwrap()]
}

async fn a_report_is_on_time_before_the_day_and_the_commune_sets_the_day() {
    // 15 June: "trước ngày 15" means by the 14th.
    let app = spawn_app_on(day(6, 15)).await;
    let units = app.store.list_units().await.unwrap();
    let of = |t: hocvuso_domain::UnitType| units.iter().find(|u| u.unit_type == t).unwrap().id;
    let (centre, health) = (
        of(hocvuso_domain::UnitType::PublicServiceCentre),
        of(hocvuso_domain::UnitType::HealthStation),
    );
    // 10:00 in Vietnam on the 14th and on the 15th.
    let at = |d: u32| day(6, d).and_hms_opt(3, 0, 0).unwrap().and_utc();
    for (unit, d) in [(centre, 14), (health, 15)] {
        app.store
            .save_unit_report(unit, "2026Q2", "{}", "{}", None, true, at(d))
            .await
            .unwrap();
    }
    let (office, csrf) = app.login("vhxh").await;
    let (_, board) = app.get(&office, "/bao-cao?quy=2026Q2").await;
    assert!(board.contains("trước ngày 15/06/2026"), "the plan's day");
    assert!(board_status(&board, centre).contains("Đã nộp đúng hạn"));
    assert!(board_status(&board, health).contains("Nộp muộn"));
    // The commune sets the 20th: the 15th is on time; a bad day changes nothing.
    let r = app
        .post(
            &office,
            "/thiet-lap/han-bao-cao",
            &[("csrf", &csrf), ("ngay", "31")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.store.report_before_day().await.unwrap(), 15);
    let r = app
        .post(
            &office,
            "/thiet-lap/han-bao-cao",
            &[("csrf", &csrf), ("ngay", "20")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, board) = app.get(&office, "/bao-cao?quy=2026Q2").await;
    assert!(board.contains("trước ngày 20/06/2026"));
    assert!(board_status(&board, health).contains("Đã nộp đúng hạn"));
    let (_, setup) = app.get(&office, "/thiet-lap").await;
    assert!(setup.contains("trước ngày 20</strong>"));
}

/// The office edits the plan in the browser: a file with an error is
/// refused with its line and nothing saved; a good one is in force at once;
/// next year's plan starts from this one, never overwriting one made.
async fn the_office_edits_the_plan_and_starts_next_years_from_it() {
    let app = spawn_app().await;
    let (office, csrf) = app.login("vhxh").await;
    let (status, page) = app.get(&office, "/ke-hoach/sua").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("year = 2026"), "{page}");
    let text = hocvuso_reporting::plan::text_for(&app.store, 2026)
        .await
        .unwrap()
        .1;

    // An unknown unit type: refused, its line named, nothing saved.
    let broken = text.replacen(
        "lead = [\"phong_vhxh\", \"to_cnscd\", \"xom\"]",
        "lead = [\"phong_van_hoa\"]",
        1,
    );
    assert_ne!(broken, text);
    let line = broken
        .lines()
        .position(|l| l.contains("phong_van_hoa"))
        .unwrap()
        + 1;
    let r = app
        .post(
            &office,
            "/ke-hoach/sua",
            &[("csrf", &csrf), ("nam", "2026"), ("noi_dung", &broken)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r.text().await.unwrap();
    assert!(
        body.contains(&format!(
            "ke-hoach-2026.toml:{line}: loại đơn vị `phong_van_hoa` không có"
        )),
        "{body}"
    );
    assert!(
        body.contains("phong_van_hoa"),
        "the text as sent stays to fix"
    );
    assert!(app.store.plan_years().await.unwrap().is_empty());

    // A good edit: saved, and the plan page shows it at once.
    let edited = text.replacen(
        "Tiếp tục tổ chức tập huấn Phong trào “Bình dân học AI” tại các xóm",
        "Tập huấn «Bình dân học AI» tại mọi xóm",
        1,
    );
    let r = app
        .post(
            &office,
            "/ke-hoach/sua",
            &[("csrf", &csrf), ("nam", "2026"), ("noi_dung", &edited)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, plan) = app.get(&office, "/ke-hoach").await;
    assert!(row_of(&plan, "III.6").contains("Tập huấn «Bình dân học AI» tại mọi xóm"));

    // Next year's plan from this one.
    let r = app
        .post(
            &office,
            "/ke-hoach/nam-sau",
            &[("csrf", &csrf), ("nam", "2026")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/ke-hoach/sua?nam=2027");
    let next = app.store.plan_text(2027).await.unwrap().unwrap();
    assert!(next.contains("year = 2027") && next.contains("from = \"2027Q3\""));
    assert!(
        next.contains("Tập huấn «Bình dân học AI» tại mọi xóm"),
        "the edited plan is the start"
    );
    assert!(!next.contains("\"2026Q"));
    // Asking again keeps what was made.
    let changed = next.replacen(
        "Tập huấn «Bình dân học AI» tại mọi xóm",
        "Năm 2027: AI cho mọi hộ",
        1,
    );
    app.post(
        &office,
        "/ke-hoach/sua",
        &[("csrf", &csrf), ("nam", "2027"), ("noi_dung", &changed)],
    )
    .await;
    app.post(
        &office,
        "/ke-hoach/nam-sau",
        &[("csrf", &csrf), ("nam", "2026")],
    )
    .await;
    assert!(app
        .store
        .plan_text(2027)
        .await
        .unwrap()
        .unwrap()
        .contains("Năm 2027: AI cho mọi hộ"));
    // This year's plan stays in force; 2027's is in force in 2027.
    let (_, plan) = app.get(&office, "/ke-hoach").await;
    assert!(plan.contains("Kế hoạch năm 2026"));
    let catalog = hocvuso_learning::Catalog::embedded().unwrap();
    let defs = hocvuso_reporting::Definitions::embedded(&catalog).unwrap();
    let in_2027 = hocvuso_reporting::plan::in_force(&app.store, &defs, 2027)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(in_2027.year, 2027);
    assert_eq!(
        in_2027.task("III.6").unwrap().title,
        "Năm 2027: AI cho mọi hộ"
    );

    // The year in the file must be the year edited.
    let r = app
        .post(
            &office,
            "/ke-hoach/sua",
            &[("csrf", &csrf), ("nam", "2028"), ("noi_dung", &changed)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Tệp ghi year = 2027 nhưng đang sửa kế hoạch năm 2028"));
    // Only the office edits it.
    let (head, _) = app.login("truongxom").await;
    assert_eq!(
        app.get(&head, "/ke-hoach/sua").await.0,
        StatusCode::FORBIDDEN
    );
}

on_both_engines!(
    the_office_edits_the_plan_and_starts_next_years_from_it,
    a_report_is_on_time_before_the_day_and_the_commune_sets_the_day,
    the_plan_lists_its_tasks_duties_and_a_timeline,
    a_task_with_nothing_recorded_is_behind_once_its_period_has_run,
);
