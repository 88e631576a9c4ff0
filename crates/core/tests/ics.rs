//! The ICS export's golden checks: TEXT escaping, folding at 75 octets
//! without splitting a character, all-day dates, local times and the
//! VTIMEZONE on a DST night, stable UIDs, and what is read from a cache.

use casefile_core::ics::{
    escape_text, events_to_export, fold_line, to_ics, uid, ExportError, ExportRange,
    MAX_LINE_OCTETS,
};
use casefile_domain::entity::{Case, CaseStatus, Event, Meta};
use casefile_domain::ids::{AccountId, LocalId};
use casefile_domain::time::{local_to_instant, EventTime};
use casefile_store::{Checkpoint, Store};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::America::New_York;
use chrono_tz::Tz;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn event(name: &str, time: EventTime) -> Event {
    Event {
        meta: Meta::local(&AccountId("t".into())),
        name: name.into(),
        description: None,
        location: None,
        case: None,
        staff: vec![],
        time,
        private: false,
    }
}

fn timed(name: &str, start: &str, end: &str, zone: Tz) -> Event {
    event(name, EventTime::timed(utc(start), utc(end), zone).unwrap())
}

fn stamp() -> DateTime<Utc> {
    utc("2026-12-02T10:00:00Z")
}

/// The content lines, unfolded (RFC 5545 §3.1), of a CRLF-only file.
fn unfolded(ics: &str) -> Vec<String> {
    let lines: Vec<String> = ics
        .replace("\r\n ", "")
        .split("\r\n")
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.last().map(String::as_str), Some(""), "ends in CRLF");
    lines[..lines.len() - 1].to_vec()
}

/// The unfolded lines of the one VEVENT whose UID is `uid`.
fn vevent(ics: &str, uid: &str) -> Vec<String> {
    let lines = unfolded(ics);
    let at = lines
        .iter()
        .position(|l| *l == format!("UID:{uid}"))
        .expect("the event is exported");
    let begin = lines[..at]
        .iter()
        .rposition(|l| l == "BEGIN:VEVENT")
        .unwrap();
    let end = at + lines[at..].iter().position(|l| l == "END:VEVENT").unwrap();
    lines[begin..=end].to_vec()
}

fn has(lines: &[String], line: &str) -> bool {
    lines.iter().any(|l| l == line)
}

#[test]
fn text_escapes_backslash_semicolon_comma_and_newlines() {
    assert_eq!(escape_text("a,b;c\\d"), "a\\,b\\;c\\\\d");
    assert_eq!(
        escape_text("line one\nline two\r\nthree\rfour"),
        "line one\\nline two\\nthree\\nfour"
    );
    assert_eq!(escape_text("bell\u{7} and\ttab"), "bell and\ttab");

    let mut e = event(
        "a,b;c\\d",
        EventTime::all_day(date("2026-03-15"), date("2026-03-16")).unwrap(),
    );
    e.description = Some("Bring:\nexhibits A, B; and C".into());
    e.location = Some("Courtroom 4, Floor 2".into());
    let ics = to_ics(std::slice::from_ref(&e), stamp());
    let lines = vevent(&ics, &uid(&e));
    assert!(has(&lines, "SUMMARY:a\\,b\\;c\\\\d"), "{lines:?}");
    assert!(
        has(&lines, "DESCRIPTION:Bring:\\nexhibits A\\, B\\; and C"),
        "{lines:?}"
    );
    assert!(has(&lines, "LOCATION:Courtroom 4\\, Floor 2"), "{lines:?}");
}

#[test]
fn long_utf8_lines_fold_at_75_octets_and_unfold_to_the_original() {
    let summary = "Übergabe — 日本語の審問 📅 ".repeat(12);
    let e = timed(
        &summary,
        "2026-06-01T13:00:00Z",
        "2026-06-01T14:00:00Z",
        New_York,
    );
    let ics = to_ics(std::slice::from_ref(&e), stamp());
    let bytes = ics.as_bytes();
    let mut folded = 0;
    for physical in bytes.split(|b| *b == b'\n') {
        if physical.is_empty() {
            continue; // after the last CRLF
        }
        let line = physical
            .strip_suffix(b"\r")
            .expect("every line ends in CRLF");
        assert!(line.len() <= MAX_LINE_OCTETS, "{} octets", line.len());
        std::str::from_utf8(line).expect("no character is split across lines");
        folded += usize::from(line.first() == Some(&b' '));
    }
    assert!(folded >= 6, "the summary is folded: {ics}");
    let lines = vevent(&ics, &uid(&e));
    assert!(has(&lines, &format!("SUMMARY:{summary}")), "{lines:?}");

    // Folding itself, at the edges: 75 octets fit, 76 do not.
    assert_eq!(
        fold_line(&"x".repeat(75)),
        format!("{}\r\n", "x".repeat(75))
    );
    assert_eq!(
        fold_line(&"x".repeat(76)),
        format!("{}\r\n x\r\n", "x".repeat(75))
    );
    // A 3-octet character that would straddle octet 75 moves to the next line.
    let edge = format!("{}€", "x".repeat(73));
    assert_eq!(fold_line(&edge), format!("{}\r\n €\r\n", "x".repeat(73)));
}

#[test]
fn the_calendar_has_its_header_and_only_crlf_line_ends() {
    let e = timed(
        "Call",
        "2026-06-01T13:00:00Z",
        "2026-06-01T14:00:00Z",
        New_York,
    );
    let ics = to_ics(&[e], stamp());
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
    assert!(has(&unfolded(&ics), "DTSTAMP:20261202T100000Z"));
}

#[test]
fn an_all_day_event_keeps_its_dates_with_an_exclusive_end() {
    let e = event(
        "Trial (blocked)",
        EventTime::all_day(date("2026-03-15"), date("2026-03-18")).unwrap(),
    );
    let ics = to_ics(std::slice::from_ref(&e), stamp());
    let lines = vevent(&ics, &uid(&e));
    assert!(has(&lines, "DTSTART;VALUE=DATE:20260315"), "{lines:?}");
    assert!(has(&lines, "DTEND;VALUE=DATE:20260318"), "{lines:?}");
    assert!(!ics.contains("VTIMEZONE"), "all-day events need no zone");
}

#[test]
fn a_timed_event_on_the_dst_night_gets_its_local_time_and_both_observances() {
    // 02:30 does not exist on 2026-03-08 in New York: it is 03:30 EDT (-04:00).
    let start = local_to_instant(
        NaiveDateTime::parse_from_str("2026-03-08 02:30", "%Y-%m-%d %H:%M").unwrap(),
        New_York,
    );
    assert_eq!(start, utc("2026-03-08T07:30:00Z"));
    let e = event(
        "Emergency custody hearing",
        EventTime::timed(start, start + chrono::Duration::hours(1), New_York).unwrap(),
    );
    let ics = to_ics(std::slice::from_ref(&e), stamp());
    let lines = vevent(&ics, &uid(&e));
    assert!(
        has(&lines, "DTSTART;TZID=America/New_York:20260308T033000"),
        "{lines:?}"
    );
    assert!(
        has(&lines, "DTEND;TZID=America/New_York:20260308T043000"),
        "{lines:?}"
    );

    let all = unfolded(&ics);
    assert_eq!(all.iter().filter(|l| *l == "BEGIN:VTIMEZONE").count(), 1);
    let tz = &all[all.iter().position(|l| l == "BEGIN:VTIMEZONE").unwrap()
        ..=all.iter().position(|l| l == "END:VTIMEZONE").unwrap()];
    let observance = |kind: &str, dtstart: &str, from: &str, to: &str, name: &str| {
        let want = [
            format!("BEGIN:{kind}"),
            format!("DTSTART:{dtstart}"),
            format!("TZOFFSETFROM:{from}"),
            format!("TZOFFSETTO:{to}"),
            format!("TZNAME:{name}"),
            format!("END:{kind}"),
        ];
        assert!(
            tz.windows(want.len()).any(|w| w == want),
            "{kind} {dtstart} in {tz:#?}"
        );
    };
    assert_eq!(tz[1], "TZID:America/New_York");
    // In effect on 1 January, from the fall-back before it ...
    observance("STANDARD", "20251102T020000", "-0400", "-0500", "EST");
    // ... and the year's two changes, at the local time the clocks showed.
    observance("DAYLIGHT", "20260308T020000", "-0500", "-0400", "EDT");
    observance("STANDARD", "20261101T020000", "-0400", "-0500", "EST");
    assert_eq!(tz.iter().filter(|l| l.starts_with("BEGIN:")).count(), 4);
}

#[test]
fn the_second_pass_of_a_fall_back_hour_is_written_in_utc() {
    // 01:30 on 2026-11-01 happens twice in New York; local time names the first.
    let first = timed(
        "First",
        "2026-11-01T05:30:00Z",
        "2026-11-01T06:15:00Z",
        New_York,
    );
    let second = timed(
        "Second",
        "2026-11-01T06:30:00Z",
        "2026-11-01T07:30:00Z",
        New_York,
    );
    let ics = to_ics(&[first.clone(), second.clone()], stamp());
    let a = vevent(&ics, &uid(&first));
    assert!(
        has(&a, "DTSTART;TZID=America/New_York:20261101T013000"),
        "{a:?}"
    );
    // 06:15Z is 01:15 EST, the second 01:15.
    assert!(has(&a, "DTEND:20261101T061500Z"), "{a:?}");
    let b = vevent(&ics, &uid(&second));
    assert!(has(&b, "DTSTART:20261101T063000Z"), "{b:?}");
    assert!(
        has(&b, "DTEND;TZID=America/New_York:20261101T023000"),
        "{b:?}"
    );
}

#[test]
fn utc_events_are_written_with_z_and_no_vtimezone() {
    let e = timed(
        "Call with London",
        "2026-06-01T13:00:00Z",
        "2026-06-01T14:00:00Z",
        chrono_tz::UTC,
    );
    let ics = to_ics(std::slice::from_ref(&e), stamp());
    let lines = vevent(&ics, &uid(&e));
    assert!(has(&lines, "DTSTART:20260601T130000Z"), "{lines:?}");
    assert!(has(&lines, "DTEND:20260601T140000Z"), "{lines:?}");
    assert!(!ics.contains("VTIMEZONE"));
}

#[test]
fn one_vtimezone_per_zone_and_a_zone_without_dst_has_one_standard() {
    let events = [
        timed(
            "a",
            "2026-06-01T13:00:00Z",
            "2026-06-01T14:00:00Z",
            New_York,
        ),
        timed(
            "b",
            "2026-07-01T13:00:00Z",
            "2026-07-01T14:00:00Z",
            New_York,
        ),
        timed(
            "c",
            "2026-06-01T01:00:00Z",
            "2026-06-01T02:00:00Z",
            chrono_tz::Asia::Tokyo,
        ),
    ];
    let ics = to_ics(&events, stamp());
    let lines = unfolded(&ics);
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VTIMEZONE").count(), 2);
    let tokyo = lines.iter().position(|l| l == "TZID:Asia/Tokyo").unwrap();
    let end = tokyo
        + lines[tokyo..]
            .iter()
            .position(|l| l == "END:VTIMEZONE")
            .unwrap();
    let tz = &lines[tokyo..end];
    assert_eq!(tz.iter().filter(|l| *l == "BEGIN:STANDARD").count(), 1);
    assert!(!tz.iter().any(|l| l.contains("DAYLIGHT")));
    assert!(
        has(tz, "TZOFFSETTO:+0900") && has(tz, "TZNAME:JST"),
        "{tz:?}"
    );
    assert!(has(
        &vevent(&ics, &uid(&events[2])),
        "DTSTART;TZID=Asia/Tokyo:20260601T100000"
    ));
}

#[test]
fn uids_are_stable_across_exports() {
    let mut events = vec![
        timed(
            "a",
            "2026-06-01T13:00:00Z",
            "2026-06-01T14:00:00Z",
            New_York,
        ),
        event(
            "b",
            EventTime::all_day(date("2026-06-02"), date("2026-06-03")).unwrap(),
        ),
    ];
    let uids = |ics: &str| -> Vec<String> {
        unfolded(ics)
            .into_iter()
            .filter(|l| l.starts_with("UID:"))
            .collect()
    };
    let first = to_ics(&events, stamp());
    events[0].name = "a (renamed)".into();
    let second = to_ics(&events, utc("2026-12-03T08:00:00Z"));
    assert_eq!(uids(&first), uids(&second));
    assert_eq!(
        uids(&first),
        events
            .iter()
            .map(|e| format!("UID:{}@casefile", e.meta.id))
            .collect::<Vec<_>>()
    );
    assert_ne!(uids(&first)[0], uids(&first)[1]);
}

fn checkpoint(resource: &str) -> Option<Checkpoint> {
    Some(Checkpoint {
        resource: resource.into(),
        watermark: None,
        cursor: None,
    })
}

#[test]
fn the_export_reads_a_window_of_the_cache_optionally_for_one_case() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &AccountId("t".into())).unwrap();
    let case = Case {
        meta: Meta::local(store.account()),
        name: "Doe v. Roe".into(),
        number: None,
        description: None,
        status: CaseStatus::Open,
        stage: None,
        practice_area: None,
        opened_on: None,
        closed_on: None,
        clients: vec![],
        companies: vec![],
        staff: vec![],
    };
    store
        .apply_page(vec![case.clone()], checkpoint("cases"))
        .unwrap();
    let mut hearing = timed(
        "Hearing",
        "2026-03-10T14:00:00Z",
        "2026-03-10T15:00:00Z",
        New_York,
    );
    hearing.case = Some(case.meta.id);
    let deadline = event(
        "Deadline",
        EventTime::all_day(date("2026-03-12"), date("2026-03-13")).unwrap(),
    );
    let later = timed(
        "Later",
        "2026-04-10T14:00:00Z",
        "2026-04-10T15:00:00Z",
        New_York,
    );
    store
        .apply_page(
            vec![hearing.clone(), deadline.clone(), later],
            checkpoint("events"),
        )
        .unwrap();

    let march = ExportRange {
        from: utc("2026-03-01T05:00:00Z"),
        to: utc("2026-04-01T04:00:00Z"),
        viewer: New_York,
        case: None,
    };
    let ids = |r: &ExportRange| -> Vec<LocalId> {
        events_to_export(&store, r)
            .unwrap()
            .iter()
            .map(|e| e.meta.id)
            .collect()
    };
    assert_eq!(ids(&march), [hearing.meta.id, deadline.meta.id]);
    let of_case = ExportRange {
        case: Some(case.meta.id),
        ..march.clone()
    };
    assert_eq!(ids(&of_case), [hearing.meta.id]);

    let unknown = LocalId::new();
    assert!(matches!(
        events_to_export(&store, &ExportRange { case: Some(unknown), ..march.clone() }),
        Err(ExportError::UnknownCase(id)) if id == unknown
    ));
    assert!(matches!(
        events_to_export(
            &store,
            &ExportRange {
                to: march.from,
                ..march.clone()
            }
        ),
        Err(ExportError::EmptyRange)
    ));
}
