//! Importing residents from a validated file, in one transaction (all or
//! nothing). Households are found by code or head's name within the hamlet;
//! residents by citizen ID, else name + birth date + household, so a second
//! import of the same file changes nothing. Written once for both engines,
//! like [`crate::learning`].

use crate::residents::ResidentValues;
use crate::rows::{HouseholdRow, ResidentRow, RESIDENT_COLUMNS};
use crate::{PgStore, Result, SqliteStore, Store};
use chrono::{NaiveDate, Utc};
use hocvuso_domain::exchange::{HouseholdKey, ImportRow};
use sqlx::QueryBuilder;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub households_created: usize,
}

macro_rules! import_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
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
        }
    };
}

import_ops!(SqliteStore, sqlx::Sqlite);
import_ops!(PgStore, sqlx::Postgres);

impl Store {
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
}
