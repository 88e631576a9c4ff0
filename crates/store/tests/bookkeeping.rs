//! Edits, server pages, the outbox and the change-counter rule, conflicts,
//! quarantine (one row per record, atomic with its page), remote deletions,
//! the activity log, the default staff member and the status summary.

mod common;

use casefile_domain::entity::{Case, Kind, Staff};
use casefile_domain::ids::RemoteId;
use casefile_store::{Checkpoint, Choice, Conflict, OpKind, QuarantineEntry, StoreSummary};
use common::*;
use serde_json::json;

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

fn entry(
    resource: &str,
    remote: Option<&str>,
    payload: serde_json::Value,
    reason: &str,
) -> QuarantineEntry {
    QuarantineEntry {
        resource: resource.into(),
        remote_id: remote.map(str::to_owned),
        payload,
        reason: reason.into(),
    }
}

fn quarantine(store: &casefile_store::Store, e: QuarantineEntry) {
    store
        .quarantine(e.resource, e.remote_id, e.payload, e.reason)
        .unwrap();
}

#[test]
fn quarantining_a_record_again_updates_its_one_row() {
    let (_dir, store) = open();
    // The pull's lookback re-reads the same malformed records at every sync.
    for reason in ["first", "second", "third"] {
        quarantine(
            &store,
            entry(
                "events",
                Some("991"),
                json!({"id": 991, "start": reason}),
                reason,
            ),
        );
        quarantine(
            &store,
            entry("tasks", None, json!({"name": "no id"}), reason),
        );
    }
    assert_eq!(store.quarantined_count().unwrap(), 2);
    let q = store.quarantined().unwrap();
    assert!(q.iter().all(|q| q.reason == "third"), "{q:?}");

    // Other records are other rows: another payload without an id, the same
    // remote id in another resource.
    quarantine(&store, entry("tasks", None, json!({"name": "other"}), "x"));
    quarantine(&store, entry("cases", Some("991"), json!({"id": 991}), "x"));
    assert_eq!(store.quarantined_count().unwrap(), 4);
    assert_eq!(store.quarantined().unwrap().len(), 4);
}

#[test]
fn quarantined_lists_newest_first_and_a_requarantined_record_moves_up() {
    let (_dir, store) = open();
    for id in ["1", "2", "3"] {
        quarantine(&store, entry("events", Some(id), json!({"id": id}), "bad"));
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    quarantine(
        &store,
        entry("events", Some("1"), json!({"id": "1"}), "still bad"),
    );
    let q = store.quarantined().unwrap();
    let ids: Vec<_> = q.iter().map(|q| q.remote_id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["1", "3", "2"]);
    assert_eq!(q[0].reason, "still bad");
    assert!(q[0].at > q[1].at, "its time was updated: {q:?}");
    assert_eq!(store.quarantined_count().unwrap(), 3);
}

#[test]
fn a_record_that_arrives_in_good_shape_leaves_quarantine() {
    let (_dir, store) = open();
    let record = case("Once malformed", "Q-1");
    let remote = record.meta.remote_id.clone().unwrap().0;
    quarantine(
        &store,
        entry("cases", Some(&remote), json!({"id": remote}), "bad"),
    );
    // The same remote id in another resource is another record.
    quarantine(
        &store,
        entry("tasks", Some(&remote), json!({"id": remote}), "bad"),
    );
    quarantine(
        &store,
        entry("cases", Some("other"), json!({"id": "other"}), "bad"),
    );

    store.apply_page(vec![record], None).unwrap();
    let left: Vec<_> = store
        .quarantined()
        .unwrap()
        .into_iter()
        .map(|q| (q.resource, q.remote_id.unwrap()))
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.contains(&("tasks".into(), remote.clone())));
    assert!(left.contains(&("cases".into(), "other".into())));
}

#[test]
fn a_rebased_record_in_good_shape_also_leaves_quarantine() {
    let (_dir, store) = open();
    let record = case("Edited here", "Q-2");
    store.apply_page(vec![record.clone()], None).unwrap();
    let mut edited = record.clone();
    edited.description = Some("local".into());
    store.save(edited, "Edited").unwrap();
    let remote = record.meta.remote_id.clone().unwrap().0;
    quarantine(&store, entry("cases", Some(&remote), json!({}), "bad"));
    let out = store.apply_page(vec![record.clone()], None).unwrap();
    assert_eq!(out.rebased, vec![record.meta.id]);
    assert_eq!(store.quarantined_count().unwrap(), 0);
}

#[test]
fn a_page_its_quarantine_and_its_checkpoint_commit_together() {
    let (_dir, store) = open();
    let good = case("Decoded fine", "P-1");
    let cp = Checkpoint {
        resource: "cases".into(),
        watermark: None,
        cursor: Some("https://example.test/v1/cases?page_token=p2".into()),
    };
    let page = || {
        vec![
            entry(
                "cases",
                Some("bad-1"),
                json!({"id": "bad-1", "opened": "?"}),
                "opened is not a date",
            ),
            entry("cases", None, json!({"name": "no id"}), "missing id"),
        ]
    };
    let out = store
        .apply_page_with_quarantine(vec![good.clone()], page(), Some(cp.clone()))
        .unwrap();
    assert_eq!(out.applied, 1);
    assert!(store.get::<Case>(&good.meta.id).unwrap().is_some());
    assert_eq!(store.checkpoint("cases").unwrap(), Some(cp.clone()));
    let q = store.quarantined().unwrap();
    assert_eq!(q.len(), 2);
    assert!(q.iter().any(|q| q.remote_id.as_deref() == Some("bad-1")));

    // Re-pulled (the lookback), the page keeps one row per record.
    store
        .apply_page_with_quarantine(vec![good], page(), Some(cp))
        .unwrap();
    assert_eq!(store.quarantined_count().unwrap(), 2);
}

#[test]
fn a_failed_page_leaves_no_quarantine_row() {
    let (_dir, store) = open();
    let a = case("A", "F-1");
    let b = case("B", "F-2");
    store.apply_page(vec![a.clone(), b.clone()], None).unwrap();
    // A's row given B's remote id: the page breaks the UNIQUE remote id.
    let mut broken = a.clone();
    broken.meta.remote_id = b.meta.remote_id.clone();
    let cp = Checkpoint {
        resource: "cases".into(),
        watermark: Some("2026-11-01T10:00:00Z".into()),
        cursor: None,
    };
    let failed = store.apply_page_with_quarantine(
        vec![broken],
        vec![entry("cases", Some("bad-1"), json!({"id": "bad-1"}), "bad")],
        Some(cp),
    );
    let err = failed.expect_err("the page must fail").to_string();
    assert!(err.contains("UNIQUE"), "{err}");
    assert_eq!(
        store.quarantined_count().unwrap(),
        0,
        "rolled back with its page"
    );
    assert!(store.quarantined().unwrap().is_empty());
    assert_eq!(store.checkpoint("cases").unwrap(), None);
    assert_eq!(
        store
            .get::<Case>(&a.meta.id)
            .unwrap()
            .unwrap()
            .meta
            .remote_id,
        a.meta.remote_id
    );
}

#[test]
fn default_staff_is_the_first_active_live_member_by_server_id() {
    let (_dir, store) = open();
    assert_eq!(store.default_staff().unwrap(), None, "no staff cached yet");
    let member = |first: &str, remote: &str, active: bool| Staff {
        meta: meta(Some(remote)),
        active,
        ..staff(first, "Example")
    };
    let ten = member("Ten", "10", true);
    let nine = member("Nine", "9", true);
    let inactive = member("Two", "2", false);
    let deleted = member("Three", "3", true);
    store
        .apply_page(
            vec![ten.clone(), inactive, deleted.clone(), nine.clone()],
            None,
        )
        .unwrap();
    store
        .delete(Kind::Staff, deleted.meta.id, "Removed")
        .unwrap();
    // Numeric order: 9 before 10.
    assert_eq!(store.default_staff().unwrap(), Some(nine.meta.id));
    store.delete(Kind::Staff, nine.meta.id, "Removed").unwrap();
    assert_eq!(store.default_staff().unwrap(), Some(ten.meta.id));
}

#[test]
fn the_summary_counts_the_status_line_in_one_read() {
    let (_dir, store) = open();
    assert_eq!(store.summary().unwrap(), StoreSummary::default());

    let cases: Vec<Case> = (1..=3)
        .map(|i| case(&format!("Case {i}"), &format!("S-{i}")))
        .collect();
    store.apply_page(cases.clone(), None).unwrap();
    store
        .delete(Kind::Case, cases[0].meta.id, "Deleted")
        .unwrap();
    let mut new = case("New here", "S-4");
    new.meta.remote_id = None;
    let create = store.save(new, "Created").unwrap();
    store.fail_op(create, "validation: name").unwrap();
    let conflict = |id: &str| Conflict {
        id: id.into(),
        kind: Kind::Case,
        record_id: cases[1].meta.id,
        field: "name".into(),
        base: None,
        local: Some("L".into()),
        remote: Some("R".into()),
        created_at: "2026-11-23T10:00:00Z".into(),
    };
    store
        .record_conflicts(vec![conflict("cf-1"), conflict("cf-2")])
        .unwrap();
    store
        .resolve_conflict("cf-1".into(), Choice::Remote)
        .unwrap();
    quarantine(&store, entry("events", Some("1"), json!({}), "bad"));
    quarantine(&store, entry("events", Some("1"), json!({}), "bad again"));
    quarantine(&store, entry("tasks", None, json!({"x": 1}), "bad"));

    let summary = store.summary().unwrap();
    assert_eq!(
        summary,
        StoreSummary {
            pending: store.pending_count().unwrap(),
            refused: store
                .pending_ops()
                .unwrap()
                .iter()
                .filter(|o| o.failed)
                .count() as u64,
            conflicts: store.conflicts().unwrap().len() as u64,
            quarantined: store.quarantined_count().unwrap(),
            cases: 3,
        }
    );
    assert_eq!(
        summary,
        StoreSummary {
            pending: 3,
            refused: 1,
            conflicts: 1,
            quarantined: 2,
            cases: 3,
        }
    );
}
