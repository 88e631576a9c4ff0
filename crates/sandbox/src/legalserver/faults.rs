//! The seeded faults (`/admin/faults`) in LegalServer's dialect: latency,
//! its weekly maintenance as 503, 429 storms and 500s, each in
//! LegalServer's `{"error_message"}` words, and the write faults shared
//! with the other dialect (drops after commit, late writes). The token and
//! the minute's limit are checked by the handlers themselves.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::guard::{decide, is_write, run_with_write_faults};
use crate::state::{lock, AppState};

fn answer(status: StatusCode, message: &str, retry_after: bool) -> Response {
    let mut response = (status, axum::Json(json!({ "error_message": message }))).into_response();
    if retry_after {
        response
            .headers_mut()
            .insert("Retry-After", HeaderValue::from(1));
    }
    response
}

pub async fn guard(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let write = is_write(&req);
    let decision = decide(&app, write).await;
    if decision.maintenance || decision.storm {
        lock(&app.faults).note_retry_after(1);
    }
    if decision.maintenance {
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "The site is down for its weekly maintenance",
            true,
        );
    }
    if decision.storm {
        return answer(StatusCode::TOO_MANY_REQUESTS, "Too many requests", true);
    }
    if decision.error {
        return answer(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", false);
    }
    run_with_write_faults(&app, req, next, decision, write).await
}
