//! Citizen IDs and phone numbers that are valid, random-looking and unique
//! without remembering the ones already issued.
//!
//! Each bucket (province + century/sex digit + year for IDs, prefix for
//! phones) keeps a counter `c`; the serial issued is `(c·M + offset) mod N`
//! with `M` coprime to `N`, a bijection on `0..N`. Serials within a bucket
//! therefore never repeat until the bucket's `N` numbers are exhausted, and
//! memory stays constant even for millions of residents.

use hocvuso_domain::{CitizenId, PhoneNumber, Sex};
use rand::Rng;

/// Thái Nguyên's code in the first three digits of a citizen ID.
pub(crate) const HOME_PROVINCE: u16 = 19;

/// Provinces where some residents (mostly spouses who married in) had their
/// birth registered: Bắc Kạn, Tuyên Quang, Lạng Sơn, Bắc Giang, Hà Nội, Phú Thọ.
const OTHER_PROVINCES: [u16; 6] = [6, 8, 20, 24, 1, 25];
const PROVINCES: usize = 1 + OTHER_PROVINCES.len();

const CCCD_SPACE: u64 = 1_000_000;
const CCCD_MULT: u64 = 387_127;
/// Century/sex digits 0..=3 cover birth years 1900–2099.
const CCCD_BUCKETS: usize = PROVINCES * 4 * 100;

/// Mobile prefixes in use (Viettel, VinaPhone, MobiFone, Vietnamobile,
/// Gmobile); Viettel, the strongest network in mountain communes, is listed
/// more often.
const MOBILE_PREFIXES: [&str; 36] = [
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "096",
    "097", "098", "086", "088", "091", "094", "081", "082", "083", "084", "085", "089", "090",
    "093", "070", "076", "077", "078", "079", "092", "056", "058", "099",
];
const PHONE_SPACE: u64 = 10_000_000;
const PHONE_MULT: u64 = 3_418_081;

const fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

// A multiplier coprime with the modulus makes `c ↦ c·M + offset` a bijection.
const _: () = assert!(gcd(CCCD_MULT, CCCD_SPACE) == 1);
const _: () = assert!(gcd(PHONE_MULT, PHONE_SPACE) == 1);

pub(crate) struct IdIssuer {
    cccd_next: Vec<u64>,
    cccd_offset: Vec<u64>,
    phone_next: Vec<u64>,
    phone_offset: Vec<u64>,
}

impl IdIssuer {
    pub(crate) fn new(rng: &mut impl Rng) -> Self {
        let cccd_offset = (0..CCCD_BUCKETS)
            .map(|_| rng.gen_range(0..CCCD_SPACE))
            .collect();
        // Repeated prefixes share one counter (keyed by the prefix text's first index).
        let phone_offset = (0..MOBILE_PREFIXES.len())
            .map(|_| rng.gen_range(0..PHONE_SPACE))
            .collect();
        Self {
            cccd_next: vec![0; CCCD_BUCKETS],
            cccd_offset,
            phone_next: vec![0; MOBILE_PREFIXES.len()],
            phone_offset,
        }
    }

    /// A new citizen ID for someone of `sex` born in `year`; `home` picks
    /// Thái Nguyên as the province of birth registration, otherwise a
    /// neighbouring province. `None` outside 1900–2099 or for `Sex::Other`.
    pub(crate) fn citizen_id(
        &mut self,
        rng: &mut impl Rng,
        sex: Sex,
        year: i32,
        home: bool,
    ) -> Option<CitizenId> {
        if !(1900..=2099).contains(&year) {
            return None;
        }
        let female = match sex {
            Sex::Male => 0,
            Sex::Female => 1,
            Sex::Other => return None,
        };
        let (p_idx, province) = if home {
            (0, HOME_PROVINCE)
        } else {
            let i = rng.gen_range(0..OTHER_PROVINCES.len());
            (i + 1, OTHER_PROVINCES[i])
        };
        let since = (year - 1900) as usize;
        let century_sex = (since / 100) * 2 + female;
        let yy = since % 100;
        let bucket = (p_idx * 4 + century_sex) * 100 + yy;
        let c = self.cccd_next[bucket];
        if c >= CCCD_SPACE {
            return None;
        }
        self.cccd_next[bucket] = c + 1;
        let serial = (c * CCCD_MULT + self.cccd_offset[bucket]) % CCCD_SPACE;
        CitizenId::parse(&format!("{province:03}{century_sex}{yy:02}{serial:06}")).ok()
    }

    /// A new 10-digit mobile number.
    pub(crate) fn phone(&mut self, rng: &mut impl Rng) -> Option<PhoneNumber> {
        let pick = rng.gen_range(0..MOBILE_PREFIXES.len());
        let prefix = MOBILE_PREFIXES[pick];
        // Duplicated prefixes must share a counter, or numbers could repeat.
        let bucket = MOBILE_PREFIXES
            .iter()
            .position(|p| *p == prefix)
            .unwrap_or(pick);
        let c = self.phone_next[bucket];
        if c >= PHONE_SPACE {
            return None;
        }
        self.phone_next[bucket] = c + 1;
        let serial = (c * PHONE_MULT + self.phone_offset[bucket]) % PHONE_SPACE;
        PhoneNumber::parse(&format!("{prefix}{serial:07}")).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::collections::HashSet;

    #[test]
    fn ids_match_sex_and_year() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut ids = IdIssuer::new(&mut rng);
        for (sex, year) in [
            (Sex::Male, 1962),
            (Sex::Female, 1962),
            (Sex::Male, 2008),
            (Sex::Female, 2011),
        ] {
            for home in [true, false] {
                let id = ids.citizen_id(&mut rng, sex, year, home).expect("valid id");
                id.check_against(Some(sex), Some(year)).expect("consistent");
                assert_eq!(id.as_str().starts_with("019"), home);
            }
        }
        assert!(ids.citizen_id(&mut rng, Sex::Other, 1990, true).is_none());
        let mut phones = HashSet::new();
        for _ in 0..10_000 {
            let p = ids.phone(&mut rng).expect("valid phone");
            assert_eq!(p.as_str().len(), 10);
            assert!(phones.insert(p));
        }
    }
}
