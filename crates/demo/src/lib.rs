//! casefile-demo: a deterministic, realistic law firm, emitted record by
//! record in the exact shape MyCase's API returns (integer ids, nested
//! `{"id": …}` references, ISO 8601 times with offsets).
//!
//! The sandbox loads it as its demo firm and as benchmark data. The same seed
//! and parameters always produce the same bytes: a seeded ChaCha stream, no
//! hash-map ordering, and `now` passed in rather than read from the clock.
//!
//! All-day events: the contract does not say how their end is written. We
//! write `start` and `end` as plain dates with an INCLUSIVE end (a one-day
//! event has start == end), as MyCase's own UI shows them; the client maps
//! that to its exclusive-end date range.

mod docs;
mod names;
mod people;
mod schedule;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

/// How big a firm to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoParams {
    pub seed: u64,
    pub staff: usize,
    pub clients: usize,
    pub companies: usize,
    pub cases: usize,
    pub events: usize,
    pub tasks: usize,
    pub documents: usize,
    pub now: DateTime<Utc>,
}

impl DemoParams {
    /// A small firm that looks real: a dozen staff, ~60 clients and companies,
    /// ~40 cases, several months of events, tasks and filed documents.
    pub fn small_firm(seed: u64, now: DateTime<Utc>) -> Self {
        Self {
            seed,
            staff: 12,
            clients: 45,
            companies: 15,
            cases: 40,
            events: 180,
            tasks: 90,
            documents: 120,
            now,
        }
    }

    /// A large data set for benchmarks, with people scaled to the case count.
    pub fn scaled(
        cases: usize,
        events: usize,
        tasks: usize,
        documents: usize,
        seed: u64,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            seed,
            staff: 12 + cases / 250,
            clients: (cases * 3 / 4).max(45),
            companies: (cases / 4).max(15),
            cases,
            events,
            tasks,
            documents,
            now,
        }
    }
}

/// The kinds of record, in the order they are emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    Firm,
    Staff,
    PracticeArea,
    CaseStage,
    Location,
    Client,
    Company,
    Case,
    Folder,
    Document,
    Event,
    Task,
}

/// Receives the firm, record by record, in dependency order.
pub trait Sink {
    type Error;
    /// A record in the shape the MyCase contract's GET returns for it.
    fn record(&mut self, resource: Resource, record: Value) -> Result<(), Self::Error>;
    /// A document's metadata (the shape of GET /v1/documents/{id}) and its bytes.
    fn document(&mut self, record: Value, content: Vec<u8>) -> Result<(), Self::Error>;
}

/// Collects everything in memory (for tests and small tools).
#[derive(Debug, Default)]
pub struct CollectSink {
    pub records: Vec<(Resource, Value)>,
    pub documents: Vec<(Value, Vec<u8>)>,
}

impl Sink for CollectSink {
    type Error = std::convert::Infallible;
    fn record(&mut self, resource: Resource, record: Value) -> Result<(), Self::Error> {
        self.records.push((resource, record));
        Ok(())
    }
    fn document(&mut self, record: Value, content: Vec<u8>) -> Result<(), Self::Error> {
        self.documents.push((record, content));
        Ok(())
    }
}

impl CollectSink {
    pub fn of(&self, resource: Resource) -> impl Iterator<Item = &Value> {
        self.records
            .iter()
            .filter(move |(r, _)| *r == resource)
            .map(|(_, v)| v)
    }
}

/// Generates the firm described by `params` into `sink`.
pub fn generate<S: Sink>(params: &DemoParams, sink: &mut S) -> Result<(), S::Error> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let firm = people::generate(params, &mut rng, sink)?;
    let cases = schedule::cases(params, &firm, &mut rng, sink)?;
    docs::generate(params, &cases, &mut rng, sink)?;
    schedule::events(params, &firm, &cases, &mut rng, sink)?;
    schedule::tasks(params, &firm, &cases, &mut rng, sink)?;
    Ok(())
}
