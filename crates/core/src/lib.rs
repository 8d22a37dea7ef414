//! The pure core of Google Contacts Sync: everything the plugin decides, nothing it performs.
//!
//! No module here performs I/O, reads a clock or draws randomness, and no wasm or JS crate is in
//! this crate's dependency tree (`crates/core/tests/it/project.rs` checks it): the plugin crate's shell
//! performs every effect the engine asks for and feeds the answers back.
//!
//! - [`sync`]: the contact model, normalization, mapping, matching, the three-way merge, planning,
//!   the per-account state and the engine that drives a run as a state machine.
//! - [`json`]: reading JSON through one `Value` deserializer, each type a few key lookups.
//! - [`people`]: Google People API wire types, request builders and error parsing.
//! - [`dto`]: the host contract's and the JS API's data shapes and their conversions to and from
//!   the core's types.
//! - [`lease`]: the account lock's lease in host storage, claimed, renewed and released as a
//!   state machine over the stored value and the time.
//! - [`store`]: how the plugin's data lies in host storage: keys, versions, torn-save detection.

pub mod dto;
pub mod json;
pub mod lease;
pub mod people;
pub mod store;
pub mod sync;
