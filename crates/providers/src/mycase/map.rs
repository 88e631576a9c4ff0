//! MyCase JSON -> Casefile entities. References (`{"id": n}`) become local
//! ids through a [`Resolve`]r; stages and practice areas arrive by name; all
//! fields we do not model are kept in `extra`. A record that cannot be mapped
//! yields a [`MapError`] with a reason, for the engine to quarantine.

use casefile_domain::entity::*;
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_domain::time::EventTime;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

pub use crate::provider::{Context, MapError, Resolve};

/// A record's fields, taken one by one; what is left over becomes `extra`.
struct Fields(Map<String, Value>);

impl Fields {
    fn new(v: &Value) -> Result<Self, MapError> {
        v.as_object()
            .cloned()
            .map(Fields)
            .ok_or_else(|| MapError("the record is not an object".into()))
    }
    fn take(&mut self, k: &str) -> Value {
        self.0.remove(k).unwrap_or(Value::Null)
    }
    fn text(&mut self, k: &str) -> Option<String> {
        match self.take(k) {
            Value::String(s) if !s.trim().is_empty() => Some(s),
            _ => None,
        }
    }
    fn required(&mut self, k: &str) -> Result<String, MapError> {
        self.text(k)
            .ok_or_else(|| MapError(format!("{k} is missing")))
    }
    fn flag(&mut self, k: &str) -> bool {
        self.take(k).as_bool().unwrap_or(false)
    }
    fn date(&mut self, k: &str) -> Result<Option<NaiveDate>, MapError> {
        match self.text(k) {
            None => Ok(None),
            Some(s) => parse_date(&s)
                .map(Some)
                .ok_or_else(|| MapError(format!("{k} is not a date"))),
        }
    }
    fn reference(&mut self, k: &str) -> Option<RemoteId> {
        reference(&self.take(k))
    }
    fn references(&mut self, k: &str) -> Vec<Value> {
        self.take(k).as_array().cloned().unwrap_or_default()
    }
    fn meta(mut self, ctx: &Context<'_>) -> Result<Meta, MapError> {
        let remote = reference(&Value::Object(self.0.clone()))
            .ok_or_else(|| MapError("id is missing".into()))?;
        self.0.remove("id");
        let server_updated_at = self
            .text("updated_at")
            .map(|s| {
                server_time(&s).ok_or_else(|| MapError("updated_at is not a date-time".into()))
            })
            .transpose()?;
        Ok(Meta {
            id: LocalId::new(),
            account: ctx.account.clone(),
            remote_id: Some(remote),
            server_updated_at,
            extra: self.0,
        })
    }
}

fn reference(v: &Value) -> Option<RemoteId> {
    match v.get("id")? {
        Value::Number(n) => Some(RemoteId(n.to_string())),
        Value::String(s) if !s.is_empty() => Some(RemoteId(s.clone())),
        _ => None,
    }
}

/// A server time: RFC 3339 with its offset, or, without one, UTC, as
/// MyCase's time-zone page says of timestamps that carry no offset.
pub fn server_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s.trim(), f).ok())
        .map(|naive| naive.and_utc())
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

fn resolve_all(ctx: &Context<'_>, kind: Kind, refs: &[Value]) -> Vec<LocalId> {
    refs.iter()
        .filter_map(reference)
        .filter_map(|r| ctx.resolve.local(kind, &r))
        .collect()
}

pub fn staff(v: &Value, ctx: &Context<'_>) -> Result<Staff, MapError> {
    let mut f = Fields::new(v)?;
    let first_name = f.text("first_name").unwrap_or_default();
    let last_name = f.required("last_name")?;
    let email = f.text("email");
    let title = f.text("title");
    let active = f.take("active").as_bool().unwrap_or(true);
    Ok(Staff {
        first_name,
        last_name,
        email,
        title,
        active,
        meta: f.meta(ctx)?,
    })
}

pub fn named(v: &Value, ctx: &Context<'_>) -> Result<Named, MapError> {
    let mut f = Fields::new(v)?;
    let name = f.required("name")?;
    Ok(Named {
        name,
        meta: f.meta(ctx)?,
    })
}

pub fn location(v: &Value, ctx: &Context<'_>) -> Result<Location, MapError> {
    let mut f = Fields::new(v)?;
    let name = f.required("name")?;
    let address = f.0.get("address").and_then(|a| {
        let part = |k: &str| a[k].as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        let parts: Vec<String> = ["address1", "city", "state", "zip_code"]
            .iter()
            .filter_map(|k| part(k))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    });
    Ok(Location {
        name,
        address,
        meta: f.meta(ctx)?,
    })
}

pub fn client(v: &Value, ctx: &Context<'_>) -> Result<Client, MapError> {
    let mut f = Fields::new(v)?;
    let first_name = f.text("first_name").unwrap_or_default();
    let last_name = f.required("last_name")?;
    let email = f.text("email");
    let phone = [
        "cell_phone_number",
        "work_phone_number",
        "home_phone_number",
    ]
    .iter()
    .find_map(|k| {
        f.0.get(*k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    });
    Ok(Client {
        first_name,
        last_name,
        email,
        phone,
        meta: f.meta(ctx)?,
    })
}

pub fn company(v: &Value, ctx: &Context<'_>) -> Result<Company, MapError> {
    let mut f = Fields::new(v)?;
    let name = f.required("name")?;
    let email = f.text("email");
    let phone =
        f.0.get("main_phone_number")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
    Ok(Company {
        name,
        email,
        phone,
        meta: f.meta(ctx)?,
    })
}

pub fn case(v: &Value, ctx: &Context<'_>) -> Result<Case, MapError> {
    let mut f = Fields::new(v)?;
    let name = f.required("name")?;
    let number = f.text("case_number");
    let description = f.text("description");
    let status = match f.text("status").as_deref() {
        Some("closed") => CaseStatus::Closed,
        _ => CaseStatus::Open,
    };
    let stage = f
        .text("case_stage")
        .and_then(|n| ctx.resolve.by_name(Kind::CaseStage, &n));
    let practice_area = f
        .text("practice_area")
        .and_then(|n| ctx.resolve.by_name(Kind::PracticeArea, &n));
    let opened_on = f.date("opened_date")?;
    let closed_on = f.date("closed_date")?;
    let clients = resolve_all(ctx, Kind::Client, &f.references("clients"));
    let companies = resolve_all(ctx, Kind::Company, &f.references("companies"));
    let staff = f
        .references("staff")
        .iter()
        .filter_map(|s| {
            let id = ctx.resolve.local(Kind::Staff, &reference(s)?)?;
            let role = if s["lead_lawyer"] == true {
                "lead_lawyer"
            } else if s["originating_lawyer"] == true {
                "originating_lawyer"
            } else {
                "staff"
            };
            Some(CaseStaff {
                staff: id,
                role: role.to_owned(),
            })
        })
        .collect();
    Ok(Case {
        name,
        number,
        description,
        status,
        stage,
        practice_area,
        opened_on,
        closed_on,
        clients,
        companies,
        staff,
        meta: f.meta(ctx)?,
    })
}

pub fn event(v: &Value, ctx: &Context<'_>) -> Result<Event, MapError> {
    let mut f = Fields::new(v)?;
    let name = f.required("name")?;
    let description = f.text("description");
    let start = f.required("start")?;
    let end = f.text("end").unwrap_or_else(|| start.clone());
    let time = if f.flag("all_day") {
        let first = parse_date(&start).ok_or_else(|| MapError("start is not a date".into()))?;
        let last = parse_date(&end).ok_or_else(|| MapError("end is not a date".into()))?;
        // MyCase's all-day end is the last day; ours is exclusive.
        let end_exclusive = last
            .max(first)
            .succ_opt()
            .ok_or_else(|| MapError("end is out of range".into()))?;
        EventTime::all_day(first, end_exclusive).map_err(|e| MapError(e.to_string()))?
    } else {
        let instant = |s: &str, k: &str| {
            server_time(s).ok_or_else(|| MapError(format!("{k} is not a date-time")))
        };
        let (s, e) = (instant(&start, "start")?, instant(&end, "end")?);
        // A zero-length event is shown as a minute long rather than refused.
        let e = if e <= s {
            s + chrono::Duration::minutes(1)
        } else {
            e
        };
        EventTime::timed(s, e, ctx.zone).map_err(|e| MapError(e.to_string()))?
    };
    let location = f
        .reference("location")
        .and_then(|r| ctx.resolve.location_name(&r));
    let case = f
        .reference("case")
        .and_then(|r| ctx.resolve.local(Kind::Case, &r));
    let staff = resolve_all(ctx, Kind::Staff, &f.references("staff"));
    let private = f.flag("private");
    Ok(Event {
        name,
        description,
        location,
        case,
        staff,
        time,
        private,
        meta: f.meta(ctx)?,
    })
}

pub fn task(v: &Value, ctx: &Context<'_>) -> Result<Task, MapError> {
    let mut f = Fields::new(v)?;
    let name = f.required("name")?;
    let description = f.text("description");
    let priority = f
        .text("priority")
        .and_then(|p| Priority::parse(&p))
        .unwrap_or(Priority::Medium);
    let due = f.date("due_date")?;
    let completed = f.flag("completed");
    let completed_at = f
        .text("completed_at")
        .and_then(|s| server_time(&s))
        .map(|d| d.with_timezone(&Utc));
    let case = f
        .reference("case")
        .and_then(|r| ctx.resolve.local(Kind::Case, &r));
    let staff = resolve_all(ctx, Kind::Staff, &f.references("staff"));
    Ok(Task {
        name,
        description,
        priority,
        due,
        completed,
        completed_at,
        case,
        staff,
        meta: f.meta(ctx)?,
    })
}

pub fn document(v: &Value, ctx: &Context<'_>) -> Result<Document, MapError> {
    let mut f = Fields::new(v)?;
    let case = f
        .reference("case")
        .and_then(|r| ctx.resolve.local(Kind::Case, &r))
        .ok_or_else(|| MapError("the document's case is not known".into()))?;
    let folder = f
        .reference("folder")
        .and_then(|r| ctx.resolve.local(Kind::Folder, &r));
    let path = f.text("path").unwrap_or_default();
    let name = f
        .text("filename")
        .or_else(|| f.text("name"))
        .or_else(|| path.rsplit('/').next().map(str::to_owned))
        .ok_or_else(|| MapError("name is missing".into()))?;
    let size = f.0.get("size").and_then(Value::as_i64);
    Ok(Document {
        case,
        folder,
        name,
        path,
        size,
        content_hash: None,
        local_blob: None,
        meta: f.meta(ctx)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_time_without_an_offset_is_utc() {
        let utc = |s: &str| server_time(s).map(|t| t.to_rfc3339());
        assert_eq!(
            utc("2026-03-08T07:30:00Z").as_deref(),
            Some("2026-03-08T07:30:00+00:00")
        );
        assert_eq!(
            utc("2026-03-08T02:30:00-05:00").as_deref(),
            Some("2026-03-08T07:30:00+00:00")
        );
        assert_eq!(
            utc("2026-03-08T07:30:00").as_deref(),
            Some("2026-03-08T07:30:00+00:00")
        );
        assert_eq!(
            utc("2026-03-08T07:30:00.250").as_deref(),
            Some("2026-03-08T07:30:00.250+00:00")
        );
        assert_eq!(
            utc("2026-03-08 07:30:00").as_deref(),
            Some("2026-03-08T07:30:00+00:00")
        );
        assert_eq!(utc("2026-02-30T07:30:00"), None);
        assert_eq!(utc("soon"), None);
    }
}
