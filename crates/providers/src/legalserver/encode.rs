//! Casefile's events and tasks as LegalServer request bodies
//! (`v1_core_event_post_patch`, `v1_core_task_post_patch`), and the partial
//! bodies its `PATCH` takes: only the fields that differ from the server's
//! last copy.
//!
//! - **Times** always carry their offset: without one LegalServer reads
//!   them in the site's own zone, not the event's.
//! - **References** go by UUID: attendees and users as
//!   `[{"user_uuid": …}]`, an event's matters as `[{"matter_uuid": …}]`
//!   (empty to clear), a task's matter through the `matter_uuid` shortcut.
//! - **An event's `external_id`** is its stable local id. The field is
//!   unique on the server, so a create whose answer was lost is found by
//!   it, and can never make a second event. Tasks have no such field.
//! - **A task has no priority** in LegalServer: a deadline reads as High,
//!   so High is sent as a deadline and anything else as a plain task.

use casefile_domain::entity::{Event, Kind, Priority, Task};
use casefile_domain::ids::LocalId;
use casefile_domain::record::Record;
use casefile_domain::time::{format_with_offset, EventTime};
use serde_json::{json, Map, Value};

use crate::provider::{EncodeError, RemoteRefs};

/// The key an event's create carries our id under.
pub const EXTERNAL_ID: &str = "external_id";

fn uuid(refs: &dyn RemoteRefs, kind: Kind, local: &LocalId) -> Result<String, EncodeError> {
    refs.remote(kind, local)
        .map(|r| r.0)
        .ok_or(EncodeError::Unresolved(kind))
}

/// `[{"user_uuid": …}]` for a list of staff members.
fn users(refs: &dyn RemoteRefs, staff: &[LocalId]) -> Result<Value, EncodeError> {
    staff
        .iter()
        .map(|s| uuid(refs, Kind::Staff, s).map(|u| json!({ "user_uuid": u })))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// The body that creates `record`.
pub fn encode(record: &Record, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
    match record {
        Record::Event(e) => {
            let mut body = event(e, refs)?;
            body.insert(EXTERNAL_ID.into(), json!(e.meta.id.to_string()));
            Ok(Value::Object(body))
        }
        Record::Task(t) => task(t, refs).map(Value::Object),
        other => Err(EncodeError::Unsupported(other.kind())),
    }
}

/// The `PATCH` body that turns the server's copy `base` into `record`:
/// the fields whose encoding differs. Without a base, every field.
pub fn encode_update(
    record: &Record,
    base: Option<&Record>,
    refs: &dyn RemoteRefs,
) -> Result<Value, EncodeError> {
    let fields = |r: &Record| match r {
        Record::Event(e) => event(e, refs),
        Record::Task(t) => task(t, refs),
        other => Err(EncodeError::Unsupported(other.kind())),
    };
    let mut body = fields(record)?;
    // A base that no longer encodes (its parent gone) is no base.
    if let Some(Ok(old)) = base.map(fields) {
        body.retain(|k, v| old.get(k) != Some(v));
    }
    Ok(Value::Object(body))
}

fn event(e: &Event, refs: &dyn RemoteRefs) -> Result<Map<String, Value>, EncodeError> {
    let (start, end, all_day) = match &e.time {
        EventTime::Timed { start, end, zone } => (
            format_with_offset(*start, *zone),
            format_with_offset(*end, *zone),
            false,
        ),
        // Midnight of the first and of the last day (ours is exclusive).
        EventTime::AllDay { start, end } => {
            let last = end.pred_opt().unwrap_or(*start).max(*start);
            (
                format!("{start}T00:00:00+00:00"),
                format!("{last}T00:00:00+00:00"),
                true,
            )
        }
    };
    let matters = match &e.case {
        Some(case) => json!([{ "matter_uuid": uuid(refs, Kind::Case, case)? }]),
        None => json!([]),
    };
    let mut body = Map::new();
    body.insert("title".into(), json!(e.name));
    body.insert("start_datetime".into(), json!(start));
    body.insert("end_datetime".into(), json!(end));
    body.insert("all_day_event".into(), json!(all_day));
    body.insert("location".into(), json!(e.location));
    body.insert("private_event".into(), json!(e.private));
    body.insert("attendees".into(), users(refs, &e.staff)?);
    body.insert("matters".into(), matters);
    Ok(body)
}

fn task(t: &Task, refs: &dyn RemoteRefs) -> Result<Map<String, Value>, EncodeError> {
    let deadline = t.priority == Priority::High;
    let due = t.due.map(|d| d.to_string());
    let matter = t
        .case
        .as_ref()
        .map(|c| uuid(refs, Kind::Case, c))
        .transpose()?;
    let mut body = Map::new();
    body.insert("title".into(), json!(t.name));
    body.insert("list_date".into(), json!(due));
    body.insert("due_date".into(), json!(due));
    body.insert("deadline".into(), json!(deadline));
    body.insert(
        "task_type".into(),
        if deadline { Value::Null } else { json!("Task") },
    );
    body.insert(
        "deadline_type".into(),
        if deadline {
            json!("Deadline")
        } else {
            Value::Null
        },
    );
    body.insert("is_this_a_case_alert".into(), json!(false));
    body.insert("completed".into(), json!(t.completed));
    body.insert(
        "completed_date".into(),
        json!(t
            .completed_at
            .filter(|_| t.completed)
            .map(|at| at.date_naive().to_string())),
    );
    body.insert("users".into(), users(refs, &t.staff)?);
    body.insert("matter_uuid".into(), json!(matter));
    Ok(body)
}

/// Whether `found`, a task on the server, is the one `sent` created: the
/// same title, dates, matter, state and users. (Events are found by their
/// `external_id` instead.)
pub fn same_task(sent: &Value, found: &Value) -> bool {
    let text = |v: &Value, k: &str| -> Option<String> {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty() && *s != "%empty%")
            .map(str::to_owned)
    };
    // A date, whether it came plain or with a time.
    let day = |v: &Value, k: &str| text(v, k).map(|s| s.chars().take(10).collect::<String>());
    let matter = found
        .get("module")
        .and_then(|m| m.get("matter_uuid"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let sent_users = user_uuids(sent.get("users"));
    let found_users = user_uuids(found.get("users"));
    sent.get("title") == found.get("title")
        && day(sent, "due_date") == day(found, "due_date")
        && text(sent, "matter_uuid") == matter
        && sent.get("completed").and_then(Value::as_bool)
            == found.get("completed").and_then(Value::as_bool)
        && sent_users == found_users
}

/// The user UUIDs of a list: ours (`[{"user_uuid"}]`) or LegalServer's
/// (`{"individual_values": [{"user_uuid"}]}`), sorted.
fn user_uuids(list: Option<&Value>) -> Vec<String> {
    let items = match list {
        Some(Value::Array(a)) => a.as_slice(),
        Some(Value::Object(o)) => o
            .get("individual_values")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice),
        _ => &[],
    };
    let mut out: Vec<String> = items
        .iter()
        .filter_map(|u| u.get("user_uuid").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use casefile_domain::entity::Meta;
    use casefile_domain::ids::{AccountId, RemoteId};
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;

    /// Every local id is known on the server as `uuid-<local id>`.
    struct Known;
    impl RemoteRefs for Known {
        fn remote(&self, _kind: Kind, local: &LocalId) -> Option<RemoteId> {
            Some(RemoteId(format!("uuid-{local}")))
        }
        fn name(&self, _kind: Kind, _local: &LocalId) -> Option<String> {
            None
        }
    }

    fn event() -> Event {
        let start = Utc.with_ymd_and_hms(2026, 3, 8, 7, 30, 0).unwrap();
        Event {
            meta: Meta::local(&AccountId("a".into())),
            name: "Hearing".into(),
            description: None,
            location: Some("Courtroom 4".into()),
            case: Some(LocalId::new()),
            staff: vec![LocalId::new()],
            time: EventTime::timed(
                start,
                start + chrono::Duration::hours(1),
                chrono_tz::America::New_York,
            )
            .unwrap(),
            private: false,
        }
    }

    #[test]
    fn a_create_carries_its_key_and_its_offset_and_a_patch_only_what_changed() {
        let e = event();
        let body = encode(&Record::Event(e.clone()), &Known).unwrap();
        assert_eq!(body[EXTERNAL_ID], e.meta.id.to_string());
        assert_eq!(body["start_datetime"], "2026-03-08T03:30:00-04:00");
        assert_eq!(
            body["matters"][0]["matter_uuid"],
            format!("uuid-{}", e.case.unwrap())
        );

        let mut moved = e.clone();
        moved.name = "Hearing (moved)".into();
        moved.case = None;
        let patch = encode_update(&Record::Event(moved), Some(&Record::Event(e)), &Known).unwrap();
        assert_eq!(
            patch,
            json!({ "title": "Hearing (moved)", "matters": [] }),
            "the name, and the matter cleared; never the key"
        );
    }

    #[test]
    fn an_all_day_event_goes_out_as_its_first_and_last_day() {
        let mut e = event();
        e.time = EventTime::all_day(
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(),
        )
        .unwrap();
        let body = encode(&Record::Event(e), &Known).unwrap();
        assert_eq!(body["all_day_event"], true);
        assert_eq!(body["start_datetime"], "2026-03-09T00:00:00+00:00");
        assert_eq!(body["end_datetime"], "2026-03-10T00:00:00+00:00");
    }

    #[test]
    fn a_task_is_found_again_by_its_fields_and_not_by_a_look_alike() {
        let case = LocalId::new();
        let staff = LocalId::new();
        let task = Task {
            meta: Meta::local(&AccountId("a".into())),
            name: "File the brief".into(),
            description: None,
            priority: Priority::Medium,
            due: NaiveDate::from_ymd_opt(2026, 12, 24),
            completed: false,
            completed_at: None,
            case: Some(case),
            staff: vec![staff],
        };
        let sent = encode(&Record::Task(task), &Known).unwrap();
        assert_eq!(sent["deadline"], false);
        assert_eq!(sent["task_type"], "Task");
        let found = json!({
            "title": "File the brief", "due_date": "2026-12-24", "completed": false,
            "module": { "matter_uuid": format!("uuid-{case}") },
            "users": { "individual_values": [{ "user_uuid": format!("uuid-{staff}") }] },
        });
        assert!(same_task(&sent, &found));
        let mut other_matter = found.clone();
        other_matter["module"]["matter_uuid"] = json!("uuid-elsewhere");
        assert!(!same_task(&sent, &other_matter));
        let mut other_day = found;
        other_day["due_date"] = json!("2026-12-23");
        assert!(!same_task(&sent, &other_day));
    }
}
