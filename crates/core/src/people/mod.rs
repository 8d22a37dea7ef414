//! Google People API wire types and codecs. Pure: no I/O, no clock.
//!
//! - [`wire`]: the JSON shapes, lossless for fields the sync does not map;
//! - [`request`]: every HTTP request the plugin sends, built as plain data for the shell to fetch;
//! - [`error`]: Google's error bodies read into [`error::ApiError`];
//! - [`profile`]: which account a token is for, from `people/me`;
//! - [`tag`]: the `clientData` entry that links a Google contact to a CRM contact;
//! - [`time`]: RFC 3339 timestamps to and from [`time::Millis`].

pub mod error;
pub mod profile;
pub mod request;
pub mod tag;
pub mod time;
pub mod wire;
