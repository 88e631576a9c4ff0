//! What the CLI's integration tests share: running the binary, and reading
//! the sandbox's state through its admin API.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use casefile_core::keychain::Keychain;
use casefile_sandbox::{ReadyInfo, SandboxConfig};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_casefile-cli");

/// Every account keeps its cache key in the keychain, so most tests need one.
/// The keychain, or None (with a message) when this run has none. Under
/// scripts/test (CASEFILE_TEST_SESSION=1) a missing keychain is a failure.
pub fn keychain_or_skip() -> Option<Keychain> {
    match Keychain::open() {
        Ok(k) => Some(k),
        Err(e) if std::env::var_os("CASEFILE_TEST_SESSION").is_some() => {
            panic!("the test session must provide a keychain: {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED: no OS keychain in this environment ({e}); run scripts/test");
            None
        }
    }
}

/// Runs casefile-cli on `data` with `env` set; returns (exit code, stdout, stderr).
pub fn run_env(data: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Adds a MyCase account on `base_url` whose token is read from the
/// environment variable `token_env` (set to `token`), with no pacing.
/// Returns the new account's id, as `account add` prints it.
pub fn add_token_account(data: &Path, base_url: &str, token_env: &str, token: &str) -> String {
    add_token_account_for(data, "mycase", base_url, token_env, token)
}

/// [`add_token_account`] for the provider the sandbox's ready line names.
pub fn add_token_account_for(
    data: &Path,
    provider: &str,
    base_url: &str,
    token_env: &str,
    token: &str,
) -> String {
    let (code, out, err) = run_env(
        data,
        &[(token_env, token)],
        &[
            "account",
            "add",
            provider,
            "--base-url",
            base_url,
            "--token-env",
            token_env,
            "--rate-limit",
            "0",
        ],
    );
    assert_eq!(code, 0, "account add: {err}");
    out.trim().to_owned()
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A sandbox with the demo firm and no pacing.
pub async fn sandbox() -> casefile_sandbox::RunningSandbox {
    casefile_sandbox::start(SandboxConfig::default().with_rate_limit(0))
        .await
        .unwrap()
}

/// Calls the sandbox's admin API with a JSON body, as another user or a
/// fixture would change the server; panics on an error status.
pub async fn admin(info: &ReadyInfo, method: reqwest::Method, path: &str, body: &Value) {
    casefile_providers::http::client(std::time::Duration::from_secs(60))
        .unwrap()
        .request(method, format!("{}{path}", info.base_url))
        .bearer_auth(&info.admin_token)
        .json(body)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

/// The sandbox's whole state (`/admin/dump`).
pub async fn dump(info: &ReadyInfo) -> Value {
    reqwest::Client::new()
        .get(format!("{}/admin/dump", info.base_url))
        .bearer_auth(&info.admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
