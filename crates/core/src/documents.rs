//! A case's documents as both front ends show them: the folder tree its
//! documents and queued uploads make, the files in one folder with their
//! state, and files and folders dropped from the desktop.
//!
//! The tree is read from document paths (a provider may list no folders), so it
//! browses offline and shows a folder the moment an upload is queued into
//! it. A drop copies every file into the sealed blob store before it
//! returns, so the originals may be deleted at once; one bad file is
//! reported by name and the rest of the drop goes on.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use casefile_domain::ids::LocalId;
use casefile_store::listing::DocumentListing;
use casefile_store::transfers::{Direction, Transfer, TransferState};
use casefile_store::Store;
use casefile_transfer::BlobStore;
use serde::Serialize;

use crate::error::CoreError;

/// One folder of a case, in depth-first order (the root is `""`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderEntry {
    /// The folder's path within the case, e.g. "Pleadings/Motions".
    pub path: String,
    pub name: String,
    pub depth: u32,
    /// Documents directly in it, uploads included.
    pub documents: u32,
    /// Made on this laptop and not yet created on the server.
    pub pending: bool,
}

/// Where a document stands, for its badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DocumentState {
    /// On the server; its bytes are not on this laptop.
    Synced,
    /// On the server, and its current bytes are here too.
    Offline,
    /// An upload waits its turn (or for the connection).
    Queued,
    Uploading {
        percent: u8,
    },
    Paused,
    /// The upload failed and is tried again by itself (the server was
    /// unreachable or busy); `reason` is in plain words.
    Waiting {
        reason: String,
    },
    /// The upload failed for good; `reason` is in plain words.
    Failed {
        reason: String,
    },
}

/// One file in a folder: a document, an upload not yet made, or both (a
/// new version on its way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentEntry {
    pub document: Option<String>,
    pub transfer: Option<String>,
    pub name: String,
    pub path: String,
    pub size: Option<i64>,
    /// When the server last changed it (RFC 3339), if known.
    pub updated: Option<String>,
    pub state: DocumentState,
}

/// The folder part of a document path ("" at the case root).
pub fn parent_of(path: &str) -> &str {
    path.trim_matches('/')
        .rsplit_once('/')
        .map_or("", |(p, _)| p)
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Uploads still to be made, and made ones whose document the next sync
/// has not brought in yet (so a file never vanishes between the two).
/// `docs` is the case's document listing, already read by the caller.
fn open_uploads(
    store: &Store,
    case: &str,
    docs: &[DocumentListing],
) -> Result<Vec<Transfer>, CoreError> {
    let documents: HashSet<String> = docs.iter().map(|d| d.path.to_lowercase()).collect();
    Ok(store
        .case_uploads(case)?
        .into_iter()
        .filter(|t| {
            t.direction == Direction::Upload
                && t.case_id == case
                && match t.state {
                    TransferState::Queued
                    | TransferState::Running
                    | TransferState::Paused
                    | TransferState::Failed => true,
                    TransferState::Done => t
                        .path
                        .as_ref()
                        .is_some_and(|p| !documents.contains(&p.to_lowercase())),
                    TransferState::Cancelled => false,
                }
        })
        .collect())
}

/// The case's folders, depth first, names sorted without case.
pub fn folders(store: &Store, case: &LocalId) -> Result<Vec<FolderEntry>, CoreError> {
    let case = case.to_string();
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    counts.insert(String::new(), 0);
    let mut count_in = |path: &str, new_file: bool| {
        let mut folder = parent_of(path).to_owned();
        *counts.entry(folder.clone()).or_default() += u32::from(new_file);
        while !folder.is_empty() {
            folder = parent_of(&folder).to_owned();
            counts.entry(folder.clone()).or_default();
        }
    };
    let docs = store.case_document_listing(&case)?;
    let known: HashSet<&str> = docs.iter().map(|d| d.path.as_str()).collect();
    for d in &docs {
        count_in(&d.path, true);
    }
    for t in open_uploads(store, &case, &docs)? {
        if let Some(path) = &t.path {
            count_in(path, !known.contains(path.as_str()));
        }
    }
    // The server's own folders (empty ones too) and those made here.
    let mut pending = HashSet::new();
    for folder in store.case_folders(&case)? {
        // As if a file (not counted) were in it: the folder and its parents show.
        count_in(&format!("{}/_", folder.path), false);
        if folder.pending {
            pending.insert(folder.path);
        }
    }
    let mut entries: Vec<FolderEntry> = counts
        .into_iter()
        .map(|(path, documents)| FolderEntry {
            pending: pending.contains(&path),
            name: name_of(&path).to_owned(),
            depth: if path.is_empty() {
                0
            } else {
                path.matches('/').count() as u32 + 1
            },
            path,
            documents,
        })
        .collect();
    // Depth first with siblings by name: compare paths segment by segment.
    entries.sort_by(|a, b| {
        let key = |p: &str| -> Vec<String> {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_lowercase)
                .collect()
        };
        key(&a.path).cmp(&key(&b.path))
    });
    Ok(entries)
}

fn percent(done: i64, size: Option<i64>) -> u8 {
    match size {
        Some(size) if size > 0 => ((done.max(0) * 100) / size).min(100) as u8,
        _ => 0,
    }
}

fn upload_state(t: &Transfer) -> DocumentState {
    match t.state {
        TransferState::Running => DocumentState::Uploading {
            percent: percent(t.done_bytes, t.size),
        },
        TransferState::Paused => DocumentState::Paused,
        TransferState::Done => DocumentState::Synced,
        TransferState::Failed => {
            let reason = t
                .last_error
                .clone()
                .unwrap_or_else(|| "the upload failed".into());
            if t.next_attempt_at.is_some() {
                DocumentState::Waiting { reason }
            } else {
                DocumentState::Failed { reason }
            }
        }
        _ => DocumentState::Queued,
    }
}

/// The files directly in `folder` of a case, by name.
pub fn files(store: &Store, case: &LocalId, folder: &str) -> Result<Vec<DocumentEntry>, CoreError> {
    let case = case.to_string();
    let folder = folder.trim_matches('/');
    // Keyed by path, then document id: two documents may share a name.
    let mut entries: BTreeMap<(String, String), DocumentEntry> = BTreeMap::new();
    let docs = store.case_document_listing(&case)?;
    let uploads = open_uploads(store, &case, &docs)?;
    for d in docs {
        if parent_of(&d.path) != folder {
            continue;
        }
        entries.insert(
            (d.path.to_lowercase(), d.id.clone()),
            DocumentEntry {
                document: Some(d.id),
                transfer: None,
                name: d.name,
                size: d.size,
                updated: d.server_updated_at,
                state: if d.offline {
                    DocumentState::Offline
                } else {
                    DocumentState::Synced
                },
                path: d.path,
            },
        );
    }
    for t in uploads {
        let Some(path) = t.path.clone() else { continue };
        if parent_of(&path) != folder {
            continue;
        }
        let lower = path.to_lowercase();
        // A new version shows on its document; a new file on its own row.
        let existing = entries
            .range((lower.clone(), String::new())..)
            .next()
            .map(|(k, _)| k.clone())
            .filter(|(p, _)| *p == lower)
            .unwrap_or((lower, String::new()));
        let entry = entries.entry(existing).or_insert_with(|| DocumentEntry {
            document: None,
            transfer: None,
            name: t.file_name.clone(),
            path: path.clone(),
            size: t.size,
            updated: None,
            state: DocumentState::Queued,
        });
        entry.transfer = Some(t.id.clone());
        entry.size = t.size.or(entry.size);
        entry.state = upload_state(&t);
    }
    Ok(entries.into_values().collect())
}

/// What to do with a dropped file named like one already in its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// Upload it as a new version of that document.
    NewVersion,
    /// Keep both: the new file gets a numbered name, "brief (2).pdf".
    KeepBoth,
}

/// A dropped file that was not queued, and why, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DropProblem {
    pub name: String,
    pub message: String,
}

/// How a drop went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropOutcome {
    /// Some files are named like documents already there: nothing was
    /// queued; ask once, then drop again with the answer. `versions` says
    /// whether "upload as a new version" is an answer (the provider keeps
    /// versions); without it, only "keep both" is.
    Clashes { names: Vec<String>, versions: bool },
    Queued {
        transfers: Vec<String>,
        problems: Vec<DropProblem>,
    },
}

/// A file found in a drop, and the folder it goes to.
struct Planned {
    source: PathBuf,
    folder: String,
    name: String,
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Walks the dropped paths: files as they are, folders as subfolders.
fn plan_drop(paths: &[PathBuf], folder: &str) -> (Vec<Planned>, Vec<DropProblem>) {
    let mut planned = Vec::new();
    let mut problems = Vec::new();
    let mut visited: HashSet<PathBuf> = HashSet::new();
    // Each path with the folder it goes into and, inside a dropped folder,
    // that folder (resolved): a link out of it is not followed, so a
    // dropped folder cannot carry away a file the user never chose.
    let mut stack: Vec<(PathBuf, String, Option<PathBuf>)> = paths
        .iter()
        .rev()
        .map(|p| (p.clone(), folder.to_owned(), None))
        .collect();
    let problem = |path: &Path, message: &str| DropProblem {
        name: display_name(path),
        message: message.to_owned(),
    };
    while let Some((path, into, root)) = stack.pop() {
        if let Some(root) = &root {
            if links_outside(&path, root) {
                problems.push(problem(
                    &path,
                    "It links to something outside the dropped folder; it was skipped.",
                ));
                continue;
            }
        }
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                problems.push(problem(&path, "You do not have permission to read it."));
                continue;
            }
            Err(_) => {
                problems.push(problem(&path, "It could not be found or read."));
                continue;
            }
        };
        if meta.is_dir() {
            let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if !visited.insert(real.clone()) {
                problems.push(problem(
                    &path,
                    "This folder links back into itself; it was skipped.",
                ));
                continue;
            }
            let name = display_name(&path);
            let sub = if into.is_empty() {
                name
            } else {
                format!("{into}/{name}")
            };
            let mut children: Vec<PathBuf> = match std::fs::read_dir(&path) {
                Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(_) => {
                    problems.push(problem(&path, "You do not have permission to open it."));
                    continue;
                }
            };
            children.sort();
            let root = root.clone().unwrap_or(real);
            for child in children.into_iter().rev() {
                stack.push((child, sub.clone(), Some(root.clone())));
            }
        } else if !meta.is_file() {
            problems.push(problem(&path, "It is not a regular file."));
        } else if meta.len() == 0 {
            problems.push(problem(&path, "It is empty (0 bytes); nothing to upload."));
        } else if let Err(e) = std::fs::File::open(&path) {
            let message = if e.kind() == std::io::ErrorKind::PermissionDenied {
                "You do not have permission to read it."
            } else {
                "It could not be read."
            };
            problems.push(problem(&path, message));
        } else {
            planned.push(Planned {
                name: display_name(&path),
                source: path,
                folder: into,
            });
        }
    }
    (planned, problems)
}

/// Whether `path`, found inside the dropped folder `root`, is a symbolic
/// link whose target lies outside it (or cannot be resolved).
fn links_outside(path: &Path, root: &Path) -> bool {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    is_link && std::fs::canonicalize(path).map_or(true, |target| !target.starts_with(root))
}

/// "brief.pdf" → "brief (n).pdf".
fn numbered(name: &str, n: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    }
}

/// Drops files and folders into `folder` of a case: each file is sealed
/// into the blob store and queued for upload. A dropped folder keeps its
/// structure as subfolders. With a name clash and no `clash` answer,
/// nothing is queued and the clashing names are returned. `versions`:
/// whether the provider keeps versions of a document; without, a new
/// version is refused before anything is queued.
pub async fn drop_files(
    store: &Store,
    blobs: &BlobStore,
    case: &LocalId,
    folder: &str,
    paths: &[PathBuf],
    clash: Option<Clash>,
    versions: bool,
) -> Result<DropOutcome, CoreError> {
    if clash == Some(Clash::NewVersion) && !versions {
        return Err(CoreError::Edit(crate::edits::EditError::Invalid {
            field: "clash",
            message: "The firm's system keeps no versions of a document: keep both, and the \
                      new file gets a numbered name."
                .into(),
        }));
    }
    let folder = folder.trim_matches('/');
    let case_text = case.to_string();
    let (planned, mut problems) = plan_drop(paths, folder);
    let docs = store.case_document_listing(&case_text)?;
    let uploads = open_uploads(store, &case_text, &docs)?;
    let mut taken: BTreeSet<String> = docs.iter().map(|d| d.path.to_lowercase()).collect();
    taken.extend(
        uploads
            .into_iter()
            .filter_map(|t| t.path.map(|p| p.to_lowercase())),
    );
    let clashing: Vec<String> = planned
        .iter()
        .filter(|p| taken.contains(&join(&p.folder, &p.name).to_lowercase()))
        .map(|p| join(&p.folder, &p.name))
        .collect();
    if !clashing.is_empty() && clash.is_none() {
        return Ok(DropOutcome::Clashes {
            names: clashing,
            versions,
        });
    }
    let mut transfers = Vec::new();
    for p in planned {
        let mut name = p.name.clone();
        if clash == Some(Clash::KeepBoth) {
            let mut n = 2;
            while taken.contains(&join(&p.folder, &name).to_lowercase()) {
                name = numbered(&p.name, n);
                n += 1;
            }
        }
        let folder = (!p.folder.is_empty()).then_some(p.folder.as_str());
        match casefile_transfer::add_upload_as(store, blobs, &p.source, case, folder, &name).await {
            Ok(id) => {
                taken.insert(join(&p.folder, &name).to_lowercase());
                transfers.push(id);
            }
            Err(e) => {
                tracing::warn!(code = %e.class(), "a dropped file could not be queued");
                let message = match e {
                    casefile_transfer::TransferError::Blob(
                        casefile_transfer::blobs::BlobError::Changed,
                    ) => {
                        "It changed, moved or was deleted while it was being copied, so \
                         nothing was kept. Drop it again once it is saved."
                    }
                    _ => "It could not be copied into the local document store.",
                };
                problems.push(DropProblem {
                    name: p.name,
                    message: message.into(),
                });
            }
        }
    }
    Ok(DropOutcome::Queued {
        transfers,
        problems,
    })
}

fn load(store: &Store, document: &LocalId) -> Result<casefile_domain::entity::Document, CoreError> {
    Ok(store
        .get(document)?
        .ok_or(casefile_store::StoreError::NotFound {
            kind: "document",
            id: document.to_string(),
        })?)
}

/// The name a copy of a document is offered under: its own, made safe.
pub fn copy_name(store: &Store, document: &LocalId) -> Result<String, CoreError> {
    Ok(casefile_transfer::names::safe_name(
        &load(store, document)?.name,
    ))
}

/// A decrypted copy of a document's bytes under `dir`, for the system's
/// viewer: the current version when it is here, else the last one kept (so
/// a pinned case opens offline). None when no bytes are on this laptop.
pub fn local_copy(
    store: &Store,
    blobs: &BlobStore,
    document: &LocalId,
    dir: &Path,
) -> Result<Option<PathBuf>, CoreError> {
    let Some((sha256, _, _)) = store.document_blob(&document.to_string())? else {
        return Ok(None);
    };
    if !blobs.contains(&sha256) {
        return Ok(None);
    }
    let doc = load(store, document)?;
    // One folder per document, so two files of one name never meet.
    let folder = dir.join(document.to_string());
    std::fs::create_dir_all(&folder).map_err(casefile_transfer::blobs::BlobError::from)?;
    let name = casefile_transfer::names::safe_name(&doc.name);
    let path = folder.join(name);
    if path.exists() {
        std::fs::remove_file(&path).map_err(casefile_transfer::blobs::BlobError::from)?;
    }
    blobs.export(&sha256, &path)?;
    Ok(Some(path))
}

/// Saves a copy of a document's bytes as `name` in `dir` (a folder the
/// user chose), made safe by the names module and never replacing a file
/// already there (`name (2)` instead). None when no bytes are on this
/// laptop yet. Returns the path written.
pub fn save_copy(
    store: &Store,
    blobs: &BlobStore,
    document: &LocalId,
    dir: &Path,
    name: &str,
) -> Result<Option<PathBuf>, CoreError> {
    let Some((sha256, _, _)) = store.document_blob(&document.to_string())? else {
        return Ok(None);
    };
    if !blobs.contains(&sha256) {
        return Ok(None);
    }
    let written = casefile_transfer::names::save_copy(dir, name, |tmp| {
        blobs.export(&sha256, tmp).map_err(std::io::Error::other)
    })
    .map_err(casefile_transfer::blobs::BlobError::from)?;
    Ok(Some(written))
}
