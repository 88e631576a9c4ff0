//! The remote-to-local ids a pull resolves, remembered for the whole pull.
//!
//! Decoding a page turns every reference (an event's case, a case's
//! clients) into a local id. Asked of the cache one at a time, a first sync
//! of 100,000 events made as many queries again as it wrote rows. So the
//! answers are kept for the whole pull, and once a kind has been asked
//! about often, all its ids are read in one query. A miss is never
//! remembered: the record may be written later in the same pull.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use casefile_domain::entity::Kind;
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_store::Store;

/// Single look-ups of a kind after which all its ids are read at once.
const BULK_AFTER: u32 = 256;

#[derive(Default)]
struct Ids {
    known: HashMap<Kind, HashMap<String, LocalId>>,
    asked: HashMap<Kind, u32>,
    loaded: HashSet<Kind>,
}

/// A pull's resolved ids, shared by the pages it decodes.
#[derive(Default)]
pub struct IdCache {
    ids: Mutex<Ids>,
}

impl IdCache {
    /// The local id of `remote`, from memory, else from the cache.
    pub fn local(&self, store: &Store, kind: Kind, remote: &RemoteId) -> Option<LocalId> {
        let mut ids = self.ids.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(id) = ids.known.get(&kind).and_then(|m| m.get(&remote.0)) {
            return Some(*id);
        }
        if !ids.loaded.contains(&kind) {
            let asked = ids.asked.entry(kind).or_default();
            *asked += 1;
            if *asked > BULK_AFTER {
                ids.loaded.insert(kind);
                if let Ok(all) = store.remote_ids(kind) {
                    let map = ids.known.entry(kind).or_default();
                    map.extend(all.into_iter().map(|(local, remote)| (remote.0, local)));
                    if let Some(id) = map.get(&remote.0) {
                        return Some(*id);
                    }
                }
            }
        }
        let found = store.local_id_for(kind, remote).ok().flatten()?;
        ids.known
            .entry(kind)
            .or_default()
            .insert(remote.0.clone(), found);
        Some(found)
    }
}

#[cfg(test)]
mod tests {
    use casefile_domain::entity::{Case, CaseStatus, Meta};
    use casefile_domain::ids::AccountId;

    use super::*;

    fn case(account: &AccountId, remote: u32) -> Case {
        Case {
            meta: Meta {
                id: LocalId::new(),
                account: account.clone(),
                remote_id: Some(RemoteId(remote.to_string())),
                server_updated_at: None,
                extra: Default::default(),
            },
            name: format!("Case {remote}"),
            number: None,
            description: None,
            status: CaseStatus::Open,
            stage: None,
            practice_area: None,
            opened_on: None,
            closed_on: None,
            clients: vec![],
            companies: vec![],
            staff: vec![],
        }
    }

    /// Before and after the bulk read, every id resolves to its row, a miss
    /// is not remembered, and a record written later is still found.
    #[test]
    fn ids_resolve_one_at_a_time_then_in_bulk_and_misses_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let account = AccountId("a".into());
        let store = Store::open(dir.path(), &account).unwrap();
        let cases: Vec<Case> = (0..600).map(|i| case(&account, i)).collect();
        let expected: Vec<LocalId> = cases.iter().map(|c| c.meta.id).collect();
        store.apply_page(cases, None).unwrap();
        let cache = IdCache::default();
        let late = RemoteId("9999".into());
        assert_eq!(cache.local(&store, Kind::Case, &late), None);
        for round in 0..2 {
            for (i, id) in expected.iter().enumerate() {
                let remote = RemoteId(i.to_string());
                assert_eq!(
                    cache.local(&store, Kind::Case, &remote),
                    Some(*id),
                    "round {round}, case {i}"
                );
            }
        }
        let written_later = case(&account, 9999);
        let later_id = written_later.meta.id;
        store.apply_page(vec![written_later], None).unwrap();
        assert_eq!(cache.local(&store, Kind::Case, &late), Some(later_id));
    }
}
