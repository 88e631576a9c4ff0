//! casefile-core: the application layer. The window's shell and
//! `casefile-cli` are both thin routers over it, so a rule (how an edit is
//! validated, which staff member an event gets by default, when documents
//! move after records, how a sync status is worded) is written once.
//!
//! - [`accounts`]: account settings in the data directory, and connecting
//!   one through the provider registry;
//! - [`keychain`] and [`signin`]: secrets in the OS keychain, signing in
//!   and out;
//! - [`roster`]: the accounts as a front end lists them, and which one
//!   the app shows (the demo firm when there is none);
//! - [`session`]: an open account (cache, blobs, engine) and
//!   sync-then-transfers;
//! - [`edits`]: the edit rules for events and tasks, checked against the
//!   provider's capabilities;
//! - [`status`]: the status view-model every front end shows;
//! - [`me`]: which staff member the signed-in user is ("my events");
//! - [`documents`]: a case's folder tree and files with their state, and
//!   files dropped from the desktop;
//! - [`folders`]: a case's server folders (walked, cached) and folders
//!   made on this laptop;
//! - [`transfers`]: the transfer queue, listed and steered;
//! - [`error`]: [`CoreError`], with a class for every failure.
//!
//! It knows no front end (no Tauri, no terminal) and names no provider:
//! what an account's provider can do comes from its capabilities.

pub mod accounts;
pub mod clock;
pub mod documents;
pub mod edits;
pub mod error;
pub mod folders;
pub mod ics;
pub mod keychain;
pub mod me;
pub mod notes;
pub mod reminders;
pub mod roster;
pub mod session;
pub mod signin;
pub mod status;
pub mod transfers;

pub use casefile_providers::SignIn;
pub use error::CoreError;
pub use session::{Cache, Session, SessionReport};
