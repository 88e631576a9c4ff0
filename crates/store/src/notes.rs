//! A case's notes as its server keeps them, read whole (a provider's case
//! notes; not every provider has them), with when they were last read. A
//! read replaces the case's notes in one transaction, so the screen shows
//! one server answer or the one before, never half of each. Read-only:
//! nothing here reaches the outbox.

use casefile_domain::note::CaseNote;
use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::Store;

impl Store {
    /// Records a case's notes as the server listed them now.
    pub fn replace_case_notes(&self, case_id: &str, notes: Vec<CaseNote>) -> Result<()> {
        let case = case_id.to_owned();
        let rows = notes
            .iter()
            .map(|n| Ok((n.remote_id.clone(), serde_json::to_string(n)?)))
            .collect::<Result<Vec<_>>>()?;
        self.write(move |tx| {
            tx.execute("DELETE FROM case_notes WHERE case_id = ?1", [&case])?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO case_notes (case_id, position, remote_id, data) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (position, (remote, data)) in rows.iter().enumerate() {
                insert.execute(params![case, position as i64, remote, data])?;
            }
            tx.execute(
                "INSERT INTO case_note_reads (case_id, read_at) VALUES (?1, ?2)
                 ON CONFLICT (case_id) DO UPDATE SET read_at = excluded.read_at",
                params![case, crate::now()],
            )?;
            Ok(())
        })
    }

    /// A case's notes in the server's order, and when they were read; no
    /// time when they never were. A row that no longer reads is skipped.
    pub fn case_notes(&self, case_id: &str) -> Result<(Vec<CaseNote>, Option<String>)> {
        let case = case_id.to_owned();
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT data FROM case_notes WHERE case_id = ?1 ORDER BY position",
            )?;
            let notes = stmt
                .query_map([&case], |r| r.get::<_, String>(0))?
                .filter_map(|row| row.ok())
                .filter_map(|data| serde_json::from_str(&data).ok())
                .collect();
            let read_at = c
                .query_row(
                    "SELECT read_at FROM case_note_reads WHERE case_id = ?1",
                    [&case],
                    |r| r.get(0),
                )
                .optional()?;
            Ok((notes, read_at))
        })
    }
}

#[cfg(test)]
mod tests {
    use casefile_domain::ids::AccountId;

    use super::*;

    fn note(id: &str, subject: &str) -> CaseNote {
        CaseNote {
            remote_id: id.into(),
            subject: subject.into(),
            body: "text".into(),
            is_html: false,
            note_type: None,
            posted_on: None,
            created_at: None,
            author: None,
        }
    }

    #[test]
    fn a_read_replaces_a_cases_notes_in_order_and_leaves_other_cases_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &AccountId("a".into())).unwrap();
        assert_eq!(store.case_notes("c1").unwrap(), (vec![], None));
        store
            .replace_case_notes("c1", vec![note("n2", "Second"), note("n1", "First")])
            .unwrap();
        store
            .replace_case_notes("c2", vec![note("n9", "Other")])
            .unwrap();
        let (notes, read_at) = store.case_notes("c1").unwrap();
        assert_eq!(notes, vec![note("n2", "Second"), note("n1", "First")]);
        assert!(read_at.is_some());
        // The server dropped one: it goes; the other case keeps its own.
        store
            .replace_case_notes("c1", vec![note("n1", "First")])
            .unwrap();
        assert_eq!(store.case_notes("c1").unwrap().0, vec![note("n1", "First")]);
        assert_eq!(store.case_notes("c2").unwrap().0.len(), 1);
    }
}
