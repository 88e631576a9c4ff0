//! Starting and stopping the server: binding 127.0.0.1, building the router, the
//! accept loop (one hyper connection task per client, with a per-connection kill
//! switch used by the drop-after-commit fault), and graceful shutdown.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt;

use crate::auth::AuthState;
use crate::config::{Dialect, SandboxConfig, Storage};
use crate::error::{ApiError, SandboxError};
use crate::faults::Faults;
use crate::guard::ConnKill;
use crate::ratelimit::RateLimiter;
use crate::secrets::{random_token, Signer};
use crate::state::{lock, AppState};
use crate::store::Store;

/// What a client needs to talk to a running sandbox (the binary prints this as one
/// JSON line).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReadyInfo {
    /// The API dialect served, named as the client's provider registry
    /// names providers ("mycase", "legalserver").
    pub dialect: String,
    pub base_url: String,
    pub authorize_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
    pub access_token: String,
    pub admin_token: String,
    /// LegalServer's other sign-in: a user with API access, for HTTP Basic
    /// (its dialect only; generated per run).
    #[serde(default)]
    pub api_user: String,
    #[serde(default)]
    pub api_password: String,
}

/// A sandbox serving on loopback until `shutdown` (or drop, which stops accepting).
pub struct RunningSandbox {
    info: ReadyInfo,
    addr: SocketAddr,
    shutdown_tx: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    _doc_dir: Option<tempfile::TempDir>,
}

impl RunningSandbox {
    pub fn info(&self) -> &ReadyInfo {
        &self.info
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
    }
}

fn router(app: Arc<AppState>, dialect: Dialect) -> Router {
    let api = match dialect {
        Dialect::MyCase => crate::api::router().route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::guard::guard,
        )),
        // Its handlers check the token and count the minute's requests.
        Dialect::LegalServer => crate::legalserver::router().route_layer(
            axum::middleware::from_fn_with_state(app.clone(), crate::legalserver::faults::guard),
        ),
    };
    let admin = crate::admin::router().route_layer(axum::middleware::from_fn_with_state(
        app.clone(),
        crate::admin::admin_guard,
    ));
    Router::new()
        .merge(api)
        .merge(admin)
        .route("/login_sessions/new", get(crate::auth::authorize))
        .route("/tokens", axum::routing::post(crate::auth::token))
        .route(
            "/storage/{version}",
            get(crate::blobstore::download).put(crate::blobstore::upload),
        )
        .fallback(|| async { ApiError::not_found("path").into_response() })
        .method_not_allowed_fallback(|| async { ApiError::not_found("path").into_response() })
        .with_state(app)
}

/// Starts a sandbox: opens storage, loads the demo data, binds 127.0.0.1:`cfg.port`
/// and serves in the background on the current Tokio runtime.
pub async fn start(cfg: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    let listener = TcpListener::bind(("127.0.0.1", cfg.port))
        .await
        .map_err(|source| SandboxError::Bind {
            port: cfg.port,
            source,
        })?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let (doc_dir, temp) = match &cfg.doc_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            (dir.clone(), None)
        }
        None => {
            let t = tempfile::tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let store = match &cfg.storage {
        Storage::Memory => Store::open(None)?,
        Storage::File(p) => Store::open(Some(p))?,
    };
    let app = Arc::new(AppState {
        base_url: base_url.clone(),
        store,
        auth: Mutex::new(AuthState::new(&cfg)),
        signer: Signer::random(),
        limiter: Mutex::new(RateLimiter::new(cfg.rate_limit)),
        per_minute: Mutex::new(crate::legalserver::PerMinute::new(cfg.per_minute)),
        premium: std::sync::atomic::AtomicBool::new(cfg.premium),
        api_login: ("casefile-api".to_owned(), random_token(24)),
        faults: Mutex::new(Faults::new(cfg.faults.clone())),
        admin_token: random_token(32),
        page_token_ttl: cfg.page_token_ttl,
        storage_url_ttl: cfg.storage_url_ttl,
        doc_dir,
        storage_put_bytes_per_s: cfg.storage_put_bytes_per_s,
        firm: Mutex::new(serde_json::json!({})),
        me: Mutex::new(None),
        raw_items: Mutex::new(Default::default()),
        notes: Default::default(),
    });
    {
        let app = app.clone();
        let cfg = cfg.clone();
        tokio::task::spawn_blocking(move || crate::demo::load(&app, &cfg))
            .await
            .map_err(|e| SandboxError::Demo(e.to_string()))??;
    }
    let info = {
        let mut auth = lock(&app.auth);
        let issued = auth.issue(Utc::now());
        ReadyInfo {
            dialect: cfg.dialect.as_str().into(),
            authorize_url: format!("{base_url}/login_sessions/new"),
            token_url: format!("{base_url}/tokens"),
            base_url: base_url.clone(),
            client_id: auth.client_id.clone(),
            client_secret: auth.client_secret.clone(),
            redirect_uri: auth.redirect_uri.clone(),
            access_token: issued.access_token,
            admin_token: app.admin_token.clone(),
            api_user: app.api_login.0.clone(),
            api_password: app.api_login.1.clone(),
        }
    };
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, router(app, cfg.dialect), shutdown_rx));
    tracing::info!(%addr, "sandbox listening");
    Ok(RunningSandbox {
        info,
        addr,
        shutdown_tx,
        task: Some(task),
        _doc_dir: temp,
    })
}

async fn accept_loop(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let stream = tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    continue;
                }
            },
        };
        let router = router.clone();
        let mut shutdown = shutdown.clone();
        connections.spawn(async move {
            let kill = Arc::new(tokio::sync::Notify::new());
            let kill_ext = ConnKill(kill.clone());
            let service = tower::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(kill_ext.clone());
                router.clone().oneshot(req.map(Body::new))
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
        while connections.try_join_next().is_some() {}
    }
    connections.shutdown().await;
}
