//! `ui-cases-bench`: the window's timings on a 50,000-case firm, printed as
//! one summary line. Not a test (it asserts nothing and is ignored by
//! default); run it on a release build with the README's command.
//!
//! Timings are taken inside the page (performance.now() from the click or
//! key to the frame that shows the result), except the drop, which is
//! timed from the mouse release of a real OS drag of 100 files to all 100
//! shown as queued. Memory is the summed PSS of the app and its WebKit
//! processes, idle after the first sync.

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::{json, Value};

use crate::documents::{open_first_case_documents, os_drop};
use crate::firm::Firm;
use crate::window::{
    apps_for, click, connect_with, end_session, start_driver_with, wait_for, wait_for_text_within,
    window_scratch, TestResult, APP_LOCK,
};

/// Runs `action` (JS) and resolves with the ms until `done` (a JS
/// expression) is true at an animation frame.
pub(crate) async fn timed(client: &Client, action: &str, done: &str) -> TestResult<f64> {
    let script = format!(
        "const finish = arguments[arguments.length - 1];
         const t0 = performance.now();
         {action};
         const tick = () => ({done}) ? finish(performance.now() - t0) : requestAnimationFrame(tick);
         requestAnimationFrame(tick);"
    );
    let ms = client.execute_async(&script, vec![]).await?;
    ms.as_f64()
        .ok_or_else(|| format!("no timing from {action}").into())
}

/// Proportional set size of `pid` and every process below it, in MB.
fn tree_pss_mb(root: i32) -> f64 {
    let mut parents: Vec<(i32, i32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The parent is the 2nd field after the command, which may hold spaces.
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            parents.push((pid, ppid));
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    let kb: u64 = tree
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|text| {
            text.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .sum();
    kb as f64 / 1024.0
}

#[test]
#[ignore = "a benchmark: run it with the README's ui-cases-bench command"]
fn ui_cases_bench() {
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let cases: usize = std::env::var("CASEFILE_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let (scratch, data_dir, runtime) = window_scratch("casefile-bench-");
    let outcome: TestResult<String> = runtime.block_on(async {
        let config = casefile_sandbox::SandboxConfig::default()
            .with_rate_limit(0)
            .with_demo(casefile_sandbox::DemoData::Scaled { cases, events: cases / 5, tasks: cases / 10, documents: 0 }, 1);
        let firm = Firm::start_with(data_dir.clone(), config).await?;
        // The first case by name gets a folder of 1,000 documents.
        let first = firm.dump().await?["records"]["cases"]
            .as_array()
            .and_then(|all| all.iter().min_by_key(|c| c["name"].as_str().unwrap_or("").to_lowercase()).cloned())
            .ok_or("no cases")?;
        for i in 0..1000 {
            let name = format!("Exhibit {i:04}.pdf");
            firm.admin(
                "POST",
                "/admin/documents",
                Some(json!({ "document": { "case": { "id": first["id"] }, "name": name, "filename": name,
                    "path": format!("Exhibits/{name}") }, "content_base64": "eA==" })),
            )
            .await?;
        }
        firm.cli(&["sync"])?;
        let files = scratch.path().join("drop");
        std::fs::create_dir_all(&files)?;
        let dropped: Vec<std::path::PathBuf> = (0..100)
            .map(|i| {
                let path = files.join(format!("Scan {i:03}.pdf"));
                std::fs::write(&path, format!("scan {i}")).map(|_| path)
            })
            .collect::<Result<_, _>>()?;

        let driver = start_driver_with(&data_dir, &firm.app_env())?;
        let client = connect_with(driver.port, &[]).await?;
        let result = async {
            wait_for_text_within(&client, "[data-testid=sync-status]", "the app's sync", Duration::from_secs(300), |t| t.starts_with("Up to date")).await?;
            tokio::time::sleep(Duration::from_secs(5)).await;
            let pss = apps_for(&data_dir).first().map(|pid| tree_pss_mb(*pid)).ok_or("the app's process was not found")?;
            click(&client, "[data-nav=tasks]").await?;
            wait_for(&client, "[data-view=tasks]").await?;
            let first_rows = timed(&client, "document.querySelector('[data-nav=cases]').click()", "document.querySelector('[data-testid=cases-table] tbody tr td.name')").await?;
            let search = timed(
                &client,
                "const box = document.querySelector('[role=combobox]'); box.value = 'estate'; box.dispatchEvent(new Event('input', { bubbles: true }))",
                "document.querySelector('[data-testid=search-results] [role=option]')",
            )
            .await?;
            client
                .execute(
                    "const box = document.querySelector('[role=combobox]'); box.value = ''; box.dispatchEvent(new Event('input', { bubbles: true }))",
                    vec![],
                )
                .await?;
            let open = timed(&client, "document.querySelector('[data-testid=cases-table] tbody tr td.name').click()", "document.querySelector('[data-testid=case-overview]')").await?;
            // Where the time goes: the same commands called straight over IPC, no drawing.
            let ipc: Value = client
                .execute_async(
                    "const finish = arguments[arguments.length - 1];
                     const invoke = window.__TAURI_INTERNALS__.invoke;
                     const time = async (cmd, args) => { const t0 = performance.now(); await invoke(cmd, args); return performance.now() - t0; };
                     (async () => {
                       const request = { status: 'open', stage: null, practice_area: null, staff: null, client: null, text: null, sort: 'name', descending: false, offset: 0, limit: 50 };
                       const id = (await invoke('list_cases', { request })).items[0].id;
                       finish({
                         list_cases: await time('list_cases', { request }),
                         search: await time('search', { text: 'estate' }),
                         case_detail: await time('case_detail', { id, zone: 'UTC' }),
                         case_folders: await time('case_folders', { caseId: id }),
                         folder_files_1000: await time('folder_files', { caseId: id, folder: 'Exhibits' }),
                         app_info: await time('app_info', {}),
                       });
                     })().catch((e) => finish({ error: String(e) }));",
                    vec![],
                )
                .await?;
            eprintln!("ui-cases-bench (IPC only, ms): {ipc}");
            client.execute("document.querySelector('[data-testid=case-back]').click()", vec![]).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let dom: Value = client
                .execute_async(
                    "const finish = arguments[arguments.length - 1];
                     const t0 = performance.now();
                     let inserted = null;
                     const seen = new MutationObserver(() => {
                       if (inserted === null && document.querySelector('[data-testid=case-overview]')) inserted = performance.now() - t0;
                     });
                     seen.observe(document.body, { childList: true, subtree: true });
                     document.querySelector('[data-testid=cases-table] tbody tr td.name').click();
                     const tick = () => {
                       if (inserted !== null) { requestAnimationFrame(() => { seen.disconnect(); finish({ in_dom: inserted, next_frame: performance.now() - t0 }); }); }
                       else requestAnimationFrame(tick);
                     };
                     requestAnimationFrame(tick);",
                    vec![],
                )
                .await?;
            eprintln!("ui-cases-bench (case open, ms): {dom}");
            client.execute("document.querySelector('[data-testid=case-back]').click()", vec![]).await?;
            let (dx, dy) = open_first_case_documents(&client).await?;
            wait_for(&client, "[role=treeitem][data-folder=Exhibits]").await?;
            let folder = timed(
                &client,
                "document.querySelector('[role=treeitem][data-folder=Exhibits]').click()",
                "document.querySelector('[data-testid=files-count]')?.textContent === '1000 documents' && document.querySelector('[data-testid=files-table] tbody tr[data-index]')",
            )
            .await?;
            client.execute("document.querySelector('[role=treeitem][data-folder=\"\"]').click()", vec![]).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let paths: Vec<&std::path::Path> = dropped.iter().map(|p| p.as_path()).collect();
            os_drop(&paths, dx, dy)?;
            let released = Instant::now();
            let deadline = released + Duration::from_secs(60);
            loop {
                let n: Value = client
                    .execute(
                        "const rows = document.querySelector('[data-testid=files-count]')?.textContent ?? ''; return parseInt(rows, 10) || 0",
                        vec![],
                    )
                    .await?;
                if n.as_u64() >= Some(100) {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(format!("only {n} of 100 dropped files shown").into());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let drop_ms = released.elapsed().as_secs_f64() * 1000.0;
            Ok::<String, Box<dyn std::error::Error + Send + Sync>>(format!(
                "ui-cases-bench: cases_first_rows_ms={first_rows:.0} search_results_ms={search:.0} case_open_ms={open:.0} folder_1000_ms={folder:.0} drop_100_files_queued_ms={drop_ms:.0} idle_pss_mb={pss:.0}"
            ))
        }
        .await;
        let ended = end_session(client, "failure-bench.png", result).await;
        drop(driver);
        firm.sandbox.shutdown().await;
        let line = ended?;
        Ok(line)
    });
    match outcome {
        Ok(line) => println!("{line}"),
        Err(e) => panic!("ui-cases-bench failed: {e}"),
    }
}
