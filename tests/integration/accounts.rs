//! Accounts in the real window. A first run opens on the demo firm and says
//! so; an account is added on the Accounts screen against the sandbox and
//! signed in through "the system browser" (a stand-in on `$BROWSER` hands
//! the test the URL, and the test follows it as a browser would, into the
//! app's loopback redirect); the window then shows that firm's cases, can
//! switch back to the demo firm, and signs the account out, which removes
//! its cache and its keychain entries.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::documents::shot;
use crate::firm::Firm;
use crate::secrets_on_disk::{assert_no_secret_on_disk, keychain_secrets, walkdir};
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, wait_for_text,
    wait_for_text_within, window_scratch, window_tests_enabled, TestResult, APP_LOCK,
};

/// A name no demo case has, so the list shows which firm is shown.
const MARK: &str = "Aardvark Holdings v. Window Sign-In";

async fn fill(client: &Client, css: &str, text: &str) -> TestResult {
    let field = wait_for(client, css).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

/// A "browser" that writes the URL it is given where the test reads it.
fn stand_in_browser(dir: &Path) -> TestResult<(String, std::path::PathBuf)> {
    let asked = dir.join("browser-asked");
    let script = dir.join("browser");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            asked.display()
        ),
    )?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    Ok((script.display().to_string(), asked))
}

/// Waits for the app to open the browser, then plays it: follows the
/// sandbox's consent redirect into the app's loopback listener.
async fn play_browser(asked: &Path, authorize_url: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(20);
    let url = loop {
        if let Some(line) = std::fs::read_to_string(asked)
            .ok()
            .and_then(|t| t.lines().last().map(str::to_owned))
        {
            break line;
        }
        if Instant::now() > deadline {
            return Err("the app never opened the browser to sign in".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    if !url.starts_with(authorize_url) || !url.contains("code_challenge_method=S256") {
        return Err(format!("the browser was sent to {url}, not a PKCE sign-in").into());
    }
    let page = casefile_providers::http::client(Duration::from_secs(20))?
        .get(&url)
        .send()
        .await?;
    if page.url().host_str() != Some("127.0.0.1") || !page.status().is_success() {
        return Err(format!("the redirect landed on {} ({})", page.url(), page.status()).into());
    }
    Ok(())
}

async fn filter_cases(client: &Client, text: &str) -> TestResult {
    fill(client, "input[aria-label='Filter cases']", text).await
}

async fn exercise(client: &Client, firm: &Firm, asked: &Path) -> TestResult<Vec<(String, String)>> {
    // First run: the demo firm, said plainly, with a way to add a real account.
    let banner = wait_for_text_within(
        client,
        "[data-testid=demo-banner]",
        "the demo firm banner",
        Duration::from_secs(30),
        |t| t.contains("demo firm"),
    )
    .await?;
    assert!(banner.contains("invented"), "{banner}");
    wait_for(client, "[data-testid=cases-table] tbody tr td.name").await?;
    shot(client, "first-run-demo").await?;
    click(client, "[data-testid=add-real-account]").await?;
    wait_for_text(
        client,
        "[data-testid=no-accounts]",
        "no accounts yet",
        |t| t.contains("No firm account"),
    )
    .await?;
    shot(client, "accounts-empty").await?;

    // Add the sandbox firm and sign in through the browser.
    let info = &firm.info;
    fill(
        client,
        "[data-testid=add-account] input[name=base_url]",
        &info.base_url,
    )
    .await?;
    fill(
        client,
        "[data-testid=add-account] input[name=client_id]",
        &info.client_id,
    )
    .await?;
    fill(
        client,
        "[data-testid=add-account] input[name=client_secret]",
        &info.client_secret,
    )
    .await?;
    fill(
        client,
        "[data-testid=add-account] input[name=zone]",
        "America/Chicago",
    )
    .await?;
    click(client, "[data-testid=add-account] summary").await?;
    fill(
        client,
        "[data-testid=add-account] input[name=authorize_url]",
        &info.authorize_url,
    )
    .await?;
    fill(
        client,
        "[data-testid=add-account] input[name=token_url]",
        &info.token_url,
    )
    .await?;
    click(client, "[data-testid=add-submit]").await?;
    wait_for(client, "[data-testid=sign-in-waiting]").await?;
    shot(client, "accounts-signing-in").await?;
    play_browser(asked, &info.authorize_url).await?;

    // Signed in: the window shows the firm's own cases, synced from its server.
    wait_for(client, "[data-view=cases]").await?;
    filter_cases(client, "Aardvark").await?;
    wait_for_text_within(
        client,
        "[data-testid=cases-table] tbody tr td.name",
        "the firm's own case",
        Duration::from_secs(60),
        |t| t == MARK,
    )
    .await?;
    if client
        .find(Locator::Css("[data-testid=demo-banner]"))
        .await
        .is_ok()
    {
        return Err("the demo banner still shows over a real account".into());
    }
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the account's sync",
        Duration::from_secs(60),
        |t| t.contains("Up to date"),
    )
    .await?;

    // The Accounts screen lists it, signed in and shown.
    click(client, "[data-nav=accounts]").await?;
    wait_for_text(
        client,
        "[data-testid=account] [data-testid=account-state]",
        "signed in",
        |t| t == "Signed in",
    )
    .await?;
    wait_for_text(client, "[data-testid=account]", "shown now", |t| {
        t.contains("Shown now")
    })
    .await?;
    shot(client, "accounts-full").await?;
    // What the sign-in and the sync put in the keychain, read before the
    // sign-out removes it, to search the disk and the log for afterwards.
    let secrets = keychain_secrets(&firm.data_dir)?;
    if !secrets
        .iter()
        .any(|(what, _)| what.ends_with("refresh_token"))
    {
        return Err(format!("the signed-in account keeps no refresh token: {secrets:?}").into());
    }

    // Back to the demo firm: its banner returns and the firm's case is not listed.
    click(client, "[data-testid=show-demo]").await?;
    wait_for(client, "[data-testid=demo-banner]").await?;
    filter_cases(client, "Aardvark").await?;
    tokio::time::sleep(Duration::from_millis(800)).await;
    for row in client
        .find_all(Locator::Css("[data-testid=cases-table] tbody tr td.name"))
        .await?
    {
        if row.text().await? == MARK {
            return Err("the demo firm lists the account's case".into());
        }
    }

    // Sign the account out: it is gone from the screen and from the laptop.
    click(client, "[data-nav=accounts]").await?;
    click(client, "[data-testid=account] [data-testid=sign-out]").await?;
    wait_for(client, "[data-testid=sign-out-dialog]").await?;
    shot(client, "accounts-sign-out").await?;
    click(client, "[data-testid=sign-out-confirm]").await?;
    wait_for(client, "[data-testid=no-accounts]").await?;
    Ok(secrets)
}

#[test]
fn an_account_is_added_signed_in_switched_and_signed_out_in_the_window() {
    if !window_tests_enabled("an_account_is_added_signed_in_switched_and_signed_out_in_the_window")
    {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (scratch, data_dir, runtime) = window_scratch("casefile-accounts-e2e-");
    let outcome: TestResult = runtime.block_on(async {
        let firm = Firm::sandbox_only(data_dir.clone(), casefile_sandbox::SandboxConfig::default())
            .await?;
        let dump = firm.dump().await?;
        let case_id = dump["records"]["cases"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["status"] == "open")
            .and_then(|c| c["id"].as_i64())
            .ok_or("no open case on the sandbox")?;
        firm.admin(
            "PUT",
            &format!("/admin/records/cases/{case_id}"),
            Some(json!({ "name": MARK })),
        )
        .await?;
        let (browser, asked) = stand_in_browser(scratch.path())?;
        // The app's log at its most verbose: no secret may reach it.
        let driver = start_driver_with(
            &data_dir,
            &[("BROWSER", browser.as_str()), ("RUST_LOG", "trace")],
        )?;
        let client = connect_with(driver.port, &[]).await?;
        let result = exercise(&client, &firm, &asked).await;
        let result = end_session(client, "failure-accounts.png", result).await;
        drop(driver);
        let secrets = result?;
        assert_no_secret_on_disk(&data_dir, &secrets)?;
        // Signed out: no settings, no cache, no blobs left for the account.
        let left: Vec<String> = std::fs::read_dir(data_dir.join("accounts"))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("demo") && n != "chosen-account")
            .collect();
        if !left.is_empty() {
            return Err(format!("signing out left {left:?} on the laptop").into());
        }
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("accounts window test failed: {err}");
    }
}

/// A case name the LegalServer firm alone has.
const TOKEN_MARK: &str = "Quillon Estate v. Token Sign-In";

/// A LegalServer firm (the sandbox in its dialect, without Premium): the
/// form asks for a personal access token instead of a browser sign-in, the
/// account syncs at once, a task made here waits for Premium with the
/// status bar saying so and goes out once the firm has it, Delete is not
/// offered (its API has none), and the screen says how it is signed in.
async fn add_by_token(client: &Client, firm: &Firm) -> TestResult {
    wait_for(client, "[data-testid=demo-banner]").await?;
    click(client, "[data-testid=add-real-account]").await?;
    wait_for(client, "[data-testid=add-account]").await?;
    client
        .find(Locator::Css(
            "[data-testid=add-account] select[name=provider]",
        ))
        .await?
        .select_by_value("legalserver")
        .await?;
    wait_for(client, "[data-testid=add-by-token]").await?;
    if client
        .find(Locator::Css(
            "[data-testid=add-account] input[name=client_id]",
        ))
        .await
        .is_ok()
    {
        return Err("the token form still asks for a client ID".into());
    }
    fill(
        client,
        "[data-testid=add-account] input[name=base_url]",
        &firm.info.base_url,
    )
    .await?;
    // Without the token the field says what is missing.
    click(client, "[data-testid=add-submit]").await?;
    wait_for_text(
        client,
        "[data-testid=add-account] label:has(input[name=token]) .field-error",
        "the token's error",
        |t| t.contains("personal access token"),
    )
    .await?;
    fill(
        client,
        "[data-testid=add-account] input[name=token]",
        &firm.info.access_token,
    )
    .await?;
    fill(
        client,
        "[data-testid=add-account] input[name=zone]",
        "America/Chicago",
    )
    .await?;
    shot(client, "accounts-add-by-token").await?;
    click(client, "[data-testid=add-submit]").await?;

    wait_for(client, "[data-view=cases]").await?;
    filter_cases(client, "Quillon").await?;
    wait_for_text_within(
        client,
        "[data-testid=cases-table] tbody tr td.name",
        "the LegalServer firm's matter",
        Duration::from_secs(60),
        |t| t == TOKEN_MARK,
    )
    .await?;
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the account's sync",
        Duration::from_secs(60),
        |t| t.contains("Up to date"),
    )
    .await?;
    // LegalServer takes new and changed tasks and events, but no deletes;
    // this firm lacks Premium, so a change waits and the status bar says why.
    click(client, "[data-nav=tasks]").await?;
    let new_task = wait_for(client, "[data-testid=new-task]").await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !new_task.is_enabled().await? {
        if Instant::now() > deadline {
            return Err("New task is not offered on a LegalServer account".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    new_task.click().await?;
    let name = "Call the clerk (needs Premium)";
    wait_for(client, "[data-testid=task-dialog] input[name=name]")
        .await?
        .send_keys(name)
        .await?;
    crate::calendar_kit::set_field(
        client,
        "[data-testid=task-dialog] input[name=due]",
        "2026-12-21",
    )
    .await?;
    click(client, "[data-testid=task-save]").await?;
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the hold for Premium",
        Duration::from_secs(60),
        |t| t.contains("needs LegalServer's Premium APIs") && t.contains("1 change waits"),
    )
    .await?;
    let state = wait_for(client, "[data-testid=sync-status]")
        .await?
        .attr("data-state")
        .await?;
    if state.as_deref() != Some("needs_plan") {
        return Err(format!("changes held for Premium show as {state:?}, not a warning").into());
    }
    shot(client, "status-needs-premium").await?;
    let on_server = |dump: Value| {
        dump["records"]["tasks"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["name"] == name))
    };
    if on_server(firm.dump().await?) {
        return Err("a task reached a firm without Premium".into());
    }
    // Delete is not offered, and says why.
    click(client, &format!("button.name[title^='{name}']")).await?;
    let delete = wait_for(client, "[data-testid=task-delete]").await?;
    if delete.is_enabled().await? {
        return Err("Delete is offered on a LegalServer task".into());
    }
    let why = delete.attr("title").await?.unwrap_or_default();
    if !why.contains("LegalServer") || !why.contains("deleted") {
        return Err(format!("Delete's tooltip does not say why: {why:?}").into());
    }
    shot(client, "task-dialog-no-delete").await?;
    client
        .find(Locator::Css("[data-testid=task-dialog] input[name=name]"))
        .await?
        .send_keys("\u{E00C}")
        .await?;
    // The firm gets Premium: the waiting change goes out at the next sync.
    firm.admin("PUT", "/admin/premium", Some(json!({ "premium": true })))
        .await?;
    click(client, "[data-testid=sync-status]").await?;
    click(client, "[data-testid=sync-now]").await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !on_server(firm.dump().await?) {
        if Instant::now() > deadline {
            return Err("the held task did not go out once Premium was on".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the hold lifted",
        Duration::from_secs(60),
        |t| t.contains("Up to date"),
    )
    .await?;
    click(client, "[data-nav=accounts]").await?;
    wait_for_text(
        client,
        "[data-testid=account] [data-testid=account-state]",
        "signed in with a token",
        |t| t == "Signed in with a token",
    )
    .await?;
    if client
        .find(Locator::Css("[data-testid=account] [data-testid=sign-in]"))
        .await
        .is_ok()
    {
        return Err("a token account offers a browser sign-in".into());
    }
    shot(client, "accounts-token-full").await?;
    click(client, "[data-testid=account] [data-testid=sign-out]").await?;
    wait_for(client, "[data-testid=sign-out-dialog]").await?;
    click(client, "[data-testid=sign-out-confirm]").await?;
    // The account was shown: the window goes back to the demo firm.
    wait_for(client, "[data-testid=demo-banner]").await?;
    click(client, "[data-nav=accounts]").await?;
    wait_for(client, "[data-testid=no-accounts]").await?;
    Ok(())
}

#[test]
fn a_legalserver_account_is_added_with_a_token_and_syncs_in_the_window() {
    if !window_tests_enabled("a_legalserver_account_is_added_with_a_token_and_syncs_in_the_window")
    {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-token-account-");
    let outcome: TestResult = runtime.block_on(async {
        let config = casefile_sandbox::SandboxConfig::default()
            .with_dialect(casefile_sandbox::Dialect::LegalServer)
            .with_per_minute(0)
            .with_premium(false);
        let firm = Firm::sandbox_only(data_dir.clone(), config).await?;
        let dump = firm.dump().await?;
        let case_id = dump["records"]["cases"][0]["id"]
            .as_i64()
            .ok_or("no case on the sandbox")?;
        firm.admin(
            "PUT",
            &format!("/admin/records/cases/{case_id}"),
            Some(json!({ "name": TOKEN_MARK })),
        )
        .await?;
        let driver = start_driver_with(&data_dir, &[])?;
        let client = connect_with(driver.port, &[]).await?;
        let result = add_by_token(&client, &firm).await;
        let result = end_session(client, "failure-token-account.png", result).await;
        drop(driver);
        result
    });
    if let Err(err) = outcome {
        panic!("token account window test failed: {err}");
    }
}

/// A LegalServer account added in the window with an API user and its
/// password (HTTP Basic): it syncs, the Accounts screen names the user,
/// and the password is in no file of the data directory.
#[test]
fn a_legalserver_account_is_added_with_an_api_user_and_password_in_the_window() {
    if !window_tests_enabled(
        "a_legalserver_account_is_added_with_an_api_user_and_password_in_the_window",
    ) {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let (_scratch, data_dir, runtime) = window_scratch("casefile-basic-account-");
    let outcome: TestResult = runtime.block_on(async {
        let config = casefile_sandbox::SandboxConfig::default()
            .with_dialect(casefile_sandbox::Dialect::LegalServer)
            .with_per_minute(0);
        let firm = Firm::sandbox_only(data_dir.clone(), config).await?;
        let driver = start_driver_with(&data_dir, &[])?;
        let client = connect_with(driver.port, &[]).await?;
        let result = add_by_password(&client, &firm, &data_dir).await;
        let result = end_session(client, "failure-basic-account.png", result).await;
        drop(driver);
        result
    });
    if let Err(err) = outcome {
        panic!("basic account window test failed: {err}");
    }
}

async fn add_by_password(client: &Client, firm: &Firm, data_dir: &std::path::Path) -> TestResult {
    click(client, "[data-nav=accounts]").await?;
    let form = "[data-testid=add-account]";
    wait_for(client, form).await?;
    client
        .find(Locator::Css(&format!("{form} select[name=provider]")))
        .await?
        .select_by_value("legalserver")
        .await?;
    click(client, "[data-testid=sign-in-with-password]").await?;
    fill(
        client,
        &format!("{form} input[name=base_url]"),
        &firm.info.base_url,
    )
    .await?;
    fill(
        client,
        &format!("{form} input[name=user]"),
        &firm.info.api_user,
    )
    .await?;
    // Without the password its field says what is missing.
    click(client, "[data-testid=add-submit]").await?;
    wait_for_text(
        client,
        &format!("{form} label:has(input[name=password]) .field-error"),
        "the password's error",
        |t| t.contains("password"),
    )
    .await?;
    fill(
        client,
        &format!("{form} input[name=password]"),
        &firm.info.api_password,
    )
    .await?;
    shot(client, "accounts-add-by-password").await?;
    click(client, "[data-testid=add-submit]").await?;
    wait_for(client, "[data-view=cases]").await?;
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the account's sync",
        Duration::from_secs(60),
        |t| t.contains("Up to date"),
    )
    .await?;
    wait_for(client, "[data-testid=cases-table] tbody tr td.name").await?;
    click(client, "[data-nav=accounts]").await?;
    let user = firm.info.api_user.clone();
    wait_for_text(
        client,
        "[data-testid=account] [data-testid=account-state]",
        "signed in as the API user",
        |t| t == format!("Signed in as {user}"),
    )
    .await?;
    shot(client, "accounts-basic-full").await?;
    let needle = firm.info.api_password.as_bytes();
    for entry in walkdir(data_dir) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        if bytes.windows(needle.len()).any(|w| w == needle) {
            return Err(format!("the password is readable in {}", entry.display()).into());
        }
    }
    Ok(())
}
