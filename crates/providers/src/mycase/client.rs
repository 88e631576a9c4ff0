//! The MyCase HTTP client: bearer auth, `page_size=1000`, the next-page link
//! followed at once (links expire), `filter[updated_after]`, and status codes
//! classified into [`ProviderError`].

use std::time::Duration;

use reqwest::header::{HeaderMap, AUTHORIZATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;

use super::link::next_link;
use crate::capabilities::{Capabilities, Paging, ResourceCaps, UploadStyle};
use crate::error::ProviderError;

/// The largest page MyCase serves.
pub const PAGE_SIZE: u32 = 1000;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub items: Vec<Value>,
    /// The next page's URL, to be followed promptly.
    pub next: Option<String>,
    /// The total the server reported in `Item-Count`.
    pub item_count: Option<u64>,
}

pub struct MyCase {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl MyCase {
    /// A client for `base_url` (e.g. `https://external-integrations.mycase.com`).
    pub fn new(base_url: &str, token: String) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("Casefile/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            token,
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
                r("documents", true, true),
            ],
            paging: Paging::LinkHeader {
                max_page_size: PAGE_SIZE,
            },
            rate_limit_per_s: 25,
            uploads: UploadStyle::PresignedPut,
            idempotent_creates: false,
        }
    }

    /// Fetches one page of `/v1/{resource}`: the first (with the filter) when
    /// `cursor` is none, else the page the cursor (a next link) names.
    pub async fn list_page(
        &self,
        resource: &str,
        updated_after: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<ListPage, ProviderError> {
        let request = match cursor {
            Some(url) => {
                // A next link is followed only to the same server: the token
                // must never be sent anywhere else.
                if !url.starts_with(&format!("{}/", self.base)) {
                    return Err(ProviderError::Decode(
                        "a page link pointed at another server".into(),
                    ));
                }
                self.http.get(url)
            }
            None => {
                let mut query = vec![("page_size", PAGE_SIZE.to_string())];
                if let Some(after) = updated_after {
                    query.push(("filter[updated_after]", after.to_owned()));
                }
                self.http
                    .get(format!("{}/v1/{resource}", self.base))
                    .query(&query)
            }
        };
        let response = request
            .header(AUTHORIZATION, format!("Bearer {}", self.token))
            .send()
            .await?;
        let status = response.status();
        let headers = response.headers().clone();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(classify(status, &headers, &body));
        }
        let next = headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .and_then(next_link);
        let item_count = headers
            .get("item-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let body: Value = response
            .json()
            .await
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
