//! Signing an account in and out. Sign-in runs the browser flow
//! ([`casefile_providers::oauth`]) and files the tokens in the keychain,
//! refresh token first. Sign-out is the one place an account's data is
//! destroyed: its cache, its blobs, its settings and its keychain entries,
//! and only after a warning when changes are still waiting to sync.

use std::path::Path;
use std::time::Duration;

use casefile_providers::oauth::{OAuthApp, PendingLogin, Tokens};
use casefile_providers::{Auth, SecretStore};

use crate::accounts::{accounts_dir, AccountError, AccountSettings, SECRET_NAMES};
use crate::keychain::Keychain;

/// How long the browser has to come back.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

impl AccountSettings {
    /// Signs in through the browser: `open` is given the authorize URL
    /// (the system browser, or a test playing one). The tokens go to the
    /// keychain; nothing is written if sign-in fails.
    pub async fn sign_in(
        &self,
        open: impl FnOnce(&str) -> std::io::Result<()>,
        timeout: Duration,
    ) -> Result<(), AccountError> {
        if let Some(var) = &self.token_env {
            return Err(AccountError::NotOAuth(var.clone()));
        }
        let oauth = self.oauth.as_ref().ok_or_else(|| {
            AccountError::Settings(format!(
                "account {} has no sign-in settings; add it again with --client-id",
                self.id
            ))
        })?;
        let keychain = Keychain::open()?;
        let secret = keychain
            .get(&Auth::key(&self.secrets_ns, "client_secret"))
            .map_err(|e| AccountError::Secrets(e.0))?
            .unwrap_or_default();
        let app = OAuthApp {
            authorize_url: oauth.authorize_url.clone(),
            token_url: oauth.token_url.clone(),
            client_id: oauth.client_id.clone(),
            client_secret: secret,
            pkce: true,
        };
        let pending = PendingLogin::start(&app).await?;
        open(pending.authorize_url())
            .map_err(|e| casefile_providers::oauth::OAuthError::Browser(e.to_string()))?;
        let tokens = pending.finish(&app, timeout).await?;
        self.store_tokens(&keychain, &tokens)?;
        tracing::info!(account = %self.id, "signed in");
        Ok(())
    }

    fn store_tokens(&self, keychain: &Keychain, tokens: &Tokens) -> Result<(), AccountError> {
        let key = |name| Auth::key(&self.secrets_ns, name);
        let set = |name, value: &str| {
            keychain
                .set(&key(name), value)
                .map_err(|e| AccountError::Secrets(e.0))
        };
        // The refresh token first: it is what survives a crash in between.
        match &tokens.refresh_token {
            Some(refresh) => set("refresh_token", refresh)?,
            None => keychain
                .delete(&key("refresh_token"))
                .map_err(|e| AccountError::Secrets(e.0))?,
        }
        set("access_token", &tokens.access_token)
    }

    /// Files a personal access token in the keychain, for a provider that
    /// signs in with one (account set-up, or a new token later).
    pub fn store_access_token(&self, token: &str) -> Result<(), AccountError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(AccountError::Invalid {
                field: "token",
                message: "Paste the personal access token.".into(),
            });
        }
        Keychain::open()?
            .set(&Auth::key(&self.secrets_ns, "access_token"), token)
            .map_err(|e| AccountError::Secrets(e.0))
    }

    /// Files the OAuth client secret in the keychain (account set-up).
    pub fn set_client_secret(&self, secret: &str) -> Result<(), AccountError> {
        Keychain::open()?
            .set(&Auth::key(&self.secrets_ns, "client_secret"), secret)
            .map_err(|e| AccountError::Secrets(e.0))
    }

    /// Files the API user's password in the keychain (HTTP Basic set-up).
    pub fn set_password(&self, password: &str) -> Result<(), AccountError> {
        Keychain::open()?
            .set(
                &Auth::key(&self.secrets_ns, crate::accounts::PASSWORD),
                password,
            )
            .map_err(|e| AccountError::Secrets(e.0))
    }

    /// Whether the keychain holds a token (or, for HTTP Basic, the
    /// password) for this account.
    pub fn signed_in(&self) -> Result<bool, AccountError> {
        if self.token_env.is_some() {
            return Ok(true);
        }
        let name = if self.basic_user.is_some() {
            crate::accounts::PASSWORD
        } else {
            "access_token"
        };
        Ok(Keychain::open()?
            .get(&Auth::key(&self.secrets_ns, name))
            .map_err(|e| AccountError::Secrets(e.0))?
            .is_some())
    }

    /// How many local changes wait to sync (what signing out would lose).
    pub fn waiting(&self, data_dir: &Path) -> Result<usize, AccountError> {
        Ok(self.open_store(data_dir)?.pending_count()? as usize)
    }

    /// Signs out and removes everything this account kept on the laptop.
    /// Refuses while changes wait to sync, unless `force`.
    pub fn sign_out(&self, data_dir: &Path, force: bool) -> Result<(), AccountError> {
        let dir = accounts_dir(data_dir);
        let store = self.open_store(data_dir)?;
        let waiting = store.pending_count()?;
        let cache_name = store
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        drop(store);
        if waiting > 0 && !force {
            return Err(AccountError::Pending(waiting as usize));
        }
        // The cache, its WAL and shared memory, and any damaged copy set aside.
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !cache_name.is_empty() && name.starts_with(&cache_name) {
                std::fs::remove_file(entry.path())?;
            }
        }
        match std::fs::remove_file(dir.join(format!("{}.json", self.id))) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        let blobs = self.blobs_dir(data_dir);
        if blobs.exists() {
            std::fs::remove_dir_all(blobs)?;
        }
        // The keys last: files still on disk stay readable until they are gone.
        Keychain::open()?
            .forget(&self.secrets_ns, SECRET_NAMES)
            .map_err(|e| AccountError::Secrets(e.0))?;
        tracing::info!(account = %self.id, "signed out; local data removed");
        Ok(())
    }
}
