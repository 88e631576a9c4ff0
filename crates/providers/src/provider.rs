//! The provider interface the sync engine drives. Everything specific to
//! one practice-management API (paths, paging, JSON shapes, how to tell a
//! record we created) lives behind it; the engine sees capabilities,
//! pages of raw items, and provider-neutral [`Record`]s.

use std::future::Future;

use casefile_domain::entity::Kind;
use casefile_domain::ids::{AccountId, LocalId, RemoteId};
use casefile_domain::record::Record;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::capabilities::Capabilities;
use crate::error::ProviderError;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub items: Vec<Value>,
    /// The next page's link, to be followed promptly.
    pub next: Option<String>,
    /// The total the server reported, when it does.
    pub item_count: Option<u64>,
}

/// Why a record could not be decoded or encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MapError(pub String);

/// Looks up local ids for the remote references a server record carries.
pub trait Resolve {
    fn local(&self, kind: Kind, remote: &RemoteId) -> Option<LocalId>;
    fn by_name(&self, kind: Kind, name: &str) -> Option<LocalId>;
    /// A location's display name, for events.
    fn location_name(&self, remote: &RemoteId) -> Option<String>;
}

/// Looks up remote ids (and names) for the local references a record carries.
pub trait RemoteRefs {
    fn remote(&self, kind: Kind, local: &LocalId) -> Option<RemoteId>;
    fn name(&self, kind: Kind, local: &LocalId) -> Option<String>;
}

/// What every decoding needs besides the record.
pub struct Context<'a> {
    pub account: &'a AccountId,
    pub resolve: &'a dyn Resolve,
    /// The zone timed events are shown in when the provider gives none.
    pub zone: Tz,
}

pub trait Provider: Send + Sync {
    fn capabilities(&self) -> &Capabilities;

    /// The kinds this provider pulls, parents first.
    fn pull_order(&self) -> &'static [Kind];

    /// Whether the provider can write this kind.
    fn writes(&self, kind: Kind) -> bool;

    fn list_page(
        &self,
        kind: Kind,
        updated_after: Option<&str>,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<ListPage, ProviderError>> + Send;

    /// Whether a failed list request means its page link expired (restart the walk).
    fn is_expired_link(&self, error: &ProviderError) -> bool;

    fn decode(&self, kind: Kind, item: &Value, ctx: &Context<'_>) -> Result<Record, MapError>;

    fn encode(&self, record: &Record, refs: &dyn RemoteRefs) -> Result<Value, MapError>;

    /// The id of a raw server item.
    fn remote_id(&self, item: &Value) -> Option<RemoteId>;

    /// Whether `found` on the server is the record `sent` (a create whose
    /// answer was lost).
    fn same_record(&self, kind: Kind, sent: &Value, found: &Value) -> bool;

    fn create(
        &self,
        kind: Kind,
        body: &Value,
    ) -> impl Future<Output = Result<Value, ProviderError>> + Send;

    fn update(
        &self,
        kind: Kind,
        remote: &RemoteId,
        body: &Value,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;

    fn delete(
        &self,
        kind: Kind,
        remote: &RemoteId,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;

    fn throttled_until(&self) -> Option<DateTime<Utc>>;

    fn request_count(&self) -> u64;
}
