//! Provider errors, classified so the engine knows whether to retry.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The token is missing, expired or revoked: refresh or sign in again.
    #[error("the server refused the credentials (401)")]
    Unauthorized,
    /// The request was refused as invalid; `field` names the source when given.
    #[error("the server refused the request: {message}")]
    Validation {
        message: String,
        field: Option<String>,
    },
    #[error("not found (404)")]
    NotFound,
    /// Rate limited or in maintenance; wait at least `retry_after`.
    #[error("the server asked us to wait (status {status})")]
    Throttled {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("server error (status {0})")]
    Server(u16),
    #[error("unexpected status {0}")]
    Unexpected(u16),
    #[error("network error: {0}")]
    Network(#[from] reqwest::Error),
    #[error("the server sent something we could not read: {0}")]
    Decode(String),
    /// No usable credentials: the user must sign in (again).
    #[error("sign-in required")]
    SignInRequired,
    #[error("the secret store failed: {0}")]
    Secrets(String),
    /// A signed upload or download link expired or was refused: ask for a fresh one.
    #[error("the storage link expired or was refused (status {0})")]
    LinkExpired(u16),
    /// The bytes that arrived are not the bytes storage vouched for.
    #[error("the downloaded file is damaged: {0}")]
    Corrupt(String),
    /// A local file could not be read or written.
    #[error("file error: {0}")]
    File(String),
    /// The provider cannot do this (e.g. write a read-only resource).
    #[error("not supported by this provider: {0}")]
    Unsupported(String),
}

impl ProviderError {
    /// A stable code for the UI and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            ProviderError::Unauthorized | ProviderError::SignInRequired => "sign_in_required",
            ProviderError::Validation { .. } => "rejected",
            ProviderError::NotFound => "not_found",
            ProviderError::Throttled { .. } => "throttled",
            ProviderError::Server(_) | ProviderError::Unexpected(_) => "server_error",
            ProviderError::Network(_) => "offline",
            ProviderError::Decode(_) => "bad_response",
            ProviderError::Secrets(_) => "secrets",
            ProviderError::Unsupported(_) => "unsupported",
            ProviderError::LinkExpired(_) => "link_expired",
            ProviderError::Corrupt(_) => "corrupt",
            ProviderError::File(_) => "file",
        }
    }

    /// Whether the same request may succeed later without any change.
    pub fn is_retryable(&self) -> bool {
        match self {
            ProviderError::Throttled { .. }
            | ProviderError::Server(_)
            | ProviderError::LinkExpired(_)
            | ProviderError::Corrupt(_) => true,
            ProviderError::Network(e) => {
                e.is_timeout() || e.is_connect() || e.is_request() || e.is_body()
            }
            _ => false,
        }
    }
}
