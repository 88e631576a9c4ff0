//! The Tauri shell of Casefile: the only code that knows Tauri.
//!
//! It wires the window, plugins, logging and the typed command router to the
//! Tauri-free crates under `crates/`. It routes; it does not decide.

pub mod cache;
pub mod commands;
pub mod demo;
pub mod error;
pub mod events;
pub mod ipc;
pub mod logging;
pub mod paths;
pub mod reminders;
pub mod state;
pub mod sync;
pub mod tray;
pub mod upkeep;

use tauri::Manager;

use crate::events::publish_sync_status;
use crate::paths::AppPaths;
use crate::state::AppState;

/// Starts the desktop app and blocks until it exits.
pub fn run() {
    let ipc = ipc::builder::<tauri::Wry>();
    let result = tauri::Builder::default()
        // Must be the first plugin: a second launch focuses the first window.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            ipc.mount_events(app);
            let paths = AppPaths::resolve(app.handle())?;
            std::fs::create_dir_all(&paths.data_dir)?;
            let guard = logging::init(&paths.log_dir);
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "casefile starting");
            let shown = cache::at_start(&paths);
            let state = AppState::new(paths);
            let status = state.sync_status();
            let _ = state.app.set(app.handle().clone());
            if let Some(tray) = tray::create(app.handle()) {
                let _ = state.tray.set(tray);
            }
            app.manage(state);
            if let Some(guard) = guard {
                app.manage(guard);
            }
            publish_sync_status(app.handle(), status);
            cache::show(app.handle(), shown);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("casefile: the app could not start: {err}");
        std::process::exit(1);
    }
}
