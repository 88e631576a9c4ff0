//! The classes every failure is sorted into before it reaches a person: the
//! CLI's exit codes, the engine's status, the window's `{code, message}`.
//! One vocabulary, so no layer ever matches an error by its English text
//! or by a string code it has to keep in step with another crate.

use serde::{Deserialize, Serialize};

/// What kind of failure it was, and so what a person can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The server cannot be reached; everything local still works.
    Offline,
    /// The credentials are missing, expired or refused: sign in again.
    SignInRequired,
    /// The server asked us to wait (rate limit or maintenance).
    Throttled,
    /// The server refused a change as invalid.
    Rejected,
    /// The account may not do this (403, or a plan that lacks the feature).
    Forbidden,
    /// The record is not there.
    NotFound,
    /// The server failed on its side (5xx, an unexpected status).
    ServerError,
    /// The server sent something we could not read.
    BadResponse,
    /// The provider cannot do this at all.
    Unsupported,
    /// A signed storage link expired or was refused.
    LinkExpired,
    /// Bytes did not match what storage vouched for.
    Corrupt,
    /// A local file could not be read or written.
    File,
    /// The OS keychain failed or is missing.
    Secrets,
    /// The local cache failed.
    Cache,
    /// The disk (or the file size the system allows) is full: nothing was
    /// lost, and the work resumes once there is space.
    DiskFull,
    /// A local and a server change collided and wait for the user.
    Conflict,
    /// The input was refused before anything was sent.
    Validation,
    /// The work was cancelled.
    Cancelled,
    /// Anything else.
    Internal,
}

impl ErrorCode {
    /// The stable text form (`sync --watch` and `status --json` print it).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Offline => "offline",
            ErrorCode::SignInRequired => "sign_in_required",
            ErrorCode::Throttled => "throttled",
            ErrorCode::Rejected => "rejected",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ServerError => "server_error",
            ErrorCode::BadResponse => "bad_response",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::LinkExpired => "link_expired",
            ErrorCode::Corrupt => "corrupt",
            ErrorCode::File => "file",
            ErrorCode::Secrets => "secrets",
            ErrorCode::Cache => "cache",
            ErrorCode::DiskFull => "disk_full",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Validation => "validation",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_form_is_the_serde_form() {
        for code in [
            ErrorCode::Offline,
            ErrorCode::SignInRequired,
            ErrorCode::Forbidden,
            ErrorCode::ServerError,
            ErrorCode::DiskFull,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().into()));
        }
    }
}
