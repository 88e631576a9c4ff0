//! The rules of the code map that a test can check, beyond the tauri
//! boundary (`layout.rs`):
//!
//! - only the provider registry (and each provider's own module) names a
//!   provider; the engine, the application core, the CLI, the shell and
//!   the UI decide from capabilities;
//! - each crate depends only on the crates below it (the domain on none;
//!   the store and providers not on each other or on sync; sync not on the
//!   keychain, which is the application core's);
//! - only `ui/src/platform/` imports `@tauri-apps/*`;
//! - the data directory is the one the app's identifier names.

use std::collections::HashMap;
use std::process::Command;

use serde_json::Value;

use crate::common::repo_root;

/// Where a provider may be named, and why.
const MAY_NAME_PROVIDERS: &[(&str, &str)] = &[
    ("crates/providers/src/mycase/", "the provider's own module"),
    ("crates/providers/src/registry.rs", "the registry"),
    (
        "crates/sandbox/",
        "the test double, which speaks the providers' dialects",
    ),
    (
        "crates/demo/",
        "the demo firm's records, in the shape the sandbox serves",
    ),
    ("/tests/", "tests"),
    ("tests/", "the root package's tests"),
];

/// The names that mean one provider: its type and its registry id.
const PROVIDER_NAMES: &[&str] = &["MyCase", "\"mycase\"", "mycase::"];

fn tracked_sources() -> Vec<String> {
    let out = Command::new("git")
        .args(["ls-files", "--cached", "--others", "--exclude-standard"])
        .current_dir(repo_root())
        .output()
        .expect("git ls-files");
    assert!(out.status.success(), "git ls-files failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|p| {
            [".rs", ".ts", ".svelte"].iter().any(|e| p.ends_with(e))
                && !p.starts_with("ui/node_modules/")
        })
        .map(str::to_owned)
        .collect()
}

/// Every line outside the allowed places that names a provider.
fn provider_names_in(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        let allowed = MAY_NAME_PROVIDERS.iter().any(|(place, _)| {
            path.starts_with(place) || path.contains(place) && place.starts_with('/')
        });
        if allowed {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            if PROVIDER_NAMES.iter().any(|name| line.contains(name)) {
                found.push(format!("{path}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_the_registry_names_a_provider() {
    let files: Vec<(String, String)> = tracked_sources()
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(repo_root().join(&p)).ok()?;
            Some((p, text))
        })
        .collect();
    assert!(files.len() > 50, "the sources were not found");
    let found = provider_names_in(&files);
    assert!(
        found.is_empty(),
        "a provider is named outside the registry and its module; decide from \
         capabilities instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_provider_check_catches_a_name_in_the_engine_and_spares_the_registry() {
    let files = vec![
        (
            "crates/sync/src/push.rs".to_owned(),
            "if provider == \"mycase\" {".to_owned(),
        ),
        (
            "crates/core/src/session.rs".to_owned(),
            "use casefile_providers::mycase::MyCase;".to_owned(),
        ),
        (
            "crates/providers/src/registry.rs".to_owned(),
            "MyCase => \"mycase\"".to_owned(),
        ),
        (
            "crates/sync/tests/push.rs".to_owned(),
            "MyCase::new(..)".to_owned(),
        ),
    ];
    let found = provider_names_in(&files);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("crates/sync/src/push.rs:1"));
    assert!(found[1].starts_with("crates/core/src/session.rs:1"));
}

/// (crate, crates it must not depend on directly, as a normal dependency).
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "casefile-domain",
        &[
            "casefile-store",
            "casefile-providers",
            "casefile-sync",
            "casefile-transfer",
            "casefile-core",
        ],
    ),
    (
        "casefile-store",
        &[
            "casefile-providers",
            "casefile-sync",
            "casefile-core",
            "reqwest",
        ],
    ),
    (
        "casefile-providers",
        &[
            "casefile-store",
            "casefile-sync",
            "casefile-core",
            "rusqlite",
        ],
    ),
    (
        "casefile-sync",
        &["casefile-core", "keyring", "casefile-sandbox"],
    ),
    ("casefile-transfer", &["casefile-sync", "casefile-core"]),
    ("casefile-core", &["casefile-sandbox", "clap", "indicatif"]),
    ("casefile-cli", &["casefile-sandbox"]),
];

fn forbidden_edges(metadata: &Value) -> Vec<String> {
    let mut deps: HashMap<&str, Vec<&str>> = HashMap::new();
    for p in metadata["packages"].as_array().expect("packages") {
        let normal = p["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["name"].as_str())
            .collect();
        deps.insert(p["name"].as_str().unwrap(), normal);
    }
    let mut bad = Vec::new();
    for (krate, forbidden) in FORBIDDEN {
        let Some(has) = deps.get(krate) else {
            bad.push(format!("{krate} is not in the workspace"));
            continue;
        };
        for f in *forbidden {
            if has.contains(f) {
                bad.push(format!("{krate} depends on {f}"));
            }
        }
    }
    bad
}

#[test]
fn each_crate_depends_only_on_the_crates_below_it() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .current_dir(repo_root())
        .output()
        .expect("run cargo metadata");
    assert!(output.status.success(), "cargo metadata failed");
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let bad = forbidden_edges(&metadata);
    assert!(bad.is_empty(), "the layering is broken: {bad:?}");
    let caught = forbidden_edges(&serde_json::json!({"packages": [
        {"name": "casefile-sync", "dependencies": [{"name": "keyring", "kind": null}]}
    ]}));
    assert!(caught.contains(&"casefile-sync depends on keyring".to_owned()));
}

#[test]
fn only_the_platform_folder_imports_tauri_in_the_ui() {
    let offenders: Vec<String> = tracked_sources()
        .into_iter()
        .filter(|p| p.starts_with("ui/src/") && !p.starts_with("ui/src/platform/"))
        .filter(|p| {
            std::fs::read_to_string(repo_root().join(p)).is_ok_and(|t| t.contains("@tauri-apps/"))
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:?} import @tauri-apps");
}

#[test]
fn the_data_directory_is_the_one_the_app_identifier_names() {
    let conf: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tauri.conf.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        conf["identifier"].as_str(),
        Some(casefile_core::accounts::APP_IDENTIFIER),
        "the CLI and the app must open the same data directory"
    );
    // Tauri's app_data_dir is dirs' data directory joined with the identifier.
    if std::env::var_os("CASEFILE_DATA_DIR").is_none() {
        let ours = casefile_core::accounts::default_data_dir().unwrap();
        assert!(ours.is_absolute());
        assert_eq!(
            ours,
            dirs::data_dir()
                .unwrap()
                .join(conf["identifier"].as_str().unwrap())
        );
    }
}
