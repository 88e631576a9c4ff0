//! Translates references between the server's ids and the cache's: remote
//! to local while decoding a page (answers remembered for the page), and
//! local to remote while encoding a push.

use std::cell::RefCell;
use std::collections::HashMap;

use casefile_domain::entity::{Kind, Location};
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_providers::provider::{RemoteRefs, Resolve};
use casefile_store::Store;

pub struct StoreResolver<'a> {
    store: &'a Store,
    ids: RefCell<HashMap<(Kind, String), Option<LocalId>>>,
    names: RefCell<HashMap<(Kind, String), Option<LocalId>>>,
}

impl<'a> StoreResolver<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self {
            store,
            ids: RefCell::default(),
            names: RefCell::default(),
        }
    }
}

impl Resolve for StoreResolver<'_> {
    fn local(&self, kind: Kind, remote: &RemoteId) -> Option<LocalId> {
        *self
            .ids
            .borrow_mut()
            .entry((kind, remote.0.clone()))
            .or_insert_with(|| self.store.local_id_for(kind, remote).ok().flatten())
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
