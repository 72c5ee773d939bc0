//! The administrative virtual assistant on the web: a chat page that works
//! as a plain form on a slow phone, a JSON API, feedback buttons, and a page
//! for officials with the questions it could not answer or answered badly.
//!
//! A conversation lives in the page itself (the user's earlier turns in a
//! hidden field), so the server keeps no chat state. What the page sends back
//! is bounded field by field before it is parsed, and the answers are worked
//! out on the blocking pool, never on the async workers. A question's log id
//! travels with a signature (HMAC with a key made at start-up, bound to the
//! visitor's chat cookie), so only the page that asked can rate the answer.
//! Questions are limited per client: anonymous ones per address, a
//! logged-in user's per account, with a larger allowance. Questions are
//! logged with phone and ID numbers removed; a logged-in resident's use
//! counts as using an AI tool.

use crate::auth::{cookie_value, random_token, ClientIp, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::pages::{vn_time, Nav};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Extension, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use hmac::{Hmac, Mac};
use hocvuso_assistant::{Assistant, Reply};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_storage::QuestionLog;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

const CHAT_COOKIE: &str = "hv_chat";
/// The most turns a conversation carries (the page keeps the last ones).
pub const MAX_TURNS: usize = 20;
/// The most characters of one question (longer ones are cut when asked).
pub const MAX_QUESTION_CHARS: usize = 500;
/// The most bytes the page's conversation field may hold, checked before it
/// is parsed: [`MAX_TURNS`] turns of [`MAX_QUESTION_CHARS`] characters as
/// JSON, where a character takes at most 6 bytes (an escaped control
/// character), with their quotes and commas.
pub const MAX_HISTORY_BYTES: usize = MAX_TURNS * (MAX_QUESTION_CHARS * 6 + 3) + 2;
/// The page's list of log ids: [`MAX_TURNS`] numbers.
const MAX_IDS_BYTES: usize = MAX_TURNS * 24 + 2;
/// A signature: HMAC-SHA256, in hex.
const SIGNATURE_HEX: usize = 64;
/// The page's list of signatures, one per log id.
const MAX_SIGNATURES_BYTES: usize = MAX_TURNS * (SIGNATURE_HEX + 3) + 2;

/// Questions one address may ask at once without logging in; after that, one
/// more every [`ANONYMOUS_EVERY_SECS`]. Enough for a family sharing a phone
/// or a class in the commune hall on one network, not for a script.
pub const ANONYMOUS_BURST: u32 = 20;
const ANONYMOUS_EVERY_SECS: f64 = 3.0;
/// A logged-in user (a digital team member asks for many residents) has an
/// allowance of their own, whatever their address.
pub const SIGNED_IN_BURST: u32 = 60;
const SIGNED_IN_EVERY_SECS: f64 = 1.0;
/// Clients remembered at once. Past it, those whose allowance is whole again
/// are forgotten; if that is not enough, new clients share one allowance.
const MAX_CLIENTS: usize = 10_000;
const SHARED_CLIENT: &str = "*";

/// The assistant with the office's edits, built once and shared. Requests
/// that come while it is first built wait for that one build (seconds of CPU)
/// instead of each starting their own.
pub async fn assistant(state: &AppState) -> AppResult<Arc<Assistant>> {
    if let Some(a) = state.assistant.read().await.as_ref() {
        return Ok(a.clone());
    }
    let mut slot = state.assistant.write().await;
    if let Some(a) = slot.as_ref() {
        return Ok(a.clone());
    }
    let built = build(state).await?;
    *slot = Some(built.clone());
    Ok(built)
}

/// Build the assistant again from the embedded knowledge and the edited records.
pub async fn rebuild(state: &AppState) -> AppResult<Arc<Assistant>> {
    let built = build(state).await?;
    *state.assistant.write().await = Some(built.clone());
    Ok(built)
}

/// The embedded knowledge plus the office's edits, indexed on the blocking pool.
async fn build(state: &AppState) -> AppResult<Arc<Assistant>> {
    let mut edited = Vec::new();
    for (code, text) in state.store.procedure_overrides().await? {
        match hocvuso_assistant::knowledge::parse_edited(&code, &text) {
            Ok(r) => edited.push(r),
            Err(e) => tracing::error!(code, error = %e, "edited procedure record ignored"),
        }
    }
    let built = tokio::task::spawn_blocking(move || Assistant::embedded_with(edited))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("dữ liệu trợ lý ảo lỗi: {e}")))?;
    Ok(Arc::new(built))
}

pub fn router(config: &crate::WebConfig) -> Router<AppState> {
    Router::new()
        .route("/tro-ly", get(chat_page).post(chat))
        .route("/static/tro-ly.js", get(chat_script))
        .route("/tro-ly/danh-gia", post(rate))
        .route("/tro-ly/cau-hoi", get(review))
        .route("/api/tro-ly", post(api))
        .route("/tro-ly/thu-tuc", get(records))
        .route(
            "/tro-ly/thu-tuc/{code}",
            get(edit_record_page).post(edit_record),
        )
        .layer(Extension(Arc::new(Guard::new(config.assistant_unlimited))))
}

/// What the assistant's routes keep between requests: the key that signs the
/// questions a page may rate (made at start-up, so a page from before a
/// restart can no longer rate), and each client's allowance of questions.
struct Guard {
    key: [u8; 64],
    allowances: Mutex<HashMap<String, Allowance>>,
    /// Every question admitted (`WebConfig::assistant_unlimited`).
    unlimited: bool,
    /// One permit per CPU core: answers being computed (see [`think`]).
    thinking: tokio::sync::Semaphore,
}

/// A token bucket: `tokens` questions left at `at`, refilled by one every
/// `every` seconds up to `burst`.
struct Allowance {
    tokens: f64,
    at: Instant,
    burst: f64,
    every: f64,
}

impl Allowance {
    fn now(&self, now: Instant) -> f64 {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() / self.every;
        (self.tokens + refill).min(self.burst)
    }
}

impl Guard {
    fn new(unlimited: bool) -> Self {
        let mut key = [0u8; 64];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Guard {
            key,
            allowances: Mutex::new(HashMap::new()),
            unlimited,
            thinking: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
        }
    }

    fn mac(&self, chat: &str, id: i64) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new(&self.key.into());
        mac.update(b"hocvuso/tro-ly/danh-gia\0");
        mac.update(chat.as_bytes());
        mac.update(b"\0");
        mac.update(id.to_string().as_bytes());
        mac
    }

    /// What lets the visitor with this chat cookie rate question `id`.
    fn sign(&self, chat: &str, id: i64) -> String {
        hex::encode(self.mac(chat, id).finalize().into_bytes())
    }

    fn verify(&self, chat: &str, id: i64, signature: &str) -> bool {
        id > 0
            && signature.len() == SIGNATURE_HEX
            && hex::decode(signature).is_ok_and(|s| self.mac(chat, id).verify_slice(&s).is_ok())
    }

    /// Take one question from the client's allowance (the account's when
    /// signed in, else the address's): `None`, or the 429 answer that says
    /// in how many seconds the next one may be asked.
    fn refusal(&self, viewer: Option<&CurrentUser>, ip: &str) -> Option<Response> {
        if self.unlimited {
            return None;
        }
        self.admit_at(viewer.map(|u| u.user.id), ip, Instant::now())
            .err()
            .map(too_many)
    }

    fn admit_at(&self, user_id: Option<i64>, ip: &str, now: Instant) -> Result<(), u64> {
        let (client, burst, every) = match user_id {
            Some(id) => (format!("u:{id}"), SIGNED_IN_BURST, SIGNED_IN_EVERY_SECS),
            None => (
                format!("ip:{}", address_block(ip)),
                ANONYMOUS_BURST,
                ANONYMOUS_EVERY_SECS,
            ),
        };
        let mut all = self
            .allowances
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut key = client;
        if all.len() >= MAX_CLIENTS && !all.contains_key(&key) {
            // A whole allowance is what a new client gets anyway.
            all.retain(|_, a| a.now(now) < a.burst);
            if all.len() >= MAX_CLIENTS {
                key = SHARED_CLIENT.to_string();
            }
        }
        let a = all.entry(key).or_insert(Allowance {
            tokens: f64::from(burst),
            at: now,
            burst: f64::from(burst),
            every,
        });
        a.tokens = a.now(now);
        a.at = now;
        if a.tokens >= 1.0 {
            a.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - a.tokens) * a.every).ceil().max(1.0) as u64)
        }
    }
}

/// The client's address as the limit counts it: an IPv6 client usually
/// holds a whole /64, so the /64 is one client.
fn address_block(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        _ => ip.to_string(),
    }
}

/// 429 with `Retry-After` and a Vietnamese page.
fn too_many(wait: u64) -> Response {
    let mut resp = AppError::TooManyRequests(format!(
        "Bạn hỏi quá nhiều trong thời gian ngắn. Hãy thử lại sau {wait} giây."
    ))
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        resp.headers_mut().insert(RETRY_AFTER, v);
    }
    resp
}

fn too_long() -> AppError {
    AppError::BadRequest(format!(
        "Cuộc hỏi quá dài: trợ lý giữ tối đa {MAX_TURNS} lượt hỏi, mỗi lượt {MAX_QUESTION_CHARS} ký tự. \
         Hãy bấm «Bắt đầu cuộc hỏi mới»."
    ))
}

/// The earlier turns the page sent back, bounded before and after parsing.
fn parse_history(raw: &str) -> AppResult<Vec<String>> {
    let limits = hocvuso_assistant::history::HistoryLimits {
        turns: MAX_TURNS,
        question_chars: MAX_QUESTION_CHARS,
        bytes: MAX_HISTORY_BYTES,
    };
    hocvuso_assistant::history::parse_history(raw, &limits).map_err(|_| too_long())
}

/// The log ids of the earlier turns. An id is kept only with its signature
/// for this chat; any other becomes 0 (shown without rating buttons).
fn parse_ids(guard: &Guard, chat: &str, ids: &str, signatures: &str) -> AppResult<Vec<i64>> {
    if ids.len() > MAX_IDS_BYTES || signatures.len() > MAX_SIGNATURES_BYTES {
        return Err(too_long());
    }
    let ids: Vec<i64> = serde_json::from_str(ids).unwrap_or_default();
    let signatures: Vec<String> = serde_json::from_str(signatures).unwrap_or_default();
    if ids.len() > MAX_TURNS {
        return Err(too_long());
    }
    Ok(ids
        .iter()
        .enumerate()
        .map(|(i, &id)| match signatures.get(i) {
            Some(s) if guard.verify(chat, id, s) => id,
            _ => 0,
        })
        .collect())
}

const CHAT_JS: &str = include_str!("../static/tro-ly.js");

async fn chat_script() -> axum::response::Response {
    crate::pages::static_file(
        "text/javascript; charset=utf-8",
        "public, max-age=3600",
        CHAT_JS,
    )
}

pub struct TurnView {
    pub question: String,
    pub answer: String,
    pub log_id: i64,
    /// What lets this page rate the answer (empty when it may not).
    pub signature: String,
    pub procedures: Vec<(String, String)>,
}

impl TurnView {
    /// The answer as HTML: escaped text whose web addresses (the portal's
    /// page of the procedure) are links a citizen can tap.
    pub fn answer_html(&self) -> String {
        crate::html::linkify(&self.answer)
    }
}

#[derive(Template)]
#[template(path = "chat.html")]
struct ChatPage {
    nav: Option<Nav>,
    csrf: String,
    turns: Vec<TurnView>,
    history: String,
    ids: String,
    signatures: String,
    thanks: bool,
}

#[derive(Deserialize)]
struct ChatForm {
    csrf: String,
    #[serde(default)]
    q: String,
    /// Earlier turns, JSON array of strings.
    #[serde(default)]
    lich_su: String,
    /// Log ids of the earlier turns, JSON array.
    #[serde(default)]
    ma: String,
    /// The ids' signatures, JSON array of strings in the same order.
    #[serde(default)]
    ma_ky: String,
}

/// The logged-in session, if any (the chat is open to everyone).
fn chat_csrf(headers: &HeaderMap) -> (String, bool) {
    match cookie_value(headers, CHAT_COOKIE).filter(|c| c.len() >= 20) {
        Some(c) => (c, false),
        None => (random_token(24), true),
    }
}

fn with_cookie(mut resp: Response, csrf: &str, fresh: bool, secure: bool) -> Response {
    if fresh {
        let s = format!(
            "{CHAT_COOKIE}={csrf}; Path=/tro-ly; HttpOnly; SameSite=Strict; Max-Age=86400{}",
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&s) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
    }
    resp
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    viewer: Option<&CurrentUser>,
    turns: Vec<TurnView>,
    history: &[String],
    ids: &[i64],
    thanks: bool,
) -> AppResult<Response> {
    let (csrf, fresh) = chat_csrf(headers);
    let signatures: Vec<&str> = ids
        .iter()
        .map(|id| {
            turns
                .iter()
                .find(|t| t.log_id == *id && *id > 0)
                .map_or("", |t| t.signature.as_str())
        })
        .collect();
    let page = ChatPage {
        nav: viewer.map(Nav::of),
        csrf: csrf.clone(),
        history: serde_json::to_string(history).unwrap_or_else(|_| "[]".into()),
        ids: serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()),
        signatures: serde_json::to_string(&signatures).unwrap_or_else(|_| "[]".into()),
        turns,
        thanks,
    };
    Ok(with_cookie(
        Html(page.render()?).into_response(),
        &csrf,
        fresh,
        state.config.secure_cookies,
    ))
}

async fn chat_page(
    State(state): State<AppState>,
    viewer: Option<CurrentUser>,
    headers: HeaderMap,
) -> AppResult<Response> {
    render(&state, &headers, viewer.as_ref(), vec![], &[], &[], false).await
}

/// The conversation as shown: each question with its answer, its log id and
/// the signature that lets this chat rate it.
fn turn_views(
    guard: &Guard,
    chat: &str,
    history: &[String],
    replies: &[Reply],
    ids: &[i64],
) -> Vec<TurnView> {
    history
        .iter()
        .zip(replies)
        .zip(ids.iter().copied().chain(std::iter::repeat(0)))
        .map(|((q, r), id)| TurnView {
            question: q.clone(),
            answer: r.answer_text.clone(),
            log_id: id,
            signature: if id > 0 {
                guard.sign(chat, id)
            } else {
                String::new()
            },
            procedures: procedures_of(r),
        })
        .collect()
}

fn procedures_of(r: &Reply) -> Vec<(String, String)> {
    r.procedures
        .iter()
        .take(1)
        .map(|h| (h.code.clone(), h.name.clone()))
        .collect()
}

/// Replay a conversation turn by turn (the assistant is deterministic), on
/// the blocking pool: a long conversation is CPU work.
/// Run the assistant off the async workers, at most one computation per
/// CPU core at a time: under a crowd, questions wait their turn in order
/// (the semaphore is fair) instead of fifty threads slicing two cores, which
/// makes every answer late.
async fn think<T: Send + 'static>(
    guard: &Guard,
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    let _turn = guard
        .thinking
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("trợ lý ảo không trả lời được ({e})")))
}

async fn replay(guard: &Guard, a: Arc<Assistant>, turns: Vec<String>) -> AppResult<Vec<Reply>> {
    think(guard, move || {
        let mut state = hocvuso_assistant::State::default();
        turns
            .iter()
            .map(|t| {
                let r = a.ask(t, &state);
                state = r.state.clone();
                r
            })
            .collect()
    })
    .await
}

async fn log(
    state: &AppState,
    viewer: &Option<CurrentUser>,
    question: &str,
    r: &Reply,
) -> AppResult<i64> {
    let user = viewer.as_ref().map(|v| &v.user);
    let q = QuestionLog {
        user_id: user.map(|u| u.id),
        resident_id: user.and_then(|u| u.role.resident_id()),
        question: hocvuso_assistant::text::redact(question),
        behavior: serde_json::to_value(r.behavior)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        code: (r.behavior == hocvuso_assistant::Behavior::Answer)
            .then(|| r.procedures.first().map(|h| h.code.clone()))
            .flatten(),
    };
    Ok(state.store.log_question(&q).await?)
}

async fn chat(
    State(state): State<AppState>,
    Extension(guard): Extension<Arc<Guard>>,
    ClientIp(ip): ClientIp,
    viewer: Option<CurrentUser>,
    headers: HeaderMap,
    Form(f): Form<ChatForm>,
) -> AppResult<Response> {
    let (csrf, _) = chat_csrf(&headers);
    if f.csrf != csrf {
        return Err(AppError::Csrf);
    }
    if let Some(refused) = guard.refusal(viewer.as_ref(), &ip) {
        return Ok(refused);
    }
    let mut history = parse_history(&f.lich_su)?;
    let mut ids = parse_ids(&guard, &csrf, &f.ma, &f.ma_ky)?;
    let q: String = f.q.trim().chars().take(MAX_QUESTION_CHARS).collect();
    if !q.is_empty() {
        history.push(q.clone());
    }
    if history.len() > MAX_TURNS {
        let cut = history.len() - MAX_TURNS;
        history.drain(..cut);
        ids.drain(..cut.min(ids.len()));
    }
    let a = assistant(&state).await?;
    let mut replies = replay(&guard, a, history.clone()).await?;
    if let (Some(cfg), false) = (&state.config.llm, q.is_empty()) {
        if let Some(last) = replies.pop() {
            replies.push(crate::llm::rephrase(cfg, &q, last).await);
        }
    }
    if !q.is_empty() {
        if let Some(last) = replies.last() {
            ids.push(log(&state, &viewer, &q, last).await?);
        }
    }
    let turns = turn_views(&guard, &csrf, &history, &replies, &ids);
    render(
        &state,
        &headers,
        viewer.as_ref(),
        turns,
        &history,
        &ids,
        false,
    )
    .await
}

#[derive(Deserialize)]
struct RateForm {
    csrf: String,
    id: i64,
    rating: i32,
    /// The signature of `id` for this chat, as the page received it.
    #[serde(default)]
    chu_ky: String,
    #[serde(default)]
    lich_su: String,
    #[serde(default)]
    ma: String,
    #[serde(default)]
    ma_ky: String,
}

async fn rate(
    State(state): State<AppState>,
    Extension(guard): Extension<Arc<Guard>>,
    ClientIp(ip): ClientIp,
    viewer: Option<CurrentUser>,
    headers: HeaderMap,
    Form(f): Form<RateForm>,
) -> AppResult<Response> {
    let (csrf, _) = chat_csrf(&headers);
    if f.csrf != csrf {
        return Err(AppError::Csrf);
    }
    // Only a question this chat asked (the server signed it for this
    // cookie) can be rated from it; a list of "my questions" proves nothing.
    if !guard.verify(&csrf, f.id, &f.chu_ky) || !matches!(f.rating, -1 | 1) {
        return Err(AppError::BadRequest("Đánh giá không hợp lệ".into()));
    }
    if let Some(refused) = guard.refusal(viewer.as_ref(), &ip) {
        return Ok(refused);
    }
    let history = parse_history(&f.lich_su)?;
    let ids = parse_ids(&guard, &csrf, &f.ma, &f.ma_ky)?;
    if !state.store.rate_question(f.id, f.rating).await? {
        return Err(AppError::NotFound);
    }
    let a = assistant(&state).await?;
    let replies = replay(&guard, a, history.clone()).await?;
    let turns = turn_views(&guard, &csrf, &history, &replies, &ids);
    render(
        &state,
        &headers,
        viewer.as_ref(),
        turns,
        &history,
        &ids,
        true,
    )
    .await
}

#[derive(Deserialize)]
struct ApiRequest {
    turns: Vec<String>,
}

#[derive(Serialize)]
struct ApiReply {
    #[serde(flatten)]
    reply: Reply,
    question_id: i64,
}

/// `POST /api/tro-ly` with `{"turns": ["câu hỏi", "câu tiếp"]}`.
async fn api(
    State(state): State<AppState>,
    Extension(guard): Extension<Arc<Guard>>,
    ClientIp(ip): ClientIp,
    viewer: Option<CurrentUser>,
    Json(req): Json<ApiRequest>,
) -> AppResult<Response> {
    if req.turns.is_empty()
        || req.turns.len() > MAX_TURNS
        || req
            .turns
            .iter()
            .any(|t| t.chars().count() > MAX_QUESTION_CHARS)
    {
        return Err(AppError::BadRequest(format!(
            "Cần 1–{MAX_TURNS} lượt hỏi, mỗi lượt tối đa {MAX_QUESTION_CHARS} ký tự"
        )));
    }
    if let Some(refused) = guard.refusal(viewer.as_ref(), &ip) {
        return Ok(refused);
    }
    let a = assistant(&state).await?;
    let turns = req.turns;
    let last = turns.last().cloned().unwrap_or_default();
    let mut reply = think(&guard, move || a.converse(&turns)).await?;
    if let Some(cfg) = &state.config.llm {
        reply = crate::llm::rephrase(cfg, &last, reply).await;
    }
    let question_id = log(&state, &viewer, &last, &reply).await?;
    Ok(Json(ApiReply { reply, question_id }).into_response())
}

pub struct ReviewView {
    pub at: String,
    pub question: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "assistant_review.html")]
struct ReviewPage {
    nav: Option<Nav>,
    rows: Vec<ReviewView>,
}

async fn review(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    if !user.role().allowed(Action::See, Resource::AssistantReview) {
        return Err(AppError::Forbidden);
    }
    let rows = state
        .store
        .questions_needing_review(300)
        .await?
        .into_iter()
        .map(|q| ReviewView {
            at: vn_time(q.at),
            question: q.question,
            outcome: match (q.behavior.as_str(), q.rating) {
                (_, Some(r)) if r < 0 => format!("Bị chê ({})", q.code.unwrap_or_default()),
                ("out_of_scope", _) => "Chưa trả lời được / ngoài phạm vi".into(),
                ("clarify", _) => "Phải hỏi lại".into(),
                (b, _) => b.to_string(),
            },
        })
        .collect();
    Ok(Html(
        ReviewPage {
            nav: Some(Nav::of(&user)),
            rows,
        }
        .render()?,
    ))
}

pub struct RecordView {
    pub code: String,
    pub name: String,
    pub field: String,
    /// The day its sources were last read (dd/mm/yyyy), not a batch stamp.
    pub last_read: String,
    /// Its errors and warnings in the content check.
    pub to_check: usize,
    pub edited: bool,
}

/// One line of the content check, as the review page shows it.
pub struct FindingView {
    pub level: &'static str,
    pub error: bool,
    pub subject: String,
    /// The record's page, for findings about a record.
    pub link: Option<String>,
    pub title: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordsPage {
    nav: Option<Nav>,
    rows: Vec<RecordView>,
    findings: Vec<FindingView>,
    errors: usize,
    warnings: usize,
    notes: usize,
    today: String,
}

async fn records(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    if !user.role().allowed(Action::See, Resource::AssistantReview) {
        return Err(AppError::Forbidden);
    }
    let a = assistant(&state).await?;
    let edited: Vec<String> = state
        .store
        .procedure_overrides()
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    use hocvuso_assistant::freshness::Level;
    let today = hocvuso_domain::time::vn_today();
    let findings = crate::freshness::findings(&a.knowledge, &state.catalog, today)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (errors, warnings, notes) = hocvuso_assistant::freshness::counts(&findings);
    let mut rows: Vec<RecordView> = a
        .knowledge
        .records
        .iter()
        .map(|r| RecordView {
            code: r.code.clone(),
            name: r.name.clone(),
            field: r.field.clone(),
            last_read: r
                .last_read()
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            to_check: findings
                .iter()
                .filter(|f| f.level != Level::Note && f.record.as_deref() == Some(&r.code))
                .count(),
            edited: edited.contains(&r.code),
        })
        .collect();
    rows.sort_by(|a, b| a.field.cmp(&b.field).then(a.code.cmp(&b.code)));
    let page = RecordsPage {
        nav: Some(Nav::of(&user)),
        rows,
        errors,
        warnings,
        notes,
        today: today.format("%d/%m/%Y").to_string(),
        findings: findings
            .into_iter()
            .map(|f| FindingView {
                level: f.level.label(),
                error: f.level == Level::Error,
                link: f.record.map(|code| format!("/tro-ly/thu-tuc/{code}")),
                subject: f.subject,
                title: f.title,
                message: f.message,
            })
            .collect(),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "record_edit.html")]
struct RecordEditPage {
    nav: Option<Nav>,
    code: String,
    name: String,
    text: String,
    error: Option<String>,
    saved: bool,
}

async fn edit_record_page(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> AppResult<Html<String>> {
    if !user
        .role()
        .allowed(Action::Change, Resource::AssistantReview)
    {
        return Err(AppError::Forbidden);
    }
    let a = assistant(&state).await?;
    let r = a.record(&code).ok_or(AppError::NotFound)?;
    let page = RecordEditPage {
        nav: Some(Nav::of(&user)),
        code: code.clone(),
        name: r.name.clone(),
        text: hocvuso_assistant::knowledge::record_to_toml(r),
        error: None,
        saved: false,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
struct RecordForm {
    csrf: String,
    text: String,
}

async fn edit_record(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Path(code): axum::extract::Path<String>,
    Form(f): Form<RecordForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    if !user
        .role()
        .allowed(Action::Change, Resource::AssistantReview)
    {
        return Err(AppError::Forbidden);
    }
    let a = assistant(&state).await?;
    let name = a
        .record(&code)
        .map(|r| r.name.clone())
        .ok_or(AppError::NotFound)?;
    let text = f.text.replace("\r\n", "\n");
    match hocvuso_assistant::knowledge::parse_edited(&code, &text) {
        Ok(_) => {
            state
                .store
                .save_procedure_override(&code, &text, &user.user.username)
                .await?;
            rebuild(&state).await?;
            user.audit(&state, AuditAction::Edit, AuditObject::Procedure, &code, "");
            let page = RecordEditPage {
                nav: Some(Nav::of(&user)),
                code,
                name,
                text,
                error: None,
                saved: true,
            };
            Ok(Html(page.render()?).into_response())
        }
        Err(e) => {
            let page = RecordEditPage {
                nav: Some(Nav::of(&user)),
                code,
                name,
                text,
                error: Some(e.message),
                saved: false,
            };
            Ok((axum::http::StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_then_one_question_every_few_seconds() {
        let g = Guard::new(false);
        let t0 = Instant::now();
        for _ in 0..ANONYMOUS_BURST {
            assert_eq!(g.admit_at(None, "203.0.113.7", t0), Ok(()));
        }
        assert_eq!(g.admit_at(None, "203.0.113.7", t0), Err(3));
        // Another address, and a logged-in user on the same one, are not held back.
        assert_eq!(g.admit_at(None, "203.0.113.8", t0), Ok(()));
        for _ in 0..SIGNED_IN_BURST {
            assert_eq!(g.admit_at(Some(7), "203.0.113.7", t0), Ok(()));
        }
        assert!(g.admit_at(Some(7), "203.0.113.7", t0).is_err());
        // One more question once its time has come, and only one.
        let later = t0 + Duration::from_secs(3);
        assert_eq!(g.admit_at(None, "203.0.113.7", later), Ok(()));
        assert!(g.admit_at(None, "203.0.113.7", later).is_err());
    }

    #[test]
    fn only_the_benchmark_server_admits_every_question() {
        let limited = Guard::new(false);
        let unlimited = Guard::new(true);
        for _ in 0..ANONYMOUS_BURST {
            assert!(limited.refusal(None, "203.0.113.9").is_none());
        }
        let refused = limited.refusal(None, "203.0.113.9");
        assert_eq!(
            refused.map(|r| r.status()),
            Some(axum::http::StatusCode::TOO_MANY_REQUESTS)
        );
        for _ in 0..ANONYMOUS_BURST * 10 {
            assert!(unlimited.refusal(None, "203.0.113.9").is_none());
        }
        // `serve` never sets it.
        assert!(!crate::WebConfig::default().assistant_unlimited);
    }

    #[test]
    fn an_ipv6_client_is_its_slash_64() {
        let g = Guard::new(false);
        let t0 = Instant::now();
        for i in 0..ANONYMOUS_BURST {
            let ip = format!("2001:db8:1:2::{:x}", i + 1);
            assert_eq!(g.admit_at(None, &ip, t0), Ok(()));
        }
        assert!(g.admit_at(None, "2001:db8:1:2:ffff::9", t0).is_err());
        assert_eq!(address_block("::ffff:192.0.2.1"), "192.0.2.1");
    }

    #[test]
    fn the_clients_remembered_are_bounded() {
        let g = Guard::new(false);
        let t0 = Instant::now();
        for i in 0..MAX_CLIENTS + 50 {
            let ip = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
            let _ = g.admit_at(None, &ip, t0);
        }
        let n = g
            .allowances
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        assert!(n <= MAX_CLIENTS + 1, "{n}");
        // Once their allowance is whole again, old clients make room.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(g.admit_at(None, "192.0.2.200", later), Ok(()));
        let n = g
            .allowances
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        assert!(n < 10, "{n}");
    }

    #[test]
    fn a_signature_is_for_one_question_and_one_chat() {
        let g = Guard::new(false);
        let s = g.sign("chat-a", 42);
        assert!(g.verify("chat-a", 42, &s));
        assert!(!g.verify("chat-b", 42, &s));
        assert!(!g.verify("chat-a", 43, &s));
        assert!(!g.verify("chat-a", 42, "00"));
        assert!(
            !Guard::new(false).verify("chat-a", 42, &s),
            "a key of its own"
        );
    }
}
