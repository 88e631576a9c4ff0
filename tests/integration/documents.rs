//! Files dropped from the desktop onto a case folder, in the real window:
//! a CLI-added account on a loopback sandbox, the app syncing it, a case
//! opened from the list, its Documents tab, and a genuine OS drag (a GTK
//! drag source moved over the window by xdotool under Xvfb) dropping a file
//! on the file list. The file must reach "synced" and its bytes must be on
//! the sandbox. Screenshots of the case overview, its documents before and
//! after the drop, and the Documents view go to `target/e2e/`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use sha2::{Digest, Sha256};

use crate::common::{artifacts_dir, repo_root};
use crate::firm::Firm;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text,
    wait_for_text_within, window_scratch, window_tests_enabled, TestResult, APP_LOCK,
};

pub(crate) async fn shot(client: &Client, name: &str) -> TestResult {
    tokio::time::sleep(Duration::from_millis(600)).await;
    std::fs::write(
        artifacts_dir().join(format!("{name}.png")),
        client.screenshot().await?,
    )?;
    Ok(())
}

/// The app window's top-left corner on the X screen.
pub(crate) fn window_origin() -> TestResult<(i64, i64)> {
    let out = Command::new("xdotool")
        .args([
            "search",
            "--name",
            "^Casefile$",
            "getwindowgeometry",
            "--shell",
        ])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let value = |key: &str| -> Option<i64> {
        text.lines()
            .filter_map(|l| l.strip_prefix(&format!("{key}=")))
            .next_back()
            .and_then(|v| v.trim().parse().ok())
    };
    match (value("X"), value("Y")) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(format!("the app window was not found by xdotool: {text}").into()),
    }
}

/// Drags `file` from a GTK drag source onto screen point (x, y), as a user
/// dragging from the desktop would.
pub(crate) fn os_drop(files: &[&Path], x: i64, y: i64) -> TestResult {
    let (sx, sy) = (1100, 40);
    let mut source = Command::new("/usr/bin/python3")
        .arg(repo_root().join("tests/integration/drag_source.py"))
        .args([sx.to_string(), sy.to_string()])
        .args(files)
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(source.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    if line.trim() != "ready" {
        let _ = source.kill();
        return Err(format!("the drag source did not start: {line:?}").into());
    }
    let xdo = |args: &[String]| -> TestResult {
        let status = Command::new("xdotool").args(args).status()?;
        if !status.success() {
            return Err(format!("xdotool {args:?} failed").into());
        }
        Ok(())
    };
    let (px, py) = (sx + 60, sy + 30);
    xdo(&["mousemove".into(), px.to_string(), py.to_string()])?;
    xdo(&["mousedown".into(), "1".into()])?;
    // GTK starts a drag only after the pointer moves in steps.
    for i in 1..=20 {
        let (mx, my) = (px + (x - px) * i / 20, py + (y - py) * i / 20);
        xdo(&["mousemove".into(), mx.to_string(), my.to_string()])?;
        std::thread::sleep(Duration::from_millis(40));
    }
    std::thread::sleep(Duration::from_millis(300));
    xdo(&["mouseup".into(), "1".into()])?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while source.try_wait()?.is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = source.kill();
    let _ = source.wait();
    Ok(())
}

/// Waits until the element at `css` has `attr` satisfying `pred`.
pub(crate) async fn wait_for_attr(
    client: &Client,
    css: &str,
    attr: &str,
    limit: Duration,
    pred: impl Fn(&str) -> bool,
) -> TestResult {
    let deadline = Instant::now() + limit;
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(el) = client.find(Locator::Css(css)).await {
            if let Ok(Some(value)) = el.attr(attr).await {
                if pred(&value) {
                    return Ok(());
                }
                last = Some(value);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(format!("`{css}` never had the {attr} wanted; last: {last:?}").into())
}

/// Waits for the app's first sync, opens the first case's Documents tab,
/// and returns the screen point in the middle of its file list.
pub(crate) async fn open_first_case_documents(client: &Client) -> TestResult<(i64, i64)> {
    crate::window::wait_until_synced(client).await?;
    // The list may be redrawn by the sync that just ended: click until the case opens.
    for _ in 0..10 {
        if let Ok(cell) = client
            .find(Locator::Css("[data-testid=cases-table] tbody tr td.name"))
            .await
        {
            let _ = cell.click().await;
        }
        if client
            .find(Locator::Css("[data-testid=case-title]"))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    wait_for_text(client, "[data-testid=case-title]", "the case screen", |t| {
        !t.is_empty()
    })
    .await?;
    click(client, "[data-tab=documents]").await?;
    wait_for(client, "[data-testid=folder-tree]").await?;
    let target = wait_for(client, "section.files[data-drop-folder]").await?;
    let (x, y, w, h) = target.rectangle().await?;
    let (ox, oy) = window_origin()?;
    Ok((ox + (x + w / 2.0) as i64, oy + (y + h / 2.0) as i64))
}

#[test]
fn a_file_dropped_from_the_desktop_on_a_case_folder_reaches_the_server() {
    if !window_tests_enabled("a_file_dropped_from_the_desktop_on_a_case_folder_reaches_the_server")
    {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (scratch, data_dir, runtime) = window_scratch("casefile-drop-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        firm.cli(&["sync"])?;

        // A file with bytes of its own, named so it clashes with nothing.
        let name = format!("Exhibit {}.pdf", std::process::id());
        let file = scratch.path().join(&name);
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&file, &bytes)?;
        let sha = hex::encode(Sha256::digest(&bytes));

        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let result = async {
            let (dx, dy) = open_first_case_documents(&client).await?;
            click(&client, "[data-tab=overview]").await?;
            wait_for_text(
                &client,
                "[data-testid=case-overview]",
                "the overview",
                |t| !t.is_empty(),
            )
            .await?;
            shot(&client, "case-overview").await?;
            click(&client, "[data-tab=documents]").await?;
            wait_for_text(
                &client,
                "[data-testid=folder-tree]",
                "the folder tree",
                |t| !t.is_empty(),
            )
            .await?;
            shot(&client, "case-documents").await?;
            os_drop(&[&file], dx, dy)?;
            wait_for_text(
                &client,
                "[data-testid=drop-notice]",
                "the drop was taken",
                |t| t.contains("1 file queued"),
            )
            .await?;
            // The originals may go at once.
            std::fs::remove_file(&file)?;
            let css = format!("[data-testid=files-table] tr[data-file=\"{name}\"]");
            wait_for_attr(&client, &css, "data-badge", Duration::from_secs(60), |b| {
                b == "synced" || b == "offline"
            })
            .await?;
            shot(&client, "case-documents-dropped").await?;

            // A folder of 3 files in 2 subfolders keeps its tree.
            let bundle = scratch.path().join("Bundle");
            for (rel, text) in [("a.txt", "a"), ("Sub1/b.txt", "bb"), ("Sub2/c.txt", "ccc")] {
                let path = bundle.join(rel);
                std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
                std::fs::write(path, text)?;
            }
            os_drop(&[&bundle], dx, dy)?;
            wait_for_text(
                &client,
                "[data-testid=drop-notice]",
                "the folder was taken",
                |t| t.contains("3 files queued"),
            )
            .await?;
            wait_for_text(
                &client,
                "[data-testid=folder-tree]",
                "the dropped folder in the tree",
                |t| t.contains("Bundle"),
            )
            .await?;

            // The same name again: asked once, and a new version is chosen.
            std::fs::write(&file, b"the second version")?;
            os_drop(&[&file], dx, dy)?;
            wait_for_text(
                &client,
                "[data-testid=clash-dialog]",
                "the name clash is asked about",
                |t| t.contains("already here"),
            )
            .await?;
            shot(&client, "case-documents-clash").await?;
            click(&client, "[data-choice=new_version]").await?;
            wait_for_text(
                &client,
                "[data-testid=drop-notice]",
                "the new version was taken",
                |t| t.contains("1 file queued"),
            )
            .await?;
            click(&client, "[data-nav=documents]").await?;
            wait_for_text_within(
                &client,
                "[data-testid=transfers]",
                "every upload done",
                Duration::from_secs(60),
                |t| t.contains(&name) && t.matches("Uploaded").count() >= 5,
            )
            .await?;
            shot(&client, "view-documents-transfers").await?;
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        if result.is_err() {
            // The app's log, for the failure's reason.
            for entry in std::fs::read_dir(data_dir.join("logs"))
                .into_iter()
                .flatten()
                .flatten()
            {
                let _ = std::fs::copy(
                    entry.path(),
                    artifacts_dir().join(format!(
                        "failure-drop-{}",
                        entry.file_name().to_string_lossy()
                    )),
                );
            }
        }
        let ended = end_session(client, "failure-drop.png", result).await;
        drop(driver);
        ended?;

        // The bytes are on the server, under the dropped file's name.
        let dump = firm.dump().await?;
        let docs = dump["records"]["documents"]
            .as_array()
            .ok_or("no documents in the dump")?;
        assert!(
            docs.iter()
                .any(|d| d["filename"] == name.as_str() || d["name"] == name.as_str()),
            "the sandbox has no document named {name}"
        );
        let blobs = dump["blobs"].as_array().ok_or("no blobs in the dump")?;
        assert!(
            blobs.iter().any(|b| b["sha256"] == sha.as_str()),
            "the sandbox holds the dropped bytes"
        );
        let paths: Vec<&str> = docs.iter().filter_map(|d| d["path"].as_str()).collect();
        for path in ["Bundle/a.txt", "Bundle/Sub1/b.txt", "Bundle/Sub2/c.txt"] {
            assert!(paths.contains(&path), "the sandbox has {path}: {paths:?}");
        }
        let exhibit: Vec<&serde_json::Value> =
            docs.iter().filter(|d| d["path"] == name.as_str()).collect();
        assert_eq!(exhibit.len(), 1, "one document for the clashing name");
        let versions = dump["records"]["document_versions"]
            .as_array()
            .ok_or("no versions in the dump")?
            .iter()
            .filter(|v| v["document"]["id"] == exhibit[0]["id"])
            .count();
        assert_eq!(versions, 2, "the second drop is its second version");
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("drop test failed: {err}");
    }
}

#[test]
fn an_upload_can_be_paused_resumed_and_cancelled_from_the_window() {
    if !window_tests_enabled("an_upload_can_be_paused_resumed_and_cancelled_from_the_window") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (scratch, data_dir, runtime) = window_scratch("casefile-pause-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        // Storage takes 64 KiB/s, so a 640 KiB upload takes 10 s: time to act on it.
        let config = casefile_sandbox::SandboxConfig {
            storage_put_bytes_per_s: Some(64 * 1024),
            ..Default::default()
        };
        let firm = Firm::start_with(data_dir.clone(), config).await?;
        firm.cli(&["sync"])?;
        let pid = std::process::id();
        let (kept, dropped) = (format!("Kept {pid}.pdf"), format!("Dropped {pid}.pdf"));
        let bytes: Vec<u8> = (0..640 * 1024u32).map(|i| (i % 253) as u8).collect();
        for name in [&kept, &dropped] {
            std::fs::write(scratch.path().join(name), &bytes)?;
        }
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let row = |name: &str| format!("[data-testid=transfers] li[data-name=\"{name}\"]");
        let result = async {
            let (dx, dy) = open_first_case_documents(&client).await?;
            os_drop(
                &[&scratch.path().join(&kept), &scratch.path().join(&dropped)],
                dx,
                dy,
            )?;
            wait_for_text(
                &client,
                "[data-testid=drop-notice]",
                "both files taken",
                |t| t.contains("2 files queued"),
            )
            .await?;
            // One moves at a time: pause the one that runs, cancel the other.
            let deadline = Instant::now() + Duration::from_secs(20);
            let (first, second) = loop {
                let state = |name: String| {
                    let client = client.clone();
                    async move {
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
                };
                match (
                    state(kept.clone()).await.as_deref(),
                    state(dropped.clone()).await.as_deref(),
                ) {
                    (Some("running"), _) => break (kept.clone(), dropped.clone()),
                    (_, Some("running")) => break (dropped.clone(), kept.clone()),
                    _ if Instant::now() > deadline => return Err("no upload started".into()),
                    _ => tokio::time::sleep(Duration::from_millis(200)).await,
                }
            };
            click(&client, &format!("{} [data-action=pause]", row(&first))).await?;
            wait_for_attr(
                &client,
                &row(&first),
                "data-state",
                Duration::from_secs(10),
                |s| s == "paused",
            )
            .await?;
            shot(&client, "transfers-paused").await?;
            wait_for_attr(
                &client,
                &row(&second),
                "data-state",
                Duration::from_secs(10),
                |s| s == "running",
            )
            .await?;
            click(&client, &format!("{} [data-action=cancel]", row(&second))).await?;
            wait_for_attr(
                &client,
                &row(&second),
                "data-state",
                Duration::from_secs(10),
                |s| s == "cancelled",
            )
            .await?;
            click(&client, &format!("{} [data-action=resume]", row(&first))).await?;
            wait_for_attr(
                &client,
                &row(&first),
                "data-state",
                Duration::from_secs(60),
                |s| s == "done",
            )
            .await?;
            shot(&client, "transfers-done").await?;
            Ok::<(String, String), Box<dyn std::error::Error + Send + Sync>>((first, second))
        }
        .await;
        let ended = end_session(client, "failure-pause.png", result).await;
        drop(driver);
        let (resumed, cancelled) = ended?;
        let dump = firm.dump().await?;
        let on_server = |name: &str| {
            dump["records"]["documents"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["path"] == name)
                .count()
        };
        assert_eq!(
            on_server(&resumed),
            1,
            "the resumed upload is on the server"
        );
        assert_eq!(
            on_server(&cancelled),
            0,
            "nothing of the cancelled upload is left on the server"
        );
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("pause test failed: {err}");
    }
}
