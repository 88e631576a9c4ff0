//! LegalServer as a [`Provider`]: the engine's view of the client and the
//! mappers. It writes nothing yet: every write is refused as unsupported,
//! as its capabilities declare.

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use casefile_domain::record::Record;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{map, LegalServer};
use crate::capabilities::Capabilities;
use crate::documents::DocumentTransport;
use crate::error::ProviderError;
use crate::provider::{Context, EncodeError, ListPage, MapError, Provider, RemoteRefs};

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
        "matter_uuid",
        "event_uuid",
        "task_uuid",
        "user_uuid",
        "uuid",
    ]
    .into_iter()
    .find(|k| item.get(k).and_then(Value::as_str).is_some())
}

fn unsupported(kind: Kind) -> ProviderError {
    ProviderError::Unsupported(format!(
        "Casefile does not send {} changes to LegalServer yet",
        kind.plural()
    ))
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
            other => {
                return Err(MapError(format!(
                    "LegalServer does not list {} here",
                    other.plural()
                )))
            }
        })
    }

    fn encode(&self, record: &Record, _refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
        Err(EncodeError::Unsupported(record.kind()))
    }

    fn remote_id(&self, item: &Value) -> Option<RemoteId> {
        let key = uuid_key(item)?;
        item.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|s| RemoteId(s.to_owned()))
    }

    fn same_record(&self, _kind: Kind, _sent: &Value, _found: &Value) -> bool {
        false
    }

    async fn create(&self, kind: Kind, _body: &Value) -> Result<Value, ProviderError> {
        Err(unsupported(kind))
    }

    async fn update(
        &self,
        kind: Kind,
        _remote: &RemoteId,
        _body: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Err(unsupported(kind))
    }

    async fn delete(&self, kind: Kind, _remote: &RemoteId) -> Result<(), ProviderError> {
        Err(unsupported(kind))
    }

    fn throttled_until(&self) -> Option<DateTime<Utc>> {
        self.core.throttled_until()
    }

    fn request_count(&self) -> u64 {
        self.core.request_count()
    }
}

/// No documents yet: every method answers "unsupported".
impl DocumentTransport for LegalServer {}
