//! Dropping files and folders into a case, offline: every file is sealed
//! into the blob store and queued before the drop returns, a folder keeps
//! its structure, a bad file is reported by name while the rest goes on, a
//! name clash is asked about once, and the tree and file list show the
//! queued uploads at once.

use std::path::PathBuf;

use casefile_core::documents::{self, Clash, DocumentState, DropOutcome};
use casefile_domain::entity::{Case, CaseStatus, Meta};
use casefile_domain::ids::AccountId;
use casefile_store::{CacheKey, Store};
use casefile_transfer::BlobStore;

struct Setup {
    _dir: tempfile::TempDir,
    files: tempfile::TempDir,
    store: Store,
    blobs: BlobStore,
    case: casefile_domain::ids::LocalId,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &AccountId("t".into())).unwrap();
    let blobs = BlobStore::open(&dir.path().join("blobs"), &CacheKey::generate().unwrap()).unwrap();
    let case = Case {
        meta: Meta::local(store.account()),
        name: "Smith v. Jones".into(),
        number: None,
        description: None,
        status: CaseStatus::Open,
        stage: None,
        practice_area: None,
        opened_on: None,
        closed_on: None,
        clients: vec![],
        companies: vec![],
        staff: vec![],
    };
    let id = case.meta.id;
    store.save(case, "created").unwrap();
    Setup {
        _dir: dir,
        files: tempfile::tempdir().unwrap(),
        store,
        blobs,
        case: id,
    }
}

impl Setup {
    fn file(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.files.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    async fn drop(&self, folder: &str, paths: &[PathBuf], clash: Option<Clash>) -> DropOutcome {
        documents::drop_files(
            &self.store,
            &self.blobs,
            &self.case,
            folder,
            paths,
            clash,
            true,
        )
        .await
        .unwrap()
    }
}

fn queued(outcome: DropOutcome) -> (usize, Vec<(String, String)>) {
    match outcome {
        DropOutcome::Queued {
            transfers,
            problems,
        } => (
            transfers.len(),
            problems.into_iter().map(|p| (p.name, p.message)).collect(),
        ),
        other => panic!("expected files queued, got {other:?}"),
    }
}

#[tokio::test]
async fn a_dropped_folder_keeps_its_tree_and_bad_files_are_reported_by_name() {
    let s = setup();
    s.file("Exhibits/a.pdf", b"exhibit a");
    s.file("Exhibits/Photos/b.jpg", b"photo b");
    s.file("Exhibits/Photos/c.jpg", b"photo c");
    let empty = s.file("empty.txt", b"");
    let missing = s.files.path().join("gone.pdf");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        s.files.path().join("Exhibits"),
        s.files.path().join("Exhibits/Photos/loop"),
    )
    .unwrap();
    // A link out of the dropped folder (to a file the user never chose), a
    // FIFO and a device file.
    let secret = s.file("private/id_rsa", b"not for the court");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, s.files.path().join("Exhibits/key.pdf")).unwrap();
        let fifo = s.files.path().join("Exhibits/pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        std::os::unix::fs::symlink("/dev/zero", s.files.path().join("Exhibits/zero")).unwrap();
    }

    let (n, problems) = queued(
        s.drop(
            "Pleadings",
            &[s.files.path().join("Exhibits"), empty, missing],
            None,
        )
        .await,
    );
    assert_eq!(n, 3, "the three real files are queued: {problems:?}");
    let names: Vec<&str> = problems.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"empty.txt") && names.contains(&"gone.pdf"),
        "{problems:?}"
    );
    #[cfg(unix)]
    {
        assert!(
            names.contains(&"loop"),
            "the link back into the tree is reported: {problems:?}"
        );
        let said = |name: &str| {
            problems
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, m)| m.clone())
                .unwrap_or_default()
        };
        assert!(
            said("key.pdf").contains("outside the dropped folder"),
            "{problems:?}"
        );
        assert!(
            said("zero").contains("outside the dropped folder"),
            "{problems:?}"
        );
        assert!(said("pipe").contains("not a regular file"), "{problems:?}");
    }
    let _ = secret;

    // The originals may go at once: the bytes are in the blob store.
    std::fs::remove_dir_all(s.files.path().join("Exhibits")).unwrap();

    let tree: Vec<(String, u32, u32)> = documents::folders(&s.store, &s.case)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.depth, f.documents))
        .collect();
    assert_eq!(
        tree,
        vec![
            ("".into(), 0, 0),
            ("Pleadings".into(), 1, 0),
            ("Pleadings/Exhibits".into(), 2, 1),
            ("Pleadings/Exhibits/Photos".into(), 3, 2),
        ]
    );
    let photos = documents::files(&s.store, &s.case, "Pleadings/Exhibits/Photos").unwrap();
    let shown: Vec<(&str, &DocumentState, Option<i64>)> = photos
        .iter()
        .map(|f| (f.name.as_str(), &f.state, f.size))
        .collect();
    assert_eq!(
        shown,
        vec![
            ("b.jpg", &DocumentState::Queued, Some(7)),
            ("c.jpg", &DocumentState::Queued, Some(7)),
        ]
    );
}

#[tokio::test]
async fn a_name_clash_is_asked_once_and_keep_both_numbers_the_new_file() {
    let s = setup();
    let brief = s.file("brief.pdf", b"first");
    queued(s.drop("", std::slice::from_ref(&brief), None).await);
    let again = s.file("again/brief.pdf", b"second");
    let other = s.file("again/notes.txt", b"notes");
    let asked = s.drop("", &[again.clone(), other.clone()], None).await;
    assert_eq!(
        asked,
        DropOutcome::Clashes {
            names: vec!["brief.pdf".into()],
            versions: true,
        },
        "nothing is queued until the user answers"
    );
    assert_eq!(s.store.transfers().unwrap().len(), 1);

    let (n, problems) = queued(
        s.drop("", &[again.clone(), other], Some(Clash::KeepBoth))
            .await,
    );
    assert_eq!((n, problems.len()), (2, 0));
    let names: Vec<String> = documents::files(&s.store, &s.case, "")
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, vec!["brief (2).pdf", "brief.pdf", "notes.txt"]);

    // A new version goes to the same path: still three files shown.
    let (n, _) = queued(s.drop("", &[again], Some(Clash::NewVersion)).await);
    assert_eq!(n, 1);
    assert_eq!(documents::files(&s.store, &s.case, "").unwrap().len(), 3);
    // Nothing was sent yet: the waiting upload takes the new bytes, so the
    // server gets one brief.pdf, not two.
    let briefs: Vec<_> = s
        .store
        .transfers()
        .unwrap()
        .into_iter()
        .filter(|t| t.path.as_deref() == Some("brief.pdf"))
        .collect();
    assert_eq!(briefs.len(), 1, "{briefs:?}");
    assert_eq!(briefs[0].size, Some(6), "the second version's bytes");
}

#[tokio::test]
async fn a_saved_copy_has_the_bytes_a_safe_name_and_never_replaces_a_file() {
    let s = setup();
    let brief = s.file("brief.pdf", b"the brief's bytes");
    queued(s.drop("", std::slice::from_ref(&brief), None).await);
    let sha = s.store.transfers().unwrap()[0].blob.clone().unwrap();
    let doc = casefile_domain::ids::LocalId::new();
    let out = tempfile::tempdir().unwrap();

    // Not downloaded yet: nothing to save.
    assert_eq!(
        documents::save_copy(&s.store, &s.blobs, &doc, out.path(), "brief.pdf").unwrap(),
        None
    );
    s.store
        .set_document_blob(&doc.to_string(), &sha, 17, None)
        .unwrap();
    let first = documents::save_copy(&s.store, &s.blobs, &doc, out.path(), "brief.pdf")
        .unwrap()
        .unwrap();
    assert_eq!(std::fs::read(&first).unwrap(), b"the brief's bytes");
    // The same name again is numbered, not overwritten; a name with a path in it stays in the folder.
    let second = documents::save_copy(&s.store, &s.blobs, &doc, out.path(), "brief.pdf")
        .unwrap()
        .unwrap();
    assert_eq!(second.file_name().unwrap(), "brief (2).pdf");
    let odd = documents::save_copy(&s.store, &s.blobs, &doc, out.path(), "../../etc/passwd")
        .unwrap()
        .unwrap();
    assert_eq!(odd.parent().unwrap(), out.path().canonicalize().unwrap());
    assert_eq!(std::fs::read(&first).unwrap(), b"the brief's bytes");
}

#[tokio::test]
async fn without_versions_a_clash_offers_only_keep_both_and_a_new_version_is_refused() {
    let s = setup();
    let brief = s.file("brief.pdf", b"first");
    queued(s.drop("", std::slice::from_ref(&brief), None).await);
    let again = s.file("again/brief.pdf", b"second");
    let drop = |clash| {
        documents::drop_files(
            &s.store,
            &s.blobs,
            &s.case,
            "",
            std::slice::from_ref(&again),
            clash,
            false,
        )
    };
    assert_eq!(
        drop(None).await.unwrap(),
        DropOutcome::Clashes {
            names: vec!["brief.pdf".into()],
            versions: false,
        }
    );
    let refused = drop(Some(Clash::NewVersion)).await.unwrap_err();
    assert_eq!(
        refused.class(),
        casefile_domain::error::ErrorCode::Validation
    );
    assert_eq!(
        s.store.transfers().unwrap().len(),
        1,
        "nothing more is queued"
    );
    let (n, _) = queued(drop(Some(Clash::KeepBoth)).await.unwrap());
    assert_eq!(n, 1);
}
