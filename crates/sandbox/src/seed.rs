//! Loading records that arrive already in API shape (demo data, admin inserts):
//! deriving each record's place in the case/folder tree and storing document bytes.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::api::common::ref_id;
use crate::api::documents::new_version;
use crate::blobstore::store_bytes;
use crate::error::SandboxError;
use crate::state::AppState;
use crate::store::{Kind, Tx};

/// `(case_id, parent_id)` of a record, from its nested references.
pub fn tree_columns(kind: Kind, body: &Value) -> (Option<i64>, Option<i64>) {
    let case = body.get("case").and_then(ref_id);
    match kind {
        Kind::Folder => {
            let parent = ["parent", "parent_folder"]
                .iter()
                .find_map(|k| body.get(*k).and_then(ref_id));
            (case, parent)
        }
        Kind::Document => (case, body.get("folder").and_then(ref_id)),
        Kind::DocumentVersion => (None, body.get("document").and_then(ref_id)),
        Kind::Event | Kind::Task => (case, None),
        _ => (None, None),
    }
}

/// Stores a record exactly as given (keeping id and timestamps). Folder records lose
/// the tree references they carried in (`case`, `parent`), which the API does not show.
pub fn seed_record(
    tx: &Tx<'_>,
    kind: Kind,
    mut body: Value,
    now: DateTime<Utc>,
) -> Result<i64, SandboxError> {
    let (case_id, parent_id) = tree_columns(kind, &body);
    let id = match ref_id(&body) {
        Some(id) => id,
        None => {
            let id = tx.next_id(kind)?;
            body["id"] = Value::from(id);
            id
        }
    };
    if kind == Kind::Folder {
        if let Some(obj) = body.as_object_mut() {
            obj.remove("case");
            obj.remove("parent");
            obj.remove("parent_folder");
            obj.entry("self_url")
                .or_insert_with(|| Value::from(format!("/v1/folders/{id}")));
        }
    }
    if kind == Kind::Document {
        if let Some(obj) = body.as_object_mut() {
            obj.entry("self_url")
                .or_insert_with(|| Value::from(format!("/v1/documents/{id}")));
        }
    }
    for stamp in ["created_at", "updated_at"] {
        if body.get(stamp).is_none() {
            body[stamp] = Value::from(crate::store::format_time(now));
        }
    }
    tx.put(kind, id, &body, case_id, parent_id, now)?;
    Ok(id)
}

/// Stores a document record plus its bytes as version 1.
pub fn seed_document(
    app: &AppState,
    tx: &Tx<'_>,
    body: Value,
    content: &[u8],
    now: DateTime<Utc>,
) -> Result<i64, SandboxError> {
    let doc_id = seed_record(tx, Kind::Document, body, now)?;
    let version = new_version(tx, doc_id, 1)?;
    let vid = ref_id(&version).unwrap_or_default();
    let blob = store_bytes(app, vid, content)?;
    tx.put_blob(vid, &blob)?;
    Ok(doc_id)
}
