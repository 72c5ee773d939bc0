//! Target groups of residents: the derived groups (age, ethnicity, household
//! type, unit staff), recomputed inside the transaction of every change that
//! can move them, the groups of a list of residents, and group counts.
//! Written once for both engines, like [`crate::learning`].

use crate::rows::GroupRow;
use crate::{PgStore, Result, SqliteStore, Store};
use chrono::{Datelike, NaiveDate};
use hocvuso_domain::groups::{TargetGroup, ADULT_AGE, ELDERLY_AGE};
use hocvuso_domain::UnitType;
use sqlx::QueryBuilder;
use std::collections::HashMap;

/// Unit types whose staff are officials (see `UnitType::staff_are_officials`).
fn official_unit_codes() -> Vec<&'static str> {
    UnitType::ALL
        .into_iter()
        .filter(|t| t.staff_are_officials())
        .map(|t| t.code())
        .collect()
}

macro_rules! group_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            pub(crate) async fn groups_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<TargetGroup>>> {
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
                    (TargetGroup::Elderly, format!("FROM residents r WHERE r.birth_year IS NOT NULL AND {age} >= {ELDERLY_AGE}")),
                    (TargetGroup::Adults, format!("FROM residents r WHERE r.birth_year IS NOT NULL AND {age} >= {ADULT_AGE}")),
                    (TargetGroup::EthnicMinority, "FROM residents r WHERE r.is_minority = TRUE AND $1 = $1 AND $2 = $2".to_string()),
                    (
                        TargetGroup::FarmBusiness,
                        format!("FROM residents r JOIN households h ON h.id = r.household_id WHERE h.farm_business = TRUE AND (r.birth_year IS NULL OR {age} >= {ADULT_AGE})"),
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

            async fn count_group(&self, group: TargetGroup) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT COUNT(DISTINCT resident_id) FROM resident_groups WHERE group_code = $1",
                )
                .bind(group.code())
                .fetch_one(&self.read)
                .await?)
            }
        }
    };
}

group_ops!(SqliteStore, sqlx::Sqlite);
group_ops!(PgStore, sqlx::Postgres);

impl Store {
    pub async fn refresh_derived_groups(&self, today: NaiveDate) -> Result<()> {
        dispatch!(self, s => s.refresh_derived_groups(today).await)
    }

    pub async fn count_group(&self, group: TargetGroup) -> Result<i64> {
        dispatch!(self, s => s.count_group(group).await)
    }
}
