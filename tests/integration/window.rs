//! The real window, end to end: the built app under tauri-driver and
//! WebKitWebDriver, on the X display the test command provides (Xvfb).
//!
//! It proves the whole chain (bundle loads, IPC round trip works, Rust's
//! answers reach the screen) by looking for text only Rust can produce: the
//! data directory this test chose at random, passed to the app through
//! `CASEFILE_DATA_DIR`, and the demo firm it starts with `--demo` synced over
//! HTTP into the cache and shown in the case list. It clicks through every navigation item and saves a
//! screenshot per view under `target/e2e/`.
//!
//! A second test launches the binary twice: the second launch must hand over
//! to the first (single instance) and exit. A third syncs the demo firm with
//! `casefile-cli` into an empty data directory, then opens the app on that
//! directory and finds the first synced case in the case list.
//!
//! The tests fail, with the reason, when no display or no tauri-driver is
//! present; `CASEFILE_SKIP_WINDOW_TESTS=1` skips them explicitly, saying so.
//! They take a shared lock: two app instances at once would, by design, merge.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::common::artifacts_dir;
pub(crate) use crate::waits::{
    click, wait_for, wait_for_text, wait_for_text_within, wait_until_synced,
};

/// Serialises the tests that start the app (single instance would merge them).
pub(crate) static APP_LOCK: Mutex<()> = Mutex::new(());

pub(crate) type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The views in navigation order: (nav id, heading).
const VIEWS: &[(&str, &str)] = &[
    ("cases", "Cases"),
    ("calendar", "Calendar"),
    ("tasks", "Tasks"),
    ("documents", "Documents"),
    ("conflicts", "Conflicts"),
];

/// Runs tauri-driver; stops it with SIGTERM on drop (SIGKILL would orphan
/// WebKitWebDriver and the app, see TOOLCHAIN.md).
pub(crate) struct Driver {
    child: Child,
    pub(crate) port: u16,
    data_dir: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut stopped = false;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                stopped = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if !stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // An app the session failed to close would keep the single-instance
        // lock, and every later launch would hand over to it: stop it too.
        for pid in apps_for(&self.data_dir) {
            eprintln!("stopping an app the WebDriver session left running (pid {pid})");
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && Path::new(&format!("/proc/{pid}")).exists() {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
}

/// The pids of app processes started for `data_dir` (Linux: read from /proc).
pub(crate) fn apps_for(data_dir: &Path) -> Vec<i32> {
    let want = format!("CASEFILE_DATA_DIR={}", data_dir.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let is_app = std::fs::read_link(format!("/proc/{pid}/exe"))
                .is_ok_and(|p| p.file_name().is_some_and(|n| n == "casefile"));
            is_app
                && std::fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == want.as_bytes()))
        })
        .collect()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("pick a free port")
}

fn find_tauri_driver() -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("tauri-driver"))
            .find(|p| p.is_file())
    });
    from_path.or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
        let p = home.join("bin/tauri-driver");
        p.is_file().then_some(p)
    })
}

/// A window test's scratch folder (the app's data directory is `data/` in
/// it) and the runtime its async body runs on.
pub(crate) fn window_scratch(
    prefix: &str,
) -> (tempfile::TempDir, PathBuf, tokio::runtime::Runtime) {
    let scratch = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("a scratch folder");
    let data_dir = scratch.path().join("data");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    (scratch, data_dir, runtime)
}

pub(crate) fn start_driver(data_dir: &std::path::Path) -> TestResult<Driver> {
    start_driver_with(data_dir, &[])
}

/// [`start_driver`], with more environment for the app (a token variable).
pub(crate) fn start_driver_with(
    data_dir: &std::path::Path,
    env: &[(&str, &str)],
) -> TestResult<Driver> {
    let exe = find_tauri_driver()
        .ok_or("tauri-driver not found: run the README's test command, or `cargo install tauri-driver --locked`")?;
    let port = free_port();
    let native_port = free_port();
    let log = std::fs::File::create(artifacts_dir().join("tauri-driver.log"))?;
    let child = Command::new(exe)
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("CASEFILE_DATA_DIR", data_dir)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()?;
    let driver = Driver {
        child,
        port,
        data_dir: data_dir.to_owned(),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("tauri-driver did not start listening within 20 s (see target/e2e/tauri-driver.log)".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(driver)
}

async fn connect(port: u16) -> TestResult<Client> {
    // --demo: the app starts the embedded demo firm, as `scripts/run` does.
    connect_with(port, &["--demo"]).await
}

pub(crate) async fn connect_with(port: u16, args: &[&str]) -> TestResult<Client> {
    // Two TLS providers are linked into this binary; rustls needs to be told.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": env!("CARGO_BIN_EXE_casefile"), "args": args }),
    );
    // tauri-driver listens before WebKitWebDriver behind it is ready; on a
    // loaded machine that can take seconds, and the session request is cut
    // (IncompleteMessage) until then: ask again for up to ~10 s.
    let mut last = None;
    for attempt in 0..8u64 {
        match ClientBuilder::rustls()?
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return Ok(client),
            Err(err) => last = Some(err),
        }
        tokio::time::sleep(Duration::from_millis(500 + 250 * attempt)).await;
    }
    Err(format!("could not open a WebDriver session: {last:?}").into())
}

/// Ends a WebDriver session after a test's body: on failure saves a
/// screenshot as `target/e2e/{failure_png}`, and always closes the session
/// (or the app is orphaned). The body's error comes first.
pub(crate) async fn end_session<T>(
    client: Client,
    failure_png: &str,
    result: TestResult<T>,
) -> TestResult<T> {
    if result.is_err() {
        if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(artifacts_dir().join(failure_png), png);
        }
    }
    let closed = client.close().await;
    let value = result?;
    closed?;
    Ok(value)
}

async fn exercise_window(client: &Client, data_dir: &str) -> TestResult {
    // Text only Rust can produce: the data directory this test picked.
    let expected = format!("Local cache: {data_dir}");
    wait_for_text(
        client,
        "[data-testid=cache-location]",
        "IPC round trip",
        |t| t == expected,
    )
    .await?;
    let version = format!("Casefile {}", env!("CARGO_PKG_VERSION"));
    wait_for_text(
        client,
        "[data-testid=app-version]",
        "app version from Rust",
        |t| t == version,
    )
    .await?;
    // A first sync in a debug build on a busy 2-core machine can take a while.
    wait_for_text_within(
        client,
        "[data-testid=sync-status]",
        "the demo firm synced over HTTP into the cache",
        Duration::from_secs(120),
        |t| t.starts_with("Up to date: ") && t.contains(" cases, synced at "),
    )
    .await?;

    // The synced cases reached the screen: sandbox -> HTTP -> SQLite -> IPC -> table.
    wait_for_text(
        client,
        "[data-testid=cases-table] tbody tr td.name",
        "a synced case in the case list",
        |t| !t.is_empty(),
    )
    .await?;

    let shots = artifacts_dir();
    for (id, heading) in VIEWS {
        let button = client
            .find(Locator::Css(&format!("[data-nav={id}]")))
            .await?;
        button.click().await?;
        client
            .find(Locator::Css(&format!("[data-view={id}]")))
            .await?;
        wait_for_text(client, "header h1", "view heading", |t| t == *heading).await?;
        if *id == "calendar" {
            // FullCalendar rendered its month grid and toolbar.
            wait_for_text(client, ".fc-toolbar-title", "calendar title", |t| {
                !t.is_empty()
            })
            .await?;
            client.find(Locator::Css(".fc-daygrid-day")).await?;
            // The synced events are drawn (a frozen Object.prototype once broke this).
            wait_for_text(
                client,
                ".fc-event .fc-event-title",
                "an event on the calendar",
                |t| !t.is_empty(),
            )
            .await?;
        }
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let png = client.screenshot().await?;
        if !png.starts_with(b"\x89PNG") {
            return Err(format!("screenshot of {id} is not a PNG").into());
        }
        std::fs::write(shots.join(format!("view-{id}.png")), png)?;
    }
    Ok(())
}

/// False (after saying so) when the window tests are explicitly skipped;
/// panics with instructions when there is no display.
pub(crate) fn window_tests_enabled(name: &str) -> bool {
    if std::env::var_os("CASEFILE_SKIP_WINDOW_TESTS").is_some() {
        eprintln!("SKIPPED: {name}: CASEFILE_SKIP_WINDOW_TESTS is set");
        return false;
    }
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the README's test command (it starts Xvfb), or set CASEFILE_SKIP_WINDOW_TESTS=1 to skip this test explicitly"
    );
    true
}

#[test]
fn the_real_window_shows_rust_data_in_every_view() {
    if !window_tests_enabled("the_real_window_shows_rust_data_in_every_view") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let scratch = tempfile::Builder::new()
        .prefix("casefile-e2e-")
        .tempdir()
        .expect("temp dir");
    let data_dir = scratch.path().join(format!("cache-{}", std::process::id()));
    let driver = start_driver(&data_dir).unwrap_or_else(|e| panic!("{e}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome: TestResult = runtime.block_on(async {
        let client = connect(driver.port).await?;
        let result = exercise_window(&client, &data_dir.display().to_string()).await;
        end_session(client, "failure.png", result).await
    });
    drop(driver);
    if let Err(err) = outcome {
        panic!("window test failed: {err}");
    }
    assert!(
        data_dir.join("logs").is_dir(),
        "the app did not create its log directory inside CASEFILE_DATA_DIR"
    );
}

/// Stops a directly launched app with SIGTERM on drop.
struct App(Child);

impl Drop for App {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn launch(data_dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .env("CASEFILE_DATA_DIR", data_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("launch the app")
}

#[test]
fn a_second_launch_hands_over_to_the_first() {
    if !window_tests_enabled("a_second_launch_hands_over_to_the_first") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let scratch = tempfile::tempdir().unwrap();
    let first_dir = scratch.path().join("first");
    let mut first = App(launch(&first_dir));
    // The first instance is up once it has opened its log.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !first_dir.join("logs").is_dir() {
        assert!(
            Instant::now() < deadline,
            "the first instance did not start within 30 s"
        );
        assert!(
            first.0.try_wait().unwrap().is_none(),
            "the first instance exited early"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));

    let second_dir = scratch.path().join("second");
    let mut second = launch(&second_dir);
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            let _ = second.wait();
            panic!("the second launch kept running: single instance is not enforced");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "the second launch exited with {status}");
    assert!(
        !second_dir.join("logs").exists(),
        "the second launch started its own app before handing over"
    );
    assert!(
        first.0.try_wait().unwrap().is_none(),
        "the first instance must keep running"
    );
}

/// The headless client, built beside this test binary by `cargo test --workspace`.
pub(crate) fn cli_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let cli = dir.join("casefile-cli");
    assert!(
        cli.is_file(),
        "{} is missing: `cargo test --workspace` builds it (or `cargo build -p casefile-cli`)",
        cli.display()
    );
    cli
}

#[test]
fn an_account_synced_by_the_cli_shows_in_the_app() {
    if !window_tests_enabled("an_account_synced_by_the_cli_shows_in_the_app") {
        return;
    }
    let _serial = APP_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let scratch = tempfile::Builder::new()
        .prefix("casefile-cli-e2e-")
        .tempdir()
        .expect("temp dir");
    let data_dir = scratch.path().join("data");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let outcome: TestResult = runtime.block_on(async {
        let sandbox = casefile_sandbox::start(casefile_sandbox::SandboxConfig::default()).await?;
        let info = sandbox.info().clone();
        let cli = |args: &[&str]| -> TestResult<String> {
            let out = Command::new(cli_binary())
                .arg("--data-dir")
                .arg(&data_dir)
                .args(args)
                .env("E2E_MYCASE_TOKEN", &info.access_token)
                .output()?;
            if !out.status.success() {
                return Err(format!(
                    "casefile-cli {args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
                .into());
            }
            Ok(String::from_utf8(out.stdout)?)
        };
        // From an empty data directory: add the account, sync, list.
        cli(&[
            "account",
            "add",
            "mycase",
            "--base-url",
            &info.base_url,
            "--token-env",
            "E2E_MYCASE_TOKEN",
        ])?;
        cli(&["sync"])?;
        let listed: serde_json::Value =
            serde_json::from_str(&cli(&["cases", "list", "--json", "--limit", "1"])?)?;
        let first = listed[0]["name"]
            .as_str()
            .ok_or("cases list printed no case")?
            .to_owned();
        sandbox.shutdown().await;

        // The app opens the same data directory (no --demo, no token: offline).
        let driver = start_driver(&data_dir)?;
        let client = connect_with(driver.port, &[]).await?;
        let result = wait_for_text(
            &client,
            "[data-testid=cases-table] tbody tr td.name",
            "the first case the CLI synced",
            |t| t == first,
        )
        .await
        .map(|_| ());
        if result.is_err() {
            if let Ok(png) = client.screenshot().await {
                let _ = std::fs::write(artifacts_dir().join("failure-cli.png"), png);
            }
        } else if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(artifacts_dir().join("cli-account.png"), png);
        }
        let closed = client.close().await;
        drop(driver);
        result?;
        closed?;
        Ok(())
    });
    if let Err(err) = outcome {
        panic!("CLI-to-app test failed: {err}");
    }
}
