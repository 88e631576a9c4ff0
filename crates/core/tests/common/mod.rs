//! Shared set-up for the core's tests against the sandbox: the settings of
//! an account on it, and a connection holding its access token in memory.
#![allow(dead_code)]

use std::sync::Arc;

use casefile_core::accounts::AccountSettings;
use casefile_providers::{Auth, Connection, Credentials, MemorySecrets, ProviderId};
use casefile_sandbox::ReadyInfo;

/// An account "t" on the sandbox, in UTC, unpaced, with no secrets on disk.
pub fn sandbox_settings(info: &ReadyInfo) -> AccountSettings {
    AccountSettings {
        id: "t".into(),
        provider: ProviderId::parse(&info.dialect).expect("the sandbox names its dialect"),
        base_url: info.base_url.clone(),
        token_env: None,
        zone: "UTC".into(),
        rate_limit_per_s: Some(0),
        oauth: None,
        secrets_ns: "t".into(),
        basic_user: None,
    }
}

/// A connection to the sandbox with its access token, unpaced.
pub fn sandbox_connection(info: &ReadyInfo) -> Connection {
    let auth = Arc::new(Auth::new(Arc::new(MemorySecrets::default()), "t", None));
    auth.store_tokens(&info.access_token, None).unwrap();
    Connection {
        base_url: info.base_url.clone(),
        credentials: Credentials::Bearer(auth),
        rate_limit_per_s: Some(0),
        retry: Default::default(),
    }
}
