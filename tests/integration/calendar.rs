//! Events edited in the real window against the sandbox: one made by
//! dragging on a week slot, edited in its dialog and moved by dragging (a
//! real X pointer, as a user's mouse), reaching the server with the right
//! instant and an explicit offset; the DST gap through the UI path; a
//! refused end-before-start that sends nothing; an all-day event that keeps
//! its date in any zone.

use std::time::Duration;

use fantoccini::Locator;

use crate::documents::shot;
use crate::firm::Firm;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text, window_scratch,
    window_tests_enabled, TestResult, APP_LOCK,
};

use crate::calendar_kit::*;

#[test]
fn an_event_made_by_dragging_is_edited_moved_and_reaches_the_sandbox() {
    if !window_tests_enabled("an_event_made_by_dragging_is_edited_moved_and_reaches_the_sandbox") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-calendar-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        firm.cli(&["sync"])?;
        let [token] = firm.app_env();
        let driver = start_driver_with(&data_dir, &[token, ("TZ", ZONE)])?;
        let client = connect_with(driver.port, &[]).await?;
        let name = format!("Deposition {}", std::process::id());
        let result = async {
            week_of(&client, "2026-03-09").await?;
            scroll_to_slot(&client, "10:30:00").await?;
            // Drag over the 10:00 and 10:30 slots on Tuesday: 10:00–11:00.
            let from = slot_point(&client, "2026-03-10", "10:00:00").await?;
            let to = slot_point(&client, "2026-03-10", "10:30:00").await?;
            pointer_drag(from, to)?;
            wait_for(&client, "[data-testid=event-dialog]").await?;
            let start = wait_for(&client, "[data-testid=event-dialog] input[name=start]").await?;
            let end = wait_for(&client, "[data-testid=event-dialog] input[name=end]").await?;
            assert_eq!(
                start.prop("value").await?.as_deref(),
                Some("2026-03-10T10:00")
            );
            assert_eq!(
                end.prop("value").await?.as_deref(),
                Some("2026-03-10T11:00")
            );
            wait_for(&client, "[data-testid=event-dialog] input[name=name]")
                .await?
                .send_keys(&name)
                .await?;
            let rooms = locations(&firm).await?;
            set_field(
                &client,
                "[data-testid=event-dialog] select[name=location]",
                &rooms[0].0,
            )
            .await?;
            shot(&client, "calendar-event-dialog-new").await?;
            click(&client, "[data-testid=event-save]").await?;
            let css = event_css(&name);
            wait_for(&client, &css).await?;
            let created = on_server(&firm, "events", &name, "the new event", |_| true).await?;
            assert_eq!(
                instant(&created["start"]),
                Some(utc("2026-03-10T14:00:00Z")),
                "{created}"
            );
            assert_eq!(
                instant(&created["end"]),
                Some(utc("2026-03-10T15:00:00Z")),
                "{created}"
            );
            assert!(
                has_offset(&created["start"], "-04:00"),
                "sent with New York's EDT offset: {created}"
            );
            assert_eq!(
                created["location"]["id"], rooms[0].1,
                "the location is sent as the firm's: {created}"
            );
            wait_class(
                &client,
                &css,
                "edit-pending",
                false,
                Duration::from_secs(60),
            )
            .await?;
            shot(&client, "calendar-week").await?;

            // The dialog: the end moves to 11:30.
            click(&client, &css).await?;
            wait_for(&client, "[data-testid=event-dialog]").await?;
            set_field(
                &client,
                "[data-testid=event-dialog] input[name=end]",
                "2026-03-10T11:30",
            )
            .await?;
            shot(&client, "calendar-event-dialog-edit").await?;
            click(&client, "[data-testid=event-save]").await?;
            on_server(&firm, "events", &name, "the longer event", |e| {
                instant(&e["end"]) == Some(utc("2026-03-10T15:30:00Z"))
            })
            .await?;

            // Dragged to Wednesday, same time.
            wait_class(
                &client,
                &css,
                "edit-pending",
                false,
                Duration::from_secs(60),
            )
            .await?;
            let grab = screen_point(&client, &css, 0.5, 0.3).await?;
            let (tue, _) = screen_point(
                &client,
                ".fc-timegrid-col[data-date='2026-03-10']",
                0.5,
                0.5,
            )
            .await?;
            let (wed, _) = screen_point(
                &client,
                ".fc-timegrid-col[data-date='2026-03-11']",
                0.5,
                0.5,
            )
            .await?;
            pointer_drag(grab, (grab.0 + (wed - tue), grab.1))?;
            let moved = on_server(&firm, "events", &name, "the moved event", |e| {
                instant(&e["start"]) == Some(utc("2026-03-11T14:00:00Z"))
            })
            .await?;
            assert_eq!(
                instant(&moved["end"]),
                Some(utc("2026-03-11T15:30:00Z")),
                "the length is kept: {moved}"
            );
            assert!(has_offset(&moved["start"], "-04:00"), "{moved}");

            // An end before the start is refused on the end field, and nothing is sent.
            wait_class(
                &client,
                &css,
                "edit-pending",
                false,
                Duration::from_secs(60),
            )
            .await?;
            click(&client, &css).await?;
            set_field(
                &client,
                "[data-testid=event-dialog] input[name=end]",
                "2026-03-11T09:00",
            )
            .await?;
            click(&client, "[data-testid=event-save]").await?;
            wait_for_text(&client, "[data-testid=end-error]", "the end error", |t| {
                t.contains("before the start")
            })
            .await?;
            shot(&client, "calendar-event-dialog-invalid").await?;
            tokio::time::sleep(Duration::from_secs(3)).await;
            on_server(&firm, "events", &name, "the event, unchanged", |e| {
                instant(&e["end"]) == Some(utc("2026-03-11T15:30:00Z"))
            })
            .await?;
            client
                .find(Locator::Css("[data-testid=event-dialog] input[name=name]"))
                .await?
                .send_keys("\u{E00C}")
                .await?; // Escape

            // 02:30 on 2026-03-08 does not exist in New York: it is 03:30 EDT.
            let dst = format!("DST gap {}", std::process::id());
            click(&client, "[data-testid=new-event]").await?;
            wait_for(&client, "[data-testid=event-dialog]").await?;
            wait_for(&client, "[data-testid=event-dialog] input[name=name]")
                .await?
                .send_keys(&dst)
                .await?;
            set_field(
                &client,
                "[data-testid=event-dialog] input[name=start]",
                "2026-03-08T02:30",
            )
            .await?;
            set_field(
                &client,
                "[data-testid=event-dialog] input[name=end]",
                "2026-03-08T04:00",
            )
            .await?;
            click(&client, "[data-testid=event-save]").await?;
            let gap = on_server(&firm, "events", &dst, "the DST-night event", |_| true).await?;
            assert_eq!(
                instant(&gap["start"]),
                Some(utc("2026-03-08T07:30:00Z")),
                "{gap}"
            );
            assert!(has_offset(&gap["start"], "-04:00"), "03:30 EDT: {gap}");

            // The other views, full.
            click(&client, ".fc-dayGridMonth-button").await?;
            wait_for(&client, ".fc-dayGridMonth-view").await?;
            shot(&client, "calendar-month").await?;
            // "My events": the account learnt who the user is; the filter offers "Me" first.
            let attending = "select[aria-label='Only events this staff member attends']";
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            let me_id = loop {
                let second = client
                    .execute(
                        "const o = document.querySelector(arguments[0])?.options[1];
                         return o ? [o.textContent, o.value] : null;",
                        vec![serde_json::json!(attending)],
                    )
                    .await?;
                if let Some([text, value]) = second
                    .as_array()
                    .map(|a| [a[0].clone(), a[1].clone()])
                    .as_ref()
                {
                    if text.as_str().is_some_and(|t| t.starts_with("Me (")) {
                        break value.as_str().unwrap_or_default().to_owned();
                    }
                }
                if std::time::Instant::now() > deadline {
                    return Err("the calendar never offered \"Me\" among the attendees".into());
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
            set_field(&client, attending, &me_id).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            shot(&client, "calendar-month-mine").await?;
            client
                .execute(
                    "const el = document.querySelector(arguments[0]);
                     el.selectedIndex = 0;
                     el.dispatchEvent(new Event('change', { bubbles: true }));",
                    vec![serde_json::json!(attending)],
                )
                .await?;
            click(&client, ".fc-timeGridDay-button").await?;
            wait_for(&client, ".fc-timeGridDay-view").await?;
            shot(&client, "calendar-day").await?;
            click(&client, ".fc-listWeek-button").await?;
            wait_for(&client, ".fc-listWeek-view").await?;
            shot(&client, "calendar-agenda").await?;
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        let ended = end_session(client, "failure-calendar.png", result).await;
        drop(driver);
        ended?;
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("calendar edit test failed: {err}");
    }
}

/// An all-day event made under one zone keeps its date when the laptop is
/// in another, a day apart (Honolulu is UTC-10, Kiritimati UTC+14).
#[test]
fn an_all_day_event_keeps_its_date_in_any_zone() {
    if !window_tests_enabled("an_all_day_event_keeps_its_date_in_any_zone") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-allday-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        firm.cli(&["sync"])?;
        let [token] = firm.app_env();
        let name = format!("Court holiday {}", std::process::id());
        let cell = format!(
            ".fc-daygrid-day[data-date='2026-03-16'] {}",
            event_css(&name)
        );
        for (zone, create) in [("Pacific/Honolulu", true), ("Pacific/Kiritimati", false)] {
            let driver = start_driver_with(&data_dir, &[token, ("TZ", zone)])?;
            let client = connect_with(driver.port, &[]).await?;
            let result = async {
                week_of(&client, "2026-03-16").await?;
                click(&client, ".fc-dayGridMonth-button").await?;
                if create {
                    click(&client, "[data-testid=new-event]").await?;
                    wait_for(&client, "[data-testid=event-dialog] input[name=name]")
                        .await?
                        .send_keys(&name)
                        .await?;
                    click(&client, "[data-testid=event-dialog] input[name=all_day]").await?;
                    set_field(
                        &client,
                        "[data-testid=event-dialog] input[name=first_day]",
                        "2026-03-16",
                    )
                    .await?;
                    set_field(
                        &client,
                        "[data-testid=event-dialog] input[name=last_day]",
                        "2026-03-16",
                    )
                    .await?;
                    click(&client, "[data-testid=event-save]").await?;
                    let sent =
                        on_server(&firm, "events", &name, "the all-day event", |_| true).await?;
                    assert_eq!(sent["all_day"], true, "{sent}");
                    assert!(
                        sent["start"]
                            .as_str()
                            .is_some_and(|s| s.starts_with("2026-03-16")),
                        "{sent}"
                    );
                    assert!(
                        sent["end"]
                            .as_str()
                            .is_some_and(|s| s.starts_with("2026-03-16")),
                        "one day: {sent}"
                    );
                }
                wait_for(&client, &cell).await?;
                wait_for_text(
                    &client,
                    "[data-testid=calendar-zone]",
                    "the zone shown",
                    |t| t == zone.replace('_', " "),
                )
                .await?;
                shot(
                    &client,
                    &format!("calendar-all-day-{}", zone.replace('/', "-")),
                )
                .await?;
                Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
            }
            .await;
            let ended = end_session(
                client,
                &format!("failure-allday-{}.png", zone.replace('/', "-")),
                result,
            )
            .await;
            drop(driver);
            ended?;
        }
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("all-day zone test failed: {err}");
    }
}
