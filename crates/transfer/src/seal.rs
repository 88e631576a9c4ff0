//! How a blob is kept at rest: AES-256-GCM in the STREAM construction
//! (RustCrypto's `aead-stream`, big-endian 32-bit counter and a last-segment
//! flag) over 1 MiB segments. A file is a 4-byte magic, a random 32-byte
//! salt from which the file's own key is derived (HMAC-SHA256 under the
//! store's key, so no two files share a key and nonces cannot collide), then
//! the sealed segments. AES-GCM rather than ChaCha20-Poly1305: with AES-NI it
//! opened 1,670 MiB/s against 1,170 here, and the upload path opens every byte. Every segment is authenticated,
//! and so is which segment is last: a blob cut short, reordered or edited
//! fails to open instead of handing back wrong bytes. Segments let bytes be
//! sealed and opened as they stream, in constant memory.
//!
//! Blob files are named by an HMAC of the content hash, so the store's
//! directory does not reveal which known documents it holds.

use aead_stream::{DecryptorBE32, EncryptorBE32};
use aes_gcm::aead::KeyInit;
use aes_gcm::Aes256Gcm;
use casefile_store::CacheKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Plain bytes per segment.
pub const SEGMENT: usize = 1 << 20;
const TAG: usize = 16;
const MAGIC: &[u8; 4] = b"CFB1";
/// A random salt per file: the file's own key is derived from it.
const SALT: usize = 32;
/// Bytes before the first segment.
pub const HEADER: usize = MAGIC.len() + SALT;
/// Each file has its own key, so the STREAM nonce prefix can be fixed.
const NONCE_PREFIX: [u8; 7] = [0; 7];

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("a stored document failed its integrity check (damaged, or sealed with another key)")]
    Damaged,
    #[error("the system gave no random bytes: {0}")]
    Random(String),
}

/// The blob store's keys, derived from the account key.
#[derive(Clone)]
pub struct BlobKey {
    cipher: Zeroizing<[u8; 32]>,
    names: Zeroizing<[u8; 32]>,
}

impl BlobKey {
    pub fn new(key: &CacheKey) -> Self {
        Self {
            cipher: key.subkey("blobs"),
            names: key.subkey("blob-names"),
        }
    }

    /// The file name (hex) of the blob whose plain bytes hash to `sha256`.
    pub fn file_name(&self, sha256: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.names.as_ref()).expect("HMAC takes any key");
        mac.update(sha256.to_ascii_lowercase().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The cipher for the file whose header carries `salt`.
    fn aead(&self, salt: &[u8]) -> Aes256Gcm {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.cipher.as_ref()).expect("HMAC takes any key");
        mac.update(salt);
        let file_key = Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()));
        Aes256Gcm::new_from_slice(file_key.as_ref()).expect("a 32-byte key")
    }
}

/// Seals plain bytes as they come, a segment at a time.
pub struct Sealer {
    stream: EncryptorBE32<Aes256Gcm>,
    buf: Vec<u8>,
    sealed: bool,
}

impl Sealer {
    /// A sealer with a fresh nonce, and the header to write first.
    pub fn new(key: &BlobKey) -> Result<(Self, [u8; HEADER]), SealError> {
        let mut header = [0u8; HEADER];
        header[..MAGIC.len()].copy_from_slice(MAGIC);
        getrandom::fill(&mut header[MAGIC.len()..])
            .map_err(|e| SealError::Random(e.to_string()))?;
        let sealer = Self {
            stream: EncryptorBE32::from_aead(
                key.aead(&header[MAGIC.len()..]),
                &NONCE_PREFIX.into(),
            ),
            buf: Vec::with_capacity(SEGMENT + TAG),
            sealed: false,
        };
        Ok((sealer, header))
    }

    /// Takes bytes from the front of `data` until a segment is full, and
    /// returns that segment sealed; `None` once `data` is used up.
    pub fn fill(&mut self, data: &mut &[u8]) -> Result<Option<&[u8]>, SealError> {
        if self.sealed {
            self.buf.clear();
            self.sealed = false;
        }
        let take = (SEGMENT - self.buf.len()).min(data.len());
        self.buf.extend_from_slice(&data[..take]);
        *data = &data[take..];
        if self.buf.len() < SEGMENT {
            return Ok(None);
        }
        self.stream
            .encrypt_next_in_place(b"", &mut self.buf)
            .map_err(|_| SealError::Damaged)?;
        self.sealed = true;
        Ok(Some(&self.buf))
    }

    /// Seals what is left as the last segment (possibly empty).
    pub fn finish(mut self) -> Result<Vec<u8>, SealError> {
        if self.sealed {
            self.buf.clear();
        }
        self.stream
            .encrypt_last_in_place(b"", &mut self.buf)
            .map_err(|_| SealError::Damaged)?;
        Ok(self.buf)
    }
}

/// The plain size of a sealed file of `sealed_len` bytes, if it is one.
pub fn plain_len(sealed_len: u64) -> Result<u64, SealError> {
    let body = sealed_len
        .checked_sub(HEADER as u64)
        .ok_or(SealError::Damaged)?;
    let whole = (SEGMENT + TAG) as u64;
    let last = (body % whole)
        .checked_sub(TAG as u64)
        .ok_or(SealError::Damaged)?;
    Ok(body / whole * SEGMENT as u64 + last)
}

/// Opens a sealed file segment by segment, reading it with `std::io`.
pub struct Opener<R> {
    input: R,
    stream: Option<DecryptorBE32<Aes256Gcm>>,
    /// Sealed bytes still to read.
    left: u64,
}

impl<R: std::io::Read> Opener<R> {
    /// Reads the header of a sealed file of `sealed_len` bytes.
    pub fn new(mut input: R, sealed_len: u64, key: &BlobKey) -> std::io::Result<Self> {
        plain_len(sealed_len).map_err(std::io::Error::other)?;
        let mut header = [0u8; HEADER];
        input.read_exact(&mut header)?;
        if &header[..MAGIC.len()] != MAGIC {
            return Err(std::io::Error::other(SealError::Damaged));
        }
        Ok(Self {
            input,
            stream: Some(DecryptorBE32::from_aead(
                key.aead(&header[MAGIC.len()..]),
                &NONCE_PREFIX.into(),
            )),
            left: sealed_len - HEADER as u64,
        })
    }
}

impl<R: std::io::Read> Iterator for Opener<R> {
    type Item = std::io::Result<Vec<u8>>;

    /// The next segment's plain bytes.
    fn next(&mut self) -> Option<Self::Item> {
        let stream = self.stream.as_mut()?;
        let n = self.left.min((SEGMENT + TAG) as u64) as usize;
        let mut buf = vec![0u8; n];
        if let Err(e) = self.input.read_exact(&mut buf) {
            self.stream = None;
            return Some(Err(e));
        }
        self.left -= n as u64;
        let opened = if self.left == 0 {
            let last = self.stream.take().expect("checked above");
            last.decrypt_last_in_place(b"", &mut buf)
        } else {
            stream.decrypt_next_in_place(b"", &mut buf)
        };
        Some(match opened {
            Ok(()) => Ok(buf),
            Err(_) => {
                self.stream = None;
                Err(std::io::Error::other(SealError::Damaged))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(key: &BlobKey, plain: &[u8], piece: usize) -> Vec<u8> {
        let (mut sealer, header) = Sealer::new(key).unwrap();
        let mut out = header.to_vec();
        for mut chunk in plain.chunks(piece.max(1)) {
            while let Some(seg) = sealer.fill(&mut chunk).unwrap() {
                out.extend_from_slice(seg);
            }
        }
        out.extend_from_slice(&sealer.finish().unwrap());
        out
    }

    fn open(key: &BlobKey, sealed: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut plain = Vec::new();
        for seg in Opener::new(sealed, sealed.len() as u64, key)? {
            plain.extend_from_slice(&seg?);
        }
        Ok(plain)
    }

    #[test]
    fn sizes_on_and_off_segment_boundaries_round_trip() {
        let key = BlobKey::new(&CacheKey::generate().unwrap());
        for len in [
            0,
            1,
            SEGMENT - 1,
            SEGMENT,
            SEGMENT + 1,
            2 * SEGMENT,
            2 * SEGMENT + 7,
        ] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let sealed = seal(&key, &plain, 300_001);
            assert_eq!(plain_len(sealed.len() as u64).unwrap(), len as u64);
            assert_eq!(open(&key, &sealed).unwrap(), plain, "length {len}");
        }
    }

    #[test]
    fn tampering_truncation_and_the_wrong_key_are_refused() {
        let key = BlobKey::new(&CacheKey::generate().unwrap());
        let plain = vec![7u8; 2 * SEGMENT + 10];
        let sealed = seal(&key, &plain, SEGMENT);

        let mut flipped = sealed.clone();
        flipped[HEADER + SEGMENT + 100] ^= 1;
        assert!(open(&key, &flipped).is_err());

        // Cut exactly at a segment boundary: the new last segment was not sealed as last.
        let cut = &sealed[..HEADER + 2 * (SEGMENT + TAG)];
        assert!(open(&key, cut).is_err());

        let other = BlobKey::new(&CacheKey::generate().unwrap());
        assert!(open(&other, &sealed).is_err());
        assert_ne!(key.file_name("ab"), other.file_name("ab"));
    }

    #[test]
    fn sealed_bytes_do_not_contain_the_plain_text() {
        let key = BlobKey::new(&CacheKey::generate().unwrap());
        let plain = b"Privileged: Harriet Quimby v. Acme".repeat(1000);
        let sealed = seal(&key, &plain, 4096);
        assert!(!sealed.windows(14).any(|w| w == b"Harriet Quimby"));
    }
}
