//! Which process runs a transfer. The app and the CLI share one queue, so a
//! transfer marked running may belong to a live process elsewhere; it is
//! resumed only when its owner is gone (or it has been silent too long).

/// This process, as an owner.
pub fn me() -> String {
    std::process::id().to_string()
}

/// Whether the owning process is certainly gone. Where that cannot be told
/// (not Unix), the queue falls back to its silence timeout.
pub fn is_dead(owner: &str) -> bool {
    let Ok(pid) = owner.parse::<i32>() else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    #[cfg(unix)]
    {
        if pid as u32 == std::process::id() {
            // Ours: perhaps another run in this process; the timeout decides.
            return false;
        }
        // SAFETY: signal 0 only asks whether the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        !alive
    }
    #[cfg(not(unix))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_process_is_not_dead_and_a_reaped_one_is() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let pid = child.id().to_string();
        assert!(!is_dead(&pid));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(is_dead(&pid));
        assert!(is_dead("not a pid"));
    }
}
