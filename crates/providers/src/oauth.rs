//! Interactive sign-in: the OAuth2 authorization-code flow for a native app
//! (RFC 8252). The system browser opens the provider's authorize URL; a
//! listener on 127.0.0.1 (a port the OS picks) catches the redirect; the
//! `state` is checked so a forged redirect is refused; PKCE (S256, RFC 7636)
//! binds the code to this run. The code is then exchanged for tokens.
//!
//! The browser is whatever the caller passes: the CLI and the app open the
//! system browser, a test plays the browser itself.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::Url;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The path of the loopback redirect, registered with the provider.
pub const CALLBACK_PATH: &str = "/casefile/oauth/callback";

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("the sign-in listener could not start: {0}")]
    Listen(#[from] std::io::Error),
    #[error("the sign-in settings are not valid: {0}")]
    Config(String),
    #[error("the browser could not be opened: {0}")]
    Browser(String),
    #[error("sign-in was not completed within {0} seconds")]
    TimedOut(u64),
    #[error("the provider refused the sign-in: {0}")]
    Refused(String),
    #[error("the token exchange failed: {0}")]
    Exchange(String),
    #[error("network error during sign-in: {0}")]
    Network(#[from] reqwest::Error),
}

/// Where and as whom to sign in.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    pub authorize_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Send a PKCE challenge (every provider we know accepts it).
    pub pkce: bool,
}

/// The tokens a sign-in (or a refresh) yields.
#[derive(Debug, Clone, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: Option<i64>,
}

/// A sign-in in progress: the listener is bound, the URL is ready to open.
pub struct PendingLogin {
    listener: TcpListener,
    redirect_uri: String,
    state: String,
    verifier: String,
    url: String,
}

/// `bytes` bytes from the OS's CSPRNG, URL-safe.
fn random_url_safe(bytes: usize) -> String {
    use rand::RngCore;
    let mut raw = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

/// The S256 challenge of a PKCE verifier.
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl PendingLogin {
    /// Binds the loopback listener and builds the authorize URL.
    pub async fn start(app: &OAuthApp) -> Result<Self, OAuthError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
        let state = random_url_safe(32);
        let verifier = random_url_safe(64);
        let mut params = vec![
            ("response_type", "code".to_owned()),
            ("client_id", app.client_id.clone()),
            ("redirect_uri", redirect_uri.clone()),
            ("state", state.clone()),
        ];
        if app.pkce {
            params.push(("code_challenge", challenge(&verifier)));
            params.push(("code_challenge_method", "S256".to_owned()));
        }
        let url = Url::parse_with_params(&app.authorize_url, &params)
            .map_err(|e| OAuthError::Config(format!("authorize URL: {e}")))?;
        Ok(Self {
            listener,
            redirect_uri,
            state,
            verifier,
            url: url.into(),
        })
    }

    /// The URL to open in the browser.
    pub fn authorize_url(&self) -> &str {
        &self.url
    }

    /// The loopback redirect URI this run listens on.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser's redirect, then exchanges the code for tokens.
    pub async fn finish(self, app: &OAuthApp, timeout: Duration) -> Result<Tokens, OAuthError> {
        let code = tokio::time::timeout(timeout, self.wait_for_code())
            .await
            .map_err(|_| OAuthError::TimedOut(timeout.as_secs()))??;
        exchange(app, &code, &self.redirect_uri, &self.verifier).await
    }

    async fn wait_for_code(&self) -> Result<String, OAuthError> {
        loop {
            let (mut stream, _) = self.listener.accept().await?;
            let Ok(Some(target)) = read_request_target(&mut stream).await else {
                continue;
            };
            match self.judge(&target) {
                Verdict::NotOurs => respond(&mut stream, 404, "Not found.").await,
                Verdict::Forged => {
                    // Never let a forged redirect end a real sign-in.
                    tracing::warn!("sign-in redirect with a wrong state was refused");
                    respond(&mut stream, 400, "This sign-in link is not valid.").await;
                }
                Verdict::Denied(why) => {
                    respond(
                        &mut stream,
                        200,
                        "Sign-in was not completed. You can close this tab.",
                    )
                    .await;
                    return Err(OAuthError::Refused(why));
                }
                Verdict::Code(code) => {
                    respond(
                        &mut stream,
                        200,
                        "Casefile is signed in. You can close this tab and return to Casefile.",
                    )
                    .await;
                    return Ok(code);
                }
            }
        }
    }

    fn judge(&self, target: &str) -> Verdict {
        let Ok(url) = Url::parse(&format!("http://127.0.0.1{target}")) else {
            return Verdict::NotOurs;
        };
        if url.path() != CALLBACK_PATH {
            return Verdict::NotOurs;
        }
        let get = |k: &str| {
            url.query_pairs()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.into_owned())
        };
        if get("state").as_deref() != Some(self.state.as_str()) {
            return Verdict::Forged;
        }
        if let Some(error) = get("error") {
            let what = match error.as_str() {
                "access_denied" => "access was declined".to_owned(),
                _ => get("error_description").unwrap_or(error),
            };
            return Verdict::Denied(what);
        }
        match get("code") {
            Some(code) if !code.is_empty() => Verdict::Code(code),
            _ => Verdict::Denied("the provider sent no code".into()),
        }
    }
}

enum Verdict {
    NotOurs,
    Forged,
    Denied(String),
    Code(String),
}

/// Reads one HTTP request head (at most 16 KiB) and returns its target.
async fn read_request_target(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let read = async {
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Ok::<_, std::io::Error>(())
    };
    if tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .is_err()
    {
        return Ok(None);
    }
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next().unwrap_or_default().split_whitespace();
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Ok(Some(target.to_owned())),
        _ => Ok(None),
    }
}

async fn respond(stream: &mut TcpStream, status: u16, text: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>Casefile</title>\
         <p style=\"font:16px system-ui;margin:3em\">{text}</p>"
    );
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

async fn exchange(
    app: &OAuthApp,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<Tokens, OAuthError> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.as_str()),
    ];
    if app.pkce {
        form.push(("code_verifier", verifier));
    }
    let http = crate::http::client(crate::auth::TOKEN_TIMEOUT)
        .map_err(|e| OAuthError::Exchange(e.to_string()))?;
    let response = http.post(&app.token_url).form(&form).send().await?;
    let status = response.status();
    if !status.is_success() {
        let body: Option<OAuthErrorBody> = response.json().await.ok();
        let why = body
            .and_then(|b| b.error_description.or(b.error))
            .unwrap_or_else(|| format!("status {}", status.as_u16()));
        return Err(OAuthError::Exchange(why));
    }
    response
        .json()
        .await
        .map_err(|e| OAuthError::Exchange(format!("unreadable token answer: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_the_unpadded_base64url_sha256_of_the_verifier() {
        // Computed independently: base64.urlsafe_b64encode(hashlib.sha256(v).digest())
        // in Python, with the padding stripped.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW-gFXFl7eJM"),
            "uoPvuQWmepjbAyZqunV41cPB4L1XhsBruTFScuNHXBQ"
        );
    }

    #[tokio::test]
    async fn a_redirect_with_the_wrong_state_is_refused_and_the_right_one_wins() {
        let app = OAuthApp {
            authorize_url: "http://127.0.0.1:9/authorize".into(),
            token_url: "http://127.0.0.1:9/token".into(),
            client_id: "c".into(),
            client_secret: "s".into(),
            pkce: true,
        };
        let login = PendingLogin::start(&app).await.unwrap();
        let url = Url::parse(login.authorize_url()).unwrap();
        let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs["redirect_uri"], login.redirect_uri());
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(pairs["code_challenge"], challenge(&login.verifier));
        let state = pairs["state"].clone();
        let redirect = login.redirect_uri().to_owned();
        let browser = tokio::spawn(async move {
            let forged = reqwest::get(format!("{redirect}?code=evil&state=guess"))
                .await
                .unwrap();
            let real = reqwest::get(format!("{redirect}?code=good&state={state}"))
                .await
                .unwrap();
            (forged.status().as_u16(), real.status().as_u16())
        });
        let code = login.wait_for_code().await.unwrap();
        assert_eq!(code, "good");
        assert_eq!(browser.await.unwrap(), (400, 200));
    }
}
