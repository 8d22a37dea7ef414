use super::*;

/// Renders the parsed error as its code, then the fields that steer the sync.
fn check(http_status: u16, body: &str, expected: &str) {
    let err = ApiError::parse(http_status, body);
    let mut actual = err.code().to_string();
    match &err {
        ApiError::Quota {
            retry_after_ms,
            metric,
            ..
        } => {
            if let Some(ms) = retry_after_ms {
                actual += &format!(" retry={ms}ms");
            }
            if let Some(m) = metric {
                actual += &format!(" metric={m:?}");
            }
        }
        ApiError::Invalid {
            reason: Some(r), ..
        } => actual += &format!(" reason={r}"),
        ApiError::Unavailable {
            status,
            retry_after_ms,
            ..
        } => {
            actual += &format!(" status={status}");
            if let Some(ms) = retry_after_ms {
                actual += &format!(" retry={ms}ms");
            }
        }
        ApiError::Other { status, .. } => actual += &format!(" status={status}"),
        _ => {}
    }
    if err.is_retryable() {
        actual += " retryable";
    }
    assert_eq!(actual, expected, "HTTP {http_status} {body}");
}

const EXPIRED_FAILED_PRECONDITION: &str = r#"{"error":{"code":400,"message":"Sync token is expired. Clear local cache and retry call without the sync token.","status":"FAILED_PRECONDITION","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"EXPIRED_SYNC_TOKEN","domain":"people.googleapis.com"}]}}"#;
const EXPIRED_INVALID_ARGUMENT: &str = r#"{"error":{"code":400,"message":"Sync token is expired. Clear local cache and retry call without the sync token.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"EXPIRED_SYNC_TOKEN","domain":"people.googleapis.com"}]}}"#;
const EXPIRED_MESSAGE_ONLY: &str = r#"{"error":{"code":400,"message":"Sync token is expired. Clear local cache and retry call without the sync token.","status":"FAILED_PRECONDITION"}}"#;
const ETAG_MISMATCH: &str = r#"{"error":{"code":400,"message":"Request person.etag is different than the current person.etag. Clear local cache and get the latest person.","status":"FAILED_PRECONDITION"}}"#;
const ETAG_MISSING: &str = r#"{"error":{"code":400,"message":"Request must set person.etag or person.metadata.sources.etag for the source that is being updated.","status":"INVALID_ARGUMENT"}}"#;
const BAD_MASK: &str = r#"{"error":{"code":400,"message":"Invalid personFields mask path: \"etag\". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.","status":"INVALID_ARGUMENT"}}"#;
const QUOTA_MESSAGE: &str = r#"{"error":{"code":429,"message":"Quota exceeded for quota metric 'Critical read requests (Contact and Profile Reads)' and limit 'Critical read requests (Contact and Profile Reads) per minute per user' of service 'people.googleapis.com' for consumer 'project_number:123'.","status":"RESOURCE_EXHAUSTED"}}"#;
const QUOTA_DETAILS: &str = r#"{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","domain":"googleapis.com","metadata":{"quota_metric":"people.googleapis.com/write_requests","quota_limit":"WritesPerMinutePerUser"}},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"30s"}]}}"#;
const QUOTA_FRACTIONAL_RETRY: &str = r#"{"error":{"code":429,"message":"Too many requests","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}"#;
const QUOTA_FAILURE: &str = r#"{"error":{"code":429,"message":"FBS quota limit exceeded.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"subject":"FBS quota limit exceeded.","description":"FBS quota limit exceeded."}]}]}}"#;
const UNAUTHENTICATED: &str = r#"{"error":{"code":401,"message":"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.","status":"UNAUTHENTICATED"}}"#;
const MISSING_CREDENTIAL: &str = r#"{"error":{"code":401,"message":"Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.","status":"UNAUTHENTICATED"}}"#;
const INSUFFICIENT_SCOPES: &str = r#"{"error":{"code":403,"message":"Request had insufficient authentication scopes.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT","domain":"googleapis.com"}]}}"#;
const API_DISABLED: &str = r#"{"error":{"code":403,"message":"People API has not been used in project 123 before or it is disabled.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","domain":"googleapis.com"}]}}"#;
const NOT_FOUND: &str =
    r#"{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}"#;
const DUPLICATE_GROUP: &str = r#"{"error":{"code":409,"message":"Contact group name already exists.","status":"ALREADY_EXISTS"}}"#;
const BACKEND_ERROR: &str = r#"{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]}}"#;
const HTML_PAGE: &str = "<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title><p><b>502.</b> <ins>That’s an error.</ins>";

#[test]
fn an_expired_sync_token_is_recognised_by_its_reason_whatever_the_status_string() {
    check(400, EXPIRED_FAILED_PRECONDITION, "expiredSyncToken");
    check(400, EXPIRED_INVALID_ARGUMENT, "expiredSyncToken");
}

#[test]
fn an_expired_sync_token_without_details_is_recognised_by_its_message() {
    check(400, EXPIRED_MESSAGE_ONLY, "expiredSyncToken");
}

#[test]
fn a_stale_etag_is_a_mismatch_but_a_missing_etag_is_a_bug() {
    check(400, ETAG_MISMATCH, "etagMismatch");
    check(412, "", "etagMismatch");
    check(400, ETAG_MISSING, "invalid");
    check(400, BAD_MASK, "invalid");
}

#[test]
fn quota_errors_carry_the_retry_delay_and_the_metric() {
    check(
        429,
        QUOTA_MESSAGE,
        r#"quota metric="Critical read requests (Contact and Profile Reads)" retryable"#,
    );
    check(
        429,
        QUOTA_DETAILS,
        r#"quota retry=30000ms metric="people.googleapis.com/write_requests" retryable"#,
    );
    check(429, QUOTA_FRACTIONAL_RETRY, "quota retry=1500ms retryable");
    check(
        429,
        QUOTA_FAILURE,
        r#"quota metric="FBS quota limit exceeded." retryable"#,
    );
}

#[test]
fn auth_and_permission_errors_keep_their_message() {
    check(401, UNAUTHENTICATED, "unauthenticated");
    check(401, MISSING_CREDENTIAL, "unauthenticated");
    check(403, INSUFFICIENT_SCOPES, "permissionDenied");
    check(403, API_DISABLED, "permissionDenied");
    assert_eq!(
        ApiError::parse(403, INSUFFICIENT_SCOPES).message(),
        "Request had insufficient authentication scopes."
    );
}

#[test]
fn missing_entities_and_duplicate_groups_have_their_own_variants() {
    check(404, NOT_FOUND, "notFound");
    check(409, DUPLICATE_GROUP, "conflict");
}

#[test]
fn server_errors_are_retryable_and_honour_retry_info() {
    check(
        503,
        BACKEND_ERROR,
        "unavailable status=503 retry=2000ms retryable",
    );
    check(
        500,
        r#"{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}"#,
        "unavailable status=500 retryable",
    );
}

#[test]
fn html_empty_and_truncated_bodies_fall_back_to_the_http_status() {
    check(502, HTML_PAGE, "unavailable status=502 retryable");
    check(429, "", "quota retryable");
    check(401, "", "unauthenticated");
    check(404, "<html>Not Found</html>", "notFound");
    check(400, r#"{"error":{"code":400,"mess"#, "invalid");
    check(400, "null", "invalid");
    check(418, "I'm a teapot", "other status=418");
    check(403, r#"{"error":"access_denied"}"#, "permissionDenied");
}

#[test]
fn a_v1_batch_error_array_is_read_like_an_envelope() {
    check(
        400,
        &format!("[{EXPIRED_FAILED_PRECONDITION}]"),
        "expiredSyncToken",
    );
}

#[test]
fn retry_delays_read_every_duration_form() {
    use serde_json::json;
    for (v, ms) in [
        (json!("30s"), Some(30_000)),
        (json!("1.5s"), Some(1_500)),
        (json!("0.000001s"), Some(1)),
        (json!(".25s"), Some(250)),
        (json!({"seconds": 2, "nanos": 500_000_000}), Some(2_500)),
        (json!({"seconds": "7"}), Some(7_000)),
        (json!("30"), None),
        (json!("s"), None),
        (json!("-1s"), None),
        (json!("1.2.3s"), None),
        (json!(30), None),
        // Past u64's milliseconds (found by the fuzz tests: the sum overflowed).
        (json!("18446744073709551.615s"), Some(u64::MAX)),
        (json!("18446744073709551.999s"), None),
        (
            json!({"seconds": 18_446_744_073_709_551_u64, "nanos": u64::MAX}),
            None,
        ),
    ] {
        assert_eq!(duration_ms(&v), ms, "{v}");
    }
}

#[test]
fn errors_display_their_code_status_and_message() {
    assert_eq!(
        ApiError::parse(404, NOT_FOUND).to_string(),
        "notFound: Requested entity was not found."
    );
    assert_eq!(
        ApiError::parse(502, HTML_PAGE).to_string(),
        "unavailable (HTTP 502)"
    );
}
