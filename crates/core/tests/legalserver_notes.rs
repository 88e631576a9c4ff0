//! Case notes on a LegalServer account, against the sandbox in its dialect
//! over loopback HTTP: opening a case reads its notes (LegalServer keeps
//! them one matter at a time, so no sync does), in the server's order; a
//! note made on the server since comes in at the next open; and with the
//! server gone the notes read last still show, the refresh failing as
//! offline rather than emptying them.

use std::sync::Arc;

mod common;

use casefile_core::{Cache, Session};
use casefile_domain::entity::Case;
use casefile_domain::ids::{AccountId, LocalId};
use casefile_providers::AnyProvider;
use casefile_sandbox::{Dialect, SandboxConfig};
use casefile_store::Store;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn a_cases_notes_come_in_on_open_and_read_offline_afterwards() {
    let sandbox = casefile_sandbox::start(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(0),
    )
    .await
    .unwrap();
    let info = sandbox.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &AccountId("t".into())).unwrap());
    let settings = common::sandbox_settings(&info);
    let dialect = settings.provider;
    let cache = Cache::from_parts(settings, store.clone(), None).unwrap();
    let session = Session::with_provider(
        cache,
        AnyProvider::connect(dialect, common::sandbox_connection(&info)).unwrap(),
    );
    assert!(session.keeps_notes(), "LegalServer keeps case notes");
    session.sync(Default::default()).await.unwrap();
    let cases = store
        .cases(&casefile_store::query::cases::CaseQuery {
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .items;
    let http = casefile_providers::http::client(std::time::Duration::from_secs(30)).unwrap();
    // The first case the server keeps notes for, and those notes.
    let mut found: Option<(LocalId, String, Vec<Value>)> = None;
    for row in cases {
        let remote = store
            .get::<Case>(&row.id)
            .unwrap()
            .unwrap()
            .meta
            .remote_id
            .unwrap();
        let listed: Value = http
            .get(format!(
                "{}/api/v1/matters/{}/notes",
                info.base_url, remote.0
            ))
            .bearer_auth(&info.access_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let data = listed["data"].as_array().unwrap().clone();
        if !data.is_empty() {
            found = Some((row.id, remote.0, data));
            break;
        }
    }
    let (case, _remote, server) = found.expect("a case with notes on the server");
    let key = case.to_string();
    assert_eq!(
        store.case_notes(&key).unwrap(),
        (vec![], None),
        "none before the case is opened"
    );

    session.refresh_case_notes(&case).await.unwrap();
    let (notes, read_at) = store.case_notes(&key).unwrap();
    assert!(read_at.is_some());
    let subjects: Vec<&str> = notes.iter().map(|n| n.subject.as_str()).collect();
    let on_server: Vec<&str> = server
        .iter()
        .map(|n| n["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, on_server, "the server's notes, in its order");
    assert!(notes
        .iter()
        .all(|n| n.author.is_some() && n.posted_on.is_some()));

    // A note made on LegalServer since comes in at the next open, last.
    let case_number = server[0]["matter_id"]
        .as_i64()
        .expect("the note names its matter");
    let added = http
        .post(format!("{}/admin/notes/{case_number}", info.base_url))
        .bearer_auth(&info.admin_token)
        .json(&json!({"subject": "Hearing moved", "body": "To 3 pm.\nCourtroom 4.", "note_type": "Case Note"}))
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success());
    session.refresh_case(&case).await.unwrap();
    let (notes, _) = store.case_notes(&key).unwrap();
    assert_eq!(notes.len(), server.len() + 1);
    assert_eq!(notes.last().unwrap().body, "To 3 pm.\nCourtroom 4.");

    // The server goes: the refresh says offline, and the notes stay.
    sandbox.shutdown().await;
    let err = session.refresh_case_notes(&case).await.unwrap_err();
    assert!(
        matches!(err.class(), casefile_domain::error::ErrorCode::Offline),
        "{err:?}"
    );
    assert_eq!(store.case_notes(&key).unwrap().0, notes);
}
