//! casefile-providers: how Casefile talks to practice-management APIs.
//!
//! Each provider declares its [`Capabilities`] so the sync engine can stay
//! provider-neutral. The [`registry`] is the one place that names the
//! providers; [`http`] is the HTTP core they share; [`pages`] the one way
//! to walk a resource's pages.

pub mod auth;
pub mod capabilities;
pub mod documents;
pub mod error;
pub mod http;
pub mod items;
pub mod legalserver;
pub mod mycase;
pub mod oauth;
pub mod pacer;
pub mod pages;
pub mod provider;
pub mod registry;
pub mod retry;
pub mod server_clock;

pub use auth::{Auth, MemorySecrets, OAuthClient, SecretStore};
pub use capabilities::{Capabilities, CreateLookup, Deletions, Paging, ResourceCaps, UploadStyle};
pub use error::ProviderError;
pub use http::Credentials;
pub use pages::Pages;
pub use provider::Provider;
pub use registry::{AnyProvider, Connect, Connection, ProviderId, SignIn};
pub use retry::RetryPolicy;
