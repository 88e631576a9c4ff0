//! A case note as a provider keeps it (see ADR 0015): read
//! here, never written, and not part of the sync. A case's notes are
//! brought in whole when the case is opened online and for pinned cases,
//! so they read offline afterwards.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNote {
    /// The provider's id of the note.
    pub remote_id: String,
    pub subject: String,
    /// As the server sent it: plain text, or HTML when `is_html` (the
    /// window shows either as text only).
    pub body: String,
    pub is_html: bool,
    /// The provider's kind of note ("Case Note", "Phone Call").
    pub note_type: Option<String>,
    pub posted_on: Option<NaiveDate>,
    pub created_at: Option<DateTime<Utc>>,
    /// Who wrote it, by name.
    pub author: Option<String>,
}
