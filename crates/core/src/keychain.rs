//! The OS keychain as Casefile's [`SecretStore`] (DESIGN invariant 7):
//! tokens, client secrets and each account's cache key live only here,
//! never in SQLite, settings files or logs. The keychain is reached through
//! `keyring-core` and one platform store crate per OS, chosen in Cargo.toml
//! (Secret Service on Linux, the login keychain on macOS, Credential Manager
//! on Windows; docs/adr/0006). Items that keyring 3 wrote are found and
//! updated in place. [`Keychain::open`] refuses keyring's mock store, which
//! would silently forget every token.

use std::sync::{Arc, OnceLock};

use casefile_providers::auth::{SecretError, SecretStore};
use keyring_core::{CredentialStore, Entry, Error};

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

/// The platform store, made once per process. A failure is not kept, so a
/// later [`Keychain::open`] tries again (the user may have started or
/// unlocked the keychain meanwhile).
static STORE: OnceLock<Arc<CredentialStore>> = OnceLock::new();

fn store() -> Result<&'static Arc<CredentialStore>, Error> {
    if let Some(store) = STORE.get() {
        return Ok(store);
    }
    let made = platform_store()?;
    // If two threads race here, one store wins and the other is dropped; the
    // default store is set once, to the winner.
    Ok(STORE.get_or_init(|| {
        keyring_core::set_default_store(made.clone());
        made
    }))
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> = dbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    Err(Error::NotSupportedByStore(
        "Casefile has no OS keychain store for this platform".to_string(),
    ))
}

/// keyring-core's in-memory stores: the mock, and the `sample` feature's store.
fn is_mock(store: &CredentialStore) -> bool {
    let vendor = store.vendor();
    store.as_any().is::<keyring_core::mock::Store>()
        || vendor.starts_with("Mock store")
        || vendor.starts_with("Sample store")
}

fn entry(key: &str) -> Result<Entry, SecretError> {
    let store = store().map_err(|e| SecretError(e.to_string()))?;
    Entry::new_in_store(store, SERVICE, key).map_err(|e| SecretError(e.to_string()))
}

impl Keychain {
    /// Opens the platform keychain and checks that it answers.
    pub fn open() -> Result<Self, KeychainError> {
        // No platform store at all (no session bus, an unsupported OS) is "no keychain".
        let store = store().map_err(|e| match e {
            Error::PlatformFailure(e) | Error::NoStorageAccess(e) => {
                KeychainError::Unavailable(e.to_string())
            }
            e => KeychainError::Unavailable(e.to_string()),
        })?;
        // Entries are made in our own store, but a process whose default store
        // has been swapped for a mock is misconfigured: refuse it too.
        let default_is_mock =
            keyring_core::get_default_store().is_some_and(|d| is_mock(d.as_ref()));
        if is_mock(store.as_ref()) || default_is_mock {
            return Err(KeychainError::Mock);
        }
        let probe = Entry::new_in_store(store, SERVICE, "casefile-probe")
            .map_err(|e| KeychainError::Failed(e.to_string()))?;
        match probe.get_password() {
            Ok(_) | Err(Error::NoEntry) => Ok(Self(())),
            Err(Error::PlatformFailure(e)) | Err(Error::NoStorageAccess(e)) => {
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
            Err(Error::NoEntry) => Ok(None),
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
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mock_store_is_recognised() {
        let mock: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        assert!(is_mock(&*mock));
    }

    #[test]
    fn the_platform_store_is_not_a_mock() {
        // On Linux making the store needs a session bus; without one there is nothing to check.
        match platform_store() {
            Ok(store) => assert!(!is_mock(&*store), "{}", store.vendor()),
            Err(e) => eprintln!("SKIPPED: no platform keychain store here ({e})"),
        }
    }
}
