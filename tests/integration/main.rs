//! The root package's integration tests, as one binary (ripgrep's layout).
//!
//! - `layout`: the core/shell boundary (no crate under `crates/` reaches tauri).
//! - `names`: the code map's other checkable rules (who may name a provider,
//!   which crate may depend on which, the UI's Tauri imports, the data directory).
//! - `config`: the webview security baseline in tauri.conf.json and capabilities.
//! - `window`: the real window, driven over WebDriver (tauri-driver + WebKitWebDriver).
//! - `bench`: `ui-cases-bench`, the window's timings on a 50,000-case firm (ignored; a README command).
//! - `calendar_bench`: `ui-calendar-bench`, the calendar's and tasks' timings on 2,000 events and 10,000 tasks (ignored; a README command).
//! - `xss`: hostile server text in every view is shown as text and never runs.
//! - `firm`: a sandbox firm with a CLI-added account, for the window tests.
//! - `offline`: a file dropped with the server unreachable uploads when the connection returns.
//! - `documents`: files dropped on a case folder from a real (simulated) OS drag, uploaded to the sandbox.
//! - `reminders`: reminders through the app's notification seam: once, not again after a restart.
//! - `calendar`: events made, edited and moved with a real pointer; the DST gap; an all-day event in two zones.
//! - `calendar_conflicts`: an offline edit marked then synced; the conflict chooser, field by field.
//! - `tasks`: a task made and ticked off in the window.
//! - `notes`: a LegalServer matter's case notes in the case screen, and offline afterwards.
//! - `calendar_kit`: what those share (fields, a real pointer, slots, the sandbox's records by name).

mod accounts;
mod app_kill;
mod bench;
mod calendar;
mod calendar_bench;
mod calendar_conflicts;
mod calendar_kit;
mod common;
mod config;
mod documents;
mod firm;
mod folders;
mod layout;
mod names;
mod notes;
mod offline;
mod reminders;
mod secrets_on_disk;
mod startup_bench;
mod tasks;
mod waits;
mod window;
mod xss;
