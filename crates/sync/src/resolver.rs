//! Translates references between the server's ids and the cache's: remote
//! to local while decoding a page (answers remembered for the page, or for
//! the whole pull: [`IdCache`]), and
//! local to remote while encoding a push.

use std::cell::RefCell;
use std::collections::HashMap;

use casefile_domain::entity::{Kind, Location};
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_providers::provider::{RemoteRefs, Resolve};
use casefile_store::Store;

use crate::id_cache::IdCache;

pub struct StoreResolver<'a> {
    store: &'a Store,
    ids: Ids<'a>,
    names: RefCell<HashMap<(Kind, String), Option<LocalId>>>,
}

/// Where remote ids are remembered: for one decoding, or for a whole pull.
enum Ids<'a> {
    Own(RefCell<HashMap<(Kind, String), Option<LocalId>>>),
    Pull(&'a IdCache),
}

impl<'a> StoreResolver<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self {
            store,
            ids: Ids::Own(RefCell::default()),
            names: RefCell::default(),
        }
    }

    /// A resolver that shares the pull's remembered ids.
    pub fn for_pull(store: &'a Store, ids: &'a IdCache) -> Self {
        Self {
            store,
            ids: Ids::Pull(ids),
            names: RefCell::default(),
        }
    }
}

impl Resolve for StoreResolver<'_> {
    fn local(&self, kind: Kind, remote: &RemoteId) -> Option<LocalId> {
        match &self.ids {
            Ids::Own(ids) => *ids
                .borrow_mut()
                .entry((kind, remote.0.clone()))
                .or_insert_with(|| self.store.local_id_for(kind, remote).ok().flatten()),
            Ids::Pull(ids) => ids.local(self.store, kind, remote),
        }
    }

    fn by_name(&self, kind: Kind, name: &str) -> Option<LocalId> {
        *self
            .names
            .borrow_mut()
            .entry((kind, name.to_owned()))
            .or_insert_with(|| self.store.local_id_by_name(kind, name).ok().flatten())
    }

    fn location_name(&self, remote: &RemoteId) -> Option<String> {
        let id = self.local(Kind::Location, remote)?;
        self.store
            .get::<Location>(&id)
            .ok()
            .flatten()
            .map(|l| l.name)
    }
}

/// Local references to remote ids, for encoding a push.
pub struct StoreRefs<'a>(pub &'a Store);

impl RemoteRefs for StoreRefs<'_> {
    fn remote(&self, kind: Kind, local: &LocalId) -> Option<RemoteId> {
        self.0.remote_id_of(kind, local).ok().flatten()
    }

    fn name(&self, kind: Kind, local: &LocalId) -> Option<String> {
        match kind {
            Kind::Location => self.0.get::<Location>(local).ok().flatten().map(|l| l.name),
            _ => None,
        }
    }

    fn by_name(&self, kind: Kind, name: &str) -> Option<RemoteId> {
        let local = self.0.local_id_by_name(kind, name).ok().flatten()?;
        self.remote(kind, &local)
    }
}
