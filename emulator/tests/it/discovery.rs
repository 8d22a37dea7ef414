//! The rules the emulator takes from Google's discovery document, one row per rule class: each
//! row names the part of the document it comes from and the answer Google's wording gives.

use crate::support::{Api, ALL_FIELDS};
use serde_json::{json, Value};

/// One request and the error it must meet.
struct Row {
    rule: &'static str,
    method: &'static str,
    path: String,
    body: Option<Value>,
    status: u16,
    error: &'static str,
    message: String,
}

fn row(rule: &'static str, method: &'static str, path: &str, body: Option<Value>) -> Row {
    Row {
        rule,
        method,
        path: path.to_string(),
        body,
        status: 400,
        error: "INVALID_ARGUMENT",
        message: String::new(),
    }
}

impl Row {
    fn answers(mut self, status: u16, error: &'static str, message: &str) -> Row {
        self.status = status;
        self.error = error;
        self.message = message.to_string();
        self
    }
    fn invalid(self, message: &str) -> Row {
        self.answers(400, "INVALID_ARGUMENT", message)
    }
}

fn check(api: &Api, rows: Vec<Row>) {
    for r in rows {
        let (status, v) = api.call(r.method, &r.path, r.body.clone());
        let rule = r.rule;
        assert_eq!(status, r.status, "{rule}: {} {} → {v}", r.method, r.path);
        assert_eq!(v["error"]["status"], r.error, "{rule}: {v}");
        assert_eq!(v["error"]["message"], r.message.as_str(), "{rule}: {v}");
    }
}

const DOCS: &str = "https://developers.google.com/people/api/rest/v1";

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("people/c{}", 1000 + i)).collect()
}

#[test]
fn paths_methods_and_query_parameters_follow_the_document() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    let list = |q: &str| format!("/v1/people/me/connections?personFields=names&{q}");
    check(
        &api,
        vec![
            row("no method's flatPath matches", "GET", "/v1/people:frobnicate", None).answers(
                404,
                "NOT_FOUND",
                "The requested URL /v1/people:frobnicate was not found on this server.",
            ),
            row("createContact's httpMethod is POST", "DELETE", "/v1/people:createContact", None)
                .answers(
                    404,
                    "NOT_FOUND",
                    "The requested URL /v1/people:createContact was not found on this server.",
                ),
            row("updateContact's httpMethod is PATCH", "GET", &format!("/v1/{rn}:updateContact"), None)
                .answers(
                    404,
                    "NOT_FOUND",
                    &format!("The requested URL /v1/{rn}:updateContact was not found on this server."),
                ),
            row("otherContacts.list is in the document", "GET", "/v1/otherContacts?readMask=names", None)
                .answers(
                    501,
                    "UNIMPLEMENTED",
                    "people.otherContacts.list is not implemented by the emulator.",
                ),
            row("connections.list parameters", "GET", &list("pageSise=3"), None).invalid(
                "Invalid JSON payload received. Unknown name \"pageSise\": Cannot bind query parameter. Field 'pageSise' could not be found in request message.",
            ),
            row("contactGroups.list has no personFields", "GET", "/v1/contactGroups?personFields=names", None)
                .invalid(
                    "Invalid JSON payload received. Unknown name \"personFields\": Cannot bind query parameter. Field 'personFields' could not be found in request message.",
                ),
            row("sortOrder enum", "GET", &list("sortOrder=SIDEWAYS"), None)
                .invalid("Invalid value at 'sort_order' (TYPE_ENUM), \"SIDEWAYS\""),
            row("sources enum", "GET", &list("sources=READ_SOURCE_TYPE_NOPE"), None)
                .invalid("Invalid value at 'sources[0]' (TYPE_ENUM), \"READ_SOURCE_TYPE_NOPE\""),
            row("pageSize is not repeated", "GET", &list("pageSize=1&pageSize=2"), None).invalid(
                "Invalid value at 'page_size': \"pageSize\" is given 2 times but is not a repeated field.",
            ),
            row("pageSize type integer int32", "GET", &list("pageSize=ten"), None)
                .invalid("Invalid value at 'page_size' (TYPE_INT32), \"ten\""),
            row("pageSize type integer int32", "GET", &list("pageSize=9999999999"), None)
                .invalid("Invalid value at 'page_size' (TYPE_INT32), \"9999999999\""),
            row("requestSyncToken type boolean", "GET", &list("requestSyncToken=yes"), None)
                .invalid("Invalid value at 'request_sync_token' (TYPE_BOOL), \"yes\""),
            row("deleteContacts type boolean", "DELETE", "/v1/contactGroups/x?deleteContacts=maybe", None)
                .invalid("Invalid value at 'delete_contacts' (TYPE_BOOL), \"maybe\""),
            row("pageSize: Valid values are between 1 and 1000", "GET", &list("pageSize=1001"), None)
                .invalid("pageSize must be between 1 and 1000."),
            row("contactGroups pageSize: between 1 and 1000", "GET", "/v1/contactGroups?pageSize=-1", None)
                .invalid("pageSize must be between 1 and 1000."),
            row("personFields: Required.", "GET", "/v1/people/me/connections", None).invalid(&format!(
                "personFields mask is required. Please specify one or more valid paths. Valid paths are documented at {DOCS}/people.connections/list."
            )),
            row("resourceNames: Required.", "GET", "/v1/people:batchGet?personFields=names", None)
                .invalid("resourceNames must not be empty."),
            row("updatePersonFields: Required.", "PATCH", &format!("/v1/{rn}:updateContact"), Some(json!({"etag": "x"})))
                .invalid(&format!(
                    "updatePersonFields mask is required. Please specify one or more valid paths. Valid paths are documented at {DOCS}/people/updateContact."
                )),
            row("resourceNames: a maximum of 200", "GET",
                &format!("/v1/people:batchGet?personFields=names&resourceNames={}", names(201).join("&resourceNames=")), None)
                .invalid("Too many resourceNames: at most 200 are allowed."),
        ],
    );
}

#[test]
fn every_field_mask_takes_only_the_paths_its_description_lists() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    let bad = |param: &str, path: &str, page: &str| {
        format!(
            "Invalid {param} mask path: \"{path}\". Valid paths are documented at {DOCS}/{page}."
        )
    };
    let update = |mask: &str| format!("/v1/{rn}:updateContact?updatePersonFields={mask}");
    let contact = json!({"etag": "x", "names": [{"givenName": "Ada"}]});
    check(
        &api,
        vec![
            row("connections.list personFields: Valid values", "GET", "/v1/people/me/connections?personFields=names,etag", None)
                .invalid(&bad("personFields", "etag", "people.connections/list")),
            row("people.get personFields: Valid values", "GET", &format!("/v1/{rn}?personFields=person.names"), None)
                .invalid(&bad("personFields", "person.names", "people/get")),
            row("requestMask.includeField: Each path should start with `person.`", "GET",
                &format!("/v1/{rn}?requestMask.includeField=names"), None)
                .invalid(&bad("requestMask.includeField", "names", "people/get")),
            row("updatePersonFields: Valid values (no photos)", "PATCH", &update("photos"), Some(contact.clone()))
                .invalid(&bad("updatePersonFields", "photos", "people/updateContact")),
            row("updatePersonFields: Valid values (no metadata)", "PATCH", &update("names,metadata"), Some(contact.clone()))
                .invalid(&bad("updatePersonFields", "metadata", "people/updateContact")),
            row("createContact personFields: Valid values", "POST", "/v1/people:createContact?personFields=names,memberCount",
                Some(json!({})))
                .invalid(&bad("personFields", "memberCount", "people/createContact")),
            row("CreateContactGroupRequest.readGroupFields: Valid fields (no memberCount)", "POST", "/v1/contactGroups",
                Some(json!({"contactGroup": {"name": "CRM"}, "readGroupFields": "name,groupType,memberCount,metadata,clientData"})))
                .invalid(&bad("readGroupFields", "memberCount", "contactGroups/create")),
            row("UpdateContactGroupRequest.updateGroupFields: Valid values", "PUT", "/v1/contactGroups/x",
                Some(json!({"contactGroup": {"name": "CRM"}, "updateGroupFields": "groupType"})))
                .invalid(&bad("updateGroupFields", "groupType", "contactGroups/update")),
            row("contactGroups.list groupFields: Valid fields", "GET", "/v1/contactGroups?groupFields=members", None)
                .invalid(&bad("groupFields", "members", "contactGroups/list")),
            row("contactGroups.get groupFields: Valid fields", "GET", "/v1/contactGroups/myContacts?groupFields=name,photos", None)
                .invalid(&bad("groupFields", "photos", "contactGroups/get")),
            row("BatchCreateContactsRequest.readMask: Valid values", "POST", "/v1/people:batchCreateContacts",
                Some(json!({"contacts": [{"contactPerson": {}}], "readMask": "etag"})))
                .invalid(&bad("readMask", "etag", "people/batchCreateContacts")),
            row("BatchUpdateContactsRequest.updateMask: Valid values", "POST", "/v1/people:batchUpdateContacts",
                Some(json!({"contacts": {rn.clone(): contact.clone()}, "updateMask": "coverPhotos"})))
                .invalid(&bad("updateMask", "coverPhotos", "people/batchUpdateContacts")),
            row("BatchUpdateContactsRequest.updateMask: Required.", "POST", "/v1/people:batchUpdateContacts",
                Some(json!({"contacts": {rn.clone(): contact}})))
                .invalid(&format!(
                    "updateMask mask is required. Please specify one or more valid paths. Valid paths are documented at {DOCS}/people/batchUpdateContacts."
                )),
        ],
    );
    // The lists are what they say: a valid path of each mask is taken.
    assert_eq!(
        api.get(&format!("/v1/{rn}?requestMask.includeField=person.names"))
            .0,
        200
    );
    let (s, v) = api.call(
        "POST",
        "/v1/contactGroups",
        Some(json!({"contactGroup": {"name": "CRM"}, "readGroupFields": "name,groupType,metadata,clientData"})),
    );
    assert_eq!((s, v["name"].as_str()), (200, Some("CRM")), "{v}");
    assert!(v.get("memberCount").is_none(), "{v}");
}

#[test]
fn bodies_follow_the_request_schema_at_every_depth() {
    let api = Api::new();
    let create = "/v1/people:createContact";
    let contacts = vec![json!({"contactPerson": {"names": [{"givenName": "A"}]}}); 201];
    check(
        &api,
        vec![
            row("EmailAddress.metadata is FieldMetadata, whose source is Source", "POST", create,
                Some(json!({"emailAddresses": [{"value": "a@x.io", "metadata": {"source": {"kind": "CONTACT"}}}]})))
                .invalid("Invalid JSON payload received. Unknown name \"kind\" at 'person.email_addresses[0].metadata.source': Cannot find field."),
            row("BatchCreateContactsRequest has no extra", "POST", "/v1/people:batchCreateContacts",
                Some(json!({"contacts": [], "extra": 1})))
                .invalid("Invalid JSON payload received. Unknown name \"extra\": Cannot find field."),
            row("Name.givenName is a string", "POST", create, Some(json!({"names": [{"givenName": 5}]})))
                .invalid("Invalid value at 'person.names[0].given_name' (TYPE_STRING), 5"),
            row("Person.emailAddresses is an array", "POST", create, Some(json!({"emailAddresses": "a@x.io"})))
                .invalid("Invalid value at 'person.email_addresses' (type.googleapis.com/google.people.v1.EmailAddress), \"a@x.io\""),
            row("Date.day is integer int32", "POST", create, Some(json!({"birthdays": [{"date": {"day": "tenth"}}]})))
                .invalid("Invalid value at 'person.birthdays[0].date.day' (TYPE_INT32), \"tenth\""),
            row("Source.type enum", "POST", create,
                Some(json!({"metadata": {"sources": [{"type": "FRIEND"}]}})))
                .invalid("Invalid value at 'person.metadata.sources[0].type' (TYPE_ENUM), \"FRIEND\""),
            row("BatchUpdateContactsRequest.contacts is a map of Person", "POST", "/v1/people:batchUpdateContacts",
                Some(json!({"contacts": {"people/c1": {"nick": "A"}}, "updateMask": "names"})))
                .invalid("Invalid JSON payload received. Unknown name \"nick\" at 'contacts[people/c1]': Cannot find field."),
            row("ContactGroupMembership.contactGroupId is output only", "POST", create,
                Some(json!({"memberships": [{"contactGroupMembership": {"contactGroupId": "starred"}}]})))
                .invalid("Invalid membership: contactGroupMembership.contactGroupResourceName must be set."),
            row("contacts: Allows up to 200 contacts in a single request", "POST", "/v1/people:batchCreateContacts",
                Some(json!({"contacts": contacts})))
                .invalid("Too many contacts in the batch request: at most 200 are allowed."),
            row("resourceNames: Allows up to 500 resource names", "POST", "/v1/people:batchDeleteContacts",
                Some(json!({"resourceNames": names(501)})))
                .invalid("Too many resourceNames in the batch request: at most 500 are allowed."),
            row("resourceNamesToAdd and …ToRemove: less than or equal to 1000", "POST", "/v1/contactGroups/myContacts/members:modify",
                Some(json!({"resourceNamesToAdd": names(600), "resourceNamesToRemove": names(401)})))
                .invalid("Too many resource names: at most 1000 may be added or removed in one request."),
        ],
    );
}

#[test]
fn google_errors_name_the_field_in_a_bad_request_detail() {
    let api = Api::new();
    let (_, v) = api.call(
        "POST",
        "/v1/people:createContact",
        Some(json!({"names": [{"givenName": "A", "nick": "x"}]})),
    );
    let message = "Invalid JSON payload received. Unknown name \"nick\" at 'person.names[0]': Cannot find field.";
    assert_eq!(
        v["error"]["details"],
        json!([{"@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "person.names[0]", "description": message}]}])
    );
}

#[test]
fn output_only_fields_are_accepted_and_the_server_sets_its_own() {
    let api = Api::new();
    let p = api.create(json!({
        "metadata": {"objectType": "PAGE", "sources": [{"type": "CONTACT", "updateTime": "2001-01-01T00:00:00Z"}]},
        "names": [{"givenName": "Ada", "familyName": "Lovelace", "displayName": "Bogus",
                   "displayNameLastFirst": "Bogus", "metadata": {"primary": false, "verified": true}}],
        "phoneNumbers": [{"value": "(415) 555-0123", "canonicalForm": "+19999999999", "formattedType": "Bogus"}],
        "photos": [{"url": "https://example.com/p.jpg"}],
    }));
    assert_eq!(p["metadata"]["objectType"], "PERSON");
    assert_ne!(
        p["metadata"]["sources"][0]["updateTime"],
        "2001-01-01T00:00:00Z"
    );
    assert_eq!(p["names"][0]["displayName"], "Ada Lovelace");
    assert_eq!(p["names"][0]["metadata"]["primary"], true);
    assert!(p["names"][0]["metadata"].get("verified").is_none());
    assert_eq!(p["phoneNumbers"][0]["canonicalForm"], "+14155550123");
    assert!(p["phoneNumbers"][0].get("formattedType").is_none());
    assert!(p.get("photos").is_none());
}

#[test]
fn an_update_may_carry_its_contact_sources_type_id_and_etag() {
    let api = Api::new();
    let p = api.ada();
    let rn = p["resourceName"].as_str().unwrap();
    let source = &p["metadata"]["sources"][0];
    let (s, v) = api.call(
        "PATCH",
        &format!("/v1/{rn}:updateContact?updatePersonFields=names&personFields={ALL_FIELDS}"),
        Some(json!({"resourceName": rn,
                    "metadata": {"sources": [{"type": source["type"], "id": source["id"], "etag": source["etag"]}]},
                    "names": [{"givenName": "Augusta"}]})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["names"][0]["givenName"], "Augusta");
}
