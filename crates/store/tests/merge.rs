//! The 3-way merge as a table: (base, local, remote) and the expected
//! result or conflict, field by field.

use casefile_store::merge::merge;
use serde_json::{json, Value};

struct Case {
    name: &'static str,
    base: Option<Value>,
    local: Value,
    remote: Value,
    merged: Value,
    conflicts: &'static [&'static str],
}

fn rec(fields: Value, extra: Value) -> Value {
    let mut v = fields;
    v["meta"] = json!({"id": "L1", "remote_id": "9", "server_updated_at": null, "extra": extra});
    v
}

fn table() -> Vec<Case> {
    let e = json!({});
    vec![
        Case {
            name: "nothing changed",
            base: Some(rec(json!({"name": "A", "due": "2026-12-01"}), e.clone())),
            local: rec(json!({"name": "A", "due": "2026-12-01"}), e.clone()),
            remote: rec(json!({"name": "A", "due": "2026-12-01"}), e.clone()),
            merged: rec(json!({"name": "A", "due": "2026-12-01"}), e.clone()),
            conflicts: &[],
        },
        Case {
            name: "only local changed",
            base: Some(rec(json!({"name": "A", "due": "2026-12-01"}), e.clone())),
            local: rec(json!({"name": "B", "due": "2026-12-01"}), e.clone()),
            remote: rec(json!({"name": "A", "due": "2026-12-01"}), e.clone()),
            merged: rec(json!({"name": "B", "due": "2026-12-01"}), e.clone()),
            conflicts: &[],
        },
        Case {
            name: "only remote changed",
            base: Some(rec(json!({"name": "A", "due": "2026-12-01"}), e.clone())),
            local: rec(json!({"name": "A", "due": "2026-12-01"}), e.clone()),
            remote: rec(json!({"name": "A", "due": "2026-12-09"}), e.clone()),
            merged: rec(json!({"name": "A", "due": "2026-12-09"}), e.clone()),
            conflicts: &[],
        },
        Case {
            name: "different fields changed on each side merge cleanly",
            base: Some(rec(json!({"name": "A", "due": "2026-12-01"}), e.clone())),
            local: rec(json!({"name": "B", "due": "2026-12-01"}), e.clone()),
            remote: rec(json!({"name": "A", "due": "2026-12-09"}), e.clone()),
            merged: rec(json!({"name": "B", "due": "2026-12-09"}), e.clone()),
            conflicts: &[],
        },
        Case {
            name: "the same change on both sides is no conflict",
            base: Some(rec(json!({"name": "A"}), e.clone())),
            local: rec(json!({"name": "B"}), e.clone()),
            remote: rec(json!({"name": "B"}), e.clone()),
            merged: rec(json!({"name": "B"}), e.clone()),
            conflicts: &[],
        },
        Case {
            name: "different changes to one field conflict; local stays",
            base: Some(rec(json!({"name": "A", "due": "2026-12-01"}), e.clone())),
            local: rec(json!({"name": "B", "due": "2026-12-01"}), e.clone()),
            remote: rec(json!({"name": "C", "due": "2026-12-01"}), e.clone()),
            merged: rec(json!({"name": "B", "due": "2026-12-01"}), e.clone()),
            conflicts: &["name"],
        },
        Case {
            name: "a field cleared remotely and edited locally conflicts",
            base: Some(rec(json!({"name": "A", "description": "x"}), e.clone())),
            local: rec(json!({"name": "A", "description": "y"}), e.clone()),
            remote: rec(json!({"name": "A"}), e.clone()),
            merged: rec(json!({"name": "A", "description": "y"}), e.clone()),
            conflicts: &["description"],
        },
        Case {
            name: "a field cleared remotely and untouched locally is cleared",
            base: Some(rec(json!({"name": "A", "description": "x"}), e.clone())),
            local: rec(json!({"name": "A", "description": "x"}), e.clone()),
            remote: rec(json!({"name": "A"}), e.clone()),
            merged: rec(json!({"name": "A"}), e.clone()),
            conflicts: &[],
        },
        Case {
            name: "a whole value (event time) merges as one field",
            base: Some(rec(
                json!({"time": {"kind": "timed", "start": "10:00", "end": "11:00"}}),
                e.clone(),
            )),
            local: rec(
                json!({"time": {"kind": "timed", "start": "12:00", "end": "13:00"}}),
                e.clone(),
            ),
            remote: rec(
                json!({"time": {"kind": "timed", "start": "10:00", "end": "11:30"}}),
                e.clone(),
            ),
            merged: rec(
                json!({"time": {"kind": "timed", "start": "12:00", "end": "13:00"}}),
                e.clone(),
            ),
            conflicts: &["time"],
        },
        Case {
            name: "staff lists changed on both sides differently conflict",
            base: Some(rec(json!({"staff": ["s1"]}), e.clone())),
            local: rec(json!({"staff": ["s1", "s2"]}), e.clone()),
            remote: rec(json!({"staff": ["s3"]}), e.clone()),
            merged: rec(json!({"staff": ["s1", "s2"]}), e.clone()),
            conflicts: &["staff"],
        },
        Case {
            name: "unmodelled server fields merge key by key",
            base: Some(rec(
                json!({"name": "A"}),
                json!({"event_type": "Court", "color": "red"}),
            )),
            local: rec(
                json!({"name": "B"}),
                json!({"event_type": "Meeting", "color": "red"}),
            ),
            remote: rec(
                json!({"name": "A"}),
                json!({"event_type": "Court", "color": "blue"}),
            ),
            merged: rec(
                json!({"name": "B"}),
                json!({"event_type": "Meeting", "color": "blue"}),
            ),
            conflicts: &[],
        },
        Case {
            name: "unmodelled fields can conflict too",
            base: Some(rec(json!({}), json!({"event_type": "Court"}))),
            local: rec(json!({}), json!({"event_type": "Meeting"})),
            remote: rec(json!({}), json!({"event_type": "Call"})),
            merged: rec(json!({}), json!({"event_type": "Meeting"})),
            conflicts: &["extra.event_type"],
        },
        Case {
            name: "without a base every difference is a conflict",
            base: None,
            local: rec(json!({"name": "B", "due": "2026-12-01"}), e.clone()),
            remote: rec(json!({"name": "C", "due": "2026-12-01"}), e.clone()),
            merged: rec(json!({"name": "B", "due": "2026-12-01"}), e.clone()),
            conflicts: &["name"],
        },
    ]
}

#[test]
fn three_way_merge_table() {
    for case in table() {
        let out = merge(case.base.as_ref(), &case.local, &case.remote);
        assert_eq!(out.value, case.merged, "{}: merged record", case.name);
        let fields: Vec<&str> = out.conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, case.conflicts, "{}: conflicts", case.name);
        for c in &out.conflicts {
            assert_ne!(c.local, c.remote, "{}: a conflict has two sides", case.name);
        }
    }
}

#[test]
fn the_merged_meta_keeps_the_local_id_and_takes_the_server_time() {
    let base = json!({"name": "A", "meta": {"id": "L1", "remote_id": "9", "server_updated_at": "2026-01-01T00:00:00Z", "extra": {}}});
    let local = json!({"name": "B", "meta": {"id": "L1", "remote_id": "9", "server_updated_at": "2026-01-01T00:00:00Z", "extra": {}}});
    let remote = json!({"name": "A", "meta": {"id": "R-temp", "remote_id": "9", "server_updated_at": "2026-02-02T00:00:00Z", "extra": {}}});
    let out = merge(Some(&base), &local, &remote);
    assert_eq!(out.value["meta"]["id"], "L1");
    assert_eq!(
        out.value["meta"]["server_updated_at"],
        "2026-02-02T00:00:00Z"
    );
    assert_eq!(out.value["name"], "B");
}
