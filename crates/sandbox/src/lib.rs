//! casefile-sandbox: a local HTTP server on 127.0.0.1 that speaks the MyCase v1
//! contract (OAuth2, paging, documents on S3-like storage) closely enough that the
//! client cannot tell it from the real API, with demo data and seeded fault injection.
//! The same firm can be served in LegalServer's Core API dialect instead
//! ([`legalserver`], reads so far).
//! See README.md for running it and for every fault knob.

mod admin;
pub(crate) mod api;
mod auth;
mod blobstore;
mod config;
mod demo;
mod error;
mod faults;
mod guard;
pub mod legalserver;
mod paging;
mod ratelimit;
mod secrets;
mod seed;
mod server;
mod state;
mod store;

pub use config::{DemoData, Dialect, FaultConfig, SandboxConfig, Storage};
pub use error::SandboxError;
pub use faults::FaultCounters;
pub use server::{start, ReadyInfo, RunningSandbox};
