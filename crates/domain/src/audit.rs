//! What the audit log records: each action and kind of object with the code
//! stored in `audit_log` and the label the audit page shows. A code written by
//! an older version and unknown here is shown as it is.

/// An action someone took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    View,
    ViewList,
    Create,
    Edit,
    Export,
    Import,
    Login,
    LoginFailed,
    ChangePassword,
    ResetPassword,
    Lock,
    Unlock,
    RecordQuiz,
    DownloadCertificate,
    SaveReport,
    SubmitReport,
    ReturnReport,
    ExportReport,
    ViewPersonalData,
    ExportPersonalData,
    RequestData,
    AnswerDataRequest,
    Anonymise,
    /// A hamlet's list taken onto a phone for door-to-door work.
    DownloadFieldList,
    /// Visits and milestones recorded offline, sent from a phone.
    SyncFieldRecords,
}

impl AuditAction {
    pub const ALL: [AuditAction; 25] = [
        Self::View,
        Self::ViewList,
        Self::Create,
        Self::Edit,
        Self::Export,
        Self::Import,
        Self::Login,
        Self::LoginFailed,
        Self::ChangePassword,
        Self::ResetPassword,
        Self::Lock,
        Self::Unlock,
        Self::RecordQuiz,
        Self::DownloadCertificate,
        Self::SaveReport,
        Self::SubmitReport,
        Self::ReturnReport,
        Self::ExportReport,
        Self::ViewPersonalData,
        Self::ExportPersonalData,
        Self::RequestData,
        Self::AnswerDataRequest,
        Self::Anonymise,
        Self::DownloadFieldList,
        Self::SyncFieldRecords,
    ];

    /// The code stored in the log.
    pub fn code(self) -> &'static str {
        match self {
            Self::View => "xem",
            Self::ViewList => "xem_danh_sach",
            Self::Create => "tao",
            Self::Edit => "sua",
            Self::Export => "xuat",
            Self::Import => "nhap",
            Self::Login => "dang_nhap",
            Self::LoginFailed => "dang_nhap_sai",
            Self::ChangePassword => "doi_mat_khau",
            Self::ResetPassword => "dat_lai_mat_khau",
            Self::Lock => "khoa",
            Self::Unlock => "mo_khoa",
            Self::RecordQuiz => "ghi_ket_qua_hoc",
            Self::DownloadCertificate => "tai_chung_chi",
            Self::SaveReport => "luu_bao_cao",
            Self::SubmitReport => "nop_bao_cao",
            Self::ReturnReport => "tra_lai_bao_cao",
            Self::ExportReport => "xuat_bao_cao",
            Self::ViewPersonalData => "xem_du_lieu_ca_nhan",
            Self::ExportPersonalData => "tai_du_lieu_ca_nhan",
            Self::RequestData => "yeu_cau_du_lieu",
            Self::AnswerDataRequest => "tra_loi_yeu_cau_du_lieu",
            Self::Anonymise => "an_danh",
            Self::DownloadFieldList => "tai_danh_sach_thuc_dia",
            Self::SyncFieldRecords => "dong_bo_thuc_dia",
        }
    }

    /// What the audit page says.
    pub fn label(self) -> &'static str {
        match self {
            Self::View => "Xem",
            Self::ViewList => "Xem danh sách",
            Self::Create => "Tạo mới",
            Self::Edit => "Sửa",
            Self::Export => "Xuất Excel",
            Self::Import => "Nhập Excel",
            Self::Login => "Đăng nhập",
            Self::LoginFailed => "Đăng nhập sai",
            Self::ChangePassword => "Đổi mật khẩu",
            Self::ResetPassword => "Đặt lại mật khẩu",
            Self::Lock => "Khóa tài khoản",
            Self::Unlock => "Mở khóa tài khoản",
            Self::RecordQuiz => "Ghi kết quả kiểm tra thay người học",
            Self::DownloadCertificate => "Tải giấy chứng nhận",
            Self::SaveReport => "Lưu nháp báo cáo quý",
            Self::SubmitReport => "Nộp báo cáo quý",
            Self::ReturnReport => "Trả lại báo cáo quý",
            Self::ExportReport => "Tải báo cáo của xã",
            Self::ViewPersonalData => "Xem toàn bộ dữ liệu cá nhân",
            Self::ExportPersonalData => "Tải dữ liệu cá nhân (JSON, PDF)",
            Self::RequestData => "Gửi yêu cầu sửa, xóa dữ liệu cá nhân",
            Self::AnswerDataRequest => "Trả lời yêu cầu về dữ liệu cá nhân",
            Self::Anonymise => "Ẩn danh hồ sơ (thay cho xóa)",
            Self::DownloadFieldList => "Tải danh sách xóm về điện thoại (đi thực địa)",
            Self::SyncFieldRecords => "Gửi bản ghi thăm hộ, mốc kỹ năng số từ điện thoại",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The label of a stored code; an unknown code is shown as stored.
    pub fn label_of(code: &str) -> &str {
        match Self::from_code(code) {
            Some(a) => a.label(),
            None => code,
        }
    }
}

impl From<AuditAction> for String {
    fn from(a: AuditAction) -> String {
        a.code().to_string()
    }
}

/// The kind of object an action was taken on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditObject {
    Resident,
    Household,
    Registry,
    Account,
    Hamlet,
    Unit,
    Procedure,
    Indicator,
    CommuneReport,
    PilotModel,
    Setting,
    /// A personal-data breach (`/bao-mat/su-co`).
    Breach,
    /// A class (training session, `/lop`).
    Class,
    /// An outreach campaign (`/chien-dich`).
    Campaign,
    /// The commune's plan of a year (`/ke-hoach/sua`).
    Plan,
    Cli,
}

impl AuditObject {
    pub const ALL: [AuditObject; 16] = [
        Self::Resident,
        Self::Household,
        Self::Registry,
        Self::Account,
        Self::Hamlet,
        Self::Unit,
        Self::Procedure,
        Self::Indicator,
        Self::CommuneReport,
        Self::PilotModel,
        Self::Setting,
        Self::Breach,
        Self::Class,
        Self::Campaign,
        Self::Plan,
        Self::Cli,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Resident => "cu_dan",
            Self::Household => "ho",
            Self::Registry => "so_dan_cu",
            Self::Account => "tai_khoan",
            Self::Hamlet => "xom",
            Self::Unit => "don_vi",
            Self::Procedure => "thu_tuc",
            Self::Indicator => "chi_tieu",
            Self::CommuneReport => "bao_cao_xa",
            Self::PilotModel => "mo_hinh",
            Self::Setting => "cai_dat",
            Self::Breach => "su_co",
            Self::Class => "lop_hoc",
            Self::Campaign => "chien_dich",
            Self::Plan => "ke_hoach",
            Self::Cli => "cli",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Resident => "Người dân",
            Self::Household => "Hộ",
            Self::Registry => "Sổ dân cư",
            Self::Account => "Tài khoản",
            Self::Hamlet => "Xóm",
            Self::Unit => "Đơn vị",
            Self::Procedure => "Hồ sơ thủ tục",
            Self::Indicator => "Chỉ tiêu",
            Self::CommuneReport => "Báo cáo của xã",
            Self::PilotModel => "Mô hình điểm",
            Self::Setting => "Cài đặt",
            Self::Breach => "Sự cố dữ liệu cá nhân",
            Self::Class => "Buổi học",
            Self::Campaign => "Chiến dịch tuyên truyền",
            Self::Plan => "Kế hoạch",
            Self::Cli => "Dòng lệnh",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    /// Where the office reads the object, when it has a page of its own.
    pub fn href(self, id: &str) -> Option<String> {
        let numeric = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
        match self {
            Self::Resident if numeric => Some(format!("/cu-dan/{id}")),
            Self::Household if numeric => Some(format!("/ho/{id}")),
            Self::Unit if numeric => Some(format!("/don-vi/{id}")),
            Self::Indicator
                if !id.is_empty()
                    && id.len() <= 8
                    && id.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                Some(format!("/chi-tieu/{id}"))
            }
            Self::Registry => Some("/so-dan-cu".to_string()),
            Self::PilotModel => Some("/mo-hinh".to_string()),
            Self::Breach if numeric => Some(format!("/bao-mat/su-co/{id}")),
            _ => None,
        }
    }
}

impl From<AuditObject> for String {
    fn from(o: AuditObject) -> String {
        o.code().to_string()
    }
}

/// The fields of one audit entry that its hash covers, in the order they
/// are hashed. `at` is in whole microseconds (what both engines keep).
#[derive(Debug, Clone, Copy)]
pub struct ChainFields<'a> {
    pub at_micros: i64,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub detail: &'a str,
}

/// The hash of an audit entry chained to the previous entry's hash (empty
/// for the first entry of the chain): SHA-256, lowercase hex, over the
/// previous hash and each field with its length in front, so that no two
/// different entries give the same bytes. Changing, removing or reordering
/// an entry breaks every later link; `hocvuso audit verify` recomputes them.
pub fn chain_hash(prev: &str, f: &ChainFields<'_>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut put = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    put(b"hocvuso-audit-v1");
    put(prev.as_bytes());
    put(&f.at_micros.to_le_bytes());
    match f.user_id {
        Some(id) => put(&id.to_le_bytes()),
        None => put(b""),
    }
    put(f.username.as_bytes());
    put(f.action.as_bytes());
    put(f.object_type.as_bytes());
    put(f.object_id.as_bytes());
    put(f.detail.as_bytes());
    let digest = h.finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

/// What is wrong with one entry of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainBreak {
    /// Its stored hash is not the hash of its fields: the entry was changed.
    Altered,
    /// It does not point at the entry before it: an entry before it was
    /// removed, inserted or reordered.
    Unlinked,
    /// It has no hash although entries before it have one.
    Unhashed,
}

impl ChainBreak {
    pub fn label(self) -> &'static str {
        match self {
            Self::Altered => "nội dung đã bị sửa sau khi ghi",
            Self::Unlinked => "không nối với mục ngay trước (có mục bị xóa, chèn hoặc đổi chỗ)",
            Self::Unhashed => "không có mã băm dù các mục trước đã có",
        }
    }
}

/// Checks a chain entry by entry, in the order the entries were written.
/// Entries without a hash before the first hashed one were written by a
/// version without the chain and are counted apart.
#[derive(Debug, Default)]
pub struct ChainCheck {
    pub entries: u64,
    pub before_chain: u64,
    last: Option<String>,
    pub breaks: Vec<(i64, ChainBreak)>,
}

impl ChainCheck {
    /// At most this many breaks are kept (the first ones matter).
    pub const MAX_BREAKS: usize = 50;

    pub fn push(&mut self, id: i64, f: &ChainFields<'_>, prev: Option<&str>, hash: Option<&str>) {
        self.entries += 1;
        let Some(hash) = hash else {
            if self.last.is_none() {
                self.before_chain += 1;
            } else {
                self.report(id, ChainBreak::Unhashed);
            }
            return;
        };
        let expected_prev = self.last.as_deref().unwrap_or("");
        if prev != Some(expected_prev) {
            self.report(id, ChainBreak::Unlinked);
        }
        if chain_hash(prev.unwrap_or(""), f) != hash {
            self.report(id, ChainBreak::Altered);
        }
        self.last = Some(hash.to_string());
    }

    fn report(&mut self, id: i64, b: ChainBreak) {
        if self.breaks.len() < Self::MAX_BREAKS {
            self.breaks.push((id, b));
        }
    }

    /// The hash of the last entry: write it down (in the quarterly report,
    /// on paper) to detect later that entries were cut off the end.
    pub fn head(&self) -> Option<&str> {
        self.last.as_deref()
    }

    pub fn is_intact(&self) -> bool {
        self.breaks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let codes: HashSet<_> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.code()), Some(a));
            assert_ne!(a.label(), a.code(), "{a:?} needs a Vietnamese label");
        }
        for o in AuditObject::ALL {
            assert_eq!(AuditObject::from_code(o.code()), Some(o));
            assert_ne!(o.label(), o.code());
        }
    }

    #[test]
    fn unknown_codes_are_shown_as_stored() {
        assert_eq!(AuditAction::label_of("xem"), "Xem");
        assert_eq!(AuditAction::label_of("viec_cu"), "viec_cu");
    }

    #[test]
    fn links_only_for_ids_that_can_be_pages() {
        assert_eq!(
            AuditObject::Resident.href("12").as_deref(),
            Some("/cu-dan/12")
        );
        assert_eq!(AuditObject::Resident.href("12/../x"), None);
        assert_eq!(
            AuditObject::Indicator.href("6a").as_deref(),
            Some("/chi-tieu/6a")
        );
        assert_eq!(AuditObject::Account.href("3"), None);
    }

    fn fields(detail: &str) -> ChainFields<'_> {
        ChainFields {
            at_micros: 1_780_000_000_000_000,
            user_id: Some(1),
            username: "admin",
            action: "sua",
            object_type: "cu_dan",
            object_id: "7",
            detail,
        }
    }

    #[test]
    fn the_chain_detects_a_changed_a_removed_and_a_reordered_entry() {
        let h1 = chain_hash("", &fields("a"));
        let h2 = chain_hash(&h1, &fields("b"));
        let h3 = chain_hash(&h2, &fields("c"));
        assert_eq!(h1.len(), 64);
        let run = |rows: &[(i64, &str, &str, &str)]| {
            let mut c = ChainCheck::default();
            for (id, d, prev, hash) in rows {
                c.push(*id, &fields(d), Some(prev), Some(hash));
            }
            c
        };
        let ok = run(&[(1, "a", "", &h1), (2, "b", &h1, &h2), (3, "c", &h2, &h3)]);
        assert!(ok.is_intact());
        assert_eq!(ok.head(), Some(h3.as_str()));
        let changed = run(&[(1, "a", "", &h1), (2, "B", &h1, &h2), (3, "c", &h2, &h3)]);
        assert_eq!(changed.breaks, vec![(2, ChainBreak::Altered)]);
        let removed = run(&[(1, "a", "", &h1), (3, "c", &h2, &h3)]);
        assert_eq!(removed.breaks, vec![(3, ChainBreak::Unlinked)]);
        let swapped = run(&[(1, "a", "", &h1), (3, "c", &h2, &h3), (2, "b", &h1, &h2)]);
        assert!(!swapped.is_intact());
    }

    #[test]
    fn field_boundaries_are_part_of_the_hash() {
        let a = ChainFields {
            username: "ab",
            action: "c",
            ..fields("")
        };
        let b = ChainFields {
            username: "a",
            action: "bc",
            ..fields("")
        };
        assert_ne!(chain_hash("", &a), chain_hash("", &b));
    }

    #[test]
    fn entries_before_the_chain_are_counted_apart_but_not_after_it() {
        let h1 = chain_hash("", &fields("a"));
        let mut c = ChainCheck::default();
        c.push(1, &fields("old"), None, None);
        c.push(2, &fields("a"), Some(""), Some(&h1));
        assert!(c.is_intact());
        assert_eq!(c.before_chain, 1);
        c.push(3, &fields("x"), None, None);
        assert_eq!(c.breaks, vec![(3, ChainBreak::Unhashed)]);
    }
}
