//! The HTTP core every provider shares: one client with connect and read
//! timeouts, credentials (a bearer token refreshed through OAuth on a 401,
//! HTTP Basic, or an API key header), pacing to the published limit and to
//! the provider's own rate-limit headers, retries for what is safe to
//! repeat, and status classification. A provider module supplies only what
//! differs: how its error bodies read, and which headers carry its limit.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::auth::Auth;
use crate::error::ProviderError;
use crate::pacer::Pacer;
use crate::retry::{retry, RetryPolicy};
use crate::server_clock::{server_date, ServerClock};

/// How long a connection may take to open, and a whole request to finish.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A client with Casefile's timeouts. Every HTTP client in the providers
/// is built here, so none can hang forever on a silent server.
pub fn client(request_timeout: Duration) -> Result<reqwest::Client, ProviderError> {
    Ok(reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(request_timeout)
        .user_agent(concat!("Casefile/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// A client for document bytes: a transfer takes as long as the file and
/// the line need, so there is no limit on the whole request, only on each
/// wait for the server (a silent server still fails it).
pub fn transfer_client() -> Result<reqwest::Client, ProviderError> {
    Ok(reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("Casefile/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// How requests prove who they are.
pub enum Credentials {
    /// A bearer token from the secret store; on a 401 it is refreshed
    /// through OAuth (single-flight) when the account has an OAuth client.
    Bearer(Arc<Auth>),
    /// HTTP Basic.
    Basic { user: String, password: String },
    /// A static key in a header of the provider's choosing.
    ApiKey { header: HeaderName, value: String },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret.
        f.write_str(match self {
            Credentials::Bearer(_) => "Credentials::Bearer(<token>)",
            Credentials::Basic { .. } => "Credentials::Basic(<user:password>)",
            Credentials::ApiKey { .. } => "Credentials::ApiKey(<key>)",
        })
    }
}

/// The headers in which a provider announces its rate limit, when it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// Requests left in the window.
    pub remaining: &'static str,
    /// When the window resets, in epoch seconds.
    pub reset: &'static str,
}

/// Turns a provider's error answer into a classified error.
pub type Classifier = fn(StatusCode, &HeaderMap, &str) -> ProviderError;

/// A successful answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The bearer token a request carried, and its generation, for a refresh after a 401.
type Generation<'a> = (&'a Arc<Auth>, u64);

/// One account's connection to one provider's API.
pub struct HttpCore {
    pub http: reqwest::Client,
    /// For document bytes ([`transfer_client`]).
    pub transfers: reqwest::Client,
    /// The server's root, without a trailing slash.
    pub base: String,
    credentials: Credentials,
    pacer: Pacer,
    pub retry: RetryPolicy,
    requests: AtomicU64,
    classify: Classifier,
    rate_headers: Option<RateLimitHeaders>,
    /// The server's clock against this laptop's, from its answers.
    pub clock: ServerClock,
}

impl HttpCore {
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        rate_limit_per_s: u32,
        retry: RetryPolicy,
        classify: Classifier,
        rate_headers: Option<RateLimitHeaders>,
    ) -> Result<Self, ProviderError> {
        Ok(Self {
            http: client(REQUEST_TIMEOUT)?,
            transfers: transfer_client()?,
            base: base_url.trim_end_matches('/').to_owned(),
            credentials,
            pacer: Pacer::new(rate_limit_per_s),
            retry,
            requests: AtomicU64::new(0),
            classify,
            rate_headers,
            clock: ServerClock::default(),
        })
    }

    /// Requests sent so far (every attempt counts).
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// While the server has asked us to wait: until when.
    pub fn throttled_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.pacer.throttled_until()
    }

    /// The bearer credentials, when the account uses them.
    pub fn auth(&self) -> Option<&Arc<Auth>> {
        match &self.credentials {
            Credentials::Bearer(auth) => Some(auth),
            _ => None,
        }
    }

    /// Classifies an error answer the provider's way.
    pub fn classify(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
        (self.classify)(status, headers, body)
    }

    /// One request, paced, with the credentials; a 401 on a bearer token
    /// refreshes it (single-flight) and the request is sent once more. The
    /// response is handed back unread, whatever its status (downloads
    /// stream it).
    pub async fn send_authorized(
        &self,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<reqwest::Response, ProviderError> {
        self.send_on(&self.http, method, url, query, body).await
    }

    /// [`Self::send_authorized`] on the transfer client: a download, whose
    /// body may take longer than any one request should.
    pub async fn open_transfer(
        &self,
        url: &str,
        query: &[(&str, String)],
    ) -> Result<reqwest::Response, ProviderError> {
        self.send_on(&self.transfers, Method::GET, url, query, None)
            .await
    }

    /// The request with this account's credentials; the token generation
    /// it carries, for a refresh after a 401.
    fn authorize(
        &self,
        mut request: reqwest::RequestBuilder,
    ) -> Result<(reqwest::RequestBuilder, Option<Generation<'_>>), ProviderError> {
        let generation = match &self.credentials {
            Credentials::Bearer(auth) => {
                let (generation, token) = auth.access()?;
                request = request.header(AUTHORIZATION, format!("Bearer {token}"));
                Some((auth, generation))
            }
            Credentials::Basic { user, password } => {
                request = request.basic_auth(user, Some(password));
                None
            }
            Credentials::ApiKey { header, value } => {
                request = request.header(header.clone(), value.as_str());
                None
            }
        };
        Ok((request, generation))
    }

    async fn send_on(
        &self,
        client: &reqwest::Client,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<reqwest::Response, ProviderError> {
        let mut refreshed = false;
        loop {
            let (mut request, generation) =
                self.authorize(client.request(method.clone(), url).query(query))?;
            if let Some(body) = body {
                request = request.json(body);
            }
            self.pacer.wait().await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let response = request.send().await?;
            self.note_answer(response.headers());
            if response.status() == StatusCode::UNAUTHORIZED && !refreshed {
                if let Some((auth, generation)) = generation {
                    auth.refresh_after_401(generation).await?;
                    refreshed = true;
                    continue;
                }
            }
            return Ok(response);
        }
    }

    /// One `multipart/form-data` POST on the transfer client, reporting
    /// the bytes `sent` as they go. Sent once: its body is a stream that
    /// cannot be read twice, and any failure may have created the record.
    /// A 401 refreshes a refreshable token for the next attempt.
    pub async fn send_form(
        &self,
        url: &str,
        form: reqwest::multipart::Form,
        sent: &AtomicU64,
        progress: crate::documents::Progress<'_>,
    ) -> Result<Answer, ProviderError> {
        let (request, generation) = self.authorize(self.transfers.post(url).multipart(form))?;
        self.pacer.wait().await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = crate::documents::with_progress(request, sent, progress).await?;
        self.note_answer(response.headers());
        if response.status() == StatusCode::UNAUTHORIZED {
            if let Some((auth, generation)) = generation {
                auth.refresh_after_401(generation).await?;
            }
        }
        self.read_answer(response).await
    }

    /// What every answer's headers tell: the server's clock, and its limit.
    fn note_answer(&self, headers: &HeaderMap) {
        self.clock.observe(headers);
        self.note_rate_headers(headers);
    }

    /// Holds every request until the window resets once the server says
    /// none are left, so the limit is kept before a 429 is needed. The
    /// reset is in the server's time, so it is compared with the answer's
    /// own `Date`: a laptop clock a day slow must not wait a day.
    fn note_rate_headers(&self, headers: &HeaderMap) {
        let Some(names) = self.rate_headers else {
            return;
        };
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<i64>().ok())
        };
        if let (Some(0), Some(reset)) = (number(names.remaining), number(names.reset)) {
            let now = server_date(headers).unwrap_or_else(chrono::Utc::now);
            let wait = reset - now.timestamp();
            if wait > 0 {
                self.pacer
                    .hold_for(Duration::from_secs(wait.unsigned_abs()));
            }
        }
    }

    /// [`Self::send_authorized`], read whole; an error status is classified
    /// (and a throttled answer holds the pacer).
    pub async fn send_once(
        &self,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Answer, ProviderError> {
        let response = self.send_authorized(method, url, query, body).await?;
        self.read_answer(response).await
    }

    /// An answer read whole; an error status is classified (and a
    /// throttled answer holds the pacer).
    async fn read_answer(&self, response: reqwest::Response) -> Result<Answer, ProviderError> {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            let error = self.classify(status, &headers, &String::from_utf8_lossy(&bytes));
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
    pub async fn send_idempotent(
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

    /// A create: only a throttled answer (not applied) is retried, since
    /// any other failure may have created the record.
    pub async fn send_create(
        &self,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Answer, ProviderError> {
        retry(
            self.retry,
            || self.send_once(Method::POST, url, &[], body),
            |e| matches!(e, ProviderError::Throttled { .. }),
        )
        .await
    }
}

/// The classification every API shares; a provider's [`Classifier`] reads
/// its own error bodies and falls back on this for the rest.
pub fn classify_status(status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
    match status.as_u16() {
        401 => ProviderError::Unauthorized,
        402 => ProviderError::PlanRequired {
            plan: "a subscription that includes it (the server answered 402)".into(),
        },
        403 => ProviderError::Forbidden(short(body)),
        404 => ProviderError::NotFound,
        400 | 422 => ProviderError::Validation {
            message: "the request was refused".into(),
            field: None,
        },
        429 | 503 => ProviderError::Throttled {
            status: status.as_u16(),
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    retry_after(v, server_date(headers).unwrap_or_else(chrono::Utc::now))
                }),
        },
        s if s >= 500 => ProviderError::Server(s),
        s => ProviderError::Unexpected(s),
    }
}

/// A server's words, cut to a length a status line can show.
fn short(body: &str) -> String {
    let text: String = body.chars().filter(|c| !c.is_control()).take(200).collect();
    if text.trim().is_empty() {
        "refused (403)".into()
    } else {
        text
    }
}

/// `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3). A
/// date is the server's, so it is counted from `now` on the server's clock
/// (the answer's `Date`), not the laptop's, which may be off.
pub fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - now;
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = chrono::Utc::now();
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        let later = (now + chrono::Duration::seconds(120)).to_rfc2822();
        let wait = retry_after(&later, now).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        assert_eq!(retry_after("soon", now), None);
        // The server's date is the clock: a laptop a day slow waits 2 minutes, not a day.
        let server_now: chrono::DateTime<chrono::Utc> = "2026-12-04T15:00:00Z".parse().unwrap();
        let later = (server_now + chrono::Duration::seconds(120)).to_rfc2822();
        assert_eq!(
            retry_after(&later, server_now),
            Some(Duration::from_secs(120))
        );
    }

    #[test]
    fn a_403_is_forbidden_and_a_402_needs_a_plan_and_neither_is_retried() {
        let h = HeaderMap::new();
        let e = classify_status(StatusCode::FORBIDDEN, &h, "{\"error\":\"no\"}");
        assert!(matches!(e, ProviderError::Forbidden(_)));
        assert!(!e.is_retryable());
        let e = classify_status(StatusCode::PAYMENT_REQUIRED, &h, "");
        assert!(matches!(e, ProviderError::PlanRequired { .. }));
        assert!(!e.is_retryable() && !e.may_have_landed());
    }

    #[test]
    fn credentials_never_print_their_secret() {
        let c = Credentials::Basic {
            user: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
