//! Cases, and the calendar and task list around them.

use casefile_domain::time::{format_with_offset, local_to_instant};
use chrono::{Duration, NaiveDate, NaiveTime, SecondsFormat};
use chrono_tz::America::New_York;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::names::{self, pick};
use crate::people::{stamps, Firm};
use crate::{DemoParams, Resource, Sink};

/// What documents, events and tasks refer to.
pub struct CaseInfo {
    pub id: i64,
    pub area: usize,
    pub lead: i64,
}

pub fn cases<S: Sink>(
    params: &DemoParams,
    firm: &Firm,
    rng: &mut ChaCha8Rng,
    sink: &mut S,
) -> Result<Vec<CaseInfo>, S::Error> {
    let attorneys: Vec<i64> = firm.staff.iter().filter(|s| s.1).map(|s| s.0).collect();
    let helpers: Vec<i64> = firm.staff.iter().filter(|s| !s.1).map(|s| s.0).collect();
    let mut out = Vec::with_capacity(params.cases);
    for i in 0..params.cases {
        let id = 20_000 + i as i64;
        let area = i % names::AREAS.len();
        let (area_name, patterns) = names::AREAS[area];
        let pattern = *pick(rng, patterns);
        // A company is a party only in "X v. Y" matters, never an estate or a marriage.
        let use_company =
            !firm.companies.is_empty() && pattern.contains(" v. {o}") && rng.gen_range(0..3) == 0;
        let client = firm.clients[rng.gen_range(0..firm.clients.len())].clone();
        let (party_name, clients, companies) = if use_company {
            let company = firm.companies[rng.gen_range(0..firm.companies.len())].clone();
            (
                company.1,
                vec![json!({"id": client.0})],
                vec![json!({"id": company.0})],
            )
        } else {
            let last = client.1.rsplit(' ').next().unwrap_or(&client.1).to_owned();
            (last, vec![json!({"id": client.0})], vec![])
        };
        let opposing = pick(rng, names::COMPANY).to_string();
        let name = pattern
            .replace("{c}", &party_name)
            .replace("{o}", &opposing)
            .replace(
                "{street}",
                &format!("{} {}", rng.gen_range(10..990), pick(rng, names::STREETS)),
            );
        let opened = (params.now - Duration::days(rng.gen_range(20..1400))).date_naive();
        let closed = rng.gen_range(0..6) == 0;
        let stage = if closed {
            names::STAGES.len() - 1
        } else {
            rng.gen_range(0..names::STAGES.len() - 1)
        };
        let lead = attorneys[rng.gen_range(0..attorneys.len().max(1)) % attorneys.len().max(1)];
        let originating = attorneys[(i * 3) % attorneys.len()];
        let mut staff = vec![
            json!({"id": lead, "lead_lawyer": true, "originating_lawyer": lead == originating, "case_rate": ""}),
        ];
        if originating != lead {
            staff.push(json!({"id": originating, "lead_lawyer": false, "originating_lawyer": true, "case_rate": ""}));
        }
        if let Some(&helper) = helpers.get(i % helpers.len().max(1)) {
            staff.push(json!({"id": helper, "lead_lawyer": false, "originating_lawyer": false, "case_rate": ""}));
        }
        let (created_at, updated_at) = stamps(params, rng, 900);
        sink.record(Resource::Case, json!({
            "id": id,
            "name": name,
            "case_number": format!("{}-{}-{:03}.{}", opened.format("%Y"), names::AREA_CODES[area], i + 1, rng.gen_range(1..4)),
            "description": format!("{area_name} matter for {party_name}, opened {}.", opened.format("%B %-d, %Y")),
            "opened_date": opened.to_string(),
            "closed_date": if closed { Value::from((opened + Duration::days(rng.gen_range(30..400))).min(params.now.date_naive()).to_string()) } else { Value::Null },
            "sol_date": Value::Null,
            "practice_area": area_name,
            "case_stage": names::STAGES[stage],
            "status": if closed { "closed" } else { "open" },
            "outstanding_balance": (rng.gen_range(0..400) * 25) as f64,
            "billing_type": pick(rng, &["hourly", "contingency", "flat"]),
            "clients": clients,
            "companies": companies,
            "staff": staff,
            "custom_field_values": [],
            "created_at": created_at, "updated_at": updated_at
        }))?;
        out.push(CaseInfo { id, area, lead });
    }
    Ok(out)
}

const EVENT_KINDS: &[(&str, &str, i64)] = &[
    ("Hearing", "Motion hearing before Judge {j}", 60),
    ("Deposition", "Deposition of {p}", 180),
    ("Client Meeting", "Strategy meeting with {p}", 60),
    ("Mediation", "Mediation session", 240),
    ("Court Appearance", "Status conference", 30),
    ("Call", "Call with opposing counsel", 30),
];
const JUDGES: &[&str] = &["Harrington", "Valdez", "Okonkwo", "Bennett", "Castellano"];

fn timed(start_local: chrono::NaiveDateTime, minutes: i64) -> (String, String) {
    let start = local_to_instant(start_local, New_York);
    let end = start + Duration::minutes(minutes);
    (
        format_with_offset(start, New_York),
        format_with_offset(end, New_York),
    )
}

pub fn events<S: Sink>(
    params: &DemoParams,
    firm: &Firm,
    cases: &[CaseInfo],
    rng: &mut ChaCha8Rng,
    sink: &mut S,
) -> Result<(), S::Error> {
    let today = params.now.date_naive();
    // Fixed events on DST-change days: 02:30 does not exist on 2026-03-08 in New York
    // (it is written as 03:30-04:00); 01:30 on 2026-11-01 happens twice (the first, -04:00).
    let special: [(NaiveDate, NaiveTime, &str); 2] = [
        (
            NaiveDate::from_ymd_opt(2026, 3, 8).expect("date"),
            NaiveTime::from_hms_opt(2, 30, 0).expect("time"),
            "Emergency custody hearing (spring-forward night)",
        ),
        (
            NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            NaiveTime::from_hms_opt(1, 30, 0).expect("time"),
            "Overnight filing check (fall-back night)",
        ),
    ];
    for i in 0..params.events {
        let id = 60_000 + i as i64;
        let case = &cases[rng.gen_range(0..cases.len().max(1)) % cases.len().max(1)];
        let (created_at, updated_at) = stamps(params, rng, 300);
        let deadline = i % 9 == 0;
        let (name, description, start, end, all_day);
        if i < special.len() && params.events >= special.len() {
            let (day, time, title) = special[i];
            let (s, e) = timed(day.and_time(time), 60);
            (name, description, start, end, all_day) = (
                title.to_owned(),
                "Scheduled across a daylight-saving change.".to_owned(),
                s,
                e,
                false,
            );
        } else if deadline {
            let day = today + Duration::days(rng.gen_range(-60..150));
            let days = if rng.gen_range(0..4) == 0 { 3 } else { 1 };
            let last = day + Duration::days(days - 1);
            (name, description, start, end, all_day) = (
                pick(
                    rng,
                    &[
                        "Filing deadline: opposition brief",
                        "Discovery cutoff",
                        "Statute of limitations review",
                        "Trial (blocked)",
                        "Expert report due",
                    ],
                )
                .to_string(),
                "Court-ordered deadline.".to_owned(),
                day.to_string(),
                last.to_string(),
                true,
            );
        } else {
            let day = today + Duration::days(rng.gen_range(-60..150));
            let hour = rng.gen_range(8..17);
            let minute = if rng.gen_bool(0.5) { 0 } else { 30 };
            let (kind, template, minutes) = *pick(rng, EVENT_KINDS);
            let person = format!("{} {}", pick(rng, names::FIRST), pick(rng, names::LAST));
            let title = template
                .replace("{j}", pick::<&str>(rng, JUDGES))
                .replace("{p}", &person);
            let (s, e) = timed(
                day.and_hms_opt(hour, minute, 0).expect("valid time"),
                minutes,
            );
            (name, description, start, end, all_day) =
                (title, format!("{kind} for case {}.", case.id), s, e, false);
        }
        let mut staff = vec![json!({"id": case.lead})];
        if rng.gen_range(0..3) == 0 {
            let other = firm.staff[rng.gen_range(0..firm.staff.len())].0;
            if other != case.lead {
                staff.push(json!({"id": other}));
            }
        }
        sink.record(
            Resource::Event,
            json!({
                "id": id, "name": name, "description": description,
                "start": start, "end": end, "all_day": all_day,
                "private": rng.gen_range(0..12) == 0,
                "event_type": if all_day { "Deadline" } else { "Appointment" },
                "location": {"id": firm.locations[rng.gen_range(0..firm.locations.len())]},
                "case": {"id": case.id}, "staff": staff,
                "created_at": created_at, "updated_at": updated_at
            }),
        )?;
    }
    Ok(())
}

const TASKS: &[&str] = &[
    "Draft interrogatories",
    "Review medical records",
    "Prepare witness list",
    "File motion to compel",
    "Send engagement letter",
    "Calendar court dates",
    "Request police report",
    "Summarize deposition transcript",
    "Prepare settlement demand",
    "Update client on case status",
    "Collect financial disclosures",
    "Draft will and health-care proxy",
    "Serve subpoena duces tecum",
    "Prepare exhibit binders",
];

pub fn tasks<S: Sink>(
    params: &DemoParams,
    firm: &Firm,
    cases: &[CaseInfo],
    rng: &mut ChaCha8Rng,
    sink: &mut S,
) -> Result<(), S::Error> {
    let today = params.now.date_naive();
    for i in 0..params.tasks {
        let id = 90_000 + i as i64;
        let case = &cases[rng.gen_range(0..cases.len().max(1)) % cases.len().max(1)];
        let due = today + Duration::days(rng.gen_range(-30..90));
        let completed = due < today && rng.gen_range(0..3) > 0;
        let (created_at, updated_at) = stamps(params, rng, 200);
        let assignee = if rng.gen_bool(0.5) {
            case.lead
        } else {
            firm.staff[rng.gen_range(0..firm.staff.len())].0
        };
        let mut task = json!({
            "id": id,
            "name": pick(rng, TASKS),
            "description": format!("{} matter; see the case file.", names::AREAS[case.area].0),
            "priority": pick(rng, &["Low", "Medium", "Medium", "High"]),
            "due_date": due.to_string(),
            "completed": completed,
            "case": {"id": case.id},
            "staff": [{"id": assignee}],
            "created_at": created_at, "updated_at": updated_at
        });
        if completed {
            task["completed_at"] =
                Value::from(params.now.to_rfc3339_opts(SecondsFormat::Secs, true));
        }
        sink.record(Resource::Task, task)?;
    }
    Ok(())
}
