//! The entities Casefile caches, provider-neutral.
//!
//! Every entity carries [`Meta`]: local id, account, remote id, the server's
//! `updated_at`, and `extra`, the fields a provider sent that we do not model
//! (kept verbatim so nothing a server sends is lost, and sent back on push).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, LocalId, RemoteId};
use crate::time::EventTime;

/// Unmodelled provider fields, kept verbatim.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// What every cached row carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub id: LocalId,
    pub account: AccountId,
    pub remote_id: Option<RemoteId>,
    /// The server's `updated_at` of the copy we last saw; none for local-only rows.
    pub server_updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub extra: Extra,
}

impl Meta {
    /// Meta for a record created on this laptop (no remote id yet).
    pub fn local(account: &AccountId) -> Self {
        Self {
            id: LocalId::new(),
            account: account.clone(),
            remote_id: None,
            server_updated_at: None,
            extra: Extra::new(),
        }
    }
}

/// The kinds of record, used by the outbox, the mirror, search and the activity log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Staff,
    CaseStage,
    PracticeArea,
    Location,
    Client,
    Company,
    Case,
    Folder,
    Document,
    Event,
    Task,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Staff,
        Kind::CaseStage,
        Kind::PracticeArea,
        Kind::Location,
        Kind::Client,
        Kind::Company,
        Kind::Case,
        Kind::Folder,
        Kind::Document,
        Kind::Event,
        Kind::Task,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::CaseStage => "case_stage",
            Kind::PracticeArea => "practice_area",
            Kind::Location => "location",
            Kind::Client => "client",
            Kind::Company => "company",
            Kind::Case => "case",
            Kind::Folder => "folder",
            Kind::Document => "document",
            Kind::Event => "event",
            Kind::Task => "task",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether a record of this kind can refer to another of the same kind
    /// (a folder to its parent): a sync must write one page before it
    /// decodes the next, so a reference to a record of the page before
    /// resolves.
    pub fn refers_to_itself(self) -> bool {
        matches!(self, Kind::Folder)
    }

    /// The plural name: the cache's table, checkpoints' resource, and the
    /// path segment of REST APIs such as the first provider's.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::CaseStage => "case_stages",
            Kind::PracticeArea => "practice_areas",
            Kind::Location => "locations",
            Kind::Client => "clients",
            Kind::Company => "companies",
            Kind::Case => "cases",
            Kind::Folder => "folders",
            Kind::Document => "documents",
            Kind::Event => "events",
            Kind::Task => "tasks",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Firm {
    pub name: String,
    #[serde(default)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staff {
    pub meta: Meta,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub active: bool,
}

/// A small named reference record: case stage, practice area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    pub meta: Meta,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub meta: Meta,
    pub name: String,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    pub meta: Meta,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Company {
    pub meta: Meta,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Closed => "closed",
        }
    }
}

/// A staff member's role on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseStaff {
    pub staff: LocalId,
    /// e.g. "lead_lawyer", "originating_lawyer", "staff".
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub meta: Meta,
    pub name: String,
    pub number: Option<String>,
    pub description: Option<String>,
    pub status: CaseStatus,
    pub stage: Option<LocalId>,
    pub practice_area: Option<LocalId>,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub clients: Vec<LocalId>,
    pub companies: Vec<LocalId>,
    pub staff: Vec<CaseStaff>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub meta: Meta,
    pub name: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub case: Option<LocalId>,
    pub staff: Vec<LocalId>,
    pub time: EventTime,
    pub private: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "low" => Some(Priority::Low),
            "medium" => Some(Priority::Medium),
            "high" => Some(Priority::High),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub meta: Meta,
    pub name: String,
    pub description: Option<String>,
    pub priority: Priority,
    pub due: Option<NaiveDate>,
    pub completed: bool,
    pub completed_at: Option<DateTime<Utc>>,
    pub case: Option<LocalId>,
    pub staff: Vec<LocalId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Folder {
    pub meta: Meta,
    pub case: LocalId,
    /// None for the case's root folder.
    pub parent: Option<LocalId>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub meta: Meta,
    pub case: LocalId,
    pub folder: Option<LocalId>,
    /// The file name, e.g. "Motion to Dismiss.pdf".
    pub name: String,
    /// The folder path within the case, e.g. "Pleadings/Motions".
    pub path: String,
    pub size: Option<i64>,
    /// SHA-256 of the current version's bytes, hex, when known.
    pub content_hash: Option<String>,
    /// Where the bytes are in the local blob store, if downloaded.
    pub local_blob: Option<String>,
}
