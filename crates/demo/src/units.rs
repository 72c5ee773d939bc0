//! Units of the commune (section V of the seed plan) with staff drawn from
//! the synthetic residents.

use crate::{DemoHamlet, DemoHousehold, DemoStudent, DemoUnit, MemberRef};
use chrono::Datelike;
use chrono::NaiveDate;
use hocvuso_domain::{SchoolLevel, Sex, TargetGroup, UnitType};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Who may fill a post.
#[derive(Clone, Copy)]
struct Post {
    ages: (i32, i32),
    /// Probability that a post is held by a woman; `None`: no preference.
    female_share: Option<f64>,
    hamlet: Option<usize>,
}

struct Candidate {
    at: MemberRef,
    age: i32,
    female: bool,
    hamlet: usize,
}

struct Picker {
    rng: ChaCha8Rng,
    candidates: Vec<Candidate>,
    used: Vec<bool>,
}

impl Picker {
    /// One unused person for `post`; falls back to either sex when the
    /// preferred one is not available.
    fn pick_one(&mut self, post: Post) -> Option<MemberRef> {
        let want_female = post
            .female_share
            .map(|p| self.rng.gen_bool(p.clamp(0.0, 1.0)));
        let fits = |c: &Candidate, sex: Option<bool>| {
            (post.ages.0..=post.ages.1).contains(&c.age)
                && post.hamlet.is_none_or(|h| h == c.hamlet)
                && sex.is_none_or(|f| f == c.female)
        };
        let found = self
            .candidates
            .iter()
            .enumerate()
            .position(|(i, c)| !self.used[i] && fits(c, want_female))
            .or_else(|| {
                want_female.and_then(|_| {
                    self.candidates
                        .iter()
                        .enumerate()
                        .position(|(i, c)| !self.used[i] && fits(c, None))
                })
            })?;
        self.used[found] = true;
        Some(self.candidates[found].at)
    }

    fn staff(&mut self, count: (usize, usize), post: Post) -> Vec<MemberRef> {
        let n = self.rng.gen_range(count.0..=count.1);
        (0..n).filter_map(|_| self.pick_one(post)).collect()
    }
}

/// A commune-level unit: name, type, staff count range, post.
struct Spec {
    name: &'static str,
    unit_type: UnitType,
    count: (usize, usize),
    post: Post,
    note: &'static str,
    /// Set for a school.
    level: Option<SchoolLevel>,
}

const fn post(lo: i32, hi: i32, female_share: Option<f64>) -> Post {
    Post {
        ages: (lo, hi),
        female_share,
        hamlet: None,
    }
}

/// Offices and centres named in the seed plan, mass organisations, and
/// schools. The school names ("Trường ... Dân Tiến") are FICTIONAL: the
/// commune's real schools are not known to this project.
const SPECS: &[Spec] = &[
    Spec {
        name: "Phòng Văn hóa – Xã hội",
        unit_type: UnitType::CultureSocietyOffice,
        count: (4, 8),
        post: post(23, 58, None),
        note: "công chức, người lao động",
        level: None,
    },
    Spec {
        name: "Văn phòng HĐND và UBND xã",
        unit_type: UnitType::PeoplesCommitteeOffice,
        count: (5, 8),
        post: post(23, 58, None),
        note: "công chức, người lao động",
        level: None,
    },
    Spec {
        name: "Phòng Kinh tế",
        unit_type: UnitType::EconomicOffice,
        count: (3, 7),
        post: post(23, 58, None),
        note: "công chức, người lao động",
        level: None,
    },
    Spec {
        name: "Trung tâm Phục vụ hành chính công xã",
        unit_type: UnitType::PublicServiceCentre,
        count: (4, 8),
        post: post(23, 58, None),
        note: "công chức, viên chức",
        level: None,
    },
    Spec {
        name: "Trung tâm Dịch vụ tổng hợp xã",
        unit_type: UnitType::GeneralServicesCentre,
        count: (3, 8),
        post: post(23, 58, None),
        note: "viên chức, người lao động",
        level: None,
    },
    Spec {
        name: "Công an xã",
        unit_type: UnitType::Police,
        count: (5, 8),
        post: post(22, 50, Some(0.15)),
        note: "cán bộ, chiến sĩ",
        level: None,
    },
    Spec {
        name: "Trạm Y tế xã",
        unit_type: UnitType::HealthStation,
        count: (5, 7),
        post: post(23, 58, Some(0.7)),
        note: "y, bác sĩ, nhân viên",
        level: None,
    },
    Spec {
        name: "Ủy ban MTTQ Việt Nam xã",
        unit_type: UnitType::MassOrganisation,
        count: (3, 5),
        post: post(30, 60, None),
        note: "cán bộ chuyên trách",
        level: None,
    },
    Spec {
        name: "Hội Liên hiệp Phụ nữ xã",
        unit_type: UnitType::MassOrganisation,
        count: (2, 4),
        post: post(25, 55, Some(1.0)),
        note: "cán bộ chuyên trách",
        level: None,
    },
    Spec {
        name: "Hội Nông dân xã",
        unit_type: UnitType::MassOrganisation,
        count: (2, 4),
        post: post(30, 60, Some(0.3)),
        note: "cán bộ chuyên trách",
        level: None,
    },
    Spec {
        name: "Đoàn Thanh niên xã",
        unit_type: UnitType::MassOrganisation,
        count: (2, 3),
        post: post(20, 35, None),
        note: "cán bộ chuyên trách",
        level: None,
    },
    Spec {
        name: "Hội Cựu chiến binh xã",
        unit_type: UnitType::MassOrganisation,
        count: (2, 3),
        post: post(45, 70, Some(0.0)),
        note: "cán bộ chuyên trách",
        level: None,
    },
    Spec {
        name: "Hội Người cao tuổi xã",
        unit_type: UnitType::MassOrganisation,
        count: (2, 3),
        post: post(60, 80, None),
        note: "thành viên ban chấp hành",
        level: None,
    },
    Spec {
        name: "Trường Mầm non Dân Tiến",
        unit_type: UnitType::School,
        count: (15, 25),
        post: post(22, 58, Some(0.97)),
        note: "cán bộ, giáo viên, nhân viên",
        level: Some(SchoolLevel::MamNon),
    },
    Spec {
        name: "Trường Tiểu học Dân Tiến",
        unit_type: UnitType::School,
        count: (18, 30),
        post: post(22, 58, Some(0.8)),
        note: "cán bộ, giáo viên, nhân viên",
        level: Some(SchoolLevel::TieuHoc),
    },
    Spec {
        name: "Trường THCS Dân Tiến",
        unit_type: UnitType::School,
        count: (18, 30),
        post: post(22, 58, Some(0.65)),
        note: "cán bộ, giáo viên, nhân viên",
        level: Some(SchoolLevel::Thcs),
    },
];

/// Ages of the hamlet head (trưởng xóm) and of digital team members.
const HAMLET_HEAD_AGES: (i32, i32) = (30, 65);
const DIGITAL_TEAM_AGES: (i32, i32) = (18, 55);

/// Build the units. Every person holds at most one post across all units.
pub(crate) fn build(
    seed: u64,
    hamlets: &[DemoHamlet],
    households: &[DemoHousehold],
    today: NaiveDate,
) -> Vec<DemoUnit> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // A separate stream from the household generator's.
    rng.set_stream(1);
    let mut candidates: Vec<Candidate> = Vec::new();
    for (h, hh) in households.iter().enumerate() {
        for (m, r) in hh.members.iter().enumerate() {
            let Some(age) = r.birth.map(|b| b.age_on(today)) else {
                continue;
            };
            if age < 18 {
                continue;
            }
            candidates.push(Candidate {
                at: MemberRef {
                    household: h,
                    member: m,
                },
                age,
                female: r.sex == Some(Sex::Female),
                hamlet: hh.hamlet,
            });
        }
    }
    candidates.shuffle(&mut rng);
    let used = vec![false; candidates.len()];
    let mut picker = Picker {
        rng,
        candidates,
        used,
    };

    let mut units = Vec::with_capacity(SPECS.len() + 2 * hamlets.len());
    for spec in SPECS {
        let staff = picker.staff(spec.count, spec.post);
        units.push(DemoUnit {
            name: spec.name.to_string(),
            unit_type: spec.unit_type,
            hamlet: None,
            head_count_note: format!("{} {} (số liệu mô phỏng)", staff.len(), spec.note),
            staff,
            school_level: spec.level,
            students: Vec::new(),
        });
    }

    let mut per_hamlet = vec![(0usize, 0usize); hamlets.len()];
    for hh in households {
        if let Some(c) = per_hamlet.get_mut(hh.hamlet) {
            c.0 += 1;
            c.1 += hh.members.len();
        }
    }
    for (i, hamlet) in hamlets.iter().enumerate() {
        let head_post = Post {
            ages: HAMLET_HEAD_AGES,
            female_share: Some(0.2),
            hamlet: Some(i),
        };
        let staff: Vec<MemberRef> = picker.pick_one(head_post).into_iter().collect();
        let (hh, people) = per_hamlet[i];
        units.push(DemoUnit {
            name: hamlet.name.clone(),
            unit_type: UnitType::Hamlet,
            hamlet: Some(i),
            staff,
            head_count_note: format!("Trưởng xóm; {hh} hộ, {people} nhân khẩu (số liệu mô phỏng)"),
            school_level: None,
            students: Vec::new(),
        });
    }
    for (i, hamlet) in hamlets.iter().enumerate() {
        let team_post = Post {
            ages: DIGITAL_TEAM_AGES,
            female_share: None,
            hamlet: Some(i),
        };
        let staff = picker.staff((3, 5), team_post);
        let base = hamlet.name.strip_prefix("Xóm ").unwrap_or(&hamlet.name);
        units.push(DemoUnit {
            name: format!("Tổ công nghệ số cộng đồng xóm {base}"),
            unit_type: UnitType::DigitalTeam,
            hamlet: Some(i),
            head_count_note: format!("{} thành viên (số liệu mô phỏng)", staff.len()),
            staff,
            school_level: None,
            students: Vec::new(),
        });
    }
    enrol(&mut picker.rng, &mut units, households, today);
    units
}

/// Put the children marked as attending school on the class lists of the
/// commune's schools, by the grade their birth year gives in this school
/// year (from September); two classes (A, B) a grade. Pupils of grades the
/// commune has no school for (upper secondary) stay off the lists.
fn enrol(
    rng: &mut ChaCha8Rng,
    units: &mut [DemoUnit],
    households: &[DemoHousehold],
    today: NaiveDate,
) {
    let school_year = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    for (h, hh) in households.iter().enumerate() {
        for (m, r) in hh.members.iter().enumerate() {
            if !r.manual_groups.contains(&TargetGroup::Students) {
                continue;
            }
            let Some(birth) = r.birth else { continue };
            let grade = school_year - birth.year() - 5;
            let school = units
                .iter_mut()
                .find(|u| u.school_level.is_some_and(|l| l.grades().contains(&grade)));
            if let Some(u) = school {
                let class = if rng.gen_bool(0.5) { 'A' } else { 'B' };
                u.students.push(DemoStudent {
                    at: MemberRef {
                        household: h,
                        member: m,
                    },
                    grade,
                    class_name: format!("{grade}{class}"),
                });
            }
        }
    }
}
