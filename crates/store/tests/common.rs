//! Builders for test records.
#![allow(dead_code)]

use casefile_domain::entity::*;
use casefile_domain::ids::{AccountId, LocalId, RemoteId};
use casefile_domain::time::EventTime;
use casefile_store::{CaseStage, PracticeArea, Store};
use chrono::{DateTime, NaiveDate, Utc};

pub fn account() -> AccountId {
    AccountId("firm-1".into())
}

pub fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &account()).unwrap();
    (dir, store)
}

pub fn meta(remote: Option<&str>) -> Meta {
    Meta {
        id: LocalId::new(),
        account: account(),
        remote_id: remote.map(|r| RemoteId(r.into())),
        server_updated_at: remote.map(|_| "2026-11-01T10:00:00Z".parse().unwrap()),
        extra: Default::default(),
    }
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn instant(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub fn staff(first: &str, last: &str) -> Staff {
    Staff {
        meta: meta(Some(&format!("s-{first}"))),
        first_name: first.into(),
        last_name: last.into(),
        email: Some(format!("{}@example.com", first.to_lowercase())),
        title: Some("Associate".into()),
        active: true,
    }
}

pub fn stage(name: &str) -> CaseStage {
    CaseStage(Named {
        meta: meta(Some(&format!("st-{name}"))),
        name: name.into(),
    })
}

pub fn area(name: &str) -> PracticeArea {
    PracticeArea(Named {
        meta: meta(Some(&format!("pa-{name}"))),
        name: name.into(),
    })
}

pub fn client(first: &str, last: &str) -> Client {
    Client {
        meta: meta(Some(&format!("c-{first}-{last}"))),
        first_name: first.into(),
        last_name: last.into(),
        email: Some(format!(
            "{}.{}@example.org",
            first.to_lowercase(),
            last.to_lowercase()
        )),
        phone: Some("555-0142".into()),
    }
}

pub fn case(name: &str, number: &str) -> Case {
    Case {
        meta: meta(Some(&format!("k-{number}"))),
        name: name.into(),
        number: Some(number.into()),
        description: Some(format!("Matter concerning {name}")),
        status: CaseStatus::Open,
        stage: None,
        practice_area: None,
        opened_on: Some(date("2026-01-15")),
        closed_on: None,
        clients: vec![],
        companies: vec![],
        staff: vec![],
    }
}

pub fn timed_event(name: &str, start: &str, end: &str) -> Event {
    Event {
        meta: meta(Some(&format!("e-{name}"))),
        name: name.into(),
        description: None,
        location: Some("Courtroom 4B".into()),
        case: None,
        staff: vec![],
        time: EventTime::timed(instant(start), instant(end), chrono_tz::America::New_York).unwrap(),
        private: false,
    }
}

pub fn all_day_event(name: &str, start: &str, end_exclusive: &str) -> Event {
    Event {
        time: EventTime::all_day(date(start), date(end_exclusive)).unwrap(),
        ..timed_event(name, "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z")
    }
}

pub fn task(name: &str, due: Option<&str>, completed: bool) -> Task {
    Task {
        meta: meta(Some(&format!("t-{name}"))),
        name: name.into(),
        description: None,
        priority: Priority::Medium,
        due: due.map(date),
        completed,
        completed_at: None,
        case: None,
        staff: vec![],
    }
}
