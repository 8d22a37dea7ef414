//! Google Contacts Sync: keeps a CRM user's contacts and their Google Contacts in two-way sync.
//!
//! Three layers, one rule: the pure core never performs I/O.
//!
//! - [`sync`]: the contact model, normalization, mapping, matching, the three-way merge, planning
//!   and the per-account state. Pure: no clock, no randomness, no I/O, no wasm or JS crate.
//! - [`json`]: reading JSON through one `Value` deserializer instead of derived impls (size).
//! - [`people`]: Google People API wire types, request builders and error parsing. Pure too.
//! - [`store`]: how the plugin's data lies in host storage: keys, versions, torn-save detection.
//!   Pure: the shell reads and writes.
//! - `shell` (wasm32 only): the only code that awaits: fetch, host calls, storage, timers, locks.
//! - `bindings` (wasm32 only): every `#[wasm_bindgen]` item: the JS API and its errors.

pub mod json;
pub mod people;
pub mod store;
pub mod sync;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
/// The host's data shapes (`bindings::dto`) are pure; native builds compile them too, so the
/// native tests can feed the host codecs arbitrary input.
#[cfg(not(target_arch = "wasm32"))]
#[doc(hidden)]
#[path = "bindings/dto.rs"]
pub mod dto;
#[cfg(target_arch = "wasm32")]
mod shell;
