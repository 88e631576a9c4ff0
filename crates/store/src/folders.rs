//! A case's folders as its server lists them (empty ones too, which no
//! document path shows), with when the tree was last walked, and folders
//! made on this laptop that wait to be created on the server. A walk
//! replaces what the server said before but never a folder still waiting:
//! that one is only settled once it was created.

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::Store;

/// A folder of a case, and whether it waits to be created on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFolder {
    pub path: String,
    pub pending: bool,
}

impl Store {
    /// Records the server's folders of a case, as walked now.
    pub fn replace_case_folders(&self, case_id: &str, paths: Vec<String>) -> Result<()> {
        let case = case_id.to_owned();
        self.write(move |tx| {
            tx.execute(
                "DELETE FROM case_folders WHERE case_id = ?1 AND pending = 0",
                [&case],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO case_folders (case_id, path, pending) VALUES (?1, ?2, 0)
                 ON CONFLICT (case_id, path) DO NOTHING",
            )?;
            for path in &paths {
                insert.execute(params![case, path])?;
            }
            tx.execute(
                "INSERT INTO case_folder_walks (case_id, walked_at) VALUES (?1, ?2)
                 ON CONFLICT (case_id) DO UPDATE SET walked_at = excluded.walked_at",
                params![case, crate::now()],
            )?;
            Ok(())
        })
    }

    /// Makes a folder on this laptop, to be created on the server. False
    /// when the case has that folder already.
    pub fn add_case_folder(&self, case_id: &str, path: &str) -> Result<bool> {
        let (case, path) = (case_id.to_owned(), path.to_owned());
        self.write(move |tx| {
            let added = tx.execute(
                "INSERT INTO case_folders (case_id, path, pending) VALUES (?1, ?2, 1)
                 ON CONFLICT (case_id, path) DO NOTHING",
                params![case, path],
            )?;
            Ok(added == 1)
        })
    }

    /// Folders made here and not yet on the server, oldest case first.
    pub fn pending_case_folders(&self) -> Result<Vec<(String, String)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT case_id, path FROM case_folders WHERE pending = 1 ORDER BY case_id, path",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            Ok(rows)
        })
    }

    /// The server now has a folder made here.
    pub fn case_folder_created(&self, case_id: &str, path: &str) -> Result<()> {
        let (case, path) = (case_id.to_owned(), path.to_owned());
        self.write(move |tx| {
            tx.execute(
                "UPDATE case_folders SET pending = 0 WHERE case_id = ?1 AND path = ?2",
                params![case, path],
            )?;
            Ok(())
        })
    }

    /// A case's known folders, by path.
    pub fn case_folders(&self, case_id: &str) -> Result<Vec<CaseFolder>> {
        let case = case_id.to_owned();
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT path, pending FROM case_folders WHERE case_id = ?1 ORDER BY path",
            )?;
            let rows = stmt
                .query_map([case], |r| {
                    Ok(CaseFolder {
                        path: r.get(0)?,
                        pending: r.get::<_, i64>(1)? != 0,
                    })
                })?
                .collect::<std::result::Result<_, _>>()?;
            Ok(rows)
        })
    }

    /// When a case's tree was last walked on the server (RFC 3339).
    pub fn case_folders_walked_at(&self, case_id: &str) -> Result<Option<String>> {
        let case = case_id.to_owned();
        self.read(|c| {
            Ok(c.query_row(
                "SELECT walked_at FROM case_folder_walks WHERE case_id = ?1",
                [case],
                |r| r.get(0),
            )
            .optional()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use casefile_domain::ids::AccountId;

    use crate::Store;

    #[test]
    fn a_walk_replaces_the_servers_folders_but_keeps_one_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &AccountId("t".into())).unwrap();
        assert_eq!(store.case_folders_walked_at("c").unwrap(), None);
        store
            .replace_case_folders("c", vec!["A".into(), "A/B".into()])
            .unwrap();
        assert!(store.add_case_folder("c", "New").unwrap());
        assert!(!store.add_case_folder("c", "New").unwrap(), "once");
        store.replace_case_folders("c", vec!["A".into()]).unwrap();
        let paths: Vec<(String, bool)> = store
            .case_folders("c")
            .unwrap()
            .into_iter()
            .map(|f| (f.path, f.pending))
            .collect();
        assert_eq!(paths, vec![("A".into(), false), ("New".into(), true)]);
        assert_eq!(
            store.pending_case_folders().unwrap(),
            vec![("c".to_owned(), "New".to_owned())]
        );
        store.case_folder_created("c", "New").unwrap();
        assert!(store.pending_case_folders().unwrap().is_empty());
        assert!(store.case_folders_walked_at("c").unwrap().is_some());
        assert!(store.case_folders("other").unwrap().is_empty());
    }
}
