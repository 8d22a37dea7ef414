//! Undoing a run that deleted CRM contacts on a host that keeps them in a trash (docs/hosts.md,
//! `contacts.restore`): the undo brings back the same contacts, under their ids, rather than
//! creating new ones; one the trash no longer holds is created again.

use crate::harness::*;

/// What a user sees of each CRM contact, by id.
fn crm_by_id(w: &World) -> Vec<(String, String)> {
    w.crm
        .contacts
        .values()
        .map(|c| {
            let phones: Vec<&str> = c.contact.phones.iter().map(|p| p.value.as_str()).collect();
            let emails: Vec<&str> = c.contact.emails.iter().map(|e| e.value.as_str()).collect();
            let shown = format!(
                "{} {} | {} | {} | {}",
                c.contact.name.given,
                c.contact.name.family,
                emails.join(","),
                phones.join(","),
                c.contact.title
            );
            (c.id.clone(), shown)
        })
        .collect()
}

/// A world on a host with a trash, with `names` synced to Google, then deleted in Google and
/// the deletions propagated to the CRM at once: answers the CRM as it was before (by id) and
/// the run that deleted them.
fn deleted_from_google(w: &mut World, names: &[(&str, &str)]) -> (Vec<(String, String)>, String) {
    w.capabilities.restore = true;
    for (given, family) in names {
        let mut c = with_phone(
            person(given, family, &format!("{given}@x.io").to_lowercase()),
            "+1 415 555 0132",
        );
        c.title = "Engineer".into();
        w.crm_add(c);
    }
    w.run_ok();
    let before = crm_by_id(w);
    w.em.advance_clock(60_000);
    for (id, _) in &before {
        let rn = w.resource_name(id);
        w.google_request("DELETE", &format!("/v1/{rn}:deleteContact"), None);
    }
    let r = w.run_ok();
    assert_eq!(r.report.deleted.crm, names.len());
    assert!(w.crm.contacts.is_empty());
    assert_eq!(
        w.crm.trash.len(),
        names.len(),
        "the CRM keeps them in its trash"
    );
    w.em.advance_clock(60_000);
    let run = w.undoable().last().cloned().expect("the run is kept");
    (before, run)
}

#[test]
fn undoing_a_run_that_deleted_crm_contacts_restores_the_same_contacts_from_the_trash() {
    let mut w = World::new();
    let (before, run) = deleted_from_google(&mut w, &[("Bo", "Ng"), ("Cy", "Li")]);
    // Edited while in the trash (or kept otherwise by the host): the undo writes the run's
    // before-image back where the contact restored differs.
    let bo = before[0].0.clone();
    w.crm
        .trash
        .get_mut(&bo)
        .expect("in the trash")
        .contact
        .title = "Retired".into();

    let preview = w.undo_preview(&run);
    assert!(
        preview.contains(&format!("crm: restore \"Bo Ng\" (crm {bo})")),
        "{preview}"
    );
    assert!(!preview.contains("crm: create"), "{preview}");
    let undo = w.undo(&run);
    assert_eq!((undo.report.restored, undo.report.created.crm), (2, 0));
    assert_eq!(undo.report.updated.crm, 1, "only Bo differs from the image");
    assert!(w.crm.trash.is_empty());
    assert_eq!(
        crm_by_id(&w),
        before,
        "the same contacts, ids and values, are back"
    );

    // They are the user's contacts again: the next run sends them to Google, each linked under
    // its own CRM id, and nothing is duplicated on either side.
    w.run_ok();
    for (id, _) in &before {
        assert!(
            w.state.links.contains_key(id),
            "{id} linked: {:?}",
            w.state.links
        );
    }
    assert_eq!(crm_by_id(&w), before);
    assert_eq!(w.google().len(), 2);
    w.settled();
}

#[test]
fn a_contact_the_trash_no_longer_holds_is_created_again_and_the_others_restored() {
    let mut w = World::new();
    let (before, run) = deleted_from_google(&mut w, &[("Bo", "Ng"), ("Cy", "Li")]);
    // Cy was emptied from the trash since the run.
    let (bo, cy) = (before[0].0.clone(), before[1].0.clone());
    w.crm.trash.remove(&cy);

    let undo = w.undo(&run);
    assert_eq!((undo.report.restored, undo.report.created.crm), (1, 1));
    assert!(
        undo.report.failures.is_empty(),
        "{:?}",
        undo.report.failures
    );
    let after = crm_by_id(&w);
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0], before[0], "Bo is back under his id");
    assert_ne!(after[1].0, cy, "Cy is a new contact");
    assert_eq!(after[1].1, before[1].1, "with the values the run deleted");
    assert!(w.state.links.is_empty(), "{:?}", w.state.links);

    w.run_ok();
    assert!(w.state.links.contains_key(&bo));
    assert_eq!(w.crm.contacts.len(), 2);
    assert_eq!(w.google().len(), 2);
    w.settled();
}

#[test]
fn without_the_capability_the_undo_creates_new_crm_contacts_as_before() {
    let mut w = World::new();
    let (before, run) = deleted_from_google(&mut w, &[("Bo", "Ng")]);
    w.capabilities.restore = false;
    let preview = w.undo_preview(&run);
    assert!(preview.contains("crm: create \"Bo Ng\""), "{preview}");
    let undo = w.undo(&run);
    assert_eq!((undo.report.restored, undo.report.created.crm), (0, 1));
    assert_eq!(w.crm.trash.len(), 1, "the trash is left alone");
    let after = crm_by_id(&w);
    assert_ne!(after[0].0, before[0].0);
    assert_eq!(after[0].1, before[0].1);
}

#[test]
fn a_contact_the_host_refuses_to_restore_is_reported_and_not_created_the_others_restored() {
    let mut w = World::new();
    let (before, run) = deleted_from_google(&mut w, &[("Bo", "Ng"), ("Cy", "Li")]);
    let (bo, cy) = (before[0].0.clone(), before[1].0.clone());
    // The host checks its rights on the restore alone: Cy is not the user's to bring back.
    w.crm.refuse_writes.insert(cy.clone());
    w.undoing = Some(w.kept_undo(&run));
    let undo = w.run();
    assert_eq!((undo.report.restored, undo.report.created.crm), (1, 0));
    let refused: Vec<_> = undo
        .report
        .failures
        .iter()
        .map(|f| (f.crm_id.clone(), f.reason.clone()))
        .collect();
    assert_eq!(
        refused,
        [(
            Some(cy.clone()),
            "you may not change Cy Li in the CRM".to_string()
        )]
    );
    assert_eq!(crm_by_id(&w), [before[0].clone()], "Bo alone is back");
    assert!(w.crm.trash.contains_key(&cy), "Cy stays in the trash");
    assert!(w.crm.contacts.contains_key(&bo));
}
