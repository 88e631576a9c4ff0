//! The fake's mapper: its wire JSON to and from provider-neutral records.

use super::*;

/// A record's fields, taken one by one; what is left over becomes `extra`.
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
            Value::String(s) if !s.is_empty() => Some(s),
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
        self.text(k)
            .map(|s| {
                NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .map_err(|_| MapError(format!("{k} is not a date")))
            })
            .transpose()
    }
    fn instant(&mut self, k: &str) -> Result<Option<DateTime<Utc>>, MapError> {
        self.text(k)
            .map(|s| parse_time(&s).ok_or_else(|| MapError(format!("{k} is not a time"))))
            .transpose()
    }
    fn uuids(&mut self, k: &str) -> Vec<RemoteId> {
        match self.take(k) {
            Value::Array(list) => list
                .into_iter()
                .filter_map(|v| v.as_str().map(|s| RemoteId(s.to_owned())))
                .collect(),
            _ => Vec::new(),
        }
    }
    fn local(&mut self, k: &str, kind: Kind, ctx: &Context<'_>) -> Option<LocalId> {
        let remote = RemoteId(self.text(k)?);
        ctx.resolve.local(kind, &remote)
    }
    fn meta(mut self, ctx: &Context<'_>) -> Result<Meta, MapError> {
        let remote = self.required("uuid")?;
        let modified = self
            .instant("modified_at")?
            .ok_or_else(|| MapError("modified_at is missing".into()))?;
        // The idempotency key is ours, not data.
        self.0.remove("external_id");
        Ok(Meta {
            id: LocalId::new(),
            account: ctx.account.clone(),
            remote_id: Some(RemoteId(remote)),
            server_updated_at: Some(modified),
            extra: self.0,
        })
    }
}

fn resolve_all(ctx: &Context<'_>, kind: Kind, remotes: &[RemoteId]) -> Vec<LocalId> {
    remotes
        .iter()
        .filter_map(|r| ctx.resolve.local(kind, r))
        .collect()
}

pub(super) fn decode_staff(v: &Value, ctx: &Context<'_>) -> Result<Staff, MapError> {
    let mut f = Fields::new(v)?;
    Ok(Staff {
        first_name: f.text("given_name").unwrap_or_default(),
        last_name: f.required("family_name")?,
        email: f.text("email"),
        title: f.text("role"),
        active: f.take("active").as_bool().unwrap_or(true),
        meta: f.meta(ctx)?,
    })
}

pub(super) fn decode_case(v: &Value, ctx: &Context<'_>) -> Result<Case, MapError> {
    let mut f = Fields::new(v)?;
    let team = match f.take("team") {
        Value::Array(list) => list,
        _ => Vec::new(),
    };
    let staff = team
        .iter()
        .filter_map(|m| {
            let id = ctx
                .resolve
                .local(Kind::Staff, &RemoteId(m["member"].as_str()?.to_owned()))?;
            let role = if m["lead"] == true {
                "lead_lawyer"
            } else {
                "staff"
            };
            Some(CaseStaff {
                staff: id,
                role: role.into(),
            })
        })
        .collect();
    Ok(Case {
        name: f.required("title")?,
        number: f.text("reference"),
        description: f.text("summary"),
        status: match f.text("state").as_deref() {
            Some("closed") => CaseStatus::Closed,
            _ => CaseStatus::Open,
        },
        stage: None,
        practice_area: None,
        opened_on: f.date("opened_on")?,
        closed_on: f.date("closed_on")?,
        clients: Vec::new(),
        companies: Vec::new(),
        staff,
        meta: f.meta(ctx)?,
    })
}

pub(super) fn decode_event(v: &Value, ctx: &Context<'_>) -> Result<Event, MapError> {
    let mut f = Fields::new(v)?;
    let name = f.required("title")?;
    let description = f.text("notes");
    let time = if f.flag("all_day") {
        let start = f
            .date("starts_at")?
            .ok_or_else(|| MapError("starts_at is missing".into()))?;
        let end = f
            .date("ends_at")?
            .ok_or_else(|| MapError("ends_at is missing".into()))?;
        f.take("tz");
        EventTime::all_day(start, end).map_err(|e| MapError(e.to_string()))?
    } else {
        let start = f
            .instant("starts_at")?
            .ok_or_else(|| MapError("starts_at is missing".into()))?;
        let end = f
            .instant("ends_at")?
            .ok_or_else(|| MapError("ends_at is missing".into()))?;
        let zone = match f.text("tz") {
            Some(name) => name
                .parse::<Tz>()
                .map_err(|_| MapError(format!("{name} is not a time zone")))?,
            None => ctx.zone,
        };
        EventTime::timed(start, end, zone).map_err(|e| MapError(e.to_string()))?
    };
    let staff = resolve_all(ctx, Kind::Staff, &f.uuids("attendees"));
    let case = f.local("matter", Kind::Case, ctx);
    let private = f.flag("private");
    Ok(Event {
        name,
        description,
        location: None,
        case,
        staff,
        time,
        private,
        meta: f.meta(ctx)?,
    })
}

pub(super) fn decode_task(v: &Value, ctx: &Context<'_>) -> Result<Task, MapError> {
    let mut f = Fields::new(v)?;
    let name = f.required("title")?;
    let description = f.text("notes");
    let priority = match f.take("priority").as_u64() {
        Some(1) => Priority::Low,
        Some(3) => Priority::High,
        _ => Priority::Medium,
    };
    Ok(Task {
        name,
        description,
        priority,
        due: f.date("due_on")?,
        completed: f.flag("done"),
        completed_at: f.instant("done_at")?,
        case: f.local("matter", Kind::Case, ctx),
        staff: resolve_all(ctx, Kind::Staff, &f.uuids("assignees")),
        meta: f.meta(ctx)?,
    })
}

fn remote_of(refs: &dyn RemoteRefs, kind: Kind, local: &LocalId) -> Result<Value, EncodeError> {
    refs.remote(kind, local)
        .map(|r| json!(r.0))
        .ok_or(EncodeError::Unresolved(kind))
}

fn remotes_of(refs: &dyn RemoteRefs, kind: Kind, list: &[LocalId]) -> Result<Value, EncodeError> {
    list.iter()
        .map(|l| remote_of(refs, kind, l))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn optional_ref(
    refs: &dyn RemoteRefs,
    kind: Kind,
    local: Option<&LocalId>,
) -> Result<Value, EncodeError> {
    local.map_or(Ok(Value::Null), |l| remote_of(refs, kind, l))
}

/// Every writable field of a record, as the wire names it (the unmodelled
/// fields it arrived with included).
pub(super) fn wire_body(
    record: &Record,
    refs: &dyn RemoteRefs,
) -> Result<Map<String, Value>, EncodeError> {
    let body = match record {
        Record::Staff(s) => json!({
            "given_name": s.first_name, "family_name": s.last_name, "email": s.email,
            "role": s.title, "active": s.active,
        }),
        Record::Case(c) => {
            let team = c
                .staff
                .iter()
                .map(|m| {
                    Ok(json!({"member": remote_of(refs, Kind::Staff, &m.staff)?,
                        "lead": m.role == "lead_lawyer"}))
                })
                .collect::<Result<Vec<_>, EncodeError>>()?;
            json!({
                "title": c.name, "reference": c.number, "summary": c.description,
                "state": c.status.as_str(), "opened_on": c.opened_on.map(|d| d.to_string()),
                "closed_on": c.closed_on.map(|d| d.to_string()), "team": team,
            })
        }
        Record::Event(e) => {
            let (starts, ends, all_day, tz) = match &e.time {
                EventTime::Timed { start, end, zone } => (
                    time_text(*start),
                    time_text(*end),
                    false,
                    json!(zone.name()),
                ),
                EventTime::AllDay { start, end } => {
                    (start.to_string(), end.to_string(), true, Value::Null)
                }
            };
            json!({
                "title": e.name, "notes": e.description, "starts_at": starts, "ends_at": ends,
                "all_day": all_day, "tz": tz, "attendees": remotes_of(refs, Kind::Staff, &e.staff)?,
                "matter": optional_ref(refs, Kind::Case, e.case.as_ref())?, "private": e.private,
            })
        }
        Record::Task(t) => json!({
            "title": t.name, "notes": t.description,
            "priority": match t.priority { Priority::Low => 1, Priority::Medium => 2, Priority::High => 3 },
            "due_on": t.due.map(|d| d.to_string()), "done": t.completed,
            "done_at": t.completed_at.map(time_text),
            "matter": optional_ref(refs, Kind::Case, t.case.as_ref())?,
            "assignees": remotes_of(refs, Kind::Staff, &t.staff)?,
        }),
        other => return Err(EncodeError::Unsupported(other.kind())),
    };
    let Value::Object(mut body) = body else {
        unreachable!("bodies are objects")
    };
    for (k, v) in &record.meta().extra {
        body.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Ok(body)
}
