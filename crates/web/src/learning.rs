//! Learning pages: the course list, courses, lessons (public, readable
//! offline), quizzes (a resident on their own account, or a team member on a
//! resident's behalf at a class or a home visit), certificates (PDF) and the
//! public verify page. The service worker and the page script that make
//! lessons and quiz answers work offline are served from here too.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::time::accepted_answer_time;
use hocvuso_learning::{competence_name, grade, Audience, Course};
use hocvuso_storage::{AttemptOutcome, CourseProgress, LearningMode, NewAttempt, NewCertificate};
use serde::Deserialize;
use std::collections::HashMap;

const HOC_JS: &str = include_str!("../static/hoc.js");
const SW_JS: &str = include_str!("../static/sw.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hoc", get(courses))
        .route("/hoc/{course}", get(course))
        .route("/hoc/{course}/kiem-tra", get(quiz_page).post(submit_quiz))
        .route("/hoc/{course}/chung-chi", get(certificate))
        .route("/hoc/{course}/{lesson}", get(lesson))
        .route("/xac-thuc/{code}", get(verify))
        .route("/sw.js", get(service_worker))
        .route("/static/hoc.js", get(page_script))
}

async fn service_worker() -> Response {
    crate::pages::static_file("text/javascript; charset=utf-8", "no-cache", SW_JS)
}

async fn page_script() -> Response {
    crate::pages::static_file(
        "text/javascript; charset=utf-8",
        "public, max-age=3600",
        HOC_JS,
    )
}

/// Who is looking, for public pages: nav and, for a resident, their id.
fn viewer(user: Option<&CurrentUser>) -> (Option<Nav>, Option<i64>) {
    (
        user.map(Nav::of),
        user.and_then(|u| u.user.role.resident_id()),
    )
}

fn find_course<'a>(state: &'a AppState, id: &str) -> AppResult<&'a Course> {
    state.catalog.course(id).ok_or(AppError::NotFound)
}

fn groups_text(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| Audience::label_of(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn competences_text(numbers: &[u8]) -> String {
    numbers
        .iter()
        .map(|n| format!("{n}. {}", competence_name(*n)))
        .collect::<Vec<_>>()
        .join("; ")
}

pub struct CourseCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub groups: String,
    pub lessons: usize,
    pub minutes: u32,
    pub read: usize,
    pub passed: bool,
}

#[derive(Template)]
#[template(path = "courses.html")]
struct CoursesPage {
    nav: Option<Nav>,
    cards: Vec<CourseCard>,
    learner: bool,
    basic: bool,
    staff: bool,
}

async fn progress_of(
    state: &AppState,
    resident: Option<i64>,
) -> AppResult<HashMap<String, CourseProgress>> {
    Ok(match resident {
        Some(id) => state
            .store
            .learning_progress(id)
            .await?
            .into_iter()
            .map(|p| (p.course_id.clone(), p))
            .collect(),
        None => HashMap::new(),
    })
}

async fn courses(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
) -> AppResult<Html<String>> {
    let (nav, me) = viewer(user.as_ref());
    let progress = progress_of(&state, me).await?;
    let cards = state
        .catalog
        .courses
        .iter()
        .map(|c| {
            let p = progress.get(&c.id);
            CourseCard {
                id: c.id.clone(),
                title: c.title.clone(),
                summary: c.summary.clone(),
                groups: groups_text(&c.groups),
                lessons: c.lessons.len(),
                minutes: c.minutes(),
                read: p.map(|p| p.lessons_read.len()).unwrap_or(0),
                passed: p.is_some_and(|p| p.certificate.is_some()),
            }
        })
        .collect();
    let basic = match me {
        Some(id) => match state
            .store
            .get_resident(hocvuso_domain::auth::ResidentScope::Own(id), id)
            .await?
        {
            Some(r) => {
                let team = state.store.is_team_member(id).await?;
                basic_knowledge(&state, &r, &progress, team)
            }
            None => false,
        },
        None => false,
    };
    Ok(Html(
        CoursesPage {
            staff: nav.is_some() && me.is_none(),
            nav,
            cards,
            learner: me.is_some(),
            basic,
        }
        .render()?,
    ))
}

/// Whether a resident has basic digital knowledge (see `courses/core.toml`).
fn basic_knowledge(
    state: &AppState,
    r: &hocvuso_domain::Resident,
    progress: &HashMap<String, CourseProgress>,
    team_member: bool,
) -> bool {
    let mut groups: Vec<String> = r.groups.iter().map(|g| g.code().to_string()).collect();
    if team_member {
        groups.push("to_cnscd".into());
    }
    let passed = progress
        .values()
        .filter(|p| p.certificate.is_some())
        .map(|p| p.course_id.clone())
        .collect();
    state.catalog.basic_knowledge_met(&groups, &passed)
}

/// One course on a resident's page.
pub struct LearningRow {
    pub course_id: String,
    pub title: String,
    pub read: usize,
    pub lessons: usize,
    pub attempts: i64,
    pub best_percent: String,
    pub certificate: Option<String>,
}

/// A resident's learning, for their registry page: every course, and
/// whether they count as having basic digital knowledge.
pub(crate) fn resident_learning(
    state: &AppState,
    r: &hocvuso_domain::Resident,
    summary: hocvuso_storage::LearnerSummary,
) -> (Vec<LearningRow>, bool) {
    let progress: HashMap<String, CourseProgress> = summary
        .progress
        .into_iter()
        .map(|p| (p.course_id.clone(), p))
        .collect();
    let rows = state
        .catalog
        .courses
        .iter()
        .map(|c| {
            let p = progress.get(&c.id);
            LearningRow {
                course_id: c.id.clone(),
                title: c.title.clone(),
                read: p.map(|p| p.lessons_read.len()).unwrap_or(0),
                lessons: c.lessons.len(),
                attempts: p.map(|p| p.attempts).unwrap_or(0),
                best_percent: p
                    .and_then(|p| p.best_percent)
                    .map(|v| format!("{v}%"))
                    .unwrap_or_else(|| "—".into()),
                certificate: p.and_then(|p| p.certificate.clone()),
            }
        })
        .collect();
    let basic = basic_knowledge(state, r, &progress, summary.team_member);
    (rows, basic)
}

pub struct LessonLink {
    pub id: String,
    pub title: String,
    pub minutes: u8,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "course.html")]
struct CoursePage<'a> {
    nav: Option<Nav>,
    c: &'a Course,
    groups: String,
    competences: String,
    lessons: Vec<LessonLink>,
    /// URLs to store for offline reading.
    offline_urls: String,
    certificate: Option<String>,
    /// An official without a resident record: they record results for
    /// residents from the registry, they take no quiz themselves.
    staff: bool,
}

async fn course(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let c = find_course(&state, &id)?;
    let (nav, me) = viewer(user.as_ref());
    let progress = progress_of(&state, me).await?;
    let p = progress.get(&c.id);
    let lessons = c
        .lessons
        .iter()
        .map(|l| LessonLink {
            id: l.id.clone(),
            title: l.title.clone(),
            minutes: l.minutes,
            read: p.is_some_and(|p| p.lessons_read.contains(&l.id)),
        })
        .collect();
    let mut urls: Vec<String> = vec![format!("/hoc/{}", c.id)];
    urls.extend(c.lessons.iter().map(|l| format!("/hoc/{}/{}", c.id, l.id)));
    if me.is_some() {
        urls.push(format!("/hoc/{}/kiem-tra", c.id));
    }
    urls.push("/static/app.css".into());
    urls.push("/static/hoc.js".into());
    let staff = nav.is_some() && me.is_none();
    let html = CoursePage {
        nav,
        c,
        groups: groups_text(&c.groups),
        competences: competences_text(&c.competences()),
        lessons,
        offline_urls: urls.join(" "),
        certificate: p.and_then(|p| p.certificate.clone()),
        staff,
    }
    .render()?;
    Ok(Html(html))
}

#[derive(Template)]
#[template(path = "lesson.html")]
struct LessonPage<'a> {
    nav: Option<Nav>,
    c: &'a Course,
    l: &'a hocvuso_learning::Lesson,
    competences: String,
    prev: Option<(String, String)>,
    next: Option<(String, String)>,
    total: usize,
    staff: bool,
}

async fn lesson(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path((course_id, lesson_id)): Path<(String, String)>,
) -> AppResult<Html<String>> {
    let c = find_course(&state, &course_id)?;
    let idx = c
        .lessons
        .iter()
        .position(|l| l.id == lesson_id)
        .ok_or(AppError::NotFound)?;
    let l = &c.lessons[idx];
    let (nav, me) = viewer(user.as_ref());
    if let Some(resident) = me {
        state
            .store
            .record_lesson_read(resident, &c.id, &l.id)
            .await?;
    }
    let link = |i: usize| {
        c.lessons
            .get(i)
            .map(|x| (format!("/hoc/{}/{}", c.id, x.id), x.title.clone()))
    };
    let staff = nav.is_some() && me.is_none();
    let html = LessonPage {
        nav,
        c,
        l,
        competences: competences_text(&l.competences),
        prev: idx.checked_sub(1).and_then(link),
        next: link(idx + 1),
        total: c.lessons.len(),
        staff,
    }
    .render()?;
    Ok(Html(html))
}

/// Whose quiz it is: the resident themself, or one a team member acts for.
struct Learner {
    resident_id: i64,
    name: String,
    on_behalf: bool,
}

async fn learner_of(
    state: &AppState,
    user: &CurrentUser,
    cu_dan: Option<i64>,
    action: Action,
) -> AppResult<Learner> {
    let role = user.role();
    // Another's learning within the reach the policy table gives the role
    // (`OthersLearning`: the office, and the hamlet head and digital team in
    // their hamlet record results; a unit's reporter only sees them), or
    // one's own.
    let others = role.scope(action, Resource::OthersLearning);
    let (id, on_behalf, scope) = match (cu_dan, role.resident_id(), others) {
        (Some(id), Some(own), _) if id == own => (own, false, ResidentScope::Own(own)),
        (Some(id), _, Some(scope)) => (id, true, scope),
        (None, Some(own), _) => (own, false, ResidentScope::Own(own)),
        (None, None, _) => {
            return Err(AppError::BadRequest(
                "Tài khoản cán bộ ghi kết quả cho người dân: hãy mở trang hồ sơ của người đó rồi chọn «Ghi kết quả kiểm tra»".into(),
            ))
        }
        _ => return Err(AppError::NotFound),
    };
    let r = state
        .store
        .get_resident(scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Learner {
        resident_id: r.id,
        name: r.full_name,
        on_behalf,
    })
}

#[derive(Deserialize)]
struct LearnerQuery {
    cu_dan: Option<i64>,
}

pub struct QuestionView {
    pub index: usize,
    pub text: String,
    pub choices: Vec<(usize, String)>,
}

#[derive(Template)]
#[template(path = "quiz.html")]
struct QuizPage<'a> {
    nav: Option<Nav>,
    c: &'a Course,
    questions: Vec<QuestionView>,
    csrf: String,
    client_id: String,
    learner_name: String,
    on_behalf: Option<i64>,
    certificate: Option<String>,
}

/// An attempt id for a quiz posted without JavaScript: 128 random bits in
/// hex, so it always passes `valid_client_id` (letters, digits and '-'; the
/// URL-safe base64 used before could hold '_' and was refused about one time
/// in three).
fn new_client_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("s-{hex}")
}

async fn quiz_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(course_id): Path<String>,
    Query(q): Query<LearnerQuery>,
) -> AppResult<Html<String>> {
    let c = find_course(&state, &course_id)?;
    let who = learner_of(&state, &user, q.cu_dan, Action::Change).await?;
    let certificate = state
        .store
        .certificate_for(who.resident_id, &c.id)
        .await?
        .map(|c| c.code);
    let questions = c
        .quiz
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionView {
            index: i,
            text: q.text.clone(),
            choices: q.choices.iter().cloned().enumerate().collect(),
        })
        .collect();
    let html = QuizPage {
        nav: Some(Nav::of(&user)),
        c,
        questions,
        csrf: user.csrf_token.clone(),
        client_id: new_client_id(),
        learner_name: who.name,
        on_behalf: who.on_behalf.then_some(who.resident_id),
        certificate,
    }
    .render()?;
    Ok(Html(html))
}

pub struct AnswerView {
    pub text: String,
    pub given: String,
    pub right: String,
    pub correct: bool,
    pub explain: String,
}

#[derive(Template)]
#[template(path = "quiz_result.html")]
struct ResultPage<'a> {
    nav: Option<Nav>,
    c: &'a Course,
    outcome: AttemptOutcome,
    percent: i32,
    answers: Vec<AnswerView>,
    learner_name: String,
    on_behalf: Option<i64>,
}

/// When the answers were given: the page's clock (milliseconds since 1970)
/// if the rule of [`accepted_answer_time`] believes it, else now.
async fn answered_at(
    state: &AppState,
    ms: Option<&String>,
    resident_id: i64,
) -> AppResult<DateTime<Utc>> {
    let now = Utc::now();
    let claimed = ms
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(DateTime::<Utc>::from_timestamp_millis);
    let entered = match claimed {
        Some(_) => state.store.resident_created_at(resident_id).await?,
        None => None,
    };
    Ok(accepted_answer_time(claimed, now, entered))
}

async fn submit_quiz(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(course_id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    user.check_csrf(get("csrf"))?;
    let c = find_course(&state, &course_id)?;
    let cu_dan = match get("cu_dan") {
        "" => None,
        v => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::BadRequest("Mã cư dân không hợp lệ".into()))?,
        ),
    };
    let who = learner_of(&state, &user, cu_dan, Action::Change).await?;
    let mode = if who.on_behalf {
        LearningMode::from_code(get("hinh_thuc"))
            .filter(|m| *m != LearningMode::SelfStudy)
            .ok_or_else(|| {
                AppError::BadRequest("Hãy chọn hình thức: tại lớp học hay tại nhà".into())
            })?
    } else {
        LearningMode::SelfStudy
    };
    let answers: Vec<Option<usize>> = (0..c.quiz.len())
        .map(|i| {
            form.get(&format!("q{i}"))
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|v| *v < c.quiz[i].choices.len())
        })
        .collect();
    let score = grade(c, &answers);
    let attempt = NewAttempt {
        client_id: match get("client_id") {
            "" => new_client_id(),
            v => v.to_string(),
        },
        resident_id: who.resident_id,
        course_id: c.id.clone(),
        correct: score.correct as i32,
        total: score.total as i32,
        passed: score.passed,
        answers: serde_json::to_string(&answers).unwrap_or_else(|_| "[]".into()),
        mode,
        recorded_by: Some(user.user.id),
        answered_at: answered_at(&state, form.get("answered_at"), who.resident_id).await?,
        certificate: score.passed.then(|| NewCertificate {
            code: hocvuso_storage::new_certificate_code(),
            holder_name: who.name.clone(),
            course_title: c.title.clone(),
        }),
    };
    let outcome = state.store.record_attempt(&attempt).await?;
    if who.on_behalf {
        user.audit(
            &state,
            AuditAction::RecordQuiz,
            AuditObject::Resident,
            who.resident_id,
            format!(
                "{}: {}/{} ({})",
                c.id,
                outcome.correct,
                outcome.total,
                mode.code()
            ),
        );
    }
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return Ok(Json(serde_json::json!({
            "recorded": !outcome.duplicate,
            "duplicate": outcome.duplicate,
            "correct": outcome.correct,
            "total": outcome.total,
            "passed": outcome.passed,
            "certificate": outcome.certificate,
        }))
        .into_response());
    }
    let views = c
        .quiz
        .iter()
        .zip(&answers)
        .map(|(q, a)| AnswerView {
            text: q.text.clone(),
            given: a
                .and_then(|a| q.choices.get(a).cloned())
                .unwrap_or_else(|| "(bỏ trống)".into()),
            right: q.choices.get(q.answer).cloned().unwrap_or_default(),
            correct: *a == Some(q.answer),
            explain: q.explain.clone(),
        })
        .collect();
    let percent = (outcome.correct * 100)
        .checked_div(outcome.total)
        .unwrap_or(0);
    Ok(Html(
        ResultPage {
            nav: Some(Nav::of(&user)),
            c,
            outcome,
            percent,
            answers: views,
            learner_name: who.name,
            on_behalf: who.on_behalf.then_some(who.resident_id),
        }
        .render()?,
    )
    .into_response())
}

/// The public address of this server, as the request reached it.
pub(crate) fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        });
    let https = state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    match host {
        Some(h) => format!("{}://{h}", if https { "https" } else { "http" }),
        None => String::new(),
    }
}

async fn certificate(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(course_id): Path<String>,
    Query(q): Query<LearnerQuery>,
) -> AppResult<Response> {
    let c = find_course(&state, &course_id)?;
    let who = learner_of(&state, &user, q.cu_dan, Action::See).await?;
    let cert = state
        .store
        .certificate_for(who.resident_id, &c.id)
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(
                "Chưa có chứng nhận: cần làm đạt bài kiểm tra của khóa học trước".into(),
            )
        })?;
    user.audit(
        &state,
        AuditAction::DownloadCertificate,
        AuditObject::Resident,
        who.resident_id,
        c.id.clone(),
    );
    let verify_url = format!("{}/xac-thuc/{}", public_base(&state, &headers), cert.code);
    let commune = state.commune_name().await;
    let commune = commune.as_str();
    let issuer = format!("Ủy ban nhân dân {commune}");
    let place = commune
        .strip_prefix("xã ")
        .or_else(|| commune.strip_prefix("phường "))
        .unwrap_or(commune);
    let pdf = hocvuso_documents::certificate_pdf(&hocvuso_documents::CertificateData {
        holder_name: &cert.holder_name,
        course_title: &cert.course_title,
        issuer: &issuer,
        place,
        issued_on: crate::pages::vn_date(cert.issued_at),
        code: &cert.code,
        verify_url: &verify_url,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"chung-chi-{}.pdf\"", c.id),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        pdf,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    nav: Option<Nav>,
    found: Option<(String, String, String)>,
    code: String,
}

async fn verify(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let code = code.trim().to_ascii_uppercase();
    let (nav, _) = viewer(user.as_ref());
    let found = if code.len() <= 24 {
        state.store.certificate(&code).await?
    } else {
        None
    };
    let status = if found.is_some() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::NOT_FOUND
    };
    let page = VerifyPage {
        nav,
        found: found.map(|c| {
            (
                c.holder_name,
                c.course_title,
                crate::pages::vn_date(c.issued_at)
                    .format("%d/%m/%Y")
                    .to_string(),
            )
        }),
        code,
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[cfg(test)]
mod tests {
    use super::new_client_id;
    use hocvuso_storage::valid_client_id;

    #[test]
    fn attempt_ids_made_by_the_server_are_always_accepted() {
        for _ in 0..500 {
            let id = new_client_id();
            assert!(valid_client_id(&id), "{id}");
        }
    }
}
