//! MyCase documents: `POST /v1/cases/{id}/documents` returns `put_url` and
//! `put_headers` for one S3 PUT with Content-Length (chunked uploads are
//! refused); `POST /v1/documents/{id}/versions` likewise; `GET
//! /v1/documents/{id}/data` answers 302 to storage, which reqwest follows
//! (and, leaving our host, drops the bearer token).

use bytes::Bytes;
use casefile_domain::ids::RemoteId;
use futures_util::Stream;
use reqwest::header::CONTENT_LENGTH;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::client::MyCase;
use crate::documents::{
    counted, with_progress, CreatedDocument, DocumentTransport, Incoming, Progress, PutTarget,
};
use crate::error::ProviderError;

fn put_target(item: &Value) -> Result<PutTarget, ProviderError> {
    let url = item
        .get("put_url")
        .and_then(Value::as_str)
        .ok_or_else(|| ProviderError::Decode("the answer has no put_url".into()))?
        .to_owned();
    let headers = item
        .get("put_headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    Ok(PutTarget { url, headers })
}

fn id_of(item: &Value) -> Result<RemoteId, ProviderError> {
    match item.get("id") {
        Some(Value::Number(n)) => Ok(RemoteId(n.to_string())),
        Some(Value::String(s)) if !s.is_empty() => Ok(RemoteId(s.clone())),
        _ => Err(ProviderError::Decode("the answer has no id".into())),
    }
}

fn parse(body: &[u8]) -> Result<Value, ProviderError> {
    serde_json::from_slice(body).map_err(|e| ProviderError::Decode(e.to_string()))
}

impl DocumentTransport for MyCase {
    async fn create_document(
        &self,
        case: &RemoteId,
        path: &str,
        filename: &str,
    ) -> Result<CreatedDocument, ProviderError> {
        let url = format!("{}/v1/cases/{}/documents", self.core.base, case.0);
        let body = json!({ "path": path, "filename": filename });
        // Like every create: only a throttled (unapplied) answer is retried here.
        let answer = self.core.send_create(&url, Some(&body)).await?;
        let item = parse(&answer.body)?;
        Ok(CreatedDocument {
            remote_id: id_of(&item)?,
            put: put_target(&item)?,
            item,
        })
    }

    async fn new_version(&self, document: &RemoteId) -> Result<PutTarget, ProviderError> {
        let url = format!("{}/v1/documents/{}/versions", self.core.base, document.0);
        let answer = self.core.send_create(&url, None).await?;
        put_target(&parse(&answer.body)?)
    }

    async fn discard_document(&self, document: &RemoteId) -> Result<(), ProviderError> {
        self.delete(casefile_domain::entity::Kind::Document, document)
            .await
    }

    async fn find_document(
        &self,
        case: &RemoteId,
        path: &str,
    ) -> Result<Option<(RemoteId, Value)>, ProviderError> {
        let mut url = format!("{}/v1/cases/{}/documents", self.core.base, case.0);
        let mut query = vec![("page_size", "1000".to_owned())];
        loop {
            let answer = self
                .core
                .send_idempotent(Method::GET, &url, &query, None)
                .await?;
            let Value::Array(items) = parse(&answer.body)? else {
                return Err(ProviderError::Decode("documents: not a list".into()));
            };
            if let Some(found) = items
                .into_iter()
                .find(|d| d.get("path").and_then(Value::as_str) == Some(path))
            {
                return Ok(Some((id_of(&found)?, found)));
            }
            match super::link::next_page(&answer.headers, &self.core.base) {
                Some(next) => {
                    url = next;
                    query.clear();
                }
                None => return Ok(None),
            }
        }
    }

    async fn put_stream<S>(
        &self,
        target: &PutTarget,
        body: S,
        size: u64,
        progress: Progress<'_>,
    ) -> Result<(), ProviderError>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        let (stream, sent) = counted(body);
        let mut request = self
            .core
            .transfers
            .put(&target.url)
            .header(CONTENT_LENGTH, size)
            .body(reqwest::Body::wrap_stream(stream));
        for (k, v) in &target.headers {
            request = request.header(k.as_str(), v.as_str());
        }
        let response = with_progress(request, &sent, progress).await?;
        storage_status(response.status())
    }

    async fn case_folders(&self, case: &RemoteId) -> Result<Vec<String>, ProviderError> {
        self.walk_folders(case).await
    }

    async fn create_folder(&self, case: &RemoteId, path: &str) -> Result<(), ProviderError> {
        self.make_folder(case, path).await
    }

    async fn open_download(&self, document: &RemoteId) -> Result<Incoming, ProviderError> {
        let url = format!("{}/v1/documents/{}/data", self.core.base, document.0);
        let response = self.core.open_transfer(&url, &[]).await?;
        let status = response.status();
        if response.url().as_str().starts_with(&url) && !status.is_success() {
            // Still our API (no redirect happened): a classified API error.
            let headers = response.headers().clone();
            let body = response.text().await.unwrap_or_default();
            return Err(self.core.classify(status, &headers, &body));
        }
        storage_status(status)?;
        let sha256 = response
            .headers()
            .get("x-amz-checksum-sha256")
            .and_then(|v| v.to_str().ok())
            .and_then(|b64| {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.decode(b64).ok()
            })
            .map(|raw| raw.iter().map(|b| format!("{b:02x}")).collect());
        Ok(Incoming {
            length: response.content_length(),
            sha256,
            response,
        })
    }
}

/// Storage's answer: 2xx is done; 403 means the signed link expired (or
/// was refused) and a fresh one may work; 5xx is worth another try.
fn storage_status(status: StatusCode) -> Result<(), ProviderError> {
    match status.as_u16() {
        200..=299 => Ok(()),
        403 => Err(ProviderError::LinkExpired(403)),
        s @ 500..=599 => Err(ProviderError::Server(s)),
        s => Err(ProviderError::Unexpected(s)),
    }
}
