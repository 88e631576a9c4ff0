//! The provider's declared capabilities against what it really accepts, on
//! the sandbox: for every kind it lists, a cached record encodes exactly
//! when the capabilities say the kind is written, and a writable kind's
//! create, update and delete all go through on the server. The engine, the
//! CLI and the window decide what may be edited from these declarations,
//! so a declaration that lies would promise the user what cannot be done.

mod common;

use casefile_domain::ids::{LocalId, RemoteId};
use casefile_domain::record::Record;
use casefile_providers::provider::EncodeError;
use casefile_providers::Provider;
use casefile_sync::pull::json_record;
use casefile_sync::{Engine, SyncOptions};
use common::*;

struct Refs<'a>(&'a casefile_store::Store);

impl casefile_providers::provider::RemoteRefs for Refs<'_> {
    fn remote(&self, kind: casefile_domain::entity::Kind, local: &LocalId) -> Option<RemoteId> {
        self.0.remote_id_of(kind, local).ok().flatten()
    }
    fn name(&self, _: casefile_domain::entity::Kind, _: &LocalId) -> Option<String> {
        None
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_declared_capabilities_are_what_the_provider_accepts() {
    let f = fixture().await;
    Engine::new(f.syncer.clone())
        .sync_now(SyncOptions::default())
        .await
        .unwrap();
    let (store, provider) = (f.store(), f.client());
    let caps = provider.capabilities().clone();
    for &kind in provider.pull_order() {
        let declared = caps
            .resource(kind)
            .unwrap_or_else(|| panic!("{kind:?} is pulled but not declared"));
        assert!(declared.read, "{kind:?} is pulled but declared unreadable");
        let (local, remote) = store
            .remote_ids(kind)
            .unwrap()
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("the demo firm has no {kind:?}"));
        let mirror = store.mirror(kind, &local).unwrap().unwrap();
        let record: Record = json_record(kind, mirror).unwrap();
        let encoded = provider.encode(&record, &Refs(store));
        assert_eq!(
            encoded.is_ok(),
            caps.writes(kind),
            "{kind:?}: declared writes={}, encode said {encoded:?}",
            caps.writes(kind)
        );
        if let Err(e) = &encoded {
            assert_eq!(e, &EncodeError::Unsupported(kind));
            continue;
        }
        let body = encoded.unwrap();
        if declared.update {
            let answer = Provider::update(&**provider, kind, &remote, &body).await;
            assert!(answer.is_ok(), "{kind:?} update: {answer:?}");
            assert_eq!(
                answer.unwrap().is_some(),
                caps.update_returns_record,
                "{kind:?}: update_returns_record is declared wrongly"
            );
        }
        if declared.create {
            let created = Provider::create(&**provider, kind, &body).await;
            assert!(created.is_ok(), "{kind:?} create: {created:?}");
            let id = provider.remote_id(&created.unwrap()).unwrap();
            if declared.delete {
                let gone = Provider::delete(&**provider, kind, &id).await;
                assert!(gone.is_ok(), "{kind:?} delete: {gone:?}");
            }
        }
    }
    f.sandbox.shutdown().await;
}
