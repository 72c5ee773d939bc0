//! Accounts: argon2id passwords, sessions in the database (only a hash of
//! the token is stored), CSRF tokens, login throttling ([`Throttle`]), and the
//! [`CurrentUser`] extractor that every protected handler takes.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts, Query, State};
use axum::http::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use base64::Engine as _;
use chrono::{Duration, Utc};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::{validate_password, Role};
use hocvuso_storage::{AuditEvent, User};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

pub const SESSION_COOKIE: &str = "hv_session";
const PRELOGIN_COOKIE: &str = "hv_pre";
const SESSION_HOURS: i64 = 12;

/// The password could not be hashed (the system's random source failed).
#[derive(Debug, thiserror::Error)]
#[error("không tạo được mã băm mật khẩu ({0})")]
pub struct HashError(String);

impl From<HashError> for AppError {
    fn from(e: HashError) -> Self {
        AppError::Internal(e.to_string())
    }
}

pub fn hash_password(password: &str) -> Result<String, HashError> {
    // A random 16-byte salt from the operating system (argon2's getrandom feature).
    PasswordHasher::<PasswordHash>::hash_password(&Argon2::default(), password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
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

/// A one-time password from the operating system's generator, in the
/// domain's readable form (`hocvuso_domain::accounts::one_time_password`).
pub fn generate_password() -> String {
    let mut rng = rand::rngs::OsRng;
    hocvuso_domain::accounts::one_time_password(|n| (rng.next_u64() % n as u64) as usize)
}

/// A new one-time password and its hash: what every account creation and
/// password reset stores (with "must change at first login"), from the web
/// pages and the command line alike.
pub struct OneTimePassword {
    /// Shown once to whoever made the account; never stored.
    pub plain: String,
    pub hash: String,
}

impl OneTimePassword {
    pub fn new() -> Result<Self, HashError> {
        let plain = generate_password();
        let hash = hash_password(&plain)?;
        Ok(OneTimePassword { plain, hash })
    }

    /// [`OneTimePassword::new`] off the async workers (argon2 is slow on purpose).
    pub async fn made() -> AppResult<Self> {
        tokio::task::spawn_blocking(OneTimePassword::new)
            .await
            .map_err(|e| AppError::Internal(format!("không tạo được mật khẩu ({e})")))?
            .map_err(AppError::from)
    }
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

    /// [`CurrentUser::check_csrf`] for a form read as pairs (one with
    /// repeated fields).
    pub fn check_csrf_in(&self, form: &[(String, String)]) -> AppResult<()> {
        self.check_csrf(form_field(form, "csrf"))
    }

    /// Queue an audit row (page views and reads: written in batches).
    pub fn audit(
        &self,
        state: &AppState,
        action: AuditAction,
        object_type: AuditObject,
        object_id: impl ToString,
        detail: impl Into<String>,
    ) {
        state
            .store
            .audit()
            .record(self.audit_event(action, object_type, object_id, detail));
    }

    /// An audit row by this user, for [`hocvuso_storage::Store::audited`]:
    /// changes are written with their row in the same transaction. An empty
    /// `object_id` on a creation is filled with the new object's id.
    pub fn audit_event(
        &self,
        action: AuditAction,
        object_type: AuditObject,
        object_id: impl ToString,
        detail: impl Into<String>,
    ) -> AuditEvent {
        AuditEvent {
            user_id: Some(self.user.id),
            username: self.user.username.clone(),
            action: action.code().into(),
            object_type: object_type.code().into(),
            object_id: object_id.to_string(),
            detail: detail.into(),
        }
    }
}

impl CurrentUser {
    /// The session the request's cookie names, if it is live.
    async fn from_cookie(parts: &Parts, state: &AppState) -> Result<Option<Self>, AppError> {
        let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE) else {
            return Ok(None);
        };
        let hash = token_hash(&token);
        Ok(state
            .store
            .get_session(&hash, Utc::now())
            .await?
            .map(|rec| CurrentUser {
                user: rec.user,
                csrf_token: rec.csrf_token,
                token_hash: hash,
            }))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_cookie(parts, state)
            .await?
            .ok_or(AppError::LoginRequired)?;
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

/// `Option<CurrentUser>` on the public pages (courses, the assistant): the
/// user if logged in, else `None`. An account that has not yet changed its
/// one-time password is `None` here too: until then it is nobody anywhere
/// but the change page. A failed session lookup is `None` as well, so a
/// public page still answers.
impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(CurrentUser::from_cookie(parts, state)
            .await
            .ok()
            .flatten()
            .filter(|u| !u.user.must_change_password))
    }
}

/// How hard login guessing is slowed (see [`Throttle`]). The defaults are
/// the server's; tests shorten the waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginLimits {
    /// Failures for one account from one address before each further
    /// attempt for it from there waits.
    pub per_account_address: u32,
    /// Failures for one account from every address together before the
    /// addresses it never logged in from wait.
    pub per_account: u32,
    /// Failures from one address, whatever the accounts, before attempts
    /// from it wait (a commune office is many people behind one address).
    pub per_address: u32,
    /// The first wait; each further failure doubles it.
    pub first_wait: StdDuration,
    /// The longest wait.
    pub longest_wait: StdDuration,
    /// Failures are forgotten after this long without another.
    pub forget_after: StdDuration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_account_address: 5,
            per_account: 20,
            per_address: 100,
            first_wait: StdDuration::from_secs(30),
            longest_wait: StdDuration::from_secs(15 * 60),
            forget_after: StdDuration::from_secs(3600),
        }
    }
}

/// What failures are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ThrottleKey {
    /// One account from one address.
    Pair(String, String),
    /// One account, from addresses it never logged in from.
    Account(String),
    /// One address, whatever the accounts.
    Address(String),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    /// When the last of them was checked.
    last: Instant,
}

#[derive(Default)]
struct ThrottleState {
    failures: HashMap<ThrottleKey, Failures>,
    /// The addresses each account last logged in from (a few, newest first).
    known: HashMap<String, VecDeque<String>>,
    pruned: Option<Instant>,
}

/// Addresses remembered per account.
const KNOWN_ADDRESSES: usize = 8;
/// Failure records kept before the ones not making anyone wait are dropped.
const MAX_RECORDS: usize = 100_000;

/// A login attempt counted as a failure before its password is checked
/// ([`Throttle::reserve`]); [`Throttle::succeeded`] takes it back.
#[must_use]
pub struct Reserved {
    username: String,
    address: String,
    keys: Vec<ThrottleKey>,
}

/// Login throttling, in memory: it slows guessing without shutting the
/// owner out.
///
/// - One account from one address: after `per_account_address` failures,
///   each further attempt waits `first_wait`, doubled at each failure up to
///   `longest_wait`; a success from there forgets them.
/// - One account from every address together: after `per_account`
///   failures, addresses the account never logged in from wait the same
///   way; the owner's known addresses (those it logged in from before) do
///   not, so guesses elsewhere never keep the owner out.
/// - One address, whatever the accounts: after `per_address` failures (far
///   more than one office makes), the same growing wait, never a lockout.
///
/// Each attempt is counted before the slow password check, under one lock,
/// so parallel guesses get no more checks than the allowance. A wait is
/// never lengthened by the attempts it refuses. The admin forgets an
/// account's failures on `/nguoi-dung` ([`Throttle::unlock`]). A restart
/// forgets everything.
pub struct Throttle {
    limits: LoginLimits,
    state: Mutex<ThrottleState>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(LoginLimits::default())
    }
}

/// The address failures are counted against: an IPv4 address, or the /64
/// network of an IPv6 one (one subscriber holds a whole /64).
fn address_key(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

impl Throttle {
    pub fn new(limits: LoginLimits) -> Self {
        Throttle {
            limits,
            state: Mutex::new(ThrottleState::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ThrottleState> {
        // The state stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn allowance(&self, key: &ThrottleKey) -> u32 {
        match key {
            ThrottleKey::Pair(..) => self.limits.per_account_address,
            ThrottleKey::Account(_) => self.limits.per_account,
            ThrottleKey::Address(_) => self.limits.per_address,
        }
    }

    /// How long attempts under `key` still wait, now.
    fn wait(&self, key: &ThrottleKey, f: &Failures, now: Instant) -> StdDuration {
        let allowance = self.allowance(key);
        if f.count < allowance || now.duration_since(f.last) >= self.limits.forget_after {
            return StdDuration::ZERO;
        }
        let doublings = (f.count - allowance).min(30);
        let delay = self
            .limits
            .first_wait
            .saturating_mul(1u32 << doublings)
            .min(self.limits.longest_wait);
        (f.last + delay).saturating_duration_since(now)
    }

    fn prune(&self, st: &mut ThrottleState, now: Instant) {
        let due = st
            .pruned
            .is_none_or(|t| now.duration_since(t) >= StdDuration::from_secs(60));
        if !due && st.failures.len() <= MAX_RECORDS {
            return;
        }
        st.pruned = Some(now);
        let forget = self.limits.forget_after;
        st.failures
            .retain(|_, f| now.duration_since(f.last) < forget);
        if st.failures.len() > MAX_RECORDS {
            // Flooded: keep only what makes someone wait.
            let waiting: Vec<ThrottleKey> = st
                .failures
                .iter()
                .filter(|(k, f)| !self.wait(k, f, now).is_zero())
                .map(|(k, _)| k.clone())
                .collect();
            let keep: std::collections::HashSet<ThrottleKey> = waiting.into_iter().collect();
            st.failures.retain(|k, _| keep.contains(k));
        }
    }

    /// Count an attempt for `username` from `ip` before its password is
    /// checked, or say how long it must wait (whole seconds, at least 1).
    pub fn reserve(&self, username: &str, ip: &str) -> Result<Reserved, u64> {
        let address = address_key(ip);
        let now = Instant::now();
        let mut st = self.lock();
        self.prune(&mut st, now);
        let known = st
            .known
            .get(username)
            .is_some_and(|list| list.contains(&address));
        let mut keys = vec![ThrottleKey::Pair(username.to_string(), address.clone())];
        if !known {
            keys.push(ThrottleKey::Account(username.to_string()));
            keys.push(ThrottleKey::Address(address.clone()));
        }
        let wait = keys
            .iter()
            .filter_map(|k| st.failures.get(k).map(|f| self.wait(k, f, now)))
            .max()
            .unwrap_or_default();
        if !wait.is_zero() {
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        for k in &keys {
            let forget = self.limits.forget_after;
            let f = st.failures.entry(k.clone()).or_insert(Failures {
                count: 0,
                last: now,
            });
            if now.duration_since(f.last) >= forget {
                f.count = 0;
            }
            f.count += 1;
            f.last = now;
        }
        Ok(Reserved {
            username: username.to_string(),
            address,
            keys,
        })
    }

    /// The password was right: the attempt was no failure, the account's
    /// failures from this address are forgotten, and the address is known.
    pub fn succeeded(&self, r: Reserved) {
        let mut st = self.lock();
        for k in &r.keys {
            match k {
                ThrottleKey::Pair(..) => {
                    st.failures.remove(k);
                }
                _ => {
                    if let Some(f) = st.failures.get_mut(k) {
                        f.count = f.count.saturating_sub(1);
                    }
                }
            }
        }
        let list = st.known.entry(r.username).or_default();
        list.retain(|a| *a != r.address);
        list.push_front(r.address);
        list.truncate(KNOWN_ADDRESSES);
    }

    /// The attempt was not checked after all (the database failed).
    pub fn release(&self, r: Reserved) {
        let mut st = self.lock();
        for k in &r.keys {
            if let Some(f) = st.failures.get_mut(k) {
                f.count = f.count.saturating_sub(1);
            }
        }
    }

    /// Forget the failures counted against an account (the admin's
    /// «Cho đăng nhập lại»); whether there were any.
    pub fn unlock(&self, username: &str) -> bool {
        let mut st = self.lock();
        let before = st.failures.len();
        st.failures.retain(|k, _| match k {
            ThrottleKey::Pair(u, _) | ThrottleKey::Account(u) => u != username,
            ThrottleKey::Address(_) => true,
        });
        st.failures.len() != before
    }

    /// Accounts with failures on record: username → (failures, whether
    /// some address must wait now).
    pub fn failing_accounts(&self) -> HashMap<String, (u32, bool)> {
        let now = Instant::now();
        let st = self.lock();
        let mut out: HashMap<String, (u32, bool)> = HashMap::new();
        for (k, f) in &st.failures {
            if now.duration_since(f.last) >= self.limits.forget_after || f.count == 0 {
                continue;
            }
            let waiting = !self.wait(k, f, now).is_zero();
            match k {
                ThrottleKey::Pair(u, _) => {
                    let e = out.entry(u.clone()).or_default();
                    e.0 += f.count;
                    e.1 |= waiting;
                }
                ThrottleKey::Account(u) => {
                    out.entry(u.clone()).or_default().1 |= waiting;
                }
                ThrottleKey::Address(_) => {}
            }
        }
        out
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
    // Counted before the slow check, so parallel guesses get no more checks.
    let reserved = match state.throttle.reserve(&username, &ip) {
        Ok(r) => r,
        Err(wait) => {
            let mut resp = render_login(
                &state,
                pre,
                Some(format!(
                    "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {wait} giây."
                )),
                username,
                axum::http::StatusCode::TOO_MANY_REQUESTS,
            )?;
            resp.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(wait));
            return Ok(resp);
        }
    };
    let found = match state.store.find_user(&username).await {
        Ok(found) => found,
        Err(e) => {
            state.throttle.release(reserved);
            return Err(e.into());
        }
    };
    let ok = match &found {
        Some((u, hash)) => verify_password(&form.password, hash) && !u.disabled,
        None => {
            // Same work as a real check, so timing does not reveal usernames.
            let _ = verify_password(&form.password, dummy_hash());
            false
        }
    };
    let Some((user, _)) = found.filter(|_| ok) else {
        // The failure was counted when the attempt was reserved.
        drop(reserved);
        state.store.audit().record(AuditEvent {
            user_id: None,
            username: username.clone(),
            action: AuditAction::LoginFailed.code().into(),
            object_type: AuditObject::Account.code().into(),
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
    state.throttle.succeeded(reserved);
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
        action: AuditAction::Login.code().into(),
        object_type: AuditObject::Account.code().into(),
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
    user.audit(
        &state,
        AuditAction::ChangePassword,
        AuditObject::Account,
        user.user.id,
        "",
    );
    // Sessions were ended by the change; log in again with the new password.
    let mut resp = Redirect::to("/dang-nhap?da_doi=1").into_response();
    resp.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
    );
    Ok(resp)
}

/// The first value of `key` in a form read as pairs (a form with repeated
/// fields, `Form<Vec<(String, String)>>`); empty when absent.
pub(crate) fn form_field<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> LoginLimits {
        LoginLimits {
            first_wait: StdDuration::from_secs(30),
            ..LoginLimits::default()
        }
    }

    #[test]
    fn an_account_from_one_address_gets_five_checks_then_waits() {
        let t = Throttle::new(limits());
        for _ in 0..5 {
            let r = t.reserve("chutich", "10.0.0.2");
            assert!(r.is_ok());
        }
        assert_eq!(t.reserve("chutich", "10.0.0.2").err(), Some(30));
        // Another address, another account: not affected.
        assert!(t.reserve("chutich", "10.0.0.3").is_ok());
        assert!(t.reserve("ketoan", "10.0.0.2").is_ok());
        let (failures, waiting) = t.failing_accounts()["chutich"];
        assert_eq!((failures, waiting), (6, true));
        assert!(t.unlock("chutich"));
        assert!(t.reserve("chutich", "10.0.0.2").is_ok());
        assert!(!t.failing_accounts()["chutich"].1);
    }

    #[test]
    fn a_known_address_is_not_kept_out_by_guesses_elsewhere() {
        let t = Throttle::new(limits());
        let ok = t.reserve("chutich", "10.0.0.1").ok();
        t.succeeded(ok.expect("first login"));
        for n in 0..8 {
            for _ in 0..5 {
                let _ = t.reserve("chutich", &format!("10.0.1.{n}"));
            }
        }
        assert!(
            t.reserve("chutich", "10.0.9.9").is_err(),
            "a new address waits"
        );
        let r = t.reserve("chutich", "10.0.0.1").ok();
        assert!(r.is_some(), "the owner's address does not");
    }

    #[test]
    fn a_success_is_no_failure_and_an_unchecked_attempt_is_given_back() {
        let t = Throttle::new(LoginLimits {
            per_address: 3,
            ..limits()
        });
        for user in ["a", "b"] {
            let r = t.reserve(user, "10.0.0.1").ok();
            t.succeeded(r.expect("allowed"));
        }
        let r = t.reserve("c", "10.0.0.1").ok();
        t.release(r.expect("allowed"));
        for user in ["d", "e", "f"] {
            assert!(t.reserve(user, "10.0.0.1").is_ok(), "{user}");
        }
        assert!(
            t.reserve("g", "10.0.0.1").is_err(),
            "three failures counted"
        );
    }

    #[test]
    fn an_ipv6_subscriber_counts_as_one_address() {
        assert_eq!(address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            address_key("2001:db8:1:2:bbbb::7"),
            address_key("2001:db8:1:2:aaaa::1")
        );
        assert_eq!(address_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("192.0.2.7"), "192.0.2.7");
    }

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
