//! Name tables: hamlets, family names, middle names and given names per
//! ethnic group. Every literal here is written in NFC (precomposed) form.

use rand::Rng;

/// The six ethnic groups of the synthetic commune, spelled as in
/// `hocvuso_domain::person::ETHNIC_GROUPS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ethnic {
    Kinh,
    Tay,
    Nung,
    Dao,
    Hmong,
    SanChay,
}

impl Ethnic {
    pub(crate) const ALL: [Ethnic; 6] = [
        Ethnic::Kinh,
        Ethnic::Tay,
        Ethnic::Nung,
        Ethnic::Dao,
        Ethnic::Hmong,
        Ethnic::SanChay,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Ethnic::Kinh => "Kinh",
            Ethnic::Tay => "Tày",
            Ethnic::Nung => "Nùng",
            Ethnic::Dao => "Dao",
            Ethnic::Hmong => "H'Mông",
            Ethnic::SanChay => "Sán Chay",
        }
    }

    /// Share of the commune's households (percent): Kinh 35, Tày 30,
    /// Nùng 15, Dao 10, H'Mông 5, Sán Chay 5.
    pub(crate) fn base_weight(self) -> u32 {
        match self {
            Ethnic::Kinh => 35,
            Ethnic::Tay => 30,
            Ethnic::Nung => 15,
            Ethnic::Dao => 10,
            Ethnic::Hmong => 5,
            Ethnic::SanChay => 5,
        }
    }

    fn family_names(self) -> &'static [(&'static str, u32)] {
        match self {
            Ethnic::Kinh => KINH_FAMILY,
            Ethnic::Tay => TAY_FAMILY,
            Ethnic::Nung => NUNG_FAMILY,
            Ethnic::Dao => DAO_FAMILY,
            Ethnic::Hmong => HMONG_FAMILY,
            Ethnic::SanChay => SAN_CHAY_FAMILY,
        }
    }
}

/// Dominant group of hamlet `i` (cycled every 20 hamlets). Over 20
/// hamlets the counts are proportional to [`Ethnic::base_weight`]
/// (7 Kinh, 6 Tày, 3 Nùng, 2 Dao, 1 H'Mông, 1 Sán Chay), so mixing the
/// dominant group with the base distribution keeps the commune-wide shares.
pub(crate) fn dominant_group(hamlet: usize) -> Ethnic {
    use Ethnic::*;
    const PATTERN: [Ethnic; 20] = [
        Kinh, Tay, Kinh, Nung, Tay, Dao, Kinh, Tay, Nung, Kinh, Hmong, Tay, Kinh, Dao, Tay, Nung,
        Kinh, SanChay, Tay, Kinh,
    ];
    PATTERN[hamlet % PATTERN.len()]
}

/// Weighted choice from a non-empty table.
pub(crate) fn weighted<T: Copy>(rng: &mut impl Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= *w;
    }
    items[items.len() - 1].0
}

pub(crate) fn family_name(rng: &mut impl Rng, ethnic: Ethnic) -> &'static str {
    weighted(rng, ethnic.family_names())
}

/// `Family Middle Given`, styled by ethnic group, sex and birth cohort.
pub(crate) fn full_name(
    rng: &mut impl Rng,
    family: &str,
    ethnic: Ethnic,
    male: bool,
    birth_year: i32,
) -> String {
    // Younger cohorts get more varied, modern names.
    let young = match birth_year {
        y if y >= 2000 => rng.gen_bool(0.7),
        y if y >= 1985 => rng.gen_bool(0.3),
        _ => false,
    };
    let middles: &[(&str, u32)] = match (ethnic, male, young) {
        (Ethnic::Hmong, true, _) => HMONG_MALE_MIDDLE,
        (Ethnic::Hmong, false, _) => &[("Thị", 1)],
        (Ethnic::Kinh, true, false) => KINH_MALE_MIDDLE_OLD,
        (Ethnic::Kinh, true, true) => KINH_MALE_MIDDLE_YOUNG,
        (Ethnic::Kinh, false, false) => KINH_FEMALE_MIDDLE_OLD,
        (Ethnic::Kinh, false, true) => KINH_FEMALE_MIDDLE_YOUNG,
        (_, true, false) => MINORITY_MALE_MIDDLE_OLD,
        (_, true, true) => MINORITY_MALE_MIDDLE_YOUNG,
        (_, false, false) => MINORITY_FEMALE_MIDDLE_OLD,
        (_, false, true) => MINORITY_FEMALE_MIDDLE_YOUNG,
    };
    let givens: &'static [&'static str] = match (ethnic, male, young) {
        (Ethnic::Hmong, true, false) => HMONG_MALE,
        (Ethnic::Hmong, false, false) => HMONG_FEMALE,
        (Ethnic::Dao, true, false) => DAO_MALE,
        (Ethnic::Dao, false, false) => DAO_FEMALE,
        (Ethnic::Kinh, true, false) => KINH_MALE_OLD,
        (Ethnic::Kinh, false, false) => KINH_FEMALE_OLD,
        (_, true, false) => MINORITY_MALE_OLD,
        (_, false, false) => MINORITY_FEMALE_OLD,
        (_, true, true) => MALE_YOUNG,
        (_, false, true) => FEMALE_YOUNG,
    };
    let middle = weighted(rng, middles);
    let mut i = rng.gen_range(0..givens.len());
    if givens[i] == middle {
        // "Minh Minh": take the next name in the list (lists hold no duplicates).
        i = (i + 1) % givens.len();
    }
    let given = givens[i];
    let mut s = String::with_capacity(family.len() + middle.len() + given.len() + 2);
    s.push_str(family);
    s.push(' ');
    s.push_str(middle);
    s.push(' ');
    s.push_str(given);
    s
}

const KINH_FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 32),
    ("Trần", 9),
    ("Lê", 8),
    ("Phạm", 6),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Ngô", 2),
    ("Dương", 3),
    ("Lý", 1),
    ("Đinh", 2),
    ("Hà", 2),
    ("Phan", 2),
    ("Trịnh", 1),
    ("Đào", 2),
    ("Lương", 1),
    ("Tạ", 1),
];

const TAY_FAMILY: &[(&str, u32)] = &[
    ("Hoàng", 14),
    ("Nông", 10),
    ("Ma", 12),
    ("Lương", 7),
    ("Hà", 6),
    ("Đàm", 5),
    ("Triệu", 4),
    ("Lục", 4),
    ("Mông", 3),
    ("Vi", 3),
    ("Lộc", 3),
    ("Dương", 4),
    ("La", 4),
    ("Nguyễn", 6),
    ("Lưu", 3),
    ("Bế", 2),
    ("Đinh", 3),
    ("Hứa", 2),
];

const NUNG_FAMILY: &[(&str, u32)] = &[
    ("Hoàng", 12),
    ("Nông", 10),
    ("Lương", 7),
    ("Lưu", 6),
    ("Vi", 6),
    ("Lộc", 5),
    ("Triệu", 5),
    ("Lăng", 4),
    ("Lý", 5),
    ("Chu", 3),
    ("Mông", 4),
    ("Hứa", 4),
    ("Đinh", 3),
    ("Dương", 3),
];

const DAO_FAMILY: &[(&str, u32)] = &[
    ("Triệu", 25),
    ("Bàn", 20),
    ("Đặng", 15),
    ("Lý", 12),
    ("Chu", 8),
    ("Phùng", 8),
    ("Trịnh", 4),
    ("Hoàng", 4),
    ("Dương", 4),
];

const HMONG_FAMILY: &[(&str, u32)] = &[
    ("Giàng", 16),
    ("Vàng", 14),
    ("Sùng", 12),
    ("Lý", 12),
    ("Thào", 10),
    ("Mùa", 8),
    ("Lầu", 7),
    ("Hầu", 6),
    ("Vừ", 8),
    ("Tráng", 4),
];

const SAN_CHAY_FAMILY: &[(&str, u32)] = &[
    ("Lâm", 15),
    ("Hoàng", 14),
    ("Trương", 12),
    ("Lý", 10),
    ("Đặng", 8),
    ("Dương", 8),
    ("La", 6),
    ("Lục", 6),
];

const KINH_MALE_MIDDLE_OLD: &[(&str, u32)] = &[
    ("Văn", 80),
    ("Đức", 6),
    ("Quang", 4),
    ("Hữu", 4),
    ("Xuân", 3),
    ("Ngọc", 3),
];
const KINH_MALE_MIDDLE_YOUNG: &[(&str, u32)] = &[
    ("Văn", 25),
    ("Đức", 12),
    ("Minh", 12),
    ("Quang", 8),
    ("Gia", 8),
    ("Hoàng", 6),
    ("Anh", 5),
    ("Bảo", 6),
    ("Hữu", 4),
    ("Thành", 5),
    ("Trung", 5),
];
const KINH_FEMALE_MIDDLE_OLD: &[(&str, u32)] = &[
    ("Thị", 88),
    ("Thu", 4),
    ("Thanh", 3),
    ("Ngọc", 3),
    ("Hồng", 2),
];
const KINH_FEMALE_MIDDLE_YOUNG: &[(&str, u32)] = &[
    ("Thị", 30),
    ("Thu", 8),
    ("Ngọc", 10),
    ("Phương", 8),
    ("Minh", 8),
    ("Khánh", 6),
    ("Bảo", 6),
    ("Thanh", 6),
    ("Hải", 4),
    ("Diệu", 3),
];
const MINORITY_MALE_MIDDLE_OLD: &[(&str, u32)] = &[("Văn", 92), ("Đức", 4), ("Quang", 4)];
const MINORITY_MALE_MIDDLE_YOUNG: &[(&str, u32)] = &[
    ("Văn", 55),
    ("Đức", 10),
    ("Minh", 10),
    ("Quang", 8),
    ("Gia", 5),
    ("Hoàng", 5),
    ("Thành", 7),
];
const MINORITY_FEMALE_MIDDLE_OLD: &[(&str, u32)] = &[("Thị", 95), ("Thu", 3), ("Ngọc", 2)];
const MINORITY_FEMALE_MIDDLE_YOUNG: &[(&str, u32)] = &[
    ("Thị", 65),
    ("Thu", 8),
    ("Ngọc", 8),
    ("Phương", 6),
    ("Minh", 5),
    ("Khánh", 4),
    ("Hồng", 4),
];
const HMONG_MALE_MIDDLE: &[(&str, u32)] = &[("A", 55), ("Seo", 25), ("Văn", 20)];

const KINH_MALE_OLD: &[&str] = &[
    "Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Long", "Nam", "Sơn", "Bình", "Cường", "Thành", "Hòa",
    "Tiến", "Quân", "Trung", "Hiếu", "Minh", "Đức", "Khánh", "Phong", "Toàn", "Việt", "Hưng",
    "Thịnh", "Lâm", "Kiên", "Mạnh", "Chiến", "Tâm", "Thanh", "Tuyên", "Lợi", "Hợp", "Thuận", "Quý",
    "Hậu",
];
const KINH_FEMALE_OLD: &[&str] = &[
    "Lan", "Hoa", "Hương", "Hằng", "Hạnh", "Huyền", "Linh", "Mai", "Nga", "Ngọc", "Nhung", "Oanh",
    "Phương", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Hà", "Loan", "Dung", "Hiền", "Liên",
    "Xuân", "Thu", "Hồng", "Lụa", "Thơm", "Mến", "Hòa", "Tâm",
];
const MALE_YOUNG: &[&str] = &[
    "Minh", "Khôi", "Phúc", "An", "Bảo", "Huy", "Đăng", "Khang", "Nam", "Quân", "Duy", "Hoàng",
    "Lâm", "Khoa", "Phát", "Kiên", "Hiếu", "Long", "Tùng", "Tuấn", "Hưng", "Đạt", "Thịnh", "Nhật",
];
const FEMALE_YOUNG: &[&str] = &[
    "Anh", "Chi", "Ngân", "Vy", "Linh", "My", "Trâm", "Diệp", "Nhi", "An", "Thư", "Ngọc", "Hân",
    "Khánh", "Trà", "Thảo", "Trang", "Hà", "Huyền", "Yến", "Nhung", "Giang", "Uyên", "Quỳnh",
];
const MINORITY_MALE_OLD: &[&str] = &[
    "Sơn", "Thắng", "Tuấn", "Hùng", "Dũng", "Thành", "Vinh", "Lâm", "Kiên", "Quyết", "Chiến",
    "Tuyến", "Thuận", "Sinh", "Dương", "Hoan", "Hải", "Bình", "Thanh", "Hưng", "Lợi", "Khánh",
    "Quang", "Thiện", "Thịnh", "Lực", "Nghĩa",
];
const MINORITY_FEMALE_OLD: &[&str] = &[
    "Lan",
    "Hoa",
    "Mai",
    "Thảo",
    "Nhung",
    "Ngần",
    "Hiên",
    "Diện",
    "Phượng",
    "Lành",
    "Nguyệt",
    "Thơm",
    "Mến",
    "Xuân",
    "Hậu",
    "Chinh",
    "Lụa",
    "Vân",
    "Huệ",
    "Hằng",
    "Thủy",
    "Sen",
    "Hiền",
    "Dung",
];
const DAO_MALE: &[&str] = &[
    "Kiềm", "Sinh", "Quý", "Phú", "Nhất", "Tài", "Lâm", "Phúc", "Thắng", "Tiến", "Dũng", "Thành",
    "Hùng", "Minh",
];
const DAO_FEMALE: &[&str] = &[
    "Mẩy", "Sinh", "Ngân", "Hoa", "Thu", "Xuân", "Mai", "Lan", "Nguyệt", "Dung", "Liên", "Hạnh",
    "Phương", "Hương",
];
const HMONG_MALE: &[&str] = &[
    "Páo", "Sính", "Chứ", "Dìa", "Súa", "Pó", "Lềnh", "Dơ", "Tủa", "Chớ",
];
const HMONG_FEMALE: &[&str] = &["Mỷ", "Dua", "Dính", "Chá", "Pà", "Mai", "Lan", "Ly"];

/// The first 20 hamlet names. FICTIONAL: they imitate Tày place-name style
/// (Nà "rice field", Khuổi "stream", Pác "mouth", Khau "hill", Bản
/// "village"...), but the real hamlet list of xã Dân Tiến is not known to
/// this project, and any match with a real place is a coincidence.
const CURATED_HAMLETS: [&str; 20] = [
    "Khuôn Lặng",
    "Nà Mòn",
    "Bản Tèn",
    "Pác Cáp",
    "Khau Đấng",
    "Làng Chẽ",
    "Đồng Bài",
    "Khuổi Nọi",
    "Cốc Lùng",
    "Nà Kham",
    "Phiêng Liềng",
    "Bản Cái",
    "Lũng Cào",
    "Nà Lẹng",
    "Thâm Đông",
    "Bó Luông",
    "Tổng Cáng",
    "Pò Pu",
    "Kéo Ca",
    "Đồng Vòng",
];

const HAMLET_PREFIXES: [&str; 15] = [
    "Nà", "Bản", "Khuôn", "Khuổi", "Pác", "Khau", "Cốc", "Phiêng", "Bó", "Lũng", "Làng", "Đồng",
    "Thâm", "Pò", "Kéo",
];
const HAMLET_SUFFIXES: [&str; 30] = [
    "Lặng", "Mòn", "Tèn", "Cáp", "Đấng", "Chẽ", "Bài", "Nọi", "Lùng", "Kham", "Liềng", "Cái",
    "Cào", "Lẹng", "Đông", "Luông", "Cáng", "Pu", "Ca", "Vòng", "Mu", "Phầy", "Tạ", "Hin", "Mạ",
    "Quang", "Rọ", "Pái", "Chang", "Khoang",
];

/// Names (without the "Xóm " prefix) of `n` distinct fictional hamlets.
pub(crate) fn hamlet_base_names(n: usize) -> Vec<String> {
    let mut out: Vec<String> = CURATED_HAMLETS
        .iter()
        .take(n)
        .map(|s| s.to_string())
        .collect();
    if out.len() == n {
        return out;
    }
    let mut combos = Vec::with_capacity(HAMLET_PREFIXES.len() * HAMLET_SUFFIXES.len());
    for (si, suffix) in HAMLET_SUFFIXES.iter().enumerate() {
        for pi in 0..HAMLET_PREFIXES.len() {
            // Rotate the prefix so consecutive names do not all start alike.
            let prefix = HAMLET_PREFIXES[(pi + si * 7) % HAMLET_PREFIXES.len()];
            let name = format!("{prefix} {suffix}");
            if !CURATED_HAMLETS.contains(&name.as_str()) {
                combos.push(name);
            }
        }
    }
    let mut round = 1usize;
    while out.len() < n {
        for name in &combos {
            if out.len() == n {
                break;
            }
            if round == 1 {
                out.push(name.clone());
            } else {
                out.push(format!("{name} {round}"));
            }
        }
        round += 1;
    }
    out
}

/// Two or three ASCII capitals for household codes: "Khuôn Lặng" → "KL".
pub(crate) fn initials(base: &str) -> String {
    let mut s = String::new();
    for word in base.split_whitespace() {
        let Some(c) = word.chars().next() else {
            continue;
        };
        let ascii = match c {
            'Đ' | 'đ' => Some('D'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_uppercase()),
            c => vntext::fold(&c.to_string())
                .chars()
                .next()
                .filter(|f| f.is_ascii_alphabetic())
                .map(|f| f.to_ascii_uppercase()),
        };
        if let Some(a) = ascii {
            s.push(a);
        }
    }
    if s.is_empty() {
        s.push('X');
    }
    s
}
