//! The store's error: a rule's refusal (decided in the domain, or a
//! uniqueness or version check the database enforces), a missing record,
//! or a failure of the database itself.

use govmedia_domain::{RuleError, ValidationErrors};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("not found")]
    NotFound,
    /// A rule refused; the message is Chinese, for users.
    #[error("{}: {}", .0.code(), .0)]
    Rule(RuleError),
    #[error("{0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// The record's state, its version or another record stands in the way.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Rule(RuleError::conflict(code, message))
    }

    /// An input breaks a rule about its content.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Rule(RuleError::invalid(code, message))
    }

    /// The actor may not do this.
    pub fn forbidden(message: impl Into<String>) -> StoreError {
        StoreError::Rule(RuleError::forbidden(message))
    }

    /// The rule error inside, if this is one.
    pub fn rule(&self) -> Option<&RuleError> {
        match self {
            StoreError::Rule(e) => Some(e),
            _ => None,
        }
    }
}

impl From<RuleError> for StoreError {
    fn from(e: RuleError) -> Self {
        match e {
            RuleError::NotFound => StoreError::NotFound,
            other => StoreError::Rule(other),
        }
    }
}

impl From<ValidationErrors> for StoreError {
    fn from(e: ValidationErrors) -> Self {
        StoreError::Rule(RuleError::Fields(e))
    }
}
