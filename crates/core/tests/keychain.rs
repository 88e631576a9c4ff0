//! The OS keychain through keyring-core (docs/adr/0006): secrets round-trip,
//! and, on Linux, items the old `keyring` 3 wrote (every cache key made before
//! the move) are read, overwritten in place and deleted by the new code.
//!
//! Needs a keychain: run under scripts/test (or /tmp/tools/intest), which sets
//! CASEFILE_TEST_SESSION and starts a session bus with an unlocked keyring.

use std::time::{SystemTime, UNIX_EPOCH};

use casefile_core::keychain::{Keychain, SERVICE};
use casefile_providers::auth::SecretStore;

/// The keychain, or None (with a message) when this run has none. Under
/// scripts/test (CASEFILE_TEST_SESSION=1) a missing keychain is a failure.
fn keychain_or_skip() -> Option<Keychain> {
    match Keychain::open() {
        Ok(k) => Some(k),
        Err(e) if std::env::var_os("CASEFILE_TEST_SESSION").is_some() => {
            panic!("the test session must provide a keychain: {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED: no OS keychain in this environment ({e}); run scripts/test");
            None
        }
    }
}

/// A namespace no other run uses, so tests never meet each other's items.
fn namespace(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test-{test}-{}-{nanos}", std::process::id())
}

/// Deletes `keys` when dropped, so a failed assertion leaves nothing behind.
struct Cleanup<'a>(&'a Keychain, Vec<String>);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for key in &self.1 {
            let _ = self.0.delete(key);
        }
    }
}

#[test]
fn a_secret_round_trips() {
    let Some(keychain) = keychain_or_skip() else {
        return;
    };
    let ns = namespace("round-trip");
    let key = format!("{ns}/cache_key");
    let _cleanup = Cleanup(&keychain, vec![key.clone()]);

    assert_eq!(keychain.get(&key).unwrap(), None);
    keychain.set(&key, "first").unwrap();
    assert_eq!(keychain.get(&key).unwrap().as_deref(), Some("first"));
    keychain.set(&key, "second").unwrap();
    assert_eq!(keychain.get(&key).unwrap().as_deref(), Some("second"));

    keychain.forget(&ns, &["cache_key", "never_set"]).unwrap();
    assert_eq!(keychain.get(&key).unwrap(), None);
    // Deleting what is gone is not an error (sign-out may be retried).
    keychain.delete(&key).unwrap();
}

#[test]
fn open_answers_every_time() {
    let Some(_first) = keychain_or_skip() else {
        return;
    };
    // The store is made once per process; later opens reuse it and still probe.
    for _ in 0..3 {
        Keychain::open().unwrap();
    }
}

#[cfg(target_os = "linux")]
mod keyring3 {
    use super::*;

    fn old_entry(key: &str) -> keyring::Entry {
        keyring::Entry::new(SERVICE, key).unwrap()
    }

    /// Every Secret Service item filed under `key`, found through the store that
    /// `Keychain::open` made the process default.
    fn items(key: &str) -> Vec<keyring_core::Entry> {
        let spec = std::collections::HashMap::from([("service", SERVICE), ("username", key)]);
        keyring_core::Entry::search(&spec).unwrap()
    }

    #[test]
    fn a_key_keyring3_wrote_is_read_overwritten_in_place_and_deleted() {
        let Some(keychain) = keychain_or_skip() else {
            return;
        };
        let key = format!("{}/cache_key", namespace("keyring3-item"));
        let _cleanup = Cleanup(&keychain, vec![key.clone()]);
        let old = old_entry(&key);
        old.set_password("written-by-keyring-3").unwrap();

        // Read: the item keyring 3 made (service, username, target=default,
        // application=rust-keyring) is found by service and username.
        assert_eq!(
            keychain.get(&key).unwrap().as_deref(),
            Some("written-by-keyring-3")
        );

        // Overwrite: the same item is updated, not a second one made beside it.
        // A duplicate would make the new code's read ambiguous (an error), and
        // keyring 3 would still see its own item's old value.
        keychain.set(&key, "written-by-keyring-core").unwrap();
        assert_eq!(
            keychain.get(&key).unwrap().as_deref(),
            Some("written-by-keyring-core")
        );
        assert_eq!(old.get_password().unwrap(), "written-by-keyring-core");
        // And it is still keyring 3's item: one item, with the attributes keyring 3 gave it.
        let items = items(&key);
        assert_eq!(items.len(), 1, "one item for {key}");
        let attrs = items[0].get_attributes().unwrap();
        assert_eq!(attrs.get("target").map(String::as_str), Some("default"));
        assert_eq!(
            attrs.get("application").map(String::as_str),
            Some("rust-keyring")
        );

        // Delete: gone for both.
        keychain.delete(&key).unwrap();
        assert_eq!(keychain.get(&key).unwrap(), None);
        assert!(matches!(old.get_password(), Err(keyring::Error::NoEntry)));
    }

    #[test]
    fn a_key_keyring_core_wrote_is_read_by_keyring3() {
        // Going back to a build on keyring 3 must not lose keys made after the move.
        let Some(keychain) = keychain_or_skip() else {
            return;
        };
        let key = format!("{}/cache_key", namespace("keyring-core-item"));
        let _cleanup = Cleanup(&keychain, vec![key.clone()]);
        keychain.set(&key, "written-by-keyring-core").unwrap();
        assert_eq!(items(&key).len(), 1, "one item for {key}");

        let old = old_entry(&key);
        assert_eq!(old.get_password().unwrap(), "written-by-keyring-core");
        old.set_password("rewritten-by-keyring-3").unwrap();
        assert_eq!(items(&key).len(), 1, "keyring 3 updated it in place");
        assert_eq!(
            keychain.get(&key).unwrap().as_deref(),
            Some("rewritten-by-keyring-3")
        );
        old.delete_credential().unwrap();
        assert_eq!(keychain.get(&key).unwrap(), None);
    }
}
