//! The firm, its staff, reference data (practice areas, stages, locations),
//! and its clients and companies.

use chrono::{Duration, SecondsFormat};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::names::{self, pick};
use crate::{DemoParams, Resource, Sink};

/// What later records refer to.
pub struct Firm {
    /// (id, is attorney)
    pub staff: Vec<(i64, bool)>,
    pub clients: Vec<(i64, String)>,
    pub companies: Vec<(i64, String)>,
    pub locations: Vec<i64>,
}

/// A creation time some days before `now`, and an update time after it.
pub fn stamps(params: &DemoParams, rng: &mut ChaCha8Rng, max_days_ago: i64) -> (String, String) {
    let created =
        params.now - Duration::minutes(rng.gen_range(60 * 24..=max_days_ago.max(2) * 24 * 60));
    let updated =
        created + Duration::minutes(rng.gen_range(0..=(params.now - created).num_minutes().max(1)));
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    (fmt(created), fmt(updated))
}

fn address(rng: &mut ChaCha8Rng) -> Value {
    let (city, state, zip) = *pick(rng, names::CITIES);
    json!({
        "address1": format!("{} {}", rng.gen_range(10..990), pick(rng, names::STREETS)),
        "address2": "",
        "city": city, "state": state, "zip_code": zip, "country": "US"
    })
}

pub fn generate<S: Sink>(
    params: &DemoParams,
    rng: &mut ChaCha8Rng,
    sink: &mut S,
) -> Result<Firm, S::Error> {
    sink.record(Resource::Firm, json!({ "name": "Whitfield, Okafor & Chen LLP", "url": "https://whitfield-okafor.example.com" }))?;

    const ROLES: &[(&str, &str, bool)] = &[
        ("Attorney", "Managing Partner", true),
        ("Attorney", "Partner", true),
        ("Attorney", "Partner", true),
        ("Attorney", "Senior Associate", true),
        ("Attorney", "Associate", true),
        ("Attorney", "Associate", true),
        ("Attorney", "Of Counsel", true),
        ("Staff", "Senior Paralegal", false),
        ("Staff", "Paralegal", false),
        ("Staff", "Legal Assistant", false),
        ("Staff", "Office Manager", false),
        ("Staff", "Receptionist", false),
    ];
    let mut staff = Vec::new();
    for i in 0..params.staff {
        let id = 1000 + i as i64;
        let (kind, title, attorney) = ROLES[i % ROLES.len()];
        let first = names::FIRST[(i * 7 + 3) % names::FIRST.len()];
        let last = names::LAST[(i * 11 + 5) % names::LAST.len()];
        let (created_at, updated_at) = stamps(params, rng, 900);
        sink.record(Resource::Staff, json!({
            "id": id, "email": names::email(first, last, "whitfield-okafor.example.com"),
            "first_name": first, "middle_initial": "", "last_name": last,
            "address": address(rng), "cell_phone_number": names::phone(rng),
            "work_phone_number": names::phone(rng), "home_phone_number": "",
            "type": kind, "title": title, "active": true,
            "default_hourly_rate": if attorney { 250.0 + 25.0 * ((i % 8) as f64) } else { 95.0 },
            "created_at": created_at, "updated_at": updated_at
        }))?;
        staff.push((id, attorney));
    }
    for (i, (area, _)) in names::AREAS.iter().enumerate() {
        let (created_at, updated_at) = stamps(params, rng, 1200);
        sink.record(Resource::PracticeArea, json!({ "id": 10 + i as i64, "name": area, "created_at": created_at, "updated_at": updated_at }))?;
    }
    for (i, stage) in names::STAGES.iter().enumerate() {
        let (created_at, updated_at) = stamps(params, rng, 1200);
        sink.record(Resource::CaseStage, json!({ "id": 30 + i as i64, "name": stage, "created_at": created_at, "updated_at": updated_at }))?;
    }
    let mut locations = Vec::new();
    for (i, name) in [
        "Main Office",
        "Superior Court, Courtroom 4B",
        "Federal Courthouse",
        "Mediation Center",
    ]
    .iter()
    .enumerate()
    {
        let id = 50 + i as i64;
        let (created_at, updated_at) = stamps(params, rng, 1200);
        sink.record(Resource::Location, json!({ "id": id, "name": name, "address": address(rng), "created_at": created_at, "updated_at": updated_at }))?;
        locations.push(id);
    }
    let mut clients = Vec::new();
    for i in 0..params.clients {
        let id = 5000 + i as i64;
        let first = *pick(rng, names::FIRST);
        let last = *pick(rng, names::LAST);
        let (created_at, updated_at) = stamps(params, rng, 900);
        let year = rng.gen_range(1948..2004);
        sink.record(Resource::Client, json!({
            "id": id, "email": names::email(first, last, "example.org"),
            "first_name": first, "middle_initial": "", "middle_name": "", "last_name": last,
            "address": address(rng), "cell_phone_number": names::phone(rng),
            "work_phone_number": "", "home_phone_number": "", "fax_phone_number": "",
            "contact_group": "Client", "notes": "",
            "birthdate": format!("{year}-{:02}-{:02}", rng.gen_range(1..=12), rng.gen_range(1..=28)),
            "archived": false, "cases": [], "custom_field_values": [],
            "created_at": created_at, "updated_at": updated_at
        }))?;
        clients.push((id, format!("{first} {last}")));
    }
    let mut companies = Vec::new();
    for i in 0..params.companies {
        let id = 8000 + i as i64;
        let base = names::COMPANY[i % names::COMPANY.len()];
        let name = if i < names::COMPANY.len() {
            base.to_owned()
        } else {
            format!("{base} ({})", i / names::COMPANY.len() + 1)
        };
        let domain: String = base
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(16)
            .collect();
        let (created_at, updated_at) = stamps(params, rng, 900);
        sink.record(Resource::Company, json!({
            "id": id, "name": name, "email": format!("info@{domain}.example.com"),
            "website": format!("https://{domain}.example.com"), "main_phone_number": names::phone(rng),
            "fax_phone_number": "", "address": address(rng), "notes": "",
            "cases": [], "clients": [], "custom_field_values": [], "archived": false,
            "created_at": created_at, "updated_at": updated_at
        }))?;
        companies.push((id, name));
    }
    Ok(Firm {
        staff,
        clients,
        companies,
        locations,
    })
}
