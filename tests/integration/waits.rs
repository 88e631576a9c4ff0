//! Waiting on the real window: WebDriver's find does not wait, and the
//! app draws what Rust answers asynchronously, so every test polls for the
//! element or the text it expects, with a deadline and a message saying
//! what never came.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::window::TestResult;

/// Waits until the app's status bar says its account is up to date (its
/// first sync, which a window test starts from), for up to two minutes.
pub(crate) async fn wait_until_synced(client: &Client) -> TestResult {
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the account syncs from the app",
        Duration::from_secs(120),
        |t| t.starts_with("Up to date"),
    )
    .await?;
    Ok(())
}

/// Waits for `css` as [`wait_for`] does, then clicks it.
pub(crate) async fn click(client: &Client, css: &str) -> TestResult {
    wait_for(client, css).await?.click().await?;
    Ok(())
}

/// Polls for 15 s until `css` matches an element (a find does not wait).
pub(crate) async fn wait_for(
    client: &Client,
    css: &str,
) -> TestResult<fantoccini::elements::Element> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match client.find(Locator::Css(css)).await {
            Ok(el) => return Ok(el),
            Err(e) if Instant::now() > deadline => {
                return Err(format!("`{css}` never appeared: {e}").into())
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(150)).await,
        }
    }
}

/// Polls for 15 s until `css` matches an element whose text satisfies `pred`.
pub(crate) async fn wait_for_text(
    client: &Client,
    css: &str,
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> TestResult<String> {
    wait_for_text_within(client, css, what, Duration::from_secs(15), pred).await
}

/// [`wait_for_text`] with its own deadline.
pub(crate) async fn wait_for_text_within(
    client: &Client,
    css: &str,
    what: &str,
    limit: Duration,
    pred: impl Fn(&str) -> bool,
) -> TestResult<String> {
    let deadline = Instant::now() + limit;
    let mut last = String::from("<no element>");
    while Instant::now() < deadline {
        if let Ok(el) = client.find(Locator::Css(css)).await {
            // textContent, not the rendered text: WebKit's rendered text is empty
            // for an ellipsised element; the screenshots show what is visible.
            if let Ok(Some(text)) = el.prop("textContent").await {
                let text = text.trim().to_owned();
                if pred(&text) {
                    return Ok(text);
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    Err(format!("{what}: `{css}` never matched; last text seen: {last:?}").into())
}
