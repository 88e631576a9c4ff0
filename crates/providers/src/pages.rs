//! One way to walk a resource's pages, for every caller: the pull, the
//! search for an in-doubt create, the id-set reconciliation and the
//! benchmarks. It follows each cursor at once (links expire), and when a
//! cursor has expired it starts the walk again from the first page, a
//! bounded number of times.

use casefile_domain::entity::Kind;
use chrono::{DateTime, Utc};

use crate::error::ProviderError;
use crate::provider::{ListPage, Provider};

/// How often one walk may start over after an expired cursor.
const RESTARTS: u32 = 3;

/// The pages of one resource, one at a time.
pub struct Pages<'a, P> {
    provider: &'a P,
    kind: Kind,
    updated_after: Option<DateTime<Utc>>,
    cursor: Option<String>,
    done: bool,
    restarts: u32,
    requests: u32,
}

impl<'a, P: Provider> Pages<'a, P> {
    /// A walk of `kind` changed since `updated_after` (all, when none),
    /// starting at `cursor` (a saved checkpoint) or at the first page.
    pub fn new(
        provider: &'a P,
        kind: Kind,
        updated_after: Option<DateTime<Utc>>,
        cursor: Option<String>,
    ) -> Self {
        Self {
            provider,
            kind,
            updated_after,
            cursor,
            done: false,
            restarts: 0,
            requests: 0,
        }
    }

    /// Requests made so far by this walk.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The next page, or none when the walk is complete.
    pub async fn next_page(&mut self) -> Result<Option<ListPage>, ProviderError> {
        if self.done {
            return Ok(None);
        }
        loop {
            self.requests += 1;
            match self
                .provider
                .list_page(self.kind, self.updated_after, self.cursor.as_deref())
                .await
            {
                Err(e)
                    if self.cursor.is_some()
                        && self.restarts < RESTARTS
                        && self.provider.is_expired_link(&e) =>
                {
                    tracing::info!(
                        resource = self.kind.plural(),
                        "page link expired; starting the walk again"
                    );
                    self.restarts += 1;
                    self.cursor = None;
                }
                Err(e) => return Err(e),
                Ok(page) => {
                    self.cursor = page.next.clone();
                    self.done = page.next.is_none();
                    return Ok(Some(page));
                }
            }
        }
    }
}
