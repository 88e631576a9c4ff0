//! Reminders before upcoming events, as native notifications: a loop per
//! shown account that asks the core which events are due (its rules: the
//! lead time, once per event and start, nothing for an event that ended
//! while the app was closed), records them as fired, then shows them. It
//! works offline: it reads only the local cache.
//!
//! The notification itself goes through [`Notifier`], the seam tests use:
//! with `CASEFILE_NOTIFICATIONS_TO` set to a file, each reminder is appended
//! there as one JSON line instead of reaching the desktop.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use casefile_core::reminders::{self, Reminder};
use casefile_store::Store;
use chrono::Utc;
use chrono_tz::Tz;
use tauri::{AppHandle, Runtime};
use tokio_util::sync::CancellationToken;

/// How often the loop looks for due reminders.
const EVERY: Duration = Duration::from_secs(20);

/// Why a reminder could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("the desktop refused the notification: {0}")]
    Desktop(#[from] tauri_plugin_notification::Error),
    #[error("the notification file could not be written: {0}")]
    File(#[from] std::io::Error),
    #[error("the reminder could not be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Where reminders are shown.
pub trait Notifier: Send + Sync + 'static {
    fn show(&self, reminder: &Reminder) -> Result<(), NotifyError>;
}

/// The desktop's notifications (tauri-plugin-notification).
struct Desktop<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Notifier for Desktop<R> {
    fn show(&self, reminder: &Reminder) -> Result<(), NotifyError> {
        use tauri_plugin_notification::NotificationExt;
        Ok(self
            .0
            .notification()
            .builder()
            .title(&reminder.title)
            .body(&reminder.body)
            .show()?)
    }
}

/// The test seam: one JSON line per reminder, appended to a file.
struct Recorder(PathBuf);

impl Notifier for Recorder {
    fn show(&self, reminder: &Reminder) -> Result<(), NotifyError> {
        let line = serde_json::to_string(reminder)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.0)?;
        writeln!(file, "{line}")?;
        Ok(())
    }
}

/// The notifier this process uses.
fn notifier<R: Runtime>(app: &AppHandle<R>) -> Arc<dyn Notifier> {
    match std::env::var_os("CASEFILE_NOTIFICATIONS_TO") {
        Some(path) => Arc::new(Recorder(PathBuf::from(path))),
        None => Arc::new(Desktop(app.clone())),
    }
}

/// The laptop's zone, for the times in a reminder's words.
fn laptop_zone() -> Tz {
    std::env::var("TZ")
        .ok()
        .and_then(|z| z.trim_start_matches(':').parse().ok())
        .or_else(|| iana_time_zone::get_timezone().ok()?.parse().ok())
        .unwrap_or(Tz::UTC)
}

/// One look: what is due is marked fired, then shown.
fn check(store: &Store, notify: &dyn Notifier) {
    // By the server's clock: a laptop's that is off reminds at the real time.
    let now = casefile_core::clock::server_now(store, Utc::now());
    let found = reminders::saved_lead(store)
        .and_then(|lead| reminders::due(store, now, lead, laptop_zone()))
        .and_then(|due| reminders::mark_fired(store, &due, now).map(|()| due));
    match found {
        Ok(due) => {
            for reminder in &due {
                if let Err(e) = notify.show(reminder) {
                    tracing::warn!(error = %e, "a reminder could not be shown");
                }
            }
        }
        Err(e) => tracing::warn!(code = %e.class(), "reminders could not be read"),
    }
}

/// Looks for due reminders now and every [`EVERY`], until `stop` (another
/// account is shown).
pub fn start<R: Runtime>(app: &AppHandle<R>, store: Arc<Store>, stop: CancellationToken) {
    let notify = notifier(app);
    tauri::async_runtime::spawn(async move {
        loop {
            let (store, notify) = (store.clone(), notify.clone());
            let _ =
                tauri::async_runtime::spawn_blocking(move || check(&store, notify.as_ref())).await;
            if stop
                .run_until_cancelled(tokio::time::sleep(EVERY))
                .await
                .is_none()
            {
                break;
            }
        }
    });
}
