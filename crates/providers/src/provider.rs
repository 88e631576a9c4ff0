//! The provider interface the sync engine drives. Everything specific to
//! one practice-management API (paths, paging, JSON shapes, how to tell a
//! record we created, which verbs it takes) lives behind it; the engine sees
//! capabilities, pages of raw items, and provider-neutral [`Record`]s.
//!
//! What a provider module must implement is [`Provider`] (records),
//! [`crate::documents::DocumentTransport`] (document bytes; every method has
//! an "unsupported" default for an API without documents) and
//! [`crate::registry::Connect`] (how an account connects), and then add one
//! line to the registry.

use std::future::Future;

use casefile_domain::entity::Kind;
use casefile_domain::ids::{AccountId, LocalId, RemoteId};
use casefile_domain::record::Record;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::capabilities::Capabilities;
use crate::error::ProviderError;
pub use crate::items::RejectedItem;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListPage {
    pub items: Vec<Value>,
    /// Elements of the page that could not be read at all (quarantined by
    /// the engine; the rest of the page still applies).
    pub rejected: Vec<RejectedItem>,
    /// The cursor of the next page (a link, or a page number), to be
    /// followed promptly.
    pub next: Option<String>,
    /// The total the server reported, when it does.
    pub item_count: Option<u64>,
}

/// Why a server record could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MapError(pub String);

/// Why a record could not be turned into a request body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// It refers to a record that has not reached the server yet: try again
    /// after that one is pushed.
    #[error("its {} has not reached the server yet", .0.as_str())]
    Unresolved(Kind),
    /// The provider does not write this kind.
    #[error("this provider does not accept {} changes", .0.as_str())]
    Unsupported(Kind),
    /// The record breaks a rule of the provider (a missing required field).
    #[error("{0}")]
    Invalid(String),
}

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
    /// The server id of the record of `kind` named `name` (an event's
    /// location is kept by name; the server takes a reference).
    fn by_name(&self, _kind: Kind, _name: &str) -> Option<RemoteId> {
        None
    }
}

/// What every decoding needs besides the record.
pub struct Context<'a> {
    pub account: &'a AccountId,
    pub resolve: &'a dyn Resolve,
    /// The zone timed events are shown in when the provider gives none.
    pub zone: Tz,
}

/// Whether a server record is already known here (bound to a local row).
pub type Known<'a> = &'a (dyn Fn(&RemoteId) -> bool + Send + Sync);

pub trait Provider: Send + Sync {
    fn capabilities(&self) -> &Capabilities;

    /// The kinds this provider pulls, parents first.
    fn pull_order(&self) -> &'static [Kind];

    /// Whether the provider takes changes (creates, updates, deletes) of
    /// this kind: what the capabilities say, nothing else.
    fn writes(&self, kind: Kind) -> bool {
        self.capabilities().writes(kind)
    }

    /// One page of `kind`: the first when `cursor` is none (changed since
    /// `updated_after` when given, for a provider that can filter so),
    /// else the page the cursor names.
    fn list_page(
        &self,
        kind: Kind,
        updated_after: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<ListPage, ProviderError>> + Send;

    /// One page's size in bytes and its next cursor, unparsed: the
    /// benchmarks' baseline for "the wire".
    fn raw_page(
        &self,
        kind: Kind,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<(usize, Option<String>), ProviderError>> + Send;

    /// Whether a failed list request means its page cursor expired (restart the walk).
    fn is_expired_link(&self, error: &ProviderError) -> bool;

    fn decode(&self, kind: Kind, item: &Value, ctx: &Context<'_>) -> Result<Record, MapError>;

    /// The body that creates `record`. A provider with idempotency keys
    /// puts the record's stable local id in it.
    fn encode(&self, record: &Record, refs: &dyn RemoteRefs) -> Result<Value, EncodeError>;

    /// The body that updates the server's copy `base` (the last one seen)
    /// to `record`. A provider that takes partial updates sends only what
    /// changed; the default sends the whole record.
    fn encode_update(
        &self,
        record: &Record,
        base: Option<&Record>,
        refs: &dyn RemoteRefs,
    ) -> Result<Value, EncodeError> {
        let _ = base;
        self.encode(record, refs)
    }

    /// The id of a raw server item.
    fn remote_id(&self, item: &Value) -> Option<RemoteId>;

    /// Whether `found` on the server is the record `sent` (a create whose
    /// answer was lost).
    fn same_record(&self, kind: Kind, sent: &Value, found: &Value) -> bool;

    /// Looks on the server for a create we may have sent (`sent`, the body)
    /// whose answer was lost. The default searches the records changed
    /// since `since` (all, when none) that are not `known` here for one
    /// with the same fields; a provider with idempotency keys looks its key
    /// up instead.
    fn find_created(
        &self,
        kind: Kind,
        sent: &Value,
        since: Option<DateTime<Utc>>,
        known: Known<'_>,
    ) -> impl Future<Output = Result<Option<Value>, ProviderError>> + Send
    where
        Self: Sized,
    {
        async move {
            let mut pages = crate::pages::Pages::new(self, kind, since, None);
            while let Some(page) = pages.next_page().await? {
                for found in page.items {
                    let ours = self.remote_id(&found).is_none_or(|r| !known(&r));
                    if ours && self.same_record(kind, sent, &found) {
                        return Ok(Some(found));
                    }
                }
            }
            Ok(None)
        }
    }

    fn create(
        &self,
        kind: Kind,
        body: &Value,
    ) -> impl Future<Output = Result<Value, ProviderError>> + Send;

    /// Sends an update. Returns the server's new copy when its answer
    /// carries one (then nothing needs to be read again), else none.
    fn update(
        &self,
        kind: Kind,
        remote: &RemoteId,
        body: &Value,
    ) -> impl Future<Output = Result<Option<Value>, ProviderError>> + Send;

    /// Deletes a record; one already gone counts as deleted.
    fn delete(
        &self,
        kind: Kind,
        remote: &RemoteId,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send;

    /// The staff member the account signs in as, when the API says
    /// (an API's "who am I"); none when it cannot tell.
    fn who_am_i(&self) -> impl Future<Output = Result<Option<RemoteId>, ProviderError>> + Send {
        async { Ok(None) }
    }

    /// A case's notes, read whole, where the provider keeps them
    /// (`capabilities.case_notes`); read-only here.
    fn case_notes(
        &self,
        _case: &RemoteId,
    ) -> impl Future<Output = Result<Vec<casefile_domain::note::CaseNote>, ProviderError>> + Send
    {
        async {
            Err(ProviderError::Unsupported(
                "this provider keeps no case notes".into(),
            ))
        }
    }

    fn throttled_until(&self) -> Option<DateTime<Utc>>;

    fn request_count(&self) -> u64;

    /// The server's clock minus this laptop's, from the last answer's
    /// `Date`; none before any answer (or from a provider that cannot tell).
    fn server_clock_skew(&self) -> Option<chrono::Duration> {
        None
    }
}
