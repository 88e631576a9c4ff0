//! MyCase as a [`Provider`]: the engine's view of the client, the mappers
//! and the encoder.

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use casefile_domain::record::Record;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{encode, map, MyCase};
use crate::capabilities::Capabilities;
use crate::error::ProviderError;
use crate::provider::{Context, EncodeError, ListPage, MapError, Provider, RemoteRefs};

const PULL_ORDER: &[Kind] = &[
    Kind::Staff,
    Kind::PracticeArea,
    Kind::CaseStage,
    Kind::Location,
    Kind::Client,
    Kind::Company,
    Kind::Case,
    Kind::Event,
    Kind::Task,
    Kind::Document,
];

impl Provider for MyCase {
    fn capabilities(&self) -> &Capabilities {
        self.caps()
    }

    fn pull_order(&self) -> &'static [Kind] {
        PULL_ORDER
    }

    async fn list_page(
        &self,
        kind: Kind,
        updated_after: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> Result<ListPage, ProviderError> {
        MyCase::list_page(self, kind, updated_after, cursor).await
    }

    async fn raw_page(
        &self,
        kind: Kind,
        cursor: Option<&str>,
    ) -> Result<(usize, Option<String>), ProviderError> {
        self.fetch_raw(kind, cursor).await
    }

    fn is_expired_link(&self, error: &ProviderError) -> bool {
        matches!(error, ProviderError::Validation { field: Some(f), .. } if f == "page_token")
    }

    fn decode(&self, kind: Kind, item: &Value, ctx: &Context<'_>) -> Result<Record, MapError> {
        Ok(match kind {
            Kind::Staff => Record::Staff(map::staff(item, ctx)?),
            Kind::PracticeArea => Record::PracticeArea(map::named(item, ctx)?),
            Kind::CaseStage => Record::CaseStage(map::named(item, ctx)?),
            Kind::Location => Record::Location(map::location(item, ctx)?),
            Kind::Client => Record::Client(map::client(item, ctx)?),
            Kind::Company => Record::Company(map::company(item, ctx)?),
            Kind::Case => Record::Case(map::case(item, ctx)?),
            Kind::Event => Record::Event(map::event(item, ctx)?),
            Kind::Task => Record::Task(map::task(item, ctx)?),
            Kind::Document => Record::Document(map::document(item, ctx)?),
            Kind::Folder => return Err(MapError("folders are not listed by MyCase".into())),
        })
    }

    fn encode(&self, record: &Record, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
        encode::encode(record, refs)
    }

    fn remote_id(&self, item: &Value) -> Option<RemoteId> {
        match item.get("id")? {
            Value::Number(n) => Some(RemoteId(n.to_string())),
            Value::String(s) if !s.is_empty() => Some(RemoteId(s.clone())),
            _ => None,
        }
    }

    fn same_record(&self, _kind: Kind, sent: &Value, found: &Value) -> bool {
        encode::same_record(sent, found)
    }

    async fn create(&self, kind: Kind, body: &Value) -> Result<Value, ProviderError> {
        MyCase::create(self, kind, body).await
    }

    async fn update(
        &self,
        kind: Kind,
        remote: &RemoteId,
        body: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // 204 and no body: the engine reads the resource again.
        MyCase::update(self, kind, remote, body)
            .await
            .map(|()| None)
    }

    async fn delete(&self, kind: Kind, remote: &RemoteId) -> Result<(), ProviderError> {
        MyCase::delete(self, kind, remote).await
    }

    async fn who_am_i(&self) -> Result<Option<RemoteId>, ProviderError> {
        MyCase::me(self).await
    }

    fn throttled_until(&self) -> Option<DateTime<Utc>> {
        MyCase::throttled_until(self)
    }

    fn request_count(&self) -> u64 {
        MyCase::request_count(self)
    }

    fn server_clock_skew(&self) -> Option<chrono::Duration> {
        MyCase::server_clock_skew(self)
    }
}
