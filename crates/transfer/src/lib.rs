//! casefile-transfer: document bytes between the laptop and the provider.
//!
//! [`blobs`] is the account's content-addressed store (verified, atomic,
//! sealed at rest by [`seal`]);
//! [`queue`] is the persistent transfer queue that [`upload`] and
//! [`download`] attempts run from; [`names`] makes server-supplied names safe
//! to save outside the store. Files are streamed in chunks and never held
//! in memory, so a 1 GiB upload costs no more memory than a small one.

pub mod blobs;
pub mod discard;
pub mod download;
pub mod names;
mod owner;
pub mod queue;
pub mod seal;
pub mod upload;

pub use blobs::{Blob, BlobStore};
pub use queue::{
    add_download, add_upload, add_upload_as, pin, refresh_pins, run_due, RunReport, TransferError,
};
