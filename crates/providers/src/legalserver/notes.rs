//! LegalServer's case notes: `GET /api/v1/matters/{uuid}/notes`, paged
//! in the search envelope, read whole for one matter. `%empty%` and
//! blank values mean none.

use casefile_domain::ids::RemoteId;
use casefile_domain::note::CaseNote;
use chrono::{DateTime, NaiveDate, Utc};
use reqwest::Method;
use serde_json::Value;

use super::LegalServer;
use crate::error::ProviderError;

/// Notes asked for a page (most matters have a page of them at most).
const PAGE_SIZE: u32 = 100;

fn text(v: &Value, k: &str) -> Option<String> {
    v[k].as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "%empty%")
        .map(str::to_owned)
}

/// One listed note; none for an item without an id, which could never be
/// told apart from the next.
fn note(v: &Value) -> Option<CaseNote> {
    let remote_id = text(v, "casenote_uuid").or_else(|| v["id"].as_i64().map(|i| i.to_string()))?;
    Some(CaseNote {
        remote_id,
        subject: text(v, "subject").unwrap_or_default(),
        body: v["body"]
            .as_str()
            .filter(|b| b.trim() != "%empty%")
            .unwrap_or_default()
            .to_owned(),
        is_html: v["is_html"].as_bool().unwrap_or(false),
        note_type: text(v, "note_type"),
        posted_on: text(v, "date_posted")
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok()),
        created_at: text(v, "date_time_created")
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc)),
        author: text(&v["created_by"], "user_name"),
    })
}

impl LegalServer {
    /// Every case note of a matter, oldest first as the server lists them.
    pub(super) async fn matter_notes(
        &self,
        case: &RemoteId,
    ) -> Result<Vec<CaseNote>, ProviderError> {
        let url = format!("{}/api/v1/matters/{}/notes", self.core.base, case.0);
        let mut out = Vec::new();
        let mut page = 1u32;
        loop {
            let query = [
                ("page_number", page.to_string()),
                ("page_size", PAGE_SIZE.to_string()),
            ];
            let answer = self
                .core
                .send_idempotent(Method::GET, &url, &query, None)
                .await?;
            let body: Value = serde_json::from_slice(&answer.body).map_err(|e| {
                ProviderError::Decode(format!("a matter's notes did not answer with JSON: {e}"))
            })?;
            let Some(items) = body["data"].as_array() else {
                return Err(ProviderError::Decode(
                    "a matter's notes did not answer with a list".into(),
                ));
            };
            out.extend(items.iter().filter_map(note));
            let pages = body["total_number_of_pages"].as_u64().unwrap_or(1);
            if items.is_empty() || u64::from(page) >= pages {
                return Ok(out);
            }
            page += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_note_reads_its_fields_and_empty_sentinels_are_none() {
        let n = note(&json!({
            "id": 7, "casenote_uuid": "6f5e3625-f39f-11ed-9261-0ae2319c1f6b",
            "subject": "Intake", "body": "Line one\nLine two", "is_html": false,
            "note_type": "%empty%", "date_posted": "2023-05-15",
            "date_time_created": "2023-05-15T23:09:22-05:00",
            "created_by": {"user_id": 11, "user_name": "Ann Lee"}
        }))
        .unwrap();
        assert_eq!(n.remote_id, "6f5e3625-f39f-11ed-9261-0ae2319c1f6b");
        assert_eq!(n.note_type, None);
        assert_eq!(n.posted_on, NaiveDate::from_ymd_opt(2023, 5, 15));
        assert_eq!(
            n.created_at.unwrap().to_rfc3339(),
            "2023-05-16T04:09:22+00:00"
        );
        assert_eq!(n.author.as_deref(), Some("Ann Lee"));
        assert_eq!(n.body, "Line one\nLine two");
        assert!(note(&json!({"subject": "no id"})).is_none());
    }
}
