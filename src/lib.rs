//! Google Contacts Sync: keeps a CRM user's contacts and their Google Contacts in two-way sync.
//!
//! This crate is the WebAssembly plugin: the pure core ([`gcontacts_sync_core`], re-exported
//! here module by module) and the two layers that touch the browser.
//!
//! - `shell` (wasm32 only): the only code that awaits: fetch, host calls, storage, timers, locks.
//!   It performs what the core's engine asks for and feeds the answers back.
//! - `bindings` (wasm32 only): every `#[wasm_bindgen]` item: the JS API and its errors.

pub use gcontacts_sync_core::{dto, json, people, store, sync};

#[cfg(target_arch = "wasm32")]
pub mod bindings;
#[cfg(target_arch = "wasm32")]
mod shell;
