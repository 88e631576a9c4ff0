//! The first caches a process opens, opened at once from several threads (the
//! app opens an account's writer and readers while the sandbox or another
//! account opens its own file): every encrypted one must open. SQLite marks
//! itself ready before SQLCipher's own start-up has run, and a thread that
//! keyed a connection in that gap failed with "An error occurred with PRAGMA
//! key or rekey" (and a healthy cache could be taken for a damaged one).
//!
//! The gap exists once per process and is narrow, so the test runs the
//! scenario in many fresh child processes of this test binary while two more
//! children keep the cores busy, as a loaded laptop or CI runner does. Before
//! the fix, about 1 in 40 such processes failed (measured with 16 threads);
//! with 120 of them the test caught it in nearly every run.

mod common;

use std::process::{Child, Command};
use std::sync::{Arc, Barrier};

use casefile_domain::ids::AccountId;
use casefile_store::{CacheKey, Store};

const ROLE: &str = "CASEFILE_FIRST_OPEN_ROLE";
const TEST: &str = "the_first_caches_a_process_opens_at_once_all_open";
const THREADS: usize = 16;
const PROCESSES: usize = 120;

/// In a child: open `THREADS` caches at the same instant, most of them
/// encrypted. Exits non-zero, naming the failures, if any did not open.
fn open_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let barrier = barrier.clone();
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || -> Result<(), String> {
                let account = AccountId(format!("firm-{i}"));
                let key = CacheKey::generate().map_err(|e| e.to_string())?;
                barrier.wait();
                let opened = if i % 4 == 0 {
                    Store::open(&path, &account)
                } else {
                    Store::open_encrypted(&path, &account, &key)
                };
                let store = opened.map_err(|e| format!("cache {i}: {e:?}"))?;
                if store.recovery().is_some() {
                    return Err(format!("cache {i}: a new cache was taken for damaged"));
                }
                Ok(())
            })
        })
        .collect();
    let failures: Vec<String> = handles
        .into_iter()
        .filter_map(|h| h.join().unwrap().err())
        .collect();
    if !failures.is_empty() {
        eprintln!("{}", failures.join("\n"));
        std::process::exit(1);
    }
}

/// In a child: keep one core busy until killed.
fn spin() -> ! {
    let mut n = 0u64;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

fn child(role: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(ROLE, role);
    cmd
}

/// Kills the load processes however the test ends.
struct Load(Vec<Child>);

impl Drop for Load {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn the_first_caches_a_process_opens_at_once_all_open() {
    match std::env::var(ROLE).as_deref() {
        Ok("open") => return open_at_once(),
        Ok("spin") => spin(),
        _ => {}
    }
    let _load = Load(
        (0..2)
            .map(|_| {
                child("spin")
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect(),
    );
    let mut failed = Vec::new();
    for run in 0..PROCESSES {
        let out = child("open").output().unwrap();
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("cache ")).collect();
            failed.push(format!("process {run}: {}", lines.join(" | ")));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {PROCESSES} processes failed to open a cache:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
