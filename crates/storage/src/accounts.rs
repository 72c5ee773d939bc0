//! Accounts linked to people in the register: find the accounts of a
//! person, and create accounts for several people in one transaction (all
//! or nothing), each with a username made from the person's name and a
//! password hash the caller made from a one-time password. Written once for
//! both engines, like [`crate::registry`].
//!
//! The link is `users.resident_id`, which a resident's own account always
//! had; an account made here for a team member or a hamlet head keeps it
//! too (the role reads it only for a resident's account).

use crate::rows::UserRow;
use crate::{Engine, PgStore, Result, SqliteStore, Store, StoreError, User};
use chrono::Utc;
use hocvuso_domain::accounts::free_username;
use hocvuso_domain::Role;
use sqlx::QueryBuilder;
use std::collections::HashSet;

/// An account to create for a person.
#[derive(Debug, Clone)]
pub struct NewLinkedAccount {
    pub resident_id: i64,
    pub role: Role,
    /// The argon2 hash of the one-time password (the store never sees it).
    pub password_hash: String,
}

/// An account created for a person, with the username it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedAccount {
    pub resident_id: i64,
    pub user_id: i64,
    pub username: String,
    /// The person's name, as the account shows it.
    pub display_name: String,
    pub role: Role,
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, unit_id, hamlet_id, resident_id, must_change_password, disabled";

fn linked_user(r: UserRow) -> Option<(i64, User)> {
    let (user, _) = r.into_user()?;
    Some((user.person_id?, user))
}

macro_rules! account_ops {
    ($Store:ident, $DB:ty, $engine:expr) => {
        impl $Store {
            async fn accounts_linked_to(&self, resident_ids: &[i64]) -> Result<Vec<(i64, User)>> {
                if resident_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {USER_COLUMNS} FROM users WHERE resident_id IN ("));
                let mut sep = qb.separated(", ");
                for id in resident_ids {
                    sep.push_bind(*id);
                }
                qb.push(") ORDER BY resident_id, id");
                let rows = qb.build_query_as::<UserRow>().fetch_all(&self.read).await?;
                Ok(rows.into_iter().filter_map(linked_user).collect())
            }

            async fn create_linked_accounts(&self, accounts: &[NewLinkedAccount]) -> Result<Vec<CreatedAccount>> {
                let mut tx = self.write.begin().await?;
                let mut created = Vec::with_capacity(accounts.len());
                let mut done: HashSet<i64> = HashSet::new();
                for a in accounts {
                    if !done.insert(a.resident_id) {
                        continue;
                    }
                    // PostgreSQL: hold the person's row, so that two admins
                    // creating at once make one account, not two. (SQLite has
                    // one writer: transactions never overlap.)
                    let lock = if $engine == Engine::Postgres {
                        "SELECT full_name FROM residents WHERE id = $1 FOR UPDATE"
                    } else {
                        "SELECT full_name FROM residents WHERE id = $1"
                    };
                    let Some(full_name) = sqlx::query_scalar::<$DB, String>(lock)
                        .bind(a.resident_id)
                        .fetch_optional(&mut *tx)
                        .await?
                    else {
                        return Err(StoreError::NotFound(format!("cư dân số {}", a.resident_id)));
                    };
                    let has = sqlx::query_scalar::<$DB, i64>("SELECT COUNT(*) FROM users WHERE resident_id = $1")
                        .bind(a.resident_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    if has > 0 {
                        continue;
                    }
                    let base = hocvuso_domain::accounts::username_base(&full_name);
                    // The base is letters and digits only: no LIKE wildcards in it.
                    let taken: HashSet<String> = sqlx::query_scalar::<$DB, String>("SELECT username FROM users WHERE username LIKE $1")
                        .bind(format!("{base}%"))
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .collect();
                    let username = free_username(&full_name, |u| taken.contains(u));
                    let user_id = sqlx::query_scalar::<$DB, i64>(
                        "INSERT INTO users (username, display_name, password_hash, role, unit_id, hamlet_id, resident_id, must_change_password, disabled, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, FALSE, $8) RETURNING id",
                    )
                    .bind(&username)
                    .bind(&full_name)
                    .bind(&a.password_hash)
                    .bind(a.role.kind().code())
                    .bind(a.role.unit_id())
                    .bind(a.role.hamlet_id())
                    .bind(a.resident_id)
                    .bind(Utc::now())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(format!(
                            "Tên đăng nhập \"{username}\" vừa được dùng cho một tài khoản khác: hãy bấm lại"
                        )),
                        _ => StoreError::Database(e),
                    })?;
                    created.push(CreatedAccount {
                        resident_id: a.resident_id,
                        user_id,
                        username,
                        display_name: full_name,
                        role: a.role,
                    });
                }
                let made: Vec<(&str, i64, String)> = created
                    .iter()
                    .map(|a| ("", a.user_id, format!("{}, vai trò {}, cho cư dân số {}", a.username, a.role.kind().code(), a.resident_id)))
                    .collect();
                self.commit_each(tx, &made).await?;
                Ok(created)
            }
        }
    };
}

account_ops!(SqliteStore, sqlx::Sqlite, Engine::Sqlite);
account_ops!(PgStore, sqlx::Postgres, Engine::Postgres);

impl Store {
    /// The accounts linked to a person, oldest first.
    pub async fn accounts_of_resident(&self, resident_id: i64) -> Result<Vec<User>> {
        Ok(self
            .accounts_linked_to(&[resident_id])
            .await?
            .into_iter()
            .map(|(_, u)| u)
            .collect())
    }

    /// The accounts linked to any of these people, as (person, account).
    pub async fn accounts_linked_to(&self, resident_ids: &[i64]) -> Result<Vec<(i64, User)>> {
        dispatch!(self, s => s.accounts_linked_to(resident_ids).await)
    }

    /// Create accounts for people in one transaction: all or none. Each gets
    /// the first free username made from their name ("nguyenvanan", then
    /// "nguyenvanan2") and must change its one-time password at the first
    /// login. A person who already has an account is left as they are (so
    /// a second batch makes no duplicates); the accounts made are returned.
    /// An unknown person fails the whole batch.
    pub async fn create_linked_accounts(
        &self,
        accounts: &[NewLinkedAccount],
    ) -> Result<Vec<CreatedAccount>> {
        dispatch!(self, s => s.create_linked_accounts(accounts).await)
    }
}
