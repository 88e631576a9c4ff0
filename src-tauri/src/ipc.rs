//! The typed IPC surface: which commands and events exist, in one place.
//!
//! The same builder serves the running app (its invoke handler) and the
//! TypeScript generator, so `ui/src/platform/bindings.ts` is always exactly
//! what Rust accepts and emits. A test fails when the checked-in file drifts.

use tauri_specta::{collect_commands, collect_events, Builder};

use crate::commands;
use crate::events::{CacheChanged, SyncStatusChanged};

/// The checked-in bindings, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/platform/bindings.ts";

/// Every command and event the UI may use.
pub fn builder<R: tauri::Runtime>() -> Builder<R> {
    Builder::<R>::new()
        .commands(collect_commands![
            commands::app::app_info,
            commands::app::sync_status,
            commands::app::sync_details,
            commands::app::sync_now,
            commands::cache::list_cases,
            commands::calendar::list_events,
            commands::calendar::event_detail,
            commands::calendar::calendar_settings,
            commands::calendar::set_reminder_minutes,
            commands::calendar::save_event,
            commands::calendar::move_event,
            commands::calendar::delete_event,
            commands::export::export_events,
            commands::tasks::list_tasks,
            commands::tasks::task_detail,
            commands::tasks::save_task,
            commands::tasks::set_task_done,
            commands::tasks::delete_task,
            commands::conflicts::list_conflicts,
            commands::conflicts::resolve_conflict,
            commands::cache::search,
            commands::cache::cache_summary,
            commands::cache::case_filter_options,
            commands::documents::case_detail,
            commands::folders::case_folders,
            commands::folders::refresh_case_folders,
            commands::folders::new_folder,
            commands::documents::folder_files,
            commands::documents::drop_files,
            commands::transfers::list_transfers,
            commands::documents::recent_documents,
            commands::copies::open_document,
            commands::copies::save_document_copy,
            commands::documents::keep_case_offline,
            commands::transfers::transfer_action,
            commands::accounts::list_accounts,
            commands::accounts::add_account,
            commands::accounts::sign_in_account,
            commands::accounts::cancel_sign_in,
            commands::accounts::switch_account,
            commands::accounts::sign_out_account,
        ])
        .events(collect_events![SyncStatusChanged, CacheChanged])
        .disable_serde_phases()
}

/// Renders the TypeScript bindings into `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), specta_typescript::Error> {
    builder::<tauri::Wry>().export(
        specta_typescript::Typescript::default()
            .header("// Generated from Rust by tauri-specta (src-tauri/src/ipc.rs). Do not edit.\n// Regenerate: CASEFILE_UPDATE_BINDINGS=1 cargo test --lib ipc::\n"),
        path,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails when the checked-in bindings differ from what Rust generates.
    /// Set `CASEFILE_UPDATE_BINDINGS=1` to rewrite the file instead.
    #[test]
    fn checked_in_bindings_match_rust() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let checked_in = root.join(BINDINGS_PATH);
        if std::env::var_os("CASEFILE_UPDATE_BINDINGS").is_some() {
            export_bindings(&checked_in).expect("export bindings");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("bindings.ts");
        export_bindings(&fresh).expect("export bindings");
        let fresh = std::fs::read_to_string(fresh).unwrap();
        let current = std::fs::read_to_string(&checked_in).unwrap_or_default();
        assert!(
            fresh == current,
            "{BINDINGS_PATH} is out of date with the Rust commands and events.\n\
             Regenerate it with: CASEFILE_UPDATE_BINDINGS=1 cargo test --lib ipc::"
        );
    }
}
