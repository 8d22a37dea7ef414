//! The People API emulator: Google's contact API on loopback, for the demo, tests and benchmarks.
//!
//! [`Emulator`] holds every account's contacts and groups in memory, with a clock it owns, a
//! seeded generator, quotas and fault rules. [`Emulator::handle`] turns a [`Request`] into a
//! [`Response`] with Google's paths, JSON and errors; native tests call it directly, and
//! [`server::spawn`] puts it behind a socket on 127.0.0.1 for browsers and other processes.
//!
//! Modules: `discovery` (Google's discovery document, the source of every request rule), `api`
//! (routing, request checks and People API methods), `account` (one account's data and change
//! log), `person` (server-set fields, compact storage), `profile` (Google profiles merged into
//! reads), `rename` (Google's renames and merges), `oauth` (consent page, revoke), `admin`
//! (`/__admin/`), `viewer` (`/`), `limits` (quotas and faults), `seed` (synthetic contacts),
//! `server` (the hyper adapter).

mod account;
mod admin;
mod api;
pub mod discovery;
mod emulator;
mod error;
mod http;
mod limits;
mod oauth;
mod person;
mod photo;
mod profile;
mod rename;
mod seed;
pub mod server;
mod util;
mod viewer;

pub use emulator::{
    AccountId, ClockMode, Config, Emulator, MethodStats, GOOGLE_MAX_CONTACTS, SCOPE_CONTACTS,
    SCOPE_READONLY, SYNC_TOKEN_LIFETIME_MS, TOKEN_LIFETIME_MS,
};
pub use error::ApiError;
pub use http::{Request, Response};
pub use limits::{Bucket, FaultKind, FaultRule, QuotaPreset};
pub use profile::{READ_CONTACT, READ_PROFILE};
pub use rename::NameForm;
pub use seed::synthetic_person;
