//! The time model, and the ONE audited function that turns a wall-clock time
//! into an instant.
//!
//! - A timed event is an instant range plus the IANA zone it was scheduled
//!   in; an all-day event is a date range with an EXCLUSIVE end, independent
//!   of any zone, so it stays on its dates wherever the laptop travels.
//! - Wall-clock times that do not exist (a DST gap) or exist twice (a fold)
//!   are resolved as RFC 5545 §3.3.5 says: a gap time takes the UTC offset in
//!   effect before the gap (02:30 on US spring-forward day is 03:30 EDT); a
//!   fold time is its first occurrence. [`resolve_local`] is the only place
//!   this happens.
//! - Every instant sent to an API carries an explicit offset
//!   ([`format_with_offset`]): an API may read offset-less times as UTC, or in the server's zone.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("an event must end after it starts")]
    EndNotAfterStart,
    #[error("unknown time zone: {0}")]
    UnknownZone(String),
}

/// How a wall-clock time mapped to an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalMapping {
    /// The time exists exactly once.
    Exact,
    /// The time falls in a DST gap; the offset before the gap was used.
    Gap,
    /// The time occurs twice; the first occurrence was taken.
    Fold,
}

/// THE conversion from a wall-clock time in `zone` to an instant (RFC 5545 §3.3.5).
pub fn resolve_local(local: NaiveDateTime, zone: Tz) -> (DateTime<Utc>, LocalMapping) {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => (t.with_timezone(&Utc), LocalMapping::Exact),
        LocalResult::Ambiguous(first, second) => {
            let earliest = first.min(second);
            (earliest.with_timezone(&Utc), LocalMapping::Fold)
        }
        LocalResult::None => {
            // The offset in effect before the gap is the offset of any instant just
            // before it. Gaps are at most a few hours; 24 h back is safely before.
            let before = local - Duration::hours(24);
            let offset = match zone.from_local_datetime(&before) {
                LocalResult::Single(t) => t.offset().fix(),
                LocalResult::Ambiguous(a, _) => a.offset().fix(),
                LocalResult::None => zone.offset_from_utc_datetime(&before).fix(),
            };
            let instant =
                (local - Duration::seconds(i64::from(offset.local_minus_utc()))).and_utc();
            (instant, LocalMapping::Gap)
        }
    }
}

/// [`resolve_local`] without the audit detail.
pub fn local_to_instant(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    resolve_local(local, zone).0
}

/// When an event happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventTime {
    /// An instant range, and the zone it was scheduled in.
    Timed {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        zone: Tz,
    },
    /// Dates, with an exclusive end: a one-day event on the 15th is 15..16.
    AllDay { start: NaiveDate, end: NaiveDate },
}

impl EventTime {
    pub fn timed(start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz) -> Result<Self, TimeError> {
        if end <= start {
            return Err(TimeError::EndNotAfterStart);
        }
        Ok(Self::Timed { start, end, zone })
    }

    pub fn all_day(start: NaiveDate, end_exclusive: NaiveDate) -> Result<Self, TimeError> {
        if end_exclusive <= start {
            return Err(TimeError::EndNotAfterStart);
        }
        Ok(Self::AllDay {
            start,
            end: end_exclusive,
        })
    }

    /// Whether the event touches the window [from, to) seen from `viewer`'s
    /// zone: timed events by instant, all-day events by the window's dates.
    pub fn overlaps(&self, from: DateTime<Utc>, to: DateTime<Utc>, viewer: Tz) -> bool {
        match self {
            EventTime::Timed { start, end, .. } => *start < to && *end > from,
            EventTime::AllDay { start, end } => {
                let (first, last_exclusive) = window_dates(from, to, viewer);
                *start < last_exclusive && *end > first
            }
        }
    }
}

/// The instants bounding `date` in `zone`: [local midnight, next local midnight).
pub fn day_bounds(date: NaiveDate, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let midnight = |d: NaiveDate| local_to_instant(d.and_time(chrono::NaiveTime::MIN), zone);
    let next = date.succ_opt().unwrap_or(date);
    (midnight(date), midnight(next))
}

/// The dates [first, last_exclusive) that the instant window [from, to) covers in `zone`.
pub fn window_dates(from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> (NaiveDate, NaiveDate) {
    let first = from.with_timezone(&zone).date_naive();
    // `to` is exclusive: the last instant inside is just before it.
    let last = (to - Duration::nanoseconds(1))
        .with_timezone(&zone)
        .date_naive();
    let last_exclusive = last.succ_opt().unwrap_or(last);
    (first, last_exclusive.max(first.succ_opt().unwrap_or(first)))
}

/// RFC 3339 with the zone's explicit offset, e.g. "2026-03-08T03:30:00-04:00".
pub fn format_with_offset(instant: DateTime<Utc>, zone: Tz) -> String {
    instant
        .with_timezone(&zone)
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// Parses an IANA zone name.
pub fn parse_zone(name: &str) -> Result<Tz, TimeError> {
    name.parse::<Tz>()
        .map_err(|_| TimeError::UnknownZone(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Australia, Europe, Pacific};

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// (zone, wall-clock time, expected instant, expected mapping)
    const GOLDEN: &[(Tz, &str, &str, LocalMapping)] = &[
        // New York, spring forward 2026-03-08: 02:00-02:59 does not exist.
        (
            America::New_York,
            "2026-03-08 01:59",
            "2026-03-08T06:59:00Z",
            LocalMapping::Exact,
        ),
        (
            America::New_York,
            "2026-03-08 02:00",
            "2026-03-08T07:00:00Z",
            LocalMapping::Gap,
        ),
        (
            America::New_York,
            "2026-03-08 02:30",
            "2026-03-08T07:30:00Z",
            LocalMapping::Gap,
        ), // = 03:30 EDT
        (
            America::New_York,
            "2026-03-08 03:00",
            "2026-03-08T07:00:00Z",
            LocalMapping::Exact,
        ),
        // New York, fall back 2026-11-01: 01:00-01:59 happens twice; first is EDT.
        (
            America::New_York,
            "2026-11-01 00:59",
            "2026-11-01T04:59:00Z",
            LocalMapping::Exact,
        ),
        (
            America::New_York,
            "2026-11-01 01:30",
            "2026-11-01T05:30:00Z",
            LocalMapping::Fold,
        ),
        (
            America::New_York,
            "2026-11-01 02:00",
            "2026-11-01T07:00:00Z",
            LocalMapping::Exact,
        ),
        // London, 2026-03-29: 01:00-01:59 does not exist.
        (
            Europe::London,
            "2026-03-29 00:59",
            "2026-03-29T00:59:00Z",
            LocalMapping::Exact,
        ),
        (
            Europe::London,
            "2026-03-29 01:30",
            "2026-03-29T01:30:00Z",
            LocalMapping::Gap,
        ), // = 02:30 BST
        (
            Europe::London,
            "2026-03-29 02:00",
            "2026-03-29T01:00:00Z",
            LocalMapping::Exact,
        ),
        // London, 2026-10-25: 01:00-01:59 twice; first is BST.
        (
            Europe::London,
            "2026-10-25 01:30",
            "2026-10-25T00:30:00Z",
            LocalMapping::Fold,
        ),
        (
            Europe::London,
            "2026-10-25 02:00",
            "2026-10-25T02:00:00Z",
            LocalMapping::Exact,
        ),
        // Lord Howe shifts by 30 minutes: +11 in summer, +10:30 in winter.
        // 2026-04-05 02:00 LHDT -> 01:30 LHST: 01:30-01:59 twice.
        (
            Australia::Lord_Howe,
            "2026-04-05 01:45",
            "2026-04-04T14:45:00Z",
            LocalMapping::Fold,
        ),
        (
            Australia::Lord_Howe,
            "2026-04-05 02:00",
            "2026-04-04T15:30:00Z",
            LocalMapping::Exact,
        ),
        // 2026-10-04 02:00 LHST -> 02:30 LHDT: 02:00-02:29 does not exist.
        (
            Australia::Lord_Howe,
            "2026-10-04 02:15",
            "2026-10-03T15:45:00Z",
            LocalMapping::Gap,
        ),
        (
            Australia::Lord_Howe,
            "2026-10-04 02:30",
            "2026-10-03T15:30:00Z",
            LocalMapping::Exact,
        ),
    ];

    #[test]
    fn golden_gaps_and_folds_follow_rfc_5545() {
        for (zone, wall, expected, mapping) in GOLDEN {
            let got = resolve_local(local(wall), *zone);
            assert_eq!(got, (utc(expected), *mapping), "{zone} {wall}");
        }
    }

    #[test]
    fn a_gap_time_reads_back_as_the_shifted_wall_clock() {
        let instant = local_to_instant(local("2026-03-08 02:30"), America::New_York);
        assert_eq!(
            format_with_offset(instant, America::New_York),
            "2026-03-08T03:30:00-04:00"
        );
        let london = local_to_instant(local("2026-03-29 01:30"), Europe::London);
        assert_eq!(
            format_with_offset(london, Europe::London),
            "2026-03-29T02:30:00+01:00"
        );
    }

    #[test]
    fn dst_days_are_23_and_25_hours_long() {
        let len = |d: &str, z: Tz| {
            let (a, b) = day_bounds(d.parse().unwrap(), z);
            (b - a).num_hours()
        };
        assert_eq!(len("2026-03-08", America::New_York), 23);
        assert_eq!(len("2026-11-01", America::New_York), 25);
        assert_eq!(len("2026-03-29", Europe::London), 23);
        assert_eq!(len("2026-10-25", Europe::London), 25);
        assert_eq!(len("2026-06-01", America::New_York), 24);
    }

    #[test]
    fn all_day_events_stay_on_their_dates_from_utc_minus_10_to_plus_14() {
        let holiday =
            EventTime::all_day("2026-03-15".parse().unwrap(), "2026-03-16".parse().unwrap())
                .unwrap();
        let hearing = EventTime::timed(
            utc("2026-03-15T12:00:00Z"),
            utc("2026-03-15T13:00:00Z"),
            America::New_York,
        )
        .unwrap();
        for zone in [Pacific::Honolulu, Pacific::Kiritimati] {
            let on = |d: &str, e: &EventTime| {
                let (from, to) = day_bounds(d.parse().unwrap(), zone);
                e.overlaps(from, to, zone)
            };
            assert!(on("2026-03-15", &holiday), "{zone}");
            assert!(!on("2026-03-14", &holiday), "{zone}");
            assert!(!on("2026-03-16", &holiday), "{zone}");
            // The timed hearing is 02:00 on the 15th in Honolulu, 02:00 on the 16th in Kiritimati.
            let expected_day = if zone == Pacific::Honolulu {
                "2026-03-15"
            } else {
                "2026-03-16"
            };
            assert!(on(expected_day, &hearing), "{zone}");
        }
    }

    #[test]
    fn window_dates_cover_exactly_the_touched_days() {
        let (from, to) = day_bounds("2026-03-08".parse().unwrap(), America::New_York);
        assert_eq!(
            window_dates(from, to, America::New_York),
            ("2026-03-08".parse().unwrap(), "2026-03-09".parse().unwrap())
        );
    }

    #[test]
    fn constructors_reject_backwards_ranges_and_zones_parse() {
        let t = utc("2026-01-01T10:00:00Z");
        assert_eq!(
            EventTime::timed(t, t, Europe::London),
            Err(TimeError::EndNotAfterStart)
        );
        let d: NaiveDate = "2026-01-01".parse().unwrap();
        assert_eq!(EventTime::all_day(d, d), Err(TimeError::EndNotAfterStart));
        assert_eq!(parse_zone("Europe/London"), Ok(Europe::London));
        assert!(matches!(
            parse_zone("Mars/Olympus"),
            Err(TimeError::UnknownZone(_))
        ));
    }

    #[test]
    fn event_time_round_trips_through_json() {
        let timed = EventTime::timed(
            utc("2026-03-08T07:30:00Z"),
            utc("2026-03-08T08:30:00Z"),
            America::New_York,
        )
        .unwrap();
        let json = serde_json::to_value(&timed).unwrap();
        assert_eq!(json["kind"], "timed");
        assert_eq!(json["zone"], "America/New_York");
        assert_eq!(serde_json::from_value::<EventTime>(json).unwrap(), timed);
        let all_day =
            EventTime::all_day("2026-03-15".parse().unwrap(), "2026-03-16".parse().unwrap())
                .unwrap();
        let json = serde_json::to_value(&all_day).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "all_day", "start": "2026-03-15", "end": "2026-03-16"})
        );
    }
}
