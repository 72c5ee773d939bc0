//! Accounts: argon2id passwords, sessions in the database (only a hash of
//! the token is stored), CSRF tokens, login throttling, and the
//! [`CurrentUser`] extractor that every protected handler takes.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use base64::Engine as _;
use chrono::{Duration, Utc};
use hocvuso_domain::{validate_password, Role};
use hocvuso_storage::{AuditEvent, User};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Instant;

pub const SESSION_COOKIE: &str = "hv_session";
const PRELOGIN_COOKIE: &str = "hv_pre";
const SESSION_HOURS: i64 = 12;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    // A random 16-byte salt from the operating system (argon2's getrandom feature).
    PasswordHasher::<PasswordHash>::hash_password(&Argon2::default(), password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("không tạo được mã băm mật khẩu ({e})")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A random token, URL-safe.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A readable one-time password for a new or reset account.
pub fn generate_password() -> String {
    const WORDS: &[&str] = &[
        "lua", "ngo", "che", "suoi", "doi", "may", "trang", "sao", "gio", "nui", "rung", "hoa",
    ];
    let mut rng = rand::rngs::OsRng;
    let mut parts = Vec::new();
    for _ in 0..3 {
        parts.push(WORDS[(rng.next_u32() as usize) % WORDS.len()].to_string());
    }
    format!("{}-{:04}", parts.join("-"), rng.next_u32() % 10000)
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// The logged-in user of a request. Taking it in a handler is the check.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub csrf_token: String,
    token_hash: String,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Compare the form's CSRF token with the session's (constant time).
    pub fn check_csrf(&self, given: &str) -> AppResult<()> {
        let a = self.csrf_token.as_bytes();
        let b = given.as_bytes();
        if a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0 {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }

    pub fn audit(
        &self,
        state: &AppState,
        action: &str,
        object_type: &str,
        object_id: impl ToString,
        detail: impl Into<String>,
    ) {
        state.store.audit().record(AuditEvent {
            user_id: Some(self.user.id),
            username: self.user.username.clone(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.to_string(),
            detail: detail.into(),
        });
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = cookie_value(&parts.headers, SESSION_COOKIE).ok_or(AppError::LoginRequired)?;
        let hash = token_hash(&token);
        let rec = state
            .store
            .get_session(&hash, Utc::now())
            .await?
            .ok_or(AppError::LoginRequired)?;
        let user = CurrentUser {
            user: rec.user,
            csrf_token: rec.csrf_token,
            token_hash: hash,
        };
        // Until a one-time password is changed, only the change page is open.
        if user.user.must_change_password
            && parts.uri.path() != "/doi-mat-khau"
            && parts.uri.path() != "/dang-xuat"
        {
            return Err(AppError::MustChangePassword);
        }
        Ok(user)
    }
}

/// Login throttling: after 5 failures for one username or 20 from one
/// address within 15 minutes, further attempts wait until the window ends.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

const WINDOW_SECS: u64 = 15 * 60;

impl Throttle {
    fn prune(list: &mut Vec<Instant>) {
        list.retain(|t| t.elapsed().as_secs() < WINDOW_SECS);
    }

    /// Seconds to wait, if locked.
    pub fn locked(&self, keys: &[(String, usize)]) -> Option<u64> {
        let mut map = self.failures.lock().ok()?;
        for (key, limit) in keys {
            if let Some(list) = map.get_mut(key) {
                Self::prune(list);
                if list.len() >= *limit {
                    let oldest = list.first()?;
                    return Some(
                        WINDOW_SECS
                            .saturating_sub(oldest.elapsed().as_secs())
                            .max(1),
                    );
                }
            }
        }
        None
    }

    pub fn fail(&self, keys: &[(String, usize)]) {
        if let Ok(mut map) = self.failures.lock() {
            for (key, _) in keys {
                let list = map.entry(key.clone()).or_default();
                Self::prune(list);
                list.push(Instant::now());
            }
        }
    }

    pub fn clear(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    error: Option<String>,
    /// A message that is not an error (the password was changed).
    notice: Option<&'static str>,
    username: String,
}

/// Said on the login page after a password change ended the session.
pub const PASSWORD_CHANGED: &str = "Đã đổi mật khẩu, mời đăng nhập lại bằng mật khẩu mới.";

#[derive(Template)]
#[template(path = "change_password.html")]
struct ChangePasswordPage {
    user: Option<User>,
    csrf: String,
    error: Option<String>,
    forced: bool,
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

#[derive(Deserialize, Default)]
struct LoginQuery {
    loi: Option<String>,
    /// Set by the redirect after a password change.
    da_doi: Option<String>,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dang-nhap", get(login_page).post(login))
        .route("/dang-xuat", axum::routing::post(logout))
        .route(
            "/doi-mat-khau",
            get(change_password_page).post(change_password),
        )
}

fn render_login(
    state: &AppState,
    csrf: String,
    error: Option<String>,
    username: String,
    status: axum::http::StatusCode,
) -> AppResult<Response> {
    render_login_with(state, csrf, error, None, username, status)
}

fn render_login_with(
    state: &AppState,
    csrf: String,
    error: Option<String>,
    notice: Option<&'static str>,
    username: String,
    status: axum::http::StatusCode,
) -> AppResult<Response> {
    let page = LoginPage {
        csrf: csrf.clone(),
        error,
        notice,
        username,
    };
    let mut resp = (status, Html(page.render()?)).into_response();
    resp.headers_mut().append(
        SET_COOKIE,
        set_cookie(PRELOGIN_COOKIE, &csrf, 3600, state.config.secure_cookies),
    );
    Ok(resp)
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    let csrf = cookie_value(&headers, PRELOGIN_COOKIE)
        .filter(|c| c.len() >= 20)
        .unwrap_or_else(|| random_token(24));
    let error = q
        .loi
        .map(|_| "Phiên làm việc đã hết hạn, hãy đăng nhập lại".to_string());
    let notice = q.da_doi.map(|_| PASSWORD_CHANGED);
    render_login_with(
        &state,
        csrf,
        error,
        notice,
        String::new(),
        axum::http::StatusCode::OK,
    )
}

/// Client address for throttling: the socket peer, when the server knows it.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let pre = cookie_value(&headers, PRELOGIN_COOKIE).unwrap_or_default();
    if pre.is_empty() || pre != form.csrf {
        return Err(AppError::Csrf);
    }
    let username = form.username.trim().to_lowercase();
    let keys = [
        (format!("u:{username}"), 5usize),
        (format!("ip:{ip}"), 20usize),
    ];
    if let Some(wait) = state.throttle.locked(&keys) {
        let minutes = wait.div_ceil(60);
        return render_login(
            &state,
            pre,
            Some(format!(
                "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút."
            )),
            username,
            axum::http::StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let found = state.store.find_user(&username).await?;
    let ok = match &found {
        Some((u, hash)) => verify_password(&form.password, hash) && !u.disabled,
        None => {
            // Same work as a real check, so timing does not reveal usernames.
            let _ = verify_password(&form.password, dummy_hash());
            false
        }
    };
    let Some((user, _)) = found.filter(|_| ok) else {
        state.throttle.fail(&keys);
        state.store.audit().record(AuditEvent {
            user_id: None,
            username: username.clone(),
            action: "dang_nhap_sai".into(),
            object_type: "tai_khoan".into(),
            object_id: username.clone(),
            detail: String::new(),
        });
        return render_login(
            &state,
            pre,
            Some("Tên đăng nhập hoặc mật khẩu không đúng".into()),
            username,
            axum::http::StatusCode::UNAUTHORIZED,
        );
    };
    state.throttle.clear(&keys[0].0);
    let token = random_token(32);
    let csrf = random_token(24);
    state
        .store
        .create_session(
            &token_hash(&token),
            user.id,
            &csrf,
            Utc::now() + Duration::hours(SESSION_HOURS),
        )
        .await?;
    state.store.audit().record(AuditEvent {
        user_id: Some(user.id),
        username: user.username.clone(),
        action: "dang_nhap".into(),
        object_type: "tai_khoan".into(),
        object_id: user.id.to_string(),
        detail: String::new(),
    });
    let target = if user.must_change_password {
        "/doi-mat-khau"
    } else {
        "/"
    };
    let mut resp = Redirect::to(target).into_response();
    // Secure when configured, or when a TLS-terminating proxy says the request came over HTTPS.
    let secure = state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    resp.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600, secure),
    );
    resp.headers_mut()
        .append(SET_COOKIE, set_cookie(PRELOGIN_COOKIE, "", 0, secure));
    Ok(resp)
}

/// An argon2id hash of a random string, verified against when the username
/// does not exist, so both paths cost the same.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token(16)).unwrap_or_default())
}

#[derive(Deserialize)]
struct CsrfOnly {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<CsrfOnly>,
) -> AppResult<Response> {
    user.check_csrf(&form.csrf)?;
    state.store.delete_session(&user.token_hash).await?;
    let mut resp = Redirect::to("/dang-nhap").into_response();
    resp.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
    );
    Ok(resp)
}

async fn change_password_page(user: CurrentUser) -> AppResult<Html<String>> {
    let forced = user.user.must_change_password;
    Ok(Html(
        ChangePasswordPage {
            csrf: user.csrf_token.clone(),
            user: Some(user.user),
            error: None,
            forced,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
struct ChangePasswordForm {
    csrf: String,
    current: String,
    new_password: String,
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ChangePasswordForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let again = |msg: String| -> AppResult<Response> {
        let forced = user.user.must_change_password;
        let page = ChangePasswordPage {
            csrf: user.csrf_token.clone(),
            user: Some(user.user.clone()),
            error: Some(msg),
            forced,
        };
        Ok((axum::http::StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
    };
    let Some((_, hash)) = state.store.find_user(&user.user.username).await? else {
        return Err(AppError::LoginRequired);
    };
    if !verify_password(&f.current, &hash) {
        return again("Mật khẩu hiện tại không đúng".into());
    }
    if f.new_password != f.confirm {
        return again("Hai lần nhập mật khẩu mới không giống nhau".into());
    }
    if f.new_password == f.current {
        return again("Mật khẩu mới phải khác mật khẩu hiện tại".into());
    }
    if let Err(e) = validate_password(&f.new_password) {
        return again(e.to_string());
    }
    let new_hash = hash_password(&f.new_password)?;
    state
        .store
        .set_password(user.user.id, &new_hash, false)
        .await?;
    user.audit(&state, "doi_mat_khau", "tai_khoan", user.user.id, "");
    // Sessions were ended by the change; log in again with the new password.
    let mut resp = Redirect::to("/dang-nhap?da_doi=1").into_response();
    resp.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_made_before_the_argon2_upgrade_still_verify() {
        // Written by argon2 0.5 (this program before December 2026) for
        // "Tre-xanh-Khuon-Lang-2026": accounts keep working after the upgrade.
        let old = "$argon2id$v=19$m=19456,t=2,p=1$/Bf1mFcpFZbPwWAdAE1PHg$/VD7QbovLfYtdOG7eA6Id34BizId6vl8x/kvGhUsGXE";
        assert!(verify_password("Tre-xanh-Khuon-Lang-2026", old));
        assert!(!verify_password("Tre-xanh-Khuon-Lang-2027", old));
    }

    #[test]
    fn new_hashes_are_salted_argon2id() {
        let a = hash_password("Đồi chè Tân Cương 1975").unwrap();
        let b = hash_password("Đồi chè Tân Cương 1975").unwrap();
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password("Đồi chè Tân Cương 1975", &a));
        assert!(!verify_password("Đồi chè Tân Cương 1976", &a));
    }
}
