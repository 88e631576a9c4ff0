//! The OS keychain as Casefile's [`SecretStore`] (DESIGN invariant 7):
//! tokens, client secrets and each account's cache key live only here,
//! never in SQLite, settings files or logs. keyring's platform stores are enabled explicitly in
//! Cargo.toml (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), and [`Keychain::open`] refuses keyring's mock store,
//! which would silently forget every token.

use casefile_providers::auth::{SecretError, SecretStore};
use keyring::Entry;

/// The keychain service every Casefile secret is filed under.
pub const SERVICE: &str = "app.casefile.desktop";

/// What to do when no keychain answers, in words a user can act on.
pub const NO_KEYCHAIN_HELP: &str = "No OS keychain is available, and Casefile keeps sign-in \
tokens, and the key that encrypts each firm's cache on this computer, only there. On Linux, \
install and unlock a Secret Service provider: for example `sudo apt install gnome-keyring`, \
then sign in to a desktop session (or, headless, run \
`eval \"$(echo PASSWORD | gnome-keyring-daemon --unlock --components=secrets)\"` inside \
`dbus-run-session`).";

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    #[error("{NO_KEYCHAIN_HELP} (the keychain said: {0})")]
    Unavailable(String),
    #[error("the keychain is keyring's in-memory mock store, which keeps nothing; refusing to start (platform features missing?)")]
    Mock,
    #[error("the keychain failed: {0}")]
    Failed(String),
}

/// The OS keychain. Keys are `<namespace>/<name>`, one namespace per account.
#[derive(Debug)]
pub struct Keychain(());

fn entry(key: &str) -> Result<Entry, SecretError> {
    Entry::new(SERVICE, key).map_err(|e| SecretError(e.to_string()))
}

impl Keychain {
    /// Opens the platform keychain and checks that it answers.
    pub fn open() -> Result<Self, KeychainError> {
        let probe = Entry::new(SERVICE, "casefile-probe")
            .map_err(|e| KeychainError::Failed(e.to_string()))?;
        if probe.get_credential().is::<keyring::mock::MockCredential>() {
            return Err(KeychainError::Mock);
        }
        match probe.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(Self(())),
            Err(keyring::Error::PlatformFailure(e)) | Err(keyring::Error::NoStorageAccess(e)) => {
                Err(KeychainError::Unavailable(e.to_string()))
            }
            Err(e) => Err(KeychainError::Failed(e.to_string())),
        }
    }

    /// Deletes every secret named in `names` under `namespace` (sign-out).
    pub fn forget(&self, namespace: &str, names: &[&str]) -> Result<(), SecretError> {
        for name in names {
            self.delete(&format!("{namespace}/{name}"))?;
        }
        Ok(())
    }
}

impl SecretStore for Keychain {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        match entry(key)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError(e.to_string())),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), SecretError> {
        entry(key)?
            .set_password(value)
            .map_err(|e| SecretError(e.to_string()))
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError(e.to_string())),
        }
    }
}
