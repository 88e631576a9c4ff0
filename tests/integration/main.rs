//! The root package's integration tests, as one binary (ripgrep's layout).
//!
//! - `layout`: the core/shell boundary (no crate under `crates/` reaches tauri).
//! - `config`: the webview security baseline in tauri.conf.json and capabilities.
//! - `window`: the real window, driven over WebDriver (tauri-driver + WebKitWebDriver).

mod common;
mod config;
mod layout;
mod window;
