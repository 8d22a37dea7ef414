use crate::support::{assert_error, Api};
use people_emulator::Request;
use serde_json::json;

const LIST: &str = "/v1/people/me/connections?personFields=names";
const INVALID: &str = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

fn call(api: &Api, req: Request) -> (u16, serde_json::Value) {
    let r = api.em.handle(req);
    (r.status, r.json_body())
}

#[test]
fn a_missing_token_is_unauthenticated() {
    let api = Api::new();
    let r = api.em.handle(Request::get(LIST));
    assert_eq!(
        r.header_value("WWW-Authenticate")
            .map(|h| h.contains("invalid_token")),
        Some(true)
    );
    assert_error(
        &(r.status, r.json_body()),
        401,
        "UNAUTHENTICATED",
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    );
}

#[test]
fn an_unknown_token_is_unauthenticated() {
    let api = Api::new();
    assert_error(
        &call(&api, Request::get(LIST).bearer("ya29.nope")),
        401,
        "UNAUTHENTICATED",
        INVALID,
    );
}

#[test]
fn a_token_expires_after_3599_seconds() {
    let api = Api::new();
    api.em.advance_clock(3_598_999);
    assert_eq!(api.get(LIST).0, 200);
    api.em.advance_clock(1);
    assert_error(&api.get(LIST), 401, "UNAUTHENTICATED", INVALID);
}

#[test]
fn a_revoked_token_is_unauthenticated() {
    let api = Api::new();
    let r = api.em.handle(
        Request::new("POST", "/revoke")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("token={}", api.token)),
    );
    assert_eq!(r.status, 200);
    assert_error(&api.get(LIST), 401, "UNAUTHENTICATED", INVALID);
    let again = api.em.handle(Request::new(
        "POST",
        &format!("/revoke?token={}", api.token),
    ));
    assert_eq!(again.status, 400);
}

#[test]
fn a_read_only_token_reads_but_cannot_write() {
    let api = Api::new();
    let ro = api.em.mint_token(
        api.account,
        "https://www.googleapis.com/auth/contacts.readonly",
    );
    assert_eq!(call(&api, Request::get(LIST).bearer(&ro)).0, 200);
    let got = call(
        &api,
        Request::json("POST", "/v1/people:createContact", &json!({})).bearer(&ro),
    );
    assert_error(
        &got,
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
    );
    assert_eq!(
        got.1["error"]["details"][0]["reason"],
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    );
}

#[test]
fn each_account_sees_only_its_own_contacts() {
    let api = Api::new();
    api.ada();
    let bob = api.em.create_account("bob@example.com");
    let t = api.em.mint_token(bob, "contacts");
    let (s, v) = call(&api, Request::get(LIST).bearer(&t));
    assert_eq!(s, 200);
    assert!(v.get("connections").is_none());
    assert_eq!(
        api.get(LIST).1["connections"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn the_access_token_query_parameter_is_accepted() {
    let api = Api::new();
    assert_eq!(
        call(
            &api,
            Request::get(&format!("{LIST}&access_token={}", api.token))
        )
        .0,
        200
    );
}
