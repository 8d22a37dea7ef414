//! The shell: the only code that awaits. It drives the pure [`Engine`](crate::sync::engine::Engine)
//! in the browser: People API requests go out through `fetch` (or the host's proxy `fetch`), host
//! calls through the host contract, the state and the journal to host storage, waits to
//! `setTimeout`. It also holds the tokens (in memory only), takes a Web Lock per account so one
//! tab syncs it at a time, and runs the schedule.
//!
//! Nothing here is `#[wasm_bindgen]`: the JS API is in `bindings`, which calls [`Plugin`].

mod accounts;
mod auth;
mod contract;
mod effects;
mod host;
mod http;
pub mod js;
mod lock;
mod plugin;
mod progress;
mod run;
mod scheduler;
mod status;
mod stop;
mod storage;
mod tokens;

pub use plugin::{Options, Plugin};

use crate::sync::ErrorCode;

/// A failure the JS API throws: `bindings` turns it into an `Error` with these properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
    /// The HTTP status, for errors answered by Google.
    pub status: Option<u16>,
    /// The contact concerned, when there is one.
    pub contact: Option<String>,
    /// The host's own code when the CRM refused (`UNAUTHENTICATED`: its session ended).
    pub host_code: Option<String>,
}

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            status: None,
            contact: None,
            host_code: None,
        }
    }

    pub fn host(message: impl Into<String>) -> Failure {
        Failure::new(ErrorCode::HostError, message)
    }
}

pub type Result<T> = std::result::Result<T, Failure>;
