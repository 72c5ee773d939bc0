//! Units of the commune (section V of the seed) and their types.

use crate::Id;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitType {
    /// Phòng Văn hóa – Xã hội: owns the plan, receives the reports.
    CultureSocietyOffice,
    /// Văn phòng HĐND và UBND xã.
    PeoplesCommitteeOffice,
    /// Phòng Kinh tế.
    EconomicOffice,
    /// Trung tâm Phục vụ hành chính công xã.
    PublicServiceCentre,
    /// Trung tâm Dịch vụ tổng hợp xã.
    GeneralServicesCentre,
    /// Công an xã.
    Police,
    /// Trường học (mầm non, tiểu học, THCS...).
    School,
    /// Trạm Y tế xã.
    HealthStation,
    /// Ủy ban MTTQ Việt Nam xã and the mass organisations.
    MassOrganisation,
    /// A hamlet (xóm) as a reporting unit.
    Hamlet,
    /// Tổ công nghệ số cộng đồng: one per hamlet.
    DigitalTeam,
}

impl UnitType {
    pub const ALL: [UnitType; 11] = [
        UnitType::CultureSocietyOffice,
        UnitType::PeoplesCommitteeOffice,
        UnitType::EconomicOffice,
        UnitType::PublicServiceCentre,
        UnitType::GeneralServicesCentre,
        UnitType::Police,
        UnitType::School,
        UnitType::HealthStation,
        UnitType::MassOrganisation,
        UnitType::Hamlet,
        UnitType::DigitalTeam,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitType::CultureSocietyOffice => "phong_vhxh",
            UnitType::PeoplesCommitteeOffice => "van_phong",
            UnitType::EconomicOffice => "phong_kinh_te",
            UnitType::PublicServiceCentre => "tt_phuc_vu_hcc",
            UnitType::GeneralServicesCentre => "tt_dich_vu_th",
            UnitType::Police => "cong_an",
            UnitType::School => "truong_hoc",
            UnitType::HealthStation => "tram_y_te",
            UnitType::MassOrganisation => "doan_the",
            UnitType::Hamlet => "xom",
            UnitType::DigitalTeam => "to_cnscd",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitType::CultureSocietyOffice => "Phòng Văn hóa – Xã hội",
            UnitType::PeoplesCommitteeOffice => "Văn phòng HĐND và UBND",
            UnitType::EconomicOffice => "Phòng Kinh tế",
            UnitType::PublicServiceCentre => "Trung tâm Phục vụ hành chính công",
            UnitType::GeneralServicesCentre => "Trung tâm Dịch vụ tổng hợp",
            UnitType::Police => "Công an xã",
            UnitType::School => "Trường học",
            UnitType::HealthStation => "Trạm Y tế",
            UnitType::MassOrganisation => "Mặt trận Tổ quốc và đoàn thể",
            UnitType::Hamlet => "Xóm",
            UnitType::DigitalTeam => "Tổ công nghệ số cộng đồng",
        }
    }

    /// The commune's own bodies, whose cán bộ and công chức the plan's first
    /// target counts: its offices and centres, the Fatherland Front and the
    /// mass organisations. Not schools, the health station or the police
    /// (their staff are counted elsewhere), nor hamlets and their teams.
    pub fn is_commune_body(self) -> bool {
        matches!(
            self,
            UnitType::CultureSocietyOffice
                | UnitType::PeoplesCommitteeOffice
                | UnitType::EconomicOffice
                | UnitType::PublicServiceCentre
                | UnitType::GeneralServicesCentre
                | UnitType::MassOrganisation
        )
    }

    /// Whether the unit's staff are officials (cán bộ, công chức, viên chức)
    /// for the "officials" target group.
    pub fn staff_are_officials(self) -> bool {
        !matches!(
            self,
            UnitType::Hamlet | UnitType::DigitalTeam | UnitType::MassOrganisation
        )
    }
}

/// What a member is in their unit (the plan counts "cán bộ, công chức" of the
/// commune's own bodies for its first target, not teachers, health staff or
/// police).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberCategory {
    /// Cán bộ (elected or appointed leadership: Party, HĐND, UBND, MTTQ, đoàn thể).
    CanBo,
    /// Công chức cấp xã.
    CongChuc,
    /// Viên chức (public service units: school, health station, centres).
    VienChuc,
    /// Người hoạt động không chuyên trách.
    KhongChuyenTrach,
    /// Giáo viên.
    GiaoVien,
    /// Thành viên Tổ công nghệ số cộng đồng.
    ThanhVienTo,
    Khac,
}

impl MemberCategory {
    pub const ALL: [MemberCategory; 7] = [
        Self::CanBo,
        Self::CongChuc,
        Self::VienChuc,
        Self::KhongChuyenTrach,
        Self::GiaoVien,
        Self::ThanhVienTo,
        Self::Khac,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::CanBo => "can_bo",
            Self::CongChuc => "cong_chuc",
            Self::VienChuc => "vien_chuc",
            Self::KhongChuyenTrach => "khong_chuyen_trach",
            Self::GiaoVien => "giao_vien",
            Self::ThanhVienTo => "thanh_vien_to",
            Self::Khac => "khac",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CanBo => "Cán bộ",
            Self::CongChuc => "Công chức",
            Self::VienChuc => "Viên chức",
            Self::KhongChuyenTrach => "Người hoạt động không chuyên trách",
            Self::GiaoVien => "Giáo viên",
            Self::ThanhVienTo => "Thành viên tổ",
            Self::Khac => "Khác",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Recognise a category as a staff list writes it ("Công chức", "cong
    /// chuc", "CC", "Không chuyên trách", "GV"...), or by its code: case and
    /// diacritics do not matter.
    pub fn parse_label(raw: &str) -> Option<Self> {
        let k: String = vntext::fold(raw)
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let k = k.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(c) = Self::from_code(&k.replace(' ', "_")) {
            return Some(c);
        }
        Some(match k.as_str() {
            "cb" | "can bo" | "can bo xa" | "can bo chuyen trach" => Self::CanBo,
            "cc" | "cong chuc" | "cong chuc xa" | "cong chuc cap xa" => Self::CongChuc,
            "vc" | "vien chuc" => Self::VienChuc,
            "kct"
            | "khong chuyen trach"
            | "nguoi hoat dong khong chuyen trach"
            | "hoat dong khong chuyen trach"
            | "can bo khong chuyen trach" => Self::KhongChuyenTrach,
            "gv" | "giao vien" | "giao vien nhan vien" => Self::GiaoVien,
            "tv"
            | "thanh vien to"
            | "thanh vien"
            | "thanh vien to cong nghe so"
            | "thanh vien to cong nghe so cong dong"
            | "to cnscd" => Self::ThanhVienTo,
            "khac" | "nhan vien" | "hop dong" => Self::Khac,
            _ => return None,
        })
    }

    /// The category a member gets when none is given: team members are
    /// members of the team; elsewhere "khác" until the office says more.
    pub fn default_for(unit: UnitType) -> Self {
        match unit {
            UnitType::DigitalTeam => Self::ThanhVienTo,
            UnitType::School => Self::GiaoVien,
            _ => Self::Khac,
        }
    }

    /// Counted by the plan's first target (II.2: "100% cán bộ, công chức
    /// xã"): a cán bộ or công chức of one of the commune's own bodies.
    pub fn is_commune_official_in(self, unit: UnitType) -> bool {
        self.is_official() && unit.is_commune_body()
    }

    /// Cán bộ or công chức (not viên chức, teachers or part-time workers).
    pub fn is_official(self) -> bool {
        matches!(self, Self::CanBo | Self::CongChuc)
    }
}

/// The level of a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SchoolLevel {
    MamNon,
    TieuHoc,
    Thcs,
    LienCap,
}

impl SchoolLevel {
    pub const ALL: [SchoolLevel; 4] = [Self::MamNon, Self::TieuHoc, Self::Thcs, Self::LienCap];

    pub fn code(self) -> &'static str {
        match self {
            Self::MamNon => "mam_non",
            Self::TieuHoc => "tieu_hoc",
            Self::Thcs => "thcs",
            Self::LienCap => "lien_cap",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::MamNon => "Mầm non",
            Self::TieuHoc => "Tiểu học",
            Self::Thcs => "Trung học cơ sở",
            Self::LienCap => "Liên cấp",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The grades a school of this level teaches (0: kindergarten).
    pub fn grades(self) -> std::ops::RangeInclusive<i32> {
        match self {
            Self::MamNon => 0..=0,
            Self::TieuHoc => 1..=5,
            Self::Thcs => 6..=9,
            Self::LienCap => 1..=9,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: Id,
    pub name: String,
    pub unit_type: UnitType,
    /// Set for hamlets and community digital teams.
    pub hamlet_id: Option<Id>,
    /// A deactivated unit keeps its members and reports but is no longer
    /// asked to report or counted.
    pub active: bool,
    /// Set for schools.
    pub school_level: Option<SchoolLevel>,
    /// The day it was created, when known (units of older versions: unknown).
    pub created_on: Option<chrono::NaiveDate>,
}

impl Unit {
    /// Whether the unit owes a report for the quarter: it is active and
    /// existed before the quarter ended (a unit created today is not late for
    /// quarters that ended before it existed).
    pub fn reports_for(&self, quarter: crate::Quarter) -> bool {
        self.active && self.created_on.is_none_or(|d| d <= quarter.last_day())
    }
}

/// One person of a staff list to put into a unit (storage adds them with `Store::add_members`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub unit_id: i64,
    pub resident_id: i64,
    pub position: String,
    pub category: MemberCategory,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_type_codes() {
        for t in UnitType::ALL {
            assert_eq!(UnitType::from_code(t.code()), Some(t));
        }
        assert!(UnitType::School.staff_are_officials());
        assert!(!UnitType::DigitalTeam.staff_are_officials());
        for c in MemberCategory::ALL {
            assert_eq!(MemberCategory::from_code(c.code()), Some(c));
        }
        for l in SchoolLevel::ALL {
            assert_eq!(SchoolLevel::from_code(l.code()), Some(l));
        }
    }

    #[test]
    fn a_new_unit_owes_no_report_for_quarters_before_it_existed() {
        let q3 = crate::Quarter::new(2026, 3).unwrap();
        let mut u = Unit {
            id: 1,
            name: "Trường Tiểu học Dân Tiến".into(),
            unit_type: UnitType::School,
            hamlet_id: None,
            active: true,
            school_level: Some(SchoolLevel::TieuHoc),
            created_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 6),
        };
        assert!(!u.reports_for(q3));
        assert!(u.reports_for(q3.next()));
        u.created_on = chrono::NaiveDate::from_ymd_opt(2026, 9, 30);
        assert!(u.reports_for(q3));
        u.created_on = None;
        assert!(u.reports_for(q3));
        u.active = false;
        assert!(!u.reports_for(q3.next()));
    }

    #[test]
    fn member_categories_as_staff_lists_write_them() {
        use MemberCategory::*;
        for c in MemberCategory::ALL {
            assert_eq!(MemberCategory::parse_label(c.label()), Some(c));
            assert_eq!(MemberCategory::parse_label(c.code()), Some(c));
        }
        assert_eq!(MemberCategory::parse_label("CÔNG CHỨC"), Some(CongChuc));
        assert_eq!(MemberCategory::parse_label(" cong  chuc "), Some(CongChuc));
        assert_eq!(MemberCategory::parse_label("Cán bộ"), Some(CanBo));
        assert_eq!(
            MemberCategory::parse_label("Người hoạt động không chuyên trách"),
            Some(KhongChuyenTrach)
        );
        assert_eq!(
            MemberCategory::parse_label("khong_chuyen_trach"),
            Some(KhongChuyenTrach)
        );
        assert_eq!(MemberCategory::parse_label("GV"), Some(GiaoVien));
        assert_eq!(
            MemberCategory::parse_label("Thành viên tổ"),
            Some(ThanhVienTo)
        );
        assert_eq!(MemberCategory::parse_label("phi hành gia"), None);
        assert_eq!(MemberCategory::parse_label(""), None);
    }

    #[test]
    fn the_first_target_counts_officials_of_the_communes_own_bodies() {
        use MemberCategory::*;
        assert!(CongChuc.is_commune_official_in(UnitType::PeoplesCommitteeOffice));
        assert!(CanBo.is_commune_official_in(UnitType::MassOrganisation));
        assert!(!VienChuc.is_commune_official_in(UnitType::PublicServiceCentre));
        assert!(!CongChuc.is_commune_official_in(UnitType::School));
        assert!(!CongChuc.is_commune_official_in(UnitType::Police));
        assert!(!CongChuc.is_commune_official_in(UnitType::HealthStation));
        assert!(!ThanhVienTo.is_commune_official_in(UnitType::DigitalTeam));
    }
}
