//! Opening the local cache at start-up. The account is "demo" for the demo
//! firm; otherwise the first account set up (by `casefile-cli account add`,
//! until sign-in lands in the app), else "local". A damaged cache is
//! moved aside by the store and logged; a cache that cannot open at all
//! leaves the app running, and every view says the cache is unavailable.

use std::sync::Arc;

use casefile_domain::ids::AccountId;
use casefile_store::Store;
use casefile_sync::account::AccountSettings;

use crate::paths::AppPaths;

/// The account this launch shows: none for the demo firm.
pub fn account(paths: &AppPaths) -> Option<AccountSettings> {
    if crate::demo::requested() {
        return None;
    }
    match casefile_sync::account::list(&paths.data_dir) {
        Ok(accounts) => accounts.into_iter().next(),
        Err(err) => {
            tracing::warn!(error = %err, "the account settings could not be read");
            None
        }
    }
}

/// A firm account's cache is encrypted with its key from the keychain; the
/// demo firm's (invented data) and the no-account cache are not.
pub fn open(paths: &AppPaths, account: Option<&AccountSettings>) -> Option<Arc<Store>> {
    let opened: Result<Store, Box<dyn std::error::Error>> = match account {
        Some(a) => a.open_store(&paths.data_dir).map_err(Box::from),
        None => {
            let id = AccountId(
                if crate::demo::requested() {
                    "demo"
                } else {
                    "local"
                }
                .into(),
            );
            Store::open(&paths.data_dir.join("accounts"), &id).map_err(Box::from)
        }
    };
    match opened {
        Ok(store) => {
            if let Some(recovery) = store.recovery() {
                tracing::warn!(
                    rescued = recovery.rescued.len(),
                    moved_to = %recovery.moved_to.display(),
                    "the local cache was damaged and moved aside"
                );
            }
            Some(Arc::new(store))
        }
        Err(err) => {
            tracing::error!(error = %err, "the local cache could not be opened");
            None
        }
    }
}
