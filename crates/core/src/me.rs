//! Who the signed-in user is among the firm's staff, for "my events" and
//! "my tasks". The provider is asked once, after a sync has brought the
//! staff in (an API's "who am I"; a provider that cannot tell says
//! nothing), and the answer is kept in the cache's own settings, so the
//! filter works offline and costs no request afterwards.

use casefile_domain::entity::Kind;
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_providers::{AnyProvider, Provider};
use casefile_store::Store;

use crate::error::CoreError;

/// The `store_meta` key holding the user's staff id on the server.
pub const ME_KEY: &str = "me_remote_id";

/// Asks the provider who the user is, unless the cache knows already.
pub async fn learn(store: &Store, provider: &AnyProvider) -> Result<(), CoreError> {
    if store.meta_value(ME_KEY)?.is_some() {
        return Ok(());
    }
    if let Some(me) = provider.who_am_i().await? {
        store.set_meta_value(ME_KEY.to_owned(), me.0)?;
    }
    Ok(())
}

/// The user's own staff record here, once known and synced.
pub fn my_staff(store: &Store) -> Result<Option<LocalId>, CoreError> {
    let Some(remote) = store.meta_value(ME_KEY)? else {
        return Ok(None);
    };
    Ok(store.local_id_for(Kind::Staff, &RemoteId(remote))?)
}
