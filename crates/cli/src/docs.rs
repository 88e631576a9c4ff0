//! The document commands: list a case's documents, upload, download, pin,
//! and the transfer queue. Uploads and downloads go through the persistent
//! queue, so an interrupted one resumes on the next run.

use std::path::Path;
use std::sync::Arc;

use casefile_domain::entity::Kind;
use casefile_providers::mycase::MyCase;
use casefile_store::transfers::{Transfer, TransferState};
use casefile_store::Store;
use casefile_sync::account::AccountSettings;
use casefile_transfer::{BlobStore, RunReport};
use serde_json::{json, Value};

use crate::args::{DocumentsCmd, TransferAction};
use crate::error::CliError;
use crate::records::existing;
use crate::run::{emit, Ctx};

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
    format!(
        "{}\t{}\t{}\t{}/{} bytes\t{}",
        t["id"].as_str().unwrap_or(""),
        t["direction"].as_str().unwrap_or(""),
        t["state"].as_str().unwrap_or(""),
        t["done_bytes"],
        t["size"],
        t["error"]
            .as_str()
            .unwrap_or(t["name"].as_str().unwrap_or("")),
    )
}

struct Open {
    settings: AccountSettings,
    store: Arc<Store>,
    blobs: BlobStore,
}

fn open(ctx: &Ctx) -> Result<Open, CliError> {
    let (settings, store, blobs) = ctx.cache()?;
    Ok(Open {
        settings,
        store: Arc::new(store),
        blobs,
    })
}

impl Open {
    /// Runs the due transfers with a connection to the account.
    async fn run_queue(&self) -> Result<RunReport, CliError> {
        let client: MyCase = self.settings.connect()?;
        Ok(casefile_transfer::run_due(&self.store, &client, &self.blobs).await?)
    }
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
    let (_, store) = ctx.store()?;
    let case = existing(&store, Kind::Case, &case)?;
    let items: Vec<Value> = store
        .case_documents(&case.to_string())?
        .into_iter()
        .map(|d| {
            let downloaded = store.document_blob(&d.id).ok().flatten().is_some();
            json!({"id": d.id, "name": d.name, "path": d.path, "size": d.size, "downloaded": downloaded})
        })
        .collect();
    emit(as_json, &items, |d| {
        format!(
            "{}\t{}",
            d["id"].as_str().unwrap_or(""),
            d["path"].as_str().unwrap_or("")
        )
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
    let o = open(ctx)?;
    let case = existing(&o.store, Kind::Case, case)?;
    let id = casefile_transfer::add_upload(&o.store, &o.blobs, file, &case, folder).await?;
    eprintln!("Queued {} (the original may now be moved).", file.display());
    if !queue_only {
        o.run_queue().await?;
    }
    let t = if queue_only {
        let queued = o.store.transfer(&id)?;
        transfer_json(
            &queued.ok_or_else(|| CliError::NotFound(format!("there is no transfer {id}")))?,
        )
    } else {
        outcome(&o.store, &id)?
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
    let o = open(ctx)?;
    let doc = crate::records::local_id(doc)?;
    let id = casefile_transfer::add_download(&o.store, &doc, to)?;
    o.run_queue().await?;
    let t = outcome(&o.store, &id)?;
    emit(as_json, &[t], line);
    Ok(())
}

pub async fn pin(ctx: &Ctx, case: &str) -> Result<(), CliError> {
    let o = open(ctx)?;
    let case = existing(&o.store, Kind::Case, case)?;
    let queued = casefile_transfer::pin(&o.store, &case)?;
    let report = o.run_queue().await?;
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
    let o = open(ctx)?;
    let set = |id: &str, state| -> Result<(), CliError> {
        o.store.set_transfer_state(id, state).map_err(|e| match e {
            casefile_store::StoreError::NotFound { .. } => {
                CliError::NotFound(format!("there is no transfer {id}"))
            }
            other => other.into(),
        })
    };
    match action {
        None => {}
        Some(TransferAction::Run) => {
            let r = o.run_queue().await?;
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
            let connected: Result<MyCase, _> = o.settings.connect();
            if let Ok(client) = connected {
                casefile_transfer::discard::discard_cancelled(&o.store, &client).await?;
            }
        }
    }
    let items: Vec<Value> = o.store.transfers()?.iter().map(transfer_json).collect();
    emit(as_json, &items, line);
    Ok(())
}
