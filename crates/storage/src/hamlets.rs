//! Hamlets: the live ones listed (cached), created (alone, by name in bulk,
//! or with their hamlet unit and digital team), renamed and merged
//! (communes were merged in 2025 and hamlets still are). Written once for
//! both engines, like [`crate::units`].
//!
//! A merged hamlet keeps its row with `merged_into` set: its hamlet unit and
//! digital team are deactivated, never deleted, so their quarterly reports
//! stay as history and still point at it. Everything alive (households,
//! residents, team members, accounts, pilot models, other units placed in
//! it) moves to the hamlet it was merged into, in one transaction.

use crate::rows::HamletRow;
use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{NaiveDate, Utc};
use hocvuso_domain::{Hamlet, UnitType};
use sqlx::Row;

/// A hamlet as stored, live or merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HamletRecord {
    pub id: i64,
    pub name: String,
    /// The hamlet it was merged into; `None` for a live hamlet.
    pub merged_into: Option<i64>,
}

/// A hamlet that was merged into another, for the history shown to the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedHamlet {
    pub id: i64,
    pub name: String,
    pub into_id: i64,
    pub into_name: String,
    pub merged_on: Option<NaiveDate>,
}

/// What a merge moved, for the message and the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HamletMerge {
    pub from_name: String,
    pub into_name: String,
    pub households: u64,
    pub residents: u64,
    /// Members added to the hamlet unit and digital team of `into` (people
    /// already there are kept as they were).
    pub members_added: u64,
    /// Accounts moved (scoped to the hamlet, or reporting for its units).
    pub users: u64,
    /// The hamlet unit and digital team of `from`, now inactive.
    pub units_deactivated: u64,
    /// Households whose code was already used in `into`: their code now ends
    /// with the old hamlet's name in brackets, e.g. "12 (Xóm Nà Mòn)".
    pub households_recoded: u64,
}

/// The hamlet and team types: the units a hamlet owns.
const OWN_TYPES: [UnitType; 2] = [UnitType::Hamlet, UnitType::DigitalTeam];

/// The name of a hamlet's own unit of this type, as
/// `add_hamlet_with_units` gives it: "Xóm Nà Mòn" and
/// "Tổ công nghệ số cộng đồng xóm Nà Mòn".
fn own_unit_name(hamlet: &str, unit_type: UnitType) -> String {
    if unit_type != UnitType::DigitalTeam {
        return hamlet.to_string();
    }
    match hamlet.split_once(' ') {
        Some((first, rest)) => format!("Tổ công nghệ số cộng đồng {} {rest}", first.to_lowercase()),
        None => format!("Tổ công nghệ số cộng đồng {hamlet}"),
    }
}

/// A hamlet's name as stored: NFC, single spaces; refused when empty or too long.
fn hamlet_name(raw: &str) -> Result<String> {
    let name = vntext::normalize(raw);
    if name.is_empty() {
        return Err(StoreError::Invalid(
            "Tên xóm không được để trống: hãy ghi tên mới của xóm".into(),
        ));
    }
    if name.chars().count() > 150 {
        return Err(StoreError::Invalid(
            "Tên xóm dài quá 150 ký tự: hãy viết gọn lại".into(),
        ));
    }
    Ok(name)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Refresh derived groups a few thousand residents at a time (bound
/// parameters are limited), never with an empty list.
const REFRESH_CHUNK: usize = 5000;

macro_rules! hamlet_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn list_hamlets(&self) -> Result<Vec<Hamlet>> {
                let rows = sqlx::query_as::<$DB, HamletRow>("SELECT id, name FROM hamlets WHERE merged_into IS NULL ORDER BY name")
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map(Hamlet::from).collect())
            }

            async fn create_hamlet(&self, name: &str) -> Result<i64> {
                let name = vntext::normalize(name);
                if name.is_empty() {
                    return Err(StoreError::Invalid("Tên xóm không được để trống".into()));
                }
                let id = sqlx::query_scalar::<$DB, i64>("INSERT INTO hamlets (name, name_key) VALUES ($1, $2) RETURNING id")
                    .bind(&name)
                    .bind(vntext::fold(&name))
                    .fetch_one(&self.write)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => {
                            StoreError::Conflict(format!("Xóm \"{name}\" đã có"))
                        }
                        _ => StoreError::Database(e),
                    })?;
                Ok(id)
            }

            async fn add_hamlet_with_units(&self, name: &str) -> Result<i64> {
                let name = vntext::normalize(name);
                if name.is_empty() {
                    return Err(StoreError::Invalid("Tên xóm không được để trống".into()));
                }
                let mut tx = self.write.begin().await?;
                let id = sqlx::query_scalar::<$DB, i64>("INSERT INTO hamlets (name, name_key) VALUES ($1, $2) RETURNING id")
                    .bind(&name)
                    .bind(vntext::fold(&name))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(format!("{name} đã có")),
                        _ => StoreError::Database(e),
                    })?;
                let team = match name.split_once(' ') {
                    Some((first, rest)) => format!("Tổ công nghệ số cộng đồng {} {rest}", first.to_lowercase()),
                    None => format!("Tổ công nghệ số cộng đồng {name}"),
                };
                for (unit, kind) in [(name.clone(), UnitType::Hamlet), (team, UnitType::DigitalTeam)] {
                    sqlx::query::<$DB>("INSERT INTO units (name, unit_type, hamlet_id, created_on) VALUES ($1, $2, $3, $4)")
                        .bind(unit)
                        .bind(kind.code())
                        .bind(id)
                        .bind(hocvuso_domain::time::vn_today())
                        .execute(&mut *tx)
                        .await?;
                }
                self.commit(tx).await?;
                Ok(id)
            }

            async fn ensure_hamlets(&self, names: &[String]) -> Result<Vec<i64>> {
                let mut out = Vec::with_capacity(names.len());
                for n in names {
                    let existing = sqlx::query_scalar::<$DB, i64>("SELECT id FROM hamlets WHERE name_key = $1")
                        .bind(vntext::fold(n))
                        .fetch_optional(&self.write)
                        .await?;
                    let id = match existing {
                        Some(id) => id,
                        None => self.create_hamlet(n).await?,
                    };
                    out.push(id);
                }
                Ok(out)
            }

            async fn hamlet_record_in(tx: &mut sqlx::Transaction<'static, $DB>, id: i64) -> Result<Option<HamletRecord>> {
                let row = sqlx::query::<$DB>("SELECT id, name, merged_into FROM hamlets WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?;
                row.map(|r| {
                    Ok(HamletRecord { id: r.try_get(0)?, name: r.try_get(1)?, merged_into: r.try_get(2)? })
                })
                .transpose()
            }

            async fn find_hamlet(&self, key: &str) -> Result<Option<HamletRecord>> {
                let row = sqlx::query::<$DB>("SELECT id, name, merged_into FROM hamlets WHERE name_key = $1")
                    .bind(key)
                    .fetch_optional(&self.read)
                    .await?;
                row.map(|r| {
                    Ok(HamletRecord { id: r.try_get(0)?, name: r.try_get(1)?, merged_into: r.try_get(2)? })
                })
                .transpose()
            }

            async fn merged_hamlets(&self) -> Result<Vec<MergedHamlet>> {
                let rows = sqlx::query::<$DB>(
                    "SELECT h.id, h.name, t.id, t.name, h.merged_on FROM hamlets h \
                     JOIN hamlets t ON t.id = h.merged_into ORDER BY h.name",
                )
                .fetch_all(&self.read)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(MergedHamlet {
                            id: r.try_get(0)?,
                            name: r.try_get(1)?,
                            into_id: r.try_get(2)?,
                            into_name: r.try_get(3)?,
                            merged_on: r.try_get(4)?,
                        })
                    })
                    .collect()
            }

            /// Rename a hamlet and its own units; returns the old name.
            async fn rename_hamlet(&self, id: i64, name: &str) -> Result<String> {
                let key = vntext::fold(name);
                let mut tx = self.write.begin().await?;
                let Some(old) = Self::hamlet_record_in(&mut tx, id).await? else {
                    return Err(StoreError::NotFound("xóm này: hãy tải lại trang danh sách xóm".into()));
                };
                if old.merged_into.is_some() {
                    return Err(StoreError::Invalid(format!(
                        "{} đã được gộp vào xóm khác nên không đổi tên được",
                        old.name
                    )));
                }
                let clash = sqlx::query::<$DB>("SELECT name, merged_into FROM hamlets WHERE name_key = $1 AND id <> $2")
                    .bind(&key)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(r) = clash {
                    let other: String = r.try_get(0)?;
                    let merged: Option<i64> = r.try_get(1)?;
                    return Err(StoreError::Conflict(if merged.is_some() {
                        format!("Tên \"{name}\" trùng với {other} (xóm đã gộp): hãy chọn tên khác")
                    } else {
                        format!("Đã có {other}: hãy chọn tên khác, hoặc gộp hai xóm nếu là một")
                    }));
                }
                sqlx::query::<$DB>("UPDATE hamlets SET name = $1, name_key = $2 WHERE id = $3")
                    .bind(name)
                    .bind(&key)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            StoreError::Conflict(format!("Đã có xóm tên \"{name}\": hãy chọn tên khác"))
                        } else {
                            StoreError::Database(e)
                        }
                    })?;
                // The hamlet's own units follow: those still named after it
                // (a unit the office named otherwise keeps its name).
                let units = sqlx::query::<$DB>("SELECT id, name, unit_type FROM units WHERE hamlet_id = $1 AND unit_type IN ($2, $3)")
                    .bind(id)
                    .bind(UnitType::Hamlet.code())
                    .bind(UnitType::DigitalTeam.code())
                    .fetch_all(&mut *tx)
                    .await?;
                for r in units {
                    let unit_id: i64 = r.try_get(0)?;
                    let unit_name: String = r.try_get(1)?;
                    let code: String = r.try_get(2)?;
                    let Some(t) = UnitType::from_code(&code) else { continue };
                    if vntext::fold(&unit_name) == vntext::fold(&own_unit_name(&old.name, t)) {
                        sqlx::query::<$DB>("UPDATE units SET name = $1 WHERE id = $2")
                            .bind(own_unit_name(name, t))
                            .bind(unit_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                self.commit(tx).await?;
                Ok(old.name)
            }

            async fn merge_hamlets(&self, from: i64, into: i64, today: NaiveDate) -> Result<HamletMerge> {
                let mut tx = self.write.begin().await?;
                // Lock both rows, in id order, so that two merges at once
                // (A into B, B into A) wait for each other instead of both
                // reading "not merged".
                for id in [from.min(into), from.max(into)] {
                    sqlx::query::<$DB>("UPDATE hamlets SET merged_into = merged_into WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                let not_found = || StoreError::NotFound("xóm này: hãy tải lại trang danh sách xóm".into());
                let src = Self::hamlet_record_in(&mut tx, from).await?.ok_or_else(not_found)?;
                let dst = Self::hamlet_record_in(&mut tx, into).await?.ok_or_else(not_found)?;
                if src.merged_into.is_some() {
                    return Err(StoreError::Invalid(format!("{} đã được gộp vào xóm khác rồi", src.name)));
                }
                if dst.merged_into.is_some() {
                    return Err(StoreError::Invalid(format!(
                        "{} đã được gộp vào xóm khác: hãy chọn một xóm còn hoạt động để gộp vào",
                        dst.name
                    )));
                }
                let mut out = HamletMerge { from_name: src.name.clone(), into_name: dst.name.clone(), ..Default::default() };
                let mut touched: Vec<i64> = sqlx::query_scalar::<$DB, i64>("SELECT id FROM residents WHERE hamlet_id = $1")
                    .bind(from)
                    .fetch_all(&mut *tx)
                    .await?;

                // Household codes are unique within a hamlet: a code `into`
                // already uses gets the old hamlet's name after it.
                out.households_recoded = sqlx::query::<$DB>(
                    "UPDATE households SET code = code || $1 WHERE hamlet_id = $2 \
                     AND code IN (SELECT code FROM households WHERE hamlet_id = $3 AND code IS NOT NULL)",
                )
                .bind(format!(" ({})", src.name))
                .bind(from)
                .bind(into)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                out.households = sqlx::query::<$DB>("UPDATE households SET hamlet_id = $1 WHERE hamlet_id = $2")
                    .bind(into)
                    .bind(from)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            StoreError::Conflict(format!(
                                "Không gộp được: có hộ của {} trùng mã hộ với một hộ của {}; hãy sửa mã hộ rồi gộp lại",
                                src.name, dst.name
                            ))
                        } else {
                            StoreError::Database(e)
                        }
                    })?
                    .rows_affected();
                out.residents = sqlx::query::<$DB>("UPDATE residents SET hamlet_id = $1, updated_at = $2 WHERE hamlet_id = $3")
                    .bind(into)
                    .bind(Utc::now())
                    .bind(from)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();

                // The hamlet unit and the digital team: members join the
                // matching unit of `into` (created if it has none), accounts
                // and pilot models follow, and the old unit is deactivated.
                let units = sqlx::query::<$DB>(
                    "SELECT id, name, unit_type, hamlet_id FROM units \
                     WHERE hamlet_id IN ($1, $2) AND unit_type IN ($3, $4) AND active ORDER BY id",
                )
                .bind(from)
                .bind(into)
                .bind(UnitType::Hamlet.code())
                .bind(UnitType::DigitalTeam.code())
                .fetch_all(&mut *tx)
                .await?;
                let mut own: Vec<(i64, String, UnitType, i64)> = Vec::with_capacity(units.len());
                for r in units {
                    let code: String = r.try_get(2)?;
                    if let Some(t) = UnitType::from_code(&code) {
                        own.push((r.try_get(0)?, r.try_get(1)?, t, r.try_get(3)?));
                    }
                }
                for t in OWN_TYPES {
                    let olds: Vec<i64> = own.iter().filter(|u| u.3 == from && u.2 == t).map(|u| u.0).collect();
                    if olds.is_empty() {
                        continue;
                    }
                    let wanted = vntext::fold(&own_unit_name(&dst.name, t));
                    let candidates: Vec<&(i64, String, UnitType, i64)> = own.iter().filter(|u| u.3 == into && u.2 == t).collect();
                    let target = match candidates
                        .iter()
                        .find(|u| vntext::fold(&u.1) == wanted)
                        .or_else(|| candidates.first())
                    {
                        Some(u) => u.0,
                        None => sqlx::query_scalar::<$DB, i64>(
                            "INSERT INTO units (name, unit_type, hamlet_id, created_on) VALUES ($1, $2, $3, $4) RETURNING id",
                        )
                        .bind(own_unit_name(&dst.name, t))
                        .bind(t.code())
                        .bind(into)
                        .bind(today)
                        .fetch_one(&mut *tx)
                        .await?,
                    };
                    for old in olds {
                        touched.extend(
                            sqlx::query_scalar::<$DB, i64>("SELECT resident_id FROM unit_members WHERE unit_id = $1")
                                .bind(old)
                                .fetch_all(&mut *tx)
                                .await?,
                        );
                        out.members_added += sqlx::query::<$DB>(
                            "INSERT INTO unit_members (unit_id, resident_id, title, category) \
                             SELECT $1, resident_id, title, category FROM unit_members WHERE unit_id = $2 \
                             ON CONFLICT (unit_id, resident_id) DO NOTHING",
                        )
                        .bind(target)
                        .bind(old)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        out.users += sqlx::query::<$DB>("UPDATE users SET unit_id = $1 WHERE unit_id = $2")
                            .bind(target)
                            .bind(old)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                        for sql in [
                            "UPDATE pilot_models SET unit_id = $1 WHERE unit_id = $2",
                            "UPDATE pilot_model_notes SET unit_id = $1 WHERE unit_id = $2",
                            "UPDATE campaigns SET unit_id = $1 WHERE unit_id = $2",
                        ] {
                            sqlx::query::<$DB>(sql).bind(target).bind(old).execute(&mut *tx).await?;
                        }
                        out.units_deactivated += sqlx::query::<$DB>("UPDATE units SET active = $1 WHERE id = $2")
                            .bind(false)
                            .bind(old)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                    }
                }
                // Other units placed in the hamlet (a school, a kindergarten)
                // stay what they are, now in `into`.
                sqlx::query::<$DB>("UPDATE units SET hamlet_id = $1 WHERE hamlet_id = $2 AND unit_type NOT IN ($3, $4)")
                    .bind(into)
                    .bind(from)
                    .bind(UnitType::Hamlet.code())
                    .bind(UnitType::DigitalTeam.code())
                    .execute(&mut *tx)
                    .await?;
                out.users += sqlx::query::<$DB>("UPDATE users SET hamlet_id = $1 WHERE hamlet_id = $2")
                    .bind(into)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                for sql in [
                    "UPDATE pilot_models SET hamlet_id = $1 WHERE hamlet_id = $2",
                    "UPDATE pilot_model_notes SET hamlet_id = $1 WHERE hamlet_id = $2",
                    "UPDATE campaign_reports SET hamlet_id = $1 WHERE hamlet_id = $2",
                ] {
                    sqlx::query::<$DB>(sql).bind(into).bind(from).execute(&mut *tx).await?;
                }
                // Campaigns for the merged hamlet are for the other now.
                sqlx::query::<$DB>(
                    "INSERT INTO campaign_hamlets (campaign_id, hamlet_id) SELECT campaign_id, $1 FROM campaign_hamlets \
                     WHERE hamlet_id = $2 ON CONFLICT DO NOTHING",
                )
                .bind(into)
                .bind(from)
                .execute(&mut *tx)
                .await?;
                sqlx::query::<$DB>("DELETE FROM campaign_hamlets WHERE hamlet_id = $1")
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;
                // Classes of the merged hamlet are the other's now.
                sqlx::query::<$DB>("UPDATE training_sessions SET hamlet_id = $1 WHERE hamlet_id = $2")
                    .bind(into)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query::<$DB>("UPDATE hamlets SET merged_into = $1, merged_on = $2 WHERE id = $3")
                    .bind(into)
                    .bind(today)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;

                touched.sort_unstable();
                touched.dedup();
                for chunk in touched.chunks(REFRESH_CHUNK) {
                    Self::refresh_groups_in(&mut tx, today, Some(chunk)).await?;
                }
                self.commit(tx).await?;
                Ok(out)
            }
        }
    };
}

hamlet_ops!(SqliteStore, sqlx::Sqlite);
hamlet_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Refuse a record that names a hamlet or a unit the commune does not
    /// have (before anything is written): the one check behind classes,
    /// campaigns, their reports and pilot models' notes.
    pub(crate) async fn ensure_places(
        &self,
        hamlets: impl IntoIterator<Item = i64>,
        unit: Option<i64>,
    ) -> Result<()> {
        let hamlets: Vec<i64> = hamlets.into_iter().collect();
        if !hamlets.is_empty() {
            let known = self.list_hamlets().await?;
            if hamlets.iter().any(|h| !known.iter().any(|x| x.id == *h)) {
                return Err(StoreError::Invalid("Không có xóm này".into()));
            }
        }
        if let Some(u) = unit {
            if !self.list_units().await?.iter().any(|x| x.id == u) {
                return Err(StoreError::Invalid("Không có đơn vị này".into()));
            }
        }
        Ok(())
    }

    /// The hamlets, by name. Read on nearly every page, so kept in memory for
    /// a few seconds; this process's own changes clear it at once.
    pub async fn list_hamlets(&self) -> Result<Vec<Hamlet>> {
        if let Some(list) = self.hamlets.get() {
            return Ok(list);
        }
        let list = dispatch!(self, s => s.list_hamlets().await)?;
        self.hamlets.put(list.clone());
        Ok(list)
    }

    pub async fn create_hamlet(&self, name: &str) -> Result<i64> {
        let r = dispatch!(self, s => s.create_hamlet(name).await);
        self.hamlets.clear();
        r
    }

    /// Ids of the named hamlets, creating those that do not exist.
    pub async fn ensure_hamlets(&self, names: &[String]) -> Result<Vec<i64>> {
        self.hamlets.clear();
        let r = dispatch!(self, s => s.ensure_hamlets(names).await);
        self.hamlets.clear();
        r
    }

    /// A new hamlet with its hamlet unit and its community digital team, in one transaction.
    pub async fn add_hamlet_with_units(&self, name: &str) -> Result<i64> {
        let r = dispatch!(self, s => s.add_hamlet_with_units(name).await);
        self.hamlets.clear();
        r
    }

    /// Rename a hamlet: the name is normalised as on creation and must not
    /// fold to another hamlet's name (merged ones included); its own units
    /// ("Xóm X" and "Tổ công nghệ số cộng đồng xóm X") are renamed with it,
    /// in the same transaction. Returns the old name.
    pub async fn rename_hamlet(&self, id: i64, new_name: &str) -> Result<String> {
        let name = hamlet_name(new_name)?;
        let r = dispatch!(self, s => s.rename_hamlet(id, &name).await);
        self.hamlets.clear();
        r
    }

    /// Merge hamlet `from` into `into`, in one transaction: households,
    /// residents, members of its hamlet unit and digital team, accounts and
    /// pilot models move to `into`; its own units are deactivated (their
    /// reports stay); the hamlet is kept, marked merged, and no longer
    /// listed. Merging a hamlet into itself or into a merged one is refused.
    pub async fn merge_hamlets(
        &self,
        from_id: i64,
        into_id: i64,
        today: NaiveDate,
    ) -> Result<HamletMerge> {
        let _forget = crate::users::ForgetSessions(self);
        if from_id == into_id {
            return Err(StoreError::Invalid(
                "Không gộp được một xóm vào chính nó: hãy chọn xóm khác để gộp vào".into(),
            ));
        }
        let r = dispatch!(self, s => s.merge_hamlets(from_id, into_id, today).await);
        self.hamlets.clear();
        r
    }

    /// The hamlet with this name, compared without diacritics ("xom na mon"
    /// finds "Xóm Nà Mòn"), live or merged.
    pub async fn find_hamlet(&self, name: &str) -> Result<Option<HamletRecord>> {
        let key = vntext::fold(&vntext::normalize(name));
        dispatch!(self, s => s.find_hamlet(&key).await)
    }

    /// The hamlets merged into another, by name.
    pub async fn merged_hamlets(&self) -> Result<Vec<MergedHamlet>> {
        dispatch!(self, s => s.merged_hamlets().await)
    }
}
