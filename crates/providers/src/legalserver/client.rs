//! The LegalServer HTTP client over the shared [`HttpCore`]: a personal
//! access token (or Basic), pacing from `x-rate-limit-remaining` and
//! `x-rate-limit-reset`, searches by page number in LegalServer's envelope,
//! and its error answers classified by status.

use casefile_domain::entity::Kind;
use reqwest::Method;
use serde_json::Value;

use crate::capabilities::{Capabilities, CreateLookup, Deletions, Paging, ResourceCaps};
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
                // Its `{"error_message"}` bodies carry nothing the shared
                // classification by status does not already say.
                classify_status,
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
    /// What this first cut does: it reads users, contacts, organizations,
    /// matters, events and tasks, and writes nothing. Searches have no
    /// updated-since filter, and deletions only show as absences.
    pub fn capabilities() -> Capabilities {
        let walked = |kind| ResourceCaps {
            updated_after_filter: false,
            ..ResourceCaps::read_only(kind)
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
            documents: None,
            folders: false,
            create_lookup: CreateLookup::IdempotencyKey,
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

    pub async fn raw_page(
        &self,
        kind: Kind,
        cursor: Option<&str>,
    ) -> Result<(usize, Option<String>), ProviderError> {
        let page = self.search(kind, cursor).await?;
        Ok((page.bytes, page.next))
    }
}

/// A search page as it came.
struct Envelope {
    items: Vec<Value>,
    bytes: usize,
    next: Option<String>,
    total: Option<u64>,
}
