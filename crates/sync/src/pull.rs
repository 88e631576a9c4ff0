//! The pull: resources in the provider's dependency order, the largest page
//! size, each page committed together with its checkpoint (DESIGN invariant 3).
//!
//! - The first page is filtered by the server-time watermark minus a
//!   lookback, never by this laptop's clock.
//! - Each next link is followed at once (links expire): a fetcher task walks
//!   the links while the previous page is decoded and the one before it is
//!   written, so the network, the decoding and the cache's writer work side
//!   by side; the references a pull resolves are remembered for all its
//!   pages ([`crate::id_cache`]). The link is the checkpoint's cursor, so
//!   a killed sync resumes at the next page; an expired link restarts the
//!   walk from the watermark.
//! - The watermark moves only when a walk completes, so an interrupted walk
//!   can never skip records.
//! - A record that cannot be read or decoded is quarantined with its reason,
//!   in the same transaction as its page and checkpoint; the rest of the
//!   page is applied. Rows with pending local edits are rebased by the
//!   store (3-way merge), never overwritten.
//! - Creates that may already be on the server must be settled before a
//!   pull ([`crate::in_doubt`]; the engine does it once per sync), so their
//!   server copies are recognised rather than pulled in as second records.
//!   One that lands after that look is kept out of the pull for the next
//!   look to adopt ([`crate::in_doubt::Pending`]).
//! - The network is only ever awaited between transactions.

use std::sync::Arc;

use casefile_domain::entity::Kind;
use casefile_domain::ids::LocalId;
use casefile_providers::provider::{Context, ListPage};
use casefile_providers::{Pages, Paging, Provider, ProviderError};
use casefile_store::server_page::PendingPage;
use casefile_store::{for_kind, Checkpoint, Entity, PageOutcome, QuarantineEntry, Store};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::error::SyncError;
use crate::id_cache::IdCache;
use crate::in_doubt::Pending;
use crate::page_writer::{PageInfo, PageWriter};
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
    /// Rows with pending local edits that were rebased onto a new server copy.
    pub rebased: Vec<LocalId>,
    pub conflicts: usize,
}

impl PullReport {
    pub fn requests(&self) -> u32 {
        self.resources.iter().map(|r| r.requests).sum()
    }
    pub fn applied(&self) -> usize {
        self.resources.iter().map(|r| r.applied).sum()
    }
    pub fn quarantined(&self) -> usize {
        self.resources.iter().map(|r| r.quarantined).sum()
    }
}

/// What a sync is made of: the cache, the provider, the firm's zone.
pub struct Syncer<P> {
    pub store: Arc<Store>,
    pub provider: Arc<P>,
    pub zone: Tz,
}

impl<P> Clone for Syncer<P> {
    fn clone(&self) -> Self {
        Self {
            store: self.store.clone(),
            provider: self.provider.clone(),
            zone: self.zone,
        }
    }
}

/// Progress as it happens, once a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageProgress {
    pub kind: Kind,
    /// Records the page applied.
    pub applied: usize,
    /// Records the server says the walk holds, when it says.
    pub item_count: Option<u64>,
}

pub type OnPage<'a> = &'a (dyn Fn(PageProgress) + Send + Sync);

/// The resource name of a kind in checkpoints and reports.
pub fn resource_name(kind: Kind) -> &'static str {
    kind.plural()
}

/// Pulls `kinds` (every kind the provider lists, when empty), in the
/// provider's order.
pub async fn pull<P: Provider + 'static>(
    s: &Syncer<P>,
    kinds: &[Kind],
    on_page: OnPage<'_>,
) -> Result<PullReport, SyncError> {
    let mut report = PullReport::default();
    let ids = Arc::new(IdCache::default());
    let pending = Arc::new(Pending::load(s)?);
    for &kind in s.provider.pull_order() {
        if kinds.is_empty() || kinds.contains(&kind) {
            pull_kind(s, kind, (&ids, &pending), on_page, &mut report).await?;
        }
    }
    Ok(report)
}

pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Aborts the fetcher when the pull ends early (error or cancellation).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn pull_kind<P: Provider + 'static>(
    s: &Syncer<P>,
    kind: Kind,
    (ids, pending): (&Arc<IdCache>, &Arc<Pending>),
    on_page: OnPage<'_>,
    report: &mut PullReport,
) -> Result<(), SyncError> {
    let resource = resource_name(kind);
    let mut out = ResourceReport {
        resource,
        ..Default::default()
    };
    let saved = s.store.checkpoint(resource)?;
    let watermark = saved.as_ref().and_then(|c| c.watermark.clone());
    let updated_after = watermark
        .as_deref()
        .and_then(parse_time)
        .map(|w| w - LOOKBACK);
    // A saved link cursor resumes an interrupted walk. A page number does
    // not: records deleted on the server meanwhile shift the pages, and a
    // change on the skipped part would be lost once the walk completes. The
    // walk starts again from the same (unmoved) watermark instead.
    let cursor = match s.provider.capabilities().paging {
        Paging::LinkHeader { .. } => saved.and_then(|c| c.cursor),
        Paging::PageNumber { .. } => None,
    };
    let mut newest = watermark.as_deref().and_then(parse_time);

    let (tx, mut rx) = mpsc::channel(1);
    let _fetcher = AbortOnDrop(tokio::spawn(walk(
        s.provider.clone(),
        kind,
        updated_after,
        cursor,
        tx,
    )));
    // Three stages side by side: the fetcher has the next page on the wire
    // while this loop decodes the last one and the cache's writer commits
    // the ones before, in page order ([`PageWriter`]).
    let mut writer = PageWriter::new(s.store.clone());
    let mut fetched_all = false;
    loop {
        // A kind whose records refer to each other is decoded only once the
        // page before is written, so those references resolve.
        let take =
            !fetched_all && !writer.is_full() && (!kind.refers_to_itself() || writer.is_idle());
        if !take && !writer.is_writing() {
            if writer.is_idle() {
                break;
            }
            let written = writer.flush().await?;
            report_written(written, kind, &mut out, report, on_page);
            continue;
        }
        tokio::select! {
            written = writer.written() => {
                report_written(written?, kind, &mut out, report, on_page);
            }
            page = rx.recv(), if take => {
                let page: ListPage = match page {
                    Some(Ok(page)) => page,
                    None => {
                        fetched_all = true;
                        continue;
                    }
                    Some(Err(e)) => {
                        // What was fetched before the failure is still committed.
                        let written = writer.flush().await?;
                        report_written(written, kind, &mut out, report, on_page);
                        return Err(e.into());
                    }
                };
                out.requests += 1;
                fetched_all = page.next.is_none();
                let (store, provider, zone, ids, pending) =
                    (s.store.clone(), s.provider.clone(), s.zone, ids.clone(), pending.clone());
                let old_watermark = watermark.clone();
                let decoded = tokio::task::spawn_blocking(move || {
                    let known = Known { ids: &ids, pending: &pending };
                    for_kind!(
                        kind,
                        decode_items(&store, &*provider, known, zone, kind, page, newest, old_watermark)
                    )
                })
                .await?;
                newest = decoded.newest;
                writer.queue(decoded.page, decoded.info);
            }
        }
    }
    report.resources.push(out);
    Ok(())
}

/// Counts and reports pages the writer has committed.
fn report_written(
    written: Vec<(PageInfo, PageOutcome)>,
    kind: Kind,
    out: &mut ResourceReport,
    report: &mut PullReport,
    on_page: OnPage<'_>,
) {
    for (info, outcome) in written {
        out.applied += outcome.applied;
        out.quarantined += info.quarantined;
        report.conflicts += outcome.conflicts;
        report.rebased.extend(outcome.rebased);
        on_page(PageProgress {
            kind,
            applied: outcome.applied,
            item_count: info.item_count,
        });
    }
}

/// Walks the pages of one resource, handing each over as soon as it arrives
/// and requesting the next at once.
async fn walk<P: Provider + 'static>(
    provider: Arc<P>,
    kind: Kind,
    updated_after: Option<DateTime<Utc>>,
    cursor: Option<String>,
    tx: mpsc::Sender<Result<ListPage, ProviderError>>,
) {
    let mut pages = Pages::new(&*provider, kind, updated_after, cursor);
    loop {
        match pages.next_page().await {
            Ok(Some(page)) => {
                if tx.send(Ok(page)).await.is_err() {
                    return;
                }
            }
            Ok(None) => return,
            Err(e) => {
                let _ = tx.send(Err(e)).await;
                return;
            }
        }
    }
}

/// What a pull already knows of the records it meets.
#[derive(Clone, Copy)]
struct Known<'a> {
    ids: &'a IdCache,
    pending: &'a Pending,
}

/// A decoded page, ready to be written with its checkpoint.
struct Decoded {
    page: PendingPage,
    info: PageInfo,
    /// The newest server time seen so far in the walk.
    newest: Option<DateTime<Utc>>,
}

/// Decodes a page into rows, the items to quarantine, and the checkpoint
/// that goes with them.
#[allow(clippy::too_many_arguments)]
fn decode_items<E: Entity>(
    store: &Store,
    provider: &impl Provider,
    Known { ids, pending }: Known<'_>,
    zone: Tz,
    kind: Kind,
    page: ListPage,
    mut newest: Option<DateTime<Utc>>,
    watermark: Option<String>,
) -> Decoded {
    let resource = resource_name(kind);
    let account = store.account().clone();
    let resolver = StoreResolver::for_pull(store, ids);
    let ctx = Context {
        account: &account,
        resolve: &resolver,
        zone,
    };
    let started = std::time::Instant::now();
    let mut rows: Vec<E> = Vec::with_capacity(page.items.len());
    let mut set_aside: Vec<QuarantineEntry> = page
        .rejected
        .iter()
        .map(|r| QuarantineEntry {
            resource: resource.to_owned(),
            remote_id: None,
            payload: Value::String(r.raw.clone()),
            reason: r.reason.clone(),
        })
        .collect();
    for item in &page.items {
        if !pending.is_empty()
            && provider
                .remote_id(item)
                .is_some_and(|r| ids.local(store, kind, &r).is_none())
            && pending.claims(provider, kind, item)
        {
            // Maybe our own create whose answer was lost: the next settle
            // adopts it rather than have it here twice.
            continue;
        }
        let decoded = provider.decode(kind, item, &ctx).and_then(|r| {
            E::from_record(r).ok_or_else(|| {
                casefile_providers::provider::MapError("decoded as another kind".into())
            })
        });
        match decoded {
            Ok(row) => {
                if let Some(t) = row.meta().server_updated_at {
                    newest = Some(newest.map_or(t, |n| n.max(t)));
                }
                rows.push(row);
            }
            Err(reason) => set_aside.push(QuarantineEntry {
                resource: resource.to_owned(),
                remote_id: provider.remote_id(item).map(|r| r.0),
                payload: item.clone(),
                reason: reason.0,
            }),
        }
    }
    let quarantined = set_aside.len();
    if quarantined > 0 {
        // The reasons are the mapper's words about field shapes; no client data.
        tracing::warn!(resource, quarantined, "records set aside as unreadable");
    }
    let done = page.next.is_none();
    let checkpoint = Checkpoint {
        resource: resource.to_owned(),
        // Only a completed walk moves the watermark.
        watermark: if done {
            newest.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        } else {
            watermark
        },
        cursor: page.next,
    };
    tracing::debug!(
        resource,
        rows = rows.len(),
        decode_ms = started.elapsed().as_millis() as u64,
        "page decoded"
    );
    Decoded {
        info: PageInfo {
            rows: rows.len(),
            quarantined,
            item_count: page.item_count,
        },
        page: PendingPage::new(rows, set_aside, Some(checkpoint)),
        newest,
    }
}

/// Decodes one raw item into a typed record, for the push's answers.
pub fn decode_json<P: Provider>(
    store: &Store,
    provider: &P,
    zone: Tz,
    kind: Kind,
    item: &Value,
) -> Option<Value> {
    let account = store.account().clone();
    let resolver = StoreResolver::new(store);
    let ctx = Context {
        account: &account,
        resolve: &resolver,
        zone,
    };
    let record = provider.decode(kind, item, &ctx).ok()?;
    record_json(record)
}

/// A [`casefile_domain::record::Record`] as the JSON the cache stores.
pub fn record_json(record: casefile_domain::record::Record) -> Option<Value> {
    fn to_json<E: Entity>(record: casefile_domain::record::Record) -> Option<Value> {
        serde_json::to_value(E::from_record(record)?).ok()
    }
    let kind = record.kind();
    for_kind!(kind, to_json(record))
}

/// The cache's JSON of a record as a [`casefile_domain::record::Record`].
pub fn json_record(kind: Kind, json: Value) -> Option<casefile_domain::record::Record> {
    fn from_json<E: Entity>(json: Value) -> Option<casefile_domain::record::Record> {
        serde_json::from_value::<E>(json)
            .ok()
            .map(Entity::into_record)
    }
    for_kind!(kind, from_json(json))
}
