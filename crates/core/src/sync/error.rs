//! The codes a failure carries across to the host: [`ErrorCode`], the `ErrorCode` union of
//! `api.d.ts` as a type, and the one reading of a Google error answer as a code
//! ([`ErrorCode::of_google`]), shared by the engine and the shell.

use crate::people::error::ApiError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Why something failed, as the host's code reads it (`SyncError.code` in `api.d.ts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// The caller passed something the plugin cannot use.
    InvalidInput,
    /// What the plugin stored cannot be read.
    InvalidState,
    /// No account by that id.
    UnknownAccount,
    /// The account has no Google token.
    NotConnected,
    /// Google refused the token: the account must be connected again.
    AuthFailed,
    /// The user closed the Google consent window.
    AuthCancelled,
    /// Google refused the call for the token's scopes or the project's settings.
    PermissionDenied,
    /// Google's quota ran out and waiting would take too long.
    Quota,
    /// A request never got an answer.
    Network,
    /// Google answered with an error, or with something that is not its answer.
    GoogleError,
    /// The host (the CRM) failed or refused.
    HostError,
    /// Another run holds the account.
    Busy,
    /// Sync is turned off for the account.
    Disabled,
    /// The worker running the syncs stopped during the call (thrown by the loader's API, never
    /// by the engine); the next call runs on the page.
    WorkerStopped,
    /// The run applying a preview would make other writes than the preview showed (the data
    /// changed since), or a run that does not apply a preview follows a change of the fields'
    /// directions: it wrote nothing, and the user is to preview again.
    PlanChanged,
}

impl ErrorCode {
    /// Every code, in the order of the `api.d.ts` union.
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::InvalidInput,
        ErrorCode::InvalidState,
        ErrorCode::UnknownAccount,
        ErrorCode::NotConnected,
        ErrorCode::AuthFailed,
        ErrorCode::AuthCancelled,
        ErrorCode::PermissionDenied,
        ErrorCode::Quota,
        ErrorCode::Network,
        ErrorCode::GoogleError,
        ErrorCode::HostError,
        ErrorCode::Busy,
        ErrorCode::Disabled,
        ErrorCode::WorkerStopped,
        ErrorCode::PlanChanged,
    ];

    /// The code as the host reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::InvalidState => "INVALID_STATE",
            ErrorCode::UnknownAccount => "UNKNOWN_ACCOUNT",
            ErrorCode::NotConnected => "NOT_CONNECTED",
            ErrorCode::AuthFailed => "AUTH_FAILED",
            ErrorCode::AuthCancelled => "AUTH_CANCELLED",
            ErrorCode::PermissionDenied => "PERMISSION_DENIED",
            ErrorCode::Quota => "QUOTA",
            ErrorCode::Network => "NETWORK",
            ErrorCode::GoogleError => "GOOGLE_ERROR",
            ErrorCode::HostError => "HOST_ERROR",
            ErrorCode::Busy => "BUSY",
            ErrorCode::Disabled => "DISABLED",
            ErrorCode::WorkerStopped => "WORKER_STOPPED",
            ErrorCode::PlanChanged => "PLAN_CHANGED",
        }
    }

    /// The code named `s`, if it is one.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The code of a failed People API call: the one mapping of Google's errors, for the
    /// engine's run errors and the shell's own calls alike. A refused token asks the user to
    /// reconnect, a refused scope or project to fix the grant, a spent quota to wait; whatever
    /// else Google answered is Google's error.
    pub fn of_google(e: &ApiError) -> ErrorCode {
        match e {
            ApiError::Unauthenticated { .. } => ErrorCode::AuthFailed,
            ApiError::PermissionDenied { .. } => ErrorCode::PermissionDenied,
            ApiError::Quota { .. } => ErrorCode::Quota,
            ApiError::ExpiredSyncToken
            | ApiError::EtagMismatch { .. }
            | ApiError::NotFound { .. }
            | ApiError::Conflict { .. }
            | ApiError::Invalid { .. }
            | ApiError::Unavailable { .. }
            | ApiError::Other { .. } => ErrorCode::GoogleError,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ErrorCode::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code {s:?}")))
    }
}

#[cfg(test)]
mod tests;
