//! API errors rendered as Google renders them: a `google.rpc.Status` in an `error` envelope.

use crate::http::Response;
use serde_json::{json, Value};

/// A failed API call; `into_response` gives Google's wire form.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: u16,
    pub status: &'static str,
    pub message: String,
    pub details: Vec<Value>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: u16, status: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            status,
            message: message.into(),
            details: Vec::new(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(400, "INVALID_ARGUMENT", message)
    }
    pub fn not_found() -> Self {
        ApiError::new(404, "NOT_FOUND", "Requested entity was not found.")
    }
    pub fn etag_mismatch() -> Self {
        ApiError::new(
            400,
            "FAILED_PRECONDITION",
            "Request person.etag is different than the current person.etag. Clear local cache and get the latest person.",
        )
    }
    pub fn expired_sync_token() -> Self {
        ApiError::new(
            400,
            "FAILED_PRECONDITION",
            "Sync token is expired. Clear local cache and retry call without the sync token.",
        )
        .detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "EXPIRED_SYNC_TOKEN",
            "domain": "people.googleapis.com"
        }))
    }
    /// A create that would take the account past its limit of contacts. Google documents the
    /// limit (25,000 per account) but not the body of this refusal; this is the closest
    /// documented form: a `google.rpc.Status` with the canonical code for a request the
    /// system's state does not allow (`FAILED_PRECONDITION`, HTTP 400), and an `ErrorInfo`
    /// naming the reason, so a client can tell it from an etag mismatch.
    pub fn contact_limit(max: usize) -> Self {
        ApiError::new(
            400,
            "FAILED_PRECONDITION",
            format!("The account has reached its limit of {max} contacts."),
        )
        .detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "CONTACT_LIMIT_EXCEEDED",
            "domain": "people.googleapis.com",
            "metadata": {"limit": max.to_string()}
        }))
    }
    pub fn unavailable() -> Self {
        ApiError::new(503, "UNAVAILABLE", "The service is currently unavailable.")
    }
    pub fn detail(mut self, d: Value) -> Self {
        self.details.push(d);
        self
    }
    /// The `google.rpc.Status` object (also used per item in batch responses).
    pub fn status_json(&self) -> Value {
        let mut s = json!({"code": grpc_code(self.status), "message": self.message});
        if !self.details.is_empty() {
            s["details"] = Value::Array(self.details.clone());
        }
        s
    }
    pub fn body(&self) -> Value {
        let mut e = json!({"code": self.code, "message": self.message, "status": self.status});
        if !self.details.is_empty() {
            e["details"] = Value::Array(self.details.clone());
        }
        json!({ "error": e })
    }
    pub fn into_response(self) -> Response {
        let mut r = Response::json(self.code, &self.body());
        if self.code == 401 {
            // Google's front end adds this header to every 401 of an OAuth-protected API.
            r = r.header(
                "WWW-Authenticate",
                "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
            );
        }
        r
    }
}

/// google.rpc.Code numbers, as they appear in per-item statuses.
fn grpc_code(status: &str) -> u16 {
    match status {
        "INVALID_ARGUMENT" => 3,
        "DEADLINE_EXCEEDED" => 4,
        "NOT_FOUND" => 5,
        "ALREADY_EXISTS" => 6,
        "PERMISSION_DENIED" => 7,
        "RESOURCE_EXHAUSTED" => 8,
        "FAILED_PRECONDITION" => 9,
        "ABORTED" => 10,
        "INTERNAL" => 13,
        "UNAVAILABLE" => 14,
        "UNAUTHENTICATED" => 16,
        _ => 2,
    }
}
