//! The pure sync core.
//!
//! Data flows one way through it: host and Google data are parsed at the edges into [`model`]
//! types ([`mapping`] for Google's `Person`); [`normalize`] and [`phone`] give each value the key
//! it is compared by; [`matching`] pairs unlinked contacts; [`merge`] settles each linked pair
//! field by field against the link's base; [`plan`] turns a whole account's worth of that into a
//! deterministic [`plan::Plan`]; [`state`] and [`settings`] are what survives between runs; [`direction`] says which way each
//! field flows.
//! Nothing here reads a clock or performs I/O: `now` and all data are arguments.

pub mod capabilities;
pub mod change;
pub mod custom;
pub mod direction;
pub mod engine;
pub mod error;
pub mod labels;
pub mod mapping;
pub mod matching;
pub mod merge;
pub mod model;
pub mod normalize;
pub mod phone;
pub mod photo;
pub mod plan;
pub mod settings;
pub mod state;
pub mod xorshift;

pub use error::ErrorCode;

#[cfg(test)]
mod testkit;
