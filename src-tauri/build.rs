//! Build script: declares the app's own commands so each one gets an
//! `allow-<command>` permission that capabilities must grant explicitly, and
//! points tauri-build at `src-tauri/capabilities/`.

/// Every command in `src-tauri/src/ipc.rs`. A command missing here cannot be
/// granted, and the UI gets a permission error, so keep the two in step.
const COMMANDS: &[&str] = &[
    "app_info",
    "sync_status",
    "sync_details",
    "sync_now",
    "list_cases",
    "list_events",
    "list_tasks",
    "event_detail",
    "calendar_settings",
    "set_reminder_minutes",
    "save_event",
    "move_event",
    "delete_event",
    "export_events",
    "task_detail",
    "save_task",
    "set_task_done",
    "delete_task",
    "list_conflicts",
    "resolve_conflict",
    "search",
    "cache_summary",
    "case_filter_options",
    "case_detail",
    "case_folders",
    "refresh_case_folders",
    "case_notes",
    "new_folder",
    "folder_files",
    "drop_files",
    "list_transfers",
    "recent_documents",
    "open_document",
    "save_document_copy",
    "keep_case_offline",
    "transfer_action",
    "list_accounts",
    "add_account",
    "sign_in_account",
    "cancel_sign_in",
    "switch_account",
    "sign_out_account",
];

fn main() {
    // tauri-build does not watch a custom capabilities folder: without this, a
    // changed permission would not reach the binary until something else changed.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
