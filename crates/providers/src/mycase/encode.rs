//! Casefile entities -> MyCase request bodies, for the kinds Casefile writes
//! (events and tasks). References become `{"id": n}` through [`RemoteRefs`];
//! a reference to a record that has not reached the server yet is an error
//! the engine treats as "try again after its parent".

use casefile_domain::entity::{Event, Kind, Priority, Task};
use casefile_domain::ids::RemoteId;
use casefile_domain::record::Record;
use casefile_domain::time::{format_with_offset, EventTime};
use serde_json::{json, Map, Value};

use crate::provider::{EncodeError, RemoteRefs};

fn id_ref(remote: &RemoteId) -> Value {
    match remote.0.parse::<i64>() {
        Ok(n) => json!({ "id": n }),
        Err(_) => json!({ "id": remote.0 }),
    }
}

fn reference(
    refs: &dyn RemoteRefs,
    kind: Kind,
    local: &casefile_domain::ids::LocalId,
) -> Result<Value, EncodeError> {
    refs.remote(kind, local)
        .map(|r| id_ref(&r))
        .ok_or(EncodeError::Unresolved(kind))
}

fn staff(
    refs: &dyn RemoteRefs,
    list: &[casefile_domain::ids::LocalId],
) -> Result<Value, EncodeError> {
    list.iter()
        .map(|s| reference(refs, Kind::Staff, s))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// A record's case, or null for none: a PUT without the key would keep the
/// server's, so a case removed here would come back with the next pull.
fn optional_case(
    refs: &dyn RemoteRefs,
    case: Option<&casefile_domain::ids::LocalId>,
) -> Result<Value, EncodeError> {
    case.map_or(Ok(Value::Null), |c| reference(refs, Kind::Case, c))
}

pub fn encode(record: &Record, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
    match record {
        Record::Event(e) => event(e, refs),
        Record::Task(t) => task(t, refs),
        other => Err(EncodeError::Unsupported(other.kind())),
    }
}

fn event(e: &Event, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
    let (start, end, all_day) = match &e.time {
        EventTime::Timed { start, end, zone } => (
            format_with_offset(*start, *zone),
            format_with_offset(*end, *zone),
            false,
        ),
        // MyCase's all-day end is the last day; ours is exclusive.
        EventTime::AllDay { start, end } => {
            let last = end.pred_opt().unwrap_or(*start).max(*start);
            (start.to_string(), last.to_string(), true)
        }
    };
    let mut body = Map::new();
    body.insert("name".into(), json!(e.name));
    body.insert(
        "description".into(),
        json!(e.description.clone().unwrap_or_default()),
    );
    body.insert("start".into(), json!(start));
    body.insert("end".into(), json!(end));
    body.insert("all_day".into(), json!(all_day));
    body.insert("private".into(), json!(e.private));
    body.insert("staff".into(), staff(refs, &e.staff)?);
    body.insert("case".into(), optional_case(refs, e.case.as_ref())?);
    // MyCase's location is one of the firm's locations, by reference; none
    // is sent as null, which clears it. A name not known here keeps the
    // server's (the key is left out, so nothing is cleared by mistake).
    match e.location.as_deref() {
        None => {
            body.insert("location".into(), Value::Null);
        }
        Some(name) => {
            if let Some(remote) = refs.by_name(Kind::Location, name) {
                body.insert("location".into(), id_ref(&remote));
            }
        }
    }
    Ok(Value::Object(body))
}

fn task(t: &Task, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
    let due = t
        .due
        .ok_or_else(|| EncodeError::Invalid("MyCase needs a due date for every task".into()))?;
    let mut body = Map::new();
    body.insert("name".into(), json!(t.name));
    body.insert(
        "description".into(),
        json!(t.description.clone().unwrap_or_default()),
    );
    let priority = match t.priority {
        Priority::Low => "Low",
        Priority::Medium => "Medium",
        Priority::High => "High",
    };
    body.insert("priority".into(), json!(priority));
    body.insert("due_date".into(), json!(due.to_string()));
    body.insert("completed".into(), json!(t.completed));
    body.insert("staff".into(), staff(refs, &t.staff)?);
    body.insert("case".into(), optional_case(refs, t.case.as_ref())?);
    Ok(Value::Object(body))
}

/// Whether a server item matches every field a create sent: references by
/// id, times as instants, an empty text as no text.
pub fn same_record(sent: &Value, found: &Value) -> bool {
    let Some(sent) = sent.as_object() else {
        return false;
    };
    sent.iter()
        .all(|(k, v)| same_value(v, found.get(k).unwrap_or(&Value::Null)))
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(_)) if x.contains_key("id") => {
            x.get("id").map(id_text) == b.get("id").map(id_text)
        }
        (Value::Array(x), Value::Array(y)) => {
            let ids = |l: &Vec<Value>| {
                let mut v: Vec<String> = l
                    .iter()
                    .map(|i| i.get("id").map(id_text).unwrap_or_default())
                    .collect();
                v.sort();
                v
            };
            ids(x) == ids(y)
        }
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!(
                    (super::map::server_time(x), super::map::server_time(y)),
                    (Some(p), Some(q)) if p == q
                )
                || (x.len() == 10 && y.starts_with(x.as_str()))
        }
        (Value::String(x), Value::Null) | (Value::Null, Value::String(x)) => x.is_empty(),
        _ => a == b,
    }
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
