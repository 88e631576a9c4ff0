//! MyCase v1: the HTTP client, the paging links, and the mapping of its JSON
//! into Casefile's provider-neutral entities.

pub mod client;
pub mod link;
pub mod map;

pub use client::{ListPage, MyCase};
