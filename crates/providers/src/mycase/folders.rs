//! MyCase document folders. There is no folder list: a case's tree is
//! walked from `GET /v1/cases/{id}/folder` (its root) through `GET
//! /v1/folders/{id}/subfolders` (one level, paged by `Link`), breadth
//! first. `POST /v1/cases/{id}/subfolders` with `{"path": "a/b"}` makes a
//! folder and any missing one above it, so repeating it is harmless.

use std::collections::{HashSet, VecDeque};

use casefile_domain::ids::RemoteId;
use reqwest::Method;
use serde_json::{json, Value};

use super::client::MyCase;
use crate::error::ProviderError;

/// More folders than a case could sensibly hold: the answer is refused
/// rather than walked for ever.
const MAX_FOLDERS: usize = 20_000;

fn parse(body: &[u8]) -> Result<Value, ProviderError> {
    serde_json::from_slice(body).map_err(|e| ProviderError::Decode(e.to_string()))
}

fn id_of(item: &Value) -> Result<String, ProviderError> {
    match item.get("id") {
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(ProviderError::Decode("a folder has no id".into())),
    }
}

impl MyCase {
    /// Every page of a listing that answers an array, following `Link`
    /// only within this server.
    async fn all_pages(&self, url: String) -> Result<Vec<Value>, ProviderError> {
        let mut out = Vec::new();
        let mut url = url;
        let mut query = vec![("page_size", "1000".to_owned())];
        loop {
            let answer = self
                .core
                .send_idempotent(Method::GET, &url, &query, None)
                .await?;
            let Value::Array(items) = parse(&answer.body)? else {
                return Err(ProviderError::Decode("subfolders: not a list".into()));
            };
            out.extend(items);
            match super::link::next_page(&answer.headers, &self.core.base) {
                Some(next) => {
                    url = next;
                    query.clear();
                }
                None => return Ok(out),
            }
        }
    }

    pub(super) async fn walk_folders(&self, case: &RemoteId) -> Result<Vec<String>, ProviderError> {
        let base = &self.core.base;
        let root = self
            .core
            .send_idempotent(
                Method::GET,
                &format!("{base}/v1/cases/{}/folder", case.0),
                &[],
                None,
            )
            .await?;
        let root = id_of(&parse(&root.body)?)?;
        let mut seen = HashSet::from([root.clone()]);
        let mut queue = VecDeque::from([(root, String::new())]);
        let mut paths = Vec::new();
        while let Some((id, path)) = queue.pop_front() {
            for sub in self
                .all_pages(format!("{base}/v1/folders/{id}/subfolders"))
                .await?
            {
                let name = sub
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|n| !n.is_empty() && !n.contains('/'))
                    .ok_or_else(|| ProviderError::Decode("a folder has no usable name".into()))?;
                let child = id_of(&sub)?;
                // A folder met twice (a loop in the server's answer) is walked once.
                if !seen.insert(child.clone()) {
                    continue;
                }
                let full = if path.is_empty() {
                    name.to_owned()
                } else {
                    format!("{path}/{name}")
                };
                paths.push(full.clone());
                if paths.len() > MAX_FOLDERS {
                    return Err(ProviderError::Decode(format!(
                        "the case has more than {MAX_FOLDERS} folders"
                    )));
                }
                queue.push_back((child, full));
            }
        }
        Ok(paths)
    }

    pub(super) async fn make_folder(
        &self,
        case: &RemoteId,
        path: &str,
    ) -> Result<(), ProviderError> {
        let url = format!("{}/v1/cases/{}/subfolders", self.core.base, case.0);
        // The same path again finds the folder made, so a retry is safe.
        self.core
            .send_idempotent(Method::POST, &url, &[], Some(&json!({ "path": path })))
            .await?;
        Ok(())
    }
}
