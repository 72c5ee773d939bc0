//! What the plan's tasks have done (issue 15): the activities of one
//! source in a stretch of days, and the hamlets they reached. Each source
//! is read from its own table; the rule that turns them into a status is
//! `domain::plan::assess`. Written once for both engines.

use crate::{PgStore, Result, SqliteStore, Store};
use chrono::NaiveDate;
use hocvuso_domain::plan::ActivitySource;
use hocvuso_domain::quarter::Quarter;
use hocvuso_domain::time::vn_midnight;
use hocvuso_domain::units::UnitType;

/// Activities of one source in a stretch of days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub count: i64,
    /// The hamlets with one (sources that belong to a hamlet).
    pub hamlets: Vec<i64>,
}

/// Rows' hamlet ids as a count and the hamlets reached.
fn activity_of(rows: Vec<Option<i64>>) -> Activity {
    let mut hamlets: Vec<i64> = rows.iter().flatten().copied().collect();
    hamlets.sort_unstable();
    hamlets.dedup();
    Activity {
        count: rows.len() as i64,
        hamlets,
    }
}

/// What a unit has recorded against its duties (section V): the classes it
/// organised, the campaigns and pilot models it is responsible for, and
/// the quarterly reports it submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct UnitRecords {
    pub unit_id: i64,
    pub classes: i64,
    pub campaigns: i64,
    pub models: i64,
    pub reports: i64,
}

impl UnitRecords {
    /// "2 buổi học đã tổ chức, 1 chiến dịch tuyên truyền…", or "chưa ghi nhận gì".
    pub fn text(&self) -> String {
        let parts: Vec<String> = [
            (self.classes, "buổi học đã tổ chức"),
            (self.campaigns, "chiến dịch tuyên truyền phụ trách"),
            (self.models, "mô hình điểm phụ trách"),
            (self.reports, "báo cáo quý đã nộp"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            "chưa ghi nhận gì".into()
        } else {
            parts.join(", ")
        }
    }
}

macro_rules! plan_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn unit_records(&self) -> Result<Vec<UnitRecords>> {
                let mut out: Vec<UnitRecords> = Vec::new();
                for (i, sql) in [
                    "SELECT unit_id, COUNT(*) FROM training_sessions WHERE unit_id IS NOT NULL GROUP BY unit_id",
                    "SELECT unit_id, COUNT(*) FROM campaigns WHERE unit_id IS NOT NULL GROUP BY unit_id",
                    "SELECT unit_id, COUNT(*) FROM pilot_models WHERE unit_id IS NOT NULL GROUP BY unit_id",
                    "SELECT unit_id, COUNT(*) FROM unit_reports WHERE state = 'da_nop' GROUP BY unit_id",
                ]
                .into_iter()
                .enumerate()
                {
                    for (unit_id, n) in sqlx::query_as::<$DB, (i64, i64)>(sql).fetch_all(&self.read).await? {
                        let pos = match out.iter().position(|r| r.unit_id == unit_id) {
                            Some(p) => p,
                            None => {
                                out.push(UnitRecords { unit_id, ..UnitRecords::default() });
                                out.len() - 1
                            }
                        };
                        let r = &mut out[pos];
                        match i {
                            0 => r.classes = n,
                            1 => r.campaigns = n,
                            2 => r.models = n,
                            _ => r.reports = n,
                        }
                    }
                }
                Ok(out)
            }

            async fn plan_activity(
                &self,
                source: ActivitySource,
                task: &str,
                units: &[UnitType],
                from: NaiveDate,
                to: NaiveDate,
            ) -> Result<Activity> {
                let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
                let after = to + chrono::Days::new(1);
                match source {
                    ActivitySource::Classes => {
                        // starts_at is text 'YYYY-MM-DD HH:MM' on both engines.
                        let rows = sqlx::query_scalar::<$DB, Option<i64>>(
                            "SELECT hamlet_id FROM training_sessions WHERE starts_at >= $1 AND starts_at < $2 AND plan_task = $3",
                        )
                        .bind(day(from))
                        .bind(day(after))
                        .bind(task)
                        .fetch_all(&self.read)
                        .await?;
                        Ok(activity_of(rows))
                    }
                    ActivitySource::Visits | ActivitySource::Models | ActivitySource::Replications => {
                        let sql = match source {
                            ActivitySource::Visits => {
                                "SELECT h.hamlet_id FROM visits v JOIN households h ON h.id = v.household_id \
                                 WHERE v.visited_on >= $1 AND v.visited_on < $2"
                            }
                            ActivitySource::Models => {
                                "SELECT hamlet_id FROM pilot_models WHERE started_on >= $1 AND started_on < $2"
                            }
                            _ => {
                                "SELECT hamlet_id FROM pilot_model_notes WHERE kind = 'nhan_rong' \
                                 AND noted_on >= $1 AND noted_on < $2"
                            }
                        };
                        let rows = sqlx::query_scalar::<$DB, Option<i64>>(sql)
                            .bind(from)
                            .bind(after)
                            .fetch_all(&self.read)
                            .await?;
                        Ok(activity_of(rows))
                    }
                    ActivitySource::Campaigns => {
                        // A campaign for the whole commune reaches no one
                        // hamlet in particular.
                        let count = sqlx::query_scalar::<$DB, i64>(
                            "SELECT COUNT(*) FROM campaigns WHERE starts_on >= $1 AND starts_on < $2",
                        )
                        .bind(from)
                        .bind(after)
                        .fetch_one(&self.read)
                        .await?;
                        let hamlets = sqlx::query_scalar::<$DB, i64>(
                            "SELECT DISTINCT ch.hamlet_id FROM campaign_hamlets ch JOIN campaigns c ON c.id = ch.campaign_id \
                             WHERE c.starts_on >= $1 AND c.starts_on < $2",
                        )
                        .bind(from)
                        .bind(after)
                        .fetch_all(&self.read)
                        .await?;
                        Ok(Activity { count, hamlets })
                    }
                    ActivitySource::Assistant => {
                        let count = sqlx::query_scalar::<$DB, i64>(
                            "SELECT COUNT(*) FROM assistant_questions WHERE at >= $1 AND at < $2",
                        )
                        .bind(vn_midnight(from))
                        .bind(vn_midnight(after))
                        .fetch_one(&self.read)
                        .await?;
                        Ok(Activity { count, hamlets: Vec::new() })
                    }
                    ActivitySource::UnitReports => {
                        // Reports of the quarters the days fall in, by the
                        // task's units, submitted.
                        let rows = sqlx::query_as::<$DB, (String, String)>(
                            "SELECT r.quarter, u.unit_type FROM unit_reports r JOIN units u ON u.id = r.unit_id \
                             WHERE r.state = 'da_nop'",
                        )
                        .fetch_all(&self.read)
                        .await?;
                        let (first, last) = (Quarter::containing(from), Quarter::containing(to));
                        let count = rows
                            .iter()
                            .filter(|(q, t)| {
                                Quarter::parse(q).is_ok_and(|q| q >= first && q <= last)
                                    && UnitType::from_code(t).is_some_and(|t| units.contains(&t))
                            })
                            .count() as i64;
                        Ok(Activity { count, hamlets: Vec::new() })
                    }
                }
            }
        }
    };
}

plan_ops!(SqliteStore, sqlx::Sqlite);
plan_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// What each unit has recorded against its duties ([`UnitRecords`]);
    /// a unit with nothing is absent.
    pub async fn unit_records(&self) -> Result<Vec<UnitRecords>> {
        dispatch!(self, s => s.unit_records().await)
    }

    /// What `source` recorded for plan task `task` (classes are linked to
    /// their task; unit reports count for `units`) from `from` to `to`,
    /// both included.
    pub async fn plan_activity(
        &self,
        source: ActivitySource,
        task: &str,
        units: &[UnitType],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Activity> {
        dispatch!(self, s => s.plan_activity(source, task, units, from, to).await)
    }
}
