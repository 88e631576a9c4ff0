//! The CLI's contract for scripts: `--help` everywhere, `--json` arrays of
//! objects with ids the other commands accept, and reliable exit codes.

mod common;

use std::path::Path;
use std::process::Command;

use casefile_sandbox::SandboxConfig;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_casefile-cli");

/// The token the children get in `CLI_TEST_TOKEN`.
static TOKEN: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn set_token(token: &str) {
    *TOKEN.lock().unwrap() = token.to_owned();
}

fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("CLI_TEST_TOKEN", TOKEN.lock().unwrap().clone())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(data: &Path, args: &[&str]) -> Value {
    let (code, out, err) = run(data, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
    assert!(v.is_array(), "{args:?}: --json prints an array");
    assert!(
        v.as_array().unwrap().iter().all(|o| o["id"].is_string()),
        "{args:?}: every object has an id"
    );
    v
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["account", "add", "--help"],
        vec!["account", "list", "--help"],
        vec!["account", "login", "--help"],
        vec!["account", "logout", "--help"],
        vec!["sync", "--help"],
        vec!["status", "--help"],
        vec!["cases", "list", "--help"],
        vec!["events", "list", "--help"],
        vec!["event", "create", "--help"],
        vec!["event", "update", "--help"],
        vec!["event", "delete", "--help"],
        vec!["task", "create", "--help"],
        vec!["task", "update", "--help"],
        vec!["task", "complete", "--help"],
        vec!["task", "delete", "--help"],
        vec!["conflicts", "list", "--help"],
        vec!["conflicts", "resolve", "--help"],
        vec!["documents", "list", "--help"],
        vec!["upload", "--help"],
        vec!["download", "--help"],
        vec!["pin", "--help"],
        vec!["transfers", "--help"],
        vec!["transfers", "pause", "--help"],
        vec!["transfers", "retry", "--help"],
    ] {
        let (code, out, _) = run(dir.path(), &args);
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("Usage:"), "{args:?}: {out}");
    }
    assert_eq!(run(dir.path(), &["frobnicate"]).0, 2, "bad usage is exit 2");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_can_sync_list_and_edit_through_ids_and_exit_codes() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    let sandbox = casefile_sandbox::start(SandboxConfig::default().with_rate_limit(0))
        .await
        .unwrap();
    let info = sandbox.info().clone();
    set_token(&info.access_token);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    assert_eq!(run(d, &["sync"]).0, 3, "no account yet: not found");
    let (code, _, err) = run(
        d,
        &[
            "account",
            "add",
            "mycase",
            "--base-url",
            &info.base_url,
            "--token-env",
            "CLI_TEST_TOKEN",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(
        d,
        &[
            "account",
            "add",
            "mycase",
            "--base-url",
            "ftp://x",
            "--token-env",
            "CLI_TEST_TOKEN",
        ],
    );
    assert_eq!(code, 4, "an invalid URL is invalid input: {err}");
    let (code, out, err) = run(d, &["sync"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pulled"), "{out}");

    let cases = json(d, &["cases", "list", "--json", "--limit", "5"]);
    assert_eq!(cases.as_array().unwrap().len(), 5);
    assert!(cases[0]["name"].is_string());
    let some = cases[0]["name"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let found = json(d, &["cases", "list", "--json", "--search", &some]);
    assert!(!found.as_array().unwrap().is_empty(), "search finds {some}");

    let case_id = cases[0]["id"].as_str().unwrap();
    let created = json(
        d,
        &[
            "event",
            "create",
            "--json",
            "--name",
            "Deposition",
            "--start",
            "2026-12-02T09:00:00-05:00",
            "--end",
            "2026-12-02T11:00:00-05:00",
            "--case",
            case_id,
        ],
    );
    let event_id = created[0]["id"].as_str().unwrap().to_owned();
    let window = json(
        d,
        &[
            "events",
            "list",
            "--json",
            "--from",
            "2026-12-02T00:00:00-05:00",
            "--to",
            "2026-12-03T00:00:00-05:00",
        ],
    );
    let listed = window
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == event_id.as_str())
        .expect("the new event is listed");
    for field in ["name", "start", "end", "all_day"] {
        assert!(!listed[field].is_null(), "events carry {field}");
    }
    assert_eq!(listed["start"], "2026-12-02T09:00:00-05:00");
    assert_eq!(
        run(
            d,
            &["event", "update", &event_id, "--name", "Deposition (moved)"]
        )
        .0,
        0
    );
    let (code, _, _) = run(d, &["sync"]);
    assert_eq!(code, 0);
    let status = json(d, &["status", "--json"]);
    assert_eq!(status[0]["pending"], 0);

    let dump: Value = common::dump(&info).await;
    assert!(dump["records"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"] == "Deposition (moved)"));

    let task = json(
        d,
        &[
            "task",
            "create",
            "--json",
            "--name",
            "Draft motion",
            "--due",
            "2026-12-09",
            "--priority",
            "high",
        ],
    );
    let task_id = task[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(run(d, &["task", "complete", &task_id]).0, 0);
    assert_eq!(
        run(d, &["task", "create", "--name", "x", "--due", "someday"]).0,
        4,
        "a bad date is invalid input"
    );
    assert_eq!(run(d, &["event", "delete", "not-an-id"]).0, 4);
    assert_eq!(
        run(
            d,
            &["event", "delete", "01a207ac-0000-7000-8000-000000000000"]
        )
        .0,
        3,
        "an unknown id is not found"
    );
    assert_eq!(
        run(d, &["conflicts", "resolve", "nope", "--keep", "local"]).0,
        3
    );
    assert_eq!(
        json(d, &["conflicts", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // The server goes away: the next sync says so with exit 5, and the edit waits.
    assert_eq!(run(d, &["event", "delete", &event_id]).0, 0);
    sandbox.shutdown().await;
    let (code, _, err) = run(d, &["sync"]);
    assert_eq!(code, 5, "offline is exit 5: {err}");
    assert_eq!(
        json(d, &["status", "--json"])[0]["pending"],
        3,
        "the delete, and the task's create and completion, wait for the server"
    );

    // A missing token is exit 6.
    set_token("");
    assert_eq!(run(d, &["sync"]).0, 6);
}

/// Server text reaches a terminal as visible escapes, and records the server
/// garbles are named, with their reasons, by `sync` and `status --json`.
#[tokio::test(flavor = "multi_thread")]
async fn plain_output_escapes_server_text_and_quarantine_is_reported() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    let sandbox = common::sandbox().await;
    let info = sandbox.info().clone();
    let admin = casefile_providers::http::client(std::time::Duration::from_secs(30)).unwrap();
    // A case renamed "as another user" with a terminal escape and a bidi override.
    let cases = common::dump(&info).await["records"]["cases"].clone();
    let case_id = cases[0]["id"].as_i64().unwrap();
    let hostile = "Evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}fdp.exe";
    let renamed = admin
        .put(format!("{}/admin/records/cases/{case_id}", info.base_url))
        .bearer_auth(&info.admin_token)
        .json(&serde_json::json!({ "name": hostile }))
        .send()
        .await
        .unwrap();
    assert!(renamed.status().is_success());
    // And one case that is not JSON at all.
    let raw = admin
        .post(format!("{}/admin/raw_items/cases", info.base_url))
        .bearer_auth(&info.admin_token)
        .body("{\"id\": 990002, \"name\": \"Broken\", \"closed\": tru}")
        .send()
        .await
        .unwrap();
    assert!(raw.status().is_success());

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::add_token_account(d, &info.base_url, "CLI_TEST_TOKEN", &info.access_token);
    let env = [("CLI_TEST_TOKEN", info.access_token.as_str())];
    let (code, out, err) = common::run_env(d, &env, &["sync"]);
    assert_eq!(code, 0, "one garbled case does not fail the sync: {err}");
    assert!(out.contains("1 set aside as unreadable"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("set aside: cases") && l.contains("not valid JSON")),
        "{out}"
    );
    let (_, status, _) = common::run_env(d, &env, &["status", "--json"]);
    let status: Value = serde_json::from_str(&status).unwrap();
    let quarantined = status[0]["quarantined"].as_array().unwrap();
    assert_eq!(quarantined.len(), 1, "{status}");
    assert!(quarantined[0]["reason"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));

    let (code, listed, _) = common::run_env(
        d,
        &env,
        &["cases", "list", "--search", "Evil", "--limit", "5"],
    );
    assert_eq!(code, 0);
    assert!(
        !listed.contains('\u{1b}') && !listed.contains('\u{7}') && !listed.contains('\u{202e}'),
        "raw control characters reached the terminal: {listed:?}"
    );
    assert!(
        listed.contains("Evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{202e}fdp.exe"),
        "{listed:?}"
    );
    // --json keeps the exact text (JSON escapes it itself).
    let (_, as_json, _) =
        common::run_env(d, &env, &["cases", "list", "--json", "--search", "Evil"]);
    let as_json: Value = serde_json::from_str(&as_json).unwrap();
    assert_eq!(as_json[0]["name"], hostile);
    sandbox.shutdown().await;
}
