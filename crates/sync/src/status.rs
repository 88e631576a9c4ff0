//! What the engine tells its subscribers (the UI's status bar, the CLI's
//! `status` and `sync --watch`): the phase and progress of the running
//! sync, pending operations, the last success, conflicts, the last error,
//! and "throttled until" while the server has asked us to wait.

use casefile_domain::error::ErrorCode;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Idle,
    Pulling,
    Pushing,
    Reconciling,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorInfo {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct SyncStatus {
    pub phase: Phase,
    /// The resource being pulled or pushed.
    pub resource: Option<String>,
    /// Pages fetched and records applied in the running sync.
    pub pages: u64,
    pub records: u64,
    /// Records applied of the resource being pulled.
    pub resource_records: u64,
    /// The records the resource being pulled holds, when the server says
    /// (`Item-Count`).
    pub expected: Option<u64>,
    pub pending: u64,
    pub conflicts: u64,
    /// Server records set aside as unreadable (listed by the store).
    pub quarantined: u64,
    pub last_success: Option<DateTime<Utc>>,
    pub error: Option<ErrorInfo>,
    pub throttled_until: Option<DateTime<Utc>>,
    /// Changes waiting for a plan the firm lacks, as the last push found.
    pub held: Vec<crate::push::Held>,
}
