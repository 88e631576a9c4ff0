//! The root package's integration tests, as one binary (ripgrep's layout).
//!
//! - `layout`: the core/shell boundary (no crate under `crates/` reaches tauri).
//! - `names`: the code map's other checkable rules (who may name a provider,
//!   which crate may depend on which, the UI's Tauri imports, the data directory).
//! - `config`: the webview security baseline in tauri.conf.json and capabilities.
//! - `window`: the real window, driven over WebDriver (tauri-driver + WebKitWebDriver).
//! - `documents`: files dropped on a case folder from a real (simulated) OS drag, uploaded to the sandbox.

mod common;
mod config;
mod documents;
mod layout;
mod names;
mod window;
