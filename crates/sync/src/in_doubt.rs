//! Creates in doubt: a create was sent and no answer came back (a timeout,
//! a dropped connection, a killed process), so the server may hold it, or
//! may yet: a request held upstream can land minutes after its connection
//! closed.
//!
//! Posting it again could make a second record, so a create in doubt is
//! only ever sent again once the server has shown it is not there:
//!
//! - **Looked for at every sync**, before the pull, by the body it sent,
//!   among the records changed on the server since the attempt (the
//!   resource's watermark then, by the server's clock) that are not known
//!   here. A match is adopted (store `in_doubt.rs`): the ops the attempt
//!   carried are answered, and later edits go out as an update.
//! - **Kept from the pull.** A record that lands between this look and the
//!   pull matches an in-doubt body and is left for the next look to adopt
//!   ([`Pending`]), not brought in as a second record.
//! - **Sent again only after its window.** With no idempotency key the
//!   server cannot prove a negative, so "absent" means not found once the
//!   longest a held request can take to land ([`Engine::with_in_doubt_window`],
//!   10 minutes by default) has passed since the attempt. Until then the
//!   record shows "checking…" and the rest of the outbox goes on. A
//!   provider with an idempotency key sends it again at once: the key makes
//!   a second record impossible.
//!
//! [`Engine::with_in_doubt_window`]: crate::Engine::with_in_doubt_window

use std::collections::HashMap;
use std::time::Duration;

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use casefile_providers::{CreateLookup, Provider};
use casefile_store::CreateInDoubt;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::SyncError;
use crate::pull::{json_record, parse_time, Syncer, LOOKBACK};
use crate::push::server_copy;
use crate::resolver::StoreRefs;

/// How long after its attempt a create not found on the server may still
/// land: the longest a request can be held between us and the API.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The environment knob that shortens the window, in seconds, for tests
/// that kill a process before its create was sent (they would otherwise
/// wait the full window before it goes out again).
pub const WINDOW_ENV: &str = "CASEFILE_IN_DOUBT_WINDOW_S";

/// The window: [`WINDOW_ENV`] when set to a number of seconds, else
/// [`DEFAULT_WINDOW`].
pub fn window_from_env() -> Duration {
    std::env::var(WINDOW_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_WINDOW, Duration::from_secs)
}

/// What one settle did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    /// Found on the server and bound to it.
    pub adopted: usize,
    /// Not found yet and still within their window ("checking…").
    pub checking: usize,
}

/// Settles every create that may already be on the server. It must run
/// before the pull.
pub async fn settle<P: Provider + 'static>(
    s: &Syncer<P>,
    window: Duration,
) -> Result<Settled, SyncError> {
    let mut out = Settled::default();
    for doubt in s.store.creates_in_doubt()? {
        let keyed =
            s.provider.capabilities().create_lookup(doubt.kind) == CreateLookup::IdempotencyKey;
        if !s.provider.capabilities().can_create(doubt.kind) {
            continue;
        }
        let Some(body) = sent_body(s, &doubt) else {
            continue;
        };
        if let Some(found) = find_created(s, &doubt, &body).await? {
            adopt(s, &doubt, &found)?;
            out.adopted += 1;
            continue;
        }
        if keyed {
            // A second post carries the same key: it cannot make another.
            s.store.create_not_sent(&doubt)?;
            continue;
        }
        // Known not to be there once its window has passed: it goes out
        // again with this sync's push.
        match age(&doubt, Utc::now()) {
            Age::Unknown => s.store.create_not_sent(&doubt)?,
            Age::Known(age) if age >= window => s.store.create_not_sent(&doubt)?,
            Age::Known(_) => out.checking += 1,
            Age::ClockWentBack => {
                s.store.restart_doubt_window(&doubt)?;
                out.checking += 1;
            }
        }
    }
    if out.checking > 0 {
        tracing::info!(
            checking = out.checking,
            "creates whose answers were lost are not on the server yet; looking again next sync"
        );
    }
    Ok(out)
}

enum Age {
    /// Recorded before attempts kept their time: its window is long past.
    Unknown,
    Known(Duration),
    /// The laptop's clock now reads earlier than the attempt.
    ClockWentBack,
}

fn age(doubt: &CreateInDoubt, now: DateTime<Utc>) -> Age {
    let Some(sent) = doubt.sent_at.as_deref().and_then(parse_time) else {
        return Age::Unknown;
    };
    match (now - sent).to_std() {
        Ok(age) => Age::Known(age),
        Err(_) => Age::ClockWentBack,
    }
}

/// The body a create in doubt sent; for an attempt recorded before bodies
/// were kept, the record encoded as it is now.
fn sent_body<P: Provider + 'static>(s: &Syncer<P>, doubt: &CreateInDoubt) -> Option<Value> {
    if let Some(sent) = &doubt.sent {
        return Some(sent.clone());
    }
    let record = doubt
        .record
        .clone()
        .and_then(|j| json_record(doubt.kind, j))?;
    s.provider.encode(&record, &StoreRefs(&s.store)).ok()
}

/// Takes the server's record as the answer to our create.
fn adopt<P: Provider + 'static>(
    s: &Syncer<P>,
    doubt: &CreateInDoubt,
    found: &Value,
) -> Result<(), SyncError> {
    tracing::info!(
        kind = doubt.kind.as_str(),
        "an earlier create had reached the server; adopting it"
    );
    let (remote, copy) = server_copy(s, doubt.kind, doubt.record_id, found);
    s.store.adopt_create(doubt, remote, copy)?;
    Ok(())
}

/// Asks the provider for a record matching a create we may have sent,
/// among records changed since the attempt and not yet known here.
async fn find_created<P: Provider + 'static>(
    s: &Syncer<P>,
    doubt: &CreateInDoubt,
    body: &Value,
) -> Result<Option<Value>, SyncError> {
    let since = doubt
        .server_since
        .as_deref()
        .and_then(parse_time)
        .map(|w| w - LOOKBACK);
    let store = &s.store;
    let kind = doubt.kind;
    let known = |remote: &RemoteId| store.local_id_for(kind, remote).ok().flatten().is_some();
    Ok(s.provider.find_created(kind, body, since, &known).await?)
}

/// The bodies of the creates still in doubt, by kind, for the pull to keep
/// their server copies out until the next settle adopts them.
#[derive(Debug, Default)]
pub struct Pending {
    bodies: HashMap<Kind, Vec<Value>>,
}

impl Pending {
    pub fn load<P: Provider + 'static>(s: &Syncer<P>) -> Result<Self, SyncError> {
        let mut bodies: HashMap<Kind, Vec<Value>> = HashMap::new();
        for doubt in s.store.creates_in_doubt()? {
            if let Some(body) = sent_body(s, &doubt) {
                bodies.entry(doubt.kind).or_default().push(body);
            }
        }
        Ok(Self { bodies })
    }

    /// Whether `item`, a record of `kind` not known here, may be the
    /// answer to one of our creates in doubt.
    pub fn claims<P: Provider>(&self, provider: &P, kind: Kind, item: &Value) -> bool {
        self.bodies.get(&kind).is_some_and(|list| {
            list.iter()
                .any(|sent| provider.same_record(kind, sent, item))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }
}
