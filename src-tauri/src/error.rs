//! The one error type that crosses IPC to the UI.
//!
//! Library crates speak in their own `thiserror` enums; the shell classifies
//! them here into a `{code, message, ...}` object the UI can act on (show a
//! sign-in prompt for `auth_required`, a countdown for `throttled`, mark a
//! form field for `validation`). Never `Result<_, String>`: a string cannot be
//! acted on, and it tends to leak internals.

use casefile_domain::error::ErrorCode;
use casefile_store::StoreError;
use chrono::{DateTime, SecondsFormat, Utc};
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
    /// The disk is full: nothing was lost; the work goes on once there is room.
    #[error("{message}")]
    DiskFull { message: String },
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

    /// Classifies a failure by its shared class (what
    /// `casefile_core::CoreError::class()` and
    /// `casefile_providers::ProviderError::class()` return). `message` is
    /// shown as is, so it must be safe to show. A `throttled` error made
    /// here has no `until` (an empty string); see [`UiError::from_class_until`].
    pub fn from_class(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::from_class_until(code, message, None)
    }

    /// As [`UiError::from_class`], with the time a throttle lifts, when known.
    pub fn from_class_until(
        code: ErrorCode,
        message: impl Into<String>,
        until: Option<DateTime<Utc>>,
    ) -> Self {
        let message = message.into();
        // No wildcard: a new class must be sorted here on purpose.
        match code {
            ErrorCode::Offline => Self::Offline { message },
            ErrorCode::SignInRequired => Self::AuthRequired { message },
            ErrorCode::Throttled => Self::Throttled {
                message,
                until: until
                    .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
                    .unwrap_or_default(),
            },
            ErrorCode::Conflict => Self::Conflict { message },
            ErrorCode::DiskFull => Self::DiskFull { message },
            ErrorCode::NotFound => Self::NotFound { message },
            ErrorCode::Validation | ErrorCode::Rejected => Self::Validation {
                message,
                field: REQUEST_FIELD.to_owned(),
            },
            ErrorCode::Forbidden
            | ErrorCode::ServerError
            | ErrorCode::BadResponse
            | ErrorCode::Unsupported
            | ErrorCode::LinkExpired
            | ErrorCode::Corrupt
            | ErrorCode::File
            | ErrorCode::Secrets
            | ErrorCode::Cache
            | ErrorCode::Cancelled
            | ErrorCode::Internal => Self::Internal { message },
        }
    }
}

/// The core's lower-case clause as a sentence the UI can show.
fn sentence(clause: &str) -> String {
    let mut chars = clause.trim().chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The `field` of a validation error that names no single field.
const REQUEST_FIELD: &str = "request";

/// A store failure, classified: a missing record is `not_found`, input the
/// store refused is `validation` (field `request`), and anything else
/// (SQLite, migrations, files, a damaged or closed cache) is `internal` with
/// a fixed message; the underlying error, which may quote SQL, is logged.
impl From<&StoreError> for UiError {
    fn from(err: &StoreError) -> Self {
        match err {
            StoreError::NotFound { kind, .. } => UiError::from_class(
                ErrorCode::NotFound,
                format!("That {kind} is not in the local cache."),
            ),
            StoreError::Invalid(detail) => {
                tracing::warn!(error = %err, "the local cache refused a request");
                UiError::from_class(
                    ErrorCode::Validation,
                    format!("The local cache refused the request ({detail})."),
                )
            }
            StoreError::DiskFull => UiError::from_class(
                ErrorCode::DiskFull,
                "The disk is full, so this was not saved. Free some space and try again; nothing already saved was lost.",
            ),
            StoreError::Sqlite(_)
            | StoreError::Migration(_)
            | StoreError::Io(_)
            | StoreError::Json(_)
            | StoreError::Corrupt { .. }
            | StoreError::Closed => {
                tracing::error!(error = %err, "the local cache failed");
                UiError::from_class(
                    ErrorCode::Cache,
                    "The local cache could not be read; details are in the log.",
                )
            }
        }
    }
}

/// An application-core failure, by its class. A store failure is worded
/// as above; the rest carry their own message, which names no secret.
impl From<&casefile_core::CoreError> for UiError {
    fn from(err: &casefile_core::CoreError) -> Self {
        match err {
            casefile_core::CoreError::Store(e) => UiError::from(e),
            casefile_core::CoreError::Edit(casefile_core::edits::EditError::Invalid {
                field,
                message,
            }) => UiError::validation(field, sentence(message)),
            casefile_core::CoreError::Edit(casefile_core::edits::EditError::Store(e)) => {
                UiError::from(e)
            }
            other => {
                tracing::warn!(code = %other.class(), error = %other, "a request failed");
                UiError::from_class(other.class(), other.to_string())
            }
        }
    }
}

impl From<StoreError> for UiError {
    fn from(err: StoreError) -> Self {
        UiError::from(&err)
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

    /// Every shared class, and the UI code it becomes.
    const CLASSES: [(ErrorCode, &str); 19] = [
        (ErrorCode::Offline, "offline"),
        (ErrorCode::SignInRequired, "auth_required"),
        (ErrorCode::Throttled, "throttled"),
        (ErrorCode::Rejected, "validation"),
        (ErrorCode::Forbidden, "internal"),
        (ErrorCode::NotFound, "not_found"),
        (ErrorCode::ServerError, "internal"),
        (ErrorCode::BadResponse, "internal"),
        (ErrorCode::Unsupported, "internal"),
        (ErrorCode::LinkExpired, "internal"),
        (ErrorCode::Corrupt, "internal"),
        (ErrorCode::File, "internal"),
        (ErrorCode::Secrets, "internal"),
        (ErrorCode::Cache, "internal"),
        (ErrorCode::DiskFull, "disk_full"),
        (ErrorCode::Conflict, "conflict"),
        (ErrorCode::Validation, "validation"),
        (ErrorCode::Cancelled, "internal"),
        (ErrorCode::Internal, "internal"),
    ];

    #[test]
    fn every_error_class_maps_to_its_ui_code() {
        for (class, code) in CLASSES {
            let err = UiError::from_class(class, "Something happened.");
            let json = serde_json::to_value(&err).unwrap();
            assert_eq!(json["code"], code, "class {class}");
            assert_eq!(json["message"], "Something happened.", "class {class}");
        }
    }

    #[test]
    fn the_class_table_lists_every_class_once() {
        let mut seen: Vec<ErrorCode> = CLASSES.iter().map(|(c, _)| *c).collect();
        seen.sort_by_key(|c| c.as_str());
        seen.dedup();
        assert_eq!(seen.len(), CLASSES.len());
    }

    #[test]
    fn validation_classes_name_the_request_field() {
        for class in [ErrorCode::Validation, ErrorCode::Rejected] {
            assert_eq!(
                UiError::from_class(class, "Refused."),
                UiError::validation("request", "Refused.")
            );
        }
    }

    #[test]
    fn throttled_carries_until_when_known() {
        let until = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            UiError::from_class_until(ErrorCode::Throttled, "Wait.", Some(until)),
            UiError::Throttled {
                message: "Wait.".into(),
                until: "2026-11-23T10:00:00Z".into(),
            }
        );
        assert_eq!(
            UiError::from_class(ErrorCode::Throttled, "Wait."),
            UiError::Throttled {
                message: "Wait.".into(),
                until: String::new(),
            }
        );
    }

    #[test]
    fn a_missing_store_record_is_not_found() {
        let err = StoreError::NotFound {
            kind: "case",
            id: "0190a0b4".into(),
        };
        assert_eq!(
            UiError::from(&err),
            UiError::NotFound {
                message: "That case is not in the local cache.".into()
            }
        );
    }

    #[test]
    fn refused_store_input_is_validation_of_the_request() {
        let err = UiError::from(&StoreError::Invalid("bad staff id".into()));
        match err {
            UiError::Validation { field, message } => {
                assert_eq!(field, "request");
                assert!(message.contains("bad staff id"), "{message}");
            }
            other => panic!("expected validation, got {other:?}"),
        }
    }

    #[test]
    fn other_store_failures_are_internal_without_the_details() {
        // The root package does not link rusqlite itself; an I/O and a JSON
        // error stand in for a SQLite one (all are logged, none are shown).
        let raw = "near \"SELECT\": syntax error in SELECT * FROM cases at /secret/cache.db";
        let failures = [
            StoreError::Io(std::io::Error::other(raw)),
            StoreError::Json(serde_json::from_str::<u32>("SELECT * FROM cases").unwrap_err()),
            StoreError::Corrupt {
                moved_to: "/secret/cache.db.damaged".into(),
                rescued_ops: 2,
            },
            StoreError::Closed,
        ];
        for failure in &failures {
            let err = UiError::from(failure);
            let UiError::Internal { message } = &err else {
                panic!("expected internal for {failure:?}, got {err:?}");
            };
            assert!(!message.contains("SELECT"), "{message}");
            assert!(!message.contains("/secret"), "{message}");
            assert!(!message.contains(&failure.to_string()), "{message}");
        }
    }
}
