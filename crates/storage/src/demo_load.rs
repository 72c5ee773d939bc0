//! Loading generated data: the demo commune (hamlets, households, residents,
//! units with their staff and students, in one transaction) and batches of
//! province-scale households. Ids are chosen up front for bulk inserts, and
//! PostgreSQL's sequences are reset after them. Written once for both
//! engines, like [`crate::learning`].

use crate::residents::ResidentValues;
use crate::{Engine, PgStore, Result, SqliteStore, Store};
use chrono::{DateTime, NaiveDate, Utc};
use hocvuso_domain::NewResident;
use sqlx::QueryBuilder;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoLoadSummary {
    pub hamlets: usize,
    pub households: usize,
    pub residents: usize,
    pub units: usize,
}

macro_rules! demo_ops {
    ($Store:ident, $DB:ty, $engine:expr) => {
        impl $Store {
            async fn next_id(tx: &mut sqlx::Transaction<'static, $DB>, table: &str) -> Result<i64> {
                let max: Option<i64> = sqlx::query_scalar::<$DB, Option<i64>>(&format!("SELECT MAX(id) FROM {table}"))
                    .fetch_one(&mut **tx)
                    .await?;
                Ok(max.unwrap_or(0) + 1)
            }

            async fn fix_sequences(tx: &mut sqlx::Transaction<'static, $DB>) -> Result<()> {
                if $engine == Engine::Postgres {
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
                households: &[hocvuso_domain::seed::SeedHousehold],
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

            async fn load_demo(&self, demo: &hocvuso_domain::seed::SeedCommune, today: NaiveDate) -> Result<DemoLoadSummary> {
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

            /// Append one batch of generated households (province-scale data).
            async fn load_households_batch(&self, households: &[hocvuso_domain::seed::SeedHousehold], hamlet_ids: &[i64]) -> Result<usize> {
                let mut tx = self.write.begin().await?;
                let ids = Self::insert_households_bulk(&mut tx, households, hamlet_ids, Utc::now()).await?;
                Self::fix_sequences(&mut tx).await?;
                self.commit(tx).await?;
                Ok(ids.iter().map(|(_, r)| r.len()).sum())
            }
        }
    };
}

demo_ops!(SqliteStore, sqlx::Sqlite, Engine::Sqlite);
demo_ops!(PgStore, sqlx::Postgres, Engine::Postgres);

impl Store {
    pub async fn load_demo(
        &self,
        demo: &hocvuso_domain::seed::SeedCommune,
        today: NaiveDate,
    ) -> Result<DemoLoadSummary> {
        let r = dispatch!(self, s => s.load_demo(demo, today).await)?;
        self.hamlets.clear();
        self.seed_demo_consents(today).await?;
        Ok(r)
    }

    pub async fn load_households_batch(
        &self,
        households: &[hocvuso_domain::seed::SeedHousehold],
        hamlet_ids: &[i64],
    ) -> Result<usize> {
        dispatch!(self, s => s.load_households_batch(households, hamlet_ids).await)
    }
}
