//! The search index of a sync page, written in bulk (migration 7).
//!
//! FTS5 keeps new terms in memory and writes them out at the start of each
//! statement that touches the index, so a sync that wrote its rows one
//! statement at a time through the index triggers paid one flush (and its
//! merges) per row: a third of a first sync's write time. Instead, while a
//! page is written its table's insert and update triggers stand aside (a
//! row in `fts_paused`), and the page's terms are written afterwards in two
//! statements: the old terms of the rows it replaced out, the new terms of
//! every live row it wrote in. The pause begins and ends inside the page's
//! transaction, so it is never committed: every other write, and every page
//! once committed, finds the index exact. Deletes always remove their terms.

use casefile_domain::entity::Kind;
use rusqlite::{params, Transaction};

use crate::error::Result;
use crate::record::table;

/// The indexed columns of each searchable table, as the triggers write them.
fn indexed_columns(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Case => Some("name, number, description"),
        Kind::Client => Some("first_name, last_name, email, phone"),
        Kind::Company => Some("name, email, phone"),
        Kind::Event => Some("name, description, location"),
        Kind::Task => Some("name, description"),
        Kind::Document => Some("name, path"),
        _ => None,
    }
}

/// The rows a page wrote to a searchable table, by rowid, while its index
/// triggers stand aside.
#[derive(Debug)]
pub struct PageIndex {
    table: &'static str,
    columns: &'static str,
    /// Rows the page inserted: they have no terms yet.
    fresh: Vec<i64>,
    /// Rows the page overwrote: their old terms are still in the index.
    replaced: Vec<i64>,
}

impl PageIndex {
    /// Pauses `kind`'s index triggers for the page about to be written in
    /// `tx`. None for a kind that is not searched.
    pub fn begin(tx: &Transaction<'_>, kind: Kind) -> Result<Option<Self>> {
        let Some(columns) = indexed_columns(kind) else {
            return Ok(None);
        };
        let table = table(kind);
        tx.prepare_cached("INSERT OR IGNORE INTO fts_paused (tbl) VALUES (?1)")?
            .execute([table])?;
        Ok(Some(Self {
            table,
            columns,
            fresh: Vec::new(),
            replaced: Vec::new(),
        }))
    }

    /// The page wrote row `rowid`; `is_new` when it inserted it.
    pub fn wrote(&mut self, rowid: i64, is_new: bool) {
        if is_new {
            self.fresh.push(rowid);
        } else {
            self.replaced.push(rowid);
        }
    }

    /// Writes the page's terms and lifts the pause, in the page's transaction.
    pub fn finish(self, tx: &Transaction<'_>) -> Result<()> {
        let Self {
            table,
            columns,
            mut fresh,
            replaced,
        } = self;
        if !replaced.is_empty() {
            tx.prepare_cached(&format!(
                "DELETE FROM {table}_fts WHERE rowid IN (SELECT value FROM json_each(?1))"
            ))?
            .execute([serde_json::to_string(&replaced)?])?;
        }
        fresh.extend(replaced);
        // A record the page held twice was written twice.
        fresh.sort_unstable();
        fresh.dedup();
        if !fresh.is_empty() {
            let picked = columns
                .split(", ")
                .map(|c| format!("t.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            tx.prepare_cached(&format!(
                "INSERT INTO {table}_fts (rowid, {columns})
                 SELECT t.rowid, {picked} FROM json_each(?1) AS j
                 JOIN {table} AS t ON t.rowid = j.value WHERE t.deleted = 0"
            ))?
            .execute([serde_json::to_string(&fresh)?])?;
        }
        tx.prepare_cached("DELETE FROM fts_paused WHERE tbl = ?1")?
            .execute(params![table])?;
        Ok(())
    }
}
