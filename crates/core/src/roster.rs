//! The accounts as a front end lists them: each with its sign-in state,
//! the providers an account can be added for, and which account the app
//! shows. The choice is remembered in the data directory, so the app opens
//! where it was left; with no account at all it opens the demo firm, which
//! is invented data and never leaves the laptop.

use std::path::Path;

use casefile_providers::ProviderId;
use serde::Serialize;

use crate::accounts::{self, AccountError, AccountSettings};
use crate::SignIn;

/// The file naming the account last shown (`demo` for the demo firm).
const CHOSEN: &str = "chosen-account";
/// What [`CHOSEN`] holds when the demo firm was chosen.
const DEMO: &str = "demo";

/// An account as the Accounts screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountView {
    pub id: String,
    /// The provider's name, as people know it.
    pub provider: String,
    pub base_url: String,
    pub zone: String,
    /// Whether it signs in through the browser (else a token from the environment).
    pub browser_sign_in: bool,
    /// Whether a token is held for it; none when the keychain cannot be asked.
    pub signed_in: Option<bool>,
    /// The API user it signs in as over HTTP Basic, if it does.
    pub api_user: Option<String>,
}

/// A provider an account can be added for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderChoice {
    /// The id accounts are saved with.
    pub id: String,
    pub label: String,
    /// The provider's own sign-in endpoints, when it signs in through the browser.
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
}

/// What the app shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// The embedded demo firm.
    Demo,
    Account(Box<AccountSettings>),
}

impl Shown {
    /// The account's id; none for the demo firm (what [`remember`] takes).
    pub fn id(&self) -> Option<&str> {
        match self {
            Shown::Demo => None,
            Shown::Account(a) => Some(&a.id),
        }
    }
}

impl AccountView {
    fn of(settings: &AccountSettings) -> Self {
        Self {
            id: settings.id.clone(),
            provider: settings.provider.label().to_owned(),
            base_url: settings.base_url.clone(),
            zone: settings.zone.clone(),
            browser_sign_in: settings.token_env.is_none() && settings.oauth.is_some(),
            signed_in: settings.signed_in().ok(),
            api_user: settings.basic_user.clone(),
        }
    }
}

/// Every account in `data_dir`, by id.
pub fn overview(data_dir: &Path) -> Result<Vec<AccountView>, AccountError> {
    Ok(accounts::list(data_dir)?
        .iter()
        .map(AccountView::of)
        .collect())
}

/// The providers of the registry, in its order.
pub fn providers() -> Vec<ProviderChoice> {
    ProviderId::ALL
        .iter()
        .map(|p| {
            let (authorize_url, token_url) = match p.sign_in() {
                SignIn::OAuth {
                    authorize_url,
                    token_url,
                } => (Some(authorize_url.to_owned()), Some(token_url.to_owned())),
                SignIn::Token => (None, None),
            };
            ProviderChoice {
                id: p.as_str().to_owned(),
                label: p.label().to_owned(),
                authorize_url,
                token_url,
            }
        })
        .collect()
}

/// Remembers what the app shows, for its next start.
pub fn remember(data_dir: &Path, shown: Option<&str>) -> Result<(), AccountError> {
    let dir = accounts::accounts_dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(format!("{CHOSEN}.tmp"));
    std::fs::write(&tmp, shown.unwrap_or(DEMO))?;
    std::fs::rename(tmp, dir.join(CHOSEN))?;
    Ok(())
}

/// What the app opens on: the account last shown if it still exists, else
/// the first account, else the demo firm.
pub fn chosen(data_dir: &Path) -> Result<Shown, AccountError> {
    let all = accounts::list(data_dir)?;
    let remembered = std::fs::read_to_string(accounts::accounts_dir(data_dir).join(CHOSEN))
        .ok()
        .map(|text| text.trim().to_owned());
    if remembered.as_deref() == Some(DEMO) {
        return Ok(Shown::Demo);
    }
    let pick = remembered
        .and_then(|id| all.iter().find(|a| a.id == id).cloned())
        .or_else(|| all.into_iter().next());
    Ok(pick.map_or(Shown::Demo, |a| Shown::Account(Box::new(a))))
}

/// Before signing `id` out: refuses while its changes wait to sync (unless
/// `force`), and says what to show instead of it.
pub fn leaving(data_dir: &Path, id: &str, force: bool) -> Result<Shown, AccountError> {
    let settings = find(data_dir, id)?;
    if !force {
        let waiting = settings.waiting(data_dir)?;
        if waiting > 0 {
            return Err(AccountError::Pending(waiting));
        }
    }
    Ok(accounts::list(data_dir)?
        .into_iter()
        .find(|a| a.id != id)
        .map_or(Shown::Demo, |a| Shown::Account(Box::new(a))))
}

/// One account by id.
pub fn find(data_dir: &Path, id: &str) -> Result<AccountSettings, AccountError> {
    accounts::pick(data_dir, Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(id: &str) -> AccountSettings {
        AccountSettings {
            id: id.into(),
            provider: ProviderId::ALL[0],
            base_url: "http://127.0.0.1:9".into(),
            token_env: Some("NO_SUCH_TOKEN".into()),
            zone: "UTC".into(),
            rate_limit_per_s: None,
            oauth: None,
            secrets_ns: id.into(),
            basic_user: None,
        }
    }

    #[test]
    fn with_no_account_the_app_opens_the_demo_firm() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(chosen(dir.path()).unwrap(), Shown::Demo);
    }

    #[test]
    fn the_first_account_is_shown_until_another_is_chosen() {
        let dir = tempfile::tempdir().unwrap();
        settings("b").save(dir.path()).unwrap();
        settings("a").save(dir.path()).unwrap();
        assert_eq!(
            chosen(dir.path()).unwrap(),
            Shown::Account(Box::new(settings("a")))
        );
        remember(dir.path(), Some("b")).unwrap();
        assert_eq!(
            chosen(dir.path()).unwrap(),
            Shown::Account(Box::new(settings("b")))
        );
        remember(dir.path(), None).unwrap();
        assert_eq!(chosen(dir.path()).unwrap(), Shown::Demo);
    }

    #[test]
    fn a_chosen_account_since_removed_falls_back_to_the_first() {
        let dir = tempfile::tempdir().unwrap();
        settings("a").save(dir.path()).unwrap();
        remember(dir.path(), Some("gone")).unwrap();
        assert_eq!(
            chosen(dir.path()).unwrap(),
            Shown::Account(Box::new(settings("a")))
        );
    }

    #[test]
    fn a_token_account_is_listed_as_signed_in_without_the_browser() {
        let dir = tempfile::tempdir().unwrap();
        settings("a").save(dir.path()).unwrap();
        let listed = overview(dir.path()).unwrap();
        assert_eq!(listed.len(), 1);
        assert!(!listed[0].browser_sign_in);
        assert_eq!(listed[0].signed_in, Some(true));
        assert_eq!(listed[0].provider, ProviderId::ALL[0].label());
    }

    #[test]
    fn every_registered_provider_can_be_chosen() {
        assert_eq!(providers().len(), ProviderId::ALL.len());
    }
}
