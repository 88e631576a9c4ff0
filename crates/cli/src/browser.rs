//! Opening the system browser for sign-in. `$BROWSER` wins when set, as on
//! most Unix tools; otherwise the platform's opener. The URL is also printed,
//! so a user on a machine without a browser can copy it.

use std::process::{Command, Stdio};

/// Starts the browser on `url` without waiting for it.
pub fn open(url: &str) -> Result<(), String> {
    let mut cmd = match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        Some(browser) => Command::new(browser),
        None if cfg!(target_os = "macos") => Command::new("open"),
        None if cfg!(windows) => {
            let mut c = Command::new("cmd");
            c.args(["/C", "start", ""]);
            c
        }
        None => Command::new("xdg-open"),
    };
    cmd.arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| format!("{e}; open the URL above yourself"))
}
