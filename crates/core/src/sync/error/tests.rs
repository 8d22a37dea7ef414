use super::ErrorCode;
use crate::people::error::ApiError;

/// The string literals of `export type ErrorCode = … ;` in the TypeScript declarations.
fn union_in_api_d_ts() -> Vec<String> {
    let dts = include_str!("../../../../../src/bindings/api.d.ts");
    let start = dts
        .find("export type ErrorCode =")
        .expect("api.d.ts declares the ErrorCode union");
    let rest = &dts[start + "export type ErrorCode =".len()..];
    let body = &rest[..rest.find(';').expect("the union ends with ';'")];
    // A union may open with `|`.
    body.split('|')
        .map(str::trim)
        .filter(|alt| !alt.is_empty())
        .map(|alt| {
            assert!(
                alt.len() > 2 && alt.starts_with('"') && alt.ends_with('"'),
                "ErrorCode alternative {alt:?} is not a string literal"
            );
            alt.trim_matches('"').to_string()
        })
        .collect()
}

#[test]
fn the_enum_names_exactly_the_typescript_error_codes() {
    let ts = union_in_api_d_ts();
    let rust: Vec<String> = ErrorCode::ALL.iter().map(|c| c.to_string()).collect();
    let missing_in_rust: Vec<&String> = ts.iter().filter(|c| !rust.contains(c)).collect();
    let missing_in_ts: Vec<&String> = rust.iter().filter(|c| !ts.contains(c)).collect();
    assert!(
        missing_in_rust.is_empty() && missing_in_ts.is_empty(),
        "api.d.ts only: {missing_in_rust:?}; ErrorCode only: {missing_in_ts:?}"
    );
    assert_eq!(ts.len(), rust.len(), "a code is listed twice: {ts:?}");
}

#[test]
fn each_code_reads_back_from_its_name_and_its_json() {
    for code in ErrorCode::ALL {
        assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, format!("\"{code}\""));
        assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
    }
    assert_eq!(ErrorCode::parse("quota"), None);
    assert!(serde_json::from_str::<ErrorCode>("\"OOPS\"").is_err());
}

fn check(status: u16, body: &str, expected: ErrorCode) {
    let e = ApiError::parse(status, body);
    assert_eq!(
        ErrorCode::of_google(&e),
        expected,
        "HTTP {status} {body:?} read as {e:?}"
    );
}

#[test]
fn google_errors_map_to_the_code_the_user_acts_on() {
    const UNAUTHENTICATED: &str = r#"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#;
    const SCOPE: &str = r#"{"error":{"code":403,"message":"Request had insufficient authentication scopes.","status":"PERMISSION_DENIED"}}"#;
    const RATE_LIMIT_403: &str = r#"{"error":{"code":403,"message":"Rate limit","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED"}]}}"#;
    const QUOTA: &str =
        r#"{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED"}}"#;
    const EXPIRED: &str = r#"{"error":{"code":400,"message":"Sync token is expired. Clear local cache and retry call without the sync token.","status":"FAILED_PRECONDITION"}}"#;
    const ETAG: &str = r#"{"error":{"code":400,"message":"person.etag is different than the current etag.","status":"FAILED_PRECONDITION"}}"#;
    check(401, UNAUTHENTICATED, ErrorCode::AuthFailed);
    check(401, "", ErrorCode::AuthFailed);
    check(403, SCOPE, ErrorCode::PermissionDenied);
    check(403, "<html>Forbidden</html>", ErrorCode::PermissionDenied);
    check(403, RATE_LIMIT_403, ErrorCode::Quota);
    check(429, QUOTA, ErrorCode::Quota);
    check(429, "", ErrorCode::Quota);
    check(400, EXPIRED, ErrorCode::GoogleError);
    check(400, ETAG, ErrorCode::GoogleError);
    check(400, "{}", ErrorCode::GoogleError);
    check(404, "", ErrorCode::GoogleError);
    check(409, "", ErrorCode::GoogleError);
    check(500, "", ErrorCode::GoogleError);
    check(503, "Service Unavailable", ErrorCode::GoogleError);
    check(418, "", ErrorCode::GoogleError);
}
