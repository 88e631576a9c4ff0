//! Hostile server text is shown as text and never runs: case, client,
//! event, task, folder and file names carrying markup and script are put on
//! the sandbox, synced by the CLI, and browsed in the real window (the case
//! list, the case screen, its documents, the calendar, tasks and search).
//! Afterwards `window.__pwn` is still undefined, the names are on screen as
//! typed, and no Content-Security-Policy violation fired.

use std::time::Duration;

use fantoccini::Client;
use serde_json::{json, Value};

use crate::documents::shot;
use crate::firm::Firm;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text,
    wait_for_text_within, window_scratch, window_tests_enabled, TestResult, APP_LOCK,
};

const IMG: &str = "<img src=x onerror=window.__pwn=1>";
const SVG: &str = "<svg onload=window.__pwn=1>";
const SCRIPT: &str = "\"><script>window.__pwn=1</script>";
const LINK: &str = "javascript:window.__pwn=1";
/// A folder name has no "/" (a document path splits on it).
const FOLDER: &str = "\"><iframe src=javascript:window.__pwn=1>";

/// Renames records on the server, as another user of the firm could.
async fn plant(firm: &Firm) -> TestResult<()> {
    let dump = firm.dump().await?;
    let case = &dump["records"]["cases"][0];
    let case_id = case["id"].as_i64().ok_or("no case on the sandbox")?;
    firm.admin(
        "PUT",
        &format!("/admin/records/cases/{case_id}"),
        Some(json!({ "name": format!("{IMG} v. {LINK}") })),
    )
    .await?;
    let client = case["clients"][0]["id"]
        .as_i64()
        .ok_or("the first case has no client")?;
    firm.admin(
        "PUT",
        &format!("/admin/records/clients/{client}"),
        Some(json!({ "first_name": SVG })),
    )
    .await?;
    let of_case = |kind: &str| -> Vec<i64> {
        dump["records"][kind]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["case"]["id"].as_i64() == Some(case_id))
            .filter_map(|r| r["id"].as_i64())
            .collect()
    };
    for id in of_case("events") {
        firm.admin(
            "PUT",
            &format!("/admin/records/events/{id}"),
            Some(json!({ "name": SCRIPT })),
        )
        .await?;
    }
    for id in of_case("tasks") {
        firm.admin(
            "PUT",
            &format!("/admin/records/tasks/{id}"),
            Some(json!({ "name": LINK })),
        )
        .await?;
    }
    let file = format!("{IMG}.pdf");
    firm.admin(
        "POST",
        "/admin/documents",
        Some(json!({
            "document": { "case": { "id": case_id }, "name": file, "filename": file, "path": format!("{FOLDER}/{file}") },
            "content_base64": "aG9zdGlsZQ==",
        })),
    )
    .await?;
    Ok(())
}

async fn browse(client: &Client) -> TestResult<Value> {
    client
        .execute(
            "window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));",
            vec![],
        )
        .await?;
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the firm synced in the app",
        Duration::from_secs(120),
        |t| t.starts_with("Up to date"),
    )
    .await?;
    let case_name = format!("{IMG} v. {LINK}");
    wait_for(client, "input.filter")
        .await?
        .send_keys("onerror")
        .await?;
    wait_for_text(
        client,
        "[data-testid=cases-table] tbody tr td.name",
        "the hostile case, as text",
        |t| t == case_name,
    )
    .await?;
    shot(client, "xss-cases").await?;
    click(client, "[data-testid=cases-table] tbody tr td.name").await?;
    wait_for_text(
        client,
        "[data-testid=case-title]",
        "the case title, as text",
        |t| t == case_name,
    )
    .await?;
    wait_for_text(
        client,
        "[data-testid=case-overview]",
        "the client's name, as text",
        |t| t.contains(SVG),
    )
    .await?;
    shot(client, "xss-case-overview").await?;
    click(client, "[data-tab=documents]").await?;
    wait_for_text(
        client,
        "[data-testid=folder-tree]",
        "the folder's name, as text",
        |t| t.contains(FOLDER),
    )
    .await?;
    click(client, "[role=treeitem][aria-level='2']").await?;
    wait_for_text(
        client,
        "[data-testid=files-table]",
        "the file's name, as text",
        |t| t.contains(&format!("{IMG}.pdf")),
    )
    .await?;
    shot(client, "xss-case-documents").await?;
    for view in ["calendar", "tasks", "documents", "conflicts"] {
        click(client, &format!("[data-nav={view}]")).await?;
        wait_for(client, &format!("[data-view={view}]")).await?;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    let search = wait_for(client, "[role=combobox]").await?;
    search.send_keys("script").await?;
    wait_for_text(
        client,
        "[data-testid=search-results]",
        "search results, as text",
        |t| !t.is_empty(),
    )
    .await?;
    shot(client, "xss-search").await?;
    Ok(client
        .execute(
            "return { pwn: typeof window.__pwn, csp: window.__csp };",
            vec![],
        )
        .await?)
}

#[test]
fn hostile_server_text_is_shown_as_text_and_never_runs() {
    if !window_tests_enabled("hostile_server_text_is_shown_as_text_and_never_runs") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-xss-e2e-");
    let outcome: TestResult<Value> = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        plant(&firm).await?;
        firm.cli(&["sync"])?;
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let result = browse(&client).await;
        let ended = end_session(client, "failure-xss.png", result).await;
        drop(driver);
        firm.sandbox.shutdown().await;
        let seen = ended?;
        Ok(seen)
    });
    let seen = outcome.unwrap_or_else(|e| panic!("xss test failed: {e}"));
    assert_eq!(seen["pwn"], "undefined", "hostile text ran as script");
    assert_eq!(
        seen["csp"],
        json!([]),
        "Content-Security-Policy violations fired"
    );
}
