//! CRM tags ⇄ Google labels end to end (docs/sync-rules.md, "Tags and labels"): a tag added or
//! removed on one side is added or removed on the other, a tag without a label is the CRM's own
//! and stays, a label that no tag maps to is left alone, and tags ride the contact's update.

use crate::harness::*;
use gcontacts_sync_core::sync::labels::TagLabel;
use serde_json::{json, Value};

/// The person's memberships, as group resource names.
fn groups(p: &Value) -> Vec<String> {
    let mut out: Vec<String> = (p["memberships"].as_array().into_iter().flatten())
        .filter_map(|m| m["contactGroupMembership"]["contactGroupResourceName"].as_str())
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

/// A world whose CRM holds tags, with `vip` mapped to a label "VIP" and `lead` to "Leads", and
/// Ann Lee (tagged `golf`, which has no label) linked. Answers the world, Ann's id and the two
/// groups.
fn linked() -> (World, String, String, String) {
    let mut w = World::new();
    w.capabilities.tags = true;
    let group = |name: &str| {
        let g = w.google_request(
            "POST",
            "/v1/contactGroups",
            Some(json!({"contactGroup": {"name": name}})),
        );
        g["resourceName"].as_str().expect("a group").to_string()
    };
    let (vip, lead) = (group("VIP"), group("Leads"));
    w.settings.tag_labels = vec![
        TagLabel {
            tag: "vip".into(),
            group: vip.clone(),
        },
        TagLabel {
            tag: "lead".into(),
            group: lead.clone(),
        },
    ];
    let mut ann = person("Ann", "Lee", "ann@x.io");
    ann.tags = vec!["golf".into()];
    let id = w.crm_add(ann);
    w.run_ok();
    (w, id, vip, lead)
}

fn crm_tags(w: &World, id: &str) -> Vec<String> {
    w.crm.contacts[id].contact.tags.clone()
}

#[test]
fn a_tag_added_in_the_crm_makes_the_google_contact_a_member_of_its_label() {
    let (mut w, id, vip, _) = linked();
    assert!(!groups(&w.twin(&id)).contains(&vip));
    w.crm_edit(&id, |c| c.tags = vec!["golf".into(), "vip".into()]);
    let r = w.run_ok();
    assert!(groups(&w.twin(&id)).contains(&vip));
    assert!(
        groups(&w.twin(&id))
            .iter()
            .any(|g| g == "contactGroups/myContacts"),
        "other memberships stay"
    );
    assert_eq!(
        r.report.requests.get("people.batchUpdateContacts"),
        Some(&1),
        "the membership rides the contact's update: {:?}",
        r.report.requests
    );
    assert_eq!(r.report.requests.get("contactGroups.members.modify"), None);
    // Written once: the next run finds nothing to do.
    assert_eq!(writes(&w.run_ok()), 0);
}

#[test]
fn a_label_added_in_google_becomes_the_crm_tag_and_the_crms_own_tags_stay() {
    let (mut w, id, _, lead) = linked();
    let rn = w.resource_name(&id);
    let mut g = groups(&w.twin(&id));
    g.push(lead);
    let memberships: Vec<Value> = g
        .iter()
        .map(|g| json!({"contactGroupMembership": {"contactGroupResourceName": g}}))
        .collect();
    w.google_edit(&rn, "memberships", json!({ "memberships": memberships }));
    w.run_ok();
    assert_eq!(crm_tags(&w, &id), ["golf", "lead"]);
    assert_eq!(writes(&w.run_ok()), 0);
}

#[test]
fn a_tag_removed_on_either_side_is_removed_on_the_other() {
    let (mut w, id, vip, lead) = linked();
    w.crm_edit(&id, |c| {
        c.tags = vec!["golf".into(), "lead".into(), "vip".into()]
    });
    w.run_ok();
    assert!(groups(&w.twin(&id)).contains(&lead));

    // Removed in the CRM: Google's membership goes.
    w.crm_edit(&id, |c| c.tags = vec!["golf".into(), "lead".into()]);
    w.run_ok();
    let now = groups(&w.twin(&id));
    assert!(!now.contains(&vip) && now.contains(&lead), "{now:?}");

    // Removed in Google (the contact taken off the label): the CRM's tag goes.
    w.google_request(
        "POST",
        &format!("/v1/{lead}/members:modify"),
        Some(json!({"resourceNamesToRemove": [w.resource_name(&id)]})),
    );
    w.run_ok();
    assert_eq!(crm_tags(&w, &id), ["golf"]);
}

#[test]
fn tags_edited_on_both_sides_between_runs_keep_both_edits() {
    let (mut w, id, vip, lead) = linked();
    w.crm_edit(&id, |c| c.tags = vec!["golf".into(), "vip".into()]);
    w.google_request(
        "POST",
        &format!("/v1/{lead}/members:modify"),
        Some(json!({"resourceNamesToAdd": [w.resource_name(&id)]})),
    );
    w.run_ok();
    assert_eq!(crm_tags(&w, &id), ["golf", "lead", "vip"]);
    let g = groups(&w.twin(&id));
    assert!(g.contains(&vip) && g.contains(&lead), "{g:?}");
}

#[test]
fn a_crm_contact_created_in_google_carries_its_labels_and_a_google_one_its_tags() {
    let (mut w, _, vip, lead) = linked();
    let mut bo = person("Bo", "Park", "bo@x.io");
    bo.tags = vec!["vip".into()];
    let bo = w.crm_add(bo);
    w.google_add(&[json!({
        "names": [{"givenName": "Cy", "familyName": "Ray"}],
        "emailAddresses": [{"value": "cy@x.io"}],
        "memberships": [
            {"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts"}},
            {"contactGroupMembership": {"contactGroupResourceName": lead}}
        ]
    })]);
    w.run_ok();
    assert!(groups(&w.twin(&bo)).contains(&vip));
    let cy = (w.crm.contacts.values())
        .find(|c| c.contact.name.given == "Cy")
        .expect("Cy imported");
    assert_eq!(cy.contact.tags, ["lead"]);
}

#[test]
fn without_the_tags_capability_no_membership_is_written_nor_tag_read() {
    let (mut w, id, vip, _) = linked();
    w.capabilities.tags = false;
    w.crm_edit(&id, |c| c.tags = vec!["vip".into()]);
    w.run_ok();
    assert!(!groups(&w.twin(&id)).contains(&vip));
    assert_eq!(crm_tags(&w, &id), ["vip"]);
}
