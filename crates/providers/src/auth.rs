//! Tokens: where they are kept (a small [`SecretStore`] interface; the OS
//! keychain implements it in the accounts issue), and the refresh after a
//! 401. Refresh is single-flight: however many requests meet the 401 at
//! once, one refresh runs and the others wait for its result. The rotated
//! refresh token is stored BEFORE the new access token is used, so a crash
//! between the two can never leave us holding only a spent refresh token.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde::Deserialize;

use crate::error::ProviderError;

#[derive(Debug, thiserror::Error)]
#[error("the secret store failed: {0}")]
pub struct SecretError(pub String);

/// Where secrets live. Keys are per account, e.g. `firm-1/refresh_token`.
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, key: &str, value: &str) -> Result<(), SecretError>;
    fn delete(&self, key: &str) -> Result<(), SecretError>;
}

/// Secrets in memory only: tests, and tokens handed over by a script.
#[derive(Debug, Default)]
pub struct MemorySecrets(Mutex<HashMap<String, String>>);

impl SecretStore for MemorySecrets {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        Ok(self
            .0
            .lock()
            .map_err(|_| SecretError("poisoned".into()))?
            .get(key)
            .cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), SecretError> {
        self.0
            .lock()
            .map_err(|_| SecretError("poisoned".into()))?
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        self.0
            .lock()
            .map_err(|_| SecretError("poisoned".into()))?
            .remove(key);
        Ok(())
    }
}

/// The OAuth client a refresh is made with.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    refresh_token: Option<String>,
}

/// How long a token endpoint has to answer. A refresh holds the
/// single-flight lock (every request of the account waits for it), so a
/// silent endpoint must fail in bounded time, never hang.
pub const TOKEN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// One account's credentials.
pub struct Auth {
    secrets: Arc<dyn SecretStore>,
    account: String,
    oauth: Option<OAuthClient>,
    token_timeout: std::time::Duration,
    /// (generation, access token): the generation moves on every refresh.
    current: RwLock<(u64, Option<String>)>,
    refresh_lock: tokio::sync::Mutex<()>,
    refreshes: AtomicU64,
}

impl Auth {
    pub fn new(secrets: Arc<dyn SecretStore>, account: &str, oauth: Option<OAuthClient>) -> Self {
        Self {
            secrets,
            account: account.to_owned(),
            oauth,
            token_timeout: TOKEN_TIMEOUT,
            current: RwLock::new((0, None)),
            refresh_lock: tokio::sync::Mutex::new(()),
            refreshes: AtomicU64::new(0),
        }
    }

    /// A shorter (or longer) wait for the token endpoint than [`TOKEN_TIMEOUT`].
    pub fn with_token_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.token_timeout = timeout;
        self
    }

    /// The secret-store key of one of this account's secrets.
    pub fn key(account: &str, name: &str) -> String {
        format!("{account}/{name}")
    }

    /// Stores tokens handed to us (by sign-in or a script).
    pub fn store_tokens(&self, access: &str, refresh: Option<&str>) -> Result<(), ProviderError> {
        if let Some(refresh) = refresh {
            self.put("refresh_token", refresh)?;
        }
        self.put("access_token", access)?;
        let mut cur = self.current.write().unwrap_or_else(|p| p.into_inner());
        *cur = (cur.0 + 1, Some(access.to_owned()));
        Ok(())
    }

    fn put(&self, name: &str, value: &str) -> Result<(), ProviderError> {
        self.secrets
            .set(&Self::key(&self.account, name), value)
            .map_err(|e| ProviderError::Secrets(e.0))
    }

    /// The access token to send, and the generation it belongs to.
    pub fn access(&self) -> Result<(u64, String), ProviderError> {
        {
            let cur = self.current.read().unwrap_or_else(|p| p.into_inner());
            if let (g, Some(t)) = &*cur {
                return Ok((*g, t.clone()));
            }
        }
        let stored = self
            .secrets
            .get(&Self::key(&self.account, "access_token"))
            .map_err(|e| ProviderError::Secrets(e.0))?
            .ok_or(ProviderError::SignInRequired)?;
        let mut cur = self.current.write().unwrap_or_else(|p| p.into_inner());
        if cur.1.is_none() {
            cur.1 = Some(stored);
        }
        Ok((cur.0, cur.1.clone().unwrap_or_default()))
    }

    /// How many refreshes have run (for status and tests).
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::SeqCst)
    }

    /// The token of generation `seen` was refused. Refreshes once, however
    /// many callers arrive; a caller whose token is already stale just
    /// retries with the new one.
    pub async fn refresh_after_401(&self, seen: u64) -> Result<(), ProviderError> {
        let _guard = self.refresh_lock.lock().await;
        if self.current.read().unwrap_or_else(|p| p.into_inner()).0 != seen {
            return Ok(());
        }
        let oauth = self.oauth.as_ref().ok_or(ProviderError::SignInRequired)?;
        let refresh = self
            .secrets
            .get(&Self::key(&self.account, "refresh_token"))
            .map_err(|e| ProviderError::Secrets(e.0))?
            .ok_or(ProviderError::SignInRequired)?;
        let response = crate::http::client(self.token_timeout)?
            .post(&oauth.token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
                ("client_id", oauth.client_id.as_str()),
                ("client_secret", oauth.client_secret.as_str()),
            ])
            .send()
            .await?;
        if response.status().is_client_error() {
            // The refresh token itself was refused: only signing in again helps.
            return Err(ProviderError::SignInRequired);
        }
        if !response.status().is_success() {
            return Err(ProviderError::Server(response.status().as_u16()));
        }
        let answer: TokenAnswer = response
            .json()
            .await
            .map_err(|e| ProviderError::Decode(format!("token answer: {e}")))?;
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        tracing::info!("access token refreshed");
        // Rotated refresh token first, then the access token it came with.
        self.store_tokens(&answer.access_token, answer.refresh_token.as_deref())
    }
}
