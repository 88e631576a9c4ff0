//! The read queries the UI needs. All are paged and sorted in SQL and run on
//! reader connections, never on the writer.

pub mod cases;
pub mod edit_state;
pub mod events;
pub mod filters;
pub mod folders;
pub mod search;
pub mod tasks;

use serde::Serialize;

/// A page of results with the total number of matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub offset: u32,
    pub limit: u32,
}

/// Page bounds with a sane ceiling, so no query can ask for everything at once.
pub fn clamp_limit(limit: u32) -> u32 {
    limit.clamp(1, 500)
}
