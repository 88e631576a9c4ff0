//! The app itself killed with SIGKILL, not the CLI: mid-upload of a file
//! dropped from the desktop, while a large dropped file is being sealed
//! into the blob store, and just after Save in the task dialog (at once,
//! 40 ms after, and once the dialog has closed). After each kill the cache passes `integrity_check`
//! and was not taken for damaged, the blob store keeps no half-written
//! file once the app starts again, and the app picks up: the upload
//! resumes and reaches the server once; the file whose import was cut is
//! either queued whole or not at all, and a drop of it again is taken; a
//! task whose save was acknowledged is on the server once, and every task
//! the cache holds is on the server once and no other.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use casefile_domain::ids::AccountId;
use casefile_store::Store;
use fantoccini::{Client, Locator};

use crate::documents::{open_first_case_documents, os_drop, shot, wait_for_attr};
use crate::firm::Firm;
use crate::window::{
    apps_for, connect_with, end_session, start_driver_with, wait_for_text, wait_for_text_within,
    window_scratch, window_tests_enabled, Driver, TestResult, APP_LOCK,
};

/// SIGKILLs every app process of `data_dir` and waits until they are gone.
fn kill_app(data_dir: &Path) -> TestResult {
    let pids = apps_for(data_dir);
    if pids.is_empty() {
        return Err("no app process to kill".into());
    }
    for pid in &pids {
        std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()?;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while pids
        .iter()
        .any(|pid| Path::new(&format!("/proc/{pid}")).exists())
    {
        if Instant::now() > deadline {
            return Err("the killed app did not go".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// The session on an app just killed: closing it fails, and that is fine.
async fn drop_session(client: Client, driver: Driver) {
    let _ = client.close().await;
    drop(driver);
}

/// The account's cache, opened as the app would, checked whole.
fn assert_cache_whole(data_dir: &Path, when: &str) -> TestResult {
    let settings = casefile_core::accounts::pick(data_dir, None)?;
    let key = settings.cache_key()?;
    let store = Store::open_encrypted(&data_dir.join("accounts"), &AccountId(settings.id), &key)?;
    if store.recovery().is_some() {
        return Err(format!("{when}: the cache was taken for damaged and moved aside").into());
    }
    let check: String =
        store.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))?;
    if check != "ok" {
        return Err(format!("{when}: integrity_check said {check}").into());
    }
    Ok(())
}

/// The names of the tasks due on `day` in the account's cache.
fn local_task_names(data_dir: &Path, day: &str) -> TestResult<Vec<String>> {
    let settings = casefile_core::accounts::pick(data_dir, None)?;
    let key = settings.cache_key()?;
    let store = Store::open_encrypted(&data_dir.join("accounts"), &AccountId(settings.id), &key)?;
    let next = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")?
        .succ_opt()
        .ok_or("a day")?;
    Ok(store
        .tasks(&casefile_store::TaskQuery {
            due_from: Some(day.to_owned()),
            due_to: Some(next.to_string()),
            limit: 10_000,
            ..Default::default()
        })?
        .items
        .into_iter()
        .map(|t| t.name)
        .collect())
}

/// Files being written into the blob store (its `tmp` folder).
fn half_written(data_dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(data_dir.join("accounts"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let tmp = entry.path().join("tmp");
        if entry.file_name().to_string_lossy().ends_with(".blobs") && tmp.is_dir() {
            found.extend(
                std::fs::read_dir(&tmp)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path()),
            );
        }
    }
    found
}

async fn transfer_state(client: &Client, name: &str) -> Option<String> {
    client
        .find(Locator::Css(&format!(
            "[data-testid=transfers] li[data-name=\"{name}\"]"
        )))
        .await
        .ok()?
        .attr("data-state")
        .await
        .ok()?
}

#[test]
fn the_app_killed_mid_upload_resumes_it_and_sends_it_once() {
    if !window_tests_enabled("the_app_killed_mid_upload_resumes_it_and_sends_it_once") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (scratch, data_dir, runtime) = window_scratch("casefile-kill-upload-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        // Storage takes 64 KiB/s, so a 640 KiB upload takes 10 s: time to kill it.
        let config = casefile_sandbox::SandboxConfig {
            storage_put_bytes_per_s: Some(64 * 1024),
            ..Default::default()
        };
        let firm = Firm::start_with(data_dir.clone(), config).await?;
        firm.cli(&["sync"])?;
        let name = format!("Killed upload {}.pdf", std::process::id());
        let file = scratch.path().join(&name);
        let bytes: Vec<u8> = (0..640 * 1024u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&file, &bytes)?;

        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let started = async {
            let (dx, dy) = open_first_case_documents(&client).await?;
            os_drop(&[&file], dx, dy)?;
            wait_for_text(
                &client,
                "[data-testid=drop-notice]",
                "the file taken",
                |t| t.contains("1 file queued"),
            )
            .await?;
            let row = format!("[data-testid=transfers] li[data-name=\"{name}\"]");
            wait_for_attr(&client, &row, "data-state", Duration::from_secs(20), |s| {
                s == "running"
            })
            .await?;
            // A second into a ten-second upload: part of it is on the wire.
            tokio::time::sleep(Duration::from_secs(1)).await;
            shot(&client, "kill-mid-upload-before").await
        }
        .await;
        if let Err(e) = started {
            let _ = end_session(client, "failure-kill-upload.png", Err::<(), _>(e)).await;
            return Err("the upload never got going".into());
        }
        kill_app(&data_dir)?;
        drop_session(client, driver).await;
        assert_cache_whole(&data_dir, "after the kill")?;

        // The app again: the upload resumes by itself and finishes.
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let resumed = async {
            // The queue shows in the Documents view.
            crate::window::click(&client, "[data-nav=documents]").await?;
            let deadline = Instant::now() + Duration::from_secs(90);
            let mut last = None;
            loop {
                last = transfer_state(&client, &name).await.or(last);
                if last.as_deref() == Some("done") {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(format!(
                        "the killed upload did not finish after the restart (last state {last:?})"
                    )
                    .into());
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            shot(&client, "kill-mid-upload-resumed").await
        }
        .await;
        end_session(client, "failure-kill-upload-resume.png", resumed).await?;
        drop(driver);
        let dump = firm.dump().await?;
        let copies: Vec<_> = dump["records"]["documents"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["path"].as_str().is_some_and(|p| p.ends_with(&name)))
            .collect();
        if copies.len() != 1 {
            return Err(format!("the upload is on the server {} times", copies.len()).into());
        }
        let left = half_written(&data_dir);
        if !left.is_empty() {
            return Err(format!("half-written files in the blob store: {left:?}").into());
        }
        assert_cache_whole(&data_dir, "at the end")?;
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("app kill mid-upload test failed: {err}");
    }
}

/// How large the file whose import is cut is: large enough that sealing it
/// takes a while (`CASEFILE_KILL_IMPORT_MIB`, 256 by default).
fn import_size() -> u64 {
    std::env::var("CASEFILE_KILL_IMPORT_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
        * 1024
        * 1024
}

#[test]
fn the_app_killed_while_sealing_a_dropped_file_keeps_nothing_half_written() {
    if !window_tests_enabled(
        "the_app_killed_while_sealing_a_dropped_file_keeps_nothing_half_written",
    ) {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (scratch, data_dir, runtime) = window_scratch("casefile-kill-import-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        firm.cli(&["sync"])?;
        let name = format!("Trial exhibits {}.zip", std::process::id());
        let file = scratch.path().join(&name);
        {
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
            let block: Vec<u8> = (0..1024 * 1024u32).map(|i| (i % 241) as u8).collect();
            for _ in 0..import_size() / block.len() as u64 {
                out.write_all(&block)?;
            }
        }

        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let (dx, dy) = match open_first_case_documents(&client).await {
            Ok(at) => at,
            Err(e) => return end_session(client, "failure-kill-import.png", Err(e)).await,
        };
        os_drop(&[&file], dx, dy)?;
        // Kill it once the sealed copy is being written.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let growing = half_written(&data_dir)
                .iter()
                .any(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 1024 * 1024));
            if growing {
                break;
            }
            if Instant::now() > deadline {
                let _ =
                    end_session(client, "failure-kill-import.png", Err::<(), _>("x".into())).await;
                return Err("the dropped file was never being sealed".into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        kill_app(&data_dir)?;
        drop_session(client, driver).await;
        if half_written(&data_dir).is_empty() {
            return Err("the kill came after the import: nothing was cut".into());
        }
        assert_cache_whole(&data_dir, "after the kill")?;

        // The app again: the half-written copy is gone, nothing half is
        // queued, and the file can be dropped again.
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let again = async {
            let (dx, dy) = open_first_case_documents(&client).await?;
            let left = half_written(&data_dir);
            if !left.is_empty() {
                return Err(format!("half-written files left after the restart: {left:?}").into());
            }
            if transfer_state(&client, &name).await.is_some() {
                return Err("the cut import was queued".into());
            }
            os_drop(&[&file], dx, dy)?;
            wait_for_text_within(
                &client,
                "[data-testid=drop-notice]",
                "the file taken again",
                Duration::from_secs(120),
                |t| t.contains("1 file queued"),
            )
            .await?;
            shot(&client, "kill-mid-import-dropped-again").await
        }
        .await;
        end_session(client, "failure-kill-import-again.png", again).await?;
        drop(driver);
        assert_cache_whole(&data_dir, "at the end")?;
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("app kill mid-import test failed: {err}");
    }
}

/// Opens the task dialog, names a task, saves it, waits `after`, and kills
/// the app. Returns whether the save had been acknowledged (the dialog
/// closed) when a check was asked for.
async fn save_then_kill(
    client: &Client,
    data_dir: &Path,
    name: &str,
    after: Duration,
    check_ack: bool,
) -> TestResult<bool> {
    crate::window::wait_until_synced(client).await?;
    crate::window::click(client, "[data-nav=tasks]").await?;
    crate::window::click(client, "[data-testid=new-task]").await?;
    crate::window::wait_for(client, "[data-testid=task-dialog] input[name=name]")
        .await?
        .send_keys(name)
        .await?;
    crate::calendar_kit::set_field(
        client,
        "[data-testid=task-dialog] input[name=due]",
        "2026-12-21",
    )
    .await?;
    crate::window::click(client, "[data-testid=task-save]").await?;
    tokio::time::sleep(after).await;
    let acknowledged = check_ack
        && client
            .find(Locator::Css("[data-testid=task-dialog]"))
            .await
            .is_err();
    kill_app(data_dir)?;
    Ok(acknowledged)
}

#[test]
fn the_app_killed_while_saving_edits_loses_nothing_acknowledged_and_sends_each_once() {
    if !window_tests_enabled(
        "the_app_killed_while_saving_edits_loses_nothing_acknowledged_and_sends_each_once",
    ) {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-kill-edit-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        firm.cli(&["sync"])?;
        let pid = std::process::id();
        // Killed at once, a moment after, and well after the dialog closed.
        let rounds = [(0u64, false), (40, false), (600, true)];
        let mut acknowledged = Vec::new();
        for (i, (ms, check)) in rounds.into_iter().enumerate() {
            let name = format!("Killed save {pid}-{i}");
            let driver = start_driver_with(&data_dir, &firm.app_env())?;
            let client = connect_with(driver.port, &[]).await?;
            match save_then_kill(&client, &data_dir, &name, Duration::from_millis(ms), check).await
            {
                Ok(ack) => acknowledged.push((name, ack)),
                Err(e) => {
                    let _ = end_session(client, "failure-kill-edit.png", Err::<(), _>(e)).await;
                    return Err(format!("round {i}: the save could not be made").into());
                }
            }
            drop_session(client, driver).await;
            assert_cache_whole(&data_dir, &format!("after kill {i}"))?;
        }
        if !acknowledged.iter().any(|(_, ack)| *ack) {
            return Err("no save was acknowledged before its kill".into());
        }

        // The app again, until everything here has gone out.
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let settled = wait_for_text_within(
            &client,
            "[data-testid=sync-status]",
            "every change sent",
            Duration::from_secs(120),
            |t| t.starts_with("Up to date"),
        )
        .await;
        if settled.is_ok() {
            crate::window::click(&client, "[data-nav=tasks]").await?;
            crate::window::wait_for(&client, "[data-testid=tasks-list]").await?;
            shot(&client, "kill-mid-save-after").await?;
        }
        end_session(client, "failure-kill-edit-end.png", settled.map(|_| ())).await?;
        drop(driver);
        let shown = local_task_names(&data_dir, "2026-12-21")?;
        let dump = firm.dump().await?;
        for (name, ack) in &acknowledged {
            let on_server = dump["records"]["tasks"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t["name"] == name.as_str())
                .count();
            eprintln!(
                "app kill while saving: {name}: acknowledged {ack}, on the server {on_server}"
            );
            if on_server > 1 {
                return Err(format!("{name} is on the server {on_server} times").into());
            }
            if *ack && on_server != 1 {
                return Err(format!("{name} was saved before the kill and is lost").into());
            }
            if shown.contains(name) != (on_server == 1) {
                return Err(format!(
                    "{name}: the cache holds it {} and the server {on_server} times",
                    shown.contains(name)
                )
                .into());
            }
        }
        assert_cache_whole(&data_dir, "at the end")?;
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("app kill while saving test failed: {err}");
    }
}
