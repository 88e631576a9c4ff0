//! Shared test helpers: starting an in-process sandbox, an authenticated client,
//! admin calls, and contract schemas read from the shared contracts directory.
#![allow(dead_code)]

pub mod legalserver;

use std::path::PathBuf;

use casefile_sandbox::{start, ReadyInfo, RunningSandbox, SandboxConfig};
use serde_json::Value;

pub struct Env {
    pub sandbox: RunningSandbox,
    pub info: ReadyInfo,
    pub http: reqwest::Client,
}

/// An empty sandbox without rate limit (tests that want one set it).
pub async fn empty() -> Env {
    with(SandboxConfig::empty().with_rate_limit(0)).await
}

pub async fn with(cfg: SandboxConfig) -> Env {
    let sandbox = start(cfg).await.expect("sandbox starts");
    let info = sandbox.info().clone();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Env {
        sandbox,
        info,
        http,
    }
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.info.base_url)
    }
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.info.access_token)
    }
    pub fn post(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.http
            .post(self.url(path))
            .bearer_auth(&self.info.access_token)
            .json(body)
    }
    pub fn put(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.http
            .put(self.url(path))
            .bearer_auth(&self.info.access_token)
            .json(body)
    }
    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .delete(self.url(path))
            .bearer_auth(&self.info.access_token)
    }
    pub fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(&self.info.admin_token)
    }
    /// POSTs and returns the 201 body.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let resp = self.post(path, &body).send().await.expect("send");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        assert_eq!(status, 201, "POST {path}: {text}");
        serde_json::from_str(&text).expect("json")
    }
    /// Inserts records through the admin API; returns them.
    pub async fn admin_insert(&self, kind: &str, records: Value) -> Vec<Value> {
        let resp = self
            .admin(reqwest::Method::POST, &format!("/admin/records/{kind}"))
            .json(&records)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 201);
        resp.json().await.expect("json")
    }
    pub async fn set_faults(&self, faults: Value) {
        let resp = self
            .admin(reqwest::Method::PUT, "/admin/faults")
            .json(&faults)
            .send()
            .await
            .expect("send");
        assert_eq!(
            resp.status(),
            200,
            "{}",
            resp.text().await.unwrap_or_default()
        );
    }
    pub async fn fault_counters(&self) -> Value {
        let v: Value = self
            .admin(reqwest::Method::GET, "/admin/faults")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        v["counters"].clone()
    }
}

/// The `rel="next"` URL of a Link header.
pub fn next_link(resp: &reqwest::Response) -> Option<String> {
    let link = resp.headers().get("link")?.to_str().ok()?;
    let start = link.find('<')? + 1;
    let end = link.find('>')?;
    link.contains("rel=\"next\"")
        .then(|| link[start..end].to_owned())
}

/// The contracts directory, or `None` after printing the SKIPPED message.
pub fn contracts_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CASEFILE_CONTRACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/contracts"
            ))
        });
    if dir.join("mycase").is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIPPED: contracts not found at {}; set CASEFILE_CONTRACTS",
            dir.display()
        );
        None
    }
}

/// The response schema of an operation, with the spec's components attached so
/// `#/components/...` references resolve inside it.
pub fn response_schema(
    dir: &std::path::Path,
    file: &str,
    path: &str,
    method: &str,
    status: &str,
) -> Value {
    let text = std::fs::read_to_string(dir.join("mycase").join(file)).expect("spec file");
    let spec: Value = serde_json::from_str(&text).expect("spec json");
    let schema = spec["paths"][path][method]["responses"][status]["content"]["application/json"]
        ["schema"]
        .clone();
    assert!(
        schema.is_object(),
        "{file}: no JSON schema for {method} {path} {status}"
    );
    let mut root = serde_json::Map::new();
    root.insert("allOf".into(), Value::Array(vec![schema]));
    root.insert("components".into(), spec["components"].clone());
    Value::Object(root)
}

/// Validates `instance` against `schema`, panicking with every error.
pub fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the contract: {errors:#?}\n{instance:#}"
    );
}

/// The error body shape of error-handling.txt: `{"errors":[{"description", "source":
/// {ONE of pointer|parameter}}]}`.
pub fn error_schema() -> Value {
    serde_json::json!({
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["description", "source"],
                    "properties": {
                        "description": {"type": "string"},
                        "source": {
                            "type": "object",
                            "properties": {
                                "pointer": {"type": "string"},
                                "parameter": {"type": "string"}
                            },
                            "maxProperties": 1
                        }
                    }
                }
            }
        }
    })
}

/// Asserts an error answer: status and the contract's error body; returns the body.
pub async fn assert_error(resp: reqwest::Response, status: u16, what: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "{what}");
    let body: Value = resp.json().await.expect("error body is JSON");
    assert_valid(&error_schema(), &body, what);
    body
}

/// A `casefile-sandbox` child process, stopped by SIGTERM (by pid) on drop so it
/// removes its temporary document directory.
pub struct Child {
    pub child: std::process::Child,
    pub info: ReadyInfo,
}

impl Child {
    pub fn spawn(args: &[&str]) -> Child {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casefile-sandbox"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("binary starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("ready line");
        let info: ReadyInfo =
            serde_json::from_str(line.trim()).expect("ready line is ReadyInfo JSON");
        Child { child, info }
    }

    /// Peak resident set size (VmHWM) in KiB, from /proc.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().expect("wait")
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
    }
}
