//! The emulator's behaviour, through the in-process handler and through real HTTP.

mod auth;
mod groups;
mod limits;
mod people;
mod profiles;
mod server;
mod support;
mod sync;
