//! What the calendar's window tests share: form fields set as typing would,
//! a real X pointer dragged between screen points, the week grid's slots and
//! events found by their text, and the sandbox's records awaited by name.

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fantoccini::Client;
use serde_json::{json, Value};

use crate::documents::window_origin;
use crate::firm::Firm;
use crate::window::{click, wait_for, TestResult};

/// The laptop's zone for these tests: DST changes on 2026-03-08 and 2026-11-01.
pub(crate) const ZONE: &str = "America/New_York";

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
pub(crate) async fn on_server(
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

pub(crate) fn instant(v: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a test instant")
        .with_timezone(&Utc)
}

/// The time the sandbox holds, sent with an explicit offset (not a bare or `Z` time).
pub(crate) fn has_offset(v: &Value, offset: &str) -> bool {
    v.as_str().is_some_and(|s| s.ends_with(offset))
}

/// Opens the calendar's week of `monday` once the first sync is done.
pub(crate) async fn week_of(client: &Client, monday: &str) -> TestResult {
    crate::window::wait_until_synced(client).await?;
    click(client, "[data-nav=calendar]").await?;
    let column = format!(".fc-timegrid-col[data-date='{monday}']");
    // The calendar is drawn while its settings and the first events still
    // arrive; a click in that moment can be lost, so the user's two steps
    // (Week, then Go to) are repeated until the week shows.
    for _ in 0..3 {
        click(client, ".fc-timeGridWeek-button").await?;
        set_field(client, "input[aria-label='Go to date']", monday).await?;
        client
            .execute(
                "document.querySelector(\"input[aria-label='Go to date']\").form.requestSubmit();",
                vec![],
            )
            .await?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if client.find(fantoccini::Locator::Css(&column)).await.is_ok() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
    let shown = client
        .execute(
            "return document.querySelector('.fc-toolbar-title')?.textContent ?? '(no calendar)';",
            vec![],
        )
        .await?;
    Err(format!("the week of {monday} never showed; the calendar shows {shown}").into())
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
pub(crate) async fn slot_point(client: &Client, date: &str, time: &str) -> TestResult<(i64, i64)> {
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
pub(crate) async fn locations(firm: &Firm) -> TestResult<Vec<(String, i64)>> {
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

pub(crate) async fn has_class(client: &Client, css: &str, class: &str) -> TestResult<bool> {
    let el = wait_for(client, css).await?;
    Ok(el
        .attr("class")
        .await?
        .is_some_and(|c| c.split_whitespace().any(|k| k == class)))
}

pub(crate) async fn wait_class(
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
