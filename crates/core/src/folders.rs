//! A case's folders beyond its documents' paths: the server's own tree
//! (empty folders too), walked when a case is opened online and for every
//! pinned case after each sync, and cached so it browses offline; and
//! folders made on this laptop, kept at once and created on the server at
//! the next document run. A provider without folders of its own
//! (`capabilities.folders` false) has only the folders documents name.
//!
//! A provider that lists documents one case at a time
//! (`capabilities.documents_per_case`) has its case's documents brought in
//! the same way (on open, for pinned cases after each sync) and after an
//! upload to the case finishes, since no sync brings them. Its case notes,
//! where the provider keeps them, come in with them ([`crate::notes`]).

use casefile_domain::entity::Case;
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_providers::documents::DocumentTransport;
use casefile_providers::Provider;
use casefile_store::Store;

use crate::edits::EditError;
use crate::{CoreError, Session};

/// The longest folder name most file systems take, in bytes.
const MAX_NAME: usize = 255;

fn refuse(message: impl Into<String>) -> CoreError {
    CoreError::Edit(EditError::Invalid {
        field: "name",
        message: message.into(),
    })
}

/// Makes the folder `name` inside `parent` ("" for the case's root) on
/// this laptop; it is created on the server at the next document run.
/// Returns its path. A name that is empty, holds a slash, or is taken
/// (compared without case, as the server and most desktops do) is refused.
pub fn new_folder(
    store: &Store,
    case: &LocalId,
    parent: &str,
    name: &str,
) -> Result<String, CoreError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(refuse("Give the folder a name."));
    }
    if name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Err(refuse(
            "A folder name cannot hold a slash or control characters.",
        ));
    }
    if name == "." || name == ".." {
        return Err(refuse("That name is kept for the file system."));
    }
    if name.len() > MAX_NAME {
        return Err(refuse("That name is too long for a folder."));
    }
    let parent = parent.trim_matches('/');
    let path = if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}/{name}")
    };
    let wanted = path.to_lowercase();
    if crate::documents::folders(store, case)?
        .iter()
        .any(|f| f.path.to_lowercase() == wanted)
    {
        return Err(refuse(format!("A folder named {name} is already here.")));
    }
    store.add_case_folder(&case.to_string(), &path)?;
    Ok(path)
}

pub(crate) fn remote_of(store: &Store, case: &str) -> Result<Option<RemoteId>, CoreError> {
    let Ok(id) = LocalId::parse(case) else {
        return Ok(None);
    };
    Ok(store.get::<Case>(&id)?.and_then(|c| c.meta.remote_id))
}

impl Session {
    fn has_folders(&self) -> bool {
        self.cache.blobs.is_some() && self.provider().capabilities().folders
    }

    fn lists_documents(&self) -> bool {
        self.cache.blobs.is_some() && self.provider().capabilities().documents_per_case
    }

    /// Walks a case's folders on the server and caches them, and brings in
    /// its documents where they are listed one case at a time. Nothing for
    /// a case the server does not have yet.
    pub async fn refresh_case(&self, case: &LocalId) -> Result<(), CoreError> {
        let (folders, documents) = (self.has_folders(), self.lists_documents());
        let notes = self.keeps_notes();
        if !folders && !documents && !notes {
            return Ok(());
        }
        let case_text = case.to_string();
        let Some(remote) = remote_of(self.store(), &case_text)? else {
            return Ok(());
        };
        if folders {
            let paths = self.provider().case_folders(&remote).await?;
            self.store().replace_case_folders(&case_text, paths)?;
        }
        if documents {
            let items = self.provider().case_documents(&remote).await?;
            let provider = self.provider().as_ref();
            casefile_sync::case_documents::apply(
                self.store(),
                provider,
                self.cache.zone,
                case,
                items,
            )
            .await?;
            if !folders {
                // No server folders to keep; this notes when the case was last brought in.
                self.store().replace_case_folders(&case_text, Vec::new())?;
            }
        }
        if notes {
            self.read_case_notes(&case_text, &remote).await?;
        }
        Ok(())
    }

    /// Refreshes every pinned case (after a sync); one that fails is
    /// logged and the rest go on, unless the server is gone.
    pub async fn refresh_pinned_cases(&self) -> Result<(), CoreError> {
        let cases = self.store().pinned_cases()?;
        self.refresh_each(cases).await
    }

    /// Brings in the documents of the cases whose finished uploads have none
    /// here yet (a provider whose sync does not bring documents).
    pub async fn refresh_uploaded_cases(&self) -> Result<(), CoreError> {
        if !self.lists_documents() {
            return Ok(());
        }
        let store = self.store();
        let mut cases = std::collections::BTreeSet::new();
        for t in store.transfers()? {
            let Some(remote) = &t.remote_document else {
                continue;
            };
            if t.direction == casefile_store::transfers::Direction::Upload
                && t.state == casefile_store::transfers::TransferState::Done
                && store
                    .local_id_for(
                        casefile_domain::entity::Kind::Document,
                        &RemoteId(remote.clone()),
                    )?
                    .is_none()
            {
                cases.insert(t.case_id.clone());
            }
        }
        self.refresh_each(cases.into_iter().collect()).await
    }

    async fn refresh_each(&self, cases: Vec<String>) -> Result<(), CoreError> {
        if !self.has_folders() && !self.lists_documents() && !self.keeps_notes() {
            return Ok(());
        }
        for case in cases {
            let Ok(id) = LocalId::parse(&case) else {
                continue;
            };
            if let Err(e) = self.refresh_case(&id).await {
                tracing::info!(code = %e.class(), "a case's folders or documents could not be brought in");
                if e.class() == casefile_domain::error::ErrorCode::Offline {
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Creates on the server the folders made on this laptop. Stops at the
    /// first failure; what is left waits for the next run. How many were made.
    pub async fn push_folders(&self) -> Result<usize, CoreError> {
        if !self.has_folders() {
            return Ok(0);
        }
        let mut made = 0;
        for (case, path) in self.store().pending_case_folders()? {
            let Some(remote) = remote_of(self.store(), &case)? else {
                continue;
            };
            self.provider().create_folder(&remote, &path).await?;
            self.store().case_folder_created(&case, &path)?;
            made += 1;
        }
        Ok(made)
    }
}
