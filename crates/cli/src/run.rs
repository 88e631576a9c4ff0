//! Dispatch: opens what a command needs through the application core and
//! prints its answer. Deciding is the core's job; this routes and words.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use casefile_core::accounts::{self, AccountSettings, NewAccount};
use casefile_core::edits;
use casefile_core::ics::{self, ExportError, ExportRange};
use casefile_core::{Cache, Session, SessionReport};
use casefile_store::Choice;
use casefile_sync::SyncOptions;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::args::{AccountCmd, AddArgs, Cli, Command, ConflictsCmd, EventsAction, Side};
use crate::error::CliError;
use crate::text::field;
use crate::{docs, lists, progress, records};

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
        Ok(accounts::pick(&self.data_dir, self.account.as_deref())?)
    }

    /// The account's local data, offline.
    pub fn cache(&self) -> Result<Cache, CliError> {
        Ok(Cache::open(&self.data_dir, self.settings()?)?)
    }

    /// The account, connected.
    pub fn session(&self) -> Result<Session, CliError> {
        Ok(Session::open(&self.data_dir, self.settings()?)?)
    }
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let data_dir = match cli.data_dir {
        Some(dir) => dir,
        None => accounts::default_data_dir()?,
    };
    let ctx = Ctx {
        data_dir,
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
        Command::Events(EventsAction::Read(cmd)) => lists::events(&ctx, cmd),
        Command::Events(EventsAction::Export {
            from,
            to,
            case,
            ics,
        }) => export_events(&ctx, &from, &to, case.as_deref(), &ics),
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
        AccountCmd::Add(add) => {
            let AddArgs {
                provider,
                base_url,
                token_env,
                user,
                password_env,
                client_id,
                client_secret_env,
                authorize_url,
                token_url,
                zone,
                id,
                rate_limit,
            } = *add;
            let from_env = |var: &Option<String>| -> Result<Option<String>, CliError> {
                match var {
                    Some(var) => Some(
                        std::env::var(var)
                            .ok()
                            .filter(|v| !v.trim().is_empty())
                            .ok_or_else(|| {
                                CliError::Invalid(format!(
                                    "the environment variable {var} is empty"
                                ))
                            }),
                    )
                    .transpose(),
                    None => Ok(None),
                }
            };
            let client_secret = from_env(&client_secret_env)?;
            let basic = match (user, from_env(&password_env)?) {
                (Some(user), Some(password)) => Some(accounts::BasicLogin { user, password }),
                _ => None,
            };
            let settings = accounts::add(
                data_dir,
                NewAccount {
                    provider,
                    base_url,
                    token_env,
                    client_id,
                    client_secret,
                    authorize_url,
                    token_url,
                    zone,
                    id,
                    rate_limit_per_s: rate_limit,
                    basic,
                },
            )?;
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
                            webbrowser::open(url)
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
            for a in accounts::list(data_dir)? {
                // Unknown (null) when the keychain cannot be asked; the list still shows.
                let signed_in = a.signed_in().ok();
                items.push(json!({
                    "id": a.id, "provider": a.provider, "base_url": a.base_url,
                    "zone": a.zone, "signed_in": signed_in,
                    "sign_in": if a.token_env.is_some() {
                        "token_env"
                    } else if a.basic_user.is_some() {
                        "basic"
                    } else {
                        "browser"
                    },
                }));
            }
            emit(json, &items, |a| {
                format!(
                    "{}\t{}\t{}",
                    field(&a["id"]),
                    field(&a["base_url"]),
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

fn summary(r: &SessionReport) -> String {
    let (pull, reread, push) = (&r.sync.pull, &r.sync.reread, &r.sync.push);
    let checking = if push.checking > 0 {
        format!(
            "; {} checking (sent, the answer lost: the server is asked before it is sent again)",
            push.checking
        )
    } else {
        String::new()
    };
    format!(
        "pulled {} records in {} requests; pushed {} created, {} adopted, {} updated, {} deleted; {} refused, {} waiting{checking}",
        pull.applied() + reread.applied(),
        pull.requests() + reread.requests(),
        push.created,
        push.adopted,
        push.updated,
        push.deleted,
        push.refused,
        push.waiting,
    )
}

/// The records set aside as unreadable, in words, one line each.
fn quarantine_lines(session: &Session) -> Result<Vec<String>, CliError> {
    Ok(session
        .store()
        .quarantined()?
        .into_iter()
        .map(|q| {
            format!(
                "set aside: {} {}: {}",
                crate::text::clean(&q.resource),
                crate::text::clean(q.remote_id.as_deref().unwrap_or("(no id)")),
                crate::text::clean(&q.reason)
            )
        })
        .collect())
}

async fn sync(ctx: &Ctx, watch: bool, interval: u64, reconcile: bool) -> Result<(), CliError> {
    let session = Arc::new(ctx.session()?);
    if !watch {
        let report = {
            let _shown = progress::sync(progress::Mode::pick(false), session.engine.subscribe());
            session.sync(SyncOptions { reconcile }).await?
        };
        let status = session.engine.status();
        println!("{}", summary(&report));
        println!(
            "{} pending, {} conflicts, {} set aside as unreadable",
            status.pending, status.conflicts, status.quarantined
        );
        for line in quarantine_lines(&session)? {
            println!("{line}");
        }
        let moved = &report.transfers;
        if moved.done + moved.failed > 0 {
            println!("transfers: {} done, {} failed", moved.done, moved.failed);
        }
        return Ok(());
    }
    let stop = CancellationToken::new();
    let mut updates = session.engine.subscribe();
    let runner = tokio::spawn(
        session
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
    session.engine.cancel();
    stop.cancel();
    let _ = runner.await;
    printer.abort();
    Ok(())
}

fn status(ctx: &Ctx, json_out: bool) -> Result<(), CliError> {
    let mut items = Vec::new();
    for settings in accounts::list(&ctx.data_dir)? {
        if ctx.account.as_ref().is_some_and(|a| *a != settings.id) {
            continue;
        }
        let store = settings.open_store(&ctx.data_dir)?;
        let summary = store.summary()?;
        let quarantined: Vec<Value> = store
            .quarantined()?
            .into_iter()
            .map(|q| json!({"resource": q.resource, "remote_id": q.remote_id, "reason": q.reason, "at": q.at}))
            .collect();
        items.push(json!({
            "id": settings.id,
            "provider": settings.provider,
            "base_url": settings.base_url,
            "pending": summary.pending,
            "refused": summary.refused,
            "conflicts": summary.conflicts,
            "quarantined": quarantined,
            "last_sync": store.checkpoint("cases")?.and_then(|c| c.watermark),
            "counts": store.counts()?.into_iter().map(|(k, n)| (k.as_str().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
        }));
    }
    emit(json_out, &items, |s| {
        format!(
            "{}: {} pending, {} refused, {} conflicts, {} set aside as unreadable",
            field(&s["id"]),
            s["pending"],
            s["refused"],
            s["conflicts"],
            s["quarantined"].as_array().map_or(0, Vec::len)
        )
    });
    Ok(())
}

fn conflicts(ctx: &Ctx, cmd: ConflictsCmd) -> Result<(), CliError> {
    let cache = ctx.cache()?;
    match cmd {
        ConflictsCmd::List { json } => {
            let items: Vec<Value> = cache
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
                    field(&c["id"]),
                    field(&c["kind"]),
                    field(&c["record_id"]),
                    field(&c["field"]),
                    crate::text::clean(&c["local"].to_string()),
                    crate::text::clean(&c["remote"].to_string())
                )
            });
            Ok(())
        }
        ConflictsCmd::Resolve { id, keep } => {
            let choice = match keep {
                Side::Local => Choice::Local,
                Side::Remote => Choice::Remote,
            };
            cache.resolve_conflict(&id, choice)?;
            Ok(())
        }
    }
}

impl From<ExportError> for CliError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Store(e) => e.into(),
            ExportError::UnknownCase(_) => CliError::NotFound(e.to_string()),
            ExportError::EmptyRange => CliError::Invalid("--to must be after --from".into()),
        }
    }
}

/// `events export`: the window's events as an iCalendar file, or on
/// standard output for `-`.
fn export_events(
    ctx: &Ctx,
    from: &str,
    to: &str,
    case: Option<&str>,
    ics: &Path,
) -> Result<(), CliError> {
    let cache = ctx.cache()?;
    let zone = cache.zone;
    let range = ExportRange {
        from: edits::instant("from", from, zone)?,
        to: edits::instant("to", to, zone)?,
        viewer: zone,
        case: case.map(edits::local_id).transpose()?,
    };
    let events = ics::events_to_export(&cache.store, &range)?;
    let text = ics::to_ics(&events, chrono::Utc::now());
    if ics == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    } else {
        ics::write_file(ics, text.as_bytes()).map_err(|e| {
            std::io::Error::new(e.kind(), format!("could not write {}: {e}", ics.display()))
        })?;
        eprintln!("{} events written to {}", events.len(), ics.display());
    }
    Ok(())
}
