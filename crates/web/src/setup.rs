//! The set-up checklist (`/thiet-lap`): what an empty install needs before
//! the plan's indicators mean anything, each step worked out from the store
//! on every view. The admin lands here after login while a step is missing
//! (`pages::home`), and the menu shows "Thiết lập" until every step is done
//! (the [`track`] middleware, cached per application).

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::policy::{Action, Resource};
use hocvuso_domain::UnitType;
use hocvuso_storage::Store;
use serde::Deserialize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/thiet-lap", get(show))
        .route("/thiet-lap/xa", post(save_commune))
        .route("/thiet-lap/vi-tri", post(save_location))
        .route("/thiet-lap/han-bao-cao", post(save_report_day))
}

/// Where a step is done.
pub struct Link {
    pub href: &'static str,
    pub label: &'static str,
}

/// One step of the checklist.
pub struct Step {
    pub title: &'static str,
    pub done: bool,
    /// What is there now ("20 xóm", "chưa có").
    pub detail: String,
    /// What the step makes possible.
    pub unlocks: &'static str,
    pub links: Vec<Link>,
    /// Whether the step's own form (the commune's name) is on this page.
    pub has_form: bool,
}

/// Every step, in the order an office does them.
pub struct Checklist {
    pub steps: Vec<Step>,
    pub commune: String,
    pub province: String,
}

impl Checklist {
    pub fn done(&self) -> usize {
        self.steps.iter().filter(|s| s.done).count()
    }

    pub fn all_done(&self) -> bool {
        self.steps.iter().all(|s| s.done)
    }
}

const COMMUNE_KEY: &str = hocvuso_storage::COMMUNE_NAME_KEY;
const PROVINCE_KEY: &str = "province_name";
const MAX_NAME: usize = 100;

fn n(x: impl TryInto<i64>) -> String {
    hocvuso_domain::numbers::integer(x.try_into().unwrap_or(i64::MAX))
}

/// The checklist as the store stands now. `admin` says whether the viewer
/// may create accounts (the accounts step links to the users page).
pub async fn checklist(store: &Store, admin: bool) -> AppResult<Checklist> {
    let setting = |key| async move {
        Ok::<_, AppError>(
            store
                .get_setting(key)
                .await?
                .map(|v| v.trim().to_string())
                .unwrap_or_default(),
        )
    };
    let commune = setting(COMMUNE_KEY).await?;
    let province = setting(PROVINCE_KEY).await?;
    let hamlets = store.list_hamlets().await?.len();
    let residents = store.count_residents().await?;
    let units = store.units_overview().await?;
    let active = || units.iter().filter(|u| u.unit.active);
    let bodies = active()
        .filter(|u| !matches!(u.unit.unit_type, UnitType::Hamlet | UnitType::DigitalTeam))
        .count();
    let teams = active()
        .filter(|u| u.unit.unit_type == UnitType::DigitalTeam)
        .count();
    let teams_with_members = active()
        .filter(|u| u.unit.unit_type == UnitType::DigitalTeam && u.members > 0)
        .count();
    let officials = store.count_commune_officials().await?;
    let users = store.list_users().await?.len();
    let steps = vec![
        Step {
            title: "Tên xã và tỉnh",
            done: !commune.is_empty() && !province.is_empty(),
            detail: match (commune.is_empty(), province.is_empty()) {
                (false, false) => format!("{commune}, tỉnh {province}"),
                (false, true) => format!("{commune}; chưa ghi tỉnh"),
                (true, false) => format!("Chưa ghi tên xã; tỉnh {province}"),
                (true, true) => "Chưa ghi".into(),
            },
            unlocks: "tên xã, tỉnh ghi trên sổ dân cư xuất ra Excel và giấy tờ của xã.",
            links: vec![],
            has_form: true,
        },
        Step {
            title: "Các xóm",
            done: hamlets > 0,
            detail: if hamlets > 0 {
                format!("{} xóm", n(hamlets))
            } else {
                "Chưa có xóm nào".into()
            },
            unlocks: "sổ dân cư theo xóm, tài khoản trưởng xóm, Tổ công nghệ số cộng đồng của từng xóm.",
            links: vec![Link {
                href: "/xom",
                label: "Thêm xóm",
            }],
            has_form: false,
        },
        Step {
            title: "Sổ dân cư",
            done: residents > 0,
            detail: if residents > 0 {
                format!("{} người trong sổ", n(residents))
            } else {
                "Sổ còn trống".into()
            },
            unlocks: "các chỉ tiêu tính theo người dân (chỉ tiêu 2, 3, 5) và danh sách người cần hướng dẫn.",
            links: vec![
                Link {
                    href: "/nhap",
                    label: "Nhập từ Excel",
                },
                Link {
                    href: "/cu-dan/moi",
                    label: "Thêm từng người",
                },
            ],
            has_form: false,
        },
        Step {
            title: "Các đơn vị của xã",
            done: bodies > 0,
            detail: if bodies > 0 {
                format!("{} đơn vị (ngoài xóm và tổ)", n(bodies))
            } else {
                "Chưa có đơn vị nào ngoài xóm và tổ".into()
            },
            unlocks: "báo cáo quý của từng đơn vị; chỉ tiêu 1 cần danh sách cán bộ, công chức.",
            links: vec![Link {
                href: "/don-vi",
                label: "Thêm đơn vị",
            }],
            has_form: false,
        },
        Step {
            title: "Cán bộ, công chức",
            done: officials > 0,
            detail: if officials > 0 {
                format!(
                    "{} cán bộ, công chức trong các cơ quan, đoàn thể của xã",
                    n(officials)
                )
            } else {
                "Chưa có ai là cán bộ hoặc công chức của một cơ quan, đoàn thể xã".into()
            },
            unlocks: "chỉ tiêu 1 (cán bộ, công chức xã được bồi dưỡng kỹ năng số cơ bản).",
            links: vec![Link {
                href: "/don-vi",
                label: "Ghi cán bộ, công chức vào đơn vị",
            }],
            has_form: false,
        },
        Step {
            title: "Tổ công nghệ số cộng đồng có thành viên",
            done: teams_with_members > 0,
            detail: if teams == 0 {
                "Chưa có tổ nào (mỗi xóm thêm ở trang Xóm có sẵn một tổ)".into()
            } else {
                format!("{}/{} tổ có thành viên", n(teams_with_members), n(teams))
            },
            unlocks: "chỉ tiêu 4 (thành viên Tổ công nghệ số cộng đồng được tập huấn).",
            links: vec![Link {
                href: "/don-vi",
                label: "Thêm thành viên vào tổ",
            }],
            has_form: false,
        },
        Step {
            title: "Tài khoản",
            done: users >= 2,
            detail: match (users >= 2, admin) {
                (true, _) => format!("{} tài khoản", n(users)),
                (false, true) => "Mới có tài khoản quản trị".into(),
                (false, false) => "Mới có một tài khoản: nhờ quản trị hệ thống tạo thêm".into(),
            },
            unlocks: "trưởng xóm, Tổ công nghệ số cộng đồng và các đơn vị tự làm phần việc của mình: sửa sổ dân cư của xóm, nộp báo cáo quý.",
            links: if admin {
                vec![Link {
                    href: "/nguoi-dung",
                    label: "Tạo tài khoản",
                }]
            } else {
                vec![]
            },
            has_form: false,
        },
    ];
    Ok(Checklist {
        steps,
        commune,
        province,
    })
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    nav: Option<Nav>,
    list: Checklist,
    message: Option<&'static str>,
    error: Option<String>,
    form: CommuneForm,
    /// Whether the field app records where visits take place.
    location_on: bool,
    /// The day of a quarter's last month before which units report.
    report_day: u32,
}

/// The office's pages: the admin and Phòng Văn hóa – Xã hội.
fn require_office(user: &CurrentUser, action: Action) -> AppResult<()> {
    if user.role().allowed(action, Resource::Setup) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    #[serde(default)]
    xong: String,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    message: Option<&'static str>,
    error: Option<String>,
    form: Option<CommuneForm>,
) -> AppResult<Html<String>> {
    let admin = user.role().can_manage_users();
    let list = checklist(&state.store, admin).await?;
    let form = form.unwrap_or_else(|| CommuneForm {
        commune: list.commune.clone(),
        province: list.province.clone(),
        ..CommuneForm::default()
    });
    let page = SetupPage {
        nav: Some(Nav::of(user)),
        list,
        message,
        error,
        form,
        location_on: state.store.field_location_on().await?,
        report_day: state.store.report_before_day().await?,
    };
    Ok(Html(page.render()?))
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ShowQuery>,
) -> AppResult<Html<String>> {
    require_office(&user, Action::See)?;
    let message = match q.xong.as_str() {
        "xa" => Some("Đã lưu tên xã và tỉnh."),
        "vi-tri-bat" => Some(
            "Đã bật: từ nay mỗi lần thăm hộ ghi kèm vị trí, nếu người dùng điện thoại cho phép.",
        ),
        "vi-tri-tat" => Some("Đã tắt: các lần thăm hộ từ nay không ghi vị trí."),
        "han-bao-cao" => Some("Đã lưu hạn báo cáo quý của các đơn vị."),
        _ => None,
    };
    render(&state, &user, message, None, None).await
}

#[derive(Deserialize, Default)]
struct CommuneForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    commune: String,
    #[serde(default)]
    province: String,
}

/// "Dân Tiến" → "xã Dân Tiến" (as addresses write it); "Xã Dân Tiến" →
/// "xã Dân Tiến". A ward or town keeps its own word. `None` when no name
/// is left (empty, or only "xã").
fn commune_name(raw: &str) -> Option<String> {
    let name = vntext::normalize(raw);
    let key = vntext::fold(&name);
    for (prefix, word) in [("xa", "xã"), ("phuong", "phường"), ("thi tran", "thị trấn")] {
        if key == prefix {
            return None;
        }
        if key.starts_with(&format!("{prefix} ")) {
            let rest: String = name.chars().skip(prefix.chars().count()).collect();
            return Some(format!("{word} {}", rest.trim()));
        }
    }
    (!name.is_empty()).then(|| format!("xã {name}"))
}

/// "tỉnh Thái Nguyên" or "Thái Nguyên" → "Thái Nguyên" (the pages write "tỉnh").
fn province_name(raw: &str) -> String {
    let name = vntext::normalize(raw);
    if vntext::fold(&name).starts_with("tinh ") {
        name.chars().skip(5).collect::<String>().trim().to_string()
    } else {
        name
    }
}

async fn save_commune(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CommuneForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office(&user, Action::Change)?;
    let province = province_name(&f.province);
    let checked = if f.commune.chars().count() > MAX_NAME || f.province.chars().count() > MAX_NAME {
        Err(format!(
            "Tên xã và tên tỉnh dài tối đa {MAX_NAME} ký tự: hãy viết gọn lại. Chưa lưu."
        ))
    } else if province.is_empty() && commune_name(&f.commune).is_none() {
        Err("Chưa ghi tên xã và tên tỉnh: hãy ghi cả hai, ví dụ «xã Dân Tiến» và «Thái Nguyên». Chưa lưu.".into())
    } else if province.is_empty() {
        Err("Chưa ghi tên tỉnh: hãy ghi tên tỉnh, ví dụ «Thái Nguyên». Chưa lưu.".into())
    } else {
        commune_name(&f.commune).ok_or_else(|| {
            "Chưa ghi tên xã: hãy ghi tên xã, ví dụ «xã Dân Tiến». Chưa lưu.".to_string()
        })
    };
    let commune = match checked {
        Ok(c) => c,
        Err(e) => {
            let form = CommuneForm {
                csrf: String::new(),
                ..f
            };
            let page = render(&state, &user, None, Some(e), Some(form)).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    state.store.set_setting(COMMUNE_KEY, &commune).await?;
    state.store.set_setting(PROVINCE_KEY, &province).await?;
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Setting,
        "ten_xa",
        format!("{commune}, tỉnh {province}"),
    );
    Ok(Redirect::to("/thiet-lap?xong=xa#buoc-1").into_response())
}

#[derive(Deserialize)]
struct LocationForm {
    csrf: String,
    /// "bat" or "tat".
    #[serde(default)]
    vi_tri: String,
}

/// Turn recording where visits take place on or off (off by default).
async fn save_location(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<LocationForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office(&user, Action::Change)?;
    let on = match f.vi_tri.as_str() {
        "bat" => true,
        "tat" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Hãy chọn Bật hoặc Tắt rồi bấm Lưu lựa chọn. Chưa thay đổi gì.".into(),
            ))
        }
    };
    state
        .store
        .set_setting(
            hocvuso_domain::field::LOCATION_SETTING,
            if on { "on" } else { "off" },
        )
        .await?;
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Setting,
        hocvuso_domain::field::LOCATION_SETTING,
        if on {
            "bật ghi vị trí lần thăm hộ"
        } else {
            "tắt ghi vị trí lần thăm hộ"
        },
    );
    let done = if on { "vi-tri-bat" } else { "vi-tri-tat" };
    Ok(Redirect::to(&format!("/thiet-lap?xong={done}#vi-tri")).into_response())
}

#[derive(Deserialize)]
struct ReportDayForm {
    csrf: String,
    #[serde(default)]
    ngay: String,
}

/// The day of the quarter's last month before which units report (the
/// plan's 15 unless the commune sets another).
async fn save_report_day(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ReportDayForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    require_office(&user, Action::Change)?;
    let day = match f.ngay.trim().parse::<u32>() {
        Ok(d) if (1..=28).contains(&d) => d,
        _ => {
            return Err(AppError::BadRequest(
                "Ngày hạn báo cáo là một số từ 1 đến 28 (Kế hoạch: trước ngày 15 của tháng cuối quý). Chưa thay đổi gì.".into(),
            ))
        }
    };
    state
        .store
        .set_setting(
            hocvuso_domain::quarter::REPORT_DAY_SETTING,
            &day.to_string(),
        )
        .await?;
    user.audit(
        &state,
        AuditAction::Edit,
        AuditObject::Setting,
        hocvuso_domain::quarter::REPORT_DAY_SETTING,
        format!("hạn báo cáo quý: trước ngày {day} của tháng cuối quý"),
    );
    Ok(Redirect::to("/thiet-lap?xong=han-bao-cao#han-bao-cao").into_response())
}

// ------------------------------------------------------------ the menu link

tokio::task_local! {
    /// Whether this request's pages show "Thiết lập" in the menu.
    static PENDING: bool;
}

/// Whether set-up is unfinished, as the request being handled saw it (false
/// outside a request). The menu shows "Thiết lập" to the office while true.
pub fn pending() -> bool {
    PENDING.try_with(|p| *p).unwrap_or(false)
}

/// Whether every step is done, remembered per application for a while: the
/// menu is on every page and the checklist costs several queries.
#[derive(Clone, Default)]
pub struct SetupFlag(Arc<Mutex<Option<(Instant, bool)>>>);

const FLAG_TTL: Duration = Duration::from_secs(30);

impl SetupFlag {
    async fn pending(&self, store: &Store) -> bool {
        if let Ok(g) = self.0.lock() {
            if let Some((at, pending)) = *g {
                if at.elapsed() < FLAG_TTL {
                    return pending;
                }
            }
        }
        let pending = match checklist(store, true).await {
            Ok(list) => !list.all_done(),
            Err(_) => false,
        };
        if let Ok(mut g) = self.0.lock() {
            *g = Some((Instant::now(), pending));
        }
        pending
    }

    /// After a write: while set-up is unfinished, work it out again on the
    /// next page (the write may have finished a step). Once everything is
    /// done, a write seldom undoes a step, so the answer stands until it
    /// expires: busy days (quizzes, reports) do not recount the checklist.
    fn after_write(&self) {
        if let Ok(mut g) = self.0.lock() {
            if matches!(*g, Some((_, true))) {
                *g = None;
            }
        }
    }
}

/// Middleware: works out (cached) whether set-up is unfinished for requests
/// from a logged-in browser, for the menu.
pub async fn track(
    State((state, flag)): State<(AppState, SetupFlag)>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let writes = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let logged_in = req
        .headers()
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.contains(crate::auth::SESSION_COOKIE));
    let page = !req.uri().path().starts_with("/static/");
    let pending = logged_in && page && flag.pending(&state.store).await;
    let resp = PENDING.scope(pending, next.run(req)).await;
    if writes {
        flag.after_write();
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::{commune_name, province_name};

    #[test]
    fn names_are_written_as_addresses_write_them() {
        let c = |s: &str| commune_name(s).unwrap_or_default();
        assert_eq!(c("Dân Tiến"), "xã Dân Tiến");
        assert_eq!(c("  Xã   Dân Tiến "), "xã Dân Tiến");
        assert_eq!(c("xa Dan Tien"), "xã Dan Tien");
        assert_eq!(c("Phường Phan Đình Phùng"), "phường Phan Đình Phùng");
        assert_eq!(commune_name(" Xã "), None);
        assert_eq!(commune_name(""), None);
        assert_eq!(province_name("tỉnh Thái Nguyên"), "Thái Nguyên");
        assert_eq!(province_name("Thái Nguyên"), "Thái Nguyên");
    }
}
