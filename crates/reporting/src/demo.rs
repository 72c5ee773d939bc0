//! Demo data beyond the registry: a year of learning results, assistant
//! use, pilot models and the units' reports, so that a fresh
//! `serve --demo` shows a living dashboard.

use crate::Result;
use chrono::NaiveDate;
use hocvuso_demo::learning::{learning, Learner};
use hocvuso_domain::reports::{
    form_fields, APPLICATIONS_ONLINE, APPLICATIONS_TOTAL, PAYMENTS_CASHLESS, PAYMENTS_TOTAL,
};
use hocvuso_domain::{Quarter, UnitType};
use hocvuso_learning::Catalog;
use hocvuso_storage::{DemoPassRow, NewPilotModel, Store};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, Default)]
pub struct DemoExtras {
    pub passes: usize,
    pub assistant_users: usize,
    pub models: usize,
    pub reports: usize,
}

/// Learning results only (also used by the benchmark at province scale).
pub async fn load_learning(
    store: &Store,
    catalog: &Catalog,
    today: NaiveDate,
    seed: u64,
) -> Result<(usize, usize)> {
    let mut by: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (rid, g) in store.learner_groups().await? {
        by.entry(rid).or_default().push(g);
    }
    let learners: Vec<Learner> = by
        .into_iter()
        .map(|(resident_id, groups)| Learner {
            resident_id,
            groups,
        })
        .collect();
    let ai = catalog
        .courses
        .iter()
        .find(|c| c.id == "binh-dan-hoc-ai")
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let data = learning(&learners, &catalog.basic_knowledge, &ai, today, seed);
    let totals: BTreeMap<&str, i32> = catalog
        .courses
        .iter()
        .map(|c| (c.id.as_str(), c.quiz.len() as i32))
        .collect();
    let rows: Vec<DemoPassRow<'_>> = data
        .passes
        .iter()
        .filter_map(|p| {
            Some(DemoPassRow {
                code: hocvuso_storage::new_certificate_code(),
                resident_id: p.resident_id,
                course_id: catalog.course(&p.course_id).map(|c| c.id.as_str())?,
                total: *totals.get(p.course_id.as_str())?,
                at: p.at,
            })
        })
        .collect();
    let titles: Vec<(String, String)> = catalog
        .courses
        .iter()
        .map(|c| (c.id.clone(), c.title.clone()))
        .collect();
    let n = store
        .load_demo_learning(&rows, &data.assistant, &titles)
        .await?;
    Ok((n, data.assistant.len()))
}

/// Everything: learning, pilot models, and the reports of last quarter
/// (all in, one late) and of this one (some drafts).
pub async fn load_demo_extras(
    store: &Store,
    catalog: &Catalog,
    today: NaiveDate,
    seed: u64,
) -> Result<DemoExtras> {
    let (passes, assistant_users) = load_learning(store, catalog, today, seed).await?;
    let units = store.list_units().await?;
    let find = |t: UnitType| units.iter().filter(move |u| u.unit_type == t);
    let mut models_n = 0;
    let culture = find(UnitType::CultureSocietyOffice).next().map(|u| u.id);
    let started = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 5, 15);
    let mut add = |m: NewPilotModel| {
        models_n += 1;
        m
    };
    let mut list = vec![add(NewPilotModel {
        kind: "binh_dan_hoc_ai".into(),
        name: "Điểm «Bình dân học AI» tại Nhà văn hóa xã".into(),
        place: "Nhà văn hóa xã".into(),
        unit_id: culture,
        criteria: "Lớp thực hành AI hằng tháng; có người hướng dẫn của Tổ công nghệ số".into(),
        status: "dang_hoat_dong".into(),
        evidence: "(dữ liệu mẫu)".into(),
        started_on: started,
        ..Default::default()
    })];
    if let Some(school) = find(UnitType::School).next() {
        list.push(add(NewPilotModel {
            kind: "binh_dan_hoc_ai".into(),
            name: format!("Câu lạc bộ AI – {}", school.name),
            place: school.name.clone(),
            unit_id: Some(school.id),
            criteria: "Học sinh thực hành công cụ AI an toàn, có giáo viên phụ trách".into(),
            status: "dang_xay_dung".into(),
            evidence: "(dữ liệu mẫu)".into(),
            started_on: started,
            ..Default::default()
        }));
    }
    if let Some(h) = find(UnitType::Hamlet).next() {
        list.push(add(NewPilotModel {
            kind: "gia_dinh_so".into(),
            name: format!("Gia đình số – {}", h.name),
            place: h.name.clone(),
            unit_id: Some(h.id),
            hamlet_id: h.hamlet_id,
            criteria: "Mọi thành viên trưởng thành có VNeID mức 2 và thanh toán số".into(),
            status: "dang_hoat_dong".into(),
            evidence: "(dữ liệu mẫu)".into(),
            started_on: started,
        }));
    }
    for m in &list {
        store.save_pilot_model(None, m).await?;
    }
    // Reports: last quarter and the one before all submitted; this quarter
    // a few drafts.
    let this = Quarter::containing(today);
    let last = this.prev();
    let mut reports = 0;
    let now = chrono::Utc::now();
    for (i, u) in units
        .iter()
        .filter(|u| u.unit_type != UnitType::DigitalTeam)
        .enumerate()
    {
        let mut numbers: BTreeMap<String, i64> = BTreeMap::new();
        for f in form_fields(u.unit_type) {
            numbers.insert(
                f.key.to_string(),
                ((i * 7 + f.key.len() * 3) % 20) as i64 + 2,
            );
        }
        if u.unit_type == UnitType::PublicServiceCentre {
            numbers.insert(APPLICATIONS_TOTAL.into(), 412);
            numbers.insert(APPLICATIONS_ONLINE.into(), 268);
            numbers.insert(PAYMENTS_TOTAL.into(), 190);
            numbers.insert(PAYMENTS_CASHLESS.into(), 77);
        }
        if let (Some(staff), Some(trained)) = (
            numbers.get("so_can_bo").copied(),
            numbers.get("can_bo_da_tap_huan").copied(),
        ) {
            numbers.insert("can_bo_da_tap_huan".into(), trained.min(staff));
        }
        for (k, v) in [("hs_co_ky_nang_so", "so_hoc_sinh")] {
            if let (Some(a), Some(b)) = (numbers.get(k).copied(), numbers.get(v).copied()) {
                numbers.insert(k.into(), a.min(b));
            }
        }
        let narrative = serde_json::json!({
            "ket_qua": format!("(dữ liệu mẫu) {} tổ chức tuyên truyền, hướng dẫn kỹ năng số cho người dân.", u.name),
            "kho_khan": if i % 4 == 0 { "(dữ liệu mẫu) Nhiều hộ chưa có điện thoại thông minh; sóng yếu ở vùng cao." } else { "" },
            "de_xuat": if i % 5 == 0 { "(dữ liệu mẫu) Đề nghị hỗ trợ thêm thiết bị cho lớp học ở nhà văn hóa xóm." } else { "" },
        });
        let nums = serde_json::to_string(&numbers).unwrap_or_else(|_| "{}".into());
        // Most a few days before the deadline; every seventh unit late.
        let day = if i % 7 == 6 {
            last.deadline() + chrono::Duration::days(3)
        } else {
            last.deadline() - chrono::Duration::days((i % 9) as i64)
        };
        let submitted_at = day.and_hms_opt(3, 0, 0).map(|t| t.and_utc()).unwrap_or(now);
        store
            .save_unit_report(
                u.id,
                &last.to_string(),
                &nums,
                &narrative.to_string(),
                None,
                true,
                submitted_at,
            )
            .await?;
        reports += 1;
        // The quarter before, smaller, so the report has something to
        // compare with.
        // (Online applications and cashless payments grew faster than the
        // totals, as the plan wants: indicators 7a and 7b are met.)
        let earlier: BTreeMap<String, i64> = numbers
            .iter()
            .map(|(k, v)| {
                let grew_faster = k == APPLICATIONS_ONLINE || k == PAYMENTS_CASHLESS;
                (k.clone(), if grew_faster { v / 2 } else { v * 2 / 3 })
            })
            .collect();
        let earlier_at = (last.prev().deadline() - chrono::Duration::days(2))
            .and_hms_opt(3, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or(now);
        store
            .save_unit_report(
                u.id,
                &last.prev().to_string(),
                &serde_json::to_string(&earlier).unwrap_or_else(|_| "{}".into()),
                &narrative.to_string(),
                None,
                true,
                earlier_at,
            )
            .await?;
        reports += 1;
        if i % 3 == 0 {
            store
                .save_unit_report(
                    u.id,
                    &this.to_string(),
                    &nums,
                    &narrative.to_string(),
                    None,
                    false,
                    now,
                )
                .await?;
        }
    }
    Ok(DemoExtras {
        passes,
        assistant_users,
        models: models_n,
        reports,
    })
}
