//! A case's folder tree over real HTTP against the sandbox: the walk from
//! the case's root finds every folder, empty ones too, parents first; a
//! folder is made with its missing parents, and making it again is
//! harmless.

use std::sync::Arc;

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use casefile_providers::documents::DocumentTransport;
use casefile_providers::{
    AnyProvider, Auth, Connection, Credentials, MemorySecrets, Provider, ProviderId,
};
use casefile_sandbox::SandboxConfig;
use serde_json::Value;

#[tokio::test]
async fn a_cases_folders_are_walked_and_made_on_the_server() {
    let sandbox = casefile_sandbox::start(SandboxConfig::default())
        .await
        .unwrap();
    let info = sandbox.info().clone();
    let auth = Arc::new(Auth::new(Arc::new(MemorySecrets::default()), "t", None));
    auth.store_tokens(&info.access_token, None).unwrap();
    let provider = AnyProvider::connect(
        ProviderId::parse(&info.dialect).unwrap(),
        Connection {
            base_url: info.base_url.clone(),
            credentials: Credentials::Bearer(auth),
            rate_limit_per_s: Some(0),
            retry: Default::default(),
        },
    )
    .unwrap();
    assert!(provider.capabilities().folders);
    let page = provider.list_page(Kind::Case, None, None).await.unwrap();
    let case = match &page.items[0]["id"] {
        Value::Number(n) => RemoteId(n.to_string()),
        other => panic!("a case id, not {other}"),
    };

    let before = provider.case_folders(&case).await.unwrap();
    provider
        .create_folder(&case, "Casefile Test/Empty/Deeper")
        .await
        .unwrap();
    provider
        .create_folder(&case, "Casefile Test/Empty")
        .await
        .unwrap();
    let after = provider.case_folders(&case).await.unwrap();
    let new: Vec<&String> = after.iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(
        new,
        vec![
            "Casefile Test",
            "Casefile Test/Empty",
            "Casefile Test/Empty/Deeper"
        ],
        "each folder once, parents before children"
    );
    sandbox.shutdown().await;
}
