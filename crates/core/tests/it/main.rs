//! Native integration tests, gathered in one binary: project rules, and whole-sync scenarios of
//! the real engine against the People API emulator in process and an in-memory CRM.
#![cfg(not(target_arch = "wasm32"))]

mod answers;
mod bounded;
mod confirm;
mod contract;
mod custom;
mod decisions;
mod devices;
mod directions;
mod ending;
mod failures;
mod fuzz;
mod google_limit;
mod google_quirks;
mod harness;
mod held;
mod inputs;
mod json;
mod labels;
mod lease;
mod matching;
mod photo_directions;
mod photos;
mod previewed;
mod profiles;
mod project;
mod props;
mod reads;
mod refusals;
mod renames;
mod scenarios;
mod shared_records;
mod status;
mod undo;
mod undo_props;
mod undo_restore;
mod upgrade;
