//! The pull: resources in dependency order, `page_size=1000`, each page
//! committed together with its checkpoint (DESIGN invariant 3).
//!
//! - The first page is filtered by the server-time watermark minus a
//!   lookback, never by this laptop's clock.
//! - Each next link is followed at once (MyCase links expire). The link is
//!   the checkpoint's cursor, so a killed sync resumes at the next page; an
//!   expired link restarts the walk from the watermark.
//! - The watermark moves only when a walk completes, so an interrupted walk
//!   can never skip records.
//! - A record that cannot be mapped is quarantined with its reason; the rest
//!   of its page is applied. Rows with pending local edits are not
//!   overwritten: the store moves their mirror and reports them for merging.
//! - The network is only ever awaited between transactions.

use casefile_domain::entity::{Case, Client, Company, Event, Location, Staff, Task};
use casefile_domain::ids::{AccountId, LocalId};
use casefile_providers::mycase::map::{self, Context, MapError};
use casefile_providers::mycase::MyCase;
use casefile_providers::ProviderError;
use casefile_store::{CaseStage, Checkpoint, Entity, PracticeArea, Store};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::error::SyncError;
use crate::resolver::StoreResolver;

/// How far before the watermark an incremental pull starts, to catch records
/// committed out of order around it.
pub const LOOKBACK: Duration = Duration::minutes(5);

/// What the pull did for one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceReport {
    pub resource: &'static str,
    pub requests: u32,
    pub applied: usize,
    pub quarantined: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    pub resources: Vec<ResourceReport>,
    /// Rows with pending local edits whose server copy changed.
    pub needs_merge: Vec<LocalId>,
}

impl PullReport {
    pub fn requests(&self) -> u32 {
        self.resources.iter().map(|r| r.requests).sum()
    }
    pub fn applied(&self) -> usize {
        self.resources.iter().map(|r| r.applied).sum()
    }
}

type Mapper<E> = fn(&Value, &Context<'_>) -> Result<E, MapError>;

/// Pulls every resource the cache holds from MyCase into `store`.
pub async fn pull(store: &Store, client: &MyCase, zone: Tz) -> Result<PullReport, SyncError> {
    let account = store.account().clone();
    let mut report = PullReport::default();
    macro_rules! step {
        ($resource:literal, $ty:ty, $map:expr) => {
            pull_resource::<$ty>(store, client, &account, zone, $resource, $map, &mut report)
                .await?
        };
    }
    step!("staff", Staff, map::staff);
    step!("practice_areas", PracticeArea, |v, c| map::named(v, c)
        .map(PracticeArea));
    step!("case_stages", CaseStage, |v, c| map::named(v, c)
        .map(CaseStage));
    step!("locations", Location, map::location);
    step!("clients", Client, map::client);
    step!("companies", Company, map::company);
    step!("cases", Case, map::case);
    step!("events", Event, map::event);
    step!("tasks", Task, map::task);
    Ok(report)
}

async fn pull_resource<E: Entity>(
    store: &Store,
    client: &MyCase,
    account: &AccountId,
    zone: Tz,
    resource: &'static str,
    map: Mapper<E>,
    report: &mut PullReport,
) -> Result<(), SyncError> {
    let mut out = ResourceReport {
        resource,
        ..Default::default()
    };
    let saved = store.checkpoint(resource)?;
    let watermark = saved.as_ref().and_then(|c| c.watermark.clone());
    let updated_after = watermark
        .as_deref()
        .and_then(|w| DateTime::parse_from_rfc3339(w).ok())
        .map(|w| (w.with_timezone(&Utc) - LOOKBACK).to_rfc3339_opts(SecondsFormat::Secs, true));
    let mut cursor = saved.and_then(|c| c.cursor);
    let mut newest = watermark
        .as_deref()
        .and_then(|w| DateTime::parse_from_rfc3339(w).ok())
        .map(|w| w.with_timezone(&Utc));
    loop {
        out.requests += 1;
        let page = match client
            .list_page(resource, updated_after.as_deref(), cursor.as_deref())
            .await
        {
            Err(ProviderError::Validation { field: Some(f), .. })
                if f == "page_token" && cursor.is_some() =>
            {
                tracing::info!(
                    resource,
                    "page link expired; restarting the walk from the watermark"
                );
                cursor = None;
                continue;
            }
            other => other?,
        };
        let resolver = StoreResolver::new(store);
        let ctx = Context {
            account,
            resolve: &resolver,
            zone,
        };
        let mut rows = Vec::with_capacity(page.items.len());
        for item in &page.items {
            match map(item, &ctx) {
                Ok(row) => {
                    if let Some(t) = row.meta().server_updated_at {
                        newest = Some(newest.map_or(t, |n| n.max(t)));
                    }
                    rows.push(row);
                }
                Err(reason) => {
                    let remote = item.get("id").map(|v| v.to_string());
                    tracing::warn!(resource, reason = %reason, "quarantined a record");
                    store.quarantine(resource.to_owned(), remote, item.clone(), reason.0)?;
                    out.quarantined += 1;
                }
            }
        }
        let done = page.next.is_none();
        let checkpoint = Checkpoint {
            resource: resource.to_owned(),
            // Only a completed walk moves the watermark.
            watermark: if done {
                newest.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            } else {
                watermark.clone()
            },
            cursor: page.next.clone(),
        };
        let outcome = store.apply_page(rows, Some(checkpoint))?;
        out.applied += outcome.applied;
        report.needs_merge.extend(outcome.needs_merge);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    report.resources.push(out);
    Ok(())
}
