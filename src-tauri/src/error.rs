//! The one error type that crosses IPC to the UI.
//!
//! Library crates speak in their own `thiserror` enums; the shell classifies
//! them here into a `{code, message, ...}` object the UI can act on (show a
//! sign-in prompt for `auth_required`, a countdown for `throttled`, mark a
//! form field for `validation`). Never `Result<_, String>`: a string cannot be
//! acted on, and it tends to leak internals.

use serde::Serialize;
use specta::Type;

/// A classified error, serialised as `{"code": "...", "message": "...", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum UiError {
    /// The server cannot be reached; the local cache still works.
    #[error("{message}")]
    Offline { message: String },
    /// The account must sign in again.
    #[error("{message}")]
    AuthRequired { message: String },
    /// The provider rate-limited us; retry after `until` (RFC 3339).
    #[error("{message}")]
    Throttled { message: String, until: String },
    /// A local and a remote change collided and wait for the user.
    #[error("{message}")]
    Conflict { message: String },
    /// The input was refused; `field` names the offending field.
    #[error("{message}")]
    Validation { message: String, field: String },
    /// The requested record does not exist in the local cache.
    #[error("{message}")]
    NotFound { message: String },
    /// Anything else. The message is safe to show; details go to the log.
    #[error("{message}")]
    Internal { message: String },
}

impl UiError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            message: message.into(),
            field: field.to_owned(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::Internal {
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_classified_code_and_message() {
        let err = UiError::validation("start", "The start must be before the end.");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "The start must be before the end.",
                "field": "start"
            })
        );
        let throttled = UiError::Throttled {
            message: "Rate limited".into(),
            until: "2026-11-23T10:00:00Z".into(),
        };
        assert_eq!(
            serde_json::to_value(&throttled).unwrap()["code"],
            "throttled"
        );
    }
}
