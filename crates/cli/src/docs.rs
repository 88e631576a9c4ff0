//! The document commands: list a case's documents, upload, download, pin,
//! and the transfer queue. Uploads and downloads go through the persistent
//! queue, so an interrupted one resumes on the next run.

use std::path::Path;

use casefile_core::edits::local_id;
use casefile_core::{Cache, Session};
use casefile_domain::entity::Kind;
use casefile_store::transfers::{Transfer, TransferState};
use casefile_store::Store;
use casefile_transfer::{BlobStore, RunReport};
use serde_json::{json, Value};

use crate::args::{DocumentsCmd, TransferAction};
use crate::error::CliError;
use crate::progress::{self, Mode};
use crate::run::{emit, Ctx};
use crate::text::field;

pub fn transfer_json(t: &Transfer) -> Value {
    json!({
        "id": t.id, "direction": t.direction, "state": t.state, "name": t.file_name,
        "path": t.path, "case": t.case_id, "document": t.document_id,
        "size": t.size, "done_bytes": t.done_bytes, "bytes_per_s": t.bytes_per_s,
        "attempts": t.attempts, "error": t.last_error, "next_attempt_at": t.next_attempt_at,
        "saved_as": t.saved_as, "sha256": t.blob, "server_document": t.remote_document,
    })
}

fn line(t: &Value) -> String {
    let last = if t["error"].is_string() {
        &t["error"]
    } else {
        &t["name"]
    };
    format!(
        "{}\t{}\t{}\t{}/{} bytes\t{}",
        field(&t["id"]),
        field(&t["direction"]),
        field(&t["state"]),
        t["done_bytes"],
        t["size"],
        field(last),
    )
}

/// The account's blob store (every firm account has one).
fn blobs(cache: &Cache) -> Result<&BlobStore, CliError> {
    cache
        .blobs
        .as_ref()
        .ok_or_else(|| CliError::Invalid("this account keeps no documents on this laptop".into()))
}

/// Runs the due transfers with a connection to the account, showing the
/// one that moves.
async fn run_queue(session: &Session, json: bool) -> Result<RunReport, CliError> {
    let _shown = progress::transfers(Mode::pick(json), session.store().clone());
    Ok(session.run_transfers().await?)
}

/// The outcome of one transfer after a run: its JSON, or its error.
fn outcome(store: &Store, id: &str) -> Result<Value, CliError> {
    let t = store
        .transfer(id)?
        .ok_or_else(|| CliError::NotFound(format!("there is no transfer {id}")))?;
    if t.state == TransferState::Failed {
        return Err(CliError::Transfer {
            message: t.last_error.unwrap_or_else(|| "the transfer failed".into()),
            retrying: t.next_attempt_at.is_some(),
        });
    }
    Ok(transfer_json(&t))
}

pub fn documents(ctx: &Ctx, cmd: DocumentsCmd) -> Result<(), CliError> {
    let DocumentsCmd::List {
        case,
        json: as_json,
    } = cmd;
    let cache = ctx.cache()?;
    let store = &cache.store;
    let case = cache.editor().existing(Kind::Case, &case)?;
    let items: Vec<Value> = store
        .case_documents(&case.to_string())?
        .into_iter()
        .map(|d| {
            let downloaded = store.document_blob(&d.id).ok().flatten().is_some();
            json!({"id": d.id, "name": d.name, "path": d.path, "size": d.size, "downloaded": downloaded})
        })
        .collect();
    emit(as_json, &items, |d| {
        format!("{}\t{}", field(&d["id"]), field(&d["path"]))
    });
    Ok(())
}

pub async fn upload(
    ctx: &Ctx,
    file: &Path,
    case: &str,
    folder: Option<&str>,
    queue_only: bool,
    as_json: bool,
) -> Result<(), CliError> {
    let cache = ctx.cache()?;
    let case = cache.editor().existing(Kind::Case, case)?;
    let id =
        casefile_transfer::add_upload(&cache.store, blobs(&cache)?, file, &case, folder).await?;
    eprintln!("Queued {} (the original may now be moved).", file.display());
    let t = if queue_only {
        let queued = cache.store.transfer(&id)?;
        transfer_json(
            &queued.ok_or_else(|| CliError::NotFound(format!("there is no transfer {id}")))?,
        )
    } else {
        let session = Session::connect(cache)?;
        run_queue(&session, as_json).await?;
        outcome(session.store(), &id)?
    };
    emit(as_json, &[t], line);
    Ok(())
}

pub async fn download(
    ctx: &Ctx,
    doc: &str,
    to: Option<&Path>,
    as_json: bool,
) -> Result<(), CliError> {
    let session = ctx.session()?;
    let doc = local_id(doc)?;
    let id = casefile_transfer::add_download(session.store(), &doc, to)?;
    run_queue(&session, as_json).await?;
    let t = outcome(session.store(), &id)?;
    emit(as_json, &[t], line);
    Ok(())
}

pub async fn pin(ctx: &Ctx, case: &str) -> Result<(), CliError> {
    let session = ctx.session()?;
    let (queued, report) = {
        let _shown = progress::transfers(Mode::pick(false), session.store().clone());
        session.pin(case).await?
    };
    println!(
        "pinned; {queued} documents queued, {} downloaded, {} failed",
        report.done, report.failed
    );
    if report.failed > 0 {
        return Err(CliError::Transfer {
            message: format!("{} downloads failed; see `transfers`", report.failed),
            retrying: true,
        });
    }
    Ok(())
}

pub async fn transfers(
    ctx: &Ctx,
    action: Option<TransferAction>,
    as_json: bool,
) -> Result<(), CliError> {
    let cache = ctx.cache()?;
    let store = cache.store.clone();
    let set = |id: &str, state| -> Result<(), CliError> {
        store.set_transfer_state(id, state).map_err(|e| match e {
            casefile_store::StoreError::NotFound { .. } => {
                CliError::NotFound(format!("there is no transfer {id}"))
            }
            other => other.into(),
        })
    };
    match action {
        None => {}
        Some(TransferAction::Run) => {
            let r = run_queue(&Session::connect(cache)?, as_json).await?;
            eprintln!(
                "{} done, {} failed, {} stopped by pause or cancel",
                r.done, r.failed, r.stopped
            );
        }
        Some(TransferAction::Pause { id }) => set(&id, TransferState::Paused)?,
        Some(TransferAction::Resume { id } | TransferAction::Retry { id }) => {
            set(&id, TransferState::Queued)?
        }
        Some(TransferAction::Cancel { id }) => {
            set(&id, TransferState::Cancelled)?;
            // Remove what the upload began on the server now; offline, the
            // next run of the queue does it.
            if let Ok(session) = Session::connect(cache) {
                session.discard_cancelled().await?;
            }
        }
    }
    let items: Vec<Value> = store.transfers()?.iter().map(transfer_json).collect();
    emit(as_json, &items, line);
    Ok(())
}
