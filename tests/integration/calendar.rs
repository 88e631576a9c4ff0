//! The calendar and tasks, edited in the real window against the sandbox:
//! an event made by dragging on a week slot, edited in its dialog and moved
//! by dragging (a real X pointer, as a user's mouse), reaching the server
//! with the right instant and an explicit offset; the DST gap through the
//! UI path; a refused end-before-start that sends nothing; a task created
//! and ticked off; an edit made offline that waits with its mark and syncs
//! when the connection returns; and the conflict chooser, field by field.

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::documents::{shot, window_origin};
use crate::firm::Firm;
use crate::offline::proxy;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text,
    wait_for_text_within, window_scratch, window_tests_enabled, TestResult, APP_LOCK,
};

/// The laptop's zone for these tests: DST changes on 2026-03-08 and 2026-11-01.
const ZONE: &str = "America/New_York";

/// Sets a form field's value as the browser would after typing (dates and
/// times have no reliable key input in WebKit's WebDriver).
pub(crate) async fn set_field(client: &Client, css: &str, value: &str) -> TestResult {
    wait_for(client, css).await?;
    if css.contains("select") {
        // The choices are read when the dialog opens: wait for the one wanted.
        wait_for(client, &format!("{css} option[value=\"{value}\"]")).await?;
    }
    client
        .execute(
            "const el = document.querySelector(arguments[0]);
             el.value = arguments[1];
             el.dispatchEvent(new Event('input', { bubbles: true }));
             el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(css), json!(value)],
        )
        .await?;
    Ok(())
}

/// A point of the element at `css` on the X screen: (fx, fy) are fractions
/// of its width and height.
pub(crate) async fn screen_point(
    client: &Client,
    css: &str,
    fx: f64,
    fy: f64,
) -> TestResult<(i64, i64)> {
    let el = wait_for(client, css).await?;
    let (x, y, w, h) = el.rectangle().await?;
    let (ox, oy) = window_origin()?;
    Ok((ox + (x + w * fx) as i64, oy + (y + h * fy) as i64))
}

/// Presses the real pointer at `from`, moves it in steps and releases it at `to`.
pub(crate) fn pointer_drag(from: (i64, i64), to: (i64, i64)) -> TestResult {
    let xdo = |args: &[String]| -> TestResult {
        let status = Command::new("xdotool").args(args).status()?;
        if !status.success() {
            return Err(format!("xdotool {args:?} failed").into());
        }
        Ok(())
    };
    xdo(&["mousemove".into(), from.0.to_string(), from.1.to_string()])?;
    std::thread::sleep(Duration::from_millis(150));
    xdo(&["mousedown".into(), "1".into()])?;
    for i in 1..=12 {
        let x = from.0 + (to.0 - from.0) * i / 12;
        let y = from.1 + (to.1 - from.1) * i / 12;
        xdo(&["mousemove".into(), x.to_string(), y.to_string()])?;
        std::thread::sleep(Duration::from_millis(40));
    }
    std::thread::sleep(Duration::from_millis(200));
    xdo(&["mouseup".into(), "1".into()])?;
    Ok(())
}

/// The sandbox's record of `kind` whose name is `name`, once `pred` holds
/// for it (the app pushes within seconds of a change).
async fn on_server(
    firm: &Firm,
    kind: &str,
    name: &str,
    what: &str,
    pred: impl Fn(&Value) -> bool,
) -> TestResult<Value> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        let dump = firm.dump().await?;
        if let Some(found) = dump["records"][kind]
            .as_array()
            .and_then(|all| all.iter().find(|r| r["name"] == name))
        {
            if pred(found) {
                return Ok(found.clone());
            }
            last = found.clone();
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    Err(format!("{what}: the sandbox never had it; last seen: {last}").into())
}

fn instant(v: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a test instant")
        .with_timezone(&Utc)
}

/// The time the sandbox holds, sent with an explicit offset (not a bare or `Z` time).
fn has_offset(v: &Value, offset: &str) -> bool {
    v.as_str().is_some_and(|s| s.ends_with(offset))
}

/// Opens the calendar's week of `monday` once the first sync is done.
pub(crate) async fn week_of(client: &Client, monday: &str) -> TestResult {
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the account syncs from the app",
        Duration::from_secs(120),
        |t| t.starts_with("Up to date"),
    )
    .await?;
    click(client, "[data-nav=calendar]").await?;
    click(client, ".fc-timeGridWeek-button").await?;
    set_field(client, "input[aria-label='Go to date']", monday).await?;
    client
        .execute(
            "document.querySelector(\"input[aria-label='Go to date']\").form.requestSubmit();",
            vec![],
        )
        .await?;
    wait_for(client, &format!(".fc-timegrid-col[data-date='{monday}']")).await?;
    Ok(())
}

/// Scrolls the week's time grid so the slot line of `time` (HH:MM:SS) is in the middle.
pub(crate) async fn scroll_to_slot(client: &Client, time: &str) -> TestResult {
    let lane = format!(".fc-timegrid-slot-lane[data-time='{time}']");
    wait_for(client, &lane).await?;
    client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });",
            vec![json!(lane)],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(())
}

/// The screen point in the middle of the half-hour slot starting at `time`
/// (HH:MM:SS) in the day column `date`.
async fn slot_point(client: &Client, date: &str, time: &str) -> TestResult<(i64, i64)> {
    let lane = format!(".fc-timegrid-slot-lane[data-time='{time}']");
    let (x, _) = screen_point(
        client,
        &format!(".fc-timegrid-col[data-date='{date}']"),
        0.5,
        0.5,
    )
    .await?;
    let (_, y) = screen_point(client, &lane, 0.5, 0.5).await?;
    Ok((x, y))
}

/// The names and ids of the firm's first locations on the sandbox.
async fn locations(firm: &Firm) -> TestResult<Vec<(String, i64)>> {
    let dump = firm.dump().await?;
    let all = dump["records"]["locations"]
        .as_array()
        .ok_or("the sandbox has no locations")?;
    let list: Vec<(String, i64)> = all
        .iter()
        .filter_map(|l| Some((l["name"].as_str()?.to_owned(), l["id"].as_i64()?)))
        .collect();
    if list.len() < 3 {
        return Err(format!("the sandbox seeds fewer than 3 locations: {list:?}").into());
    }
    Ok(list)
}

/// The calendar element of the event named `name`.
pub(crate) fn event_css(name: &str) -> String {
    format!(".fc-event[title^='{name}']")
}

async fn has_class(client: &Client, css: &str, class: &str) -> TestResult<bool> {
    let el = wait_for(client, css).await?;
    Ok(el
        .attr("class")
        .await?
        .is_some_and(|c| c.split_whitespace().any(|k| k == class)))
}

async fn wait_class(
    client: &Client,
    css: &str,
    class: &str,
    present: bool,
    limit: Duration,
) -> TestResult {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(now) = has_class(client, css, class).await {
            if now == present {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Err(format!(
        "`{css}` never {} class {class}",
        if present { "got" } else { "lost" }
    )
    .into())
}

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

#[test]
fn a_task_is_created_and_ticked_off_in_the_window() {
    if !window_tests_enabled("a_task_is_created_and_ticked_off_in_the_window") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-tasks-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        firm.cli(&["sync"])?;
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let name = format!("Serve the subpoena {}", std::process::id());
        let result = async {
            wait_for_text_within(
                &client,
                "[data-testid=sync-status]",
                "the account syncs from the app",
                Duration::from_secs(120),
                |t| t.starts_with("Up to date"),
            )
            .await?;
            click(&client, "[data-nav=tasks]").await?;
            wait_for(&client, "[data-testid=tasks-list]").await?;
            shot(&client, "tasks-grouped").await?;
            click(&client, "[data-testid=new-task]").await?;
            wait_for(&client, "[data-testid=task-dialog] input[name=name]")
                .await?
                .send_keys(&name)
                .await?;
            set_field(
                &client,
                "[data-testid=task-dialog] input[name=due]",
                "2026-12-20",
            )
            .await?;
            shot(&client, "task-dialog").await?;
            click(&client, "[data-testid=task-save]").await?;
            let made = on_server(&firm, "tasks", &name, "the new task", |_| true).await?;
            assert_eq!(made["due_date"], "2026-12-20", "{made}");
            assert_eq!(made["completed"], false);
            let row = format!("li[data-task-id] input[aria-label='Complete {name}']");
            click(&client, &row).await?;
            on_server(&firm, "tasks", &name, "the completed task", |t| {
                t["completed"] == true
            })
            .await?;
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        let ended = end_session(client, "failure-tasks.png", result).await;
        drop(driver);
        ended?;
        firm.sandbox.shutdown().await;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("task test failed: {err}");
    }
}

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
