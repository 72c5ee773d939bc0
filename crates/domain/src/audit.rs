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
}

impl AuditAction {
    pub const ALL: [AuditAction; 18] = [
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
    Cli,
}

impl AuditObject {
    pub const ALL: [AuditObject; 12] = [
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
            _ => None,
        }
    }
}

impl From<AuditObject> for String {
    fn from(o: AuditObject) -> String {
        o.code().to_string()
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
}
