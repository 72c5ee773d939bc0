//! Personal fields of a resident, each parsed once at the edge.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A field that could not be parsed; `message` is Vietnamese, for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub message: String,
}

impl FieldError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// A person's full name (họ và tên), the one rule for the registry form,
/// the resident import and the unit lists: spaces squeezed, NFC, at least
/// two words, no digits, at most [`FullName::MAX_CHARS`] characters. A name
/// typed all in capitals or all in small letters is written in title case
/// ("NGUYỄN VĂN AN" → "Nguyễn Văn An"); a mixed one is kept ("Lò Thị
/// McKay").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        FullName::parse_with(raw, false)
    }

    /// `title_case`: write every word capitalised whatever the input (for
    /// files whose letters were recovered from an old encoding without case).
    pub fn parse_with(raw: &str, title_case: bool) -> Result<Self, FieldError> {
        let name = FullName::tidy(raw, title_case);
        let shown = raw.trim();
        if name.is_empty() {
            Err(FieldError::new(
                "Họ và tên đang để trống; ghi đầy đủ họ và tên",
            ))
        } else if name.chars().any(|c| c.is_ascii_digit()) {
            Err(FieldError::new(format!(
                "Họ và tên \"{shown}\" có chữ số; kiểm tra lại, có thể đã dán nhầm cột"
            )))
        } else if name.split(' ').count() < 2 {
            Err(FieldError::new(format!(
                "Họ và tên \"{shown}\" chỉ có một chữ; ghi đầy đủ họ và tên (ví dụ Nguyễn Văn An)"
            )))
        } else if name.chars().count() > FullName::MAX_CHARS {
            Err(FieldError::new(format!(
                "Họ và tên dài quá {} ký tự; kiểm tra lại, có thể đã dán nhầm cột",
                FullName::MAX_CHARS
            )))
        } else {
            Ok(FullName(name))
        }
    }

    /// The name written the registry's way, without judging it (a head of
    /// household named in another row is matched this way).
    pub fn tidy(raw: &str, title_case: bool) -> String {
        let s = vntext::normalize(raw)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let has_lower = s.chars().any(char::is_lowercase);
        let has_upper = s.chars().any(char::is_uppercase);
        if title_case || !has_lower || !has_upper {
            vntext::title_case_name(&s)
        } else {
            s
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Province codes used in the first three digits of a 12-digit citizen ID
/// (Circular 07/2016/TT-BCA, Annex: codes 001–096, odd gaps where provinces
/// were merged or codes never assigned).
const PROVINCE_CODES: &[u16] = &[
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// The characters of a typed citizen ID without spaces, dots and dashes.
fn id_digits(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect()
}

/// The 12-digit ID that `digits` would be with the leading zeros a number
/// cell drops put back: 10 or 11 digits, none of them a leading 0, whose
/// padded form starts with a province code.
fn zero_padded(digits: &str) -> Option<String> {
    if !(10..=11).contains(&digits.len())
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let padded = format!("{digits:0>12}");
    let province: u16 = padded[0..3].parse().ok()?;
    PROVINCE_CODES.contains(&province).then_some(padded)
}

/// A 12-digit citizen identity number (số định danh cá nhân / số CCCD).
///
/// Structure: 3 digits province of birth registration, 1 digit century and
/// sex (0/1: 20th century male/female, 2/3: 21st century, 4/5: 22nd...),
/// 2 digits year of birth, 6 random digits. Never logged, never in a URL.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CitizenId(String);

impl CitizenId {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let digits = id_digits(raw);
        if digits.is_empty() {
            return Err(FieldError::new("Số CCCD đang để trống"));
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                "Số CCCD chỉ gồm chữ số (12 chữ số), không có chữ cái",
            ));
        }
        if digits.len() == 9 {
            return Err(FieldError::new(
                "Đây là số CMND cũ (9 chữ số); cần số CCCD/định danh cá nhân 12 chữ số",
            ));
        }
        if zero_padded(&digits).is_some() {
            return Err(FieldError::new(format!(
                "Số CCCD có {} chữ số: có thể Excel đã bỏ số 0 ở đầu. Hãy định dạng cột là Văn bản (Text) và gõ lại đủ 12 chữ số.",
                digits.len()
            )));
        }
        if digits.len() != 12 {
            return Err(FieldError::new(format!(
                "Số CCCD phải có đúng 12 chữ số (đang có {})",
                digits.len()
            )));
        }
        let province: u16 = digits[0..3]
            .parse()
            .map_err(|_| FieldError::new("Số CCCD không hợp lệ"))?;
        if !PROVINCE_CODES.contains(&province) {
            return Err(FieldError::new(format!(
                "Số CCCD không hợp lệ: 3 chữ số đầu ({:03}) không phải mã tỉnh",
                province
            )));
        }
        Ok(Self(digits))
    }

    /// Parse a citizen ID read from a spreadsheet cell. A number cell
    /// drops the leading zeros of the province code (every code starts with
    /// 0: 001–096), so 10 or 11 digits that are a valid ID once padded with
    /// zeros are taken as that ID; anything else is parsed as [`Self::parse`].
    pub fn parse_spreadsheet(raw: &str) -> Result<Self, FieldError> {
        let digits = id_digits(raw);
        match zero_padded(&digits) {
            Some(padded) => Self::parse(&padded),
            None => Self::parse(raw),
        }
    }

    /// Check consistency with a known sex and birth year (century/sex digit and year digits).
    pub fn check_against(
        &self,
        sex: Option<Sex>,
        birth_year: Option<i32>,
    ) -> Result<(), FieldError> {
        let b = self.0.as_bytes();
        let century_sex = (b[3] - b'0') as i32;
        let yy = ((b[4] - b'0') as i32) * 10 + (b[5] - b'0') as i32;
        if let Some(year) = birth_year {
            let century = 1900 + (century_sex / 2) * 100;
            if century + yy != year {
                return Err(FieldError::new(format!(
                    "Số CCCD không khớp năm sinh {year}: chữ số thứ 4–6 mã hoá năm {}",
                    century + yy
                )));
            }
        }
        if let Some(sex) = sex {
            let id_sex = if century_sex % 2 == 0 {
                Sex::Male
            } else {
                Sex::Female
            };
            if sex != Sex::Other && id_sex != sex {
                return Err(FieldError::new(format!(
                    "Số CCCD không khớp giới tính {}: chữ số thứ 4 mã hoá giới tính {}",
                    sex.label(),
                    id_sex.label()
                )));
            }
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Only the last 3 digits, for display in lists: `*********123`.
    pub fn masked(&self) -> String {
        format!("*********{}", &self.0[9..])
    }
}

impl fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print a citizen ID into logs.
        write!(f, "CitizenId({})", self.masked())
    }
}

/// A Vietnamese phone number, stored as `0` followed by 9 or 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let mut digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-' | '(' | ')' | '\''))
            .collect();
        if let Some(rest) = digits.strip_prefix("+84") {
            digits = format!("0{rest}");
        } else if digits.starts_with("84") && digits.len() == 11 {
            digits = format!("0{}", &digits[2..]);
        } else if !digits.starts_with('0') && digits.len() == 9 {
            // Excel drops the leading zero of numbers typed into a numeric cell.
            digits = format!("0{digits}");
        }
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                "Số điện thoại chỉ gồm chữ số, ví dụ 0912345678",
            ));
        }
        let mobile = digits.len() == 10 && matches!(&digits[..2], "03" | "05" | "07" | "08" | "09");
        let landline = digits.len() == 11 && digits.starts_with("02");
        if digits.len() == 10 && digits.starts_with('2') {
            // A landline (02x...) typed into a numeric cell lost its 0.
            return Err(FieldError::new(
                "Số điện thoại có 10 chữ số, bắt đầu bằng 2: có thể Excel đã bỏ số 0 ở đầu số cố định. Hãy định dạng cột là Văn bản (Text) và gõ lại đủ 11 chữ số (02...).",
            ));
        }
        if !mobile && !landline {
            return Err(FieldError::new(format!(
                "Số điện thoại \"{raw}\" không đúng: di động có 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09; cố định có 11 chữ số bắt đầu bằng 02"
            )));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
    Other,
}

impl Sex {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match vntext::fold(raw).as_str() {
            "nam" | "m" | "male" | "trai" | "1" => Ok(Sex::Male),
            "nu" | "f" | "female" | "gai" | "0" | "2" => Ok(Sex::Female),
            "khac" => Ok(Sex::Other),
            _ => Err(FieldError::new(format!(
                "Giới tính \"{raw}\" không rõ: ghi Nam, Nữ hoặc Khác"
            ))),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "nam",
            Sex::Female => "nu",
            Sex::Other => "khac",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "nam" => Some(Sex::Male),
            "nu" => Some(Sex::Female),
            "khac" => Some(Sex::Other),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "Nam",
            Sex::Female => "Nữ",
            Sex::Other => "Khác",
        }
    }
}

/// Date of birth: often only the year is known in commune records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BirthDate {
    Full(NaiveDate),
    Year(i32),
}

impl BirthDate {
    /// Parse what officials type: `05/03/1962`, `5-3-1962`, `1962-03-05`,
    /// `1962`, or an Excel date serial number (e.g. `22710`).
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new("Ngày sinh đang để trống"));
        }
        let bad = || {
            FieldError::new(format!(
                "Ngày sinh \"{s}\" không đúng: ghi theo dạng ngày/tháng/năm (05/03/1962) hoặc chỉ năm (1962)"
            ))
        };
        let parsed = if s.len() == 4 && s.chars().all(|c| c.is_ascii_digit()) {
            BirthDate::Year(s.parse().map_err(|_| bad())?)
        } else if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            BirthDate::Full(d)
        } else if let Some(d) = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        {
            BirthDate::Full(d)
        } else if let Ok(serial) = s.parse::<f64>() {
            // Excel serial: days since 1899-12-30 (the 1900 leap-year bug included).
            if !(1.0..=80000.0).contains(&serial) {
                return Err(bad());
            }
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or_else(bad)?;
            BirthDate::Full(base + chrono::Duration::days(serial.trunc() as i64))
        } else {
            return Err(bad());
        };
        let year = parsed.year();
        if year < 1900 || parsed.earliest() > today {
            return Err(FieldError::new(format!(
                "Ngày sinh \"{s}\" không hợp lý (năm {year}): kiểm tra lại"
            )));
        }
        Ok(parsed)
    }

    pub fn year(self) -> i32 {
        match self {
            BirthDate::Full(d) => d.year(),
            BirthDate::Year(y) => y,
        }
    }

    fn earliest(self) -> NaiveDate {
        match self {
            BirthDate::Full(d) => d,
            BirthDate::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    /// Age in whole years on `on`. With only a year known, the age is
    /// `on.year - year` (the convention of commune records).
    pub fn age_on(self, on: NaiveDate) -> i32 {
        match self {
            BirthDate::Full(d) => {
                let mut age = on.year() - d.year();
                if (on.month(), on.day()) < (d.month(), d.day()) {
                    age -= 1;
                }
                age
            }
            BirthDate::Year(y) => on.year() - y,
        }
    }

    /// Storage form: `YYYY-MM-DD` or `YYYY`.
    pub fn to_storage(self) -> String {
        match self {
            BirthDate::Full(d) => d.format("%Y-%m-%d").to_string(),
            BirthDate::Year(y) => format!("{y:04}"),
        }
    }

    pub fn from_storage(s: &str) -> Option<Self> {
        if s.len() == 4 {
            s.parse().ok().map(BirthDate::Year)
        } else {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(BirthDate::Full)
        }
    }

    /// Vietnamese display: `05/03/1962` or `1962`.
    pub fn display(self) -> String {
        match self {
            BirthDate::Full(d) => d.format("%d/%m/%Y").to_string(),
            BirthDate::Year(y) => y.to_string(),
        }
    }
}

/// The 54 ethnic groups of Vietnam (Decision 121-TCTK/PPCĐ), as names are written.
pub const ETHNIC_GROUPS: &[&str] = &[
    "Kinh",
    "Tày",
    "Thái",
    "Mường",
    "Khmer",
    "Hoa",
    "Nùng",
    "H'Mông",
    "Dao",
    "Gia Rai",
    "Ngái",
    "Ê Đê",
    "Ba Na",
    "Xơ Đăng",
    "Sán Chay",
    "Cơ Ho",
    "Chăm",
    "Sán Dìu",
    "Hrê",
    "Mnông",
    "Ra Glai",
    "Xtiêng",
    "Bru Vân Kiều",
    "Thổ",
    "Giáy",
    "Cơ Tu",
    "Gié Triêng",
    "Mạ",
    "Khơ Mú",
    "Co",
    "Tà Ôi",
    "Chơ Ro",
    "Kháng",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "La Ha",
    "Phù Lá",
    "La Hủ",
    "Lự",
    "Lô Lô",
    "Chứt",
    "Mảng",
    "Pà Thẻn",
    "Cơ Lao",
    "Cống",
    "Bố Y",
    "Si La",
    "Pu Péo",
    "Brâu",
    "Ơ Đu",
    "Rơ Măm",
];

/// Canonical spelling of an ethnic group from what was typed ("kinh", "Hmong",
/// "Mèo" → "H'Mông", "Sán Chỉ" → "Sán Chay", "Mán" → "Dao").
pub fn canonical_ethnicity(raw: &str) -> Result<&'static str, FieldError> {
    let key: String = vntext::fold(raw)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let alias = match key.as_str() {
        "meo" | "hmong" | "mong" => Some("H'Mông"),
        "man" => Some("Dao"),
        "sanchi" | "caolan" => Some("Sán Chay"),
        "viet" => Some("Kinh"),
        "khome" | "khmer" => Some("Khmer"),
        "ede" => Some("Ê Đê"),
        _ => None,
    };
    if let Some(a) = alias {
        return Ok(a);
    }
    ETHNIC_GROUPS
        .iter()
        .find(|g| {
            vntext::fold(g)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                == key
        })
        .copied()
        .ok_or_else(|| {
            FieldError::new(format!(
                "Dân tộc \"{raw}\" không có trong danh mục 54 dân tộc: kiểm tra chính tả (ví dụ Kinh, Tày, Nùng, Dao, H'Mông, Sán Chay)"
            ))
        })
}

/// Whether an ethnic group counts as an ethnic minority (every group but Kinh).
pub fn is_ethnic_minority(ethnicity: &str) -> bool {
    !ethnicity.is_empty() && vntext::fold(ethnicity) != "kinh"
}

/// Relation to the head of household as written in the household book.
pub fn canonical_relation(raw: &str) -> String {
    let trimmed = vntext::normalize(raw);
    match vntext::fold(&trimmed).as_str() {
        "chu ho" | "ch" | "chuho" => "Chủ hộ".to_string(),
        "vo" => "Vợ".to_string(),
        "chong" => "Chồng".to_string(),
        "con" | "con de" | "con ruot" => "Con".to_string(),
        "bo" | "cha" => "Cha".to_string(),
        "me" => "Mẹ".to_string(),
        "chau" | "chau noi" | "chau ngoai" => "Cháu".to_string(),
        _ => {
            let mut c = trimmed.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        }
    }
}

pub fn is_head_relation(relation: &str) -> bool {
    vntext::fold(relation) == "chu ho"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_names_are_tidied_and_checked_once_for_every_entry_point() {
        let ok = |raw: &str| FullName::parse(raw).map(FullName::into_string);
        assert_eq!(ok("  nguyễn   văn an ").as_deref(), Ok("Nguyễn Văn An"));
        assert_eq!(ok("NGUYỄN VĂN AN").as_deref(), Ok("Nguyễn Văn An"));
        assert_eq!(ok("Lò Thị McKay").as_deref(), Ok("Lò Thị McKay"));
        assert_eq!(
            FullName::parse_with("lò thị McKay", true).map(FullName::into_string),
            Ok("Lò Thị Mckay".to_string())
        );
        for (raw, says) in [
            ("", "đang để trống"),
            ("   ", "đang để trống"),
            ("An", "chỉ có một chữ"),
            ("Nguyễn Văn 2", "có chữ số"),
        ] {
            let e = FullName::parse(raw).unwrap_err();
            assert!(e.message.contains(says), "{raw:?}: {}", e.message);
        }
        let long = format!("Nguyễn {}", "a".repeat(FullName::MAX_CHARS));
        assert!(FullName::parse(&long)
            .unwrap_err()
            .message
            .contains("dài quá 100"));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    #[test]
    fn citizen_id_accepts_valid_and_rejects_bad() {
        let id = CitizenId::parse("019 062 012345").unwrap();
        assert_eq!(id.as_str(), "019062012345");
        assert_eq!(id.masked(), "*********345");
        assert!(!format!("{id:?}").contains("019062"));
        assert!(CitizenId::parse("01906201234")
            .unwrap_err()
            .message
            .contains("12 chữ số"));
        assert!(CitizenId::parse("123456789")
            .unwrap_err()
            .message
            .contains("CMND"));
        assert!(CitizenId::parse("0190620123ab").is_err());
        assert!(CitizenId::parse("099062012345")
            .unwrap_err()
            .message
            .contains("mã tỉnh"));
        assert!(id.check_against(Some(Sex::Male), Some(1962)).is_ok());
        assert!(id.check_against(Some(Sex::Female), Some(1962)).is_err());
        assert!(id.check_against(None, Some(1963)).is_err());
        let young = CitizenId::parse("019305012345").unwrap();
        assert!(young.check_against(Some(Sex::Female), Some(2005)).is_ok());
    }

    #[test]
    fn citizen_id_that_lost_its_leading_zero_says_so() {
        let message = CitizenId::parse("19062012345").unwrap_err().message;
        assert_eq!(
            message,
            "Số CCCD có 11 chữ số: có thể Excel đã bỏ số 0 ở đầu. Hãy định dạng cột là Văn bản (Text) và gõ lại đủ 12 chữ số."
        );
        // Hà Nội (001): a number cell drops both zeros.
        assert!(CitizenId::parse("1080012345")
            .unwrap_err()
            .message
            .starts_with("Số CCCD có 10 chữ số: có thể Excel đã bỏ số 0 ở đầu."));
        // Eleven digits with the zero still there: a digit is missing elsewhere.
        let other = CitizenId::parse("01906201234").unwrap_err().message;
        assert!(!other.contains("Excel"), "{other}");
        // Padded, the first digits are no province: not a lost zero either.
        assert!(!CitizenId::parse("99906201234")
            .unwrap_err()
            .message
            .contains("Excel"));
        // Read from a spreadsheet, the zeros are put back.
        assert_eq!(
            CitizenId::parse_spreadsheet("19062012345")
                .unwrap()
                .as_str(),
            "019062012345"
        );
        assert_eq!(
            CitizenId::parse_spreadsheet("1080012345").unwrap().as_str(),
            "001080012345"
        );
        assert_eq!(
            CitizenId::parse_spreadsheet("019 062 012345")
                .unwrap()
                .as_str(),
            "019062012345"
        );
        assert!(CitizenId::parse_spreadsheet("99906201234").is_err());
    }

    #[test]
    fn phone_that_lost_its_leading_zero() {
        // A 9-digit mobile number is unambiguous: the 0 is put back.
        assert_eq!(
            PhoneNumber::parse("987654321").unwrap().as_str(),
            "0987654321"
        );
        // A landline of 10 digits starting with 2 says what happened.
        let message = PhoneNumber::parse("2083123456").unwrap_err().message;
        assert!(
            message.contains("có thể Excel đã bỏ số 0 ở đầu")
                && message.contains("Văn bản (Text)")
                && message.contains("11 chữ số"),
            "{message}"
        );
        // Other wrong numbers keep the general rule.
        assert!(!PhoneNumber::parse("112345678")
            .unwrap_err()
            .message
            .contains("Excel"));
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(
            PhoneNumber::parse("0912 345 678").unwrap().as_str(),
            "0912345678"
        );
        assert_eq!(
            PhoneNumber::parse("+84912345678").unwrap().as_str(),
            "0912345678"
        );
        assert_eq!(
            PhoneNumber::parse("912345678").unwrap().as_str(),
            "0912345678"
        );
        assert_eq!(
            PhoneNumber::parse("02083123456").unwrap().as_str(),
            "02083123456"
        );
        assert!(PhoneNumber::parse("0112345678").is_err());
        assert!(PhoneNumber::parse("09123").is_err());
        assert!(PhoneNumber::parse("abc").is_err());
    }

    #[test]
    fn birth_dates() {
        let t = today();
        assert_eq!(
            BirthDate::parse("05/03/1962", t).unwrap(),
            BirthDate::Full(NaiveDate::from_ymd_opt(1962, 3, 5).unwrap())
        );
        assert_eq!(BirthDate::parse("1962", t).unwrap(), BirthDate::Year(1962));
        assert_eq!(BirthDate::parse("1962-03-05", t).unwrap().year(), 1962);
        assert_eq!(
            BirthDate::parse("22710", t).unwrap(),
            BirthDate::Full(NaiveDate::from_ymd_opt(1962, 3, 5).unwrap())
        );
        assert!(BirthDate::parse("31/02/1962", t).is_err());
        assert!(BirthDate::parse("2030", t).is_err());
        assert!(BirthDate::parse("", t).is_err());
        let b = BirthDate::Full(NaiveDate::from_ymd_opt(1966, 6, 2).unwrap());
        assert_eq!(b.age_on(t), 59);
        assert_eq!(BirthDate::Year(1966).age_on(t), 60);
        assert_eq!(BirthDate::from_storage(&b.to_storage()), Some(b));
        assert_eq!(BirthDate::from_storage("1966"), Some(BirthDate::Year(1966)));
    }

    #[test]
    fn sex_and_ethnicity() {
        assert_eq!(Sex::parse("Nữ").unwrap(), Sex::Female);
        assert_eq!(Sex::parse("NAM").unwrap(), Sex::Male);
        assert!(Sex::parse("x").is_err());
        assert_eq!(canonical_ethnicity("tay").unwrap(), "Tày");
        assert_eq!(canonical_ethnicity("Mông").unwrap(), "H'Mông");
        assert_eq!(canonical_ethnicity("san chay").unwrap(), "Sán Chay");
        assert!(canonical_ethnicity("Klingon").is_err());
        assert!(is_ethnic_minority("Nùng"));
        assert!(!is_ethnic_minority("Kinh"));
        assert_eq!(ETHNIC_GROUPS.len(), 54);
    }

    #[test]
    fn relations() {
        assert_eq!(canonical_relation("chủ hộ"), "Chủ hộ");
        assert!(is_head_relation("Chủ Hộ"));
        assert_eq!(canonical_relation("con"), "Con");
        assert_eq!(canonical_relation("em rể"), "Em rể");
    }
}
