use crate::support::{assert_error, Api};
use serde_json::json;

const Q: &str = "personFields=names,metadata&pageSize=3&requestSyncToken=true";

#[test]
fn the_last_page_of_a_sync_listing_carries_the_sync_token() {
    let api = Api::new();
    api.em.seed(api.account, 7, 3);
    let (_, first) = api.get(&format!("/v1/people/me/connections?{Q}"));
    assert!(first.get("nextSyncToken").is_none());
    assert!(first["nextPageToken"].is_string());
    let (all, sync) = api.list_all(Q);
    assert_eq!(all.len(), 7);
    assert!(sync.is_some());
}

#[test]
fn an_incremental_listing_returns_changes_and_tombstones() {
    let api = Api::new();
    let names = api.em.seed(api.account, 5, 3);
    let (_, sync) = api.list_all(Q);
    let sync = sync.unwrap();
    let (_, p) = api.get(&format!("/v1/{}?personFields=names", names[0]));
    api.call(
        "PATCH",
        &format!("/v1/{}:updateContact?updatePersonFields=names", names[0]),
        Some(json!({"etag": p["etag"], "names": [{"givenName": "Changed"}]})),
    );
    api.call("DELETE", &format!("/v1/{}:deleteContact", names[1]), None);
    let added = api.ada();

    let (changes, next) = api.list_all(&format!("{Q}&syncToken={sync}"));
    assert_eq!(changes.len(), 3, "{changes:?}");
    let by = |rn: &str| {
        changes
            .iter()
            .find(|c| c["resourceName"] == rn)
            .unwrap()
            .clone()
    };
    assert_eq!(by(&names[0])["names"][0]["givenName"], "Changed");
    assert_eq!(by(&names[1])["metadata"]["deleted"], true);
    assert!(by(added["resourceName"].as_str().unwrap())["names"].is_array());

    let (nothing, _) = api.list_all(&format!("{Q}&syncToken={}", next.unwrap()));
    assert!(nothing.is_empty(), "{nothing:?}");
}

#[test]
fn a_sync_token_older_than_seven_days_has_expired() {
    let mut api = Api::new();
    api.ada();
    let (_, sync) = api.list_all(Q);
    let sync = sync.unwrap();
    api.em.advance_clock(7 * 86_400_000);
    api.refresh();
    assert_eq!(
        api.get(&format!("/v1/people/me/connections?{Q}&syncToken={sync}"))
            .0,
        200
    );
    api.em.advance_clock(1);
    let got = api.get(&format!("/v1/people/me/connections?{Q}&syncToken={sync}"));
    assert_error(
        &got,
        400,
        "FAILED_PRECONDITION",
        "Sync token is expired. Clear local cache and retry call without the sync token.",
    );
    assert_eq!(
        got.1["error"]["details"],
        json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "EXPIRED_SYNC_TOKEN", "domain": "people.googleapis.com"}])
    );
}

#[test]
fn writes_reach_incremental_results_only_after_the_propagation_delay() {
    let api = Api::new();
    api.em.set_propagation_delay(60_000);
    let (_, sync) = api.list_all(Q);
    api.ada();
    let (early, next) = api.list_all(&format!("{Q}&syncToken={}", sync.unwrap()));
    assert!(early.is_empty());
    api.em.advance_clock(60_000);
    let (late, _) = api.list_all(&format!("{Q}&syncToken={}", next.unwrap()));
    assert_eq!(
        late.len(),
        1,
        "the token that saw nothing still leads to the write"
    );
}

#[test]
fn a_sync_token_only_serves_the_fields_that_made_it() {
    let api = Api::new();
    let (_, sync) = api.list_all(Q);
    let got = api.get(&format!(
        "/v1/people/me/connections?personFields=names&requestSyncToken=true&syncToken={}",
        sync.unwrap()
    ));
    assert_eq!(got.0, 400);
}
