//! Documents end to end through casefile-cli against the sandbox: uploads
//! (streamed, verified by hash on the server, a same-named file becoming a
//! new version), an upload queued offline going through when the server is
//! back, a damaged stored copy failing in plain words without a retry, a
//! 1 GiB upload killed halfway completing on the next run with exactly one
//! document and flat memory, a cancelled upload leaving nothing on the
//! server, downloads verified into the blob store, hostile
//! names saved safely, and pinned cases.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod common;

use casefile_sandbox::{ReadyInfo, SandboxConfig};
use common::{add_token_account, dump, files_under, run_env, BIN};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn cli(data: &Path, token: &str, args: &[&str]) -> (i32, String, String) {
    run_env(data, &[("DOCS_TEST_TOKEN", token)], args)
}

fn ok_json(data: &Path, token: &str, args: &[&str]) -> Value {
    let (code, out, err) = cli(data, token, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// A synced account on `base_url`; returns the first case's id.
fn synced_account(data: &Path, info: &ReadyInfo) -> String {
    add_token_account(data, &info.base_url, "DOCS_TEST_TOKEN", &info.access_token);
    let (code, _, err) = cli(data, &info.access_token, &["sync"]);
    assert_eq!(code, 0, "{err}");
    let cases = ok_json(data, &info.access_token, &["cases", "list", "--json"]);
    cases[0]["id"].as_str().unwrap().to_owned()
}

/// The server's documents whose path is `path`.
async fn server_docs(info: &ReadyInfo, path: &str) -> Vec<Value> {
    dump(info).await["records"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == path)
        .cloned()
        .collect()
}

/// The bytes the server holds for a document (following the 302).
async fn server_bytes(info: &ReadyInfo, doc: &Value) -> Vec<u8> {
    let id = &doc["id"];
    reqwest::Client::new()
        .get(format!("{}/v1/documents/{id}/data", info.base_url))
        .bearer_auth(&info.access_token)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_version_download_and_pin() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    let sandbox = common::sandbox().await;
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let case = synced_account(&data, &info);
    let t = &info.access_token;

    // Upload: the original may go away at once; the server has the same bytes.
    let file = dir.path().join("Engagement Letter.pdf");
    let first: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &first).unwrap();
    let up = ok_json(
        &data,
        t,
        &[
            "upload",
            file.to_str().unwrap(),
            "--case",
            &case,
            "--folder",
            "Correspondence/Client",
            "--json",
        ],
    );
    assert_eq!(up[0]["state"], "done", "{up}");
    assert_eq!(up[0]["done_bytes"], 300_000);
    std::fs::remove_file(&file).unwrap();
    let path = "Correspondence/Client/Engagement Letter.pdf";
    let docs = server_docs(&info, path).await;
    assert_eq!(docs.len(), 1, "one document");
    assert_eq!(
        sha_hex(&server_bytes(&info, &docs[0]).await),
        sha_hex(&first)
    );

    // The same name again: a new version of that document, not a second one.
    let (code, _, err) = cli(&data, t, &["sync"]);
    assert_eq!(code, 0, "{err}");
    let second: Vec<u8> = b"signed copy".repeat(1000);
    std::fs::write(&file, &second).unwrap();
    ok_json(
        &data,
        t,
        &[
            "upload",
            file.to_str().unwrap(),
            "--case",
            &case,
            "--folder",
            "Correspondence/Client",
            "--json",
        ],
    );
    let docs = server_docs(&info, path).await;
    assert_eq!(docs.len(), 1, "still one document");
    assert_eq!(
        sha_hex(&server_bytes(&info, &docs[0]).await),
        sha_hex(&second)
    );

    // Download into the blob store and save a copy; a second copy never overwrites.
    let (code, _, err) = cli(&data, t, &["sync"]);
    assert_eq!(code, 0, "{err}");
    let listed = ok_json(&data, t, &["documents", "list", "--case", &case, "--json"]);
    let doc = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .expect("the uploaded document synced");
    let doc_id = doc["id"].as_str().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for _ in 0..2 {
        let got = ok_json(
            &data,
            t,
            &["download", doc_id, "--to", out.to_str().unwrap(), "--json"],
        );
        assert_eq!(got[0]["state"], "done", "{got}");
    }
    let mut saved: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    assert_eq!(
        saved,
        ["Engagement Letter (2).pdf", "Engagement Letter.pdf"],
        "no overwrite"
    );
    assert_eq!(
        std::fs::read(out.join("Engagement Letter.pdf")).unwrap(),
        second
    );

    // Pin: every document of the case comes down, verified.
    let (code, said, err) = cli(&data, t, &["pin", &case]);
    assert_eq!(code, 0, "{said}{err}");
    let listed = ok_json(&data, t, &["documents", "list", "--case", &case, "--json"]);
    assert!(!listed.as_array().unwrap().is_empty());
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["downloaded"] == true),
        "{listed}"
    );
    let queue = ok_json(&data, t, &["transfers", "--json"]);
    assert!(queue
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["state"] == "done"));
}

/// The same seeded demo firm each start, so a case's server id holds across restarts.
fn firm() -> SandboxConfig {
    SandboxConfig::default().with_rate_limit(0)
}

/// A synced account whose server then goes away, and `name` (holding `bytes`)
/// queued for upload while offline, its original deleted at once. Returns the
/// data directory, the first server's details, its port (a restart there serves
/// the same firm) and what the upload said on stderr.
async fn queued_offline(dir: &Path, name: &str, bytes: &[u8]) -> (PathBuf, ReadyInfo, u16, String) {
    let data = dir.join("data");
    let sandbox = casefile_sandbox::start(firm()).await.unwrap();
    let info = sandbox.info().clone();
    let case = synced_account(&data, &info);
    let port = sandbox.addr().port();
    sandbox.shutdown().await;

    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    let (code, _, err) = cli(
        &data,
        &info.access_token,
        &["upload", file.to_str().unwrap(), "--case", &case],
    );
    assert_eq!(code, 5, "offline: queued, try later: {err}");
    std::fs::remove_file(&file).unwrap();
    (data, info, port, err)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_queued_offline_goes_through_when_the_server_is_back() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (data, info, port, err) =
        queued_offline(dir.path(), "Witness list.docx", &b"witnesses".repeat(5000)).await;
    assert!(err.contains("reach the server"), "{err}");
    let queue = ok_json(&data, &info.access_token, &["transfers", "--json"]);
    assert_eq!(queue[0]["state"], "failed");
    assert!(
        queue[0]["next_attempt_at"].is_string(),
        "it will be retried"
    );

    // The server comes back on the same port; the user says "retry now".
    let sandbox = casefile_sandbox::start(firm().with_port(port))
        .await
        .unwrap();
    let info2 = sandbox.info().clone();
    let id = queue[0]["id"].as_str().unwrap();
    let (code, _, err) = cli(&data, &info2.access_token, &["transfers", "retry", id]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli(&data, &info2.access_token, &["sync"]);
    assert_eq!(code, 0, "{err}");
    let queue = ok_json(&data, &info2.access_token, &["transfers", "--json"]);
    assert_eq!(queue[0]["state"], "done", "{queue}");
    let docs = server_docs(&info2, "Witness list.docx").await;
    assert_eq!(docs.len(), 1);
    assert_eq!(
        sha_hex(&server_bytes(&info2, &docs[0]).await),
        sha_hex(&b"witnesses".repeat(5000))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_stored_copy_fails_in_plain_words_and_is_not_retried() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Queued offline: the only copy is now the sealed one in the blob store.
    let bytes: Vec<u8> = (0..3u32 << 20).map(|i| (i % 253) as u8).collect();
    let (data, _, port, _) = queued_offline(dir.path(), "Deposition.mp4", &bytes).await;

    // One byte flipped in the second segment: found only once the PUT is under way.
    let sealed: Vec<PathBuf> = files_under(&data)
        .into_iter()
        .filter(|p| p.components().any(|c| c.as_os_str() == "sealed"))
        .collect();
    assert_eq!(sealed.len(), 1, "one sealed blob: {sealed:?}");
    let mut raw = std::fs::read(&sealed[0]).unwrap();
    let at = (2 << 20) + 100;
    raw[at] ^= 0x40;
    std::fs::write(&sealed[0], &raw).unwrap();

    let sandbox = casefile_sandbox::start(firm().with_port(port))
        .await
        .unwrap();
    let info2 = sandbox.info().clone();
    let queue = ok_json(&data, &info2.access_token, &["transfers", "--json"]);
    let id = queue[0]["id"].as_str().unwrap();
    let (code, _, err) = cli(&data, &info2.access_token, &["transfers", "retry", id]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cli(&data, &info2.access_token, &["sync"]);
    assert_eq!(
        code, 0,
        "record sync is not blocked by a failed transfer: {err}"
    );
    assert!(out.contains("1 failed"), "{out}");
    let queue = ok_json(&data, &info2.access_token, &["transfers", "--json"]);
    assert_eq!(queue[0]["state"], "failed", "{queue}");
    let words = queue[0]["error"].as_str().unwrap();
    assert!(
        words.contains("damaged") && words.contains("add the file again"),
        "{words}"
    );
    assert!(
        queue[0]["next_attempt_at"].is_null(),
        "not retried as if the network had failed: {queue}"
    );
    // The server never kept the damaged bytes, or any part of them.
    let held = dump(&info2).await["blobs"].clone();
    assert!(
        !held
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["size"].as_u64() == Some(bytes.len() as u64)),
        "{held}"
    );

    // The document the upload began is gone too: adding the file again makes
    // a new one, so there is never an empty one beside it.
    assert_eq!(server_docs(&info2, "Deposition.mp4").await.len(), 0);
    assert!(queue[0]["server_document"].is_null(), "{queue}");
    // Cancelling it afterwards is harmless.
    let (code, _, err) = cli(&data, &info2.access_token, &["transfers", "cancel", id]);
    assert_eq!(code, 0, "{err}");
    let queue = ok_json(&data, &info2.access_token, &["transfers", "--json"]);
    assert_eq!(queue[0]["state"], "cancelled", "{queue}");
    assert_eq!(server_docs(&info2, "Deposition.mp4").await.len(), 0);
}

#[path = "documents/big_upload.rs"]
mod big_upload;
use big_upload::{big_file, queue_row, queue_upload, spawn_cli, wait_measured};

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_upload_leaves_nothing_on_the_server_and_a_retry_makes_one() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A slow line (8 MiB/s), so the upload is still under way when cancelled.
    let sandbox = casefile_sandbox::start(firm().with_storage_put_rate(8 << 20))
        .await
        .unwrap();
    let info = sandbox.info().clone();
    let data = dir.path().join("data");
    let case = synced_account(&data, &info);
    let t = &info.access_token;
    let file = dir.path().join("Trial exhibits.zip");
    let size: u64 = 48 << 20;
    let expected = big_file(&file, size);
    let id = queue_upload(&data, t, &file, &case);

    // Under way, with its document made on the server: the user cancels.
    let mut child = spawn_cli(&data, t, &["transfers", "run"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    let mut row = Value::Null;
    while std::time::Instant::now() < deadline {
        row = queue_row(&data, t, &id);
        let sent = row["done_bytes"].as_u64().unwrap_or(0);
        if row["state"] != "running" && row["state"] != "queued" {
            break;
        }
        if row["server_document"].is_string() && sent >= size / 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(row["state"], "running", "caught under way: {row}");
    assert_eq!(server_docs(&info, "Trial exhibits.zip").await.len(), 1);
    let (code, _, err) = cli(&data, t, &["transfers", "cancel", &id]);
    assert_eq!(code, 0, "{err}");
    let (code, _) = wait_measured(&mut child);
    assert_eq!(code, 0, "a cancelled run exits cleanly");
    let row = queue_row(&data, t, &id);
    assert_eq!(row["state"], "cancelled", "{row}");
    assert!(row["server_document"].is_null(), "{row}");
    assert_eq!(
        server_docs(&info, "Trial exhibits.zip").await.len(),
        0,
        "nothing is left on the server"
    );

    // Retried, it starts afresh and makes exactly one document.
    let (code, _, err) = cli(&data, t, &["transfers", "retry", &id]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli(&data, t, &["transfers", "run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(queue_row(&data, t, &id)["state"], "done");
    let docs = server_docs(&info, "Trial exhibits.zip").await;
    assert_eq!(docs.len(), 1, "exactly one document");
    assert_eq!(sha_hex(&server_bytes(&info, &docs[0]).await), expected);

    // A finished upload cannot be cancelled (that would remove its document).
    let (code, _, err) = cli(&data, t, &["transfers", "cancel", &id]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("already finished"), "{err}");
    assert_eq!(server_docs(&info, "Trial exhibits.zip").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_document_names_are_saved_safely_inside_the_target() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    let sandbox = common::sandbox().await;
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let case = synced_account(&data, &info);
    let t = &info.access_token;
    let long = format!("{}.pdf", "x".repeat(296));
    let hostile = [
        "../../.bashrc",
        "/etc/passwd",
        "C:\\Windows\\x",
        "CON.pdf",
        "a.pdf.",
        "invoice\u{202E}fdp.exe",
        long.as_str(),
        "Report.pdf",
        "REPORT.pdf",
    ];
    // The server holds documents with these names (put there as the server's own data).
    let cases = ok_json(&data, t, &["cases", "list", "--json"]);
    let case_remote = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == case.as_str())
        .unwrap()["remote_id"]
        .clone();
    for (i, name) in hostile.iter().enumerate() {
        use base64::Engine;
        let content = base64::engine::general_purpose::STANDARD.encode(format!("bytes of {i}"));
        let body = serde_json::json!({
            "document": {
                "case": {"id": case_remote.as_str().unwrap().parse::<i64>().unwrap()},
                "name": name, "filename": name, "path": format!("Hostile/{i}"),
            },
            "content_base64": content,
        });
        common::admin(&info, reqwest::Method::POST, "/admin/documents", &body).await;
    }
    let (code, _, err) = cli(&data, t, &["sync"]);
    assert_eq!(code, 0, "{err}");
    let target = dir.path().join("target");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("passwd"), b"already here").unwrap();
    let listed = ok_json(&data, t, &["documents", "list", "--case", &case, "--json"]);
    let mut saved = Vec::new();
    for d in listed.as_array().unwrap() {
        if !d["path"].as_str().unwrap_or("").starts_with("Hostile/") {
            continue;
        }
        let got = ok_json(
            &data,
            t,
            &[
                "download",
                d["id"].as_str().unwrap(),
                "--to",
                target.to_str().unwrap(),
                "--json",
            ],
        );
        saved.push(PathBuf::from(got[0]["saved_as"].as_str().unwrap()));
    }
    assert_eq!(saved.len(), hostile.len());
    let root = target.canonicalize().unwrap();
    for path in &saved {
        assert_eq!(
            path.parent().unwrap(),
            root,
            "{path:?} is inside the target"
        );
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(name.len() <= 255, "{name}");
        assert!(!name.starts_with('.'), "{name}: no hidden files");
        assert!(!name.ends_with('.'), "{name}");
        assert!(!name.contains('\u{202E}'), "{name}: no bidi override");
        assert!(!name.to_ascii_lowercase().starts_with("con."), "{name}");
    }
    assert_eq!(
        std::fs::read(target.join("passwd")).unwrap(),
        b"already here",
        "never overwrites"
    );
    let lower: std::collections::HashSet<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_lowercase())
        .collect();
    assert_eq!(
        lower.len(),
        hostile.len() + 1,
        "no two names differ only by case"
    );
}
