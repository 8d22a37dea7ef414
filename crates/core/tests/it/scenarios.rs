//! Whole-sync scenarios: the rules of docs/sync-rules.md as a user would see them, end to end
//! through the real engine and the emulator.

use crate::harness::*;
use gcontacts_sync_core::store;
use gcontacts_sync_core::sync::capabilities::Capabilities;
use gcontacts_sync_core::sync::plan::Scope;
use gcontacts_sync_core::sync::settings::CrmDeletes;
use people_emulator::{FaultKind, FaultRule};
use serde_json::{json, Value};

fn emails(p: &Value) -> Vec<String> {
    p["emailAddresses"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["value"].as_str().map(str::to_lowercase))
                .collect()
        })
        .unwrap_or_default()
}

fn given(p: &Value) -> String {
    p["names"][0]["givenName"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_first_sync_of_450_crm_contacts_sends_3_batch_creates_and_a_second_run_one_listing() {
    let mut w = World::new();
    w.crm_add_people(450, "Lee");
    let r = w.run_ok();
    assert_eq!(r.report.created.google, 450);
    assert_eq!(w.google().len(), 450);
    assert_eq!(
        r.report.requests.get("people.batchCreateContacts"),
        Some(&3)
    );
    assert_eq!(r.report.requests.get("people.connections.list"), Some(&1));

    let again = w.run();
    assert_eq!(
        again.report.requests.values().sum::<usize>(),
        1,
        "{:?}",
        again.report.requests
    );
    assert_eq!(again.report.created.google + again.report.updated.google, 0);
    assert_eq!(again.report.updated.crm, 0);
}

#[test]
fn a_match_by_email_links_without_a_duplicate_and_fills_blanks_both_ways() {
    let mut w = World::new();
    let id = w.crm_add(with_phone(
        person("Ann", "Lee", "ann@x.io"),
        "(415) 555-0132",
    ));
    w.google_add(&[json!({
        "names": [{"givenName": "Ann", "familyName": "Lee"}],
        "emailAddresses": [{"value": "ANN@x.io"}],
        "birthdays": [{"date": {"month": 7, "day": 14}}],
        "userDefined": [{"key": "Tier", "value": "Gold"}]
    })]);
    let r = w.run_ok();
    assert_eq!(r.report.linked, 1);
    let google = w.google();
    assert_eq!(google.len(), 1, "no duplicate in Google");
    let g = &google[0];
    assert_eq!(g["phoneNumbers"][0]["canonicalForm"], "+14155550132");
    assert_eq!(
        g["userDefined"][0]["value"], "Gold",
        "unmapped Google data is kept"
    );
    assert!(
        g["clientData"].to_string().contains(&id),
        "linked contacts carry the tag"
    );
    let c = &w.crm.contacts[&id];
    assert_eq!(
        c.contact.birthday.map(|b| b.to_string()).as_deref(),
        Some("--07-14")
    );
    assert_eq!(w.crm.contacts.len(), 1, "no duplicate in the CRM");
}

/// The run after a first sync lists its creates back unchanged (echoes), which the listing keeps
/// as resource names only: a CRM edit made meanwhile still reaches Google, onto the person read
/// again, and leaves the rest of it (names, tag, group) as it was.
#[test]
fn a_crm_edit_reaches_a_google_contact_listed_back_as_an_echo() {
    let mut w = World::new();
    let id = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.crm_add(person("Bo", "Ng", "bo@x.io"));
    assert_eq!(w.run_ok().report.created.google, 2);
    let rn = w.resource_name(&id);
    let before = w.google().into_iter().find(|g| g["resourceName"] == rn);
    w.crm_edit(&id, |c| *c = with_phone(c.clone(), "(415) 555-0132"));
    let r = w.run_ok();
    assert_eq!(r.report.updated.google, 1);
    let after = w.google().into_iter().find(|g| g["resourceName"] == rn);
    let (before, after) = (before.expect("created"), after.expect("still there"));
    assert_eq!(after["phoneNumbers"][0]["canonicalForm"], "+14155550132");
    for kept in ["names", "emailAddresses", "clientData", "memberships"] {
        assert_eq!(after[kept], before[kept], "{kept}");
    }
    let again = w.run();
    assert_eq!(again.report.updated.crm + again.report.updated.google, 0);
}

#[test]
fn edits_flow_both_ways_and_a_second_sync_writes_nothing() {
    let mut w = World::new();
    let id = w.crm_add(person("Bo", "Ng", "bo@x.io"));
    w.run();
    let rn = w.resource_name(&id);
    // Google: a new title; the CRM: a new phone.
    w.google_edit(
        &rn,
        "organizations",
        json!({"organizations": [{"name": "Acme", "title": "CTO"}]}),
    );
    w.crm_edit(&id, |c| *c = with_phone(c.clone(), "+44 20 7946 0018"));
    w.run_ok();
    assert_eq!(w.crm.contacts[&id].contact.title, "CTO");
    assert_eq!(w.crm.contacts[&id].contact.company, "Acme");
    let g = &w.google()[0];
    assert_eq!(g["phoneNumbers"][0]["canonicalForm"], "+442079460018");
    let again = w.run();
    assert_eq!(again.report.updated.crm + again.report.updated.google, 0);
}

#[test]
fn a_google_deletion_deletes_in_the_crm_but_a_crm_deletion_leaves_google_alone() {
    let mut w = World::new();
    let a = w.crm_add(person("Ann", "Lee", "a@x.io"));
    let b = w.crm_add(person("Bo", "Ng", "b@x.io"));
    w.run();
    let rn_a = w.resource_name(&a);
    w.google_request("DELETE", &format!("/v1/{rn_a}:deleteContact"), None);
    w.crm.contacts.remove(&b);
    w.run_ok();
    assert!(
        !w.crm.contacts.contains_key(&a),
        "deleted in Google → deleted in the CRM"
    );
    let google = w.google();
    assert_eq!(google.len(), 1, "the CRM deletion did not reach Google");
    assert_eq!(given(&google[0]), "Bo");
    assert!(w.state.links.is_empty());
    // Nothing comes back on the next run.
    w.run();
    assert_eq!(w.crm.contacts.len(), 0);
    assert_eq!(w.google().len(), 1);
}

#[test]
fn the_crm_deletion_policy_delete_removes_the_google_contact() {
    let mut w = World::new();
    w.settings.crm_deletes = CrmDeletes::Delete;
    let a = w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.run();
    w.crm.contacts.remove(&a);
    w.run();
    assert!(w.google().is_empty());
}

#[test]
fn an_expired_sync_token_means_a_full_listing_without_deletions_or_duplicates() {
    let mut w = World::new();
    w.crm_add_people(5, "Lee");
    w.run();
    w.em.advance_clock(8 * 86_400_000);
    w.renew_token();
    let r = w.run_ok();
    assert_eq!(r.report.requests.get("people.connections.list"), Some(&2));
    assert_eq!(w.google().len(), 5);
    assert_eq!(w.crm.contacts.len(), 5);
    assert_eq!(r.report.deleted.crm + r.report.deleted.google, 0);
}

#[test]
fn server_errors_are_retried_and_the_run_completes() {
    let mut w = World::new();
    w.crm_add_people(3, "Lee");
    w.em.add_faults(vec![FaultRule {
        method: "batchCreateContacts".into(),
        kind: FaultKind::Status { status: 503 },
        count: 2,
    }]);
    let r = w.run_ok();
    assert_eq!(w.google().len(), 3);
    assert_eq!(
        r.report.requests.get("people.batchCreateContacts"),
        Some(&3)
    );
}

#[test]
fn a_spurious_etag_mismatch_is_reread_and_resent() {
    let mut w = World::new();
    let id = w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.run();
    w.crm_edit(&id, |c| c.title = "CEO".into());
    w.em.add_faults(vec![FaultRule {
        method: "batchUpdateContacts".into(),
        kind: FaultKind::EtagMismatch,
        count: 1,
    }]);
    let r = w.run_ok();
    assert_eq!(
        w.google()[0]["organizations"][0]["title"],
        "CEO",
        "{:?}",
        r.report
    );
    assert_eq!(w.run().report.updated.google, 0);
}

#[test]
fn a_run_interrupted_after_its_creates_reached_google_does_not_create_them_twice() {
    let mut w = World::new();
    w.crm_add_people(250, "Lee");
    // Actions: group list, group create, listing, CRM list, journal, two batch creates: stop
    // right after the first batch create was answered.
    let stopped = w.run_with(Scope::All, Some(7));
    assert!(stopped.is_none());
    assert!(w.journal.is_some(), "the journal survives the closed tab");
    assert_eq!(w.google().len(), 200);
    w.run_ok();
    assert_eq!(w.google().len(), 250, "no duplicates after resuming");
    assert_eq!(w.state.links.len(), 250);
    assert!(w.journal.is_none());
}

#[test]
fn reset_sync_data_then_sync_creates_no_duplicate() {
    let mut w = World::new();
    for i in 0..4 {
        w.crm_add(person(&format!("P{i}"), "", ""));
    }
    w.run();
    w.state = Default::default();
    let r = w.run_ok();
    assert_eq!(w.google().len(), 4);
    assert_eq!(r.report.linked, 4, "relinked by tag");
}

#[test]
fn a_new_google_contact_is_imported_with_the_import_status_and_tagged() {
    let mut w = World::new();
    w.settings.import_status = Some("Lead".into());
    w.google_add(&[
        json!({"names": [{"givenName": "Zoë"}], "emailAddresses": [{"value": "z@x.io"}]}),
    ]);
    w.run_ok();
    let c = w.crm.contacts.values().next().expect("imported");
    assert_eq!(c.status.as_deref(), Some("Lead"));
    assert_eq!(emails(&w.google()[0]), ["z@x.io"]);
    assert!(w.google()[0]["clientData"].to_string().contains(&c.id));
    assert_eq!(w.run().report.created.crm, 0);
}

#[test]
fn the_preview_shows_the_plan_and_changes_nothing() {
    let mut w = World::new();
    w.crm_add(person("Ann", "Lee", "a@x.io"));
    let text = w.preview();
    assert!(text.contains("google: create \"Ann Lee\""), "{text}");
    assert!(w.google().is_empty());
    assert!(w.state.links.is_empty());
}

#[test]
fn the_record_action_syncs_one_contact_both_ways() {
    let mut w = World::new();
    let a = w.crm_add(person("Ann", "Lee", "a@x.io"));
    w.crm_add(person("Bo", "Ng", "b@x.io"));
    let r = w
        .run_with(
            Scope::Contacts {
                ids: vec![a.clone()],
            },
            None,
        )
        .unwrap();
    assert!(r.report.ok, "{:?}", r.report.errors);
    let google = w.google();
    assert_eq!(google.len(), 1);
    assert_eq!(given(&google[0]), "Ann");
    assert!(
        w.state.sync_token.is_none(),
        "a scoped run does not move the sync token"
    );
}

#[test]
fn with_a_change_feed_a_quiet_run_reads_only_the_feed() {
    let mut w = World::new();
    w.crm_add_people(30, "Lee");
    w.run();
    w.run();
    let calls = w.crm.calls;
    w.run_ok();
    assert_eq!(w.crm.calls - calls, 1, "one changedSince call, no listing");
}

/// A run that finds nothing changed changes no entry of the state, so its save writes nothing;
/// one edited contact touches its link alone, and the save writes that link's shard and the
/// header (the CRM cursor moved), not the account.
#[test]
fn a_quiet_run_saves_nothing_and_one_edit_saves_one_shard() {
    let mut w = World::new();
    let ids: Vec<String> = (0..40)
        .map(|i| w.crm_add(person(&format!("P{i}"), "Lee", &format!("p{i}@x.io"))))
        .collect();
    w.run_ok();
    w.settled();
    let r = w.run_ok();
    assert!(r.touched.is_empty(), "{:?}", r.touched);
    assert_eq!(w.saved_keys, Vec::<String>::new());
    w.crm.contacts.get_mut(&ids[7]).unwrap().contact.company = "Acme".into();
    let r = w.run_ok();
    assert_eq!(r.report.updated.google, 1);
    assert_eq!(r.touched.links.iter().collect::<Vec<_>>(), vec![&ids[7]]);
    assert!(r.touched.google_unlinked.is_empty() && !r.touched.all_google_unlinked);
    let shard = store::fnv(&ids[7]) % store::LINK_SHARDS;
    assert_eq!(
        w.saved_keys,
        vec![
            store::key("ann@example.com", &format!("links/{shard}")),
            store::key("ann@example.com", "state"),
        ]
    );
}

#[test]
fn with_a_change_feed_a_new_google_contact_matching_an_unchanged_crm_contact_links_to_it() {
    let mut w = World::new();
    let mut c = person("Ann", "Lee", "ann@x.io");
    c.company = "Acme".into();
    let id = w.crm_add(c);
    // Outside Google's scope at first: the CRM contact is pushed, then its Google copy is
    // deleted there with the CRM copy edited, so the two are unlinked but both exist.
    w.settings.directions = gcontacts_sync_core::sync::settings::Directions::GoogleToCrm;
    w.run();
    assert!(w.google().is_empty());
    w.settings.directions = Default::default();
    w.google_add(
        &[json!({"names": [{"givenName": "Ann", "familyName": "Lee"}],
                          "emailAddresses": [{"value": "ann@x.io"}]})],
    );
    let r = w.run_ok();
    assert_eq!(
        w.crm.contacts.len(),
        1,
        "no duplicate imported: {:?}",
        r.plan.map(|p| p.to_string())
    );
    assert_eq!(
        w.state.links[&id].resource_name,
        w.google()[0]["resourceName"].as_str().unwrap()
    );
}

#[test]
fn a_google_contact_imported_from_the_cache_of_an_earlier_listing_is_tagged_too() {
    let mut w = World::new();
    w.settings.directions = gcontacts_sync_core::sync::settings::Directions::CrmToGoogle;
    w.google_add(&[
        json!({"names": [{"givenName": "Zoë"}], "emailAddresses": [{"value": "z@x.io"}]}),
    ]);
    w.run();
    assert!(w.crm.contacts.is_empty());
    w.settings.directions = Default::default();
    w.run_ok();
    let c = w
        .crm
        .contacts
        .values()
        .next()
        .expect("imported from the cache");
    assert!(
        w.google()[0]["clientData"].to_string().contains(&c.id),
        "tagged"
    );
}

#[test]
fn deletions_held_by_the_guard_are_made_when_the_user_confirms_them() {
    let mut w = World::new();
    w.crm_add_people(15, "Lee");
    w.run();
    for g in w.google().iter().take(12) {
        let rn = g["resourceName"].as_str().unwrap().to_string();
        w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    }
    w.confirm = false;
    let held = w.run();
    assert_eq!(
        held.report
            .held
            .iter()
            .map(|h| h.deletions.len())
            .sum::<usize>(),
        12
    );
    assert_eq!(
        w.crm.contacts.len(),
        15,
        "nothing deleted before confirmation"
    );
    // A scheduled run meanwhile still holds them.
    assert_eq!(w.run().report.held.len(), 1);
    w.confirm = true;
    let r = w.run_ok();
    assert_eq!(r.report.deleted.crm, 12);
    assert_eq!(w.crm.contacts.len(), 3);
}

/// A CRM like Creme: one email, two phones, no middle name or suffix.
fn one_email_crm() -> Capabilities {
    use gcontacts_sync_core::sync::model::Field;
    let stored: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| !matches!(f, Field::MiddleName | Field::Suffix))
        .collect();
    let mut caps = Capabilities::storing(&stored);
    caps.emails = Some(1);
    caps.phones = Some(2);
    caps
}

#[test]
fn a_crm_holding_one_email_keeps_all_three_google_emails_through_syncs_and_edits() {
    let mut w = World::new();
    w.capabilities = one_email_crm();
    let id = w.crm_add(person("Cy", "Ro", "cy@x.io"));
    w.google_add(&[json!({
        "names": [{"givenName": "Cy", "middleName": "Quentin", "familyName": "Ro"}],
        // The shared email carries the CRM's label: a label Google lacks is another matter.
        "emailAddresses": [
            {"value": "cy@home.io", "type": "home"},
            {"value": "cy@x.io", "type": "work"},
            {"value": "cy@work.io", "type": "work"}
        ]
    })]);
    let r = w.run_ok();
    assert_eq!(r.report.linked, 1);
    assert!(r.report.conflicts.is_empty(), "{:?}", r.report.conflicts);
    let g = &w.google()[0];
    assert_eq!(emails(g), ["cy@home.io", "cy@x.io", "cy@work.io"]);
    assert_eq!(g["names"][0]["middleName"], "Quentin");
    let emails_in_crm = |w: &World| -> Vec<String> {
        w.crm.contacts[&id]
            .contact
            .emails
            .iter()
            .map(|e| e.value.clone())
            .collect()
    };
    assert_eq!(emails_in_crm(&w), ["cy@x.io"]);

    let again = w.run();
    assert_eq!(again.report.updated.crm + again.report.updated.google, 0);
    assert!(again.report.conflicts.is_empty());

    // The CRM's one email changes: that one is replaced in its place, the two it cannot hold
    // stay, and Google's primary stays first since the CRM flags none.
    w.em.advance_clock(60_000);
    w.crm_edit(&id, |c| c.emails[0].value = "cy@new.io".into());
    w.run_ok();
    assert_eq!(
        emails(&w.google()[0]),
        ["cy@home.io", "cy@new.io", "cy@work.io"]
    );
    assert_eq!(emails_in_crm(&w), ["cy@new.io"]);
    let third = w.run();
    assert_eq!(third.report.updated.crm + third.report.updated.google, 0);
}

#[test]
fn a_google_contact_imported_into_a_one_email_crm_brings_its_primary_email_and_loses_none() {
    let mut w = World::new();
    w.capabilities = one_email_crm();
    w.google_add(&[json!({
        "names": [{"givenName": "Di", "familyName": "Fox"}],
        "emailAddresses": [{"value": "di@one.io"}, {"value": "di@two.io"}, {"value": "di@three.io"}],
        "phoneNumbers": [{"value": "+1 415 555 0101"}, {"value": "+1 415 555 0102"}, {"value": "+1 415 555 0103"}]
    })]);
    let r = w.run_ok();
    assert_eq!(r.report.created.crm, 1);
    let c = w.crm.contacts.values().next().unwrap();
    assert_eq!(c.contact.emails.len(), 1);
    assert_eq!(c.contact.emails[0].value, "di@one.io");
    assert_eq!(c.contact.phones.len(), 2);
    let again = w.run();
    assert_eq!(again.report.updated.crm + again.report.updated.google, 0);
    assert_eq!(again.report.deleted.google, 0);
    let g = &w.google()[0];
    assert_eq!(emails(g).len(), 3);
    assert_eq!(g["phoneNumbers"].as_array().map(Vec::len), Some(3));
}
