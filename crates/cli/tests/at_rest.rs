//! A stolen laptop's disk shows no client data: after an account syncs the
//! demo firm and uploads a memo, no file under the data directory (cache,
//! WAL, settings, blob store) holds a client's name, a case's name or the
//! memo's text in the clear. Run with the real keychain, which holds the key,
//! against both dialects (LegalServer's upload is one multipart request).

use std::path::{Path, PathBuf};

mod common;

use casefile_sandbox::{Dialect, SandboxConfig};
use common::{add_token_account_for, dump, files_under, run_env};
use serde_json::Value;

fn cli(data: &Path, token: &str, args: &[&str]) -> (i32, String, String) {
    run_env(data, &[("AT_REST_TOKEN", token)], args)
}

/// Every file under `dir` (recursively) whose raw bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|path| {
            std::fs::read(path)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stolen_disk_shows_no_client_data() {
    stolen_disk(Dialect::MyCase).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stolen_disk_shows_no_client_data_of_a_legalserver_firm() {
    stolen_disk(Dialect::LegalServer).await;
}

async fn stolen_disk(dialect: Dialect) {
    if common::keychain_or_skip().is_none() {
        return;
    }
    let sandbox = casefile_sandbox::start(
        SandboxConfig::default()
            .with_rate_limit(0)
            .with_per_minute(0)
            .with_dialect(dialect),
    )
    .await
    .unwrap();
    let info = sandbox.info().clone();
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let token = info.access_token.as_str();
    add_token_account_for(&data, &info.dialect, &info.base_url, "AT_REST_TOKEN", token);
    let (code, _, err) = cli(&data, token, &["sync"]);
    assert_eq!(code, 0, "{err}");

    // What a thief would look for: a client, a case, and a document's text.
    let server = dump(&info).await;
    let client = &server["records"]["clients"][0];
    let client_name = format!(
        "{} {}",
        client["first_name"]
            .as_str()
            .expect("a client with a first name"),
        client["last_name"].as_str().expect("and a last name")
    );
    let (code, out, err) = cli(&data, token, &["cases", "list", "--json"]);
    assert_eq!(code, 0, "{err}");
    let cases: Value = serde_json::from_str(&out).unwrap();
    let case_name = cases[0]["name"].as_str().unwrap().to_owned();
    let case_id = cases[0]["id"].as_str().unwrap().to_owned();
    let (code, out, _) = cli(&data, token, &["status", "--json"]);
    assert_eq!(code, 0);
    let status: Value = serde_json::from_str(&out).unwrap();
    assert!(
        status[0]["counts"]["client"].as_u64().unwrap_or(0) > 0,
        "the clients are in the cache: {status}"
    );

    let memo_text = format!("Privileged and confidential: settlement terms for {client_name}");
    let outside = home.path().join("desktop");
    std::fs::create_dir_all(&outside).unwrap();
    let memo = outside.join("memo.txt");
    std::fs::write(&memo, memo_text.repeat(200)).unwrap();
    let (code, _, err) = cli(
        &data,
        token,
        &[
            "upload",
            memo.to_str().unwrap(),
            "--case",
            &case_id,
            "--queue-only",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // Queued, so its only copy in the data directory is the blob store's.
    std::fs::remove_file(&memo).unwrap();

    // The control: the same search finds plain text where it is plain.
    std::fs::write(outside.join("note.txt"), &case_name).unwrap();
    assert_eq!(files_containing(&outside, &case_name).len(), 1);

    for needle in [client_name.as_str(), case_name.as_str(), memo_text.as_str()] {
        let found = files_containing(&data, needle);
        assert!(found.is_empty(), "{needle:?} is readable in {found:?}");
    }
    let blobs = files_containing(&data, "CFB1");
    assert_eq!(
        blobs.len(),
        1,
        "the memo is in the store, sealed: {blobs:?}"
    );

    // And the account still reads and sends everything with its key.
    let (code, _, err) = cli(&data, token, &["sync"]);
    assert_eq!(code, 0, "{err}");
    let server = dump(&info).await;
    let uploaded = server["records"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["path"].as_str().is_some_and(|p| p.ends_with("memo.txt")));
    assert!(
        uploaded,
        "the queued memo was uploaded from the sealed store"
    );
    sandbox.shutdown().await;
}
