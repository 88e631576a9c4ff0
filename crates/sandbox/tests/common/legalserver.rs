//! The LegalServer contract, read at test time, as JSON Schema; and a
//! sandbox in LegalServer's dialect.

use std::path::PathBuf;

use casefile_sandbox::{Dialect, SandboxConfig};
use serde_json::{Map, Value};

use super::Env;

/// `CoreAPI.v1.yaml`, or `None` after printing the SKIPPED message.
pub fn spec() -> Option<Value> {
    let dir = std::env::var_os("CASEFILE_CONTRACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/contracts"
            ))
        });
    let file = dir.join("legalserver/CoreAPI.v1.yaml");
    let Ok(text) = std::fs::read_to_string(&file) else {
        println!(
            "SKIPPED: the LegalServer contract is not at {}; set CASEFILE_CONTRACTS",
            file.display()
        );
        return None;
    };
    let spec: Value = serde_norway::from_str(&text).expect("the spec is YAML");
    Some(json_schema(spec))
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema: null is one more type.
pub fn json_schema(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(json_schema).collect()),
        Value::Object(map) => {
            let nullable = map.get("nullable") == Some(&Value::Bool(true));
            let mut out: Map<String, Value> = map
                .into_iter()
                .filter(|(k, _)| k != "nullable")
                .map(|(k, v)| (k, json_schema(v)))
                .collect();
            if !nullable {
                return Value::Object(out);
            }
            match out.get("type").cloned() {
                Some(Value::String(t)) => {
                    out.insert("type".into(), Value::Array(vec![t.into(), "null".into()]));
                    if let Some(Value::Array(options)) = out.get_mut("enum") {
                        options.push(Value::Null);
                    }
                    Value::Object(out)
                }
                _ => serde_json::json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
            }
        }
        other => other,
    }
}

/// The 200 schema of `GET path`, with the components attached.
pub fn schema(spec: &Value, path: &str) -> Value {
    answer_schema(spec, "get", path, "200")
}

/// The `status` answer's schema of `method path`, with the components.
pub fn answer_schema(spec: &Value, method: &str, path: &str, status: &str) -> Value {
    let schema = spec["paths"][path][method]["responses"][status]["content"]["application/json"]
        ["schema"]
        .clone();
    assert!(schema.is_object(), "no {status} schema for {method} {path}");
    serde_json::json!({ "allOf": [schema], "components": spec["components"].clone() })
}

pub async fn legalserver(per_minute: u32) -> Env {
    super::with(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(per_minute),
    )
    .await
}

pub async fn get_json(
    env: &Env,
    path: &str,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Value) {
    let resp = env.get(path).send().await.expect("send");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let body = resp.json().await.expect("a JSON body");
    (status, headers, body)
}
