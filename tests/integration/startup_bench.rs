//! `startup-bench`: a cold start of the real window on a 50,000-case cache,
//! from launching the app to the first case rows drawn, printed as one
//! summary line. Not a test (it asserts nothing and is ignored by default);
//! run it on a release build with the README's command.
//!
//! The cache is made first by a full sync with the CLI. The clock starts
//! just before the WebDriver session is asked for (which launches the app)
//! and stops at the animation frame that shows the first case row, seen
//! from inside the page: WebDriver timestamps, so the figure includes the
//! driver's own start-up and is an upper bound. `page_to_first_rows_ms` is
//! the part after the page began to load.

use std::time::{Duration, Instant};

use crate::firm::Firm;
use crate::window::{
    connect_with, end_session, start_driver_with, window_scratch, TestResult, APP_LOCK,
};

#[test]
#[ignore = "a benchmark: run it with the README's command"]
fn startup_bench() {
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let cases: usize = std::env::var("CASEFILE_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let (events, tasks) = (cases / 5, cases / 10);
    let (_scratch, data_dir, runtime) = window_scratch("casefile-startup-");
    let outcome: TestResult<String> = runtime.block_on(async {
        let config = casefile_sandbox::SandboxConfig::default()
            .with_rate_limit(0)
            .with_demo(
                casefile_sandbox::DemoData::Scaled { cases, events, tasks, documents: 0 },
                1,
            );
        let firm = Firm::start_with(data_dir.clone(), config).await?;
        firm.cli(&["sync"])?;
        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let launched = Instant::now();
        let client = connect_with(driver.port, &[]).await?;
        let result = async {
            let page_ms = client
                .execute_async(
                    "const finish = arguments[arguments.length - 1];
                     const tick = () => document.querySelector('[data-testid=cases-table] tbody tr td.name')
                       ? finish(performance.now()) : requestAnimationFrame(tick);
                     requestAnimationFrame(tick);",
                    vec![],
                )
                .await?
                .as_f64()
                .ok_or("no timing from the page")?;
            let launch_ms = launched.elapsed().as_secs_f64() * 1000.0;
            // Where the page's part went: its loading, and its scripts.
            let timing = client
                .execute(
                    "const n = performance.getEntriesByType('navigation')[0] || {};
                     return {
                       dom_content_loaded: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                       resources: performance.getEntriesByType('resource')
                         .map((r) => [r.name.split('/').pop(), Math.round(r.startTime), Math.round(r.duration)]),
                       marks: performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]),
                     };",
                    vec![],
                )
                .await?;
            eprintln!("startup-bench (page timing, ms): {timing}");
            // Let the launch's own sync finish before the session ends.
            tokio::time::sleep(Duration::from_secs(1)).await;
            Ok::<String, Box<dyn std::error::Error + Send + Sync>>(format!(
                "startup-bench: launch_to_first_rows_ms={launch_ms:.0} page_to_first_rows_ms={page_ms:.0} cache_rows={} (WebDriver timestamps)",
                cases + events + tasks
            ))
        }
        .await;
        let ended = end_session(client, "failure-startup-bench.png", result).await;
        drop(driver);
        firm.sandbox.shutdown().await;
        ended
    });
    match outcome {
        Ok(line) => println!("{line}"),
        Err(e) => panic!("startup-bench failed: {e}"),
    }
}
