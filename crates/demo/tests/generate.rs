use chrono::NaiveDate;
use hocvuso_demo::{
    demo_hamlets, generate, generate_households_batched, DemoCommune, DemoOptions, MemberRef,
};
use hocvuso_domain::person::{canonical_relation, ETHNIC_GROUPS};
use hocvuso_domain::{BirthDate, CitizenId, PhoneNumber, Sex, TargetGroup, UnitType};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

fn commune() -> &'static DemoCommune {
    static C: OnceLock<DemoCommune> = OnceLock::new();
    C.get_or_init(|| generate(&DemoOptions::default()))
}

fn today() -> NaiveDate {
    DemoOptions::default().today
}

fn share(n: usize, d: usize) -> f64 {
    n as f64 / d.max(1) as f64
}

#[test]
fn deterministic() {
    let small = DemoOptions {
        households: 400,
        ..DemoOptions::default()
    };
    let a = generate(&small);
    assert_eq!(a, generate(&small));
    let other = generate(&DemoOptions { seed: 7, ..small });
    assert_ne!(a.households, other.households);
    // The full default commune too.
    assert_eq!(commune(), &generate(&DemoOptions::default()));
}

#[test]
fn sizes_and_households() {
    let c = commune();
    assert_eq!(c.name, "xã Dân Tiến");
    assert_eq!(c.province, "Thái Nguyên");
    assert_eq!(c.hamlets.len(), 20);
    assert_eq!(c.households.len(), 5_000);
    let n = c.resident_count();
    assert!((18_000..=22_000).contains(&n), "{n} residents");
    let names: HashSet<_> = c.hamlets.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names.len(), 20);
    let mut codes = HashSet::new();
    for hh in &c.households {
        assert!(hh.hamlet < c.hamlets.len());
        assert!((1..=8).contains(&hh.members.len()));
        assert_eq!(hh.members[0].relation, "Chủ hộ");
        assert_eq!(
            hh.members.iter().filter(|m| m.relation == "Chủ hộ").count(),
            1
        );
        assert!(codes.insert(hh.code.clone()), "duplicate code {}", hh.code);
        assert_eq!(
            hh.address,
            format!(
                "{}, xã Dân Tiến, tỉnh Thái Nguyên",
                c.hamlets[hh.hamlet].name
            )
        );
        for m in &hh.members {
            assert_eq!(canonical_relation(&m.relation), m.relation);
        }
    }
    let farm = c.households.iter().filter(|h| h.farm_business).count();
    assert!((0.55..=0.65).contains(&share(farm, 5_000)));
}

#[test]
fn text_is_nfc() {
    let c = commune();
    let texts = c
        .hamlets
        .iter()
        .map(|h| h.name.as_str())
        .chain(c.units.iter().map(|u| u.name.as_str()))
        .chain(c.households.iter().map(|h| h.address.as_str()))
        .chain(c.residents().map(|(_, r)| r.full_name.as_str()));
    for t in texts {
        assert_eq!(vntext::nfc(t), t, "{t} is not NFC");
    }
}

#[test]
fn ages_sexes_and_dates() {
    let c = commune();
    let t = today();
    let n = c.resident_count();
    let (mut old, mut minors, mut male, mut year_only) = (0, 0, 0, 0);
    for (_, r) in c.residents() {
        let birth = r.birth.expect("every resident has a birth date");
        let age = birth.age_on(t);
        assert!((0..=100).contains(&age), "{age}");
        if let BirthDate::Full(d) = birth {
            assert!(d <= t);
        } else {
            year_only += 1;
        }
        old += usize::from(age >= 60);
        minors += usize::from(age < 18);
        male += usize::from(r.sex == Some(Sex::Male));
        let parts: Vec<&str> = r.full_name.split(' ').collect();
        assert!(parts.len() >= 3, "{}", r.full_name);
    }
    let (old, minors, male, year_only) = (
        share(old, n),
        share(minors, n),
        share(male, n),
        share(year_only, n),
    );
    println!("60+ {old:.3}, <18 {minors:.3}, male {male:.3}, year only {year_only:.3}");
    assert!((0.09..=0.15).contains(&old), "60+: {old}");
    assert!((0.21..=0.30).contains(&minors), "under 18: {minors}");
    assert!((0.46..=0.54).contains(&male), "male: {male}");
    assert!((0.10..=0.20).contains(&year_only), "year only: {year_only}");
    let mean = share(n, c.households.len());
    println!("residents {n}, mean household size {mean:.2}");
    assert!((3.6..=4.4).contains(&mean), "mean size {mean}");
}

#[test]
fn family_structure_is_consistent() {
    let c = commune();
    for hh in &c.households {
        let head = &hh.members[0];
        let head_year = head.birth.map(|b| b.year()).unwrap_or_default();
        let head_family = head.full_name.split(' ').next().unwrap_or_default();
        let spouse = hh
            .members
            .iter()
            .find(|m| m.relation == "Vợ" || m.relation == "Chồng");
        if let Some(s) = spouse {
            assert_ne!(s.sex, head.sex);
        }
        let father_family = match (head.sex, spouse) {
            (Some(Sex::Male), _) => Some(head_family),
            (_, Some(s)) => s.full_name.split(' ').next(),
            _ => None,
        };
        for m in &hh.members {
            let year = m.birth.map(|b| b.year()).unwrap_or_default();
            match m.relation.as_str() {
                "Con" => {
                    assert!(
                        year - head_year >= 14,
                        "{} / {}",
                        head.full_name,
                        m.full_name
                    );
                    if let Some(s) = spouse {
                        let sy = s.birth.map(|b| b.year()).unwrap_or_default();
                        assert!(year - sy >= 14);
                    }
                    if let Some(f) = father_family {
                        assert!(m.full_name.starts_with(&format!("{f} ")), "{}", m.full_name);
                    }
                }
                "Cháu" => assert!(year - head_year >= 30),
                "Cha" => {
                    assert!(head_year - year >= 15);
                    assert!(m.full_name.starts_with(&format!("{head_family} ")));
                }
                "Mẹ" => assert!(head_year - year >= 15),
                "Vợ" => assert_eq!(m.sex, Some(Sex::Female)),
                "Chồng" => assert_eq!(m.sex, Some(Sex::Male)),
                _ => {}
            }
        }
    }
}

#[test]
fn ethnicity_mix() {
    let c = commune();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut same = 0;
    for hh in &c.households {
        let head = hh.members[0].ethnicity.as_str();
        *counts.entry(head).or_default() += 1;
        same += usize::from(hh.members.iter().all(|m| m.ethnicity == head));
        for m in &hh.members {
            assert!(
                ETHNIC_GROUPS.contains(&m.ethnicity.as_str()),
                "{}",
                m.ethnicity
            );
        }
    }
    let n = c.households.len();
    for (group, expected) in [
        ("Kinh", 0.35),
        ("Tày", 0.30),
        ("Nùng", 0.15),
        ("Dao", 0.10),
        ("H'Mông", 0.05),
        ("Sán Chay", 0.05),
    ] {
        let s = share(counts.get(group).copied().unwrap_or(0), n);
        println!("{group}: {s:.3}");
        assert!((s - expected).abs() < 0.05, "{group}: {s}");
    }
    assert!(
        share(same, n) > 0.6,
        "same group in household: {}",
        share(same, n)
    );
    // Some hamlets are predominantly one group.
    for (i, _) in c.hamlets.iter().enumerate() {
        let mut per: HashMap<&str, usize> = HashMap::new();
        let mut total = 0;
        for hh in c.households.iter().filter(|h| h.hamlet == i) {
            *per.entry(hh.members[0].ethnicity.as_str()).or_default() += 1;
            total += 1;
        }
        let top = per.values().copied().max().unwrap_or(0);
        assert!(share(top, total) > 0.5, "hamlet {i}");
    }
}

#[test]
fn phones_and_citizen_ids() {
    let c = commune();
    let t = today();
    let (mut adults, mut with_phone, mut over14, mut with_id, mut home) = (0, 0, 0, 0, 0);
    let mut ids = HashSet::new();
    let mut phones = HashSet::new();
    for (_, r) in c.residents() {
        let birth = r.birth.expect("birth");
        let age = birth.age_on(t);
        if let Some(p) = &r.phone {
            assert_eq!(PhoneNumber::parse(p.as_str()).as_ref(), Ok(p));
            assert_eq!(p.as_str().len(), 10);
            assert!(phones.insert(p.as_str()), "duplicate phone");
            assert!(age >= 18);
        }
        if age >= 18 {
            adults += 1;
            with_phone += usize::from(r.phone.is_some());
        }
        if let Some(id) = &r.citizen_id {
            let parsed = CitizenId::parse(id.as_str()).expect("valid CCCD");
            parsed
                .check_against(r.sex, Some(birth.year()))
                .expect("CCCD matches sex and birth year");
            assert!(ids.insert(id.as_str()), "duplicate CCCD");
            home += usize::from(id.as_str().starts_with("019"));
        }
        // Age by the exact birth date may be one below age by year only.
        if age >= 15 || (age == 14 && matches!(birth, BirthDate::Full(_))) {
            over14 += 1;
            with_id += usize::from(r.citizen_id.is_some());
        }
    }
    let phone_share = share(with_phone, adults);
    let id_share = share(with_id, over14);
    println!(
        "phones {phone_share:.3}, ids {id_share:.3}, home {:.3}",
        share(home, ids.len())
    );
    assert!((0.68..=0.82).contains(&phone_share), "{phone_share}");
    assert!((0.80..=0.90).contains(&id_share), "{id_share}");
    assert!(share(home, ids.len()) > 0.85);
}

#[test]
fn manual_groups_are_only_students() {
    let c = commune();
    let t = today();
    let (mut school_age, mut students) = (0, 0);
    for (_, r) in c.residents() {
        let age = r.birth.expect("birth").age_on(t);
        assert!(r.manual_groups.iter().all(|g| *g == TargetGroup::Students));
        let is_student = r.manual_groups.contains(&TargetGroup::Students);
        if is_student {
            assert!((6..=17).contains(&age), "student aged {age}");
        }
        if (6..=17).contains(&age) {
            school_age += 1;
            students += usize::from(is_student);
        }
    }
    let s = share(students, school_age);
    assert!((0.94..=0.99).contains(&s), "{s}");
}

#[test]
fn units_and_staff() {
    let c = commune();
    let t = today();
    let age = |m: MemberRef| {
        c.member(m)
            .and_then(|r| r.birth)
            .expect("staff exist")
            .age_on(t)
    };
    let mut seen: HashSet<MemberRef> = HashSet::new();
    for u in &c.units {
        for &m in &u.staff {
            assert!(age(m) >= 18, "{} has a minor", u.name);
            assert!(seen.insert(m), "{:?} holds two posts", m);
        }
        match u.unit_type {
            UnitType::Hamlet | UnitType::DigitalTeam => {
                let h = u.hamlet.expect("hamlet unit has a hamlet");
                for &m in &u.staff {
                    assert_eq!(
                        c.households[m.household].hamlet, h,
                        "{} member elsewhere",
                        u.name
                    );
                }
            }
            _ => assert!(u.hamlet.is_none()),
        }
        match u.unit_type {
            UnitType::DigitalTeam => {
                assert!((3..=5).contains(&u.staff.len()), "{}", u.name);
                assert!(u.staff.iter().all(|&m| (18..=55).contains(&age(m))));
                assert!(u.name.starts_with("Tổ công nghệ số cộng đồng xóm "));
            }
            UnitType::Hamlet => assert_eq!(u.staff.len(), 1),
            UnitType::School => assert!((15..=30).contains(&u.staff.len())),
            UnitType::HealthStation => assert!((5..=7).contains(&u.staff.len())),
            UnitType::Police => assert!((5..=8).contains(&u.staff.len())),
            UnitType::MassOrganisation => assert!((2..=5).contains(&u.staff.len())),
            _ => {
                assert!((3..=8).contains(&u.staff.len()), "{}", u.name);
                assert!(u.staff.iter().all(|&m| (23..=58).contains(&age(m))));
            }
        }
    }
    for (i, h) in c.hamlets.iter().enumerate() {
        let teams = c
            .units
            .iter()
            .filter(|u| u.unit_type == UnitType::DigitalTeam && u.hamlet == Some(i))
            .count();
        assert_eq!(teams, 1, "{}", h.name);
        let hamlet_units = c
            .units
            .iter()
            .filter(|u| u.unit_type == UnitType::Hamlet && u.hamlet == Some(i))
            .count();
        assert_eq!(hamlet_units, 1);
    }
    for t in [
        UnitType::CultureSocietyOffice,
        UnitType::PeoplesCommitteeOffice,
        UnitType::EconomicOffice,
        UnitType::PublicServiceCentre,
        UnitType::GeneralServicesCentre,
        UnitType::Police,
        UnitType::HealthStation,
    ] {
        assert_eq!(c.units.iter().filter(|u| u.unit_type == t).count(), 1);
    }
    assert_eq!(
        c.units
            .iter()
            .filter(|u| u.unit_type == UnitType::School)
            .count(),
        3
    );
    let women = c
        .units
        .iter()
        .find(|u| u.name.starts_with("Hội Liên hiệp Phụ nữ"))
        .expect("women's union");
    assert!(women
        .staff
        .iter()
        .all(|&m| c.member(m).and_then(|r| r.sex) == Some(Sex::Female)));
}

#[test]
fn small_and_odd_options_do_not_panic() {
    for (hamlets, households) in [(0, 0), (1, 1), (3, 10), (25, 60)] {
        let c = generate(&DemoOptions {
            seed: 1,
            hamlets,
            households,
            today: today(),
        });
        assert_eq!(c.households.len(), households);
        assert_eq!(c.hamlets.len(), hamlets.max(1));
    }
}

#[test]
fn many_hamlet_names_are_distinct() {
    let hamlets = demo_hamlets(2_000);
    let names: HashSet<_> = hamlets.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names.len(), 2_000);
    assert_eq!(hamlets[0].name, "Xóm Khuôn Lặng");
}

#[test]
fn batched_generation() {
    let mut batches = 0;
    let mut households = 0;
    let mut residents = 0;
    let mut ids = HashSet::new();
    let mut codes = HashSet::new();
    let mut max_hamlet = 0;
    let total = generate_households_batched(5, 40, 50_000, 1_000, today(), |batch| {
        assert!(!batch.is_empty() && batch.len() <= 1_000);
        batches += 1;
        households += batch.len();
        for hh in batch {
            assert_eq!(hh.members[0].relation, "Chủ hộ");
            assert!(codes.insert(hh.code.clone()));
            max_hamlet = max_hamlet.max(hh.hamlet);
            residents += hh.members.len();
            for m in &hh.members {
                if let Some(id) = &m.citizen_id {
                    assert!(ids.insert(id.as_str().to_string()), "duplicate CCCD");
                }
            }
        }
        Ok::<(), ()>(())
    })
    .expect("no error");
    assert_eq!(total, 50_000);
    assert_eq!(residents, 50_000);
    assert_eq!(batches, households.div_ceil(1_000));
    assert!(batches > 5);
    assert_eq!(max_hamlet, 39);

    // Deterministic, and the callback's error stops the run.
    let mut first = Vec::new();
    let r = generate_households_batched(5, 40, 50_000, 100, today(), |b| {
        first.extend_from_slice(b);
        Err("stop")
    });
    assert_eq!(r, Err("stop"));
    assert_eq!(first.len(), 100);
    let mut again = Vec::new();
    let _ = generate_households_batched(5, 40, 50_000, 100, today(), |b| {
        again.extend_from_slice(b);
        Err::<(), _>(())
    });
    assert_eq!(first, again);
}
