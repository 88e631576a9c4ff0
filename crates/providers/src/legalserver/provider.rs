//! LegalServer as a [`Provider`]: the engine's view of the client, the
//! mappers and the encoders. It creates and changes events and tasks
//! (`POST`, and `PATCH` with only what changed); v1 deletes neither, and
//! every other kind is read-only, as its capabilities declare. Documents
//! move through [`super::documents`].

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use casefile_domain::record::Record;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::encode::{self, EXTERNAL_ID};
use super::{map, LegalServer};
use crate::capabilities::Capabilities;
use crate::error::ProviderError;
use crate::provider::{Context, EncodeError, Known, ListPage, MapError, Provider, RemoteRefs};

/// Parents first: people and organizations, then matters, then what hangs
/// off a matter.
pub(super) const PULL_ORDER: &[Kind] = &[
    Kind::Staff,
    Kind::Client,
    Kind::Company,
    Kind::Case,
    Kind::Event,
    Kind::Task,
];

/// The key each object carries its own UUID under.
fn uuid_key(item: &Value) -> Option<&'static str> {
    [
        // First: a document is told its matter's `matter_uuid` as well.
        "guid",
        "matter_uuid",
        "event_uuid",
        "task_uuid",
        "user_uuid",
        "uuid",
    ]
    .into_iter()
    .find(|k| item.get(k).and_then(Value::as_str).is_some())
}

fn unsupported(kind: Kind, verb: &str) -> ProviderError {
    ProviderError::Unsupported(format!(
        "LegalServer's API does not {verb} {}",
        kind.plural().replace('_', " ")
    ))
}

/// Whether the engine may write this kind with this verb.
fn writable(caps: &Capabilities, kind: Kind, update: bool) -> bool {
    if update {
        caps.can_update(kind)
    } else {
        caps.can_create(kind)
    }
}

impl Provider for LegalServer {
    fn capabilities(&self) -> &Capabilities {
        self.caps()
    }

    fn pull_order(&self) -> &'static [Kind] {
        PULL_ORDER
    }

    async fn list_page(
        &self,
        kind: Kind,
        _updated_after: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> Result<ListPage, ProviderError> {
        // v1 has no updated-since filter: every walk is whole.
        LegalServer::list_page(self, kind, cursor).await
    }

    async fn raw_page(
        &self,
        kind: Kind,
        cursor: Option<&str>,
    ) -> Result<(usize, Option<String>), ProviderError> {
        LegalServer::raw_page(self, kind, cursor).await
    }

    fn is_expired_link(&self, _error: &ProviderError) -> bool {
        // Page numbers do not expire.
        false
    }

    fn decode(&self, kind: Kind, item: &Value, ctx: &Context<'_>) -> Result<Record, MapError> {
        Ok(match kind {
            Kind::Staff => Record::Staff(map::user(item, ctx)?),
            Kind::Client => Record::Client(map::contact(item, ctx)?),
            Kind::Company => Record::Company(map::organization(item, ctx)?),
            Kind::Case => Record::Case(map::matter(item, ctx)?),
            Kind::Event => Record::Event(map::event(item, ctx)?),
            Kind::Task => Record::Task(map::task(item, ctx)?),
            Kind::Document => Record::Document(map::document(item, ctx)?),
            other => {
                return Err(MapError(format!(
                    "LegalServer does not list {} here",
                    other.plural()
                )))
            }
        })
    }

    fn encode(&self, record: &Record, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
        encode::encode(record, refs)
    }

    fn encode_update(
        &self,
        record: &Record,
        base: Option<&Record>,
        refs: &dyn RemoteRefs,
    ) -> Result<Value, EncodeError> {
        encode::encode_update(record, base, refs)
    }

    fn remote_id(&self, item: &Value) -> Option<RemoteId> {
        let key = uuid_key(item)?;
        item.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|s| RemoteId(s.to_owned()))
    }

    fn same_record(&self, kind: Kind, sent: &Value, found: &Value) -> bool {
        match kind {
            // Keyed: the server's unique external id says it all.
            Kind::Event => {
                sent.get(EXTERNAL_ID).is_some_and(Value::is_string)
                    && sent.get(EXTERNAL_ID) == found.get(EXTERNAL_ID)
            }
            Kind::Task => encode::same_task(sent, found),
            _ => false,
        }
    }

    /// An event is looked up by its `external_id`; a task among the tasks
    /// with its title (v1 has no changed-since filter, but searches by
    /// title), not yet known here, with the same fields.
    async fn find_created(
        &self,
        kind: Kind,
        sent: &Value,
        _since: Option<DateTime<Utc>>,
        known: Known<'_>,
    ) -> Result<Option<Value>, ProviderError> {
        let (key, unknown_only) = match kind {
            Kind::Event => (EXTERNAL_ID, false),
            Kind::Task => ("title", true),
            _ => return Ok(None),
        };
        let Some(value) = sent.get(key).and_then(Value::as_str) else {
            return Ok(None);
        };
        let found = self.find_where(kind, &[(key, value.to_owned())]).await?;
        Ok(found.into_iter().find(|item| {
            let ours = !unknown_only || self.remote_id(item).is_none_or(|r| !known(&r));
            ours && self.same_record(kind, sent, item)
        }))
    }

    async fn create(&self, kind: Kind, body: &Value) -> Result<Value, ProviderError> {
        if !writable(self.caps(), kind, false) {
            return Err(unsupported(kind, "create"));
        }
        LegalServer::create(self, kind, body).await
    }

    async fn update(
        &self,
        kind: Kind,
        remote: &RemoteId,
        body: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        if !writable(self.caps(), kind, true) {
            return Err(unsupported(kind, "change"));
        }
        LegalServer::patch(self, kind, remote, body).await.map(Some)
    }

    async fn delete(&self, kind: Kind, _remote: &RemoteId) -> Result<(), ProviderError> {
        // v1 has no DELETE for any kind Casefile syncs.
        Err(unsupported(kind, "delete"))
    }

    async fn case_notes(
        &self,
        case: &RemoteId,
    ) -> Result<Vec<casefile_domain::note::CaseNote>, ProviderError> {
        self.matter_notes(case).await
    }

    fn throttled_until(&self) -> Option<DateTime<Utc>> {
        self.core.throttled_until()
    }

    fn request_count(&self) -> u64 {
        self.core.request_count()
    }

    fn server_clock_skew(&self) -> Option<chrono::Duration> {
        self.core.clock.skew()
    }
}
