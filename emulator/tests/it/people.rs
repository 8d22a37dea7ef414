use crate::support::{assert_error, Api, ALL_FIELDS};
use people_emulator::Request;
use serde_json::json;

#[test]
fn a_created_contact_gets_the_data_google_sets() {
    let api = Api::new();
    let p = api.create(json!({
        "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
        "phoneNumbers": [{"value": "+44 20 7946 0000", "type": "mobile"}, {"value": "(415) 555-0123", "type": "googleVoice"}],
        "clientData": [{"key": "crm_id", "value": "42"}]
    }));
    let rn = p["resourceName"].as_str().unwrap();
    assert!(
        rn.starts_with("people/c") && rn[8..].chars().all(|c| c.is_ascii_digit()),
        "{rn}"
    );
    assert!(p["etag"].as_str().unwrap().starts_with("%Eg"));
    let src = &p["metadata"]["sources"][0];
    assert_eq!(src["type"], "CONTACT");
    assert!(src["etag"].as_str().unwrap().starts_with('#'));
    assert_eq!(src["updateTime"], "2024-03-01T00:00:00.000Z");
    assert_eq!(p["phoneNumbers"][0]["canonicalForm"], "+442079460000");
    assert_eq!(p["phoneNumbers"][0]["formattedType"], "Mobile");
    assert_eq!(p["phoneNumbers"][1]["canonicalForm"], "+14155550123");
    assert_eq!(p["phoneNumbers"][1]["formattedType"], "Google Voice");
    assert_eq!(p["names"][0]["displayName"], "Ada Lovelace");
    assert_eq!(
        p["memberships"][0]["contactGroupMembership"]["contactGroupResourceName"],
        "contactGroups/myContacts"
    );
    assert_eq!(p["clientData"][0]["key"], "crm_id");
    assert_eq!(p["clientData"][0]["value"], "42");
}

#[test]
fn get_returns_only_the_requested_fields_and_needs_a_mask() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    let (s, v) = api.get(&format!("/v1/{rn}?personFields=emailAddresses"));
    assert_eq!(s, 200);
    assert!(v.get("names").is_none() && v.get("metadata").is_none());
    assert_eq!(v["emailAddresses"][0]["value"], "ada@example.com");
    assert!(v["etag"].is_string());
    assert_error(
        &api.get(&format!("/v1/{rn}")),
        400,
        "INVALID_ARGUMENT",
        "personFields mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.",
    );
    assert_error(
        &api.get(&format!("/v1/{rn}?personFields=names,etag")),
        400,
        "INVALID_ARGUMENT",
        "Invalid personFields mask path: \"etag\". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.",
    );
}

#[test]
fn unknown_fields_and_parameters_are_rejected_as_google_does() {
    let api = Api::new();
    assert_error(
        &api.call("POST", "/v1/people:createContact", Some(json!({"names": [{"givenName": "A", "nick": "x"}]}))),
        400,
        "INVALID_ARGUMENT",
        "Invalid JSON payload received. Unknown name \"nick\" at 'person.names[0]': Cannot find field.",
    );
    assert_error(
        &api.get("/v1/people/me/connections?personFields=names&pageSise=3"),
        400,
        "INVALID_ARGUMENT",
        "Invalid JSON payload received. Unknown name \"pageSise\": Cannot bind query parameter. Field 'pageSise' could not be found in request message.",
    );
    assert_error(
        &api.call(
            "POST",
            "/v1/people:batchCreateContacts",
            Some(json!({"contacts": [], "extra": 1})),
        ),
        400,
        "INVALID_ARGUMENT",
        "Invalid JSON payload received. Unknown name \"extra\": Cannot find field.",
    );
}

#[test]
fn singleton_fields_are_refused_when_repeated() {
    let api = Api::new();
    for field in ["names", "birthdays", "biographies", "genders"] {
        let item = match field {
            "names" => json!({"givenName": "A"}),
            "birthdays" => json!({"date": {"month": 1, "day": 2}}),
            "biographies" => json!({"value": "x"}),
            _ => json!({"value": "female"}),
        };
        let (s, v) = api.call(
            "POST",
            "/v1/people:createContact",
            Some(json!({ field: [item.clone(), item] })),
        );
        assert_eq!(s, 400, "{field}: {v}");
        assert_eq!(v["error"]["status"], "INVALID_ARGUMENT");
    }
}

#[test]
fn update_replaces_named_fields_wholesale_and_changes_the_etag() {
    let api = Api::new();
    let p = api.create(json!({"names": [{"givenName": "Ada"}],
        "emailAddresses": [{"value": "a@x.io"}, {"value": "b@x.io"}],
        "phoneNumbers": [{"value": "+1 415 555 0100"}]}));
    let rn = p["resourceName"].as_str().unwrap();
    let (s, u) = api.call(
        "PATCH",
        &format!("/v1/{rn}:updateContact?updatePersonFields=emailAddresses,names&personFields={ALL_FIELDS}"),
        Some(json!({"etag": p["etag"], "emailAddresses": [{"value": "c@x.io"}]})),
    );
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["emailAddresses"].as_array().unwrap().len(), 1);
    assert_eq!(u["emailAddresses"][0]["value"], "c@x.io");
    assert!(
        u.get("names").is_none(),
        "names was named and omitted, so it is cleared"
    );
    assert_eq!(
        u["phoneNumbers"][0]["value"], "+1 415 555 0100",
        "unnamed fields stay"
    );
    assert_ne!(u["etag"], p["etag"]);
    assert_ne!(
        u["metadata"]["sources"][0]["etag"],
        p["metadata"]["sources"][0]["etag"]
    );
}

#[test]
fn a_stale_etag_meets_googles_failed_precondition() {
    let api = Api::new();
    let p = api.ada();
    let rn = p["resourceName"].as_str().unwrap();
    let path = format!("/v1/{rn}:updateContact?updatePersonFields=names");
    let first = api.call(
        "PATCH",
        &path,
        Some(json!({"etag": p["etag"], "names": [{"givenName": "Augusta"}]})),
    );
    assert_eq!(first.0, 200);
    assert_error(
        &api.call("PATCH", &path, Some(json!({"etag": p["etag"], "names": [{"givenName": "Ada"}]}))),
        400,
        "FAILED_PRECONDITION",
        "Request person.etag is different than the current person.etag. Clear local cache and get the latest person.",
    );
    // The contact source's etag is accepted in place of the top-level one.
    let src = json!({"sources": [{"type": "CONTACT", "etag": first.1["metadata"]["sources"][0]["etag"]}]});
    let (s, v) = api.call(
        "PATCH",
        &path,
        Some(json!({"metadata": src, "names": [{"givenName": "A"}]})),
    );
    assert_eq!(s, 200, "{v}");
    assert_error(
        &api.call("PATCH", &path, Some(json!({"names": [{"givenName": "B"}]}))),
        400,
        "INVALID_ARGUMENT",
        "Request must set person.etag or person.metadata.sources.etag for the source that is being updated.",
    );
}

#[test]
fn update_requires_its_mask_and_at_least_one_membership() {
    let api = Api::new();
    let p = api.ada();
    let rn = p["resourceName"].as_str().unwrap();
    assert_error(
        &api.call("PATCH", &format!("/v1/{rn}:updateContact"), Some(json!({"etag": p["etag"]}))),
        400,
        "INVALID_ARGUMENT",
        "updatePersonFields mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/updateContact.",
    );
    let (s, v) = api.call(
        "PATCH",
        &format!("/v1/{rn}:updateContact?updatePersonFields=memberships"),
        Some(json!({"etag": p["etag"], "memberships": []})),
    );
    assert_eq!(
        (s, v["error"]["message"].as_str()),
        (
            400,
            Some("A contact must always have at least one contact group membership.")
        )
    );
}

#[test]
fn deleted_contacts_are_gone() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    let (s, v) = api.call("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    assert_eq!((s, v), (200, json!({})));
    assert_error(
        &api.get(&format!("/v1/{rn}?personFields=names")),
        404,
        "NOT_FOUND",
        "Requested entity was not found.",
    );
    assert_error(
        &api.call("DELETE", &format!("/v1/{rn}:deleteContact"), None),
        404,
        "NOT_FOUND",
        "Requested entity was not found.",
    );
}

#[test]
fn batch_get_reports_each_item_and_caps_at_200() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    let (s, v) = api.get(&format!(
        "/v1/people:batchGet?personFields=names&resourceNames={rn}&resourceNames=people/c1"
    ));
    assert_eq!(s, 200);
    assert_eq!(v["responses"][0]["person"]["names"][0]["givenName"], "Ada");
    assert_eq!(v["responses"][1]["status"]["code"], 5);
    assert_eq!(v["responses"][1]["requestedResourceName"], "people/c1");
    let many: String = (0..201)
        .map(|i| format!("&resourceNames=people/c{i}"))
        .collect();
    assert_eq!(
        api.get(&format!("/v1/people:batchGet?personFields=names{many}"))
            .0,
        400
    );
}

#[test]
fn a_post_with_a_get_method_override_is_a_get_with_its_parameters_in_the_body() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    // 200 names: a URL of about 5 KB, past what the plugin sends as a plain GET.
    let names: String = (0..199)
        .map(|i| format!("&resourceNames=people/c{}", 9_000_000 + i))
        .collect();
    let form = format!(
        "personFields=names&resourceNames={}{names}",
        rn.replace('/', "%2F")
    );
    let send = |req: Request| {
        let r = api.em.handle(req.bearer(&api.token));
        (r.status, r.json_body())
    };
    let (s, v) = send(
        Request::new("POST", "/v1/people:batchGet")
            .header("X-HTTP-Method-Override", "GET")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.clone()),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["responses"].as_array().map(Vec::len), Some(200));
    assert_eq!(v["responses"][0]["person"]["names"][0]["givenName"], "Ada");
    // Parameters may also stay in the URL.
    let (s, v) = send(
        Request::new(
            "POST",
            &format!("/v1/people:batchGet?personFields=names&resourceNames={rn}"),
        )
        .header("X-HTTP-Method-Override", "get"),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["responses"][0]["person"]["names"][0]["givenName"], "Ada");
    // Without the header, a POST to a GET method is not found, as at Google.
    let (s, _) = send(
        Request::new("POST", "/v1/people:batchGet")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form),
    );
    assert_eq!(s, 404);
}

#[test]
fn batch_writes_respect_their_limits() {
    let api = Api::new();
    let contacts: Vec<_> = (0..201)
        .map(|i| json!({"contactPerson": {"names": [{"givenName": format!("P{i}")}]}}))
        .collect();
    assert_eq!(
        api.call(
            "POST",
            "/v1/people:batchCreateContacts",
            Some(json!({"contacts": contacts, "readMask": "names"}))
        )
        .0,
        400
    );
    let (s, v) = api.call(
        "POST",
        "/v1/people:batchCreateContacts",
        Some(json!({"contacts": contacts[..200], "readMask": "names"})),
    );
    assert_eq!(s, 200);
    let created = v["createdPeople"].as_array().unwrap();
    assert_eq!(created.len(), 200);
    let names: Vec<String> = created
        .iter()
        .map(|c| c["person"]["resourceName"].as_str().unwrap().to_string())
        .collect();

    let mut upd = serde_json::Map::new();
    for c in created.iter().take(3) {
        upd.insert(
            c["person"]["resourceName"].as_str().unwrap().into(),
            json!({"etag": c["person"]["etag"], "names": [{"givenName": "Z"}]}),
        );
    }
    let (s, v) = api.call(
        "POST",
        "/v1/people:batchUpdateContacts",
        Some(json!({"contacts": upd, "updateMask": "names", "readMask": "names"})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["updateResult"][&names[0]]["person"]["names"][0]["givenName"],
        "Z"
    );
    // A second run with the same etags fails as a whole.
    let (s, v) = api.call(
        "POST",
        "/v1/people:batchUpdateContacts",
        Some(json!({"contacts": upd, "updateMask": "names"})),
    );
    assert_eq!(
        (s, v["error"]["status"].as_str()),
        (400, Some("FAILED_PRECONDITION"))
    );

    let too_many: Vec<String> = (0..501).map(|i| format!("people/c{i}")).collect();
    assert_eq!(
        api.call(
            "POST",
            "/v1/people:batchDeleteContacts",
            Some(json!({"resourceNames": too_many}))
        )
        .0,
        400
    );
    let (s, _) = api.call(
        "POST",
        "/v1/people:batchDeleteContacts",
        Some(json!({"resourceNames": names})),
    );
    assert_eq!(s, 200);
    let (_, v) = api.get("/v1/people/me/connections?personFields=names");
    assert!(v.get("connections").is_none(), "{v}");
}

#[test]
fn batch_create_without_a_read_mask_answers_empty() {
    let api = Api::new();
    let (s, v) = api.call(
        "POST",
        "/v1/people:batchCreateContacts",
        Some(json!({"contacts": [{"contactPerson": {"names": [{"givenName": "A"}]}}]})),
    );
    assert_eq!((s, v), (200, json!({})));
}

#[test]
fn people_me_is_the_accounts_profile() {
    let api = Api::new();
    let (s, v) = api.get("/v1/people/me?personFields=emailAddresses,names");
    assert_eq!(s, 200);
    assert_eq!(v["emailAddresses"][0]["value"], "ann@example.com");
    assert_eq!(
        v["emailAddresses"][0]["metadata"]["source"]["type"],
        "ACCOUNT"
    );
}

#[test]
fn listing_pages_by_page_size_and_checks_its_bounds() {
    let api = Api::new();
    api.em.seed(api.account, 25, 7);
    let (s, v) = api.get("/v1/people/me/connections?personFields=names&pageSize=10");
    assert_eq!(s, 200);
    assert_eq!(v["connections"].as_array().unwrap().len(), 10);
    assert_eq!(v["totalItems"], 25);
    let (all, sync) = api.list_all("personFields=names&pageSize=10");
    assert_eq!(all.len(), 25);
    assert!(sync.is_none(), "no sync token unless requested");
    assert_eq!(
        api.get("/v1/people/me/connections?personFields=names&pageSize=1001")
            .0,
        400
    );
    let (s, v) = api.get(
        "/v1/people/me/connections?personFields=names&sortOrder=FIRST_NAME_ASCENDING&pageSize=1000",
    );
    assert_eq!(s, 200);
    let firsts: Vec<String> = v["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["names"][0]["givenName"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = firsts.clone();
    sorted.sort();
    assert_eq!(firsts, sorted);
}

#[test]
fn a_page_token_only_serves_the_parameters_that_made_it() {
    let api = Api::new();
    api.em.seed(api.account, 5, 1);
    let (_, v) = api.get("/v1/people/me/connections?personFields=names&pageSize=2");
    let t = v["nextPageToken"].as_str().unwrap();
    assert_error(
        &api.get(&format!("/v1/people/me/connections?personFields=emailAddresses&pageSize=2&pageToken={t}")),
        400,
        "INVALID_ARGUMENT",
        "Parameters provided to people.connections.list must match the call that provided the page token.",
    );
}

#[test]
fn seeded_contacts_are_realistic_and_deterministic() {
    let a = Api::new();
    let b = Api::new();
    a.em.seed(a.account, 50, 9);
    b.em.seed(b.account, 50, 9);
    let (la, _) = a.list_all(&format!("personFields={ALL_FIELDS}&pageSize=1000"));
    let (lb, _) = b.list_all(&format!("personFields={ALL_FIELDS}&pageSize=1000"));
    assert_eq!(la, lb);
    assert!(la
        .iter()
        .any(|p| !p["names"][0]["displayName"].as_str().unwrap().is_ascii()));
    assert!(la.iter().all(|p| p["phoneNumbers"][0]["canonicalForm"]
        .as_str()
        .is_some_and(|c| c.starts_with('+'))));
    assert!(la
        .iter()
        .any(|p| p["birthdays"][0]["date"].get("year").is_none() && p.get("birthdays").is_some()));
    assert!(la.iter().any(|p| p.get("addresses").is_some()));
}

#[test]
fn batch_writes_hold_one_to_their_limit_of_items() {
    let api = Api::new();
    let contacts = |n: usize| {
        let one = json!({"contactPerson": {"names": [{"givenName": "Ada"}]}});
        json!({"contacts": vec![one; n], "readMask": "names"})
    };
    let names = |n: usize| json!({"resourceNames": vec!["people/c1"; n]});
    let cases = [
        (
            "batchCreateContacts",
            contacts(0),
            "contacts must not be empty.",
        ),
        (
            "batchCreateContacts",
            contacts(201),
            "Too many contacts in the batch request: at most 200 are allowed.",
        ),
        (
            "batchUpdateContacts",
            json!({"contacts": {}, "updateMask": "names"}),
            "contacts must not be empty.",
        ),
        (
            "batchDeleteContacts",
            names(0),
            "resourceNames must not be empty.",
        ),
        (
            "batchDeleteContacts",
            names(501),
            "Too many resourceNames in the batch request: at most 500 are allowed.",
        ),
    ];
    for (method, body, message) in cases {
        let got = api.call("POST", &format!("/v1/people:{method}"), Some(body));
        assert_error(&got, 400, "INVALID_ARGUMENT", message);
    }
    let (s, v) = api.call(
        "POST",
        "/v1/people:batchCreateContacts",
        Some(contacts(200)),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["createdPeople"].as_array().map(Vec::len), Some(200));
    assert_eq!(v["createdPeople"][0]["httpStatusCode"], 200);
    assert_eq!(
        v["createdPeople"][0]["person"]["names"][0]["givenName"],
        "Ada"
    );
}
