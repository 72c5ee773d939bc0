//! Personal data (Law 91/2025/QH15 on personal-data protection, in force
//! 1 January 2026): which fields are sensitive, the purposes a resident
//! consents to and who must agree, and what anonymising a record keeps.
//! Who may see the sensitive fields is [`crate::policy::Resource::SensitiveFields`].

use crate::auth::Role;
use crate::groups::TargetGroup;
use crate::person::BirthDate;
use crate::policy::{Action, Resource};
use chrono::NaiveDate;

/// A field of a resident's record that is sensitive personal data: hidden
/// from roles without [`crate::policy::Resource::SensitiveFields`] and left
/// out of exports unless chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitiveField {
    /// Dân tộc (and the ethnic-minority group derived from it).
    Ethnicity,
    /// Ghi chú: free text, which may hold health or family circumstances.
    Notes,
}

impl SensitiveField {
    pub const ALL: [SensitiveField; 2] = [SensitiveField::Ethnicity, SensitiveField::Notes];

    pub fn label(self) -> &'static str {
        match self {
            SensitiveField::Ethnicity => "Dân tộc",
            SensitiveField::Notes => "Ghi chú (có thể có thông tin sức khỏe)",
        }
    }
}

/// What of a resident's record a role is shown, beside what every role
/// that reaches the record sees (name, birth, hamlet, relation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// Ethnicity, notes and the groups derived from them.
    pub sensitive: bool,
    /// The phone number.
    pub phone: bool,
}

impl Shown {
    /// The whole record (an edit form, the person's own data).
    pub const ALL: Shown = Shown {
        sensitive: true,
        phone: true,
    };

    /// What `role` is shown of a record it reaches: the sensitive fields
    /// by [`Resource::SensitiveFields`]; the phone to those who keep the
    /// register (the office, the hamlet head, who edit it) and to the
    /// person, and to the others (the digital team, a unit's reporter)
    /// only when the person agreed to be contacted
    /// ([`ConsentPurpose::Contact`]).
    pub fn to(role: &Role, contact_consent: bool) -> Shown {
        let reach = role.may(Action::See, Resource::SensitiveFields);
        Shown {
            sensitive: reach.any(),
            phone: reach.any() || contact_consent,
        }
    }
}

/// The sensitive fields as the export form lists them.
pub fn sensitive_fields_label() -> String {
    SensitiveField::ALL
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join(", ")
}

impl TargetGroup {
    /// A group that reveals a sensitive field (ethnic minority reveals
    /// ethnicity): shown and exported only with the sensitive fields.
    pub fn is_sensitive(self) -> bool {
        matches!(self, TargetGroup::EthnicMinority)
    }
}

/// What a resident may agree to, each with its effect in hocvuso.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentPurpose {
    /// Being named in the lists behind the indicators and in units'
    /// follow-up lists. Without it the person is counted in the numbers
    /// only, never named.
    NamedLists,
    /// Being phoned by the digital team (or a unit) about classes and
    /// guidance. Without it they do not see the phone number; the office
    /// and the hamlet head, who keep the register, do.
    Contact,
}

impl ConsentPurpose {
    pub const ALL: [ConsentPurpose; 2] = [ConsentPurpose::NamedLists, ConsentPurpose::Contact];

    pub fn code(self) -> &'static str {
        match self {
            ConsentPurpose::NamedLists => "danh_sach",
            ConsentPurpose::Contact => "lien_he",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ConsentPurpose::NamedLists => {
                "Có tên trong danh sách theo dõi học kỹ năng số (danh sách người chưa đạt, đã đạt theo từng chỉ tiêu)"
            }
            ConsentPurpose::Contact => {
                "Được Tổ công nghệ số cộng đồng gọi điện hướng dẫn, nhắc lịch lớp"
            }
        }
    }

    /// What happens without this consent.
    pub fn without(self) -> &'static str {
        match self {
            ConsentPurpose::NamedLists => "Chỉ được tính vào số liệu tổng hợp, không hiện tên.",
            ConsentPurpose::Contact => "Trưởng xóm và Tổ công nghệ số không thấy số điện thoại.",
        }
    }
}

/// The age from which a child's own consent is needed beside a parent's.
pub const CHILD_CONSENT_AGE: i32 = 7;
/// The age from which a person consents alone.
pub const ADULT_CONSENT_AGE: i32 = 18;

/// Whose agreement a consent needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parties {
    pub person: bool,
    pub guardian: bool,
}

/// Who must agree, from the person's age on `on`: an adult alone; a child
/// of 7 or more and a parent or guardian; a younger child's parent or
/// guardian. With no birth date known, the person alone (the form says a
/// child needs a guardian).
pub fn consent_parties(birth: Option<BirthDate>, on: NaiveDate) -> Parties {
    match birth.map(|b| b.age_on(on)) {
        Some(age) if age < CHILD_CONSENT_AGE => Parties {
            person: false,
            guardian: true,
        },
        Some(age) if age < ADULT_CONSENT_AGE => Parties {
            person: true,
            guardian: true,
        },
        _ => Parties {
            person: true,
            guardian: false,
        },
    }
}

/// How a consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentMethod {
    /// Signed on paper (the paper is kept by the office).
    Paper,
    /// Said in person to the one recording it.
    InPerson,
    /// Given by the person themself, logged in.
    Online,
}

impl ConsentMethod {
    pub const ALL: [ConsentMethod; 3] = [
        ConsentMethod::Paper,
        ConsentMethod::InPerson,
        ConsentMethod::Online,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ConsentMethod::Paper => "giay",
            ConsentMethod::InPerson => "truc_tiep",
            ConsentMethod::Online => "truc_tuyen",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ConsentMethod::Paper => "Ký giấy",
            ConsentMethod::InPerson => "Nói trực tiếp với người ghi",
            ConsentMethod::Online => "Tự chọn trên hocvuso",
        }
    }
}

/// One consent as recorded: given or withdrawn, by whom and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentGiven {
    pub purpose: ConsentPurpose,
    /// True: agreed; false: refused or withdrawn.
    pub agreed: bool,
    /// The person agreed themself (needed from age 7).
    pub by_person: bool,
    /// The parent or guardian who agreed (needed under 18), if any.
    pub guardian: String,
    pub method: ConsentMethod,
}

impl ConsentGiven {
    /// Why this agreement is not valid for someone who needs `parties`, in
    /// words for the form; a refusal or withdrawal is always valid.
    pub fn problem(&self, parties: Parties) -> Option<&'static str> {
        if !self.agreed {
            return None;
        }
        if parties.guardian && self.guardian.trim().is_empty() {
            return Some(if parties.person {
                "Người dưới 18 tuổi: cần cả cha, mẹ hoặc người giám hộ đồng ý (ghi họ tên người đó)"
            } else {
                "Trẻ dưới 7 tuổi: cha, mẹ hoặc người giám hộ đồng ý thay (ghi họ tên người đó)"
            });
        }
        if parties.person && !self.by_person {
            return Some(if parties.guardian {
                "Trẻ từ đủ 7 tuổi: cần cả chính em đồng ý, không chỉ cha mẹ"
            } else {
                "Cần chính người dân đồng ý"
            });
        }
        None
    }
}

/// The longest guardian name kept.
pub const MAX_GUARDIAN_CHARS: usize = 100;

/// The name an anonymised record keeps: nothing of the person, only the
/// record's number so that counts and the audit log still add up.
pub fn anonymised_name(resident_id: i64) -> String {
    format!("Người dân đã ẩn danh (mã {resident_id})")
}

// ------------------------------------------------------------ a person's rights

/// What a person asks of the office about the data held on them (Law
/// 91/2025/QH15: correction, deletion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataRequestKind {
    /// Something held is wrong: correct it.
    Correction,
    /// Delete the data. Records counted in the commune's reports are
    /// anonymised rather than deleted ([`anonymised_name`]).
    Deletion,
}

impl DataRequestKind {
    pub const ALL: [DataRequestKind; 2] = [DataRequestKind::Correction, DataRequestKind::Deletion];

    pub fn code(self) -> &'static str {
        match self {
            DataRequestKind::Correction => "sua",
            DataRequestKind::Deletion => "xoa",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            DataRequestKind::Correction => "Sửa dữ liệu sai",
            DataRequestKind::Deletion => "Xóa dữ liệu (ẩn danh hồ sơ)",
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataRequestStatus {
    /// Waiting for the office.
    Open,
    /// The office corrected the record.
    Corrected,
    /// The office refused, with its reason.
    Refused,
    /// The record was anonymised (a deletion, or any request still open
    /// when the record was anonymised).
    Anonymised,
}

impl DataRequestStatus {
    pub const ALL: [DataRequestStatus; 4] = [
        DataRequestStatus::Open,
        DataRequestStatus::Corrected,
        DataRequestStatus::Refused,
        DataRequestStatus::Anonymised,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DataRequestStatus::Open => "cho",
            DataRequestStatus::Corrected => "da_sua",
            DataRequestStatus::Refused => "tu_choi",
            DataRequestStatus::Anonymised => "da_an_danh",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            DataRequestStatus::Open => "Đang chờ xử lý",
            DataRequestStatus::Corrected => "Đã sửa",
            DataRequestStatus::Refused => "Từ chối",
            DataRequestStatus::Anonymised => "Đã ẩn danh hồ sơ",
        }
    }

    /// The answers the office gives by hand (anonymising is its own form).
    pub fn answers() -> [DataRequestStatus; 2] {
        [DataRequestStatus::Corrected, DataRequestStatus::Refused]
    }
}

/// The longest request or answer kept, in characters.
pub const MAX_REQUEST_CHARS: usize = 2000;

/// A request's text as kept: normalised, not empty, at most
/// [`MAX_REQUEST_CHARS`] characters; else what to fix, for the form.
pub fn request_body(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Hãy ghi rõ dữ liệu nào cần sửa hoặc xóa, và sửa thành gì".into());
    }
    let n = text.chars().count();
    if n > MAX_REQUEST_CHARS {
        return Err(format!(
            "Nội dung dài {n} ký tự: chỉ được tối đa {MAX_REQUEST_CHARS} ký tự"
        ));
    }
    Ok(text.to_string())
}

/// The office's answer as kept: a refusal must say why; every answer is at
/// most [`MAX_REQUEST_CHARS`] characters; only "corrected" and "refused"
/// are given by hand.
pub fn request_answer(status: DataRequestStatus, raw: &str) -> Result<String, String> {
    if !DataRequestStatus::answers().contains(&status) {
        return Err("Chỉ chọn «Đã sửa» hoặc «Từ chối»".into());
    }
    let text = raw.trim();
    if status == DataRequestStatus::Refused && text.is_empty() {
        return Err("Từ chối thì phải ghi lý do để người dân biết".into());
    }
    let n = text.chars().count();
    if n > MAX_REQUEST_CHARS {
        return Err(format!(
            "Trả lời dài {n} ký tự: chỉ được tối đa {MAX_REQUEST_CHARS} ký tự"
        ));
    }
    Ok(text.to_string())
}

/// The word the office types to confirm anonymising a record.
pub const ANONYMISE_WORD: &str = "ẨN DANH";

/// Whether `typed` is the confirmation word, with or without diacritics,
/// in any case ("ẩn danh", "AN DANH").
pub fn confirms_anonymise(typed: &str) -> bool {
    vntext::fold(typed) == vntext::fold(ANONYMISE_WORD)
}

/// The answer written on requests still open when a record is anonymised.
pub const ANONYMISED_ANSWER: &str = "Hồ sơ đã được ẩn danh thay cho xóa: họ tên, số CCCD, số điện thoại, ngày sinh, dân tộc, quan hệ với chủ hộ và ghi chú không còn được lưu.";

/// What anonymising removes, and what it keeps so the commune's numbers stay
/// true, as the page says it.
pub const ANONYMISE_REMOVES: &str = "họ tên (thay bằng «Người dân đã ẩn danh» và mã hồ sơ), số CCCD, số điện thoại, ngày tháng sinh (giữ năm sinh), tên dân tộc, quan hệ với chủ hộ, ghi chú, chức vụ trong đơn vị; tài khoản đăng nhập bị khóa và đăng xuất";
pub const ANONYMISE_KEEPS: &str = "năm sinh, xóm, thuộc dân tộc thiểu số hay không, nhóm đối tượng, đơn vị, lớp học, kết quả học và giấy chứng nhận (mang tên đã ẩn danh): các số liệu báo cáo của xã vẫn đúng, nhưng không còn biết là ai";

/// The username an anonymised person's account keeps (disabled): nothing
/// of the name it was made from.
pub fn anonymised_username(user_id: i64) -> String {
    format!("an-danh-{user_id}")
}

/// The birth date an anonymised record keeps: the year alone.
pub fn anonymised_birth(birth: Option<BirthDate>) -> Option<BirthDate> {
    birth.map(|b| BirthDate::Year(b.year()))
}

#[cfg(test)]
mod request_tests {
    use super::*;

    #[test]
    fn request_codes_round_trip() {
        for k in DataRequestKind::ALL {
            assert_eq!(DataRequestKind::from_code(k.code()), Some(k));
        }
        for s in DataRequestStatus::ALL {
            assert_eq!(DataRequestStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(DataRequestKind::from_code("khac"), None);
    }

    #[test]
    fn a_request_is_not_empty_nor_longer_than_the_limit() {
        assert!(request_body("   ").is_err());
        assert_eq!(
            request_body("  Sai ngày sinh  ").as_deref(),
            Ok("Sai ngày sinh")
        );
        let long = "ẩ".repeat(MAX_REQUEST_CHARS);
        assert!(
            request_body(&long).is_ok(),
            "counted in characters, not bytes"
        );
        assert!(request_body(&format!("{long}a")).is_err());
    }

    #[test]
    fn a_refusal_says_why() {
        assert!(request_answer(DataRequestStatus::Refused, " ").is_err());
        assert!(request_answer(DataRequestStatus::Refused, "Giấy tờ không khớp").is_ok());
        assert_eq!(
            request_answer(DataRequestStatus::Corrected, "").as_deref(),
            Ok("")
        );
        assert!(request_answer(DataRequestStatus::Open, "x").is_err());
        assert!(request_answer(DataRequestStatus::Anonymised, "x").is_err());
    }

    #[test]
    fn the_confirmation_word_with_or_without_diacritics() {
        for typed in ["ẨN DANH", "ẩn danh", " an danh ", "AN DANH"] {
            assert!(confirms_anonymise(typed), "{typed}");
        }
        for typed in ["", "an", "xoa", "andanh"] {
            assert!(!confirms_anonymise(typed), "{typed}");
        }
    }

    #[test]
    fn nothing_of_the_person_is_kept_in_names() {
        assert!(!anonymised_username(4).contains("nguyen"));
        let born = NaiveDate::from_ymd_opt(1970, 5, 2).map(BirthDate::Full);
        assert_eq!(anonymised_birth(born), Some(BirthDate::Year(1970)));
        assert_eq!(anonymised_birth(None), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or(NaiveDate::MIN)
    }

    fn born(y: i32, m: u32, d: u32) -> Option<BirthDate> {
        NaiveDate::from_ymd_opt(y, m, d).map(BirthDate::Full)
    }

    #[test]
    fn who_agrees_depends_on_age_on_the_day() {
        let adult = Parties {
            person: true,
            guardian: false,
        };
        let child = Parties {
            person: true,
            guardian: true,
        };
        let young = Parties {
            person: false,
            guardian: true,
        };
        assert_eq!(consent_parties(born(1980, 1, 1), on()), adult);
        // 18 tomorrow: still a child today.
        assert_eq!(consent_parties(born(2008, 12, 8), on()), child);
        assert_eq!(consent_parties(born(2008, 12, 7), on()), adult);
        // 7 today: the child agrees too.
        assert_eq!(consent_parties(born(2019, 12, 7), on()), child);
        assert_eq!(consent_parties(born(2019, 12, 8), on()), young);
        assert_eq!(consent_parties(None, on()), adult);
    }

    #[test]
    fn a_child_needs_both_and_a_withdrawal_needs_nobody_else() {
        let child = consent_parties(born(2015, 6, 1), on());
        let mut c = ConsentGiven {
            purpose: ConsentPurpose::NamedLists,
            agreed: true,
            by_person: false,
            guardian: "Lục Văn Dũng".into(),
            method: ConsentMethod::Paper,
        };
        assert!(c.problem(child).is_some(), "the parent alone is not enough");
        c.by_person = true;
        assert_eq!(c.problem(child), None);
        c.guardian = "  ".into();
        assert!(c.problem(child).is_some(), "the child alone is not enough");
        c.agreed = false;
        assert_eq!(c.problem(child), None);
    }

    #[test]
    fn the_phone_needs_consent_below_the_office() {
        let head = Role::HamletHead { hamlet_id: 1 };
        let team = Role::DigitalTeamMember { hamlet_id: 1 };
        let me = Role::Resident { resident_id: 3 };
        assert_eq!(Shown::to(&Role::Admin, false), Shown::ALL);
        assert_eq!(Shown::to(&me, false), Shown::ALL);
        assert_eq!(Shown::to(&head, false), Shown::ALL);
        assert!(Shown::to(&team, true).phone);
        assert_eq!(
            Shown::to(&team, false),
            Shown {
                sensitive: false,
                phone: false
            }
        );
        assert!(!Shown::to(&Role::UnitReporter { unit_id: 2 }, true).sensitive);
    }

    #[test]
    fn codes_round_trip_and_only_the_minority_group_is_sensitive() {
        for p in ConsentPurpose::ALL {
            assert_eq!(ConsentPurpose::from_code(p.code()), Some(p));
        }
        for m in ConsentMethod::ALL {
            assert_eq!(ConsentMethod::from_code(m.code()), Some(m));
        }
        let sensitive: Vec<_> = TargetGroup::ALL
            .into_iter()
            .filter(|g| g.is_sensitive())
            .collect();
        assert_eq!(sensitive, vec![TargetGroup::EthnicMinority]);
        assert!(!anonymised_name(12).contains("Nguyễn"));
    }
}
