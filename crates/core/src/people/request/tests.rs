use super::*;
use crate::people::wire::{EmailAddress, Name, Other};

fn check(request: Result<HttpRequest, RequestError>, expected: &str) {
    let actual = match request {
        Ok(r) => r.to_string(),
        Err(e) => format!("error: {e}"),
    };
    assert_eq!(actual, expected);
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn person(json: &str) -> Person {
    serde_json::from_str(json).expect("test fixture is valid JSON")
}

#[test]
fn a_full_listing_asks_for_every_mapped_field_and_a_sync_token() {
    check(
        Ok(PeopleApi::default().list_connections(&ListConnections::default())),
        "GET https://people.googleapis.com/v1/people/me/connections?personFields=names,emailAddresses,\
phoneNumbers,addresses,birthdays,organizations,biographies,userDefined,memberships,clientData,metadata,photos\
&pageSize=1000&sources=READ_SOURCE_TYPE_CONTACT&requestSyncToken=true",
    );
}

#[test]
fn page_and_sync_tokens_are_percent_encoded() {
    let q = ListConnections {
        person_fields: "names".into(),
        page_size: 5000,
        page_token: Some("a+b/c=".into()),
        request_sync_token: true,
        sync_token: Some("EL2x&y z".into()),
    };
    check(
        Ok(PeopleApi::new("http://localhost:8787/").list_connections(&q)),
        "GET http://localhost:8787/v1/people/me/connections?personFields=names&pageSize=1000\
&sources=READ_SOURCE_TYPE_CONTACT&pageToken=a%2Bb%2Fc%3D&requestSyncToken=true&syncToken=EL2x%26y%20z",
    );
}

#[test]
fn reads_of_one_or_many_people_name_them_in_the_url() {
    let api = PeopleApi::default();
    check(
        Ok(api.get_person("people/c1", "names")),
        "GET https://people.googleapis.com/v1/people/c1?personFields=names&sources=READ_SOURCE_TYPE_CONTACT",
    );
    check(
        api.batch_get(&names("people/c", 2), "names,metadata"),
        "GET https://people.googleapis.com/v1/people:batchGet?resourceNames=people%2Fc0\
&resourceNames=people%2Fc1&personFields=names,metadata&sources=READ_SOURCE_TYPE_CONTACT",
    );
    check(
        api.batch_get(&names("people/c", 201), "names"),
        "error: people:batchGet takes at most 200 items, got 201",
    );
    check(
        api.batch_get(&[], "names"),
        "error: people:batchGet needs at least one item",
    );
}

#[test]
fn a_batch_get_whose_url_is_over_8_kb_goes_as_a_post_overridden_to_get() {
    let api = PeopleApi::default();
    // Google's resource names are about 25 characters: 200 of them make a URL of about 9 KB.
    let long = names("people/c85712345678901234", MAX_BATCH_GET);
    let req = api.batch_get(&long, "names").expect("200 names");
    assert!(req.url.len() > MAX_GET_URL, "{}", req.url.len());
    let (url, query) = req.url.split_once('?').expect("a query");
    assert_eq!(
        req.wire(),
        Wire {
            method: "POST",
            url,
            body: Some(query),
            headers: vec![
                ("X-HTTP-Method-Override", "GET"),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
        }
    );
    // The request is still the GET it is (how it is counted and shown).
    assert_eq!(req.method, Method::Get);
    // A short one stays a GET, as does every other request.
    let short = api
        .batch_get(&names("people/c", 2), "names")
        .expect("2 names");
    assert_eq!(short.wire().method, "GET");
    assert_eq!(short.wire().url, short.url);
    assert_eq!(short.wire().body, None);
    let create = api
        .create_contact(&person(r#"{"names":[{"givenName":"Ann"}]}"#), "names")
        .expect("a create");
    assert_eq!(create.wire().method, "POST");
    assert_eq!(create.wire().body, create.body.as_deref());
}

#[test]
fn an_update_sends_only_the_masked_fields_with_the_etag() {
    let p = person(
        r##"{"resourceName":"people/c1","etag":"%Eg","metadata":{"sources":[{"type":"CONTACT","id":"1","etag":"#A"}]},
            "names":[{"givenName":"Ada"}],"emailAddresses":[{"value":"a@x.io"}],
            "photos":[{"url":"https://x/p.jpg"}],"userDefined":[{"key":"Tier","value":"Gold"}]}"##,
    );
    check(
        PeopleApi::default().update_contact(&p, &["names", "phoneNumbers"], PERSON_FIELDS),
        "PATCH https://people.googleapis.com/v1/people/c1:updateContact?updatePersonFields=names,phoneNumbers\
&personFields=names,emailAddresses,phoneNumbers,addresses,birthdays,organizations,biographies,userDefined,memberships,clientData,metadata,photos\
&sources=READ_SOURCE_TYPE_CONTACT\n\
{\"etag\":\"%Eg\",\"metadata\":{\"sources\":[{\"etag\":\"#A\",\"id\":\"1\",\"type\":\"CONTACT\"}]},\
\"names\":[{\"givenName\":\"Ada\"}],\"phoneNumbers\":[],\"resourceName\":\"people/c1\"}",
    );
    check(
        PeopleApi::default().update_contact(&Person::default(), &["names"], "names"),
        "error: the person has no resourceName",
    );
    check(
        PeopleApi::default().update_contact(&p, &[], "names"),
        "error: people.updateContact needs at least one item",
    );
}

#[test]
fn creates_and_deletes_have_their_own_endpoints() {
    let api = PeopleApi::default();
    let p = Person {
        names: vec![Name {
            given_name: Some("Ada".into()),
            ..Name::default()
        }],
        ..Person::default()
    };
    check(
        api.create_contact(&p, "metadata,clientData"),
        "POST https://people.googleapis.com/v1/people:createContact?personFields=metadata,clientData\
&sources=READ_SOURCE_TYPE_CONTACT\n\
{\"names\":[{\"givenName\":\"Ada\"}]}",
    );
    check(
        Ok(api.delete_contact("people/c1")),
        "DELETE https://people.googleapis.com/v1/people/c1:deleteContact",
    );
}

#[test]
fn batch_writes_respect_their_limits() {
    let api = PeopleApi::default();
    let p = Person {
        resource_name: Some("people/c9".into()),
        etag: Some("e".into()),
        email_addresses: vec![EmailAddress {
            value: Some("a@x.io".into()),
            other: Other::new(),
            ..EmailAddress::default()
        }],
        ..Person::default()
    };
    check(
        api.batch_create_contacts(std::slice::from_ref(&p), "metadata"),
        "POST https://people.googleapis.com/v1/people:batchCreateContacts\n\
{\"contacts\":[{\"contactPerson\":{\"emailAddresses\":[{\"value\":\"a@x.io\"}],\"etag\":\"e\",\"resourceName\":\"people/c9\"}}],\"readMask\":\"metadata\",\
\"sources\":[\"READ_SOURCE_TYPE_CONTACT\"]}",
    );
    check(
        api.batch_update_contacts(std::slice::from_ref(&p), &["emailAddresses", "names"], "metadata"),
        "POST https://people.googleapis.com/v1/people:batchUpdateContacts\n\
{\"contacts\":{\"people/c9\":{\"emailAddresses\":[{\"value\":\"a@x.io\"}],\"etag\":\"e\",\"names\":[],\"resourceName\":\"people/c9\"}},\
\"readMask\":\"metadata\",\"sources\":[\"READ_SOURCE_TYPE_CONTACT\"],\"updateMask\":\"emailAddresses,names\"}",
    );
    check(
        api.batch_create_contacts(&vec![p.clone(); 201], "metadata"),
        "error: people:batchCreateContacts takes at most 200 items, got 201",
    );
    check(
        api.batch_update_contacts(&vec![p; 201], &["names"], "metadata"),
        "error: people:batchUpdateContacts takes at most 200 items, got 201",
    );
    check(
        api.batch_delete_contacts(&names("people/c", 2)),
        "POST https://people.googleapis.com/v1/people:batchDeleteContacts\n\
{\"resourceNames\":[\"people/c0\",\"people/c1\"]}",
    );
    check(
        api.batch_delete_contacts(&names("people/c", 501)),
        "error: people:batchDeleteContacts takes at most 500 items, got 501",
    );
}

#[test]
fn contact_groups_are_listed_created_and_modified() {
    let api = PeopleApi::default();
    check(
        Ok(api.list_contact_groups(Some("next"))),
        "GET https://people.googleapis.com/v1/contactGroups?groupFields=name,groupType,memberCount,metadata,clientData\
&pageSize=1000&pageToken=next",
    );
    check(
        Ok(api.get_contact_group("contactGroups/abc", 0)),
        "GET https://people.googleapis.com/v1/contactGroups/abc?groupFields=name,groupType,memberCount,metadata,clientData&maxMembers=0",
    );
    check(
        api.create_contact_group("CRM"),
        "POST https://people.googleapis.com/v1/contactGroups\n\
{\"contactGroup\":{\"name\":\"CRM\"},\"readGroupFields\":\"name,groupType,metadata,clientData\"}",
    );
    let change = ModifyContactGroupMembersRequest {
        resource_names_to_add: vec!["people/c1".into()],
        resource_names_to_remove: vec!["people/c2".into()],
    };
    check(
        api.modify_group_members("contactGroups/abc", &change),
        "POST https://people.googleapis.com/v1/contactGroups/abc/members:modify\n\
{\"resourceNamesToAdd\":[\"people/c1\"],\"resourceNamesToRemove\":[\"people/c2\"]}",
    );
    let too_many = ModifyContactGroupMembersRequest {
        resource_names_to_add: names("people/a", 600),
        resource_names_to_remove: names("people/r", 401),
    };
    check(
        api.modify_group_members("contactGroups/abc", &too_many),
        "error: contactGroups.members:modify takes at most 1000 items, got 1001",
    );
}

#[test]
fn work_is_split_into_requests_google_accepts() {
    let sizes = |v: Vec<usize>| format!("{v:?}");
    let items = names("people/c", 450);
    assert_eq!(
        sizes(chunks(&items, MAX_BATCH_CREATE).map(<[_]>::len).collect()),
        "[200, 200, 50]"
    );
    assert_eq!(
        sizes(chunks(&items, 0).take(2).map(<[_]>::len).collect()),
        "[1, 1]"
    );
    let split = member_chunks(&names("people/a", 1500), &names("people/r", 700));
    assert_eq!(
        sizes(
            split
                .iter()
                .flat_map(|c| [
                    c.resource_names_to_add.len(),
                    c.resource_names_to_remove.len()
                ])
                .collect()
        ),
        "[1000, 0, 500, 500, 0, 200]"
    );
    assert!(member_chunks(&[], &[]).is_empty());
}

#[test]
fn a_written_person_keeps_only_the_contact_sources_etag_of_its_metadata() {
    let p = person(
        r##"{"resourceName":"people/c1","etag":"%Eg",
            "metadata":{"objectType":"PERSON","previousResourceNames":["people/c0"],
              "sources":[{"type":"CONTACT","id":"1","etag":"#A","updateTime":"2024-01-01T00:00:00Z"},
                         {"type":"PROFILE","id":"9","etag":"#P"}]},
            "names":[{"givenName":"Ada","displayName":"Ada","displayNameLastFirst":"Ada",
              "metadata":{"primary":true,"source":{"type":"CONTACT","id":"1","updateTime":"x"}}}],
            "phoneNumbers":[{"value":"+1 415 555 0123","canonicalForm":"+14155550123","type":"work","formattedType":"Work"}],
            "photos":[{"url":"https://x/p.jpg"}]}"##,
    );
    check(
        PeopleApi::default().update_contact(&p, &["names", "phoneNumbers"], "names"),
        "PATCH https://people.googleapis.com/v1/people/c1:updateContact?updatePersonFields=names,phoneNumbers&personFields=names\
&sources=READ_SOURCE_TYPE_CONTACT\n\
{\"etag\":\"%Eg\",\"metadata\":{\"sources\":[{\"etag\":\"#A\",\"id\":\"1\",\"type\":\"CONTACT\"}]},\
\"names\":[{\"givenName\":\"Ada\",\"metadata\":{\"source\":{\"id\":\"1\",\"type\":\"CONTACT\"}}}],\
\"phoneNumbers\":[{\"type\":\"work\",\"value\":\"+1 415 555 0123\"}],\"resourceName\":\"people/c1\"}",
    );
    check(
        PeopleApi::default().create_contact(&p, "names"),
        "POST https://people.googleapis.com/v1/people:createContact?personFields=names\
&sources=READ_SOURCE_TYPE_CONTACT\n\
{\"etag\":\"%Eg\",\"names\":[{\"givenName\":\"Ada\",\"metadata\":{\"source\":{\"id\":\"1\",\"type\":\"CONTACT\"}}}],\
\"phoneNumbers\":[{\"type\":\"work\",\"value\":\"+1 415 555 0123\"}],\"resourceName\":\"people/c1\"}",
    );
}

/// Every request form the plugin builds, checked against Google's discovery document (the copy
/// the emulator embeds): its method, its query parameters and mask paths, and its body's fields.
#[cfg(not(target_arch = "wasm32"))]
mod discovery {
    use super::*;
    use people_emulator::discovery::{doc, Method, Schema};

    /// A value of `schema` with every property set, output-only ones included, as a read of a
    /// full contact would bring (a source's type is CONTACT, so the contact's etag is kept).
    fn sample(schema: &str, depth: usize) -> Value {
        let mut out = serde_json::Map::new();
        if let Some(s) = doc().schema(schema).filter(|_| depth < 6) {
            for (k, p) in &s.properties {
                out.insert(k.clone(), sample_of(p, depth + 1));
            }
        }
        Value::Object(out)
    }

    fn sample_of(p: &Schema, depth: usize) -> Value {
        if let Some(r) = &p.reference {
            return sample(r, depth);
        }
        if let Some(e) = p.enum_values.iter().find(|e| *e == "CONTACT") {
            return Value::String(e.clone());
        }
        match p.kind.as_deref() {
            Some("array") => Value::Array(vec![sample_of(
                p.items.as_deref().unwrap_or(&Schema::default()),
                depth,
            )]),
            Some("integer") => Value::from(1),
            Some("boolean") => Value::Bool(true),
            _ => Value::String(p.enum_values.last().cloned().unwrap_or("x".into())),
        }
    }

    fn full_person() -> Person {
        let mut v = sample("Person", 0);
        v["resourceName"] = Value::String("people/c1".into());
        serde_json::from_str(&v.to_string()).expect("a sample person reads")
    }

    fn method_of(req: &HttpRequest) -> &'static Method {
        let path = req.url.split('?').next().unwrap_or("");
        let path = path
            .trim_start_matches(DEFAULT_BASE_URL)
            .trim_start_matches('/');
        let path = path.replace("%2F", "/");
        doc()
            .methods
            .iter()
            .find(|m| m.http_method == req.method.as_str() && m.match_path(&path).is_some())
            .unwrap_or_else(|| panic!("no method of the document for {req}"))
    }

    /// What `req` sends that the document does not allow, as readable lines.
    fn problems(req: &HttpRequest) -> Vec<String> {
        let m = method_of(req);
        let mut out = Vec::new();
        let query = req.url.split_once('?').map_or("", |(_, q)| q);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match m
                .parameters
                .get(k)
                .filter(|p| p.location.as_deref() == Some("query"))
            {
                None => out.push(format!("{}: unknown parameter {k}", m.id)),
                Some(p) => mask(&m.id, k, v, p, &mut out),
            }
        }
        if let (Some(body), Some(schema)) = (&req.body, m.request_schema()) {
            let v: Value = serde_json::from_str(body).expect("a JSON body");
            walk(&m.id, &v, schema, "", &mut out);
        }
        out
    }

    fn mask(id: &str, name: &str, value: &str, p: &Schema, out: &mut Vec<String>) {
        if let Some(valid) = p.mask_paths() {
            for path in value.split(',').filter(|p| !valid.contains(p)) {
                out.push(format!("{id}: {name} path {path} is not valid"));
            }
        }
    }

    fn walk(id: &str, v: &Value, schema: &str, at: &str, out: &mut Vec<String>) {
        let (Some(s), Some(obj)) = (doc().schema(schema), v.as_object()) else {
            return;
        };
        for (k, item) in obj {
            let here = format!("{at}.{k}");
            let Some(p) = s.properties.get(k) else {
                out.push(format!("{id}: unknown field {here}"));
                continue;
            };
            if let Some(text) = item.as_str() {
                mask(id, k, text, p, out);
            }
            if schema == "Person" && k == "metadata" {
                contact_sources_only(id, item, &here, out);
                continue;
            }
            if p.read_only {
                out.push(format!("{id}: output-only field {here}"));
            }
            let inner = p
                .reference
                .as_deref()
                .or(p.items.as_deref().and_then(|i| i.reference.as_deref()))
                .or(p
                    .additional_properties
                    .as_deref()
                    .and_then(|i| i.reference.as_deref()));
            let Some(inner) = inner else { continue };
            match item {
                Value::Array(items) => items.iter().for_each(|i| walk(id, i, inner, &here, out)),
                Value::Object(m) if p.additional_properties.is_some() => {
                    m.values().for_each(|i| walk(id, i, inner, &here, out))
                }
                _ => walk(id, item, inner, &here, out),
            }
        }
    }

    /// `person.metadata` is output only, but Google checks an update's etag against the CONTACT
    /// source's: an update may carry that source's `type`, `id` and `etag`, and nothing else.
    fn contact_sources_only(id: &str, v: &Value, at: &str, out: &mut Vec<String>) {
        let is_update = id.ends_with("updateContact") || id.ends_with("batchUpdateContacts");
        let ok = is_update
            && v.as_object()
                .is_some_and(|m| m.keys().all(|k| k == "sources"))
            && v["sources"].as_array().is_some_and(|s| {
                s.iter().all(|s| {
                    s["type"] == "CONTACT"
                        && s.as_object().is_some_and(|o| {
                            o.keys()
                                .all(|k| ["type", "id", "etag"].contains(&k.as_str()))
                        })
                })
            });
        if !ok {
            out.push(format!("{id}: output-only field {at} = {v}"));
        }
    }

    #[test]
    fn every_request_the_plugin_builds_is_one_the_document_allows() {
        let api = PeopleApi::default();
        let p = full_person();
        let people = vec![p.clone(), p.clone()];
        let change = ModifyContactGroupMembersRequest {
            resource_names_to_add: vec!["people/c1".into()],
            resource_names_to_remove: vec!["people/c2".into()],
        };
        let requests = [
            Ok(api.list_connections(&ListConnections::default())),
            Ok(api.list_connections(&ListConnections {
                page_token: Some("p".into()),
                sync_token: Some("s".into()),
                ..ListConnections::default()
            })),
            Ok(api.get_person("people/c1", PERSON_FIELDS)),
            api.batch_get(&names("people/c", 3), PERSON_FIELDS),
            api.create_contact(&p, PERSON_FIELDS),
            api.update_contact(&p, &UPDATE_PERSON_FIELDS, PERSON_FIELDS),
            Ok(api.delete_contact("people/c1")),
            api.batch_create_contacts(&people, PERSON_FIELDS),
            api.batch_update_contacts(&people, &UPDATE_PERSON_FIELDS, PERSON_FIELDS),
            api.batch_delete_contacts(&names("people/c", 3)),
            Ok(api.list_contact_groups(Some("next"))),
            Ok(api.get_contact_group("contactGroups/abc", 10)),
            api.create_contact_group("CRM"),
            api.modify_group_members("contactGroups/abc", &change),
        ];
        let mut all = Vec::new();
        for r in requests {
            all.extend(problems(&r.expect("a request")));
        }
        assert_eq!(all, Vec::<String>::new());
    }

    #[test]
    fn the_check_finds_what_the_document_forbids() {
        // The check above can fail: a group create asking for memberCount, and a raw person with
        // output-only values, are both reported.
        let api = PeopleApi::default();
        let mut bad = api.create_contact_group("CRM").expect("a request");
        bad.body =
            Some(r#"{"contactGroup":{"name":"CRM"},"readGroupFields":"name,memberCount"}"#.into());
        assert_eq!(
            problems(&bad),
            ["people.contactGroups.create: readGroupFields path memberCount is not valid"]
        );
        let mut raw = api
            .create_contact(&Person::default(), "names")
            .expect("a request");
        raw.body = Some(
            r#"{"phoneNumbers":[{"canonicalForm":"+1"}],"metadata":{"objectType":"PERSON"}}"#
                .into(),
        );
        assert_eq!(
            problems(&raw),
            [
                "people.people.createContact: output-only field .metadata = {\"objectType\":\"PERSON\"}",
                "people.people.createContact: output-only field .phoneNumbers.canonicalForm",
            ]
        );
    }
}

/// Without `sources`, Google merges a linked Google profile into every person it returns; every
/// read, and every write's read of its result, asks for the contact alone.
#[test]
fn every_read_and_post_mutate_read_asks_for_the_contact_source_alone() {
    let api = PeopleApi::default();
    let p = person(r#"{"resourceName":"people/c1","etag":"e","names":[{"givenName":"Ada"}]}"#);
    let people = std::slice::from_ref(&p);
    let in_query = [
        Ok(api.list_connections(&ListConnections::default())),
        Ok(api.list_connections(&ListConnections {
            sync_token: Some("s".into()),
            page_token: Some("p".into()),
            ..ListConnections::default()
        })),
        Ok(api.get_person("people/c1", PERSON_FIELDS)),
        api.batch_get(&names("people/c", 2), PERSON_FIELDS),
        api.create_contact(&p, PERSON_FIELDS),
        api.update_contact(&p, &["names"], PERSON_FIELDS),
    ];
    for r in in_query {
        let r = r.expect("a request");
        let query = r.url.split_once('?').map_or("", |(_, q)| q);
        let sources: Vec<&str> = query
            .split('&')
            .filter_map(|kv| kv.strip_prefix("sources="))
            .collect();
        assert_eq!(sources, ["READ_SOURCE_TYPE_CONTACT"], "{r}");
    }
    for r in [
        api.batch_create_contacts(people, PERSON_FIELDS),
        api.batch_update_contacts(people, &["names"], PERSON_FIELDS),
    ] {
        let r = r.expect("a request");
        let body: Value = serde_json::from_str(r.body.as_deref().unwrap_or("")).expect("JSON");
        assert_eq!(
            body["sources"],
            serde_json::json!(["READ_SOURCE_TYPE_CONTACT"]),
            "{r}"
        );
    }
}
