//! LegalServer documents: `POST /api/v1/documents` takes the record and
//! the bytes in one `multipart/form-data` request (a `metadata` JSON part
//! naming the matter, the file name and the title, then the `file` part,
//! streamed with its length); `GET /api/v1/matters/{uuid}/documents` lists
//! a matter's documents as a plain array; `GET
//! /modules/document/download.php?unique_id=` gives the bytes.
//!
//! Casefile sends the document's path as its title, so a create whose
//! answer was lost is found again by title in the matter's list. v1 keeps
//! no versions, folders or deletes of documents: those are refused with
//! words a user can act on.

use casefile_domain::ids::RemoteId;
use futures_util::Stream;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use super::LegalServer;
use crate::documents::{counted, Bytes, DocumentTransport, Incoming, Progress, PutTarget};
use crate::error::ProviderError;

/// The key a listed document is told its matter under (the list itself
/// names none: it is the matter's).
pub(super) const MATTER: &str = "matter_uuid";

fn no_versions() -> ProviderError {
    ProviderError::Unsupported(
        "LegalServer keeps no versions of a document; upload the file under a new name".into(),
    )
}

impl LegalServer {
    /// A matter's documents, each told its matter.
    async fn matter_documents(&self, case: &RemoteId) -> Result<Vec<Value>, ProviderError> {
        let url = format!("{}/api/v1/matters/{}/documents", self.core.base, case.0);
        let answer = self
            .core
            .send_idempotent(Method::GET, &url, &[], None)
            .await?;
        let body: Value = serde_json::from_slice(&answer.body).map_err(|e| {
            ProviderError::Decode(format!(
                "a matter's documents did not answer with JSON: {e}"
            ))
        })?;
        let Value::Array(items) = body else {
            return Err(ProviderError::Decode(
                "a matter's documents did not answer with a list".into(),
            ));
        };
        Ok(items
            .into_iter()
            .map(|mut item| {
                if let Value::Object(o) = &mut item {
                    o.insert(MATTER.into(), Value::from(case.0.clone()));
                }
                item
            })
            .collect())
    }
}

impl DocumentTransport for LegalServer {
    async fn post_document<S>(
        &self,
        case: &RemoteId,
        path: &str,
        filename: &str,
        body: S,
        size: u64,
        progress: Progress<'_>,
    ) -> Result<RemoteId, ProviderError>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        let metadata = json!({ "filename": filename, "title": path, "matter_uuid": case.0 });
        let (stream, sent) = counted(body);
        let file = Part::stream_with_length(reqwest::Body::wrap_stream(stream), size)
            .file_name(filename.to_owned())
            .mime_str("application/octet-stream")?;
        let form = Form::new()
            .part(
                "metadata",
                Part::text(metadata.to_string()).mime_str("application/json")?,
            )
            .part("file", file);
        let url = format!("{}/api/v1/documents", self.core.base);
        let answer = self.core.send_form(&url, form, &sent, progress).await?;
        let body: Value = serde_json::from_slice(&answer.body).map_err(|e| {
            ProviderError::Decode(format!("the upload did not answer with JSON: {e}"))
        })?;
        body.get("uuid")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .map(|u| RemoteId(u.to_owned()))
            .ok_or_else(|| ProviderError::Decode("the upload answered without a uuid".into()))
    }

    async fn find_document(
        &self,
        case: &RemoteId,
        path: &str,
    ) -> Result<Option<(RemoteId, Value)>, ProviderError> {
        Ok(self
            .matter_documents(case)
            .await?
            .into_iter()
            .find(|d| d.get("title").and_then(Value::as_str) == Some(path))
            .and_then(|d| {
                let guid = d.get("guid").and_then(Value::as_str)?.to_owned();
                Some((RemoteId(guid), d))
            }))
    }

    async fn case_documents(&self, case: &RemoteId) -> Result<Vec<Value>, ProviderError> {
        self.matter_documents(case).await
    }

    async fn new_version(&self, _document: &RemoteId) -> Result<PutTarget, ProviderError> {
        Err(no_versions())
    }

    async fn discard_document(&self, _document: &RemoteId) -> Result<(), ProviderError> {
        Err(ProviderError::Unsupported(
            "LegalServer's API does not delete documents; remove it on LegalServer itself".into(),
        ))
    }

    async fn open_download(&self, document: &RemoteId) -> Result<Incoming, ProviderError> {
        let url = format!("{}/modules/document/download.php", self.core.base);
        let response = self
            .core
            .open_transfer(&url, &[("unique_id", document.0.clone())])
            .await?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let body = response.text().await.unwrap_or_default();
            return Err(self.core.classify(status, &headers, &body));
        }
        Ok(Incoming {
            length: response.content_length(),
            // LegalServer vouches for no checksum.
            sha256: None,
            response,
        })
    }
}
