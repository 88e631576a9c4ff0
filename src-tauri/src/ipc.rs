//! The typed IPC surface: which commands and events exist, in one place.
//!
//! The same builder serves the running app (its invoke handler) and the
//! TypeScript generator, so `ui/src/platform/bindings.ts` (the commands and
//! events) and `bindings-types.ts` (their data types, split out by
//! [`split_types`] so neither file grows long) are always exactly what Rust
//! accepts and emits. A test fails when the checked-in files drift.

use tauri_specta::{collect_commands, collect_events, Builder};

use crate::commands;
use crate::events::{CacheChanged, SyncStatusChanged};

/// The folder of the checked-in bindings, relative to the repository root.
pub const BINDINGS_DIR: &str = "ui/src/platform";
const COMMANDS_FILE: &str = "bindings.ts";
const TYPES_FILE: &str = "bindings-types.ts";
const HEADER: &str = "// Generated from Rust by tauri-specta (src-tauri/src/ipc.rs). Do not edit.\n// Regenerate: CASEFILE_UPDATE_BINDINGS=1 cargo test --lib ipc::\n";

/// Why the bindings could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BindingsError {
    #[error(transparent)]
    Export(#[from] specta_typescript::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("the generated bindings lack the `{0}` marker this split relies on")]
    Shape(&'static str),
}

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
            commands::notes::case_notes,
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

/// Renders the TypeScript bindings into `dir`: `bindings.ts` and `bindings-types.ts`.
pub fn export_bindings(dir: &std::path::Path) -> Result<(), BindingsError> {
    let commands = dir.join(COMMANDS_FILE);
    builder::<tauri::Wry>().export(
        specta_typescript::Typescript::default().header(HEADER),
        &commands,
    )?;
    let (rest, types) = split_types(&std::fs::read_to_string(&commands)?)?;
    std::fs::write(&commands, rest)?;
    std::fs::write(dir.join(TYPES_FILE), types)?;
    Ok(())
}

/// Moves the generated `/* Types */` section into its own module: the
/// commands file imports (and re-exports) the types from it.
fn split_types(generated: &str) -> Result<(String, String), BindingsError> {
    const TYPES: &str = "/* Types */\n";
    const RUNTIME: &str = "/* Tauri Specta runtime */";
    const LAST_IMPORT: &str = "import * as __TAURI_EVENT from \"@tauri-apps/api/event\";\n";
    let start = generated.find(TYPES).ok_or(BindingsError::Shape(TYPES))?;
    let end = generated
        .find(RUNTIME)
        .ok_or(BindingsError::Shape(RUNTIME))?;
    let imports = generated
        .find(LAST_IMPORT)
        .ok_or(BindingsError::Shape(LAST_IMPORT))?
        + LAST_IMPORT.len();
    if !(imports <= start && start < end) {
        return Err(BindingsError::Shape(TYPES));
    }
    let section = &generated[start + TYPES.len()..end];
    let names: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("export type "))
        .filter_map(|l| l.split(|c: char| !(c.is_alphanumeric() || c == '_')).next())
        .collect();
    let rest = format!(
        "{}import type {{ {} }} from \"./bindings-types\";\nexport type * from \"./bindings-types\";\n{}{}",
        &generated[..imports],
        names.join(", "),
        &generated[imports..start],
        &generated[end..],
    );
    let types = format!(
        "{HEADER}// The data types of the commands and events in bindings.ts.\n\n{}",
        section.trim_start()
    );
    Ok((rest, types))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails when the checked-in bindings differ from what Rust generates.
    /// Set `CASEFILE_UPDATE_BINDINGS=1` to rewrite the files instead.
    #[test]
    fn checked_in_bindings_match_rust() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let checked_in = root.join(BINDINGS_DIR);
        if std::env::var_os("CASEFILE_UPDATE_BINDINGS").is_some() {
            export_bindings(&checked_in).expect("export bindings");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        export_bindings(dir.path()).expect("export bindings");
        for file in [COMMANDS_FILE, TYPES_FILE] {
            let fresh = std::fs::read_to_string(dir.path().join(file)).unwrap();
            let current = std::fs::read_to_string(checked_in.join(file)).unwrap_or_default();
            assert!(
                fresh == current,
                "{BINDINGS_DIR}/{file} is out of date with the Rust commands and events.\n\
                 Regenerate it with: CASEFILE_UPDATE_BINDINGS=1 cargo test --lib ipc::"
            );
        }
    }
}
