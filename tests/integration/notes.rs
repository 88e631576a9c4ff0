//! A LegalServer matter's case notes in the real window against the
//! sandbox: the case is opened from global search; its overview reads the
//! notes from the server, newest first, a note made on LegalServer among
//! them and its markup-looking text shown as text; with the server gone
//! the case opens again and its notes still read, from the cache.

use std::time::Duration;

use fantoccini::Client;
use serde_json::json;

use crate::documents::shot;
use crate::firm::Firm;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text,
    wait_for_text_within, window_scratch, window_tests_enabled, TestResult, APP_LOCK,
};

const ENTER: &str = "\u{E007}";
const NOTE_BODY: &str = "<b>Not bold</b>: the clerk moved it to 3 pm.";

async fn open_case(client: &Client, name: &str) -> TestResult {
    let search = wait_for(client, "input[role=combobox]").await?;
    search.clear().await?;
    search.send_keys(name).await?;
    wait_for_text(
        client,
        "[data-testid=search-results]",
        "the case in the results",
        |t| t.contains(name),
    )
    .await?;
    search.send_keys(ENTER).await?;
    wait_for_text(client, "[data-testid=case-title]", "the case opened", |t| {
        t == name
    })
    .await?;
    Ok(())
}

async fn exercise(client: &Client, firm: Firm, name: &str) -> TestResult {
    crate::window::wait_until_synced(client).await?;
    open_case(client, name).await?;
    // Newest first: the note made on LegalServer last.
    wait_for_text_within(
        client,
        "[data-testid=case-notes] [data-testid=case-note] .subject",
        "the newest note first",
        Duration::from_secs(30),
        |t| t == "Hearing moved",
    )
    .await?;
    wait_for_text(
        client,
        "[data-testid=case-notes] [data-testid=case-note] .body",
        "its text as sent",
        |t| t == NOTE_BODY,
    )
    .await?;
    wait_for_text(
        client,
        "[data-testid=notes-read]",
        "when they were read",
        |t| t.starts_with("Read "),
    )
    .await?;
    shot(client, "case-notes").await?;

    // The server goes; the case opens again and its notes read from the cache.
    click(client, "[data-testid=case-back]").await?;
    firm.sandbox.shutdown().await;
    open_case(client, name).await?;
    wait_for_text_within(
        client,
        "[data-testid=notes-read]",
        "the notes as last read",
        Duration::from_secs(60),
        |t| t.starts_with("As of "),
    )
    .await?;
    wait_for_text(
        client,
        "[data-testid=case-notes] [data-testid=case-note] .subject",
        "the cached notes",
        |t| t == "Hearing moved",
    )
    .await?;
    shot(client, "case-notes-offline").await?;
    Ok(())
}

#[test]
fn a_matters_notes_read_in_the_case_screen_and_offline_afterwards() {
    if !window_tests_enabled("a_matters_notes_read_in_the_case_screen_and_offline_afterwards") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-notes-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let config = casefile_sandbox::SandboxConfig::default()
            .with_dialect(casefile_sandbox::Dialect::LegalServer)
            .with_per_minute(0);
        let firm = Firm::start_with(data_dir.clone(), config).await?;
        let dump = firm.dump().await?;
        let id = dump["records"]["cases"][0]["id"]
            .as_i64()
            .ok_or("no case on the sandbox")?;
        let name = format!("Notes matter {}", std::process::id());
        firm.admin(
            "PUT",
            &format!("/admin/records/cases/{id}"),
            Some(json!({ "name": name })),
        )
        .await?;
        // A note made on LegalServer, whose text looks like markup.
        firm.admin(
            "POST",
            &format!("/admin/notes/{id}"),
            Some(json!({
                "subject": "Hearing moved",
                "body": NOTE_BODY,
                "note_type": "Case Note",
                "date_posted": "2026-12-02",
                "is_html": false,
                "created_by": {"user_id": 1, "user_name": "Grace Adams"}
            })),
        )
        .await?;
        firm.cli(&["sync"])?;
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let result = exercise(&client, firm, &name).await;
        let result = end_session(client, "failure-notes.png", result).await;
        drop(driver);
        result
    });
    if let Err(err) = outcome {
        panic!("notes window test failed: {err}");
    }
}
