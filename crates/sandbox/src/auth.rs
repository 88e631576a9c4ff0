//! OAuth2 authorization-code flow as MyCase documents it (getting-started.txt):
//! `GET /login_sessions/new` (auto-approved consent), `POST /tokens` with the
//! `authorization_code` and `refresh_token` grants, rotating refresh tokens, optional
//! PKCE (S256), and bearer-token checks for the API.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::secrets::random_token;
use crate::state::AppState;

struct CodeGrant {
    redirect_uri: String,
    challenge: Option<String>,
    expires: DateTime<Utc>,
}

/// Issued codes and tokens of the one registered client.
pub struct AuthState {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
    pub firm_uuid: String,
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, DateTime<Utc>>,
    refresh: HashMap<String, DateTime<Utc>>,
    access_ttl: chrono::Duration,
    refresh_ttl: chrono::Duration,
    code_ttl: chrono::Duration,
}

/// A freshly issued token pair.
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

const SCOPE: &str = "read write";

fn ttl(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl AuthState {
    pub fn new(cfg: &crate::SandboxConfig) -> Self {
        Self {
            client_id: random_token(12),
            client_secret: random_token(32),
            redirect_uri: cfg.redirect_uri.clone(),
            firm_uuid: uuid::Uuid::new_v4().to_string(),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            access_ttl: ttl(cfg.access_token_ttl),
            refresh_ttl: ttl(cfg.refresh_token_ttl),
            code_ttl: ttl(cfg.auth_code_ttl),
        }
    }

    /// Issues a new access + refresh token pair.
    pub fn issue(&mut self, now: DateTime<Utc>) -> Issued {
        let access_token = random_token(32);
        let refresh_token = random_token(32);
        self.access
            .insert(access_token.clone(), now + self.access_ttl);
        self.refresh
            .insert(refresh_token.clone(), now + self.refresh_ttl);
        Issued {
            access_token,
            refresh_token,
            expires_in: self.access_ttl.num_seconds(),
        }
    }

    /// Whether `token` is a live access token.
    pub fn access_valid(&self, token: &str, now: DateTime<Utc>) -> bool {
        self.access.get(token).is_some_and(|exp| *exp > now)
    }

    /// Expires one access token at once.
    pub fn expire_access(&mut self, token: &str, now: DateTime<Utc>) {
        if let Some(exp) = self.access.get_mut(token) {
            *exp = now;
        }
    }

    /// Expires every access token (admin).
    pub fn expire_all_access(&mut self, now: DateTime<Utc>) {
        for exp in self.access.values_mut() {
            *exp = now;
        }
    }
}

#[derive(Deserialize)]
pub struct AuthorizeQuery {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

/// `GET /login_sessions/new`: the consent step. The sandbox's demo user approves at
/// once, so this redirects to the registered redirect URI with `code` and `state`.
/// Requests that name an unknown client or an unregistered redirect URI are never
/// redirected.
pub async fn authorize(
    State(app): State<Arc<AppState>>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let mut auth = app.auth.lock().unwrap_or_else(|e| e.into_inner());
    if q.client_id.as_deref() != Some(auth.client_id.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "unknown client_id",
        );
    }
    let Some(redirect) = q
        .redirect_uri
        .filter(|r| redirect_matches(&auth.redirect_uri, r))
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "redirect_uri does not match the registered redirect URI",
        );
    };
    let method_ok = match (&q.code_challenge, q.code_challenge_method.as_deref()) {
        (None, _) => true,
        (Some(_), Some("S256")) => true,
        (Some(_), _) => false,
    };
    let sep = if redirect.contains('?') { '&' } else { '?' };
    let state_param = q
        .state
        .as_deref()
        .map(|s| format!("&state={}", urlencode(s)))
        .unwrap_or_default();
    if q.response_type.as_deref() != Some("code") {
        return found(&format!(
            "{redirect}{sep}error=unsupported_response_type{state_param}"
        ));
    }
    if !method_ok {
        return found(&format!(
            "{redirect}{sep}error=invalid_request&error_description=code_challenge_method%20must%20be%20S256{state_param}"
        ));
    }
    let code = random_token(24);
    let expires = Utc::now() + auth.code_ttl;
    auth.codes.insert(
        code.clone(),
        CodeGrant {
            redirect_uri: redirect.clone(),
            challenge: q.code_challenge,
            expires,
        },
    );
    found(&format!("{redirect}{sep}code={code}{state_param}"))
}

/// Whether `asked` is the registered redirect URI. For a loopback URI any
/// port is accepted, as RFC 8252 section 7.3 requires: a native app listens
/// on whatever port the OS gives it.
fn redirect_matches(registered: &str, asked: &str) -> bool {
    if registered == asked {
        return true;
    }
    let (Ok(reg), Ok(ask)) = (split_uri(registered), split_uri(asked)) else {
        return false;
    };
    reg.scheme == "http"
        && ask.scheme == "http"
        && matches!(reg.host.as_str(), "127.0.0.1" | "[::1]")
        && reg.host == ask.host
        && reg.rest == ask.rest
}

struct UriParts {
    scheme: String,
    host: String,
    rest: String,
}

/// Splits `scheme://host[:port]/rest` (the port is dropped).
fn split_uri(uri: &str) -> Result<UriParts, ()> {
    let (scheme, after) = uri.split_once("://").ok_or(())?;
    let (authority, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
    let host = if let Some(end) = authority.strip_prefix('[').and_then(|a| a.find(']')) {
        authority[..end + 2].to_owned()
    } else {
        authority.split(':').next().unwrap_or_default().to_owned()
    };
    if host.is_empty() || authority.contains('@') {
        return Err(());
    }
    Ok(UriParts {
        scheme: scheme.to_ascii_lowercase(),
        host,
        rest: rest.to_owned(),
    })
}

/// A 302 Found to `url` (what OAuth servers answer at the consent step).
fn found(url: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, url.to_owned())]).into_response()
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Deserialize, Default)]
struct TokenRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    refresh_token: Option<String>,
    code_verifier: Option<String>,
}

/// `POST /tokens`: JSON (as getting-started.txt shows) or form-encoded (RFC 6749).
pub async fn token(State(app): State<Arc<AppState>>, headers: HeaderMap, body: String) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed: Option<TokenRequest> = if is_json {
        serde_json::from_str(&body).ok()
    } else {
        serde_urlencoded_parse(&body)
    };
    let Some(req) = parsed else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "malformed body");
    };
    let now = Utc::now();
    let mut auth = app.auth.lock().unwrap_or_else(|e| e.into_inner());
    if req.client_id.as_deref() != Some(auth.client_id.as_str())
        || req.client_secret.as_deref() != Some(auth.client_secret.as_str())
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        );
    }
    match req.grant_type.as_deref() {
        Some("authorization_code") => {
            let Some(grant) = req.code.as_deref().and_then(|c| auth.codes.remove(c)) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown code");
            };
            if grant.expires <= now {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "code expired");
            }
            if req.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri does not match",
                );
            }
            if let Some(challenge) = grant.challenge {
                let ok = req.code_verifier.as_deref().is_some_and(|v| {
                    URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes())) == challenge
                });
                if !ok {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "code_verifier does not match code_challenge",
                    );
                }
            }
            let issued = auth.issue(now);
            axum::Json(json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "scope": SCOPE,
                "refresh_token": issued.refresh_token,
                "expires_in": issued.expires_in,
                "firm_uuid": auth.firm_uuid,
            }))
            .into_response()
        }
        Some("refresh_token") => {
            let Some(exp) = req
                .refresh_token
                .as_deref()
                .and_then(|t| auth.refresh.remove(t))
            else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown refresh token",
                );
            };
            if exp <= now {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "refresh token expired",
                );
            }
            let issued = auth.issue(now);
            axum::Json(json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "scope": SCOPE,
                "refresh_token": issued.refresh_token,
                "expires_in": issued.expires_in,
            }))
            .into_response()
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        ),
    }
}

fn serde_urlencoded_parse(body: &str) -> Option<TokenRequest> {
    let map: HashMap<String, String> =
        axum::extract::Query::<HashMap<String, String>>::try_from_uri(
            &format!("/?{body}").parse().ok()?,
        )
        .ok()?
        .0;
    let get = |k: &str| map.get(k).cloned();
    Some(TokenRequest {
        client_id: get("client_id"),
        client_secret: get("client_secret"),
        grant_type: get("grant_type"),
        code: get("code"),
        redirect_uri: get("redirect_uri"),
        refresh_token: get("refresh_token"),
        code_verifier: get("code_verifier"),
    })
}

/// The bearer token of a request, if any.
/// The user and password of an HTTP Basic `Authorization` header.
pub fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let encoded = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}
