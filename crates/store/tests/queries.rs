//! Every query the UI uses: cases (filters, sorts, text, paging), case detail,
//! events by range (timed by instant, all-day by date, across zones), tasks,
//! folders and documents, and global search kept right by triggers.

mod common;

use casefile_domain::entity::*;
use casefile_domain::ids::LocalId;
use casefile_store::{CaseQuery, CaseSort, EventQuery, TaskQuery};
use common::*;

fn names(page: &casefile_store::Page<casefile_store::CaseRow>) -> Vec<&str> {
    page.items.iter().map(|r| r.name.as_str()).collect()
}

#[test]
fn cases_filter_sort_search_and_page_in_sql() {
    let (_dir, store) = open();
    let (trial, discovery) = (stage("Trial"), stage("Discovery"));
    let (pi, family) = (area("Personal Injury"), area("Family"));
    let (ana, ben) = (staff("Ana", "Lopez"), staff("Ben", "Park"));
    let grace = client("Grace", "Okafor");
    store
        .apply_page(vec![trial.clone(), discovery.clone()], None)
        .unwrap();
    store
        .apply_page(vec![pi.clone(), family.clone()], None)
        .unwrap();
    store
        .apply_page(vec![ana.clone(), ben.clone()], None)
        .unwrap();
    store.apply_page(vec![grace.clone()], None).unwrap();

    let mut a = case("Martinez v. Hollis Trucking LLC", "2024-CV-001.2");
    a.stage = Some(trial.0.meta.id);
    a.practice_area = Some(pi.0.meta.id);
    a.staff = vec![CaseStaff {
        staff: ana.meta.id,
        role: "lead_lawyer".into(),
    }];
    a.clients = vec![grace.meta.id];
    a.opened_on = Some(date("2024-02-01"));
    let mut b = case("Estate of Margaret Chen", "2025-PR-0042");
    b.stage = Some(discovery.0.meta.id);
    b.practice_area = Some(family.0.meta.id);
    b.staff = vec![CaseStaff {
        staff: ben.meta.id,
        role: "lead_lawyer".into(),
    }];
    b.opened_on = Some(date("2025-06-10"));
    let mut c = case("Adams Custody Matter", "2023-FM-0311");
    c.status = CaseStatus::Closed;
    c.opened_on = Some(date("2023-03-03"));
    store
        .apply_page(vec![a.clone(), b.clone(), c.clone()], None)
        .unwrap();

    let all = store
        .cases(&CaseQuery {
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(
        names(&all),
        [
            "Adams Custody Matter",
            "Estate of Margaret Chen",
            "Martinez v. Hollis Trucking LLC"
        ]
    );
    assert_eq!(all.items[2].stage.as_deref(), Some("Trial"));
    assert_eq!(
        all.items[2].practice_area.as_deref(),
        Some("Personal Injury")
    );

    let q = |f: fn(&mut CaseQuery)| {
        let mut q = CaseQuery {
            limit: 50,
            ..Default::default()
        };
        f(&mut q);
        q
    };
    let open_only = store.cases(&q(|q| q.status = Some("open".into()))).unwrap();
    assert_eq!(open_only.total, 2);
    let by_stage = store
        .cases(&CaseQuery {
            stage: Some(trial.0.meta.id),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(names(&by_stage), ["Martinez v. Hollis Trucking LLC"]);
    let by_area = store
        .cases(&CaseQuery {
            practice_area: Some(family.0.meta.id),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(names(&by_area), ["Estate of Margaret Chen"]);
    let by_staff = store
        .cases(&CaseQuery {
            staff: Some(ben.meta.id),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(names(&by_staff), ["Estate of Margaret Chen"]);
    let by_client = store
        .cases(&CaseQuery {
            client: Some(grace.meta.id),
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(names(&by_client), ["Martinez v. Hollis Trucking LLC"]);
    // What the list offers to filter by, each by name; only clients with a case.
    let choices = store.case_filter_choices(100).unwrap();
    let named = |list: &[casefile_store::query::filters::Choice]| {
        list.iter().map(|c| c.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(named(&choices.stages), ["Discovery", "Trial"]);
    assert_eq!(
        named(&choices.practice_areas),
        ["Family", "Personal Injury"]
    );
    assert_eq!(named(&choices.staff), ["Ana Lopez", "Ben Park"]);
    assert_eq!(named(&choices.clients), ["Grace Okafor"]);
    assert_eq!(choices.clients[0].id, grace.meta.id.to_string());
    let by_number = store
        .cases(&q(|q| q.text = Some("2024-CV-001.2".into())))
        .unwrap();
    assert_eq!(names(&by_number), ["Martinez v. Hollis Trucking LLC"]);
    let by_prefix = store.cases(&q(|q| q.text = Some("marg".into()))).unwrap();
    assert_eq!(names(&by_prefix), ["Estate of Margaret Chen"]);

    let opened_desc = store
        .cases(&q(|q| {
            q.sort = CaseSort::Opened;
            q.descending = true;
        }))
        .unwrap();
    assert_eq!(
        names(&opened_desc),
        [
            "Estate of Margaret Chen",
            "Martinez v. Hollis Trucking LLC",
            "Adams Custody Matter"
        ]
    );
    let by_num = store.cases(&q(|q| q.sort = CaseSort::Number)).unwrap();
    assert_eq!(names(&by_num)[0], "Adams Custody Matter");

    let page2 = store
        .cases(&CaseQuery {
            limit: 2,
            offset: 2,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page2.total, 3);
    assert_eq!(names(&page2), ["Martinez v. Hollis Trucking LLC"]);
}

#[test]
fn case_detail_gathers_people_upcoming_events_open_tasks_and_documents() {
    let (_dir, store) = open();
    let ana = staff("Ana", "Lopez");
    let grace = client("Grace", "Okafor");
    store.apply_page(vec![ana.clone()], None).unwrap();
    store.apply_page(vec![grace.clone()], None).unwrap();
    let mut k = case("Okafor v. Lakeside Realty", "2026-CV-0107");
    k.clients = vec![grace.meta.id];
    k.staff = vec![CaseStaff {
        staff: ana.meta.id,
        role: "originating_lawyer".into(),
    }];
    store.apply_page(vec![k.clone()], None).unwrap();
    let mut past = timed_event("Intake", "2026-10-01T14:00:00Z", "2026-10-01T15:00:00Z");
    let mut soon = timed_event("Deposition", "2026-12-02T14:00:00Z", "2026-12-02T17:00:00Z");
    let mut deadline = all_day_event("Filing deadline", "2026-12-15", "2026-12-16");
    for e in [&mut past, &mut soon, &mut deadline] {
        e.case = Some(k.meta.id);
    }
    store.apply_page(vec![past, soon, deadline], None).unwrap();
    let mut open_task = task("Draft interrogatories", Some("2026-12-01"), false);
    let mut done_task = task("Send retainer", Some("2026-10-01"), true);
    open_task.case = Some(k.meta.id);
    done_task.case = Some(k.meta.id);
    store.apply_page(vec![open_task, done_task], None).unwrap();
    let doc = Document {
        meta: meta(Some("d-1")),
        case: k.meta.id,
        folder: None,
        name: "Complaint.pdf".into(),
        path: "Pleadings".into(),
        size: Some(1200),
        content_hash: None,
        local_blob: None,
    };
    store.apply_page(vec![doc], None).unwrap();

    let detail = store
        .case_detail(
            &k.meta.id,
            instant("2026-11-23T12:00:00Z"),
            date("2026-11-23"),
        )
        .unwrap()
        .unwrap();
    assert_eq!(detail.clients[0].last_name, "Okafor");
    assert_eq!(detail.staff[0].1, "originating_lawyer");
    let upcoming: Vec<_> = detail
        .upcoming_events
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(upcoming, ["Deposition", "Filing deadline"]);
    let tasks: Vec<_> = detail.open_tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tasks, ["Draft interrogatories"]);
    assert_eq!(detail.document_count, 1);
    assert!(store
        .case_detail(
            &LocalId::new(),
            instant("2026-11-23T12:00:00Z"),
            date("2026-11-23")
        )
        .unwrap()
        .is_none());
}

#[test]
fn events_overlap_by_instant_and_all_day_events_keep_their_dates_across_zones() {
    let (_dir, store) = open();
    let ana = staff("Ana", "Lopez");
    store.apply_page(vec![ana.clone()], None).unwrap();
    let k = case("Range case", "R-1");
    store.apply_page(vec![k.clone()], None).unwrap();
    let mut hearing = timed_event("Hearing", "2026-03-15T12:00:00Z", "2026-03-15T13:00:00Z");
    hearing.staff = vec![ana.meta.id];
    hearing.case = Some(k.meta.id);
    let holiday = all_day_event("Court holiday", "2026-03-15", "2026-03-16");
    let spanning = timed_event(
        "Trial (3 days)",
        "2026-03-13T14:00:00Z",
        "2026-03-16T22:00:00Z",
    );
    let long = timed_event("Sabbatical", "2026-01-01T00:00:00Z", "2026-06-30T00:00:00Z");
    let outside = timed_event("Later", "2026-04-01T12:00:00Z", "2026-04-01T13:00:00Z");
    store
        .apply_page(vec![hearing, holiday, spanning, long, outside], None)
        .unwrap();

    let day = |zone: chrono_tz::Tz, d: &str| {
        let (from, to) = casefile_domain::time::day_bounds(date(d), zone);
        let q = EventQuery {
            from,
            to,
            viewer: zone,
            case: None,
            staff: None,
        };
        let mut names: Vec<String> = store
            .events(&q)
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        names.sort();
        names
    };
    let honolulu = chrono_tz::Pacific::Honolulu; // UTC-10
    let kiritimati = chrono_tz::Pacific::Kiritimati; // UTC+14
                                                     // 12:00Z on the 15th is 02:00 on the 15th in Honolulu and 02:00 on the 16th in Kiritimati.
    assert_eq!(
        day(honolulu, "2026-03-15"),
        ["Court holiday", "Hearing", "Sabbatical", "Trial (3 days)"]
    );
    assert_eq!(
        day(kiritimati, "2026-03-15"),
        ["Court holiday", "Sabbatical", "Trial (3 days)"]
    );
    assert_eq!(
        day(kiritimati, "2026-03-16"),
        ["Hearing", "Sabbatical", "Trial (3 days)"]
    );
    // The all-day event never moves off its date.
    assert!(!day(honolulu, "2026-03-14").contains(&"Court holiday".to_string()));
    assert!(!day(kiritimati, "2026-03-16").contains(&"Court holiday".to_string()));

    let (from, to) = (
        instant("2026-03-01T00:00:00Z"),
        instant("2026-04-01T00:00:00Z"),
    );
    let by_staff = store
        .events(&EventQuery {
            from,
            to,
            viewer: chrono_tz::UTC,
            case: None,
            staff: Some(ana.meta.id),
        })
        .unwrap();
    assert_eq!(by_staff.len(), 1);
    let by_case = store
        .events(&EventQuery {
            from,
            to,
            viewer: chrono_tz::UTC,
            case: Some(k.meta.id),
            staff: None,
        })
        .unwrap();
    assert_eq!(by_case[0].name, "Hearing");
    // Ordered by start.
    let month = store
        .events(&EventQuery {
            from,
            to,
            viewer: chrono_tz::UTC,
            case: None,
            staff: None,
        })
        .unwrap();
    let order: Vec<_> = month.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        order,
        ["Sabbatical", "Trial (3 days)", "Court holiday", "Hearing"]
    );
    let q = EventQuery {
        from,
        to,
        viewer: chrono_tz::UTC,
        case: None,
        staff: None,
    };
    // The calendar's projection returns the same events (in any order).
    let mut drawn: Vec<_> = store
        .calendar(&q)
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let mut full: Vec<_> = month.iter().map(|e| (e.meta.id, e.name.clone())).collect();
    drawn.sort();
    full.sort();
    assert_eq!(drawn, full);
    let holiday = store
        .calendar(&q)
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Court holiday")
        .unwrap();
    assert_eq!(
        holiday.time,
        casefile_store::CalendarTime::AllDay {
            start: date("2026-03-15"),
            end: date("2026-03-16")
        }
    );
}

#[test]
fn tasks_filter_by_due_range_overdue_completion_assignee_case_and_priority() {
    let (_dir, store) = open();
    let ana = staff("Ana", "Lopez");
    store.apply_page(vec![ana.clone()], None).unwrap();
    let k = case("Task case", "T-1");
    store.apply_page(vec![k.clone()], None).unwrap();
    let mut overdue = task("Overdue brief", Some("2026-11-01"), false);
    overdue.staff = vec![ana.meta.id];
    let mut upcoming = task("Upcoming filing", Some("2026-12-01"), false);
    upcoming.case = Some(k.meta.id);
    upcoming.priority = casefile_domain::entity::Priority::High;
    let done = task("Done task", Some("2026-10-01"), true);
    let undated = task("Someday", None, false);
    store
        .apply_page(vec![overdue, upcoming, done, undated], None)
        .unwrap();
    let names = |q: TaskQuery| -> Vec<String> {
        store
            .tasks(&TaskQuery { limit: 50, ..q })
            .unwrap()
            .items
            .into_iter()
            .map(|t| t.name)
            .collect()
    };
    assert_eq!(
        names(TaskQuery::default()),
        ["Done task", "Overdue brief", "Upcoming filing", "Someday"]
    );
    assert_eq!(
        names(TaskQuery {
            overdue_before: Some("2026-11-23".into()),
            ..Default::default()
        }),
        ["Overdue brief"]
    );
    assert_eq!(
        names(TaskQuery {
            completed: Some(true),
            ..Default::default()
        }),
        ["Done task"]
    );
    assert_eq!(
        names(TaskQuery {
            due_from: Some("2026-11-01".into()),
            due_to: Some("2026-12-01".into()),
            ..Default::default()
        }),
        ["Overdue brief"]
    );
    assert_eq!(
        names(TaskQuery {
            assignee: Some(ana.meta.id),
            ..Default::default()
        }),
        ["Overdue brief"]
    );
    assert_eq!(
        names(TaskQuery {
            case: Some(k.meta.id),
            ..Default::default()
        }),
        ["Upcoming filing"]
    );
    assert_eq!(
        names(TaskQuery {
            priority: Some(casefile_domain::entity::Priority::High),
            ..Default::default()
        }),
        ["Upcoming filing"]
    );
    let page = store
        .tasks(&TaskQuery {
            limit: 1,
            offset: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((page.total, page.items.len()), (4, 1));
}

#[test]
fn folder_tree_nests_and_documents_list_per_folder() {
    let (_dir, store) = open();
    let k = case("Folder case", "F-1");
    store.apply_page(vec![k.clone()], None).unwrap();
    let folder = |name: &str, parent: Option<LocalId>| Folder {
        meta: meta(Some(&format!("f-{name}"))),
        case: k.meta.id,
        parent,
        name: name.into(),
    };
    let pleadings = folder("Pleadings", None);
    let motions = folder("Motions", Some(pleadings.meta.id));
    let discovery = folder("Discovery", None);
    store
        .apply_page(
            vec![pleadings.clone(), motions.clone(), discovery.clone()],
            None,
        )
        .unwrap();
    let doc = |name: &str, f: &Folder| Document {
        meta: meta(Some(&format!("d-{name}"))),
        case: k.meta.id,
        folder: Some(f.meta.id),
        name: name.into(),
        path: "Pleadings/Motions".into(),
        size: None,
        content_hash: None,
        local_blob: None,
    };
    store
        .apply_page(
            vec![
                doc("Motion to Dismiss.pdf", &motions),
                doc("Brief.docx", &motions),
            ],
            None,
        )
        .unwrap();
    let tree = store.folder_tree(&k.meta.id).unwrap();
    let roots: Vec<_> = tree.iter().map(|n| n.folder.name.as_str()).collect();
    assert_eq!(roots, ["Discovery", "Pleadings"]);
    assert_eq!(tree[1].children[0].folder.name, "Motions");
    let docs: Vec<_> = store
        .documents_in_folder(&motions.meta.id)
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(docs, ["Brief.docx", "Motion to Dismiss.pdf"]);
}

#[test]
fn search_finds_every_kind_and_follows_renames_and_deletes() {
    let (_dir, store) = open();
    let mut k = case("Martinez v. Hollis Trucking LLC", "2024-CV-001.2");
    k.meta.remote_id = None;
    store.save(k.clone(), "Created").unwrap();
    store
        .apply_page(vec![client("Grace", "Okafor")], None)
        .unwrap();
    store
        .apply_page(
            vec![timed_event(
                "Deposition of Dr. Patel",
                "2026-12-02T14:00:00Z",
                "2026-12-02T17:00:00Z",
            )],
            None,
        )
        .unwrap();
    store
        .apply_page(vec![task("Subpoena records", None, false)], None)
        .unwrap();

    let hits = |text: &str| -> Vec<String> {
        store
            .search(text, 20)
            .unwrap()
            .into_iter()
            .map(|h| h.title)
            .collect()
    };
    assert_eq!(hits("2024-CV-001.2"), ["Martinez v. Hollis Trucking LLC"]);
    assert_eq!(hits("holl"), ["Martinez v. Hollis Trucking LLC"]);
    assert_eq!(hits("grace.okafor@example.org"), ["Grace Okafor"]);
    assert_eq!(hits("555-0142"), ["Grace Okafor"]);
    assert_eq!(hits("patel"), ["Deposition of Dr. Patel"]);
    assert_eq!(hits("courtroom"), ["Deposition of Dr. Patel"]);
    assert_eq!(hits("subpoena"), ["Subpoena records"]);
    assert!(hits("\"*)(").is_empty(), "operator soup is harmless");

    // A rename: the old name no longer finds it, the new one does.
    // (The builder's description repeats the name, so it changes too.)
    k.name = "Martinez v. Granite Freight Inc".into();
    k.description = Some("Freight contract dispute".into());
    store.save(k.clone(), "Renamed").unwrap();
    assert!(hits("hollis").is_empty());
    assert_eq!(hits("granite"), ["Martinez v. Granite Freight Inc"]);
    // A delete (tombstone) removes it from search.
    store.delete(Kind::Case, k.meta.id, "Deleted").unwrap();
    assert!(hits("granite").is_empty());
}

#[test]
fn type_ahead_stops_at_its_limit() {
    let (_dir, store) = open();
    let many: Vec<_> = (0..50)
        .map(|i| case(&format!("Smith matter {i}"), &format!("S-{i}")))
        .collect();
    store.apply_page(many, None).unwrap();
    assert_eq!(store.search("smith", 10).unwrap().len(), 10);
}
