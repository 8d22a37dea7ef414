//! Shared records: two CRM users, each with their own sync state, over one Google account; the
//! second may not change a contact the first synced (docs/sync-rules.md, "Shared records").

use crate::harness::*;
use gcontacts_sync_core::sync::plan::Skipped;
use gcontacts_sync_core::sync::xorshift::XorShift;
use serde_json::json;

const REASON: &str = "Owned by Ann Lee.";

fn notes(w: &World, rn: &str) -> String {
    let g = w
        .google()
        .into_iter()
        .find(|g| g["resourceName"] == rn)
        .expect("the Google contact");
    g["biographies"][0]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_read_only_users_first_link_keeps_the_edit_made_in_google_and_writes_nothing_to_the_crm() {
    let mut w = World::new();
    let mut c = person("Kim", "Park", "kim@x.io");
    c.notes = "old note".into();
    let id = w.crm_add(c);
    // The owner syncs first: the contact goes to Google, tagged.
    w.run_ok();
    let rn = w.resource_name(&id);
    w.google_edit(
        &rn,
        "biographies",
        json!({"biographies": [{"value": "edited in Google"}]}),
    );

    // A second user, who may not change the contact, syncs the same account for the first time.
    let mut owner = User::new(&[(&id, REASON)]);
    w.switch_user(&mut owner);
    let preview = w.preview();
    assert!(
        preview.contains(&format!(
            "crm: not written \"Kim Park\" (crm {id} = {rn}): you may not change this contact \
             in the CRM: {REASON}: notes: old note → edited in Google"
        )),
        "{preview}"
    );
    assert!(!preview.contains("google: update"), "{preview}");
    assert!(!preview.contains("conflict"), "{preview}");

    let r = w.run_ok();
    assert_eq!(notes(&w, &rn), "edited in Google");
    assert_eq!(w.crm.contacts[&id].contact.notes, "old note");
    assert!(
        w.crm.forbidden_writes.is_empty(),
        "{:?}",
        w.crm.forbidden_writes
    );
    assert_eq!((r.report.updated.crm, r.report.updated.google), (0, 0));
    // The report names the contact and says why.
    let n = &r.report.not_written;
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(
        (n[0].crm_id.as_str(), n[0].name.as_str()),
        (id.as_str(), "Kim Park")
    );
    assert_eq!(
        n[0].why(),
        format!("you may not change this contact in the CRM: {REASON}")
    );
    assert!(matches!(&n[0].change, Skipped::Update(d) if d.len() == 1));
    // Later runs leave Google's edit alone too.
    w.settled();
    assert_eq!(notes(&w, &rn), "edited in Google");

    // The owner's next run brings Google's edit into the CRM; then both users agree.
    w.switch_user(&mut owner);
    w.run_ok();
    assert_eq!(w.crm.contacts[&id].contact.notes, "edited in Google");
    w.switch_user(&mut owner);
    let r = w.run_ok();
    assert!(
        r.report.not_written.is_empty(),
        "{:?}",
        r.report.not_written
    );
    assert_eq!(writes(&r), 0);
}

#[test]
fn the_owners_later_edit_reaches_google_through_the_read_only_user_marked_in_the_preview() {
    let mut w = World::new();
    let id = w.crm_add(person("Kim", "Park", "kim@x.io"));
    let mut owner = User::new(&[(&id, REASON)]);
    w.switch_user(&mut owner);
    w.run_ok();
    let rn = w.resource_name(&id);
    // Someone who may change the record edits it in the CRM.
    w.crm_edit(&id, |c| c.title = "CTO".into());
    let preview = w.preview();
    assert!(
        preview.contains(&format!(
            "google: update \"Kim Park\" (crm {id} = {rn}): title: (empty) → CTO (from a contact \
             you may not change in the CRM)"
        )),
        "{preview}"
    );
    w.run_ok();
    assert_eq!(w.twin(&id)["organizations"][0]["title"], "CTO");
    assert!(w.crm.forbidden_writes.is_empty());
}

#[test]
fn a_contact_deleted_in_google_is_unlinked_not_deleted_for_a_user_who_may_not_change_it() {
    let mut w = World::new();
    let id = w.crm_add(person("Kim", "Park", "kim@x.io"));
    let mut owner = User::new(&[(&id, REASON)]);
    w.switch_user(&mut owner);
    w.run_ok();
    let rn = w.resource_name(&id);
    w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    let r = w.run_ok();
    assert!(w.crm.contacts.contains_key(&id));
    assert!(w.crm.forbidden_writes.is_empty());
    assert_eq!(r.report.unlinked, 1);
    assert!(
        matches!(r.report.not_written.as_slice(), [n] if n.change == Skipped::Delete),
        "{:?}",
        r.report.not_written
    );
    // Unlinked and kept: not sent back to Google unedited, not reported again.
    w.settled();
}

/// Two users over one account, the second with a random set of contacts they may not change:
/// random edits in the CRM (by whoever may make them) and in Google, random deletions in Google,
/// runs of either user in any order. No write ever reaches a contact the running user may not
/// change.
#[test]
fn no_write_ever_targets_a_contact_the_running_user_may_not_change() {
    for seed in 1..=40u64 {
        let mut rng = XorShift::new(seed);
        let mut w = World::new();
        let mut ids = Vec::new();
        for i in 0..6 {
            let mut c = person(&format!("P{i}"), "Doe", &format!("p{i}@x.io"));
            c.notes = format!("n{i}");
            ids.push(w.crm_add(c));
        }
        let read_only: Vec<(&str, &str)> = ids
            .iter()
            .filter(|_| rng.chance(60))
            .map(|id| (id.as_str(), REASON))
            .collect();
        let mut other = User::new(&read_only);
        // Who runs first: the owner, or the read-only user.
        if rng.chance(50) {
            w.switch_user(&mut other);
        }
        for round in 0..6 {
            let linked: Vec<String> = w.state.links.keys().cloned().collect();
            if let Some(id) = linked.get(rng.below(linked.len().max(1))) {
                let rn = w.resource_name(id);
                match rng.below(4) {
                    0 => w.google_edit(
                        &rn,
                        "biographies",
                        json!({"biographies": [{"value": format!("g{seed}.{round}")}]}),
                    ),
                    1 if w.crm.contacts.contains_key(id) => {
                        w.crm_edit(id, |c| c.title = format!("t{seed}.{round}"))
                    }
                    2 if rng.chance(30) => {
                        w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
                    }
                    _ => {}
                }
            }
            if rng.chance(50) {
                w.switch_user(&mut other);
            }
            let r = w.run_ok();
            // Whatever the run reports of a contact names it.
            for c in &r.report.conflicts {
                assert!(!c.name.is_empty() && !c.crm_id.is_empty(), "{c:?}");
            }
            for n in &r.report.not_written {
                assert!(!n.name.is_empty() && !n.crm_id.is_empty(), "{n:?}");
            }
            assert!(
                w.crm.forbidden_writes.is_empty(),
                "seed {seed}, round {round}: writes to {:?}",
                w.crm.forbidden_writes
            );
        }
    }
}
