//! The search index after a first sync that writes it in bulk (a page's
//! terms in two statements, the triggers standing aside), then renames and
//! deletes on the server and on this laptop: every searchable table's index
//! holds exactly its live rows' current terms, and search finds new names,
//! not old ones, nor deleted records.

mod common;

use casefile_domain::entity::{Case, Kind};
use casefile_store::{CaseQuery, Store};
use casefile_sync::{pull, reconcile::reconcile};
use common::*;
use serde_json::json;

fn no_progress(_: casefile_sync::PageProgress) {}

/// Each searchable table and its indexed columns.
const INDEXED: &[(&str, &str)] = &[
    ("cases", "name, number, description"),
    ("clients", "first_name, last_name, email, phone"),
    ("companies", "name, email, phone"),
    ("events", "name, description, location"),
    ("tasks", "name, description"),
    ("documents", "name, path"),
];

/// Asserts that every index holds exactly the live rows' terms, and that
/// FTS5's own check passes, and that no pause was left behind.
fn assert_index_exact(store: &Store, when: &str) {
    store
        .read(|c| {
            for (table, columns) in INDEXED {
                let rows = |sql: &str| -> Vec<String> {
                    let mut stmt = c.prepare(sql).unwrap();
                    let n = stmt.column_count();
                    stmt.query_map([], |r| {
                        Ok((0..n)
                            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                            .collect::<Vec<_>>()
                            .join("|"))
                    })
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
                };
                let indexed = rows(&format!(
                    "SELECT rowid, {columns} FROM {table}_fts ORDER BY rowid"
                ));
                let live = rows(&format!(
                    "SELECT rowid, {columns} FROM {table} WHERE deleted = 0 ORDER BY rowid"
                ));
                assert_eq!(indexed.len(), live.len(), "{when}: {table} row count");
                assert!(
                    indexed == live,
                    "{when}: {table}'s index differs from its rows"
                );
            }
            let paused: i64 = c.query_row("SELECT count(*) FROM fts_paused", [], |r| r.get(0))?;
            assert_eq!(paused, 0, "{when}: a pause was committed");
            Ok(())
        })
        .unwrap();
    // FTS5's own check of each index against its content (a write, for FTS5).
    let when = when.to_owned();
    store
        .write(move |tx| {
            for (table, _) in INDEXED {
                tx.execute_batch(&format!(
                    "INSERT INTO {table}_fts ({table}_fts) VALUES ('integrity-check')"
                ))
                .unwrap_or_else(|e| panic!("{when}: {table} index integrity: {e}"));
            }
            Ok(())
        })
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_index_is_exact_after_a_bulk_first_sync_then_renames_and_deletes() {
    let f = fixture().await;
    let (sandbox, store) = (&f.sandbox, f.store());
    pull(&f.syncer, &[], &no_progress).await.unwrap();
    assert!(count(store, Kind::Case) > 10, "the demo firm has cases");
    assert_index_exact(store, "after the first sync");

    let cases = store
        .cases(&CaseQuery {
            limit: 4,
            ..Default::default()
        })
        .unwrap()
        .items;
    let remote = |id| {
        store
            .get::<Case>(&id)
            .unwrap()
            .unwrap()
            .meta
            .remote_id
            .unwrap()
            .0
    };
    // On the server: one case renamed, one deleted.
    let old_name = cases[0].name.clone();
    admin(
        sandbox,
        reqwest::Method::PUT,
        &format!("/admin/records/cases/{}", remote(cases[0].id)),
        json!({"name": "Quillfeather v. Ostrander"}),
    )
    .await;
    let gone = cases[1].clone();
    admin(
        sandbox,
        reqwest::Method::DELETE,
        &format!("/admin/records/cases/{}", remote(gone.id)),
        json!({}),
    )
    .await;
    // On this laptop: a case renamed, a task deleted.
    let mut local: Case = store.get(&cases[2].id).unwrap().unwrap();
    local.name = "Zephyrine Holdings v. Marlow".into();
    store.save(local, "Renamed").unwrap();
    let task_id = store
        .read(|c| {
            Ok(
                c.query_row("SELECT id FROM tasks WHERE deleted = 0 LIMIT 1", [], |r| {
                    r.get::<_, String>(0)
                })?,
            )
        })
        .unwrap();
    let task_id = casefile_domain::ids::LocalId::parse(&task_id).unwrap();
    store.delete(Kind::Task, task_id, "Deleted").unwrap();
    assert_index_exact(store, "after local edits");

    pull(&f.syncer, &[], &no_progress).await.unwrap();
    reconcile(&f.syncer).await.unwrap();
    assert_index_exact(store, "after the next sync");

    let found = |q: &str| {
        store
            .search(q, 20)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found("Quillfeather"),
        vec![cases[0].id],
        "the server's rename"
    );
    assert_eq!(found("Zephyrine"), vec![cases[2].id], "the local rename");
    assert!(
        !found(&old_name).contains(&cases[0].id),
        "the old name no longer finds the renamed case"
    );
    assert!(
        !found(&gone.name).contains(&gone.id),
        "a case deleted on the server is not found"
    );
    f.sandbox.shutdown().await;
}
