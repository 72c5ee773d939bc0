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

    /// Whether the unit's staff are officials (cán bộ, công chức, viên chức)
    /// for the "officials" target group.
    pub fn staff_are_officials(self) -> bool {
        !matches!(
            self,
            UnitType::Hamlet | UnitType::DigitalTeam | UnitType::MassOrganisation
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: Id,
    pub name: String,
    pub unit_type: UnitType,
    /// Set for hamlets and community digital teams.
    pub hamlet_id: Option<Id>,
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
    }
}
