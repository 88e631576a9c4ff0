//! The hostile-server corpus (`fixtures/hostile-corpus.json`, 400+ cases):
//! every resource's records with wrong types, nulls and gaps where ids and
//! required fields go, duplicate ids and ids of other kinds, 1 MB strings,
//! NUL, control and bidi characters, impossible dates, ends before starts,
//! unknown enum values, nesting past any parser's limit, references to
//! records that do not exist, and text that is not a record at all, all
//! served at once by the real sandbox among the demo firm. Then, with a
//! next-page link to another host.
//!
//! The sync must finish without an error. Every record of the firm must
//! arrive. Each hostile record that carries an id of its own is either
//! applied or set aside, with a reason a person can read: short, without
//! control characters, and without the record's contents. A second sync
//! must stay clean.

mod common;

use std::collections::HashSet;

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use casefile_sandbox::{DemoData, FaultConfig, SandboxConfig};
use casefile_sync::{Engine, SyncOptions};
use common::*;
use serde_json::Value;

const FIRST_ID: i64 = 990_000;

fn corpus() -> Vec<Value> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-corpus.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

/// The text served for case `i`, built over `base` (a real record of its
/// resource); `other` is a record of another resource.
fn served(i: usize, case: &Value, base: &Value, other: &Value) -> String {
    if let Some(raw) = case["raw"].as_str() {
        return match raw {
            "$DEEP" => format!(
                "{{\"id\": {}, \"name\": {}}}",
                FIRST_ID + i as i64,
                nested(5000)
            ),
            text => text.to_owned(),
        };
    }
    let mut record = base.clone();
    record["id"] = Value::from(FIRST_ID + i as i64);
    let mut placeholders = Vec::new();
    for (field, value) in case["set"].as_object().into_iter().flatten() {
        record[field] = match value.as_str() {
            Some("$HUGE") => Value::String("§".repeat(1_100_000 / 2)),
            Some("$DUP_ID") => base["id"].clone(),
            Some("$OTHER_KIND_ID") => other["id"].clone(),
            Some("$NEST100") => {
                let mark = format!("\"@nest{i}@\"");
                placeholders.push((mark.clone(), nested(100)));
                Value::String(mark.trim_matches('"').to_owned())
            }
            _ => value.clone(),
        };
    }
    for field in case["drop"].as_array().into_iter().flatten() {
        if let (Some(obj), Some(f)) = (record.as_object_mut(), field.as_str()) {
            obj.remove(f);
        }
    }
    let mut text = record.to_string();
    for (mark, value) in placeholders {
        text = text.replace(&mark, &value);
    }
    text
}

fn kind_of(resource: &str) -> Kind {
    Kind::ALL
        .iter()
        .copied()
        .find(|k| k.plural() == resource)
        .unwrap_or_else(|| panic!("no kind is called {resource}"))
}

fn readable(reason: &str) -> bool {
    !reason.trim().is_empty()
        && reason.chars().count() <= 300
        && !reason.chars().any(char::is_control)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hostile_corpus_is_applied_or_set_aside_and_the_sync_goes_on() {
    let f = fixture().await;
    let server = dump(&f.sandbox).await;
    let cases = corpus();
    assert!(cases.len() >= 200, "the corpus holds {} cases", cases.len());
    for (i, case) in cases.iter().enumerate() {
        let resource = case["resource"].as_str().unwrap();
        let records = server["records"][resource].as_array().unwrap();
        let other = if resource == "cases" {
            "tasks"
        } else {
            "cases"
        };
        let text = served(i, case, &records[0], &server["records"][other][1]);
        serve_raw(&f, resource, text).await;
    }

    let engine = Engine::new(f.syncer.clone());
    let report = engine
        .sync_now(SyncOptions::default())
        .await
        .expect("hostile records must not stop the sync");
    let store = f.store();
    // Every record of the firm arrived, whatever came with it.
    for kind in [
        Kind::Staff,
        Kind::Client,
        Kind::Company,
        Kind::Case,
        Kind::Event,
        Kind::Task,
        Kind::Document,
    ] {
        let here: HashSet<RemoteId> = store
            .remote_ids(kind)
            .unwrap()
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        for record in server["records"][kind.plural()].as_array().unwrap() {
            let id = RemoteId(record["id"].to_string());
            assert!(
                here.contains(&id),
                "{} {id:?} of the firm is missing",
                kind.plural()
            );
        }
    }
    let set_aside = store.quarantined().unwrap();
    let quarantined: HashSet<(String, String)> = set_aside
        .iter()
        .filter_map(|q| q.remote_id.clone().map(|id| (q.resource.clone(), id)))
        .collect();
    for q in &set_aside {
        assert!(
            readable(&q.reason),
            "{}: an unreadable reason: {:?}",
            q.resource,
            q.reason
        );
    }
    let (mut applied, mut aside) = (0, 0);
    for (i, case) in cases.iter().enumerate() {
        let resource = case["resource"].as_str().unwrap();
        let id = (FIRST_ID + i as i64).to_string();
        let keeps_id = case["raw"].is_null()
            && case["drop"]
                .as_array()
                .is_none_or(|d| !d.iter().any(|f| f == "id"))
            && case["set"].get("id").is_none();
        if !keeps_id {
            continue;
        }
        let here = store
            .local_id_for(kind_of(resource), &RemoteId(id.clone()))
            .unwrap()
            .is_some();
        let away = quarantined.contains(&(resource.to_owned(), id.clone()));
        assert!(
            here != away,
            "case {i} ({resource}: {}): applied {here}, set aside {away}",
            case["why"]
        );
        if std::env::var("HOSTILE_VERBOSE").is_ok() {
            eprintln!(
                "{} {resource}: {}",
                if here { "applied" } else { "set aside" },
                case["why"]
            );
        }
        if here {
            applied += 1;
        } else {
            aside += 1;
        }
    }
    let status = engine.status();
    assert!(status.error.is_none(), "{:?}", status.error);
    assert_eq!(
        status.quarantined as usize,
        set_aside.len(),
        "the status lists them all"
    );
    eprintln!(
        "hostile: hostile_cases={} crashes=0 quarantined={} (of the {} with ids of their own: {applied} applied, {aside} set aside); pull quarantined {}",
        cases.len(),
        set_aside.len(),
        applied + aside,
        report.pull.quarantined()
    );

    // The next sync meets them all again and stays clean.
    engine
        .sync_now(SyncOptions::default())
        .await
        .expect("the second sync");
    assert_eq!(store.quarantined().unwrap().len(), set_aside.len());
    assert!(engine.status().error.is_none());
    let check: String = store
        .read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(check, "ok");
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_page_link_to_another_host_is_not_followed() {
    let cfg = SandboxConfig::default().with_rate_limit(0).with_demo(
        DemoData::Scaled {
            cases: 1500,
            events: 10,
            tasks: 10,
            documents: 0,
        },
        1,
    );
    let f = fixture_with(cfg, fast_retries()).await;
    // Another host that would answer, so following it would be seen.
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", elsewhere.local_addr().unwrap());
    let visits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = visits.clone();
    let listener = tokio::spawn(async move {
        while let Ok((_conn, _)) = elsewhere.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    set_faults(
        &f.sandbox,
        &FaultConfig {
            foreign_link_origin: Some(origin),
            ..Default::default()
        },
    )
    .await;
    let engine = Engine::new(f.syncer.clone());
    let error = engine
        .sync_now(SyncOptions::default())
        .await
        .expect_err("a walk that cannot go on is an error, not a silent end");
    assert!(error.to_string().contains("another host"), "{error}");
    assert_eq!(
        visits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing went to the other host"
    );
    let cursors: i64 = f
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM checkpoints WHERE cursor IS NOT NULL",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(cursors, 0, "no checkpoint keeps the foreign link");

    // Once the server's links are its own again, the walk completes.
    set_faults(&f.sandbox, &FaultConfig::default()).await;
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(count(f.store(), Kind::Case), 1500);
    listener.abort();
    f.sandbox.shutdown().await;
}
