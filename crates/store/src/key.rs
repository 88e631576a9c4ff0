//! The account's key for data at rest (DESIGN invariant 7): 32 random bytes
//! that live only in the OS keychain, never on disk or in a log. The cache
//! database (SQLCipher) and the blob store each get their own subkey derived
//! from it with HMAC-SHA256, so one keychain entry covers the account and a
//! key recovered from one use says nothing about the other.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the stored cache key is not 64 hex digits")]
    Malformed,
    #[error("the system gave no random bytes: {0}")]
    Random(String),
}

/// An account's master key for data at rest.
#[derive(Clone)]
pub struct CacheKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(<secret>)")
    }
}

impl CacheKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Self, KeyError> {
        let mut raw = Zeroizing::new([0u8; 32]);
        getrandom::fill(raw.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self(raw))
    }

    /// The key as the keychain keeps it.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let mut raw = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), raw.as_mut()).map_err(|_| KeyError::Malformed)?;
        Ok(Self(raw))
    }

    /// The subkey for one use, named by `label`.
    pub fn subkey(&self, label: &str) -> Zeroizing<[u8; 32]> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.0.as_ref()).expect("HMAC takes any key length");
        mac.update(b"casefile/");
        mac.update(label.as_bytes());
        Zeroizing::new(mac.finalize().into_bytes().into())
    }

    /// The SQLCipher `PRAGMA key` statement for the database subkey: a raw
    /// key (`x'..'`), so opening a connection skips the passphrase KDF. Run it
    /// first on any connection to the file (the store does; tools may too).
    pub fn sqlcipher_pragma(&self) -> Zeroizing<String> {
        let sub = self.subkey("sqlcipher");
        Zeroizing::new(format!(
            "PRAGMA key = \"x'{}'\";",
            hex::encode(sub.as_ref())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_hex_and_subkeys_differ_by_label() {
        let key = CacheKey::generate().unwrap();
        let again = CacheKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(*key.subkey("blobs"), *again.subkey("blobs"));
        assert_ne!(*key.subkey("blobs"), *key.subkey("sqlcipher"));
        assert_ne!(
            *key.subkey("blobs"),
            *CacheKey::generate().unwrap().subkey("blobs")
        );
        assert!(CacheKey::from_hex("not hex").is_err());
        assert!(!format!("{key:?}").contains(&*key.to_hex()));
    }
}
