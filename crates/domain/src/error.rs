//! Validation errors: a stable code for machines and a Chinese message for people.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

/// All problems found in one input; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn push(&mut self, field: &'static str, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            code,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The code of the first error, used as the API error code.
    pub fn first_code(&self) -> &'static str {
        self.0
            .first()
            .map(|e| e.code)
            .unwrap_or("validation_failed")
    }

    /// All messages joined for display in one line.
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }

    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

impl std::error::Error for ValidationErrors {}

/// Why a rule refused an action. The variant decides how the edge answers
/// (HTTP status, page or inline message); the `code` is the stable string
/// API users see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    /// An input breaks a rule about its content (HTTP 422).
    Invalid { code: &'static str, message: String },
    /// Field-by-field validation of a form or body (HTTP 422).
    Fields(ValidationErrors),
    /// The actor may not do this (HTTP 403, code `forbidden`).
    Forbidden { message: String },
    /// Nothing of that id within the actor's reach (HTTP 404).
    NotFound,
    /// The record's state, its version or another record stands in the
    /// way (HTTP 409).
    Conflict { code: &'static str, message: String },
}

impl RuleError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> RuleError {
        RuleError::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> RuleError {
        RuleError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> RuleError {
        RuleError::Forbidden {
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            RuleError::Invalid { code, .. } | RuleError::Conflict { code, .. } => code,
            RuleError::Fields(e) => e.first_code(),
            RuleError::Forbidden { .. } => "forbidden",
            RuleError::NotFound => "not_found",
        }
    }

    /// The message a page shows beside the form that caused it; `None`
    /// for the errors that get a page of their own.
    pub fn inline_message(&self) -> Option<&str> {
        match self {
            RuleError::Invalid { message, .. }
            | RuleError::Conflict { message, .. }
            | RuleError::Forbidden { message } => Some(message),
            RuleError::Fields(_) | RuleError::NotFound => None,
        }
    }
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleError::Invalid { message, .. }
            | RuleError::Conflict { message, .. }
            | RuleError::Forbidden { message } => f.write_str(message),
            RuleError::Fields(e) => write!(f, "{e}"),
            RuleError::NotFound => f.write_str("未找到该记录，或它不在您的管辖范围内"),
        }
    }
}

impl std::error::Error for RuleError {}

impl From<ValidationErrors> for RuleError {
    fn from(e: ValidationErrors) -> Self {
        RuleError::Fields(e)
    }
}
