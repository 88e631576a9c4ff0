//! The tray icon: the sync state at a glance (the same sentence as the
//! status bar), with Sync now, Pause sync and Quit. Where the desktop has
//! no tray (a headless test display), the app runs without one.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager};

use crate::events::SyncStatus;
use crate::state::AppState;

/// The tray's menu items that change.
pub struct Tray {
    _icon: TrayIcon,
    status: MenuItem<tauri::Wry>,
    sync_now: MenuItem<tauri::Wry>,
    pause: MenuItem<tauri::Wry>,
}

/// What the tray says: its status line and its pause item's label.
pub fn words(status: &SyncStatus, paused: bool) -> (String, &'static str) {
    let line = if paused {
        format!("Sync paused. {}", status.detail)
    } else {
        status.detail.clone()
    };
    (line, if paused { "Resume sync" } else { "Pause sync" })
}

impl Tray {
    /// Shows `status` (and whether sync is paused) in the tray.
    pub fn show(&self, status: &SyncStatus, paused: bool) {
        let (line, pause) = words(status, paused);
        let _ = self.status.set_text(&line);
        let _ = self.pause.set_text(pause);
        let _ = self._icon.set_tooltip(Some(format!("Casefile: {line}")));
    }

    /// Sync now and Pause work once an account is connected.
    pub fn connected(&self, yes: bool) {
        let _ = self.sync_now.set_enabled(yes);
        let _ = self.pause.set_enabled(yes);
    }
}

fn on_menu(app: &AppHandle, id: &str) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    match id {
        "sync_now" => {
            if let Some(session) = state.session() {
                session.engine.request();
            }
        }
        "pause" => {
            if let Some(session) = state.session() {
                let paused = !session.engine.is_paused();
                session.engine.set_paused(paused);
                tracing::info!(paused, "sync paused from the tray");
                state.show_in_tray();
            }
        }
        "quit" => app.exit(0),
        _ => {}
    }
}

/// Puts the icon in the tray; none (logged) where there is no tray.
pub fn create(app: &AppHandle) -> Option<Tray> {
    let built = (|| -> tauri::Result<Tray> {
        let status = MenuItem::with_id(app, "status", "Starting…", false, None::<&str>)?;
        let sync_now = MenuItem::with_id(app, "sync_now", "Sync now", false, None::<&str>)?;
        let pause = MenuItem::with_id(app, "pause", "Pause sync", false, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", "Quit Casefile", true, None::<&str>)?;
        let menu = Menu::with_items(
            app,
            &[
                &status,
                &PredefinedMenuItem::separator(app)?,
                &sync_now,
                &pause,
                &PredefinedMenuItem::separator(app)?,
                &quit,
            ],
        )?;
        let mut builder = TrayIconBuilder::with_id("casefile")
            .tooltip("Casefile")
            .menu(&menu)
            .on_menu_event(|app, event| on_menu(app, event.id().as_ref()));
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        Ok(Tray {
            _icon: builder.build(app)?,
            status,
            sync_now,
            pause,
        })
    })();
    match built {
        Ok(tray) => Some(tray),
        Err(e) => {
            tracing::info!(error = %e, "no tray icon on this desktop");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tray_says_what_the_status_bar_says_and_whether_sync_is_paused() {
        let status = SyncStatus::no_account_with("Up to date: 40 cases, synced at 09:30");
        assert_eq!(
            words(&status, false),
            (
                "Up to date: 40 cases, synced at 09:30".to_owned(),
                "Pause sync"
            )
        );
        assert_eq!(
            words(&status, true),
            (
                "Sync paused. Up to date: 40 cases, synced at 09:30".to_owned(),
                "Resume sync"
            )
        );
    }
}
