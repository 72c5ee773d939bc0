//! Deterministic synthetic data shaped like xã Dân Tiến (Thái Nguyên): a
//! commune of about 20 hamlets, 5,000 households and 20,000 residents with
//! the units of the 2026 "Bình dân học vụ số" plan, for demos and tests; and
//! a streaming generator of province-sized data for benchmarks.
//!
//! Everything here is invented. Hamlet names, school names, people, phone
//! numbers and citizen IDs are fictional (the IDs and numbers are merely
//! well-formed); the real hamlet list of xã Dân Tiến is not known to this
//! project. The same [`DemoOptions`] always give the same data.
//!
//! Shape of the data (default options):
//! - households of 1–8 people, mean about 3.9: head (`Chủ hộ`), spouse
//!   (`Vợ`/`Chồng`), children (`Con`), sometimes the head's parents
//!   (`Cha`/`Mẹ`), or a married son with his wife (`Con dâu`) and their
//!   children (`Cháu`);
//! - about a quarter under 18 and an eighth aged 60 or over;
//! - households Kinh 35 %, Tày 30 %, Nùng 15 %, Dao 10 %, H'Mông 5 %,
//!   Sán Chay 5 %, each hamlet with one dominant group;
//! - about 15 % of birth dates known by year only (mostly older people);
//! - phones for about 3 in 4 adults, citizen IDs for about 85 % of people
//!   aged 14 and over (province code 019 for most), all unique;
//! - 60 % farming or business households; `Students` marked by hand for
//!   children aged 6–17 who attend school (about 97 %), the only manual group.

mod household;
mod ids;
mod names;
mod units;

pub mod learning;

use chrono::NaiveDate;
use hocvuso_domain::{MemberCategory, NewResident, SchoolLevel, UnitType};
use household::HouseholdGen;

/// The commune, as written in addresses.
pub const COMMUNE_NAME: &str = "xã Dân Tiến";
/// The province (after the 2025 merger with Bắc Kạn).
pub const PROVINCE_NAME: &str = "Thái Nguyên";

/// A hamlet (xóm). Its name is FICTIONAL, in the style of local Tày place
/// names ("Xóm Khuôn Lặng").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHamlet {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHousehold {
    /// Index into [`DemoCommune::hamlets`].
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
pub struct DemoUnit {
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
    pub students: Vec<DemoStudent>,
}

/// A student on a school's class list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoStudent {
    pub at: MemberRef,
    pub grade: i32,
    /// "3A", "3B".
    pub class_name: String,
}

impl DemoUnit {
    /// What the demo's staff are in their unit: the offices' staff are
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
pub struct DemoCommune {
    pub name: String,
    pub province: String,
    pub hamlets: Vec<DemoHamlet>,
    pub households: Vec<DemoHousehold>,
    pub units: Vec<DemoUnit>,
}

impl DemoCommune {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    pub seed: u64,
    /// Number of hamlets (at least 1 is used).
    pub hamlets: usize,
    pub households: usize,
    /// The date ages are computed on; no one is born after it.
    pub today: NaiveDate,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            seed: 2026,
            hamlets: 20,
            households: 5_000,
            today: NaiveDate::from_ymd_opt(2026, 6, 1).expect("2026-06-01 is a valid date"),
        }
    }
}

/// `n` distinct FICTIONAL hamlets ("Xóm Khuôn Lặng", ...); the first 20 are
/// hand-picked, further ones combine common Tày place-name parts.
pub fn demo_hamlets(n: usize) -> Vec<DemoHamlet> {
    names::hamlet_base_names(n)
        .into_iter()
        .map(|base| DemoHamlet {
            name: format!("Xóm {base}"),
        })
        .collect()
}

/// The synthetic commune: same options, same data.
pub fn generate(opts: &DemoOptions) -> DemoCommune {
    let hamlets = demo_hamlets(opts.hamlets.max(1));
    let mut gen = HouseholdGen::new(opts.seed, &hamlets, opts.today);
    let sizes = gen.hamlet_sizes(opts.households);
    let mut households = Vec::with_capacity(opts.households);
    for (hamlet, &n) in sizes.iter().enumerate() {
        for _ in 0..n {
            households.push(gen.household(hamlet, household::MAX_MEMBERS));
        }
    }
    let units = units::build(opts.seed, &hamlets, &households, opts.today);
    DemoCommune {
        name: COMMUNE_NAME.to_string(),
        province: PROVINCE_NAME.to_string(),
        hamlets,
        households,
        units,
    }
}

/// Province scale for benchmarks: yields households in batches so 2 million
/// residents never sit in memory at once.
///
/// Households are generated by the same code as [`generate`], spread in
/// order over `hamlets` hamlets (named as by [`demo_hamlets`]; their
/// `hamlet` field indexes that list); `f` receives at most `batch` (≥ 1)
/// households at a time. The last household is cut short so that exactly
/// `total_residents` residents are produced; that number is returned. No
/// units are generated. The first error returned by `f` stops generation.
pub fn generate_households_batched<E>(
    seed: u64,
    hamlets: usize,
    total_residents: usize,
    batch: usize,
    today: NaiveDate,
    mut f: impl FnMut(&[DemoHousehold]) -> Result<(), E>,
) -> Result<usize, E> {
    let hamlet_count = hamlets.max(1);
    let names = demo_hamlets(hamlet_count);
    let mut gen = HouseholdGen::new(seed, &names, today);
    let batch = batch.max(1);
    let mut buf = Vec::with_capacity(batch.min(1 << 16));
    let mut produced = 0usize;
    while produced < total_residents {
        let hamlet = ((produced as u128 * hamlet_count as u128) / total_residents as u128) as usize;
        let hh = gen.household(hamlet, total_residents - produced);
        produced += hh.members.len();
        buf.push(hh);
        if buf.len() >= batch {
            f(&buf)?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        f(&buf)?;
    }
    Ok(produced)
}
