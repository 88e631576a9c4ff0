//! LegalServer's Core API v1: users, contacts, organizations, matters,
//! events and tasks, found by UUID under `/api/v1/`, searched page by page
//! (`page_number`, `page_size`) in LegalServer's envelope, with a personal
//! access token as Bearer and pacing from its `x-rate-limit-*` headers.
//! v1 has no "changed since" filter, so every pull walks each resource
//! whole, and deletions are found by id sets.
//!
//! Events and tasks are written (`POST`, partial `PATCH`; v1 deletes
//! neither). An event's create is keyed by its `external_id`. Both are
//! Premium endpoints: without the subscription the server answers 402,
//! which the engine holds as "needs LegalServer's Premium APIs", not as a
//! refusal. Documents go up in one multipart request and are listed one
//! matter at a time ([`documents`]); a matter's case notes are read, one
//! matter at a time too ([`notes`]).

mod client;
mod documents;
mod encode;
mod map;
mod notes;
mod provider;

pub use client::{LegalServer, PAGE_SIZE, PREMIUM, RATE_LIMIT_PER_MINUTE};
