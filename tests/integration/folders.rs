//! A case's folders in the real window against the sandbox: the case is
//! opened from global search (Ctrl+K, type, Enter); its Documents tab
//! walks the server's tree, so a folder another user made, still empty,
//! shows with when the tree was refreshed; a folder made with New folder
//! appears at once and reaches the server.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::documents::shot;
use crate::firm::Firm;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text, window_scratch,
    window_tests_enabled, TestResult, APP_LOCK,
};

const SERVER_FOLDER: &str = "Made on the server, empty";
const WINDOW_FOLDER: &str = "Made in the window";
const ENTER: &str = "\u{E007}";

/// The names of the folders at the root of a case, through the public API.
async fn root_folders(firm: &Firm, case: i64) -> TestResult<Vec<String>> {
    let client = casefile_providers::http::client(Duration::from_secs(20))?;
    let base = &firm.info.base_url;
    let get = |url: String| client.get(url).bearer_auth(&firm.info.access_token).send();
    let root: Value = get(format!("{base}/v1/cases/{case}/folder"))
        .await?
        .json()
        .await?;
    let id = root["id"].as_i64().ok_or("the case has no root folder")?;
    let subs: Value = get(format!("{base}/v1/folders/{id}/subfolders"))
        .await?
        .json()
        .await?;
    Ok(subs
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str().map(str::to_owned))
        .collect())
}

async fn exercise(client: &Client, firm: &Firm, case: i64, name: &str) -> TestResult {
    crate::window::wait_until_synced(client).await?;
    // Global search opens the case itself.
    let search = wait_for(client, "input[role=combobox]").await?;
    search.send_keys(name).await?;
    wait_for_text(
        client,
        "[data-testid=search-results]",
        "the case in the results",
        |t| t.contains(name),
    )
    .await?;
    search.send_keys(ENTER).await?;
    wait_for_text(
        client,
        "[data-testid=case-title]",
        "the case opened from search",
        |t| t == name,
    )
    .await?;
    click(client, "[data-tab=documents]").await?;
    wait_for_text(
        client,
        "[data-testid=folder-tree]",
        "the server's empty folder",
        |t| t.contains(SERVER_FOLDER),
    )
    .await?;
    wait_for_text(
        client,
        "[data-testid=folders-refreshed]",
        "when the tree was walked",
        |t| t.starts_with("Folders refreshed"),
    )
    .await?;
    shot(client, "case-folders-refreshed").await?;

    // New folder, from the button; Enter creates it.
    click(client, "[data-testid=new-folder]").await?;
    let field = wait_for(client, "[data-testid=new-folder-dialog] input").await?;
    field.send_keys(WINDOW_FOLDER).await?;
    shot(client, "case-new-folder").await?;
    field.send_keys(ENTER).await?;
    wait_for_text(
        client,
        "[data-testid=breadcrumb]",
        "the new folder opened",
        |t| t.contains(WINDOW_FOLDER),
    )
    .await?;
    wait_for(client, "[data-testid=folder-empty]").await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !root_folders(firm, case)
        .await?
        .iter()
        .any(|n| n == WINDOW_FOLDER)
    {
        if Instant::now() > deadline {
            return Err("the new folder never reached the server".into());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    if client
        .find(Locator::Css("[data-testid=new-folder-dialog]"))
        .await
        .is_ok()
    {
        return Err("the New folder dialog stayed open".into());
    }
    Ok(())
}

#[test]
fn a_case_opened_from_search_shows_the_servers_folders_and_makes_new_ones() {
    if !window_tests_enabled(
        "a_case_opened_from_search_shows_the_servers_folders_and_makes_new_ones",
    ) {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-folders-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::start(data_dir.clone()).await?;
        let dump = firm.dump().await?;
        let case = dump["records"]["cases"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["status"] == "open")
            .ok_or("no open case on the sandbox")?;
        let (id, name) = (
            case["id"].as_i64().ok_or("a case without an id")?,
            case["name"]
                .as_str()
                .ok_or("a case without a name")?
                .to_owned(),
        );
        // Another user of the firm makes a folder and leaves it empty.
        let made = casefile_providers::http::client(Duration::from_secs(20))?
            .post(format!("{}/v1/cases/{id}/subfolders", firm.info.base_url))
            .bearer_auth(&firm.info.access_token)
            .json(&json!({ "path": SERVER_FOLDER }))
            .send()
            .await?;
        if !made.status().is_success() {
            return Err(format!("the sandbox refused the folder: {}", made.status()).into());
        }
        firm.cli(&["sync"])?;
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let result = exercise(&client, &firm, id, &name).await;
        let result = end_session(client, "failure-folders.png", result).await;
        drop(driver);
        result
    });
    if let Err(err) = outcome {
        panic!("folders window test failed: {err}");
    }
}
