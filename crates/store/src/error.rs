use govmedia_domain::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("not found")]
    NotFound,
    /// A rule or uniqueness conflict; the message is Chinese, for users.
    #[error("{code}: {message}")]
    Conflict { code: &'static str, message: String },
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error("{0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Conflict {
            code,
            message: message.into(),
        }
    }
}
