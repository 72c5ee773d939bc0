//! Every storage operation, written once. `store_ops!` expands the same
//! bodies for the SQLite and the PostgreSQL store; `Store` dispatches.
//! Statements use `$1` placeholders, which both engines accept.

use crate::rows::*;
use crate::{Engine, PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::groups::TargetGroup;
use hocvuso_domain::person::is_ethnic_minority;
use hocvuso_domain::registry::Page;
use hocvuso_domain::{Hamlet, Household, NewResident, Resident, ResidentFilter, Role, UnitType};
use hocvuso_import::{ExportRow, HouseholdKey, ImportRow};
use sqlx::{QueryBuilder, Row};
use std::collections::{HashMap, HashSet};

/// A user account as the web layer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub must_change_password: bool,
    pub disabled: bool,
    /// The person in the registry this account belongs to, when it was made
    /// for one (a resident's own account, a team member's, a unit's reporter).
    pub person_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub must_change_password: bool,
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// A question to the assistant, as logged (no personal numbers).
#[derive(Debug, Clone, Default)]
pub struct QuestionLog {
    pub user_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub question: String,
    pub behavior: String,
    pub code: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub question: String,
    pub behavior: String,
    pub code: Option<String>,
    pub rating: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub households_created: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoLoadSummary {
    pub hamlets: usize,
    pub households: usize,
    pub residents: usize,
    pub units: usize,
}

fn user_from_row(r: UserRow) -> Option<(User, String)> {
    r.into_user()
}

/// Columns of a resident as stored, computed from a [`NewResident`].
struct ResidentValues {
    full_name: String,
    name_key: String,
    sex: Option<String>,
    birth: Option<String>,
    birth_year: Option<i32>,
    ethnicity: String,
    is_minority: bool,
    phone: Option<String>,
    citizen_id: Option<String>,
    relation: String,
    notes: String,
}

impl ResidentValues {
    fn from_new(r: &NewResident) -> Self {
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

    fn same_as(&self, row: &ResidentRow, household_id: i64) -> bool {
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

/// Unit types whose staff are officials (see `UnitType::staff_are_officials`).
fn official_unit_codes() -> Vec<&'static str> {
    UnitType::ALL
        .into_iter()
        .filter(|t| t.staff_are_officials())
        .map(|t| t.code())
        .collect()
}

/// Push the WHERE clause of a resident query: the scope first, then the
/// filter. With neither, no WHERE at all, so SQLite can count from its
/// b-tree header instead of scanning.
macro_rules! push_scope_and_filter {
    ($qb:expr, $scope:expr, $filter:expr) => {{
        push_scope_and_filter!($qb, $scope, $filter, " WHERE ")
    }};
    ($qb:expr, $scope:expr, $filter:expr, $first:expr) => {{
        let qb = $qb;
        let mut sep: &str = $first;
        let mut next = |qb: &mut QueryBuilder<'_, _>| {
            qb.push(sep);
            sep = " AND ";
        };
        match $scope {
            ResidentScope::All => {}
            ResidentScope::Hamlet(h) => {
                next(qb);
                qb.push("r.hamlet_id = ").push_bind(h);
            }
            ResidentScope::UnitStaff(u) => {
                next(qb);
                qb.push("r.id IN (SELECT resident_id FROM unit_members WHERE unit_id = ")
                    .push_bind(u)
                    .push(")");
            }
            ResidentScope::Own(id) => {
                next(qb);
                qb.push("r.id = ").push_bind(id);
            }
        }
        let f: &ResidentFilter = $filter;
        if let Some(h) = f.hamlet_id {
            next(qb);
            qb.push("r.hamlet_id = ").push_bind(h);
        }
        if let Some(hh) = f.household_id {
            next(qb);
            qb.push("r.household_id = ").push_bind(hh);
        }
        if let Some(g) = f.group {
            next(qb);
            qb.push("r.id IN (SELECT resident_id FROM resident_groups WHERE group_code = ")
                .push_bind(g.code())
                .push(")");
        }
        if let Some(q) = f.query.as_deref() {
            let key = vntext::fold(q);
            if !key.is_empty() {
                let digits: String = key.chars().filter(|c| c.is_ascii_digit()).collect();
                next(qb);
                if digits.len() >= 4
                    && digits.len() == key.chars().filter(|c| !c.is_whitespace()).count()
                {
                    qb.push("r.phone LIKE ").push_bind(format!("%{digits}%"));
                } else {
                    qb.push("r.name_key LIKE ").push_bind(format!("%{key}%"));
                }
            }
        }
    }};
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

macro_rules! store_ops {
    ($Store:ident, $DB:ty, $engine:expr, $groups_agg:expr, $json_rows:expr) => {
        impl $Store {
            const ENGINE: Engine = $engine;
            /// A resident's group codes, comma-separated, as one column (one
            /// row per resident instead of one per membership).
            const GROUPS_COLUMN: &'static str = concat!("(SELECT ", $groups_agg, " FROM resident_groups g WHERE g.resident_id = r.id) AS group_codes");
            /// Folds the rows of a resident page into one JSON text value:
            /// the SQLite driver hands rows over one by one between threads,
            /// which costs more than the query itself for a 50-row page.
            const JSON_ROWS: &'static str = $json_rows;

            async fn get_setting(&self, key: &str) -> Result<Option<String>> {
                Ok(sqlx::query_scalar::<$DB, String>("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
                sqlx::query::<$DB>(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&self.write)
                .await?;
                Ok(())
            }

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

            async fn get_household(&self, scope: ResidentScope, id: i64) -> Result<Option<(Household, Vec<Resident>)>> {
                let Some(h) = sqlx::query_as::<$DB, HouseholdRow>(
                    "SELECT id, hamlet_id, code, head_name, farm_business, address FROM households WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.read)
                .await?
                else {
                    return Ok(None);
                };
                let filter = ResidentFilter { household_id: Some(id), ..Default::default() };
                let members = self.list_residents(scope, &filter, 1, 100).await?;
                let visible = match scope {
                    ResidentScope::All => true,
                    ResidentScope::Hamlet(hm) => hm == h.hamlet_id,
                    _ => !members.items.is_empty(),
                };
                if !visible {
                    return Ok(None);
                }
                Ok(Some((h.into(), members.items)))
            }

            async fn groups_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<TargetGroup>>> {
                let mut out: HashMap<i64, Vec<TargetGroup>> = HashMap::new();
                for chunk in ids.chunks(500) {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "SELECT DISTINCT resident_id, group_code FROM resident_groups WHERE resident_id IN (",
                    );
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    qb.push(")");
                    let rows: Vec<GroupRow> = qb.build_query_as().fetch_all(&self.read).await?;
                    for r in rows {
                        if let Some(g) = TargetGroup::from_code(&r.group_code) {
                            out.entry(r.resident_id).or_default().push(g);
                        }
                    }
                }
                for v in out.values_mut() {
                    v.sort();
                    v.dedup();
                }
                Ok(out)
            }

            async fn list_residents(&self, scope: ResidentScope, filter: &ResidentFilter, page: i64, per_page: i64) -> Result<Page<Resident>> {
                let page = page.max(1);
                let per_page = per_page.clamp(1, 500);
                let mut count = QueryBuilder::<$DB>::new("SELECT COUNT(*) FROM residents r");
                push_scope_and_filter!(&mut count, scope, filter);
                let total: i64 = count.build_query_scalar().fetch_one(&self.read).await?;
                let mut qb = QueryBuilder::<$DB>::new(format!(
                    "SELECT {} FROM (SELECT {RESIDENT_COLUMNS}, {} FROM residents r",
                    Self::JSON_ROWS,
                    Self::GROUPS_COLUMN
                ));
                push_scope_and_filter!(&mut qb, scope, filter);
                qb.push(" ORDER BY r.id LIMIT ")
                    .push_bind(per_page)
                    .push(" OFFSET ")
                    .push_bind((page - 1) * per_page)
                    .push(") t");
                let json: Option<String> = qb.build_query_scalar().fetch_one(&self.read).await?;
                let items = parse_json_rows(json.as_deref().unwrap_or("[]"))?;
                Ok(Page { items, total, page, per_page })
            }

            async fn get_resident(&self, scope: ResidentScope, id: i64) -> Result<Option<Resident>> {
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {RESIDENT_COLUMNS}, {} FROM residents r WHERE r.id = ", Self::GROUPS_COLUMN));
                qb.push_bind(id);
                push_scope_and_filter!(&mut qb, scope, &ResidentFilter::default(), " AND ");
                let row: Option<ResidentWithGroups> = qb.build_query_as().fetch_optional(&self.read).await?;
                Ok(row.map(ResidentWithGroups::into_resident))
            }

            async fn insert_resident_tx(
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

            async fn update_resident_tx(
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

            /// Recompute the derived groups (age, ethnicity, household type,
            /// unit staff) of some residents, or of everyone. Ages follow
            /// `BirthDate::age_on`: full dates count the birthday, years only
            /// count `today.year - year`.
            pub(crate) async fn refresh_groups_in(tx: &mut sqlx::Transaction<'static, $DB>, today: NaiveDate, ids: Option<&[i64]>) -> Result<()> {
                let year = today.year();
                let mmdd = today.format("%m-%d").to_string();
                let age = "($1 - r.birth_year - CASE WHEN length(r.birth) = 10 AND substr(r.birth, 6, 5) > $2 THEN 1 ELSE 0 END)";
                let only = |qb: &mut QueryBuilder<'_, $DB>, col: &str| {
                    if let Some(ids) = ids {
                        qb.push(format!(" AND {col} IN ("));
                        let mut sep = qb.separated(", ");
                        for id in ids {
                            sep.push_bind(*id);
                        }
                        qb.push(")");
                    }
                };
                let mut del = QueryBuilder::<$DB>::new("DELETE FROM resident_groups WHERE source = 'derived'");
                only(&mut del, "resident_id");
                del.build().execute(&mut **tx).await?;
                let officials = official_unit_codes().iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
                let statements = [
                    (TargetGroup::Elderly, format!("FROM residents r WHERE r.birth_year IS NOT NULL AND {age} >= 60")),
                    (TargetGroup::Adults, format!("FROM residents r WHERE r.birth_year IS NOT NULL AND {age} >= 18")),
                    (TargetGroup::EthnicMinority, "FROM residents r WHERE r.is_minority = TRUE AND $1 = $1 AND $2 = $2".to_string()),
                    (
                        TargetGroup::FarmBusiness,
                        format!("FROM residents r JOIN households h ON h.id = r.household_id WHERE h.farm_business = TRUE AND (r.birth_year IS NULL OR {age} >= 18)"),
                    ),
                    (
                        TargetGroup::Officials,
                        format!("FROM residents r WHERE $1 = $1 AND $2 = $2 AND EXISTS (SELECT 1 FROM unit_members m JOIN units u ON u.id = m.unit_id WHERE m.resident_id = r.id AND u.unit_type IN ({officials}))"),
                    ),
                ];
                for (group, from) in statements {
                    Self::run_group_insert(tx, group, &from, year, &mmdd, ids).await?;
                }
                Ok(())
            }

            async fn run_group_insert(
                tx: &mut sqlx::Transaction<'static, $DB>,
                group: TargetGroup,
                from: &str,
                year: i32,
                mmdd: &str,
                ids: Option<&[i64]>,
            ) -> Result<()> {
                let mut sql = format!(
                    "INSERT INTO resident_groups (resident_id, group_code, source) SELECT r.id, '{}', 'derived' {from}",
                    group.code()
                );
                if let Some(ids) = ids {
                    let list = ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
                    sql.push_str(&format!(" AND r.id IN ({list})"));
                }
                sqlx::query::<$DB>(&sql).bind(year).bind(mmdd).execute(&mut **tx).await?;
                Ok(())
            }

            async fn refresh_derived_groups(&self, today: NaiveDate) -> Result<()> {
                let mut tx = self.write.begin().await?;
                Self::refresh_groups_in(&mut tx, today, None).await?;
                self.commit(tx).await?;
                Ok(())
            }

            async fn count_by_hamlet(&self) -> Result<HashMap<i64, i64>> {
                let rows = sqlx::query::<$DB>("SELECT hamlet_id, COUNT(*) FROM residents GROUP BY hamlet_id").fetch_all(&self.read).await?;
                rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
            }

            async fn count_residents(&self) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>("SELECT COUNT(*) FROM residents").fetch_one(&self.read).await?)
            }

            async fn count_group(&self, group: TargetGroup) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT COUNT(DISTINCT resident_id) FROM resident_groups WHERE group_code = $1",
                )
                .bind(group.code())
                .fetch_one(&self.read)
                .await?)
            }

            // ---- users and sessions ----

            async fn create_user(&self, u: &NewUser) -> Result<i64> {
                let username = u.username.trim().to_lowercase();
                let q = sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO users (username, display_name, password_hash, role, unit_id, hamlet_id, resident_id, must_change_password, disabled, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9) RETURNING id",
                )
                .bind(&username)
                .bind(&u.display_name)
                .bind(&u.password_hash)
                .bind(u.role.kind().code())
                .bind(u.role.unit_id())
                .bind(u.role.hamlet_id())
                .bind(u.role.resident_id())
                .bind(u.must_change_password)
                .bind(Utc::now());
                let mut tx = self.write.begin().await?;
                let id = q
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        StoreError::Conflict(format!("Tên đăng nhập \"{username}\" đã có người dùng"))
                    }
                    _ => StoreError::Database(e),
                })?;
                self.commit_created(tx, Some(id)).await?;
                Ok(id)
            }

            async fn find_user(&self, username: &str) -> Result<Option<(User, String)>> {
                let row = sqlx::query_as::<$DB, UserRow>(
                    "SELECT id, username, display_name, password_hash, role, unit_id, hamlet_id, resident_id, must_change_password, disabled FROM users WHERE username = $1",
                )
                .bind(username.trim().to_lowercase())
                .fetch_optional(&self.read)
                .await?;
                Ok(row.and_then(user_from_row))
            }

            async fn get_user(&self, id: i64) -> Result<Option<User>> {
                let row = sqlx::query_as::<$DB, UserRow>(
                    "SELECT id, username, display_name, password_hash, role, unit_id, hamlet_id, resident_id, must_change_password, disabled FROM users WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.read)
                .await?;
                Ok(row.and_then(user_from_row).map(|(u, _)| u))
            }

            async fn list_users(&self) -> Result<Vec<User>> {
                let rows = sqlx::query_as::<$DB, UserRow>(
                    "SELECT id, username, display_name, password_hash, role, unit_id, hamlet_id, resident_id, must_change_password, disabled FROM users ORDER BY username",
                )
                .fetch_all(&self.read)
                .await?;
                Ok(rows.into_iter().filter_map(user_from_row).map(|(u, _)| u).collect())
            }

            async fn set_password(&self, user_id: i64, hash: &str, must_change: bool) -> Result<()> {
                let mut tx = self.write.begin().await?;
                let n = sqlx::query::<$DB>("UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1")
                    .bind(user_id)
                    .bind(hash)
                    .bind(must_change)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound("tài khoản".into()));
                }
                // A new password ends every open session of the account.
                sqlx::query::<$DB>("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                self.commit(tx).await?;
                Ok(())
            }

            async fn set_user_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query::<$DB>("UPDATE users SET disabled = $2 WHERE id = $1").bind(user_id).bind(disabled).execute(&mut *tx).await?;
                if disabled {
                    sqlx::query::<$DB>("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                }
                self.commit(tx).await?;
                Ok(())
            }

            async fn create_session(&self, token_hash: &str, user_id: i64, csrf: &str, expires_at: DateTime<Utc>) -> Result<()> {
                sqlx::query::<$DB>("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(csrf)
                    .bind(Utc::now())
                    .bind(expires_at)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn get_session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
                let row = sqlx::query::<$DB>(
                    "SELECT u.id, u.username, u.display_name, u.password_hash, u.role, u.unit_id, u.hamlet_id, u.resident_id, u.must_change_password, u.disabled, s.csrf_token, s.expires_at \
                     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.read)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let user_row = UserRow {
                    id: row.try_get(0)?,
                    username: row.try_get(1)?,
                    display_name: row.try_get(2)?,
                    password_hash: row.try_get(3)?,
                    role: row.try_get(4)?,
                    unit_id: row.try_get(5)?,
                    hamlet_id: row.try_get(6)?,
                    resident_id: row.try_get(7)?,
                    must_change_password: row.try_get(8)?,
                    disabled: row.try_get(9)?,
                };
                let csrf_token: String = row.try_get(10)?;
                let expires_at: DateTime<Utc> = row.try_get(11)?;
                Ok(user_from_row(user_row).map(|(user, _)| SessionRecord { user, csrf_token, expires_at }))
            }

            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                sqlx::query::<$DB>("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.write).await?;
                Ok(())
            }

            async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
                Ok(sqlx::query::<$DB>("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.write).await?.rows_affected())
            }

            // ---- audit ----

            async fn audit_rows(&self, object_type: Option<&str>, limit: i64) -> Result<Vec<(DateTime<Utc>, String, String, String, String, String)>> {
                let mut qb = QueryBuilder::<$DB>::new("SELECT at, username, action, object_type, object_id, detail FROM audit_log WHERE 1 = 1");
                if let Some(t) = object_type {
                    qb.push(" AND object_type = ").push_bind(t);
                }
                qb.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.into_iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?)))
                    .collect()
            }

            async fn count_audit(&self, action: &str, object_type: &str, object_id: &str) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_type = $2 AND object_id = $3",
                )
                .bind(action)
                .bind(object_type)
                .bind(object_id)
                .fetch_one(&self.read)
                .await?)
            }

            // ---- import and export ----

            async fn import_residents(&self, rows: &[ImportRow], today: NaiveDate, progress: &(dyn Fn(usize) + Send + Sync)) -> Result<ImportSummary> {
                let mut summary = ImportSummary::default();
                let now = Utc::now();
                let hamlet_ids: Vec<i64> = rows.iter().map(|r| r.hamlet_id).collect::<HashSet<_>>().into_iter().collect();
                let mut tx = self.write.begin().await?;
                // Households of the hamlets in the file.
                let mut by_code: HashMap<(i64, String), i64> = HashMap::new();
                let mut by_head: HashMap<(i64, String), i64> = HashMap::new();
                let mut existing: Vec<ResidentRow> = Vec::new();
                for chunk in hamlet_ids.chunks(200) {
                    let mut qb = QueryBuilder::<$DB>::new("SELECT id, hamlet_id, code, head_name, farm_business, address FROM households WHERE hamlet_id IN (");
                    let mut sep = qb.separated(", ");
                    for h in chunk {
                        sep.push_bind(*h);
                    }
                    qb.push(")");
                    let hs: Vec<HouseholdRow> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    for h in hs {
                        if let Some(c) = &h.code {
                            by_code.insert((h.hamlet_id, c.clone()), h.id);
                        }
                        by_head.entry((h.hamlet_id, vntext::fold(&h.head_name))).or_insert(h.id);
                    }
                    let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {RESIDENT_COLUMNS} FROM residents r WHERE r.hamlet_id IN ("));
                    let mut sep = qb.separated(", ");
                    for h in chunk {
                        sep.push_bind(*h);
                    }
                    qb.push(")");
                    existing.extend(qb.build_query_as::<ResidentRow>().fetch_all(&mut *tx).await?);
                }
                // Residents elsewhere whose citizen ID is in the file.
                let cids: Vec<String> = rows.iter().filter_map(|r| r.resident.citizen_id.as_ref().map(|c| c.as_str().to_string())).collect();
                let local: HashSet<i64> = existing.iter().map(|r| r.id).collect();
                for chunk in cids.chunks(500) {
                    let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {RESIDENT_COLUMNS} FROM residents r WHERE r.citizen_id IN ("));
                    let mut sep = qb.separated(", ");
                    for c in chunk {
                        sep.push_bind(c.clone());
                    }
                    qb.push(")");
                    for r in qb.build_query_as::<ResidentRow>().fetch_all(&mut *tx).await? {
                        if !local.contains(&r.id) {
                            existing.push(r);
                        }
                    }
                }
                let mut by_cid: HashMap<String, usize> = HashMap::new();
                let mut by_key: HashMap<(String, Option<String>, i64), usize> = HashMap::new();
                for (i, r) in existing.iter().enumerate() {
                    if let Some(c) = &r.citizen_id {
                        by_cid.insert(c.clone(), i);
                    }
                    by_key.insert((vntext::fold(&r.full_name), r.birth.clone(), r.household_id), i);
                }
                let mut touched: Vec<i64> = Vec::with_capacity(rows.len());
                for (n, row) in rows.iter().enumerate() {
                    let v = ResidentValues::from_new(&row.resident);
                    let is_head = hocvuso_domain::person::is_head_relation(&row.resident.relation);
                    let household_id = match &row.household {
                        HouseholdKey::Code(code) => match by_code.get(&(row.hamlet_id, code.clone())) {
                            Some(id) => {
                                if is_head {
                                    sqlx::query::<$DB>("UPDATE households SET head_name = $2, head_key = $3 WHERE id = $1 AND head_name <> $2")
                                        .bind(*id)
                                        .bind(&v.full_name)
                                        .bind(&v.name_key)
                                        .execute(&mut *tx)
                                        .await?;
                                }
                                *id
                            }
                            None => {
                                let head = if is_head { v.full_name.clone() } else { String::new() };
                                let id = Self::insert_household_tx(&mut tx, row.hamlet_id, Some(code), &head).await?;
                                summary.households_created += 1;
                                by_code.insert((row.hamlet_id, code.clone()), id);
                                id
                            }
                        },
                        HouseholdKey::Head(head) => {
                            let key = (row.hamlet_id, vntext::fold(head));
                            match by_head.get(&key) {
                                Some(id) => *id,
                                None => {
                                    let id = Self::insert_household_tx(&mut tx, row.hamlet_id, None, head).await?;
                                    summary.households_created += 1;
                                    by_head.insert(key, id);
                                    id
                                }
                            }
                        }
                    };
                    let found = match &v.citizen_id {
                        Some(c) => by_cid.get(c).copied(),
                        None => None,
                    }
                    .or_else(|| by_key.get(&(v.name_key.clone(), v.birth.clone(), household_id)).copied());
                    let id = match found {
                        Some(i) => {
                            let old = &existing[i];
                            if v.same_as(old, household_id) && old.hamlet_id == row.hamlet_id {
                                summary.unchanged += 1;
                            } else {
                                Self::update_resident_tx(&mut tx, old.id, household_id, row.hamlet_id, &v, now).await?;
                                summary.updated += 1;
                            }
                            old.id
                        }
                        None => {
                            let id = Self::insert_resident_tx(&mut tx, household_id, row.hamlet_id, &v, now).await?;
                            summary.created += 1;
                            let new_row = ResidentRow {
                                id,
                                household_id,
                                hamlet_id: row.hamlet_id,
                                full_name: v.full_name.clone(),
                                sex: v.sex.clone(),
                                birth: v.birth.clone(),
                                ethnicity: v.ethnicity.clone(),
                                phone: v.phone.clone(),
                                citizen_id: v.citizen_id.clone(),
                                relation: v.relation.clone(),
                                notes: v.notes.clone(),
                            };
                            existing.push(new_row);
                            let i = existing.len() - 1;
                            if let Some(c) = &v.citizen_id {
                                by_cid.insert(c.clone(), i);
                            }
                            by_key.insert((v.name_key.clone(), v.birth.clone(), household_id), i);
                            id
                        }
                    };
                    for g in &row.resident.manual_groups {
                        sqlx::query::<$DB>("INSERT INTO resident_groups (resident_id, group_code, source) VALUES ($1, $2, 'manual') ON CONFLICT DO NOTHING")
                            .bind(id)
                            .bind(g.code())
                            .execute(&mut *tx)
                            .await?;
                    }
                    touched.push(id);
                    if n % 500 == 499 {
                        progress(n + 1);
                    }
                }
                for chunk in touched.chunks(500) {
                    Self::refresh_groups_in(&mut tx, today, Some(chunk)).await?;
                }
                self.commit(tx).await?;
                progress(rows.len());
                Ok(summary)
            }

            async fn insert_household_tx(tx: &mut sqlx::Transaction<'static, $DB>, hamlet_id: i64, code: Option<&str>, head: &str) -> Result<i64> {
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

            async fn export_rows(&self, scope: ResidentScope) -> Result<Vec<ExportRow>> {
                let mut qb = QueryBuilder::<$DB>::new(format!(
                    "SELECT {RESIDENT_COLUMNS}, hm.name AS hamlet_name, h.code AS household_code, h.head_name FROM residents r \
                     JOIN hamlets hm ON hm.id = r.hamlet_id JOIN households h ON h.id = r.household_id"
                ));
                push_scope_and_filter!(&mut qb, scope, &ResidentFilter::default());
                qb.push(" ORDER BY hm.name, r.household_id, r.id");
                let rows = qb.build().fetch_all(&self.read).await?;
                let mut out = Vec::with_capacity(rows.len());
                let mut ids = Vec::with_capacity(rows.len());
                let mut extra = Vec::with_capacity(rows.len());
                for row in rows {
                    let rr = <ResidentRow as sqlx::FromRow<'_, <$DB as sqlx::Database>::Row>>::from_row(&row)?;
                    let hamlet: String = row.try_get("hamlet_name")?;
                    let code: Option<String> = row.try_get("household_code")?;
                    let head: String = row.try_get("head_name")?;
                    ids.push(rr.id);
                    extra.push((rr, hamlet, code, head));
                }
                let mut groups = self.groups_of(&ids).await?;
                for (rr, hamlet, code, head) in extra {
                    let g = groups.remove(&rr.id).unwrap_or_default();
                    let r = rr.into_resident(g);
                    out.push(ExportRow {
                        full_name: r.full_name,
                        birth: r.birth.map(|b| b.display()).unwrap_or_default(),
                        sex: r.sex.map(|s| s.label().to_string()).unwrap_or_default(),
                        ethnicity: r.ethnicity,
                        citizen_id: r.citizen_id.map(|c| c.as_str().to_string()).unwrap_or_default(),
                        phone: r.phone.map(|p| p.as_str().to_string()).unwrap_or_default(),
                        hamlet,
                        relation: r.relation,
                        household_code: code.unwrap_or_default(),
                        head_name: head,
                        groups: r.groups.iter().map(|g| g.label()).collect::<Vec<_>>().join("; "),
                        notes: r.notes,
                    });
                }
                Ok(out)
            }

            // ---- demo data ----

            async fn next_id(tx: &mut sqlx::Transaction<'static, $DB>, table: &str) -> Result<i64> {
                let max: Option<i64> = sqlx::query_scalar::<$DB, Option<i64>>(&format!("SELECT MAX(id) FROM {table}"))
                    .fetch_one(&mut **tx)
                    .await?;
                Ok(max.unwrap_or(0) + 1)
            }

            async fn fix_sequences(tx: &mut sqlx::Transaction<'static, $DB>) -> Result<()> {
                if Self::ENGINE == Engine::Postgres {
                    for t in ["hamlets", "units", "households", "residents"] {
                        sqlx::query::<$DB>(&format!(
                            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
                        ))
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                Ok(())
            }

            async fn insert_households_bulk(
                tx: &mut sqlx::Transaction<'static, $DB>,
                households: &[hocvuso_demo::DemoHousehold],
                hamlet_ids: &[i64],
                now: DateTime<Utc>,
            ) -> Result<Vec<(i64, Vec<i64>)>> {
                let mut next_h = Self::next_id(tx, "households").await?;
                let mut next_r = Self::next_id(tx, "residents").await?;
                let mut ids = Vec::with_capacity(households.len());
                for h in households {
                    let rid: Vec<i64> = (0..h.members.len() as i64).map(|i| next_r + i).collect();
                    next_r += h.members.len() as i64;
                    ids.push((next_h, rid));
                    next_h += 1;
                }
                for chunk in households.iter().zip(ids.iter()).collect::<Vec<_>>().chunks(1000) {
                    let mut qb = QueryBuilder::<$DB>::new("INSERT INTO households (id, hamlet_id, code, head_name, head_key, farm_business, address) ");
                    qb.push_values(chunk.iter(), |mut b, (h, (id, _))| {
                        let head = h.members.first().map(|m| m.full_name.clone()).unwrap_or_default();
                        b.push_bind(*id)
                            .push_bind(hamlet_ids.get(h.hamlet).copied().unwrap_or_default())
                            .push_bind(h.code.clone())
                            .push_bind(head.clone())
                            .push_bind(vntext::fold(&head))
                            .push_bind(h.farm_business)
                            .push_bind(h.address.clone());
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                let mut flat: Vec<(i64, i64, i64, ResidentValues, &NewResident)> = Vec::new();
                for (h, (hid, rids)) in households.iter().zip(ids.iter()) {
                    let hamlet = hamlet_ids.get(h.hamlet).copied().unwrap_or_default();
                    for (m, rid) in h.members.iter().zip(rids.iter()) {
                        flat.push((*rid, *hid, hamlet, ResidentValues::from_new(m), m));
                    }
                }
                for chunk in flat.chunks(1000) {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "INSERT INTO residents (id, household_id, hamlet_id, full_name, name_key, sex, birth, birth_year, ethnicity, is_minority, phone, citizen_id, relation, notes, created_at, updated_at) ",
                    );
                    qb.push_values(chunk.iter(), |mut b, (rid, hid, hamlet, v, _)| {
                        b.push_bind(*rid)
                            .push_bind(*hid)
                            .push_bind(*hamlet)
                            .push_bind(v.full_name.clone())
                            .push_bind(v.name_key.clone())
                            .push_bind(v.sex.clone())
                            .push_bind(v.birth.clone())
                            .push_bind(v.birth_year)
                            .push_bind(v.ethnicity.clone())
                            .push_bind(v.is_minority)
                            .push_bind(v.phone.clone())
                            .push_bind(v.citizen_id.clone())
                            .push_bind(v.relation.clone())
                            .push_bind(v.notes.clone())
                            .push_bind(now)
                            .push_bind(now);
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                let manual: Vec<(i64, &'static str)> = flat
                    .iter()
                    .flat_map(|(rid, _, _, _, m)| m.manual_groups.iter().map(move |g| (*rid, g.code())))
                    .collect();
                for chunk in manual.chunks(2000) {
                    let mut qb = QueryBuilder::<$DB>::new("INSERT INTO resident_groups (resident_id, group_code, source) ");
                    qb.push_values(chunk.iter(), |mut b, (rid, code)| {
                        b.push_bind(*rid).push_bind(*code).push_bind("manual");
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(ids)
            }

            async fn load_demo(&self, demo: &hocvuso_demo::DemoCommune, today: NaiveDate) -> Result<DemoLoadSummary> {
                let now = Utc::now();
                let mut tx = self.write.begin().await?;
                let mut hamlet_ids = Vec::with_capacity(demo.hamlets.len());
                for h in &demo.hamlets {
                    let id = sqlx::query_scalar::<$DB, i64>("INSERT INTO hamlets (name, name_key) VALUES ($1, $2) RETURNING id")
                        .bind(&h.name)
                        .bind(vntext::fold(&h.name))
                        .fetch_one(&mut *tx)
                        .await?;
                    hamlet_ids.push(id);
                }
                let ids = Self::insert_households_bulk(&mut tx, &demo.households, &hamlet_ids, now).await?;
                for u in &demo.units {
                    let uid = sqlx::query_scalar::<$DB, i64>("INSERT INTO units (name, unit_type, hamlet_id, school_level) VALUES ($1, $2, $3, $4) RETURNING id")
                        .bind(&u.name)
                        .bind(u.unit_type.code())
                        .bind(u.hamlet.and_then(|i| hamlet_ids.get(i).copied()))
                        .bind(u.school_level.map(hocvuso_domain::SchoolLevel::code))
                        .fetch_one(&mut *tx)
                        .await?;
                    for st in &u.students {
                        if let Some(rid) = ids.get(st.at.household).and_then(|(_, r)| r.get(st.at.member)) {
                            sqlx::query::<$DB>("INSERT INTO students (resident_id, unit_id, grade, class_name, listed_on) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
                                .bind(*rid)
                                .bind(uid)
                                .bind(st.grade)
                                .bind(&st.class_name)
                                .bind(today)
                                .execute(&mut *tx)
                                .await?;
                        }
                    }
                    for m in &u.staff {
                        if let Some(rid) = ids.get(m.household).and_then(|(_, r)| r.get(m.member)) {
                            sqlx::query::<$DB>("INSERT INTO unit_members (unit_id, resident_id, title, category) VALUES ($1, $2, '', $3) ON CONFLICT DO NOTHING")
                                .bind(uid)
                                .bind(*rid)
                                .bind(u.staff_category().code())
                                .execute(&mut *tx)
                                .await?;
                        }
                    }
                }
                Self::fix_sequences(&mut tx).await?;
                Self::refresh_groups_in(&mut tx, today, None).await?;
                sqlx::query::<$DB>("INSERT INTO settings (key, value) VALUES ('commune_name', $1), ('province_name', $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                    .bind(&demo.name)
                    .bind(&demo.province)
                    .execute(&mut *tx)
                    .await?;
                self.commit(tx).await?;
                Ok(DemoLoadSummary {
                    hamlets: demo.hamlets.len(),
                    households: demo.households.len(),
                    residents: ids.iter().map(|(_, r)| r.len()).sum(),
                    units: demo.units.len(),
                })
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

            /// Append one batch of generated households (province-scale data).
            async fn load_households_batch(&self, households: &[hocvuso_demo::DemoHousehold], hamlet_ids: &[i64]) -> Result<usize> {
                let mut tx = self.write.begin().await?;
                let ids = Self::insert_households_bulk(&mut tx, households, hamlet_ids, Utc::now()).await?;
                Self::fix_sequences(&mut tx).await?;
                self.commit(tx).await?;
                Ok(ids.iter().map(|(_, r)| r.len()).sum())
            }

            async fn procedure_overrides(&self) -> Result<Vec<(String, String)>> {
                let rows = sqlx::query::<$DB>("SELECT code, toml FROM procedure_overrides ORDER BY code").fetch_all(&self.read).await?;
                rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
            }

            async fn save_procedure_override(&self, code: &str, toml: &str, by: &str) -> Result<()> {
                sqlx::query::<$DB>(
                    "INSERT INTO procedure_overrides (code, toml, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (code) DO UPDATE SET toml = excluded.toml, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                )
                .bind(code)
                .bind(toml)
                .bind(by)
                .bind(Utc::now())
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn log_question(&self, q: &QuestionLog) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO assistant_questions (at, user_id, resident_id, question, behavior, code) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(Utc::now())
                .bind(q.user_id)
                .bind(q.resident_id)
                .bind(&q.question)
                .bind(&q.behavior)
                .bind(&q.code)
                .fetch_one(&self.write)
                .await?)
            }

            async fn rate_question(&self, id: i64, rating: i32) -> Result<bool> {
                Ok(sqlx::query::<$DB>("UPDATE assistant_questions SET rating = $2 WHERE id = $1")
                    .bind(id)
                    .bind(rating)
                    .execute(&self.write)
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn questions_needing_review(&self, limit: i64) -> Result<Vec<QuestionRow>> {
                Ok(sqlx::query_as::<$DB, QuestionRow>(
                    "SELECT id, at, question, behavior, code, rating FROM assistant_questions \
                     WHERE behavior <> 'answer' OR rating < 0 ORDER BY id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.read)
                .await?)
            }

            async fn residents_using_assistant(&self) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT COUNT(DISTINCT resident_id) FROM assistant_questions WHERE resident_id IS NOT NULL",
                )
                .fetch_one(&self.read)
                .await?)
            }

            async fn backup_to(&self, path: &str) -> Result<()> {
                if Self::ENGINE == Engine::Postgres {
                    return Err(StoreError::Invalid(
                        "Sao lưu PostgreSQL dùng công cụ pg_dump của máy chủ cơ sở dữ liệu (ví dụ: pg_dump -Fc hocvuso > hocvuso.dump)".into(),
                    ));
                }
                sqlx::query::<$DB>("VACUUM INTO $1").bind(path).execute(&self.write).await?;
                Ok(())
            }
        }
    };
}

store_ops!(
    SqliteStore,
    sqlx::Sqlite,
    Engine::Sqlite,
    "group_concat(DISTINCT g.group_code)",
    "json_group_array(json_array(t.id, t.household_id, t.hamlet_id, t.full_name, t.sex, t.birth, t.ethnicity, t.phone, t.citizen_id, t.relation, t.notes, t.group_codes))"
);
store_ops!(
    PgStore,
    sqlx::Postgres,
    Engine::Postgres,
    "string_agg(DISTINCT g.group_code, ',')",
    "COALESCE(json_agg(json_build_array(t.id, t.household_id, t.hamlet_id, t.full_name, t.sex, t.birth, t.ethnicity, t.phone, t.citizen_id, t.relation, t.notes, t.group_codes) ORDER BY t.id)::text, '[]')"
);

/// One resident as the JSON array built by `JSON_ROWS`, in the same order.
type JsonResident = (
    i64,
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
);

fn parse_json_rows(json: &str) -> Result<Vec<Resident>> {
    let rows: Vec<JsonResident> = serde_json::from_str(json)
        .map_err(|e| StoreError::Invalid(format!("dữ liệu trả về không đọc được: {e}")))?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                household_id,
                hamlet_id,
                full_name,
                sex,
                birth,
                ethnicity,
                phone,
                citizen_id,
                relation,
                notes,
                group_codes,
            )| {
                ResidentWithGroups {
                    row: ResidentRow {
                        id,
                        household_id,
                        hamlet_id,
                        full_name,
                        sex,
                        birth,
                        ethnicity,
                        phone,
                        citizen_id,
                        relation,
                        notes,
                    },
                    group_codes,
                }
                .into_resident()
            },
        )
        .collect())
}

/// The operations, as the rest of the program calls them.
impl Store {
    pub async fn get_setting(&self, key: &str) -> Result<Option<String>> {
        dispatch!(self, s => s.get_setting(key).await)
    }
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        dispatch!(self, s => s.set_setting(key, value).await)
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
    /// A household and its members, if within the scope.
    pub async fn get_household(
        &self,
        scope: ResidentScope,
        id: i64,
    ) -> Result<Option<(Household, Vec<Resident>)>> {
        dispatch!(self, s => s.get_household(scope, id).await)
    }
    pub async fn list_residents(
        &self,
        scope: ResidentScope,
        filter: &ResidentFilter,
        page: i64,
        per_page: i64,
    ) -> Result<Page<Resident>> {
        dispatch!(self, s => s.list_residents(scope, filter, page, per_page).await)
    }
    /// One resident, only if within the scope (else `None`, whatever the id).
    pub async fn get_resident(&self, scope: ResidentScope, id: i64) -> Result<Option<Resident>> {
        dispatch!(self, s => s.get_resident(scope, id).await)
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
    pub async fn refresh_derived_groups(&self, today: NaiveDate) -> Result<()> {
        dispatch!(self, s => s.refresh_derived_groups(today).await)
    }
    /// Residents per hamlet id.
    pub async fn count_by_hamlet(&self) -> Result<HashMap<i64, i64>> {
        dispatch!(self, s => s.count_by_hamlet().await)
    }
    pub async fn count_residents(&self) -> Result<i64> {
        dispatch!(self, s => s.count_residents().await)
    }
    pub async fn count_group(&self, group: TargetGroup) -> Result<i64> {
        dispatch!(self, s => s.count_group(group).await)
    }
    pub async fn create_user(&self, u: &NewUser) -> Result<i64> {
        dispatch!(self, s => s.create_user(u).await)
    }
    /// The user and the password hash.
    pub async fn find_user(&self, username: &str) -> Result<Option<(User, String)>> {
        dispatch!(self, s => s.find_user(username).await)
    }
    pub async fn get_user(&self, id: i64) -> Result<Option<User>> {
        dispatch!(self, s => s.get_user(id).await)
    }
    pub async fn list_users(&self) -> Result<Vec<User>> {
        dispatch!(self, s => s.list_users().await)
    }
    /// Set a new password hash and end the account's sessions.
    pub async fn set_password(&self, user_id: i64, hash: &str, must_change: bool) -> Result<()> {
        dispatch!(self, s => s.set_password(user_id, hash, must_change).await)
    }
    pub async fn set_user_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
        dispatch!(self, s => s.set_user_disabled(user_id, disabled).await)
    }
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, s => s.create_session(token_hash, user_id, csrf, expires_at).await)
    }
    pub async fn get_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>> {
        dispatch!(self, s => s.get_session(token_hash, now).await)
    }
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        dispatch!(self, s => s.delete_session(token_hash).await)
    }
    pub async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        dispatch!(self, s => s.purge_sessions(now).await)
    }
    /// Latest audit rows: (at, username, action, object type, object id, detail).
    pub async fn audit_rows(
        &self,
        object_type: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(DateTime<Utc>, String, String, String, String, String)>> {
        dispatch!(self, s => s.audit_rows(object_type, limit).await)
    }
    pub async fn count_audit(
        &self,
        action: &str,
        object_type: &str,
        object_id: &str,
    ) -> Result<i64> {
        dispatch!(self, s => s.count_audit(action, object_type, object_id).await)
    }
    /// Write validated rows in one transaction: all or nothing. Matching
    /// (citizen ID, else name + birth date + household) makes a second import
    /// of the same file change nothing.
    pub async fn import_residents(
        &self,
        rows: &[ImportRow],
        today: NaiveDate,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ImportSummary> {
        dispatch!(self, s => s.import_residents(rows, today, progress).await)
    }
    pub async fn export_rows(&self, scope: ResidentScope) -> Result<Vec<ExportRow>> {
        dispatch!(self, s => s.export_rows(scope).await)
    }
    pub async fn load_demo(
        &self,
        demo: &hocvuso_demo::DemoCommune,
        today: NaiveDate,
    ) -> Result<DemoLoadSummary> {
        let r = dispatch!(self, s => s.load_demo(demo, today).await)?;
        self.hamlets.clear();
        self.seed_demo_consents(today).await?;
        Ok(r)
    }
    pub async fn load_households_batch(
        &self,
        households: &[hocvuso_demo::DemoHousehold],
        hamlet_ids: &[i64],
    ) -> Result<usize> {
        dispatch!(self, s => s.load_households_batch(households, hamlet_ids).await)
    }
    /// Procedure records edited from the web: (code, TOML of one record).
    pub async fn procedure_overrides(&self) -> Result<Vec<(String, String)>> {
        dispatch!(self, s => s.procedure_overrides().await)
    }
    /// Save an edited procedure record (already validated by the caller).
    pub async fn save_procedure_override(&self, code: &str, toml: &str, by: &str) -> Result<()> {
        dispatch!(self, s => s.save_procedure_override(code, toml, by).await)
    }
    /// Log a question to the assistant (already redacted); returns its id for feedback.
    pub async fn log_question(&self, q: &QuestionLog) -> Result<i64> {
        dispatch!(self, s => s.log_question(q).await)
    }
    /// Record a rating (+1 useful, -1 not useful); false if no such question.
    pub async fn rate_question(&self, id: i64, rating: i32) -> Result<bool> {
        dispatch!(self, s => s.rate_question(id, rating).await)
    }
    /// Unanswered and low-rated questions, newest first.
    pub async fn questions_needing_review(&self, limit: i64) -> Result<Vec<QuestionRow>> {
        dispatch!(self, s => s.questions_needing_review(limit).await)
    }
    /// Residents (logged in) who have used the assistant: an AI tool use.
    pub async fn residents_using_assistant(&self) -> Result<i64> {
        dispatch!(self, s => s.residents_using_assistant().await)
    }
    /// Copy the SQLite database to a file (consistent, while serving).
    pub async fn backup_to(&self, path: &str) -> Result<()> {
        dispatch!(self, s => s.backup_to(path).await)
    }
    /// Whether the registry has no resident yet.
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(self.count_residents().await? == 0)
    }
}
