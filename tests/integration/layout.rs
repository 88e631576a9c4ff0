//! The core/shell boundary: no crate under `crates/` may depend on tauri,
//! directly or through another dependency. Checked on cargo's resolved graph,
//! so a transitive path counts too.

use std::collections::{HashMap, HashSet};
use std::process::Command;

use serde_json::Value;

use crate::common::repo_root;

/// Returns, for each package under `crates/`, the tauri* packages it reaches.
fn tauri_reached_from_core(metadata: &Value) -> Vec<(String, Vec<String>)> {
    let packages: HashMap<&str, (&str, &str)> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap(),
                (
                    p["name"].as_str().unwrap(),
                    p["manifest_path"].as_str().unwrap(),
                ),
            )
        })
        .collect();
    let graph: HashMap<&str, Vec<&str>> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolve.nodes")
        .iter()
        .map(|n| {
            let deps = n["deps"]
                .as_array()
                .map(|d| d.iter().map(|d| d["pkg"].as_str().unwrap()).collect())
                .unwrap_or_default();
            (n["id"].as_str().unwrap(), deps)
        })
        .collect();
    let mut offenders = Vec::new();
    for member in metadata["workspace_members"].as_array().expect("members") {
        let id = member.as_str().unwrap();
        let (name, manifest) = packages[id];
        if !manifest.contains("/crates/") {
            continue;
        }
        let mut seen = HashSet::new();
        let mut stack = vec![id];
        let mut reached = Vec::new();
        while let Some(node) = stack.pop() {
            if !seen.insert(node) {
                continue;
            }
            let dep_name = packages[node].0;
            if node != id && (dep_name == "tauri" || dep_name.starts_with("tauri-")) {
                reached.push(dep_name.to_owned());
            }
            stack.extend(graph.get(node).into_iter().flatten().copied());
        }
        if !reached.is_empty() {
            reached.sort();
            reached.dedup();
            offenders.push((name.to_owned(), reached));
        }
    }
    offenders
}

#[test]
fn no_core_crate_depends_on_tauri() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(repo_root())
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let core_members = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["manifest_path"].as_str().unwrap().contains("/crates/"))
        .count();
    assert!(core_members > 0, "no crates found under crates/");
    let offenders = tauri_reached_from_core(&metadata);
    assert!(
        offenders.is_empty(),
        "crates under crates/ must stay Tauri-free, but these reach tauri: {offenders:?}"
    );
}

/// The checker itself must catch a direct and a transitive dependency.
#[test]
fn the_boundary_check_catches_direct_and_transitive_tauri() {
    let metadata = serde_json::json!({
        "packages": [
            {"id": "core", "name": "casefile-core", "manifest_path": "/r/crates/core/Cargo.toml"},
            {"id": "helper", "name": "some-helper", "manifest_path": "/reg/some-helper/Cargo.toml"},
            {"id": "tauri", "name": "tauri", "manifest_path": "/reg/tauri/Cargo.toml"},
            {"id": "store", "name": "casefile-store", "manifest_path": "/r/crates/store/Cargo.toml"},
            {"id": "app", "name": "casefile", "manifest_path": "/r/Cargo.toml"}
        ],
        "workspace_members": ["core", "store", "app"],
        "resolve": {"nodes": [
            {"id": "core", "deps": [{"pkg": "helper"}]},
            {"id": "helper", "deps": [{"pkg": "tauri"}]},
            {"id": "tauri", "deps": []},
            {"id": "store", "deps": []},
            {"id": "app", "deps": [{"pkg": "tauri"}]}
        ]}
    });
    let offenders = tauri_reached_from_core(&metadata);
    assert_eq!(
        offenders,
        vec![("casefile-core".to_owned(), vec!["tauri".to_owned()])]
    );
}
