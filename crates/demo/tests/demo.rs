//! The demo firm: deterministic, complete, referentially sound, with real
//! files, DST-day events, and every record in its contract response shape.

use std::collections::HashSet;
use std::io::Read;

use casefile_demo::{generate, CollectSink, DemoParams, Resource};
use chrono::{DateTime, Utc};
use serde_json::Value;

fn now() -> DateTime<Utc> {
    "2026-11-23T15:00:00Z".parse().unwrap()
}

fn firm(seed: u64) -> CollectSink {
    let mut sink = CollectSink::default();
    let Ok(()) = generate(&DemoParams::small_firm(seed, now()), &mut sink);
    sink
}

#[test]
fn the_same_seed_gives_the_same_firm_and_another_seed_another() {
    let (a, b, c) = (firm(7), firm(7), firm(8));
    assert_eq!(a.records, b.records);
    assert_eq!(a.documents, b.documents);
    assert_ne!(a.records, c.records);
}

#[test]
fn counts_match_the_parameters() {
    let p = DemoParams::small_firm(1, now());
    let f = firm(1);
    let count = |r| f.of(r).count();
    assert_eq!(count(Resource::Firm), 1);
    assert_eq!(count(Resource::Staff), p.staff);
    assert_eq!(count(Resource::Client), p.clients);
    assert_eq!(count(Resource::Company), p.companies);
    assert_eq!(count(Resource::Case), p.cases);
    assert_eq!(count(Resource::Event), p.events);
    assert_eq!(count(Resource::Task), p.tasks);
    assert_eq!(f.documents.len(), p.documents);
    assert!(count(Resource::Folder) >= p.cases);
}

/// Every `{"id": n}` a record refers to was emitted before it.
#[test]
fn every_reference_points_at_an_earlier_record() {
    let f = firm(3);
    let mut seen: HashSet<(String, i64)> = HashSet::new();
    let key = |r: &str, v: &Value| (r.to_owned(), v["id"].as_i64().unwrap());
    let check = |seen: &HashSet<(String, i64)>, kind: &str, v: &Value| {
        if let Some(id) = v.get("id").and_then(Value::as_i64) {
            assert!(
                seen.contains(&(kind.to_owned(), id)),
                "dangling {kind} {id}"
            );
        }
    };
    let mut emitted: Vec<(Resource, &Value)> = f.records.iter().map(|(r, v)| (*r, v)).collect();
    emitted.extend(f.documents.iter().map(|(v, _)| (Resource::Document, v)));
    // Documents come after folders and before events in emission order.
    emitted.sort_by_key(|(r, _)| *r as u8);
    for (resource, v) in emitted {
        match resource {
            Resource::Case => {
                for c in v["clients"].as_array().unwrap() {
                    check(&seen, "client", c)
                }
                for c in v["companies"].as_array().unwrap() {
                    check(&seen, "company", c)
                }
                for s in v["staff"].as_array().unwrap() {
                    check(&seen, "staff", s)
                }
            }
            Resource::Folder => {
                check(&seen, "case", &v["case"]);
                if let Some(p) = v.get("parent") {
                    check(&seen, "folder", p)
                }
            }
            Resource::Document => {
                check(&seen, "case", &v["case"]);
                check(&seen, "folder", &v["folder"]);
            }
            Resource::Event | Resource::Task => {
                check(&seen, "case", &v["case"]);
                for s in v["staff"].as_array().unwrap() {
                    check(&seen, "staff", s)
                }
                if let Some(l) = v.get("location") {
                    check(&seen, "location", l)
                }
            }
            _ => {}
        }
        let kind = match resource {
            Resource::Staff => "staff",
            Resource::Client => "client",
            Resource::Company => "company",
            Resource::Case => "case",
            Resource::Folder => "folder",
            Resource::Location => "location",
            _ => continue,
        };
        assert!(seen.insert(key(kind, v)), "duplicate {kind} id");
    }
}

#[test]
fn events_include_dst_days_with_explicit_offsets_and_all_day_dates() {
    let f = firm(1);
    let events: Vec<&Value> = f.of(Resource::Event).collect();
    let spring = events
        .iter()
        .find(|e| e["start"].as_str().unwrap().starts_with("2026-03-08"))
        .expect("spring-forward event");
    // 02:30 does not exist that night; RFC 5545 says it is 03:30 EDT.
    assert_eq!(spring["start"], "2026-03-08T03:30:00-04:00");
    let fall = events
        .iter()
        .find(|e| e["start"].as_str().unwrap().starts_with("2026-11-01"))
        .expect("fall-back event");
    assert_eq!(
        fall["start"], "2026-11-01T01:30:00-04:00",
        "the first 01:30"
    );
    for e in &events {
        let (start, end) = (e["start"].as_str().unwrap(), e["end"].as_str().unwrap());
        if e["all_day"].as_bool().unwrap() {
            assert_eq!(start.len(), 10, "all-day start is a date");
            assert!(end >= start, "all-day end is inclusive");
        } else {
            let (s, t) = (
                DateTime::parse_from_rfc3339(start).unwrap(),
                DateTime::parse_from_rfc3339(end).unwrap(),
            );
            assert!(t > s);
        }
    }
    assert!(events.iter().any(|e| e["all_day"] == true));
}

#[test]
fn files_are_real_pdfs_docx_and_text() {
    let f = firm(1);
    let mut kinds = HashSet::new();
    for (doc, bytes) in &f.documents {
        let name = doc["filename"].as_str().unwrap();
        let ext = name.rsplit('.').next().unwrap();
        kinds.insert(ext.to_owned());
        match ext {
            "pdf" => {
                assert!(bytes.starts_with(b"%PDF-"));
                let text = String::from_utf8_lossy(bytes);
                let startxref: usize = text
                    .rsplit("startxref\n")
                    .next()
                    .unwrap()
                    .lines()
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(
                    text[startxref..].starts_with("xref"),
                    "startxref points at the xref table"
                );
                // Each object's offset in the table points at "N 0 obj".
                for (i, line) in text[startxref..].lines().skip(3).take(5).enumerate() {
                    let offset: usize = line[..10].parse().unwrap();
                    assert!(text[offset..].starts_with(&format!("{} 0 obj", i + 1)));
                }
            }
            "docx" => {
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).unwrap();
                let mut xml = String::new();
                zip.by_name("word/document.xml")
                    .unwrap()
                    .read_to_string(&mut xml)
                    .unwrap();
                assert!(xml.contains(doc["name"].as_str().unwrap()));
                assert!(zip.by_name("[Content_Types].xml").is_ok());
            }
            "txt" => assert!(std::str::from_utf8(bytes)
                .unwrap()
                .contains(doc["name"].as_str().unwrap())),
            other => panic!("unexpected file type {other}"),
        }
    }
    assert_eq!(kinds.len(), 3, "pdf, docx and txt all appear: {kinds:?}");
}

#[test]
fn text_reads_like_a_law_firm_and_uses_reserved_contact_details() {
    let f = firm(1);
    let names: Vec<&str> = f
        .of(Resource::Case)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.iter().any(|n| n.contains(" v. ")));
    assert!(names
        .iter()
        .any(|n| n.starts_with("Estate of ") || n.contains("Trust")));
    for c in f.of(Resource::Client) {
        assert!(c["email"].as_str().unwrap().ends_with("@example.org"));
        assert!(c["cell_phone_number"].as_str().unwrap().contains("555-01"));
    }
    let all: String = f
        .records
        .iter()
        .map(|(_, v)| v.to_string().to_lowercase())
        .collect();
    assert!(!all.contains("lorem"));
}

/// Every record validates against its contract response schema.
#[test]
fn every_record_matches_its_contract_schema() {
    let dir = std::env::var("CASEFILE_CONTRACTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/contracts")
        });
    let mycase = dir.join("mycase");
    if !mycase.is_dir() {
        eprintln!(
            "SKIPPED: contracts not found at {}; set CASEFILE_CONTRACTS",
            mycase.display()
        );
        return;
    }
    let validator = |file: &str, path: &str, method: &str, status: &str| {
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(mycase.join(file)).unwrap()).unwrap();
        let mut schema = spec["paths"][path][method]["responses"][status]["content"]
            ["application/json"]["schema"]
            .clone();
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let mut node = &spec;
            for part in r.trim_start_matches("#/").split('/') {
                node = &node[part];
            }
            schema = node.clone();
        }
        if schema["type"] == "array" {
            schema = schema["items"].clone();
        }
        assert!(schema.is_object(), "{file} {path}: no schema");
        let mut root = schema;
        root["components"] = spec["components"].clone();
        jsonschema::validator_for(&root).unwrap()
    };
    let f = firm(1);
    let table: &[(Resource, &str, &str, &str, &str)] = &[
        (Resource::Firm, "Firm.json", "/v1/firm", "get", "200"),
        (Resource::Staff, "Staff.json", "/v1/staff", "get", "200"),
        (
            Resource::PracticeArea,
            "PracticeAreas.json",
            "/v1/practice_areas",
            "get",
            "200",
        ),
        (
            Resource::CaseStage,
            "CaseStages.json",
            "/v1/case_stages",
            "get",
            "200",
        ),
        (
            Resource::Location,
            "Locations.json",
            "/v1/locations",
            "get",
            "200",
        ),
        (
            Resource::Client,
            "Clients.json",
            "/v1/clients",
            "get",
            "200",
        ),
        (
            Resource::Company,
            "Companies.json",
            "/v1/companies",
            "get",
            "200",
        ),
        (Resource::Case, "Cases.json", "/v1/cases", "get", "200"),
        (Resource::Event, "Events.json", "/v1/events", "get", "200"),
        (Resource::Task, "Tasks.json", "/v1/tasks", "get", "200"),
        (
            Resource::Folder,
            "Folders.json",
            "/v1/cases/{id}/subfolders",
            "post",
            "200",
        ),
    ];
    for (resource, file, path, method, status) in table {
        let v = validator(file, path, method, status);
        for record in f.of(*resource) {
            let errors: Vec<String> = v
                .iter_errors(record)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{resource:?} {}: {errors:?}",
                record["id"]
            );
        }
    }
    let v = validator("Documents.json", "/v1/documents/{id}", "get", "200");
    for (doc, _) in &f.documents {
        let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "document {}: {errors:?}", doc["id"]);
    }
}
