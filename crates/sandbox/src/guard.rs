//! The `/v1/` request guard: fault decisions, bearer-token check, per-client rate
//! limit, "drop after commit" (the write is applied, then the connection is closed
//! before any byte of the answer is sent) and "late writes" (the connection is closed
//! first, and the write applied a while later).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use crate::auth::bearer;
use crate::error::{ApiError, Source};
use crate::state::{lock, AppState};

/// Closes the connection a request arrived on (inserted by the accept loop).
#[derive(Clone)]
pub struct ConnKill(pub Arc<tokio::sync::Notify>);

/// Whether the fault injector expires this request's page token.
#[derive(Clone, Copy)]
pub struct PageFault(pub bool);

/// Whether a request changes anything.
pub fn is_write(req: &Request) -> bool {
    matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::DELETE | Method::PATCH
    )
}

/// This request's faults, drawn from the stream, after its latency.
pub async fn decide(app: &AppState, is_write: bool) -> crate::faults::Decision {
    let decision = {
        let mut faults = lock(&app.faults);
        faults.note_arrival();
        faults.decide(is_write)
    };
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    decision
}

pub async fn guard(State(app): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let is_write = is_write(&req);
    let decision = decide(&app, is_write).await;
    let now = Utc::now();
    let client_id = {
        let mut auth = lock(&app.auth);
        let Some(token) = bearer(req.headers()).map(str::to_owned) else {
            return ApiError::unauthorized().into_response();
        };
        if !auth.access_valid(&token, now) {
            return ApiError::unauthorized().into_response();
        }
        if decision.expire_token {
            auth.expire_access(&token, now);
            lock(&app.faults).counters.token_expiries += 1;
            return ApiError::unauthorized().into_response();
        }
        auth.client_id.clone()
    };
    if let Err(retry) = lock(&app.limiter).check(&client_id) {
        lock(&app.faults).note_retry_after(retry);
        return ApiError::too_many(retry).into_response();
    }
    if decision.maintenance || decision.storm {
        lock(&app.faults).note_retry_after(1);
    }
    if decision.maintenance {
        let mut response = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "MyCase is down for scheduled maintenance",
            Source::None,
        )
        .into_response();
        response
            .headers_mut()
            .insert("Retry-After", HeaderValue::from(1));
        return response;
    }
    if decision.storm {
        return ApiError::too_many(1).into_response();
    }
    if decision.error {
        return ApiError::internal().into_response();
    }
    req.extensions_mut().insert(PageFault(decision.expire_page));
    run_with_write_faults(&app, req, next, decision, is_write).await
}

/// Runs the handler, then the write faults: a late write (the connection
/// closed at once, the write applied later) or a drop after commit (applied,
/// then the connection closed before any byte of the answer).
pub async fn run_with_write_faults(
    app: &Arc<AppState>,
    req: Request,
    next: Next,
    decision: crate::faults::Decision,
    is_write: bool,
) -> Response {
    let kill = req.extensions().get::<ConnKill>().cloned();
    let late = match &kill {
        Some(_) if is_write => lock(&app.faults).take_late_write(),
        _ => None,
    };
    if let (Some(ConnKill(notify)), Some(delay)) = (&kill, late) {
        // Held upstream: the client loses its connection now, and the write
        // is applied later all the same.
        let handled = next.run(req);
        let app = app.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            if handled.await.status().is_success() {
                lock(&app.faults).counters.late_applied += 1;
            }
        });
        notify.notify_one();
        return std::future::pending::<Response>().await;
    }
    let response = next.run(req).await;
    if decision.drop_after_commit && response.status().is_success() {
        if let Some(ConnKill(notify)) = kill {
            lock(&app.faults).counters.drops += 1;
            notify.notify_one();
            std::future::pending::<()>().await;
        }
    }
    response
}
