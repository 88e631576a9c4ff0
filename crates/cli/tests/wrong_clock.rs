//! A wrong laptop clock: the CLI runs with its clock a day fast, then a day
//! slow (`faketime`, an LD_PRELOAD library that shifts the clock of the one
//! process it starts), against the sandbox, whose clock is right. What
//! syncs must not change: a change made on the server after each sync
//! arrives at the next, an edit made here reaches the server once, and
//! nothing is pulled twice. Pulls go from the server's own times (the
//! watermark is the newest `updated_at` the server sent), so a laptop's
//! clock that is off never skips a change. Reminders go by the server's
//! clock as the last sync saw it (`casefile_core::clock`), so they come at
//! the event's real time. A second test: LegalServer's rate-limit reset,
//! named in the server's time, is waited for by the server's clock.

mod common;

use std::path::Path;
use std::process::Command;

use casefile_sandbox::{Dialect, SandboxConfig};
use common::{add_token_account, add_token_account_for, dump, run_env, BIN};
use serde_json::{json, Value};

const TOKEN_ENV: &str = "WRONG_CLOCK_TOKEN";

/// Runs the CLI with its clock shifted by `offset` (faketime's syntax,
/// such as "+1d").
fn shifted(data: &Path, token: &str, offset: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new("faketime")
        .args(["-f", offset, BIN, "--data-dir"])
        .arg(data)
        .args(args)
        .env(TOKEN_ENV, token)
        .output()
        .expect("faketime runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether `faketime` is here and shifts this machine's clock for a child.
fn faketime_works() -> bool {
    let now = chrono::Utc::now().timestamp();
    Command::new("faketime")
        .args(["-f", "+1d", "date", "+%s"])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<i64>()
                .ok()
        })
        .is_some_and(|then| then - now > 80_000)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clock_a_day_fast_or_slow_changes_nothing_about_what_syncs() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    if !faketime_works() {
        eprintln!(
            "SKIPPED: faketime (Debian's faketime package, which the README's test command \
             installs) is missing or does not shift the clock here; the wrong-clock test did not run"
        );
        return;
    }
    let sandbox = common::sandbox().await;
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = info.access_token.as_str();
    let account = add_token_account(&data, &info.base_url, TOKEN_ENV, token);
    let cases = dump(&info).await["records"]["cases"].clone();
    let case_ids: Vec<i64> = cases
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .take(2)
        .collect();

    for (round, offset) in ["+1d", "-1d"].into_iter().enumerate() {
        // A sync (the first one is the whole firm), then a change on the
        // server and an edit here, then another sync.
        let (code, out, err) = shifted(&data, token, offset, &["sync"]);
        assert_eq!(code, 0, "clock {offset}: {out}{err}");
        let renamed = format!("Renamed on the server with the laptop at {offset}");
        common::admin(
            &info,
            reqwest::Method::PUT,
            &format!("/admin/records/cases/{}", case_ids[round]),
            &json!({ "name": renamed }),
        )
        .await;
        let event = format!("Made here with the laptop at {offset}");
        let (code, _, err) = shifted(
            &data,
            token,
            offset,
            &[
                "event",
                "create",
                "--name",
                &event,
                "--start",
                "2026-12-14T09:30",
                "--end",
                "2026-12-14T10:30",
            ],
        );
        assert_eq!(code, 0, "clock {offset}: {err}");
        let (code, out, err) = shifted(&data, token, offset, &["sync"]);
        assert_eq!(code, 0, "clock {offset}: {out}{err}");

        let (code, out, err) = run_env(
            &data,
            &[(TOKEN_ENV, token)],
            &["cases", "list", "--json", "--search", &renamed],
        );
        assert_eq!(code, 0, "{err}");
        let found: Value = serde_json::from_str(&out).unwrap();
        assert!(
            found
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == renamed.as_str()),
            "clock {offset}: the server's rename arrived at the next sync: {found}"
        );
        let server = dump(&info).await;
        let posted = server["records"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["name"] == event.as_str())
            .count();
        assert_eq!(
            posted, 1,
            "clock {offset}: the edit made here is on the server once"
        );
    }

    // And the cache holds what the server holds, each record once.
    let (code, out, err) = run_env(&data, &[(TOKEN_ENV, token)], &["status", "--json"]);
    assert_eq!(code, 0, "{err}");
    let status: Value = serde_json::from_str(&out).unwrap();
    let server = dump(&info).await;
    for (kind, key) in [("case", "cases"), ("event", "events")] {
        assert_eq!(
            status[0]["counts"][kind].as_u64().unwrap() as usize,
            server["records"][key].as_array().unwrap().len(),
            "{kind}s: the cache holds the server's, once each"
        );
    }

    // Reminders go by the server's clock, which the last sync (the laptop a
    // day slow) kept: an event in ten minutes of real time is due now, and
    // one in ten minutes of the laptop's time (a day ago) is not.
    let key = casefile_core::accounts::pick(&data, Some(account.as_str()))
        .unwrap()
        .cache_key()
        .unwrap();
    let store = casefile_store::Store::open_encrypted(
        &data.join("accounts"),
        &casefile_domain::ids::AccountId(account.clone()),
        &key,
    )
    .unwrap();
    let skew = casefile_core::clock::saved_skew(&store).unwrap().unwrap();
    assert!(
        (skew - chrono::Duration::days(1)).abs() < chrono::Duration::minutes(1),
        "the server's clock is a day ahead of the laptop's: {skew}"
    );
    let real = chrono::Utc::now();
    let laptop = real - chrono::Duration::days(1);
    let soon = |name: &str, at: chrono::DateTime<chrono::Utc>| casefile_domain::entity::Event {
        meta: casefile_domain::entity::Meta {
            remote_id: Some(casefile_domain::ids::RemoteId(name.into())),
            ..casefile_domain::entity::Meta::local(&casefile_domain::ids::AccountId(
                account.clone(),
            ))
        },
        name: name.into(),
        description: None,
        location: None,
        case: None,
        staff: Vec::new(),
        time: casefile_domain::time::EventTime::timed(
            at,
            at + chrono::Duration::hours(1),
            chrono_tz::UTC,
        )
        .unwrap(),
        private: false,
    };
    store
        .apply_page(
            vec![
                soon("hearing-real", real + chrono::Duration::minutes(10)),
                soon("hearing-laptop", laptop + chrono::Duration::minutes(10)),
            ],
            None,
        )
        .unwrap();
    let now = casefile_core::clock::server_now(&store, laptop);
    let due = casefile_core::reminders::due(
        &store,
        now,
        casefile_core::reminders::DEFAULT_LEAD,
        chrono_tz::UTC,
    )
    .unwrap();
    // The firm's own events near now may be due too; these two decide.
    let names: Vec<&str> = due
        .iter()
        .map(|r| r.title.as_str())
        .filter(|t| t.starts_with("hearing-"))
        .collect();
    assert_eq!(
        names,
        ["hearing-real"],
        "reminders at the event's real time"
    );
    sandbox.shutdown().await;
}

/// LegalServer names when its per-minute window resets in its own time
/// (`x-rate-limit-reset`). A laptop a day slow must wait for that reset by
/// the server's clock, not a day: a first sync costing more than a minute's
/// allowance finishes within about a minute.
#[tokio::test(flavor = "multi_thread")]
async fn a_clock_a_day_slow_waits_for_legalservers_reset_by_the_servers_clock() {
    if common::keychain_or_skip().is_none() {
        return;
    }
    if !faketime_works() {
        eprintln!("SKIPPED: faketime is missing or does not shift the clock here");
        return;
    }
    let sandbox = casefile_sandbox::start(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(4),
    )
    .await
    .unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = info.access_token.as_str();
    add_token_account_for(&data, &info.dialect, &info.base_url, TOKEN_ENV, token);
    let started = std::time::Instant::now();
    let mut child = Command::new("faketime")
        .args(["-f", "-1d", BIN, "--data-dir"])
        .arg(&data)
        .arg("sync")
        .env(TOKEN_ENV, token)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let limit = std::time::Duration::from_secs(150);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "the sync still waited after {limit:?}: it counted the reset by the laptop's clock"
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(status.success(), "the sync finished");
    let server = dump(&info).await;
    let (code, out, err) = run_env(&data, &[(TOKEN_ENV, token)], &["status", "--json"]);
    assert_eq!(code, 0, "{err}");
    let status: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        status[0]["counts"]["case"].as_u64().unwrap() as usize,
        server["records"]["cases"].as_array().unwrap().len(),
        "the whole firm arrived"
    );
    eprintln!(
        "a laptop a day slow: the first sync took {:?}",
        started.elapsed()
    );
    sandbox.shutdown().await;
}
