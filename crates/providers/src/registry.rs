//! The provider registry: the ONE place that names the providers. Every
//! other crate holds a [`ProviderId`] (what an account is set up with) and
//! an [`AnyProvider`] (the connected client), and decides from
//! capabilities, never from which provider it is.
//!
//! Adding a provider: write its module (a type implementing
//! [`crate::Provider`], [`crate::documents::DocumentTransport`] and
//! [`Connect`]), then add one line to the `registry!` call at the bottom of
//! this file.

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use casefile_domain::record::Record;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capabilities::Capabilities;
use crate::documents::{Bytes, CreatedDocument, DocumentTransport, Incoming, Progress, PutTarget};
use crate::error::ProviderError;
use crate::http::Credentials;
use crate::provider::{Context, EncodeError, Known, ListPage, MapError, Provider, RemoteRefs};
use crate::retry::RetryPolicy;

/// What an account connects with.
pub struct Connection {
    /// The server's root, e.g. `https://external-integrations.mycase.com`.
    pub base_url: String,
    pub credentials: Credentials,
    /// Requests a second; `None` takes the provider's published limit, 0 turns pacing off.
    pub rate_limit_per_s: Option<u32>,
    pub retry: RetryPolicy,
}

/// How an account of a provider signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SignIn {
    /// OAuth2 authorization code in the system browser; the provider's
    /// production endpoints are the defaults.
    OAuth {
        authorize_url: &'static str,
        token_url: &'static str,
    },
    /// A token (or user and password) the user pastes; no browser.
    Token,
}

/// How a provider's client is made from an account's settings.
pub trait Connect: Provider + DocumentTransport + Sized {
    fn connect(connection: Connection) -> Result<Self, ProviderError>;
    fn sign_in() -> SignIn;
    /// What the provider can do, known before connecting (the same value
    /// [`Provider::capabilities`] returns).
    fn declared() -> Capabilities;
}

/// The one error a registry look-up has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider {given:?}; Casefile knows: {known}")]
pub struct UnknownProvider {
    pub given: String,
    pub known: String,
}

macro_rules! registry {
    ($($variant:ident => $id:literal, $label:literal, $ty:ty;)+) => {
        /// A provider, as accounts name it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum ProviderId {
            $(#[serde(rename = $id)] $variant,)+
        }

        impl ProviderId {
            pub const ALL: &'static [ProviderId] = &[$(ProviderId::$variant),+];

            /// The id accounts are saved with (`"mycase"`), also the
            /// sandbox's dialect name.
            pub fn as_str(self) -> &'static str {
                match self { $(ProviderId::$variant => $id,)+ }
            }

            /// The name people know it by.
            pub fn label(self) -> &'static str {
                match self { $(ProviderId::$variant => $label,)+ }
            }

            pub fn parse(text: &str) -> Result<Self, UnknownProvider> {
                Self::ALL.iter().copied().find(|p| p.as_str() == text).ok_or_else(|| {
                    UnknownProvider {
                        given: text.to_owned(),
                        known: Self::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", "),
                    }
                })
            }

            pub fn sign_in(self) -> SignIn {
                match self { $(ProviderId::$variant => <$ty as Connect>::sign_in(),)+ }
            }

            pub fn capabilities(self) -> Capabilities {
                match self { $(ProviderId::$variant => <$ty as Connect>::declared(),)+ }
            }
        }

        impl std::fmt::Display for ProviderId {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for ProviderId {
            type Err = UnknownProvider;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        /// A connected provider: what the engine, the transfer queue, the
        /// app core, the CLI and the shell hold.
        pub enum AnyProvider {
            $($variant($ty),)+
        }

        impl AnyProvider {
            pub fn connect(id: ProviderId, connection: Connection) -> Result<Self, ProviderError> {
                Ok(match id { $(ProviderId::$variant => AnyProvider::$variant(<$ty as Connect>::connect(connection)?),)+ })
            }

            pub fn id(&self) -> ProviderId {
                match self { $(AnyProvider::$variant(_) => ProviderId::$variant,)+ }
            }
        }

        impl Provider for AnyProvider {
            fn capabilities(&self) -> &Capabilities {
                match self { $(AnyProvider::$variant(p) => Provider::capabilities(p),)+ }
            }
            fn pull_order(&self) -> &'static [Kind] {
                match self { $(AnyProvider::$variant(p) => Provider::pull_order(p),)+ }
            }
            fn writes(&self, kind: Kind) -> bool {
                match self { $(AnyProvider::$variant(p) => Provider::writes(p, kind),)+ }
            }
            async fn list_page(&self, kind: Kind, updated_after: Option<DateTime<Utc>>, cursor: Option<&str>) -> Result<ListPage, ProviderError> {
                match self { $(AnyProvider::$variant(p) => Provider::list_page(p, kind, updated_after, cursor).await,)+ }
            }
            async fn raw_page(&self, kind: Kind, cursor: Option<&str>) -> Result<(usize, Option<String>), ProviderError> {
                match self { $(AnyProvider::$variant(p) => Provider::raw_page(p, kind, cursor).await,)+ }
            }
            fn is_expired_link(&self, error: &ProviderError) -> bool {
                match self { $(AnyProvider::$variant(p) => Provider::is_expired_link(p, error),)+ }
            }
            fn decode(&self, kind: Kind, item: &Value, ctx: &Context<'_>) -> Result<Record, MapError> {
                match self { $(AnyProvider::$variant(p) => Provider::decode(p, kind, item, ctx),)+ }
            }
            fn encode(&self, record: &Record, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
                match self { $(AnyProvider::$variant(p) => Provider::encode(p, record, refs),)+ }
            }
            fn encode_update(&self, record: &Record, base: Option<&Record>, refs: &dyn RemoteRefs) -> Result<Value, EncodeError> {
                match self { $(AnyProvider::$variant(p) => Provider::encode_update(p, record, base, refs),)+ }
            }
            fn remote_id(&self, item: &Value) -> Option<RemoteId> {
                match self { $(AnyProvider::$variant(p) => Provider::remote_id(p, item),)+ }
            }
            fn same_record(&self, kind: Kind, sent: &Value, found: &Value) -> bool {
                match self { $(AnyProvider::$variant(p) => Provider::same_record(p, kind, sent, found),)+ }
            }
            async fn find_created(&self, kind: Kind, sent: &Value, since: Option<DateTime<Utc>>, known: Known<'_>) -> Result<Option<Value>, ProviderError> {
                match self { $(AnyProvider::$variant(p) => Provider::find_created(p, kind, sent, since, known).await,)+ }
            }
            async fn create(&self, kind: Kind, body: &Value) -> Result<Value, ProviderError> {
                match self { $(AnyProvider::$variant(p) => Provider::create(p, kind, body).await,)+ }
            }
            async fn update(&self, kind: Kind, remote: &RemoteId, body: &Value) -> Result<Option<Value>, ProviderError> {
                match self { $(AnyProvider::$variant(p) => Provider::update(p, kind, remote, body).await,)+ }
            }
            async fn delete(&self, kind: Kind, remote: &RemoteId) -> Result<(), ProviderError> {
                match self { $(AnyProvider::$variant(p) => Provider::delete(p, kind, remote).await,)+ }
            }
            async fn who_am_i(&self) -> Result<Option<RemoteId>, ProviderError> {
                match self { $(AnyProvider::$variant(p) => Provider::who_am_i(p).await,)+ }
            }
            async fn case_notes(
                &self,
                case: &RemoteId,
            ) -> Result<Vec<casefile_domain::note::CaseNote>, ProviderError> {
                match self { $(AnyProvider::$variant(p) => Provider::case_notes(p, case).await,)+ }
            }
            fn throttled_until(&self) -> Option<DateTime<Utc>> {
                match self { $(AnyProvider::$variant(p) => Provider::throttled_until(p),)+ }
            }
            fn request_count(&self) -> u64 {
                match self { $(AnyProvider::$variant(p) => Provider::request_count(p),)+ }
            }
            fn server_clock_skew(&self) -> Option<chrono::Duration> {
                match self { $(AnyProvider::$variant(p) => Provider::server_clock_skew(p),)+ }
            }
        }

        impl DocumentTransport for AnyProvider {
            async fn create_document(&self, case: &RemoteId, path: &str, filename: &str) -> Result<CreatedDocument, ProviderError> {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::create_document(p, case, path, filename).await,)+ }
            }
            async fn new_version(&self, document: &RemoteId) -> Result<PutTarget, ProviderError> {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::new_version(p, document).await,)+ }
            }
            async fn find_document(&self, case: &RemoteId, path: &str) -> Result<Option<(RemoteId, Value)>, ProviderError> {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::find_document(p, case, path).await,)+ }
            }
            async fn put_stream<S>(&self, target: &PutTarget, body: S, size: u64, progress: Progress<'_>) -> Result<(), ProviderError>
            where
                S: futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static,
            {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::put_stream(p, target, body, size, progress).await,)+ }
            }
            async fn post_document<S>(&self, case: &RemoteId, path: &str, filename: &str, body: S, size: u64, progress: Progress<'_>) -> Result<RemoteId, ProviderError>
            where
                S: futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static,
            {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::post_document(p, case, path, filename, body, size, progress).await,)+ }
            }
            async fn case_documents(&self, case: &RemoteId) -> Result<Vec<Value>, ProviderError> {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::case_documents(p, case).await,)+ }
            }
            async fn discard_document(&self, document: &RemoteId) -> Result<(), ProviderError> {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::discard_document(p, document).await,)+ }
            }
            async fn case_folders(&self, case: &RemoteId) -> Result<Vec<String>, ProviderError> {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::case_folders(p, case).await,)+ }
            }
            async fn create_folder(&self, case: &RemoteId, path: &str) -> Result<(), ProviderError> {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::create_folder(p, case, path).await,)+ }
            }
            async fn open_download(&self, document: &RemoteId) -> Result<Incoming, ProviderError> {
                match self { $(AnyProvider::$variant(p) => DocumentTransport::open_download(p, document).await,)+ }
            }
        }
    };
}

registry! {
    MyCase => "mycase", "MyCase", crate::mycase::MyCase;
    LegalServer => "legalserver", "LegalServer", crate::legalserver::LegalServer;
}
