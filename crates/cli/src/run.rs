//! Dispatch: opens the account a command needs and runs it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use casefile_providers::mycase::MyCase;
use casefile_store::{Choice, Store};
use casefile_sync::account::{self, AccountSettings, OAuthSettings};
use casefile_sync::{Engine, SyncOptions, SyncReport, Syncer};
use casefile_transfer::BlobStore;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::args::{AccountCmd, Cli, Command, ConflictsCmd, Side};
use crate::error::CliError;
use crate::{docs, lists, records};

/// Prints objects as a JSON array, or one line each.
pub fn emit(json_out: bool, items: &[Value], line: impl Fn(&Value) -> String) {
    if json_out {
        println!("{}", Value::Array(items.to_vec()));
    } else if items.is_empty() {
        println!("(none)");
    } else {
        for item in items {
            println!("{}", line(item));
        }
    }
}

pub struct Ctx {
    pub data_dir: PathBuf,
    pub account: Option<String>,
}

impl Ctx {
    pub fn settings(&self) -> Result<AccountSettings, CliError> {
        Ok(account::pick(&self.data_dir, self.account.as_deref())?)
    }

    pub fn store(&self) -> Result<(AccountSettings, Store), CliError> {
        let settings = self.settings()?;
        let store = settings.open_store(&self.data_dir)?;
        Ok((settings, store))
    }

    /// The account's cache and its blob store, opened with one keychain read.
    pub fn cache(&self) -> Result<(AccountSettings, Store, BlobStore), CliError> {
        let settings = self.settings()?;
        let key = settings.cache_key()?;
        let store = settings.open_store_with(&self.data_dir, &key)?;
        let blobs = BlobStore::open(&settings.blobs_dir(&self.data_dir), &key)?;
        Ok((settings, store, blobs))
    }
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let ctx = Ctx {
        data_dir: cli.data_dir.unwrap_or_else(account::default_data_dir),
        account: cli.account,
    };
    match cli.command {
        Command::Account(cmd) => account_cmd(&ctx, cmd).await,
        Command::Sync {
            watch,
            interval,
            reconcile,
        } => sync(&ctx, watch, interval, reconcile).await,
        Command::Status { json } => status(&ctx, json),
        Command::Cases(cmd) => lists::cases(&ctx, cmd),
        Command::Events(cmd) => lists::events(&ctx, cmd),
        Command::Event(cmd) => records::event(&ctx, cmd),
        Command::Task(cmd) => records::task(&ctx, cmd),
        Command::Conflicts(cmd) => conflicts(&ctx, cmd),
        Command::Documents(cmd) => docs::documents(&ctx, cmd),
        Command::Upload {
            file,
            case,
            folder,
            queue_only,
            json,
        } => docs::upload(&ctx, &file, &case, folder.as_deref(), queue_only, json).await,
        Command::Download { doc, to, json } => {
            docs::download(&ctx, &doc, to.as_deref(), json).await
        }
        Command::Pin { case } => docs::pin(&ctx, &case).await,
        Command::Transfers { action, json } => docs::transfers(&ctx, action, json).await,
    }
}

async fn account_cmd(ctx: &Ctx, cmd: AccountCmd) -> Result<(), CliError> {
    let data_dir = ctx.data_dir.as_path();
    match cmd {
        AccountCmd::Add {
            provider: _,
            base_url,
            token_env,
            client_id,
            client_secret_env,
            authorize_url,
            token_url,
            zone,
            id,
            rate_limit,
        } => {
            for url in [&base_url, &authorize_url, &token_url] {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(CliError::Invalid(format!("{url} is not an http(s) URL")));
                }
            }
            let client_secret = match &client_secret_env {
                Some(var) => Some(
                    std::env::var(var)
                        .ok()
                        .filter(|v| !v.trim().is_empty())
                        .ok_or_else(|| {
                            CliError::Invalid(format!("the environment variable {var} is empty"))
                        })?,
                ),
                None => None,
            };
            let settings = AccountSettings {
                id: id.unwrap_or_else(|| account::id_for("mycase", &base_url)),
                provider: "mycase".into(),
                base_url,
                token_env,
                zone,
                rate_limit_per_s: rate_limit,
                oauth: client_id.map(|client_id| OAuthSettings {
                    authorize_url,
                    token_url,
                    client_id,
                }),
                secrets_ns: uuid_like(),
            };
            settings.zone()?;
            // The cache key first: without a keychain nothing is set up.
            let key = settings.cache_key()?;
            if let Some(secret) = client_secret {
                settings.set_client_secret(secret.trim())?;
            }
            settings.save(data_dir)?;
            settings.open_store_with(data_dir, &key)?;
            println!("{}", settings.id);
            Ok(())
        }
        AccountCmd::Login {
            no_browser,
            timeout,
        } => {
            let settings = ctx.settings()?;
            settings
                .sign_in(
                    |url| {
                        eprintln!("Sign in to {} in your browser:\n{url}", settings.base_url);
                        if no_browser {
                            Ok(())
                        } else {
                            crate::browser::open(url)
                        }
                    },
                    Duration::from_secs(timeout),
                )
                .await?;
            eprintln!("Signed in to {}.", settings.id);
            Ok(())
        }
        AccountCmd::Logout { force } => {
            let settings = ctx.settings()?;
            settings.sign_out(data_dir, force)?;
            eprintln!("Signed out of {}; its local data was removed.", settings.id);
            Ok(())
        }
        AccountCmd::List { json } => {
            let mut items = Vec::new();
            for a in account::list(data_dir)? {
                // Unknown (null) when the keychain cannot be asked; the list still shows.
                let signed_in = a.signed_in().ok();
                items.push(json!({
                    "id": a.id, "provider": a.provider, "base_url": a.base_url,
                    "zone": a.zone, "signed_in": signed_in,
                    "sign_in": if a.token_env.is_some() { "token_env" } else { "browser" },
                }));
            }
            emit(json, &items, |a| {
                format!(
                    "{}\t{}\t{}",
                    a["id"].as_str().unwrap_or(""),
                    a["base_url"].as_str().unwrap_or(""),
                    if a["signed_in"] == true {
                        "signed in"
                    } else {
                        "signed out"
                    }
                )
            });
            Ok(())
        }
    }
}

/// A random namespace for an account's keychain entries.
fn uuid_like() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// The sync engine for the account, and its blob store (one keychain read).
fn engine(ctx: &Ctx) -> Result<(Arc<Engine<MyCase>>, BlobStore), CliError> {
    let (settings, store, blobs) = ctx.cache()?;
    let client = settings.connect()?;
    let engine = Arc::new(Engine::new(Syncer {
        store: Arc::new(store),
        provider: Arc::new(client),
        zone: settings.zone()?,
    }));
    Ok((engine, blobs))
}

fn summary(r: &SyncReport) -> String {
    format!(
        "pulled {} records in {} requests; pushed {} created, {} adopted, {} updated, {} deleted; {} refused, {} waiting",
        r.pull.applied() + r.reread.applied(),
        r.pull.requests() + r.reread.requests(),
        r.push.created,
        r.push.adopted,
        r.push.updated,
        r.push.deleted,
        r.push.refused,
        r.push.waiting,
    )
}

async fn sync(ctx: &Ctx, watch: bool, interval: u64, reconcile: bool) -> Result<(), CliError> {
    let (engine, blobs) = engine(ctx)?;
    if !watch {
        let report = engine.sync_now(SyncOptions { reconcile }).await?;
        let status = engine.status();
        println!("{}", summary(&report));
        println!("{} pending, {} conflicts", status.pending, status.conflicts);
        // Documents move after records, and their failures never fail the sync.
        let store = engine.syncer().store.clone();
        casefile_transfer::refresh_pins(&store)?;
        let moved =
            casefile_transfer::run_due(&store, engine.syncer().provider.as_ref(), &blobs).await?;
        if moved.done + moved.failed > 0 {
            println!("transfers: {} done, {} failed", moved.done, moved.failed);
        }
        return Ok(());
    }
    let stop = CancellationToken::new();
    let mut updates = engine.subscribe();
    let runner = tokio::spawn(
        engine
            .clone()
            .run(Duration::from_secs(interval.max(1)), stop.clone()),
    );
    let printer = tokio::spawn(async move {
        while updates.changed().await.is_ok() {
            let s = updates.borrow_and_update().clone();
            println!("{}", serde_json::to_string(&s).unwrap_or_default());
        }
    });
    tokio::signal::ctrl_c().await?;
    engine.cancel();
    stop.cancel();
    let _ = runner.await;
    printer.abort();
    Ok(())
}

fn status(ctx: &Ctx, json_out: bool) -> Result<(), CliError> {
    let mut items = Vec::new();
    for settings in account::list(&ctx.data_dir)? {
        if ctx.account.as_ref().is_some_and(|a| *a != settings.id) {
            continue;
        }
        let store = settings.open_store(&ctx.data_dir)?;
        let failed = store.pending_ops()?.iter().filter(|o| o.failed).count();
        items.push(json!({
            "id": settings.id,
            "base_url": settings.base_url,
            "pending": store.pending_count()?,
            "refused": failed,
            "conflicts": store.conflicts()?.len(),
            "last_sync": store.checkpoint("cases")?.and_then(|c| c.watermark),
            "counts": store.counts()?.into_iter().map(|(k, n)| (k.as_str().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
        }));
    }
    emit(json_out, &items, |s| {
        format!(
            "{}: {} pending, {} refused, {} conflicts",
            s["id"].as_str().unwrap_or(""),
            s["pending"],
            s["refused"],
            s["conflicts"]
        )
    });
    Ok(())
}

fn conflicts(ctx: &Ctx, cmd: ConflictsCmd) -> Result<(), CliError> {
    let (_, store) = ctx.store()?;
    match cmd {
        ConflictsCmd::List { json } => {
            let items: Vec<Value> = store
                .conflicts()?
                .into_iter()
                .map(|c| {
                    json!({"id": c.id, "kind": c.kind.as_str(), "record_id": c.record_id.to_string(),
                        "field": c.field, "base": c.base, "local": c.local, "remote": c.remote})
                })
                .collect();
            emit(json, &items, |c| {
                format!(
                    "{}\t{} {}\t{}: local {} / server {}",
                    c["id"].as_str().unwrap_or(""),
                    c["kind"].as_str().unwrap_or(""),
                    c["record_id"].as_str().unwrap_or(""),
                    c["field"].as_str().unwrap_or(""),
                    c["local"],
                    c["remote"]
                )
            });
            Ok(())
        }
        ConflictsCmd::Resolve { id, keep } => {
            let choice = match keep {
                Side::Local => Choice::Local,
                Side::Remote => Choice::Remote,
            };
            store.resolve_conflict(id, choice)?;
            Ok(())
        }
    }
}
