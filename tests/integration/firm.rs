//! A firm for window tests: the sandbox on loopback, an account added to a
//! fresh data directory by `casefile-cli` (as a user would), and the admin
//! API to shape the server's data first. The app is then started on the
//! data directory with the account's token variable, so it syncs for real.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use casefile_sandbox::{ReadyInfo, RunningSandbox, SandboxConfig};
use serde_json::Value;

use crate::window::{cli_binary, TestResult};

pub(crate) const TOKEN_ENV: &str = "E2E_FIRM_TOKEN";

pub(crate) struct Firm {
    pub(crate) sandbox: RunningSandbox,
    pub(crate) info: ReadyInfo,
    pub(crate) data_dir: PathBuf,
}

impl Firm {
    /// Starts the sandbox and adds the account (nothing synced yet).
    pub(crate) async fn start(data_dir: PathBuf) -> TestResult<Self> {
        Self::start_with(data_dir, SandboxConfig::default()).await
    }

    /// [`Firm::start`] on a sandbox configured by the test (slow storage).
    pub(crate) async fn start_with(data_dir: PathBuf, config: SandboxConfig) -> TestResult<Self> {
        let firm = Self::sandbox_only(data_dir, config).await?;
        let base = firm.info.base_url.clone();
        firm.add_account(&base)?;
        Ok(firm)
    }

    /// The sandbox alone; the account is added with [`Firm::add_account`].
    pub(crate) async fn sandbox_only(data_dir: PathBuf, config: SandboxConfig) -> TestResult<Self> {
        let sandbox = casefile_sandbox::start(config).await?;
        let info = sandbox.info().clone();
        Ok(Self {
            sandbox,
            info,
            data_dir,
        })
    }

    /// Adds the firm's account (of the provider the sandbox's dialect is),
    /// reaching the server at `base_url`.
    pub(crate) fn add_account(&self, base_url: &str) -> TestResult {
        self.cli(&[
            "account",
            "add",
            &self.info.dialect,
            "--base-url",
            base_url,
            "--token-env",
            TOKEN_ENV,
        ])?;
        Ok(())
    }

    /// Runs `casefile-cli` on the firm's data directory.
    pub(crate) fn cli(&self, args: &[&str]) -> TestResult<String> {
        let out = Command::new(cli_binary())
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(args)
            .env(TOKEN_ENV, &self.info.access_token)
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "casefile-cli {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    /// The environment the app needs to sign in.
    pub(crate) fn app_env(&self) -> [(&'static str, &str); 1] {
        [(TOKEN_ENV, self.info.access_token.as_str())]
    }

    /// Calls the sandbox's admin API.
    pub(crate) async fn admin(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> TestResult<Value> {
        let client = casefile_providers::http::client(Duration::from_secs(30))?;
        let url = format!("{}{path}", self.info.base_url);
        let request = match method {
            "GET" => client.get(url),
            "POST" => client.post(url),
            "PUT" => client.put(url),
            "DELETE" => client.delete(url),
            other => return Err(format!("no admin method {other}").into()),
        };
        let request = request.bearer_auth(&self.info.admin_token);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        let response = request.send().await?;
        if !response.status().is_success() {
            return Err(format!("admin {path}: {}", response.status()).into());
        }
        if response.status().as_u16() == 204 {
            return Ok(Value::Null);
        }
        Ok(response.json().await?)
    }

    /// Everything the sandbox holds.
    pub(crate) async fn dump(&self) -> TestResult<Value> {
        self.admin("GET", "/admin/dump", None).await
    }
}
