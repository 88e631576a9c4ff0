//! "My events": after a sync, the account knows which staff member the
//! user is (MyCase's `/v1/me`, from the sandbox over loopback), keeps it,
//! and asks no more; a provider that cannot tell leaves it unknown.

use std::sync::Arc;

mod common;

use casefile_core::{me, Cache, Session};
use casefile_domain::entity::Kind;
use casefile_domain::ids::{AccountId, RemoteId};
use casefile_providers::{AnyProvider, Provider};
use casefile_sandbox::{Dialect, SandboxConfig};
use casefile_store::Store;

async fn synced(
    dialect: Dialect,
) -> (casefile_sandbox::RunningSandbox, tempfile::TempDir, Session) {
    let sandbox = casefile_sandbox::start(
        SandboxConfig::default()
            .with_dialect(dialect)
            .with_rate_limit(0)
            .with_per_minute(0),
    )
    .await
    .unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &AccountId("t".into())).unwrap());
    let settings = common::sandbox_settings(&info);
    let provider = settings.provider;
    let cache = Cache::from_parts(settings, store, None).unwrap();
    let session = Session::with_provider(
        cache,
        AnyProvider::connect(provider, common::sandbox_connection(&info)).unwrap(),
    );
    session.sync(Default::default()).await.unwrap();
    (sandbox, dir, session)
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_sync_the_account_knows_its_own_staff_member_and_asks_once() {
    let (sandbox, _dir, session) = synced(Dialect::MyCase).await;
    let store = session.store();
    let mine = me::my_staff(store).unwrap().expect("known after the sync");
    let dump: serde_json::Value =
        casefile_providers::http::client(std::time::Duration::from_secs(30))
            .unwrap()
            .get(format!("{}/admin/dump", sandbox.info().base_url))
            .bearer_auth(&sandbox.info().admin_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let server_me = dump["me"].as_i64().expect("the sandbox's /v1/me");
    assert_eq!(
        store
            .local_id_for(Kind::Staff, &RemoteId(server_me.to_string()))
            .unwrap(),
        Some(mine),
        "the staff member /v1/me names"
    );
    // Known now: the next sync does not ask again.
    let before = session.provider().request_count();
    me::learn(store, session.provider()).await.unwrap();
    assert_eq!(session.provider().request_count(), before);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_that_cannot_tell_leaves_it_unknown() {
    let (sandbox, _dir, session) = synced(Dialect::LegalServer).await;
    assert_eq!(me::my_staff(session.store()).unwrap(), None);
    sandbox.shutdown().await;
}
