//! Reminders before upcoming events: which events deserve a notification
//! now, worded in plain words, and the memory of which ones already had one.
//!
//! The rule (from the product issue): a notification a configurable lead
//! time before an event (default [`DEFAULT_LEAD`]), offline, once. Once
//! means: no duplicate after a restart (the fired set lives in the cache,
//! not in memory), none for an event deleted meanwhile (the store's queries
//! leave deleted records out), and none for an event that already started
//! while the app was closed, unless it is still running; then one "Started
//! n minutes ago".
//!
//! A reminder is keyed by (event, start instant), so an event moved to a
//! new time reminds again, and an event reminded as upcoming is not
//! reminded a second time once it is running.
//!
//! Limit: an event still running is reminded only if it started within the
//! last [`LOOKBACK`] (a day). One that started earlier (a trial blocked as
//! one three-day timed event) gets no "started" reminder: the fired set
//! forgets keys older than [`FORGET_AFTER`], and remembering every long
//! event forever is not worth it for a notification nobody wants that late.
//!
//! The shell's loop is: [`due`], then [`mark_fired`] with what it is about
//! to show, then show it. Marking first means a crash in between loses a
//! notification rather than repeating it.

use std::collections::HashSet;

use casefile_domain::entity::Event;
use casefile_domain::error::ErrorCode;
use casefile_domain::ids::LocalId;
use casefile_domain::time::EventTime;
use casefile_store::{EventQuery, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::edits::EditError;
use crate::CoreError;

/// How long before an event its reminder comes, unless the user chose.
pub const DEFAULT_LEAD: Duration = Duration::minutes(15);

/// The longest lead time a user can choose: a day.
pub const MAX_LEAD_MINUTES: u32 = 24 * 60;

/// How far back a still-running event may have started and still be
/// reminded ("Started n minutes ago").
pub const LOOKBACK: Duration = Duration::days(1);

/// Fired keys whose start is older than this are forgotten: nothing that
/// old can be due again (see [`LOOKBACK`]).
pub const FORGET_AFTER: Duration = Duration::days(2);

/// The store meta key of the fired set (JSON).
pub const FIRED_KEY: &str = "reminders.fired";

/// The store meta key of the lead time, in minutes.
pub const LEAD_KEY: &str = "reminders.lead_minutes";

/// Why reminders could not be worked out or a setting not saved.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error("a reminder's lead time must be 0 to {max} minutes, not {minutes}")]
    LeadOutOfRange { minutes: u32, max: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ReminderError {
    pub fn class(&self) -> ErrorCode {
        match self {
            ReminderError::LeadOutOfRange { .. } => ErrorCode::Validation,
            ReminderError::Store(e) => e.class(),
        }
    }
}

/// So a front end that speaks [`CoreError`] can use `?`; the class is kept.
impl From<ReminderError> for CoreError {
    fn from(e: ReminderError) -> Self {
        match e {
            ReminderError::Store(e) => CoreError::Store(e),
            e @ ReminderError::LeadOutOfRange { .. } => CoreError::Edit(EditError::Invalid {
                field: "lead_minutes",
                message: e.to_string(),
            }),
        }
    }
}

type Result<T> = std::result::Result<T, ReminderError>;

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub event: LocalId,
    /// The event's name.
    pub title: String,
    /// When, in plain words, e.g. "Starts in 12 minutes (10:00), Courtroom 4B".
    pub body: String,
    /// The start this reminder is for; with `event`, its key in the fired set.
    pub start: DateTime<Utc>,
}

/// What the fired set remembers of a reminder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct Fired {
    event: LocalId,
    start: DateTime<Utc>,
}

/// The lead time of `m` minutes, 0 (only when it starts) to a day.
pub fn lead_from_minutes(m: u32) -> Result<Duration> {
    if m > MAX_LEAD_MINUTES {
        return Err(ReminderError::LeadOutOfRange {
            minutes: m,
            max: MAX_LEAD_MINUTES,
        });
    }
    Ok(Duration::minutes(i64::from(m)))
}

/// The lead time the user chose, or [`DEFAULT_LEAD`]. A stored value that
/// does not read (only a damaged cache has one) counts as the default, so
/// reminders keep coming.
pub fn saved_lead(store: &Store) -> Result<Duration> {
    let Some(text) = store.meta_value(LEAD_KEY)? else {
        return Ok(DEFAULT_LEAD);
    };
    match text.trim().parse::<u32>().ok().map(lead_from_minutes) {
        Some(Ok(lead)) => Ok(lead),
        _ => {
            tracing::warn!(value = %text, "unreadable reminder lead time; using the default");
            Ok(DEFAULT_LEAD)
        }
    }
}

/// Saves the lead time, in minutes; one out of range is refused.
pub fn save_lead(store: &Store, minutes: u32) -> Result<()> {
    lead_from_minutes(minutes)?;
    store.set_meta_value(LEAD_KEY.to_owned(), minutes.to_string())?;
    Ok(())
}

/// The reminders due at `now` that have not fired yet, in start order:
/// timed events starting within (now, now + lead], and events running at
/// `now` that started within the last [`LOOKBACK`]. All-day events never
/// remind. Times are worded in `zone`, the laptop's.
pub fn due(store: &Store, now: DateTime<Utc>, lead: Duration, zone: Tz) -> Result<Vec<Reminder>> {
    let fired = fired_set(store)?;
    let events = store.events(&EventQuery {
        from: now - LOOKBACK,
        to: now + lead + Duration::seconds(1),
        viewer: zone,
        case: None,
        staff: None,
    })?;
    Ok(events
        .iter()
        .filter_map(|event| reminder_for(event, now, lead, zone))
        .filter(|r| {
            !fired.contains(&Fired {
                event: r.event,
                start: r.start,
            })
        })
        .collect())
}

/// Records that `fired` were shown, so [`due`] leaves them out from now on,
/// after a restart too; keys older than [`FORGET_AFTER`] are dropped.
pub fn mark_fired(store: &Store, fired: &[Reminder], now: DateTime<Utc>) -> Result<()> {
    let horizon = now - FORGET_AFTER;
    let mut set: Vec<Fired> = fired_set(store)?
        .into_iter()
        .filter(|f| f.start >= horizon)
        .collect();
    for r in fired {
        let key = Fired {
            event: r.event,
            start: r.start,
        };
        if !set.contains(&key) {
            set.push(key);
        }
    }
    set.sort_by_key(|f| (f.start, f.event));
    let json = serde_json::to_string(&set).map_err(StoreError::from)?;
    store.set_meta_value(FIRED_KEY.to_owned(), json)?;
    Ok(())
}

/// The fired set. One that does not read (a damaged cache) counts as empty:
/// at worst a reminder repeats once, and the next [`mark_fired`] rewrites it.
fn fired_set(store: &Store) -> Result<HashSet<Fired>> {
    let Some(json) = store.meta_value(FIRED_KEY)? else {
        return Ok(HashSet::new());
    };
    match serde_json::from_str::<Vec<Fired>>(&json) {
        Ok(set) => Ok(set.into_iter().collect()),
        Err(e) => {
            tracing::warn!(error = %e, "unreadable fired-reminder set; starting afresh");
            Ok(HashSet::new())
        }
    }
}

/// The reminder `event` deserves at `now`, fired or not.
fn reminder_for(event: &Event, now: DateTime<Utc>, lead: Duration, zone: Tz) -> Option<Reminder> {
    let EventTime::Timed { start, end, .. } = event.time else {
        return None;
    };
    let upcoming = start > now && start <= now + lead;
    let running = start <= now && end > now && start > now - LOOKBACK;
    if !(upcoming || running) {
        return None;
    }
    let minutes = rounded_minutes(if upcoming { start - now } else { now - start });
    let when = if minutes == 0 {
        "Starts now".to_owned()
    } else if upcoming {
        format!("Starts in {}", span(minutes))
    } else {
        format!("Started {} ago", span(minutes))
    };
    let mut body = format!("{when} ({})", clock(start, now, zone));
    if let Some(place) = event.location.as_deref().map(str::trim) {
        if !place.is_empty() {
            body.push_str(", ");
            body.push_str(place);
        }
    }
    Some(Reminder {
        event: event.meta.id,
        title: event.name.clone(),
        body,
        start,
    })
}

/// A non-negative duration in whole minutes, to the nearest.
fn rounded_minutes(d: Duration) -> i64 {
    (d.num_seconds() + 30) / 60
}

/// "1 minute", "12 minutes", "1 hour", "2 hours 5 minutes".
fn span(minutes: i64) -> String {
    let unit = |n: i64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let (hours, rest) = (minutes / 60, minutes % 60);
    match (hours, rest) {
        (0, m) => unit(m, "minute"),
        (h, 0) => unit(h, "hour"),
        (h, m) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
    }
}

/// The start's wall-clock time in `zone`, 24-hour; with its day when that
/// is not today there (a long lead, or a running event from yesterday).
fn clock(start: DateTime<Utc>, now: DateTime<Utc>, zone: Tz) -> String {
    let local = start.with_timezone(&zone);
    if local.date_naive() == now.with_timezone(&zone).date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%a %-d %b %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_plain_words() {
        assert_eq!(span(1), "1 minute");
        assert_eq!(span(12), "12 minutes");
        assert_eq!(span(60), "1 hour");
        assert_eq!(span(125), "2 hours 5 minutes");
    }

    #[test]
    fn minutes_round_to_the_nearest() {
        assert_eq!(rounded_minutes(Duration::seconds(29)), 0);
        assert_eq!(rounded_minutes(Duration::seconds(30)), 1);
        assert_eq!(rounded_minutes(Duration::seconds(599)), 10);
    }
}
