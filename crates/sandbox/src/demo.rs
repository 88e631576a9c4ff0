//! Loading the configured demo data into a fresh store.

use chrono::Utc;
use serde_json::json;

use crate::config::SandboxConfig;
use crate::error::SandboxError;
use crate::seed::seed_record;
use crate::state::{lock, AppState};
use crate::store::Kind;

/// Loads the firm and records; sets `/v1/me` to the first staff member.
pub fn load(app: &AppState, cfg: &SandboxConfig) -> Result<(), SandboxError> {
    let _ = cfg;
    let now = Utc::now();
    *lock(&app.firm) = json!({ "name": "Sandbox Law Group LLP", "url": "https://sandbox.example" });
    let me = app.store.batch(|tx| {
        seed_record(
            tx,
            Kind::Staff,
            json!({
                "first_name": "Avery", "last_name": "Quinn", "email": "avery.quinn@sandbox.example",
                "type": "Attorney", "title": "Managing Partner", "active": true,
                "default_hourly_rate": 350.0
            }),
            now,
        )
    })?;
    *lock(&app.me) = Some(me);
    Ok(())
}
