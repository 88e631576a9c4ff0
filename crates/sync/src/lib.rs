//! casefile-sync: moves data both ways between a provider and the local cache.
//!
//! [`pull`] brings server pages into the cache, resumably; [`push`] replays
//! the outbox, retry-safely; [`reconcile`] finds server deletions; the
//! [`engine::Engine`] runs them one at a time per account, periodically and
//! on demand, cancellably, and reports [`status::SyncStatus`]. The decisions
//! are pure tables in [`policy`]; [`case_documents`] writes a case's
//! documents from a provider that lists them one case at a time. Nothing here knows which provider it
//! talks to (that is [`casefile_providers::Provider`] and its
//! capabilities), nor anything about accounts, secrets or front ends
//! (casefile-core).

pub mod case_documents;
pub mod engine;
pub mod error;
mod id_cache;
pub mod in_doubt;
mod page_writer;
pub mod policy;
pub mod pull;
pub mod push;
pub mod reconcile;
mod resolver;
pub mod status;

pub use engine::{Engine, SyncOptions, SyncReport};
pub use error::SyncError;
pub use pull::{pull, PageProgress, PullReport, ResourceReport, Syncer};
pub use push::{push, PushReport};
pub use status::{Phase, SyncStatus};
