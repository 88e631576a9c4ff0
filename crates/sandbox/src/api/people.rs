//! `/v1/firm` and `/v1/me`.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::state::{lock, AppState};
use crate::store::Kind;

pub async fn firm(State(app): State<Arc<AppState>>) -> Json<Value> {
    Json(lock(&app.firm).clone())
}

/// The staff member the token was issued to.
pub async fn me(State(app): State<Arc<AppState>>) -> ApiResult<Json<Value>> {
    let id = (*lock(&app.me)).ok_or_else(|| ApiError::not_found("staff member"))?;
    let row = app
        .store
        .read(|tx| tx.get(Kind::Staff, id))?
        .ok_or_else(|| ApiError::not_found("staff member"))?;
    Ok(Json(row.body))
}
