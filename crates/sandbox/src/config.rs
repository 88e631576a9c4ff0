//! Sandbox configuration: everything a caller (the desktop app, a test, or the
//! binary's flags) can choose before the server starts.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which data the sandbox starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemoData {
    /// No records at all besides the firm and the signed-in staff member.
    Empty,
    /// The realistic small firm from `casefile_demo::DemoParams::small_firm`.
    SmallFirm,
    /// A scaled data set for benchmarks.
    Scaled {
        cases: usize,
        events: usize,
        tasks: usize,
        documents: usize,
    },
}

/// Where records live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Storage {
    /// SQLite in memory; gone on shutdown.
    Memory,
    /// A SQLite file (created if missing; its records are replaced by the demo data).
    File(PathBuf),
}

/// Seeded, deterministic fault injection. Every rate is a share in 0.0..=1.0 of
/// `/v1/` requests; decisions come from one ChaCha stream seeded by `seed`, and each
/// request draws the same number of values whatever happens, so a given seed gives the
/// same fault sequence for the same request sequence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Seed of the fault stream.
    pub seed: u64,
    /// Fixed latency added to every `/v1/` request, in milliseconds.
    pub latency_ms: u64,
    /// Extra random latency, uniform in 0..=latency_jitter_ms.
    pub latency_jitter_ms: u64,
    /// Share of requests answered 500 before they are handled (nothing changes).
    pub error_rate: f64,
    /// Share of writes (POST/PUT/DELETE) that are applied and committed, after which
    /// the connection is closed without any response.
    pub drop_after_commit_rate: f64,
    /// Share of requests that start a 429 storm.
    pub storm_rate: f64,
    /// Length of a 429 storm, in requests (every request in it gets 429 + Retry-After).
    pub storm_length: u32,
    /// Share of requests that start a 503 maintenance window.
    pub maintenance_rate: f64,
    /// Length of a maintenance window, in requests.
    pub maintenance_length: u32,
    /// Share of authenticated requests whose (otherwise valid) access token is
    /// expired on the spot: that request and every later one with the token get 401.
    pub token_expiry_rate: f64,
    /// Share of requests carrying a page token whose token is treated as expired.
    pub page_expiry_rate: f64,
    /// The next N writes land late: the connection is closed at once with no
    /// answer, and the write is applied `late_write_ms` afterwards, as when a
    /// request is held upstream after the client gave up. Counted down, not
    /// drawn from the stream, so seeded fault sequences are unchanged.
    pub late_writes: u32,
    /// How long after its connection closed a late write is applied.
    pub late_write_ms: u64,
    /// When set, every next-page link points at this origin (e.g.
    /// `http://elsewhere.invalid`) instead of the sandbox: a client that
    /// followed it would send its token to another host.
    pub foreign_link_origin: Option<String>,
    /// Every create whose `name` is this is answered 500 and not made, for
    /// as long as it is set: a server that keeps failing one record.
    pub fail_creates_named: Option<String>,
}

/// Everything needed to start a sandbox. `Default` gives the documented defaults.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// The API dialect the firm is served in.
    pub dialect: Dialect,
    /// LegalServer's limit, requests per minute (0 turns it off).
    pub per_minute: u32,
    /// Whether the LegalServer firm has the Premium APIs (its writes of
    /// events and tasks); without them they answer 402.
    pub premium: bool,
    /// Port on 127.0.0.1; 0 lets the OS pick one.
    pub port: u16,
    /// Seed of the demo data.
    pub demo_seed: u64,
    /// Which demo data to load.
    pub demo: DemoData,
    /// Requests per second per client; 0 turns the limit off.
    pub rate_limit: u32,
    /// Fault injection (all off by default).
    pub faults: FaultConfig,
    /// Access token lifetime (MyCase: 24 h).
    pub access_token_ttl: Duration,
    /// Refresh token lifetime (MyCase: 2 weeks).
    pub refresh_token_ttl: Duration,
    /// Authorization code lifetime.
    pub auth_code_ttl: Duration,
    /// Page token (Link rel=next) lifetime (MyCase: 3 days).
    pub page_token_ttl: Duration,
    /// Lifetime of signed storage URLs (put_url and the 302 download target).
    pub storage_url_ttl: Duration,
    /// Record storage.
    pub storage: Storage,
    /// Directory for uploaded document bytes; `None` uses a temporary directory
    /// removed at shutdown.
    pub doc_dir: Option<PathBuf>,
    /// The registered OAuth redirect URI.
    pub redirect_uri: String,
    /// How fast storage takes an upload's bytes, per PUT (a slow office
    /// line); `None` takes them as fast as they come.
    pub storage_put_bytes_per_s: Option<u64>,
}

/// The API dialect a sandbox speaks, named as the client's provider
/// registry names providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Dialect {
    /// `/v1/`, Link paging, OAuth (the first provider).
    #[default]
    MyCase,
    /// LegalServer's Core API v1: `/api/v1/`, page numbers, a personal
    /// access token; writes of events and tasks.
    LegalServer,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::MyCase => "mycase",
            Dialect::LegalServer => "legalserver",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Dialect::MyCase, Dialect::LegalServer]
            .into_iter()
            .find(|d| d.as_str() == name)
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            dialect: Dialect::MyCase,
            per_minute: 200,
            premium: true,
            port: 0,
            demo_seed: 1,
            demo: DemoData::SmallFirm,
            rate_limit: 25,
            faults: FaultConfig::default(),
            access_token_ttl: Duration::from_secs(24 * 3600),
            refresh_token_ttl: Duration::from_secs(14 * 24 * 3600),
            auth_code_ttl: Duration::from_secs(600),
            page_token_ttl: Duration::from_secs(3 * 24 * 3600),
            storage_url_ttl: Duration::from_secs(3600),
            storage: Storage::Memory,
            doc_dir: None,
            redirect_uri: "http://127.0.0.1/casefile/oauth/callback".to_owned(),
            storage_put_bytes_per_s: None,
        }
    }
}

impl SandboxConfig {
    /// An empty firm (only the firm and one staff member), handy for tests that bring
    /// their own fixtures through the admin API.
    pub fn empty() -> Self {
        Self {
            demo: DemoData::Empty,
            ..Self::default()
        }
    }
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
    pub fn with_demo(mut self, demo: DemoData, seed: u64) -> Self {
        self.demo = demo;
        self.demo_seed = seed;
        self
    }
    pub fn with_dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }
    /// LegalServer's per-minute limit (0 turns it off).
    pub fn with_per_minute(mut self, per_minute: u32) -> Self {
        self.per_minute = per_minute;
        self
    }
    /// Whether LegalServer's Premium APIs are on (writes answer 402 without).
    pub fn with_premium(mut self, premium: bool) -> Self {
        self.premium = premium;
        self
    }
    pub fn with_rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = per_second;
        self
    }
    pub fn with_faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }
    pub fn with_page_token_ttl(mut self, ttl: Duration) -> Self {
        self.page_token_ttl = ttl;
        self
    }
    pub fn with_token_ttls(mut self, access: Duration, refresh: Duration) -> Self {
        self.access_token_ttl = access;
        self.refresh_token_ttl = refresh;
        self
    }
    pub fn with_storage(mut self, storage: Storage) -> Self {
        self.storage = storage;
        self
    }
    pub fn with_doc_dir(mut self, dir: PathBuf) -> Self {
        self.doc_dir = Some(dir);
        self
    }
    pub fn with_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = uri.into();
        self
    }
    pub fn with_storage_put_rate(mut self, bytes_per_s: u64) -> Self {
        self.storage_put_bytes_per_s = Some(bytes_per_s.max(1));
        self
    }
}
