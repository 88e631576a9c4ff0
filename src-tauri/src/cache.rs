//! Opening the local cache at start-up. The account is "demo" for the demo
//! firm; otherwise the first account set up (by `casefile-cli account add`,
//! until sign-in lands in the app), else "local". A damaged cache is
//! moved aside by the store and logged; a cache that cannot open at all
//! leaves the app running, and every view says the cache is unavailable.

use std::sync::Arc;

use casefile_core::accounts::AccountSettings;
use casefile_core::Cache;
use casefile_domain::ids::AccountId;
use casefile_store::Store;

use crate::paths::AppPaths;

/// The account this launch shows: none for the demo firm.
pub fn account(paths: &AppPaths) -> Option<AccountSettings> {
    if crate::demo::requested() {
        return None;
    }
    match casefile_core::accounts::list(&paths.data_dir) {
        Ok(accounts) => accounts.into_iter().next(),
        Err(err) => {
            tracing::warn!(code = %err.class(), error = %err, "the account settings could not be read");
            None
        }
    }
}

/// What start-up opened: the cache the views read, and, for a firm
/// account, the account's cache and blobs for its session.
pub struct Opened {
    pub store: Option<Arc<Store>>,
    pub account: Option<Cache>,
}

fn report(store: &Store) {
    if let Some(recovery) = store.recovery() {
        tracing::warn!(
            rescued = recovery.rescued.len(),
            moved_to = %recovery.moved_to.display(),
            "the local cache was damaged and moved aside"
        );
    }
}

/// A firm account's cache is encrypted with its key from the keychain; the
/// demo firm's (invented data) and the no-account cache are not.
pub fn open(paths: &AppPaths, account: Option<AccountSettings>) -> Opened {
    if let Some(settings) = account {
        return match Cache::open(&paths.data_dir, settings) {
            Ok(cache) => {
                report(&cache.store);
                Opened {
                    store: Some(cache.store.clone()),
                    account: Some(cache),
                }
            }
            Err(err) => {
                tracing::error!(code = %err.class(), error = %err, "the local cache could not be opened");
                Opened {
                    store: None,
                    account: None,
                }
            }
        };
    }
    let id = AccountId(
        if crate::demo::requested() {
            "demo"
        } else {
            "local"
        }
        .into(),
    );
    match Store::open(&paths.data_dir.join("accounts"), &id) {
        Ok(store) => {
            report(&store);
            Opened {
                store: Some(Arc::new(store)),
                account: None,
            }
        }
        Err(err) => {
            tracing::error!(error = %err, "the local cache could not be opened");
            Opened {
                store: None,
                account: None,
            }
        }
    }
}
