//! The reminder rules: a notification a lead time before a timed event,
//! once, after a restart too; none for a deleted event, an all-day event,
//! or one that started and finished while the app was closed; one
//! "Started n minutes ago" for an event still running.

use casefile_core::reminders::{
    due, lead_from_minutes, mark_fired, save_lead, saved_lead, ReminderError, DEFAULT_LEAD,
};
use casefile_domain::entity::{Event, Kind, Meta};
use casefile_domain::error::ErrorCode;
use casefile_domain::ids::{AccountId, RemoteId};
use casefile_domain::time::EventTime;
use casefile_store::Store;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::America::New_York;

fn account() -> AccountId {
    AccountId("t".into())
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path(), &account()).unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// 10:00 EDT.
fn now() -> DateTime<Utc> {
    utc("2026-06-01T14:00:00Z")
}

fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}

/// A timed event from the server, `from`..`to` minutes from [`now`].
fn timed(name: &str, from: i64, to: i64, location: Option<&str>) -> Event {
    Event {
        meta: Meta {
            remote_id: Some(RemoteId(name.into())),
            ..Meta::local(&account())
        },
        name: name.into(),
        description: None,
        location: location.map(Into::into),
        case: None,
        staff: Vec::new(),
        time: EventTime::timed(now() + minutes(from), now() + minutes(to), New_York).unwrap(),
        private: false,
    }
}

fn cached(store: &Store, events: Vec<Event>) {
    store.apply_page(events, None).unwrap();
}

fn bodies(store: &Store, at: DateTime<Utc>) -> Vec<(String, String)> {
    due(store, at, DEFAULT_LEAD, New_York)
        .unwrap()
        .into_iter()
        .map(|r| (r.title, r.body))
        .collect()
}

#[test]
fn an_event_within_the_lead_time_reminds_and_one_beyond_it_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    cached(
        &store,
        vec![
            timed("Hearing", 10, 70, Some("Courtroom 4B")),
            timed("Later", 20, 80, None),
        ],
    );
    assert_eq!(
        bodies(&store, now()),
        vec![(
            "Hearing".to_owned(),
            "Starts in 10 minutes (10:10), Courtroom 4B".to_owned()
        )]
    );
    // Five minutes on, the later one is within the lead time too.
    assert_eq!(
        bodies(&store, now() + minutes(5)),
        vec![
            (
                "Hearing".to_owned(),
                "Starts in 5 minutes (10:10), Courtroom 4B".to_owned()
            ),
            (
                "Later".to_owned(),
                "Starts in 15 minutes (10:20)".to_owned()
            ),
        ]
    );
}

#[test]
fn a_fired_reminder_never_repeats_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let hearing = timed("Hearing", 10, 70, None);
    let id = hearing.meta.id;
    cached(&store, vec![hearing]);
    let fired = due(&store, now(), DEFAULT_LEAD, New_York).unwrap();
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].event, id);
    assert_eq!(fired[0].start, now() + minutes(10));
    mark_fired(&store, &fired, now()).unwrap();
    assert!(due(&store, now(), DEFAULT_LEAD, New_York)
        .unwrap()
        .is_empty());
    // Nor once it is running: the key is the same.
    assert!(due(&store, now() + minutes(12), DEFAULT_LEAD, New_York)
        .unwrap()
        .is_empty());

    drop(store);
    let store = open(&dir);
    for later in [1, 10, 30] {
        assert!(
            due(&store, now() + minutes(later), DEFAULT_LEAD, New_York)
                .unwrap()
                .is_empty(),
            "{later} minutes on, after a restart"
        );
    }
}

#[test]
fn an_event_moved_to_a_new_time_reminds_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let hearing = timed("Hearing", 10, 70, None);
    cached(&store, vec![hearing.clone()]);
    let fired = due(&store, now(), DEFAULT_LEAD, New_York).unwrap();
    mark_fired(&store, &fired, now()).unwrap();

    let moved = Event {
        time: EventTime::timed(now() + minutes(60), now() + minutes(120), New_York).unwrap(),
        ..hearing
    };
    store.save(moved, "moved the hearing").unwrap();
    assert!(bodies(&store, now()).is_empty(), "not due yet");
    assert_eq!(
        bodies(&store, now() + minutes(48)),
        vec![(
            "Hearing".to_owned(),
            "Starts in 12 minutes (11:00)".to_owned()
        )]
    );
}

#[test]
fn a_deleted_event_never_reminds() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let here = timed("Deleted here", 10, 70, None);
    let there = timed("Deleted on the server", 5, 70, None);
    let (here_id, there_id) = (here.meta.id, there.meta.id);
    cached(&store, vec![here, there]);
    assert_eq!(bodies(&store, now()).len(), 2);

    store
        .delete(Kind::Event, here_id, "deleted the hearing")
        .unwrap();
    store
        .apply_remote_deletions::<Event>(vec![there_id])
        .unwrap();
    assert!(bodies(&store, now()).is_empty());
    assert!(bodies(&store, now() + minutes(7)).is_empty());
}

#[test]
fn an_event_that_started_while_closed_reminds_only_if_still_running() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    cached(
        &store,
        vec![
            timed("Finished", -30, -10, None),
            timed("Running", -5, 60, Some("Room 2")),
            // Started more than a day ago: beyond the lookback.
            timed("Trial", -(25 * 60), 6 * 60, None),
        ],
    );
    let fired = due(&store, now(), DEFAULT_LEAD, New_York).unwrap();
    assert_eq!(
        fired
            .iter()
            .map(|r| (r.title.as_str(), r.body.as_str()))
            .collect::<Vec<_>>(),
        vec![("Running", "Started 5 minutes ago (09:55), Room 2")]
    );
    mark_fired(&store, &fired, now()).unwrap();
    assert!(bodies(&store, now() + minutes(1)).is_empty(), "once only");
}

#[test]
fn an_event_starting_now_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    cached(&store, vec![timed("Call", 0, 30, None)]);
    assert_eq!(
        bodies(&store, now()),
        vec![("Call".to_owned(), "Starts now (10:00)".to_owned())]
    );
}

#[test]
fn all_day_events_never_remind() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let today = now().with_timezone(&New_York).date_naive();
    let holiday = Event {
        time: EventTime::all_day(today, today.succ_opt().unwrap()).unwrap(),
        ..timed("Filing deadline", 0, 1, None)
    };
    let tomorrow = Event {
        time: EventTime::all_day(today.succ_opt().unwrap(), today + Duration::days(2)).unwrap(),
        ..timed("Tomorrow", 0, 1, None)
    };
    cached(&store, vec![holiday, tomorrow]);
    for at in [
        now(),
        utc("2026-06-02T03:55:00Z"),
        utc("2026-06-02T04:00:00Z"),
    ] {
        assert!(bodies(&store, at).is_empty(), "{at}");
        assert!(due(&store, at, minutes(1440), New_York).unwrap().is_empty());
    }
}

#[test]
fn times_are_worded_in_the_laptops_zone_across_a_dst_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    // 2026-03-08, New York springs forward at 02:00: 03:30 EDT is 07:30 UTC.
    let start = utc("2026-03-08T07:30:00Z");
    let early = Event {
        time: EventTime::timed(start, start + minutes(60), New_York).unwrap(),
        ..timed("Early call", 0, 1, None)
    };
    cached(&store, vec![early]);
    // 01:50 EST is 06:50 UTC: 40 minutes before, though the clock jumps 100.
    let at = utc("2026-03-08T06:50:00Z");
    assert_eq!(
        bodies(&store, at),
        Vec::<(String, String)>::new(),
        "40 minutes ahead"
    );
    assert_eq!(
        due(&store, at, minutes(45), New_York)
            .unwrap()
            .into_iter()
            .map(|r| r.body)
            .collect::<Vec<_>>(),
        vec!["Starts in 40 minutes (03:30)".to_owned()]
    );
    assert_eq!(
        bodies(&store, utc("2026-03-08T07:20:00Z")),
        vec![(
            "Early call".to_owned(),
            "Starts in 10 minutes (03:30)".to_owned()
        )]
    );
}

#[test]
fn old_fired_keys_are_forgotten_and_new_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let hearing = timed("Hearing", 10, 70, None);
    cached(&store, vec![hearing]);
    let fired = due(&store, now(), DEFAULT_LEAD, New_York).unwrap();
    mark_fired(&store, &fired, now()).unwrap();
    let json = store.meta_value("reminders.fired").unwrap().unwrap();
    assert!(json.contains(&fired[0].event.to_string()), "{json}");
    // Three days on, marking nothing prunes the old key.
    mark_fired(&store, &[], now() + Duration::days(3)).unwrap();
    assert_eq!(
        store.meta_value("reminders.fired").unwrap().as_deref(),
        Some("[]")
    );
}

#[test]
fn a_damaged_fired_set_is_rewritten_rather_than_blocking_reminders() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    cached(&store, vec![timed("Hearing", 10, 70, None)]);
    store
        .set_meta_value("reminders.fired".into(), "not json".into())
        .unwrap();
    let fired = due(&store, now(), DEFAULT_LEAD, New_York).unwrap();
    assert_eq!(fired.len(), 1);
    mark_fired(&store, &fired, now()).unwrap();
    assert!(bodies(&store, now()).is_empty());
}

#[test]
fn the_lead_time_is_a_saved_setting_of_0_to_1440_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    assert_eq!(DEFAULT_LEAD, minutes(15));
    assert_eq!(saved_lead(&store).unwrap(), DEFAULT_LEAD);

    assert_eq!(lead_from_minutes(0).unwrap(), minutes(0));
    assert_eq!(lead_from_minutes(1440).unwrap(), minutes(1440));
    let err = lead_from_minutes(1441).unwrap_err();
    assert!(matches!(
        err,
        ReminderError::LeadOutOfRange { minutes: 1441, .. }
    ));
    assert_eq!(err.class(), ErrorCode::Validation);
    assert_eq!(
        casefile_core::CoreError::from(err).class(),
        ErrorCode::Validation
    );

    save_lead(&store, 30).unwrap();
    assert!(save_lead(&store, 5000).is_err());
    drop(store);
    let store = open(&dir);
    assert_eq!(saved_lead(&store).unwrap(), minutes(30));
    assert_eq!(
        store
            .meta_value("reminders.lead_minutes")
            .unwrap()
            .as_deref(),
        Some("30")
    );

    // Lead 0: only events as they start.
    cached(&store, vec![timed("Call", 1, 30, None)]);
    assert!(due(&store, now(), minutes(0), New_York).unwrap().is_empty());
    assert_eq!(
        due(&store, now() + minutes(1), minutes(0), New_York)
            .unwrap()
            .len(),
        1
    );
}
