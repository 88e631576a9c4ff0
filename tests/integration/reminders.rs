//! Reminders from the real app, through its notification seam
//! (`CASEFILE_NOTIFICATIONS_TO`: one JSON line per notification instead of
//! the desktop's): an upcoming event reminds once, and not again after a
//! restart; an event deleted meanwhile and one that ended while the app was
//! closed never remind; one still running reminds once, as started.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::firm::Firm;
use crate::window::{
    connect_with, end_session, start_driver_with, window_scratch, window_tests_enabled, TestResult,
    APP_LOCK,
};

/// The notifications written so far.
fn shown(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn count(file: &Path, title: &str) -> usize {
    shown(file).iter().filter(|n| n["title"] == title).count()
}

async fn wait_shown(file: &Path, title: &str) -> TestResult<Value> {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Some(n) = shown(file).into_iter().find(|n| n["title"] == title) {
            return Ok(n);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Err(format!("no reminder for {title}; shown: {:?}", shown(file)).into())
}

/// A timed event on the sandbox, from `start_min` to `end_min` minutes from now.
async fn event(firm: &Firm, name: &str, start_min: i64, end_min: i64) -> TestResult<i64> {
    let at = |m: i64| {
        (Utc::now() + chrono::Duration::minutes(m)).to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    let staff = firm.dump().await?["records"]["staff"][0]["id"].clone();
    let made = firm
        .admin(
            "POST",
            "/admin/records/events",
            Some(json!({
                "name": name, "start": at(start_min), "end": at(end_min), "all_day": false,
                "private": false, "description": "", "staff": [{ "id": staff }]
            })),
        )
        .await?;
    made[0]["id"]
        .as_i64()
        .or_else(|| made["id"].as_i64())
        .ok_or_else(|| "no id for the event".into())
}

#[test]
fn a_reminder_fires_once_and_not_again_after_a_restart() {
    if !window_tests_enabled("a_reminder_fires_once_and_not_again_after_a_restart") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (scratch, data_dir, runtime) = window_scratch("casefile-reminders-e2e-");
    let file = scratch.path().join("notifications.jsonl");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        let pid = std::process::id();
        let soon = format!("Hearing soon {pid}");
        let over = format!("Ended meanwhile {pid}");
        let running = format!("Running now {pid}");
        event(&firm, &soon, 5, 65).await?;
        event(&firm, &over, -40, -10).await?;
        event(&firm, &running, -5, 55).await?;
        firm.cli(&["sync"])?;
        let [token] = firm.app_env();
        let env = [
            token,
            ("CASEFILE_NOTIFICATIONS_TO", file.to_str().ok_or("path")?),
        ];

        let driver = start_driver_with(&data_dir, &env)?;
        let client = connect_with(driver.port, &[]).await?;
        let first = async {
            let n = wait_shown(&file, &soon).await?;
            let body = n["body"].as_str().unwrap_or_default();
            assert!(
                body.starts_with("Starts in 5 minutes") || body.starts_with("Starts in 4 minutes"),
                "{n}"
            );
            let r = wait_shown(&file, &running).await?;
            assert!(
                r["body"]
                    .as_str()
                    .is_some_and(|b| b.starts_with("Started 5 minutes ago")),
                "{r}"
            );
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        end_session(client, "failure-reminders-1.png", first).await?;
        drop(driver);

        // While the app is closed: a new event, and one deleted before it could remind.
        let later = format!("Hearing later {pid}");
        let gone = format!("Cancelled {pid}");
        event(&firm, &later, 6, 30).await?;
        let cancelled = event(&firm, &gone, 7, 30).await?;
        firm.cli(&["sync"])?;
        firm.admin(
            "DELETE",
            &format!("/admin/records/events/{cancelled}"),
            None,
        )
        .await?;
        firm.cli(&["sync", "--reconcile"])?;

        let driver = start_driver_with(&data_dir, &env)?;
        let client = connect_with(driver.port, &[]).await?;
        let second = async {
            // The new event's reminder shows the app has looked since the restart.
            wait_shown(&file, &later).await?;
            tokio::time::sleep(Duration::from_secs(2)).await;
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        end_session(client, "failure-reminders-2.png", second).await?;
        drop(driver);
        assert_eq!(
            count(&file, &soon),
            1,
            "once, and not again after the restart: {:?}",
            shown(&file)
        );
        assert_eq!(count(&file, &running), 1, "{:?}", shown(&file));
        assert_eq!(
            count(&file, &over),
            0,
            "an event that ended while closed: {:?}",
            shown(&file)
        );
        assert_eq!(
            count(&file, &gone),
            0,
            "a deleted event: {:?}",
            shown(&file)
        );
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("reminder test failed: {err}");
    }
}
