//! The documents as the window lists them: a case's files with whether
//! each is kept on this laptop, the most recently changed across cases, and
//! the space a case's kept documents take. Read-only; transfers are
//! `transfers.rs`'s.

use crate::error::Result;
use crate::Store;

/// A recently changed document, with its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentDocument {
    pub id: String,
    pub name: String,
    pub path: String,
    pub case_id: String,
    pub case_name: String,
    pub server_updated_at: Option<String>,
}

/// A document as the case's file list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentListing {
    pub id: String,
    pub name: String,
    pub path: String,
    pub size: Option<i64>,
    pub server_updated_at: Option<String>,
    /// Whether its current bytes are on this laptop.
    pub offline: bool,
    /// Not yet on the server (an upload made it locally only).
    pub local_only: bool,
}

impl Store {
    /// A case's live documents with whether each is kept on this laptop,
    /// by path.
    pub fn case_document_listing(&self, case_id: &str) -> Result<Vec<DocumentListing>> {
        let case = case_id.to_owned();
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT d.id, d.name, d.path, coalesce(json_extract(d.data, '$.size'), b.size), d.server_updated_at,
                        b.document_id IS NOT NULL AND b.server_updated_at IS d.server_updated_at,
                        d.remote_id IS NULL
                 FROM documents d LEFT JOIN document_blobs b ON b.document_id = d.id
                 WHERE d.case_id = ?1 AND d.deleted = 0 ORDER BY d.path COLLATE NOCASE, d.id",
            )?;
            let rows = stmt.query_map([case], |r| {
                Ok(DocumentListing {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    path: r.get(2)?,
                    size: r.get(3)?,
                    server_updated_at: r.get(4)?,
                    offline: r.get(5)?,
                    local_only: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The documents the server changed most recently, across cases.
    pub fn recent_documents(&self, limit: u32) -> Result<Vec<RecentDocument>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT d.id, d.name, d.path, d.case_id, c.name, d.server_updated_at
                 FROM documents d JOIN cases c ON c.id = d.case_id AND c.deleted = 0
                 WHERE d.deleted = 0
                 ORDER BY d.server_updated_at IS NULL, d.server_updated_at DESC, d.id LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(RecentDocument {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    path: r.get(2)?,
                    case_id: r.get(3)?,
                    case_name: r.get(4)?,
                    server_updated_at: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The bytes of a case's documents kept on this laptop.
    pub fn case_offline_bytes(&self, case_id: &str) -> Result<i64> {
        let case = case_id.to_owned();
        self.read(|c| {
            Ok(c.query_row(
                "SELECT coalesce(sum(b.size), 0) FROM document_blobs b
                 JOIN documents d ON d.id = b.document_id WHERE d.case_id = ?1 AND d.deleted = 0",
                [case],
                |r| r.get(0),
            )?)
        })
    }
}
