//! `VTIMEZONE` components (RFC 5545 §3.6.5), computed from the time-zone
//! database chrono-tz compiles in, for the years an export uses.
//!
//! chrono-tz does not list a zone's transitions, so they are found by
//! scanning: the offset is read every hour through a year, and each change
//! is narrowed to its second. Every transition becomes one observance
//! (`STANDARD` or `DAYLIGHT`) with no `RRULE`: its `DTSTART` is the local
//! time of the change as the clock read before it (§3.6.5), with
//! `TZOFFSETFROM`, `TZOFFSETTO` and `TZNAME`. A year also gets the
//! observance already in effect when it begins (the last change before it),
//! so every instant of the year falls after an observance's onset. A zone
//! without changes gets one `STANDARD`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// How far back the observance in effect at a year's start is looked for.
const LOOKBACK_YEARS: i32 = 3;

/// Zones that are UTC under another name: written as `...Z`, no VTIMEZONE.
pub(super) fn is_utc(zone: Tz) -> bool {
    matches!(
        zone.name(),
        "UTC"
            | "Etc/UTC"
            | "UCT"
            | "Etc/UCT"
            | "Universal"
            | "Etc/Universal"
            | "Zulu"
            | "Etc/Zulu"
            | "GMT"
            | "Etc/GMT"
            | "GMT0"
            | "Etc/GMT0"
            | "GMT+0"
            | "Etc/GMT+0"
            | "GMT-0"
            | "Etc/GMT-0"
            | "Greenwich"
            | "Etc/Greenwich"
    )
}

/// What the clocks of a zone say at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    /// Seconds east of UTC.
    offset: i32,
    daylight: bool,
    name: String,
}

fn state(zone: Tz, at: DateTime<Utc>) -> State {
    let offset = zone.offset_from_utc_datetime(&at.naive_utc());
    let seconds = offset.fix().local_minus_utc();
    State {
        offset: seconds,
        daylight: offset.dst_offset() > Duration::zero(),
        name: offset
            .abbreviation()
            .map_or_else(|| utc_offset(seconds), str::to_owned),
    }
}

/// One observance: from `onset` on, the zone is in state `to`.
struct Observance {
    onset: DateTime<Utc>,
    from: i32,
    to: State,
}

/// Midnight UTC on 1 January of `year`.
fn year_start(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap_or(NaiveDate::MIN)
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
}

/// The zone's changes in [from, to), in order.
fn transitions(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Observance> {
    let step = Duration::hours(1);
    let mut out = Vec::new();
    let mut before = state(zone, from);
    let mut at = from;
    while at < to {
        let next = (at + step).min(to);
        let after = state(zone, next);
        if after != before {
            // The change is in (at, next]: narrow it to the second.
            let (mut lo, mut hi) = (at, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if state(zone, mid) == before {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let to_state = state(zone, hi);
            if hi < to {
                out.push(Observance {
                    onset: hi,
                    from: before.offset,
                    to: to_state.clone(),
                });
            }
            before = to_state;
            // Whatever else changed before `next` is found on the next step.
            at = hi;
            continue;
        }
        before = after;
        at = next;
    }
    out
}

/// The observance in effect when `year` begins: the last change in the
/// few years before it, or, if there was none, the state then, from a
/// date inside that quiet stretch.
fn opening(zone: Tz, year: i32) -> Observance {
    for back in 1..=LOOKBACK_YEARS {
        let changes = transitions(zone, year_start(year - back), year_start(year - back + 1));
        if let Some(last) = changes.into_iter().last() {
            return last;
        }
    }
    let quiet = year_start(year - LOOKBACK_YEARS + 1);
    let now = state(zone, quiet);
    Observance {
        onset: quiet - Duration::seconds(i64::from(now.offset)),
        from: now.offset,
        to: now,
    }
}

/// The VTIMEZONE for `zone`, covering the UTC years `years`, as content lines.
pub(super) fn vtimezone(zone: Tz, years: &BTreeSet<i32>) -> Vec<String> {
    let mut observances: BTreeMap<DateTime<Utc>, Observance> = BTreeMap::new();
    for &year in years {
        if !years.contains(&(year - 1)) {
            let first = opening(zone, year);
            observances.insert(first.onset, first);
        }
        for change in transitions(zone, year_start(year), year_start(year + 1)) {
            observances.insert(change.onset, change);
        }
    }
    let mut lines = vec![
        "BEGIN:VTIMEZONE".to_owned(),
        format!("TZID:{}", zone.name()),
    ];
    for o in observances.values() {
        let kind = if o.to.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // The onset as the clocks read it just before the change.
        let local = (o.onset + Duration::seconds(i64::from(o.from))).naive_utc();
        lines.push(format!("BEGIN:{kind}"));
        lines.push(format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")));
        lines.push(format!("TZOFFSETFROM:{}", utc_offset(o.from)));
        lines.push(format!("TZOFFSETTO:{}", utc_offset(o.to.offset)));
        lines.push(format!("TZNAME:{}", super::escape_text(&o.to.name)));
        lines.push(format!("END:{kind}"));
    }
    lines.push("END:VTIMEZONE".to_owned());
    lines
}

/// An RFC 5545 UTC-OFFSET: `+HHMM`, or `+HHMMSS` when there are seconds.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Australia};

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn new_york_2026_changes_at_the_right_seconds() {
        let got = transitions(America::New_York, year_start(2026), year_start(2027));
        let onsets: Vec<_> = got.iter().map(|o| (o.onset, o.from, o.to.offset)).collect();
        assert_eq!(
            onsets,
            [
                (utc("2026-03-08T07:00:00Z"), -5 * 3600, -4 * 3600),
                (utc("2026-11-01T06:00:00Z"), -4 * 3600, -5 * 3600),
            ]
        );
        assert!(got[0].to.daylight && !got[1].to.daylight);
        assert_eq!(
            (got[0].to.name.as_str(), got[1].to.name.as_str()),
            ("EDT", "EST")
        );
    }

    #[test]
    fn lord_howe_shifts_by_half_an_hour() {
        let got = transitions(Australia::Lord_Howe, year_start(2026), year_start(2027));
        let offsets: Vec<_> = got.iter().map(|o| (o.from, o.to.offset)).collect();
        assert_eq!(offsets, [(39600, 37800), (37800, 39600)]);
    }

    #[test]
    fn a_zone_without_changes_has_one_standard() {
        let lines = vtimezone(Asia::Tokyo, &BTreeSet::from([2026]));
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:STANDARD").count(), 1);
        assert!(!lines.iter().any(|l| l.contains("DAYLIGHT")));
        assert!(lines.contains(&"TZOFFSETTO:+0900".to_owned()), "{lines:?}");
        assert!(
            lines.contains(&"DTSTART:20240101T000000".to_owned()),
            "{lines:?}"
        );
    }

    #[test]
    fn offsets_are_written_as_rfc_5545_utc_offsets() {
        assert_eq!(utc_offset(-5 * 3600), "-0500");
        assert_eq!(utc_offset(37800), "+1030");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(-(4 * 3600 + 56 * 60 + 2)), "-045602");
    }
}
