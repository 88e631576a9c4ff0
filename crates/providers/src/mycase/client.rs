//! The MyCase HTTP client over the shared [`HttpCore`]: bearer auth with
//! refresh on 401, pacing to MyCase's published 25 requests a second,
//! `page_size=1000`, the next-page link followed at once (links expire),
//! `filter[updated_after]`, and MyCase's error bodies classified.

use std::sync::Arc;

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::link::{next_link, on_own_host};
use crate::auth::Auth;
use crate::capabilities::{Capabilities, Deletions, Paging, ResourceCaps, UploadStyle};
use crate::error::ProviderError;
use crate::http::{classify_status, Credentials, HttpCore};
use crate::provider::ListPage;
use crate::registry::{Connect, Connection, SignIn};
use crate::retry::RetryPolicy;

/// The largest page MyCase serves.
pub const PAGE_SIZE: u32 = 1000;

/// Requests a second MyCase allows a client.
pub const RATE_LIMIT_PER_S: u32 = 25;

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
    pub(super) core: HttpCore,
    auth: Arc<Auth>,
    capabilities: Capabilities,
}

impl Connect for MyCase {
    fn connect(c: Connection) -> Result<Self, ProviderError> {
        let Credentials::Bearer(auth) = &c.credentials else {
            return Err(ProviderError::Unsupported(
                "MyCase accounts sign in with OAuth bearer tokens".into(),
            ));
        };
        let auth = auth.clone();
        let rate = c.rate_limit_per_s.unwrap_or(RATE_LIMIT_PER_S);
        Ok(Self {
            // MyCase sends no rate-limit headers; it paces by its published limit.
            core: HttpCore::new(&c.base_url, c.credentials, rate, c.retry, classify, None)?,
            auth,
            capabilities: Self::capabilities(),
        })
    }

    fn declared() -> Capabilities {
        Self::capabilities()
    }

    fn sign_in() -> SignIn {
        SignIn::OAuth {
            authorize_url: "https://auth.mycase.com/login_sessions/new",
            token_url: "https://auth.mycase.com/tokens",
        }
    }
}

impl MyCase {
    /// A client for `base_url` (e.g. `https://external-integrations.mycase.com`)
    /// with a bearer token.
    pub fn new(
        base_url: &str,
        auth: Arc<Auth>,
        options: ClientOptions,
    ) -> Result<Self, ProviderError> {
        Self::connect(Connection {
            base_url: base_url.to_owned(),
            credentials: Credentials::Bearer(auth),
            rate_limit_per_s: options.rate_limit_per_s,
            retry: options.retry,
        })
    }

    /// What MyCase v1 takes: Casefile writes events and tasks (create, PUT,
    /// DELETE); everything else is read. There is no `GET /events/{id}` or
    /// `GET /tasks/{id}`, and a PUT answers 204 with no body.
    pub fn capabilities() -> Capabilities {
        let no_get = |caps: ResourceCaps| ResourceCaps {
            get_by_id: false,
            ..caps
        };
        Capabilities {
            resources: vec![
                ResourceCaps::read_only(Kind::Staff),
                ResourceCaps::read_only(Kind::PracticeArea),
                ResourceCaps::read_only(Kind::CaseStage),
                ResourceCaps::read_only(Kind::Location),
                ResourceCaps::read_only(Kind::Client),
                ResourceCaps::read_only(Kind::Company),
                ResourceCaps::read_only(Kind::Case),
                no_get(ResourceCaps::read_write(Kind::Event)),
                no_get(ResourceCaps::read_write(Kind::Task)),
                ResourceCaps::read_only(Kind::Document),
            ],
            paging: Paging::LinkHeader {
                max_page_size: PAGE_SIZE,
            },
            rate_limit_per_s: RATE_LIMIT_PER_S,
            documents: Some(UploadStyle::PresignedPut),
            folders: true,
            document_versions: true,
            documents_per_case: false,
            case_notes: false,
            update_returns_record: false,
            // MyCase lists never mention deleted records.
            deletions: Deletions::IdSets,
        }
    }

    pub fn caps(&self) -> &Capabilities {
        &self.capabilities
    }

    /// The bearer credentials.
    pub fn auth(&self) -> &Arc<Auth> {
        &self.auth
    }

    /// Requests sent so far (every attempt counts).
    pub fn request_count(&self) -> u64 {
        self.core.request_count()
    }

    /// While the server has asked us to wait: until when.
    pub fn throttled_until(&self) -> Option<DateTime<Utc>> {
        self.core.throttled_until()
    }

    /// The server's clock minus this laptop's, from its last answer.
    pub fn server_clock_skew(&self) -> Option<chrono::Duration> {
        self.core.clock.skew()
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
        updated_after: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> Result<(String, Query), ProviderError> {
        let resource = Self::path(kind)?;
        let base = &self.core.base;
        match cursor {
            Some(url) if on_own_host(url, base) => Ok((url.to_owned(), Vec::new())),
            Some(_) => Err(ProviderError::Decode(
                "a page link pointed at another server".into(),
            )),
            None => {
                let mut query = vec![("page_size", PAGE_SIZE.to_string())];
                if let Some(after) = updated_after {
                    // ISO 8601 with an explicit offset; the filter is inclusive.
                    query.push((
                        "filter[updated_after]",
                        after.to_rfc3339_opts(SecondsFormat::Secs, true),
                    ));
                }
                Ok((format!("{base}/v1/{resource}"), query))
            }
        }
    }

    /// Fetches one page of a resource: the first (with the filter) when
    /// `cursor` is none, else the page the cursor (a next link) names. Each
    /// item is decoded on its own, so one malformed record is rejected
    /// alone and the rest of the page still arrives.
    pub async fn list_page(
        &self,
        kind: Kind,
        updated_after: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> Result<ListPage, ProviderError> {
        let resource = Self::path(kind)?;
        let (url, query) = self.page_request(kind, updated_after, cursor)?;
        let answer = self
            .core
            .send_idempotent(Method::GET, &url, &query, None)
            .await?;
        let headers = &answer.headers;
        let next = headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(next_link);
        if next
            .as_deref()
            .is_some_and(|n| !on_own_host(n, &self.core.base))
        {
            // Refused with its page, so no checkpoint keeps the link: the
            // next sync starts this walk again from its watermark.
            return Err(ProviderError::Decode(format!(
                "/v1/{resource}'s next-page link points at another host; it was not followed, \
                 since it would carry the sign-in token away"
            )));
        }
        let item_count = headers
            .get("item-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let (items, rejected) = crate::items::decode_array(&answer.body).map_err(|e| {
            ProviderError::Decode(format!("/v1/{resource} did not answer with a list: {e}"))
        })?;
        Ok(ListPage {
            items,
            rejected,
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
            .core
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
        let url = format!("{}/v1/{}", self.core.base, Self::path(kind)?);
        let answer = self.core.send_create(&url, Some(body)).await?;
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
        let url = format!("{}/v1/{}/{}", self.core.base, Self::path(kind)?, remote.0);
        self.core
            .send_idempotent(Method::PUT, &url, &[], Some(body))
            .await
            .map(|_| ())
    }

    /// Deletes a record; one already gone counts as deleted.
    pub async fn delete(&self, kind: Kind, remote: &RemoteId) -> Result<(), ProviderError> {
        let url = format!("{}/v1/{}/{}", self.core.base, Self::path(kind)?, remote.0);
        match self
            .core
            .send_idempotent(Method::DELETE, &url, &[], None)
            .await
        {
            Ok(_) | Err(ProviderError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `GET /v1/me`: the staff member the token belongs to.
    pub async fn me(&self) -> Result<Option<RemoteId>, ProviderError> {
        let url = format!("{}/v1/me", self.core.base);
        let answer = self
            .core
            .send_idempotent(Method::GET, &url, &[], None)
            .await?;
        let me: Value = serde_json::from_slice(&answer.body)
            .map_err(|e| ProviderError::Decode(format!("/v1/me: {e}")))?;
        Ok(match &me["id"] {
            Value::Number(n) => Some(RemoteId(n.to_string())),
            Value::String(s) if !s.is_empty() => Some(RemoteId(s.clone())),
            _ => None,
        })
    }

    /// Reads one record, where the resource allows it.
    pub async fn get(&self, kind: Kind, remote: &RemoteId) -> Result<Value, ProviderError> {
        let url = format!("{}/v1/{}/{}", self.core.base, Self::path(kind)?, remote.0);
        let answer = self
            .core
            .send_idempotent(Method::GET, &url, &[], None)
            .await?;
        debug_assert!(answer.status.is_success());
        serde_json::from_slice(&answer.body).map_err(|e| ProviderError::Decode(e.to_string()))
    }
}

/// MyCase's error answers: `{"errors":[{"description", "source":{...}}]}`
/// for a refusal; the rest is the shared classification.
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
    match status.as_u16() {
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
        _ => classify_status(status, headers, body),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::header::RETRY_AFTER;

    use super::*;

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
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, &h, ""),
            ProviderError::Forbidden(_)
        ));
    }
}
