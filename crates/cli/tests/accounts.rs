//! Accounts for real: the browser sign-in against the sandbox's consent step
//! (this test plays the browser), tokens in the real OS keychain
//! (gnome-keyring in a dbus session under scripts/test) and nowhere on
//! disk, refresh with rotation, the "sign in again" state that keeps the
//! outbox, and sign-out removing the cache and the keychain entries.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use casefile_providers::SecretStore;
use casefile_sandbox::{ReadyInfo, SandboxConfig};
use serde_json::Value;

use common::{dump, keychain_or_skip, run_env, BIN};

/// Everything the CLI wrote to stderr in this test binary, at the most
/// verbose log level: no secret may appear in it.
static LOGS: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn cli(data: &Path, args: &[&str], secret: &str) -> (i32, String, String) {
    let out = run_env(
        data,
        &[("SANDBOX_CLIENT_SECRET", secret), ("CASEFILE_LOG", "trace")],
        args,
    );
    LOGS.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push_str(&out.2);
    out
}

fn add_account(data: &Path, info: &ReadyInfo) -> String {
    let (code, out, err) = cli(
        data,
        &[
            "account",
            "add",
            "mycase",
            "--base-url",
            &info.base_url,
            "--client-id",
            &info.client_id,
            "--client-secret-env",
            "SANDBOX_CLIENT_SECRET",
            "--authorize-url",
            &info.authorize_url,
            "--token-url",
            &info.token_url,
            "--rate-limit",
            "0",
        ],
        &info.client_secret,
    );
    assert_eq!(code, 0, "{err}");
    out.trim().to_owned()
}

/// Runs `account login --no-browser` and plays the browser: opens the URL it
/// prints and follows the consent redirect into its loopback listener.
async fn sign_in(data: &Path, info: &ReadyInfo) -> String {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(["account", "login", "--no-browser", "--timeout", "60"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    // Read all of stderr (a closed pipe would fail the child's last message),
    // handing over the URL as soon as it is printed.
    let (url_tx, url_rx) = tokio::sync::oneshot::channel();
    let reader = tokio::task::spawn_blocking(move || {
        let mut url_tx = Some(url_tx);
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("http") {
                if let Some(tx) = url_tx.take() {
                    let _ = tx.send(line.clone());
                }
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let url = url_rx.await.expect("login prints the sign-in URL");
    assert!(url.starts_with(&info.authorize_url), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "PKCE is sent");
    let page = reqwest::get(&url).await.unwrap();
    let landed = page.url().clone();
    assert_eq!(landed.host_str(), Some("127.0.0.1"));
    assert_eq!(landed.path(), "/casefile/oauth/callback");
    assert_eq!(page.status(), 200);
    let text = page.text().await.unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let said = reader.await.unwrap();
    assert!(status.success(), "login exits 0: {said}");
    assert!(said.contains("Signed in"), "{said}");
    text
}

fn settings(data: &Path, id: &str) -> Value {
    let text = std::fs::read_to_string(data.join(format!("accounts/{id}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every byte under `dir`, concatenated (the cache, its WAL, the settings).
fn raw_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(raw_bytes(&path));
        } else {
            all.extend(std::fs::read(&path).unwrap());
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_sign_in_keeps_tokens_in_the_keychain_and_sign_out_removes_everything() {
    let Some(keychain) = keychain_or_skip() else {
        return;
    };
    let sandbox = common::sandbox().await;
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let id = add_account(data, &info);
    let ns = settings(data, &id)["secrets_ns"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = |name: &str| format!("{ns}/{name}");
    assert_eq!(
        keychain.get(&key("client_secret")).unwrap().as_deref(),
        Some(info.client_secret.as_str()),
        "the client secret went to the keychain"
    );

    // Not signed in yet: sync says so, with the sign-in exit code.
    let (code, _, err) = cli(data, &["sync"], "");
    assert_eq!(code, 6, "{err}");
    let (_, out, _) = cli(data, &["account", "list", "--json"], "");
    let list: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list[0]["signed_in"], false);

    let page = sign_in(data, &info).await;
    assert!(page.contains("signed in"), "{page}");
    let access = keychain.get(&key("access_token")).unwrap().expect("access");
    let refresh = keychain
        .get(&key("refresh_token"))
        .unwrap()
        .expect("refresh");

    let (code, out, err) = cli(data, &["sync"], "");
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = cli(data, &["cases", "list", "--json", "--limit", "5"], "");
    let cases: Value = serde_json::from_str(&out).unwrap();
    assert!(
        !cases.as_array().unwrap().is_empty(),
        "the sync pulled cases"
    );

    // Expired access tokens: one refresh, with the rotated refresh token kept.
    reqwest::Client::new()
        .post(format!("{}/admin/tokens/expire", info.base_url))
        .bearer_auth(&info.admin_token)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let (code, out, err) = cli(data, &["sync"], "");
    assert_eq!(code, 0, "{out}{err}");
    let rotated = keychain.get(&key("refresh_token")).unwrap().unwrap();
    assert_ne!(rotated, refresh, "the rotated refresh token was stored");
    assert_ne!(keychain.get(&key("access_token")).unwrap().unwrap(), access);

    // A document goes up too, through the blob store.
    let case_id = cases[0]["id"].as_str().unwrap().to_owned();
    let desktop = tempfile::tempdir().unwrap();
    let memo = desktop.path().join("memo.txt");
    std::fs::write(&memo, "Settlement terms").unwrap();
    let (code, out, err) = cli(
        data,
        &["upload", memo.to_str().unwrap(), "--case", &case_id],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = cli(data, &["sync"], "");
    assert_eq!(code, 0, "{out}{err}");
    let server = common::dump(&info).await;
    assert!(
        server["records"]["documents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"].as_str().is_some_and(|p| p.ends_with("memo.txt"))),
        "the memo was uploaded"
    );

    // No secret is anywhere on disk (the cache, its WAL, the settings, the
    // blob store) or in the logs at their most verbose.
    let cache_key = keychain
        .get(&key("cache_key"))
        .unwrap()
        .expect("a cache key");
    let cache_key_bytes = hex::decode(&cache_key).expect("the key is kept as hex");
    let disk = raw_bytes(data);
    let logs = LOGS.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert!(
        logs.contains("TRACE") || logs.contains("DEBUG"),
        "the logs were captured"
    );
    for (what, secret) in [
        ("the access token", &access),
        ("the refresh token", &refresh),
        ("the rotated refresh token", &rotated),
        ("the client secret", &info.client_secret),
        ("the cache key", &cache_key),
    ] {
        assert!(!contains(&disk, secret), "{what} reached the disk");
        assert!(!logs.contains(secret.as_str()), "{what} reached the log");
    }
    assert!(
        !disk
            .windows(cache_key_bytes.len())
            .any(|w| w == cache_key_bytes.as_slice()),
        "the cache key's bytes reached the disk"
    );

    // Sign-out warns while a change waits, then removes everything.
    let (code, _, err) = cli(
        data,
        &[
            "task",
            "create",
            "--name",
            "Call the court",
            "--due",
            "2026-12-01",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli(data, &["account", "logout"], "");
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("not been synced"), "{err}");
    assert!(keychain.get(&key("access_token")).unwrap().is_some());
    let (code, _, err) = cli(data, &["sync"], "");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli(data, &["account", "logout"], "");
    assert_eq!(code, 0, "{err}");
    for name in ["access_token", "refresh_token", "client_secret"] {
        assert_eq!(keychain.get(&key(name)).unwrap(), None, "{name} forgotten");
    }
    let left: Vec<_> = std::fs::read_dir(data.join("accounts"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "nothing of the account is left: {left:?}");
    let (code, _, _) = cli(data, &["sync"], "");
    assert_eq!(code, 3, "no account any more");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_refresh_token_asks_to_sign_in_again_and_keeps_the_outbox() {
    let Some(_keychain) = keychain_or_skip() else {
        return;
    };
    let sandbox = casefile_sandbox::start(
        SandboxConfig::default()
            .with_rate_limit(0)
            .with_token_ttls(Duration::from_secs(2), Duration::from_secs(2)),
    )
    .await
    .unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    add_account(data, &info);
    sign_in(data, &info).await;
    let (code, _, err) = cli(data, &["sync"], "");
    assert_eq!(code, 0, "{err}");

    // Two weeks offline, in two seconds: both tokens lapse.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (code, out, err) = cli(
        data,
        &[
            "task",
            "create",
            "--name",
            "Offline task",
            "--due",
            "2026-12-02",
            "--json",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let task: Value = serde_json::from_str(&out).unwrap();
    let (code, _, err) = cli(data, &["sync"], "");
    assert_eq!(code, 6, "sign-in required: {err}");
    assert!(err.contains("sign"), "{err}");
    let (_, out, _) = cli(data, &["status", "--json"], "");
    let status: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status[0]["pending"], 1, "the outbox is intact: {status}");

    sign_in(data, &info).await;
    let (code, _, err) = cli(data, &["sync"], "");
    assert_eq!(code, 0, "{err}");
    let dump = dump(&info).await;
    let names: Vec<&str> = dump["records"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&"Offline task"), "{task}");
}

#[test]
fn with_no_keychain_adding_an_account_says_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(data)
            .args(args)
            // No session bus: no Secret Service can answer.
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/casefile-test-bus",
            )
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&[
        "account",
        "add",
        "mycase",
        "--base-url",
        "http://127.0.0.1:9",
        "--client-id",
        "casefile",
    ]);
    // The account's cache key lives in the keychain, so nothing is set up.
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("No OS keychain"), "{err}");
    assert!(
        err.contains("gnome-keyring"),
        "the message says how to fix it: {err}"
    );
    assert!(
        !data.join("accounts").exists()
            || std::fs::read_dir(data.join("accounts"))
                .unwrap()
                .next()
                .is_none(),
        "no half-made account is left"
    );
    let (code, err) = run(&["account", "login", "--no-browser"]);
    assert_eq!(code, 3, "there is no account to sign in to: {err}");
}
