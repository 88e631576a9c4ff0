//! LegalServer's Core API v1, read side: users, contacts, organizations,
//! matters, events and tasks, found by UUID under `/api/v1/`, searched page
//! by page (`page_number`, `page_size`) in LegalServer's envelope, with a
//! personal access token as Bearer and pacing from its `x-rate-limit-*`
//! headers. v1 has no "changed since" filter, so every pull walks each
//! resource whole, and deletions are found by id sets.
//!
//! Still to come: writes (PATCH, creates keyed by `external_id`, Premium's
//! 402 as a capability the account learns), documents and notes. Until
//! then its capabilities declare every kind read-only, and the core
//! refuses edits with that reason.

mod client;
mod map;
mod provider;

pub use client::{LegalServer, PAGE_SIZE, RATE_LIMIT_PER_MINUTE};
