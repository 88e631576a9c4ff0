//! The fake as the engine sees it: the `Provider` implementation.

use super::*;

impl Provider for Fake {
    fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    fn pull_order(&self) -> &'static [Kind] {
        self.order
    }

    async fn list_page(
        &self,
        kind: Kind,
        updated_after: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> Result<ListPage, ProviderError> {
        self.page(kind, updated_after, cursor)
    }

    async fn raw_page(
        &self,
        kind: Kind,
        cursor: Option<&str>,
    ) -> Result<(usize, Option<String>), ProviderError> {
        let page = self.page(kind, None, cursor)?;
        let size = serde_json::to_vec(&page.items).map_or(0, |b| b.len());
        Ok((size, page.next))
    }

    fn is_expired_link(&self, _error: &ProviderError) -> bool {
        // Page numbers never expire.
        false
    }

    fn decode(&self, kind: Kind, item: &Value, ctx: &Context<'_>) -> Result<Record, MapError> {
        Ok(match kind {
            Kind::Staff => Record::Staff(decode_staff(item, ctx)?),
            Kind::Case => Record::Case(decode_case(item, ctx)?),
            Kind::Event => Record::Event(decode_event(item, ctx)?),
            Kind::Task => Record::Task(decode_task(item, ctx)?),
            other => return Err(MapError(format!("the fake keeps no {}", other.plural()))),
        })
    }

    fn encode(&self, record: &Record, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
        let mut body = wire_body(record, refs)?;
        body.insert("external_id".into(), json!(record.meta().id.to_string()));
        Ok(Value::Object(body))
    }

    fn encode_update(
        &self,
        record: &Record,
        base: Option<&Record>,
        refs: &dyn RemoteRefs,
    ) -> Result<Value, EncodeError> {
        let now = wire_body(record, refs)?;
        // Without a base we can encode, send everything (still a valid PATCH).
        let Some(before) = base.and_then(|b| wire_body(b, refs).ok()) else {
            return Ok(Value::Object(now));
        };
        let changed = now
            .into_iter()
            .filter(|(k, v)| before.get(k) != Some(v))
            .collect();
        Ok(Value::Object(changed))
    }

    fn remote_id(&self, item: &Value) -> Option<RemoteId> {
        item["uuid"].as_str().map(|s| RemoteId(s.to_owned()))
    }

    fn same_record(&self, _kind: Kind, sent: &Value, found: &Value) -> bool {
        sent["external_id"].is_string() && sent["external_id"] == found["external_id"]
    }

    async fn find_created(
        &self,
        kind: Kind,
        sent: &Value,
        _since: Option<DateTime<Utc>>,
        _known: Known<'_>,
    ) -> Result<Option<Value>, ProviderError> {
        self.served(kind)?;
        let mut s = self.lock();
        s.requests += 1;
        let key = &sent["external_id"];
        let found = if key.is_string() {
            s.table(kind)
                .iter()
                .find(|r| &r["external_id"] == key)
                .cloned()
        } else {
            None
        };
        if found.is_some() {
            s.counters.lookups_hit += 1;
        } else {
            s.counters.lookups_missed += 1;
        }
        Ok(found)
    }

    async fn create(&self, kind: Kind, body: &Value) -> Result<Value, ProviderError> {
        self.served(kind)?;
        let mut s = self.lock();
        s.requests += 1;
        s.received.push(Received {
            verb: "create",
            kind,
            remote: None,
            body: body.clone(),
        });
        if !self.caps.can_create(kind) {
            return Err(ProviderError::Forbidden(format!(
                "{} are read-only",
                kind.plural()
            )));
        }
        if s.fails_before() {
            return Err(ProviderError::Server(503));
        }
        let fields = validate(kind, body, false)?;
        let key = fields.get("external_id").filter(|k| k.is_string()).cloned();
        if let Some(key) = key {
            if let Some(existing) = s
                .table(kind)
                .iter()
                .find(|r| r["external_id"] == key)
                .cloned()
            {
                s.counters.duplicate_creates += 1;
                return Ok(existing);
            }
        }
        let record = s.insert(kind, &fields);
        s.counters.creates += 1;
        if s.loses_answer() {
            s.counters.lost_creates += 1;
            return Err(ProviderError::Server(502));
        }
        Ok(record)
    }

    async fn update(
        &self,
        kind: Kind,
        remote: &RemoteId,
        body: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        self.served(kind)?;
        let mut s = self.lock();
        s.requests += 1;
        s.received.push(Received {
            verb: "update",
            kind,
            remote: Some(remote.0.clone()),
            body: body.clone(),
        });
        if !self.caps.can_update(kind) || s.forbidden.contains(&remote.0) {
            return Err(ProviderError::Forbidden(
                "this account may not change that record".into(),
            ));
        }
        if s.fails_before() {
            return Err(ProviderError::Server(503));
        }
        let fields = validate(kind, body, true)?;
        let at = s.position(kind, &remote.0).ok_or(ProviderError::NotFound)?;
        let record = s.patch(kind, at, &fields);
        s.counters.updates += 1;
        if s.loses_answer() {
            return Err(ProviderError::Server(502));
        }
        Ok(Some(record))
    }

    async fn delete(&self, kind: Kind, remote: &RemoteId) -> Result<(), ProviderError> {
        self.served(kind)?;
        let mut s = self.lock();
        s.requests += 1;
        s.received.push(Received {
            verb: "delete",
            kind,
            remote: Some(remote.0.clone()),
            body: Value::Null,
        });
        if !self.caps.can_delete(kind) {
            return Err(ProviderError::Forbidden(format!(
                "{} are read-only",
                kind.plural()
            )));
        }
        if s.fails_before() {
            return Err(ProviderError::Server(503));
        }
        // One already gone counts as deleted.
        if let Some(at) = s.position(kind, &remote.0) {
            s.table(kind).remove(at);
            s.counters.deletes += 1;
            if s.loses_answer() {
                return Err(ProviderError::Server(502));
            }
        }
        Ok(())
    }

    fn throttled_until(&self) -> Option<DateTime<Utc>> {
        None
    }

    fn request_count(&self) -> u64 {
        self.lock().requests
    }
}
