//! The webview security baseline (DESIGN invariant 8), checked on the real
//! tauri.conf.json and capability files:
//! - a CSP is set; script-src has no 'unsafe-inline', data: or blob:;
//! - capabilities are listed explicitly, and none is granted to every window;
//! - no shell plugin and no fs plugin permissions.

use serde_json::Value;

use crate::common::repo_root;

/// What is wrong with a tauri.conf.json, as readable sentences.
fn config_problems(config: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let security = &config["app"]["security"];
    let csp = &security["csp"];
    let script_src = match csp {
        Value::Null => {
            problems.push("app.security.csp is missing".to_owned());
            None
        }
        Value::String(s) => s
            .split(';')
            .map(str::trim)
            .find_map(|d| d.strip_prefix("script-src").map(str::to_owned))
            .or_else(|| {
                s.split(';')
                    .map(str::trim)
                    .find_map(|d| d.strip_prefix("default-src").map(str::to_owned))
            }),
        Value::Object(map) => map
            .get("script-src")
            .or_else(|| map.get("default-src"))
            .map(|v| match v {
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
                other => other.as_str().unwrap_or_default().to_owned(),
            }),
        _ => {
            problems.push("app.security.csp has an unexpected type".to_owned());
            None
        }
    };
    match script_src {
        Some(src) => {
            for bad in ["'unsafe-inline'", "'unsafe-eval'", "data:", "blob:", "*"] {
                if src.split_whitespace().any(|token| token == bad) {
                    problems.push(format!("script-src allows {bad}"));
                }
            }
        }
        None if !csp.is_null() => {
            problems.push("the CSP has neither script-src nor default-src".to_owned())
        }
        None => {}
    }
    match security["capabilities"].as_array() {
        Some(list) if !list.is_empty() => {
            for cap in list {
                if cap.is_object() {
                    problems.extend(capability_problems(cap));
                }
            }
        }
        _ => {
            problems.push("app.security.capabilities must list the capabilities explicitly".into())
        }
    }
    problems
}

/// What is wrong with one capability.
fn capability_problems(cap: &Value) -> Vec<String> {
    let id = cap["identifier"].as_str().unwrap_or("<unnamed>");
    let mut problems = Vec::new();
    for key in ["windows", "webviews"] {
        if let Some(list) = cap[key].as_array() {
            if list
                .iter()
                .any(|w| w.as_str().is_some_and(|w| w.contains('*')))
            {
                problems.push(format!("capability {id} is granted to every {key}"));
            }
        }
    }
    if cap["windows"].as_array().is_none_or(Vec::is_empty)
        && cap["webviews"].as_array().is_none_or(Vec::is_empty)
    {
        problems.push(format!("capability {id} names no window"));
    }
    for perm in cap["permissions"].as_array().into_iter().flatten() {
        let name = perm
            .as_str()
            .or_else(|| perm["identifier"].as_str())
            .unwrap_or_default();
        if name.starts_with("shell:") || name.starts_with("fs:") {
            problems.push(format!("capability {id} grants {name}"));
        }
    }
    problems
}

fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path:?}: {e}"))
}

#[test]
fn tauri_conf_meets_the_security_baseline() {
    let config = read_json(&repo_root().join("tauri.conf.json"));
    let problems = config_problems(&config);
    assert!(problems.is_empty(), "tauri.conf.json: {problems:#?}");

    let listed: Vec<&str> = config["app"]["security"]["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let dir = repo_root().join("src-tauri/capabilities");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src-tauri/capabilities") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let cap = read_json(&path);
            let problems = capability_problems(&cap);
            assert!(problems.is_empty(), "{path:?}: {problems:#?}");
            found.push(cap["identifier"].as_str().unwrap().to_owned());
        }
    }
    for id in &listed {
        assert!(
            found.iter().any(|f| f == id),
            "capability {id} is listed but has no file"
        );
    }
    for id in &found {
        assert!(
            listed.contains(&id.as_str()),
            "capability {id} exists but is not listed in tauri.conf.json"
        );
    }
}

#[test]
fn the_app_has_no_shell_or_fs_plugin() {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    for plugin in ["tauri-plugin-shell", "tauri-plugin-fs"] {
        assert!(
            !manifest.contains(plugin),
            "Cargo.toml must not use {plugin}"
        );
    }
}

/// The checker must reject each kind of weakness it claims to catch.
#[test]
fn the_baseline_check_rejects_weak_configs() {
    let good = read_json(&repo_root().join("tauri.conf.json"));
    assert!(config_problems(&good).is_empty());

    let mut no_csp = good.clone();
    no_csp["app"]["security"]["csp"] = Value::Null;
    assert!(config_problems(&no_csp)
        .iter()
        .any(|p| p.contains("csp is missing")));

    for bad in ["'self' data:", "'self' blob:", "'self' 'unsafe-inline'"] {
        let mut weak = good.clone();
        weak["app"]["security"]["csp"]["script-src"] = Value::String(bad.into());
        assert!(!config_problems(&weak).is_empty(), "{bad} must be rejected");
        let mut as_string = good.clone();
        as_string["app"]["security"]["csp"] =
            Value::String(format!("default-src 'self'; script-src {bad}"));
        assert!(
            !config_problems(&as_string).is_empty(),
            "{bad} as a string CSP must be rejected"
        );
    }

    let mut unlisted = good.clone();
    unlisted["app"]["security"]["capabilities"] = serde_json::json!([]);
    assert!(!config_problems(&unlisted).is_empty());

    let mut everyone = good;
    everyone["app"]["security"]["capabilities"] = serde_json::json!([
        {"identifier": "wide", "windows": ["*"], "permissions": ["core:default"]}
    ]);
    assert!(config_problems(&everyone)
        .iter()
        .any(|p| p.contains("every windows")));
    let fs = serde_json::json!({"identifier": "f", "windows": ["main"], "permissions": ["fs:allow-read"]});
    assert!(!capability_problems(&fs).is_empty());
}
