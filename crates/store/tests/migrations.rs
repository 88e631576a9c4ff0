//! Upgrades from every older schema. Each `fixtures/schema-vN.sql` is a frozen
//! cache at version N (schema, data, a pending edit); opening it must migrate
//! to the latest version without losing the data or the outbox. When you add
//! migration N+1, add `schema-vN.sql` here (the test below insists).
//! Data an older version could hold but a migration reshapes (duplicate
//! quarantine rows before migration 4) is inserted into its fixture here.

mod common;

use casefile_domain::entity::Case;
use casefile_domain::ids::LocalId;
use casefile_store::{migrations::LATEST, Store};

#[test]
fn every_older_schema_has_a_fixture_and_upgrades_without_loss() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for version in 1..=LATEST {
        let sql = std::fs::read_to_string(fixtures.join(format!("schema-v{version}.sql")))
            .unwrap_or_else(|_| panic!("missing tests/fixtures/schema-v{version}.sql"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("firm-1.sqlite");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&sql).unwrap();
        if version == 2 {
            // An upload with a server document, from before migration 3 knew
            // whether the upload made it or found it.
            conn.execute_batch(
                "INSERT INTO transfers (id, direction, state, case_id, remote_document, create_sent,
                   file_name, created_at, updated_at) VALUES ('t-2', 'upload', 'cancelled',
                   '0193b7a0-0000-7000-8000-000000000001', '9002', 1, 'a.pdf', '2026-11-02', '2026-11-02')",
            )
            .unwrap();
        }
        if version == 3 {
            // Before migration 4 every re-pull of a malformed record added a
            // row: three of one record with a remote id, two of one without
            // (the same payload), and one other record without.
            conn.execute_batch(
                r#"INSERT INTO quarantine (resource, remote_id, payload, reason, at) VALUES
                 ('events', '991', '{"id":991,"start":"garbage"}', 'old', '2026-11-02T10:00:00Z'),
                 ('tasks', NULL, '{"name":"no id"}', 'old', '2026-11-02T10:00:00Z'),
                 ('events', '991', '{"id":991,"start":"garbage"}', 'older', '2026-11-02T09:55:00Z'),
                 ('events', '991', '{"id":991,"start":"rubbish"}', 'newest', '2026-11-02T10:05:00Z'),
                 ('tasks', NULL, '{"name":"no id"}', 'newest', '2026-11-02T10:04:00Z'),
                 ('tasks', NULL, '{"name":"other"}', 'other', '2026-11-02T10:01:00Z'),
                 ('cases', '991', '{"id":991}', 'same id, other resource', '2026-11-02T10:02:00Z');"#,
            )
            .unwrap();
        }
        drop(conn);

        let store = Store::open(dir.path(), &common::account()).unwrap();
        assert!(store.recovery().is_none());
        let version_now: i64 = store
            .read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(
            version_now, LATEST,
            "fixture v{version} did not reach the latest schema"
        );
        let id = LocalId::parse("0193b7a0-0000-7000-8000-000000000001").unwrap();
        let case = store
            .get::<Case>(&id)
            .unwrap()
            .expect("fixture case survives");
        assert_eq!(case.name, "Fixture v. Upgrade");
        assert_eq!(
            case.meta.extra["custom"], "kept",
            "unmodelled fields survive"
        );
        let pending = if version >= 5 { 2 } else { 1 };
        assert_eq!(
            store.pending_count().unwrap(),
            pending,
            "the outbox survives"
        );
        // A create in doubt keeps the body it sent, to be looked up by.
        let in_doubt: Vec<_> = store
            .creates_in_doubt()
            .unwrap()
            .into_iter()
            .map(|d| (d.sent, d.ops.len()))
            .collect();
        let expected = if version >= 5 {
            vec![(Some(serde_json::json!({"name": "Sent, answer lost"})), 1)]
        } else {
            vec![]
        };
        assert_eq!(in_doubt, expected, "fixture v{version}");
        assert_eq!(
            store.search("upgrade", 5).unwrap().len(),
            1,
            "search works after upgrade"
        );
        // A cancelled upload's server document is removed only when the
        // upload is known to have made it; an older row never says so.
        let discard: Vec<String> = store
            .uploads_to_discard()
            .unwrap()
            .into_iter()
            .filter_map(|t| t.remote_document)
            .collect();
        let expected: &[&str] = if version >= 3 { &["9001"] } else { &[] };
        assert_eq!(discard, expected, "fixture v{version}");

        // Quarantine holds one row per record, the newest, keyed so that the
        // same record set aside again updates it.
        let kept: Vec<(String, Option<String>, String)> = store
            .quarantined()
            .unwrap()
            .into_iter()
            .map(|q| (q.resource, q.remote_id, q.reason))
            .collect();
        let row = |res: &str, id: Option<&str>, reason: &str| {
            (res.to_owned(), id.map(str::to_owned), reason.to_owned())
        };
        let expected = match version {
            3 => vec![
                row("events", Some("991"), "newest"),
                row("tasks", None, "newest"),
                row("cases", Some("991"), "same id, other resource"),
                row("tasks", None, "other"),
            ],
            4.. => vec![
                row("tasks", None, "missing id"),
                row("events", Some("991"), "start is not a date-time"),
            ],
            _ => vec![],
        };
        assert_eq!(kept, expected, "fixture v{version}");
        // A folder made offline still waits to be created on the server.
        let waiting: &[(&str, &str)] = if version >= 6 {
            &[("0193b7a0-0000-7000-8000-000000000001", "Made offline")]
        } else {
            &[]
        };
        let folders = store.pending_case_folders().unwrap();
        let folders: Vec<(&str, &str)> = folders
            .iter()
            .map(|(c, p)| (c.as_str(), p.as_str()))
            .collect();
        assert_eq!(folders, waiting, "fixture v{version}");
        store
            .quarantine(
                "events".into(),
                Some("991".into()),
                serde_json::json!({"id": 991, "start": "again"}),
                "again".into(),
            )
            .unwrap();
        store
            .quarantine(
                "tasks".into(),
                None,
                serde_json::json!({"name": "no id"}),
                "again".into(),
            )
            .unwrap();
        let after = store.quarantined_count().unwrap();
        let before = expected.len() as u64;
        let expected_after = if version >= 3 { before } else { 2 };
        assert_eq!(
            after, expected_after,
            "fixture v{version}: re-quarantined in place"
        );
    }
}
