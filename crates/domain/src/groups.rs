//! Target groups of the plan (section III.2 of the seed): officials,
//! students, elderly, farming/business households, ethnic minorities, adults.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TargetGroup {
    /// Cán bộ, công chức, viên chức: staff of a commune unit.
    Officials,
    /// Học sinh từ bậc tiểu học trở lên.
    Students,
    /// Người cao tuổi: 60 and over (Law on the Elderly 2009, art. 2).
    Elderly,
    /// Hộ sản xuất, kinh doanh: members of a farming or business household.
    FarmBusiness,
    /// Đồng bào dân tộc thiểu số: every ethnic group but Kinh.
    EthnicMinority,
    /// Người dân trưởng thành: 18 and over (Civil Code 2015, art. 20).
    Adults,
}

/// How a resident came to be in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Membership {
    /// Computed from age, ethnicity, unit staff lists or household type.
    Derived,
    /// Set by hand by an official (or a spreadsheet column).
    Manual,
}

pub const ELDERLY_AGE: i32 = 60;
pub const ADULT_AGE: i32 = 18;

impl TargetGroup {
    pub const ALL: [TargetGroup; 6] = [
        TargetGroup::Officials,
        TargetGroup::Students,
        TargetGroup::Elderly,
        TargetGroup::FarmBusiness,
        TargetGroup::EthnicMinority,
        TargetGroup::Adults,
    ];

    /// Stable code used in the database, URLs and spreadsheets.
    pub fn code(self) -> &'static str {
        match self {
            TargetGroup::Officials => "can_bo",
            TargetGroup::Students => "hoc_sinh",
            TargetGroup::Elderly => "nguoi_cao_tuoi",
            TargetGroup::FarmBusiness => "ho_sxkd",
            TargetGroup::EthnicMinority => "dan_toc_thieu_so",
            TargetGroup::Adults => "nguoi_truong_thanh",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            TargetGroup::Officials => "Cán bộ, công chức, viên chức",
            TargetGroup::Students => "Học sinh",
            TargetGroup::Elderly => "Người cao tuổi",
            TargetGroup::FarmBusiness => "Hộ sản xuất, kinh doanh",
            TargetGroup::EthnicMinority => "Đồng bào dân tộc thiểu số",
            TargetGroup::Adults => "Người trưởng thành",
        }
    }

    /// Recognise a group from what an official writes in a spreadsheet cell.
    pub fn parse_label(raw: &str) -> Option<Self> {
        let k = vntext::fold(raw);
        let k = k.trim();
        if let Some(g) = Self::from_code(k) {
            return Some(g);
        }
        if k.contains("can bo") || k.contains("cong chuc") || k.contains("vien chuc") || k == "cbcc"
        {
            Some(TargetGroup::Officials)
        } else if k.contains("hoc sinh") || k == "hs" {
            Some(TargetGroup::Students)
        } else if k.contains("cao tuoi") || k == "nct" {
            Some(TargetGroup::Elderly)
        } else if k.contains("san xuat") || k.contains("kinh doanh") || k.contains("sxkd") {
            Some(TargetGroup::FarmBusiness)
        } else if k.contains("thieu so") || k == "dtts" {
            Some(TargetGroup::EthnicMinority)
        } else if k.contains("truong thanh") {
            Some(TargetGroup::Adults)
        } else {
            None
        }
    }
}

/// Facts from which groups are derived.
#[derive(Debug, Clone, Default)]
pub struct GroupFacts {
    pub age: Option<i32>,
    pub ethnic_minority: bool,
    pub unit_staff: bool,
    pub farm_business_household: bool,
}

/// Groups that follow from the data alone. Students are not derived from
/// age (a child of school age may not attend school): they come from a school's
/// list, a spreadsheet column or a manual mark.
pub fn derive_groups(f: &GroupFacts) -> Vec<TargetGroup> {
    let mut out = Vec::new();
    if f.unit_staff {
        out.push(TargetGroup::Officials);
    }
    if let Some(age) = f.age {
        if age >= ELDERLY_AGE {
            out.push(TargetGroup::Elderly);
        }
    }
    if f.farm_business_household && f.age.is_none_or(|a| a >= ADULT_AGE) {
        out.push(TargetGroup::FarmBusiness);
    }
    if f.ethnic_minority {
        out.push(TargetGroup::EthnicMinority);
    }
    if let Some(age) = f.age {
        if age >= ADULT_AGE {
            out.push(TargetGroup::Adults);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for g in TargetGroup::ALL {
            assert_eq!(TargetGroup::from_code(g.code()), Some(g));
            assert_eq!(TargetGroup::parse_label(g.label()), Some(g));
        }
        assert_eq!(
            TargetGroup::parse_label("hoc sinh"),
            Some(TargetGroup::Students)
        );
        assert_eq!(TargetGroup::parse_label("xyz"), None);
    }

    #[test]
    fn derivation() {
        let old = derive_groups(&GroupFacts {
            age: Some(72),
            ethnic_minority: true,
            ..Default::default()
        });
        assert_eq!(
            old,
            vec![
                TargetGroup::Elderly,
                TargetGroup::EthnicMinority,
                TargetGroup::Adults
            ]
        );
        let child = derive_groups(&GroupFacts {
            age: Some(9),
            farm_business_household: true,
            ..Default::default()
        });
        assert!(child.is_empty());
        let official = derive_groups(&GroupFacts {
            age: Some(35),
            unit_staff: true,
            farm_business_household: true,
            ..Default::default()
        });
        assert_eq!(
            official,
            vec![
                TargetGroup::Officials,
                TargetGroup::FarmBusiness,
                TargetGroup::Adults
            ]
        );
        assert_eq!(
            derive_groups(&GroupFacts {
                age: Some(60),
                ..Default::default()
            })[0],
            TargetGroup::Elderly
        );
        assert_eq!(
            derive_groups(&GroupFacts {
                age: Some(17),
                ..Default::default()
            }),
            vec![]
        );
    }
}
