//! Shared set-up for the sync tests: a real sandbox on loopback, a scratch
//! cache, and a MyCase client with in-memory secrets.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use casefile_domain::entity::Kind;
use casefile_domain::ids::AccountId;
use casefile_providers::legalserver::LegalServer;
use casefile_providers::mycase::{ClientOptions, MyCase};
use casefile_providers::{
    AnyProvider, Auth, Connect, Connection, Credentials, MemorySecrets, OAuthClient, RetryPolicy,
};
use casefile_sandbox::{Dialect, FaultConfig, RunningSandbox, SandboxConfig};
use casefile_store::Store;
use casefile_sync::Syncer;
use serde_json::Value;

pub struct Fixture {
    pub sandbox: RunningSandbox,
    pub dir: tempfile::TempDir,
    pub syncer: Syncer<MyCase>,
}

impl Fixture {
    pub fn store(&self) -> &Arc<Store> {
        &self.syncer.store
    }
    pub fn client(&self) -> &Arc<MyCase> {
        &self.syncer.provider
    }
}

/// Quick retries, so fault tests do not wait for a production backoff.
pub fn fast_retries() -> ClientOptions {
    ClientOptions {
        rate_limit_per_s: Some(0),
        retry: RetryPolicy {
            min_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(200),
            max_times: 8,
        },
    }
}

/// A client for the sandbox holding a fresh access and refresh token pair.
pub async fn connect(sandbox: &RunningSandbox, options: ClientOptions) -> MyCase {
    let info = sandbox.info();
    let pair = admin(sandbox, reqwest::Method::POST, "/admin/tokens", Value::Null).await;
    let oauth = OAuthClient {
        token_url: info.token_url.clone(),
        client_id: info.client_id.clone(),
        client_secret: info.client_secret.clone(),
    };
    let auth = Arc::new(Auth::new(
        Arc::new(MemorySecrets::default()),
        "test",
        Some(oauth),
    ));
    auth.store_tokens(
        pair["access_token"].as_str().unwrap(),
        pair["refresh_token"].as_str(),
    )
    .unwrap();
    MyCase::new(&info.base_url, auth, options).unwrap()
}

pub async fn fixture_with(config: SandboxConfig, options: ClientOptions) -> Fixture {
    let sandbox = casefile_sandbox::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &AccountId("test".into())).unwrap();
    let provider = connect(&sandbox, options).await;
    Fixture {
        sandbox,
        dir,
        syncer: Syncer {
            store: Arc::new(store),
            provider: Arc::new(provider),
            zone: chrono_tz::America::New_York,
        },
    }
}

/// A LegalServer client for the sandbox, with its personal access token
/// (a user's own, as LegalServer issues them) and quick retries.
pub fn connect_legalserver(sandbox: &RunningSandbox) -> LegalServer {
    let info = sandbox.info();
    let auth = Arc::new(Auth::new(Arc::new(MemorySecrets::default()), "ls", None));
    auth.store_tokens(&info.access_token, None).unwrap();
    LegalServer::connect(Connection {
        base_url: info.base_url.clone(),
        credentials: Credentials::Bearer(auth),
        rate_limit_per_s: Some(0),
        retry: fast_retries().retry,
    })
    .unwrap()
}

/// A sandbox speaking `dialect`, a scratch cache, and the provider for it
/// as the registry hands it out, for tests that run against every dialect.
pub struct AnyFixture {
    pub sandbox: RunningSandbox,
    pub dir: tempfile::TempDir,
    pub syncer: Syncer<AnyProvider>,
}

impl AnyFixture {
    pub fn store(&self) -> &Arc<Store> {
        &self.syncer.store
    }
}

pub async fn any_fixture(dialect: Dialect, config: SandboxConfig) -> AnyFixture {
    let config = config
        .with_rate_limit(0)
        .with_dialect(dialect)
        .with_per_minute(0);
    let sandbox = casefile_sandbox::start(config).await.unwrap();
    let provider = match dialect {
        Dialect::MyCase => AnyProvider::MyCase(connect(&sandbox, fast_retries()).await),
        Dialect::LegalServer => AnyProvider::LegalServer(connect_legalserver(&sandbox)),
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &AccountId("test".into())).unwrap();
    AnyFixture {
        sandbox,
        dir,
        syncer: Syncer {
            store: Arc::new(store),
            provider: Arc::new(provider),
            zone: chrono_tz::America::New_York,
        },
    }
}

pub async fn fixture() -> Fixture {
    fixture_with(SandboxConfig::default().with_rate_limit(0), fast_retries()).await
}

pub async fn admin(
    sandbox: &RunningSandbox,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let info = sandbox.info();
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", info.base_url))
        .bearer_auth(&info.admin_token);
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

/// Replaces the sandbox's fault configuration (and restarts its counters).
pub async fn set_faults(sandbox: &RunningSandbox, faults: &FaultConfig) {
    let body = serde_json::to_value(faults).unwrap();
    admin(sandbox, reqwest::Method::PUT, "/admin/faults", body).await;
}

/// How often each fault fired since the configuration was last set.
pub async fn fault_counters(sandbox: &RunningSandbox) -> Value {
    admin(sandbox, reqwest::Method::GET, "/admin/faults", Value::Null).await["counters"].clone()
}

pub async fn dump(sandbox: &RunningSandbox) -> Value {
    admin(sandbox, reqwest::Method::GET, "/admin/dump", Value::Null).await
}

pub fn count(store: &Store, kind: Kind) -> u64 {
    store
        .counts()
        .unwrap()
        .into_iter()
        .find(|(k, _)| *k == kind)
        .unwrap()
        .1
}

/// The first cached staff member (events and tasks need one).
pub fn first_staff(store: &Store) -> casefile_domain::ids::LocalId {
    let id: String = store
        .read(|c| Ok(c.query_row("SELECT id FROM staff ORDER BY id LIMIT 1", [], |r| r.get(0))?))
        .unwrap();
    casefile_domain::ids::LocalId::parse(&id).unwrap()
}

/// The seeds a seeded suite runs: the one in `seed_var` (to replay a run),
/// else 1..=N with N from `runs_var` (default 3).
pub fn seeds(seed_var: &str, runs_var: &str) -> Vec<u64> {
    if let Some(seed) = std::env::var(seed_var).ok().and_then(|s| s.parse().ok()) {
        return vec![seed];
    }
    let runs = std::env::var(runs_var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3u64);
    (1..=runs).collect()
}

/// A new task for `staff`, due on Christmas Eve 2026.
pub fn new_task(
    store: &Store,
    name: &str,
    staff: casefile_domain::ids::LocalId,
) -> casefile_domain::entity::Task {
    casefile_domain::entity::Task {
        meta: casefile_domain::entity::Meta::local(store.account()),
        name: name.into(),
        description: None,
        priority: casefile_domain::entity::Priority::High,
        due: chrono::NaiveDate::from_ymd_opt(2026, 12, 24),
        completed: false,
        completed_at: None,
        case: None,
        staff: vec![staff],
    }
}

/// How many tasks called `name` the sandbox holds.
pub async fn server_tasks_named(f: &Fixture, name: &str) -> usize {
    dump(&f.sandbox).await["records"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["name"] == name)
        .count()
}

/// Serves `text`, unparsed, as one more item of `kind`'s first list page.
pub async fn serve_raw(f: &Fixture, kind: &str, text: String) {
    let info = f.sandbox.info();
    let response = casefile_providers::http::client(Duration::from_secs(60))
        .unwrap()
        .post(format!("{}/admin/raw_items/{kind}", info.base_url))
        .bearer_auth(&info.admin_token)
        .body(text)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}
