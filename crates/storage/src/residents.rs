//! Adding and editing residents and households: the columns of a resident as
//! stored ([`ResidentValues`]), the inserts and updates inside a transaction
//! that imports and demo loads reuse, and the public create and update
//! operations (each refreshes the resident's derived groups in the same
//! transaction). Written once for both engines, like [`crate::learning`].

use crate::rows::ResidentRow;
use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::groups::TargetGroup;
use hocvuso_domain::person::is_ethnic_minority;
use hocvuso_domain::NewResident;

/// Columns of a resident as stored, computed from a [`NewResident`].
pub(crate) struct ResidentValues {
    pub(crate) full_name: String,
    pub(crate) name_key: String,
    pub(crate) sex: Option<String>,
    pub(crate) birth: Option<String>,
    pub(crate) birth_year: Option<i32>,
    pub(crate) ethnicity: String,
    pub(crate) is_minority: bool,
    pub(crate) phone: Option<String>,
    pub(crate) citizen_id: Option<String>,
    pub(crate) relation: String,
    pub(crate) notes: String,
}

impl ResidentValues {
    pub(crate) fn from_new(r: &NewResident) -> Self {
        Self {
            full_name: r.full_name.clone(),
            name_key: vntext::fold(&r.full_name),
            sex: r.sex.map(|s| s.code().to_string()),
            birth: r.birth.map(|b| b.to_storage()),
            birth_year: r.birth.map(|b| b.year()),
            ethnicity: r.ethnicity.clone(),
            is_minority: is_ethnic_minority(&r.ethnicity),
            phone: r.phone.as_ref().map(|p| p.as_str().to_string()),
            citizen_id: r.citizen_id.as_ref().map(|c| c.as_str().to_string()),
            relation: r.relation.clone(),
            notes: r.notes.clone(),
        }
    }

    pub(crate) fn same_as(&self, row: &ResidentRow, household_id: i64) -> bool {
        row.household_id == household_id
            && row.full_name == self.full_name
            && row.sex == self.sex
            && row.birth == self.birth
            && row.ethnicity == self.ethnicity
            && row.phone == self.phone
            && row.citizen_id == self.citizen_id
            && row.relation == self.relation
            && row.notes == self.notes
    }
}

/// Bind the resident columns from `full_name` to `notes`, in table order.
macro_rules! bind_resident_values {
    ($q:expr, $v:expr) => {
        $q.bind(&$v.full_name)
            .bind(&$v.name_key)
            .bind(&$v.sex)
            .bind(&$v.birth)
            .bind($v.birth_year)
            .bind(&$v.ethnicity)
            .bind($v.is_minority)
            .bind(&$v.phone)
            .bind(&$v.citizen_id)
            .bind(&$v.relation)
            .bind(&$v.notes)
    };
}

macro_rules! resident_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn create_household(&self, hamlet_id: i64, code: Option<&str>, head_name: &str, farm_business: bool, address: &str) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO households (hamlet_id, code, head_name, head_key, farm_business, address) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(hamlet_id)
                .bind(code)
                .bind(head_name)
                .bind(vntext::fold(head_name))
                .bind(farm_business)
                .bind(address)
                .fetch_one(&self.write)
                .await?)
            }

            pub(crate) async fn insert_household_tx(tx: &mut sqlx::Transaction<'static, $DB>, hamlet_id: i64, code: Option<&str>, head: &str) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO households (hamlet_id, code, head_name, head_key, farm_business, address) VALUES ($1, $2, $3, $4, FALSE, '') RETURNING id",
                )
                .bind(hamlet_id)
                .bind(code)
                .bind(head)
                .bind(vntext::fold(head))
                .fetch_one(&mut **tx)
                .await?)
            }

            pub(crate) async fn insert_resident_tx(
                tx: &mut sqlx::Transaction<'static, $DB>,
                household_id: i64,
                hamlet_id: i64,
                v: &ResidentValues,
                now: DateTime<Utc>,
            ) -> Result<i64> {
                let q = sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO residents (household_id, hamlet_id, full_name, name_key, sex, birth, birth_year, ethnicity, is_minority, phone, citizen_id, relation, notes, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
                )
                .bind(household_id)
                .bind(hamlet_id);
                bind_resident_values!(q, v)
                .bind(now)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        StoreError::Conflict(format!("Số CCCD của \"{}\" đã có trong sổ của người khác", v.full_name))
                    }
                    _ => StoreError::Database(e),
                })
            }

            pub(crate) async fn update_resident_tx(
                tx: &mut sqlx::Transaction<'static, $DB>,
                id: i64,
                household_id: i64,
                hamlet_id: i64,
                v: &ResidentValues,
                now: DateTime<Utc>,
            ) -> Result<()> {
                let q = sqlx::query::<$DB>(
                    "UPDATE residents SET household_id = $2, hamlet_id = $3, full_name = $4, name_key = $5, sex = $6, birth = $7, birth_year = $8, \
                     ethnicity = $9, is_minority = $10, phone = $11, citizen_id = $12, relation = $13, notes = $14, updated_at = $15 WHERE id = $1",
                )
                .bind(id)
                .bind(household_id)
                .bind(hamlet_id);
                bind_resident_values!(q, v)
                .bind(now)
                .execute(&mut **tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        StoreError::Conflict(format!("Số CCCD của \"{}\" đã có trong sổ của người khác", v.full_name))
                    }
                    _ => StoreError::Database(e),
                })?;
                Ok(())
            }

            async fn set_manual_groups_tx(tx: &mut sqlx::Transaction<'static, $DB>, id: i64, groups: &[TargetGroup]) -> Result<()> {
                sqlx::query::<$DB>("DELETE FROM resident_groups WHERE resident_id = $1 AND source = 'manual'")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                for g in groups {
                    sqlx::query::<$DB>(
                        "INSERT INTO resident_groups (resident_id, group_code, source) VALUES ($1, $2, 'manual') ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(g.code())
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            async fn create_resident(&self, household_id: i64, r: &NewResident, today: NaiveDate) -> Result<i64> {
                let hamlet_id: i64 = sqlx::query_scalar::<$DB, i64>("SELECT hamlet_id FROM households WHERE id = $1")
                    .bind(household_id)
                    .fetch_optional(&self.read)
                    .await?
                    .ok_or_else(|| StoreError::NotFound("hộ gia đình".into()))?;
                let v = ResidentValues::from_new(r);
                let mut tx = self.write.begin().await?;
                let id = Self::insert_resident_tx(&mut tx, household_id, hamlet_id, &v, Utc::now()).await?;
                Self::set_manual_groups_tx(&mut tx, id, &r.manual_groups).await?;
                Self::refresh_groups_in(&mut tx, today, Some(&[id])).await?;
                self.commit_created(tx, Some(id)).await?;
                Ok(id)
            }

            async fn create_household_with_head(&self, hamlet_id: i64, r: &NewResident, today: NaiveDate) -> Result<(i64, i64)> {
                let v = ResidentValues::from_new(r);
                let mut tx = self.write.begin().await?;
                let household_id = Self::insert_household_tx(&mut tx, hamlet_id, None, &v.full_name).await?;
                let id = Self::insert_resident_tx(&mut tx, household_id, hamlet_id, &v, Utc::now()).await?;
                Self::set_manual_groups_tx(&mut tx, id, &r.manual_groups).await?;
                Self::refresh_groups_in(&mut tx, today, Some(&[id])).await?;
                let made = [
                    ("ho", household_id, format!("chủ hộ: cư dân {id}")),
                    ("", id, format!("vào hộ {household_id}")),
                ];
                self.commit_each(tx, &made).await?;
                Ok((household_id, id))
            }

            async fn update_resident(&self, scope: ResidentScope, id: i64, r: &NewResident, today: NaiveDate) -> Result<bool> {
                let Some(existing) = self.get_resident(scope, id).await? else { return Ok(false) };
                let v = ResidentValues::from_new(r);
                let mut tx = self.write.begin().await?;
                Self::update_resident_tx(&mut tx, id, existing.household_id, existing.hamlet_id, &v, Utc::now()).await?;
                Self::set_manual_groups_tx(&mut tx, id, &r.manual_groups).await?;
                Self::refresh_groups_in(&mut tx, today, Some(&[id])).await?;
                self.commit(tx).await?;
                Ok(true)
            }
        }
    };
}

resident_ops!(SqliteStore, sqlx::Sqlite);
resident_ops!(PgStore, sqlx::Postgres);

impl Store {
    pub async fn create_household(
        &self,
        hamlet_id: i64,
        code: Option<&str>,
        head_name: &str,
        farm_business: bool,
        address: &str,
    ) -> Result<i64> {
        dispatch!(self, s => s.create_household(hamlet_id, code, head_name, farm_business, address).await)
    }

    pub async fn create_resident(
        &self,
        household_id: i64,
        r: &NewResident,
        today: NaiveDate,
    ) -> Result<i64> {
        dispatch!(self, s => s.create_resident(household_id, r, today).await)
    }

    /// A new household in `hamlet_id` with `r` as its head, in one
    /// transaction (a duplicate citizen ID leaves nothing behind): (household
    /// id, resident id).
    pub async fn create_household_with_head(
        &self,
        hamlet_id: i64,
        r: &NewResident,
        today: NaiveDate,
    ) -> Result<(i64, i64)> {
        dispatch!(self, s => s.create_household_with_head(hamlet_id, r, today).await)
    }

    /// Update within the scope; `false` if the resident is not in it.
    pub async fn update_resident(
        &self,
        scope: ResidentScope,
        id: i64,
        r: &NewResident,
        today: NaiveDate,
    ) -> Result<bool> {
        dispatch!(self, s => s.update_resident(scope, id, r, today).await)
    }
}
