//! The firm's records as LegalServer shows them. The sandbox stores one
//! firm; this turns each stored record into the object LegalServer's Core
//! API v1 answers with (`components.schemas` of `CoreAPI.v1.yaml`): a case
//! becomes a matter (`v1_core_matter`, the `results=full` shape), a client a
//! contact, a company an organization, a staff member a user, and events
//! and tasks their own objects, each named by a UUID. References carry
//! LegalServer's nested shapes (`individual_values` of users and matters).

use serde_json::{json, Value};

use super::ids::uuid_of;
use crate::api::common::ref_id;
use crate::store::Kind;

/// Looks up the records a shape refers to (a matter's client, an event's
/// attendees).
pub trait Related {
    fn record(&self, kind: Kind, id: i64) -> Option<Value>;
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn id(v: &Value) -> i64 {
    ref_id(v).unwrap_or(0)
}

/// `{all_values, individual_values}`, LegalServer's shape for multi-values.
fn multi(values: Vec<Value>, all: Vec<String>) -> Value {
    json!({ "all_values": all.join(", "), "individual_values": values })
}

/// A lookup list of plain strings.
fn strings(values: &[&str]) -> Value {
    multi(
        values.iter().map(|v| Value::from(*v)).collect(),
        values.iter().map(|v| (*v).to_owned()).collect(),
    )
}

/// A date as `v1_core_object_date`: the ISO date and the US text.
fn date(iso: Option<String>) -> Value {
    match iso.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) {
        Some(d) => json!({
            "raw_value": d.format("%Y-%m-%d").to_string(),
            "text_value": d.format("%m/%d/%Y").to_string(),
        }),
        None => json!({}),
    }
}

fn full_name(person: &Value) -> String {
    [text(person, "first_name"), text(person, "last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The users a record's `staff` list names, as `v1_core_array_users`.
fn users(record: &Value, related: &dyn Related) -> Value {
    let mut values = Vec::new();
    let mut names = Vec::new();
    for s in record["staff"].as_array().into_iter().flatten() {
        let staff_id = id(s);
        let name = related
            .record(Kind::Staff, staff_id)
            .map(|s| full_name(&s))
            .unwrap_or_default();
        names.push(name.clone());
        values.push(json!({
            "user_id": staff_id,
            "user_uuid": uuid_of(Kind::Staff, staff_id).to_string(),
            "user_name": name,
        }));
    }
    multi(values, names)
}

/// The matter a record's `case` names, as `v1_core_object_matter`.
fn matter_ref(record: &Value, related: &dyn Related) -> Option<Value> {
    let case_id = record.get("case").and_then(ref_id)?;
    let case = related.record(Kind::Case, case_id)?;
    Some(json!({
        "matter": text(&case, "name").unwrap_or_default(),
        "matter_identification_number": text(&case, "case_number").unwrap_or_default(),
        "matter_uuid": uuid_of(Kind::Case, case_id).to_string(),
    }))
}

/// A staff member as `v1_core_user`.
pub fn user(staff: &Value) -> Value {
    let staff_id = id(staff);
    let email = text(staff, "email");
    let login = email
        .as_deref()
        .and_then(|e| e.split('@').next())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("user{staff_id}"));
    json!({
        "id": staff_id,
        "user_uuid": uuid_of(Kind::Staff, staff_id).to_string(),
        "login": login,
        "first": text(staff, "first_name").unwrap_or_default(),
        "last": text(staff, "last_name").unwrap_or_default(),
        "email": email,
        "active": staff["active"].as_bool().unwrap_or(true),
        "title": text(staff, "title"),
        "role": text(staff, "type"),
        "types": strings(&["Staff"]),
    })
}

/// A client as `v1_core_contact`.
pub fn contact(client: &Value) -> Value {
    let client_id = id(client);
    json!({
        "id": client_id,
        "uuid": uuid_of(Kind::Client, client_id).to_string(),
        "first": text(client, "first_name").unwrap_or_default(),
        "last": text(client, "last_name").unwrap_or_default(),
        "email": text(client, "email"),
        "phone_business": text(client, "work_phone_number"),
        "active": !client["archived"].as_bool().unwrap_or(false),
        "type": strings(&["Client"]),
    })
}

/// A company as `v1_core_organizations_read_only`.
pub fn organization(company: &Value) -> Value {
    let company_id = id(company);
    json!({
        "uuid": uuid_of(Kind::Company, company_id).to_string(),
        "name": text(company, "name").unwrap_or_default(),
        "phone": text(company, "main_phone_number"),
        "website": text(company, "website"),
        "active": !company["archived"].as_bool().unwrap_or(false),
        "external_unique_id": Value::Null,
        "types": strings(&["Client Organization"]),
    })
}

/// A case as `v1_core_matter` (`results=full`). LegalServer files a matter
/// under its client: the first client's name, or the first company's for a
/// group matter.
pub fn matter(case: &Value, base_url: &str, related: &dyn Related) -> Value {
    let case_id = id(case);
    let client = case["clients"]
        .as_array()
        .and_then(|c| c.first())
        .and_then(ref_id)
        .and_then(|c| related.record(Kind::Client, c));
    let company = case["companies"]
        .as_array()
        .and_then(|c| c.first())
        .and_then(ref_id)
        .and_then(|c| related.record(Kind::Company, c));
    let is_group = client.is_none() && company.is_some();
    let (first, last) = match &client {
        Some(c) => (text(c, "first_name"), text(c, "last_name")),
        None => (None, None),
    };
    let organization_name = company.as_ref().and_then(|c| text(c, "name"));
    let client_full_name = match (&client, &organization_name) {
        (Some(c), _) => full_name(c),
        (None, Some(o)) => o.clone(),
        (None, None) => String::new(),
    };
    let closed = case["status"].as_str() == Some("closed") || !case["closed_date"].is_null();
    json!({
        "case_id": case_id,
        "matter_uuid": uuid_of(Kind::Case, case_id).to_string(),
        "case_number": text(case, "case_number").unwrap_or_default(),
        "case_title": text(case, "name"),
        "first": first,
        "last": last,
        "is_group": is_group,
        "organization_name": if is_group { organization_name } else { None },
        "client_full_name": client_full_name,
        "case_disposition": if closed { "Closed" } else { "Open" },
        "case_status": text(case, "case_stage"),
        "legal_problem_code": text(case, "practice_area"),
        "date_opened": date(text(case, "opened_date")),
        "date_closed": date(text(case, "closed_date")),
        "case_profile_url": format!("{base_url}/matter/dynamic-profile/view/{case_id}"),
    })
}

/// An event as `v1_core_event`. LegalServer takes and gives times with
/// their offset; an all-day event runs from midnight to midnight.
pub fn event(event: &Value, related: &dyn Related) -> Value {
    let event_id = id(event);
    let all_day = event["all_day"].as_bool().unwrap_or(false);
    let at = |key: &str| {
        let raw = text(event, key)?;
        if all_day && raw.len() == 10 {
            Some(format!("{raw}T00:00:00+00:00"))
        } else {
            Some(raw)
        }
    };
    // One of the firm's locations, or the text a LegalServer write gave.
    let location = event
        .get("location")
        .and_then(ref_id)
        .and_then(|l| related.record(Kind::Location, l))
        .and_then(|l| text(&l, "name"))
        .or_else(|| text(event, "location_name"));
    let matters: Vec<Value> = matter_ref(event, related).into_iter().collect();
    let names = matters
        .iter()
        .map(|m| m["matter"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut out = json!({
        "id": event_id,
        "event_uuid": uuid_of(Kind::Event, event_id).to_string(),
        "title": text(event, "name").unwrap_or_default(),
        "event_type": text(event, "event_type").unwrap_or_else(|| "Appointment".into()),
        "start_datetime": at("start"),
        "end_datetime": at("end"),
        "all_day_event": all_day,
        "location": location,
        "court": { "organization_id": null, "organization_uuid": null, "organization_name": null },
        "private_event": event["private"].as_bool().unwrap_or(false),
        "broadcast_event": false,
        "attendees": users(event, related),
        "matters": multi(matters, names),
    });
    // Not nullable in the spec: left out when the event has none.
    if let (Some(external), Some(shaped)) = (text(event, "external_id"), out.as_object_mut()) {
        shaped.insert("external_id".into(), external.into());
    }
    out
}

/// A task as `v1_core_task`, filed under its matter.
pub fn task(task: &Value, related: &dyn Related) -> Value {
    let task_id = id(task);
    let due = text(task, "due_date");
    let completed = task["completed"].as_bool().unwrap_or(false);
    // LegalServer has no priority; its deadlines are the urgent ones.
    let deadline = task["priority"].as_str() == Some("High");
    json!({
        "id": task_id,
        "task_uuid": uuid_of(Kind::Task, task_id).to_string(),
        "title": text(task, "name").unwrap_or_default(),
        "list_date": due.clone(),
        "due_date": due,
        "task_type": if deadline { Value::Null } else { "Task".into() },
        "deadline": deadline,
        "deadline_type": if deadline { "Deadline".into() } else { Value::Null },
        "is_this_a_case_alert": false,
        "active": true,
        "private": false,
        "completed": completed,
        "completed_date": if completed {
            text(task, "completed_at").map(|t| t.chars().take(10).collect::<String>())
        } else {
            None
        },
        "module": matter_ref(task, related),
        "users": users(task, related),
    })
}
