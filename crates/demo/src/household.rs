//! The household generator shared by [`crate::generate`] and
//! [`crate::generate_households_batched`].

use crate::ids::IdIssuer;
use crate::names::{self, Ethnic};
use crate::{DemoHamlet, DemoHousehold, COMMUNE_NAME, PROVINCE_NAME};
use chrono::{Datelike, Months, NaiveDate};
use hocvuso_domain::{BirthDate, NewResident, Sex, TargetGroup};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Household books of the commune hold at most this many people here.
pub(crate) const MAX_MEMBERS: usize = 8;

/// Share of a hamlet's households that belong to its dominant group; the
/// rest follow the commune-wide mix.
const DOMINANT_SHARE: f64 = 0.6;
const FARM_BUSINESS_SHARE: f64 = 0.6;

/// Age bands of heads of household (inclusive) and their weights.
const HEAD_AGES: [((i32, i32), u32); 7] = [
    ((21, 29), 8),
    ((30, 39), 21),
    ((40, 49), 24),
    ((50, 59), 21),
    ((60, 69), 12),
    ((70, 79), 5),
    ((80, 92), 2),
];

struct HamletInfo {
    address: String,
    initials: String,
    dominant: Ethnic,
}

/// A person before names, dates and numbers are drawn.
struct Draft {
    family: &'static str,
    ethnic: Ethnic,
    male: bool,
    age: i32,
    relation: &'static str,
    /// Married into the family: birth possibly registered in another province.
    married_in: bool,
}

pub(crate) struct HouseholdGen {
    rng: ChaCha8Rng,
    today: NaiveDate,
    hamlets: Vec<HamletInfo>,
    ids: IdIssuer,
    next_code: usize,
}

impl HouseholdGen {
    pub(crate) fn new(seed: u64, hamlets: &[DemoHamlet], today: NaiveDate) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let ids = IdIssuer::new(&mut rng);
        let hamlets = hamlets
            .iter()
            .enumerate()
            .map(|(i, h)| HamletInfo {
                address: format!("{}, {}, tỉnh {}", h.name, COMMUNE_NAME, PROVINCE_NAME),
                initials: names::initials(h.name.strip_prefix("Xóm ").unwrap_or(&h.name)),
                dominant: names::dominant_group(i),
            })
            .collect();
        Self {
            rng,
            today,
            hamlets,
            ids,
            next_code: 1,
        }
    }

    /// Split `households` over the hamlets, sizes varying ±40 %.
    pub(crate) fn hamlet_sizes(&mut self, households: usize) -> Vec<usize> {
        let n = self.hamlets.len().max(1);
        let weights: Vec<f64> = (0..n).map(|_| self.rng.gen_range(0.6..1.4)).collect();
        let total: f64 = weights.iter().sum();
        let exact: Vec<f64> = weights
            .iter()
            .map(|w| w / total * households as f64)
            .collect();
        let mut sizes: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
        let mut rest = households - sizes.iter().sum::<usize>();
        // Largest remainders first; ties by index, deterministic.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let ra = exact[a] - exact[a].floor();
            let rb = exact[b] - exact[b].floor();
            rb.total_cmp(&ra).then(a.cmp(&b))
        });
        for i in order {
            if rest == 0 {
                break;
            }
            sizes[i] += 1;
            rest -= 1;
        }
        sizes
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    fn household_ethnic(&mut self, hamlet: usize) -> Ethnic {
        let dominant = self.hamlets[hamlet].dominant;
        if self.chance(DOMINANT_SHARE) {
            dominant
        } else {
            self.base_ethnic()
        }
    }

    fn base_ethnic(&mut self) -> Ethnic {
        let table: [(Ethnic, u32); 6] = Ethnic::ALL.map(|e| (e, e.base_weight()));
        names::weighted(&mut self.rng, &table)
    }

    /// Spouses mostly share the household's group.
    fn spouse_ethnic(&mut self, own: Ethnic, hamlet: usize) -> Ethnic {
        if self.chance(0.85) {
            own
        } else {
            self.household_ethnic(hamlet)
        }
    }

    /// One household in `hamlet` with at most `max_members` (≥ 1) people.
    pub(crate) fn household(&mut self, hamlet: usize, max_members: usize) -> DemoHousehold {
        let hamlet = hamlet.min(self.hamlets.len().saturating_sub(1));
        let drafts = self.family(hamlet);
        let limit = max_members.clamp(1, MAX_MEMBERS);
        let members: Vec<NewResident> = drafts
            .iter()
            .take(limit)
            .map(|d| self.resident(d))
            .collect();
        let farm_business = self.chance(FARM_BUSINESS_SHARE);
        let info = &self.hamlets[hamlet];
        let code = format!("{}-{:04}", info.initials, self.next_code);
        self.next_code += 1;
        DemoHousehold {
            hamlet,
            code,
            farm_business,
            address: info.address.clone(),
            members,
        }
    }

    /// Head, spouse, the head's parents, children (one married son with his
    /// wife), grandchildren, in that order.
    fn family(&mut self, hamlet: usize) -> Vec<Draft> {
        let ethnic = self.household_ethnic(hamlet);
        let head_age = {
            let ((lo, hi), _) = names::weighted(&mut self.rng, &HEAD_AGES.map(|b| (b, b.1)));
            self.rng.gen_range(lo..=hi)
        };
        let head_male = self.chance(0.8);
        let head_family = names::family_name(&mut self.rng, ethnic);
        let mut out = vec![Draft {
            family: head_family,
            ethnic,
            male: head_male,
            age: head_age,
            relation: "Chủ hộ",
            married_in: false,
        }];

        // Spouse.
        let spouse_p = if head_male {
            match head_age {
                ..=29 => 0.8,
                30..=59 => 0.9,
                60..=69 => 0.8,
                _ => 0.55,
            }
        } else {
            0.2
        };
        let mut spouse_age = None;
        let mut husband: Option<(&'static str, Ethnic)> = None;
        if self.chance(spouse_p) {
            let s_ethnic = self.spouse_ethnic(ethnic, hamlet);
            let s_family = names::family_name(&mut self.rng, s_ethnic);
            let age = if head_male {
                if self.chance(0.1) {
                    head_age + self.rng.gen_range(1..=3)
                } else {
                    (head_age - self.rng.gen_range(0..=6)).max(18)
                }
            } else {
                head_age + self.rng.gen_range(0..=6)
            };
            if !head_male {
                husband = Some((s_family, s_ethnic));
            }
            spouse_age = Some(age);
            out.push(Draft {
                family: s_family,
                ethnic: s_ethnic,
                male: !head_male,
                age,
                relation: if head_male { "Vợ" } else { "Chồng" },
                married_in: true,
            });
        }

        // Parents of the head, for younger heads.
        if (22..=55).contains(&head_age) && self.chance(0.25) {
            let mother_age = head_age + self.rng.gen_range(20..=32);
            let both = self.chance(0.35);
            let mother_only = !both && self.chance(0.75);
            if (both || !mother_only) && mother_age + 2 <= 95 {
                let father_age = (mother_age + self.rng.gen_range(0..=5)).min(95);
                out.push(Draft {
                    family: head_family,
                    ethnic,
                    male: true,
                    age: father_age,
                    relation: "Cha",
                    married_in: false,
                });
            }
            if (both || mother_only) && mother_age <= 95 {
                let m_ethnic = self.spouse_ethnic(ethnic, hamlet);
                let m_family = names::family_name(&mut self.rng, m_ethnic);
                out.push(Draft {
                    family: m_family,
                    ethnic: m_ethnic,
                    male: false,
                    age: mother_age,
                    relation: "Mẹ",
                    married_in: true,
                });
            }
        }

        // Children: they take the father's family name and group.
        let (child_family, child_ethnic) = if head_male {
            (head_family, ethnic)
        } else if let Some(h) = husband {
            h
        } else {
            // Widowed or single mother: the absent father's family name.
            (names::family_name(&mut self.rng, ethnic), ethnic)
        };
        let mother_age = if head_male {
            spouse_age.unwrap_or(head_age - 3)
        } else {
            head_age
        };
        let kids = self.births(mother_age, ethnic);
        let stays_p = if ethnic == Ethnic::Kinh { 0.45 } else { 0.55 };
        let married_son = if head_age >= 48 && self.chance(stays_p) {
            // Traditionally the youngest son stays with the parents.
            kids.iter().rposition(|&(male, age)| male && age >= 20)
        } else {
            None
        };
        for (i, &(male, age)) in kids.iter().enumerate() {
            if Some(i) == married_son || self.lives_at_home(age) {
                out.push(Draft {
                    family: child_family,
                    ethnic: child_ethnic,
                    male,
                    age,
                    relation: "Con",
                    married_in: false,
                });
            }
        }
        if let Some(i) = married_son {
            let son_age = kids[i].1;
            let dil_ethnic = self.spouse_ethnic(child_ethnic, hamlet);
            let dil_family = names::family_name(&mut self.rng, dil_ethnic);
            let dil_age = (son_age - self.rng.gen_range(0..=4)).max(18);
            out.push(Draft {
                family: dil_family,
                ethnic: dil_ethnic,
                male: false,
                age: dil_age,
                relation: "Con dâu",
                married_in: true,
            });
            for (male, age) in self.births(dil_age, child_ethnic) {
                if self.lives_at_home(age) {
                    out.push(Draft {
                        family: child_family,
                        ethnic: child_ethnic,
                        male,
                        age,
                        relation: "Cháu",
                        married_in: false,
                    });
                }
            }
        }
        out
    }

    /// Children born to a mother now `mother_age`: `(male, age)` oldest first.
    fn births(&mut self, mother_age: i32, ethnic: Ethnic) -> Vec<(bool, i32)> {
        let mut kids = Vec::new();
        if self.chance(0.05) {
            return kids;
        }
        let counts: &[(usize, u32)] = match ethnic {
            Ethnic::Kinh => &[(1, 20), (2, 55), (3, 20), (4, 5)],
            Ethnic::Tay | Ethnic::Nung | Ethnic::SanChay => &[(1, 15), (2, 55), (3, 25), (4, 5)],
            Ethnic::Dao => &[(2, 35), (3, 40), (4, 20), (5, 5)],
            Ethnic::Hmong => &[(2, 15), (3, 30), (4, 30), (5, 15), (6, 10)],
        };
        let mut n = names::weighted(&mut self.rng, counts);
        // Older cohorts had more children.
        let mother_birth_year = self.today.year() - mother_age;
        if mother_birth_year < 1965 && self.chance(0.6) {
            n += 1;
        }
        if mother_birth_year < 1975 && self.chance(0.3) {
            n += 1;
        }
        let (lo, hi) = match ethnic {
            Ethnic::Kinh => (21, 27),
            Ethnic::Tay | Ethnic::Nung | Ethnic::SanChay => (20, 26),
            Ethnic::Dao => (19, 24),
            Ethnic::Hmong => (18, 22),
        };
        let mut at = self.rng.gen_range(lo..=hi);
        for _ in 0..n {
            if at > 42 || at > mother_age {
                break;
            }
            kids.push((self.chance(0.515), mother_age - at));
            at += self.rng.gen_range(2..=4);
        }
        kids
    }

    /// Whether a child of this age still lives in the parents' household.
    fn lives_at_home(&mut self, age: i32) -> bool {
        let p = match age {
            ..=17 => 0.99,
            18..=24 => 0.8,
            25..=34 => 0.4,
            _ => 0.1,
        };
        self.chance(p)
    }

    fn resident(&mut self, d: &Draft) -> NewResident {
        let sex = if d.male { Sex::Male } else { Sex::Female };
        let date = self.birth_date(d.age);
        let year = date.year();
        let year_only_p = match year {
            ..=1949 => 0.75,
            1950..=1964 => 0.5,
            1965..=1979 => 0.3,
            1980..=1994 => 0.12,
            _ => 0.02,
        };
        // Children's records come from birth certificates: full dates.
        let birth = if d.age >= 18 && self.chance(year_only_p) {
            BirthDate::Year(year)
        } else {
            BirthDate::Full(date)
        };
        let full_name = names::full_name(&mut self.rng, d.family, d.ethnic, d.male, year);

        let mut phone_p = match d.age {
            ..=17 => 0.0,
            18..=29 => 0.88,
            30..=49 => 0.86,
            50..=59 => 0.72,
            60..=69 => 0.55,
            _ => 0.3,
        };
        if d.ethnic == Ethnic::Hmong {
            phone_p *= 0.85;
        }
        let phone = if self.chance(phone_p) {
            self.ids.phone(&mut self.rng)
        } else {
            None
        };

        let id_p = match d.age {
            ..=13 => 0.0,
            14..=17 => 0.78,
            18..=69 => 0.88,
            _ => 0.72,
        };
        let citizen_id = if self.chance(id_p) {
            let home = !self.chance(if d.married_in { 0.25 } else { 0.03 });
            self.ids.citizen_id(&mut self.rng, sex, year, home)
        } else {
            None
        };

        // Only what cannot be derived: school attendance.
        let mut manual_groups = Vec::new();
        let in_school = match d.age {
            6..=14 => self.chance(0.99),
            15..=17 => self.chance(0.92),
            _ => false,
        };
        if in_school {
            manual_groups.push(TargetGroup::Students);
        }

        NewResident {
            full_name,
            sex: Some(sex),
            birth: Some(birth),
            ethnicity: d.ethnic.name().to_string(),
            phone,
            citizen_id,
            relation: d.relation.to_string(),
            notes: String::new(),
            manual_groups,
        }
    }

    /// A date on which the person turns `age` within the year before today,
    /// so that `age_on(today) == age` exactly.
    fn birth_date(&mut self, age: i32) -> NaiveDate {
        let months = |years: i32| Months::new(12 * years.max(0) as u32);
        let latest = self
            .today
            .checked_sub_months(months(age))
            .unwrap_or(self.today);
        let earliest = self
            .today
            .checked_sub_months(months(age + 1))
            .and_then(|d| d.succ_opt())
            .unwrap_or(latest);
        let span = (latest - earliest).num_days().max(0);
        let back = self.rng.gen_range(0..=span);
        latest - chrono::Duration::days(back)
    }
}
