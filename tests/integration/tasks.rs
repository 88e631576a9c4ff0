//! A task created in the real window and ticked off, checked on the sandbox.

use crate::documents::shot;
use crate::firm::Firm;
use crate::window::{
    click, connect_with, end_session, start_driver_with, wait_for, window_scratch,
    window_tests_enabled, TestResult, APP_LOCK,
};

use crate::calendar_kit::*;

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
            crate::window::wait_until_synced(&client).await?;
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
