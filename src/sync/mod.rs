//! The pure sync core.
//!
//! Data flows one way through it: host and Google data are parsed at the edges into [`model`]
//! types; [`normalize`] gives each value the key it is compared by; [`matching`] pairs unlinked
//! contacts; [`merge`] settles each linked pair field by field against the link's base; [`plan`]
//! turns a whole account's worth of that into a deterministic [`plan::Plan`]; [`state`] is what
//! survives between runs. Nothing here reads a clock or performs I/O: `now` and all data are
//! arguments.

pub mod mapping;
pub mod model;
pub mod normalize;
pub mod phone;
