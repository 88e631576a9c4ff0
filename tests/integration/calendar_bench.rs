//! `ui-calendar-bench`: the calendar's and the task list's timings, printed
//! as one summary line. Not a test (it asserts nothing and is ignored by
//! default); run it on a release build with the README's command.
//!
//! The firm has 2,000 events in March 2026 and 10,000 open tasks. Timings
//! are taken inside the page: from the click to the frame that shows the
//! result; for the drag, from the real pointer's release (a `pointerup`
//! listener) to the frame where the moved event carries its pending mark.

use std::time::Duration;

use serde_json::{json, Value};

use crate::bench::timed;
use crate::calendar_kit::{event_css, pointer_drag, screen_point, scroll_to_slot, week_of};
use crate::firm::Firm;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text_within,
    window_scratch, TestResult, APP_LOCK,
};

/// Inserts `records` of `kind` on the sandbox, a thousand at a time.
async fn insert(firm: &Firm, kind: &str, records: Vec<Value>) -> TestResult {
    for chunk in records.chunks(1000) {
        firm.admin(
            "POST",
            &format!("/admin/records/{kind}"),
            Some(Value::Array(chunk.to_vec())),
        )
        .await?;
    }
    Ok(())
}

#[test]
#[ignore = "a benchmark: run it with the README's ui-calendar-bench command"]
fn ui_calendar_bench() {
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let events: usize = std::env::var("CASEFILE_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let tasks: usize = std::env::var("CASEFILE_BENCH_TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let (_scratch, data_dir, runtime) = window_scratch("casefile-calendar-bench-");
    let outcome: TestResult<String> = runtime.block_on(async {
        let config = casefile_sandbox::SandboxConfig::default().with_rate_limit(0);
        let firm = Firm::start_with(data_dir.clone(), config).await?;
        let staff = firm.dump().await?["records"]["staff"][0]["id"].clone();
        // 2,000 events over March's working hours, New York time.
        let month: Vec<Value> = (0..events)
            .map(|i| {
                let day = 1 + i % 31;
                let hour = 8 + (i / 31) % 10;
                let minute = (i / 310) % 4 * 15;
                let at = |h: usize| format!("2026-03-{day:02}T{h:02}:{minute:02}:00-04:00");
                json!({ "name": format!("Bench event {i:04}"), "start": at(hour), "end": at(hour + 1),
                        "all_day": false, "private": false, "description": "", "staff": [{ "id": staff }] })
            })
            .collect();
        insert(&firm, "events", month).await?;
        // The one the drag moves, alone in the evening.
        insert(&firm, "events", vec![json!({ "name": "Bench drag target", "start": "2026-03-10T20:00:00-04:00",
            "end": "2026-03-10T21:00:00-04:00", "all_day": false, "private": false, "description": "",
            "staff": [{ "id": staff }] })]).await?;
        let open: Vec<Value> = (0..tasks)
            .map(|i| {
                let priority = ["Low", "Medium", "High"][i % 3];
                json!({ "name": format!("Bench task {i:05}"), "priority": priority,
                        "due_date": format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28), "completed": false,
                        "description": "", "staff": [{ "id": staff }] })
            })
            .collect();
        insert(&firm, "tasks", open).await?;
        firm.cli(&["sync"])?;
        let [token] = firm.app_env();
        let driver = start_driver_with(&data_dir, &[token, ("TZ", "America/New_York")])?;
        let client = connect_with(driver.port, &[]).await?;
        let result = async {
            week_of(&client, "2026-02-02").await?;
            click(&client, ".fc-dayGridMonth-button").await?;
            wait_for_text_within(&client, ".fc-toolbar-title", "February", Duration::from_secs(10), |t| t == "February 2026").await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let month_ms = timed(
                &client,
                "document.querySelector('.fc-next-button').click()",
                "document.querySelector('.fc-toolbar-title')?.textContent === 'March 2026' && document.querySelectorAll('.fc-daygrid-day .fc-daygrid-event').length > 60",
            )
            .await?;
            click(&client, ".fc-timeGridWeek-button").await?;
            wait_for(&client, ".fc-timegrid-col[data-date='2026-03-01']").await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let week_ms = timed(
                &client,
                "document.querySelector('.fc-next-button').click()",
                "document.querySelector(\".fc-timegrid-col[data-date='2026-03-08']\") && document.querySelectorAll('.fc-timegrid-event').length > 100",
            )
            .await?;
            // A real drag of one event to the next day; timed from the release.
            scroll_to_slot(&client, "20:00:00").await?;
            let name = "Bench drag target";
            let css = event_css(name);
            let target = wait_for(&client, &css).await?;
            let (_, _, w, _) = target.rectangle().await?;
            client
                .execute(
                    "window.__drag = { up: null, pending: null };
                     window.addEventListener('pointerup', () => { window.__drag.up = performance.now(); }, { once: true, capture: true });
                     const watch = () => {
                       const el = document.querySelector(arguments[0]);
                       if (window.__drag.up !== null && el && el.classList.contains('edit-pending')) {
                         requestAnimationFrame(() => { window.__drag.pending = performance.now(); });
                       } else requestAnimationFrame(watch);
                     };
                     requestAnimationFrame(watch);",
                    vec![json!(css)],
                )
                .await?;
            let grab = screen_point(&client, &css, 0.5, 0.3).await?;
            pointer_drag(grab, (grab.0 + w as i64, grab.1))?;
            let deadline = std::time::Instant::now() + Duration::from_secs(15);
            let drag_ms = loop {
                let d: Value = client.execute("return window.__drag", vec![]).await?;
                if let (Some(up), Some(p)) = (d["up"].as_f64(), d["pending"].as_f64()) {
                    break p - up;
                }
                if std::time::Instant::now() > deadline {
                    return Err(format!("the dragged event never showed its pending mark: {d}").into());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            // Where the time goes: the month's and the week's events straight over IPC, no drawing.
            let ipc: Value = client
                .execute_async(
                    "const finish = arguments[arguments.length - 1];
                     const invoke = window.__TAURI_INTERNALS__.invoke;
                     const time = async (range) => { const t0 = performance.now(); const n = (await invoke('list_events', { range })).length; return [Math.round(performance.now() - t0), n]; };
                     (async () => finish({
                       month: await time({ from: '2026-03-01T05:00:00Z', to: '2026-04-12T04:00:00Z', zone: 'America/New_York', case_id: null, staff_id: null }),
                       week: await time({ from: '2026-03-08T05:00:00Z', to: '2026-03-15T04:00:00Z', zone: 'America/New_York', case_id: null, staff_id: null }),
                     }))().catch((e) => finish({ error: String(e) }));",
                    vec![],
                )
                .await?;
            eprintln!("ui-calendar-bench (IPC only, [ms, events]): {ipc}");
            let tasks_ms = timed(
                &client,
                "document.querySelector('[data-nav=tasks]').click()",
                "document.querySelector('[data-testid=tasks-list] h3') && document.querySelector('[data-testid=tasks-list] li')",
            )
            .await?;
            wait_for_text_within(&client, "[data-testid=pager]", "the task count", Duration::from_secs(10), |t| !t.is_empty()).await?;
            Ok::<String, Box<dyn std::error::Error + Send + Sync>>(format!(
                "ui-calendar-bench: month_2000_ms={month_ms:.0} week_switch_ms={week_ms:.0} drag_to_pending_ms={drag_ms:.0} tasks_10k_ms={tasks_ms:.0}"
            ))
        }
        .await;
        let ended = end_session(client, "failure-calendar-bench.png", result).await;
        drop(driver);
        firm.sandbox.shutdown().await;
        ended
    });
    match outcome {
        Ok(line) => println!("{line}"),
        Err(e) => panic!("ui-calendar-bench failed: {e}"),
    }
}
