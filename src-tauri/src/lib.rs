//! The Tauri shell (placeholder while the workspace is being laid out).
pub fn run() {}
