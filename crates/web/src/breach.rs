//! The breach page (issue 12): what the law asks when personal data the
//! commune holds is breached, the breaches recorded with the time left to
//! notify the authority (72 hours from discovery), and for each a draft of
//! Mẫu số 08 filled with what is known. The facts are `domain::breach`;
//! who may use the page is `Resource::Breaches` (the admin).

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Utc;
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::breach::{self, BreachReport};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::time::vn_datetime_text;
use hocvuso_storage::BreachRecord;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bao-mat/su-co", get(page).post(record))
        .route("/bao-mat/su-co/{id}", get(draft))
        .route("/bao-mat/su-co/{id}/da-thong-bao", post(notified))
}

fn allowed(user: &CurrentUser, action: Action) -> AppResult<()> {
    if user.role().allowed(action, Resource::Breaches) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// One recorded breach as the list shows it.
pub struct BreachRow {
    pub id: i64,
    pub discovered: String,
    pub deadline: String,
    /// "còn 41 giờ 20 phút", "quá hạn", or when it was notified.
    pub state: String,
    pub overdue: bool,
    pub description: String,
}

fn hours_minutes(d: chrono::Duration) -> String {
    let m = d.num_minutes().max(0);
    format!("{} giờ {} phút", m / 60, m % 60)
}

fn row(b: &BreachRecord) -> BreachRow {
    let now = Utc::now();
    let discovered = b.report.discovered_at;
    let overdue = b.notified_at.is_none() && breach::is_overdue(discovered, now);
    let state = match b.notified_at {
        Some(at) => format!("Đã thông báo lúc {}", vn_datetime_text(at)),
        None if overdue => "Quá hạn thông báo".to_string(),
        None => format!(
            "Chưa thông báo, còn {}",
            hours_minutes(breach::time_left(discovered, now))
        ),
    };
    BreachRow {
        id: b.id,
        discovered: vn_datetime_text(discovered),
        deadline: breach::notify_by_text(discovered),
        state,
        overdue,
        description: b.report.description.clone(),
    }
}

#[derive(Template)]
#[template(path = "breach.html")]
struct BreachPage {
    nav: Option<Nav>,
    law: &'static str,
    decree: &'static str,
    hours: i64,
    authority: &'static str,
    channels: &'static [&'static str],
    form: &'static str,
    notify_when: &'static [&'static str],
    contents: &'static [&'static str],
    also_required: &'static [&'static str],
    subject_notice: &'static str,
    rows: Vec<BreachRow>,
    error: Option<String>,
    f: BreachForm,
}

#[derive(Deserialize, Default, Clone)]
struct BreachForm {
    #[serde(default)]
    csrf: String,
    /// `2026-12-07T08:30`, Vietnam's time (an `<input type=datetime-local>`).
    #[serde(default)]
    phat_hien: String,
    #[serde(default)]
    dien_ra: String,
    #[serde(default)]
    mo_ta: String,
    #[serde(default)]
    loai_du_lieu: String,
    #[serde(default)]
    so_nguoi: String,
    #[serde(default)]
    hau_qua: String,
    #[serde(default)]
    bien_phap: String,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    error: Option<String>,
    f: BreachForm,
) -> AppResult<Html<String>> {
    let rows = state.store.breaches().await?.iter().map(row).collect();
    Ok(Html(
        BreachPage {
            nav: Some(Nav::of(user)),
            law: breach::LAW,
            decree: breach::DECREE,
            hours: breach::NOTIFY_WITHIN_HOURS,
            authority: breach::AUTHORITY,
            channels: breach::CHANNELS,
            form: breach::FORM,
            notify_when: breach::NOTIFY_WHEN,
            contents: breach::NOTIFICATION_CONTENTS,
            also_required: breach::ALSO_REQUIRED,
            subject_notice: breach::SUBJECT_NOTICE,
            rows,
            error,
            f,
        }
        .render()?,
    ))
}

async fn page(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    allowed(&user, Action::See)?;
    render(&state, &user, None, BreachForm::default()).await
}

async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<BreachForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    allowed(&user, Action::Change)?;
    let refuse = |msg: String, f: BreachForm| {
        let state = state.clone();
        let user = &user;
        async move {
            let page = render(&state, user, Some(msg), f).await?;
            Ok::<Response, AppError>((axum::http::StatusCode::BAD_REQUEST, page).into_response())
        }
    };
    let Some(discovered_at) = breach::parse_discovered(&f.phat_hien) else {
        return refuse(
            "Ghi thời điểm phát hiện sự cố (ngày và giờ, giờ Việt Nam)".into(),
            f,
        )
        .await;
    };
    let people = match f.so_nguoi.trim() {
        "" => None,
        n => match n.replace(['.', ' '], "").parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return refuse(
                    "Số người bị ảnh hưởng phải là một số (hoặc để trống nếu chưa biết)".into(),
                    f,
                )
                .await
            }
        },
    };
    let report = BreachReport {
        discovered_at,
        happened: vntext::normalize(&f.dien_ra),
        description: f.mo_ta.trim().to_string(),
        data_kinds: vntext::normalize(&f.loai_du_lieu),
        people,
        consequences: f.hau_qua.trim().to_string(),
        measures: f.bien_phap.trim().to_string(),
    };
    if let Some(problem) = report.problem(Utc::now()) {
        return refuse(problem, f).await;
    }
    let event = user.audit_event(
        AuditAction::Create,
        AuditObject::Breach,
        "",
        "ghi nhận sự cố dữ liệu cá nhân",
    );
    let id = state
        .store
        .audited(event)
        .record_breach(&report, &user.user.username)
        .await?;
    Ok(Redirect::to(&format!("/bao-mat/su-co/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "breach_draft.html")]
struct DraftPage {
    nav: Option<Nav>,
    r: BreachRow,
    b: BreachRecord,
    commune: String,
    form: &'static str,
    authority: &'static str,
    people: String,
    notified: bool,
}

async fn draft(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    allowed(&user, Action::See)?;
    let b = state.store.breach(id).await?.ok_or(AppError::NotFound)?;
    let commune = state
        .store
        .get_setting("commune_name")
        .await?
        .unwrap_or_else(|| "xã".into());
    Ok(Html(
        DraftPage {
            nav: Some(Nav::of(&user)),
            r: row(&b),
            people: b
                .report
                .people
                .map(hocvuso_domain::numbers::integer)
                .unwrap_or_else(|| "chưa xác định".into()),
            notified: b.notified_at.is_some(),
            b,
            commune,
            form: breach::FORM,
            authority: breach::AUTHORITY,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn notified(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> AppResult<Redirect> {
    user.check_csrf(&f.csrf)?;
    allowed(&user, Action::Change)?;
    let event = user.audit_event(
        AuditAction::Edit,
        AuditObject::Breach,
        id,
        "đã thông báo cho cơ quan chuyên trách",
    );
    if state.store.breach(id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    state
        .store
        .audited(event)
        .mark_breach_notified(id, Utc::now())
        .await?;
    Ok(Redirect::to(&format!("/bao-mat/su-co/{id}")))
}
