//! Report reminders by email (issue 15). From
//! [`REMIND_DAYS_BEFORE`](hocvuso_domain::contact::REMIND_DAYS_BEFORE) days
//! before the deadline, each unit whose report is not in and that has an
//! address gets the reminder once per quarter: every hour while the server
//! runs (when an SMTP server is configured), or at once when the office
//! asks from the board. The same text is on the board to paste into Zalo.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::contact::{reminder_subject, reminder_text, reminders_due};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::Quarter;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/bao-cao/nhac-email", post(send_now))
}

/// What a round of reminders did.
#[derive(Debug, Default)]
pub struct Round {
    /// The units emailed.
    pub sent: Vec<String>,
    /// The units whose email did not go, with why (tried again next round).
    pub failed: Vec<(String, String)>,
}

/// Email the reminder of `quarter` to the units that still owe their
/// report, have an address and were not reminded yet; nothing outside the
/// reminder window or without a mail server.
pub async fn email_round(state: &AppState, quarter: Quarter) -> AppResult<Round> {
    let mut round = Round::default();
    let Some(mailer) = state.mailer.as_deref() else {
        return Ok(round);
    };
    let today = state.today();
    let due = quarter.due(state.store.report_before_day().await?);
    if !reminders_due(due, today) {
        return Ok(round);
    }
    let code = quarter.to_string();
    let units = state.store.list_units().await?;
    let reports = state.store.unit_reports(&code).await?;
    let emails = state.store.unit_emails().await?;
    let quarter_text = quarter.label_in_text();
    let subject = reminder_subject(&quarter_text, due);
    for s in hocvuso_reporting::unit_statuses(&units, &reports, quarter, due, today) {
        if !s.status.needs_reminder() {
            continue;
        }
        let Some((_, to)) = emails.iter().find(|(u, _)| *u == s.unit.id) else {
            continue;
        };
        // Claimed first: a second server, or a click during the hourly
        // round, finds it taken and sends nothing.
        if !state
            .store
            .claim_reminder(s.unit.id, &code, state.now())
            .await?
        {
            continue;
        }
        let body = reminder_text(&[s.unit.name.as_str()], &quarter_text, due);
        match mailer.send(to, &subject, &body).await {
            Ok(()) => round.sent.push(s.unit.name.clone()),
            Err(e) => {
                state.store.release_reminder(s.unit.id, &code).await?;
                round.failed.push((s.unit.name.clone(), e));
            }
        }
    }
    if !round.sent.is_empty() || !round.failed.is_empty() {
        tracing::info!(
            quarter = %code,
            sent = round.sent.len(),
            failed = round.failed.len(),
            "report reminders emailed"
        );
    }
    Ok(round)
}

/// The hourly round, for as long as the server runs.
pub async fn email_reminders_forever(state: AppState) {
    loop {
        let q = Quarter::containing(state.today());
        if let Err(e) = email_round(&state, q).await {
            tracing::error!(error = %e, "report reminders failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

#[derive(Deserialize)]
struct SendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    quy: String,
}

/// "Gửi email nhắc ngay" on the board.
async fn send_now(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<SendForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    if !user.role().allowed(Action::Change, Resource::CommuneReport) {
        return Err(AppError::Forbidden);
    }
    let quarter = Quarter::parse(f.quy.trim())
        .map_err(|e| AppError::BadRequest(format!("{e}. Chưa gửi thư nào.")))?;
    if state.mailer.is_none() {
        return Err(AppError::BadRequest(
            "Xã chưa cấu hình máy chủ thư (serve --smtp-url): chưa gửi thư nào. Hãy sao chép tin nhắn nhắc để gửi qua Zalo.".into(),
        ));
    }
    let round = email_round(&state, quarter).await?;
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::CommuneReport,
        quarter.to_string(),
        format!(
            "gửi email nhắc báo cáo: {} đơn vị, {} không gửi được",
            round.sent.len(),
            round.failed.len()
        ),
    );
    let done = if round.failed.is_empty() {
        format!("da-gui-{}", round.sent.len())
    } else {
        format!("loi-{}", round.failed.len())
    };
    Ok(Redirect::to(&format!("/bao-cao?quy={quarter}&email={done}#nhac")).into_response())
}
