//! Accounts as the CLI and the app share them: each firm account is a
//! settings file `accounts/<id>.json` beside its cache `accounts/<id>.sqlite`
//! in the data directory (the app's, unless overridden). Settings hold no
//! secret: tokens and the OAuth client secret live in the OS keychain
//! ([`crate::keychain`]) under the account's own namespace, or, for scripts,
//! an access token comes from the environment variable the account names.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use casefile_domain::error::ErrorCode;
use casefile_domain::ids::AccountId;
use casefile_providers::registry::UnknownProvider;
use casefile_providers::{
    AnyProvider, Auth, Capabilities, Connection, Credentials, MemorySecrets, OAuthClient,
    ProviderError, ProviderId, SecretStore,
};
use casefile_store::{CacheKey, Store};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The app's bundle identifier: the data directory's name.
pub const APP_IDENTIFIER: &str = "app.casefile.desktop";

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("no account is set up; add one with `casefile-cli account add` or the app's Accounts screen")]
    NoAccount,
    #[error("there is no account named {0}")]
    Unknown(String),
    #[error("no data directory: set CASEFILE_DATA_DIR, or HOME (XDG_DATA_HOME) on Linux")]
    NoDataDir,
    #[error("the account settings could not be read: {0}")]
    Settings(String),
    #[error(transparent)]
    Provider(#[from] UnknownProvider),
    #[error("unknown time zone {0}")]
    Zone(String),
    /// A setting given is not usable; `field` names it.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("the environment variable {0} holds no token")]
    MissingToken(String),
    #[error("the keychain holds no password for the API user {0}; add the account again")]
    MissingPassword(String),
    #[error("this account signs in with a token from ${0}, not through the browser")]
    NotOAuth(String),
    #[error("{0}")]
    Keychain(#[from] crate::keychain::KeychainError),
    #[error("the keychain failed: {0}")]
    Secrets(String),
    #[error("sign-in failed: {0}")]
    SignIn(#[from] casefile_providers::oauth::OAuthError),
    #[error("{0} change(s) have not been synced yet; signing out would lose them. Sync first, or sign out with --force")]
    Pending(usize),
    #[error("the cache key in the keychain is unusable: {0}")]
    CacheKey(#[from] casefile_store::KeyError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] casefile_store::StoreError),
    #[error(transparent)]
    Client(#[from] ProviderError),
}

impl AccountError {
    /// The class of this failure.
    pub fn class(&self) -> ErrorCode {
        match self {
            AccountError::NoAccount | AccountError::Unknown(_) => ErrorCode::NotFound,
            AccountError::NoDataDir | AccountError::Io(_) | AccountError::Settings(_) => {
                ErrorCode::File
            }
            AccountError::Provider(_) | AccountError::Zone(_) | AccountError::Invalid { .. } => {
                ErrorCode::Validation
            }
            AccountError::MissingToken(_)
            | AccountError::MissingPassword(_)
            | AccountError::NotOAuth(_)
            | AccountError::SignIn(_) => ErrorCode::SignInRequired,
            AccountError::Pending(_) => ErrorCode::Conflict,
            AccountError::Keychain(_) | AccountError::Secrets(_) | AccountError::CacheKey(_) => {
                ErrorCode::Secrets
            }
            AccountError::Store(e) => e.class(),
            AccountError::Client(e) => e.class(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSettings {
    pub id: String,
    pub provider: ProviderId,
    pub base_url: String,
    /// The environment variable holding the access token.
    pub token_env: Option<String>,
    /// The IANA zone the firm schedules in.
    pub zone: String,
    /// Requests a second; none takes the provider's published limit.
    #[serde(default)]
    pub rate_limit_per_s: Option<u32>,
    /// How to sign in through the browser (the client secret is in the keychain).
    #[serde(default)]
    pub oauth: Option<OAuthSettings>,
    /// The keychain namespace of this account's secrets: random per account,
    /// so two data directories never share tokens.
    #[serde(default)]
    pub secrets_ns: String,
    /// For HTTP Basic (an API user, where the provider signs in so): the user name;
    /// the password is in the keychain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_user: Option<String>,
}

/// The OAuth2 endpoints and client of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthSettings {
    pub authorize_url: String,
    pub token_url: String,
    pub client_id: String,
}

/// The keychain names an account's secrets are kept under.
pub const SECRET_NAMES: &[&str] = &[
    "access_token",
    "refresh_token",
    "client_secret",
    PASSWORD,
    CACHE_KEY,
];

/// The keychain entry holding the password of an account signing in with
/// HTTP Basic.
pub const PASSWORD: &str = "password";

/// The keychain entry holding the account's key for data at rest.
pub const CACHE_KEY: &str = "cache_key";

/// The data directory: `CASEFILE_DATA_DIR`, else the OS's per-user data
/// directory for the app, as `dirs` finds it, which is what Tauri's
/// `app_data_dir` resolves too (a test compares the two). Never a relative
/// path: with no home directory to be found, it is an error.
pub fn default_data_dir() -> Result<PathBuf, AccountError> {
    if let Some(dir) = std::env::var_os("CASEFILE_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .filter(|d| d.is_absolute())
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or(AccountError::NoDataDir)
}

pub fn accounts_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("accounts")
}

/// A safe account id from a server URL, e.g. `<provider>-127.0.0.1-8080`.
pub fn id_for(provider: ProviderId, base_url: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .trim_end_matches('/');
    let safe: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{provider}-{safe}")
}

impl AccountSettings {
    pub fn zone(&self) -> Result<Tz, AccountError> {
        self.zone
            .parse()
            .map_err(|_| AccountError::Zone(self.zone.clone()))
    }

    pub fn save(&self, data_dir: &Path) -> Result<(), AccountError> {
        let dir = accounts_dir(data_dir);
        std::fs::create_dir_all(&dir)?;
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| AccountError::Settings(e.to_string()))?;
        let tmp = dir.join(format!("{}.json.tmp", self.id));
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, dir.join(format!("{}.json", self.id)))?;
        Ok(())
    }

    /// Where this account's document bytes are kept.
    pub fn blobs_dir(&self, data_dir: &Path) -> PathBuf {
        let safe: String = self
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        accounts_dir(data_dir).join(format!("{safe}.blobs"))
    }

    /// The account's cache, encrypted with its key from the keychain.
    pub fn open_store(&self, data_dir: &Path) -> Result<Store, AccountError> {
        self.open_store_with(data_dir, &self.cache_key()?)
    }

    pub fn open_store_with(&self, data_dir: &Path, key: &CacheKey) -> Result<Store, AccountError> {
        Ok(Store::open_encrypted(
            &accounts_dir(data_dir),
            &AccountId(self.id.clone()),
            key,
        )?)
    }

    /// The key the account's cache and blobs are encrypted with. It lives
    /// only in the OS keychain (whatever the account signs in with), and is
    /// made the first time, then read back: data is never encrypted under a
    /// key the keychain did not keep.
    pub fn cache_key(&self) -> Result<CacheKey, AccountError> {
        let keychain = crate::keychain::Keychain::open()?;
        let name = Auth::key(&self.secrets_ns, CACHE_KEY);
        let secrets = |e: casefile_providers::auth::SecretError| AccountError::Secrets(e.0);
        if let Some(stored) = keychain.get(&name).map_err(secrets)? {
            return Ok(CacheKey::from_hex(&stored)?);
        }
        let key = CacheKey::generate()?;
        keychain.set(&name, &key.to_hex()).map_err(secrets)?;
        match keychain.get(&name).map_err(secrets)? {
            Some(back) if back == *key.to_hex() => Ok(key),
            _ => Err(AccountError::Secrets(
                "the keychain did not keep the new cache key".into(),
            )),
        }
    }

    /// The secrets of this account: the keychain, or, for an account fed by an
    /// environment variable, memory holding that token.
    pub fn secrets(&self) -> Result<Arc<dyn SecretStore>, AccountError> {
        if let Some(var) = &self.token_env {
            let token = std::env::var(var)
                .ok()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| AccountError::MissingToken(var.clone()))?;
            let memory = MemorySecrets::default();
            memory
                .set(&Auth::key(&self.secrets_ns, "access_token"), token.trim())
                .map_err(|e| AccountError::Secrets(e.0))?;
            return Ok(Arc::new(memory));
        }
        Ok(Arc::new(crate::keychain::Keychain::open()?))
    }

    /// The OAuth client refreshes are made with, when the account has one.
    pub fn oauth_client(
        &self,
        secrets: &dyn SecretStore,
    ) -> Result<Option<OAuthClient>, AccountError> {
        let Some(oauth) = &self.oauth else {
            return Ok(None);
        };
        let secret = secrets
            .get(&Auth::key(&self.secrets_ns, "client_secret"))
            .map_err(|e| AccountError::Secrets(e.0))?
            .unwrap_or_default();
        Ok(Some(OAuthClient {
            token_url: oauth.token_url.clone(),
            client_id: oauth.client_id.clone(),
            client_secret: secret,
        }))
    }

    /// A client for this account, made by the provider registry. Nothing
    /// is sent yet.
    pub fn connect(&self) -> Result<AnyProvider, AccountError> {
        let secrets = self.secrets()?;
        let credentials = match &self.basic_user {
            Some(user) => {
                let password = secrets
                    .get(&Auth::key(&self.secrets_ns, PASSWORD))
                    .map_err(|e| AccountError::Secrets(e.0))?
                    .ok_or_else(|| AccountError::MissingPassword(user.clone()))?;
                Credentials::Basic {
                    user: user.clone(),
                    password,
                }
            }
            None => {
                let oauth = self.oauth_client(secrets.as_ref())?;
                Credentials::Bearer(Arc::new(Auth::new(secrets, &self.secrets_ns, oauth)))
            }
        };
        Ok(AnyProvider::connect(
            self.provider,
            Connection {
                base_url: self.base_url.clone(),
                credentials,
                rate_limit_per_s: self.rate_limit_per_s,
                retry: Default::default(),
            },
        )?)
    }

    /// What this account's provider can do, known without connecting.
    pub fn capabilities(&self) -> Capabilities {
        self.provider.capabilities()
    }
}

/// Every account set up in `data_dir`, by id.
pub fn list(data_dir: &Path) -> Result<Vec<AccountSettings>, AccountError> {
    let dir = accounts_dir(data_dir);
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path)?;
            let mut settings: AccountSettings = serde_json::from_str(&text)
                .map_err(|e| AccountError::Settings(format!("{}: {e}", path.display())))?;
            if settings.secrets_ns.is_empty() {
                settings.secrets_ns = settings.id.clone();
            }
            out.push(settings);
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The account a command means: the one named, else the only one.
pub fn pick(data_dir: &Path, id: Option<&str>) -> Result<AccountSettings, AccountError> {
    let all = list(data_dir)?;
    match id {
        Some(id) => all
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| AccountError::Unknown(id.to_owned())),
        None => all.into_iter().next().ok_or(AccountError::NoAccount),
    }
}

/// What a person gives to add an account (the CLI's `account add`, the
/// window's Accounts screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub provider: ProviderId,
    pub base_url: String,
    /// For scripts: the environment variable holding an access token.
    pub token_env: Option<String>,
    /// For browser sign-in: the OAuth client (its secret goes to the keychain).
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// The provider's own endpoints when none are given.
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub zone: String,
    /// Default: derived from the provider and the server URL.
    pub id: Option<String>,
    pub rate_limit_per_s: Option<u32>,
    /// For HTTP Basic: the API user, and its password (to the keychain).
    pub basic: Option<BasicLogin>,
}

/// A user name and password for HTTP Basic. The password is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicLogin {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for BasicLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicLogin")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

fn http_url(field: &'static str, url: &str) -> Result<(), AccountError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(AccountError::Invalid {
            field,
            message: format!("{url} is not an http(s) URL"),
        })
    }
}

/// Sets an account up: checks what was given, makes its cache key in the
/// keychain first (without a keychain nothing is set up), files the client
/// secret there, saves the settings and creates the encrypted cache.
pub fn add(data_dir: &Path, new: NewAccount) -> Result<AccountSettings, AccountError> {
    http_url("base_url", &new.base_url)?;
    let oauth = match new.client_id {
        None => None,
        Some(client_id) => {
            let crate::SignIn::OAuth {
                authorize_url,
                token_url,
            } = new.provider.sign_in()
            else {
                return Err(AccountError::Invalid {
                    field: "client_id",
                    message: format!(
                        "{} accounts do not sign in through the browser; give a token instead",
                        new.provider.label()
                    ),
                });
            };
            let authorize_url = new.authorize_url.unwrap_or_else(|| authorize_url.into());
            let token_url = new.token_url.unwrap_or_else(|| token_url.into());
            http_url("authorize_url", &authorize_url)?;
            http_url("token_url", &token_url)?;
            Some(OAuthSettings {
                authorize_url,
                token_url,
                client_id,
            })
        }
    };
    let settings = AccountSettings {
        id: new
            .id
            .unwrap_or_else(|| id_for(new.provider, &new.base_url)),
        provider: new.provider,
        base_url: new.base_url,
        token_env: new.token_env,
        zone: new.zone,
        rate_limit_per_s: new.rate_limit_per_s,
        oauth,
        secrets_ns: random_namespace(),
        basic_user: new.basic.as_ref().map(|b| b.user.clone()),
    };
    if let Some(basic) = &new.basic {
        if settings.oauth.is_some() || settings.token_env.is_some() {
            return Err(AccountError::Invalid {
                field: "user",
                message:
                    "give a user and password, a token, or an app registration: one way to sign in"
                        .into(),
            });
        }
        if basic.user.trim().is_empty() || basic.password.is_empty() {
            return Err(AccountError::Invalid {
                field: "user",
                message: "HTTP Basic needs both the API user's name and its password".into(),
            });
        }
    }
    settings.zone()?;
    // Adding it again would file a new key and orphan the cache under the old one.
    if list(data_dir)?.iter().any(|a| a.id == settings.id) {
        return Err(AccountError::Invalid {
            field: "base_url",
            message: format!(
                "an account for this server is set up already ({})",
                settings.id
            ),
        });
    }
    let key = settings.cache_key()?;
    if let Some(secret) = new.client_secret.filter(|s| !s.trim().is_empty()) {
        settings.set_client_secret(secret.trim())?;
    }
    if let Some(basic) = &new.basic {
        settings.set_password(&basic.password)?;
    }
    settings.save(data_dir)?;
    settings.open_store_with(data_dir, &key)?;
    Ok(settings)
}

/// A random namespace for an account's keychain entries, so two data
/// directories never share tokens.
fn random_namespace() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}
