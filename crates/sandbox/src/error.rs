//! Errors: `SandboxError` for the library API (start-up, storage), `ApiError` for
//! HTTP answers in MyCase's `{"errors":[{"description","source"}]}` shape
//! (error-handling.txt).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Failures of the library API.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot bind 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored record is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("demo data: {0}")]
    Demo(String),
}

/// Where an error came from, as MyCase reports it: ONE of pointer or parameter.
#[derive(Clone, Debug)]
pub enum Source {
    None,
    Pointer(String),
    Parameter(String),
}

/// An HTTP error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<(String, Source)>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, description: impl Into<String>, source: Source) -> Self {
        Self {
            status,
            errors: vec![(description.into(), source)],
            retry_after: None,
        }
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("{what} not found"),
            Source::None,
        )
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "The access token is missing, invalid or expired",
            Source::None,
        )
    }
    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description, Source::None)
    }
    pub fn invalid_field(pointer: &str, description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            description,
            Source::Pointer(pointer.to_owned()),
        )
    }
    pub fn invalid_param(param: &str, description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            description,
            Source::Parameter(param.to_owned()),
        )
    }
    pub fn validation(errors: Vec<(String, Source)>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            retry_after: None,
        }
    }
    pub fn too_many(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests; slow down",
                Source::None,
            )
        }
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong, try again later",
            Source::None,
        )
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let errors: Vec<Value> = self
            .errors
            .iter()
            .map(|(description, source)| {
                let source = match source {
                    Source::None => json!({}),
                    Source::Pointer(p) => json!({ "pointer": p }),
                    Source::Parameter(p) => json!({ "parameter": p }),
                };
                json!({ "description": description, "source": source })
            })
            .collect();
        json!({ "errors": errors })
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        tracing::error!(error = %err, "storage error");
        Self::internal()
    }
}

impl From<SandboxError> for ApiError {
    fn from(err: SandboxError) -> Self {
        tracing::error!(error = %err, "sandbox error");
        Self::internal()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Handler result type.
pub type ApiResult<T> = Result<T, ApiError>;
