//! Google's error answers, read into [`ApiError`].
//!
//! Every People API error is a `google.rpc.Status` in an `{"error": …}` envelope, but the parser
//! must not count on it: a proxy or Google's front end can answer with an HTML page or nothing at
//! all, and then the HTTP status alone decides the variant. When the body does parse, the typed
//! `details` decide before the status string does, because Google is inconsistent there: an
//! expired sync token has been captured as both FAILED_PRECONDITION and INVALID_ARGUMENT, always
//! with `ErrorInfo.reason = EXPIRED_SYNC_TOKEN` and always as HTTP 400 (not 410 as in Calendar).

use super::wire::{ErrorEnvelope, Status};
use crate::json::FromJson;
use serde_json::Value;
use std::fmt;

/// A failed People API call, by what the sync must do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The sync token is older than Google keeps them (7 days): drop it and list everything.
    ExpiredSyncToken,
    /// The etag we sent is not the contact's current one: re-read, re-merge, re-send (bounded).
    EtagMismatch { message: String },
    /// 429 (or a 403 rate-limit reason): wait `retry_after_ms` when Google says, else back off.
    Quota {
        retry_after_ms: Option<u64>,
        /// The quota that ran out, e.g. "Critical read requests (Contact and Profile Reads)".
        metric: Option<String>,
        message: String,
    },
    /// 401: the access token expired or was revoked; renew it and retry once.
    Unauthenticated { message: String },
    /// 403: a scope is missing, or the API is not enabled for the project.
    PermissionDenied { message: String },
    /// 404: the contact or group is gone.
    NotFound { message: String },
    /// 409: ALREADY_EXISTS (a group of that name) or ABORTED (a concurrent change).
    Conflict { message: String },
    /// Any other 400: a bug in the request, not worth retrying.
    Invalid {
        /// `ErrorInfo.reason` when Google gave one.
        reason: Option<String>,
        message: String,
    },
    /// 5xx, 408: transient on Google's side.
    Unavailable {
        status: u16,
        retry_after_ms: Option<u64>,
        message: String,
    },
    /// Anything else, kept with its status for the log.
    Other { status: u16, message: String },
}

impl ApiError {
    /// Reads an error answer from its HTTP status and body text. Never fails: an unreadable body
    /// only costs the message.
    pub fn parse(http_status: u16, body: &str) -> ApiError {
        let status = parse_status(body).unwrap_or_default();
        let message = status.message.clone().unwrap_or_default();
        let reasons: Vec<&str> = details_of(&status, "ErrorInfo")
            .filter_map(|d| d.get("reason").and_then(Value::as_str))
            .collect();
        let has_reason = |r: &str| reasons.iter().any(|x| x.eq_ignore_ascii_case(r));
        let code_name = status.status.as_deref().unwrap_or("");

        if has_reason("EXPIRED_SYNC_TOKEN")
            || (http_status == 400 && message.trim_start().starts_with("Sync token is expired"))
        {
            return ApiError::ExpiredSyncToken;
        }
        let rate_limited = [
            "RATE_LIMIT_EXCEEDED",
            "rateLimitExceeded",
            "userRateLimitExceeded",
        ]
        .iter()
        .any(|r| has_reason(r));
        if http_status == 429 || code_name == "RESOURCE_EXHAUSTED" || rate_limited {
            return ApiError::Quota {
                retry_after_ms: retry_delay_ms(&status),
                metric: quota_metric(&status),
                message,
            };
        }
        let etag_message = message.contains("person.etag") && !message.contains("must set");
        // Older reference text documented 412 for a stale etag; current text and captures say
        // 400 FAILED_PRECONDITION. A FAILED_PRECONDITION about anything else stays `Invalid`.
        if http_status == 412
            || (http_status == 400
                && (etag_message || has_reason("failedPrecondition") && message.contains("etag")))
        {
            return ApiError::EtagMismatch { message };
        }
        match http_status {
            400 => ApiError::Invalid {
                reason: reasons.first().map(|r| r.to_string()),
                message,
            },
            401 => ApiError::Unauthenticated { message },
            403 => ApiError::PermissionDenied { message },
            404 => ApiError::NotFound { message },
            409 => ApiError::Conflict { message },
            408 | 500..=599 => ApiError::Unavailable {
                status: http_status,
                retry_after_ms: retry_delay_ms(&status),
                message,
            },
            _ => ApiError::Other {
                status: http_status,
                message,
            },
        }
    }

    /// Worth sending the same request again after a pause. An etag mismatch is retried too, but
    /// only after a re-read and re-merge, so it is not "retryable" here.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ApiError::Quota { .. } | ApiError::Unavailable { .. })
    }

    /// How long Google asked us to wait (`RetryInfo.retryDelay`), when it said.
    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            ApiError::Quota { retry_after_ms, .. }
            | ApiError::Unavailable { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }

    /// A stable code for logs and for the `code` of the JS error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::ExpiredSyncToken => "expiredSyncToken",
            ApiError::EtagMismatch { .. } => "etagMismatch",
            ApiError::Quota { .. } => "quota",
            ApiError::Unauthenticated { .. } => "unauthenticated",
            ApiError::PermissionDenied { .. } => "permissionDenied",
            ApiError::NotFound { .. } => "notFound",
            ApiError::Conflict { .. } => "conflict",
            ApiError::Invalid { .. } => "invalid",
            ApiError::Unavailable { .. } => "unavailable",
            ApiError::Other { .. } => "other",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            ApiError::ExpiredSyncToken => "sync token expired",
            ApiError::EtagMismatch { message }
            | ApiError::Quota { message, .. }
            | ApiError::Unauthenticated { message }
            | ApiError::PermissionDenied { message }
            | ApiError::NotFound { message }
            | ApiError::Conflict { message }
            | ApiError::Invalid { message, .. }
            | ApiError::Unavailable { message, .. }
            | ApiError::Other { message, .. } => message,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message();
        match self {
            ApiError::Unavailable { status, .. } | ApiError::Other { status, .. } => {
                write!(f, "{} (HTTP {status})", self.code())?
            }
            _ => f.write_str(self.code())?,
        }
        if !message.is_empty() {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The `Status` in an error body: `{"error": {…}}`, the v1 batch form `[{"error": {…}}]`, or
/// `None` for anything else (HTML, empty, truncated).
fn parse_status(body: &str) -> Option<Status> {
    let value: Value = serde_json::from_str(body.trim()).ok()?;
    let envelope = match value {
        Value::Array(mut items) if !items.is_empty() => items.swap_remove(0),
        v => v,
    };
    let envelope = ErrorEnvelope::from_json(envelope).ok()?;
    Some(envelope.error)
}

/// The details of one `google.rpc` type, e.g. "ErrorInfo".
fn details_of<'a>(status: &'a Status, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    status.details.iter().filter(move |d| {
        d.get("@type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.rsplit('.').next() == Some(kind))
    })
}

fn retry_delay_ms(status: &Status) -> Option<u64> {
    details_of(status, "RetryInfo")
        .filter_map(|d| d.get("retryDelay"))
        .find_map(duration_ms)
}

/// A protobuf `Duration` in JSON: "30s", "1.5s", "0.000001s"; or, from some encoders,
/// `{"seconds": 30, "nanos": 500000000}`. Rounded up to whole milliseconds so a wait is never cut
/// short.
pub fn duration_ms(v: &Value) -> Option<u64> {
    if let Some(obj) = v.as_object() {
        let secs = match obj.get("seconds") {
            Some(Value::String(s)) => s.parse::<u64>().ok()?,
            Some(n) => n.as_u64()?,
            None => 0,
        };
        let nanos = obj.get("nanos").and_then(Value::as_u64).unwrap_or(0);
        return secs
            .checked_mul(1_000)?
            .checked_add(nanos.div_ceil(1_000_000));
    }
    let s = v.as_str()?.trim().strip_suffix('s')?;
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 9
    {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let nanos: u64 = format!("{frac:0<9}").parse().ok()?;
    // A delay past u64's milliseconds is no delay Google meant: unread, like a malformed one.
    whole
        .checked_mul(1_000)?
        .checked_add(nanos.div_ceil(1_000_000))
}

/// The quota that ran out: `ErrorInfo.metadata.quota_metric`, a `QuotaFailure` violation, or the
/// name quoted in the message ("Quota exceeded for quota metric '…' and limit …").
fn quota_metric(status: &Status) -> Option<String> {
    let from_info = details_of(status, "ErrorInfo").find_map(|d| {
        d.get("metadata")?
            .get("quota_metric")?
            .as_str()
            .map(str::to_string)
    });
    let from_failure = || {
        details_of(status, "QuotaFailure").find_map(|d| {
            let v = d.get("violations")?.as_array()?.first()?;
            v.get("subject")
                .or_else(|| v.get("description"))?
                .as_str()
                .map(str::to_string)
        })
    };
    let from_message = || {
        let m = status.message.as_deref()?;
        let rest = &m[m.find("quota metric '")? + "quota metric '".len()..];
        Some(rest[..rest.find('\'')?].to_string())
    };
    from_info
        .or_else(from_failure)
        .or_else(from_message)
        .filter(|m| !m.is_empty())
}

#[cfg(test)]
mod tests;
