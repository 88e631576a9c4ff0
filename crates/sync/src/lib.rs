//! casefile-sync: moves data between a provider and the local cache.
//!
//! So far: the pull ([`pull::pull`]), resumable page by page. Push, merge,
//! retries and the engine's scheduling are the next steps (issue 5).

pub mod error;
pub mod pull;
mod resolver;

pub use error::SyncError;
pub use pull::{pull, PullReport, ResourceReport};
