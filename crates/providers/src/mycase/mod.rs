//! MyCase v1: the HTTP client, the paging links, the mapping of its JSON
//! into Casefile's provider-neutral entities and back, and its
//! [`crate::Provider`] implementation.

pub mod client;
mod documents;
pub mod encode;
mod folders;
pub mod link;
pub mod map;
mod provider;

pub use crate::provider::ListPage;
pub use client::{ClientOptions, MyCase};
