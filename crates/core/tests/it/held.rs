//! Deletions held before they are made (`googleDeletesHoldDays`, `crmDeletesHoldDays`), whole
//! runs against the emulator, whose clock is the runs' clock: held and marked, kept waiting
//! while runs pass, made by the first run after the days, restored, deleted now, cancelled by
//! an edit, and kept across a reload of the state.

use crate::harness::{person, reloaded, World};
use gcontacts_sync_core::sync::plan::{Decisions, PendingAction, PendingChoice};
use gcontacts_sync_core::sync::settings::{CrmDeletes, DEFAULT_HOLD_DAYS};
use gcontacts_sync_core::sync::state::PENDING_GROUP_NAME;
use serde_json::Value;

const DAY: u64 = 86_400_000;

/// A world whose deletions wait the default days on both sides, CRM deletions propagating.
fn holding() -> World {
    let mut w = World::new();
    w.settings.google_deletes_hold_days = DEFAULT_HOLD_DAYS;
    w.settings.crm_deletes_hold_days = DEFAULT_HOLD_DAYS;
    w.settings.crm_deletes = CrmDeletes::Delete;
    w
}

/// The Google person `rn`, if Google still holds it.
fn person_of(w: &World, rn: &str) -> Option<Value> {
    w.google().into_iter().find(|g| g["resourceName"] == rn)
}

/// Whether Google's person `rn` is in the group marking pending deletions.
fn marked(w: &World, rn: &str) -> bool {
    let groups = w.google_request("GET", "/v1/contactGroups", None);
    let Some(group) = groups["contactGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["name"] == PENDING_GROUP_NAME)
    else {
        return false;
    };
    let p = person_of(w, rn).expect("the person");
    p["memberships"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|m| m["contactGroupMembership"]["contactGroupResourceName"] == group["resourceName"])
}

fn choose(w: &mut World, crm_id: &str, action: PendingAction) {
    w.decisions = Decisions {
        pending: vec![PendingChoice {
            crm_id: crm_id.to_string(),
            action,
        }],
        ..Decisions::default()
    };
}

/// Ann and Bo, synced; Ann deleted in the CRM and Bo in Google, both held by one run. Answers
/// their CRM ids and resource names.
fn both_held(w: &mut World) -> (String, String, String, String) {
    let ann = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    let bo = w.crm_add(person("Bo", "Ng", "bo@x.io"));
    w.run_ok();
    let (ann_rn, bo_rn) = (w.resource_name(&ann), w.resource_name(&bo));
    w.crm.contacts.remove(&ann);
    w.google_request("DELETE", &format!("/v1/{bo_rn}:deleteContact"), None);
    let r = w.run_ok();
    assert_eq!(
        r.report.deleted.crm + r.report.deleted.google,
        0,
        "nothing deleted yet"
    );
    // The report says what waits, and for how long, one entry per side a contact waits on.
    let holding: Vec<String> = r
        .report
        .holding
        .iter()
        .map(|h| format!("{}: {} for {} days", h.side, h.deletions, h.days))
        .collect();
    assert_eq!(
        holding,
        [
            format!("crm: 1 for {DEFAULT_HOLD_DAYS} days"),
            format!("google: 1 for {DEFAULT_HOLD_DAYS} days")
        ]
    );
    (ann, ann_rn, bo, bo_rn)
}

#[test]
fn deletions_wait_marked_then_the_first_run_after_the_days_makes_them() {
    let mut w = holding();
    let (ann, ann_rn, bo, _) = both_held(&mut w);
    assert!(w.state.links.is_empty(), "both pairs unlinked");
    assert!(marked(&w, &ann_rn), "Ann waits in Google's pending group");
    assert!(w.crm.contacts.contains_key(&bo), "Bo waits in the CRM");
    let pending: Vec<&String> = w.state.pending.deletions.keys().collect();
    assert_eq!(pending, [&ann, &bo]);
    // Runs before the days are over neither delete, nor link, nor send anything back.
    w.em.advance_clock(2 * DAY);
    w.renew_token();
    w.settled();
    assert_eq!(w.google().len(), 1, "Bo is not sent back to Google");
    assert_eq!(w.crm.contacts.len(), 1, "Ann is not imported again");
    w.em.advance_clock(DAY);
    w.renew_token();
    let r = w.run_ok();
    assert_eq!((r.report.deleted.google, r.report.deleted.crm), (1, 1));
    assert!(w.google().is_empty() && w.crm.contacts.is_empty());
    assert!(w.state.pending.deletions.is_empty());
    w.settled();
}

#[test]
fn restore_brings_each_pair_back_linked_and_unmarked() {
    let mut w = holding();
    let (ann, ann_rn, bo, bo_rn) = both_held(&mut w);
    choose(&mut w, &ann, PendingAction::Restore);
    w.run_ok();
    // Ann is made again in the CRM from her Google contact, linked to it.
    let (new_ann, link) = w
        .state
        .links
        .iter()
        .find(|(_, l)| l.resource_name == ann_rn)
        .expect("Ann linked again");
    assert_ne!(new_ann, &ann, "a new CRM contact");
    assert_eq!(w.crm.contacts[new_ann].contact.display_name(), "Ann Lee");
    assert!(link.base.display_name() == "Ann Lee");
    assert!(!marked(&w, &ann_rn), "no longer marked");
    // Bo is made again in Google from his CRM contact, linked to it.
    choose(&mut w, &bo, PendingAction::Restore);
    w.run_ok();
    let bo_new_rn = w.resource_name(&bo);
    assert_ne!(bo_new_rn, bo_rn);
    assert_eq!(
        person_of(&w, &bo_new_rn).expect("in Google")["names"][0]["givenName"],
        "Bo"
    );
    assert!(w.state.pending.deletions.is_empty());
    // Nothing is deleted once the days are over, and the pairs sync as any other.
    w.em.advance_clock(4 * DAY);
    w.renew_token();
    w.settled();
    assert_eq!((w.google().len(), w.crm.contacts.len()), (2, 2));
    w.crm_edit(&bo, |c| c.name.family = "Ngo".into());
    w.run_ok();
    assert_eq!(
        person_of(&w, &bo_new_rn).unwrap()["names"][0]["familyName"],
        "Ngo"
    );
}

#[test]
fn delete_now_deletes_before_the_days_are_over() {
    let mut w = holding();
    let (ann, ann_rn, bo, _) = both_held(&mut w);
    choose(&mut w, &ann, PendingAction::DeleteNow);
    let r = w.run_ok();
    assert_eq!(r.report.deleted.google, 1);
    assert!(person_of(&w, &ann_rn).is_none());
    choose(&mut w, &bo, PendingAction::DeleteNow);
    assert_eq!(w.run_ok().report.deleted.crm, 1);
    assert!(w.crm.contacts.is_empty() && w.state.pending.deletions.is_empty());
    // A choice on a deletion no longer pending is refused, and changes nothing.
    choose(&mut w, &bo, PendingAction::Restore);
    let r = w.run();
    assert!(!r.report.ok);
    assert!(w.crm.contacts.is_empty());
}

#[test]
fn an_edit_of_the_contact_waiting_cancels_its_deletion() {
    let mut w = holding();
    let (ann, ann_rn, bo, _) = both_held(&mut w);
    w.crm_edit(&bo, |c| c.name.family = "Ngo".into());
    w.google_edit(
        &ann_rn,
        "names",
        serde_json::json!({"names": [{"givenName": "Ann", "familyName": "Leigh"}]}),
    );
    w.run_ok();
    assert!(
        w.state.pending.deletions.is_empty(),
        "both deletions cancelled"
    );
    assert!(!marked(&w, &ann_rn), "Ann unmarked, kept in Google");
    let bo_rn = w.resource_name(&bo);
    assert_eq!(
        person_of(&w, &bo_rn).unwrap()["names"][0]["familyName"],
        "Ngo"
    );
    w.em.advance_clock(4 * DAY);
    w.renew_token();
    w.run_ok();
    assert!(
        person_of(&w, &ann_rn).is_some(),
        "the edit won: Ann is not deleted"
    );
    assert!(
        w.crm.contacts.contains_key(&bo),
        "the edit won: Bo is not deleted"
    );
    assert!(!w.crm.contacts.contains_key(&ann));
}

#[test]
fn held_deletions_survive_a_reload_of_the_state() {
    let mut w = holding();
    let (_, ann_rn, _, _) = both_held(&mut w);
    let state = reloaded(&w.state);
    assert_eq!(state.pending, w.state.pending);
    w.state = state;
    w.em.advance_clock(3 * DAY);
    w.renew_token();
    let r = w.run_ok();
    assert_eq!((r.report.deleted.google, r.report.deleted.crm), (1, 1));
    assert!(person_of(&w, &ann_rn).is_none());
}

#[test]
fn the_pending_group_is_made_once_and_found_again_after_the_state_is_lost() {
    let mut w = holding();
    let a = w.crm_add(person("Ann", "Lee", "ann@x.io"));
    let b = w.crm_add(person("Bo", "Ng", "bo@x.io"));
    w.run_ok();
    let b_rn = w.resource_name(&b);
    w.crm.contacts.remove(&a);
    w.run_ok();
    let group = w.state.pending.group.clone().expect("made");
    w.state.pending.group = None;
    w.crm.contacts.remove(&b);
    w.run_ok();
    assert_eq!(w.state.pending.group, Some(group), "found by its name");
    assert!(marked(&w, &b_rn));
    let groups = w.google_request("GET", "/v1/contactGroups", None);
    let named = groups["contactGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["name"] == PENDING_GROUP_NAME)
        .count();
    assert_eq!(named, 1);
}
