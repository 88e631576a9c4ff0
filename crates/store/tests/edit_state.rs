//! The badge state read beside the calendar's and the task list's rows:
//! waiting in the outbox, refused by the server, or in conflict.

mod common;

use casefile_domain::entity::Kind;
use casefile_store::{EditState, EventQuery};
use common::*;

fn month() -> EventQuery {
    EventQuery {
        from: instant("2026-03-01T00:00:00Z"),
        to: instant("2026-04-01T00:00:00Z"),
        viewer: chrono_tz::UTC,
        case: None,
        staff: None,
    }
}

#[test]
fn a_synced_event_has_no_badge_and_a_local_edit_waits_until_refused() {
    let (_dir, store) = open();
    let synced = timed_event("Hearing", "2026-03-10T14:00:00Z", "2026-03-10T15:00:00Z");
    store.apply_page(vec![synced.clone()], None).unwrap();
    let row = |store: &casefile_store::Store| {
        store
            .calendar(&month())
            .unwrap()
            .into_iter()
            .find(|r| r.id == synced.meta.id)
            .unwrap()
    };
    assert_eq!(row(&store).sync, EditState::default());

    let mut moved = synced.clone();
    moved.name = "Hearing (moved)".into();
    let op = store.save(moved, "Moved").unwrap();
    assert_eq!(
        row(&store).sync,
        EditState {
            pending: true,
            problem: None,
            conflict: false,
            checking: false,
            failing: None
        }
    );

    store
        .fail_op(op, "staff: at least one is required")
        .unwrap();
    let state = row(&store).sync;
    assert!(state.pending, "a refused change still waits: {state:?}");
    assert_eq!(
        state.problem.as_deref(),
        Some("staff: at least one is required")
    );
}

#[test]
fn task_states_are_read_for_the_ids_asked_and_only_those_with_a_badge() {
    let (_dir, store) = open();
    let quiet = task("File the motion", Some("2026-03-02"), false);
    let edited = task("Call the client", Some("2026-03-03"), false);
    store
        .apply_page(vec![quiet.clone(), edited.clone()], None)
        .unwrap();
    let mut changed = edited.clone();
    changed.completed = true;
    store.save(changed, "Completed").unwrap();

    let states = store
        .edit_states(Kind::Task, &[quiet.meta.id, edited.meta.id])
        .unwrap();
    assert_eq!(states.len(), 1, "{states:?}");
    assert!(states[&edited.meta.id].pending);
    assert!(store.edit_states(Kind::Task, &[]).unwrap().is_empty());
}

#[test]
fn a_calendar_row_names_its_case_and_first_attendee_for_colours_and_legend() {
    let (_dir, store) = open();
    let ana = staff("Ana", "Lopez");
    let k = case("Martinez v. Hollis", "T-1");
    store.apply_page(vec![ana.clone()], None).unwrap();
    store.apply_page(vec![k.clone()], None).unwrap();
    let mut hearing = timed_event("Hearing", "2026-03-10T14:00:00Z", "2026-03-10T15:00:00Z");
    hearing.case = Some(k.meta.id);
    hearing.staff = vec![ana.meta.id];
    let alone = timed_event("Alone", "2026-03-11T14:00:00Z", "2026-03-11T15:00:00Z");
    store.apply_page(vec![hearing, alone], None).unwrap();
    let rows = store.calendar(&month()).unwrap();
    let row = |name: &str| rows.iter().find(|r| r.name == name).unwrap();
    assert_eq!(
        row("Hearing").case_name.as_deref(),
        Some("Martinez v. Hollis")
    );
    assert_eq!(
        row("Hearing").lead,
        Some((ana.meta.id, "Ana Lopez".to_owned()))
    );
    assert_eq!(
        (row("Alone").case_name.clone(), row("Alone").lead.clone()),
        (None, None)
    );
}
