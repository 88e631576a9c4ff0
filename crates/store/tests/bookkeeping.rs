//! Edits, server pages, the outbox and the change-counter rule, conflicts,
//! quarantine, remote deletions and the activity log.

mod common;

use casefile_domain::entity::{Case, Kind};
use casefile_domain::ids::RemoteId;
use casefile_store::{Checkpoint, Choice, Conflict, OpKind};
use common::*;

#[test]
fn a_local_edit_updates_row_counter_outbox_and_activity_together() {
    let (_dir, store) = open();
    let mut record = case("Martinez v. Hollis Trucking LLC", "2024-CV-001.2");
    record.meta.remote_id = None;
    let op = store.save(record.clone(), "Created case").unwrap();

    let ops = store.pending_ops().unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].op_id, op);
    assert_eq!(ops[0].op, OpKind::Create);
    assert_eq!(ops[0].counter_snapshot, 1);
    assert_eq!(
        ops[0].payload.as_ref().unwrap()["name"],
        "Martinez v. Hollis Trucking LLC"
    );
    assert_eq!(
        store.get::<Case>(&record.meta.id).unwrap().unwrap().name,
        record.name
    );

    record.name = "Martinez v. Hollis Trucking, LLC".into();
    store.save(record.clone(), "Renamed case").unwrap();
    let ops = store.pending_ops().unwrap();
    assert_eq!(ops.len(), 2);
    // Never pushed, so still a create.
    assert_eq!(ops[1].op, OpKind::Create);
    assert_eq!(ops[1].counter_snapshot, 2);
    let changes = store.recent_changes(10, 0).unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].summary, "Renamed case");
    assert_eq!(changes[0].account, "firm-1");
}

#[test]
fn edits_made_during_a_push_survive_the_acknowledgement() {
    let (_dir, store) = open();
    let record = case("Estate of Margaret Chen", "2025-PR-0042");
    store.apply_page(vec![record.clone()], None).unwrap();
    let mut edited = record.clone();
    edited.description = Some("First edit".into());
    store.save(edited.clone(), "Edited").unwrap();
    let snapshot = store.pending_ops().unwrap()[0].clone();
    assert_eq!(snapshot.op, OpKind::Update);

    // While the push is in flight, the user edits again.
    edited.description = Some("Second edit".into());
    store.save(edited.clone(), "Edited again").unwrap();
    store
        .ack_op(snapshot.op_id, snapshot.counter_snapshot, None)
        .unwrap();

    let ops = store.pending_ops().unwrap();
    assert_eq!(ops.len(), 1, "the second edit is still pending");
    // A server page must not overwrite the row: the counter is still above zero.
    let outcome = store.apply_page(vec![record.clone()], None).unwrap();
    assert_eq!(outcome.rebased, vec![record.meta.id]);
    let kept = store.get::<Case>(&record.meta.id).unwrap().unwrap();
    assert_eq!(kept.description.as_deref(), Some("Second edit"));

    let last = &ops[0];
    store
        .ack_op(last.op_id, last.counter_snapshot, None)
        .unwrap();
    assert_eq!(store.pending_count().unwrap(), 0);
    let outcome = store.apply_page(vec![record.clone()], None).unwrap();
    assert_eq!(
        outcome.applied, 1,
        "with nothing pending the server copy applies"
    );
}

#[test]
fn a_server_page_and_its_checkpoint_commit_together_and_keep_local_ids() {
    let (_dir, store) = open();
    let record = case("Okafor v. Lakeside Realty", "2026-CV-0107");
    let cp = Checkpoint {
        resource: "cases".into(),
        watermark: Some("2026-11-01T10:00:00Z".into()),
        cursor: Some("https://example.test/v1/cases?page_token=abc".into()),
    };
    let out = store
        .apply_page(vec![record.clone()], Some(cp.clone()))
        .unwrap();
    assert_eq!(out.applied, 1);
    assert_eq!(store.checkpoint("cases").unwrap(), Some(cp));
    // The same remote record arriving with a fresh local id maps onto the cached row.
    let mut again = record.clone();
    again.meta.id = casefile_domain::ids::LocalId::new();
    again.name = "Okafor v. Lakeside Realty Group".into();
    store.apply_page(vec![again], None).unwrap();
    let cached = store.get::<Case>(&record.meta.id).unwrap().unwrap();
    assert_eq!(cached.name, "Okafor v. Lakeside Realty Group");
    assert_eq!(
        store.mirror(Kind::Case, &record.meta.id).unwrap().unwrap()["name"],
        "Okafor v. Lakeside Realty Group"
    );
    assert_eq!(
        store
            .local_id_for(Kind::Case, &RemoteId("k-2026-CV-0107".into()))
            .unwrap(),
        Some(record.meta.id)
    );
}

#[test]
fn a_create_gets_its_remote_id_and_a_delete_is_confirmed_away() {
    let (_dir, store) = open();
    let mut record = case("Nguyen Immigration Petition", "2026-IM-0009");
    record.meta.remote_id = None;
    let op = store.save(record.clone(), "Created").unwrap();
    store.ack_op(op, 1, Some(RemoteId("777".into()))).unwrap();
    let cached = store.get::<Case>(&record.meta.id).unwrap().unwrap();
    assert_eq!(cached.meta.remote_id, Some(RemoteId("777".into())));

    let del = store.delete(Kind::Case, record.meta.id, "Deleted").unwrap();
    assert!(
        store.get::<Case>(&record.meta.id).unwrap().is_none(),
        "tombstoned rows are hidden"
    );
    let ops = store.pending_ops().unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].op, OpKind::Delete);
    store.ack_op(del, ops[0].counter_snapshot, None).unwrap();
    assert_eq!(store.pending_count().unwrap(), 0);
}

#[test]
fn deleting_a_never_pushed_record_drops_its_create() {
    let (_dir, store) = open();
    let mut record = case("Draft matter", "DRAFT-1");
    record.meta.remote_id = None;
    store.save(record.clone(), "Created").unwrap();
    store.delete(Kind::Case, record.meta.id, "Deleted").unwrap();
    assert_eq!(store.pending_count().unwrap(), 0);
}

#[test]
fn a_refused_push_stays_pending_with_its_reason() {
    let (_dir, store) = open();
    let mut record = case("Refused", "R-1");
    record.meta.remote_id = None;
    let op = store.save(record, "Created").unwrap();
    store.fail_op(op, "validation: name is too long").unwrap();
    let ops = store.pending_ops().unwrap();
    assert!(ops[0].failed);
    assert_eq!(ops[0].attempts, 1);
    assert_eq!(
        ops[0].last_error.as_deref(),
        Some("validation: name is too long")
    );
}

#[test]
fn conflicts_are_recorded_until_the_user_resolves_them() {
    let (_dir, store) = open();
    let record = case("Conflicted", "C-1");
    store
        .record_conflicts(vec![Conflict {
            id: "cf-1".into(),
            kind: Kind::Case,
            record_id: record.meta.id,
            field: "name".into(),
            base: Some("A".into()),
            local: Some("B".into()),
            remote: Some("C".into()),
            created_at: "2026-11-23T10:00:00Z".into(),
        }])
        .unwrap();
    let open_conflicts = store.conflicts().unwrap();
    assert_eq!(open_conflicts.len(), 1);
    assert_eq!(open_conflicts[0].local, Some("B".into()));
    store
        .resolve_conflict("cf-1".into(), Choice::Local)
        .unwrap();
    assert!(store.conflicts().unwrap().is_empty());
    assert!(
        store
            .resolve_conflict("cf-1".into(), Choice::Local)
            .is_err(),
        "resolving twice is an error"
    );
}

#[test]
fn quarantined_records_keep_their_reason() {
    let (_dir, store) = open();
    store
        .quarantine(
            "events".into(),
            Some("991".into()),
            serde_json::json!({"id": 991, "start": "garbage"}),
            "start is not a date-time".into(),
        )
        .unwrap();
    let q = store.quarantined().unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].remote_id.as_deref(), Some("991"));
    assert_eq!(q[0].reason, "start is not a date-time");
}

#[test]
fn remote_deletions_remove_clean_rows_and_keep_edited_ones() {
    let (_dir, store) = open();
    let clean = case("Clean", "D-1");
    let edited = case("Edited", "D-2");
    store
        .apply_page(vec![clean.clone(), edited.clone()], None)
        .unwrap();
    let mut e = edited.clone();
    e.name = "Edited locally".into();
    store.save(e, "Edited").unwrap();
    let kept = store
        .apply_remote_deletions::<Case>(vec![clean.meta.id, edited.meta.id])
        .unwrap();
    assert_eq!(kept, vec![edited.meta.id]);
    assert!(store.get::<Case>(&clean.meta.id).unwrap().is_none());
    assert!(store.mirror(Kind::Case, &clean.meta.id).unwrap().is_none());
    assert!(store.get::<Case>(&edited.meta.id).unwrap().is_some());
}
