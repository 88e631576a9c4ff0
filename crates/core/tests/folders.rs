//! A case's folders against the sandbox over loopback HTTP: a folder made
//! on this laptop shows at once (waiting), is refused when its name is
//! taken, and is created on the server at the next document run; a walk
//! brings in the server's empty folders, so the tree shows them offline.

use std::sync::Arc;

mod common;

use casefile_core::{documents, folders, Cache, Session};
use casefile_domain::ids::{AccountId, LocalId};
use casefile_providers::documents::DocumentTransport;
use casefile_providers::AnyProvider;
use casefile_sandbox::SandboxConfig;
use casefile_store::{CacheKey, Store};
use casefile_transfer::BlobStore;

fn tree(store: &Store, case: &LocalId) -> Vec<(String, bool)> {
    documents::folders(store, case)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.pending))
        .collect()
}

#[tokio::test]
async fn folders_made_here_reach_the_server_and_the_servers_empty_folders_show() {
    let sandbox = casefile_sandbox::start(SandboxConfig::default())
        .await
        .unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &AccountId("t".into())).unwrap());
    let blobs = BlobStore::open(&dir.path().join("blobs"), &CacheKey::generate().unwrap()).unwrap();
    let settings = common::sandbox_settings(&info);
    let dialect = settings.provider;
    let cache = Cache::from_parts(settings, store.clone(), Some(blobs)).unwrap();
    let session = Session::with_provider(
        cache,
        AnyProvider::connect(dialect, common::sandbox_connection(&info)).unwrap(),
    );
    session.sync(Default::default()).await.unwrap();
    let case_id = store
        .cases(&casefile_store::query::cases::CaseQuery {
            limit: 1,
            ..Default::default()
        })
        .unwrap()
        .items
        .into_iter()
        .next()
        .unwrap()
        .id;
    let remote = store
        .get::<casefile_domain::entity::Case>(&case_id)
        .unwrap()
        .unwrap()
        .meta
        .remote_id
        .unwrap();

    // Made here: shown at once, waiting; a taken name is refused.
    let path = folders::new_folder(&store, &case_id, "", "Research").unwrap();
    assert_eq!(path, "Research");
    folders::new_folder(&store, &case_id, "Research", "Memos").unwrap();
    let refused = folders::new_folder(&store, &case_id, "", "research").unwrap_err();
    assert_eq!(
        refused.class(),
        casefile_domain::error::ErrorCode::Validation
    );
    for bad in ["", "  ", "a/b", ".."] {
        assert!(
            folders::new_folder(&store, &case_id, "", bad).is_err(),
            "{bad:?}"
        );
    }
    let shown = tree(&store, &case_id);
    assert!(shown.contains(&("Research".into(), true)), "{shown:?}");
    assert!(
        shown.contains(&("Research/Memos".into(), true)),
        "{shown:?}"
    );

    // The next document run creates them on the server.
    session.run_transfers().await.unwrap();
    let on_server = session.provider().case_folders(&remote).await.unwrap();
    assert!(
        on_server.contains(&"Research/Memos".to_owned()),
        "{on_server:?}"
    );
    assert!(store.pending_case_folders().unwrap().is_empty());

    // A folder another user made, empty, shows after a walk, offline too.
    session
        .provider()
        .create_folder(&remote, "Discovery/Empty")
        .await
        .unwrap();
    assert!(!tree(&store, &case_id)
        .iter()
        .any(|(p, _)| p == "Discovery/Empty"));
    session.refresh_case(&case_id).await.unwrap();
    sandbox.shutdown().await;
    let shown = tree(&store, &case_id);
    assert!(shown.contains(&("Discovery".into(), false)), "{shown:?}");
    assert!(
        shown.contains(&("Discovery/Empty".into(), false)),
        "{shown:?}"
    );
    assert!(shown.contains(&("Research".into(), false)), "{shown:?}");
    assert!(store
        .case_folders_walked_at(&case_id.to_string())
        .unwrap()
        .is_some());
}
