//! Rows as the database returns them, and their conversion to domain types.

use hocvuso_domain::groups::TargetGroup;
use hocvuso_domain::{
    BirthDate, CitizenId, Hamlet, Household, PhoneNumber, Resident, Role, RoleKind, Sex, Unit,
    UnitType,
};

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct HamletRow {
    pub id: i64,
    pub name: String,
}

impl From<HamletRow> for Hamlet {
    fn from(r: HamletRow) -> Self {
        Hamlet {
            id: r.id,
            name: r.name,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UnitRow {
    pub id: i64,
    pub name: String,
    pub unit_type: String,
    pub hamlet_id: Option<i64>,
    pub active: bool,
    pub school_level: Option<String>,
    pub created_on: Option<chrono::NaiveDate>,
}

impl UnitRow {
    pub fn into_unit(self) -> Option<Unit> {
        Some(Unit {
            id: self.id,
            name: self.name,
            unit_type: UnitType::from_code(&self.unit_type)?,
            hamlet_id: self.hamlet_id,
            active: self.active,
            school_level: self
                .school_level
                .as_deref()
                .and_then(hocvuso_domain::SchoolLevel::from_code),
            created_on: self.created_on,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct HouseholdRow {
    pub id: i64,
    pub hamlet_id: i64,
    pub code: Option<String>,
    pub head_name: String,
    pub farm_business: bool,
    pub address: String,
}

impl From<HouseholdRow> for Household {
    fn from(r: HouseholdRow) -> Self {
        Household {
            id: r.id,
            hamlet_id: r.hamlet_id,
            code: r.code,
            head_name: r.head_name,
            farm_business: r.farm_business,
            address: r.address,
        }
    }
}

pub(crate) const RESIDENT_COLUMNS: &str = "r.id, r.household_id, r.hamlet_id, r.full_name, r.sex, r.birth, r.ethnicity, r.phone, r.citizen_id, r.relation, r.notes";

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ResidentRow {
    pub id: i64,
    pub household_id: i64,
    pub hamlet_id: i64,
    pub full_name: String,
    pub sex: Option<String>,
    pub birth: Option<String>,
    pub ethnicity: String,
    pub phone: Option<String>,
    pub citizen_id: Option<String>,
    pub relation: String,
    pub notes: String,
}

impl ResidentRow {
    pub fn into_resident(self, groups: Vec<TargetGroup>) -> Resident {
        Resident {
            id: self.id,
            household_id: self.household_id,
            hamlet_id: self.hamlet_id,
            full_name: self.full_name,
            sex: self.sex.as_deref().and_then(Sex::from_code),
            birth: self.birth.as_deref().and_then(BirthDate::from_storage),
            ethnicity: self.ethnicity,
            // Stored values were validated on the way in.
            phone: self
                .phone
                .as_deref()
                .and_then(|p| PhoneNumber::parse(p).ok()),
            citizen_id: self
                .citizen_id
                .as_deref()
                .and_then(|c| CitizenId::parse(c).ok()),
            relation: self.relation,
            notes: self.notes,
            groups,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct GroupRow {
    pub resident_id: i64,
    pub group_code: String,
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub unit_id: Option<i64>,
    pub hamlet_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub must_change_password: bool,
    pub disabled: bool,
}

impl UserRow {
    /// The account and its password hash; `None` when the stored role lacks
    /// the scope it needs.
    pub fn into_user(self) -> Option<(crate::User, String)> {
        let role = self.role()?;
        Some((
            crate::User {
                id: self.id,
                username: self.username,
                display_name: self.display_name,
                role,
                must_change_password: self.must_change_password,
                disabled: self.disabled,
                person_id: self.resident_id,
            },
            self.password_hash,
        ))
    }

    pub fn role(&self) -> Option<Role> {
        Role::from_parts(
            RoleKind::from_code(&self.role)?,
            self.unit_id,
            self.hamlet_id,
            self.resident_id,
        )
    }
}

/// A resident with its group codes aggregated into one column.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ResidentWithGroups {
    #[sqlx(flatten)]
    pub row: ResidentRow,
    pub group_codes: Option<String>,
}

impl ResidentWithGroups {
    pub fn into_resident(self) -> Resident {
        let mut groups: Vec<TargetGroup> = self
            .group_codes
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter_map(|c| TargetGroup::from_code(c.trim()))
            .collect();
        groups.sort();
        groups.dedup();
        self.row.into_resident(groups)
    }
}
