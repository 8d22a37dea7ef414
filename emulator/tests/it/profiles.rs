//! Contacts linked to Google profiles: reads merge the profile in unless `sources` asks for the
//! contact alone, and writes never take a profile's items.

use crate::support::{assert_error, Api, ALL_FIELDS};
use people_emulator::Request;
use serde_json::{json, Value};

const CONTACT: &str = "sources=READ_SOURCE_TYPE_CONTACT";
const BOTH: &str = "sources=READ_SOURCE_TYPE_CONTACT&sources=READ_SOURCE_TYPE_PROFILE";

/// Ada's contact, linked to a profile with another name, another email and a photo.
fn ada_with_profile(api: &Api) -> String {
    let names = api
        .em
        .seed_json(
            api.account,
            &[json!({
                "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
                "emailAddresses": [{"value": "ada@example.com", "type": "work"}],
                "phoneNumbers": [{"value": "+44 20 7946 0000"}],
                "profile": {
                    "names": [{"givenName": "Augusta", "familyName": "King"}],
                    "emailAddresses": [{"value": "augusta@gmail.example"}],
                    "photos": [{"url": "https://lh3.googleusercontent.com/a/ada"}]
                }
            })],
        )
        .expect("seed");
    names[0].clone()
}

/// Each item of `field` as "source type: value".
fn items(p: &Value, field: &str, key: &str) -> Vec<String> {
    p[field]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let source = i["metadata"]["source"]["type"].as_str().unwrap_or("?");
            format!("{source}: {}", i[key].as_str().unwrap_or(""))
        })
        .collect()
}

fn source_types(p: &Value) -> Vec<String> {
    p["metadata"]["sources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["type"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// The person as a read with the default `sources` shows it: contact and profile merged.
fn assert_merged(p: &Value) {
    assert_eq!(
        items(p, "names", "givenName"),
        ["CONTACT: Ada", "PROFILE: Augusta"]
    );
    assert_eq!(
        items(p, "emailAddresses", "value"),
        ["CONTACT: ada@example.com", "PROFILE: augusta@gmail.example"]
    );
    // The contact has no photo of its own: it shows Google's generated one, then the profile's.
    let photos = items(p, "photos", "url");
    assert_eq!(photos.len(), 2, "{photos:?}");
    assert_eq!(p["photos"][0]["default"], true);
    assert_eq!(
        photos[1],
        "PROFILE: https://lh3.googleusercontent.com/a/ada"
    );
    assert_eq!(source_types(p), ["CONTACT", "PROFILE"]);
    let profile = &p["metadata"]["sources"][1];
    assert_eq!(profile["id"].as_str().map(str::len), Some(21), "{profile}");
    assert_eq!(
        profile["profileMetadata"],
        json!({"objectType": "PERSON", "userTypes": ["GOOGLE_USER"]})
    );
    assert_eq!(p["metadata"]["objectType"], "PERSON");
    assert_eq!(
        p["names"][1]["metadata"]["source"]["id"], profile["id"],
        "the items name the profile source"
    );
}

/// The person as `sources=READ_SOURCE_TYPE_CONTACT` shows it: the contact alone.
fn assert_contact_only(p: &Value) {
    assert_eq!(items(p, "names", "givenName"), ["CONTACT: Ada"]);
    assert_eq!(
        items(p, "emailAddresses", "value"),
        ["CONTACT: ada@example.com"]
    );
    assert_eq!(p["photos"].as_array().map(Vec::len), Some(1), "{p}");
    assert_eq!(p["photos"][0]["default"], true, "{p}");
    assert_eq!(source_types(p), ["CONTACT"]);
}

const FIELDS: &str = "names,emailAddresses,photos,metadata";

#[test]
fn a_read_without_sources_merges_the_profile_into_the_contact() {
    let api = Api::new();
    let rn = ada_with_profile(&api);
    let (s, p) = api.get(&format!("/v1/{rn}?personFields={FIELDS}"));
    assert_eq!(s, 200, "{p}");
    assert_merged(&p);
    let (_, both) = api.get(&format!("/v1/{rn}?personFields={FIELDS}&{BOTH}"));
    assert_eq!(both, p, "both sources read as the default");

    let (all, _) = api.list_all(&format!("personFields={FIELDS}"));
    assert_merged(&all[0]);
    let (_, batch) = api.get(&format!(
        "/v1/people:batchGet?resourceNames={rn}&personFields={FIELDS}"
    ));
    assert_merged(&batch["responses"][0]["person"]);
    let (_, sorted) = api.get(&format!(
        "/v1/people/me/connections?personFields={FIELDS}&sortOrder=FIRST_NAME_ASCENDING"
    ));
    assert_merged(&sorted["connections"][0]);
}

#[test]
fn a_read_of_the_contact_source_alone_leaves_the_profile_out() {
    let api = Api::new();
    let rn = ada_with_profile(&api);
    let (_, p) = api.get(&format!("/v1/{rn}?personFields={FIELDS}&{CONTACT}"));
    assert_contact_only(&p);
    let (all, _) = api.list_all(&format!("personFields={FIELDS}&{CONTACT}"));
    assert_contact_only(&all[0]);
    let (_, batch) = api.get(&format!(
        "/v1/people:batchGet?resourceNames={rn}&personFields={FIELDS}&{CONTACT}"
    ));
    assert_contact_only(&batch["responses"][0]["person"]);
}

#[test]
fn a_contact_without_a_profile_reads_the_same_whatever_the_sources() {
    let api = Api::new();
    let ada = api.ada();
    let rn = ada["resourceName"].as_str().unwrap();
    let (_, merged) = api.get(&format!("/v1/{rn}?personFields={ALL_FIELDS}"));
    let (_, alone) = api.get(&format!("/v1/{rn}?personFields={ALL_FIELDS}&{CONTACT}"));
    assert_eq!(merged, alone);
    assert_eq!(merged, ada);
}

#[test]
fn the_answers_of_single_and_batch_updates_follow_their_sources() {
    let api = Api::new();
    let rn = ada_with_profile(&api);
    let etag = |api: &Api| api.get(&format!("/v1/{rn}?personFields=names")).1["etag"].clone();
    let path = |q: &str| {
        format!("/v1/{rn}:updateContact?updatePersonFields=phoneNumbers&personFields={FIELDS}{q}")
    };
    let edit = |e: Value| json!({"etag": e, "phoneNumbers": [{"value": "+44 20 7946 0001"}]});
    let (s, merged) = api.call("PATCH", &path(""), Some(edit(etag(&api))));
    assert_eq!(s, 200, "{merged}");
    assert_merged(&merged);
    let (_, alone) = api.call(
        "PATCH",
        &path(&format!("&{CONTACT}")),
        Some(edit(etag(&api))),
    );
    assert_contact_only(&alone);

    let batch = |sources: Option<Value>, e: Value| {
        let mut body = json!({"contacts": {rn.clone(): edit(e)}, "updateMask": "phoneNumbers",
            "readMask": FIELDS});
        if let Some(s) = sources {
            body["sources"] = s;
        }
        let (s, v) = api.call("POST", "/v1/people:batchUpdateContacts", Some(body));
        assert_eq!(s, 200, "{v}");
        v["updateResult"][&rn]["person"].clone()
    };
    assert_merged(&batch(None, etag(&api)));
    assert_contact_only(&batch(
        Some(json!(["READ_SOURCE_TYPE_CONTACT"])),
        etag(&api),
    ));
}

#[test]
fn the_profile_source_without_the_contact_source_is_refused_on_every_read_and_write() {
    let api = Api::new();
    let rn = ada_with_profile(&api);
    let message = "Specifying READ_SOURCE_TYPE_PROFILE without specifying READ_SOURCE_TYPE_CONTACT is not permitted.";
    for path in [
        format!("/v1/{rn}?personFields=names&sources=READ_SOURCE_TYPE_PROFILE"),
        "/v1/people/me/connections?personFields=names&sources=READ_SOURCE_TYPE_PROFILE".into(),
        format!("/v1/people:batchGet?resourceNames={rn}&personFields=names&sources=READ_SOURCE_TYPE_PROFILE"),
    ] {
        assert_error(&api.get(&path), 400, "INVALID_ARGUMENT", message);
    }
    let create = api.call(
        "POST",
        "/v1/people:createContact?sources=READ_SOURCE_TYPE_PROFILE",
        Some(json!({"names": [{"givenName": "Bo"}]})),
    );
    assert_error(&create, 400, "INVALID_ARGUMENT", message);
    let batch = api.call(
        "POST",
        "/v1/people:batchCreateContacts",
        Some(
            json!({"contacts": [{"contactPerson": {"names": [{"givenName": "Bo"}]}}],
            "readMask": "names", "sources": ["READ_SOURCE_TYPE_PROFILE"]}),
        ),
    );
    assert_error(&batch, 400, "INVALID_ARGUMENT", message);
    assert_eq!(
        api.list_all("personFields=names").0.len(),
        1,
        "nothing created"
    );
    assert_error(
        &api.get("/v1/people/me/connections?personFields=names&sources=PROFILE"),
        400,
        "INVALID_ARGUMENT",
        "Invalid value at 'sources[0]' (TYPE_ENUM), \"PROFILE\"",
    );
}

#[test]
fn writing_back_a_profiles_items_is_refused_and_changes_nothing() {
    let api = Api::new();
    let rn = ada_with_profile(&api);
    let (_, merged) = api.get(&format!("/v1/{rn}?personFields={FIELDS}"));
    let message = "Invalid person. The value at \"emailAddresses[1]\" comes from a PROFILE source; only values of the contact source can be written.";
    let update = |mask: &str| {
        api.call(
            "PATCH",
            &format!("/v1/{rn}:updateContact?updatePersonFields={mask}"),
            Some(merged.clone()),
        )
    };
    assert_error(&update("emailAddresses"), 400, "INVALID_ARGUMENT", message);
    // The two names of a merged read: one from each source.
    let names = update("names");
    assert_eq!(names.0, 400, "{}", names.1);
    assert_eq!(names.1["error"]["status"], "INVALID_ARGUMENT");
    let batch = api.call(
        "POST",
        "/v1/people:batchUpdateContacts",
        Some(json!({"contacts": {rn.clone(): merged}, "updateMask": "emailAddresses"})),
    );
    assert_error(&batch, 400, "INVALID_ARGUMENT", message);
    let create = api.call(
        "POST",
        "/v1/people:createContact",
        Some(json!({"emailAddresses": [{"value": "x@y.io",
            "metadata": {"source": {"type": "PROFILE", "id": "1"}}}]})),
    );
    assert_eq!(create.0, 400, "{}", create.1);
    let (_, now) = api.get(&format!("/v1/{rn}?personFields={FIELDS}"));
    assert_eq!(now, merged, "the contact is as it was, etag included");
}

#[test]
fn fields_outside_the_update_mask_may_carry_profile_items() {
    let api = Api::new();
    let rn = ada_with_profile(&api);
    let (_, mut merged) = api.get(&format!("/v1/{rn}?personFields={FIELDS}"));
    merged["names"] = json!([{"givenName": "Ada", "familyName": "Byron"}]);
    let (s, v) = api.call(
        "PATCH",
        &format!("/v1/{rn}:updateContact?updatePersonFields=names&personFields={FIELDS}&{CONTACT}"),
        Some(merged),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(items(&v, "names", "familyName"), ["CONTACT: Byron"]);
    assert_eq!(
        items(&v, "emailAddresses", "value"),
        ["CONTACT: ada@example.com"],
        "the profile's email stayed the profile's"
    );
}

#[test]
fn page_and_sync_tokens_are_bound_to_the_sources_they_were_issued_for() {
    let api = Api::new();
    ada_with_profile(&api);
    api.em.seed(api.account, 3, 5);
    let q = format!("personFields={FIELDS}&pageSize=2&requestSyncToken=true");
    let (_, first) = api.get(&format!("/v1/people/me/connections?{q}&{CONTACT}"));
    let page = first["nextPageToken"].as_str().unwrap().to_string();
    let mismatch = "Parameters provided to people.connections.list must match the call that provided the page token.";
    assert_error(
        &api.get(&format!("/v1/people/me/connections?{q}&pageToken={page}")),
        400,
        "INVALID_ARGUMENT",
        mismatch,
    );
    let (_, sync) = api.list_all(&format!("{q}&{CONTACT}"));
    let sync = sync.unwrap();
    assert_error(
        &api.get(&format!("/v1/people/me/connections?{q}&syncToken={sync}")),
        400,
        "INVALID_ARGUMENT",
        "Parameters provided to people.connections.list must match the call that provided the sync token.",
    );
    let (nothing, _) = api.list_all(&format!("{q}&{CONTACT}&syncToken={sync}"));
    assert!(nothing.is_empty(), "{nothing:?}");
}

#[test]
fn a_profile_linked_later_changes_the_contact_and_reaches_incremental_listings() {
    let api = Api::new();
    let ada = api.ada();
    let rn = ada["resourceName"].as_str().unwrap().to_string();
    let q = format!("personFields={FIELDS}&requestSyncToken=true");
    let (_, sync) = api.list_all(&q);
    api.em
        .set_profile(
            api.account,
            &rn,
            json!({"names": [{"givenName": "Augusta", "familyName": "King"}],
                "emailAddresses": [{"value": "augusta@gmail.example"}],
                "photos": [{"url": "https://lh3.googleusercontent.com/a/ada"}]}),
        )
        .expect("a profile for a contact");
    let (changes, _) = api.list_all(&format!("{q}&syncToken={}", sync.unwrap()));
    assert_eq!(changes.len(), 1);
    assert_merged(&changes[0]);
    assert_ne!(changes[0]["etag"], ada["etag"], "a new etag");

    assert!(api.em.set_profile(api.account, &rn, Value::Null).is_ok());
    let (_, p) = api.get(&format!("/v1/{rn}?personFields={FIELDS}"));
    assert_eq!(source_types(&p), ["CONTACT"], "unlinked");
    let unknown = api
        .em
        .set_profile(api.account, "people/c1", json!({"names": []}));
    assert_eq!(unknown.map_err(|e| e.code), Err(404));
    let bad = api
        .em
        .set_profile(api.account, &rn, json!({"phoneNumbers": [{"value": "1"}]}));
    assert_eq!(
        bad.map_err(|e| e.message),
        Err("A profile holds only names, emailAddresses and photos, not \"phoneNumbers\".".into())
    );
}

#[test]
fn the_admin_api_seeds_sets_and_dumps_profiles() {
    let api = Api::new();
    let admin = |path: &str, body: Value| {
        let r = api.em.handle(Request::json("POST", path, &body));
        (r.status, r.json_body())
    };
    let (s, seeded) = admin(
        "/__admin/seed",
        json!({"email": "ann@example.com", "contacts": [
            {"names": [{"givenName": "Bo"}], "profile": {"emailAddresses": [{"value": "bo@gmail.example"}]}},
            {"names": [{"givenName": "Cy"}]}
        ]}),
    );
    assert_eq!(s, 200, "{seeded}");
    let cy = seeded["resourceNames"][1].as_str().unwrap().to_string();
    let (s, v) = admin(
        "/__admin/profile",
        json!({"email": "ann@example.com", "resourceName": cy,
            "profile": {"names": [{"givenName": "Cyrus"}]}}),
    );
    assert_eq!(s, 200, "{v}");
    let dump = api.em.dump(api.account);
    let profiles: Vec<String> = dump["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let p = &c["profile"];
            format!(
                "{}: {:?} {:?}",
                c["names"][0]["givenName"].as_str().unwrap_or(""),
                items(p, "names", "givenName"),
                items(p, "emailAddresses", "value")
            )
        })
        .collect();
    assert_eq!(
        profiles,
        [
            r#"Bo: [] ["PROFILE: bo@gmail.example"]"#,
            r#"Cy: ["PROFILE: Cyrus"] []"#
        ]
    );
    assert!(
        dump["contacts"][0]["emailAddresses"].is_null(),
        "contact data only"
    );

    let (s, v) = admin(
        "/__admin/seed",
        json!({"email": "ann@example.com", "contacts": [
            {"names": [{"givenName": "Di"}], "profile": {"birthdays": []}}
        ]}),
    );
    assert_eq!(s, 400, "{v}");
    assert_eq!(
        api.em.dump(api.account)["contacts"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn a_contact_renamed_or_merged_by_google_keeps_its_profile() {
    let api = Api::new();
    let ada = ada_with_profile(&api);
    let renamed = api
        .em
        .rename_contact(api.account, &ada, people_emulator::NameForm::Profile)
        .expect("rename");
    let (status, p) = api.get(&format!("/v1/{renamed}?personFields=names,emailAddresses"));
    assert_eq!(status, 200);
    assert_eq!(
        items(&p, "emailAddresses", "value"),
        ["CONTACT: ada@example.com", "PROFILE: augusta@gmail.example"]
    );

    let bo = api
        .em
        .seed_json(api.account, &[json!({"names": [{"givenName": "Bo"}]})])
        .expect("seed")
        .remove(0);
    let survivor = api
        .em
        .merge_contacts(api.account, &bo, &renamed)
        .expect("merge");
    let (_, p) = api.get(&format!("/v1/{survivor}?personFields=emailAddresses"));
    assert_eq!(
        items(&p, "emailAddresses", "value"),
        ["CONTACT: ada@example.com", "PROFILE: augusta@gmail.example"],
        "the survivor took the merged contact's profile"
    );
}
