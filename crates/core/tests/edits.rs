//! The edit rules both front ends share: what is refused before anything is
//! saved (and so never sent), what a create gets by default, and that a
//! provider's capabilities bound what may be edited.

use casefile_core::edits::{EditError, Editor, EventInput, TaskInput};
use casefile_domain::entity::{Kind, Meta, Staff};
use casefile_domain::ids::{AccountId, RemoteId};
use casefile_domain::time::EventTime;
use casefile_providers::{Capabilities, Deletions, Paging, ResourceCaps};
use casefile_store::{Checkpoint, Store};
use chrono_tz::America::New_York;

fn caps(event: ResourceCaps) -> Capabilities {
    Capabilities {
        resources: vec![
            event,
            ResourceCaps::read_write(Kind::Task),
            ResourceCaps::read_only(Kind::Staff),
        ],
        paging: Paging::PageNumber { max_page_size: 50 },
        rate_limit_per_s: 0,
        documents: None,
        folders: false,
        document_versions: true,
        documents_per_case: false,
        case_notes: false,
        update_returns_record: true,
        deletions: Deletions::Reported,
    }
}

/// A cache holding two staff members from the server: an inactive one with
/// the lower server id, and an active one.
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &AccountId("t".into())).unwrap();
    let staff = |remote: &str, first: &str, active: bool| Staff {
        meta: Meta {
            remote_id: Some(RemoteId(remote.into())),
            ..Meta::local(store.account())
        },
        first_name: first.into(),
        last_name: "Lee".into(),
        email: None,
        title: None,
        active,
    };
    store
        .apply_page(
            vec![staff("1", "Former", false), staff("2", "Ada", true)],
            Some(Checkpoint {
                resource: "staff".into(),
                watermark: None,
                cursor: None,
            }),
        )
        .unwrap();
    (dir, store)
}

fn field_of(e: EditError) -> &'static str {
    match e {
        EditError::Invalid { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn refused_input_is_never_saved() {
    let (_dir, store) = store();
    let caps = caps(ResourceCaps::read_write(Kind::Event));
    let editor = Editor::new(&store, New_York, &caps);
    let event = |name: &str, start: &str, end: &str| EventInput {
        name: Some(name.into()),
        start: Some(start.into()),
        end: Some(end.into()),
        ..Default::default()
    };
    let cases: Vec<(EventInput, &str)> = vec![
        (
            event(
                "Hearing",
                "2026-12-01T11:00:00-05:00",
                "2026-12-01T10:00:00-05:00",
            ),
            "end",
        ),
        (
            event(
                "Hearing",
                "2026-12-01T10:00:00-05:00",
                "2026-12-01T10:00:00-05:00",
            ),
            "end",
        ),
        (
            event(
                "  ",
                "2026-12-01T10:00:00-05:00",
                "2026-12-01T11:00:00-05:00",
            ),
            "name",
        ),
        (
            event("Hearing", "tomorrow", "2026-12-01T11:00:00-05:00"),
            "start",
        ),
        (
            EventInput {
                name: Some("No start".into()),
                ..Default::default()
            },
            "start",
        ),
    ];
    for (input, field) in cases {
        assert_eq!(
            field_of(editor.create_event(&input).unwrap_err()),
            field,
            "{input:?}"
        );
    }
    let bad_task = TaskInput {
        name: Some("Draft".into()),
        due: Some("2026-02-30".into()),
        ..Default::default()
    };
    assert_eq!(field_of(editor.create_task(&bad_task).unwrap_err()), "due");
    let bad_priority = TaskInput {
        name: Some("Draft".into()),
        due: Some("2026-12-09".into()),
        priority: Some("urgent".into()),
        ..Default::default()
    };
    assert_eq!(
        field_of(editor.create_task(&bad_priority).unwrap_err()),
        "priority"
    );
    assert_eq!(
        store.pending_count().unwrap(),
        0,
        "nothing refused was saved"
    );
}

#[test]
fn a_new_event_gets_the_first_active_staff_member_and_a_moved_one_keeps_its_length() {
    let (_dir, store) = store();
    let caps = caps(ResourceCaps::read_write(Kind::Event));
    let editor = Editor::new(&store, New_York, &caps);
    let created = editor
        .create_event(&EventInput {
            name: Some("Early call".into()),
            start: Some("2026-12-01T09:00:00-05:00".into()),
            ..Default::default()
        })
        .unwrap();
    let ada = store.default_staff().unwrap().unwrap();
    assert_eq!(
        created.staff,
        vec![ada],
        "the active member, not the inactive one"
    );
    match created.time {
        EventTime::Timed { start, end, zone } => {
            assert_eq!(zone, New_York);
            assert_eq!(
                end - start,
                chrono::Duration::hours(1),
                "an hour by default"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.pending_count().unwrap(), 1);

    // Moving it keeps what the change leaves out.
    let moved = editor
        .update_event(
            &created.meta.id.to_string(),
            &EventInput {
                start: Some("2026-12-02T09:00:00-05:00".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(moved.name, "Early call");
    assert_eq!(
        moved.time.clone(),
        EventTime::timed(
            "2026-12-02T14:00:00Z".parse().unwrap(),
            "2026-12-02T15:00:00Z".parse().unwrap(),
            New_York
        )
        .unwrap(),
        "moved a day later, still an hour long"
    );
    assert_eq!(moved.staff, created.staff);
}

#[test]
fn an_all_day_event_keeps_its_dates_and_its_end_is_exclusive() {
    let (_dir, store) = store();
    let caps = caps(ResourceCaps::read_write(Kind::Event));
    let editor = Editor::new(&store, New_York, &caps);
    let e = editor
        .create_event(&EventInput {
            name: Some("Trial".into()),
            start: Some("2026-03-08".into()),
            end: Some("2026-03-10".into()),
            all_day: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        e.time,
        EventTime::all_day(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 8).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()
        )
        .unwrap()
    );
    // Moved to start two days later, it keeps its three days.
    let moved = editor
        .update_event(
            &e.meta.id.to_string(),
            &EventInput {
                start: Some("2026-03-10".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        moved.time,
        EventTime::all_day(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 3, 13).unwrap()
        )
        .unwrap()
    );
}

#[test]
fn what_the_provider_does_not_take_is_refused_before_it_is_saved() {
    let (_dir, store) = store();
    let read_only = caps(ResourceCaps::read_only(Kind::Event));
    let editor = Editor::new(&store, New_York, &read_only);
    let refused = editor
        .create_event(&EventInput {
            name: Some("Hearing".into()),
            start: Some("2026-12-01T10:00:00-05:00".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(refused, EditError::NotAllowed(_)), "{refused:?}");
    assert_eq!(
        refused.class(),
        casefile_domain::error::ErrorCode::Unsupported
    );
    assert_eq!(store.pending_count().unwrap(), 0);
    // Tasks are still writable under the same provider.
    editor
        .create_task(&TaskInput {
            name: Some("Draft".into()),
            due: Some("2026-12-09".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(store.pending_count().unwrap(), 1);
}

#[test]
fn a_description_the_provider_would_drop_is_refused_before_it_is_saved() {
    let (_dir, store) = store();
    let plain = caps(ResourceCaps {
        description: false,
        ..ResourceCaps::read_write(Kind::Event)
    });
    let editor = Editor::new(&store, New_York, &plain);
    let hearing = |description: Option<&str>| EventInput {
        name: Some("Hearing".into()),
        start: Some("2026-12-01T10:00:00-05:00".into()),
        description: description.map(str::to_owned),
        ..Default::default()
    };
    let refused = editor
        .create_event(&hearing(Some("Bring the exhibits")))
        .unwrap_err();
    assert!(matches!(refused, EditError::NotAllowed(_)), "{refused:?}");
    assert_eq!(store.pending_count().unwrap(), 0);
    // Empty, as the window sends it when it offers no field, is fine.
    editor.create_event(&hearing(Some(""))).unwrap();
    editor.create_event(&hearing(None)).unwrap();
    assert_eq!(store.pending_count().unwrap(), 2);
}

/// The window sends wall-clock times in the zone shown; the core resolves
/// them through the one time function (DESIGN: a gap moves forward, a fold
/// takes its first occurrence).
#[test]
fn wall_clock_times_resolve_through_the_one_time_function() {
    use casefile_core::edits::instant;
    let at = |text: &str| instant("start", text, New_York).unwrap().to_rfc3339();
    // 02:30 does not exist on 2026-03-08 in New York: it becomes 03:30 EDT.
    assert_eq!(at("2026-03-08T02:30"), "2026-03-08T07:30:00+00:00");
    // 01:30 happens twice on 2026-11-01: the first, EDT (-04:00).
    assert_eq!(at("2026-11-01T01:30"), "2026-11-01T05:30:00+00:00");
    assert_eq!(at("2026-11-01T01:30:00"), "2026-11-01T05:30:00+00:00");
    // RFC 3339 keeps its own offset; a date is that day's midnight.
    assert_eq!(at("2026-03-08T02:30:00Z"), "2026-03-08T02:30:00+00:00");
    assert_eq!(at("2026-03-08"), "2026-03-08T05:00:00+00:00");
    assert!(instant("start", "2026-03-08 02:30pm", New_York).is_err());
}

#[test]
fn the_dialog_sets_and_clears_location_case_and_privacy() {
    let (_dir, store) = store();
    let room = casefile_domain::entity::Location {
        meta: Meta {
            remote_id: Some(RemoteId("77".into())),
            ..Meta::local(store.account())
        },
        name: "Courtroom 4".into(),
        address: None,
    };
    store.apply_page(vec![room], None).unwrap();
    let caps = caps(ResourceCaps::read_write(Kind::Event));
    let editor = Editor::new(&store, New_York, &caps);
    // A location is one of the firm's: free text would never reach the server.
    let refused = editor
        .create_event(&EventInput {
            name: Some("Site visit".into()),
            start: Some("2026-12-03T10:00:00-05:00".into()),
            location: Some("The pub".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(field_of(refused), "location");
    let event = editor
        .create_event(&EventInput {
            name: Some("Site visit".into()),
            start: Some("2026-12-03T10:00:00-05:00".into()),
            location: Some("  Courtroom 4  ".into()),
            private: Some(true),
            case: Some(String::new()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(event.location.as_deref(), Some("Courtroom 4"));
    assert!(event.private);
    assert_eq!(event.case, None);
    let changed = editor
        .update_event(
            &event.meta.id.to_string(),
            &EventInput {
                location: Some(String::new()),
                private: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(changed.location, None);
    assert!(!changed.private);
    assert_eq!(
        changed.name, "Site visit",
        "what the input leaves out stays"
    );
}

#[test]
fn a_task_can_be_reopened() {
    let (_dir, store) = store();
    let caps = caps(ResourceCaps::read_write(Kind::Event));
    let editor = Editor::new(&store, New_York, &caps);
    let task = editor
        .create_task(&TaskInput {
            name: Some("Call the clerk".into()),
            due: Some("2026-12-03".into()),
            ..Default::default()
        })
        .unwrap();
    let id = task.meta.id.to_string();
    let done = editor.set_task_done(&id, true).unwrap();
    assert!(done.completed && done.completed_at.is_some());
    let open = editor.set_task_done(&id, false).unwrap();
    assert!(!open.completed && open.completed_at.is_none());
}
