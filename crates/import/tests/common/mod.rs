//! Shared data of the integration tests: the residents of the fixtures.
#![allow(dead_code)]
#![allow(clippy::unwrap_used)] // tests may unwrap

use chrono::NaiveDate;
use hocvuso_domain::{BirthDate, CitizenId, NewResident, PhoneNumber, Sex, TargetGroup};
use hocvuso_import::{HouseholdKey, ValidationContext};

pub const KHUON_LANG: i64 = 1;
pub const NA_MAY: i64 = 2;

pub fn ctx() -> ValidationContext {
    ValidationContext {
        today: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        hamlets: vec![
            (KHUON_LANG, "Xóm Khuôn Lặng".to_string()),
            (NA_MAY, "Xóm Na Mấy".to_string()),
            (3, "Xóm Làng Đèn".to_string()),
        ],
    }
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn date(d: u32, m: u32, y: i32) -> Option<BirthDate> {
    Some(BirthDate::Full(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
}

pub fn year(y: i32) -> Option<BirthDate> {
    Some(BirthDate::Year(y))
}

#[allow(clippy::too_many_arguments)]
pub fn person(
    name: &str,
    birth: Option<BirthDate>,
    sex: Sex,
    ethnicity: &str,
    cccd: &str,
    phone: &str,
    relation: &str,
    groups: &[TargetGroup],
    notes: &str,
) -> NewResident {
    NewResident {
        full_name: name.to_string(),
        sex: Some(sex),
        birth,
        ethnicity: ethnicity.to_string(),
        phone: (!phone.is_empty()).then(|| PhoneNumber::parse(phone).unwrap()),
        citizen_id: (!cccd.is_empty()).then(|| CitizenId::parse(cccd).unwrap()),
        relation: relation.to_string(),
        notes: notes.to_string(),
        manual_groups: groups.to_vec(),
    }
}

/// The ten residents every fixture holds: (hamlet, household, resident).
pub fn expected() -> Vec<(i64, HouseholdKey, NewResident)> {
    use Sex::{Female as F, Male as M};
    let hs = [TargetGroup::Students];
    let head = |s: &str| HouseholdKey::Head(s.to_string());
    vec![
        (
            KHUON_LANG,
            head("Nguyễn Văn An"),
            person(
                "Nguyễn Văn An",
                date(5, 3, 1962),
                M,
                "Tày",
                "019062012345",
                "0912345678",
                "Chủ hộ",
                &[],
                "",
            ),
        ),
        (
            KHUON_LANG,
            head("Nguyễn Văn An"),
            person(
                "Hoàng Thị Ánh",
                year(1965),
                F,
                "Tày",
                "019165001234",
                "",
                "Vợ",
                &[],
                "",
            ),
        ),
        (
            KHUON_LANG,
            head("Nguyễn Văn An"),
            person(
                "Nguyễn Văn Bình",
                date(12, 8, 2008),
                M,
                "Tày",
                "",
                "",
                "Con",
                &hs,
                "",
            ),
        ),
        (
            KHUON_LANG,
            head("Nguyễn Văn An"),
            person(
                "Nguyễn Thị Cúc",
                year(2012),
                F,
                "Tày",
                "",
                "",
                "Con",
                &hs,
                "",
            ),
        ),
        (
            KHUON_LANG,
            head("Đặng Văn Hùng"),
            person(
                "Đặng Văn Hùng",
                date(20, 11, 1948),
                M,
                "Dao",
                "019048000111",
                "",
                "Chủ hộ",
                &[],
                "Thương binh",
            ),
        ),
        (
            KHUON_LANG,
            head("Đặng Văn Hùng"),
            person("Lý Thị Mười", year(1950), F, "Dao", "", "", "Vợ", &[], ""),
        ),
        (
            NA_MAY,
            head("Triệu Văn Dũng"),
            person(
                "Triệu Văn Dũng",
                year(1980),
                M,
                "Dao",
                "",
                "0987654321",
                "Chủ hộ",
                &[],
                "",
            ),
        ),
        (
            NA_MAY,
            head("Triệu Văn Dũng"),
            person("Bàn Thị Hương", year(1983), F, "Dao", "", "", "Vợ", &[], ""),
        ),
        (
            NA_MAY,
            head("Ma Văn Tuấn"),
            person(
                "Ma Văn Tuấn",
                year(1975),
                M,
                "Nùng",
                "019075009876",
                "0356789012",
                "Chủ hộ",
                &[],
                "",
            ),
        ),
        (
            NA_MAY,
            head("Ma Văn Tuấn"),
            person(
                "Lường Thị Yến",
                date(1, 6, 2001),
                F,
                "Nùng",
                "019301004567",
                "",
                "Con",
                &[],
                "",
            ),
        ),
    ]
}

/// A sheet from string rows.
pub fn sheet(rows: &[&[&str]]) -> hocvuso_import::SheetData {
    hocvuso_import::SheetData {
        name: "Test".to_string(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    }
}
