//! The CLI's errors and their exit codes, which scripts may depend on:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | an unexpected failure (the message says what) |
//! | 2 | bad usage (clap's own code) |
//! | 3 | no such record, conflict or account |
//! | 4 | invalid input (a date, a time zone, a value) |
//! | 5 | the server could not be reached or failed; try again |
//! | 6 | sign-in required: the token is missing, expired or refused |
//! | 7 | the server (or the account's provider) refused a change |
//! | 8 | refused because unsynced changes would be lost (sign-out without --force) |
//! | 9 | no usable OS keychain (the message says how to fix it) |
//!
//! The codes are decided from the core's typed errors, never their text.

use casefile_core::accounts::AccountError;
use casefile_core::edits::EditError;
use casefile_core::CoreError;
use casefile_providers::ProviderError;
use casefile_store::StoreError;
use casefile_sync::SyncError;
use casefile_transfer::TransferError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A transfer failed; `retrying` when it stays queued for another try.
    #[error("{message}")]
    Transfer { message: String, retrying: bool },
}

macro_rules! via_core {
    ($($t:ty),+) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self {
                CliError::Core(e.into())
            }
        }
    )+};
}
via_core!(
    AccountError,
    EditError,
    StoreError,
    SyncError,
    TransferError,
    casefile_transfer::blobs::BlobError,
    ProviderError
);

fn provider_code(e: &ProviderError) -> i32 {
    match e {
        ProviderError::Unauthorized | ProviderError::SignInRequired => 6,
        ProviderError::Validation { .. }
        | ProviderError::Forbidden(_)
        | ProviderError::PlanRequired { .. } => 7,
        ProviderError::NotFound => 3,
        _ => 5,
    }
}

fn store_code(e: &StoreError) -> i32 {
    match e {
        StoreError::NotFound { .. } => 3,
        StoreError::Invalid(_) => 4,
        _ => 1,
    }
}

fn core_code(e: &CoreError) -> i32 {
    if e.class() == casefile_domain::error::ErrorCode::DiskFull {
        return 10;
    }
    match e {
        CoreError::Account(a) => match a {
            AccountError::NoAccount | AccountError::Unknown(_) => 3,
            AccountError::MissingToken(_) | AccountError::SignIn(_) | AccountError::NotOAuth(_) => {
                6
            }
            AccountError::Pending(_) => 8,
            AccountError::Keychain(_) | AccountError::Secrets(_) | AccountError::CacheKey(_) => 9,
            AccountError::Zone(_) | AccountError::Provider(_) | AccountError::Invalid { .. } => 4,
            AccountError::Client(e) => provider_code(e),
            AccountError::Store(e) => store_code(e),
            _ => 1,
        },
        CoreError::Edit(EditError::Invalid { .. }) => 4,
        CoreError::Edit(EditError::NotFound { .. }) => 3,
        CoreError::Edit(EditError::NotAllowed(_)) => 7,
        CoreError::Edit(EditError::Store(e)) | CoreError::Store(e) => store_code(e),
        CoreError::Sync(SyncError::Provider(e)) | CoreError::Provider(e) => provider_code(e),
        CoreError::Sync(_) | CoreError::Blobs(_) => 1,
        CoreError::Transfer(TransferError::Provider(e)) => provider_code(e),
        CoreError::Transfer(TransferError::NoDocument) => 3,
        CoreError::Transfer(_) => 4,
    }
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::NotFound(_) => 3,
            CliError::Invalid(_) => 4,
            CliError::Core(e) => core_code(e),
            CliError::Transfer { retrying: true, .. } => 5,
            CliError::Transfer {
                retrying: false, ..
            } => 7,
            CliError::Io(_) => 1,
        }
    }
}
