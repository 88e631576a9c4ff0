//! The `casefile-sandbox` binary: one ReadyInfo JSON line on stdout when ready,
//! serving until SIGTERM, `--help` documenting every flag.

mod common;

use common::Child;
use serde_json::Value;

#[tokio::test]
async fn prints_ready_line_serves_and_stops_on_sigterm() {
    let mut server = Child::spawn(&["--empty", "--rate-limit", "0", "--error-rate", "0"]);
    let info = server.info.clone();
    assert!(info.base_url.starts_with("http://127.0.0.1:"));
    assert_eq!(
        info.authorize_url,
        format!("{}/login_sessions/new", info.base_url)
    );
    assert_eq!(info.token_url, format!("{}/tokens", info.base_url));
    for secret in [
        &info.client_id,
        &info.client_secret,
        &info.access_token,
        &info.admin_token,
    ] {
        assert!(secret.len() >= 16, "secrets are random and long");
    }
    let other = Child::spawn(&["--empty"]);
    assert_ne!(
        other.info.client_secret, info.client_secret,
        "secrets differ per run"
    );
    assert_ne!(other.info.access_token, info.access_token);

    let http = reqwest::Client::new();
    let firm: Value = http
        .get(format!("{}/v1/firm", info.base_url))
        .bearer_auth(&info.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(firm["name"].is_string());
    let admin_with_api_token = http
        .get(format!("{}/admin/dump", info.base_url))
        .bearer_auth(&info.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        admin_with_api_token.status(),
        401,
        "admin needs the admin token"
    );
    let status = server.terminate();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
    assert!(
        http.get(format!("{}/v1/firm", info.base_url))
            .send()
            .await
            .is_err(),
        "stopped serving"
    );
}

#[test]
fn help_documents_every_flag() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_casefile-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--port",
        "--seed",
        "--empty",
        "--cases",
        "--events",
        "--tasks",
        "--documents",
        "--rate-limit",
        "--db",
        "--doc-dir",
        "--redirect-uri",
        "--access-token-ttl",
        "--refresh-token-ttl",
        "--page-token-ttl",
        "--storage-url-ttl",
        "--fault-seed",
        "--latency-ms",
        "--latency-jitter-ms",
        "--error-rate",
        "--drop-after-commit-rate",
        "--storm-rate",
        "--storm-length",
        "--maintenance-rate",
        "--maintenance-length",
        "--token-expiry-rate",
        "--page-expiry-rate",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}
