//! Google renaming a contact (linked to a profile, or given a new contact id) and merging two:
//! what incremental and full listings, reads and writes show afterwards.

use crate::support::{Api, ALL_FIELDS};
use people_emulator::{NameForm, Request};
use serde_json::{json, Value};

const Q: &str = "personFields=names,emailAddresses,phoneNumbers,birthdays,biographies,clientData,memberships,metadata&requestSyncToken=true";

/// A full listing's sync token, taken before the change under test.
fn synced(api: &Api) -> String {
    api.list_all(Q).1.expect("a sync token")
}

fn changes(api: &Api, token: &str) -> Vec<Value> {
    api.list_all(&format!("{Q}&syncToken={token}")).0
}

fn rn(v: &Value) -> String {
    v["resourceName"]
        .as_str()
        .expect("a resource name")
        .to_string()
}

fn previous(v: &Value) -> Vec<String> {
    v["metadata"]["previousResourceNames"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn is_contact_form(name: &str) -> bool {
    name.strip_prefix("people/c")
        .is_some_and(|d| d.len() == 19 && d.bytes().all(|b| b.is_ascii_digit()))
}

fn is_profile_form(name: &str) -> bool {
    name.strip_prefix("people/")
        .is_some_and(|d| d.len() == 21 && d.bytes().all(|b| b.is_ascii_digit()))
}

fn admin(api: &Api, path: &str, body: Value) -> (u16, Value) {
    let r = api
        .em
        .handle(Request::json("POST", &format!("/__admin/{path}"), &body));
    (r.status, r.json_body())
}

#[test]
fn a_contact_renamed_in_either_form_is_listed_as_changed_under_its_new_name() {
    for form in [NameForm::Contact, NameForm::Profile] {
        let api = Api::new();
        let old = rn(&api.ada());
        let token = synced(&api);
        let new = api
            .em
            .rename_contact(api.account, &old, form)
            .expect("renamed");
        assert_ne!(new, old);
        match form {
            NameForm::Contact => assert!(is_contact_form(&new), "{new}"),
            NameForm::Profile => assert!(is_profile_form(&new), "{new}"),
        }
        let listed = changes(&api, &token);
        assert_eq!(
            listed.len(),
            1,
            "a rename is one change, no tombstone: {listed:?}"
        );
        assert_eq!(rn(&listed[0]), new);
        assert_eq!(previous(&listed[0]), std::slice::from_ref(&old));
        assert_eq!(listed[0]["names"][0]["givenName"], "Ada");

        // The new name works everywhere; the old one is gone.
        let (s, got) = api.get(&format!("/v1/{new}?personFields=names,metadata"));
        assert_eq!(s, 200, "{got}");
        assert!(
            got["metadata"].get("previousResourceNames").is_none(),
            "{got}"
        );
        assert_eq!(api.get(&format!("/v1/{old}?personFields=names")).0, 404);
        let (s, _) = api.call(
            "PATCH",
            &format!("/v1/{old}:updateContact?updatePersonFields=names"),
            Some(json!({"etag": got["etag"], "names": [{"givenName": "X"}]})),
        );
        assert_eq!(s, 404);
        assert_eq!(
            api.call("DELETE", &format!("/v1/{old}:deleteContact"), None)
                .0,
            404
        );
        let (s, v) = api.call(
            "PATCH",
            &format!("/v1/{new}:updateContact?updatePersonFields=names&personFields=names"),
            Some(json!({"etag": got["etag"], "names": [{"givenName": "Augusta"}]})),
        );
        assert_eq!(
            (s, &v["names"][0]["givenName"]),
            (200, &json!("Augusta")),
            "{v}"
        );
    }
}

#[test]
fn previous_names_are_in_incremental_listings_only() {
    let api = Api::new();
    let old = rn(&api.ada());
    let token = synced(&api);
    let new = api
        .em
        .rename_contact(api.account, &old, NameForm::Profile)
        .expect("renamed");
    let (full, _) = api.list_all(Q);
    assert_eq!(full.len(), 1);
    assert_eq!(rn(&full[0]), new);
    assert!(previous(&full[0]).is_empty(), "{full:?}");
    let (s, batch) = api.get(&format!(
        "/v1/people:batchGet?personFields=metadata&resourceNames={new}&resourceNames={old}"
    ));
    assert_eq!(s, 200);
    assert!(
        previous(&batch["responses"][0]["person"]).is_empty(),
        "{batch}"
    );
    assert_eq!(batch["responses"][1]["httpStatusCode"], 404, "{batch}");
    assert_eq!(previous(&changes(&api, &token)[0]), [old]);
}

#[test]
fn a_second_rename_lists_both_earlier_names_oldest_first() {
    let api = Api::new();
    let first = rn(&api.ada());
    let token = synced(&api);
    let second = api
        .em
        .rename_contact(api.account, &first, NameForm::Contact)
        .unwrap();
    let third = api
        .em
        .rename_contact(api.account, &second, NameForm::Profile)
        .unwrap();
    let listed = changes(&api, &token);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(rn(&listed[0]), third);
    assert_eq!(previous(&listed[0]), [first, second]);
}

fn two_contacts(api: &Api) -> (Value, Value) {
    let ada = api.create(json!({
        "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
        "emailAddresses": [{"value": "ada@example.com"}, {"value": "ADA@lovelace.org"}],
        "phoneNumbers": [{"value": "+1 415 555 0100"}],
        "clientData": [{"key": "crm", "value": "1"}],
    }));
    let augusta = api.create(json!({
        "names": [{"givenName": "Augusta", "familyName": "King"}],
        "emailAddresses": [{"value": "ada@lovelace.org"}, {"value": "countess@example.com"}],
        "phoneNumbers": [{"value": "(415) 555-0100"}, {"value": "+44 20 7946 0000"}],
        "birthdays": [{"date": {"year": 1815, "month": 12, "day": 10}}],
        "clientData": [{"key": "crm", "value": "2"}],
    }));
    (ada, augusta)
}

fn values(v: &Value, field: &str, key: &str) -> Vec<String> {
    v[field]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i[key].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_merge_unites_both_contacts_under_a_new_name_and_leaves_a_tombstone() {
    let api = Api::new();
    let (ada, augusta) = two_contacts(&api);
    let (a, b) = (rn(&ada), rn(&augusta));
    let token = synced(&api);
    let survivor = api.em.merge_contacts(api.account, &a, &b).expect("merged");
    assert!(
        is_contact_form(&survivor) && survivor != a && survivor != b,
        "{survivor}"
    );

    let listed = changes(&api, &token);
    assert_eq!(listed.len(), 2, "{listed:?}");
    let tomb = listed
        .iter()
        .find(|p| rn(p) == b)
        .expect("the merged one's tombstone");
    assert_eq!(tomb["metadata"]["deleted"], true);
    let s = listed
        .iter()
        .find(|p| rn(p) == survivor)
        .expect("the survivor");
    assert_eq!(previous(s), [a.clone(), b.clone()]);
    // The survivor's name; both contacts' emails and phones, each once; the merged birthday.
    assert_eq!(s["names"].as_array().map(Vec::len), Some(1));
    assert_eq!(s["names"][0]["givenName"], "Ada");
    assert_eq!(
        values(s, "emailAddresses", "value"),
        [
            "ada@example.com",
            "ADA@lovelace.org",
            "countess@example.com"
        ]
    );
    assert_eq!(
        values(s, "phoneNumbers", "canonicalForm"),
        ["+14155550100", "+442079460000"]
    );
    assert_eq!(s["birthdays"][0]["date"]["year"], 1815);
    assert_eq!(values(s, "clientData", "value"), ["1", "2"]);
    assert_eq!(s["emailAddresses"][0]["metadata"]["primary"], true);
    for old in [&a, &b] {
        assert_eq!(api.get(&format!("/v1/{old}?personFields=names")).0, 404);
    }
    let (full, _) = api.list_all(Q);
    assert_eq!(full.len(), 1, "{full:?}");
    assert!(previous(&full[0]).is_empty());
}

#[test]
fn a_merge_may_keep_the_survivors_name() {
    let api = Api::new();
    let (ada, augusta) = two_contacts(&api);
    let (a, b) = (rn(&ada), rn(&augusta));
    let token = synced(&api);
    let survivor = api
        .em
        .merge_contacts_keeping_name(api.account, &a, &b)
        .expect("merged");
    assert_eq!(survivor, a);
    let listed = changes(&api, &token);
    let s = listed
        .iter()
        .find(|p| rn(p) == a)
        .expect("the survivor, changed");
    assert_eq!(previous(s), std::slice::from_ref(&b));
    assert_eq!(values(s, "clientData", "value"), ["1", "2"]);
    assert!(listed
        .iter()
        .any(|p| rn(p) == b && p["metadata"]["deleted"] == true));
}

#[test]
fn the_admin_api_renames_and_merges() {
    let api = Api::new();
    let (ada, augusta) = two_contacts(&api);
    let (a, b) = (rn(&ada), rn(&augusta));
    let (s, v) = admin(
        &api,
        "rename",
        json!({"email": "ann@example.com", "resourceName": a, "form": "profile"}),
    );
    assert_eq!(s, 200, "{v}");
    let renamed = rn(&v);
    assert!(is_profile_form(&renamed), "{renamed}");
    let (s, v) = admin(
        &api,
        "merge",
        json!({"email": "ann@example.com", "survivor": renamed, "merged": b, "newName": false}),
    );
    assert_eq!((s, rn(&v)), (200, renamed.clone()), "{v}");
    let (s, v) = api.get(&format!("/v1/{renamed}?personFields={ALL_FIELDS}"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(values(&v, "clientData", "value"), ["1", "2"]);

    let (s, v) = admin(
        &api,
        "rename",
        json!({"email": "ann@example.com", "resourceName": renamed, "form": "nickname"}),
    );
    assert_eq!(s, 400, "{v}");
    let (s, v) = admin(
        &api,
        "rename",
        json!({"email": "ann@example.com", "resourceName": b, "form": "contact"}),
    );
    assert_eq!(s, 404, "the merged contact is gone: {v}");
    let (s, _) = admin(
        &api,
        "merge",
        json!({"email": "ann@example.com", "survivor": renamed, "merged": renamed}),
    );
    assert_eq!(s, 400);
}

#[test]
fn well_formed_names_never_issued_answer_404_and_malformed_ones_400() {
    let api = Api::new();
    for name in [
        "people/123456789012345678901",
        "people/987",
        "people/c9999999999999999999",
    ] {
        assert_eq!(
            api.get(&format!("/v1/{name}?personFields=names")).0,
            404,
            "{name}"
        );
    }
    for name in ["people/c12x", "people/x", "people/c"] {
        assert_eq!(
            api.get(&format!("/v1/{name}?personFields=names")).0,
            400,
            "{name}"
        );
    }
}

#[test]
fn a_renamed_contact_deleted_later_is_a_tombstone_naming_its_earlier_names() {
    let api = Api::new();
    let old = rn(&api.ada());
    let token = synced(&api);
    let new = api
        .em
        .rename_contact(api.account, &old, NameForm::Contact)
        .expect("renamed");
    assert_eq!(
        api.call("DELETE", &format!("/v1/{new}:deleteContact"), None)
            .0,
        200
    );
    let listed = changes(&api, &token);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(rn(&listed[0]), new);
    assert_eq!(listed[0]["metadata"]["deleted"], true);
    assert_eq!(previous(&listed[0]), [old]);
}
