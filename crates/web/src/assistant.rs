//! The administrative virtual assistant on the web: a chat page that works
//! as a plain form on a slow phone, a JSON API, feedback buttons, and a page
//! for officials with the questions it could not answer or answered badly.
//!
//! A conversation lives in the page itself (the user's earlier turns in a
//! hidden field), so the server keeps no chat state. Questions are logged
//! with phone and ID numbers removed; a logged-in resident's use counts as
//! using an AI tool.

use crate::auth::{cookie_value, random_token, token_hash, CurrentUser, SESSION_COOKIE};
use crate::error::{AppError, AppResult};
use crate::pages::{vn_time, Nav};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use hocvuso_assistant::{Assistant, Reply};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_storage::QuestionLog;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const CHAT_COOKIE: &str = "hv_chat";
const MAX_TURNS: usize = 20;
const MAX_QUESTION_CHARS: usize = 500;

/// The assistant with the office's edits, built once and shared.
pub async fn assistant(state: &AppState) -> AppResult<Arc<Assistant>> {
    if let Some(a) = state.assistant.read().await.as_ref() {
        return Ok(a.clone());
    }
    rebuild(state).await
}

/// Build the assistant again from the embedded knowledge and the edited records.
pub async fn rebuild(state: &AppState) -> AppResult<Arc<Assistant>> {
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
    let built = Arc::new(built);
    *state.assistant.write().await = Some(built.clone());
    Ok(built)
}

pub fn router() -> Router<AppState> {
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
}

/// The logged-in session, if any (the chat is open to everyone).
pub(crate) async fn optional_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Option<hocvuso_storage::SessionRecord> {
    let token = cookie_value(headers, SESSION_COOKIE)?;
    state
        .store
        .get_session(&token_hash(&token), chrono::Utc::now())
        .await
        .ok()
        .flatten()
}

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
    turns: Vec<TurnView>,
    history: &[String],
    ids: &[i64],
    thanks: bool,
) -> AppResult<Response> {
    let (csrf, fresh) = chat_csrf(headers);
    let session = optional_session(state, headers).await;
    let page = ChatPage {
        nav: session
            .as_ref()
            .map(|s| Nav::from_parts(&s.user, &s.csrf_token)),
        csrf: csrf.clone(),
        turns,
        history: serde_json::to_string(history).unwrap_or_else(|_| "[]".into()),
        ids: serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()),
        thanks,
    };
    Ok(with_cookie(
        Html(page.render()?).into_response(),
        &csrf,
        fresh,
        state.config.secure_cookies,
    ))
}

async fn chat_page(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    render(&state, &headers, vec![], &[], &[], false).await
}

/// The conversation as shown: each question with its answer and log id.
fn turn_views(history: &[String], replies: &[Reply], ids: &[i64]) -> Vec<TurnView> {
    history
        .iter()
        .zip(replies)
        .zip(ids.iter().copied().chain(std::iter::repeat(0)))
        .map(|((q, r), id)| TurnView {
            question: q.clone(),
            answer: r.answer_text.clone(),
            log_id: id,
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

/// Replay a conversation turn by turn (the assistant is deterministic).
fn replay(a: &Assistant, turns: &[String]) -> Vec<Reply> {
    let mut state = hocvuso_assistant::State::default();
    turns
        .iter()
        .map(|t| {
            let r = a.ask(t, &state);
            state = r.state.clone();
            r
        })
        .collect()
}

async fn log(
    state: &AppState,
    user: &Option<hocvuso_storage::User>,
    question: &str,
    r: &Reply,
) -> AppResult<i64> {
    let q = QuestionLog {
        user_id: user.as_ref().map(|u| u.id),
        resident_id: user.as_ref().and_then(|u| u.role.resident_id()),
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
    headers: HeaderMap,
    Form(f): Form<ChatForm>,
) -> AppResult<Response> {
    let (csrf, _) = chat_csrf(&headers);
    if f.csrf != csrf {
        return Err(AppError::Csrf);
    }
    let a = assistant(&state).await?;
    let mut history: Vec<String> = serde_json::from_str(&f.lich_su).unwrap_or_default();
    let mut ids: Vec<i64> = serde_json::from_str(&f.ma).unwrap_or_default();
    let q: String = f.q.trim().chars().take(MAX_QUESTION_CHARS).collect();
    if !q.is_empty() {
        history.push(q.clone());
    }
    if history.len() > MAX_TURNS {
        let cut = history.len() - MAX_TURNS;
        history.drain(..cut);
        ids.drain(..cut.min(ids.len()));
    }
    let mut replies = replay(&a, &history);
    if let (Some(cfg), false) = (&state.config.llm, q.is_empty()) {
        if let Some(last) = replies.pop() {
            replies.push(crate::llm::rephrase(cfg, &q, last).await);
        }
    }
    if !q.is_empty() {
        let user = optional_session(&state, &headers).await.map(|s| s.user);
        if let Some(last) = replies.last() {
            ids.push(log(&state, &user, &q, last).await?);
        }
    }
    let turns = turn_views(&history, &replies, &ids);
    render(&state, &headers, turns, &history, &ids, false).await
}

#[derive(Deserialize)]
struct RateForm {
    csrf: String,
    id: i64,
    rating: i32,
    #[serde(default)]
    lich_su: String,
    #[serde(default)]
    ma: String,
}

async fn rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<RateForm>,
) -> AppResult<Response> {
    let (csrf, _) = chat_csrf(&headers);
    if f.csrf != csrf {
        return Err(AppError::Csrf);
    }
    let ids: Vec<i64> = serde_json::from_str(&f.ma).unwrap_or_default();
    // Only a question of this conversation can be rated from it.
    if !ids.contains(&f.id) || !matches!(f.rating, -1 | 1) {
        return Err(AppError::BadRequest("Đánh giá không hợp lệ".into()));
    }
    state.store.rate_question(f.id, f.rating).await?;
    let history: Vec<String> = serde_json::from_str(&f.lich_su).unwrap_or_default();
    let a = assistant(&state).await?;
    let replies = replay(&a, &history);
    let turns = turn_views(&history, &replies, &ids);
    render(&state, &headers, turns, &history, &ids, true).await
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
    headers: HeaderMap,
    Json(req): Json<ApiRequest>,
) -> AppResult<Json<ApiReply>> {
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
    let a = assistant(&state).await?;
    let mut reply = a.converse(&req.turns);
    if let Some(cfg) = &state.config.llm {
        reply = crate::llm::rephrase(
            cfg,
            req.turns.last().map(String::as_str).unwrap_or(""),
            reply,
        )
        .await;
    }
    let user = optional_session(&state, &headers).await.map(|s| s.user);
    let last = req.turns.last().map(String::as_str).unwrap_or("");
    let question_id = log(&state, &user, last, &reply).await?;
    Ok(Json(ApiReply { reply, question_id }))
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
    pub last_checked: String,
    pub edited: bool,
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordsPage {
    nav: Option<Nav>,
    rows: Vec<RecordView>,
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
    let mut rows: Vec<RecordView> = a
        .knowledge
        .records
        .iter()
        .map(|r| RecordView {
            code: r.code.clone(),
            name: r.name.clone(),
            field: r.field.clone(),
            last_checked: r.last_checked.clone(),
            edited: edited.contains(&r.code),
        })
        .collect();
    rows.sort_by(|a, b| a.field.cmp(&b.field).then(a.code.cmp(&b.code)));
    Ok(Html(
        RecordsPage {
            nav: Some(Nav::of(&user)),
            rows,
        }
        .render()?,
    ))
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
            user.audit(&state, "sua", "thu_tuc", &code, "");
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
