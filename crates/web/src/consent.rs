//! Consent per resident and purpose (issue 12): the section of a resident's
//! page that shows what is in force and its history, and the form that
//! records a consent, refusal or withdrawal. Who may record it is
//! `Resource::Consent` (the office; the hamlet head and the team in their
//! hamlet; a resident for themself, online); who must agree at which age is
//! `domain::privacy`.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::registry::Choice;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::post;
use axum::{Form, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::privacy::{
    consent_parties, ConsentGiven, ConsentMethod, ConsentPurpose, Parties,
};
use hocvuso_domain::time::vn_datetime_text;
use hocvuso_domain::{Resident, Role};
use hocvuso_storage::{in_force, ConsentRecord};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/cu-dan/{id}/dong-y", post(record))
}

/// One purpose as the resident's page shows it.
pub struct ConsentView {
    pub code: &'static str,
    pub purpose: &'static str,
    pub agreed: bool,
    /// "Đồng ý", "Chưa hỏi", "Không đồng ý / đã rút lại".
    pub state: &'static str,
    /// Who agreed, how, recorded by whom and when; empty if never asked.
    pub detail: String,
    /// What happens without it.
    pub without: &'static str,
}

/// The consent section of a resident's page.
pub struct ConsentSection {
    pub purposes: Vec<ConsentView>,
    /// Whether this user may record here, and how.
    pub can_record: bool,
    /// A resident recording for themself: online, by the person.
    pub own: bool,
    /// Who must agree at the resident's age, in words.
    pub who: &'static str,
    pub needs_guardian: bool,
    pub methods: Vec<Choice>,
    /// Earlier records, newest first.
    pub history: Vec<String>,
}

fn describe(c: &ConsentRecord) -> String {
    let mut who = Vec::new();
    if c.by_person {
        who.push("người dân".to_string());
    }
    if !c.guardian.is_empty() {
        who.push(format!("người giám hộ {}", c.guardian));
    }
    format!(
        "{} — {}{}; {}, ghi bởi {}",
        vn_datetime_text(c.recorded_at),
        if c.agreed {
            "đồng ý"
        } else {
            "không đồng ý"
        },
        if who.is_empty() {
            String::new()
        } else {
            format!(" ({})", who.join(" và "))
        },
        c.method.label(),
        c.recorded_by
    )
}

fn who_agrees(p: Parties) -> &'static str {
    match (p.person, p.guardian) {
        (true, true) => "Người dưới 18 tuổi, từ đủ 7 tuổi: cần cả chính người đó và cha, mẹ hoặc người giám hộ đồng ý.",
        (false, true) => "Trẻ dưới 7 tuổi: cha, mẹ hoặc người giám hộ đồng ý thay.",
        _ => "Người dân tự quyết định.",
    }
}

/// The section for `r` as `user` sees it.
pub fn section(
    state: &AppState,
    user: &CurrentUser,
    r: &Resident,
    history: &[ConsentRecord],
) -> Option<ConsentSection> {
    let role = user.role();
    if !role.allowed(Action::See, Resource::Consent) {
        return None;
    }
    let parties = consent_parties(r.birth, state.today());
    let purposes = in_force(history)
        .into_iter()
        .map(|(p, c)| ConsentView {
            code: p.code(),
            purpose: p.label(),
            agreed: c.is_some_and(|c| c.agreed),
            state: match c {
                Some(c) if c.agreed => "Đồng ý",
                Some(_) => "Không đồng ý / đã rút lại",
                None => "Chưa hỏi",
            },
            detail: c.map(describe).unwrap_or_default(),
            without: p.without(),
        })
        .collect();
    let own = matches!(role, Role::Resident { .. });
    Some(ConsentSection {
        purposes,
        can_record: role.allowed(Action::Change, Resource::Consent),
        own,
        who: who_agrees(parties),
        needs_guardian: parties.guardian,
        methods: Choice::list(
            ConsentMethod::ALL
                .into_iter()
                .filter(|m| *m != ConsentMethod::Online)
                .map(|m| (m.code(), m.label())),
            ConsentMethod::Paper.code(),
        ),
        history: history.iter().map(describe).collect(),
    })
}

#[derive(Deserialize)]
struct ConsentForm {
    csrf: String,
    muc_dich: String,
    /// "1": agrees; anything else: refuses or withdraws.
    #[serde(default)]
    dong_y: String,
    /// Ticked: the person agreed themself.
    #[serde(default)]
    ban_than: String,
    /// The parent or guardian who agreed.
    #[serde(default)]
    nguoi_giam_ho: String,
    #[serde(default)]
    cach: String,
}

async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ConsentForm>,
) -> AppResult<Redirect> {
    user.check_csrf(&f.csrf)?;
    let role = user.role();
    let scope = role
        .scope(Action::Change, Resource::Consent)
        .ok_or(AppError::NotFound)?;
    let r = state
        .store
        .get_resident(scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let purpose = ConsentPurpose::from_code(&f.muc_dich)
        .ok_or_else(|| AppError::BadRequest("Chọn mục đích cần ghi nhận đồng ý".into()))?;
    let agreed = f.dong_y.trim() == "1";
    // A resident records their own choice, online; nobody else can be
    // named as having agreed through their account.
    let given = if matches!(role, Role::Resident { .. }) {
        ConsentGiven {
            purpose,
            agreed,
            by_person: true,
            guardian: String::new(),
            method: ConsentMethod::Online,
        }
    } else {
        let method = ConsentMethod::from_code(&f.cach)
            .filter(|m| *m != ConsentMethod::Online)
            .ok_or_else(|| AppError::BadRequest("Chọn cách người dân cho biết ý kiến".into()))?;
        ConsentGiven {
            purpose,
            agreed,
            by_person: !f.ban_than.trim().is_empty(),
            guardian: vntext::normalize(&f.nguoi_giam_ho),
            method,
        }
    };
    let event = user.audit_event(
        AuditAction::Edit,
        AuditObject::Resident,
        id,
        format!(
            "đồng ý «{}»: {}",
            purpose.code(),
            if agreed { "có" } else { "không" }
        ),
    );
    state
        .store
        .audited(event)
        .record_consent(id, r.birth, &given, &user.user.username, state.today())
        .await?;
    Ok(Redirect::to(&format!("/cu-dan/{id}#dong-y")))
}
