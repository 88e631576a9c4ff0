//! Global search over FTS5. User text is never passed to MATCH as-is: it is
//! split into the tokenizer's own word characters and each word is quoted, so
//! operators, quotes and punctuation cannot break the query, and a case number
//! like `2024-CV-001.2` becomes the phrase "2024 CV 001 2". The last word is a
//! prefix (type-ahead). Type-ahead is unranked with a LIMIT: it stops early.

use casefile_domain::entity::Kind;
use casefile_domain::ids::LocalId;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Result, StoreError};

/// Builds a safe FTS5 MATCH expression from user text, or None if it has no words.
pub fn match_expression(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|word| {
            word.split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|w| !w.is_empty())
        .collect();
    let (last, rest) = words.split_last()?;
    let mut parts: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
    parts.push(format!("\"{last}\"*"));
    Some(parts.join(" AND "))
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub kind: Kind,
    pub id: LocalId,
    pub title: String,
    pub subtitle: Option<String>,
    /// The case it belongs to (events, tasks, documents), if any.
    pub case_id: Option<String>,
    /// Where it sits: an event's start (RFC 3339, or a date when all day),
    /// a task's due date, a document's folder path.
    pub at: Option<String>,
}

/// Type-ahead over cases, clients, companies, events, tasks and documents.
pub fn search(conn: &Connection, text: &str, limit: u32) -> Result<Vec<SearchHit>> {
    let Some(expr) = match_expression(text) else {
        return Ok(Vec::new());
    };
    let limit = limit.clamp(1, 200);
    let sql = format!(
        "SELECT kind, id, title, subtitle, case_id, at FROM (
           SELECT 'case' AS kind, c.id, c.name AS title, c.number AS subtitle, NULL AS case_id, NULL AS at FROM cases_fts f JOIN cases c ON c.rowid = f.rowid WHERE cases_fts MATCH ?1
           UNION ALL SELECT 'client', c.id, c.first_name || ' ' || c.last_name, c.email, NULL, NULL FROM clients_fts f JOIN clients c ON c.rowid = f.rowid WHERE clients_fts MATCH ?1
           UNION ALL SELECT 'company', c.id, c.name, c.email, NULL, NULL FROM companies_fts f JOIN companies c ON c.rowid = f.rowid WHERE companies_fts MATCH ?1
           UNION ALL SELECT 'event', e.id, e.name, e.location, e.case_id,
             COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', e.start_s, 'unixepoch'), e.start_date) FROM events_fts f JOIN events e ON e.rowid = f.rowid WHERE events_fts MATCH ?1
           UNION ALL SELECT 'task', t.id, t.name, NULL, t.case_id, t.due FROM tasks_fts f JOIN tasks t ON t.rowid = f.rowid WHERE tasks_fts MATCH ?1
           UNION ALL SELECT 'document', d.id, d.name, d.path, d.case_id, d.path FROM documents_fts f JOIN documents d ON d.rowid = f.rowid WHERE documents_fts MATCH ?1
         ) LIMIT {limit}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([&expr], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut hits = Vec::new();
    for row in rows {
        let (kind, id, title, subtitle, case_id, at) = row?;
        hits.push(SearchHit {
            kind: Kind::parse(&kind).ok_or_else(|| StoreError::Invalid("search kind".into()))?,
            id: LocalId::parse(&id).map_err(|_| StoreError::Invalid("search id".into()))?,
            title: title.unwrap_or_default(),
            subtitle,
            case_id,
            at,
        });
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::match_expression;

    #[test]
    fn user_text_becomes_quoted_words_with_a_prefix_last() {
        assert_eq!(
            match_expression("2024-CV-001.2").as_deref(),
            Some("\"2024 CV 001 2\"*")
        );
        assert_eq!(
            match_expression("martinez hol").as_deref(),
            Some("\"martinez\" AND \"hol\"*")
        );
        assert_eq!(
            match_expression("a\" OR b NEAR(c) *").as_deref(),
            Some("\"a\" AND \"OR\" AND \"b\" AND \"NEAR c\"*")
        );
        assert_eq!(match_expression("  -- \" * "), None);
        assert_eq!(match_expression(""), None);
    }
}
