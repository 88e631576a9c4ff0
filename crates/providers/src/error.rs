//! Provider errors, classified so the engine knows whether to retry.

use std::time::Duration;

use casefile_domain::error::ErrorCode;

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
    /// The credentials are good but the account may not do this (403).
    /// Refused at once and never retried: only a change on the server's
    /// side can help.
    #[error("the server does not allow this account to do that: {0}")]
    Forbidden(String),
    /// The firm's subscription lacks the feature (402): `plan` names what
    /// it needs, in the provider's words ("LegalServer's Premium APIs").
    /// Not the record's fault, and not for good: the change waits, and the
    /// account shows why, until the firm has the plan.
    #[error("this needs {plan}")]
    PlanRequired { plan: String },
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
    /// The class of this failure, for the UI, the CLI and the engine.
    pub fn class(&self) -> ErrorCode {
        match self {
            ProviderError::Unauthorized | ProviderError::SignInRequired => {
                ErrorCode::SignInRequired
            }
            ProviderError::Validation { .. } => ErrorCode::Rejected,
            ProviderError::Forbidden(_) | ProviderError::PlanRequired { .. } => {
                ErrorCode::Forbidden
            }
            ProviderError::NotFound => ErrorCode::NotFound,
            ProviderError::Throttled { .. } => ErrorCode::Throttled,
            ProviderError::Server(_) | ProviderError::Unexpected(_) => ErrorCode::ServerError,
            ProviderError::Network(_) => ErrorCode::Offline,
            ProviderError::Decode(_) => ErrorCode::BadResponse,
            ProviderError::Secrets(_) => ErrorCode::Secrets,
            ProviderError::Unsupported(_) => ErrorCode::Unsupported,
            ProviderError::LinkExpired(_) => ErrorCode::LinkExpired,
            ProviderError::Corrupt(_) => ErrorCode::Corrupt,
            ProviderError::File(_) => ErrorCode::File,
        }
    }

    /// A stable code for the UI and the CLI.
    pub fn code(&self) -> &'static str {
        self.class().as_str()
    }

    /// Whether a write that failed this way may still have been applied, so
    /// a create must be looked for before it is sent again. An answer from
    /// the API itself (a refusal, throttling, its own 500 "try again
    /// later") says it was not; a lost connection, a timeout, an unreadable
    /// success, or a gateway's 502/504 (the API behind it may have taken
    /// the request) cannot say.
    pub fn may_have_landed(&self) -> bool {
        match self {
            ProviderError::Network(e) => !e.is_connect(),
            ProviderError::Server(status) => matches!(status, 502 | 504),
            ProviderError::Decode(_) | ProviderError::Unexpected(_) => true,
            _ => false,
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
