//! Google renaming and merging linked contacts: the link follows a rename, a merge of two linked
//! contacts keeps one link and reports the other CRM contact, nothing is deleted on either side,
//! and the next run writes nothing. (The harness checks after every run that no Google contact
//! is linked to two CRM contacts.)

use crate::harness::{person, with_phone, writes, World, INSTANCE};
use gcontacts_sync_core::sync::plan::Scope;
use people_emulator::NameForm;
use serde_json::{json, Value};

/// Sync tokens live seven days: past that, the next run lists Google in full.
const EIGHT_DAYS_MS: u64 = 8 * 86_400_000;

/// The CRM ids the link tags of a Google contact name.
fn tags(g: &Value) -> Vec<String> {
    g["clientData"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["key"] == format!("gcsync:{INSTANCE}").as_str())
        .filter_map(|d| d["value"].as_str().map(str::to_string))
        .collect()
}

fn emails(w: &World, id: &str) -> Vec<String> {
    w.crm.contacts[id]
        .contact
        .emails
        .iter()
        .map(|e| e.value.clone())
        .collect()
}

/// Ann and Annie, both in the CRM and linked to their Google copies.
fn two_linked() -> (World, String, String) {
    let mut w = World::new();
    let ann = w.crm_add(with_phone(
        person("Ann", "Lee", "ann@x.io"),
        "+1 415 555 0100",
    ));
    let annie = w.crm_add(person("Annie", "Lee", "annie@home.io"));
    w.run_ok();
    (w, ann, annie)
}

/// Lets the sync token expire, so the next run lists Google in full.
fn expire_sync_token(w: &mut World) {
    w.em.advance_clock(EIGHT_DAYS_MS);
    w.renew_token();
}

/// Ann, linked to her Google copy, which Google then gives a new name of `form`: the world, her
/// CRM id and the new resource name.
fn renamed_ann(form: NameForm) -> (World, String, String) {
    let mut w = World::new();
    let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    w.run_ok();
    let old = w.resource_name(&ann);
    let new = w.em.rename_contact(w.account, &old, form).expect("renamed");
    (w, ann, new)
}

#[test]
fn a_rename_in_either_form_relinks_the_contact_and_writes_nothing() {
    for form in [NameForm::Contact, NameForm::Profile] {
        let (mut w, ann, new) = renamed_ann(form);
        let r = w.run_ok();
        assert_eq!(w.resource_name(&ann), new, "{form:?}");
        assert_eq!(
            writes(&r),
            0,
            "{form:?}: {:?}",
            r.plan.map(|p| p.to_string())
        );
        assert_eq!(w.crm.contacts.len(), 1);
        assert_eq!(w.google().len(), 1);
        w.settled();
        // The link works under the new name: an edit in Google reaches the CRM.
        w.google_edit(
            &new,
            "emailAddresses",
            json!({"emailAddresses": [{"value": "ann@y.io"}]}),
        );
        w.run_ok();
        assert_eq!(emails(&w, &ann), ["ann@y.io"], "{form:?}");
        w.settled();
    }
}

#[test]
fn a_rename_seen_in_a_full_listing_is_followed_by_the_tag() {
    for form in [NameForm::Contact, NameForm::Profile] {
        let (mut w, ann, new) = renamed_ann(form);
        expire_sync_token(&mut w);
        let r = w.run_ok();
        assert_eq!(w.resource_name(&ann), new, "{form:?}");
        assert_eq!(
            writes(&r),
            0,
            "{form:?}: {:?}",
            r.plan.map(|p| p.to_string())
        );
        assert_eq!((w.crm.contacts.len(), w.google().len()), (1, 1));
        w.settled();
    }
}

/// After Google merged Annie's copy into Ann's (`survivor`): one link, Ann's; Annie unlinked,
/// reported and kept; Google's contact holds both and carries Ann's tag alone.
fn check_merged(w: &mut World, ann: &str, annie: &str, survivor: &str) {
    let preview = w.preview();
    assert!(
        preview.contains(&format!(
            "merged in Google \"Annie Lee\" (crm {annie} = {}) into {survivor} (crm {ann})",
            w.resource_name(annie)
        )),
        "{preview}"
    );
    let r = w.run_ok();
    assert_eq!(r.report.merged.len(), 1, "{:?}", r.report);
    let m = &r.report.merged[0];
    assert_eq!((m.crm_id.as_str(), m.survivor.as_str()), (annie, ann));
    assert_eq!(m.resource_name, survivor);
    assert_eq!(r.report.deleted.crm + r.report.deleted.google, 0);
    assert_eq!(w.resource_name(ann), survivor);
    assert!(!w.state.links.contains_key(annie));
    // Nothing lost: both CRM contacts, Ann's with Annie's email too; one Google contact with
    // both emails, tagged for Ann only.
    assert_eq!(w.crm.contacts.len(), 2);
    assert_eq!(emails(w, annie), ["annie@home.io"]);
    assert_eq!(emails(w, ann), ["ann@x.io", "annie@home.io"]);
    let google = w.google();
    assert_eq!(google.len(), 1, "{google:?}");
    assert_eq!(tags(&google[0]), [ann]);
    w.settled();
    // Reported once; not sent back to Google, even after a full listing.
    let r = w.run_ok();
    assert!(r.report.merged.is_empty());
    expire_sync_token(w);
    w.settled();
    assert_eq!((w.crm.contacts.len(), w.google().len()), (2, 1));
}

#[test]
fn a_merge_of_two_linked_contacts_under_a_new_name_keeps_one_link() {
    let (mut w, ann, annie) = two_linked();
    let (a, b) = (w.resource_name(&ann), w.resource_name(&annie));
    let survivor = w.em.merge_contacts(w.account, &a, &b).expect("merged");
    check_merged(&mut w, &ann, &annie, &survivor);
}

#[test]
fn a_merge_of_two_linked_contacts_keeping_the_survivors_name_keeps_its_link() {
    let (mut w, ann, annie) = two_linked();
    let (a, b) = (w.resource_name(&ann), w.resource_name(&annie));
    let survivor =
        w.em.merge_contacts_keeping_name(w.account, &a, &b)
            .expect("merged");
    assert_eq!(survivor, a);
    check_merged(&mut w, &ann, &annie, &survivor);
}

#[test]
fn a_merge_seen_in_a_full_listing_keeps_the_link_of_the_first_tag() {
    let (mut w, ann, annie) = two_linked();
    let (a, b) = (w.resource_name(&ann), w.resource_name(&annie));
    let survivor = w.em.merge_contacts(w.account, &a, &b).expect("merged");
    expire_sync_token(&mut w);
    check_merged(&mut w, &ann, &annie, &survivor);
}

#[test]
fn a_merge_into_a_contact_whose_link_was_not_saved_deletes_nothing() {
    // Ann's Google copy carries her tag, but her link is not in the state (a run that created
    // the copy stopped before saving it); Google merges Annie's copy into Ann's.
    let (mut w, ann, annie) = two_linked();
    let (a, b) = (w.resource_name(&ann), w.resource_name(&annie));
    w.state.links.remove(&ann);
    let survivor =
        w.em.merge_contacts_keeping_name(w.account, &a, &b)
            .expect("merged");
    expire_sync_token(&mut w);
    let r = w.run_ok();
    assert_eq!(
        r.report.deleted.crm + r.report.deleted.google,
        0,
        "{:?}",
        r.report
    );
    assert_eq!(r.report.merged.len(), 1, "{:?}", r.report);
    assert_eq!(r.report.merged[0].crm_id, annie);
    w.settled();
    assert_eq!(w.crm.contacts.len(), 2, "both CRM contacts kept");
    let google = w.google();
    assert_eq!(google.len(), 1, "{google:?}");
    assert_eq!(google[0]["resourceName"], survivor.as_str());
}

#[test]
fn a_merge_with_a_contact_the_crm_does_not_hold_relinks_and_brings_its_data() {
    for (unlinked_survives, new_name) in [(false, true), (true, false)] {
        let mut w = World::new();
        let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
        // A Google contact outside the source groups: never imported, so never linked.
        let neighbours = w.google_request(
            "POST",
            "/v1/contactGroups",
            Some(json!({"contactGroup": {"name": "Neighbours"}})),
        );
        let other = w.google_add(&[json!({
            "names": [{"givenName": "Annie", "familyName": "Lee"}],
            "emailAddresses": [{"value": "annie@work.io"}],
            "memberships": [{"contactGroupMembership":
                {"contactGroupResourceName": neighbours["resourceName"]}}],
        })]);
        w.run_ok();
        assert_eq!(
            w.crm.contacts.len(),
            1,
            "the neighbour stays out of the CRM"
        );
        let linked = w.resource_name(&ann);
        let (s, m) = match unlinked_survives {
            false => (linked.clone(), other[0].clone()),
            true => (other[0].clone(), linked.clone()),
        };
        let survivor = match new_name {
            true => w.em.merge_contacts(w.account, &s, &m),
            false => w.em.merge_contacts_keeping_name(w.account, &s, &m),
        }
        .expect("merged");
        let r = w.run_ok();
        assert_eq!(w.resource_name(&ann), survivor);
        assert!(r.report.merged.is_empty());
        assert_eq!(r.report.deleted.crm + r.report.deleted.google, 0);
        assert_eq!(w.crm.contacts.len(), 1);
        let mut got = emails(&w, &ann);
        got.sort();
        assert_eq!(got, ["ann@x.io", "annie@work.io"], "{unlinked_survives}");
        let google = w.google();
        assert_eq!(google.len(), 1);
        assert_eq!(tags(&google[0]), std::slice::from_ref(&ann));
        w.settled();
    }
}

#[test]
fn a_renamed_contact_merged_later_still_keeps_one_link() {
    let (mut w, ann, annie) = two_linked();
    let b = w.resource_name(&annie);
    let b2 =
        w.em.rename_contact(w.account, &b, NameForm::Profile)
            .expect("renamed");
    w.run_ok();
    assert_eq!(w.resource_name(&annie), b2);
    let a = w.resource_name(&ann);
    // Annie's copy survives this time: her link stays, Ann's goes.
    let survivor = w.em.merge_contacts(w.account, &b2, &a).expect("merged");
    let r = w.run_ok();
    assert_eq!(w.resource_name(&annie), survivor);
    assert!(!w.state.links.contains_key(&ann));
    assert_eq!(r.report.merged.len(), 1);
    assert_eq!(r.report.merged[0].crm_id, ann);
    assert_eq!(w.crm.contacts.len(), 2);
    w.settled();
}

#[test]
fn a_contact_renamed_then_deleted_in_google_between_runs_is_deleted_in_the_crm() {
    let mut w = World::new();
    let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    let bo = w.crm_add(person("Bo", "Ng", "bo@x.io"));
    w.run_ok();
    let old = w.resource_name(&ann);
    let new =
        w.em.rename_contact(w.account, &old, NameForm::Profile)
            .expect("renamed");
    w.google_request("DELETE", &format!("/v1/{new}:deleteContact"), None);
    let r = w.run_ok();
    assert_eq!(r.report.deleted.crm, 1);
    assert!(!w.crm.contacts.contains_key(&ann) && !w.state.links.contains_key(&ann));
    assert!(w.crm.contacts.contains_key(&bo));
    w.settled();
}

#[test]
fn a_contact_merged_away_goes_back_to_google_only_when_the_user_syncs_it() {
    let (mut w, ann, annie) = two_linked();
    let (a, b) = (w.resource_name(&ann), w.resource_name(&annie));
    w.em.merge_contacts(w.account, &a, &b).expect("merged");
    w.run_ok();
    assert!(w.state.merged_in_google.contains_key(&annie));
    // "Sync with Google Contacts" on Annie: the user asks for her, so she is synced again.
    let r = w
        .run_with(
            Scope::Contacts {
                ids: vec![annie.clone()],
            },
            None,
        )
        .expect("not interrupted");
    assert!(r.report.ok, "{:?}", r.report.errors);
    assert_eq!(r.report.created.google, 1);
    assert!(w.state.links.contains_key(&annie));
    assert!(w.state.merged_in_google.is_empty());
    assert_eq!(w.google().len(), 2);
    w.settled();
}
