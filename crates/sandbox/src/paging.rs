//! Cursor paging (cursor-based-pagination.txt): `page_size` (default 25, 1..=1000),
//! `filter[updated_after]` (inclusive), and a signed, expiring `page_token` in a
//! `Link: <...>; rel="next"` header, with `Item-Count` giving the total.
//!
//! Pages are keyset pages on the record id. The token carries the last id served,
//! the `updated_after` instant of the first page and an expiry, and is bound to the
//! request's path and filters by its HMAC. A record therefore appears exactly once in a
//! walk whatever changes between pages: its id never changes, and each page starts
//! strictly after the last id of the previous one.

use std::collections::BTreeMap;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::urlencode;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{parse_time, Cond, Kind, Page};

pub const DEFAULT_PAGE_SIZE: usize = 25;
pub const MAX_PAGE_SIZE: usize = 1000;

#[derive(Serialize, Deserialize)]
struct TokenBody {
    /// Last id served.
    a: i64,
    /// `updated_after` of the walk, in microseconds.
    f: Option<i64>,
    /// Expiry, Unix seconds.
    x: i64,
}

/// A parsed listing request.
pub struct Listing {
    pub path: String,
    /// Query parameters other than `page_token`, sorted (they bind the token).
    pub params: BTreeMap<String, String>,
    pub page_size: usize,
    pub updated_after_us: Option<i64>,
    pub after: i64,
}

fn binding(path: &str, params: &BTreeMap<String, String>) -> String {
    let mut s = path.to_owned();
    for (k, v) in params {
        s.push('\n');
        s.push_str(k);
        s.push('=');
        s.push_str(v);
    }
    s
}

impl Listing {
    /// Parses `page_size`, `filter[updated_after]` and `page_token`.
    /// `expire_page` is the fault injector's verdict for this request.
    pub fn parse(
        app: &AppState,
        path: &str,
        query: &BTreeMap<String, String>,
        expire_page: bool,
    ) -> ApiResult<Self> {
        let mut params = query.clone();
        let token = params.remove("page_token");
        let page_size = match params.get("page_size") {
            None => DEFAULT_PAGE_SIZE,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
                _ => {
                    return Err(ApiError::invalid_param(
                        "page_size",
                        "page_size must be an integer from 1 to 1000",
                    ))
                }
            },
        };
        let bind = binding(path, &params);
        let (after, updated_after_us) = match token {
            Some(token) => {
                let body = decode_token(app, &bind, &token)?;
                if expire_page || body.x <= Utc::now().timestamp() {
                    return Err(ApiError::invalid_param(
                        "page_token",
                        "The page token has expired; start again from the first page",
                    ));
                }
                (body.a, body.f)
            }
            None => {
                let filter = match params.get("filter[updated_after]") {
                    None => None,
                    Some(v) => Some(
                        parse_time(v)
                            .ok_or_else(|| {
                                ApiError::invalid_param(
                                    "filter[updated_after]",
                                    "filter[updated_after] must be an ISO 8601 date or date-time",
                                )
                            })?
                            .timestamp_micros(),
                    ),
                };
                (0, filter)
            }
        };
        Ok(Self {
            path: path.to_owned(),
            params,
            page_size,
            updated_after_us,
            after,
        })
    }

    /// Runs the listing against the store.
    pub fn fetch(&self, app: &AppState, kind: Kind, conds: &[Cond]) -> ApiResult<Page> {
        Ok(app.store.read(|tx| {
            tx.page(
                kind,
                conds,
                self.updated_after_us,
                self.after,
                self.page_size,
            )
        })?)
    }

    /// The 200 answer: the items (each passed through `f`), `Item-Count`, and `Link`
    /// when more pages exist.
    pub fn respond_with(
        &self,
        app: &AppState,
        page: Page,
        raw: &[String],
        mut f: impl FnMut(Value) -> Value,
    ) -> Response {
        let next = match (page.more, page.last_id) {
            (true, Some(last)) => Some(self.next_link(app, last)),
            _ => None,
        };
        let items: Vec<Value> = page.items.into_iter().map(&mut f).collect();
        let mut response = if raw.is_empty() {
            axum::Json(items).into_response()
        } else {
            // Hostile raw elements go in as text, after the records.
            let mut parts: Vec<String> = items.iter().map(Value::to_string).collect();
            parts.extend(raw.iter().cloned());
            (
                [(header::CONTENT_TYPE, "application/json")],
                format!("[{}]", parts.join(",")),
            )
                .into_response()
        };
        let headers = response.headers_mut();
        headers.insert("Item-Count", HeaderValue::from(page.total));
        if let Some(link) = next {
            if let Ok(v) = HeaderValue::from_str(&format!("<{link}>; rel=\"next\"")) {
                headers.insert(header::LINK, v);
            }
        }
        response
    }

    fn next_link(&self, app: &AppState, last: i64) -> String {
        let expiry = Utc::now()
            + chrono::Duration::from_std(app.page_token_ttl).unwrap_or(chrono::Duration::MAX);
        let body = TokenBody {
            a: last,
            f: self.updated_after_us,
            x: expiry.timestamp(),
        };
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&body).unwrap_or_default());
        let bind = binding(&self.path, &self.params);
        let sig = app.signer.sign(format!("{bind}\n{payload}").as_bytes());
        let mut query = String::new();
        for (k, v) in &self.params {
            query.push_str(&format!("{}={}&", urlencode(k), urlencode(v)));
        }
        let origin = crate::state::lock(&app.faults)
            .config()
            .foreign_link_origin
            .clone()
            .unwrap_or_else(|| app.base_url.clone());
        format!("{origin}{}?{query}page_token={payload}.{sig}", self.path)
    }
}

fn decode_token(app: &AppState, bind: &str, token: &str) -> ApiResult<TokenBody> {
    let invalid = || ApiError::invalid_param("page_token", "The page token is invalid");
    let (payload, sig) = token.split_once('.').ok_or_else(invalid)?;
    if !app
        .signer
        .verify(format!("{bind}\n{payload}").as_bytes(), sig)
    {
        return Err(invalid());
    }
    let raw = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
    serde_json::from_slice(&raw).map_err(|_| invalid())
}
