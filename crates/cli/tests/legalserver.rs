//! A LegalServer account signed in with HTTP Basic (a user with API
//! access): the password is read from an environment variable once, kept
//! in the real OS keychain, and never on disk or in the logs; the account
//! syncs the firm and pushes an event; a wrong password is refused as
//! credentials; signing out removes the password from the keychain.

mod common;

use casefile_providers::SecretStore;
use casefile_sandbox::{Dialect, SandboxConfig};
use common::{dump, files_under, keychain_or_skip, run_env};

#[tokio::test(flavor = "multi_thread")]
async fn a_basic_login_is_kept_in_the_keychain_and_syncs_and_pushes() {
    let Some(keychain) = keychain_or_skip() else {
        return;
    };
    let sandbox = casefile_sandbox::start(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(0),
    )
    .await
    .unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let env = [
        ("LS_PASSWORD", info.api_password.as_str()),
        ("CASEFILE_LOG", "trace"),
    ];
    let logs = std::cell::RefCell::new(String::new());
    let run = |args: &[&str]| {
        let out = run_env(data, &env, args);
        logs.borrow_mut().push_str(&out.2);
        out
    };

    let (code, out, err) = run(&[
        "account",
        "add",
        "legalserver",
        "--base-url",
        &info.base_url,
        "--user",
        &info.api_user,
        "--password-env",
        "LS_PASSWORD",
        "--zone",
        "America/Chicago",
    ]);
    assert_eq!(code, 0, "{err}");
    let id = out.trim().to_owned();
    let (code, out, err) = run(&["account", "list", "--json"]);
    assert_eq!(code, 0, "{err}");
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["sign_in"], "basic");
    assert_eq!(listed[0]["signed_in"], true);

    let (code, _, err) = run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&["cases", "list", "--json", "--limit", "5"]);
    assert_eq!(code, 0, "{err}");
    let cases: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(cases.as_array().map(Vec::len), Some(5), "the firm arrived");

    let name = "Status conference (Basic)";
    let (code, _, err) = run(&[
        "event",
        "create",
        "--name",
        name,
        "--start",
        "2026-12-01T10:00:00-06:00",
        "--end",
        "2026-12-01T11:00:00-06:00",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["sync"]);
    assert_eq!(code, 0, "{err}");
    let server = dump(&info).await;
    let made = server["records"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == name)
        .count();
    assert_eq!(made, 1, "the event reached LegalServer once");

    // The password is in the keychain under the account, nowhere on disk or in the logs.
    let settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data.join(format!("accounts/{id}.json"))).unwrap(),
    )
    .unwrap();
    let ns = settings["secrets_ns"].as_str().unwrap().to_owned();
    let key = casefile_providers::Auth::key(&ns, "password");
    assert_eq!(
        keychain.get(&key).unwrap().as_deref(),
        Some(info.api_password.as_str())
    );
    for file in files_under(data) {
        let bytes = std::fs::read(&file).unwrap();
        let needle = info.api_password.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the password is in {}",
            file.display()
        );
    }
    assert!(
        !logs.borrow().contains(&info.api_password),
        "the password is in the logs"
    );

    // A wrong password (changed in the keychain) is refused as credentials
    // (exit 6, "sign in again"), not retried.
    keychain.set(&key, "not the password").unwrap();
    let (code, _, err) = run(&["sync"]);
    assert_eq!(code, 6, "a refused login fails the sync: {err}");
    assert!(err.contains("refused the credentials"), "{err}");

    let (code, _, err) = run(&["account", "logout"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(keychain.get(&key).unwrap(), None, "sign-out removed it");
    sandbox.shutdown().await;
}
