//! The quarterly report form of each unit type: which numbers it asks for,
//! which of them the system can prefill, and the narrative parts.

use crate::units::UnitType;

/// Where the system can find a number for a unit and quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefill {
    /// Staff listed for the unit in the registry.
    Staff,
    /// Staff who passed the officials' core courses by the quarter's end.
    StaffTrained,
    /// Residents of the unit's hamlet who passed at least one course in the quarter.
    HamletLearners,
    /// Households of the hamlet the team visited in the quarter (visits
    /// recorded in the field app).
    HouseholdsVisited,
    /// People of the hamlet guided in those visits, each once.
    PeopleGuided,
    /// The hamlet's classes in the quarter with at least one person ticked present.
    ClassesHeld,
    /// Presences at those classes.
    ClassAttendance,
}

impl Prefill {
    /// Whether the number comes from the field app's records (visits and
    /// classes), which the form links to.
    pub fn from_field_records(self) -> bool {
        matches!(
            self,
            Prefill::HouseholdsVisited
                | Prefill::PeopleGuided
                | Prefill::ClassesHeld
                | Prefill::ClassAttendance
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportField {
    pub key: &'static str,
    pub label: &'static str,
    pub prefill: Option<Prefill>,
}

const fn field(key: &'static str, label: &'static str, prefill: Option<Prefill>) -> ReportField {
    ReportField {
        key,
        label,
        prefill,
    }
}

const COMMON: [ReportField; 4] = [
    field(
        "so_can_bo",
        "Số cán bộ, nhân viên của đơn vị",
        Some(Prefill::Staff),
    ),
    field(
        "can_bo_da_tap_huan",
        "Số cán bộ, nhân viên đã được bồi dưỡng kỹ năng số cơ bản",
        Some(Prefill::StaffTrained),
    ),
    field(
        "so_buoi_tuyen_truyen",
        "Số buổi tuyên truyền, tập huấn đã tổ chức",
        None,
    ),
    field(
        "so_luot_tham_gia",
        "Số lượt người tham gia các buổi đó",
        None,
    ),
];

/// Keys of the public service centre's numbers that feed indicator 7.
pub const APPLICATIONS_TOTAL: &str = "ho_so_tiep_nhan";
pub const APPLICATIONS_ONLINE: &str = "ho_so_truc_tuyen";
pub const PAYMENTS_TOTAL: &str = "giao_dich_thu_phi";
pub const PAYMENTS_CASHLESS: &str = "thu_phi_khong_tien_mat";

/// The numbers a unit of this type reports each quarter.
pub fn form_fields(t: UnitType) -> Vec<ReportField> {
    let mut f = COMMON.to_vec();
    match t {
        UnitType::School => f.extend([
            field("so_hoc_sinh", "Số học sinh của trường", None),
            field(
                "hs_co_ky_nang_so",
                "Số học sinh đã được trang bị kỹ năng số, an toàn trên môi trường số",
                None,
            ),
        ]),
        UnitType::PublicServiceCentre => f.extend([
            field(
                APPLICATIONS_TOTAL,
                "Tổng số hồ sơ thủ tục hành chính tiếp nhận trong quý",
                None,
            ),
            field(
                APPLICATIONS_ONLINE,
                "Trong đó: số hồ sơ nộp trực tuyến",
                None,
            ),
            field(PAYMENTS_TOTAL, "Tổng số giao dịch thu phí, lệ phí", None),
            field(
                PAYMENTS_CASHLESS,
                "Trong đó: số giao dịch thanh toán không dùng tiền mặt",
                None,
            ),
        ]),
        UnitType::Hamlet | UnitType::DigitalTeam => {
            // The hamlet's classes and who came are recorded in the field app.
            for x in f.iter_mut() {
                x.prefill = match x.key {
                    "so_buoi_tuyen_truyen" => Some(Prefill::ClassesHeld),
                    "so_luot_tham_gia" => Some(Prefill::ClassAttendance),
                    _ => x.prefill,
                };
            }
            f.extend([
                field(
                    "so_ho_da_den",
                    "Số hộ được Tổ công nghệ số đến hướng dẫn tận nhà",
                    Some(Prefill::HouseholdsVisited),
                ),
                field(
                    "so_nguoi_duoc_huong_dan",
                    "Số người được hướng dẫn (VNeID, dịch vụ công, thanh toán số, AI...)",
                    Some(Prefill::PeopleGuided),
                ),
                field(
                    "so_nguoi_da_hoc",
                    "Số người trong xóm đã học đạt ít nhất một khóa học trong quý",
                    Some(Prefill::HamletLearners),
                ),
            ])
        }
        UnitType::Police => f.push(field(
            "vneid_muc_2",
            "Số người được hướng dẫn kích hoạt tài khoản định danh điện tử mức 2",
            None,
        )),
        UnitType::HealthStation => f.push(field(
            "dung_y_te_so",
            "Số người được hướng dẫn dùng dịch vụ y tế số (sổ sức khỏe điện tử, tư vấn trực tuyến)",
            None,
        )),
        _ => {}
    }
    f
}

/// Every number any unit's report asks for, each once, in form order.
pub fn all_field_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for t in UnitType::ALL {
        for f in form_fields(t) {
            if !keys.contains(&f.key) {
                keys.push(f.key);
            }
        }
    }
    keys
}

/// The label of a report's number, whatever unit type asks for it; `None`
/// for a key no form has.
pub fn field_label(key: &str) -> Option<&'static str> {
    UnitType::ALL
        .into_iter()
        .flat_map(form_fields)
        .find(|f| f.key == key)
        .map(|f| f.label)
}

/// The units' numbers that the commune's quarterly report adds up, with the
/// short heading of their column: (key, heading). The activities of the
/// movement, not the sizes of the units (staff, pupils), which are not a
/// quarter's work.
pub const COMMUNE_FIGURES: [(&str, &str); 9] = [
    ("so_buoi_tuyen_truyen", "Buổi tuyên truyền, tập huấn"),
    ("so_luot_tham_gia", "Lượt người tham gia"),
    ("so_ho_da_den", "Hộ được hướng dẫn tận nhà"),
    ("so_nguoi_duoc_huong_dan", "Người được hướng dẫn"),
    ("can_bo_da_tap_huan", "Cán bộ đã được bồi dưỡng"),
    ("vneid_muc_2", "Người được hướng dẫn VNeID mức 2"),
    (APPLICATIONS_ONLINE, "Hồ sơ nộp trực tuyến"),
    (PAYMENTS_CASHLESS, "Giao dịch không dùng tiền mặt"),
    ("dung_y_te_so", "Người được hướng dẫn dùng y tế số"),
];

/// The narrative parts of every report: (key, label).
pub const NARRATIVE: [(&str, &str); 3] = [
    ("ket_qua", "Kết quả nổi bật trong quý"),
    ("kho_khan", "Khó khăn, vướng mắc"),
    ("de_xuat", "Đề xuất, kiến nghị"),
];

/// Check numbers entered for a report: whole, not negative, and a part never
/// larger than its whole. Returns the first problem, in Vietnamese.
pub fn check_numbers(t: UnitType, get: &dyn Fn(&str) -> Option<i64>) -> Result<(), String> {
    for f in form_fields(t) {
        if let Some(v) = get(f.key) {
            if v < 0 {
                return Err(format!("«{}»: số không được âm", f.label));
            }
        }
    }
    let pairs = [
        ("can_bo_da_tap_huan", "so_can_bo"),
        ("hs_co_ky_nang_so", "so_hoc_sinh"),
        (APPLICATIONS_ONLINE, APPLICATIONS_TOTAL),
        (PAYMENTS_CASHLESS, PAYMENTS_TOTAL),
    ];
    for (part, whole) in pairs {
        if let (Some(p), Some(w)) = (get(part), get(whole)) {
            if p > w {
                let label = |k: &str| {
                    form_fields(t)
                        .into_iter()
                        .find(|f| f.key == k)
                        .map(|f| f.label)
                        .unwrap_or("")
                };
                return Err(format!(
                    "«{}» ({p}) lớn hơn «{}» ({w}): hãy kiểm tra lại",
                    label(part),
                    label(whole)
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit_type_has_the_common_numbers_and_its_own() {
        for t in UnitType::ALL {
            let f = form_fields(t);
            assert!(f.iter().any(|f| f.key == "so_can_bo"));
            let mut keys: Vec<_> = f.iter().map(|f| f.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), f.len(), "{t:?} has a duplicate field");
        }
        assert!(form_fields(UnitType::PublicServiceCentre)
            .iter()
            .any(|f| f.key == APPLICATIONS_ONLINE));
    }

    #[test]
    fn the_commune_adds_up_numbers_the_forms_ask_for() {
        for (key, _) in COMMUNE_FIGURES {
            assert!(field_label(key).is_some(), "{key} is on no form");
        }
        assert_eq!(
            field_label("so_can_bo"),
            Some("Số cán bộ, nhân viên của đơn vị")
        );
        assert_eq!(field_label("khong_co"), None);
        assert!(all_field_keys().contains(&"vneid_muc_2"));
    }

    #[test]
    fn parts_cannot_exceed_wholes() {
        let nums = |k: &str| match k {
            APPLICATIONS_TOTAL => Some(100),
            APPLICATIONS_ONLINE => Some(120),
            _ => None,
        };
        let e = check_numbers(UnitType::PublicServiceCentre, &nums).unwrap_err();
        assert!(e.contains("trực tuyến") && e.contains("120"), "{e}");
        assert!(check_numbers(UnitType::PublicServiceCentre, &|_| Some(5)).is_ok());
        assert!(check_numbers(UnitType::School, &|_| Some(-1)).is_err());
    }
}
