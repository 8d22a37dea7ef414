use crate::support::{assert_error, Api};
use serde_json::{json, Value};

#[test]
fn system_groups_are_listed_with_member_counts() {
    let api = Api::new();
    api.ada();
    let (s, v) = api.get("/v1/contactGroups");
    assert_eq!(s, 200);
    let my = v["contactGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["resourceName"] == "contactGroups/myContacts")
        .unwrap()
        .clone();
    assert_eq!(my["groupType"], "SYSTEM_CONTACT_GROUP");
    assert_eq!(my["memberCount"], 1);
}

#[test]
fn a_duplicate_group_name_conflicts() {
    let api = Api::new();
    let (s, g) = api.call(
        "POST",
        "/v1/contactGroups",
        Some(json!({"contactGroup": {"name": "CRM"}})),
    );
    assert_eq!(s, 200);
    assert_eq!(g["groupType"], "USER_CONTACT_GROUP");
    assert!(g["resourceName"]
        .as_str()
        .unwrap()
        .starts_with("contactGroups/"));
    assert_error(
        &api.call(
            "POST",
            "/v1/contactGroups",
            Some(json!({"contactGroup": {"name": "CRM"}})),
        ),
        409,
        "ALREADY_EXISTS",
        "Contact group name already exists.",
    );
}

#[test]
fn members_are_added_and_the_last_membership_is_kept() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    let (_, g) = api.call(
        "POST",
        "/v1/contactGroups",
        Some(json!({"contactGroup": {"name": "CRM"}})),
    );
    let gid = g["resourceName"].as_str().unwrap().to_string();
    let (s, v) = api.call(
        "POST",
        &format!("/v1/{gid}/members:modify"),
        Some(json!({"resourceNamesToAdd": [rn, "people/c1"]})),
    );
    assert_eq!(s, 200);
    assert_eq!(v["notFoundResourceNames"], json!(["people/c1"]));
    let (_, got) = api.get(&format!("/v1/{gid}?maxMembers=10"));
    assert_eq!(got["memberResourceNames"], json!([rn]));
    assert_eq!(got["memberCount"], 1);
    let (_, v) = api.call(
        "POST",
        "/v1/contactGroups/myContacts/members:modify",
        Some(json!({"resourceNamesToRemove": [rn]})),
    );
    assert!(v.get("canNotRemoveLastContactGroupResourceNames").is_none());
    let (_, v) = api.call(
        "POST",
        &format!("/v1/{gid}/members:modify"),
        Some(json!({"resourceNamesToRemove": [rn]})),
    );
    assert_eq!(v["canNotRemoveLastContactGroupResourceNames"], json!([rn]));
}

#[test]
fn only_my_contacts_and_starred_accept_additions_among_system_groups() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    assert_eq!(
        api.call(
            "POST",
            "/v1/contactGroups/starred/members:modify",
            Some(json!({"resourceNamesToAdd": [rn]}))
        )
        .0,
        200
    );
    assert_eq!(
        api.call(
            "POST",
            "/v1/contactGroups/friends/members:modify",
            Some(json!({"resourceNamesToAdd": [rn]}))
        )
        .0,
        400
    );
    let too_many: Vec<String> = (0..1001).map(|i| format!("people/c{i}")).collect();
    assert_eq!(
        api.call(
            "POST",
            "/v1/contactGroups/starred/members:modify",
            Some(json!({"resourceNamesToAdd": too_many}))
        )
        .0,
        400
    );
    assert_eq!(api.get("/v1/contactGroups/nope").0, 404);
}

#[test]
fn membership_changes_show_up_in_incremental_sync() {
    let api = Api::new();
    let rn = api.ada()["resourceName"].as_str().unwrap().to_string();
    let q = "personFields=memberships&requestSyncToken=true";
    let (_, sync) = api.list_all(q);
    api.call(
        "POST",
        "/v1/contactGroups/starred/members:modify",
        Some(json!({"resourceNamesToAdd": [rn]})),
    );
    let (changes, _) = api.list_all(&format!("{q}&syncToken={}", sync.unwrap()));
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["memberships"].as_array().unwrap().len(), 2);
}

#[test]
fn group_writes_google_refuses_are_refused_with_its_errors() {
    let api = Api::new();
    let id = |g: &Value| g["resourceName"].as_str().unwrap().to_string();
    let body = |name: &str| Some(json!({"contactGroup": {"name": name}}));
    let crm = id(&api.call("POST", "/v1/contactGroups", body("CRM")).1);
    let other = id(&api.call("POST", "/v1/contactGroups", body("Other")).1);
    let invalid = |message: &str| (400, "INVALID_ARGUMENT", message.to_string());
    let cases = [
        (
            "POST",
            "/v1/contactGroups".to_string(),
            body("  "),
            invalid("Contact group name must not be empty."),
        ),
        (
            "PUT",
            format!("/v1/{other}"),
            body(""),
            invalid("Contact group name must not be empty."),
        ),
        (
            "PUT",
            format!("/v1/{other}"),
            body("CRM"),
            (
                409,
                "ALREADY_EXISTS",
                "Contact group name already exists.".into(),
            ),
        ),
        (
            "PUT",
            "/v1/contactGroups/myContacts".into(),
            body("Mine"),
            invalid("System contact groups cannot be updated."),
        ),
        (
            "DELETE",
            "/v1/contactGroups/starred".into(),
            None,
            invalid("System contact groups cannot be deleted."),
        ),
        (
            "PUT",
            "/v1/contactGroups/nosuch".into(),
            body("Mine"),
            (404, "NOT_FOUND", "Requested entity was not found.".into()),
        ),
    ];
    for (method, path, body, (code, status, message)) in cases {
        assert_error(&api.call(method, &path, body), code, status, &message);
    }
    // A group may keep its own name when renamed.
    let (s, g) = api.call("PUT", &format!("/v1/{crm}"), body("CRM"));
    assert_eq!((s, g["name"].as_str()), (200, Some("CRM")), "{g}");
}
