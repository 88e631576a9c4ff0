//! A case's folder tree and the documents in one folder.

use casefile_domain::entity::{Document, Folder};
use casefile_domain::ids::LocalId;
use rusqlite::Connection;
use serde::Serialize;

use super::cases::data_rows;
use crate::error::Result;

/// A folder with its subfolders, sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FolderNode {
    pub folder: Folder,
    pub children: Vec<FolderNode>,
}

/// The folder forest of a case (roots are folders without a parent).
pub fn folder_tree(conn: &Connection, case: &LocalId) -> Result<Vec<FolderNode>> {
    let folders: Vec<Folder> = data_rows(
        conn,
        "SELECT data FROM folders WHERE deleted = 0 AND case_id = ?1 ORDER BY name COLLATE NOCASE, id",
        [case.to_string()],
    )?;
    fn build(parent: Option<LocalId>, all: &[Folder], depth: usize) -> Vec<FolderNode> {
        if depth > 64 {
            return Vec::new(); // a cycle in server data must not hang the UI
        }
        all.iter()
            .filter(|f| f.parent == parent)
            .map(|f| FolderNode {
                folder: f.clone(),
                children: build(Some(f.meta.id), all, depth + 1),
            })
            .collect()
    }
    Ok(build(None, &folders, 0))
}

/// Documents directly in `folder`, by name.
pub fn documents_in_folder(conn: &Connection, folder: &LocalId) -> Result<Vec<Document>> {
    data_rows(
        conn,
        "SELECT data FROM documents WHERE deleted = 0 AND folder_id = ?1 ORDER BY name COLLATE NOCASE, id",
        [folder.to_string()],
    )
}
