//! A person's rights over their data (Law 91/2025/QH15; issue 12): a
//! resident, or the office for them, sees everything held about them
//! (`/cu-dan/{id}/du-lieu`), downloads it as JSON and as a PDF, asks for a
//! correction or deletion (`/cu-dan/{id}/yeu-cau`), and the admin answers
//! the requests (`/yeu-cau-du-lieu`) and anonymises a record
//! (`/cu-dan/{id}/an-danh`), which is what deletion means here: records
//! counted in the commune's reports are anonymised rather than deleted, so
//! its numbers stay true.
//!
//! Who may do what is `Resource::PersonalData` and `Resource::DataRequests`
//! in the policy; a person outside the reach is "not found". Every view is
//! audited (batched), every download before the file leaves (`audit_now`),
//! every change in its own transaction (`Store::audited`).

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::pages::Nav;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use hocvuso_documents::{DataSection, PersonalDataDocument};
use hocvuso_domain::audit::{AuditAction, AuditObject};
use hocvuso_domain::policy::{Action, Reach, Resource};
use hocvuso_domain::privacy::{
    anonymised_name, confirms_anonymise, request_answer, request_body, DataRequestKind,
    DataRequestStatus, ANONYMISE_KEEPS, ANONYMISE_REMOVES, ANONYMISE_WORD, MAX_REQUEST_CHARS,
};
use hocvuso_domain::time::{vn_date_text, vn_datetime_text};
use hocvuso_domain::{BirthDate, MemberCategory, ResidentScope, Role, RoleKind, Sex, UnitType};
use hocvuso_storage::{DataRequest, LearningMode, NewDataRequest, PersonalData};
use serde::Deserialize;

/// The body limit of these forms: a request or an answer of
/// `MAX_REQUEST_CHARS` (2,000) characters, each up to 9 bytes
/// form-encoded when Vietnamese, and a few short fields. The default form
/// limit (16 KiB) would refuse a long request that the rule allows.
pub(crate) const BODY_LIMIT: usize = 24 * 1024;
// The longest request, every character Vietnamese, and the other fields.
const _: () = assert!(MAX_REQUEST_CHARS * 9 + 1024 <= BODY_LIMIT);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cu-dan/{id}/du-lieu", get(page))
        .route("/cu-dan/{id}/du-lieu.json", get(json))
        .route("/cu-dan/{id}/du-lieu.pdf", get(pdf))
        .route("/cu-dan/{id}/yeu-cau", post(file_request))
        .route("/cu-dan/{id}/an-danh", post(anonymise))
        .route("/yeu-cau-du-lieu", get(requests))
        .route("/yeu-cau-du-lieu/{id}", post(answer))
}

// ------------------------------------------------------------ who may

/// Whether `scope` reaches resident `id` (the store is asked too).
fn reaches(scope: ResidentScope, id: i64) -> bool {
    match scope {
        ResidentScope::All => true,
        ResidentScope::Own(mine) => mine == id,
        // No role has these reaches for personal data; the store decides.
        ResidentScope::Hamlet(_) | ResidentScope::UnitStaff(_) => true,
    }
}

/// Everything held about `id`, if this user may see it; else "not found",
/// whatever the reason (no reach, another person, no such person).
async fn load(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<PersonalData> {
    let scope = user
        .role()
        .scope(Action::See, Resource::PersonalData)
        .filter(|s| reaches(*s, id))
        .ok_or(AppError::NotFound)?;
    state
        .store
        .get_resident(scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .store
        .personal_data(id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether this user files requests for `id`: their own, or the office's
/// for anyone.
fn files_for(role: Role, id: i64) -> bool {
    role.scope(Action::Change, Resource::DataRequests)
        .is_some_and(|s| reaches(s, id))
}

/// Whether this user answers requests: the office's reach over all.
fn answers_requests(role: Role) -> bool {
    role.may(Action::Change, Resource::DataRequests) == Reach::Commune
}

/// Whether this user anonymises records.
fn anonymises(role: Role) -> bool {
    role.may(Action::Change, Resource::PersonalData) == Reach::Commune
}

// ------------------------------------------------------------ what is shown

/// One part of the data: a heading and its entries, each a list of
/// (label, value). The page, the PDF and the tests read the same sections.
pub struct Section {
    pub anchor: &'static str,
    pub heading: String,
    /// Shown as a table (a list of like entries) or as one list of fields.
    pub table: bool,
    pub entries: Vec<Vec<(String, String)>>,
    pub empty: &'static str,
}

impl Section {
    /// The column labels of a table: the first entry's labels.
    pub fn columns(&self) -> Vec<&str> {
        self.entries
            .first()
            .map(|e| e.iter().map(|(l, _)| l.as_str()).collect())
            .unwrap_or_default()
    }
}

fn yes_no(b: bool) -> String {
    if b { "Có" } else { "Không" }.to_string()
}

fn or_dash(s: Option<&str>) -> String {
    match s {
        Some(v) if !v.trim().is_empty() => v.to_string(),
        _ => "—".into(),
    }
}

fn field(label: &str, value: impl Into<String>) -> (String, String) {
    (label.to_string(), value.into())
}

fn course_title(state: &AppState, id: &str) -> String {
    state
        .catalog
        .courses
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.title.clone())
        .unwrap_or_else(|| id.to_string())
}

fn lesson_title(state: &AppState, course: &str, lesson: &str) -> String {
    state
        .catalog
        .courses
        .iter()
        .find(|c| c.id == course)
        .and_then(|c| c.lesson(lesson))
        .map(|l| l.title.clone())
        .unwrap_or_else(|| lesson.to_string())
}

fn request_kind(r: &DataRequest) -> String {
    r.kind()
        .map(|k| k.label().to_string())
        .unwrap_or_else(|| r.kind.clone())
}

fn request_status(r: &DataRequest) -> String {
    r.status()
        .map(|s| s.label().to_string())
        .unwrap_or_else(|| r.status.clone())
}

/// The sections of everything held, in Vietnamese, in reading order.
pub fn sections(state: &AppState, pd: &PersonalData) -> Vec<Section> {
    let r = &pd.resident;
    let mut out = Vec::new();
    out.push(Section {
        anchor: "so-dan-cu",
        heading: "Thông tin trong sổ dân cư".into(),
        table: false,
        entries: vec![vec![
            field("Mã hồ sơ", r.id.to_string()),
            field("Họ và tên", r.full_name.clone()),
            field(
                "Giới tính",
                or_dash(
                    r.sex
                        .as_deref()
                        .map(|s| Sex::from_code(s).map_or(s, |x| x.label())),
                ),
            ),
            field(
                "Ngày sinh",
                or_dash(
                    r.birth
                        .as_deref()
                        .and_then(BirthDate::from_storage)
                        .map(|b| b.display())
                        .as_deref(),
                ),
            ),
            field(
                "Năm sinh",
                or_dash(r.birth_year.map(|y| y.to_string()).as_deref()),
            ),
            field("Dân tộc", or_dash(Some(&r.ethnicity))),
            field("Thuộc dân tộc thiểu số", yes_no(r.is_minority)),
            field("Xóm", r.hamlet.clone()),
            field("Quan hệ với chủ hộ", or_dash(Some(&r.relation))),
            field("Số điện thoại", or_dash(r.phone.as_deref())),
            field("Số CCCD", or_dash(r.citizen_id.as_deref())),
            field("Ghi chú", or_dash(Some(&r.notes))),
            field("Tên không dấu (để tìm kiếm)", r.name_key.clone()),
            field("Vào sổ lúc", vn_datetime_text(r.created_at)),
            field("Sửa lần cuối lúc", vn_datetime_text(r.updated_at)),
        ]],
        empty: "",
    });
    out.push(Section {
        anchor: "ho",
        heading: "Hộ gia đình".into(),
        table: false,
        entries: pd
            .household
            .iter()
            .map(|h| {
                vec![
                    field("Mã hộ", or_dash(h.code.as_deref())),
                    field("Chủ hộ", h.head_name.clone()),
                    field("Địa chỉ", or_dash(Some(&h.address))),
                    field("Xóm", h.hamlet.clone()),
                    field("Hộ sản xuất, kinh doanh", yes_no(h.farm_business)),
                ]
            })
            .collect(),
        empty: "Không có.",
    });
    out.push(Section {
        anchor: "nhom",
        heading: "Nhóm đối tượng".into(),
        table: true,
        entries: pd
            .groups
            .iter()
            .map(|g| {
                vec![
                    field("Nhóm", g.label.clone()),
                    field(
                        "Cách xác định",
                        if g.source == "manual" {
                            "Văn phòng ghi"
                        } else {
                            "Tự tính từ hồ sơ (tuổi, dân tộc, hộ, đơn vị)"
                        },
                    ),
                ]
            })
            .collect(),
        empty: "Không thuộc nhóm nào.",
    });
    out.push(Section {
        anchor: "don-vi",
        heading: "Đơn vị, tổ".into(),
        table: true,
        entries: pd
            .units
            .iter()
            .map(|u| {
                vec![
                    field("Đơn vị", u.unit.clone()),
                    field(
                        "Loại",
                        UnitType::from_code(&u.unit_type)
                            .map_or(u.unit_type.clone(), |t| t.label().to_string()),
                    ),
                    field("Chức vụ", or_dash(Some(&u.title))),
                    field(
                        "Phân loại",
                        MemberCategory::from_code(&u.category)
                            .map_or(u.category.clone(), |c| c.label().to_string()),
                    ),
                ]
            })
            .collect(),
        empty: "Không ở đơn vị nào.",
    });
    out.push(Section {
        anchor: "hoc-sinh",
        heading: "Học sinh".into(),
        table: false,
        entries: pd
            .student
            .iter()
            .map(|s| {
                vec![
                    field("Trường", s.school.clone()),
                    field(
                        "Khối",
                        if s.grade == 0 {
                            "Mẫu giáo".to_string()
                        } else {
                            s.grade.to_string()
                        },
                    ),
                    field("Lớp", s.class_name.clone()),
                    field("Có tên trong danh sách từ", vn_date_text(s.listed_on)),
                ]
            })
            .collect(),
        empty: "Không có tên trong danh sách học sinh nào.",
    });
    out.push(Section {
        anchor: "bai-hoc",
        heading: "Bài học đã đọc".into(),
        table: true,
        entries: pd
            .lessons_read
            .iter()
            .map(|l| {
                vec![
                    field("Khóa học", course_title(state, &l.course_id)),
                    field("Bài", lesson_title(state, &l.course_id, &l.lesson_id)),
                    field("Đọc lần đầu lúc", vn_datetime_text(l.first_at)),
                ]
            })
            .collect(),
        empty: "Chưa đọc bài nào.",
    });
    out.push(Section {
        anchor: "kiem-tra",
        heading: "Bài kiểm tra".into(),
        table: true,
        entries: pd
            .quiz_attempts
            .iter()
            .map(|a| {
                vec![
                    field("Khóa học", course_title(state, &a.course_id)),
                    field(
                        "Kết quả",
                        format!(
                            "{}/{} câu đúng ({})",
                            a.correct,
                            a.total,
                            if a.passed { "đạt" } else { "chưa đạt" }
                        ),
                    ),
                    field(
                        "Cách học",
                        LearningMode::from_code(&a.mode)
                            .map_or(a.mode.clone(), |m| m.label().to_string()),
                    ),
                    field("Người ghi thay", or_dash(a.recorded_by.as_deref())),
                    field("Làm bài lúc", vn_datetime_text(a.answered_at)),
                    field("Máy chủ nhận lúc", vn_datetime_text(a.received_at)),
                    field("Các đáp án đã chọn", a.answers.clone()),
                ]
            })
            .collect(),
        empty: "Chưa làm bài kiểm tra nào.",
    });
    out.push(Section {
        anchor: "chung-nhan",
        heading: "Giấy chứng nhận".into(),
        table: true,
        entries: pd
            .certificates
            .iter()
            .map(|c| {
                vec![
                    field("Mã", c.code.clone()),
                    field("Khóa học", c.course_title.clone()),
                    field("Tên trên giấy", c.holder_name.clone()),
                    field("Cấp lúc", vn_datetime_text(c.issued_at)),
                ]
            })
            .collect(),
        empty: "Chưa có giấy chứng nhận nào.",
    });
    out.push(Section {
        anchor: "tro-ly",
        heading: "Câu hỏi với trợ lý ảo (khi đã đăng nhập)".into(),
        table: true,
        entries: pd
            .assistant_questions
            .iter()
            .map(|q| {
                vec![
                    field("Lúc", vn_datetime_text(q.at)),
                    field(
                        "Câu hỏi (đã bỏ số điện thoại, số giấy tờ)",
                        q.question.clone(),
                    ),
                    field(
                        "Đánh giá câu trả lời",
                        match q.rating {
                            Some(r) if r > 0 => "Hữu ích".to_string(),
                            Some(_) => "Chưa hữu ích".to_string(),
                            None => "—".to_string(),
                        },
                    ),
                ]
            })
            .collect(),
        empty: "Không có.",
    });
    out.push(Section {
        anchor: "tai-khoan",
        heading: "Tài khoản đăng nhập".into(),
        table: true,
        entries: pd
            .accounts
            .iter()
            .map(|a| {
                vec![
                    field("Tên đăng nhập", a.username.clone()),
                    field("Tên hiển thị", a.display_name.clone()),
                    field(
                        "Vai trò",
                        RoleKind::from_code(&a.role)
                            .map_or(a.role.clone(), |k| k.label().to_string()),
                    ),
                    field("Tạo lúc", vn_datetime_text(a.created_at)),
                    field(
                        "Tình trạng",
                        if a.disabled {
                            "Đã khóa"
                        } else {
                            "Đang dùng"
                        },
                    ),
                    field(
                        "Đăng nhập lần cuối",
                        or_dash(a.last_login.map(vn_datetime_text).as_deref()),
                    ),
                ]
            })
            .collect(),
        empty: "Không có tài khoản.",
    });
    out.push(Section {
        anchor: "dong-y",
        heading: "Sự đồng ý".into(),
        table: true,
        entries: pd
            .consents
            .iter()
            .map(|c| {
                use hocvuso_domain::privacy::{ConsentMethod, ConsentPurpose};
                vec![
                    field(
                        "Mục đích",
                        ConsentPurpose::from_code(&c.purpose)
                            .map_or(c.purpose.clone(), |p| p.label().to_string()),
                    ),
                    field(
                        "Ý kiến",
                        if c.agreed {
                            "Đồng ý"
                        } else {
                            "Không đồng ý, hoặc rút lại"
                        },
                    ),
                    field("Chính người dân đồng ý", yes_no(c.by_person)),
                    field("Cha, mẹ hoặc người giám hộ", or_dash(Some(&c.guardian))),
                    field(
                        "Cách ghi",
                        ConsentMethod::from_code(&c.method)
                            .map_or(c.method.clone(), |m| m.label().to_string()),
                    ),
                    field("Người ghi", c.recorded_by.clone()),
                    field("Ghi lúc", vn_datetime_text(c.recorded_at)),
                ]
            })
            .collect(),
        empty: "Chưa ghi sự đồng ý nào.",
    });
    out.push(Section {
        anchor: "yeu-cau",
        heading: "Yêu cầu sửa, xóa dữ liệu".into(),
        table: true,
        entries: pd
            .data_requests
            .iter()
            .map(|q| {
                vec![
                    field("Số", q.id.to_string()),
                    field("Loại", request_kind(q)),
                    field("Nội dung", q.body.clone()),
                    field("Gửi lúc", vn_datetime_text(q.created_at)),
                    field("Người gửi", q.created_by.clone()),
                    field("Tình trạng", request_status(q)),
                    field("Trả lời", or_dash(Some(&q.answer))),
                    field(
                        "Trả lời lúc",
                        or_dash(q.answered_at.map(vn_datetime_text).as_deref()),
                    ),
                    field("Người trả lời", or_dash(q.answered_by.as_deref())),
                ]
            })
            .collect(),
        empty: "Chưa có yêu cầu nào.",
    });
    out.push(Section {
        anchor: "nhat-ky",
        heading: "Ai đã xem, sửa hồ sơ".into(),
        table: true,
        entries: pd
            .access_log
            .iter()
            .rev()
            .map(|a| {
                vec![
                    field("Lúc", vn_datetime_text(a.at)),
                    field("Tài khoản", a.username.clone()),
                    field("Việc", a.action_label.clone()),
                ]
            })
            .collect(),
        empty: "Chưa có ai.",
    });
    out
}

// ------------------------------------------------------------ the page

#[derive(Template)]
#[template(path = "personal_data.html")]
struct DataPage {
    nav: Option<Nav>,
    csrf: String,
    id: i64,
    name: String,
    sections: Vec<Section>,
    message: Option<String>,
    error: Option<String>,
    can_request: bool,
    kinds: Vec<crate::registry::Choice>,
    kind_chosen: bool,
    body: String,
    max_chars: usize,
    can_anonymise: bool,
    anonymised: bool,
    word: &'static str,
    removes: &'static str,
    keeps: &'static str,
    open_requests: usize,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    da_gui: Option<String>,
    #[serde(default)]
    da_an_danh: Option<String>,
}

/// What the form had, to show it again with its error.
#[derive(Default)]
struct Typed {
    kind: String,
    body: String,
    error: Option<String>,
    message: Option<String>,
}

fn render(state: &AppState, user: &CurrentUser, pd: &PersonalData, t: Typed) -> AppResult<String> {
    let role = user.role();
    let id = pd.resident.id;
    let kinds =
        crate::registry::Choice::list(DataRequestKind::ALL.map(|k| (k.code(), k.label())), &t.kind);
    let page = DataPage {
        nav: Some(Nav::of(user)),
        csrf: user.csrf_token.clone(),
        id,
        name: pd.resident.full_name.clone(),
        sections: sections(state, pd),
        message: t.message,
        error: t.error,
        can_request: files_for(role, id),
        kind_chosen: kinds.iter().any(|k| k.selected),
        kinds,
        body: t.body,
        max_chars: MAX_REQUEST_CHARS,
        can_anonymise: anonymises(role),
        anonymised: pd.resident.full_name == anonymised_name(id),
        word: ANONYMISE_WORD,
        removes: ANONYMISE_REMOVES,
        keeps: ANONYMISE_KEEPS,
        open_requests: pd.data_requests.iter().filter(|r| r.is_open()).count(),
    };
    Ok(page.render()?)
}

fn view_event(
    user: &CurrentUser,
    action: AuditAction,
    id: i64,
    detail: &str,
) -> hocvuso_storage::AuditEvent {
    user.audit_event(action, AuditObject::Resident, id, detail)
}

async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    let pd = load(&state, &user, id).await?;
    state
        .store
        .audit()
        .record(view_event(&user, AuditAction::ViewPersonalData, id, ""));
    let message = if q.da_an_danh.is_some() {
        Some("Đã ẩn danh hồ sơ: tên, số CCCD, số điện thoại, ngày sinh và ghi chú không còn được lưu; tài khoản của người này đã bị khóa.".to_string())
    } else if q.da_gui.is_some() {
        Some("Đã gửi yêu cầu. Văn phòng sẽ xem và trả lời; tình trạng hiện ở mục «Yêu cầu sửa, xóa dữ liệu».".to_string())
    } else {
        None
    };
    let typed = Typed {
        message,
        ..Typed::default()
    };
    Ok(Html(render(&state, &user, &pd, typed)?))
}

// ------------------------------------------------------------ downloads

/// What the JSON file holds: the data, and what it is.
#[derive(serde::Serialize)]
struct Export<'a> {
    format: &'static str,
    generated_at: chrono::DateTime<chrono::Utc>,
    holder: String,
    data: &'a PersonalData,
}

fn download(content_type: &str, name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pd = load(&state, &user, id).await?;
    let export = Export {
        format: "hocvuso/du-lieu-ca-nhan/1",
        generated_at: state.now(),
        holder: format!("Ủy ban nhân dân {}", state.commune_name().await),
        data: &pd,
    };
    let bytes = serde_json::to_vec_pretty(&export)
        .map_err(|e| AppError::Internal(format!("không tạo được tệp JSON ({e})")))?;
    // Written and waited for: no download leaves without its audit row.
    state
        .store
        .audit_now(&view_event(
            &user,
            AuditAction::ExportPersonalData,
            id,
            "JSON",
        ))
        .await?;
    Ok(download(
        "application/json; charset=utf-8",
        format!("du-lieu-ca-nhan-{id}.json"),
        bytes,
    ))
}

async fn pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pd = load(&state, &user, id).await?;
    let commune = state.commune_name().await;
    let doc = PersonalDataDocument {
        holder: format!("Ủy ban nhân dân {commune}"),
        title: format!("Dữ liệu cá nhân của {}", pd.resident.full_name),
        made: format!("Lập lúc {}", vn_datetime_text(state.now())),
        intro: vec![
            format!(
                "Đây là toàn bộ dữ liệu mà Ủy ban nhân dân {commune} đang lưu về người này trên hệ thống hocvuso (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15)."
            ),
            "Thấy dữ liệu nào sai, hoặc muốn xóa, hãy gửi yêu cầu ở trang «Dữ liệu của tôi» hoặc báo văn phòng xã. Hồ sơ đã dùng trong báo cáo được ẩn danh thay cho xóa, để số liệu của xã vẫn đúng.".into(),
        ],
        sections: sections(&state, &pd)
            .into_iter()
            .enumerate()
            .map(|(i, s)| DataSection {
                heading: format!("{}. {}", i + 1, s.heading),
                entries: s.entries,
                empty: s.empty.to_string(),
            })
            .collect(),
    };
    let bytes = hocvuso_documents::personal_data_pdf(&doc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    state
        .store
        .audit_now(&view_event(
            &user,
            AuditAction::ExportPersonalData,
            id,
            "PDF",
        ))
        .await?;
    Ok(download(
        "application/pdf",
        format!("du-lieu-ca-nhan-{id}.pdf"),
        bytes,
    ))
}

// ------------------------------------------------------------ requests

#[derive(Deserialize, Default)]
struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    body: String,
}

async fn file_request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<RequestForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let role = user.role();
    if !files_for(role, id) {
        return Err(AppError::NotFound);
    }
    let pd = load(&state, &user, id).await?;
    let checked = DataRequestKind::from_code(&f.kind)
        .ok_or_else(|| "Hãy chọn loại yêu cầu: sửa dữ liệu sai, hoặc xóa dữ liệu".to_string())
        .and_then(|kind| request_body(&f.body).map(|body| (kind, body)));
    let (kind, body) = match checked {
        Ok(ok) => ok,
        Err(e) => {
            let typed = Typed {
                kind: f.kind,
                body: f.body,
                error: Some(format!("{e}. Chưa gửi yêu cầu.")),
                message: None,
            };
            let html = render(&state, &user, &pd, typed)?;
            return Ok((StatusCode::BAD_REQUEST, Html(html)).into_response());
        }
    };
    let event = view_event(&user, AuditAction::RequestData, id, kind.code());
    state
        .store
        .audited(event)
        .create_data_request(
            &NewDataRequest {
                resident_id: id,
                kind,
                body,
                created_by: user.user.username.clone(),
            },
            state.now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/cu-dan/{id}/du-lieu?da_gui=1#yeu-cau")).into_response())
}

#[derive(Template)]
#[template(path = "data_requests.html")]
struct RequestsPage {
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<RequestRow>,
    open: usize,
    can_answer: bool,
    answers: Vec<(&'static str, &'static str)>,
    max_chars: usize,
}

pub struct RequestRow {
    pub id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub kind: String,
    pub body: String,
    pub created: String,
    pub created_by: String,
    pub open: bool,
    pub status: String,
    pub answer: String,
    pub answered: String,
}

async fn requests(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let role = user.role();
    let Some(scope) = role.scope(Action::See, Resource::DataRequests) else {
        return Err(AppError::Forbidden);
    };
    // A resident's own requests are on their data page.
    if let ResidentScope::Own(me) = scope {
        return Ok(Redirect::to(&format!("/cu-dan/{me}/du-lieu#yeu-cau")).into_response());
    }
    if scope != ResidentScope::All {
        return Err(AppError::Forbidden);
    }
    let list = state.store.data_requests(None).await?;
    user.audit(
        &state,
        AuditAction::ViewList,
        AuditObject::Resident,
        "yeu-cau-du-lieu",
        format!("{} yêu cầu", list.len()),
    );
    let rows: Vec<RequestRow> = list
        .iter()
        .map(|r| RequestRow {
            id: r.id,
            resident_id: r.resident_id,
            resident_name: r.resident_name.clone(),
            kind: request_kind(r),
            body: r.body.clone(),
            created: vn_datetime_text(r.created_at),
            created_by: r.created_by.clone(),
            open: r.is_open(),
            status: request_status(r),
            answer: r.answer.clone(),
            answered: match (&r.answered_at, &r.answered_by) {
                (Some(at), Some(by)) if !by.is_empty() => {
                    format!("{} · {by}", vn_datetime_text(*at))
                }
                (Some(at), _) => vn_datetime_text(*at),
                _ => String::new(),
            },
        })
        .collect();
    let page = RequestsPage {
        nav: Some(Nav::of(&user)),
        csrf: user.csrf_token.clone(),
        open: rows.iter().filter(|r| r.open).count(),
        rows,
        can_answer: answers_requests(role),
        answers: DataRequestStatus::answers()
            .map(|s| (s.code(), s.label()))
            .to_vec(),
        max_chars: MAX_REQUEST_CHARS,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    answer: String,
}

async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    let role = user.role();
    let scope = role
        .scope(Action::Change, Resource::DataRequests)
        .ok_or(AppError::Forbidden)?;
    let request = state
        .store
        .data_request(id)
        .await?
        .filter(|r| reaches(scope, r.resident_id))
        .ok_or(AppError::NotFound)?;
    // A resident files requests about their own data; only the office
    // answers them.
    if !answers_requests(role) {
        return Err(AppError::BadRequest(
            "Chỉ văn phòng xã trả lời yêu cầu. Muốn bổ sung, hãy gửi một yêu cầu mới ở trang dữ liệu của bạn.".into(),
        ));
    }
    let status = DataRequestStatus::from_code(&f.status).ok_or_else(|| {
        AppError::BadRequest("Hãy chọn «Đã sửa» hoặc «Từ chối». Chưa trả lời.".into())
    })?;
    let text = request_answer(status, &f.answer)
        .map_err(|e| AppError::BadRequest(format!("{e}. Chưa trả lời.")))?;
    if !request.is_open() {
        return Err(AppError::BadRequest(
            "Yêu cầu này đã được trả lời rồi: không trả lời lại.".into(),
        ));
    }
    let event = view_event(
        &user,
        AuditAction::AnswerDataRequest,
        request.resident_id,
        &format!("yêu cầu số {id}: {}", status.code()),
    );
    let done = state
        .store
        .audited(event)
        .answer_data_request(id, status, &text, &user.user.username, state.now())
        .await?;
    if !done {
        return Err(AppError::BadRequest(
            "Yêu cầu này vừa được trả lời: không trả lời lại.".into(),
        ));
    }
    Ok(Redirect::to("/yeu-cau-du-lieu").into_response())
}

// ------------------------------------------------------------ anonymising

#[derive(Deserialize, Default)]
struct AnonymiseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

async fn anonymise(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<AnonymiseForm>,
) -> AppResult<Response> {
    user.check_csrf(&f.csrf)?;
    if !anonymises(user.role()) {
        return Err(AppError::Forbidden);
    }
    let pd = load(&state, &user, id).await?;
    if !confirms_anonymise(&f.confirm) {
        let typed = Typed {
            error: Some(format!(
                "Chưa ẩn danh: hãy gõ đúng chữ «{ANONYMISE_WORD}» vào ô xác nhận rồi bấm lại."
            )),
            ..Typed::default()
        };
        let html = render(&state, &user, &pd, typed)?;
        return Ok((StatusCode::BAD_REQUEST, Html(html)).into_response());
    }
    let event = view_event(&user, AuditAction::Anonymise, id, "thay cho xóa");
    state
        .store
        .audited(event)
        .anonymise_resident(id, state.now())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("/cu-dan/{id}/du-lieu?da_an_danh=1")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_files_answers_and_anonymises() {
        let admin = Role::Admin;
        let me = Role::Resident { resident_id: 7 };
        assert!(files_for(admin, 7) && files_for(me, 7));
        assert!(!files_for(me, 8), "only one's own");
        assert!(answers_requests(admin) && !answers_requests(me));
        assert!(anonymises(admin) && !anonymises(me));
        for role in [
            Role::CultureOffice,
            Role::HamletHead { hamlet_id: 1 },
            Role::DigitalTeamMember { hamlet_id: 1 },
            Role::UnitReporter { unit_id: 2 },
        ] {
            assert!(!files_for(role, 7), "{role:?}");
            assert!(!answers_requests(role) && !anonymises(role), "{role:?}");
        }
    }
}
