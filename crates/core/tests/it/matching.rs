//! The matching and mapping rules end to end, through the real engine and the emulator: what a
//! user finds in Google and in the CRM after a run, and that a second run writes nothing.

use crate::harness::*;
use gcontacts_sync_core::sync::model::{Birthday, Phone};
use serde_json::json;

#[test]
fn labels_the_merge_decides_reach_google_and_stay() {
    let mut w = World::new();
    // The CRM labels its email "work" and its phone "mobile"; Google has the email unlabelled
    // and the phone as "home".
    let id = w.crm_add(with_phone(
        person("Ann", "Lee", "ann@x.io"),
        "(415) 555-0132",
    ));
    w.google_add(&[json!({
        "names": [{"givenName": "Ann", "familyName": "Lee"}],
        "emailAddresses": [{"value": "ann@x.io"}],
        "phoneNumbers": [{"value": "+1 415 555 0132", "type": "home"}]
    })]);
    let r = w.run_ok();
    assert_eq!(r.report.linked, 1);
    let g = &w.google()[0];
    assert_eq!(g["emailAddresses"][0]["type"], "work");
    assert_eq!(g["phoneNumbers"][0]["type"], "mobile");
    assert_eq!(g["phoneNumbers"][0]["value"], "+1 415 555 0132");
    assert_eq!(g["phoneNumbers"][0]["canonicalForm"], "+14155550132");
    assert_eq!(w.crm.contacts[&id].contact.emails[0].kind, "work");
    w.settled();
}

#[test]
fn a_national_phone_in_the_accounts_region_keeps_googles_item() {
    let mut w = World::new();
    w.settings.default_region = "GB".into();
    let id = w.crm_add(with_phone(
        person("Ada", "King", "ada@x.io"),
        "020 7946 0000",
    ));
    w.google_add(&[json!({
        "names": [{"givenName": "Ada", "familyName": "King"}],
        "emailAddresses": [{"value": "ada@x.io", "type": "work"}],
        "phoneNumbers": [{"value": "+44 20 7946 0000", "type": "mobile"}]
    })]);
    assert!(w.run().report.ok);
    // A phone added in the CRM: Google's item stays as Google holds it, the new one joins it.
    w.crm_edit(&id, |c| {
        c.phones.push(Phone {
            value: "+1 212 555 0199".into(),
            kind: "work".into(),
            canonical: None,
            primary: false,
        })
    });
    w.run_ok();
    let phones = w.google()[0]["phoneNumbers"].clone();
    assert_eq!(phones[0]["value"], "+44 20 7946 0000");
    assert_eq!(phones[0]["canonicalForm"], "+442079460000");
    assert_eq!(phones[1]["canonicalForm"], "+12125550199");
    assert_eq!(phones.as_array().map(Vec::len), Some(2));
    w.settled();
}

#[test]
fn two_people_on_one_address_are_neither_linked_nor_created() {
    let mut w = World::new();
    let now = w.now();
    w.crm
        .add(person("Alice", "Smith", "info@family.example"), now);
    w.google_add(&[json!({
        "names": [{"givenName": "Bob", "familyName": "Jones"}],
        "emailAddresses": [{"value": "info@family.example"}]
    })]);
    let preview = w.preview();
    assert!(
        preview.contains("same email as") && preview.contains("another family name"),
        "{preview}"
    );
    for _ in 0..2 {
        let r = w.run_ok();
        assert_eq!(r.report.ambiguous.len(), 1);
        assert_eq!(r.report.linked, 0);
        assert_eq!(w.google().len(), 1);
        assert_eq!(w.crm.contacts.len(), 1);
    }
}

#[test]
fn a_first_link_fills_in_a_birthdays_year_on_both_sides() {
    let mut w = World::new();
    let mut c = person("Cy", "Ng", "cy@x.io");
    c.birthday = Birthday::new(None, 5, 12);
    let id = w.crm_add(c);
    w.google_add(&[json!({
        "names": [{"givenName": "Cy", "familyName": "Ng"}],
        "emailAddresses": [{"value": "cy@x.io", "type": "work"}],
        "birthdays": [{"date": {"year": 1980, "month": 5, "day": 12}}]
    })]);
    assert!(w.run().report.ok);
    assert_eq!(w.google()[0]["birthdays"][0]["date"]["year"], 1980);
    assert_eq!(
        w.crm.contacts[&id].contact.birthday,
        Birthday::new(Some(1980), 5, 12)
    );
    w.settled();
}

/// A listing cut short (an incomplete one) that brings a second copy of a linked contact but not
/// the linked contact itself: the linked one may have been deleted in Google since, leaving the
/// copy as the person's only contact there. The plan deletes nothing; once both are in sight,
/// the copy that holds nothing more goes.
#[test]
fn a_second_copy_is_not_deleted_while_its_twin_is_out_of_an_incomplete_listing() {
    use gcontacts_sync_core::sync::model::{Contact, CrmContact, Email, GoogleContact};
    use gcontacts_sync_core::sync::plan::{
        plan, Decisions, DeleteReason, GoogleListing, PlanInput, Scope,
    };
    use gcontacts_sync_core::sync::settings::Settings;
    use gcontacts_sync_core::sync::state::{AccountState, Link};

    let mut ann = Contact::default();
    ann.name.given = "Ann".to_string();
    ann.emails.push(Email {
        value: "ann@example.com".to_string(),
        kind: String::new(),
        primary: false,
    });
    let google = |rn: &str| GoogleContact {
        resource_name: rn.to_string(),
        etag: format!("etag-{rn}"),
        updated_at: 0,
        tag: Some("1".to_string()),
        extra_tags: Vec::new(),
        groups: vec!["contactGroups/myContacts".to_string()],
        contact: ann.clone(),
    };
    let mut state = AccountState::new();
    state.links.insert(
        "1".to_string(),
        Link {
            crm_id: "1".to_string(),
            resource_name: "people/c1".to_string(),
            etag: "etag-people/c1".to_string(),
            base: ann.clone(),
            synced_at: 0,
            last_change: None,
        },
    );
    let crm = [CrmContact {
        id: "1".to_string(),
        modified_at: 0,
        status: None,
        contact: ann.clone(),
        read_only: None,
    }];
    let settings = Settings::default();
    let run = |people: Vec<GoogleContact>| {
        let listing = GoogleListing {
            people,
            full: true,
            complete: false,
            ..GoogleListing::default()
        };
        plan(PlanInput {
            state: &state,
            settings: &settings,
            crm: &crm,
            crm_other: &[],
            crm_deleted: &[],
            google: &listing,
            target_group: None,
            scope: &Scope::All,
            confirm_deletions: false,
            now: 1_000,
            capabilities: &Default::default(),
            decisions: &Decisions::default(),
        })
    };
    let p = run(vec![google("people/c2")]);
    assert!(p.deletes.is_empty(), "deleted with its twin unseen:\n{p}");
    assert!(p.creates_google.is_empty(), "{p}");
    let p = run(vec![google("people/c1"), google("people/c2")]);
    let deleted: Vec<(&str, DeleteReason)> = p
        .deletes
        .iter()
        .map(|d| (d.resource_name.as_str(), d.reason))
        .collect();
    assert_eq!(deleted, [("people/c2", DeleteReason::Duplicate)], "{p}");
}
