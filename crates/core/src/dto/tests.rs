//! The host codec both ways, natively: a host's contact read into the core and written back as
//! the host's `CrmContactInput`, and the answers the JS API gives.

use super::*;
use crate::people::wire::ContactGroup;
use crate::sync::engine::{CrmUpdate, Trigger};
use crate::sync::model::Field;
use serde_json::json;

/// Reads a host contact (JSON) and writes it back as a create's input (compact JSON), or
/// `error: …` (with the id the report would name).
fn check(host: Value, expected: &str) {
    let got = match crm_contact(&host) {
        Ok(c) => {
            let input = CrmContactInputDto::new(&c.contact, None, c.status.as_deref());
            serde_json::to_string(&input).unwrap()
        }
        Err(e) => format!("error: {} ({:?})", e.message, e.id),
    };
    assert_eq!(got, expected, "host {host}");
}

#[test]
fn a_full_host_contact_comes_back_as_the_same_input() {
    check(
        json!({
            "id": "c1", "modifiedAt": "2024-05-01T10:00:00Z", "status": "Lead",
            "firstName": "Ann", "middleName": "B", "lastName": "Lee", "prefix": "Dr",
            "suffix": "Jr", "company": "Acme", "title": "CEO", "notes": "met at fair",
            "birthday": "--12-31",
            "emails": [{"value": "ann@x.io", "type": "work"}],
            "phones": [{"value": "+1 555 0100", "type": "mobile", "primary": true}],
            "addresses": [{"street": "1 Main St", "city": "Springfield", "countryCode": "US",
                           "type": "home"}]
        }),
        r#"{"status":"Lead","firstName":"Ann","middleName":"B","lastName":"Lee","prefix":"Dr","suffix":"Jr","emails":[{"value":"ann@x.io","type":"work"}],"phones":[{"value":"+1 555 0100","type":"mobile","primary":true}],"addresses":[{"street":"1 Main St","extended":null,"city":"Springfield","region":null,"postalCode":null,"country":null,"countryCode":"US","type":"home"}],"birthday":"--12-31","company":"Acme","title":"CEO","notes":"met at fair"}"#,
    );
}

#[test]
fn absent_fields_are_written_as_empty_so_a_create_sets_every_field() {
    check(
        json!({"id": "c1", "modifiedAt": "2024-05-01T10:00:00Z"}),
        r#"{"firstName":"","middleName":"","lastName":"","prefix":"","suffix":"","emails":[],"phones":[],"addresses":[],"birthday":"","company":"","title":"","notes":""}"#,
    );
}

#[test]
fn the_primary_item_is_written_first_and_only_it_is_flagged() {
    check(
        json!({"id": "c1", "modifiedAt": "2024-05-01T10:00:00Z",
               "emails": [{"value": "a@x.io"}, {"value": "b@x.io", "primary": true},
                          {"value": "c@x.io", "primary": false}]}),
        r#"{"firstName":"","middleName":"","lastName":"","prefix":"","suffix":"","emails":[{"value":"b@x.io","primary":true},{"value":"a@x.io"},{"value":"c@x.io"}],"phones":[],"addresses":[],"birthday":"","company":"","title":"","notes":""}"#,
    );
}

#[test]
fn a_bad_contact_names_its_field_and_keeps_its_id() {
    check(
        json!({"id": "c1", "modifiedAt": "yesterday"}),
        r#"error: modifiedAt: yesterday (Some("c1"))"#,
    );
    check(
        json!({"id": "c2", "modifiedAt": "2024-05-01T10:00:00Z", "birthday": "31/12"}),
        r#"error: birthday: birthday "31/12" is not a date (expected YYYY-MM-DD or --MM-DD) (Some("c2"))"#,
    );
    check(
        json!({"id": " ", "modifiedAt": "2024-05-01T10:00:00Z"}),
        r#"error: id: empty (Some(" "))"#,
    );
}

#[test]
fn a_contact_the_user_may_not_change_keeps_the_hosts_reason() {
    let read = |v: Value| crm_contact(&v).map(|c| c.read_only).unwrap();
    let at = "2024-05-01T10:00:00Z";
    assert_eq!(read(json!({"id": "c1", "modifiedAt": at})), None);
    assert_eq!(
        read(json!({"id": "c1", "modifiedAt": at, "editable": true, "readOnlyReason": "x"})),
        None
    );
    assert_eq!(
        read(json!({"id": "c1", "modifiedAt": at, "editable": false,
                    "readOnlyReason": " Owned by Bob. "})),
        Some("Owned by Bob.".to_string())
    );
    assert_eq!(
        read(json!({"id": "c1", "modifiedAt": at, "editable": false})),
        Some(String::new())
    );
    // A value of the wrong type is the host's mistake, named like any other.
    assert!(crm_contact(&json!({"id": "c1", "modifiedAt": at, "editable": "no"})).is_err());
}

/// A failure deep inside a host contact names the way to it, so the host's developer finds the
/// value without reading the whole contact.
#[test]
fn a_deep_failure_in_a_host_contact_names_its_path() {
    check(
        json!({"id": "c7", "modifiedAt": "2024-05-01T10:00:00Z", "emails": [
            {"value": "a@x.io"}, {"value": "b@x.io"}, {"value": 42}]}),
        "error: emails[2].value: invalid type: integer `42`, expected a string (Some(\"c7\"))",
    );
    check(
        json!({"id": "c8", "modifiedAt": "2024-05-01T10:00:00Z", "addresses": [{"street": []}]}),
        "error: addresses[0].street: invalid type: sequence, expected a string (Some(\"c8\"))",
    );
    // A host page read whole names the item too, and the error keeps its steps apart.
    let e = crate::json::from_str::<Vec<CrmContactDto>>(
        r#"[{"id": "c1", "modifiedAt": "2024-05-01T10:00:00Z"},
            {"id": "c2", "modifiedAt": "2024-05-01T10:00:00Z", "emails": [{"value": "a@x.io"}, {"value": "b@x.io"}, {"value": true}]}]"#,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "[1].emails[2].value: invalid type: boolean `true`, expected a string"
    );
}

/// A Google person that cannot be read in a listing page is named by its place in the page and
/// the field that is wrong.
#[test]
fn a_deep_failure_in_a_google_listing_names_its_path() {
    use crate::json::{FromJson, Seg};
    use crate::people::wire::ListConnectionsResponse;
    let page = json!({"connections": [
        {"resourceName": "people/c1", "etag": "e1"},
        {"resourceName": "people/c2", "etag": "e2",
         "names": [{"givenName": "Ada"}], "phoneNumbers": [{"value": "1"}, {"value": 2}]}
    ]});
    let e = ListConnectionsResponse::from_json(page).unwrap_err();
    assert_eq!(
        e.to_string(),
        "connections[1].phoneNumbers[1].value: invalid type: integer `2`, expected a string"
    );
    assert_eq!(
        e.path().cloned().collect::<Vec<_>>(),
        [
            Seg::Key("connections".into()),
            Seg::Index(1),
            Seg::Key("phoneNumbers".into()),
            Seg::Index(1),
            Seg::Key("value".into()),
        ]
    );
    assert_eq!(e.message(), "invalid type: integer `2`, expected a string");
    // A map's entry is named by its key.
    let e = <std::collections::BTreeMap<String, u32>>::from_json(json!({"a": 1, "b": "x"}))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"b: invalid type: string "x", expected u32"#
    );
}

#[test]
fn an_unreadable_item_is_reported_with_its_id_when_it_has_one() {
    check(
        json!({"id": "c3", "modifiedAt": "2024-05-01T10:00:00Z", "emails": "a@x.io"}),
        r#"error: emails: invalid type: string "a@x.io", expected a sequence (Some("c3"))"#,
    );
    check(
        json!({"modifiedAt": "2024-05-01T10:00:00Z"}),
        "error: missing field `id` (None)",
    );
    check(
        json!(42),
        "error: invalid type: integer `42`, expected struct CrmContactDto (None)",
    );
}

#[test]
fn an_update_writes_only_its_fields_and_the_modified_time_it_saw() {
    let c = crm_contact(&json!({
        "id": "c1", "modifiedAt": "2024-05-01T10:00:00Z",
        "firstName": "Ann", "company": "Acme", "phones": [{"value": "+1 555 0100"}]
    }))
    .unwrap();
    let u = CrmUpdate {
        id: c.id.clone(),
        contact: c.contact,
        fields: vec![Field::Company, Field::Phones],
        status: None,
        if_modified_at: Some(c.modified_at),
    };
    assert_eq!(
        serde_json::to_string(&CrmUpdateDto::from(&u)).unwrap(),
        r#"{"id":"c1","fields":{"phones":[{"value":"+1 555 0100"}],"company":"Acme"},"ifModifiedAt":"2024-05-01T10:00:00Z"}"#
    );
}

#[test]
fn a_changes_page_reads_its_defaults() {
    let p = ChangesPage::from_json(json!({"cursor": "7"})).unwrap();
    assert_eq!(
        (
            p.items.len(),
            p.deleted_ids.len(),
            p.cursor.as_str(),
            p.more
        ),
        (0, 0, "7", false)
    );
    assert_eq!(
        ChangesPage::from_json(json!({"items": []}))
            .map_err(|e| e.to_string())
            .err()
            .as_deref(),
        Some("missing field `cursor`")
    );
}

/// A JS `undefined` crosses the boundary as `null`: a host page that leaves its optional keys
/// `undefined` reads as one without them (no more pages, no items), while a required key that
/// is `null` is still an error.
#[test]
fn a_host_page_with_undefined_defaults_reads_them_as_absent() {
    let cases = [
        (
            json!({"cursor": "7", "items": null, "deletedIds": null, "more": null}),
            Ok((0, 0, "7".to_string(), false)),
        ),
        (
            json!({"cursor": "7", "items": [{"id": "c1"}], "more": null}),
            Ok((1, 0, "7".to_string(), false)),
        ),
        (
            json!({"cursor": null, "more": null}),
            Err("cursor: invalid type: null, expected a string".to_string()),
        ),
    ];
    for (host, expected) in cases {
        let got = ChangesPage::from_json(host.clone())
            .map(|p| (p.items.len(), p.deleted_ids.len(), p.cursor, p.more))
            .map_err(|e| e.to_string());
        assert_eq!(got, expected, "changedSince answered {host}");
    }
    let page = ContactPage::from_json(json!({"items": null, "nextPageToken": null})).unwrap();
    assert_eq!(
        page,
        ContactPage::default(),
        "a contacts.list page of undefined keys"
    );
}

#[test]
fn a_google_group_is_named_by_its_formatted_name() {
    let g = ContactGroup::from_json(json!({
        "resourceName": "contactGroups/myContacts", "name": "myContacts",
        "formattedName": "My Contacts", "groupType": "SYSTEM_CONTACT_GROUP", "memberCount": 3
    }))
    .unwrap();
    assert_eq!(
        serde_json::to_string(&GroupDto::from(g)).unwrap(),
        r#"{"resourceName":"contactGroups/myContacts","name":"My Contacts","groupType":"SYSTEM_CONTACT_GROUP","memberCount":3}"#
    );
}

#[test]
fn a_change_not_written_says_why_and_a_google_write_from_its_contact_is_marked() {
    use crate::sync::merge::FieldDiff;
    use crate::sync::plan::{CreateGoogle, NotWritten, Plan, Skipped};
    let mut p = Plan::default();
    p.not_written.push(NotWritten {
        crm_id: "1".into(),
        resource_name: "people/c1".into(),
        name: "Ann Lee".into(),
        reason: "Owned by Bob.".into(),
        change: Skipped::Update(vec![FieldDiff {
            field: Field::Notes,
            before: "old".into(),
            after: "new".into(),
        }]),
    });
    p.not_written.push(NotWritten {
        crm_id: "2".into(),
        resource_name: "people/c2".into(),
        name: "Bo".into(),
        reason: String::new(),
        change: Skipped::Status("Past".into()),
    });
    p.creates_google.push(CreateGoogle {
        crm_id: "3".into(),
        name: "Cy".into(),
        contact: Default::default(),
        groups: Vec::new(),
        read_only: Some("Owned by Bob.".into()),
    });
    let v = serde_json::to_value(PlanDto::from(&p)).unwrap();
    assert_eq!(
        v["notWritten"],
        json!([
            {"crmId": "1", "resourceName": "people/c1", "name": "Ann Lee", "reason": "Owned by Bob.",
             "message": "you may not change this contact in the CRM: Owned by Bob.",
             "change": "update", "diffs": [{"field": "notes", "before": "old", "after": "new"}]},
            {"crmId": "2", "resourceName": "people/c2", "name": "Bo", "reason": "",
             "message": "you may not change this contact in the CRM",
             "change": "status", "diffs": [], "status": "Past"}
        ])
    );
    assert_eq!(
        v["operations"][0]["reason"],
        "from a contact you may not change in the CRM"
    );
}

#[test]
fn an_empty_plan_answers_empty_lists_and_its_text() {
    let p = crate::sync::plan::Plan::default();
    let v = serde_json::to_value(PlanDto::from(&p)).unwrap();
    assert_eq!(
        v,
        json!({"operations": [], "conflicts": [], "ambiguous": [], "held": [], "merged": [],
               "notWritten": [], "pastLimit": [], "googleLimit": 0, "directionChanges": [],
               "byDirection": [], "photos": [], "text": p.to_string(), "fingerprint": ""})
    );
}

#[test]
fn a_plan_names_the_contacts_left_out_for_googles_limit_and_the_limit() {
    use crate::sync::plan::{CreateGoogle, Plan};
    let create = |id: &str, name: &str| CreateGoogle {
        crm_id: id.into(),
        name: name.into(),
        contact: Default::default(),
        groups: Vec::new(),
        read_only: None,
    };
    let mut p = Plan::default();
    p.creates_google.push(create("1", "Ann"));
    p.past_limit = vec![create("2", "Bo"), create("3", "Cy")];
    p.google_limit = 9;
    let v = serde_json::to_value(PlanDto::from(&p)).unwrap();
    assert_eq!(
        v["pastLimit"],
        json!([{"crmId": "2", "name": "Bo"}, {"crmId": "3", "name": "Cy"}])
    );
    assert_eq!(v["googleLimit"], 9);
    assert_eq!(v["operations"].as_array().map(Vec::len), Some(1), "{v}");
}

#[test]
fn an_ambiguous_match_names_its_candidates_in_their_order() {
    let a = crate::sync::matching::Ambiguous {
        side: crate::sync::model::Side::Google,
        id: "people/c1".into(),
        name: "Mia Hernandez".into(),
        rule: crate::sync::matching::MatchRule::Phone,
        reason: crate::sync::matching::Ambiguity::SeveralCandidates,
        candidates: vec!["c000032".into(), "c000035".into()],
        candidate_names: vec!["James Davis".into(), String::new()],
        more_candidates: 3,
        shared: vec!["+1 555 0100".into()],
    };
    let v = serde_json::to_value(super::report::AmbiguousDto::from(&a)).unwrap();
    assert_eq!(v["candidates"], json!(["c000032", "c000035"]));
    assert_eq!(v["candidateNames"], json!(["James Davis", ""]));
    assert_eq!(v["moreCandidates"], json!(3));
    assert_eq!(v["shared"], json!(["+1 555 0100"]));
    assert_eq!(v["decidable"], json!(true));
}

/// The string literals of the `trigger:` union of `RunReport` in the TypeScript declarations.
fn trigger_union_in_api_d_ts() -> Vec<String> {
    let dts = include_str!("../../../../src/bindings/api.d.ts");
    let report = &dts[dts
        .find("export interface RunReport")
        .expect("api.d.ts declares RunReport")..];
    let rest = &report[report.find("trigger:").expect("RunReport has a trigger") + 8..];
    rest[..rest.find(';').expect("the union ends with ';'")]
        .split('|')
        .map(|alt| alt.trim().trim_matches('"').to_string())
        .filter(|alt| !alt.is_empty())
        .collect()
}

#[test]
fn a_report_names_its_trigger_as_the_typescript_union_does() {
    let rust: Vec<String> = Trigger::ALL
        .iter()
        .map(|t| {
            serde_json::to_value(t)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(trigger_union_in_api_d_ts(), rust);
    // The preview's Apply is a run of its own in the history, and someone waits on it.
    assert_eq!(
        serde_json::to_value(Trigger::Apply).unwrap(),
        json!("apply")
    );
    assert!(Trigger::Apply.is_interactive());
}

#[test]
fn the_plugin_ui_words_every_error_code_and_every_trigger() {
    // A code or trigger the UI does not know would reach the user as a bare identifier.
    let messages = include_str!("../../../../www/plugin/messages.js");
    for code in crate::sync::error::ErrorCode::ALL {
        assert!(
            messages.contains(&format!("case \"{code}\":")),
            "errorMessage has no sentence for {code}"
        );
    }
    for t in Trigger::ALL {
        let name = serde_json::to_value(t).unwrap();
        let name = name.as_str().unwrap();
        assert!(
            messages.contains(&format!("  {name}: \"")),
            "triggerLabel has no label for {name}"
        );
    }
}

#[test]
fn a_host_token_is_used_only_for_the_account_it_names() {
    let alice = "alice@example.com";
    assert_eq!(host_token_refusal(alice, Some("alice@example.com")), None);
    assert_eq!(
        host_token_refusal(alice, Some(" Alice@Example.com ")),
        None,
        "Google compares emails without case"
    );
    let other = host_token_refusal(alice, Some("bob@example.com")).expect("refused");
    assert!(
        other.contains("another Google account (bob@example.com)")
            && other.ends_with("reconnect alice@example.com"),
        "{other}"
    );
    for none in [None, Some(""), Some("  ")] {
        let why = host_token_refusal(alice, none).expect("refused");
        assert!(
            why.contains("without naming its account")
                && why.ends_with("reconnect alice@example.com"),
            "{why}"
        );
    }
}
