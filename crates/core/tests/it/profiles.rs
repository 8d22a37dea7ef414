//! Google contacts linked to Google profiles. Google merges a profile's names, emails and photos
//! into a contact it returns unless the read asks for the contact source alone; the plugin asks
//! so, and its mapping reads only the contact's items whatever Google answers. Each scenario runs
//! both ways: as the plugin asks, and with Google answering every read merged (`merged_reads`),
//! which only the mapping's filter then keeps out of the CRM.

use crate::harness::*;
use serde_json::{json, Value};

/// Ada is in the CRM too (linked by email); Bo and Cy are Google's only (imported). Each
/// contact's profile differs from it: another name, another email, a photo.
fn world(merged_reads: bool) -> (World, String) {
    let mut w = World::new();
    w.merged_reads = merged_reads;
    let ada = w.crm_add(person("Ada", "Lovelace", "ada@x.io"));
    w.google_add(&[
        json!({
            "names": [{"givenName": "Ada", "familyName": "Lovelace"}],
            "emailAddresses": [{"value": "ada@x.io", "type": "work"}],
            "profile": {
                "names": [{"givenName": "Augusta", "familyName": "King"}],
                "emailAddresses": [{"value": "augusta@gmail.example"}],
                "photos": [{"url": "https://lh3.googleusercontent.com/a/ada"}]
            }
        }),
        json!({
            "names": [{"givenName": "Bo", "familyName": "Ng"}],
            "emailAddresses": [{"value": "bo@x.io", "type": "home"}],
            "phoneNumbers": [{"value": "+1 415 555 0101", "type": "mobile"}],
            "profile": {"emailAddresses": [{"value": "bo.ng@gmail.example"}]}
        }),
        json!({
            "names": [{"givenName": "Cy", "familyName": "Ro"}],
            "emailAddresses": [{"value": "cy@x.io"}],
            "profile": {
                "names": [{"givenName": "Cyrus", "familyName": "Rowe"}],
                "photos": [{"url": "https://lh3.googleusercontent.com/a/cy"}]
            }
        }),
    ]);
    (w, ada)
}

const PROFILE_DATA: [&str; 5] = [
    "augusta@gmail.example",
    "bo.ng@gmail.example",
    "Augusta",
    "Cyrus",
    "googleusercontent",
];

/// Checks that no CRM contact holds a profile's data, that Google still holds each profile apart
/// from its contact, and that each linked pair agrees on the names and emails of the contact.
fn assert_profiles_stayed_out(w: &World) {
    let crm = format!("{:?}", w.crm.contacts);
    for p in PROFILE_DATA {
        assert!(!crm.contains(p), "the CRM holds {p}: {crm}");
    }
    let google = w.google();
    for g in &google {
        let profile = &g["profile"];
        assert!(profile.is_object(), "the profile is still linked: {g}");
        let own = g.as_object().map(|o| {
            let mut o = o.clone();
            o.remove("profile");
            Value::Object(o).to_string()
        });
        for p in PROFILE_DATA {
            assert!(!own.as_deref().unwrap_or("").contains(p), "{p} in {g}");
        }
    }
    assert_eq!(w.state.links.len(), 3, "every contact linked");
    for (id, c) in &w.crm.contacts {
        let g = w.twin(id);
        let emails: Vec<&str> = (g["emailAddresses"].as_array().into_iter().flatten())
            .filter_map(|e| e["value"].as_str())
            .collect();
        let crm_emails: Vec<&str> = c.contact.emails.iter().map(|e| &e.value[..]).collect();
        assert_eq!(crm_emails, emails, "{id}");
        assert_eq!(c.contact.name.given, g["names"][0]["givenName"], "{id}");
        assert_eq!(g["names"].as_array().map(Vec::len), Some(1), "{g}");
    }
}

#[test]
fn a_profiles_data_never_reaches_the_crm_and_the_pairs_settle() {
    for merged_reads in [false, true] {
        let (mut w, ada) = world(merged_reads);
        let r = w.run_ok();
        // Ada linked, Bo and Cy created in the CRM and linked too.
        assert_eq!((r.report.linked, r.report.created.crm), (3, 2), "{r:?}");
        assert_eq!(w.crm.contacts.len(), 3);
        assert_eq!(w.crm.contacts[&ada].contact.emails.len(), 1);
        assert_profiles_stayed_out(&w);
        w.settled();
        assert_profiles_stayed_out(&w);
    }
}

#[test]
fn crm_edits_of_profile_linked_contacts_reach_google_without_the_profiles_items() {
    for merged_reads in [false, true] {
        let (mut w, ada) = world(merged_reads);
        w.run_ok();
        let bo = w
            .crm
            .contacts
            .values()
            .find(|c| c.contact.name.given == "Bo")
            .map(|c| c.id.clone())
            .expect("Bo imported");
        w.crm_edit(&ada, |c| c.name.given = "Countess Ada".into());
        w.crm_edit(&bo, |c| c.emails[0].value = "bo@new.io".into());
        let r = w.run_ok();
        assert_eq!(r.report.updated.google, 2, "{r:?}");
        assert_eq!(w.twin(&ada)["names"][0]["givenName"], "Countess Ada");
        assert_eq!(w.twin(&bo)["emailAddresses"][0]["value"], "bo@new.io");
        assert_profiles_stayed_out(&w);
        w.settled();
    }
}

#[test]
fn a_profile_linked_between_runs_changes_nothing_on_either_side() {
    for merged_reads in [false, true] {
        let mut w = World::new();
        w.merged_reads = merged_reads;
        let dee = w.crm_add(person("Dee", "Fox", "dee@x.io"));
        w.run_ok();
        let rn = w.resource_name(&dee);
        let before = w.crm.contacts[&dee].clone();
        w.em.set_profile(
            w.account,
            &rn,
            json!({"names": [{"givenName": "Delia"}],
                "emailAddresses": [{"value": "delia@gmail.example"}]}),
        )
        .expect("a profile for Dee's contact");
        let r = w.run_ok();
        assert_eq!(writes(&r), 0, "{:?}", r.plan.map(|p| p.to_string()));
        assert_eq!(w.crm.contacts[&dee], before);
        assert_eq!(w.twin(&dee)["profile"]["names"][0]["givenName"], "Delia");
        w.settled();
    }
}

/// A sync token is bound to the parameters of the listing that issued it: one saved by a
/// version of the plugin that did not ask for `sources` is refused by the listing that does,
/// which then lists in full, as after an expired token.
#[test]
fn a_sync_token_issued_without_sources_is_replaced_by_a_full_listing() {
    let (mut w, _) = world(false);
    w.run_ok();
    let fields = gcontacts_sync_core::people::request::PERSON_FIELDS;
    let old = w.google_request(
        "GET",
        &format!("/v1/people/me/connections?personFields={fields}&requestSyncToken=true"),
        None,
    )["nextSyncToken"]
        .as_str()
        .expect("a sync token")
        .to_string();
    w.state.sync_token = Some(old.clone());
    let r = w.run_ok();
    assert_eq!(r.report.requests.get("people.connections.list"), Some(&2));
    assert_eq!(writes(&r), 0, "{:?}", r.plan.map(|p| p.to_string()));
    assert!(w.state.sync_token.as_ref().is_some_and(|t| *t != old));
    assert_profiles_stayed_out(&w);
    w.settled();
}
