//! `events export --ics`: a synced account's window of events, written as an
//! iCalendar file and read back by an independent parser (Python's
//! `icalendar`), gives back the instants, zones and all-day dates the cache
//! holds, both through the zone's name and through the file's own
//! VTIMEZONE. `--ics -` writes the same calendar to standard output.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, FixedOffset};
use common::{add_token_account, keychain_or_skip, run_env, sandbox};
use serde_json::Value;

const TOKEN_ENV: &str = "ICS_EXPORT_TOKEN";
const FROM: &str = "2026-03-01";
const TO: &str = "2026-11-15";

/// Prints, as JSON, each VEVENT's UID, its DTSTART and DTEND (ISO 8601 with
/// the offset for a time, a bare date for a DATE), their TZIDs, and each
/// time again as resolved through the file's own VTIMEZONE.
const PARSE: &str = r#"
import datetime, json, sys
import icalendar
from icalendar.timezone import tzp

cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
own = {str(z["TZID"]): z.to_tz(lookup_tzid=False) for z in cal.walk("VTIMEZONE")}
out = []
for ev in cal.walk("VEVENT"):
    item = {"uid": str(ev["UID"]), "summary": str(ev["SUMMARY"])}
    for key in ("DTSTART", "DTEND"):
        prop = ev[key]
        value, tzid, name = prop.dt, prop.params.get("TZID"), key.lower()
        item[name] = value.isoformat()
        item[name + "_tzid"] = tzid
        item[name + "_is_date"] = not isinstance(value, datetime.datetime)
        if tzid is not None:
            local = value.replace(tzinfo=None)
            item[name + "_own"] = tzp.localize(local, own[tzid]).isoformat()
    out.append(item)
print(json.dumps(out))
"#;

/// A Python that has `icalendar`: CASEFILE_PYTHON (scripts/test sets it), the
/// venv scripts/setup.sh makes under target/, or `python3`. A missing one fails.
fn python_with_icalendar() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/py-icalendar/bin/python3");
    let python = std::env::var_os("CASEFILE_PYTHON")
        .map(PathBuf::from)
        .or_else(|| venv.exists().then_some(venv))
        .unwrap_or_else(|| PathBuf::from("python3"));
    let found = Command::new(&python)
        .args(["-c", "import icalendar"])
        .output();
    match found {
        Ok(out) if out.status.success() => python,
        Ok(out) => {
            panic!(
            "{} has no icalendar package ({}): scripts/test installs it (pip install icalendar)",
            python.display(),
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
        )
        }
        Err(e) => panic!(
            "no {} to run ({e}): scripts/test installs it (pip install icalendar)",
            python.display()
        ),
    }
}

/// The exported file as Python's icalendar reads it, by UID.
fn parse(python: &Path, ics: &Path) -> BTreeMap<String, Value> {
    let out = Command::new(python)
        .args(["-c", PARSE])
        .arg(ics)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "icalendar could not read the export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut by_uid = BTreeMap::new();
    for item in items {
        let uid = item["uid"].as_str().unwrap().to_owned();
        assert!(by_uid.insert(uid.clone(), item).is_none(), "{uid} twice");
    }
    by_uid
}

fn instant(text: &Value) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text.as_str().unwrap()).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Asserts that the parsed calendar holds exactly `expected` (events as
/// `events list --json` shows them), with their instants and dates.
fn assert_round_trip(parsed: &BTreeMap<String, Value>, expected: &[&Value], zone: &str) {
    let want: Vec<String> = expected
        .iter()
        .map(|e| format!("{}@casefile", e["id"].as_str().unwrap()))
        .collect();
    let mut sorted = want.clone();
    sorted.sort();
    assert_eq!(
        parsed.keys().cloned().collect::<Vec<_>>(),
        sorted,
        "one VEVENT per event, its UID from its id"
    );
    for (event, uid) in expected.iter().zip(&want) {
        let got = &parsed[uid];
        assert_eq!(got["summary"], event["name"], "{uid}");
        for (key, field) in [("dtstart", "start"), ("dtend", "end")] {
            if event["all_day"] == true {
                assert_eq!(got[format!("{key}_is_date")], true, "{uid} {key}: {got}");
                assert_eq!(got[key], event[field], "{uid} {key}: the date is kept");
                continue;
            }
            assert_eq!(got[format!("{key}_is_date")], false, "{uid} {key}: {got}");
            let cached = instant(&event[field]);
            assert_eq!(instant(&got[key]), cached, "{uid} {key}: {got}");
            // Local time with the zone, except where local time cannot name
            // the instant (the second pass of a fall-back hour): UTC.
            match got[format!("{key}_tzid")].as_str() {
                Some(tzid) => {
                    assert_eq!(tzid, zone, "{uid} {key}");
                    let own = instant(&got[format!("{key}_own")]);
                    assert_eq!(own, cached, "{uid} {key}: through the VTIMEZONE: {got}");
                }
                None => assert!(
                    got[key].as_str().unwrap().ends_with("+00:00"),
                    "{uid} {key}: {got}"
                ),
            }
        }
    }
}

/// The calendar without its DTSTAMP lines, which say when it was made.
fn without_stamps(ics: &str) -> String {
    ics.split("\r\n")
        .filter(|l| !l.starts_with("DTSTAMP:"))
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_round_trips_through_an_independent_parser() {
    let python = python_with_icalendar();
    if keychain_or_skip().is_none() {
        return;
    }
    let sandbox = sandbox().await;
    let info = sandbox.info().clone();
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let token = info.access_token.as_str();
    let cli = |args: &[&str]| run_env(&data, &[(TOKEN_ENV, token)], args);
    let json = |args: &[&str]| -> Value {
        let (code, out, err) = cli(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    };
    add_token_account(&data, &info.base_url, TOKEN_ENV, token);
    let (code, _, err) = cli(&["sync"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cli(&["account", "list", "--json"]);
    assert_eq!(code, 0, "{err}");
    let zone = serde_json::from_str::<Value>(&out).unwrap()[0]["zone"]
        .as_str()
        .unwrap()
        .to_owned();

    // Beside the demo firm's own events (among them one on each 2026 DST
    // night), an all-day one with text to escape and a timed one at 03:30
    // on spring-forward night, both on a case.
    let cases = json(&["cases", "list", "--json", "--limit", "1"]);
    let case_id = cases[0]["id"].as_str().unwrap().to_owned();
    json(&[
        "event",
        "create",
        "--json",
        "--all-day",
        "--name",
        "Filing, deadline; brief\\reply",
        "--start",
        "2026-03-07",
        "--end",
        "2026-03-09",
        "--description",
        "Line one\nline two",
        "--case",
        &case_id,
    ]);
    json(&[
        "event",
        "create",
        "--json",
        "--name",
        "Emergency hearing",
        "--start",
        "2026-03-08T03:30:00-04:00",
        "--end",
        "2026-03-08T04:30:00-04:00",
        "--case",
        &case_id,
    ]);
    let listed = json(&["events", "list", "--json", "--from", FROM, "--to", TO]);
    let listed: Vec<&Value> = listed.as_array().unwrap().iter().collect();
    assert!(
        listed.iter().any(|e| e["all_day"] == true),
        "an all-day event"
    );
    assert!(
        listed
            .iter()
            .any(|e| e["start"] == "2026-03-08T03:30:00-04:00"),
        "the DST-night hearing"
    );

    // To a file: written whole, nothing else left beside it.
    let out_dir = home.path().join("export");
    std::fs::create_dir_all(&out_dir).unwrap();
    let file = out_dir.join("calendar.ics");
    let file_arg = file.to_str().unwrap();
    let (code, _, err) = cli(&[
        "events", "export", "--from", FROM, "--to", TO, "--ics", file_arg,
    ]);
    assert_eq!(code, 0, "{err}");
    let names: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["calendar.ics"], "no temporary file is left");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("BEGIN:VCALENDAR\r\n"));
    let parsed = parse(&python, &file);
    assert_round_trip(&parsed, &listed, &zone);
    let escaped = parsed
        .values()
        .find(|e| e["summary"] == "Filing, deadline; brief\\reply");
    assert!(escaped.is_some(), "the summary's , ; and \\ read back");

    // One case's events only.
    let of_case: Vec<&Value> = listed
        .iter()
        .copied()
        .filter(|e| e["case"] == case_id.as_str())
        .collect();
    assert!(of_case.len() >= 2);
    let case_file = out_dir.join("case.ics");
    let (code, _, err) = cli(&[
        "events",
        "export",
        "--from",
        FROM,
        "--to",
        TO,
        "--case",
        &case_id,
        "--ics",
        case_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_round_trip(&parse(&python, &case_file), &of_case, &zone);

    // `--ics -`: the same calendar on standard output, with the same UIDs.
    let (code, stdout, err) = cli(&["events", "export", "--from", FROM, "--to", TO, "--ics", "-"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(without_stamps(&stdout), without_stamps(&written));
    let piped = out_dir.join("piped.ics");
    std::fs::write(&piped, &stdout).unwrap();
    assert_eq!(
        parse(&python, &piped).keys().collect::<Vec<_>>(),
        parsed.keys().collect::<Vec<_>>()
    );

    // Refusals: nothing is written, and the exit code says why.
    let (code, _, err) = cli(&[
        "events", "export", "--from", TO, "--to", FROM, "--ics", file_arg,
    ]);
    assert_eq!(code, 4, "a backwards window is invalid input: {err}");
    let unknown = "0190b8a0-0000-7000-8000-000000000000";
    let (code, _, err) = cli(&[
        "events", "export", "--from", FROM, "--to", TO, "--case", unknown, "--ics", "-",
    ]);
    assert_eq!(code, 3, "an unknown case is not found: {err}");
    let missing = home.path().join("no-such-dir").join("calendar.ics");
    let (code, _, err) = cli(&[
        "events",
        "export",
        "--from",
        FROM,
        "--to",
        TO,
        "--ics",
        missing.to_str().unwrap(),
    ]);
    assert_ne!(code, 0, "a file that cannot be written fails");
    assert!(err.contains("could not write"), "{err}");
    assert!(!home.path().join("no-such-dir").exists());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        written,
        "untouched"
    );
}
