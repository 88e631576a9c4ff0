//! LegalServer's objects as Casefile's records. Each is named by its UUID
//! (`user_uuid`, `uuid`, `matter_uuid`, `event_uuid`, `task_uuid`; a
//! document by its `guid`), and
//! refers to others by UUID inside LegalServer's multi-value lists
//! (`individual_values`). `%empty%` and empty strings mean no value. What is
//! not modelled stays in the record's `extra`, so nothing the server sent is
//! lost.

use casefile_domain::entity::{
    Case, CaseStaff, CaseStatus, Client, Company, Document, Event, Kind, Meta, Priority, Staff,
    Task,
};
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_domain::time::EventTime;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::provider::{Context, MapError};

/// LegalServer's words for "no value".
const EMPTY: &[&str] = &["", "%empty%"];

struct Fields(Map<String, Value>);

impl Fields {
    fn new(v: &Value) -> Result<Self, MapError> {
        v.as_object()
            .cloned()
            .map(Fields)
            .ok_or_else(|| MapError("not an object".into()))
    }

    fn take(&mut self, k: &str) -> Value {
        self.0.remove(k).unwrap_or(Value::Null)
    }

    fn text(&mut self, k: &str) -> Option<String> {
        match self.take(k) {
            Value::String(s) if !EMPTY.contains(&s.trim()) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn flag(&mut self, k: &str) -> bool {
        self.take(k).as_bool().unwrap_or(false)
    }

    /// A plain date, or `v1_core_object_date`'s `raw_value`.
    fn date(&mut self, k: &str) -> Result<Option<NaiveDate>, MapError> {
        let v = self.take(k);
        let raw = match &v {
            Value::Object(o) => o.get("raw_value").cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        match raw {
            Value::String(s) if EMPTY.contains(&s.trim()) => Ok(None),
            Value::String(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d")
                .map(Some)
                .map_err(|_| MapError(format!("{k} is not a date"))),
            Value::Null => Ok(None),
            _ => Err(MapError(format!("{k} is not a date"))),
        }
    }

    /// The `individual_values` of a multi-value list.
    fn values(&mut self, k: &str) -> Vec<Value> {
        match self.take(k) {
            Value::Object(mut o) => match o.remove("individual_values") {
                Some(Value::Array(a)) => a,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The record's own UUID, under `key`, as its meta.
    fn meta(mut self, key: &str, ctx: &Context<'_>) -> Result<Meta, MapError> {
        let remote = self
            .text(key)
            .ok_or_else(|| MapError(format!("{key} is missing")))?;
        Ok(Meta {
            id: LocalId::new(),
            account: ctx.account.clone(),
            remote_id: Some(RemoteId(remote)),
            // v1 records carry no change time.
            server_updated_at: None,
            extra: self.0,
        })
    }
}

/// The local ids of the records a list of references names by `uuid_key`.
fn resolve(ctx: &Context<'_>, kind: Kind, refs: &[Value], uuid_key: &str) -> Vec<LocalId> {
    refs.iter()
        .filter_map(|r| r.get(uuid_key).and_then(Value::as_str))
        .filter_map(|u| ctx.resolve.local(kind, &RemoteId(u.to_owned())))
        .collect()
}

fn time(raw: Option<String>, what: &str) -> Result<DateTime<Utc>, MapError> {
    let raw = raw.ok_or_else(|| MapError(format!("{what} is missing")))?;
    DateTime::parse_from_rfc3339(&raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| MapError(format!("{what} is not a date-time with an offset")))
}

pub fn user(v: &Value, ctx: &Context<'_>) -> Result<Staff, MapError> {
    let mut f = Fields::new(v)?;
    let first_name = f.text("first").unwrap_or_default();
    let last_name = f.text("last").unwrap_or_default();
    if first_name.is_empty() && last_name.is_empty() {
        return Err(MapError("a user without a name".into()));
    }
    let email = f.text("email");
    let title = f.text("title");
    let active = f.take("active").as_bool().unwrap_or(true);
    Ok(Staff {
        first_name,
        last_name,
        email,
        title,
        active,
        meta: f.meta("user_uuid", ctx)?,
    })
}

pub fn contact(v: &Value, ctx: &Context<'_>) -> Result<Client, MapError> {
    let mut f = Fields::new(v)?;
    let first_name = f.text("first").unwrap_or_default();
    let last_name = f.text("last").unwrap_or_default();
    if first_name.is_empty() && last_name.is_empty() {
        return Err(MapError("a contact without a name".into()));
    }
    let email = f.text("email");
    let phone = f.text("phone_business");
    Ok(Client {
        first_name,
        last_name,
        email,
        phone,
        meta: f.meta("uuid", ctx)?,
    })
}

pub fn organization(v: &Value, ctx: &Context<'_>) -> Result<Company, MapError> {
    let mut f = Fields::new(v)?;
    let name = f
        .text("name")
        .ok_or_else(|| MapError("an organization without a name".into()))?;
    let email = f.text("email");
    let phone = f.text("phone");
    Ok(Company {
        name,
        email,
        phone,
        meta: f.meta("uuid", ctx)?,
    })
}

/// A matter (`results=full`). Its title is the case's name; without one,
/// the client's name, as LegalServer files matters under their client.
pub fn matter(v: &Value, ctx: &Context<'_>) -> Result<Case, MapError> {
    let mut f = Fields::new(v)?;
    let client = f.text("client_full_name");
    let name = f
        .text("case_title")
        .or(client)
        .ok_or_else(|| MapError("a matter without a title or client".into()))?;
    let number = f.text("case_number");
    let status = match f.text("case_disposition").as_deref() {
        Some("Closed") | Some("Rejected") => CaseStatus::Closed,
        _ => CaseStatus::Open,
    };
    let opened_on = f.date("date_opened")?;
    let closed_on = f.date("date_closed")?;
    let stage = f
        .text("case_status")
        .and_then(|s| ctx.resolve.by_name(Kind::CaseStage, &s));
    let practice_area = f
        .text("legal_problem_code")
        .and_then(|s| ctx.resolve.by_name(Kind::PracticeArea, &s));
    let staff = f
        .values("assignments")
        .iter()
        .filter_map(|a| a.get("user_uuid").and_then(Value::as_str))
        .filter_map(|u| ctx.resolve.local(Kind::Staff, &RemoteId(u.to_owned())))
        .map(|staff| CaseStaff {
            staff,
            role: "assigned".into(),
        })
        .collect();
    Ok(Case {
        name,
        number,
        description: None,
        status,
        stage,
        practice_area,
        opened_on,
        closed_on,
        clients: Vec::new(),
        companies: Vec::new(),
        staff,
        meta: f.meta("matter_uuid", ctx)?,
    })
}

pub fn event(v: &Value, ctx: &Context<'_>) -> Result<Event, MapError> {
    let mut f = Fields::new(v)?;
    let name = f
        .text("title")
        .ok_or_else(|| MapError("an event without a title".into()))?;
    let start = time(f.text("start_datetime"), "start_datetime")?;
    let end = time(f.text("end_datetime"), "end_datetime")?;
    let all_day = f.flag("all_day_event");
    let time = if all_day {
        // Midnight of the first and of the last day (the day itself, or a
        // time on it): ours ends the day after.
        let (first, last) = (start.date_naive(), end.date_naive());
        let last = last.max(first);
        EventTime::all_day(first, last.succ_opt().unwrap_or(last))
    } else {
        EventTime::timed(start, end, ctx.zone)
    }
    .map_err(|e| MapError(format!("the event's times: {e}")))?;
    let location = f.text("location");
    let private = f.flag("private_event");
    let staff = resolve(ctx, Kind::Staff, &f.values("attendees"), "user_uuid");
    let case = resolve(ctx, Kind::Case, &f.values("matters"), "matter_uuid")
        .into_iter()
        .next();
    Ok(Event {
        name,
        description: None,
        location,
        case,
        staff,
        time,
        private,
        meta: f.meta("event_uuid", ctx)?,
    })
}

pub fn task(v: &Value, ctx: &Context<'_>) -> Result<Task, MapError> {
    let mut f = Fields::new(v)?;
    let name = f
        .text("title")
        .ok_or_else(|| MapError("a task without a title".into()))?;
    let due = match f.date("due_date")? {
        Some(d) => Some(d),
        None => f.date("list_date")?,
    };
    let completed = f.flag("completed");
    let completed_at = f
        .date("completed_date")?
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc());
    let priority = if f.flag("deadline") {
        Priority::High
    } else {
        Priority::Medium
    };
    let case = match f.take("module") {
        Value::Object(m) => m
            .get("matter_uuid")
            .and_then(Value::as_str)
            .and_then(|u| ctx.resolve.local(Kind::Case, &RemoteId(u.to_owned()))),
        _ => None,
    };
    let staff = resolve(ctx, Kind::Staff, &f.values("users"), "user_uuid");
    Ok(Task {
        name,
        description: None,
        priority,
        due,
        completed,
        completed_at,
        case,
        staff,
        meta: f.meta("task_uuid", ctx)?,
    })
}

/// LegalServer's document times: an offset without a colon
/// (`2019-06-04T09:09:36-0400`), or RFC 3339.
fn document_time(raw: Option<String>) -> Option<DateTime<Utc>> {
    let raw = raw?;
    DateTime::parse_from_str(&raw, "%Y-%m-%dT%H:%M:%S%z")
        .or_else(|_| DateTime::parse_from_rfc3339(&raw))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A document from a matter's list, which the provider told its matter
/// (`matter_uuid`). Its title is what Casefile shows and where Casefile's
/// own uploads keep their path; a title made on LegalServer without the
/// file's extension gets the stored name's, so it opens in the right
/// application.
pub fn document(v: &Value, ctx: &Context<'_>) -> Result<Document, MapError> {
    let mut f = Fields::new(v)?;
    let case = f
        .text(super::documents::MATTER)
        .and_then(|u| ctx.resolve.local(Kind::Case, &RemoteId(u)))
        .ok_or_else(|| MapError("the document's matter is not known".into()))?;
    let stored = f.text("name");
    let title = f
        .text("title")
        .or_else(|| stored.clone())
        .ok_or_else(|| MapError("a document without a title or name".into()))?;
    let ext = stored
        .as_deref()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_owned())
        .filter(|e| !e.is_empty() && !e.contains('/'));
    let name_part = title.rsplit('/').next().unwrap_or(&title);
    let path = match ext {
        Some(e) if !name_part.contains('.') => format!("{title}.{e}"),
        _ => title.clone(),
    };
    let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
    if let Some(stored) = stored {
        // Kept among the extras under its own word.
        f.0.insert("name".into(), Value::from(stored));
    }
    let size = match f.take("disk_file_size") {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let updated =
        document_time(f.text("date_update")).or_else(|| document_time(f.text("date_create")));
    let mut meta = f.meta("guid", ctx)?;
    meta.server_updated_at = updated;
    Ok(Document {
        case,
        folder: None,
        name,
        path,
        size,
        content_hash: None,
        local_blob: None,
        meta,
    })
}
