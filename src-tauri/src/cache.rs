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

pub fn open(paths: &AppPaths, account: Option<&AccountSettings>) -> Option<Arc<Store>> {
    let account = AccountId(match account {
        Some(a) => a.id.clone(),
        None if crate::demo::requested() => "demo".into(),
        None => "local".into(),
    });
    match Store::open(&paths.data_dir.join("accounts"), &account) {
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
