use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("Không kết nối được cơ sở dữ liệu: {0}")]
    Connect(String),
    #[error("Lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
    #[error("Lỗi cập nhật cấu trúc cơ sở dữ liệu: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("Không tìm thấy {0}")]
    NotFound(String),
}

impl StoreError {
    /// Whether the error is a violated unique constraint (e.g. a duplicate username).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            StoreError::Conflict(_) => true,
            _ => false,
        }
    }
}
