//! `casefile-sandbox`: runs the MyCase-faithful sandbox standalone. Prints ONE JSON
//! line (base_url, authorize_url, token_url, client_id, client_secret, redirect_uri,
//! access_token, admin_token) on stdout once it is ready, then serves until SIGINT or
//! SIGTERM.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use casefile_sandbox::{start, DemoData, Dialect, FaultConfig, SandboxConfig, Storage};
use clap::Parser;

/// A local MyCase-compatible practice API with demo data and seeded fault injection.
#[derive(Parser, Debug)]
#[command(name = "casefile-sandbox", version)]
struct Args {
    /// Port on 127.0.0.1 (0 lets the OS pick a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the demo data: the same seed gives the same firm.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Start with no demo data (only the firm and one staff member).
    #[arg(long, conflicts_with_all = ["cases", "events", "tasks", "documents"])]
    empty: bool,
    /// Scaled demo data: number of cases (any of --cases/--events/--tasks/--documents
    /// switches from the small demo firm to the scaled data set; unset counts are 0).
    #[arg(long)]
    cases: Option<usize>,
    /// Scaled demo data: number of events.
    #[arg(long)]
    events: Option<usize>,
    /// Scaled demo data: number of tasks.
    #[arg(long)]
    tasks: Option<usize>,
    /// Scaled demo data: number of documents.
    #[arg(long)]
    documents: Option<usize>,
    /// Requests per second per client before 429 (0 turns the limit off).
    #[arg(long, default_value_t = 25)]
    rate_limit: u32,
    /// The API dialect: mycase, or legalserver (LegalServer's Core API v1:
    /// searches and reads, and writes of events and tasks).
    #[arg(long, value_enum, default_value_t = DialectArg::Mycase)]
    dialect: DialectArg,
    /// LegalServer's requests per minute before 429 (0 turns it off).
    #[arg(long, default_value_t = 200)]
    per_minute: u32,
    /// LegalServer without its Premium APIs: writes answer 402.
    #[arg(long)]
    no_premium: bool,
    /// SQLite file for records (default: in memory). Its records are replaced at start.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Directory for uploaded document bytes (default: a temporary directory).
    #[arg(long)]
    doc_dir: Option<PathBuf>,
    /// The registered OAuth redirect URI.
    #[arg(long, default_value = "http://127.0.0.1/casefile/oauth/callback")]
    redirect_uri: String,
    /// Access token lifetime in seconds (MyCase: 86400 = 24 h).
    #[arg(long, default_value_t = 86_400)]
    access_token_ttl: u64,
    /// Refresh token lifetime in seconds (MyCase: 1209600 = 2 weeks).
    #[arg(long, default_value_t = 1_209_600)]
    refresh_token_ttl: u64,
    /// Page link (page_token) lifetime in seconds (MyCase: 259200 = 3 days).
    #[arg(long, default_value_t = 259_200)]
    page_token_ttl: u64,
    /// Lifetime of signed upload URLs (put_url) in seconds.
    #[arg(long, default_value_t = 3600)]
    storage_url_ttl: u64,
    /// Slows storage to this many KiB per second per upload (a slow line), to
    /// watch, pause and cancel transfers by hand.
    #[arg(long)]
    storage_put_kib_s: Option<u64>,
    /// Seed of the fault-injection stream.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Fixed latency added to every /v1/ request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Extra random latency per /v1/ request, uniform in 0..=N milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_jitter_ms: u64,
    /// Share (0..1) of /v1/ requests answered 500 without being applied.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share (0..1) of /v1/ writes applied and committed, then the connection is closed
    /// with no response.
    #[arg(long, default_value_t = 0.0)]
    drop_after_commit_rate: f64,
    /// Share (0..1) of /v1/ requests that start a 429 storm.
    #[arg(long, default_value_t = 0.0)]
    storm_rate: f64,
    /// Requests per 429 storm.
    #[arg(long, default_value_t = 10)]
    storm_length: u32,
    /// Share (0..1) of /v1/ requests that start a 503 maintenance window.
    #[arg(long, default_value_t = 0.0)]
    maintenance_rate: f64,
    /// Requests per 503 maintenance window.
    #[arg(long, default_value_t = 20)]
    maintenance_length: u32,
    /// Share (0..1) of authenticated /v1/ requests whose access token expires on the spot (401).
    #[arg(long, default_value_t = 0.0)]
    token_expiry_rate: f64,
    /// Share (0..1) of /v1/ requests with a page_token whose link is treated as expired.
    #[arg(long, default_value_t = 0.0)]
    page_expiry_rate: f64,
}

impl Args {
    fn config(&self) -> SandboxConfig {
        let demo = if self.empty {
            DemoData::Empty
        } else if self.cases.is_some()
            || self.events.is_some()
            || self.tasks.is_some()
            || self.documents.is_some()
        {
            DemoData::Scaled {
                cases: self.cases.unwrap_or(0),
                events: self.events.unwrap_or(0),
                tasks: self.tasks.unwrap_or(0),
                documents: self.documents.unwrap_or(0),
            }
        } else {
            DemoData::SmallFirm
        };
        let mut cfg = SandboxConfig::default()
            .with_port(self.port)
            .with_demo(demo, self.seed)
            .with_rate_limit(self.rate_limit)
            .with_dialect(self.dialect.into())
            .with_per_minute(self.per_minute)
            .with_premium(!self.no_premium)
            .with_redirect_uri(self.redirect_uri.clone())
            .with_token_ttls(
                Duration::from_secs(self.access_token_ttl),
                Duration::from_secs(self.refresh_token_ttl),
            )
            .with_page_token_ttl(Duration::from_secs(self.page_token_ttl))
            .with_faults(FaultConfig {
                seed: self.fault_seed,
                latency_ms: self.latency_ms,
                latency_jitter_ms: self.latency_jitter_ms,
                error_rate: self.error_rate,
                drop_after_commit_rate: self.drop_after_commit_rate,
                storm_rate: self.storm_rate,
                storm_length: self.storm_length,
                maintenance_rate: self.maintenance_rate,
                maintenance_length: self.maintenance_length,
                token_expiry_rate: self.token_expiry_rate,
                page_expiry_rate: self.page_expiry_rate,
                // One-shot: set at run time with PUT /admin/faults.
                ..FaultConfig::default()
            });
        cfg.storage_url_ttl = Duration::from_secs(self.storage_url_ttl);
        if let Some(db) = &self.db {
            cfg = cfg.with_storage(Storage::File(db.clone()));
        }
        if let Some(dir) = &self.doc_dir {
            cfg = cfg.with_doc_dir(dir.clone());
        }
        if let Some(kib) = self.storage_put_kib_s {
            cfg = cfg.with_storage_put_rate(kib.saturating_mul(1024));
        }
        cfg
    }
}

/// `--dialect`, as the provider registry names providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum DialectArg {
    Mycase,
    Legalserver,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Self {
        match d {
            DialectArg::Mycase => Dialect::MyCase,
            DialectArg::Legalserver => Dialect::LegalServer,
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let sandbox = match start(args.config()).await {
        Ok(s) => s,
        Err(err) => {
            eprintln!("casefile-sandbox: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let line = match serde_json::to_string(sandbox.info()) {
        Ok(l) => l,
        Err(err) => {
            eprintln!("casefile-sandbox: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    wait_for_signal().await;
    sandbox.shutdown().await;
    std::process::ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
