//! Reading the register: residents and households within a scope (a page of
//! residents, one resident, one household), counts, and the rows of an
//! export. The WHERE clause of every scoped resident query is built by
//! `push_scope_and_filter!`. Written once for both engines, like
//! [`crate::learning`].

use crate::rows::{HouseholdRow, ResidentRow, ResidentWithGroups, RESIDENT_COLUMNS};
use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::exchange::ExportRow;
use hocvuso_domain::registry::Page;
use hocvuso_domain::{Household, Resident, ResidentFilter};
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

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
        match f.search_term() {
            Some(hocvuso_domain::registry::SearchTerm::Phone(digits)) => {
                next(qb);
                qb.push("r.phone LIKE ").push_bind(format!("%{digits}%"));
            }
            Some(hocvuso_domain::registry::SearchTerm::Name(key)) => {
                next(qb);
                qb.push("r.name_key LIKE ").push_bind(format!("%{key}%"));
            }
            None => {}
        }
    }};
}
pub(crate) use push_scope_and_filter;

macro_rules! registry_ops {
    ($Store:ident, $DB:ty, $groups_agg:expr, $json_rows:expr) => {
        impl $Store {
            /// A resident's group codes, comma-separated, as one column (one
            /// row per resident instead of one per membership).
            pub(crate) const GROUPS_COLUMN: &'static str = concat!("(SELECT ", $groups_agg, " FROM resident_groups g WHERE g.resident_id = r.id) AS group_codes");
            /// Folds the rows of a resident page into one JSON text value:
            /// the SQLite driver hands rows over one by one between threads,
            /// which costs more than the query itself for a 50-row page.
            const JSON_ROWS: &'static str = $json_rows;

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

            async fn list_residents(&self, scope: ResidentScope, filter: &ResidentFilter, page: i64, per_page: i64) -> Result<Page<Resident>> {
                let page = page.max(1);
                let per_page = per_page.clamp(1, 500);
                // The count and the page in one statement (one round trip).
                let mut qb = QueryBuilder::<$DB>::new("SELECT (SELECT COUNT(*) FROM residents r");
                push_scope_and_filter!(&mut qb, scope, filter);
                // The page's ids first, then their columns and groups: sorting
                // a hamlet's thousand ids is cheap, computing a thousand rows'
                // groups before the sort (as SQLite would) is not.
                qb.push(format!(
                    ") AS total, {} AS page FROM (SELECT {RESIDENT_COLUMNS}, {} FROM residents r WHERE r.id IN (SELECT r.id FROM residents r",
                    Self::JSON_ROWS,
                    Self::GROUPS_COLUMN
                ));
                push_scope_and_filter!(&mut qb, scope, filter);
                qb.push(" ORDER BY r.id LIMIT ")
                    .push_bind(per_page)
                    .push(" OFFSET ")
                    .push_bind((page - 1) * per_page)
                    .push(") ORDER BY r.id) t");
                let (total, json): (i64, Option<String>) = qb.build_query_as().fetch_one(&self.read).await?;
                let items = parse_json_rows(json.as_deref().unwrap_or("[]"))?;
                Ok(Page { items, total, page, per_page })
            }

            pub(crate) async fn get_resident(&self, scope: ResidentScope, id: i64) -> Result<Option<Resident>> {
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {RESIDENT_COLUMNS}, {} FROM residents r WHERE r.id = ", Self::GROUPS_COLUMN));
                qb.push_bind(id);
                push_scope_and_filter!(&mut qb, scope, &ResidentFilter::default(), " AND ");
                let row: Option<ResidentWithGroups> = qb.build_query_as().fetch_optional(&self.read).await?;
                Ok(row.map(ResidentWithGroups::into_resident))
            }

            async fn count_by_hamlet(&self) -> Result<HashMap<i64, i64>> {
                let rows = sqlx::query::<$DB>("SELECT hamlet_id, COUNT(*) FROM residents GROUP BY hamlet_id").fetch_all(&self.read).await?;
                rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
            }

            async fn count_residents(&self) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>("SELECT COUNT(*) FROM residents").fetch_one(&self.read).await?)
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
        }
    };
}

registry_ops!(
    SqliteStore,
    sqlx::Sqlite,
    "group_concat(DISTINCT g.group_code)",
    "json_group_array(json_array(t.id, t.household_id, t.hamlet_id, t.full_name, t.sex, t.birth, t.ethnicity, t.phone, t.citizen_id, t.relation, t.notes, t.group_codes))"
);
registry_ops!(
    PgStore,
    sqlx::Postgres,
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

impl Store {
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

    /// Residents per hamlet id.
    pub async fn count_by_hamlet(&self) -> Result<HashMap<i64, i64>> {
        dispatch!(self, s => s.count_by_hamlet().await)
    }

    pub async fn count_residents(&self) -> Result<i64> {
        dispatch!(self, s => s.count_residents().await)
    }

    /// Whether the registry has no resident yet.
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(self.count_residents().await? == 0)
    }

    pub async fn export_rows(&self, scope: ResidentScope) -> Result<Vec<ExportRow>> {
        dispatch!(self, s => s.export_rows(scope).await)
    }
}
