//! A token endpoint that accepts the connection and never answers must not
//! stall the account: the refresh (which every request of the account waits
//! for, single-flight) fails in bounded time with a retryable network
//! error, and releases the lock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use casefile_providers::{Auth, MemorySecrets, OAuthClient, ProviderError, SecretStore};
use tokio::net::TcpListener;

/// A loopback "server" that takes connections and says nothing.
async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/tokens", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    (url, task)
}

#[tokio::test]
async fn a_token_endpoint_that_never_answers_fails_the_refresh_in_bounded_time() {
    let (token_url, server) = silent_server().await;
    let secrets = Arc::new(MemorySecrets::default());
    secrets.set("acct/refresh_token", "r1").unwrap();
    secrets.set("acct/access_token", "a1").unwrap();
    let auth = Auth::new(
        secrets,
        "acct",
        Some(OAuthClient {
            token_url,
            client_id: "id".into(),
            client_secret: "secret".into(),
        }),
    )
    .with_token_timeout(Duration::from_millis(800));
    let (generation, _) = auth.access().unwrap();
    let started = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(20), auth.refresh_after_401(generation))
        .await
        .expect("the refresh must not hang");
    let waited = started.elapsed();
    match result {
        Err(e @ ProviderError::Network(_)) => assert!(e.is_retryable(), "{e}"),
        other => panic!("expected a network timeout, got {other:?}"),
    }
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    // The lock is released: a second refresh is not stuck behind the first.
    let again = tokio::time::timeout(Duration::from_secs(20), auth.refresh_after_401(generation))
        .await
        .expect("a second refresh must not hang");
    assert!(again.is_err());
    server.abort();
}
