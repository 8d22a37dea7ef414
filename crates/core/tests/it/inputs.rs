//! Inputs that once lost, duplicated or resurrected data, each end to end through the real
//! engine, the emulator and the in-memory CRM, with the network and the host misbehaving as
//! they do in real use. Each scenario checks what a user would: no duplicate on either side, no
//! lost link, no Google edit lost, and a second run that writes nothing.

use crate::harness::*;
use gcontacts_sync_core::sync::settings::CrmDeletes;
use gcontacts_sync_core::sync::ErrorCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Google's phones of a person, as E.164 where Google gave it.
fn phones(p: &Value) -> BTreeSet<String> {
    p["phoneNumbers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| {
            x["canonicalForm"]
                .as_str()
                .or(x["value"].as_str())
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

fn crm_phones(w: &World, id: &str) -> BTreeSet<String> {
    w.crm.contacts[id]
        .contact
        .phones
        .iter()
        .map(|p| p.value.replace(' ', ""))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The user makes the Google person `rn` CTO at Acme.
fn google_makes_cto(w: &World, rn: &str) {
    w.google_edit(
        rn,
        "organizations",
        json!({"organizations": [{"name": "Acme", "title": "CTO"}]}),
    );
}

#[test]
fn a_batch_create_whose_answer_was_lost_is_looked_up_by_tag_not_sent_again() {
    let mut w = World::new();
    w.crm_add_people(3, "Lee");
    w.net.push(NetFault::lose("batchCreateContacts", 1));
    let r = w.run_ok();
    assert_eq!(w.google().len(), 3, "no copy sent twice");
    assert_eq!(w.state.links.len(), 3);
    assert_eq!(r.report.created.google, 3);
    assert!(w.journal.is_none());
    w.settled();
}

#[test]
fn creates_whose_answers_keep_getting_lost_are_left_in_the_journal_and_found_next_run() {
    let mut w = World::new();
    w.crm_add_people(3, "Lee");
    // The creates land, then every look-up fails: the run cannot tell whether they exist.
    w.net.push(NetFault::lose("batchCreateContacts", 1));
    w.net.push(NetFault::answer(
        "personFields=clientData",
        50,
        503,
        r#"{"error":{"code":503,"message":"unavailable","status":"UNAVAILABLE"}}"#,
    ));
    let r = w.run();
    assert!(!r.report.ok);
    assert!(w.journal.is_some(), "the uncertain creates are journaled");
    w.net.clear();
    w.run_ok();
    assert_eq!(w.google().len(), 3, "found by tag, not created again");
    assert_eq!(w.state.links.len(), 3);
    w.settled();
}

#[test]
fn a_linked_contact_outside_the_view_keeps_its_crm_edit_and_gets_googles() {
    let mut w = World::new();
    w.settings.crm_view_id = Some(VIEW.into());
    let id = w.crm_add(with_phone(
        person("Ann", "Lee", "a@x.io"),
        "+1 415 555 0100",
    ));
    w.crm.view.insert(id.clone());
    w.run();
    let rn = w.resource_name(&id);
    // The contact leaves the view; then each side adds a phone.
    w.crm.view.clear();
    w.crm_edit(&id, |c| *c = with_phone(c.clone(), "+1 415 555 0199"));
    w.google_edit(
        &rn,
        "phoneNumbers",
        json!({"phoneNumbers": [{"value": "+1 415 555 0100"}, {"value": "+1 415 555 0142"}]}),
    );
    w.run_ok();
    let all = set(&["+14155550100", "+14155550199", "+14155550142"]);
    assert_eq!(
        crm_phones(&w, &id),
        all,
        "the CRM keeps its edit and gets Google's"
    );
    assert_eq!(phones(&w.twin(&id)), all);
    w.settled();
}

#[test]
fn a_contact_deleted_in_google_but_edited_in_the_crm_outside_the_view_is_kept() {
    let mut w = World::new();
    w.settings.crm_view_id = Some(VIEW.into());
    let id = w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.crm.view.insert(id.clone());
    w.run();
    let rn = w.resource_name(&id);
    w.crm.view.clear();
    w.crm_edit(&id, |c| c.title = "CEO".into());
    w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    w.run_ok();
    assert_eq!(
        w.crm.contacts.get(&id).map(|c| c.contact.title.as_str()),
        Some("CEO"),
        "the edit wins over the deletion"
    );
    w.settled();
}

#[test]
fn with_a_change_feed_a_google_edit_is_written_with_the_crm_records_modified_at() {
    let mut w = World::new();
    w.crm.strict = true;
    let id = w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.run();
    w.run();
    let rn = w.resource_name(&id);
    google_makes_cto(&w, &rn);
    w.run_ok();
    assert_eq!(w.crm.contacts[&id].contact.title, "CTO");
    w.settled();
}

#[test]
fn a_google_edit_made_while_an_update_is_in_flight_is_merged_not_erased() {
    let mut w = World::new();
    let id = w.crm_add(with_phone(
        person("Ann", "Lee", "a@x.io"),
        "+1 415 555 0100",
    ));
    w.run();
    let rn = w.resource_name(&id);
    w.crm_edit(&id, |c| *c = with_phone(c.clone(), "+1 415 555 0199"));
    // Just before the update reaches Google, the user adds a phone there.
    let user_rn = rn.clone();
    w.net.push(NetFault {
        url: "batchUpdateContacts",
        count: 1,
        kind: NetKind::UserFirst(Box::new(move |w: &World| {
            w.google_edit(
                &user_rn,
                "phoneNumbers",
                json!({"phoneNumbers": [{"value": "+1 415 555 0100"}, {"value": "+1 415 555 0142"}]}),
            )
        })),
    });
    w.run_ok();
    let all = set(&["+14155550100", "+14155550199", "+14155550142"]);
    assert_eq!(phones(&w.twin(&id)), all, "Google keeps its own edit");
    assert_eq!(crm_phones(&w, &id), all, "and the CRM gets it");
    w.settled();
}

#[test]
fn a_google_edit_whose_crm_write_failed_is_carried_by_the_next_run() {
    for feed in [false, true] {
        let mut w = World::new();
        w.feed = feed;
        let id = w.crm_add(person("Bo", "Ng", "bo@x.io"));
        w.run();
        let rn = w.resource_name(&id);
        google_makes_cto(&w, &rn);
        w.crm.failing_updates = 1;
        let r = w.run();
        assert!(!r.report.ok);
        w.run_ok();
        assert_eq!(w.crm.contacts[&id].contact.title, "CTO", "feed: {feed}");
        w.settled();
    }
}

#[test]
fn an_unreadable_success_answer_counts_as_a_failed_attempt() {
    let mut w = World::new();
    w.crm_add(person("Ann", "Lee", "a@x.io"));
    // A captive portal answers 200 with its own page.
    w.net.push(NetFault::answer(
        "people/me/connections",
        20,
        200,
        "<html><body>Sign in to the hotel Wi-Fi</body></html>",
    ));
    let r = w.run();
    assert!(!r.report.ok, "the run fails instead of going on");
    assert_eq!(r.report.requests.get("people.connections.list"), Some(&6));
    assert!(w.google().is_empty());
    w.net.clear();
    w.run_ok();
    assert_eq!(w.google().len(), 1);
    w.settled();
}

#[test]
fn a_retry_after_of_a_day_ends_the_run_with_quota_instead_of_waiting() {
    let mut w = World::new();
    let id = w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.run();
    let rn = w.resource_name(&id);
    google_makes_cto(&w, &rn);
    w.net.push(NetFault {
        url: "people/me/connections",
        count: 1,
        kind: NetKind::Answer {
            status: 429,
            retry_after_ms: Some(86_400_000),
            body: r#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#,
        },
    });
    let start = w.now();
    let r = w.run();
    assert!(!r.report.ok);
    assert_eq!(
        r.report.errors[0].code,
        ErrorCode::Quota,
        "{:?}",
        r.report.errors
    );
    assert!(r.report.errors[0].message.contains("try again"));
    assert!(w.now() - start < 5 * 60_000, "no day-long wait");
    w.run_ok();
    assert_eq!(
        w.crm.contacts[&id].contact.title, "CTO",
        "the Google edit arrives"
    );
    assert_eq!(w.google().len(), 1);
    w.settled();
}

#[test]
fn a_linked_record_turning_invalid_is_an_error_not_a_deletion() {
    for feed in [false, true] {
        let mut w = World::new();
        w.feed = feed;
        w.settings.crm_deletes = CrmDeletes::Delete;
        let ann = w.crm_add(person("Ann", "Lee", "a@x.io"));
        w.crm_add(person("Bo", "Ng", "b@x.io"));
        w.run();
        let rn = w.resource_name(&ann);
        w.crm_edit(&ann, |c| c.notes = "met at a fair".into());
        w.crm.invalid.insert(ann.clone());
        google_makes_cto(&w, &rn);
        let r = w.run();
        assert_eq!(
            w.google().len(),
            2,
            "nothing deleted in Google (feed: {feed})"
        );
        assert_eq!(w.state.links.len(), 2, "no link lost");
        let err = r
            .report
            .errors
            .iter()
            .find(|e| e.contact.as_deref() == Some(ann.as_str()))
            .expect("an error names the contact");
        assert!(err.message.contains("March 5"), "{err:?}");
        // Fixed in the CRM: the Google edit made meanwhile arrives.
        w.crm.invalid.clear();
        w.run_ok();
        assert_eq!(w.crm.contacts[&ann].contact.title, "CTO", "feed: {feed}");
        assert_eq!(w.twin(&ann)["biographies"][0]["value"], "met at a fair");
        assert_eq!(w.google().len(), 2);
        w.settled();
    }
}

#[test]
fn a_second_google_contact_tagged_for_a_crm_contact_is_merged_back() {
    let mut w = World::new();
    let ann = w.crm_add(person("Ann", "Lee", "a@x.io"));
    let bo = w.crm_add(person("Bo", "Ng", "b@x.io"));
    w.run();
    // Two runs that could not exclude each other each created these.
    let tag = |id: &str| json!([{"key": format!("gcsync:{INSTANCE}"), "value": id}]);
    w.google_add(&[
        json!({"names": [{"givenName": "Ann", "familyName": "Lee"}], "clientData": tag(&ann)}),
        json!({"names": [{"givenName": "Bo", "familyName": "Ng"}], "clientData": tag(&bo),
               "phoneNumbers": [{"value": "+1 415 555 0177"}]}),
    ]);
    let r = w.run_ok();
    assert_eq!(
        w.google().len(),
        3,
        "the empty copy goes, the one with a phone stays"
    );
    assert_eq!(r.report.deleted.google, 1);
    assert!(
        r.report
            .ambiguous
            .iter()
            .any(|a| a.candidates == [bo.clone()]),
        "{:?}",
        r.report.ambiguous
    );
    assert_eq!(w.state.links.len(), 2);
    w.settled();
}

#[test]
fn one_persons_refused_field_does_not_fail_the_others_in_its_batch() {
    let mut w = World::new();
    let ann = w.crm_add(person("Ann", "Lee", "a@x.io"));
    let bo = w.crm_add(person("Bo", "Ng", "b@x.io"));
    w.run();
    // Bo's Google contact got a second name from his Google profile: Google refuses any write
    // of `names` for him, since names is a singleton for contact sources.
    let rn = w.resource_name(&bo);
    w.net.push(NetFault {
        url: "batchUpdateContacts",
        count: usize::MAX,
        kind: NetKind::RefuseIf(Box::new(move |body: &str| {
            let v: Value = serde_json::from_str(body).unwrap_or_default();
            v["contacts"].get(&rn).is_some()
                && v["updateMask"].as_str().unwrap_or("").contains("names")
        })),
    });
    w.crm_edit(&ann, |c| c.name.given = "Anne".into());
    w.crm_edit(&bo, |c| c.emails[0].value = "bo@x.io".into());
    w.run_ok();
    assert_eq!(w.twin(&ann)["names"][0]["givenName"], "Anne");
    assert_eq!(w.twin(&bo)["emailAddresses"][0]["value"], "bo@x.io");
    w.settled();
}

#[test]
fn labels_types_and_order_that_differ_between_the_sides_settle_in_one_sync() {
    let mut w = World::new();
    let mut c = person("Ann", "Lee", "a@x.io");
    c.emails.push(gcontacts_sync_core::sync::model::Email {
        value: "ann@home.io".into(),
        kind: "home".into(),
        primary: false,
    });
    let id = w.crm_add(with_phone(c, "+1 415 555 0100"));
    // Google has the same items, unlabelled or labelled otherwise, in the other order.
    w.google_add(&[json!({
        "names": [{"givenName": "Ann", "familyName": "Lee"}],
        "emailAddresses": [{"value": "ann@home.io"}, {"value": "a@x.io", "type": "other"}],
        "phoneNumbers": [{"value": "+1 415 555 0100", "type": "home"}]
    })]);
    w.run_ok();
    assert_eq!(w.google().len(), 1, "linked, not duplicated");
    let labels = |v: &Value, field: &str| -> Vec<(String, String)> {
        v[field]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| {
                let t = x["type"].as_str().unwrap_or("").to_string();
                (x["value"].as_str().unwrap_or("").to_string(), t)
            })
            .collect()
    };
    let g = w.twin(&id);
    let crm = &w.crm.contacts[&id].contact;
    let mut want: Vec<(String, String)> = crm
        .emails
        .iter()
        .map(|e| (e.value.clone(), e.kind.clone()))
        .collect();
    let mut got = labels(&g, "emailAddresses");
    want.sort();
    got.sort();
    assert_eq!(got, want, "Google holds the labels the merge settled on");
    assert_eq!(
        crm.emails
            .iter()
            .find(|e| e.value == "a@x.io")
            .map(|e| e.kind.as_str()),
        Some("work")
    );
    w.settled();
    // And a label changed later on either side travels, then settles.
    w.crm_edit(&id, |c| c.phones[0].kind = "work".into());
    w.run_ok();
    assert_eq!(labels(&w.twin(&id), "phoneNumbers")[0].1, "work");
    w.settled();
}

#[test]
fn a_contact_deleted_in_google_stays_deleted_there_under_the_unlink_and_status_policies() {
    use gcontacts_sync_core::sync::settings::GoogleDeletes;
    for policy in [
        GoogleDeletes::Unlink,
        GoogleDeletes::SetStatus("Past".into()),
    ] {
        let mut w = World::new();
        w.settings.google_deletes = policy.clone();
        let id = w.crm_add(person("Ann", "Lee", "a@x.io"));
        w.run();
        let rn = w.resource_name(&id);
        w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
        w.run_ok();
        assert!(
            w.crm.contacts.contains_key(&id),
            "{policy:?}: the CRM keeps it"
        );
        w.settled();
        assert!(w.google().is_empty(), "{policy:?}: not sent back to Google");
        // Edited in the CRM, it goes back.
        w.crm_edit(&id, |c| c.title = "CEO".into());
        w.run();
        assert_eq!(w.google().len(), 1, "{policy:?}");
        w.settled();
    }
}

#[test]
fn a_contact_out_of_the_view_and_out_of_the_source_groups_stays_unlinked() {
    let mut w = World::new();
    w.settings.crm_view_id = Some(VIEW.into());
    // Outside the view, linked to its Google twin through the source group myContacts.
    let id = w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.google_add(
        &[json!({"names": [{"givenName": "Ann", "familyName": "Lee"}],
                          "emailAddresses": [{"value": "a@x.io"}]})],
    );
    w.run();
    assert!(w.state.links.contains_key(&id));
    // The user stops syncing myContacts; a full listing (an expired token) shows it.
    w.settings.source_groups = vec!["contactGroups/friends".into()];
    w.em.advance_clock(8 * 86_400_000);
    w.renew_token();
    let r = w.run();
    assert_eq!(r.report.unlinked, 1, "{:?}", r.plan.map(|p| p.to_string()));
    for _ in 0..2 {
        let r = w.run_ok();
        assert_eq!(
            (r.report.linked, r.report.unlinked, writes(&r)),
            (0, 0, 0),
            "{:?}",
            r.plan.map(|p| p.to_string())
        );
    }
    assert_eq!((w.google().len(), w.crm.contacts.len()), (1, 1));
}

#[test]
fn a_listing_that_repeats_a_page_token_ends_the_run_instead_of_looping() {
    let mut w = World::new();
    w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.net.push(NetFault::answer(
        "people/me/connections",
        1000,
        200,
        r#"{"connections": [], "nextPageToken": "page-2"}"#,
    ));
    let r = w.run();
    assert!(!r.report.ok);
    assert!(
        r.report.errors[0].message.contains("repeated a page"),
        "{:?}",
        r.report.errors
    );
    assert_eq!(r.report.requests.get("people.connections.list"), Some(&2));
    assert!(
        w.google().is_empty(),
        "nothing planned from a partial picture"
    );
    w.net.clear();
    w.run_ok();
    w.settled();
}

#[test]
fn a_listing_that_keeps_restarting_on_an_expired_token_ends_the_run() {
    let mut w = World::new();
    w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.run();
    w.net.push(NetFault::answer(
"people/me/connections",
 1000,
 400,
 r#"{"error":{"code":400,"message":"Sync token is expired. Clear local cache and retry call without the sync token.","status":"FAILED_PRECONDITION","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"EXPIRED_SYNC_TOKEN","domain":"people.googleapis.com"}]}}"#,
));
    let r = w.run();
    assert!(!r.report.ok);
    assert_eq!(r.report.requests.get("people.connections.list"), Some(&3));
    assert_eq!(w.crm.contacts.len(), 1, "nothing deleted");
    w.net.clear();
    w.run_ok();
    assert_eq!(w.google().len(), 1);
    w.settled();
}

#[test]
fn a_second_tab_with_older_state_links_what_the_first_created_instead_of_creating_it() {
    let mut w = World::new();
    w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.run();
    // Two tabs hold the same saved state; contacts are added to the CRM.
    let before = w.state.clone();
    w.crm_add_people(3, "Ng");
    // The first tab syncs them; the second runs from the state it loaded before.
    let r = w.run();
    assert_eq!(r.report.created.google, 3);
    w.state = before;
    let r = w.run_ok();
    assert_eq!(
        r.report.created.google, 0,
        "found by tag, not created again"
    );
    assert_eq!(w.google().len(), 4);
    assert_eq!(w.state.links.len(), 4);
    w.settled();
}
