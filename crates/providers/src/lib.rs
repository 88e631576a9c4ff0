//! casefile-providers: how Casefile talks to practice-management APIs.
//!
//! Each provider declares its [`Capabilities`] so the sync engine can stay
//! provider-neutral; MyCase v1 is the first implementation ([`mycase`]).

pub mod auth;
pub mod capabilities;
pub mod documents;
pub mod error;
pub mod mycase;
pub mod oauth;
pub mod pacer;
pub mod provider;
pub mod retry;

pub use auth::{Auth, MemorySecrets, OAuthClient, SecretStore};
pub use capabilities::{Capabilities, Paging, ResourceCaps, UploadStyle};
pub use error::ProviderError;
pub use provider::Provider;
pub use retry::RetryPolicy;
