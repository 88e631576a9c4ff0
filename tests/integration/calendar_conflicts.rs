//! Working offline in the calendar: an edit made with the connection cut
//! waits with its mark and syncs when it returns; the same fields changed
//! here and on the server meet in the conflict chooser, settled field by
//! field.

use std::time::Duration;

use serde_json::json;

use crate::documents::shot;
use crate::firm::Firm;
use crate::offline::proxy;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text_within,
    window_scratch, window_tests_enabled, TestResult, APP_LOCK,
};

use crate::calendar_kit::*;

#[test]
fn an_offline_edit_waits_marked_then_syncs_and_a_conflict_is_chosen_field_by_field() {
    if !window_tests_enabled(
        "an_offline_edit_waits_marked_then_syncs_and_a_conflict_is_chosen_field_by_field",
    ) {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-conflict-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::sandbox_only(data_dir.clone(), casefile_sandbox::SandboxConfig::default()).await?;
        let upstream = firm.sandbox.addr();
        let (port, cable) = proxy(0, upstream).await?;
        let base = firm
            .info
            .base_url
            .replace(&format!(":{}", upstream.port()), &format!(":{port}"));
        firm.add_account(&base)?;
        // One event of the firm's, on a known day.
        let name = format!("Status conference {}", std::process::id());
        let staff = firm.dump().await?["records"]["staff"][0]["id"].clone();
        let rooms = locations(&firm).await?;
        let made = firm
            .admin(
                "POST",
                "/admin/records/events",
                Some(json!({
                    "name": name, "start": "2026-03-10T14:00:00-04:00", "end": "2026-03-10T15:00:00-04:00",
                    "all_day": false, "private": false, "description": "", "location": { "id": rooms[0].1 },
                    "staff": [{ "id": staff }]
                })),
            )
            .await?;
        let remote = made[0]["id"].as_i64().or_else(|| made["id"].as_i64()).ok_or("no id for the event")?;
        firm.cli(&["sync"])?;
        let [token] = firm.app_env();
        let driver = start_driver_with(&data_dir, &[token, ("TZ", ZONE)])?;
        let client = connect_with(driver.port, &[]).await?;
        let mut cable = Some(cable);
        let result = async {
            week_of(&client, "2026-03-09").await?;
            let css = event_css(&name);
            wait_for(&client, &css).await?;
            // The cable is pulled; the edit is made offline.
            if let Some(cable) = cable.take() {
                cable.abort();
                let _ = cable.await;
            }
            click(&client, &css).await?;
            set_field(&client, "[data-testid=event-dialog] select[name=location]", &rooms[1].0).await?;
            click(&client, "[data-testid=event-save]").await?;
            wait_class(&client, &css, "edit-pending", true, Duration::from_secs(15)).await?;
            shot(&client, "calendar-offline-pending").await?;
            // The connection returns; the change syncs and the mark clears.
            let (_, back) = proxy(port, upstream).await?;
            wait_class(&client, &css, "edit-pending", false, Duration::from_secs(90)).await?;
            on_server(&firm, "events", &name, "the offline edit", |e| e["location"]["id"] == rooms[1].1).await?;

            // Offline again: the laptop and the office change the same fields.
            back.abort();
            let _ = back.await;
            click(&client, &css).await?;
            set_field(&client, "[data-testid=event-dialog] select[name=location]", &rooms[2].0).await?;
            set_field(&client, "[data-testid=event-dialog] textarea[name=description]", "Bring the exhibits (laptop)").await?;
            click(&client, "[data-testid=event-save]").await?;
            wait_class(&client, &css, "edit-pending", true, Duration::from_secs(15)).await?;
            firm.admin(
                "PUT",
                &format!("/admin/records/events/{remote}"),
                Some(json!({ "location": { "id": rooms[0].1 }, "description": "Bring nothing (office)" })),
            )
            .await?;
            let (_, back) = proxy(port, upstream).await?;
            wait_for_text_within(&client, "[data-testid=count-conflicts]", "the conflict count", Duration::from_secs(90), |t| t == "1").await?;
            click(&client, "[data-nav=conflicts]").await?;
            wait_for(&client, "[data-testid=conflict-record]").await?;
            shot(&client, "conflict-chooser").await?;
            click(&client, "tr[data-field=location] input[value=theirs]").await?;
            click(&client, "tr[data-field=description] input[value=mine]").await?;
            click(&client, "[data-testid=conflict-apply]").await?;
            wait_for(&client, "[data-testid=conflicts-empty]").await?;
            let settled = on_server(&firm, "events", &name, "the chosen fields", |e| {
                e["location"]["id"] == rooms[0].1 && e["description"] == "Bring the exhibits (laptop)"
            })
            .await;
            back.abort();
            settled?;
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        let ended = end_session(client, "failure-conflict.png", result).await;
        drop(driver);
        ended?;
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("offline edit and conflict test failed: {err}");
    }
}
