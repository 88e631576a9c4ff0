//! The status view-model: the one sentence and state every front end shows
//! for an account's sync (the window's status bar and tray, the CLI's
//! `status`). It is decided from the engine's typed status and error class,
//! never from an error's text.

use casefile_domain::error::ErrorCode;
use casefile_sync::{Phase, SyncStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Exactly one of these is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusState {
    /// Online, nothing waiting; with the time of the last sync.
    UpToDate,
    /// A sync is running; with its progress.
    Syncing,
    /// The server cannot be reached; everything local still works.
    Offline,
    /// The server asked us to wait; until when, if it said.
    Throttled,
    /// The account must sign in again.
    SignInRequired,
    /// Local changes wait to be sent (or were refused and wait for an edit).
    ChangesWaiting,
    /// Changes wait for a plan the firm lacks (a 402): nothing to do here
    /// but upgrade, so it is a warning, not "waiting to sync".
    NeedsPlan,
    /// The last sync failed for another reason.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusView {
    pub state: StatusState,
    /// A short sentence, for people.
    pub detail: String,
    pub pending: u64,
    pub conflicts: u64,
    pub quarantined: u64,
    pub last_success: Option<DateTime<Utc>>,
    pub throttled_until: Option<DateTime<Utc>>,
}

fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%H:%M").to_string()
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Words an engine status; `cases` is how many cases the cache holds.
pub fn view(s: &SyncStatus, cases: u64) -> StatusView {
    let (state, detail) = if s.phase != Phase::Idle {
        let what = s.resource.as_deref().unwrap_or("changes").replace('_', " ");
        let progress = match s.expected {
            Some(total) => format!("{} of {total} records", s.resource_records),
            None => format!("{} records so far", s.records),
        };
        (StatusState::Syncing, format!("Syncing {what}… {progress}"))
    } else if let Some(until) = s.throttled_until {
        (
            StatusState::Throttled,
            format!(
                "The server asked us to slow down; throttled until {}.",
                local_time(until)
            ),
        )
    } else if let Some(error) = &s.error {
        match error.code {
            ErrorCode::SignInRequired => (
                StatusState::SignInRequired,
                "Sign in again to sync; your work here is kept.".to_owned(),
            ),
            ErrorCode::Offline => (
                StatusState::Offline,
                "Offline: changes are kept on this laptop until the server is reachable."
                    .to_owned(),
            ),
            ErrorCode::Throttled => (
                StatusState::Throttled,
                "The server asked us to slow down; sync will try again shortly.".to_owned(),
            ),
            ErrorCode::Forbidden => (
                StatusState::Error,
                "The server does not allow this account to sync everything; details are in the log."
                    .to_owned(),
            ),
            ErrorCode::Cache => (
                StatusState::Error,
                "Sync could not write the local cache; details are in the log.".to_owned(),
            ),
            ErrorCode::DiskFull => (
                StatusState::Error,
                "The disk is full: sync stopped without losing anything. Free some space and it picks up where it stopped."
                    .to_owned(),
            ),
            ErrorCode::Secrets => (
                StatusState::Error,
                "The OS keychain did not answer; unlock it and sync again.".to_owned(),
            ),
            ErrorCode::Cancelled => (StatusState::Error, "The last sync was stopped.".to_owned()),
            _ => (
                StatusState::Error,
                "Sync failed on the server's side; details are in the log.".to_owned(),
            ),
        }
    } else if let Some(held) = s.held.first() {
        // The firm's plan lacks these: say what they need, not "waiting".
        let waiting: usize = s.held.iter().map(|h| h.changes).sum();
        let kinds: Vec<String> = s
            .held
            .iter()
            .map(|h| h.kind.plural().replace('_', " "))
            .collect();
        (
            StatusState::NeedsPlan,
            format!(
                "Changing {} needs {}; {} here until the firm has it.",
                kinds.join(" and "),
                held.plan,
                plural(waiting as u64, "change waits", "changes wait"),
            ),
        )
    } else if s.pending > 0 {
        (
            StatusState::ChangesWaiting,
            format!("{} waiting to sync", plural(s.pending, "change", "changes")),
        )
    } else if let Some(at) = s.last_success {
        let mut extra = String::new();
        if s.conflicts > 0 {
            extra.push_str(&format!(
                ", {} to review",
                plural(s.conflicts, "conflict", "conflicts")
            ));
        }
        if s.quarantined > 0 {
            extra.push_str(&format!(
                ", {} set aside",
                plural(s.quarantined, "unreadable record", "unreadable records")
            ));
        }
        (
            StatusState::UpToDate,
            format!(
                "Up to date: {cases} cases, synced at {}{extra}",
                local_time(at)
            ),
        )
    } else {
        (StatusState::Syncing, "Preparing to sync…".to_owned())
    };
    StatusView {
        state,
        detail,
        pending: s.pending,
        conflicts: s.conflicts,
        quarantined: s.quarantined,
        last_success: s.last_success,
        throttled_until: s.throttled_until,
    }
}

#[cfg(test)]
mod tests {
    use casefile_sync::status::ErrorInfo;

    use super::*;

    fn failed(code: ErrorCode) -> SyncStatus {
        SyncStatus {
            error: Some(ErrorInfo {
                code,
                message: "whatever the server said".into(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn state_table() {
        let now = Utc::now();
        let synced = SyncStatus {
            last_success: Some(now),
            ..Default::default()
        };
        let table: Vec<(SyncStatus, StatusState)> = vec![
            (SyncStatus::default(), StatusState::Syncing),
            (
                SyncStatus {
                    phase: Phase::Pulling,
                    ..Default::default()
                },
                StatusState::Syncing,
            ),
            (synced.clone(), StatusState::UpToDate),
            (
                SyncStatus {
                    pending: 2,
                    ..synced.clone()
                },
                StatusState::ChangesWaiting,
            ),
            (
                SyncStatus {
                    throttled_until: Some(now),
                    ..synced.clone()
                },
                StatusState::Throttled,
            ),
            (failed(ErrorCode::Offline), StatusState::Offline),
            (
                failed(ErrorCode::SignInRequired),
                StatusState::SignInRequired,
            ),
            (failed(ErrorCode::Throttled), StatusState::Throttled),
            (failed(ErrorCode::ServerError), StatusState::Error),
            (failed(ErrorCode::Forbidden), StatusState::Error),
            (failed(ErrorCode::Cache), StatusState::Error),
            (
                SyncStatus {
                    pending: 3,
                    held: vec![casefile_sync::push::Held {
                        kind: casefile_domain::entity::Kind::Event,
                        plan: "the Premium APIs".into(),
                        changes: 3,
                    }],
                    ..synced.clone()
                },
                StatusState::NeedsPlan,
            ),
        ];
        for (status, want) in table {
            assert_eq!(view(&status, 3).state, want, "{status:?}");
        }
    }

    #[test]
    fn progress_counts_against_the_server_total_when_known() {
        let s = SyncStatus {
            phase: Phase::Pulling,
            resource: Some("practice_areas".into()),
            // The sync's total so far, earlier resources included.
            records: 5400,
            resource_records: 400,
            expected: Some(1000),
            ..Default::default()
        };
        assert_eq!(
            view(&s, 0).detail,
            "Syncing practice areas… 400 of 1000 records"
        );
    }

    #[test]
    fn the_server_words_never_reach_the_sentence() {
        let v = view(&failed(ErrorCode::ServerError), 0);
        assert!(!v.detail.contains("whatever the server said"));
    }
}
