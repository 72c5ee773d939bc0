//! User accounts and their login sessions: create, find and list users, set a
//! password or disable an account (both end its open sessions), and sessions
//! kept by the hash of their token. Accounts made for people in the register
//! are in [`crate::accounts`]. Written once for both engines, like
//! [`crate::learning`].

use crate::rows::UserRow;
use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, Utc};
use hocvuso_domain::Role;
use sqlx::Row;

/// How long a looked-up session is kept in memory, in seconds: what another
/// server process's logout or disabling may lag by (PostgreSQL, several
/// servers); this process's own changes clear it at once.
pub const SESSION_CACHE_SECS: u64 = 5;

/// Forgets the kept sessions when dropped: at the end of a change to
/// accounts, whether it succeeded or not (and so also after the write).
pub(crate) struct ForgetSessions<'a>(pub(crate) &'a Store);

impl Drop for ForgetSessions<'_> {
    fn drop(&mut self) {
        self.0.forget_sessions();
    }
}

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

fn user_from_row(r: UserRow) -> Option<(User, String)> {
    r.into_user()
}

macro_rules! user_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
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
        }
    };
}

user_ops!(SqliteStore, sqlx::Sqlite);
user_ops!(PgStore, sqlx::Postgres);

impl Store {
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
        let _forget = ForgetSessions(self);
        dispatch!(self, s => s.set_password(user_id, hash, must_change).await)
    }

    pub async fn set_user_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
        let _forget = ForgetSessions(self);
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

    /// The live session with this token hash and its user. Every page asks
    /// this, so a found session is kept for [`SESSION_CACHE_SECS`]; logging
    /// out, a new password, disabling, a hamlet merge or an anonymisation in
    /// this process forget every kept session at once.
    pub async fn get_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>> {
        if let Some(s) = self.sessions.get(token_hash) {
            if s.expires_at > now {
                return Ok(Some(s));
            }
        }
        let generation = self.sessions.generation();
        let found = dispatch!(self, s => s.get_session(token_hash, now).await)?;
        if let Some(s) = &found {
            self.sessions.put(generation, token_hash, s.clone());
        }
        Ok(found)
    }

    /// Forget the sessions kept by [`Store::get_session`] (after any change
    /// to accounts or sessions).
    pub(crate) fn forget_sessions(&self) {
        self.sessions.clear();
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let _forget = ForgetSessions(self);
        dispatch!(self, s => s.delete_session(token_hash).await)
    }

    pub async fn purge_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let _forget = ForgetSessions(self);
        dispatch!(self, s => s.purge_sessions(now).await)
    }
}
