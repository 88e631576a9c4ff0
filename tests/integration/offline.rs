//! Working without the server. A drop made offline uploads when the connection returns: the app reaches
//! the sandbox through a loopback proxy the test cuts (every connection
//! closed, new ones refused) and brings back on the same port. The file is
//! dropped while the server is unreachable, its original deleted, and it
//! must reach the server, byte for byte, once the connection is back. A
//! document of a case kept offline opens with the connection cut: the
//! system's opener (a stand-in `xdg-open` on PATH) is handed its decrypted
//! copy.

use std::net::SocketAddr;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::documents::{open_first_case_documents, os_drop, shot, wait_for_attr};
use crate::firm::Firm;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text, window_scratch,
    window_tests_enabled, TestResult, APP_LOCK,
};

/// Forwards every connection on `port` to `upstream` until aborted; aborting
/// drops the open connections too (a cable pulled, not a server shutdown).
pub(crate) async fn proxy(port: u16, upstream: SocketAddr) -> TestResult<(u16, JoinHandle<()>)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let port = listener.local_addr()?.port();
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        while let Ok((mut inbound, _)) = listener.accept().await {
            connections.spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    Ok((port, task))
}

#[test]
fn a_file_dropped_offline_uploads_when_the_connection_returns() {
    if !window_tests_enabled("a_file_dropped_offline_uploads_when_the_connection_returns") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (scratch, data_dir, runtime) = window_scratch("casefile-offline-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::sandbox_only(data_dir.clone(), casefile_sandbox::SandboxConfig::default())
            .await?;
        let upstream = firm.sandbox.addr();
        let (port, cable) = proxy(0, upstream).await?;
        let base = firm
            .info
            .base_url
            .replace(&format!(":{}", upstream.port()), &format!(":{port}"));
        firm.add_account(&base)?;
        firm.cli(&["sync"])?;
        let name = format!("Offline {}.pdf", std::process::id());
        let file = scratch.path().join(&name);
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 13 % 241) as u8).collect();
        std::fs::write(&file, &bytes)?;
        let sha = hex::encode(Sha256::digest(&bytes));

        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let mut cable = Some(cable);
        let result = async {
            let (dx, dy) = open_first_case_documents(&client).await?;
            // The cable is pulled.
            if let Some(cable) = cable.take() {
                cable.abort();
                let _ = cable.await;
            }
            os_drop(&[&file], dx, dy)?;
            wait_for_text(
                &client,
                "[data-testid=drop-notice]",
                "the drop was taken offline",
                |t| t.contains("1 file queued"),
            )
            .await?;
            std::fs::remove_file(&file)?;
            // The failed upload asks for a sync, which finds the server gone.
            wait_for_attr(
                &client,
                "[data-testid=sync-status]",
                "data-state",
                Duration::from_secs(60),
                |s| s == "offline",
            )
            .await?;
            shot(&client, "offline-drop-queued").await?;
            // The cable is back, on the same port.
            let (_, back) = proxy(port, upstream).await?;
            let css = format!("[data-testid=files-table] tr[data-file=\"{name}\"]");
            let uploaded =
                wait_for_attr(&client, &css, "data-badge", Duration::from_secs(90), |b| {
                    b == "synced" || b == "offline"
                })
                .await;
            back.abort();
            uploaded?;
            shot(&client, "offline-drop-uploaded").await?;
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        let ended = end_session(client, "failure-offline.png", result).await;
        drop(driver);
        ended?;
        let dump = firm.dump().await?;
        let blobs = dump["blobs"].as_array().ok_or("no blobs in the dump")?;
        assert!(
            blobs.iter().any(|b| b["sha256"] == sha.as_str()),
            "the bytes dropped offline reached the server"
        );
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("offline drop test failed: {err}");
    }
}

#[test]
fn a_kept_offline_document_opens_with_the_server_unreachable() {
    if !window_tests_enabled("a_kept_offline_document_opens_with_the_server_unreachable") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let scratch = tempfile::Builder::new()
        .prefix("casefile-open-e2e-")
        .tempdir()
        .unwrap();
    let data_dir = scratch.path().join("data");
    // The system's "open with the default application" is xdg-open: a stand-in
    // on PATH records what it was given instead of starting a viewer.
    let bin = scratch.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opened = scratch.path().join("opened.txt");
    let xdg_open = bin.join("xdg-open");
    std::fs::write(
        &xdg_open,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &xdg_open,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::sandbox_only(data_dir.clone(), casefile_sandbox::SandboxConfig::default())
            .await?;
        let upstream = firm.sandbox.addr();
        let (port, cable) = proxy(0, upstream).await?;
        let base = firm
            .info
            .base_url
            .replace(&format!(":{}", upstream.port()), &format!(":{port}"));
        firm.add_account(&base)?;
        firm.cli(&["sync"])?;
        let [token] = firm.app_env();
        let driver = start_driver_with(&data_dir, &[token, ("PATH", path.as_str())])?;
        let client = connect_with(driver.port, &[]).await?;
        let mut cable = Some(cable);
        let result = async {
            open_first_case_documents(&client).await?;
            click(&client, "[data-testid=keep-offline]").await?;
            let row = "[data-testid=files-table] tbody tr[data-badge]";
            wait_for_attr(&client, row, "data-badge", Duration::from_secs(60), |b| {
                b == "offline"
            })
            .await?;
            shot(&client, "case-kept-offline").await?;
            if let Some(cable) = cable.take() {
                cable.abort();
                let _ = cable.await;
            }
            let first = wait_for(&client, row).await?;
            first.send_keys("\u{E007}").await?; // Enter
            wait_for_text(
                &client,
                "[data-testid=drop-notice]",
                "the document opened",
                |t| t.starts_with("Opened "),
            )
            .await?;
            let deadline = std::time::Instant::now() + Duration::from_secs(15);
            loop {
                if let Ok(text) = std::fs::read_to_string(&opened) {
                    if let Some(line) = text.lines().next() {
                        break Ok::<String, Box<dyn std::error::Error + Send + Sync>>(
                            line.to_owned(),
                        );
                    }
                }
                if std::time::Instant::now() > deadline {
                    break Err("xdg-open was never called".into());
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        .await;
        let ended = end_session(client, "failure-open.png", result).await;
        drop(driver);
        let given = ended?;
        // What the viewer was given is the decrypted server copy, not a sealed blob.
        let bytes = std::fs::read(&given)?;
        let sha = hex::encode(Sha256::digest(&bytes));
        let dump = firm.dump().await?;
        let blobs = dump["blobs"].as_array().ok_or("no blobs in the dump")?;
        assert!(
            blobs.iter().any(|b| b["sha256"] == sha.as_str()),
            "the file handed to the viewer ({given}) is a server document's bytes"
        );
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("offline open test failed: {err}");
    }
}
