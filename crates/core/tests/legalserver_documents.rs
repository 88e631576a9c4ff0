//! Documents on a LegalServer account, against the sandbox in its dialect
//! over loopback HTTP: opening a case brings in its documents (LegalServer
//! lists them one matter at a time, so no sync does); a dropped file goes
//! up in one multipart request and shows in the case as synced without a
//! refresh by hand; its bytes come back byte for byte; an upload whose
//! answer is lost after the server kept it leaves exactly one document;
//! and a document deleted on the server goes from the case at the next
//! refresh.

use std::sync::Arc;

mod common;

use casefile_core::documents::{self, DocumentState, DropOutcome};
use casefile_core::{Cache, Session};
use casefile_domain::entity::{Case, Document};
use casefile_domain::ids::{AccountId, LocalId};
use casefile_providers::documents::DocumentTransport;
use casefile_providers::AnyProvider;
use casefile_sandbox::{Dialect, FaultConfig, RunningSandbox, SandboxConfig};
use casefile_store::{CacheKey, Store};
use casefile_transfer::BlobStore;

struct Firm {
    sandbox: RunningSandbox,
    dir: tempfile::TempDir,
    store: Arc<Store>,
    session: Session,
    case: LocalId,
}

async fn firm(faults: FaultConfig) -> Firm {
    let sandbox = casefile_sandbox::start(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(0)
            .with_faults(faults),
    )
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
    let case = store
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
    Firm {
        sandbox,
        dir,
        store,
        session,
        case,
    }
}

impl Firm {
    fn files(&self) -> Vec<documents::DocumentEntry> {
        documents::files(&self.store, &self.case, "").unwrap()
    }

    fn remote_case(&self) -> casefile_domain::ids::RemoteId {
        self.store
            .get::<Case>(&self.case)
            .unwrap()
            .unwrap()
            .meta
            .remote_id
            .unwrap()
    }

    async fn on_server(&self) -> Vec<serde_json::Value> {
        self.session
            .provider()
            .case_documents(&self.remote_case())
            .await
            .unwrap()
    }

    async fn drop_file(&self, name: &str, bytes: &[u8]) {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let blobs = self.session.cache.blobs.as_ref().unwrap();
        let outcome =
            documents::drop_files(&self.store, blobs, &self.case, "", &[path], None, false)
                .await
                .unwrap();
        assert!(
            matches!(outcome, DropOutcome::Queued { ref transfers, .. } if transfers.len() == 1)
        );
    }

    async fn set_faults(&self, faults: &FaultConfig) {
        let info = self.sandbox.info();
        let response = reqwest::Client::new()
            .put(format!("{}/admin/faults", info.base_url))
            .bearer_auth(&info.admin_token)
            .json(faults)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }
}

fn bytes(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[tokio::test]
async fn a_case_opened_online_lists_its_documents_and_a_drop_goes_up_and_comes_back() {
    let f = firm(FaultConfig::default()).await;
    // The sync brings no documents: LegalServer lists them per matter.
    let here = || f.store.case_document_listing(&f.case.to_string()).unwrap();
    assert!(here().is_empty());
    let listed = f.on_server().await.len();
    assert!(listed > 0, "the demo matter has documents");
    f.session.refresh_case(&f.case).await.unwrap();
    assert_eq!(here().len(), listed);
    assert!(f.files().iter().all(|e| e.state == DocumentState::Synced));
    assert!(
        f.store
            .case_folders_walked_at(&f.case.to_string())
            .unwrap()
            .is_some(),
        "the case shows when it was last brought in"
    );

    let sent = bytes(700_001, 3);
    f.drop_file("Retainer.pdf", &sent).await;
    let report = f.session.run_transfers().await.unwrap();
    assert_eq!((report.done, report.failed), (1, 0));
    // In the case at once, synced, with no refresh by hand.
    let entry = f
        .files()
        .into_iter()
        .find(|e| e.name == "Retainer.pdf")
        .expect("the upload is listed");
    assert!(entry.document.is_some(), "{entry:?}");
    assert_eq!(entry.state, DocumentState::Synced);
    assert_eq!(entry.size, Some(sent.len() as i64));
    let titled: Vec<_> = f
        .on_server()
        .await
        .into_iter()
        .filter(|d| d["title"] == "Retainer.pdf")
        .collect();
    assert_eq!(titled.len(), 1);

    // Its bytes come back as they went.
    let doc = LocalId::parse(entry.document.as_deref().unwrap()).unwrap();
    let dest = tempfile::tempdir().unwrap();
    let id = casefile_transfer::add_download(&f.store, &doc, None).unwrap();
    f.session.run_transfers().await.unwrap();
    let t = f.store.transfer(&id).unwrap().unwrap();
    assert_eq!(
        t.state,
        casefile_store::transfers::TransferState::Done,
        "{:?}",
        t.last_error
    );
    let blobs = f.session.cache.blobs.as_ref().unwrap();
    let copy = documents::local_copy(&f.store, blobs, &doc, dest.path())
        .unwrap()
        .expect("a local copy");
    assert_eq!(std::fs::read(copy).unwrap(), sent);

    // Deleted on the server (another user): gone here at the next refresh.
    let (_, number) = casefile_sandbox::legalserver::record_of(
        &f.store
            .get::<Document>(&doc)
            .unwrap()
            .unwrap()
            .meta
            .remote_id
            .unwrap()
            .0,
    )
    .unwrap();
    let info = f.sandbox.info();
    let response = reqwest::Client::new()
        .delete(format!(
            "{}/admin/records/documents/{number}",
            info.base_url
        ))
        .bearer_auth(&info.admin_token)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    f.session.refresh_case(&f.case).await.unwrap();
    assert!(f.files().iter().all(|e| e.name != "Retainer.pdf"));
    assert!(f.store.get::<Document>(&doc).unwrap().is_none());
    f.sandbox.shutdown().await;
}

#[tokio::test]
async fn an_upload_whose_answer_is_lost_leaves_exactly_one_document() {
    let f = firm(FaultConfig::default()).await;
    f.session.refresh_case(&f.case).await.unwrap();
    let before = f.on_server().await.len();
    f.drop_file("Lost answer.txt", &bytes(50_000, 9)).await;
    // The server keeps the upload, then the connection drops.
    f.set_faults(&FaultConfig {
        drop_after_commit_rate: 1.0,
        ..FaultConfig::default()
    })
    .await;
    let report = f.session.run_transfers().await.unwrap();
    assert_eq!(report.failed, 1);
    assert_eq!(f.on_server().await.len(), before + 1, "the server kept it");

    f.set_faults(&FaultConfig::default()).await;
    f.store
        .retry_waiting_transfers(&chrono::Utc::now().to_rfc3339())
        .unwrap();
    let report = f.session.run_transfers().await.unwrap();
    assert_eq!((report.done, report.failed), (1, 0));
    let on_server = f.on_server().await;
    assert_eq!(on_server.len(), before + 1, "found again, not sent twice");
    let entries: Vec<_> = f
        .files()
        .into_iter()
        .filter(|e| e.name == "Lost answer.txt")
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].state, DocumentState::Synced);
    f.sandbox.shutdown().await;
}
