//! The commune's units (section V of the plan) and their members: create,
//! rename, deactivate (never delete: a unit's reports stay), and the people
//! in each with their position and category. Written once for both engines,
//! like [`crate::registry`].

use crate::rows::UnitRow;
use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::NaiveDate;
use hocvuso_domain::{MemberCategory, SchoolLevel, Unit, UnitType};
use sqlx::Row;

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub name: String,
    pub unit_type: UnitType,
    /// Set for a hamlet and its community digital team.
    pub hamlet_id: Option<i64>,
    /// Set for a school.
    pub school_level: Option<SchoolLevel>,
    /// The day it was created (Vietnam's date).
    pub created_on: Option<NaiveDate>,
}

/// A unit with what the set-up page shows of it.
#[derive(Debug, Clone)]
pub struct UnitOverview {
    pub unit: Unit,
    pub members: i64,
    /// Quarterly reports it has (a unit with reports is never deleted).
    pub reports: i64,
    pub created_on: Option<NaiveDate>,
}

/// A member of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub resident_id: i64,
    pub full_name: String,
    pub position: String,
    pub category: MemberCategory,
}

pub use hocvuso_domain::units::NewMember;

/// What [`Store::add_members`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MembersAdded {
    /// People who were not in the unit before.
    pub added: usize,
    /// People already in the unit whose position and category were set again.
    pub updated: usize,
}

const UNIT_COLUMNS: &str = "id, name, unit_type, hamlet_id, active, school_level, created_on";

macro_rules! unit_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn list_units(&self, include_inactive: bool) -> Result<Vec<Unit>> {
                let sql = format!(
                    "SELECT {UNIT_COLUMNS} FROM units {} ORDER BY unit_type, name",
                    if include_inactive { "" } else { "WHERE active" }
                );
                let rows = sqlx::query_as::<$DB, UnitRow>(&sql).fetch_all(&self.read).await?;
                Ok(rows.into_iter().filter_map(UnitRow::into_unit).collect())
            }

            async fn units_overview(&self) -> Result<Vec<UnitOverview>> {
                let rows = sqlx::query::<$DB>(
                    "SELECT u.id, \
                            (SELECT COUNT(*) FROM unit_members m WHERE m.unit_id = u.id), \
                            (SELECT COUNT(*) FROM unit_reports r WHERE r.unit_id = u.id), \
                            u.created_on \
                     FROM units u",
                )
                .fetch_all(&self.read)
                .await?;
                let mut extra = std::collections::HashMap::new();
                for r in rows {
                    let id: i64 = r.try_get(0)?;
                    let members: i64 = r.try_get(1)?;
                    let reports: i64 = r.try_get(2)?;
                    let created: Option<NaiveDate> = r.try_get(3)?;
                    extra.insert(id, (members, reports, created));
                }
                Ok(self
                    .list_units(true)
                    .await?
                    .into_iter()
                    .map(|unit| {
                        let (members, reports, created_on) = extra.get(&unit.id).copied().unwrap_or((0, 0, None));
                        UnitOverview { unit, members, reports, created_on }
                    })
                    .collect())
            }

            async fn create_unit(&self, u: &NewUnit) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO units (name, unit_type, hamlet_id, school_level, created_on) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&u.name)
                .bind(u.unit_type.code())
                .bind(u.hamlet_id)
                .bind(u.school_level.map(SchoolLevel::code))
                .bind(u.created_on)
                .fetch_one(&self.write)
                .await?)
            }

            async fn rename_unit(&self, id: i64, name: &str) -> Result<bool> {
                Ok(sqlx::query::<$DB>("UPDATE units SET name = $1 WHERE id = $2")
                    .bind(name)
                    .bind(id)
                    .execute(&self.write)
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn set_unit_active(&self, id: i64, active: bool) -> Result<bool> {
                Ok(sqlx::query::<$DB>("UPDATE units SET active = $1 WHERE id = $2")
                    .bind(active)
                    .bind(id)
                    .execute(&self.write)
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn add_member(&self, unit_id: i64, resident_id: i64, position: &str, category: MemberCategory, today: NaiveDate) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query::<$DB>(
                    "INSERT INTO unit_members (unit_id, resident_id, title, category) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (unit_id, resident_id) DO UPDATE SET title = excluded.title, category = excluded.category",
                )
                .bind(unit_id)
                .bind(resident_id)
                .bind(position)
                .bind(category.code())
                .execute(&mut *tx)
                .await?;
                Self::refresh_groups_in(&mut tx, today, Some(&[resident_id])).await?;
                self.commit(tx).await?;
                Ok(())
            }

            async fn add_members(&self, rows: &[NewMember], today: NaiveDate) -> Result<MembersAdded> {
                let mut tx = self.write.begin().await?;
                let mut done = MembersAdded::default();
                for m in rows {
                    let before = sqlx::query_scalar::<$DB, i64>(
                        "SELECT COUNT(*) FROM unit_members WHERE unit_id = $1 AND resident_id = $2",
                    )
                    .bind(m.unit_id)
                    .bind(m.resident_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query::<$DB>(
                        "INSERT INTO unit_members (unit_id, resident_id, title, category) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (unit_id, resident_id) DO UPDATE SET title = excluded.title, category = excluded.category",
                    )
                    .bind(m.unit_id)
                    .bind(m.resident_id)
                    .bind(&m.position)
                    .bind(m.category.code())
                    .execute(&mut *tx)
                    .await?;
                    if before > 0 {
                        done.updated += 1;
                    } else {
                        done.added += 1;
                    }
                }
                let mut ids: Vec<i64> = rows.iter().map(|m| m.resident_id).collect();
                ids.sort_unstable();
                ids.dedup();
                for chunk in ids.chunks(5000) {
                    Self::refresh_groups_in(&mut tx, today, Some(chunk)).await?;
                }
                self.commit(tx).await?;
                Ok(done)
            }

            async fn remove_member(&self, unit_id: i64, resident_id: i64, today: NaiveDate) -> Result<bool> {
                let mut tx = self.write.begin().await?;
                let gone = sqlx::query::<$DB>("DELETE FROM unit_members WHERE unit_id = $1 AND resident_id = $2")
                    .bind(unit_id)
                    .bind(resident_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                Self::refresh_groups_in(&mut tx, today, Some(&[resident_id])).await?;
                self.commit(tx).await?;
                Ok(gone)
            }

            async fn resident_id_by_citizen_id(&self, citizen_id: &str) -> Result<Option<i64>> {
                Ok(sqlx::query_scalar::<$DB, i64>("SELECT id FROM residents WHERE citizen_id = $1")
                    .bind(citizen_id)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn unit_member_ids(&self, resident_id: i64) -> Result<Vec<i64>> {
                Ok(sqlx::query_scalar::<$DB, i64>("SELECT unit_id FROM unit_members WHERE resident_id = $1 ORDER BY unit_id")
                    .bind(resident_id)
                    .fetch_all(&self.read)
                    .await?)
            }

            async fn count_commune_officials(&self) -> Result<i64> {
                let sql = format!(
                    "SELECT COUNT(DISTINCT m.resident_id) FROM unit_members m JOIN units u ON u.id = m.unit_id \
                     WHERE u.active AND m.category IN ({}) AND u.unit_type IN ({})",
                    quoted(MemberCategory::ALL.into_iter().filter(|c| c.is_official()).map(MemberCategory::code)),
                    quoted(UnitType::ALL.into_iter().filter(|t| t.is_commune_body()).map(UnitType::code)),
                );
                Ok(sqlx::query_scalar::<$DB, i64>(&sql).fetch_one(&self.read).await?)
            }

            async fn members_of(&self, unit_id: i64) -> Result<Vec<Member>> {
                let rows = sqlx::query::<$DB>(
                    "SELECT r.id, r.full_name, m.title, m.category FROM unit_members m JOIN residents r ON r.id = m.resident_id \
                     WHERE m.unit_id = $1 ORDER BY r.name_key",
                )
                .bind(unit_id)
                .fetch_all(&self.read)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        let category: String = r.try_get(3)?;
                        Ok(Member {
                            resident_id: r.try_get(0)?,
                            full_name: r.try_get(1)?,
                            position: r.try_get(2)?,
                            category: MemberCategory::from_code(&category).unwrap_or(MemberCategory::Khac),
                        })
                    })
                    .collect()
            }
        }
    };
}

unit_ops!(SqliteStore, sqlx::Sqlite);
unit_ops!(PgStore, sqlx::Postgres);

/// Codes from the domain as an SQL list ('a', 'b'): they are our own
/// constants, never user input.
fn quoted(codes: impl Iterator<Item = &'static str>) -> String {
    codes
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A unit's name as stored: NFC, single spaces; refused when empty or too long.
fn unit_name(raw: &str) -> Result<String> {
    let name = vntext::normalize(raw);
    if name.is_empty() {
        return Err(StoreError::Invalid("Tên đơn vị không được để trống".into()));
    }
    if name.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "Tên đơn vị dài quá 200 ký tự: hãy viết gọn lại".into(),
        ));
    }
    Ok(name)
}

/// The settings key of the commune's name ("xã Dân Tiến"), set on the
/// set-up page (or by the demo).
pub const COMMUNE_NAME_KEY: &str = "commune_name";

impl Store {
    /// The commune's name as the office set it, if it did.
    pub async fn commune_name(&self) -> Result<Option<String>> {
        Ok(self
            .get_setting(COMMUNE_NAME_KEY)
            .await?
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()))
    }

    /// The active units, by type and name.
    pub async fn list_units(&self) -> Result<Vec<Unit>> {
        dispatch!(self, s => s.list_units(false).await)
    }

    /// Every unit, active or not, with its member and report counts.
    pub async fn units_overview(&self) -> Result<Vec<UnitOverview>> {
        dispatch!(self, s => s.units_overview().await)
    }

    /// Create a unit. A hamlet or a team needs its hamlet; a school may have
    /// a level; two active units of the same type may not share a name.
    pub async fn create_unit_with(&self, u: &NewUnit) -> Result<i64> {
        let name = unit_name(&u.name)?;
        let needs_hamlet = matches!(u.unit_type, UnitType::Hamlet | UnitType::DigitalTeam);
        if needs_hamlet && u.hamlet_id.is_none() {
            return Err(StoreError::Invalid(format!(
                "{} phải gắn với một xóm: hãy chọn xóm",
                u.unit_type.label()
            )));
        }
        if let Some(h) = u.hamlet_id {
            if !self.list_hamlets().await?.iter().any(|x| x.id == h) {
                return Err(StoreError::Invalid(
                    "Không có xóm này trong sổ: hãy chọn lại xóm".into(),
                ));
            }
        }
        if u.school_level.is_some() && u.unit_type != UnitType::School {
            return Err(StoreError::Invalid("Chỉ trường học mới có cấp học".into()));
        }
        let key = vntext::fold(&name);
        if self
            .list_units()
            .await?
            .iter()
            .any(|x| x.unit_type == u.unit_type && vntext::fold(&x.name) == key)
        {
            return Err(StoreError::Conflict(format!("Đơn vị \"{name}\" đã có")));
        }
        let u = NewUnit { name, ..u.clone() };
        dispatch!(self, s => s.create_unit(&u).await)
    }

    /// Create a unit with only a name, a type and (for hamlets and teams) a hamlet.
    pub async fn create_unit(
        &self,
        name: &str,
        unit_type: UnitType,
        hamlet_id: Option<i64>,
    ) -> Result<i64> {
        self.create_unit_with(&NewUnit {
            name: name.to_string(),
            unit_type,
            hamlet_id,
            school_level: None,
            created_on: Some(hocvuso_domain::time::vn_today()),
        })
        .await
    }

    /// Rename a unit (communes and hamlets were merged in 2025 and still are).
    pub async fn rename_unit(&self, id: i64, name: &str) -> Result<bool> {
        let name = unit_name(name)?;
        dispatch!(self, s => s.rename_unit(id, &name).await)
    }

    /// Deactivate or reactivate a unit; it keeps its members and reports.
    pub async fn set_unit_active(&self, id: i64, active: bool) -> Result<bool> {
        dispatch!(self, s => s.set_unit_active(id, active).await)
    }

    /// Put a resident into a unit with a position and category (or change
    /// them); their derived groups are refreshed in the same transaction.
    pub async fn add_member(
        &self,
        unit_id: i64,
        resident_id: i64,
        position: &str,
        category: MemberCategory,
        today: NaiveDate,
    ) -> Result<()> {
        let position = vntext::normalize(position);
        if position.chars().count() > 120 {
            return Err(StoreError::Invalid(
                "Chức vụ dài quá 120 ký tự: hãy viết gọn lại".into(),
            ));
        }
        dispatch!(self, s => s.add_member(unit_id, resident_id, &position, category, today).await)
    }

    /// Put the people of a staff list into their units, all or none, in one
    /// transaction: a person already in a unit gets the position and
    /// category of the list (never a second row); their derived groups are
    /// refreshed in the same transaction. Refused, with nothing written,
    /// when a unit is not an active unit or a position is too long.
    pub async fn add_members(&self, rows: &[NewMember], today: NaiveDate) -> Result<MembersAdded> {
        if rows.is_empty() {
            return Ok(MembersAdded::default());
        }
        let units = self.list_units().await?;
        let mut clean = Vec::with_capacity(rows.len());
        for m in rows {
            if !units.iter().any(|u| u.id == m.unit_id) {
                return Err(StoreError::Invalid(format!(
                    "Không có đơn vị mã số {} (hoặc đơn vị đã ngừng hoạt động): chưa ghi ai",
                    m.unit_id
                )));
            }
            let position = vntext::normalize(&m.position);
            if position.chars().count() > 120 {
                return Err(StoreError::Invalid(format!(
                    "Chức vụ \"{position}\" dài quá 120 ký tự: hãy viết gọn lại; chưa ghi ai"
                )));
            }
            clean.push(NewMember {
                position,
                ..m.clone()
            });
        }
        dispatch!(self, s => s.add_members(&clean, today).await)
    }

    /// Put a resident into a unit with the category the unit's type suggests.
    pub async fn add_unit_member(
        &self,
        unit_id: i64,
        resident_id: i64,
        title: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let unit_type = self
            .list_units()
            .await?
            .into_iter()
            .find(|u| u.id == unit_id)
            .map(|u| u.unit_type)
            .ok_or_else(|| StoreError::Invalid("Không có đơn vị này".into()))?;
        self.add_member(
            unit_id,
            resident_id,
            title,
            MemberCategory::default_for(unit_type),
            today,
        )
        .await
    }

    /// Take a resident out of a unit.
    pub async fn remove_member(
        &self,
        unit_id: i64,
        resident_id: i64,
        today: NaiveDate,
    ) -> Result<bool> {
        dispatch!(self, s => s.remove_member(unit_id, resident_id, today).await)
    }

    /// The resident with this citizen ID, to add as a member (staff lists
    /// name people by their ID; nobody is created here).
    pub async fn resident_id_by_citizen_id(
        &self,
        citizen_id: &hocvuso_domain::CitizenId,
    ) -> Result<Option<i64>> {
        dispatch!(self, s => s.resident_id_by_citizen_id(citizen_id.as_str()).await)
    }

    /// Units a resident belongs to.
    pub async fn unit_member_ids(&self, resident_id: i64) -> Result<Vec<i64>> {
        dispatch!(self, s => s.unit_member_ids(resident_id).await)
    }

    /// How many people are cán bộ or công chức of one of the commune's own
    /// active bodies (whom the plan's first target counts; see
    /// [`MemberCategory::is_commune_official_in`]).
    pub async fn count_commune_officials(&self) -> Result<i64> {
        dispatch!(self, s => s.count_commune_officials().await)
    }

    /// The members of a unit, by name.
    pub async fn members_of(&self, unit_id: i64) -> Result<Vec<Member>> {
        dispatch!(self, s => s.members_of(unit_id).await)
    }

    /// The members of a unit as (resident id, name, position).
    pub async fn unit_members(&self, unit_id: i64) -> Result<Vec<(i64, String, String)>> {
        Ok(self
            .members_of(unit_id)
            .await?
            .into_iter()
            .map(|m| (m.resident_id, m.full_name, m.position))
            .collect())
    }
}
