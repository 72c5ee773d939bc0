//! Outreach campaigns (issue 15, task III.1): stored with their hamlets,
//! found by their short link's code, and the link's openings counted (a
//! number, no one's data). Written once for both engines.

use crate::{PgStore, Result, SqliteStore, Store};
use chrono::{DateTime, NaiveDate, Utc};
use hocvuso_domain::campaigns::{Channel, NewCampaign};
use serde::Serialize;

/// A campaign as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub title: String,
    pub message: String,
    pub channels: Vec<Channel>,
    /// (id, name); empty: the whole commune.
    pub hamlets: Vec<(i64, String)>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub unit: Option<String>,
    pub link_code: String,
    pub opens: i64,
}

/// What can honestly be counted of a campaign's reach, each kept apart:
/// the classes held for it and their presences (from attendance), and what
/// hamlets reported by hand. (The short link's opens are on the campaign.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reach {
    pub campaign_id: i64,
    pub classes: i64,
    pub presences: i64,
    pub reported_people: i64,
    pub reports: i64,
}

type CampaignTuple = (
    i64,
    String,
    String,
    String,
    NaiveDate,
    NaiveDate,
    Option<String>,
    String,
    i64,
);

const COLUMNS: &str =
    "c.id, c.title, c.message, c.channels, c.starts_on, c.ends_on, u.name, c.link_code, c.opens \
     FROM campaigns c LEFT JOIN units u ON u.id = c.unit_id";

fn campaign_of(t: CampaignTuple, hamlets: Vec<(i64, String)>) -> Campaign {
    let (id, title, message, channels, starts_on, ends_on, unit, link_code, opens) = t;
    Campaign {
        id,
        title,
        message,
        channels: channels.split(',').filter_map(Channel::from_code).collect(),
        hamlets,
        starts_on,
        ends_on,
        unit,
        link_code,
        opens,
    }
}

macro_rules! campaign_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn add_campaign(&self, c: &NewCampaign, link_code: &str, by: Option<i64>, now: DateTime<Utc>) -> Result<i64> {
                let mut tx = self.write.begin().await?;
                let channels: Vec<&str> = c.channels.iter().map(|x| x.code()).collect();
                let id = sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO campaigns (title, message, channels, starts_on, ends_on, unit_id, link_code, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(&c.title)
                .bind(&c.message)
                .bind(channels.join(","))
                .bind(c.starts_on)
                .bind(c.ends_on)
                .bind(c.unit_id)
                .bind(link_code)
                .bind(by)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                for h in &c.hamlets {
                    sqlx::query::<$DB>("INSERT INTO campaign_hamlets (campaign_id, hamlet_id) VALUES ($1, $2)")
                        .bind(id)
                        .bind(h)
                        .execute(&mut *tx)
                        .await?;
                }
                self.commit_created(tx, Some(id)).await?;
                Ok(id)
            }

            async fn campaign_hamlets(&self, ids: &[i64]) -> Result<Vec<(i64, i64, String)>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                // The few campaigns of a page: one query for their hamlets.
                let (lo, hi) = (ids.iter().min().copied().unwrap_or(0), ids.iter().max().copied().unwrap_or(0));
                let rows = sqlx::query_as::<$DB, (i64, i64, String)>(
                    "SELECT ch.campaign_id, h.id, h.name FROM campaign_hamlets ch JOIN hamlets h ON h.id = ch.hamlet_id \
                     WHERE ch.campaign_id >= $1 AND ch.campaign_id <= $2 ORDER BY h.name",
                )
                .bind(lo)
                .bind(hi)
                .fetch_all(&self.read)
                .await?;
                Ok(rows.into_iter().filter(|(c, _, _)| ids.contains(c)).collect())
            }

            async fn campaigns_where(&self, clause: &str, code: Option<&str>) -> Result<Vec<Campaign>> {
                let sql = format!("SELECT {COLUMNS} {clause}");
                let mut q = sqlx::query_as::<$DB, CampaignTuple>(&sql);
                if let Some(code) = code {
                    q = q.bind(code.to_string());
                }
                let rows = q.fetch_all(&self.read).await?;
                let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
                let hamlets = self.campaign_hamlets(&ids).await?;
                Ok(rows
                    .into_iter()
                    .map(|r| {
                        let mine = hamlets.iter().filter(|(c, _, _)| *c == r.0).map(|(_, h, n)| (*h, n.clone())).collect();
                        campaign_of(r, mine)
                    })
                    .collect())
            }

            async fn campaign_reach(&self) -> Result<Vec<Reach>> {
                let counted = sqlx::query_as::<$DB, (i64, i64, i64)>(
                    "SELECT s.campaign_id, COUNT(DISTINCT s.id), COUNT(a.resident_id) FROM training_sessions s \
                     LEFT JOIN attendance a ON a.session_id = s.id WHERE s.campaign_id IS NOT NULL GROUP BY s.campaign_id",
                )
                .fetch_all(&self.read)
                .await?;
                let reported = sqlx::query_as::<$DB, (i64, i64, i64)>(
                    "SELECT campaign_id, CAST(SUM(people) AS BIGINT), COUNT(*) FROM campaign_reports GROUP BY campaign_id",
                )
                .fetch_all(&self.read)
                .await?;
                let mut out: Vec<Reach> = Vec::new();
                for (id, classes, presences) in counted {
                    out.push(Reach { campaign_id: id, classes, presences, ..Reach::default() });
                }
                for (id, people, reports) in reported {
                    match out.iter_mut().find(|r| r.campaign_id == id) {
                        Some(r) => {
                            r.reported_people = people;
                            r.reports = reports;
                        }
                        None => out.push(Reach { campaign_id: id, reported_people: people, reports, ..Reach::default() }),
                    }
                }
                Ok(out)
            }

            async fn link_class_campaign(&self, class_id: i64, campaign_id: i64) -> Result<bool> {
                let n = sqlx::query::<$DB>("UPDATE training_sessions SET campaign_id = $1 WHERE id = $2")
                    .bind(campaign_id)
                    .bind(class_id)
                    .execute(&self.write)
                    .await?
                    .rows_affected();
                Ok(n == 1)
            }

            #[allow(clippy::too_many_arguments)]
            async fn add_campaign_report(
                &self,
                campaign_id: i64,
                hamlet_id: Option<i64>,
                people: i64,
                note: &str,
                on: NaiveDate,
                by: Option<i64>,
                at: DateTime<Utc>,
            ) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO campaign_reports (campaign_id, hamlet_id, people, note, reported_on, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(campaign_id)
                .bind(hamlet_id)
                .bind(people)
                .bind(note)
                .bind(on)
                .bind(by)
                .bind(at)
                .fetch_one(&self.write)
                .await?)
            }

            async fn count_link_open(&self, code: &str) -> Result<bool> {
                let n = sqlx::query::<$DB>("UPDATE campaigns SET opens = opens + 1 WHERE link_code = $1")
                    .bind(code)
                    .execute(&self.write)
                    .await?
                    .rows_affected();
                Ok(n > 0)
            }
        }
    };
}

campaign_ops!(SqliteStore, sqlx::Sqlite);
campaign_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Add a campaign (checked by [`NewCampaign::checked`]) with its short
    /// link's code; a hamlet or unit that does not exist is refused.
    pub async fn add_campaign(
        &self,
        c: &NewCampaign,
        link_code: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.ensure_places(c.hamlets.iter().copied(), c.unit_id)
            .await?;
        dispatch!(self, s => s.add_campaign(c, link_code, by, now).await)
    }

    /// The campaigns, newest first (200 at most).
    pub async fn campaigns(&self) -> Result<Vec<Campaign>> {
        dispatch!(self, s => s.campaigns_where("ORDER BY c.starts_on DESC, c.id DESC LIMIT 200", None).await)
    }

    pub async fn campaign_by_link(&self, code: &str) -> Result<Option<Campaign>> {
        let found =
            dispatch!(self, s => s.campaigns_where("WHERE c.link_code = $1", Some(code)).await)?;
        Ok(found.into_iter().next())
    }

    /// Every campaign's reach ([`Reach`]); a campaign with none is absent.
    pub async fn campaign_reach(&self) -> Result<Vec<Reach>> {
        dispatch!(self, s => s.campaign_reach().await)
    }

    /// Record that a class is held for a campaign; false for no such class.
    pub async fn link_class_campaign(&self, class_id: i64, campaign_id: i64) -> Result<bool> {
        dispatch!(self, s => s.link_class_campaign(class_id, campaign_id).await)
    }

    /// A hamlet's hand report of how many people a campaign reached
    /// (checked by `domain::campaigns::checked_reach`); an unknown hamlet is
    /// refused.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_campaign_report(
        &self,
        campaign_id: i64,
        hamlet_id: Option<i64>,
        people: i64,
        note: &str,
        on: NaiveDate,
        by: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.ensure_places(hamlet_id, None).await?;
        dispatch!(self, s => s.add_campaign_report(campaign_id, hamlet_id, people, note, on, by, at).await)
    }

    /// Count one opening of a short link; false for a code that is none.
    pub async fn count_link_open(&self, code: &str) -> Result<bool> {
        dispatch!(self, s => s.count_link_open(code).await)
    }
}
