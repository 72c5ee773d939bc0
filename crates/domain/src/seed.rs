//! A whole commune to load at once: hamlets, households with their members,
//! and units with their staff and students, referring to each other by
//! position. The demo generator (`hocvuso_demo`) makes one; storage loads
//! one in a transaction (`Store::load_demo`) without knowing who made it.

use crate::{MemberCategory, NewResident, SchoolLevel, UnitType};

/// A hamlet (xóm), by name ("Xóm Khuôn Lặng").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedHamlet {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedHousehold {
    /// Index into [`SeedCommune::hamlets`].
    pub hamlet: usize,
    /// Household code, e.g. `KL-0123`: the hamlet's initials and a number
    /// unique in the commune.
    pub code: String,
    pub farm_business: bool,
    /// "Xóm Khuôn Lặng, xã Dân Tiến, tỉnh Thái Nguyên".
    pub address: String,
    /// The first member is the head of household (relation `Chủ hộ`).
    pub members: Vec<NewResident>,
}

/// A resident, by position: `households[household].members[member]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberRef {
    pub household: usize,
    pub member: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUnit {
    pub name: String,
    pub unit_type: UnitType,
    /// Set for hamlets and community digital teams.
    pub hamlet: Option<usize>,
    /// Residents working in the unit; for a hamlet, its head (trưởng xóm).
    pub staff: Vec<MemberRef>,
    pub head_count_note: String,
    /// Set for a school.
    pub school_level: Option<SchoolLevel>,
    /// A school's class lists.
    pub students: Vec<SeedStudent>,
}

/// A student on a school's class list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedStudent {
    pub at: MemberRef,
    pub grade: i32,
    /// "3A", "3B".
    pub class_name: String,
}

impl SeedUnit {
    /// What the listed staff are in their unit: the offices' staff are
    /// công chức, the mass organisations' leaders cán bộ, teachers and
    /// health staff are counted as such, and team members as team members.
    pub fn staff_category(&self) -> MemberCategory {
        match self.unit_type {
            UnitType::MassOrganisation => MemberCategory::CanBo,
            t if t.is_commune_body() => MemberCategory::CongChuc,
            UnitType::HealthStation => MemberCategory::VienChuc,
            UnitType::Hamlet => MemberCategory::KhongChuyenTrach,
            t => MemberCategory::default_for(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCommune {
    pub name: String,
    pub province: String,
    pub hamlets: Vec<SeedHamlet>,
    pub households: Vec<SeedHousehold>,
    pub units: Vec<SeedUnit>,
}

impl SeedCommune {
    pub fn resident_count(&self) -> usize {
        self.households.iter().map(|h| h.members.len()).sum()
    }

    pub fn member(&self, at: MemberRef) -> Option<&NewResident> {
        self.households.get(at.household)?.members.get(at.member)
    }

    /// Every resident with its position.
    pub fn residents(&self) -> impl Iterator<Item = (MemberRef, &NewResident)> + '_ {
        self.households.iter().enumerate().flat_map(|(h, hh)| {
            hh.members.iter().enumerate().map(move |(m, r)| {
                (
                    MemberRef {
                        household: h,
                        member: m,
                    },
                    r,
                )
            })
        })
    }
}
