//! Progress while a command works: a live bar on a terminal (indicatif),
//! a plain line per step when stderr is not a terminal (logs, CI), and
//! nothing at all for `--json` output. Progress goes to stderr; stdout
//! keeps the command's result.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use casefile_store::transfers::TransferState;
use casefile_store::Store;
use casefile_sync::{Phase, SyncStatus};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::text::clean;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Bar,
    Lines,
    Silent,
}

impl Mode {
    /// A bar on a terminal, lines otherwise, silence for `--json`.
    pub fn pick(json: bool) -> Self {
        if json {
            Mode::Silent
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

/// Stops drawing when dropped.
pub struct Shown(Option<JoinHandle<()>>, Option<ProgressBar>);

impl Drop for Shown {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
        if let Some(bar) = self.1.take() {
            bar.finish_and_clear();
        }
    }
}

fn bar(style: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template(style) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn sync_line(s: &SyncStatus) -> Option<String> {
    let what = match s.phase {
        Phase::Idle => return None,
        Phase::Pulling => s.resource.as_deref().unwrap_or("records").replace('_', " "),
        Phase::Pushing => "changes to the server".to_owned(),
        Phase::Reconciling => "deletions".to_owned(),
    };
    let verb = match s.phase {
        Phase::Pushing => "sending",
        Phase::Reconciling => "checking",
        _ => "pulling",
    };
    Some(match (s.phase, s.expected) {
        (Phase::Pulling, Some(total)) => {
            format!(
                "{verb} {what}: {} of {total} ({} records so far of this sync)",
                s.resource_records, s.records
            )
        }
        (Phase::Pulling, None) => format!("{verb} {what}: {} records so far", s.records),
        _ => format!("{verb} {what}"),
    })
}

/// Shows a running sync from the engine's status updates.
pub fn sync(mode: Mode, mut updates: watch::Receiver<SyncStatus>) -> Shown {
    if mode == Mode::Silent {
        return Shown(None, None);
    }
    let shown = (mode == Mode::Bar).then(|| bar("{spinner} {msg}"));
    let drawn = shown.clone();
    let task = tokio::spawn(async move {
        let mut last = String::new();
        let mut last_resource = None;
        while updates.changed().await.is_ok() {
            let status = updates.borrow_and_update().clone();
            let Some(line) = sync_line(&status) else {
                continue;
            };
            match &drawn {
                Some(bar) => bar.set_message(line),
                None => {
                    // One line per step, not per page.
                    let step = (status.phase, status.resource.clone());
                    if Some(&step) != last_resource.as_ref() && line != last {
                        eprintln!("{line}");
                        last = line;
                        last_resource = Some(step);
                    }
                }
            }
        }
    });
    Shown(Some(task), shown)
}

/// Shows the transfer that is moving, polling the shared queue (another
/// process may be the one moving it).
pub fn transfers(mode: Mode, store: Arc<Store>) -> Shown {
    if mode == Mode::Silent {
        return Shown(None, None);
    }
    let shown = (mode == Mode::Bar).then(|| {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}, {eta} left",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    });
    let drawn = shown.clone();
    let task = tokio::spawn(async move {
        let mut last_tenth = None;
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let reading = store.clone();
            let Ok(Ok(all)) = tokio::task::spawn_blocking(move || reading.transfers()).await else {
                continue;
            };
            let Some(t) = all.iter().find(|t| t.state == TransferState::Running) else {
                continue;
            };
            let size = t.size.unwrap_or(0).max(0) as u64;
            let done = t.done_bytes.max(0) as u64;
            match &drawn {
                Some(bar) => {
                    bar.set_message(clean(&t.file_name));
                    bar.set_length(size);
                    bar.set_position(done);
                }
                None => {
                    let tenth = (size > 0).then(|| done * 10 / size);
                    let key = (t.id.clone(), tenth);
                    if last_tenth.as_ref() != Some(&key) {
                        eprintln!(
                            "{} {}: {done} of {size} bytes",
                            if matches!(t.direction, casefile_store::transfers::Direction::Upload) {
                                "uploading"
                            } else {
                                "downloading"
                            },
                            clean(&t.file_name)
                        );
                        last_tenth = Some(key);
                    }
                }
            }
        }
    });
    Shown(Some(task), shown)
}
