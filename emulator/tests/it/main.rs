//! The emulator's behaviour, through the in-process handler and through real HTTP.

mod auth;
mod discovery;
mod groups;
mod limits;
mod people;
mod photos;
mod profiles;
mod renames;
mod server;
mod support;
mod sync;
