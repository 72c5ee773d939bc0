//! Hamlets (xóm) and units of the commune: list, add a hamlet (with its
//! hamlet unit and its community digital team), rename a hamlet, and merge
//! one hamlet into another (communes were merged in 2025 and hamlets still
//! are).

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::hamlet_name;
use hocvuso_domain::numbers::integer;
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_storage::StoreError;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/xom", get(list).post(create))
        .route("/xom/{id}/doi-ten", post(rename))
        .route("/xom/{id}/gop", post(merge))
}

pub struct HamletView {
    pub id: i64,
    pub name: String,
    pub residents: i64,
}

/// Most hamlets for which each row lists every other hamlet in a select.
const PICK_LIST_MAX: usize = 80;

pub struct MergedView {
    pub name: String,
    pub into_name: String,
    pub merged_on: String,
}

#[derive(Template)]
#[template(path = "hamlets.html")]
struct HamletsPage {
    nav: Option<Nav>,
    hamlets: Vec<HamletView>,
    merged: Vec<MergedView>,
    can_add: bool,
    /// A select of the other hamlets in each row's merge form; past
    /// [`PICK_LIST_MAX`] hamlets (a province's data) one shared list of names
    /// to type from instead, so the page stays small.
    pick_list: bool,
    message: Option<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    message: Option<String>,
    error: Option<String>,
) -> AppResult<Html<String>> {
    let counts = state.store.count_by_hamlet().await?;
    let hamlets: Vec<HamletView> = state
        .store
        .list_hamlets()
        .await?
        .into_iter()
        .map(|h| HamletView {
            residents: counts.get(&h.id).copied().unwrap_or(0),
            id: h.id,
            name: h.name,
        })
        .collect();
    let pick_list = hamlets.len() <= PICK_LIST_MAX;
    let merged = state
        .store
        .merged_hamlets()
        .await?
        .into_iter()
        .map(|m| MergedView {
            name: m.name,
            into_name: m.into_name,
            merged_on: m
                .merged_on
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
        })
        .collect();
    let page = HamletsPage {
        nav: Some(Nav::of(user)),
        hamlets,
        merged,
        can_add: user.role().allowed(Action::Change, Resource::Hamlets),
        pick_list,
        message,
        error,
    };
    Ok(Html(page.render()?))
}

/// The page again with a refusal: 400, nothing written.
async fn refuse(state: &AppState, user: &CurrentUser, error: String) -> AppResult<Response> {
    let page = render(state, user, None, Some(error)).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Html<String>> {
    if !user.role().allowed(Action::See, Resource::Hamlets) {
        return Err(AppError::Forbidden);
    }
    render(&state, &user, None, None).await
}

#[derive(Deserialize)]
struct CreateForm {
    csrf: String,
    name: String,
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CreateForm>,
) -> AppResult<Html<String>> {
    user.check_csrf(&f.csrf)?;
    if !user.role().allowed(Action::Change, Resource::Hamlets) {
        return Err(AppError::Forbidden);
    }
    if vntext::normalize(&f.name).is_empty() {
        return render(&state, &user, None, Some("Ghi tên xóm".into())).await;
    }
    let name = hamlet_name::display_name(&f.name);
    match state.store.add_hamlet_with_units(&name).await {
        Ok(id) => {
            user.audit(
                &state,
                AuditAction::Create,
                AuditObject::Hamlet,
                id,
                name.clone(),
            );
            render(&state, &user, Some(format!("Đã thêm {name}")), None).await
        }
        Err(e) if e.is_unique_violation() => {
            render(&state, &user, None, Some(format!("{name} đã có"))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Every field may be missing (an old page, a hand-made request): each one
/// is checked and a missing one refused with a message.
#[derive(Deserialize, Default)]
struct RenameForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// The hamlet was merged or is not in the register any more.
const GONE: &str = "Không có xóm này trong danh sách (có thể vừa được gộp vào xóm khác): hãy xem lại danh sách dưới đây. Chưa thay đổi gì.";

async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<RenameForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    if !user.role().allowed(Action::Change, Resource::Hamlets) {
        return Err(AppError::Forbidden);
    }
    if vntext::normalize(&f.name).is_empty() {
        return refuse(
            &state,
            &user,
            "Ghi tên mới của xóm, ví dụ «Xóm Khuôn Lặng». Chưa đổi tên.".into(),
        )
        .await;
    }
    let name = hamlet_name::display_name(&f.name);
    match state.store.rename_hamlet(id, &name).await {
        Ok(old) => {
            user.audit(
                &state,
                AuditAction::Edit,
                AuditObject::Hamlet,
                id,
                format!("Đổi tên: {old} → {name}"),
            );
            let msg = if old == name {
                format!("Tên {name} giữ nguyên.")
            } else {
                format!("Đã đổi tên {old} thành {name}; đơn vị xóm và Tổ công nghệ số cộng đồng của xóm đổi tên theo.")
            };
            Ok(render(&state, &user, Some(msg), None)
                .await?
                .into_response())
        }
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => {
            refuse(&state, &user, format!("{m}. Chưa đổi tên.")).await
        }
        Err(StoreError::NotFound(_)) => refuse(&state, &user, GONE.into()).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
struct MergeForm {
    #[serde(default)]
    csrf: String,
    /// The hamlet to merge into: its id (the select)...
    #[serde(default)]
    into: String,
    /// ...or its name, typed from the shared list (many hamlets).
    #[serde(default)]
    into_name: String,
    /// The checkbox "Tôi hiểu: ...".
    #[serde(default)]
    xac_nhan: String,
}

async fn merge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<MergeForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    if !user.role().allowed(Action::Change, Resource::Hamlets) {
        return Err(AppError::Forbidden);
    }
    // The id from the select, or (a long list of hamlets) the name typed
    // from the shared list, compared without diacritics.
    let typed = vntext::normalize(&f.into_name);
    let into = match (f.into.trim(), typed.as_str()) {
        ("", "") => {
            return refuse(
                &state,
                &user,
                "Chưa chọn xóm để gộp vào: hãy chọn một xóm trong danh sách «Gộp vào» rồi bấm lại. Chưa gộp gì.".into(),
            )
            .await;
        }
        ("", name) => match state
            .store
            .find_hamlet(&hamlet_name::display_name(name))
            .await?
        {
            Some(h) => h.id,
            None => {
                return refuse(
                    &state,
                    &user,
                    format!("Không có xóm \"{name}\" trong sổ: hãy chọn một xóm trong danh sách «Gộp vào» rồi bấm lại. Chưa gộp gì."),
                )
                .await;
            }
        },
        (id, _) => match id.parse::<i64>() {
            Ok(id) => id,
            Err(_) => return refuse(&state, &user, GONE.into()).await,
        },
    };
    if f.xac_nhan.trim().is_empty() {
        return refuse(
            &state,
            &user,
            "Hãy đánh dấu ô «Tôi hiểu: mọi hộ, người dân, thành viên tổ của xóm này chuyển sang xóm được chọn» rồi bấm «Gộp» lại. Chưa gộp gì.".into(),
        )
        .await;
    }
    match state.store.merge_hamlets(id, into, state.today()).await {
        Ok(m) => {
            let detail = format!(
                "Gộp {} vào {} (mã {into}): {} hộ, {} người, {} thành viên đơn vị, {} tài khoản",
                m.from_name, m.into_name, m.households, m.residents, m.members_added, m.users
            );
            user.audit(&state, AuditAction::Edit, AuditObject::Hamlet, id, detail);
            user.audit(
                &state,
                AuditAction::Edit,
                AuditObject::Hamlet,
                into,
                format!("Nhận {} gộp vào (mã {id})", m.from_name),
            );
            let mut msg = format!(
                "Đã gộp {} vào {}: chuyển {} hộ, {} người; thêm {} người vào đơn vị xóm và Tổ công nghệ số cộng đồng của {}; chuyển {} tài khoản. Đơn vị xóm và tổ của {} đã ngừng hoạt động, báo cáo quý cũ vẫn giữ.",
                m.from_name,
                m.into_name,
                integer(m.households as i64),
                integer(m.residents as i64),
                integer(m.members_added as i64),
                m.into_name,
                integer(m.users as i64),
                m.from_name,
            );
            if m.households_recoded > 0 {
                msg.push_str(&format!(
                    " {} hộ trùng mã hộ với hộ của {} nên mã hộ được ghi thêm «({})».",
                    integer(m.households_recoded as i64),
                    m.into_name,
                    m.from_name
                ));
            }
            Ok(render(&state, &user, Some(msg), None)
                .await?
                .into_response())
        }
        Err(StoreError::Invalid(m)) | Err(StoreError::Conflict(m)) => {
            refuse(&state, &user, format!("{m}. Chưa gộp gì.")).await
        }
        Err(StoreError::NotFound(_)) => refuse(&state, &user, GONE.into()).await,
        Err(e) => Err(e.into()),
    }
}
