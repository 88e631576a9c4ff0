//! Opening the local cache at start-up. The account is "demo" for the demo
//! firm and "local" otherwise, until real accounts exist. A damaged cache is
//! moved aside by the store and logged; a cache that cannot open at all
//! leaves the app running, and every view says the cache is unavailable.

use std::sync::Arc;

use casefile_domain::ids::AccountId;
use casefile_store::Store;

use crate::paths::AppPaths;

pub fn open(paths: &AppPaths) -> Option<Arc<Store>> {
    let account = AccountId(
        if crate::demo::requested() {
            "demo"
        } else {
            "local"
        }
        .into(),
    );
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
