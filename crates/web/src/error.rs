//! One error type for the HTTP layer: maps domain and storage errors to a
//! status and a Vietnamese page, so handlers just use `?`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use hocvuso_storage::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Cần đăng nhập")]
    LoginRequired,
    #[error("Cần đổi mật khẩu dùng một lần trước khi tiếp tục")]
    MustChangePassword,
    #[error("Bạn không có quyền làm việc này")]
    Forbidden,
    #[error("Không tìm thấy trang hoặc hồ sơ này, hoặc bạn không có quyền xem")]
    NotFound,
    #[error("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    /// Bad input that no form of ours sends (a column number past the
    /// sheet, a file that expands past the limits): 400, answered late
    /// (see `refusal`).
    #[error("{0}")]
    Hostile(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Lỗi hệ thống: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(m) | StoreError::Conflict(m) => AppError::BadRequest(m),
            StoreError::NotFound(_) => AppError::NotFound,
            other => {
                tracing::error!(error = %other, "storage error");
                AppError::Internal("không đọc/ghi được cơ sở dữ liệu, hãy thử lại sau".into())
            }
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("lỗi hiển thị trang ({e})"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::LoginRequired => return Redirect::to("/dang-nhap").into_response(),
            AppError::MustChangePassword => return Redirect::to("/doi-mat-khau").into_response(),
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) | AppError::Hostile(_) => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let title = match &self {
            AppError::Forbidden | AppError::Csrf => "Không được phép",
            AppError::NotFound => "Không tìm thấy",
            AppError::BadRequest(_) | AppError::Hostile(_) => "Dữ liệu chưa đúng",
            AppError::TooManyRequests(_) => "Tạm khóa",
            _ => "Có lỗi",
        };
        let page = ErrorPage {
            title,
            message: self.to_string(),
        };
        let resp = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.to_string()).into_response(),
        };
        if matches!(self, AppError::Hostile(_)) {
            crate::refusal::hostile(resp)
        } else {
            resp
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
