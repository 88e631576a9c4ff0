//! RFC 5545 (iCalendar) export of the cached calendar events.
//!
//! Why it exists: a firm's people also keep their calendars in Outlook,
//! Google or Apple Calendar, and court dates are sent to clients and
//! co-counsel; an `.ics` file is what every one of them imports. The rules
//! that make such a file right are written once here, for every front end:
//!
//! - a timed event keeps its instants AND its zone: its times are written as
//!   local times in the zone it was scheduled in (`DTSTART;TZID=...`), with
//!   one `VTIMEZONE` per zone used, whose observances are computed from the
//!   time-zone database for the years exported ([`zone`]), so a hearing on a
//!   DST night reads the same in every calendar. UTC is written as `...Z`.
//!   The one instant a local time cannot name (the second pass of a
//!   fall-back hour, since RFC 5545 §3.3.5 reads an ambiguous local time as
//!   its first) is written in UTC instead;
//! - an all-day event stays on its dates (`VALUE=DATE`, exclusive end), as
//!   it does in the cache, wherever the file is opened;
//! - each event's `UID` is derived from its Casefile id, so importing a
//!   second export updates the events the first one created;
//! - text is escaped and lines are folded at 75 octets, never inside a
//!   UTF-8 character, with CRLF line ends.
//!
//! [`to_ics`] is pure; [`events_to_export`] reads what to export from a cache.

mod zone;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use casefile_domain::entity::{Case, Event};
use casefile_domain::error::ErrorCode;
use casefile_domain::ids::LocalId;
use casefile_domain::time::{resolve_local, EventTime};
use casefile_store::{EventQuery, Store, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use chrono_tz::Tz;

/// Who made the file (RFC 5545 §3.7.3).
pub const PRODID: &str = "-//Casefile//Casefile calendar export//EN";

/// Why nothing was exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the export window must end after it starts")]
    EmptyRange,
    #[error("there is no case {0}")]
    UnknownCase(LocalId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExportError {
    pub fn class(&self) -> ErrorCode {
        match self {
            ExportError::EmptyRange => ErrorCode::Validation,
            ExportError::UnknownCase(_) => ErrorCode::NotFound,
            ExportError::Store(e) => e.class(),
        }
    }
}

/// Which events to export: those overlapping [from, to), optionally of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRange {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The zone whose dates all-day events are matched by (the firm's, as
    /// the calendar and `events list` use).
    pub viewer: Tz,
    pub case: Option<LocalId>,
}

/// The cached events overlapping the range, in start order. A case id that
/// names no cached case is refused rather than exported as an empty calendar.
pub fn events_to_export(store: &Store, range: &ExportRange) -> Result<Vec<Event>, ExportError> {
    if range.to <= range.from {
        return Err(ExportError::EmptyRange);
    }
    if let Some(case) = range.case {
        if store.get::<Case>(&case)?.is_none() {
            return Err(ExportError::UnknownCase(case));
        }
    }
    Ok(store.events(&EventQuery {
        from: range.from,
        to: range.to,
        viewer: range.viewer,
        case: range.case,
        staff: None,
    })?)
}

/// [`events_to_export`], then [`to_ics`] stamped `stamp`.
pub fn export(
    store: &Store,
    range: &ExportRange,
    stamp: DateTime<Utc>,
) -> Result<String, ExportError> {
    Ok(to_ics(&events_to_export(store, range)?, stamp))
}

/// An event's `UID`: its Casefile id, which never changes, at `casefile`.
pub fn uid(event: &Event) -> String {
    format!("{}@casefile", event.meta.id)
}

/// The events as one VCALENDAR. `stamp` is the export's time, every
/// event's `DTSTAMP`.
pub fn to_ics(events: &[Event], stamp: DateTime<Utc>) -> String {
    let mut zones = ZoneYears::new();
    let mut body = Lines::default();
    for event in events {
        vevent(&mut body, event, stamp, &mut zones);
    }
    let mut out = Lines::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line(&format!("PRODID:{PRODID}"));
    out.line("CALSCALE:GREGORIAN");
    for (tz, years) in zones.values() {
        for line in zone::vtimezone(*tz, years) {
            out.line(&line);
        }
    }
    out.0.push_str(&body.0);
    out.line("END:VCALENDAR");
    out.0
}

/// The zones written as `TZID`s (by name, so the output is ordered) and the
/// UTC years of the instants written in each.
type ZoneYears = BTreeMap<&'static str, (Tz, BTreeSet<i32>)>;

fn vevent(out: &mut Lines, event: &Event, stamp: DateTime<Utc>, zones: &mut ZoneYears) {
    out.line("BEGIN:VEVENT");
    out.line(&format!("UID:{}", escape_text(&uid(event))));
    out.line(&format!("DTSTAMP:{}", utc_value(stamp)));
    match &event.time {
        EventTime::AllDay { start, end } => {
            out.line(&format!("DTSTART;VALUE=DATE:{}", date_value(*start)));
            out.line(&format!("DTEND;VALUE=DATE:{}", date_value(*end)));
        }
        EventTime::Timed { start, end, zone } => {
            out.line(&timed("DTSTART", *start, *zone, zones));
            out.line(&timed("DTEND", *end, *zone, zones));
        }
    }
    out.line(&format!("SUMMARY:{}", escape_text(&event.name)));
    for (name, value) in [
        ("DESCRIPTION", &event.description),
        ("LOCATION", &event.location),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            out.line(&format!("{name}:{}", escape_text(value)));
        }
    }
    if event.private {
        out.line("CLASS:PRIVATE");
    }
    out.line("END:VEVENT");
}

/// A DATE-TIME property: the local time in `zone` with its `TZID`, or UTC
/// for a UTC zone and for the one instant local time cannot name.
fn timed(name: &str, instant: DateTime<Utc>, zone: Tz, zones: &mut ZoneYears) -> String {
    let instant = instant.trunc_subsecs(0);
    if !zone::is_utc(zone) {
        let local = instant.with_timezone(&zone).naive_local();
        if resolve_local(local, zone).0 == instant {
            zones
                .entry(zone.name())
                .or_insert_with(|| (zone, BTreeSet::new()))
                .1
                .insert(instant.year());
            return format!("{name};TZID={}:{}", zone.name(), local_value(local));
        }
    }
    format!("{name}:{}", utc_value(instant))
}

/// `YYYYMMDD`.
fn date_value(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// `YYYYMMDDTHHMMSS`, a local ("floating" unless given a TZID) time.
fn local_value(local: NaiveDateTime) -> String {
    local.format("%Y%m%dT%H%M%S").to_string()
}

/// `YYYYMMDDTHHMMSSZ`.
fn utc_value(instant: DateTime<Utc>) -> String {
    format!("{}Z", local_value(instant.naive_utc()))
}

/// RFC 5545 §3.3.11 TEXT: backslash, semicolon and comma are escaped, a
/// line break (CRLF, CR or LF) becomes `\n`, and the other control
/// characters, which TEXT may not hold, are dropped (a tab is kept).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The longest a physical line may be, in octets, without its CRLF (§3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// One content line, folded (§3.1): physical lines of at most 75 octets,
/// each continuation starting with a space, never splitting a UTF-8
/// character; every physical line ends in CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 2);
    let mut rest = line;
    // A continuation's leading space counts towards its 75 octets.
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
    out
}

/// Content lines, folded, as they are added.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn line(&mut self, line: &str) {
        self.0.push_str(&fold_line(line));
    }
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed over
/// `path` once complete and on disk, so a failure never leaves half a file
/// (the CLI's `--ics FILE` and the window's save dialog, which has already
/// asked before replacing a file).
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = dir.join(format!(
        ".{}.{}.part",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
