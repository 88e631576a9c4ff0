//! The command router: every `#[tauri::command]` the UI can call.
//!
//! Commands validate their own arguments, call into the Tauri-free crates,
//! and classify failures into [`crate::error::UiError`]. They decide nothing
//! themselves: the shell routes, the core decides.

pub mod accounts;
pub mod app;
pub mod cache;
pub mod calendar;
pub mod conflicts;
pub mod copies;
pub mod documents;
pub mod export;
pub mod folders;
pub mod notes;
pub mod tasks;
pub mod transfers;
