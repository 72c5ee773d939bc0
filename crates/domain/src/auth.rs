//! Roles, scopes and the password policy.
//!
//! What each role may see or change, and how far, is one table in
//! [`crate::policy`]; the `can_*` methods here read it. Every check on
//! personal data goes through [`Role::resident_scope`]: the web layer asks
//! the storage for records *within* the scope, so a URL with another
//! hamlet's resident id finds nothing.

use crate::policy::{Action, Resource};
use crate::Id;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoleKind {
    Admin,
    CultureOffice,
    UnitReporter,
    HamletHead,
    DigitalTeamMember,
    Resident,
}

impl RoleKind {
    pub const ALL: [RoleKind; 6] = [
        RoleKind::Admin,
        RoleKind::CultureOffice,
        RoleKind::UnitReporter,
        RoleKind::HamletHead,
        RoleKind::DigitalTeamMember,
        RoleKind::Resident,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RoleKind::Admin => "admin",
            RoleKind::CultureOffice => "phong_vhxh",
            RoleKind::UnitReporter => "bao_cao_don_vi",
            RoleKind::HamletHead => "truong_xom",
            RoleKind::DigitalTeamMember => "to_cnscd",
            RoleKind::Resident => "nguoi_dan",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            RoleKind::Admin => "Quản trị hệ thống",
            RoleKind::CultureOffice => "Phòng Văn hóa – Xã hội (toàn xã)",
            RoleKind::UnitReporter => "Người báo cáo của đơn vị",
            RoleKind::HamletHead => "Trưởng xóm",
            RoleKind::DigitalTeamMember => "Thành viên Tổ công nghệ số cộng đồng",
            RoleKind::Resident => "Người dân",
        }
    }
}

/// A user's role with the object it is scoped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    CultureOffice,
    UnitReporter { unit_id: Id },
    HamletHead { hamlet_id: Id },
    DigitalTeamMember { hamlet_id: Id },
    Resident { resident_id: Id },
}

/// No record has this id: the scope of a role the policy gives no residents.
const NOBODY: Id = -1;

/// Which residents a role may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidentScope {
    /// The whole commune.
    All,
    /// Residents living in one hamlet.
    Hamlet(Id),
    /// Staff members of one unit.
    UnitStaff(Id),
    /// One's own record only.
    Own(Id),
}

impl Role {
    pub fn kind(&self) -> RoleKind {
        match self {
            Role::Admin => RoleKind::Admin,
            Role::CultureOffice => RoleKind::CultureOffice,
            Role::UnitReporter { .. } => RoleKind::UnitReporter,
            Role::HamletHead { .. } => RoleKind::HamletHead,
            Role::DigitalTeamMember { .. } => RoleKind::DigitalTeamMember,
            Role::Resident { .. } => RoleKind::Resident,
        }
    }

    /// Build from storage columns; `None` if the scope id a role needs is missing.
    pub fn from_parts(
        kind: RoleKind,
        unit_id: Option<Id>,
        hamlet_id: Option<Id>,
        resident_id: Option<Id>,
    ) -> Option<Self> {
        Some(match kind {
            RoleKind::Admin => Role::Admin,
            RoleKind::CultureOffice => Role::CultureOffice,
            RoleKind::UnitReporter => Role::UnitReporter { unit_id: unit_id? },
            RoleKind::HamletHead => Role::HamletHead {
                hamlet_id: hamlet_id?,
            },
            RoleKind::DigitalTeamMember => Role::DigitalTeamMember {
                hamlet_id: hamlet_id?,
            },
            RoleKind::Resident => Role::Resident {
                resident_id: resident_id?,
            },
        })
    }

    pub fn unit_id(&self) -> Option<Id> {
        match self {
            Role::UnitReporter { unit_id } => Some(*unit_id),
            _ => None,
        }
    }

    pub fn hamlet_id(&self) -> Option<Id> {
        match self {
            Role::HamletHead { hamlet_id } | Role::DigitalTeamMember { hamlet_id } => {
                Some(*hamlet_id)
            }
            _ => None,
        }
    }

    pub fn resident_id(&self) -> Option<Id> {
        match self {
            Role::Resident { resident_id } => Some(*resident_id),
            _ => None,
        }
    }

    /// Which residents this role may see: its reach over residents' records
    /// in the [policy](crate::policy::POLICY). Every role reaches some; were
    /// the table to give a role none, it would see no one.
    pub fn resident_scope(&self) -> ResidentScope {
        self.scope(Action::See, Resource::Residents)
            .unwrap_or(ResidentScope::Own(NOBODY))
    }

    /// May edit residents' records (within the scope).
    pub fn can_edit_residents(&self) -> bool {
        self.allowed(Action::Change, Resource::Residents)
    }

    /// May import spreadsheets into the whole registry and export it.
    pub fn can_import_export(&self) -> bool {
        self.allowed(Action::Change, Resource::Import)
    }

    pub fn can_manage_users(&self) -> bool {
        self.allowed(Action::Change, Resource::Users)
    }

    /// May fill in and submit the quarterly report of this unit: the
    /// office for all, a unit's reporter for theirs, a hamlet head or team
    /// member for their hamlet's units.
    pub fn can_report_for(&self, unit: &crate::Unit) -> bool {
        self.reaches_unit(Action::Change, Resource::UnitReports, unit)
    }

    /// May see the status board, return reports and assemble the commune's.
    pub fn can_manage_reports(&self) -> bool {
        self.allowed(Action::Change, Resource::CommuneReport)
    }

    /// May browse the registry list at all.
    pub fn can_list_residents(&self) -> bool {
        self.allowed(Action::See, Resource::Registry)
    }
}

impl ResidentScope {
    /// Whether a resident with the given id, hamlet and unit memberships is in scope.
    pub fn contains(&self, resident_id: Id, hamlet_id: Id, unit_ids: &[Id]) -> bool {
        match *self {
            ResidentScope::All => true,
            ResidentScope::Hamlet(h) => h == hamlet_id,
            ResidentScope::UnitStaff(u) => unit_ids.contains(&u),
            ResidentScope::Own(r) => r == resident_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Mật khẩu phải có ít nhất 8 ký tự")]
    TooShort,
    #[error("Mật khẩu dài tối đa 128 ký tự")]
    TooLong,
    #[error("Mật khẩu này quá phổ biến, kẻ xấu đoán được ngay: hãy chọn mật khẩu khác")]
    TooCommon,
}

/// The most common passwords (one per line), refused at sign-up and reset.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

pub fn validate_password(password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < 8 {
        return Err(PasswordError::TooShort);
    }
    if n > 128 {
        return Err(PasswordError::TooLong);
    }
    let lower = password.to_lowercase();
    let folded = vntext::fold(password).replace(' ', "");
    let single_char = password.chars().all(|c| password.starts_with(c));
    if single_char
        || COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .any(|p| !p.is_empty() && (p == lower || p == folded))
    {
        return Err(PasswordError::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let head = Role::HamletHead { hamlet_id: 3 };
        assert!(head.resident_scope().contains(10, 3, &[]));
        assert!(!head.resident_scope().contains(10, 4, &[]));
        let me = Role::Resident { resident_id: 7 };
        assert!(me.resident_scope().contains(7, 1, &[]));
        assert!(!me.resident_scope().contains(8, 1, &[]));
        assert!(!me.can_list_residents());
        let rep = Role::UnitReporter { unit_id: 5 };
        assert!(rep.resident_scope().contains(1, 1, &[2, 5]));
        assert!(!rep.resident_scope().contains(1, 1, &[2]));
        assert!(Role::CultureOffice.resident_scope().contains(1, 99, &[]));
        assert_eq!(
            Role::from_parts(RoleKind::HamletHead, None, None, None),
            None
        );
        assert_eq!(
            Role::from_parts(RoleKind::HamletHead, None, Some(2), None),
            Some(Role::HamletHead { hamlet_id: 2 })
        );
        for k in RoleKind::ALL {
            assert_eq!(RoleKind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn passwords() {
        assert_eq!(validate_password("short"), Err(PasswordError::TooShort));
        assert_eq!(
            validate_password(&"x".repeat(129)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(validate_password("12345678"), Err(PasswordError::TooCommon));
        assert_eq!(
            validate_password("Password1"),
            Err(PasswordError::TooCommon)
        );
        assert_eq!(validate_password("anhyeuem"), Err(PasswordError::TooCommon));
        assert_eq!(
            validate_password("aaaaaaaaaa"),
            Err(PasswordError::TooCommon)
        );
        assert!(validate_password("Xóm Na Hoan 2026 lúa").is_ok());
        assert!(validate_password("correct horse battery").is_ok());
    }
}
