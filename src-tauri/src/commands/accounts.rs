//! The Accounts screen's commands: list the accounts, add one, sign it in
//! through the system browser (the loopback redirect `account login` uses),
//! show another account, and sign one out. The rules are the core's
//! ([`casefile_core::accounts`], [`casefile_core::roster`]); this routes.

use casefile_core::accounts::{self, AccountError, BasicLogin, NewAccount};
use casefile_core::roster::{self, Shown};
use casefile_core::signin::SIGN_IN_TIMEOUT;
use casefile_core::CoreError;
use casefile_providers::{ProviderId, SignIn};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use tokio_util::sync::CancellationToken;

use super::documents::blocking;
use crate::error::UiError;
use crate::state::AppState;

/// An account as the Accounts screen lists it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AccountRow {
    pub id: String,
    /// The provider's name, as people know it.
    pub provider: String,
    pub base_url: String,
    pub zone: String,
    /// Signs in through the browser; otherwise a token from the environment (scripts).
    pub browser_sign_in: bool,
    /// Whether a sign-in is held; none when the keychain cannot be asked.
    pub signed_in: Option<bool>,
    /// The API user it signs in as over HTTP Basic, if it does.
    pub api_user: Option<String>,
    /// Whether the window shows this account now.
    pub shown: bool,
}

/// A provider an account can be added for.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ProviderOption {
    pub id: String,
    pub label: String,
    /// Its own sign-in endpoints, the form's defaults.
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
}

/// Everything the Accounts screen shows.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AccountsOverview {
    pub accounts: Vec<AccountRow>,
    /// Whether the window shows the demo firm (invented data).
    pub demo_shown: bool,
    pub providers: Vec<ProviderOption>,
}

/// What the add-account form sends.
// Not `Debug`: it may hold a token.
#[derive(Clone, Deserialize, Type)]
pub struct NewAccountForm {
    pub provider: String,
    pub base_url: String,
    /// For providers that sign in through the browser.
    pub client_id: String,
    /// For providers that sign in with a personal access token (kept in
    /// the keychain, never in the settings).
    pub token: Option<String>,
    /// Instead of a token, where the provider takes HTTP Basic: an API
    /// user and its password (kept in the keychain, never in the settings).
    pub user: Option<String>,
    pub password: Option<String>,
    /// Only for firms whose app registration has one.
    pub client_secret: Option<String>,
    /// Empty: the provider's own.
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    /// The IANA zone the firm schedules in.
    pub zone: String,
}

/// Remembers `shown` for the next start and shows it in the window. Opening
/// a cache reads the keychain and runs migrations, so it runs off the async
/// runtime.
async fn show(state: &AppState, shown: Shown) -> Result<(), UiError> {
    let data_dir = state.paths.data_dir.clone();
    let app = state.app.get().cloned();
    account_task(move || {
        roster::remember(&data_dir, shown.id())?;
        if let Some(app) = app {
            crate::cache::show(&app, shown);
        }
        Ok(())
    })
    .await
}

/// Runs blocking account work (files, the keychain) off the async runtime.
async fn account_task<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AccountError> + Send + 'static,
) -> Result<T, UiError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| UiError::internal("The request was interrupted."))?
        .map_err(account_error)
}

fn some(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// An account failure in the window's words: waiting changes say what
/// signing out would lose, the rest as the core words them.
fn account_error(err: AccountError) -> UiError {
    match err {
        AccountError::Pending(n) => UiError::Conflict {
            message: format!(
                "{n} change{} made on this laptop {} not reached the server yet. Signing out removes {} for good.",
                if n == 1 { "" } else { "s" },
                if n == 1 { "has" } else { "have" },
                if n == 1 { "it" } else { "them" },
            ),
        },
        AccountError::Invalid { field, message } => UiError::validation(field, message),
        AccountError::Zone(zone) => UiError::validation(
            "zone",
            format!("{zone:?} is not a time zone, such as America/New_York."),
        ),
        other => UiError::from(&CoreError::Account(other)),
    }
}

fn overview_of(
    data_dir: &std::path::Path,
    shown: Option<String>,
) -> Result<AccountsOverview, AccountError> {
    let accounts = roster::overview(data_dir)?
        .into_iter()
        .map(|a| AccountRow {
            shown: shown.as_deref() == Some(a.id.as_str()),
            id: a.id,
            provider: a.provider,
            base_url: a.base_url,
            zone: a.zone,
            browser_sign_in: a.browser_sign_in,
            signed_in: a.signed_in,
            api_user: a.api_user,
        })
        .collect();
    Ok(AccountsOverview {
        accounts,
        demo_shown: shown.is_none(),
        providers: roster::providers()
            .into_iter()
            .map(|p| ProviderOption {
                id: p.id,
                label: p.label,
                authorize_url: p.authorize_url,
                token_url: p.token_url,
            })
            .collect(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn list_accounts(state: State<'_, AppState>) -> Result<AccountsOverview, UiError> {
    let data_dir = state.paths.data_dir.clone();
    let shown = state.account();
    blocking(move || Ok(overview_of(&data_dir, shown)?)).await
}

/// Sets an account up (its cache key goes to the keychain first); signing
/// in is the next step, [`sign_in_account`].
#[tauri::command]
#[specta::specta]
pub async fn add_account(
    state: State<'_, AppState>,
    form: NewAccountForm,
) -> Result<String, UiError> {
    let provider = ProviderId::parse(form.provider.trim())
        .map_err(|_| UiError::validation("provider", "Choose a provider."))?;
    let base_url = form.base_url.trim().trim_end_matches('/').to_owned();
    if base_url.is_empty() {
        return Err(UiError::validation(
            "base_url",
            "Enter the firm's server address.",
        ));
    }
    let zone = form.zone.trim().to_owned();
    let data_dir = state.paths.data_dir.clone();
    if provider.sign_in() == SignIn::Token {
        // An API user and password, or a personal access token: one of them.
        let basic = match some(form.user) {
            Some(user) => Some(BasicLogin {
                user,
                password: form.password.filter(|p| !p.is_empty()).ok_or_else(|| {
                    UiError::validation("password", "Enter the API user's password.")
                })?,
            }),
            None => None,
        };
        let token = match basic {
            Some(_) => None,
            None => Some(some(form.token).ok_or_else(|| {
                UiError::validation(
                    "token",
                    format!(
                        "Paste a personal access token from your {} profile.",
                        provider.label()
                    ),
                )
            })?),
        };
        let new = NewAccount {
            provider,
            base_url,
            token_env: None,
            client_id: None,
            client_secret: None,
            authorize_url: None,
            token_url: None,
            zone,
            id: None,
            rate_limit_per_s: None,
            basic,
        };
        return account_task(move || {
            let settings = accounts::add(&data_dir, new)?;
            if let Some(token) = token {
                settings.store_access_token(&token)?;
            }
            Ok(settings.id)
        })
        .await;
    }
    let client_id = some(Some(form.client_id)).ok_or_else(|| {
        UiError::validation(
            "client_id",
            "Enter the app's client ID from the firm's settings.",
        )
    })?;
    let new = NewAccount {
        provider,
        base_url,
        token_env: None,
        client_id: Some(client_id),
        client_secret: some(form.client_secret),
        authorize_url: some(form.authorize_url),
        token_url: some(form.token_url),
        zone,
        id: None,
        rate_limit_per_s: None,
        basic: None,
    };
    account_task(move || accounts::add(&data_dir, new).map(|s| s.id)).await
}

/// Signs `id` in through the system browser, waiting for it to come back
/// (five minutes at most, or until [`cancel_sign_in`]). The account is
/// then shown and synced.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_account(state: State<'_, AppState>, id: String) -> Result<(), UiError> {
    let settings = roster::find(&state.paths.data_dir, &id).map_err(account_error)?;
    let cancel = CancellationToken::new();
    if let Ok(mut slot) = state.sign_in.lock() {
        if let Some(old) = slot.replace(cancel.clone()) {
            old.cancel();
        }
    }
    let signing = settings.sign_in(webbrowser::open, SIGN_IN_TIMEOUT);
    let outcome = cancel.run_until_cancelled(signing).await;
    match outcome {
        None => Err(UiError::Validation {
            message: "Sign-in was cancelled.".into(),
            field: "sign_in".into(),
        }),
        Some(Err(e)) => Err(account_error(e)),
        Some(Ok(())) => show(&state, Shown::Account(Box::new(settings))).await,
    }
}

/// Stops waiting for the browser.
#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(state: State<'_, AppState>) -> Result<(), UiError> {
    if let Some(token) = state.sign_in.lock().ok().and_then(|mut s| s.take()) {
        token.cancel();
    }
    Ok(())
}

/// Shows account `id`, or the demo firm for none, and remembers the choice.
#[tauri::command]
#[specta::specta]
pub async fn switch_account(state: State<'_, AppState>, id: Option<String>) -> Result<(), UiError> {
    let data_dir = state.paths.data_dir.clone();
    let shown = match &id {
        None => Shown::Demo,
        Some(id) => Shown::Account(Box::new(
            roster::find(&data_dir, id).map_err(account_error)?,
        )),
    };
    show(&state, shown).await
}

/// Signs `id` out and removes what it kept on this laptop. Refused (a
/// `conflict`) while changes wait to sync, unless `force`. If it was shown,
/// the next account (or the demo firm) is shown first.
#[tauri::command]
#[specta::specta]
pub async fn sign_out_account(
    state: State<'_, AppState>,
    id: String,
    force: bool,
) -> Result<(), UiError> {
    let data_dir = state.paths.data_dir.clone();
    let asked = id.clone();
    let next = account_task(move || roster::leaving(&data_dir, &asked, force)).await?;
    if state.account().as_deref() == Some(id.as_str()) {
        show(&state, next).await?;
    }
    let data_dir = state.paths.data_dir.clone();
    account_task(move || roster::find(&data_dir, &id)?.sign_out(&data_dir, true)).await
}
