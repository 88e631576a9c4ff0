//! The incoming sync decision as a table: (local row, mirror, server copy)
//! and the expected action, one row per case the page path distinguishes;
//! then the store carrying out the decisions it cannot show in JSON alone.

mod common;

use casefile_domain::entity::{Case, Kind};
use casefile_store::merge::FieldConflict;
use casefile_store::record::read_row;
use casefile_store::{plan_incoming, IncomingAction, LocalState};
use common::*;
use serde_json::{json, Value};

struct Row {
    name: &'static str,
    local: Option<LocalState>,
    mirror: Option<Value>,
    remote: Value,
    expected: IncomingAction,
}

const T0: &str = "2026-11-01T10:00:00Z";
const T1: &str = "2026-11-02T09:30:00Z";

/// A record as JSON, with the server time `at`.
fn rec(fields: Value, at: &str) -> Value {
    let mut v = fields;
    v["meta"] = json!({"id": "L1", "remote_id": "9", "server_updated_at": at, "extra": {}});
    v
}

fn clean(data: Value) -> Option<LocalState> {
    Some(LocalState {
        data,
        change_counter: 0,
        deleted: false,
    })
}

fn edited(data: Value, change_counter: i64) -> Option<LocalState> {
    Some(LocalState {
        data,
        change_counter,
        deleted: false,
    })
}

fn tombstone(data: Value, change_counter: i64) -> Option<LocalState> {
    Some(LocalState {
        data,
        change_counter,
        deleted: true,
    })
}

fn rebase(merged: Value, conflicts: Vec<FieldConflict>, counter: i64) -> IncomingAction {
    IncomingAction::Rebase {
        merged,
        conflicts,
        counter,
    }
}

fn conflict(field: &str, base: Option<Value>, local: Value, remote: Value) -> FieldConflict {
    FieldConflict {
        field: field.into(),
        base,
        local: Some(local),
        remote: Some(remote),
    }
}

fn table() -> Vec<Row> {
    let a = || rec(json!({"name": "A", "due": "2026-12-01"}), T0);
    vec![
        Row {
            name: "no local row: insert",
            local: None,
            mirror: None,
            remote: rec(json!({"name": "A", "due": "2026-12-01"}), T1),
            expected: IncomingAction::Insert,
        },
        Row {
            name: "no local row: a stray mirror is ignored",
            local: None,
            mirror: Some(a()),
            remote: rec(json!({"name": "C", "due": "2026-12-01"}), T1),
            expected: IncomingAction::Insert,
        },
        Row {
            name: "unedited local row: overwrite",
            local: clean(a()),
            mirror: Some(a()),
            remote: rec(json!({"name": "C", "due": "2026-12-09"}), T1),
            expected: IncomingAction::Overwrite,
        },
        Row {
            name:
                "unedited row that differs from its mirror: still overwrite (the counter decides)",
            local: clean(rec(json!({"name": "B", "due": "2026-12-01"}), T0)),
            mirror: Some(a()),
            remote: rec(json!({"name": "C", "due": "2026-12-01"}), T1),
            expected: IncomingAction::Overwrite,
        },
        Row {
            name: "unedited tombstone (nothing pending): overwrite, live again",
            local: tombstone(a(), 0),
            mirror: Some(a()),
            remote: rec(json!({"name": "C", "due": "2026-12-01"}), T1),
            expected: IncomingAction::Overwrite,
        },
        Row {
            name: "edited row, non-overlapping server change: clean rebase",
            local: edited(rec(json!({"name": "B", "due": "2026-12-01"}), T0), 2),
            mirror: Some(a()),
            remote: rec(json!({"name": "A", "due": "2026-12-09"}), T1),
            expected: rebase(
                rec(json!({"name": "B", "due": "2026-12-09"}), T1),
                vec![],
                2,
            ),
        },
        Row {
            name: "edited row, same field changed on both sides: conflict, local value stays",
            local: edited(rec(json!({"name": "B", "due": "2026-12-01"}), T0), 1),
            mirror: Some(a()),
            remote: rec(json!({"name": "C", "due": "2026-12-09"}), T1),
            expected: rebase(
                rec(json!({"name": "B", "due": "2026-12-09"}), T1),
                vec![conflict("name", Some(json!("A")), json!("B"), json!("C"))],
                1,
            ),
        },
        Row {
            name: "edited row, same change on both sides: no conflict",
            local: edited(rec(json!({"name": "C", "due": "2026-12-01"}), T0), 1),
            mirror: Some(a()),
            remote: rec(json!({"name": "C", "due": "2026-12-01"}), T1),
            expected: rebase(
                rec(json!({"name": "C", "due": "2026-12-01"}), T1),
                vec![],
                1,
            ),
        },
        Row {
            name: "edited row whose server copy is unchanged: rebase keeps the edits",
            local: edited(rec(json!({"name": "B", "due": "2026-12-01"}), T0), 3),
            mirror: Some(a()),
            remote: a(),
            expected: rebase(
                rec(json!({"name": "B", "due": "2026-12-01"}), T0),
                vec![],
                3,
            ),
        },
        Row {
            name: "tombstoned row with a pending delete receiving a server change: keep deleted",
            local: tombstone(rec(json!({"name": "B", "due": "2026-12-01"}), T0), 2),
            mirror: Some(a()),
            remote: rec(json!({"name": "C", "due": "2026-12-09"}), T1),
            expected: IncomingAction::KeepDeleted,
        },
        Row {
            name: "tombstoned row with a pending delete and no mirror: keep deleted",
            local: tombstone(a(), 1),
            mirror: None,
            remote: rec(json!({"name": "C", "due": "2026-12-01"}), T1),
            expected: IncomingAction::KeepDeleted,
        },
        Row {
            name: "pending edits and no mirror: every difference conflicts",
            local: edited(rec(json!({"name": "B", "due": "2026-12-01"}), T0), 1),
            mirror: None,
            remote: rec(json!({"name": "C", "due": "2026-12-09"}), T1),
            expected: rebase(
                rec(json!({"name": "B", "due": "2026-12-01"}), T1),
                vec![
                    conflict("due", None, json!("2026-12-01"), json!("2026-12-09")),
                    conflict("name", None, json!("B"), json!("C")),
                ],
                1,
            ),
        },
        Row {
            name: "pending edits and no mirror, sides agree: clean rebase",
            local: edited(rec(json!({"name": "B", "due": "2026-12-01"}), T0), 1),
            mirror: None,
            remote: rec(json!({"name": "B", "due": "2026-12-01"}), T1),
            expected: rebase(
                rec(json!({"name": "B", "due": "2026-12-01"}), T1),
                vec![],
                1,
            ),
        },
    ]
}

#[test]
fn incoming_decision_table() {
    for row in table() {
        let action = plan_incoming(row.local.as_ref(), row.mirror.as_ref(), &row.remote);
        assert_eq!(action, row.expected, "{}", row.name);
    }
}

#[test]
fn only_a_positive_change_counter_means_pending_edits() {
    let state = |change_counter| LocalState {
        data: json!({}),
        change_counter,
        deleted: false,
    };
    assert!(!state(0).has_pending_edits());
    assert!(!state(-1).has_pending_edits());
    assert!(state(1).has_pending_edits());
}

#[test]
fn the_store_keeps_a_tombstone_with_a_pending_delete_and_updates_its_mirror() {
    let (_dir, store) = open();
    let record = case("Estate of Margaret Chen", "2025-PR-0042");
    store.apply_page(vec![record.clone()], None).unwrap();
    store.delete(Kind::Case, record.meta.id, "Deleted").unwrap();

    let mut changed = record.clone();
    changed.name = "Estate of M. Chen".into();
    let outcome = store.apply_page(vec![changed], None).unwrap();
    assert_eq!(outcome.rebased, vec![record.meta.id]);
    assert_eq!((outcome.applied, outcome.conflicts), (0, 0));

    let id = record.meta.id;
    let kept: Case = store
        .read(move |c| read_row(c, &id, true))
        .unwrap()
        .unwrap();
    assert_eq!(kept.name, "Estate of Margaret Chen", "the row is untouched");
    assert!(store.get::<Case>(&id).unwrap().is_none(), "still deleted");
    assert_eq!(
        store.pending_count().unwrap(),
        1,
        "the delete is still pending"
    );
    assert_eq!(
        store.mirror(Kind::Case, &id).unwrap().unwrap()["name"],
        "Estate of M. Chen",
        "the mirror takes the server copy"
    );
}

#[test]
fn the_store_records_the_conflicts_a_rebase_plans() {
    let (_dir, store) = open();
    let record = case("Estate of Margaret Chen", "2025-PR-0042");
    store.apply_page(vec![record.clone()], None).unwrap();
    let mut local = record.clone();
    local.name = "Chen Estate".into();
    store.save(local, "Renamed").unwrap();

    let mut remote = record.clone();
    remote.name = "Estate of M. Chen".into();
    let outcome = store.apply_page(vec![remote], None).unwrap();
    assert_eq!(outcome.rebased, vec![record.meta.id]);
    assert_eq!(outcome.conflicts, 1);
    let conflicts = store.conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "name");
    assert_eq!(conflicts[0].local, Some(json!("Chen Estate")));
    assert_eq!(conflicts[0].remote, Some(json!("Estate of M. Chen")));
    let kept = store.get::<Case>(&record.meta.id).unwrap().unwrap();
    assert_eq!(kept.name, "Chen Estate", "the local value stays");
    assert_eq!(
        store.pending_count().unwrap(),
        1,
        "the edit is still pending"
    );
}
