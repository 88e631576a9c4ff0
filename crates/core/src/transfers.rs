//! The transfer queue as the user sees and steers it: every upload and
//! download with its progress, speed and time left, and pause, resume,
//! retry and cancel. The queue itself is the store's and survives restarts,
//! so transfers another process (the CLI) started show here too.

use casefile_store::transfers::{Direction, Transfer, TransferState};
use casefile_store::Store;
use serde::Serialize;

use crate::error::CoreError;

/// One transfer, worded for a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferView {
    pub id: String,
    pub upload: bool,
    /// "queued", "running", "paused", "failed", "done" or "cancelled".
    pub state: &'static str,
    pub name: String,
    /// The folder path within the case, for an upload.
    pub path: Option<String>,
    pub case_id: String,
    pub size: Option<i64>,
    pub done_bytes: i64,
    pub bytes_per_s: Option<i64>,
    /// Seconds left at the current speed, while running.
    pub seconds_left: Option<i64>,
    /// Why it failed, in plain words.
    pub error: Option<String>,
    /// When a failed transfer is tried again by itself (RFC 3339).
    pub retry_at: Option<String>,
    pub updated_at: String,
}

fn view(t: Transfer) -> TransferView {
    let seconds_left = match (t.state, t.size, t.bytes_per_s) {
        (TransferState::Running, Some(size), Some(speed)) if speed > 0 => {
            Some((size - t.done_bytes).max(0) / speed)
        }
        _ => None,
    };
    TransferView {
        upload: t.direction == Direction::Upload,
        state: t.state.as_str(),
        name: t.file_name,
        path: t.path,
        case_id: t.case_id,
        size: t.size,
        done_bytes: t.done_bytes,
        bytes_per_s: t.bytes_per_s,
        seconds_left,
        error: t.last_error,
        retry_at: t.next_attempt_at,
        updated_at: t.updated_at,
        id: t.id,
    }
}

/// How many finished transfers the list keeps: the queue's history grows
/// with every file ever moved, and the list is read every second.
pub const FINISHED_SHOWN: usize = 200;

/// Every unfinished transfer, then the latest [`FINISHED_SHOWN`] finished
/// ones, each group newest first.
pub fn list(store: &Store) -> Result<Vec<TransferView>, CoreError> {
    let mut all = store.transfers()?;
    let finished = |t: &Transfer| matches!(t.state, TransferState::Done | TransferState::Cancelled);
    all.sort_by(|a, b| {
        finished(a)
            .cmp(&finished(b))
            .then_with(|| b.updated_at.cmp(&a.updated_at))
    });
    let open = all.iter().filter(|t| !finished(t)).count();
    all.truncate(open + FINISHED_SHOWN);
    Ok(all.into_iter().map(view).collect())
}

/// What the user asks of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferCommand {
    Pause,
    Resume,
    Retry,
    Cancel,
}

/// Applies a command. Cancelling an upload leaves what it began on the
/// server to [`crate::Session::discard_cancelled`].
pub fn command(store: &Store, id: &str, command: TransferCommand) -> Result<(), CoreError> {
    let state = match command {
        TransferCommand::Pause => TransferState::Paused,
        TransferCommand::Resume | TransferCommand::Retry => TransferState::Queued,
        TransferCommand::Cancel => TransferState::Cancelled,
    };
    Ok(store.set_transfer_state(id, state)?)
}
