//! The MyCase HTTP client: bearer auth with refresh on 401, pacing to the
//! rate limit, retries for what is safe to repeat, `page_size=1000`, the
//! next-page link followed at once (links expire), `filter[updated_after]`,
//! and status codes classified into [`ProviderError`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use reqwest::header::{HeaderMap, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::link::next_link;
use crate::auth::Auth;
use crate::capabilities::{Capabilities, Paging, ResourceCaps, UploadStyle};
use crate::error::ProviderError;
use crate::pacer::Pacer;
use crate::provider::ListPage;
use crate::retry::{retry, RetryPolicy};

/// The largest page MyCase serves.
pub const PAGE_SIZE: u32 = 1000;

/// Query parameters of a request.
type Query = Vec<(&'static str, String)>;

/// How a client behaves: its pacing and its retries.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientOptions {
    /// Requests a second; `None` takes the provider's declared limit, 0 turns pacing off.
    pub rate_limit_per_s: Option<u32>,
    pub retry: RetryPolicy,
}

pub struct MyCase {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    auth: Arc<Auth>,
    pacer: Pacer,
    pub(super) retry: RetryPolicy,
    requests: AtomicU64,
    capabilities: Capabilities,
}

/// A successful answer, read whole.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl MyCase {
    /// A client for `base_url` (e.g. `https://external-integrations.mycase.com`).
    pub fn new(
        base_url: &str,
        auth: Arc<Auth>,
        options: ClientOptions,
    ) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("Casefile/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let capabilities = Self::capabilities();
        let rate = options
            .rate_limit_per_s
            .unwrap_or(capabilities.rate_limit_per_s);
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            auth,
            pacer: Pacer::new(rate),
            retry: options.retry,
            requests: AtomicU64::new(0),
            capabilities,
        })
    }

    pub fn capabilities() -> Capabilities {
        let r = |name, write, get_by_id| ResourceCaps {
            name,
            read: true,
            write,
            get_by_id,
            updated_after_filter: true,
        };
        Capabilities {
            resources: vec![
                r("staff", false, true),
                r("practice_areas", false, true),
                r("case_stages", false, true),
                r("locations", false, true),
                r("clients", true, true),
                r("companies", true, true),
                r("cases", true, true),
                r("events", true, false),
                r("tasks", true, false),
                r("documents", false, true),
            ],
            paging: Paging::LinkHeader {
                max_page_size: PAGE_SIZE,
            },
            rate_limit_per_s: 25,
            uploads: UploadStyle::PresignedPut,
            idempotent_creates: false,
        }
    }

    pub fn caps(&self) -> &Capabilities {
        &self.capabilities
    }

    pub fn auth(&self) -> &Arc<Auth> {
        &self.auth
    }

    /// Requests sent so far (every attempt counts).
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// While the server has asked us to wait: until when.
    pub fn throttled_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.pacer.throttled_until()
    }

    /// One request, paced, with the bearer token; a 401 refreshes the token
    /// (single-flight) and the request is sent once more. The response is
    /// handed back unread, whatever its status (downloads stream it).
    pub(super) async fn send_authorized(
        &self,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<reqwest::Response, ProviderError> {
        let mut refreshed = false;
        loop {
            let (generation, token) = self.auth.access()?;
            self.pacer.wait().await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut request = self
                .http
                .request(method.clone(), url)
                .query(query)
                .header(AUTHORIZATION, format!("Bearer {token}"));
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await?;
            if response.status() == StatusCode::UNAUTHORIZED && !refreshed {
                self.auth.refresh_after_401(generation).await?;
                refreshed = true;
                continue;
            }
            return Ok(response);
        }
    }

    /// [`Self::send_authorized`], read whole; an error status is classified
    /// (and a throttled answer holds the pacer).
    pub(super) async fn send_once(
        &self,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Answer, ProviderError> {
        let response = self.send_authorized(method, url, query, body).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            let error = classify(status, &headers, &String::from_utf8_lossy(&bytes));
            if let ProviderError::Throttled { retry_after, .. } = &error {
                self.pacer
                    .hold_for(retry_after.unwrap_or(Duration::from_secs(1)));
            }
            return Err(error);
        }
        Ok(Answer {
            status,
            headers,
            body: bytes,
        })
    }

    /// A request that is safe to repeat: retried on every retryable error.
    pub(super) async fn send_idempotent(
        &self,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Answer, ProviderError> {
        retry(
            self.retry,
            || self.send_once(method.clone(), url, query, body),
            |_| true,
        )
        .await
    }

    fn path(kind: Kind) -> Result<&'static str, ProviderError> {
        match kind {
            Kind::Folder => Err(ProviderError::Unsupported("folder lists".into())),
            other => Ok(other.plural()),
        }
    }

    /// The request for a page: the first (with the filter) when `cursor` is
    /// none, else the page the cursor (a next link) names. A next link is
    /// followed only to the same server: the token must never go elsewhere.
    fn page_request(
        &self,
        kind: Kind,
        updated_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<(String, Query), ProviderError> {
        let resource = Self::path(kind)?;
        match cursor {
            Some(url) if url.starts_with(&format!("{}/", self.base)) => {
                Ok((url.to_owned(), Vec::new()))
            }
            Some(_) => Err(ProviderError::Decode(
                "a page link pointed at another server".into(),
            )),
            None => {
                let mut query = vec![("page_size", PAGE_SIZE.to_string())];
                if let Some(after) = updated_after {
                    query.push(("filter[updated_after]", after.to_owned()));
                }
                Ok((format!("{}/v1/{resource}", self.base), query))
            }
        }
    }

    /// Fetches one page of a resource: the first (with the filter) when
    /// `cursor` is none, else the page the cursor (a next link) names.
    pub async fn list_page(
        &self,
        kind: Kind,
        updated_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<ListPage, ProviderError> {
        let resource = Self::path(kind)?;
        let (url, query) = self.page_request(kind, updated_after, cursor)?;
        let answer = self
            .send_idempotent(Method::GET, &url, &query, None)
            .await?;
        let headers = &answer.headers;
        let next = headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(next_link);
        let item_count = headers
            .get("item-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let body: Value = serde_json::from_slice(&answer.body)
            .map_err(|e| ProviderError::Decode(e.to_string()))?;
        let Value::Array(items) = body else {
            return Err(ProviderError::Decode(format!(
                "/v1/{resource} did not answer with a list"
            )));
        };
        Ok(ListPage {
            items,
            next,
            item_count,
        })
    }

    /// Fetches one page's bytes without parsing them (the benchmark's baseline).
    pub async fn fetch_raw(
        &self,
        kind: Kind,
        cursor: Option<&str>,
    ) -> Result<(usize, Option<String>), ProviderError> {
        let (url, query) = self.page_request(kind, None, cursor)?;
        let answer = self
            .send_idempotent(Method::GET, &url, &query, None)
            .await?;
        let next = answer
            .headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(next_link);
        Ok((answer.body.len(), next))
    }

    /// Creates a record. Only a throttled answer (not applied) is retried
    /// here: any other failure may have created it, and the engine looks for
    /// it before posting again.
    pub async fn create(&self, kind: Kind, body: &Value) -> Result<Value, ProviderError> {
        let url = format!("{}/v1/{}", self.base, Self::path(kind)?);
        let answer = retry(
            self.retry,
            || self.send_once(Method::POST, &url, &[], Some(body)),
            |e| matches!(e, ProviderError::Throttled { .. }),
        )
        .await?;
        serde_json::from_slice(&answer.body).map_err(|e| ProviderError::Decode(e.to_string()))
    }

    /// Updates a record (a PUT may be repeated safely). MyCase answers 204
    /// with no body; the caller re-reads.
    pub async fn update(
        &self,
        kind: Kind,
        remote: &RemoteId,
        body: &Value,
    ) -> Result<(), ProviderError> {
        let url = format!("{}/v1/{}/{}", self.base, Self::path(kind)?, remote.0);
        self.send_idempotent(Method::PUT, &url, &[], Some(body))
            .await
            .map(|_| ())
    }

    /// Deletes a record; one already gone counts as deleted.
    pub async fn delete(&self, kind: Kind, remote: &RemoteId) -> Result<(), ProviderError> {
        let url = format!("{}/v1/{}/{}", self.base, Self::path(kind)?, remote.0);
        match self.send_idempotent(Method::DELETE, &url, &[], None).await {
            Ok(_) | Err(ProviderError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Reads one record, where the resource allows it.
    pub async fn get(&self, kind: Kind, remote: &RemoteId) -> Result<Value, ProviderError> {
        let url = format!("{}/v1/{}/{}", self.base, Self::path(kind)?, remote.0);
        let answer = self.send_idempotent(Method::GET, &url, &[], None).await?;
        debug_assert!(answer.status.is_success());
        serde_json::from_slice(&answer.body).map_err(|e| ProviderError::Decode(e.to_string()))
    }
}

/// Turns an error response into a classified error.
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
    match status.as_u16() {
        401 => ProviderError::Unauthorized,
        404 => ProviderError::NotFound,
        400 | 422 => {
            let parsed: Option<Value> = serde_json::from_str(body).ok();
            let first = parsed.as_ref().and_then(|v| v["errors"].get(0)).cloned();
            let message = first
                .as_ref()
                .and_then(|e| e["description"].as_str())
                .unwrap_or("the request was refused")
                .to_owned();
            let field = first.as_ref().and_then(|e| {
                e["source"]["pointer"]
                    .as_str()
                    .map(|p| p.trim_start_matches('/').to_owned())
                    .or_else(|| e["source"]["parameter"].as_str().map(str::to_owned))
            });
            ProviderError::Validation { message, field }
        }
        429 | 503 => ProviderError::Throttled {
            status: status.as_u16(),
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(retry_after),
        },
        s if s >= 500 => ProviderError::Server(s),
        s => ProviderError::Unexpected(s),
    }
}

/// `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        let later = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        let wait = retry_after(&later).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn error_bodies_are_classified() {
        let h = HeaderMap::new();
        let body =
            r#"{"errors":[{"description":"Name can't be blank","source":{"pointer":"/name"}}]}"#;
        match classify(StatusCode::UNPROCESSABLE_ENTITY, &h, body) {
            ProviderError::Validation { message, field } => {
                assert_eq!(message, "Name can't be blank");
                assert_eq!(field.as_deref(), Some("name"));
            }
            other => panic!("{other:?}"),
        }
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3".parse().unwrap());
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, &h, ""),
            ProviderError::Throttled { status: 429, retry_after: Some(d) } if d == Duration::from_secs(3)
        ));
        assert!(classify(StatusCode::BAD_GATEWAY, &h, "").is_retryable());
        assert!(!classify(StatusCode::UNAUTHORIZED, &h, "").is_retryable());
    }
}
