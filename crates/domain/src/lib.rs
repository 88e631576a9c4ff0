//! casefile-domain: the provider-neutral vocabulary of Casefile.
//!
//! Entities are what the UI shows and the sync engine moves, independent of
//! any practice-management API: every row has a stable local id, the account
//! it belongs to, and the provider's remote id (none until it exists
//! remotely). Fields a provider sends that we do not model travel in `extra`,
//! so nothing a server sends is lost. The time model lives in [`time`].

pub mod entity;
pub mod error;
pub mod ids;
pub mod note;
pub mod record;
pub mod time;
