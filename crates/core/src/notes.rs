//! A case's notes, where the provider keeps them, read-only: read whole from
//! the server when the case is opened online and with each pinned case's
//! refresh, and cached, so an opened or pinned case's notes read offline.
//! A provider without notes (`capabilities.case_notes` false) has none
//! to show, and the window shows no notes at all for it.

use casefile_domain::ids::{LocalId, RemoteId};
use casefile_providers::Provider;

use crate::{CoreError, Session};

impl Session {
    /// Whether the account's provider keeps case notes.
    pub fn keeps_notes(&self) -> bool {
        self.provider().capabilities().case_notes
    }

    /// Reads a case's notes from the server now and caches them. Nothing
    /// for a case the server does not have yet, or a provider without notes.
    pub async fn refresh_case_notes(&self, case: &LocalId) -> Result<(), CoreError> {
        if !self.keeps_notes() {
            return Ok(());
        }
        let case_text = case.to_string();
        let Some(remote) = crate::folders::remote_of(self.store(), &case_text)? else {
            return Ok(());
        };
        self.read_case_notes(&case_text, &remote).await
    }

    pub(crate) async fn read_case_notes(
        &self,
        case: &str,
        remote: &RemoteId,
    ) -> Result<(), CoreError> {
        let notes = self.provider().case_notes(remote).await?;
        self.store().replace_case_notes(case, notes)?;
        Ok(())
    }
}
