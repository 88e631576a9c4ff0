//! casefile-providers: how Casefile talks to practice-management APIs.
//!
//! Each provider declares its [`Capabilities`] so the sync engine can stay
//! provider-neutral; MyCase v1 is the first implementation ([`mycase`]).

pub mod capabilities;
pub mod error;
pub mod mycase;

pub use capabilities::{Capabilities, Paging, ResourceCaps, UploadStyle};
pub use error::ProviderError;
