//! The LegalServer HTTP client over the shared [`HttpCore`]: a personal
//! access token (or Basic), pacing from `x-rate-limit-remaining` and
//! `x-rate-limit-reset`, searches by page number in LegalServer's envelope,
//! and its error answers classified by status.

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::capabilities::{Capabilities, Deletions, Paging, ResourceCaps, UploadStyle};
use crate::error::ProviderError;
use crate::http::{classify_status, HttpCore, RateLimitHeaders};
use crate::provider::ListPage;
use crate::registry::{Connect, Connection, SignIn};

/// The page size asked for (v1 sets no maximum; the sandbox serves 500).
pub const PAGE_SIZE: u32 = 500;

/// LegalServer's default limit: 200 requests a minute per site.
pub const RATE_LIMIT_PER_MINUTE: u32 = 200;

pub struct LegalServer {
    pub(super) core: HttpCore,
    capabilities: Capabilities,
}

impl Connect for LegalServer {
    fn connect(c: Connection) -> Result<Self, ProviderError> {
        // Paced by its headers: up to the minute's limit at once, then a
        // wait for the window's reset once `x-rate-limit-remaining` is 0,
        // before any 429. A fixed rate would waste most of each window.
        let rate = c.rate_limit_per_s.unwrap_or(0);
        Ok(Self {
            core: HttpCore::new(
                &c.base_url,
                c.credentials,
                rate,
                c.retry,
                classify,
                Some(RateLimitHeaders {
                    remaining: "x-rate-limit-remaining",
                    reset: "x-rate-limit-reset",
                }),
            )?,
            capabilities: Self::capabilities(),
        })
    }

    fn declared() -> Capabilities {
        Self::capabilities()
    }

    fn sign_in() -> SignIn {
        SignIn::Token
    }
}

impl LegalServer {
    /// It reads users, contacts, organizations, matters, events and tasks,
    /// and creates and changes events and tasks. v1 deletes neither, so
    /// neither is offered. Documents go up in one multipart request, have
    /// no versions and no folders, and are listed one matter at a time. Searches have no updated-since filter, and
    /// deletions only show as absences. An event's create is keyed by its
    /// `external_id`; a task's is found again by its fields.
    pub fn capabilities() -> Capabilities {
        let walked = |kind| {
            let caps = ResourceCaps {
                updated_after_filter: false,
                ..ResourceCaps::read_only(kind)
            };
            match kind {
                // Neither has a description in v1.
                Kind::Event => ResourceCaps {
                    create: true,
                    update: true,
                    description: false,
                    ..caps.keyed()
                },
                Kind::Task => ResourceCaps {
                    create: true,
                    update: true,
                    description: false,
                    ..caps
                },
                _ => caps,
            }
        };
        Capabilities {
            resources: super::provider::PULL_ORDER
                .iter()
                .map(|&k| walked(k))
                .collect(),
            paging: Paging::PageNumber {
                max_page_size: PAGE_SIZE,
            },
            rate_limit_per_s: RATE_LIMIT_PER_MINUTE / 60,
            documents: Some(UploadStyle::Multipart),
            folders: false,
            document_versions: false,
            documents_per_case: true,
            case_notes: true,
            update_returns_record: true,
            deletions: Deletions::IdSets,
        }
    }

    pub(super) fn caps(&self) -> &Capabilities {
        &self.capabilities
    }

    pub(super) fn path(kind: Kind) -> Result<&'static str, ProviderError> {
        Ok(match kind {
            Kind::Staff => "users",
            Kind::Client => "contacts",
            Kind::Company => "organizations",
            Kind::Case => "matters",
            Kind::Event => "events",
            Kind::Task => "tasks",
            other => {
                return Err(ProviderError::Unsupported(format!(
                    "LegalServer has no {} here",
                    other.plural()
                )))
            }
        })
    }

    /// One search page: page `cursor` (a page number; the first when none).
    async fn search(&self, kind: Kind, cursor: Option<&str>) -> Result<Envelope, ProviderError> {
        self.search_where(kind, cursor, &[]).await
    }

    /// One page of a search narrowed by `filters` (`external_id`, `title`).
    async fn search_where(
        &self,
        kind: Kind,
        cursor: Option<&str>,
        filters: &[(&str, String)],
    ) -> Result<Envelope, ProviderError> {
        let resource = Self::path(kind)?;
        let page: u64 = match cursor {
            None => 1,
            Some(n) => n
                .parse()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ProviderError::Decode(format!("{n:?} is not a page number")))?,
        };
        let mut query = vec![
            ("page_number", page.to_string()),
            ("page_size", PAGE_SIZE.to_string()),
        ];
        if kind == Kind::Case {
            // Matter searches answer the pro bono shape unless asked.
            query.push(("results", "full".to_owned()));
        }
        query.extend(filters.iter().cloned());
        let url = format!("{}/api/v1/{resource}", self.core.base);
        let answer = self
            .core
            .send_idempotent(Method::GET, &url, &query, None)
            .await?;
        let body: Value = serde_json::from_slice(&answer.body).map_err(|e| {
            ProviderError::Decode(format!("/api/v1/{resource} did not answer with JSON: {e}"))
        })?;
        let Some(items) = body.get("data").and_then(Value::as_array) else {
            return Err(ProviderError::Decode(format!(
                "/api/v1/{resource} answered without a data list"
            )));
        };
        let pages = body["total_number_of_pages"].as_u64().unwrap_or(1);
        Ok(Envelope {
            items: items.clone(),
            bytes: answer.body.len(),
            next: (page < pages && !items.is_empty()).then(|| (page + 1).to_string()),
            total: body["total_records"].as_u64(),
        })
    }

    pub async fn list_page(
        &self,
        kind: Kind,
        cursor: Option<&str>,
    ) -> Result<ListPage, ProviderError> {
        let page = self.search(kind, cursor).await?;
        Ok(ListPage {
            items: page.items,
            rejected: Vec::new(),
            next: page.next,
            item_count: page.total,
        })
    }

    /// Every record of `kind` a narrowed search finds.
    pub async fn find_where(
        &self,
        kind: Kind,
        filters: &[(&str, String)],
    ) -> Result<Vec<Value>, ProviderError> {
        let mut found = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.search_where(kind, cursor.as_deref(), filters).await?;
            found.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(found),
            }
        }
    }

    /// `POST /api/v1/{resource}`: the created record, from `{data}`. Only
    /// a throttled answer is retried, since any other failure may have
    /// created it.
    pub async fn create(&self, kind: Kind, body: &Value) -> Result<Value, ProviderError> {
        let url = format!("{}/api/v1/{}", self.core.base, Self::path(kind)?);
        let answer = self.core.send_create(&url, Some(body)).await?;
        data(&answer.body, &url)
    }

    /// `PATCH /api/v1/{resource}/{uuid}` with a partial body: the record as
    /// the server now holds it. The same body twice gives the same record,
    /// so it is retried like a read.
    pub async fn patch(
        &self,
        kind: Kind,
        remote: &RemoteId,
        body: &Value,
    ) -> Result<Value, ProviderError> {
        let url = format!(
            "{}/api/v1/{}/{}",
            self.core.base,
            Self::path(kind)?,
            remote.0
        );
        let answer = self
            .core
            .send_idempotent(Method::PATCH, &url, &[], Some(body))
            .await?;
        data(&answer.body, &url)
    }

    pub async fn raw_page(
        &self,
        kind: Kind,
        cursor: Option<&str>,
    ) -> Result<(usize, Option<String>), ProviderError> {
        let page = self.search(kind, cursor).await?;
        Ok((page.bytes, page.next))
    }
}

/// The record a write answers with, under `data`.
fn data(body: &[u8], url: &str) -> Result<Value, ProviderError> {
    let mut answer: Value = serde_json::from_slice(body)
        .map_err(|e| ProviderError::Decode(format!("{url} did not answer with JSON: {e}")))?;
    match answer.get_mut("data").map(Value::take) {
        Some(record @ Value::Object(_)) => Ok(record),
        _ => Err(ProviderError::Decode(format!(
            "{url} answered without the record under data"
        ))),
    }
}

/// What the firm needs for the writes a 402 refuses.
pub const PREMIUM: &str = "LegalServer's Premium APIs";

/// LegalServer's error answers: its `{"error_message"}` words for a
/// refused request, Premium for a 402, and the shared classification by
/// status for the rest.
fn classify(status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
    let words = || {
        serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| {
                v.get("error_message")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .map(|m| {
                m.chars()
                    .filter(|c| !c.is_control())
                    .take(200)
                    .collect::<String>()
            })
            .filter(|m| !m.trim().is_empty())
    };
    match status.as_u16() {
        402 => ProviderError::PlanRequired {
            plan: PREMIUM.to_owned(),
        },
        400 | 422 => ProviderError::Validation {
            message: words().unwrap_or_else(|| "the request was refused".into()),
            field: None,
        },
        403 => ProviderError::Forbidden(
            words().unwrap_or_else(|| "the account lacks the API permission".into()),
        ),
        _ => classify_status(status, headers, body),
    }
}

/// A search page as it came.
struct Envelope {
    items: Vec<Value>,
    bytes: usize,
    next: Option<String>,
    total: Option<u64>,
}
