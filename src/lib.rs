//! Google Contacts Sync: keeps a CRM user's contacts and their Google Contacts in two-way sync.
//!
//! Three layers, one rule: the pure core never performs I/O.
//!
//! - [`sync`]: the contact model, normalization, mapping, matching, the three-way merge, planning
//!   and the per-account state. Pure: no clock, no randomness, no I/O, no wasm or JS crate.
//! - [`json`]: reading JSON through one `Value` deserializer, each type a few key lookups.
//! - [`people`]: Google People API wire types, request builders and error parsing. Pure too.
//! - [`dto`]: the host contract's and the JS API's data shapes and their conversions to and from
//!   the core's types. Pure: the shell and the bindings move them across the JS boundary.
//! - [`store`]: how the plugin's data lies in host storage: keys, versions, torn-save detection.
//!   Pure: the shell reads and writes.
//! - `shell` (wasm32 only): the only code that awaits: fetch, host calls, storage, timers, locks.
//! - `bindings` (wasm32 only): every `#[wasm_bindgen]` item: the JS API and its errors.

pub mod dto;
pub mod json;
pub mod people;
pub mod store;
pub mod sync;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
#[cfg(target_arch = "wasm32")]
mod shell;
